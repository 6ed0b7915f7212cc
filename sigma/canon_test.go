package sigma

import (
	"sort"
	"strings"

	"github.com/concordsec/concord/portable"
)

// canon is a condition in a normal form for comparing equivalent
// conditions: negations pushed to the atoms, nested ANDs and ORs flattened
// and sorted, and atoms in their narrowest spelling (a wildcard `x*` is a
// prefix; folding is moot for values without case).
func canon(x portable.Expr) string {
	return portable.String(normal(x, false))
}

func normal(x portable.Expr, neg bool) portable.Expr {
	switch x := x.(type) {
	case *portable.Not:
		return normal(x.X, !neg)
	case *portable.And, *portable.Or:
		var xs []portable.Expr
		isAnd := false
		if a, ok := x.(*portable.And); ok {
			xs, isAnd = a.Xs, true
		} else {
			xs = x.(*portable.Or).Xs
		}
		if neg {
			isAnd = !isAnd
		}
		var out []portable.Expr
		for _, y := range xs {
			y = normal(y, neg)
			switch y := y.(type) {
			case *portable.And:
				if isAnd {
					out = append(out, y.Xs...)
					continue
				}
			case *portable.Or:
				if !isAnd {
					out = append(out, y.Xs...)
					continue
				}
			}
			out = append(out, y)
		}
		sort.SliceStable(out, func(i, j int) bool { return portable.String(out[i]) < portable.String(out[j]) })
		if len(out) == 1 {
			return out[0]
		}
		if isAnd {
			return &portable.And{Xs: out}
		}
		return &portable.Or{Xs: out}
	case *portable.Atom:
		a := normalAtom(x)
		if neg {
			return &portable.Not{X: a}
		}
		return a
	}
	return x
}

func normalAtom(x *portable.Atom) *portable.Atom {
	a := *x
	a.Values = append([]string(nil), x.Values...)
	switch a.Op {
	case portable.Eq, portable.Wildcard, portable.Prefix, portable.Suffix, portable.Contains:
		if !portable.Cased(a.Values...) {
			a.Fold = true
		}
	case portable.Regex:
	default:
		a.Fold = false
	}
	if a.Op == portable.Wildcard {
		shape := ""
		var lits []string
		for _, v := range a.Values {
			s, lit := wildShape(v)
			if shape != "" && s != shape {
				shape = "mixed"
			}
			if shape != "mixed" {
				shape = s
			}
			lits = append(lits, lit)
		}
		if op, ok := map[string]portable.Op{"prefix": portable.Prefix, "suffix": portable.Suffix, "contains": portable.Contains, "eq": portable.Eq}[shape]; ok {
			a.Op, a.Values = op, lits
		}
	}
	if (a.Op == portable.Prefix || a.Op == portable.Suffix || a.Op == portable.Contains) && len(a.Values) == 1 && a.Values[0] == "" {
		a.Op, a.Values = portable.Wildcard, []string{"*"}
	}
	return &a
}

// wildShape is the narrower test a wildcard pattern is, with its text.
func wildShape(v string) (string, string) {
	n := strings.Count(v, "*")
	switch {
	case n == 0:
		return "eq", v
	case v == "*":
		return "any", v
	case n == 1 && strings.HasSuffix(v, "*"):
		return "prefix", strings.TrimSuffix(v, "*")
	case n == 1 && strings.HasPrefix(v, "*"):
		return "suffix", strings.TrimPrefix(v, "*")
	case n == 2 && len(v) > 2 && strings.HasPrefix(v, "*") && strings.HasSuffix(v, "*"):
		return "contains", v[1 : len(v)-1]
	}
	return "wildcard", v
}

// expandSuccess is x with each success atom in the form Print writes it.
func expandSuccess(x portable.Expr) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		var xs []portable.Expr
		for _, y := range x.Xs {
			xs = append(xs, expandSuccess(y))
		}
		return &portable.And{Xs: xs}
	case *portable.Or:
		var xs []portable.Expr
		for _, y := range x.Xs {
			xs = append(xs, expandSuccess(y))
		}
		return &portable.Or{Xs: xs}
	case *portable.Not:
		return &portable.Not{X: expandSuccess(x.X)}
	case *portable.Atom:
		if x.Op != portable.Success {
			return x
		}
		side := func(f string) portable.Expr {
			return &portable.Or{Xs: []portable.Expr{
				&portable.Not{X: &portable.Atom{Field: []string{f}, Op: portable.Exists}},
				&portable.Atom{Field: []string{f}, Op: portable.Eq, Values: []string{""}, Fold: true},
			}}
		}
		return &portable.And{Xs: []portable.Expr{side("errorCode"), side("errorMessage")}}
	}
	return x
}
