package convert

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// A Python score: the rule collects the names of the signals an event shows
// in a set (`found = set()`, then `if c: found.add("name")` for each), sums
// a weight per name (`sum({n: W[n] for n in found if n in W}.values())`,
// `sum(W[n] for n in found)`, or `len(found)`, each weighing 1) and compares
// the sum with a constant. Which names are in the set is a condition per
// name (the paths of the if-else tree that reach its add); the comparison
// then depends only on which of those conditions hold, so it lifts to the
// combinations of conditions whose weights pass it: for `score >= k` with
// weights that are not negative, the Or of the minimal ones (each an And of
// its conditions). Every subset of the signals is tried, so a score over
// more than maxSignals of them is refused.

// maxSignals bounds the subsets a score's comparison enumerates (2^8).
const maxSignals = 8

// symSet is a set of constant names built by the rule: the condition under
// which each name is in it.
type symSet struct {
	names []string
	conds map[string]portable.Expr
}

func (s *symSet) cond(name string) portable.Expr {
	if c, ok := s.conds[name]; ok {
		return c
	}
	return &portable.Or{}
}

// with is the set with name added (on every path that reaches the add).
func (s *symSet) with(name string) *symSet {
	out := &symSet{names: slices.Clone(s.names), conds: map[string]portable.Expr{}}
	for k, v := range s.conds {
		out.conds[k] = v
	}
	if _, ok := out.conds[name]; !ok {
		out.names = append(out.names, name)
	}
	out.conds[name] = &portable.And{}
	return out
}

// setEnv holds the set-valued locals and the dict comprehensions bound on
// the way to the sum.
type setEnv struct {
	sets  map[string]*symSet
	dicts map[string]*ast.Comp
}

func (e setEnv) withSet(name string, s *symSet) setEnv {
	out := setEnv{sets: map[string]*symSet{name: s}, dicts: e.dicts}
	for k, v := range e.sets {
		if k != name {
			out.sets[k] = v
		}
	}
	return out
}

func (e setEnv) withDict(name string, c *ast.Comp) setEnv {
	out := setEnv{sets: e.sets, dicts: map[string]*ast.Comp{name: c}}
	for k, v := range e.dicts {
		if k != name {
			out.dicts[k] = v
		}
	}
	return out
}

// scoreTerm is one signal: its weight, counted when cond holds.
type scoreTerm struct {
	name   string
	weight int64
	cond   portable.Expr
}

// scoreCompare lifts a score compared with a constant (either side).
func (l *lifter) scoreCompare(n *ast.Compare) (portable.Expr, bool, error) {
	if n.Dialect != ast.Python {
		return nil, false, nil
	}
	x, y, op := n.X, n.Y, n.Op
	if _, ok := x.(*ast.Lit); ok {
		x, y = y, x
		op = map[ast.CmpOp]ast.CmpOp{ast.Lt: ast.Gt, ast.Le: ast.Ge, ast.Gt: ast.Lt, ast.Ge: ast.Le, ast.Eq: ast.Eq, ast.Ne: ast.Ne}[op]
	}
	lit, ok := y.(*ast.Lit)
	if !ok || (lit.Val.Kind() != ast.KindInt && lit.Val.Kind() != ast.KindFloat) {
		return nil, false, nil
	}
	if !l.isSum(x) {
		return nil, false, nil
	}
	terms, err := l.weightedSum(x, setEnv{})
	if err != nil {
		return nil, true, err
	}
	var k float64
	if lit.Val.Kind() == ast.KindInt {
		k = float64(lit.Val.AsInt())
	} else {
		k = lit.Val.AsFloat()
	}
	x2, err := l.scoreCases(terms, op, k, n)
	return x2, true, err
}

// isSum: x is (a helper or let ending in) sum(...) or len(...) of a set the
// rule builds.
func (l *lifter) isSum(x ast.Expr) bool {
	for {
		switch n := x.(type) {
		case *ast.Helper:
			x = n.Body
			continue
		case *ast.Let:
			x = n.Body
			continue
		case *ast.Call:
			if len(n.Args) != 1 {
				return false
			}
			switch n.Fn {
			case "py.sum":
				switch a := n.Args[0].(type) {
				case *ast.Call:
					return a.Fn == "py.dict.values"
				case *ast.Comp:
					return a.Kind == ast.CompList
				}
			case "py.len":
				return l.setValued(n.Args[0], setEnv{})
			}
		}
		return false
	}
}

