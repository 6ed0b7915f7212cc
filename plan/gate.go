package plan

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// gate rejects most events for all the plans of a Set at once, before the
// Set's key index looks at them. Each plan lends it up to two clauses whose
// literals an event must hold (or whose kind check it must fail) for the
// clause to hold; on an event that can hide nothing from a plain search (no
// backslash, no non-ASCII byte: see hazards.clean) a plan is rejected when one
// of those clauses finds none of its literals. Most events hold no literal of
// any plan, so they cost one pass.
//
// The pass is Teddy's (Hyperscan's multi-literal search): every literal is
// put in one of 8 buckets, and tables a byte of the text indexes by its low
// and high nibble give the buckets whose literals may have that byte at each
// of four places; a position is a candidate where the four agree on a
// bucket, and only candidates are compared with the bucket's literals. Each
// literal offers the four bytes of its text that are rarest in CloudTrail
// (tripleCost), so "DeleteTrail" does not stop on every "Delete".
type gate struct {
	entries []gateEntry
	buckets [gateBuckets][]int // indexes into entries
	tabs    gateTables
	// clauses are the number of gated clauses of each plan: a plan passes
	// once all of them have. ungated are the plans with none.
	clauses []int
	nClause int
	ungated []int
	// found has, for each plan, bit i set when its clause i is gated with
	// every literal searched as it is (not merged into another clause's
	// case-folded one): once the plan passes, the text holds a literal of that
	// clause (Plan.maybeFound).
	found []uint64
}

const gateBuckets = 8

// gatePlaces is the number of bytes of each literal the tables hold.
const gatePlaces = 4

// gateTables: for each place, a bucket mask by low nibble then by high
// nibble, each 16 bytes written twice (AVX2 shuffles within 16-byte lanes).
type gateTables [2 * gatePlaces][32]byte

// gateEntry is one literal of the gate and what finding it does.
type gateEntry struct {
	lit lit
	off int // where the bytes the tables hold start in lit.text
	// clauses are passed by finding the literal (indexes into the gate's
	// clauses); with kind set, only where it is a key whose value's kind
	// allow does not accept.
	clauses []gateClause
	kind    bool
	allow   uint8
	window  window
}

type gateClause struct{ id, plan int }

// window tests the bytes the tables hold for a literal, four at once: at p
// the text holds them when (its four bytes | or) & and == want.
type window struct{ or, and, want uint32 }

func newWindow(l lit, off int) window {
	var w window
	for k := range gatePlaces {
		if off+k >= len(l.text) {
			continue
		}
		c := l.text[off+k]
		w.and |= 0xff << (8 * k)
		w.want |= uint32(c) << (8 * k)
		if l.fold && 'a' <= c && c <= 'z' {
			w.or |= 0x20 << (8 * k)
		}
	}
	return w
}

func (w window) at(text []byte, p int) bool {
	var x uint32
	if p+4 <= len(text) {
		x = binary.LittleEndian.Uint32(text[p:])
	} else {
		for k := 0; p+k < len(text); k++ {
			x |= uint32(text[p+k]) << (8 * k)
		}
	}
	return (x|w.or)&w.and == w.want
}

// newGate returns nil when no plan lends a clause or too many literals would
// be searched for the pass to pay.
func newGate(plans []*Plan) *gate {
	g := &gate{clauses: make([]int, len(plans)), found: make([]uint64, len(plans))}
	for i, p := range plans {
		for _, j := range gatedClauses(p) {
			c := &p.clauses[j]
			gc := gateClause{id: g.nClause, plan: i}
			g.nClause++
			g.clauses[i]++
			exact := true
			for _, l := range c.lits {
				exact = g.add(gateEntry{lit: l}, gc) && exact
			}
			for _, k := range c.kinds {
				exact = g.add(gateEntry{lit: k.key, kind: true, allow: k.allow}, gc) && exact
			}
			if exact {
				g.found[i] |= 1 << j
			}
		}
	}
	if len(g.entries) == 0 || len(g.entries) > maxGateLits {
		return nil
	}
	for i, n := range g.clauses {
		if n == 0 {
			g.ungated = append(g.ungated, i)
		}
	}
	g.build()
	return g
}

