package plan

//go:noescape
func maskBlocksSSE2(text *byte, blocks int, vec *[scanVecs * 16]byte, out *uint64) bool

//go:noescape
func maskBlocksAVX2(text *byte, blocks int, vec *[scanVecs * 16]byte, out *uint64) bool

func cpuAVX2() bool

// useAVX2: 32 bytes a step where the CPU has AVX2, else 16 with SSE2, which
// every amd64 has.
var useAVX2 = cpuAVX2()

// maskBlocks is scanSet.masks on whole 64-byte blocks (len(text) ==
// 64*len(out)/scanMasks).
func maskBlocks(text []byte, s *scanSet, out []uint64) bool {
	blocks := len(text) / 64
	if blocks == 0 {
		return false
	}
	_ = out[blocks*scanMasks-1]
	if useAVX2 {
		return maskBlocksAVX2(&text[0], blocks, &s.vec, &out[0])
	}
	return maskBlocksSSE2(&text[0], blocks, &s.vec, &out[0])
}
