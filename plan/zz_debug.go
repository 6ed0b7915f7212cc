package plan

import (
	"fmt"
	"math/bits"
)

func (s *Set) GateDebug(lines [][]byte) string {
	g := s.gate
	out := ""
	for i, e := range g.entries {
		out += fmt.Sprintf("entry %d %v off=%d kind=%v window=%q\n", i, e.lit, e.off, e.kind, g.triple(i))
	}
	var st gateState
	unclean, passAny, cands := 0, 0, 0
	var byB [8]int
	hits := map[string]int{}
	for _, raw := range lines {
		if !g.run(raw, &st) {
			unclean++
			continue
		}
		for w, m := range st.masks {
			cands += bits.OnesCount32(m)
			for ; m != 0; m &= m - 1 {
				p := w*32 + bits.TrailingZeros32(m)
				for b := st.buckets[p]; b != 0; b &= b - 1 {
					byB[bits.TrailingZeros8(b)]++
				}
				hits[string(raw[p:min(p+4, len(raw))])]++
			}
		}
		if g.any(&st) {
			passAny++
		}
	}
	out += fmt.Sprintf("events %d unclean %d pass %d cands/event %.1f\nby bucket %v\n", len(lines), unclean, passAny, float64(cands)/float64(len(lines)), byB)
	for b, l := range g.buckets {
		out += fmt.Sprintf("bucket %d:", b)
		for _, i := range l {
			out += fmt.Sprintf(" %q", g.triple(i))
		}
		out += "\n"
	}
	type kv struct{ k string; v int }
	var top []kv
	for k, v := range hits { top = append(top, kv{k, v}) }
	for i := range top { for j := i + 1; j < len(top); j++ { if top[j].v > top[i].v { top[i], top[j] = top[j], top[i] } } ; if i > 25 { break } }
	out += fmt.Sprintf("%v\n", top[:min(25, len(top))])
	return out
}