// maxGateLits bounds the literals searched: past a few per bucket, candidates
// are many and each is compared with every literal of its buckets.
const maxGateLits = 64

// add searches for e's literal on behalf of clause c; exact reports that it
// is searched as it is, not ignoring case for another clause, so that finding
// it means the clause's literal is there.
func (g *gate) add(e gateEntry, c gateClause) (exact bool) {
	for i := range g.entries {
		// Finding "ConsoleLogin" in any case passes a clause that asks for
		// it exactly, as it passes one that ignores case: the gate may pass
		// more events than the plans keep, never fewer.
		have := &g.entries[i]
		same := have.lit == e.lit || have.lit.fold && have.lit == newLit(e.lit.text, true)
		if same && have.kind == e.kind && have.allow == e.allow {
			have.clauses = append(have.clauses, c)
			return have.lit == e.lit
		}
	}
	e.clauses = []gateClause{c}
	g.entries = append(g.entries, e)
	return true
}

// gatedClauses are the indexes of the clauses of p the gate searches for: the
// two whose literals look rarest. An event passes a clause without literals;
// one whose text may hide them decides for itself.
func gatedClauses(p *Plan) []int {
	var cs []int
	for i := range p.clauses {
		if len(p.clauses[i].lits) > 0 {
			cs = append(cs, i)
		}
	}
	cost := func(i int) int { return clauseCost(&p.clauses[i]) }
	slices.SortStableFunc(cs, func(a, b int) int { return cost(a) - cost(b) })
	if len(cs) > 2 {
		cs = cs[:2]
	}
	if len(cs) == 2 && cost(cs[1]) > 4*cost(cs[0]) {
		cs = cs[:1]
	}
	return cs
}

// clauseCost guesses how often an event holds a literal of c: the commonest
// of the trigrams the gate would search for.
func clauseCost(c *clause) int {
	cost := 0
	for _, l := range c.lits {
		cost += windowCost(l.text, rarestWindow(l.text, l.fold), l.fold)
	}
	for _, k := range c.kinds {
		cost += windowCost(k.key.text, rarestWindow(k.key.text, k.key.fold), k.key.fold)
	}
	return cost
}

// build picks each literal's bytes and fills the buckets and tables.
func (g *gate) build() {
	for i := range g.entries {
		e := &g.entries[i]
		e.off = rarestWindow(e.lit.text, e.lit.fold)
		e.window = newWindow(e.lit, e.off)
	}
	// A bucket accepts at each place every byte whose low nibble one of its
	// literals has there and whose high nibble one (maybe another) has: the
	// literals sharing a bucket should have alike bytes. Greedily, the
	// commonest literals first, each goes where it widens that least.
	order := make([]int, len(g.entries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return g.entries[b].cost() - g.entries[a].cost()
	})
	// A literal most events hold (a kind check's eventName) gets a bucket of
	// its own while there are some: any other's bytes with its would stop
	// the search in most events.
	var nibbles [gateBuckets]placeNibbles
	var common [gateBuckets]bool
	for _, i := range order {
		e := &g.entries[i]
		mine := e.nibbles()
		isCommon := e.cost() >= commonWindow
		best, bestGrowth := -1, 0.0
		for b := range gateBuckets {
			empty := len(g.buckets[b]) == 0
			if !empty && (common[b] || isCommon) {
				continue
			}
			before := nibbles[b].width()
			if growth := nibbles[b].with(mine).width() - before; best < 0 || growth < bestGrowth {
				best, bestGrowth = b, growth
			}
		}
		if best < 0 {
			best = 0 // every bucket is taken by a common literal: any will do
		}
		g.buckets[best] = append(g.buckets[best], i)
		nibbles[best] = nibbles[best].with(mine)
		common[best] = common[best] || isCommon
		bit := byte(1) << best
		for k := range gatePlaces {
			for lo := range 16 {
				for hi := range 16 {
					if mine[k][0]&(1<<lo) != 0 && mine[k][1]&(1<<hi) != 0 {
						g.tabs.set(k, lo, hi, bit)
					}
				}
			}
		}
	}
}

// commonWindow is the windowCost from which a literal is in most events.
const commonWindow = 1000

