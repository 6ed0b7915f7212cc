package harness

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/sourcetype"
)

// SetLevelReason says why a pair's verdicts are only defined on a set of events,
// or "" when each event decides alone. A Splunk search does when, after an
// aggregation, it filters rows (`stats count by x | where count > 5`) or when it
// keeps only some rows (dedup, head, sort N): whether one event ends up in a
// result row then depends on the others. A Panther rule does when its Threshold
// is above 1.
func SetLevelReason(s, p *ast.Rule) string {
	var why []string
	if s != nil {
		aggregated := ""
		for _, c := range s.Pipeline {
			switch c := c.(type) {
			case *ast.StatsCmd:
				aggregated = "stats"
			case *ast.EventStatsCmd:
				aggregated = "eventstats"
			case *ast.StreamStatsCmd:
				aggregated = "streamstats"
			case *ast.WhereCmd:
				if aggregated != "" {
					why = append(why, fmt.Sprintf("the Splunk search filters rows after %s (where %s, %s)", aggregated, notation.PrintInline(c.Cond), c.Pos()))
				}
			case *ast.SearchCmd:
				if l, ok := c.Cond.(*ast.Lit); ok && l.Val.Truth() {
					continue // an empty filter macro
				}
				if aggregated != "" {
					why = append(why, fmt.Sprintf("the Splunk search filters rows after %s (search %s, %s)", aggregated, notation.PrintInline(c.Cond), c.Pos()))
				}
			case *ast.RegexCmd:
				if aggregated != "" {
					why = append(why, fmt.Sprintf("the Splunk search filters rows after %s (regex, %s)", aggregated, c.Pos()))
				}
			case *ast.DedupCmd:
				why = append(why, fmt.Sprintf("the Splunk search keeps one row per value (dedup, %s)", c.Pos()))
			case *ast.HeadCmd:
				why = append(why, fmt.Sprintf("the Splunk search keeps only some rows (head/tail, %s)", c.Pos()))
			case *ast.SortCmd:
				if c.Limit > 0 {
					why = append(why, fmt.Sprintf("the Splunk search keeps only some rows (sort %d, %s)", c.Limit, c.Pos()))
				}
			}
		}
	}
	if p != nil && p.Threshold > 1 {
		why = append(why, fmt.Sprintf("the Panther rule alerts only after %d matching events with the same dedup string (Threshold)", p.Threshold))
	}
	return strings.Join(why, "; ")
}

// setOutcome is what each rule makes of one set of events.
type setOutcome struct {
	splunk     *Result
	panther    *Result
	alerts     int    // Panther alerts: dedup groups that reach the Threshold
	matched    int    // events for which rule() is True
	largest    int    // the largest dedup group
	inAlert    []bool // per event: in a group that alerts
	splunkRows int
}

func runSet(s, p *Compiled, set []Event) (*setOutcome, error) {
	sr, err := s.Run(set, nil)
	if err != nil {
		return nil, fmt.Errorf("splunk %s: %w", s.Rule.File, err)
	}
	pr, err := p.Run(set, nil)
	if err != nil {
		return nil, fmt.Errorf("panther %s: %w", p.Rule.File, err)
	}
	o := &setOutcome{splunk: sr, panther: pr, splunkRows: len(sr.Rows), inAlert: make([]bool, len(set))}
	// Panther groups matches by the dedup string: dedup(), else title(), else
	// the rule ID, and counts a group's matches within its dedup period.
	groups := map[string][]int{}
	var order []string
	for _, row := range pr.Rows {
		k := p.Rule.ID
		for _, name := range []string{"dedup", "title"} {
			if v, ok := row.Fields.Get(name); ok && !v.IsNullish() {
				k = v.Text()
				break
			}
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], row.Src...)
		o.matched += len(row.Src)
	}
	threshold := max(p.Rule.Threshold, 1)
	for _, k := range order {
		for _, g := range periods(groups[k], set, p.Rule) {
			o.largest = max(o.largest, len(g))
			if len(g) >= threshold {
				o.alerts++
				for _, i := range g {
					o.inAlert[i] = true
				}
			}
		}
	}
	return o, nil
}

