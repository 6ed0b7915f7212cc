package eval

import (
	"sort"

	"github.com/concordsec/concord/ast"
)

// sorted/min/max with key=: the lowering computes the keys (a comprehension
// over the items) and passes them beside the items, since the shared AST has
// no function values to pass.

func init() {
	register(
		withKw("py.sorted_by", 2, 2, []string{"reverse"}, "sorted(items, key=f, reverse=False) given keys = [f(x) for x in items]", pySortedBy),
		fixed("py.min_by", 2, "min(items, key=f) given keys = [f(x) for x in items]", pyMinMaxBy(-1, "min")),
		fixed("py.max_by", 2, "max(items, key=f) given keys = [f(x) for x in items]", pyMinMaxBy(1, "max")),
	)
}

func keyedItems(pos ast.Pos, keys, items ast.Value) ([]ast.Value, []ast.Value, error) {
	ks, err := pyIter(pos, keys)
	if err != nil {
		return nil, nil, err
	}
	xs, err := pyIter(pos, items)
	if err != nil {
		return nil, nil, err
	}
	if len(ks) != len(xs) {
		return nil, nil, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: keys and items of different lengths"}
	}
	return ks, xs, nil
}

// pySortedBy sorts stably on the keys alone, as list.sort(key=) does.
func pySortedBy(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	ks, xs, err := keyedItems(pos, a[0], a[1])
	if err != nil {
		return ast.Null, err
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sign := 1
	if rev, ok := kw["reverse"]; ok && rev.Truth() {
		sign = -1 // reverse=True keeps equal items in their original order
	}
	var serr error
	sort.SliceStable(idx, func(i, j int) bool {
		r, err := pyOrder(ks[idx[i]], ks[idx[j]], pos)
		if err != nil && serr == nil {
			serr = err
		}
		return r*sign < 0
	})
	if serr != nil {
		return ast.Null, serr
	}
	out := make([]ast.Value, len(xs))
	for i, k := range idx {
		out[i] = xs[k]
	}
	return ast.List(out...), nil
}

// pyMinMaxBy returns the first item whose key is least (greatest).
func pyMinMaxBy(sign int, name string) impl {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		ks, xs, err := keyedItems(pos, a[0], a[1])
		if err != nil {
			return ast.Null, err
		}
		if len(xs) == 0 {
			return ast.Null, fail(pos, "ValueError: %s() arg is an empty sequence", name)
		}
		best := 0
		for i := 1; i < len(xs); i++ {
			r, err := pyOrder(ks[i], ks[best], pos)
			if err != nil {
				return ast.Null, err
			}
			if r*sign > 0 {
				best = i
			}
		}
		return xs[best], nil
	}
}
