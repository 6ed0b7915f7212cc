package harness

import (
	"fmt"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/mutate"
)

// mutated is a mutant event with where it came from.
type mutated struct {
	mutate.Mutant
	Event  Event
	Parent Event
	index  int // the parent's index in the events given
}

// MutantSource is the source of a mutant: its parent's source, "~", its label.
func MutantSource(parent, label string) string { return parent + "~" + label }

// eventKey is what makes two events the same evidence: their bytes, as read
// with the same sourcetype, in the same set.
func eventKey(ev Event, raw string) string { return ev.SourceType + "\x00" + ev.Set + "\x00" + raw }

// mutants derives the mutants of every event, skipping any whose bytes equal an
// event already seen (an original or an earlier mutant, from any parent): the
// same event twice is no more evidence. seen holds the keys of every event
// compared, for later evidence to be checked against.
func mutants(events []Event, fields []string, opts CompareOptions) (out []mutated, note string, seen map[string]bool) {
	maxTotal := opts.MaxTotal
	if maxTotal <= 0 {
		maxTotal = DefaultMaxMutants
	}
	seen = map[string]bool{}
	for _, ev := range events {
		seen[eventKey(ev, ast.JSON(ev.Value))] = true
	}
	cappedEvents, left := 0, 0
	for i, ev := range events {
		if ev.Value.Kind() != ast.KindObject {
			continue // text events (a VPC flow line) have no keys to mutate
		}
		ms, capped := mutate.Event(ev.Value.AsObject(), fields, opts.MaxPerEvent)
		if capped {
			cappedEvents++
		}
		for _, m := range ms {
			v := ast.ObjectOf(m.Event)
			raw := ast.JSON(v)
			k := eventKey(ev, raw)
			if seen[k] {
				continue
			}
			if len(out) >= maxTotal {
				left++
				continue
			}
			seen[k] = true
			me := Event{Source: MutantSource(ev.Source, m.Label), Raw: raw, Value: v, SourceType: ev.SourceType, Set: ev.Set}
			out = append(out, mutated{Mutant: m, Event: me, Parent: ev, index: i})
		}
	}
	if cappedEvents > 0 {
		note = fmt.Sprintf("%d events had more mutants than the cap of %d per event", cappedEvents, orDefault(opts.MaxPerEvent, mutate.DefaultMax))
	}
	if left > 0 {
		if note != "" {
			note += "; "
		}
		note += fmt.Sprintf("%d mutants left out over the cap of %d per comparison", left, maxTotal)
	}
	return out, note, seen
}

func orDefault(n, d int) int {
	if n <= 0 {
		return d
	}
	return n
}
