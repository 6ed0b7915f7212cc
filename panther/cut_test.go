package panther

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestWithoutTopBlock(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"block to the end", "A: 1\nTests:\n  - Name: x\n    Log:\n      a: 1\n", "A: 1\n\n\n\n\n"},
		{"block then a key", "Tests: # the tests\n  - Name: x\n\n# note\nB: 2\n", "\n\n\n\nB: 2\n"},
		{"indentless sequence", "Tests:\n- Name: x\n-\n  Log: {}\nB: 2\n", "\n\n\n\nB: 2\n"},
		{"CRLF", "A: 1\r\nTests:\r\n  - Name: x\r\nB: 2\r\n", "A: 1\r\n\n\nB: 2\r\n"},
		{"no such key", "A: 1\nB:\n  - 2\n", "A: 1\nB:\n  - 2\n"},
		{"a value on the key's line", "Tests: []\nB: 2\n", "Tests: []\nB: 2\n"},
		{"a document marker", "Tests:\n  - 1\n---\nB: 2\n", "Tests:\n  - 1\n---\nB: 2\n"},
		{"a quoted key next", "Tests:\n  - 1\n\"B\": 2\n", "Tests:\n  - 1\n\"B\": 2\n"},
		{"a key that only starts alike", "TestsX:\n  - 1\n", "TestsX:\n  - 1\n"},
	}
	for _, tt := range tests {
		if got := string(withoutTopBlock([]byte(tt.src), "Tests")); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestLoadRuleWith_skipTests: a rule read without its tests is the rule read
// whole less its tests, line numbers included.
func TestLoadRuleWith_skipTests(t *testing.T) {
	files, _ := filepath.Glob("../fixtures/panther-analysis/rules/*/*.yml")
	more, _ := filepath.Glob("testdata/rules/*/*.yml")
	files = append(files, more...)
	cut := 0
	for _, f := range files {
		whole, errs := LoadRule(f)
		if whole == nil {
			t.Fatalf("%s: %v", f, errs)
		}
		if len(whole.Tests) > 0 {
			cut++
		}
		whole.Tests = nil
		part, perrs := LoadRuleWith(f, LoadOptions{SkipTests: true})
		if part == nil {
			t.Fatalf("%s: %v", f, perrs)
		}
		if got, want := ast.Dump(part), ast.Dump(whole); got != want {
			t.Errorf("%s: without tests:\n%s\nwhole less tests:\n%s", f, got, want)
		}
		// The errors are the same but those in the tests, which are not read.
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inTests := blankedLines(src, withoutTopBlock(src, "Tests"))
		var kept ast.ErrorList
		for _, e := range errs {
			if !inTests[e.Pos.Line] {
				kept = append(kept, e)
			}
		}
		if got, want := strings.Join(errStrings(perrs), "\n"), strings.Join(errStrings(kept), "\n"); got != want {
			t.Errorf("%s: errors without tests:\n%s\nwhole:\n%s", f, got, want)
		}
	}
	if cut == 0 {
		t.Fatal("no fixture rule has tests to leave out")
	}
}

// blankedLines are the numbers of the lines of src that cut blanked.
func blankedLines(src, cut []byte) map[int]bool {
	out := map[int]bool{}
	a, b := strings.Split(string(src), "\n"), strings.Split(string(cut), "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			out[i+1] = true
		}
	}
	return out
}

func errStrings(errs ast.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
