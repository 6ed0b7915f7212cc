package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/portable"
)

// Simplify rewrites a condition into the plainest equivalent form a person
// would write: nested ands and ors flattened, a single-item and/or
// unwrapped, duplicate atoms dropped, and within an and, an exists or a
// case-insensitive equality made redundant by a case-sensitive equality on
// the same field (Splunk detections repeat a base-search term in a where
// clause to make it exact) removed.
func Simplify(x portable.Expr) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		xs := flatten(x.Xs, true)
		for _, y := range xs {
			if o, ok := y.(*portable.Or); ok && len(o.Xs) == 0 {
				return o // false
			}
		}
		xs = dedup(xs)
		xs = slices.DeleteFunc(xs, func(y portable.Expr) bool { return redundant(y, xs) })
		if len(xs) == 1 {
			return xs[0]
		}
		return &portable.And{Xs: xs}
	case *portable.Or:
		xs := mergeEq(dedup(flatten(x.Xs, false)))
		if len(xs) == 1 {
			return xs[0]
		}
		return &portable.Or{Xs: xs}
	case *portable.Not:
		inner := Simplify(x.X)
		if n, ok := inner.(*portable.Not); ok {
			return n.X
		}
		return &portable.Not{X: inner}
	}
	return x
}

func flatten(xs []portable.Expr, and bool) []portable.Expr {
	var out []portable.Expr
	for _, y := range xs {
		y = Simplify(y)
		switch y := y.(type) {
		case *portable.And:
			if and {
				out = append(out, y.Xs...)
				continue
			}
		case *portable.Or:
			if !and {
				out = append(out, y.Xs...)
				continue
			}
		}
		out = append(out, y)
	}
	return out
}

func dedup(xs []portable.Expr) []portable.Expr {
	var out []portable.Expr
	seen := map[string]bool{}
	for _, y := range xs {
		k := portable.String(y)
		if !seen[k] {
			seen[k] = true
			out = append(out, y)
		}
	}
	return out
}

// redundant: y is implied by another conjunct of xs.
func redundant(y portable.Expr, xs []portable.Expr) bool {
	a, ok := y.(*portable.Atom)
	if !ok {
		return false
	}
	for _, z := range xs {
		b, ok := z.(*portable.Atom)
		if !ok || b == a || !slices.Equal(a.Field, b.Field) || b.Op == portable.Success || b.Op == portable.Exists {
			continue
		}
		switch {
		case a.Op == portable.Exists:
			return true // any value test implies the field is there
		case a.Op == portable.Eq && a.Fold && b.Op == portable.Eq && !b.Fold:
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
func mergeEq(xs []portable.Expr) []portable.Expr {
	var out []portable.Expr
	first := map[string]*portable.Atom{}
	for _, y := range xs {
		a, ok := y.(*portable.Atom)
		if !ok || a.Op != portable.Eq {
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
		m := &portable.Atom{Field: a.Field, Op: a.Op, Values: slices.Clone(a.Values), Fold: a.Fold}
		first[key] = m
		out = append(out, m)
	}
	return out
}
