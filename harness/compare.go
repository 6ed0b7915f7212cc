package harness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/notation"
)

// CompareEvent is the verdict of both rules on one event.
type CompareEvent struct {
	Source  string `json:"source"`
	Splunk  bool   `json:"splunk"`
	Panther bool   `json:"panther"`
	Agree   bool   `json:"agree"`
	Why     string `json:"why"`
	// DecidingFields are the fields read by the conditions that made the rules
	// disagree; accepted differences are matched on them.
	DecidingFields []string `json:"-"`
}

// Comparison is the outcome of running a Splunk and a Panther rule on the same events.
type Comparison struct {
	Splunk, Panther *ast.Rule
	Events          []CompareEvent
}

// Disagreements counts events on which the verdicts differ.
func (c *Comparison) Disagreements() int {
	n := 0
	for _, e := range c.Events {
		if !e.Agree {
			n++
		}
	}
	return n
}

// CompareEvents gathers the events a comparison runs on: both rules' test events
// (Panther test logs, ESCU attack data) and the extra events given.
func CompareEvents(s, p *ast.Rule, extra []Event) ([]Event, ast.ErrorList) {
	events, errs := RuleEvents(p)
	sev, e := RuleEvents(s)
	errs.Append(e)
	return append(append(events, sev...), extra...), errs
}

// Compare runs both rules over events and explains every disagreement.
func Compare(s, p *Compiled, events []Event) (*Comparison, error) {
	sr, err := s.Run(events, nil)
	if err != nil {
		return nil, fmt.Errorf("splunk %s: %w", s.Rule.File, err)
	}
	pr, err := p.Run(events, nil)
	if err != nil {
		return nil, fmt.Errorf("panther %s: %w", p.Rule.File, err)
	}
	cmp := &Comparison{Splunk: s.Rule, Panther: p.Rule}
	for i, ev := range events {
		sv, pv := sr.Verdicts[i], pr.Verdicts[i]
		ce := CompareEvent{Source: ev.Source, Splunk: sv.Hit, Panther: pv.Hit, Agree: sv.Hit == pv.Hit}
		if pv.Err != nil {
			ce.Why = "panther: rule raised: " + pv.Err.Error()
		}
		if !ce.Agree {
			ce.Why, ce.DecidingFields = explainDisagreement(s, p, ev, sv, pv)
		}
		cmp.Events = append(cmp.Events, ce)
	}
	return cmp, nil
}

// explainDisagreement says, in terms of both rules, why one matched and the other
// did not: the deciding conditions on the side that said no, and what the other
// side has (or lacks) on the same fields.
func explainDisagreement(s, p *Compiled, ev Event, sv, pv Verdict) (string, []string) {
	var fields []string
	var splunkWhy, pantherWhy string
	if !pv.Hit {
		env := pantherEnv(ev, nil)
		env.UDM = p.models.For(p.Rule, ev.Value) // explain on what Run saw
		reasons := eval.Explain(p.Rule.Match, p.Rule.Keys, env)
		pantherWhy, fields = describeReasons(reasons, pv.Err)
	}
	if !sv.Hit {
		switch {
		case sv.Err != nil:
			splunkWhy = "error: " + sv.Err.Error()
		case sv.Drop != nil:
			splunkWhy = sv.Drop.Reason
			if f, ok := strings.CutPrefix(sv.Drop.Reason, "stats by "); ok {
				fields = append(fields, strings.SplitN(f, ":", 2)[0])
			}
		default:
			view, err := SplunkView(s.Rule, ev)
			if err == nil {
				reasons := eval.Explain(s.Rule.Match, s.Rule.Keys, &eval.Env{Record: ast.ObjectOf(view)})
				var fs []string
				splunkWhy, fs = describeReasons(reasons, nil)
				fields = append(fields, fs...)
			}
		}
	}
	if pv.Hit {
		pantherWhy = otherSide(p.Rule, fields)
	}
	if sv.Hit {
		splunkWhy = otherSide(s.Rule, fields)
	}
	return "panther: " + pantherWhy + "; splunk: " + splunkWhy, fields
}

func describeReasons(reasons []eval.Reason, err error) (string, []string) {
	if err != nil {
		return "rule raised: " + err.Error(), nil
	}
	var parts, fields []string
	for _, r := range reasons {
		var vals []string
		names := make([]string, 0, len(r.Fields))
		for f := range r.Fields {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			vals = append(vals, f+"="+showValue(r.Fields[f]))
			fields = append(fields, f)
		}
		what := notation.PrintInline(r.Node) + " is " + showTruth(r.Result)
		if len(r.Within) > 0 {
			what = r.Within[0] + " is false"
			if r.Result.Truth() {
				what = r.Within[0] + " is false, because " + notation.PrintInline(r.Node) + " is " + showTruth(r.Result)
			}
		}
		if len(vals) > 0 {
			what += " (" + strings.Join(vals, ", ") + ")"
		}
		parts = append(parts, what)
	}
	if len(parts) == 0 {
		return "no match", fields
	}
	return strings.Join(parts, " and "), fields
}

func showTruth(v ast.Value) string {
	if v.Truth() {
		return "true"
	}
	return "false"
}

func showValue(v ast.Value) string {
	switch v.Kind() {
	case ast.KindMissing:
		return "<missing>"
	case ast.KindNull:
		return "null"
	}
	return v.Text()
}

// otherSide describes what the matching rule says about the deciding fields.
func otherSide(r *ast.Rule, fields []string) string {
	read := map[string]bool{}
	for _, f := range ruleFields(r) {
		read[strings.ToLower(f)] = true
	}
	var none, some []string
	for _, f := range dedupe(fields) {
		if read[strings.ToLower(f)] {
			some = append(some, f)
		} else {
			none = append(none, f)
		}
	}
	var parts []string
	if len(none) > 0 {
		parts = append(parts, "no condition on "+strings.Join(none, ", "))
	}
	if len(some) > 0 {
		parts = append(parts, "its conditions on "+strings.Join(some, ", ")+" hold")
	}
	if len(parts) == 0 {
		return "matches"
	}
	return strings.Join(parts, "; ")
}

// ruleFields lists the field names a rule's logic reads (Splunk: base search and
// pipeline conditions; Panther: rule()).
func ruleFields(r *ast.Rule) []string {
	var out []string
	add := func(x ast.Expr) {
		for _, p := range ast.Fields(x) {
			out = append(out, strings.Join(p, "."))
		}
	}
	add(r.Match)
	for _, c := range r.Pipeline {
		switch c := c.(type) {
		case *ast.SearchCmd:
			add(c.Cond)
		case *ast.WhereCmd:
			add(c.Cond)
		case *ast.StatsCmd:
			out = append(out, c.By...)
		}
	}
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// RuleEvents are a rule's own test events: Panther test logs, ESCU attack data.
func RuleEvents(r *ast.Rule) ([]Event, ast.ErrorList) {
	var events []Event
	var errs ast.ErrorList
	for _, t := range r.Tests {
		if r.Platform == ast.Panther {
			events = append(events, TestEvent(r, t))
			continue
		}
		for _, ad := range t.AttackData {
			if ad.Path == "" {
				errs.Add(ast.Pos{File: r.File}, ast.CodeIO, fmt.Sprintf("attack data %s cannot be resolved to a local file", ad.Data))
				continue
			}
			evs, e := LoadEvents(ad.Path, ad.SourceType)
			errs.Append(e)
			events = append(events, evs...)
		}
	}
	return events, errs
}
