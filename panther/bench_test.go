package panther

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParsePython parses every Python file of the fixtures and testdata:
// loading a rule tree is mostly this.
func BenchmarkParsePython(b *testing.B) {
	var srcs [][]byte
	var size int64
	for _, pattern := range []string{"../fixtures/panther-analysis/*/*/*.py", "../fixtures/panther-analysis/*/*.py", "testdata/*/*/*.py"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, src)
			size += int64(len(src))
		}
	}
	if len(srcs) == 0 {
		b.Fatal("no Python files found")
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, errs := parseModule("bench.py", src); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	}
}
