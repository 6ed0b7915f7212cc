package plan

// scanSet finds, in one pass over a text, the bytes of up to maxScanGroups
// groups of one or two bytes each (a key's byte, in both cases when keys
// fold), the quotes and the backslashes, each as a bit mask, and whether the
// text has a byte >= 0x80.
type scanSet struct {
	groups [][]byte
	// vec is each group's two bytes (a lone byte twice), then the quote
	// and the backslash, each repeated 16 times: what the SSE2 loop compares
	// 16 bytes of text with at once. Unused groups repeat the quote.
	vec [scanVecs * 16]byte
}

const (
	maxScanGroups = 4
	scanVecs      = 2*maxScanGroups + 2
	// scanMasks are the words masks writes for each 64 bytes of text: one
	// per group, then the quotes, then the backslashes.
	scanMasks  = maxScanGroups + 2
	quoteMask  = maxScanGroups
	escapeMask = maxScanGroups + 1
)

// newScanSet returns the set of groups: one to maxScanGroups, each of one or
// two bytes.
func newScanSet(groups [][]byte) *scanSet {
	if len(groups) == 0 || len(groups) > maxScanGroups {
		panic("plan: scan set of 1 to 4 groups")
	}
	s := &scanSet{groups: groups}
	fill := func(i int, b byte) {
		for j := range 16 {
			s.vec[i*16+j] = b
		}
	}
	for i := range maxScanGroups {
		g := []byte{'"', '"'}
		if i < len(groups) {
			if len(groups[i]) == 0 || len(groups[i]) > 2 {
				panic("plan: scan group of 1 or 2 bytes")
			}
			g = []byte{groups[i][0], groups[i][len(groups[i])-1]}
		}
		fill(2*i, g[0])
		fill(2*i+1, g[1])
	}
	fill(2*maxScanGroups, '"')
	fill(2*maxScanGroups+1, '\\')
	return s
}

// masks writes scanMasks words for each 64 bytes of text (the last block
// padded with zeros): bit i%64 of word scanMasks*(i/64)+k is set when text[i]
// is in group k, a quote (k = quoteMask) or a backslash (escapeMask). out is
// reused when long enough. It reports whether the text has a byte >= 0x80.
func (s *scanSet) masks(text []byte, out []uint64) ([]uint64, bool) {
	blocks := (len(text) + 63) / 64
	n := blocks * scanMasks
	if cap(out) < n {
		out = make([]uint64, n)
	}
	out = out[:n]
	full := len(text) / 64
	hi := false
	if full > 0 {
		hi = maskBlocks(text[:full*64], s, out[:full*scanMasks])
	}
	if tail := len(text) - full*64; tail > 0 {
		// The last bytes, in a block of zeros: a zero is in no group and is
		// no quote, backslash or byte >= 0x80.
		var blk [64]byte
		copy(blk[:], text[full*64:])
		hi = maskBlocks(blk[:], s, out[full*scanMasks:]) || hi
	}
	return out, hi
}

// maskBlocksGo is maskBlocks in Go: the reference the assembly is tested
// against, and the code on other architectures.
func maskBlocksGo(text []byte, s *scanSet, out []uint64) bool {
	var hi byte
	for blk := range len(text) / 64 {
		var m [scanMasks]uint64
		for i, c := range text[blk*64 : blk*64+64] {
			hi |= c
			for k := range maxScanGroups {
				if c == s.vec[2*k*16] || c == s.vec[(2*k+1)*16] {
					m[k] |= 1 << i
				}
			}
			switch c {
			case '"':
				m[quoteMask] |= 1 << i
			case '\\':
				m[escapeMask] |= 1 << i
			}
		}
		copy(out[blk*scanMasks:], m[:])
	}
	return hi >= 0x80
}

// shiftedBlock is word w of a bit mask of a text (every scanMasks-th word of
// masks, from k) moved d bits towards the end of the text: bit p is bit p-d.
func shiftedBlock(masks []uint64, k, w, d int) uint64 {
	w, d = w-d/64, d%64
	if w < 0 {
		return 0
	}
	x := masks[w*scanMasks+k] << d
	if w > 0 && d > 0 {
		x |= masks[(w-1)*scanMasks+k] >> (64 - d)
	}
	return x
}
