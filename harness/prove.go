package harness

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/equiv"
	"github.com/concordsec/concord/mutate"
	"github.com/concordsec/concord/sourcetype"
)

// Decision is the exact decision on a pair: equiv's result, with every
// counterexample run through both whole rules (so a reported difference is
// one the engine shows, not only one the decision derived).
type Decision struct {
	equiv.Result
	// Events are the counterexamples as events, in Result.Counterexamples
	// order, and Splunk and Panther the whole rules' verdicts on them.
	Events          []Event
	Splunk, Panther []Verdict
}

// Decide runs the exact decision for a Splunk and a Panther rule, changing
// base (a real event) as little as possible for each counterexample.
func Decide(s, p *Compiled, base Event) (*Decision, error) {
	st, err := sourcetype.Lookup(sourceTypeName(s.Rule, base.SourceType))
	if err != nil {
		return nil, err
	}
	views := newViewer(s.Rule)
	splunk := equiv.Side{
		Rule: s.Rule,
		View: func(raw *ast.Object) (*ast.Object, error) {
			return views.view(Event{Value: ast.ObjectOf(raw)})
		},
		Sources: st.Sources,
	}
	if base.Value.Kind() != ast.KindObject {
		return nil, fmt.Errorf("%s: the base event is not a JSON object", base.Source)
	}
	res := equiv.Decide(splunk, equiv.Side{Rule: p.Rule}, base.Value.AsObject())
	d := &Decision{Result: res}
	for _, ce := range res.Counterexamples {
		v := ast.ObjectOf(ce.Event)
		d.Events = append(d.Events, Event{
			Source:     MutantSource(base.Source, "assignment:"+describeChanges(ce.Changes)),
			SourceType: base.SourceType,
			Set:        base.Set,
			Raw:        ast.JSON(v),
			Value:      v,
		})
	}
	if len(d.Events) == 0 {
		return d, nil
	}
	sr, err := s.Run(d.Events, nil)
	if err != nil {
		return nil, fmt.Errorf("splunk %s: %w", s.Rule.File, err)
	}
	pr, err := p.Run(d.Events, nil)
	if err != nil {
		return nil, fmt.Errorf("panther %s: %w", p.Rule.File, err)
	}
	d.Splunk, d.Panther = sr.Verdicts, pr.Verdicts
	// Outside the fragment the derived verdicts are only a guide; inside it a
	// difference from the engine means the decision is wrong, and says so.
	for i, ce := range res.Counterexamples {
		if res.Decided && (sr.Verdicts[i].Hit != ce.A || pr.Verdicts[i].Hit != ce.B) {
			d.Decided = false
			d.Why = append(d.Why, fmt.Sprintf("on assignment %d (%s) the rules give splunk=%v panther=%v, not the derived splunk=%v panther=%v",
				i+1, describeChanges(ce.Changes), sr.Verdicts[i].Hit, pr.Verdicts[i].Hit, ce.A, ce.B))
		}
	}
	return d, nil
}

// prove attaches the exact decision, made from the first event both rules
// hit (else the first either hits, else the first event): its
// counterexamples are that event changed as little as possible.
func (c *Comparison) prove(s, p *Compiled, events []Event, seen map[string]bool) error {
	base, ok := proofBase(c, events)
	if !ok {
		return nil
	}
	d, err := Decide(s, p, base)
	if err != nil {
		return err
	}
	proof := &Proof{Decided: d.Decided, Equivalent: d.Equivalent()}
	switch {
	case d.Decided:
		n := 0
		for _, f := range d.Fields {
			n += len(f.Classes)
		}
		proof.Note = fmt.Sprintf("decided exactly over %d value classes of %d fields, keys spelled as the log type spells them", n, len(d.Fields))
	default:
		proof.Note = "no proof: " + strings.Join(d.Why, "; ")
	}
	for i, ce := range d.Counterexamples {
		// A counterexample that a mutant already is adds nothing to the report.
		if seen[eventKey(d.Events[i], d.Events[i].Raw)] {
			continue
		}
		m := mutated{Mutant: mutate.Mutant{Label: describeChanges(ce.Changes), Kind: AssignmentKind, Field: ce.Changes[0].Field}, Event: d.Events[i], Parent: base}
		proof.Counterexamples = append(proof.Counterexamples, compareOne(s, p, d.Events[i], d.Splunk[i], d.Panther[i], &m))
	}
	c.SetProof(proof)
	return nil
}

// AssignmentKind marks the counterexamples of the exact decision.
const AssignmentKind mutate.Kind = "assignment"

func proofBase(c *Comparison, events []Event) (Event, bool) {
	pick := -1
	for i, e := range c.Events {
		if i >= len(events) || events[i].Value.Kind() != ast.KindObject {
			continue
		}
		switch {
		case e.Splunk && e.Panther:
			return events[i], true
		case (e.Splunk || e.Panther) && pick < 0:
			pick = i
		}
	}
	if pick < 0 {
		for i, ev := range events {
			if ev.Value.Kind() == ast.KindObject {
				return events[i], true
			}
		}
		return Event{}, false
	}
	return events[pick], true
}

func describeChanges(cs []equiv.Change) string {
	if len(cs) == 0 {
		return "the event as it is"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Field + " " + c.Class.Label
	}
	return strings.Join(parts, ", ")
}
