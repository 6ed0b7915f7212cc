package notation

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// ast.Elements (Panther's list comprehension match expressions) prints as
// QUANT(list) { predicate } and parses back; inside the braces paths are the
// element's, and `event` is the element itself.
func TestElementsRoundTrip(t *testing.T) {
	el := func(q ast.Quantifier, x, pred ast.Expr) *ast.Elements {
		return &ast.Elements{X: x, Quant: q, Pred: pred}
	}
	cases := []rtCase{
		{el(ast.AnyElement, f("moons"), eq(f("name"), str("Nix"))), `any_element(moons) { name eq "Nix" }`},
		{el(ast.AllElements, f("a", "b"), and(f("x"), f("y"))), `all_elements(a.b) { x and y }`},
		{el(ast.NoElement, call("yaml.path", f("a"), str("[*]"), str("b")), match(f(), ast.MatchContains, "bot", true, true)),
			`no_element(yaml.path(a, "[*]", "b")) { event ~icontains "bot" }`},
		{not(el(ast.OnlyOneElement, f("l"), el(ast.AnyElement, f("m"), f()))), `not only_one_element(l) { any_element(m) { event } }`},
		{eq(el(ast.AnyElement, f("l"), f("x")), lit(ast.True)), `any_element(l) { x } eq true`},
		{f("any_element"), `'any_element'`},
	}
	for _, tc := range cases {
		got := Print(tc.x)
		if got != tc.want {
			t.Errorf("Print:\n got %q\nwant %q", got, tc.want)
			continue
		}
		back, errs := Parse("rt.cnd", got)
		if errs != nil || !Equal(back, tc.x) {
			t.Errorf("Parse(%q) = %v, %v", got, back, errs)
		}
	}
	if _, errs := Parse("rt.cnd", "any_element(a) b"); errs == nil {
		t.Errorf("a quantifier without { predicate } parsed")
	}
}
