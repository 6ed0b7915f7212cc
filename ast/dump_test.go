package ast

import (
	"strings"
	"testing"
)

var at = Span{From: Pos{File: "f", Line: 3, Col: 7}, To: Pos{File: "f", Line: 3, Col: 9}}

// laterCmd stands for a command another change adds: Dump must print it
// without knowing it.
type laterCmd struct {
	Span
	Field   string
	Counts  map[string]int
	Nested  []Expr
	Limit   int
	private string
}

type cyclic struct {
	Name string
	Next *cyclic
}

func TestDump(t *testing.T) {
	loop := &cyclic{Name: "a"}
	loop.Next = loop
	tests := []struct {
		note string
		in   any
		want string
	}{
		{"nil", nil, "nil"},
		{"nil expression", Expr(nil), "nil"},
		{"nil pointer", (*Field)(nil), "nil"},
		{"field, positions left out", &Field{Span: at, Path: []string{"user.name"}}, `
Field
  Path: ["user.name"]`},
		// A Value shows its kind: int 1, float 1 and string "1" differ.
		{"literals", &ListLit{Elems: []Expr{
			&Lit{Val: Int(1)}, &Lit{Val: Float(1)}, &Lit{Val: String("1")}, &Lit{Val: Null}, &Lit{},
			&Lit{Val: List(String("a"), Int(2))},
		}}, `
ListLit
  Elems: [6]
    [0] Lit
      Val: int 1
    [1] Lit
      Val: float 1
    [2] Lit
      Val: string "1"
    [3] Lit
      Val: null
    [4] Lit
      Val: missing
    [5] Lit
      Val: list ["a",2]`},
		// Eq, exact and Python are the zero values of their enumerations and
		// still printed; false booleans and empty strings are not.
		{"enumerations at zero", &Compare{Span: at, Op: Eq, X: &Field{Path: []string{"a"}}, Y: &Lit{Val: True}}, `
Compare
  Op: ==
  X: Field
    Path: ["a"]
  Y: Lit
    Val: bool true
  Dialect: python`},
		{"nested and flags", &Logic{Op: Or, Xs: []Expr{
			&Match{X: &Field{Path: []string{"_raw"}}, Kind: MatchWildcard, Pattern: `*"x"*`, Fold: true, Search: true},
			&Not{X: &Exists{X: &Field{Path: []string{"b"}}}},
		}}, `
Logic
  Op: or
  Xs: [2]
    [0] Match
      X: Field
        Path: ["_raw"]
      Kind: wildcard
      Pattern: "*\"x\"*"
      Fold: true
      Search: true
      Dialect: python
    [1] Not
      X: Exists
        X: Field
          Path: ["b"]`},
		{"command with structs in a list", &StatsCmd{Span: at, Aggs: []Agg{{Fn: "count", As: "count"}, {Span: at, Fn: "min", Arg: "_time", As: "firstTime"}}, By: []string{"src", "user"}}, `
StatsCmd
  Aggs: [2]
    [0] Agg
      Fn: "count"
      As: "count"
    [1] Agg
      Fn: "min"
      Arg: "_time"
      As: "firstTime"
  By: ["src", "user"]`},
		{"empty list is omitted", &TableCmd{}, "TableCmd"},
		{"maps sorted, lists of lists", &LookupTable{Name: "t", Fields: []string{"a", "b"}, Rows: [][]string{{"1", "x"}, {"2", "y"}},
			Wildcard: map[string]bool{"b": true, "a": false}, CaseSensitive: true}, `
LookupTable
  Name: "t"
  Fields: ["a", "b"]
  Rows: [["1", "x"], ["2", "y"]]
  Wildcard: {"a": false, "b": true}
  CaseSensitive: true`},
		{"type the dumper was not written for, unexported field hidden", &laterCmd{Span: at, Field: "f", Counts: map[string]int{"z": 1, "y": 2},
			Nested: []Expr{&Lit{Val: String("v")}}, private: "p"}, `
laterCmd
  Field: "f"
  Counts: {"y": 2, "z": 1}
  Nested: [1]
    [0] Lit
      Val: string "v"`},
		{"type of another package is qualified", strings.NewReader("x"), "strings.Reader"},
		{"cycle", loop, `
cyclic
  Name: "a"
  Next: <cycle>`},
		{"positions of a test are left out", Test{Name: "t", Pos: Pos{Line: 1}, Expected: true, Log: ObjectOf(&Object{Keys: []string{"k"}, Vals: []Value{Int(1)}})}, `
Test
  Name: "t"
  Expected: true
  Log: object {"k":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			want := strings.TrimPrefix(tc.want, "\n") + "\n"
			if got := Dump(tc.in); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// Dump must not depend on map iteration order.
func TestDump_deterministic(t *testing.T) {
	m := map[string]Expr{}
	for _, k := range []string{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"} {
		m[k] = &Field{Path: []string{k}}
	}
	first := Dump(m)
	for range 20 {
		if got := Dump(m); got != first {
			t.Fatalf("output changed:\n%s\nthen\n%s", first, got)
		}
	}
	if !strings.HasPrefix(first, "{8}\n  \"k1\": Field\n    Path: [\"k1\"]\n  \"k2\"") {
		t.Errorf("got\n%s", first)
	}
}
