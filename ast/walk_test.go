package ast

import "testing"

func TestContains(t *testing.T) {
	x := &Logic{Op: And, Xs: []Expr{
		&Field{Path: []string{"eventName"}},
		&Not{X: &Call{Fn: "py.json.loads", Args: []Expr{&Field{Path: []string{"policy"}}}}},
	}}
	field := func(name string) func(Expr) bool {
		return func(e Expr) bool { f, ok := e.(*Field); return ok && f.Path[0] == name }
	}
	visits := 0
	for _, tc := range []struct {
		name string
		x    Expr
		f    func(Expr) bool
		want bool
	}{
		{"root", x, func(e Expr) bool { _, ok := e.(*Logic); return ok }, true},
		{"nested", x, field("policy"), true},
		{"absent", x, field("errorCode"), false},
		{"nil", nil, func(Expr) bool { return true }, false},
		{"stops at the first", x, func(e Expr) bool { visits++; _, ok := e.(*Field); return ok }, true},
	} {
		if got := Contains(tc.x, tc.f); got != tc.want {
			t.Errorf("%s: Contains = %v, want %v", tc.name, got, tc.want)
		}
	}
	if visits != 2 { // the Logic, then its first Field
		t.Errorf("Contains visited %d nodes after a match, want 2", visits)
	}
}
