package convert

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// A comparison of two fields of one event (Python's `a != b`, Splunk's
// where a==b) lifts to portable.Same, with each platform's treatment of
// missing keys and non-string values spelled out or listed as lossy points
// (see the package comment of portable).

// fieldSide is one side of a two-field comparison: the raw field, and the
// Python default a missing (or null) value reads as (nil: None).
type fieldSide struct {
	path []string
	def  *string
}

// side resolves one side: a field, deep_get(..., default="s") (the default
// applies to a missing key and to a null), udm() of a path mapping, or a
// helper returning one of those.
func (l *lifter) side(x ast.Expr) (fieldSide, bool) {
	switch n := x.(type) {
	case *ast.Helper:
		if n.Body != nil && len(n.Args) <= 1 {
			return l.side(n.Body)
		}
		return fieldSide{}, false
	case *ast.Default:
		lit, ok := n.Else.(*ast.Lit)
		if !ok {
			return fieldSide{}, false
		}
		s, ok := l.side(n.X)
		if !ok || s.def != nil {
			return fieldSide{}, false
		}
		switch {
		case lit.Val.IsNullish():
			return s, true
		case lit.Val.Kind() == ast.KindString && n.OnNull:
			d := lit.Val.AsString()
			s.def = &d
			return s, true
		}
		// get(k, "x") gives the default for a missing key only, and None
		// for a null one, which portable cannot tell apart.
		return fieldSide{}, false
	}
	f, fold, err := l.field(x)
	if err != nil || fold || len(f) == 0 {
		return fieldSide{}, false
	}
	return fieldSide{path: f}, true
}

// fieldCompare lifts a == b or a != b between two fields.
func (l *lifter) fieldCompare(n *ast.Compare) (portable.Expr, error) {
	if n.Op != ast.Eq && n.Op != ast.Ne {
		if x, ok := l.outsideRecord(n); ok {
			return x, nil
		}
		return nil, l.fail(n, "an ordering comparison of two fields or expressions")
	}
	x, okX := l.side(n.X)
	y, okY := l.side(n.Y)
	if !okX || !okY {
		return nil, l.fail(n, "a comparison of two fields or expressions other than two fields (with string defaults)")
	}
	same := &portable.Atom{Field: x.path, Op: portable.Same, Ref: y.path}
	names := []string{strings.Join(x.path, "."), strings.Join(y.path, ".")}
	absent := func(f []string) portable.Expr {
		return &portable.Not{X: &portable.Atom{Field: f, Op: portable.Exists}}
	}
	if n.Dialect == ast.SPLEval {
		// Splunk: a==b is null (false) when either is null; a!=b too.
		l.lossy = append(l.lossy, portable.Lossy{Fields: names, Either: true,
			Kinds:  []string{"number-as-string", "string-as-number", "null", "array", "assignment"},
			Reason: "Splunk's eval compares two values that both read as numbers numerically (\"1.0\" equals \"1\") and reads JSON numbers, booleans and null by their text; the conversion's comparison holds for two equal strings only."})
		if n.Op == ast.Eq {
			return same, nil
		}
		return &portable.And{Xs: []portable.Expr{
			&portable.Atom{Field: x.path, Op: portable.Exists},
			&portable.Atom{Field: y.path, Op: portable.Exists},
			&portable.Not{X: same},
		}}, nil
	}
	// Python: the values (defaults in place of missing ones) are equal when
	// both are the same string, or one is missing and the other equals its
	// default, or both are missing with equal defaults (None == None).
	eq := []portable.Expr{same}
	if x.def != nil {
		eq = append(eq, &portable.And{Xs: []portable.Expr{absent(x.path), &portable.Atom{Field: y.path, Op: portable.Eq, Values: []string{*x.def}}}})
	}
	if y.def != nil {
		eq = append(eq, &portable.And{Xs: []portable.Expr{absent(y.path), &portable.Atom{Field: x.path, Op: portable.Eq, Values: []string{*y.def}}}})
	}
	if (x.def == nil) == (y.def == nil) && (x.def == nil || *x.def == *y.def) {
		eq = append(eq, &portable.And{Xs: []portable.Expr{absent(x.path), absent(y.path)}})
	}
	l.lossy = append(l.lossy, portable.Lossy{Fields: names, Either: true,
		Kinds:  []string{"number-as-string", "string-as-number", "array", "assignment"},
		Reason: "Python's == also finds two equal numbers, booleans, lists or objects equal; the conversion compares strings only."})
	var out portable.Expr = &portable.Or{Xs: eq}
	if n.Op == ast.Ne {
		out = &portable.Not{X: out}
	}
	return out, nil
}

