package plan

// maskBlocks is byteSet.mask on whole 64-byte blocks (len(text) ==
// 64*len(mask)), 16 bytes a step with SSE2, which every amd64 has.
//
//go:noescape
func maskBlocksSSE2(text *byte, blocks int, vec *[maxSetBytes * 16]byte, mask *uint64) bool

func maskBlocks(text []byte, s *byteSet, mask []uint64) bool {
	if len(mask) == 0 {
		return false
	}
	_ = text[64*len(mask)-1]
	return maskBlocksSSE2(&text[0], len(mask), &s.vec, &mask[0])
}