// periods splits a dedup group's matches (indexes into set) into Panther's
// dedup periods: a period opens at the first match outside an open one and
// lasts DedupPeriodMinutes (60 when unset). A match whose time cannot be read
// is counted in the first period.
func periods(g []int, set []Event, r *ast.Rule) [][]int {
	field := pantherTimeFields[firstOf(r.LogTypes)]
	if field == "" || len(g) < 2 {
		return [][]int{g}
	}
	period := float64(r.DedupPeriodMinutes) * 60
	if period <= 0 {
		period = 3600
	}
	type timed struct {
		i int
		t float64
	}
	var first []int
	var ts []timed
	for _, i := range g {
		if t, ok := eventSeconds(set[i].Value, field); ok {
			ts = append(ts, timed{i, t})
		} else {
			first = append(first, i)
		}
	}
	slices.SortStableFunc(ts, func(a, b timed) int { return cmp.Compare(a.t, b.t) })
	var out [][]int
	cur, start := first, 0.0
	for j, x := range ts {
		if j == 0 {
			start = x.t
		} else if x.t >= start+period {
			out, cur, start = append(out, cur), nil, x.t
		}
		cur = append(cur, x.i)
	}
	return append(out, cur)
}

// pantherTimeFields are the fields Panther reads an event's time from, by log type.
var pantherTimeFields = map[string]string{"AWS.CloudTrail": "eventTime"}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// eventSeconds reads an event's time field as epoch seconds.
func eventSeconds(v ast.Value, field string) (float64, bool) {
	if v.Kind() != ast.KindObject {
		return 0, false
	}
	t, ok := v.AsObject().Get(field)
	if !ok || t.Kind() != ast.KindString {
		return 0, false
	}
	sec, ok := sourcetype.ParseTime(t.AsString())
	if !ok {
		return 0, false
	}
	if sec.Kind() == ast.KindInt {
		return float64(sec.AsInt()), true
	}
	return sec.AsFloat(), true
}

// setName is the set an event belongs to: its file, or its rule's tests.
func setName(ev Event) string {
	if ev.Set != "" {
		return ev.Set
	}
	if i := strings.LastIndex(ev.Source, "#"); i > 0 {
		return ev.Source[:i] + "#tests"
	}
	if i := strings.LastIndex(ev.Source, ":"); i > 0 {
		return ev.Source[:i]
	}
	return ev.Source
}

// compareSets compares each set of events as given, then each mutant as its
// parent's set with the parent replaced by it.
func compareSets(c *Comparison, s, p *Compiled, events []Event, muts []mutated) error {
	type group struct {
		name string
		idx  []int
	}
	var groups []*group
	byName := map[string]*group{}
	where := map[int]int{} // event index → position in its set
	for i, ev := range events {
		n := setName(ev)
		g := byName[n]
		if g == nil {
			g = &group{name: n}
			byName[n] = g
			groups = append(groups, g)
		}
		where[i] = len(g.idx)
		g.idx = append(g.idx, i)
	}
	setOf := func(g *group) []Event {
		out := make([]Event, len(g.idx))
		for j, i := range g.idx {
			out[j] = events[i]
		}
		return out
	}
	for _, g := range groups {
		set := setOf(g)
		o, err := runSet(s, p, set)
		if err != nil {
			return err
		}
		c.Events = append(c.Events, setEvent(s, p, CompareEvent{Source: g.name, Level: "set"}, set, o, -1))
	}
	for _, m := range muts {
		g := byName[setName(m.Parent)]
		set := setOf(g)
		pos := where[m.index]
		set[pos] = m.Event
		o, err := runSet(s, p, set)
		if err != nil {
			// A mutant a rule cannot run on counts as no hit for that rule.
			o = &setOutcome{inAlert: make([]bool, len(set))}
			if o.splunk, _ = s.Run(set, nil); o.splunk == nil {
				o.splunk = &Result{Verdicts: make([]Verdict, len(set))}
			}
			o.splunkRows = len(o.splunk.Rows)
			o.panther = &Result{Verdicts: make([]Verdict, len(set))}
		}
		ce := CompareEvent{Source: m.Event.Source, Level: "set", Mutation: m.Label, Parent: m.Parent.Source,
			Kind: string(m.Kind), Field: m.Field, Event: m.Event.Value, ParentEvent: m.Parent.Value}
		c.Events = append(c.Events, setEvent(s, p, ce, set, o, pos))
	}
	return nil
}

