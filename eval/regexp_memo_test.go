package eval

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// A pattern compiles once per distinct text and anchor; an error is not
// kept, so each call that hits it is reported at its own position.
func TestGoRegexpMemo(t *testing.T) {
	a, err := goRegexp(ast.Pos{Line: 1, Col: 1}, `Get(Object|Bucket)$`, "match")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := goRegexp(ast.Pos{Line: 9, Col: 9}, `Get(Object|Bucket)$`, "match")
	if a != b {
		t.Error("the same pattern and anchor compiled twice")
	}
	if c, _ := goRegexp(ast.Pos{}, `Get(Object|Bucket)$`, ""); c == a {
		t.Error("search and match share one compiled pattern")
	}
	if !a.MatchString("GetObject\n") || a.MatchString("xGetObject") {
		t.Errorf("re.match semantics lost: %s", a)
	}
	for _, line := range []int{3, 7} {
		_, err := goRegexp(ast.Pos{Line: line, Col: 2}, `(?<=a)b`, "")
		if err == nil || !strings.Contains(err.Error(), ast.Pos{Line: line, Col: 2}.String()) {
			t.Errorf("lookbehind at line %d: %v", line, err)
		}
	}
}
