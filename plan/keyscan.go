package plan

import "bytes"

// keyScan finds the values of several keys in as few passes over a text as it
// can: each pass looks for one byte (both cases of it when keys fold) with
// bytes.IndexByte and tries, at each hit, every key that holds that byte, so
// eventName and eventSource, which share a 'v', cost one pass.
type keyScan struct {
	keys   []*lit
	groups []scanGroup
}

type scanGroup struct {
	b    byte // lower case when fold
	fold bool
	keys []scanKey
}

type scanKey struct {
	i   int // index into keyScan.keys
	off int // where the group's byte is in the key's text
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
			return ks
		}
		g := scanGroup{b: byte(best), fold: bestFold}
		for i, k := range keys {
			if off := bytes.IndexByte([]byte(k.text), byte(best)); left[i] && k.fold == bestFold && off >= 0 {
				g.keys = append(g.keys, scanKey{i: i, off: off})
				left[i] = false
			}
		}
		ks.groups = append(ks.groups, g)
	}
}

// run records in h the values of every key of ks in raw.
func (ks *keyScan) run(raw []byte, h *hazards) {
	base := len(h.keys)
	for _, k := range ks.keys {
		h.slot(k)
	}
	slots := h.keys[base:]
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
					k := ks.keys[sk.i]
					start, n := p-sk.off, len(k.text)
					// Most hits are inside other words: test the quotes
					// around a key before its letters.
					if start < 1 || start+n >= len(raw) || raw[start-1] != '"' || raw[start+n] != '"' {
						continue
					}
					t := raw[start : start+n]
					if k.fold && !equalFoldASCII(t, k.text) || !k.fold && string(t) != k.text {
						continue
					}
					if v, ok := valueAt(raw, start, n); ok {
						slots[sk.i].vals = append(slots[sk.i].vals, v)
					}
				}
			}
		}
	}
}
