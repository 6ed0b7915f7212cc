package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// KeyCase is the lossy point of every conversion between Splunk and Panther:
// Panther finds a key in any case, Splunk only in its own, and neither rule
// can say otherwise.
var KeyCase = portable.Lossy{
	Kinds: []string{"key-case"}, Either: true,
	Reason: "Panther finds a key spelled in any case (event.get and deep_get fall back to a case-insensitive match); Splunk field names are case-sensitive. CloudTrail spells its keys one way.",
}

// Verification is a converted rule cross-checked with its source.
type Verification struct {
	Comparison *harness.Comparison
	// Pair holds the two files (Splunk first) and the lossy points as
	// accepted differences: what Unaccepted does not count.
	Pair       harness.Pair
	Unaccepted int
}

// Verify cross-checks a converted rule against its source: both rules' test
// events, the extra events (ThresholdSets), the mutants of each, and the
// exact decision where it applies. A difference that no lossy point names
// fails the verification.
func Verify(src, dst *harness.Compiled, lossy []portable.Lossy, extra []harness.Event, opts harness.CompareOptions) (*Verification, ast.ErrorList, error) {
	s, p := src, dst
	if src.Rule.Platform == dst.Rule.Platform {
		return nil, nil, fmt.Errorf("verify: %s and %s are both %s rules", src.Rule.File, dst.Rule.File, src.Rule.Platform)
	}
	if s.Rule.Platform != ast.Splunk {
		s, p = dst, src
	}
	events, errs := harness.CompareEvents(s.Rule, p.Rule, extra)
	events = withLogType(p.Rule, events)
	cmp, err := harness.CompareWith(s, p, events, opts)
	if err != nil {
		return nil, errs, err
	}
	v := &Verification{Comparison: cmp, Pair: harness.Pair{Splunk: s.Rule.File, Panther: p.Rule.File}}
	keyCase := false
	for _, l := range lossy {
		v.Pair.Accept = append(v.Pair.Accept, accepts(l, src.Rule.Platform)...)
		keyCase = keyCase || slices.Contains(l.Kinds, "key-case")
	}
	spell := spellings(s.Rule)
	for i, e := range cmp.Events {
		if f, ok := splitField(e.Source); ok {
			// What separates the set's groups decides it (and its mutants),
			// as a mutated field would.
			cmp.Events[i].DecidingFields = append(e.DecidingFields, f)
			e = cmp.Events[i]
		}
		if !e.Agree && v.Pair.Accepts(e) == nil && keyCase && keyCaseOnly(s, p, e, spell) {
			// An event (a rule's test, or a mutant of one) that spells a
			// key in another case than the search shows key case as a
			// key-case mutant does.
			cmp.Events[i].Kind = "key-case"
			e = cmp.Events[i]
		}
		if !e.Agree && v.Pair.Accepts(e) == nil {
			v.Unaccepted++
		}
	}
	return v, errs, nil
}

// spellings maps each key of the raw fields the Splunk search reads, lower
// case, to its spelling there.
func spellings(s *ast.Rule) map[string]string {
	out := map[string]string{}
	for _, f := range harness.ReadFields(s, nil) {
		for _, k := range strings.Split(f, ".") {
			k = strings.TrimSuffix(k, "{}")
			out[strings.ToLower(k)] = k
		}
	}
	return out
}

// keyCaseOnly reports whether the two rules agree on e's event once its keys
// are spelled as the search spells them: what they disagreed on was then the
// case of a key.
func keyCaseOnly(s, p *harness.Compiled, e harness.CompareEvent, spell map[string]string) bool {
	if e.Level != "" || e.Event.Kind() != ast.KindObject {
		return false
	}
	v, changed := respell(e.Event, spell)
	if !changed {
		return false
	}
	cmp, err := harness.CompareWith(s, p, []harness.Event{{Source: e.Source, Raw: ast.JSON(v), Value: v}}, harness.CompareOptions{NoMutants: true})
	return err == nil && len(cmp.Events) == 1 && cmp.Events[0].Agree
}

