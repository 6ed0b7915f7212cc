//go:build !amd64

package plan

func maskBlocks(text []byte, s *byteSet, mask []uint64) bool {
	return maskBlocksGo(text, s, mask)
}
