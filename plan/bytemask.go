package plan

import (
	"math/bits"
	"slices"
)

// byteSet is up to maxSetBytes bytes to find in a text in one pass.
type byteSet struct {
	bytes []byte
	// vec is each byte repeated 16 times, the unused places repeating the
	// first: what the SSE2 loop compares 16 bytes of text with at once.
	vec [maxSetBytes * 16]byte
}

const maxSetBytes = 8

// newByteSet returns the set of bs: one to maxSetBytes bytes, none of them 0.
func newByteSet(bs []byte) *byteSet {
	if len(bs) == 0 || len(bs) > maxSetBytes || slices.Contains(bs, 0) {
		panic("plan: byte set of 1 to 8 non-zero bytes")
	}
	s := &byteSet{bytes: bs}
	for i := range maxSetBytes {
		b := bs[0]
		if i < len(bs) {
			b = bs[i]
		}
		for j := range 16 {
			s.vec[i*16+j] = b
		}
	}
	return s
}

// mask sets bit i%64 of mask[i/64] for each i where text[i] is one of the
// set's bytes, clearing the others, and reports whether the text has a byte
// >= 0x80. mask is reused when long enough.
func (s *byteSet) mask(text []byte, mask []uint64) ([]uint64, bool) {
	n := (len(text) + 63) / 64
	if cap(mask) < n {
		mask = make([]uint64, n)
	}
	mask = mask[:n]
	full := len(text) / 64
	hi := false
	if full > 0 {
		hi = maskBlocks(text[:full*64], s, mask[:full])
	}
	if tail := len(text) - full*64; tail > 0 {
		// The last bytes, in a block of zeros: no byte of a set (newByteSet
		// refuses 0) and none >= 0x80.
		var blk [64]byte
		copy(blk[:], text[full*64:])
		var m [1]uint64
		hi = maskBlocks(blk[:], s, m[:]) || hi
		mask[full] = m[0] &^ (^uint64(0) << tail)
	}
	return mask, hi
}

// maskBlocksGo is maskBlocks in Go: the reference the assembly is tested
// against, and the code on other architectures.
func maskBlocksGo(text []byte, s *byteSet, mask []uint64) bool {
	var hi byte
	for blk := range mask {
		var m uint64
		for i, c := range text[blk*64 : blk*64+64] {
			hi |= c
			for _, b := range s.bytes {
				if c == b {
					m |= 1 << i
					break
				}
			}
		}
		mask[blk] = m
	}
	return hi >= 0x80
}

// nextBit returns the position of the first set bit of mask at or after
// from, or -1.
func nextBit(mask []uint64, from int) int {
	w := from / 64
	if w >= len(mask) {
		return -1
	}
	m := mask[w] &^ (1<<(from%64) - 1)
	for {
		if m != 0 {
			return w*64 + bits.TrailingZeros64(m)
		}
		if w++; w >= len(mask) {
			return -1
		}
		m = mask[w]
	}
}