// placeNibbles are, at each place, the low and the high nibbles accepted.
type placeNibbles [gatePlaces][2]uint16

func (n placeNibbles) with(o placeNibbles) placeNibbles {
	for k := range n {
		n[k][0] |= o[k][0]
		n[k][1] |= o[k][1]
	}
	return n
}

// width is the share of positions of CloudTrail text n accepts, taking its
// bytes (freq) as independent.
func (n placeNibbles) width() float64 {
	w := 1.0
	for _, p := range n {
		sum := 0
		for lo := range 16 {
			for hi := range 16 {
				if p[0]&(1<<lo) != 0 && p[1]&(1<<hi) != 0 {
					sum += freq[hi<<4|lo] + 1
				}
			}
		}
		w *= float64(sum) / 10000
	}
	return w
}

// nibbles are those of e's bytes the tables hold: both cases of a letter
// when folding, any byte past the end of a short literal.
func (e *gateEntry) nibbles() placeNibbles {
	var n placeNibbles
	for k := range gatePlaces {
		if e.off+k >= len(e.lit.text) {
			n[k] = [2]uint16{0xffff, 0xffff}
			continue
		}
		c := e.lit.text[e.off+k]
		n[k][0] |= 1 << (c & 15)
		n[k][1] |= 1 << (c >> 4)
		if e.lit.fold && 'a' <= c && c <= 'z' {
			u := c - ('a' - 'A')
			n[k][1] |= 1 << (u >> 4)
		}
	}
	return n
}

func (e *gateEntry) cost() int { return windowCost(e.lit.text, e.off, e.lit.fold) }

func (t *gateTables) set(place, lo, hi int, bit byte) {
	t[2*place][lo] |= bit
	t[2*place][lo+16] |= bit
	t[2*place+1][hi] |= bit
	t[2*place+1][hi+16] |= bit
}

// commonTrigramCount is the number of trigrams in commonTrigrams.
const commonTrigramCount = 4000

// trigramRank is the place of each common trigram, most common first; foldRank
// the best place of any case form of a lower-case one.
var trigramRank, foldRank = func() (exact, fold map[string]int) {
	exact, fold = map[string]int{}, map[string]int{}
	for i := 0; i+3 <= len(commonTrigrams); i += 3 {
		t := commonTrigrams[i : i+3]
		exact[t] = i / 3
		if _, ok := fold[asciiLower(t)]; !ok {
			fold[asciiLower(t)] = i / 3
		}
	}
	return exact, fold
}()

