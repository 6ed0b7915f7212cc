package harness

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/equiv"
	"github.com/concordsec/concord/sourcetype"
)

// Decision is the exact decision on a pair: equiv's result, with every
// counterexample run through both whole rules (so a reported difference is
// one the engine shows, not only one the decision derived).
type Decision struct {
	equiv.Result
	Events []Event // the counterexamples as events, in Result.Counterexamples order
}

// Decide runs the exact decision for a Splunk and a Panther rule, changing
// base (a real event) as little as possible for each counterexample.
func Decide(s, p *Compiled, base Event) (*Decision, error) {
	st, err := splunkSourceType(s.Rule)
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
	for i, ce := range res.Counterexamples {
		d.Events = append(d.Events, Event{
			Source:     fmt.Sprintf("%s (assignment %d)", base.Source, i+1),
			SourceType: base.SourceType,
			Value:      ast.ObjectOf(ce.Event),
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
	for i, ce := range res.Counterexamples {
		if sr.Verdicts[i].Hit != ce.A || pr.Verdicts[i].Hit != ce.B {
			d.Decided = false
			d.Why = append(d.Why, fmt.Sprintf("on assignment %d (%s) the rules give splunk=%v panther=%v, not the derived splunk=%v panther=%v",
				i+1, describeChanges(ce.Changes), sr.Verdicts[i].Hit, pr.Verdicts[i].Hit, ce.A, ce.B))
		}
	}
	return d, nil
}

func splunkSourceType(r *ast.Rule) (*sourcetype.SourceType, error) {
	st := ""
	if len(r.LogTypes) > 0 {
		st = r.LogTypes[0]
	}
	if mapped, ok := LogTypeSourceTypes[st]; ok {
		st = mapped
	}
	return sourcetype.Lookup(st)
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