// weightedSum reads the signals of a score and their weights.
func (l *lifter) weightedSum(x ast.Expr, env setEnv) ([]scoreTerm, error) {
	switch n := x.(type) {
	case *ast.Helper:
		if n.Body != nil {
			return l.weightedSum(n.Body, env)
		}
	case *ast.Let:
		if len(n.Names) != 1 {
			return nil, l.fail(n, "unpacking assignment in a score")
		}
		name := n.Names[0]
		if c, ok := n.X.(*ast.Comp); ok && c.Kind == ast.CompDict {
			return l.weightedSum(n.Body, env.withDict(name, c))
		}
		if l.setValued(n.X, env) {
			s, err := l.setOf(n.X, env)
			if err != nil {
				return nil, err
			}
			return l.weightedSum(n.Body, env.withSet(name, s))
		}
		var out []scoreTerm
		_, err := l.bind(name, n.X, func() (portable.Expr, error) {
			var err error
			out, err = l.weightedSum(n.Body, env)
			return nil, err
		})
		return out, err
	case *ast.Call:
		if len(n.Args) != 1 {
			break
		}
		switch n.Fn {
		case "py.len":
			s, err := l.setOf(n.Args[0], env)
			if err != nil {
				return nil, err
			}
			var terms []scoreTerm
			for _, name := range s.names {
				terms = append(terms, scoreTerm{name, 1, s.cond(name)})
			}
			return terms, nil
		case "py.sum":
			switch a := n.Args[0].(type) {
			case *ast.Call:
				if a.Fn != "py.dict.values" || len(a.Args) != 1 {
					break
				}
				c, ok := a.Args[0].(*ast.Comp)
				if loc, isLoc := a.Args[0].(*ast.Local); isLoc {
					c, ok = env.dicts[loc.Name]
				}
				if !ok || c.Kind != ast.CompDict {
					return nil, l.fail(a, "a sum of the values of something other than a dict comprehension")
				}
				if len(c.Clauses) != 1 || len(c.Clauses[0].Vars) != 1 || !isLocal(c.Elem, c.Clauses[0].Vars[0]) {
					return nil, l.fail(c, "a dict of weights keyed other than by the signal's name")
				}
				return l.compTerms(c, c.Val, env)
			case *ast.Comp:
				if a.Kind == ast.CompList {
					return l.compTerms(a, a.Elem, env)
				}
			}
		}
	}
	return nil, l.fail(x, "a score other than a sum of weights over a set of signal names")
}

// compTerms reads `weight for name in S if name in W`: the weight of each
// name of S that passes the filters.
func (l *lifter) compTerms(c *ast.Comp, weight ast.Expr, env setEnv) ([]scoreTerm, error) {
	if len(c.Clauses) != 1 || len(c.Clauses[0].Vars) != 1 {
		return nil, l.fail(c, "a score over more than one loop")
	}
	cl := c.Clauses[0]
	v := cl.Vars[0]
	s, err := l.setOf(cl.Iter, env)
	if err != nil {
		return nil, err
	}
	var keep []func(string) bool
	for _, f := range cl.Ifs {
		in, ok := f.(*ast.In)
		if !ok || !isLocal(in.X, v) {
			return nil, l.fail(f, "a score filtering signals other than by `name in` a constant")
		}
		keys, ok := constKeys(in.Y)
		if !ok {
			return nil, l.fail(f, "a score filtering signals other than by `name in` a constant")
		}
		keep = append(keep, func(name string) bool { return slices.Contains(keys, name) })
	}
	var terms []scoreTerm
	for _, name := range s.names {
		if slices.ContainsFunc(keep, func(k func(string) bool) bool { return !k(name) }) {
			continue
		}
		w, err := l.weightOf(weight, v, name)
		if err != nil {
			return nil, err
		}
		terms = append(terms, scoreTerm{name, w, s.cond(name)})
	}
	return terms, nil
}

// weightOf is the weight expression's value for the name: a constant, or
// W[name] for a constant dict W of integers (a name W lacks raises KeyError,
// which the conversion does not say).
func (l *lifter) weightOf(x ast.Expr, v, name string) (int64, error) {
	if lit, ok := x.(*ast.Lit); ok && lit.Val.Kind() == ast.KindInt {
		return lit.Val.AsInt(), nil
	}
	ix, ok := x.(*ast.Index)
	var dict *ast.DictLit
	if ok {
		dict, ok = ix.X.(*ast.DictLit)
	}
	if !ok || !isLocal(ix.Key, v) {
		return 0, l.fail(x, "a weight other than an integer constant or a constant dict's value for the name")
	}
	for i, k := range dict.Keys {
		if s, ok := str(k); ok && s == name {
			lit, ok := dict.Vals[i].(*ast.Lit)
			if !ok || lit.Val.Kind() != ast.KindInt {
				return 0, l.fail(dict.Vals[i], fmt.Sprintf("the weight of %q is not an integer constant", name))
			}
			return lit.Val.AsInt(), nil
		}
	}
	return 0, l.fail(x, fmt.Sprintf("the signal %q has no weight (Python raises KeyError)", name))
}