// rarestWindow is where the bytes of s the tables hold start: those least
// common in CloudTrail by the ranks of bench/gen's trigrams (text shaped like
// a real trail's), since the search stops at each occurrence.
func rarestWindow(s string, fold bool) int {
	best, bestCost := 0, -1
	for i := 0; i == 0 || i+gatePlaces <= len(s); i++ {
		cost := windowCost(s, i, fold)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return best
}

// windowCost guesses how often the bytes of s from i, as many as the tables
// hold, occur: no more often than either of their trigrams.
func windowCost(s string, i int, fold bool) int {
	return min(tripleCost(s, i, fold), tripleCost(s, i+1, fold))
}

// tripleCost guesses how often the trigram of s at i occurs: as Zipf's law
// has it from its rank among the common ones, else rarely. A text shorter
// than three bytes occurs often.
func tripleCost(s string, i int, fold bool) int {
	if i+3 > len(s) {
		return 1_000_000
	}
	rank, ok := trigramRank[s[i:i+3]]
	if fold {
		rank, ok = foldRank[s[i:i+3]]
	}
	if !ok {
		return 10
	}
	return 1_000_000 / (rank + 10)
}

// bucketsAt is the buckets whose literals may have their bytes at p (past
// the text's end, a zero byte). A non-ASCII byte is in none: literals are
// ASCII, and a text with such a byte is a hazard anyway.
func (t *gateTables) bucketsAt(text []byte, p int) byte {
	b := byte(0xff)
	for k := range gatePlaces {
		var c byte
		if p+k < len(text) {
			c = text[p+k]
		}
		if c >= 0x80 {
			return 0
		}
		b &= t[2*k][c&15] & t[2*k+1][c>>4]
	}
	return b
}

// gate flags: what fingerprint reports about the text besides the
// candidates.
const (
	gateBackslash = 1 << iota
	gateNonASCII

	gateHazards = gateBackslash | gateNonASCII
)

// fingerprintGo is fingerprint's definition: out[w] has bit j set when
// bucketsAt(text, 32w+j) is not zero, for every position of text, and
// buckets[p] is bucketsAt(text, p) where bit p is set (fingerprint need not
// write the others); out must hold (len(text)+31)/32 words and buckets as
// many bytes as those words have bits. Bit w%64 of words is set for each word
// w of out that is not zero, so most texts' candidates are found without
// reading all of out.
func fingerprintGo(text []byte, t *gateTables, out []uint32, buckets []byte) (flags int, words uint64) {
	clear(out[:(len(text)+31)/32])
	for p := range text {
		b := t.bucketsAt(text, p)
		buckets[p] = b
		if b != 0 {
			out[p/32] |= 1 << (p % 32)
			words |= 1 << (p / 32 % 64)
		}
		switch c := text[p]; {
		case c == '\\':
			flags |= gateBackslash
		case c >= 0x80:
			flags |= gateNonASCII
		}
	}
	return flags, words
}

// gateState is a Checker's scratch space for the gate.
type gateState struct {
	masks   []uint32
	buckets []byte
	found   []bool // of each entry
	clause  []bool // of each gated clause: passed
	passed  []int  // of each plan: its gated clauses passed
	// ready are the plans the gate passed, in the order they did.
	ready []int
}

// run counts in st.passed the gated clauses of each plan the event passes,
// and reports false when the text may hide a literal from it (then every
// plan must decide).
func (g *gate) run(raw []byte, st *gateState) bool {
	n := (len(raw) + 31) / 32
	if cap(st.masks) < n {
		st.masks = make([]uint32, n+n/2)
	}
	st.masks = st.masks[:n]
	if cap(st.buckets) < 32*n {
		st.buckets = make([]byte, 32*cap(st.masks))
	}
	st.buckets = st.buckets[:32*n]
	flags, words := fingerprint(raw, &g.tabs, st.masks, st.buckets)
	if flags&gateHazards != 0 {
		// A backslash may be an escape hiding a literal's character (the
		// hazards' work); a non-ASCII letter may fold to an ASCII one.
		return false
	}
	if st.found == nil {
		st.found = make([]bool, len(g.entries))
		st.clause = make([]bool, g.nClause)
		st.passed = make([]int, len(g.clauses))
	}
	clear(st.passed)
	st.ready = append(st.ready[:0], g.ungated...)
	if words == 0 {
		return true
	}
	clear(st.found)
	clear(st.clause)
	for ; words != 0; words &= words - 1 {
		for w := bits.TrailingZeros64(words); w < len(st.masks); w += 64 {
			for m := st.masks[w]; m != 0; m &= m - 1 {
				p := w*32 + bits.TrailingZeros32(m)
				for b := st.buckets[p]; b != 0; b &= b - 1 {
					for _, i := range g.buckets[bits.TrailingZeros8(b)] {
						if !st.found[i] && g.entries[i].window.at(raw, p) {
							g.try(raw, p, i, st)
						}
					}
				}
			}
		}
	}
	return true
}

// passes says whether plan i passed the gate.
func (g *gate) passes(st *gateState, i int) bool {
	return st.passed[i] == g.clauses[i]
}

// try passes the clauses of entry i if its literal is at p less its offset.
func (g *gate) try(raw []byte, p, i int, st *gateState) {
	e := &g.entries[i]
	start, n := p-e.off, len(e.lit.text)
	if start < 0 || start+n > len(raw) {
		return
	}
	t := raw[start : start+n]
	if !e.lit.equal(t) {
		return
	}
	if e.kind {
		kind, ok := kindAt(raw, start, n)
		if !ok || e.allow&kind != 0 {
			return
		}
	}
	st.found[i] = true
	for _, c := range e.clauses {
		if !st.clause[c.id] {
			st.clause[c.id] = true
			if st.passed[c.plan]++; st.passed[c.plan] == g.clauses[c.plan] {
				st.ready = append(st.ready, c.plan)
			}
		}
	}
}
