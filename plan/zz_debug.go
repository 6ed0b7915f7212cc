package plan

import "fmt"

func (s *Set) Debug() string {
	out := ""
	for _, k := range s.keys {
		out += fmt.Sprintf("key %q fold=%v clauses=%d eq=%d eqFold=%d prefixes=%d any=%d\n", k.key.text, k.key.fold, len(k.clauses), len(k.eq), len(k.eqFold), len(k.prefixes), len(k.any))
	}
	for _, g := range s.scan.groups {
		out += fmt.Sprintf("group %q fold=%v keys=%d dists=%d\n", g.b, g.fold, len(g.keys), len(g.byDist))
	}
	out += fmt.Sprintf("always %v\n", s.always)
	for i, p := range s.Plans {
		out += fmt.Sprintf("plan %d: %v\n", i, p)
	}
	return out
}