// setEvent fills the verdicts of a set and, when they differ, why: what each
// rule made of the set and, for a mutant, of the mutated event in it (at pos).
func setEvent(s, p *Compiled, ce CompareEvent, set []Event, o *setOutcome, pos int) CompareEvent {
	ce.Splunk, ce.Panther = o.splunkRows > 0, o.alerts > 0
	ce.Agree = ce.Splunk == ce.Panther
	if ce.Agree {
		return ce
	}
	threshold := max(p.Rule.Threshold, 1)
	why := fmt.Sprintf("set of %d events: splunk returns %d result rows; panther raises %d alerts (%d events match rule()", len(set), o.splunkRows, o.alerts, o.matched)
	if threshold > 1 {
		why += fmt.Sprintf(", Threshold %d, largest dedup group %d", threshold, o.largest)
	}
	why += ")"
	var conds []Condition
	var fields []string
	if !ce.Splunk {
		seen := map[string]bool{}
		for _, v := range o.splunk.Verdicts {
			if v.Drop == nil || seen[v.Drop.Pos.String()+v.Drop.Reason] {
				continue
			}
			seen[v.Drop.Pos.String()+v.Drop.Reason] = true
			short := v.Drop.Reason
			if f, ok := strings.CutPrefix(v.Drop.Reason, "stats by "); ok {
				name := strings.SplitN(f, ":", 2)[0]
				fields = append(fields, name)
				short = "stats by " + name
			}
			conds = append(conds, Condition{Platform: ast.Splunk, Text: v.Drop.Reason, Short: short, Pos: v.Drop.Pos, Decided: true})
		}
		if len(conds) == 0 {
			conds = append(conds, Condition{Platform: ast.Splunk, Text: "no event matches the base search", Short: "base search", Pos: s.Rule.Match.Pos(), Decided: true})
		}
	} else {
		conds = append(conds, Condition{Platform: ast.Splunk, Text: fmt.Sprintf("returns %s", plural(o.splunkRows, "result row")), Short: "rows", Pos: ast.Pos{File: s.Rule.File}})
	}
	if !ce.Panther {
		if o.matched > 0 && threshold > 1 {
			conds = append(conds, Condition{Platform: ast.Panther, Text: fmt.Sprintf("Threshold %d: the largest dedup group has %d events", threshold, o.largest), Short: "Threshold", Pos: ast.Pos{File: p.Rule.File}, Decided: true})
		} else {
			conds = append(conds, Condition{Platform: ast.Panther, Text: "no event matches rule()", Short: "rule()", Pos: p.Rule.Match.Pos(), Decided: true})
		}
	} else {
		conds = append(conds, Condition{Platform: ast.Panther, Text: fmt.Sprintf("raises %s", plural(o.alerts, "alert")), Short: "alerts", Pos: ast.Pos{File: p.Rule.File}})
	}
	if pos >= 0 {
		sv, pv := o.splunk.Verdicts[pos], o.panther.Verdicts[pos]
		if sv.Hit != pv.Hit {
			w, fs, cs := explainDisagreement(s, p, set[pos], sv, pv, ce.Field)
			why += "; the mutated event: " + w
			fields = append(fields, fs...)
			conds = append(conds, cs...)
		} else {
			why += fmt.Sprintf("; the mutated event in the set: splunk %s, panther %s", verdictText(sv.Hit), verdictText(pv.Hit))
		}
	}
	ce.Why, ce.DecidingFields, ce.Deciding = why, dedupe(fields), conds
	return ce
}

func verdictText(hit bool) string {
	if hit {
		return "match"
	}
	return "no match"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
