package plan

//go:noescape
func maskBlocksSSE2(text *byte, blocks int, vec *[scanVecs * 16]byte, out *uint64) bool

// maskBlocks is scanSet.masks on whole 64-byte blocks (len(text) ==
// 64*len(out)/scanMasks), 16 bytes a step with SSE2, which every amd64 has.
func maskBlocks(text []byte, s *scanSet, out []uint64) bool {
	blocks := len(text) / 64
	if blocks == 0 {
		return false
	}
	_ = out[blocks*scanMasks-1]
	return maskBlocksSSE2(&text[0], blocks, &s.vec, &out[0])
}
