package plan

import "testing"

// TestScanMasksSSE2 runs TestScanMasks's cases on the SSE2 loop, which
// TestScanMasks does not reach on a CPU with AVX2.
func TestScanMasksSSE2(t *testing.T) {
	defer func(v bool) { useAVX2 = v }(useAVX2)
	useAVX2 = false
	scanMaskCases(t)
	t.Logf("AVX2 on this CPU: %v", cpuAVX2())
}
