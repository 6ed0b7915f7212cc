package notation

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// pyFormCases are the Python statement forms; they join roundTripCases, so the
// fuzz target starts from them too.
func pyFormCases() []rtCase {
	x, xs := &ast.Local{Name: "x"}, &ast.Local{Name: "xs#2"}
	return []rtCase{
		{x, `local("x")`},
		{&ast.Local{Name: "global ALLOW"}, `local("global ALLOW")`},
		{&ast.Let{Names: []string{"x"}, X: f("a"), Body: x}, `let("x", a, local("x"))`},
		{&ast.Let{Names: []string{"k", "v"}, X: f("pair"), Body: &ast.Lit{Val: ast.Null}}, `let(["k", "v"], pair, null)`},
		{&ast.Comp{Kind: ast.CompAny, Elem: eq(x, str("a")), Clauses: []ast.CompFor{{Vars: []string{"x"}, Iter: f("items")}}},
			`comp("any", local("x") eq "a", for("x", items))`},
		{&ast.Comp{Kind: ast.CompDict, Elem: x, Val: xs, Clauses: []ast.CompFor{
			{Vars: []string{"x", "xs#2"}, Iter: f("d"), Ifs: []ast.Expr{x, xs}},
			{Vars: []string{"y"}, Iter: x},
		}}, `comp("dict", local("x"), for(["x", "xs#2"], d, local("x"), local("xs#2")), for("y", local("x")), val(local("xs#2")))`},
		{&ast.Comp{Kind: ast.CompFirst, Elem: x, Clauses: []ast.CompFor{{Vars: []string{"x"}, Iter: f("a")}}}, `comp("first", local("x"), for("x", a))`},
		{&ast.Loop{Label: "loop1", Vars: []string{"x"}, Iter: f("a"),
			Body: &ast.Cond{If: x, Then: &ast.Lit{Val: ast.True}, Else: &ast.Exit{Label: "loop1"}},
			Then: &ast.Lit{Val: ast.False}},
			`loop("loop1", ["x"], a, if(local("x"), true, next("loop1")), false)`},
		{&ast.Loop{Label: "l", Vars: []string{"k", "v"}, Iter: f("a"), Body: &ast.Exit{Label: "l", Break: true},
			Else: &ast.Lit{Val: ast.Int(1)}, Then: &ast.Lit{Val: ast.Int(2)}},
			`loop("l", ["k", "v"], a, break("l"), 2, loop_else(1))`},
		{&ast.Try{Label: "try1", Body: &ast.Exit{Label: "try1"}, Then: x, Handlers: []ast.Handler{
			{Types: []string{"KeyError", "IndexError"}, Body: &ast.Lit{Val: ast.False}},
			{Types: []string{}, Body: &ast.Exit{Label: "try1"}},
		}, Else: &ast.Exit{Label: "try1"}},
			`try("try1", next("try1"), local("x"), except(["KeyError", "IndexError"], false), except([], next("try1")), try_else(next("try1")))`},
		{&ast.Loop{Label: "w", Cond: x, Body: &ast.Exit{Label: "w"}, Then: x, Else: xs},
			`while("w", local("x"), next("w"), local("x"), loop_else(local("xs#2")))`},
		{&ast.In{X: f("a"), Y: f("b"), Dialect: ast.Python, Hashed: true}, `a in_set b`},
		// The words are reserved: as fields they are quoted.
		{f("next", "loop"), `'next'.loop`},
	}
}

func TestPyFormErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`for("x", a)`, "only as an argument of the form"},
		{`local(a)`, "expected a string"},
		{`let("x", a)`, "expected 3 to 3 arguments"},
		{`comp("many", a, for("x", a))`, "comprehension kind"},
		{`comp("list", a, val(b))`, "for(names, iter, ifs...)"},
		{`loop("l", ["x"], a, b, c, except([], d))`, "loop_else(x)"},
		{`try("t", a, b, try_else(c), except([], d))`, "except([types], x)"},
		{`let("x", for("y", a), b)`, "expected an expression"},
	} {
		x, errs := Parse("e.cnd", tc.src)
		if errs == nil {
			t.Errorf("Parse(%q) = %s, want an error", tc.src, PrintInline(x))
			continue
		}
		if !strings.Contains(errs.Error(), tc.want) {
			t.Errorf("Parse(%q): %v, want %q", tc.src, errs, tc.want)
		}
	}
}
