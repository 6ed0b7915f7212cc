package panther

import (
	"strings"
	"testing"
	"time"
)

func TestZZPerf(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("(", 12), strings.Repeat("[", 12), strings.Repeat("{", 12), strings.Repeat("x(", 12),
		strings.Repeat("x[", 12), "x = " + strings.Repeat("(a, ", 12), strings.Repeat("f(a=", 12), strings.Repeat("lambda a: ", 12),
		strings.Repeat("not ", 30), strings.Repeat("-", 30) + "x", strings.Repeat("a if b else ", 12),
		"def rule(e):\n" + strings.Repeat("    if a:\n        x = 1\n", 30) + "    return x\n",
		"def rule(e):\n" + strings.Repeat("    if a:\n        return 1\n    y = 2\n", 30) + "    return y\n",
	} {
		start := time.Now()
		ParsePython("p.py", []byte(s))
		t.Logf("%8v %q", time.Since(start), s[:min(len(s), 30)])
	}
}
