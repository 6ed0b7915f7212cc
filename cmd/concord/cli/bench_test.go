package cli

import (
	"io"
	"testing"
)

// BenchmarkCheckFixtures is README's main job, `concord check fixtures`: every
// rule's tests and every pair's comparison (mutants and exact decision
// included). The issue asks for under 10 s on the CI machine.
func BenchmarkCheckFixtures(b *testing.B) {
	for b.Loop() {
		if code := Main([]string{"check", fixtures, "--format", "json"}, io.Discard, io.Discard); code > 1 {
			b.Fatalf("exit %d", code)
		}
	}
}