// sameHelper lifts the Panther printer's _same(a, b): a and b equal strings.
func (l *lifter) sameHelper(n *ast.Helper) (portable.Expr, error) {
	a, foldA, errA := l.field(n.Args[0])
	b, foldB, errB := l.field(n.Args[1])
	if errA != nil || errB != nil || foldA != foldB || len(a) == 0 || len(b) == 0 {
		return nil, l.fail(n, "_same of something other than two fields")
	}
	return &portable.Atom{Field: a, Op: portable.Same, Ref: b, Fold: foldA}, nil
}

// SameEvents are events on which a rule comparing two fields must agree with
// its conversion, made from the first test event holding either field (else
// the first): the two fields equal, different, each missing, both missing,
// and each "" with the other missing (where Python defaults meet). Threshold
// rules get none (their verdicts are on sets: see ThresholdSets).
func SameEvents(r *portable.Rule) []harness.Event {
	if r.Threshold != nil {
		return nil
	}
	var out []harness.Event
	seen := map[string]bool{}
	for _, a := range sameAtoms(r.Cond) {
		base, name := sameBase(r.Tests, a)
		if base == nil {
			continue
		}
		f, g := strings.Join(a.Field, "."), strings.Join(a.Ref, ".")
		v := eval.Lookup(ast.ObjectOf(base), a.Field, ast.KeysExact)
		text := "value"
		if v.Kind() == ast.KindString {
			text = v.AsString()
		}
		variants := []struct {
			what         string
			fv, gv       ast.Value
			dropF, dropG bool
		}{
			{what: "equal", fv: ast.String(text), gv: ast.String(text)},
			{what: "different", fv: ast.String(text), gv: ast.String(text + "-other")},
			{what: f + " missing", gv: ast.String(text), dropF: true},
			{what: g + " missing", fv: ast.String(text), dropG: true},
			{what: "both missing", dropF: true, dropG: true},
			{what: f + " empty, " + g + " missing", fv: ast.String(""), dropG: true},
			{what: f + " missing, " + g + " empty", gv: ast.String(""), dropF: true},
		}
		for _, vr := range variants {
			o := deepClone(base)
			setOrDrop(o, a.Field, vr.fv, vr.dropF)
			setOrDrop(o, a.Ref, vr.gv, vr.dropG)
			ev := ast.ObjectOf(o)
			raw := ast.JSON(ev)
			if seen[raw] {
				continue
			}
			seen[raw] = true
			out = append(out, harness.Event{Source: fmt.Sprintf("fields %s and %s %s, from %q", f, g, vr.what, name), Raw: raw, Value: ev})
		}
	}
	return out
}

func sameAtoms(x portable.Expr) []*portable.Atom {
	var out []*portable.Atom
	switch x := x.(type) {
	case *portable.And:
		for _, y := range x.Xs {
			out = append(out, sameAtoms(y)...)
		}
	case *portable.Or:
		for _, y := range x.Xs {
			out = append(out, sameAtoms(y)...)
		}
	case *portable.Not:
		return sameAtoms(x.X)
	case *portable.Atom:
		if x.Op == portable.Same {
			out = append(out, x)
		}
	}
	return out
}

// sameBase picks the test event to vary: the first holding both fields,
// else either, else the first.
func sameBase(tests []portable.Test, a *portable.Atom) (*ast.Object, string) {
	has := func(t portable.Test, f []string) bool {
		return !eval.Lookup(t.Event, f, ast.KeysExact).IsNullish()
	}
	for _, want := range []func(portable.Test) bool{
		func(t portable.Test) bool { return has(t, a.Field) && has(t, a.Ref) },
		func(t portable.Test) bool { return has(t, a.Field) || has(t, a.Ref) },
		func(portable.Test) bool { return true },
	} {
		for _, t := range tests {
			if t.Event.Kind() == ast.KindObject && want(t) {
				return t.Event.AsObject(), t.Name
			}
		}
	}
	return nil, ""
}

func deepClone(o *ast.Object) *ast.Object {
	v, err := ast.ParseJSON([]byte(ast.JSON(ast.ObjectOf(o))))
	if err != nil || v.Kind() != ast.KindObject {
		return o.Clone()
	}
	return v.AsObject()
}

// setOrDrop sets a nested key or removes it.
func setOrDrop(o *ast.Object, path []string, v ast.Value, drop bool) {
	if drop {
		o.DeletePath(path)
	} else {
		o.SetPath(path, v)
	}
}
