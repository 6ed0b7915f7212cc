//go:build !amd64

package plan

func maskBlocks(text []byte, s *scanSet, out []uint64) bool {
	return maskBlocksGo(text, s, out)
}
