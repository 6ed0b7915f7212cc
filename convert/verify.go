package convert

import (
	"fmt"

	"github.com/concordsec/concord/ast"
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
// events, the mutants of each, and the exact decision where it applies. A
// difference that no lossy point names fails the verification.
func Verify(src, dst *harness.Compiled, lossy []portable.Lossy, opts harness.CompareOptions) (*Verification, ast.ErrorList, error) {
	s, p := src, dst
	if src.Rule.Platform == dst.Rule.Platform {
		return nil, nil, fmt.Errorf("verify: %s and %s are both %s rules", src.Rule.File, dst.Rule.File, src.Rule.Platform)
	}
	if s.Rule.Platform != ast.Splunk {
		s, p = dst, src
	}
	events, errs := harness.CompareEvents(s.Rule, p.Rule, nil)
	cmp, err := harness.CompareWith(s, p, events, opts)
	if err != nil {
		return nil, errs, err
	}
	v := &Verification{Comparison: cmp, Pair: harness.Pair{Splunk: s.Rule.File, Panther: p.Rule.File}}
	for _, l := range lossy {
		v.Pair.Accept = append(v.Pair.Accept, accepts(l, src.Rule.Platform)...)
	}
	for _, e := range cmp.Events {
		if !e.Agree && v.Pair.Accepts(e) == nil {
			v.Unaccepted++
		}
	}
	return v, errs, nil
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
