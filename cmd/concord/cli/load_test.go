package cli

import (
	"runtime/debug"
	"testing"
)

// TestLoadingGC: the collector gets headroom while rules load and its
// setting comes back after; a setting above it, or off, is never lowered.
func TestLoadingGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, before := range []int{100, 50, 800, -1} {
		debug.SetGCPercent(before)
		restore := loadingGC()
		during := debug.SetGCPercent(-1)
		debug.SetGCPercent(during)
		want := max(before, 400)
		if before < 0 {
			want = -1
		}
		if during != want {
			t.Errorf("GOGC %d: %d while loading, want %d", before, during, want)
		}
		restore()
		if after := debug.SetGCPercent(before); after != before {
			t.Errorf("GOGC %d: %d after loading", before, after)
		}
	}
}