// constKeys reads a constant collection of strings: a dict's keys, a set,
// list or tuple's elements.
func constKeys(x ast.Expr) ([]string, bool) {
	if d, ok := x.(*ast.DictLit); ok {
		var keys []string
		for _, k := range d.Keys {
			s, ok := str(k)
			if !ok {
				return nil, false
			}
			keys = append(keys, s)
		}
		return keys, true
	}
	if lit, ok := x.(*ast.Lit); ok && lit.Val.Kind() == ast.KindObject {
		return lit.Val.AsObject().Keys, true
	}
	if lit, ok := x.(*ast.Lit); ok && lit.Val.Kind() == ast.KindString {
		return nil, false // a substring test
	}
	return constStrings(x)
}

// setValued: x builds a set of names (set(), an add, a set-valued local, or
// a helper or let ending in one).
func (l *lifter) setValued(x ast.Expr, env setEnv) bool {
	switch n := x.(type) {
	case *ast.Call:
		return (n.Fn == "py.set" && len(n.Args) == 0) || (n.Fn == "py.mutate.add" && len(n.Args) == 2 && l.setValued(n.Args[0], env))
	case *ast.Local:
		if _, ok := env.sets[n.Name]; ok {
			return true
		}
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.setValued(b, env)
		}
	case *ast.Helper:
		return n.Body != nil && l.setValued(n.Body, env)
	case *ast.Let:
		if len(n.Names) == 1 && l.setValued(n.X, env) {
			return l.setValued(n.Body, env.withSet(n.Names[0], &symSet{}))
		}
		return l.setValued(n.Body, env)
	case *ast.Cond:
		return l.setValued(n.Then, env) && l.setValued(n.Else, env)
	}
	return false
}

// setOf evaluates a set of names symbolically: per name, the condition
// under which the set holds it.
func (l *lifter) setOf(x ast.Expr, env setEnv) (*symSet, error) {
	switch n := x.(type) {
	case *ast.Helper:
		if n.Body != nil {
			return l.setOf(n.Body, env)
		}
	case *ast.Local:
		if s, ok := env.sets[n.Name]; ok {
			return s, nil
		}
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.setOf(b, env)
		}
	case *ast.Call:
		if n.Fn == "py.set" && len(n.Args) == 0 {
			return &symSet{conds: map[string]portable.Expr{}}, nil
		}
		if n.Fn == "py.mutate.add" && len(n.Args) == 2 {
			s, err := l.setOf(n.Args[0], env)
			if err != nil {
				return nil, err
			}
			name, ok := str(n.Args[1])
			if !ok {
				return nil, l.fail(n, "a signal added to the set that is not a constant name")
			}
			return s.with(name), nil
		}
	case *ast.Let:
		if len(n.Names) != 1 {
			return nil, l.fail(n, "unpacking assignment")
		}
		name := n.Names[0]
		if l.setValued(n.X, env) {
			s, err := l.setOf(n.X, env)
			if err != nil {
				return nil, err
			}
			return l.setOf(n.Body, env.withSet(name, s))
		}
		if mentionsAny(n.X, env) {
			return nil, l.fail(n, "a value computed from the set of signals")
		}
		var out *symSet
		_, err := l.bind(name, n.X, func() (portable.Expr, error) {
			var err error
			out, err = l.setOf(n.Body, env)
			return nil, err
		})
		return out, err
	case *ast.Cond:
		c, err := l.lift(n.If)
		if err != nil {
			return nil, err
		}
		a, err := l.setOf(n.Then, env)
		if err != nil {
			return nil, err
		}
		b, err := l.setOf(n.Else, env)
		if err != nil {
			return nil, err
		}
		out := &symSet{conds: map[string]portable.Expr{}}
		for _, name := range append(slices.Clone(a.names), b.names...) {
			if _, done := out.conds[name]; done {
				continue
			}
			out.names = append(out.names, name)
			out.conds[name] = choose(c, a.cond(name), b.cond(name))
		}
		return out, nil
	}
	return nil, l.fail(x, "a set of signals built other than by set() and add() of constant names under conditions")
}