// respell is v with the keys spell knows in another case spelled its way,
// where the object has no key of that spelling already.
func respell(v ast.Value, spell map[string]string) (ast.Value, bool) {
	switch v.Kind() {
	case ast.KindObject:
		o := v.AsObject()
		out := &ast.Object{}
		changed := false
		for i, k := range o.Keys {
			val, c := respell(o.Vals[i], spell)
			changed = changed || c
			if s, ok := spell[strings.ToLower(k)]; ok && s != k && !slices.Contains(o.Keys, s) {
				k, changed = s, true
			}
			out.Keys = append(out.Keys, k)
			out.Vals = append(out.Vals, val)
		}
		return ast.ObjectOf(out), changed
	case ast.KindList:
		var out []ast.Value
		changed := false
		for _, e := range v.AsList() {
			val, c := respell(e, spell)
			changed = changed || c
			out = append(out, val)
		}
		return ast.List(out...), changed
	}
	return v, false
}

// accepts turns a lossy point into the accepted differences it allows: the
// source matching and the conversion not (SourceHits), or the reverse, or
// both (Either).
func accepts(l portable.Lossy, source ast.Platform) []harness.Accepted {
	var out []harness.Accepted
	for _, sourceHits := range []bool{true, false} {
		if !l.Either && l.SourceHits != sourceHits {
			continue
		}
		a := harness.Accepted{Fields: l.Fields, Kinds: l.Kinds, Reason: l.Reason}
		// Which platform matches: the source when sourceHits, else the conversion.
		splunkHits := (source == ast.Splunk) == sourceHits
		a.Splunk, a.Panther = splunkHits, !splunkHits
		out = append(out, a)
	}
	return out
}

// ThresholdSets are sets of events on which a Threshold rule's two forms
// must agree, made from its first true positive: Count copies (one group, one
// instant: both alert), Count-1 copies (neither does), and Count copies split
// between two groups by the first group field (neither does). The harness
// compares each set whole, and each mutant of a copy within its set: a
// mutation that changes one copy's verdict or group brings the group below
// the Threshold, on both platforms or the verification says where not.
func ThresholdSets(r *portable.Rule) []harness.Event {
	th := r.Threshold
	if th == nil {
		return nil
	}
	i := slices.IndexFunc(r.Tests, func(t portable.Test) bool { return t.Expected && t.Event.Kind() == ast.KindObject })
	if i < 0 {
		return nil
	}
	first := r.Tests[i]
	copies := func(set string, n int, change func(j int, o *ast.Object)) []harness.Event {
		var out []harness.Event
		for j := range n {
			v, err := ast.ParseJSON([]byte(ast.JSON(first.Event))) // a deep copy
			if err != nil {
				return nil
			}
			if change != nil {
				change(j, v.AsObject())
			}
			out = append(out, harness.Event{Source: fmt.Sprintf("%s#%d", set, j+1), Raw: ast.JSON(v), Value: v, Set: set})
		}
		return out
	}
	name := func(what string) string { return fmt.Sprintf("threshold: %s of %q", what, first.Name) }
	out := copies(name(fmt.Sprintf("%d copies", th.Count)), th.Count, nil)
	out = append(out, copies(name(fmt.Sprintf("%d copies", th.Count-1)), th.Count-1, nil)...)
	if len(th.GroupBy) > 0 {
		f := th.GroupBy[0]
		old := eval.Lookup(first.Event, f, ast.KeysExact)
		other := ast.String(old.Text() + "-other")
		if old.Kind() != ast.KindString {
			other = ast.String("other")
		}
		split := copies(splitName(th.Count, strings.Join(f, "."), first.Name), th.Count, func(j int, o *ast.Object) {
			if j%2 == 1 {
				o.SetPath(f, other)
			}
		})
		out = append(out, split...)
	}
	return out
}

// splitName names the set of copies split between two groups by field;
// splitField reads the field back.
func splitName(n int, field, test string) string {
	return fmt.Sprintf("threshold: %d copies in two groups by %s of %q", n, field, test)
}

func splitField(set string) (string, bool) {
	rest, ok := strings.CutPrefix(set, "threshold: ")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, " copies in two groups by ")
	field, _, ok2 := strings.Cut(rest, " of ")
	return field, ok && ok2
}
