package ast

import (
	"strings"
	"testing"
)

func TestSubstitute(t *testing.T) {
	orig := &EvalCmd{Assigns: []Assign{{Field: "x___FIELD__", X: &Logic{Op: Or, Xs: []Expr{
		&Field{Path: []string{"__FIELD__"}},
		&Lit{Val: String("name: __FIELD__")},
		&Match{X: &Field{Path: []string{"__FIELD__"}}, Pattern: "__FIELD__*"},
		&Lit{Val: Int(3)},
	}}}}}
	got := Substitute[Command](orig, strings.NewReplacer("__FIELD__", "a0"))
	want := strings.ReplaceAll(Dump(orig), "__FIELD__", "a0")
	if Dump(got) != want {
		t.Errorf("got\n%s\nwant\n%s", Dump(got), want)
	}
	// The original is untouched: the copy is deep.
	if orig.Assigns[0].Field != "x___FIELD__" || orig.Assigns[0].X.(*Logic).Xs[0].(*Field).Path[0] != "__FIELD__" {
		t.Error("Substitute changed its input")
	}
}

func TestMapFields(t *testing.T) {
	orig := &Logic{Op: And, Xs: []Expr{
		&Match{X: &Field{Path: []string{"user"}}, Pattern: "user"},
		&Exists{X: &Field{Path: []string{"src"}}},
	}}
	got := MapFields(orig, func(f *Field) Expr {
		if f.Path[0] == "user" {
			return &Field{Path: []string{"user_name"}}
		}
		return &Lit{Val: Missing}
	})
	want := `Logic
  Op: and
  Xs: [2]
    [0] Match
      X: Field
        Path: ["user_name"]
      Kind: exact
      Pattern: "user"
      Dialect: python
    [1] Exists
      X: Lit
        Val: missing
`
	if Dump(got) != want {
		t.Errorf("got\n%s\nwant\n%s", Dump(got), want)
	}
	if orig.Xs[0].(*Match).X.(*Field).Path[0] != "user" {
		t.Error("MapFields changed its input")
	}
}
