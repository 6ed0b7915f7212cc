package harness

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/notation"
)

// CompareEvent is the verdict of both rules on one event (or, at set level, on
// one set of events).
type CompareEvent struct {
	Source  string `json:"source"`
	Splunk  bool   `json:"splunk"`
	Panther bool   `json:"panther"`
	Agree   bool   `json:"agree"`
	Why     string `json:"why"`
	// Mutation is the label of the change that made this event from Parent
	// ("value-case:eventName=upper"); both are empty for the events as given.
	Mutation string `json:"mutation"`
	Parent   string `json:"parent"`
	// Level is "set" when the verdicts are those of a whole set of events (see
	// Comparison.SetLevel); empty for per-event verdicts.
	Level string `json:"level,omitempty"`
	// DecidingFields are the fields read by the conditions that made the rules
	// disagree; accepted differences are matched on them.
	DecidingFields []string `json:"-"`
	// Kind and Field are the mutation's kind and field ("" for the events as given).
	Kind  string `json:"-"`
	Field string `json:"-"`
	// Deciding are the conditions that decided a disagreement, in both rules.
	Deciding []Condition `json:"-"`
	// Event is the event itself and ParentEvent the one it was derived from, for
	// reports that show a mutant as a diff (Missing for sets).
	Event, ParentEvent ast.Value `json:"-"`
}

// Condition is a rule's part in a disagreement: a condition that decided the
// rule's verdict, or what the rule has on the deciding fields.
type Condition struct {
	Platform ast.Platform
	Text     string // the condition in condition notation, or a sentence
	Short    string // a few words naming it, for class labels
	Pos      ast.Pos
	// Decided: the condition made its rule say no; otherwise it is what the
	// matching rule has (or lacks) on the same fields.
	Decided bool
}

// Comparison is the outcome of running a Splunk and a Panther rule on the same events.
type Comparison struct {
	Splunk, Panther *ast.Rule
	Events          []CompareEvent
	// Fields are the raw fields the rules read, the ones mutated.
	Fields []string
	// SetLevel, when not empty, says why verdicts are compared per set of events
	// rather than per event (an aggregation filter, Panther's Threshold).
	SetLevel string
	// Mutants counts the mutated events compared; Capped says how many more
	// were left out, and why, when a cap was reached.
	Mutants int
	Capped  string
	// Proof is the exact decision, when something computed it.
	Proof *Proof
}

// Proof is an exact decision about a pair, made by a prover rather than by
// running events. Equivalent with no disagreement on the evidence (other than
// key-case mutants, outside the decision) makes the verdict "equivalent";
// counterexamples join the events.
type Proof struct {
	// Decided: the rules were inside the decision's fragment, so Equivalent
	// is a proof either way; otherwise Note says what was outside it.
	Decided         bool
	Equivalent      bool
	Note            string
	Counterexamples []CompareEvent
}

