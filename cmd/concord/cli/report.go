package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

// pairResult is one compared pair with what the report needs: its summary and
// which disagreements its pair accepts.
type pairResult struct {
	cmp  *harness.Comparison
	rep  *harness.Report
	pair *harness.Pair // nil for compare, which accepts nothing
	note string
}

func newPairResult(cmp *harness.Comparison, pair *harness.Pair) *pairResult {
	r := &pairResult{cmp: cmp, pair: pair}
	var accepts func(harness.CompareEvent) *harness.Accepted
	if pair != nil {
		accepts, r.note = pair.Accepts, pair.Note
	}
	r.rep = cmp.Report(accepts)
	return r
}

// accepted is the accepted difference covering a disagreeing event, if any.
func (r *pairResult) accepted(e harness.CompareEvent) *harness.Accepted {
	if r.pair == nil || e.Agree {
		return nil
	}
	return r.pair.Accepts(e)
}

// counts: disagreeing events covered by an accepted difference, and not.
func (r *pairResult) counts() (accepted, unaccepted int) {
	for _, e := range r.cmp.Events {
		if e.Agree {
			continue
		}
		if r.accepted(e) != nil {
			accepted++
		} else {
			unaccepted++
		}
	}
	return accepted, unaccepted
}

// summaryJSON is the "summary" object of compare and of each checked pair.
func (r *pairResult) summaryJSON() map[string]any {
	n := r.cmp.Disagreements()
	classes := make([]map[string]any, 0, len(r.rep.Classes))
	for _, c := range r.rep.Classes {
		diff := c.Diff
		if diff == nil {
			diff = []string{}
		}
		m := map[string]any{
			"label": c.Label, "splunk": c.Splunk, "panther": c.Panther, "count": c.Count, "why": c.Why,
			"example":  map[string]any{"source": c.Example.Source, "parent": c.Example.Parent, "mutation": c.Example.Mutation, "diff": diff},
			"deciding": conditionsJSON(c.Deciding),
		}
		if c.SetLevel {
			m["level"] = "set"
		}
		if c.Accepted != nil {
			m["accepted"] = c.Accepted.Reason
		}
		classes = append(classes, m)
	}
	s := map[string]any{
		"events": len(r.cmp.Events), "agree": len(r.cmp.Events) - n, "disagree": n,
		"verdict": r.rep.Verdict, "classes": classes, "matrix": r.rep.Matrix, "mutants": r.cmp.Mutants,
	}
	if r.cmp.SetLevel != "" {
		s["set_level"] = r.cmp.SetLevel
	}
	if r.cmp.Capped != "" {
		s["capped"] = r.cmp.Capped
	}
	if p := r.cmp.Proof; p != nil {
		s["proof"] = map[string]any{"decided": p.Decided, "equivalent": p.Equivalent, "note": p.Note}
	}
	return s
}

func conditionsJSON(cs []harness.Condition) []map[string]any {
	out := make([]map[string]any, 0, len(cs))
	for _, c := range cs {
		out = append(out, map[string]any{"platform": c.Platform, "condition": c.Text, "pos": posText(c.Pos), "decided": c.Decided})
	}
	return out
}

