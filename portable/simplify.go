package portable

import (
	"fmt"
	"slices"
	"strings"
)

// Simplify rewrites a condition into the plainest equivalent form a person
// would write: nested ands and ors flattened, a single-item and/or
// unwrapped, duplicate atoms dropped, and within an and, an exists or a
// case-insensitive equality made redundant by a case-sensitive equality on
// the same field (Splunk detections repeat a base-search term in a where
// clause to make it exact) removed.
func Simplify(x Expr) Expr {
	switch x := x.(type) {
	case *And:
		xs := flatten(x.Xs, true)
		for _, y := range xs {
			if o, ok := y.(*Or); ok && len(o.Xs) == 0 {
				return o // false
			}
		}
		xs = dedup(xs)
		xs = slices.DeleteFunc(xs, func(y Expr) bool { return redundant(y, xs) })
		if len(xs) == 1 {
			return xs[0]
		}
		return &And{Xs: xs}
	case *Or:
		xs := mergeEq(dedup(flatten(x.Xs, false)))
		if len(xs) == 1 {
			return xs[0]
		}
		return &Or{Xs: xs}
	case *Any:
		return &Any{Path: x.Path, X: Simplify(x.X)}
	case *Not:
		inner := Simplify(x.X)
		if n, ok := inner.(*Not); ok {
			return n.X
		}
		return &Not{X: inner}
	}
	return x
}

func flatten(xs []Expr, and bool) []Expr {
	var out []Expr
	for _, y := range xs {
		y = Simplify(y)
		switch y := y.(type) {
		case *And:
			if and {
				out = append(out, y.Xs...)
				continue
			}
		case *Or:
			if !and {
				out = append(out, y.Xs...)
				continue
			}
		}
		out = append(out, y)
	}
	return out
}

func dedup(xs []Expr) []Expr {
	var out []Expr
	seen := map[string]bool{}
	for _, y := range xs {
		k := String(y)
		if !seen[k] {
			seen[k] = true
			out = append(out, y)
		}
	}
	return out
}

// redundant: y is implied by another conjunct of xs.
func redundant(y Expr, xs []Expr) bool {
	a, ok := y.(*Atom)
	if !ok {
		return false
	}
	for _, z := range xs {
		b, ok := z.(*Atom)
		if !ok || b == a || !slices.Equal(a.Field, b.Field) || b.Op == Success || b.Op == Exists {
			continue
		}
		switch {
		case a.Op == Exists:
			return true // any value test implies the field is there
		case a.Op == Eq && a.Fold && b.Op == Eq && !b.Fold:
			// b's values are all among a's, ignoring case: b implies a.
			all := true
			for _, v := range b.Values {
				if !slices.ContainsFunc(a.Values, func(w string) bool { return strings.EqualFold(v, w) }) {
					all = false
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}

// mergeEq joins the equalities of one field (same folding) in an or into one
// test with all their values: eventName=A OR eventName=B is eventName in (A, B).
func mergeEq(xs []Expr) []Expr {
	var out []Expr
	first := map[string]*Atom{}
	for _, y := range xs {
		a, ok := y.(*Atom)
		if !ok || a.Op != Eq {
			out = append(out, y)
			continue
		}
		key := fmt.Sprintf("%s\x00%v", a.Path(), a.Fold)
		if m, ok := first[key]; ok {
			for _, v := range a.Values {
				if !slices.Contains(m.Values, v) {
					m.Values = append(m.Values, v)
				}
			}
			continue
		}
		m := &Atom{Field: a.Field, Op: a.Op, Values: slices.Clone(a.Values), Fold: a.Fold}
		first[key] = m
		out = append(out, m)
	}
	return out
}