// SetProof attaches an exact decision. Its counterexamples join the events,
// labelled "assignment:..." (the prover's assignment of field values).
func (c *Comparison) SetProof(p *Proof) {
	c.Proof = p
	if p == nil {
		return
	}
	for i, e := range p.Counterexamples {
		if !strings.HasPrefix(e.Mutation, "assignment:") {
			e.Mutation = "assignment:" + cmp.Or(e.Mutation, strconv.Itoa(i+1))
		}
		e.Kind = "assignment"
		e.Agree = e.Splunk == e.Panther
		c.Events = append(c.Events, e)
	}
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

// Originals are the events as given (no mutants, no counterexamples).
func (c *Comparison) Originals() []CompareEvent {
	var out []CompareEvent
	for _, e := range c.Events {
		if e.Mutation == "" {
			out = append(out, e)
		}
	}
	return out
}

// CompareEvents gathers the events a comparison runs on: both rules' test events
// (Panther test logs, ESCU attack data) and the extra events given.
func CompareEvents(s, p *ast.Rule, extra []Event) ([]Event, ast.ErrorList) {
	events, errs := RuleEvents(p)
	sev, e := RuleEvents(s)
	errs.Append(e)
	sev, e = recordEvents(sev)
	errs.Append(e)
	return append(append(events, sev...), extra...), errs
}

// CompareOptions tune a comparison.
type CompareOptions struct {
	// NoMutants compares the events as given only: no mutants, and no exact
	// decision (whose counterexamples are events too).
	NoMutants bool
	// MaxPerEvent and MaxTotal cap the mutants (0: mutate.DefaultMax and
	// DefaultMaxMutants).
	MaxPerEvent, MaxTotal int
}

// DefaultMaxMutants bounds the mutants of one comparison, so a pair with much
// attack data stays quick to check.
const DefaultMaxMutants = 4096

// Compare runs both rules over events and their mutants and explains every
// disagreement.
func Compare(s, p *Compiled, events []Event) (*Comparison, error) {
	return CompareWith(s, p, events, CompareOptions{})
}

// CompareWith is Compare with options. Per event, a Splunk hit is "this event,
// searched alone, contributes to a result row" and a Panther hit is rule()
// returning True. When either rule's verdict is only defined on a set of events
// (SetLevelReason), each set of events as given is run whole instead, and a
// mutant is its parent's set with the parent replaced.
func CompareWith(s, p *Compiled, events []Event, opts CompareOptions) (*Comparison, error) {
	c := &Comparison{Splunk: s.Rule, Panther: p.Rule, Fields: ReadFields(s.Rule, p.Rule), SetLevel: SetLevelReason(s.Rule, p.Rule)}
	var muts []mutated
	var seen map[string]bool
	if !opts.NoMutants {
		muts, c.Capped, seen = mutants(events, c.Fields, opts)
		c.Mutants = len(muts)
	}
	if c.SetLevel != "" {
		return c, compareSets(c, s, p, events, muts)
	}
	for _, ev := range events {
		sv, err := runAlone(s, ev)
		if err != nil {
			return nil, fmt.Errorf("splunk %s: %w", s.Rule.File, err)
		}
		pv, err := runAlone(p, ev)
		if err != nil {
			return nil, fmt.Errorf("panther %s: %w", p.Rule.File, err)
		}
		c.Events = append(c.Events, compareOne(s, p, ev, sv, pv, nil))
	}
	for _, m := range muts {
		sv, err := runAlone(s, m.Event)
		if err != nil {
			sv = Verdict{Err: err} // a mutant the search cannot run on is no hit, and says so
		}
		pv, err := runAlone(p, m.Event)
		if err != nil {
			pv = Verdict{Err: err}
		}
		c.Events = append(c.Events, compareOne(s, p, m.Event, sv, pv, &m))
	}
	if !opts.NoMutants {
		return c, c.prove(s, p, events, seen)
	}
	return c, nil
}

// runAlone is a rule's verdict on one event searched on its own.
func runAlone(c *Compiled, ev Event) (Verdict, error) {
	r, err := c.Run([]Event{ev}, nil)
	if err != nil {
		return Verdict{}, err
	}
	return r.Verdicts[0], nil
}

func compareOne(s, p *Compiled, ev Event, sv, pv Verdict, m *mutated) CompareEvent {
	ce := CompareEvent{Source: ev.Source, Splunk: sv.Hit, Panther: pv.Hit, Agree: sv.Hit == pv.Hit, Event: ev.Value}
	if m != nil {
		ce.Mutation, ce.Parent, ce.Kind, ce.Field, ce.ParentEvent = m.Label, m.Parent.Source, string(m.Kind), m.Field, m.Parent.Value
	}
	if pv.Err != nil {
		ce.Why = "panther: rule raised: " + pv.Err.Error()
	}
	if !ce.Agree {
		ce.Why, ce.DecidingFields, ce.Deciding = explainDisagreement(s, p, ev, sv, pv, ce.Field)
	}
	return ce
}

// explainDisagreement says, in terms of both rules, why one matched and the other
// did not: the deciding conditions on the side that said no, and what the other
// side has (or lacks) on the same fields.
func explainDisagreement(s, p *Compiled, ev Event, sv, pv Verdict, mutatedField string) (string, []string, []Condition) {
	var fields []string
	var conds []Condition
	var splunkWhy, pantherWhy string
	pantherEnvFor := func() *eval.Env {
		env := pantherEnv(ev, nil)
		env.UDM = p.models.For(p.Rule, ev.Value) // explain on what Run saw
		return env
	}
	if !pv.Hit {
		reasons := eval.Explain(p.Rule.Match, p.Rule.Keys, pantherEnvFor())
		pantherWhy, fields = describeReasons(reasons, pv.Err)
		conds = append(conds, reasonConditions(ast.Panther, p.Rule, reasons, pv.Err, true, nil)...)
	}
	var splunkReasons []eval.Reason
	view, viewErr := SplunkView(s.Rule, ev)
	if viewErr == nil {
		splunkReasons = eval.Explain(s.Rule.Match, s.Rule.Keys, &eval.Env{Record: ast.ObjectOf(view)})
	}
	if !sv.Hit {
		switch {
		case sv.Err != nil:
			splunkWhy = "error: " + sv.Err.Error()
			conds = append(conds, Condition{Platform: ast.Splunk, Text: splunkWhy, Short: "error", Pos: ast.Pos{File: s.Rule.File}, Decided: true})
		case sv.Drop != nil:
			splunkWhy = sv.Drop.Reason
			short := sv.Drop.Reason
			if f, ok := strings.CutPrefix(sv.Drop.Reason, "stats by "); ok {
				name := strings.SplitN(f, ":", 2)[0]
				fields = append(fields, name)
				short = "stats by " + name
			}
			conds = append(conds, Condition{Platform: ast.Splunk, Text: sv.Drop.Reason, Short: short, Pos: sv.Drop.Pos, Decided: true})
		case viewErr == nil:
			var fs []string
			splunkWhy, fs = describeReasons(splunkReasons, nil)
			fields = append(fields, fs...)
			conds = append(conds, reasonConditions(ast.Splunk, s.Rule, splunkReasons, nil, true, nil)...)
		}
	}
	on := dedupe(append(append([]string(nil), fields...), strings.Split(mutatedField, "+")...))
	if pv.Hit {
		pantherWhy = otherSide(p.Rule, fields)
		reasons := eval.Explain(p.Rule.Match, p.Rule.Keys, pantherEnvFor())
		conds = append(conds, reasonConditions(ast.Panther, p.Rule, reasons, nil, false, on)...)
	}
	if sv.Hit {
		splunkWhy = otherSide(s.Rule, fields)
		conds = append(conds, reasonConditions(ast.Splunk, s.Rule, splunkReasons, nil, false, on)...)
	}
	return "panther: " + pantherWhy + "; splunk: " + splunkWhy, fields, conds
}

// reasonConditions turns Explain's reasons into conditions. For the rule that
// matched (decided false), only the reasons reading one of the fields count,
// and a rule with none says it has no condition on them.
func reasonConditions(pl ast.Platform, r *ast.Rule, reasons []eval.Reason, err error, decided bool, on []string) []Condition {
	if err != nil {
		return []Condition{{Platform: pl, Text: "rule raised: " + err.Error(), Short: "rule raised", Pos: ast.Pos{File: r.File}, Decided: decided}}
	}
	var out []Condition
	for _, rs := range reasons {
		if !decided && !readsAny(rs, on) {
			continue
		}
		text := notation.PrintInline(rs.Node) + " is " + showTruth(rs.Result)
		short := notation.PrintInline(rs.Node)
		if len(rs.Within) > 0 {
			text = rs.Within[0] + ": " + text
			short = rs.Within[0]
		}
		out = append(out, Condition{Platform: pl, Text: text, Short: short, Pos: rs.Node.Pos(), Decided: decided})
	}
	if !decided && len(out) == 0 {
		var named []string
		for _, f := range on {
			if f != "" {
				named = append(named, f)
			}
		}
		if len(named) > 0 {
			out = append(out, Condition{Platform: pl, Text: "no condition on " + strings.Join(named, ", "), Short: "none", Pos: ast.Pos{File: r.File}})
		}
	}
	return out
}

func readsAny(r eval.Reason, fields []string) bool {
	for f := range r.Fields {
		for _, g := range fields {
			if g != "" && strings.EqualFold(f, g) {
				return true
			}
		}
	}
	return false
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
			ev := TestEvent(r, t)
			ev.Set = r.File + "#tests"
			events = append(events, ev)
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