func mentionsAny(x ast.Expr, env setEnv) bool {
	for name := range env.sets {
		if mentions(x, name) {
			return true
		}
	}
	return false
}

// choose is if c then a else b, written small when a branch is a constant
// or both are the same condition.
func choose(c, a, b portable.Expr) portable.Expr {
	switch {
	case portable.String(a) == portable.String(b):
		return a
	case isTrue(a) && isFalse(b):
		return c
	case isFalse(a) && isTrue(b):
		return &portable.Not{X: c}
	case isFalse(b):
		return &portable.And{Xs: []portable.Expr{c, a}}
	case isFalse(a):
		return &portable.And{Xs: []portable.Expr{&portable.Not{X: c}, b}}
	}
	return ifElse(c, a, b)
}

func isTrue(x portable.Expr) bool {
	a, ok := x.(*portable.And)
	return ok && len(a.Xs) == 0
}

func isFalse(x portable.Expr) bool {
	o, ok := x.(*portable.Or)
	return ok && len(o.Xs) == 0
}

// scoreCases is the comparison as conditions of the signals: the subsets of
// signals whose weights pass it. When the passing subsets are closed upward
// (more signals still pass: `>=` with weights that are not negative), the
// Or of the minimal ones; closed downward, the negation of the Or of the
// minimal failing ones; otherwise each passing subset with the other
// signals absent.
func (l *lifter) scoreCases(terms []scoreTerm, op ast.CmpOp, k float64, src ast.Expr) (portable.Expr, error) {
	var live []scoreTerm
	for _, t := range terms {
		t.cond = portable.Simplify(t.cond)
		if !isFalse(t.cond) {
			live = append(live, t)
		}
	}
	if len(live) > maxSignals {
		return nil, l.fail(src, fmt.Sprintf("a score over %d signals: the combinations of more than %d are not enumerated", len(live), maxSignals))
	}
	n := len(live)
	pass := make([]bool, 1<<n)
	for m := range pass {
		var sum int64
		for i, t := range live {
			if m&(1<<i) != 0 {
				sum += t.weight
			}
		}
		pass[m] = compareNum(float64(sum), op, k)
	}
	and := func(m int) portable.Expr {
		var xs []portable.Expr
		for i, t := range live {
			if m&(1<<i) != 0 {
				xs = append(xs, t.cond)
			}
		}
		return &portable.And{Xs: xs}
	}
	if up, ok := minimal(pass, true); ok {
		var or []portable.Expr
		for _, m := range up {
			or = append(or, and(m))
		}
		return portable.Simplify(&portable.Or{Xs: or}), nil
	}
	if down, ok := minimal(pass, false); ok {
		var or []portable.Expr
		for _, m := range down {
			or = append(or, and(m))
		}
		return portable.Simplify(&portable.Not{X: &portable.Or{Xs: or}}), nil
	}
	var or []portable.Expr
	for m, p := range pass {
		if !p {
			continue
		}
		var xs []portable.Expr
		for i, t := range live {
			if m&(1<<i) != 0 {
				xs = append(xs, t.cond)
			} else {
				xs = append(xs, &portable.Not{X: t.cond})
			}
		}
		or = append(or, &portable.And{Xs: xs})
	}
	return portable.Simplify(&portable.Or{Xs: or}), nil
}

// minimal: when the subsets m with pass[m] == want are closed upward, their
// minimal elements, fewest signals first.
func minimal(pass []bool, want bool) ([]int, bool) {
	var out []int
	for m, p := range pass {
		if p != want {
			continue
		}
		least := true
		for i := 0; 1<<i < len(pass); i++ {
			bit := 1 << i
			if m&bit == 0 && pass[m|bit] != want {
				return nil, false
			}
			if m&bit != 0 && pass[m&^bit] == want {
				least = false
			}
		}
		if least {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int { return bits.OnesCount(uint(a)) - bits.OnesCount(uint(b)) })
	return out, true
}

func compareNum(a float64, op ast.CmpOp, b float64) bool {
	switch op {
	case ast.Lt:
		return a < b
	case ast.Le:
		return a <= b
	case ast.Gt:
		return a > b
	case ast.Ge:
		return a >= b
	case ast.Eq:
		return a == b
	case ast.Ne:
		return a != b
	}
	return false
}