// posText is FILE:LINE, or FILE when the condition has no line of its own.
func posText(p ast.Pos) string {
	if !p.IsValid() {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// ansi colours the text report when it goes to a terminal.
type ansi struct{ on bool }

func colourFor(w io.Writer) ansi {
	f, ok := w.(*os.File)
	if !ok {
		return ansi{}
	}
	st, err := f.Stat()
	return ansi{on: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (a ansi) wrap(code, s string) string {
	if !a.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (a ansi) red(s string) string    { return a.wrap("31", s) }
func (a ansi) green(s string) string  { return a.wrap("32", s) }
func (a ansi) yellow(s string) string { return a.wrap("33", s) }
func (a ansi) bold(s string) string   { return a.wrap("1", s) }

func (a ansi) diffLine(l string) string {
	switch {
	case strings.HasPrefix(l, "+"):
		return a.green(l)
	case strings.HasPrefix(l, "-"):
		return a.red(l)
	}
	return l
}

// printComparison writes the text report: the events as given one per line (and
// the mutants too when all is set), then the summary, the matrix and the classes
// of disagreement, each with an example as a diff against its parent.
func printComparison(io *streams, r *pairResult, all bool) {
	c, cmp := colourFor(io.out), r.cmp
	fmt.Fprintf(io.out, "splunk:  %s (%s)\npanther: %s (%s)\n", cmp.Splunk.Name, cmp.Splunk.File, cmp.Panther.Name, cmp.Panther.File)
	if cmp.SetLevel != "" {
		fmt.Fprintf(io.out, "  set-level: %s; each set of events is compared whole\n", cmp.SetLevel)
	}
	var orig, mut [2]int // agree, disagree
	for _, e := range cmp.Events {
		counts := &orig
		if e.Mutation != "" {
			counts = &mut
			if !all {
				if !e.Agree {
					counts[1]++
				} else {
					counts[0]++
				}
				continue
			}
		}
		if e.Agree {
			counts[0]++
		} else {
			counts[1]++
		}
		mark := c.green("agree   ")
		a := r.accepted(e)
		if !e.Agree {
			mark = c.red("DISAGREE")
			if a != nil {
				mark = c.yellow("accepted")
			}
		}
		level := ""
		if e.Level == "set" {
			level = "[set] "
		}
		fmt.Fprintf(io.out, "  %s  splunk=%-8s panther=%-8s %s%s\n", mark, verdictWord(e.Splunk), verdictWord(e.Panther), level, e.Source)
		if !e.Agree {
			fmt.Fprintf(io.out, "            why: %s\n", e.Why)
			if a != nil {
				fmt.Fprintf(io.out, "            accepted: %s\n", a.Reason)
			}
		}
	}
	fmt.Fprintf(io.out, "  %d events: %d agree, %d disagree\n", orig[0]+orig[1], orig[0], orig[1])
	if cmp.Mutants > 0 {
		fmt.Fprintf(io.out, "  %d mutants: %d agree, %d disagree\n", mut[0]+mut[1], mut[0], mut[1])
	}
	if cmp.Capped != "" {
		fmt.Fprintf(io.out, "  capped: %s\n", cmp.Capped)
	}
	if p := cmp.Proof; p != nil {
		fmt.Fprintf(io.out, "  proof: equivalent=%v %s\n", p.Equivalent, p.Note)
	}
	m := r.rep.Matrix
	fmt.Fprintf(io.out, "  verdict: %s\n", c.bold(r.rep.Verdict))
	fmt.Fprintf(io.out, "  %-16s %12s %12s\n", "", "panther=hit", "panther=no")
	fmt.Fprintf(io.out, "  %-16s %12d %12d\n", "splunk=hit", m.Both, m.SplunkOnly)
	fmt.Fprintf(io.out, "  %-16s %12d %12d\n", "splunk=no", m.PantherOnly, m.Neither)
	if len(r.rep.Classes) == 0 {
		return
	}
	fmt.Fprintf(io.out, "  %d classes of disagreement (%d unaccepted):\n", len(r.rep.Classes), r.rep.Unaccepted())
	for _, cl := range r.rep.Classes {
		mark := c.red("DISAGREE")
		if cl.Accepted != nil {
			mark = c.yellow("accepted")
		}
		level := ""
		if cl.SetLevel {
			level = " [set-level]"
		}
		fmt.Fprintf(io.out, "  %s  %s  splunk=%s panther=%s  %d events%s\n", mark, c.bold(cl.Label), verdictWord(cl.Splunk), verdictWord(cl.Panther), cl.Count, level)
		fmt.Fprintf(io.out, "            why: %s\n", cl.Why)
		for _, d := range cl.Deciding {
			fmt.Fprintf(io.out, "            %-8s %s (%s)\n", string(d.Platform)+":", d.Text, posText(d.Pos))
		}
		if cl.Accepted != nil {
			fmt.Fprintf(io.out, "            accepted: %s\n", cl.Accepted.Reason)
		}
		fmt.Fprintf(io.out, "            example: %s\n", cl.Example.Source)
		for _, l := range cl.Diff {
			fmt.Fprintf(io.out, "              %s\n", c.diffLine(l))
		}
	}
}

func verdictWord(hit bool) string {
	if hit {
		return "match"
	}
	return "no match"
}

// writeMarkdown writes a pair's section of a pull-request comment.
func writeMarkdown(w io.Writer, r *pairResult) {
	cmp := r.cmp
	fmt.Fprintf(w, "## %s ↔ %s\n\n", mdEscape(cmp.Splunk.Name), mdEscape(cmp.Panther.Name))
	fmt.Fprintf(w, "Splunk `%s` · Panther `%s`\n\n", cmp.Splunk.File, cmp.Panther.File)
	if r.note != "" {
		fmt.Fprintf(w, "%s\n\n", mdEscape(r.note))
	}
	n := cmp.Disagreements()
	fmt.Fprintf(w, "**Verdict: %s** — %d events (%d mutants): %d agree, %d disagree.\n\n", r.rep.Verdict, len(cmp.Events), cmp.Mutants, len(cmp.Events)-n, n)
	if cmp.SetLevel != "" {
		fmt.Fprintf(w, "Set-level: %s; each set of events is compared whole.\n\n", mdEscape(cmp.SetLevel))
	}
	if cmp.Capped != "" {
		fmt.Fprintf(w, "Capped: %s.\n\n", cmp.Capped)
	}
	if p := cmp.Proof; p != nil {
		result := "not equivalent, "
		switch {
		case !p.Decided:
			result = ""
		case p.Equivalent:
			result = "equivalent, "
		}
		fmt.Fprintf(w, "Exact decision: %s%s.\n\n", result, mdEscape(p.Note))
	}
	m := r.rep.Matrix
	fmt.Fprintf(w, "| | Panther hit | Panther no hit |\n|---|---:|---:|\n| **Splunk hit** | %d | %d |\n| **Splunk no hit** | %d | %d |\n\n", m.Both, m.SplunkOnly, m.PantherOnly, m.Neither)
	if len(r.rep.Classes) == 0 {
		fmt.Fprintf(w, "No class of disagreement.\n\n")
		return
	}
	fmt.Fprintf(w, "| class | Splunk | Panther | events | status | why |\n|---|---|---|---:|---|---|\n")
	for _, cl := range r.rep.Classes {
		status := "**disagree**"
		if cl.Accepted != nil {
			status = "accepted"
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %d | %s | %s |\n", cl.Label, verdictWord(cl.Splunk), verdictWord(cl.Panther), cl.Count, status, mdEscape(cl.Why))
	}
	fmt.Fprintln(w)
	for _, cl := range r.rep.Classes {
		fmt.Fprintf(w, "**`%s`**, example `%s`", cl.Label, cl.Example.Source)
		var where []string
		for _, d := range cl.Deciding {
			where = append(where, fmt.Sprintf("%s `%s` (`%s`)", d.Platform, d.Text, posText(d.Pos)))
		}
		if len(where) > 0 {
			fmt.Fprintf(w, ": %s", strings.Join(where, "; "))
		}
		fmt.Fprintf(w, "\n\n")
		if len(cl.Diff) > 0 {
			fmt.Fprintf(w, "```diff\n%s\n```\n\n", strings.Join(cl.Diff, "\n"))
		}
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// junitPairCases are one test case per class of disagreement and one per
// event as given; unaccepted ones fail.
func junitPairCases(r *pairResult) []junitCase {
	name := r.cmp.Splunk.File + " vs " + r.cmp.Panther.File
	var out []junitCase
	for _, cl := range r.rep.Classes {
		jc := junitCase{Classname: name, Name: "class " + cl.Label}
		if cl.Accepted == nil { // an accepted class passes: it must not fail CI
			jc.Failure = &junitMessage{cl.Why}
		}
		out = append(out, jc)
	}
	for _, e := range r.cmp.Originals() {
		jc := junitCase{Classname: name, Name: e.Source}
		if !e.Agree && r.accepted(e) == nil {
			jc.Failure = &junitMessage{e.Why}
		}
		out = append(out, jc)
	}
	return out
}
