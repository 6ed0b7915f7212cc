package notation

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// FuzzParse checks that Parse never panics and that whatever parses prints and
// parses again to an Equal tree that prints the same.
func FuzzParse(f *testing.F) {
	for _, tc := range roundTripCases() {
		f.Add(tc.want)
	}
	for _, s := range []string{
		"", "a and", "not (a", "a eq b eq c", "helper h() {", "const [1,", "'x", "\"\\q\"",
		"a # c\n\nb\n", "f(a,\n b)", "x ~iwildcard \"a*\" or* y[0] default_null 1",
		"any_element(a) { event eq 1 }", "no_element(yaml.path(a, \"[*]\")) {", "only_one_element() { }",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, errs := Parse("fuzz.cnd", src)
		if errs != nil {
			if x != nil {
				t.Fatalf("tree and errors for %q", src)
			}
			for _, e := range errs {
				if e.Code != ast.CodeParse || !e.Pos.IsValid() {
					t.Fatalf("bad error %v for %q", e, src)
				}
			}
			return
		}
		for _, text := range []string{Print(x), PrintInline(x)} {
			y, errs := Parse("fuzz.cnd", text)
			if errs != nil {
				t.Fatalf("%q parsed, but its print %q does not: %v", src, text, errs)
			}
			if !Equal(x, y) {
				t.Fatalf("%q: print %q parses to a different tree %q", src, text, PrintInline(y))
			}
			if Print(y) != Print(x) {
				t.Fatalf("%q: unstable print %q vs %q", src, Print(y), Print(x))
			}
		}
	})
}
