package notation

import (
	"strings"
	"testing"
	"time"
)

func TestPerfTmp(t *testing.T) {
	for _, n := range []int{10, 15, 20, 25} {
		for name, src := range map[string]string{
			"dict":   strings.Repeat("{a: ", n) + "a",
			"dictk":  strings.Repeat("{", n) + "a",
			"const":  "const " + strings.Repeat("[", n) + "1",
			"constd": "const " + strings.Repeat("{\"a\": ", n) + "1",
			"idx":    strings.Repeat("a[", n) + "a",
			"if":     strings.Repeat("if(", n) + "a",
			"and":    strings.Repeat("and(", n) + "a",
			"call":   strings.Repeat("f(", n) + "a",
			"helper": strings.Repeat("helper h() {", n) + "a",
			"not":    strings.Repeat("not (", n) + "a",
			"def":    strings.Repeat("(a default ", n) + "a",
			"cmp":    strings.Repeat("(a eq ", n) + "a",
			"mix":    strings.Repeat("([{(", n) + "a",
		} {
			st := time.Now()
			Parse("p", src)
			if d := time.Since(st); d > 20*time.Millisecond {
				t.Logf("%s n=%d: %v", name, n, d)
			}
		}
	}
}
