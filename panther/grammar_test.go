package panther

import (
	"strings"
	"testing"
)

// TestGrammar_parses checks that the grammar accepts the Python forms rules use,
// including those lowering reports as unsupported.
func TestGrammar_parses(t *testing.T) {
	tests := []struct{ name, src string }{
		{"imports", "import re\nimport a.b as c\nfrom x import (a, b as d,)\nfrom . import y\n"},
		{"constants", "A = {'a', 'b'}\nB = frozenset(['x'])\nC: dict = {'k': [1, 2.5, None, True]}\nD = (1,)\n"},
		{"annotated def", "def rule(event: PantherEvent) -> bool:\n    return True\n"},
		{"defaults and stars", "def f(a, b=1, *args, c, **kw):\n    pass\n"},
		{"if elif else", "def rule(e):\n    if a:\n        return 1\n    elif b: return 2\n    else:\n        return 3\n"},
		{"conditional expression", "x = a if b else c if d else e\n"},
		{"comparisons", "x = a < b <= c != d == e > f >= g in h not in i is j is not None\n"},
		{"arithmetic", "x = -a + b * c ** -d // e % f - ~g | h & i ^ j << 1 >> 2\n"},
		{"calls and trailers", "x = f(a, *b, k=1, **c)[0][1:2][::3].d(e for e in g)\n"},
		{"strings", "x = 'a' \"b\" f'{c!r:>10}' rf\"\\d{d}\" '''t\n'''\n"},
		{"comprehensions", "x = [a for a in b if c]\ny = {k: v for k, v in d.items()}\nz = {a for a in b}\n"},
		{"loops", "for a, b in c:\n    continue\nelse:\n    pass\nwhile x:\n    break\n"},
		{"try", "try:\n    a()\nexcept (KeyError, ValueError) as err:\n    raise\nfinally:\n    pass\n"},
		{"with and class", "with open(f) as h, g:\n    pass\nclass A(B):\n    x = 1\n"},
		{"lambda and walrus", "f = lambda a, b=1: a + b\nif (m := g()):\n    pass\n"},
		{"match statement", "match x:\n    case 'a' | 'b':\n        pass\n    case _:\n        pass\n"},
		{"match as a name", "match = re.search(p, s)\nmatch.group(1)\n"},
		{"global and semicolons", "def f():\n    global X; X = 1\n"},
		{"decorator", "@cache\ndef f():\n    pass\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, errs := parseModule("t.py", []byte(tt.src)); len(errs) > 0 {
				t.Errorf("parse: %v", errs)
			}
		})
	}
}

func TestGrammar_syntaxErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"missing colon", "def rule(event)\n    return True\n", "x.py:1:16: parse: "},
		{"unclosed bracket", "def rule(event):\n    return (event.get('a')\n", "x.py:3:1: parse: "},
		{"bad dedent", "def rule(event):\n    if a:\n        return 1\n      return 2\n", "x.py:4:7: parse: unindent does not match"},
		{"operator without operand", "def rule(event):\n    return a ==\n", "x.py:2:16: parse: unexpected token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParsePython("x.py", []byte(tt.src))
			if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tt.want) {
				t.Fatalf("got %v, want prefix %q", errs, tt.want)
			}
			if !strings.Contains(errs[0].Msg, "expected") && !strings.Contains(errs[0].Msg, "unindent") {
				t.Errorf("message does not say what was expected: %s", errs[0].Msg)
			}
		})
	}
}
