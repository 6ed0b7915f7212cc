package plan

import (
	"bytes"
	"math/bits"
	"slices"
)

// keyScan finds the values of several keys in as few passes over a text as it
// can: each pass looks for one byte (both cases of it when keys fold) with
// bytes.IndexByte and tries, at each hit, every key that holds that byte, so
// eventName and eventSource, which share a 'v', cost one pass.
//
// When the groups fit one scanSet, a single pass finds them all, and with
// them the escapes and non-ASCII bytes the hazards need (see runSet).
type keyScan struct {
	keys   []*lit
	groups []scanGroup
	set    *scanSet
}

type scanGroup struct {
	b    byte // lower case when fold
	fold bool
	keys []scanKey
	// byDist are keys grouped by how far the group's byte is from the
	// quote before the key (runSet).
	byDist []distKeys
}

type distKeys struct {
	d    int
	keys []scanKey
}

type scanKey struct {
	i   int // index into keyScan.keys
	off int // where the group's byte is in the key's text
	end int // how far after the byte the key's closing quote is
}

// newKeyScan groups keys by the byte to search for, greedily taking the byte
// that costs least per key it serves (scanFreq: how often a search stops).
func newKeyScan(keys []*lit) keyScan {
	ks := keyScan{keys: keys}
	left := make([]bool, len(keys))
	for i := range left {
		left[i] = true
	}
	for {
		best, bestFold, bestCost := -1, false, 0
		for _, fold := range []bool{false, true} {
			for c := 0; c < 256; c++ {
				n := 0
				for i, k := range keys {
					if left[i] && k.fold == fold && bytes.IndexByte([]byte(k.text), byte(c)) >= 0 {
						n++
					}
				}
				if n == 0 {
					continue
				}
				if cost := (scanFreq(byte(c), fold) + 1) * 1000 / n; best < 0 || cost < bestCost {
					best, bestFold, bestCost = c, fold, cost
				}
			}
		}
		if best < 0 {
			ks.useSet()
			return ks
		}
		g := scanGroup{b: byte(best), fold: bestFold}
		for i, k := range keys {
			if off := bytes.IndexByte([]byte(k.text), byte(best)); left[i] && k.fold == bestFold && off >= 0 {
				g.keys = append(g.keys, scanKey{i: i, off: off, end: len(k.text) - off})
				left[i] = false
			}
		}
		ks.groups = append(ks.groups, g)
	}
}

// useSet makes ks search with one scanSet when its groups fit.
func (ks *keyScan) useSet() {
	if len(ks.groups) == 0 || len(ks.groups) > maxScanGroups {
		return
	}
	var groups [][]byte
	for _, g := range ks.groups {
		if g.b == 0 {
			return // the last block's padding
		}
		groups = append(groups, g.bytes())
	}
	for gi := range ks.groups {
		g := &ks.groups[gi]
		for _, sk := range g.keys {
			d := sk.off + 1
			i := slices.IndexFunc(g.byDist, func(x distKeys) bool { return x.d == d })
			if i < 0 {
				i = len(g.byDist)
				g.byDist = append(g.byDist, distKeys{d: d})
			}
			g.byDist[i].keys = append(g.byDist[i].keys, sk)
		}
	}
	ks.set = newScanSet(groups)
}

// bytes are the bytes searched for g: both cases of a letter when folding.
func (g scanGroup) bytes() []byte {
	if g.fold && 'a' <= g.b && g.b <= 'z' {
		return []byte{g.b, g.b - ('a' - 'A')}
	}
	return []byte{g.b}
}

// run records in h the values of every key of ks in raw.
func (ks *keyScan) run(raw []byte, h *hazards) {
	base := len(h.keys)
	for _, k := range ks.keys {
		h.slot(k)
	}
	slots := h.keys[base:]
	if ks.set != nil {
		ks.runSet(raw, h, slots)
		return
	}
	for _, g := range ks.groups {
		cs := [2]byte{g.b, g.b}
		if g.fold && 'a' <= g.b && g.b <= 'z' {
			cs[1] = g.b - ('a' - 'A')
		}
		for ci, c := range cs {
			if ci == 1 && c == cs[0] {
				break
			}
			for i := 0; i < len(raw); {
				j := bytes.IndexByte(raw[i:], c)
				if j < 0 {
					break
				}
				p := i + j
				i = p + 1
				for _, sk := range g.keys {
					ks.try(raw, p, sk, slots)
				}
			}
		}
	}
}

// try records the value of key sk.i if its text is at p-sk.off in raw.
func (ks *keyScan) try(raw []byte, p int, sk scanKey, slots []keyValues) {
	k := ks.keys[sk.i]
	start, n := p-sk.off, len(k.text)
	// Most hits are inside other words: test the quotes around a key before
	// its letters.
	if start < 1 || start+n >= len(raw) || raw[start-1] != '"' || raw[start+n] != '"' {
		return
	}
	t := raw[start : start+n]
	if !k.equal(t) {
		return
	}
	if v, ok := valueAt(raw, start, n); ok {
		slots[sk.i].vals = append(slots[sk.i].vals, v)
	}
}

// runSet is run in one pass over raw with ks.set, which also finds the
// quotes, backslashes and non-ASCII bytes: a key's byte counts only where
// the key's text would start just after a quote, and h's escapes and
// non-ASCII bytes are settled as scanEscapes and hasNonASCII would.
func (ks *keyScan) runSet(raw []byte, h *hazards, slots []keyValues) {
	m, hi := ks.set.masks(raw, h.mask)
	h.mask = m
	h.nonASCIIDone, h.nonASCII = true, hi
	blocks := len(m) / scanMasks
	h.escapesFrom(raw, m, blocks)
	for w := range blocks {
		for gi := range ks.groups {
			gm := m[w*scanMasks+gi]
			if gm == 0 {
				continue
			}
			for _, dk := range ks.groups[gi].byDist {
				for x := gm & shiftedBlock(m, quoteMask, w, dk.d); x != 0; x &= x - 1 {
					p := w*64 + bits.TrailingZeros64(x)
					for _, sk := range dk.keys {
						if e := p + sk.end; e < len(raw) && raw[e] == '"' {
							ks.try(raw, p, sk, slots)
						}
					}
				}
			}
		}
	}
}

// escapesFrom is scanEscapes with the backslashes' mask.
func (h *hazards) escapesFrom(raw []byte, m []uint64, blocks int) {
	h.escapes = true
	next := 0 // a backslash before this was escaped by the one before it
	for w := range blocks {
		for x := m[w*scanMasks+escapeMask]; x != 0; x &= x - 1 {
			p := w*64 + bits.TrailingZeros64(x)
			if p < next {
				continue
			}
			if h.escape(raw, p) {
				return
			}
			next = p + 2
		}
	}
}
