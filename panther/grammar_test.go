package panther

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/panther/internal/grammar"
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

// nested prints an expression statement's OrExpr as grammar.OrExpr.Ands
// nests it, one bracket per level that has more than one operand.
func nested(o *grammar.OrExpr) string {
	word := func(u *grammar.Unary) string { return strings.Join(u.Ops, "") + u.X.X.Atom.Name }
	bin := func(b *grammar.BinExpr) string {
		s := word(b.X)
		for _, t := range b.Tail {
			s += " " + t.Op + " " + word(t.Y)
		}
		if len(b.Tail) > 0 {
			s = "(" + s + ")"
		}
		return s
	}
	var ors []string
	for _, a := range o.Ands() {
		var ands []string
		for _, n := range a.Xs {
			prefix := ""
			for ; n.Not != nil; n = n.Not {
				prefix += "not "
			}
			s := bin(n.X.X)
			for _, t := range n.X.Tail {
				s += " " + strings.Join(t.Op, " ") + " " + bin(t.Y)
			}
			if len(n.X.Tail) > 0 {
				s = "[" + s + "]"
			}
			ands = append(ands, prefix+s)
		}
		ors = append(ors, "{"+strings.Join(ands, " and ")+"}")
	}
	return strings.Join(ors, " or ")
}

// TestGrammar_precedence checks the precedence OrExpr.Ands gives the flat run
// participle reads (https://docs.python.org/3/reference/expressions.html#operator-precedence):
// or < and < not < comparisons < binary operators.
func TestGrammar_precedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a", "{a}"},
		{"a or b and c", "{a} or {b and c}"},
		{"not a == b and c", "{not [a == b] and c}"},
		{"not not a or not b", "{not not a} or {not b}"},
		{"a and not b < c < d", "{a and not [b < c < d]}"},
		{"a + b * c == -d | e", "{[(a + b * c) == (-d | e)]}"},
		{"a not in b is not c in d", "{[a not in b is not c in d]}"},
		{"a is b or c != d and e", "{[a is b]} or {[c != d] and e}"},
	}
	for _, tt := range tests {
		mod, errs := parseModule("t.py", []byte(tt.src+"\n"))
		if len(errs) > 0 {
			t.Errorf("%s: %v", tt.src, errs)
			continue
		}
		x := mod.Stmts[0].Simple.Smalls[0].Expr.Target.Items[0].X
		if got := nested(x.Cond.Then); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestGrammar_misplacedNot: Python takes `not` only where an operand of `and`
// or `or` starts, or as part of `not in` and `is not`.
func TestGrammar_misplacedNot(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + not b\n", `1:5: parse: unexpected token "not"`},
		{"a == not b\n", `1:6: parse: unexpected token "not"`},
		{"-not a\n", `1:2: parse: unexpected token "not"`},
		{"a not b\n", `1:7: parse: unexpected token "b" (expected "in")`},
	}
	for _, tt := range tests {
		_, errs := parseModule("t.py", []byte(tt.src))
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
			t.Errorf("%q: got %v, want %s", tt.src, errs, tt.want)
		}
	}
}
