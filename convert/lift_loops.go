package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/portable"
)

// Python loops and collections a rule builds from one list of the event,
// lifted to portable Any:
//
//   - an accumulator: `acc = []; for x in L: ... acc.append(v) ...`, whose
//     truth after the loop (`bool(acc)`, `if acc:`) is "some element of L
//     reaches an append": Any(L, the condition of the path to the append);
//   - `S.intersection(C)` for a constant set S, true when some item of the
//     collection C is in S, C being a list comprehension over a list of the
//     event or the sum of such lists;
//   - locals bound to reads of the element (`port = p.get("fromPort")`), and
//     `(x.get("a") or {}).get("b") or []`, which reads a falsy value as no
//     object or no elements;
//   - `x in {80, 443}` over integers, and `x in S and x == y` (y another
//     field of the element) as the cases of S: x and y both equal to one of
//     them.
//
// Python raises where the portable form reads nothing: a key read from an
// element that is not an object (AttributeError), an unhashable value looked
// up in a set (TypeError). A rule that raises does not alert; these are
// lossy points where the conversion may match and the source not.

// let lifts `name = X` followed by Body: an accumulator, or a local whose
// reads stand for X.
func (l *lifter) let(n *ast.Let) (portable.Expr, error) {
	if len(n.Names) != 1 {
		return nil, l.fail(n, "unpacking assignment")
	}
	name := n.Names[0]
	if lit, ok := n.X.(*ast.Lit); ok && lit.Val.Kind() == ast.KindList && len(lit.Val.AsList()) == 0 {
		if loop, ok := n.Body.(*ast.Loop); ok {
			return l.accumulated(name, loop)
		}
	}
	if list, ok := n.X.(*ast.ListLit); ok && len(list.Elems) == 0 {
		if loop, ok := n.Body.(*ast.Loop); ok {
			return l.accumulated(name, loop)
		}
	}
	return l.bind(name, n.X, func() (portable.Expr, error) { return l.lift(n.Body) })
}

// binding is a local's value: x, read where the local held prev (Python's
// `p = p.get("AWS")` reads the earlier p).
type binding struct {
	x    ast.Expr
	prev *binding
}

// bind makes reads of the local name stand for x while f runs.
func (l *lifter) bind(name string, x ast.Expr, f func() (portable.Expr, error)) (portable.Expr, error) {
	if l.locals == nil {
		l.locals = map[string]*binding{}
	}
	old := l.locals[name]
	l.locals[name] = &binding{x: x, prev: old}
	defer l.setLocal(name, old)
	return f()
}

func (l *lifter) setLocal(name string, b *binding) {
	if b == nil {
		delete(l.locals, name)
	} else {
		l.locals[name] = b
	}
}

// resolved is what a local stands for, with the locals its value reads as
// they were when it was bound; done restores them.
func (l *lifter) resolved(name string) (x ast.Expr, done func(), ok bool) {
	b, ok := l.locals[name]
	if !ok {
		return nil, nil, false
	}
	l.setLocal(name, b.prev)
	return b.x, func() { l.locals[name] = b }, true
}

// accumulated lifts the truth of acc after the loop: some element of the
// loop's list reaches an append to acc.
func (l *lifter) accumulated(acc string, loop *ast.Loop) (portable.Expr, error) {
	if loop.Cond != nil || len(loop.Vars) != 1 || loop.Else != nil {
		return nil, l.fail(loop, "a loop other than for x in a list")
	}
	then := loop.Then
	if t, ok := then.(*ast.Truth); ok {
		then = t.X
	}
	if loc, ok := then.(*ast.Local); !ok || loc.Name != acc {
		return nil, l.fail(loop, fmt.Sprintf("a loop followed by something other than the truth of %s", acc))
	}
	if l.elem != "" {
		return nil, l.fail(loop, "a loop inside a test of a list's elements")
	}
	path, lone, err := l.iterList(loop.Iter)
	if err != nil {
		return nil, l.fail(loop, err.Error())
	}
	done := l.enter(loop.Vars[0], path)
	cond, err := l.appends(acc, loop.Label, loop.Body)
	done()
	if err != nil {
		return nil, err
	}
	return l.quantify(path, lone, cond, loop)
}

// appends is the condition under which the loop body appends to acc.
func (l *lifter) appends(acc, label string, x ast.Expr) (portable.Expr, error) {
	switch n := x.(type) {
	case *ast.Exit:
		if n.Label != label || n.Break {
			return nil, l.fail(n, "break, or leaving an outer loop")
		}
		return &portable.Or{}, nil
	case *ast.Cond:
		if y, ok, err := l.cond(n, func(x ast.Expr) (portable.Expr, error) { return l.appends(acc, label, x) }); ok {
			return y, err
		}
		c, err := l.lift(n.If)
		if err != nil {
			return nil, err
		}
		a, err := l.appends(acc, label, n.Then)
		if err != nil {
			return nil, err
		}
		b, err := l.appends(acc, label, n.Else)
		if err != nil {
			return nil, err
		}
		return ifElse(c, a, b), nil
	case *ast.Let:
		if len(n.Names) != 1 {
			return nil, l.fail(n, "unpacking assignment")
		}
		if n.Names[0] == acc {
			call, ok := n.X.(*ast.Call)
			if !ok || call.Fn != "py.mutate.append" || len(call.Args) != 2 || !isLocal(call.Args[0], acc) || mentions(call.Args[1], acc) {
				return nil, l.fail(n, fmt.Sprintf("%s changed other than by append", acc))
			}
			// Appended: what follows may only go on with the next element.
			if err := l.onlyNext(acc, label, n.Body); err != nil {
				return nil, err
			}
			return &portable.And{}, nil
		}
		if mentions(n.X, acc) {
			return nil, l.fail(n, fmt.Sprintf("a value computed from %s inside the loop", acc))
		}
		var out portable.Expr
		_, err := l.bind(n.Names[0], n.X, func() (portable.Expr, error) {
			var err error
			out, err = l.appends(acc, label, n.Body)
			return nil, err
		})
		return out, err
	}
	return nil, l.fail(x, "a loop body that returns from inside the loop")
}

// onlyNext checks that x, what follows an append, only goes on with the next
// element (appending more, or testing, changes nothing: acc is not empty).
func (l *lifter) onlyNext(acc, label string, x ast.Expr) error {
	switch n := x.(type) {
	case *ast.Exit:
		if n.Label == label && !n.Break {
			return nil
		}
	case *ast.Cond:
		if err := l.onlyNext(acc, label, n.Then); err != nil {
			return err
		}
		return l.onlyNext(acc, label, n.Else)
	case *ast.Let:
		return l.onlyNext(acc, label, n.Body)
	}
	return l.fail(x, "a loop body that returns or breaks after appending")
}

func isLocal(x ast.Expr, name string) bool {
	loc, ok := x.(*ast.Local)
	return ok && loc.Name == name
}

// mentions reports whether x reads the local name.
func mentions(x ast.Expr, name string) bool {
	return ast.Contains(x, func(n ast.Expr) bool { return isLocal(n, name) })
}

// iterPath is the field a loop or comprehension iterates over, relative to
// the element when inside one: a field read with a default of no elements
// (deep_get(..., default=[]), `x or []`), _items(field), or a local bound to
// one. Every value that is not a list has no elements, as in Any; Python
// raises on most of them (a string's characters have no keys), which does
// not alert either.
func (l *lifter) iterPath(x ast.Expr) ([]string, error) {
	switch n := x.(type) {
	case *ast.Local:
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.iterPath(b)
		}
	case *ast.Default:
		if emptyLit(n.Else) {
			return l.iterPath(n.X)
		}
	case *ast.Logic:
		if x, ok := orEmpty(n); ok {
			return l.iterPath(x)
		}
	case *ast.Helper:
		if n.Name == "_items" && len(n.Args) == 1 {
			return l.iterPath(n.Args[0])
		}
	}
	f, fold, err := l.field(x)
	if err != nil {
		return nil, err
	}
	if fold || len(f) == 0 {
		return nil, fmt.Errorf("a loop over something other than a list of the event")
	}
	return f, nil
}

// orEmpty reads `x or C` (Python's operand or) with C an empty list, dict,
// string or None: a falsy x reads as C, no object and no elements.
func orEmpty(n *ast.Logic) (ast.Expr, bool) {
	if n.Op != ast.Or || !n.Operand || len(n.Xs) != 2 {
		return nil, false
	}
	if !emptyLit(n.Xs[1]) {
		return nil, false
	}
	return n.Xs[0], true
}

// emptyLit: None, or an empty list, dict or string written out.
func emptyLit(x ast.Expr) bool {
	switch c := x.(type) {
	case *ast.Lit:
		return c.Val.IsNullish() || emptyContainer(c.Val)
	case *ast.ListLit:
		return len(c.Elems) == 0
	case *ast.DictLit:
		return len(c.Keys) == 0
	}
	return false
}

func emptyContainer(v ast.Value) bool {
	switch v.Kind() {
	case ast.KindList:
		return len(v.AsList()) == 0
	case ast.KindObject:
		return len(v.AsObject().Keys) == 0
	case ast.KindString:
		return v.AsString() == ""
	}
	return false
}

// elemRead resolves a read of a key of the element (or of an object inside
// it): x.get("k"), with x the element, a local bound to such a read, or
// `read or {}`. The keys are relative to the element.
func (l *lifter) elemRead(x ast.Expr) ([]string, bool, error) {
	if f, ok := l.elemSpath(x); ok {
		return f, false, nil
	}
	switch n := x.(type) {
	case *ast.Local:
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.field(b)
		}
	case *ast.Logic:
		if y, ok := orEmpty(n); ok {
			// A falsy object reads as {}: no keys, as a value that is no
			// object has none in the portable form.
			return l.field(y)
		}
	case *ast.Call:
		if n.Fn == "py.dict.get" && len(n.Args) >= 2 && len(n.Keywords) == 0 {
			if len(n.Args) == 3 {
				if lit, ok := n.Args[2].(*ast.Lit); !ok || !lit.Val.IsNullish() {
					return nil, false, fmt.Errorf("dict.get with a default other than None")
				}
			}
			k, ok := str(n.Args[1])
			if !ok {
				return nil, false, fmt.Errorf("dict.get with a key that is not a constant")
			}
			base, fold, err := l.field(stripEmptyDefault(n.Args[0]))
			if err != nil || fold {
				return nil, false, fmt.Errorf("dict.get of something other than an object of the event")
			}
			if l.elem != "" {
				l.raisesOnNonObject(append(slices.Clone(base), k))
			}
			return append(slices.Clone(base), k), false, nil
		}
	}
	return nil, false, errNotRead
}

var errNotRead = fmt.Errorf("not a field of the event")

// raisesOnNonObject records that Python's dict.get raises on an element (or
// an object in it) that is not an object, where the portable form reads no
// key.
func (l *lifter) raisesOnNonObject(path []string) {
	l.lossy = appendOnce(l.lossy, portable.Lossy{
		Fields: []string{l.elemPath(path[:len(path)-1])}, Kinds: []string{"array"},
		Reason: "Python's dict.get raises AttributeError on a list element (or a value in it) that is not an object, and a rule that raises does not alert; the conversion reads no key there, and may match on another element.",
	})
}

// enter makes name the element of the list at path (relative to the
// current element, if any) until the returned function runs.
func (l *lifter) enter(name string, path []string) func() {
	elem, list := l.elem, l.elemList
	l.elem = name
	l.elemList = strings.Join(path, ".") + "{}"
	if list != "" {
		l.elemList = list + "." + l.elemList
	}
	return func() { l.elem, l.elemList = elem, list }
}

// elemPath names a path inside the current element for a lossy point, as
// Splunk names a multivalue field: list{}.key.
func (l *lifter) elemPath(path []string) string {
	if len(path) == 0 {
		return l.elemList
	}
	return l.elemList + "." + strings.Join(path, ".")
}

func appendOnce(ls []portable.Lossy, x portable.Lossy) []portable.Lossy {
	for _, y := range ls {
		if y.Reason == x.Reason && slices.Equal(y.Fields, x.Fields) {
			return ls
		}
	}
	return append(ls, x)
}

// loopCall lifts the truth of a call building a collection: set
// intersection with constants.
func (l *lifter) loopCall(n *ast.Call) (portable.Expr, bool, error) {
	if n.Fn == "py.add" {
		x, err := l.nonEmpty(n)
		return x, true, err
	}
	if n.Fn == "py.dict.get" {
		// The truth of a key read from an element.
		f, fold, err := l.field(n)
		if err != nil || fold {
			return nil, false, nil
		}
		x, err := l.truth(f, n)
		return x, true, err
	}
	if n.Fn != "py.method.intersection" || len(n.Args) != 2 {
		return nil, false, nil
	}
	set, other := n.Args[0], n.Args[1]
	vals, ok := constStrings(set)
	if !ok {
		set, other = other, set
		vals, ok = constStrings(set)
	}
	if !ok {
		return nil, true, l.fail(n, "intersection with something other than a set of string constants")
	}
	x, err := l.member(other, vals, n)
	return x, true, err
}

// member: some item of the collection x is one of vals.
func (l *lifter) member(x ast.Expr, vals []string, src ast.Expr) (portable.Expr, error) {
	switch n := x.(type) {
	case *ast.Local:
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.member(b, vals, src)
		}
	case *ast.Helper:
		return l.member(n.Body, vals, src)
	case *ast.Let:
		if len(n.Names) == 1 {
			var out portable.Expr
			_, err := l.bind(n.Names[0], n.X, func() (portable.Expr, error) {
				var err error
				out, err = l.member(n.Body, vals, src)
				return nil, err
			})
			return out, err
		}
	case *ast.Call:
		if n.Fn == "py.add" && len(n.Args) == 2 {
			a, err := l.member(n.Args[0], vals, src)
			if err != nil {
				return nil, err
			}
			b, err := l.member(n.Args[1], vals, src)
			if err != nil {
				return nil, err
			}
			return &portable.Or{Xs: []portable.Expr{a, b}}, nil
		}
	case *ast.Comp:
		if n.Kind != ast.CompList && n.Kind != ast.CompSet || len(n.Clauses) != 1 || len(n.Clauses[0].Vars) != 1 {
			break
		}
		cl := n.Clauses[0]
		path, lone, err := l.iterList(cl.Iter)
		if err != nil {
			return nil, l.fail(n, err.Error())
		}
		done := l.enter(cl.Vars[0], path)
		defer func() {
			if done != nil {
				done()
			}
		}()
		var xs []portable.Expr
		for _, c := range cl.Ifs {
			y, err := l.lift(c)
			if err != nil {
				return nil, err
			}
			xs = append(xs, y)
		}
		f, fold, err := l.field(n.Elem)
		if err != nil || fold {
			return nil, l.fail(n, "a comprehension whose items are not fields of the elements")
		}
		l.lossy = appendOnce(l.lossy, portable.Lossy{
			Fields: []string{l.elemPath(f)}, Kinds: []string{"array"},
			Reason: "Python raises TypeError putting a list or an object in a set, and a rule that raises does not alert; the conversion tests it like any value that is not a string.",
		})
		a, err := l.atom(f, portable.Eq, vals, false, n)
		if err != nil {
			return nil, err
		}
		xs = append(xs, a)
		done()
		done = nil
		return l.quantify(path, lone, &portable.And{Xs: xs}, n)
	}
	return nil, l.fail(src, "an intersection with something other than lists of the event's values")
}

// numbers reads a constant list or set of integers.
func numbers(x ast.Expr) ([]int64, bool) {
	vals, ok := constValues(x, false)
	if !ok {
		return nil, false
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		if v.Kind() != ast.KindInt {
			return nil, false
		}
		out[i] = v.AsInt()
	}
	return out, len(out) > 0
}

// numEq: the value equals n as Python compares an int with a number (80 ==
// 80.0; a boolean is no number here). The portable numeric tests also take a
// string holding the number, which Python does not: a lossy point.
func (l *lifter) numEq(f []string, n int64, src ast.Expr) (portable.Expr, error) {
	v := fmt.Sprint(n)
	ge, err := l.atom(f, portable.Ge, []string{v}, false, src)
	if err != nil {
		return nil, err
	}
	le, err := l.atom(f, portable.Le, []string{v}, false, src)
	if err != nil {
		return nil, err
	}
	l.lossy = appendOnce(l.lossy, portable.Lossy{
		Fields: []string{l.lossName(f)}, Kinds: []string{"number-as-string", "string-as-number"}, Either: true,
		Reason: "Python's == and set membership tell an integer constant from a string holding it (80 != \"80\"); the conversion's numeric test takes both.",
	})
	return &portable.And{Xs: []portable.Expr{ge, le}}, nil
}

// numIn lifts `x in {80, 443}` over integers.
func (l *lifter) numIn(n *ast.In, ints []int64) (portable.Expr, error) {
	f, fold, err := l.field(n.X)
	if err != nil || fold {
		return nil, l.fail(n, "membership of something other than a field")
	}
	var xs []portable.Expr
	for _, v := range ints {
		y, err := l.numEq(f, v, n)
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if n.Hashed {
		l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Kinds: []string{"array"}, Either: true,
			Reason: "Python raises TypeError looking a list up in a set or dict, and a rule that raises does not alert; the conversion tests the list like any value that is not a number."})
	}
	return &portable.Or{Xs: xs}, nil
}

func (l *lifter) lossName(f []string) string {
	if l.elem != "" {
		return l.elemPath(f)
	}
	return strings.Join(f, ".")
}

// cases lifts an and holding `x in {a, b}` over integers and `x == y`, y a
// field: y's value is then one of the constants too, the one x has. Python's
// == is numeric between numbers (80 == 80.0), false between a number and a
// string.
func (l *lifter) cases(n *ast.Logic) (portable.Expr, bool, error) {
	if n.Op != ast.And {
		return nil, false, nil
	}
	for i, x := range n.Xs {
		in, ok := x.(*ast.In)
		if !ok {
			continue
		}
		ints, ok := numbers(in.Y)
		if !ok {
			continue
		}
		for j := i + 1; j < len(n.Xs); j++ {
			cmp, ok := n.Xs[j].(*ast.Compare)
			if !ok || cmp.Op != ast.Eq || cmp.Dialect != ast.Python {
				continue
			}
			var other ast.Expr
			switch {
			case sameRead(cmp.X, in.X):
				other = cmp.Y
			case sameRead(cmp.Y, in.X):
				other = cmp.X
			default:
				continue
			}
			fx, foldX, err := l.field(in.X)
			if err != nil || foldX {
				continue
			}
			fy, foldY, err := l.field(other)
			if err != nil || foldY {
				continue
			}
			var alts []portable.Expr
			for _, v := range ints {
				a, err := l.numEq(fx, v, in)
				if err != nil {
					return nil, true, err
				}
				b, err := l.numEq(fy, v, cmp)
				if err != nil {
					return nil, true, err
				}
				alts = append(alts, &portable.And{Xs: []portable.Expr{a, b}})
			}
			if in.Hashed {
				l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(fx)}, Kinds: []string{"array"}, Either: true,
					Reason: "Python raises TypeError looking a list up in a set or dict, and a rule that raises does not alert; the conversion tests the list like any value that is not a number."})
			}
			// The rest of the and, in order, with the pair replaced.
			xs := []portable.Expr{}
			for k, y := range n.Xs {
				switch k {
				case i:
					xs = append(xs, &portable.Or{Xs: alts})
				case j:
				default:
					p, err := l.lift(y)
					if err != nil {
						return nil, true, err
					}
					xs = append(xs, p)
				}
			}
			return &portable.And{Xs: xs}, true, nil
		}
	}
	return nil, false, nil
}

func sameRead(a, b ast.Expr) bool { return notation.Equal(a, b) }

// splunkAnd drops, from an and of a Splunk search, isnum(X) where another
// conjunct compares X with a number: the portable numeric test already
// holds for numbers only (how the Splunk printer guards a comparison).
func (l *lifter) splunkAnd(n *ast.Logic) (*ast.Logic, bool) {
	if l.rule.Platform != ast.Splunk || n.Op != ast.And {
		return n, false
	}
	var keep []ast.Expr
	for _, x := range n.Xs {
		c, ok := x.(*ast.Call)
		if ok && c.Fn == "spl.isnum" && len(c.Args) == 1 && slices.ContainsFunc(n.Xs, func(y ast.Expr) bool { return numericTest(y, c.Args[0]) }) {
			continue
		}
		keep = append(keep, x)
	}
	if len(keep) == len(n.Xs) {
		return n, false
	}
	out := *n
	out.Xs = keep
	return &out, true
}

// numericTest: x compares subject with a number.
func numericTest(x, subject ast.Expr) bool {
	c, ok := x.(*ast.Compare)
	if !ok {
		return false
	}
	a, b := c.X, c.Y
	if _, lit := a.(*ast.Lit); lit {
		a, b = b, a
	}
	lit, ok := b.(*ast.Lit)
	return ok && (lit.Val.Kind() == ast.KindInt || lit.Val.Kind() == ast.KindFloat) && notation.Equal(a, subject)
}

// mapped lifts what the Splunk printer writes for a test of several fields
// of one element (spl/print_any.go):
// mvfind(mvmap(E, if(TEST, "1", "0")), "^1$"), E the elements of a list
// (spath(_raw, "a.b{}"), eval'd into a field), and TEST reading the
// element's fields with spath(E, "c").
func (l *lifter) mapped(c *ast.Call) (portable.Expr, bool, error) {
	if len(c.Args) != 2 {
		return nil, false, nil
	}
	m, ok := c.Args[0].(*ast.Call)
	if !ok || m.Fn != "spl.mvmap" {
		return nil, false, nil
	}
	if re, ok := str(c.Args[1]); !ok || re != "^1$" || len(m.Args) != 2 {
		return nil, true, l.fail(c, "mvfind over an mvmap other than the printer's test of a list's elements")
	}
	body, ok := m.Args[1].(*ast.Cond)
	one, ok1 := str(body.Then)
	zero, ok2 := str(body.Else)
	if !ok || !ok1 || !ok2 || one != "1" || zero != "0" {
		return nil, true, l.fail(c, `an mvmap other than if(test, "1", "0")`)
	}
	list, ok := rawSpath(m.Args[0])
	if !ok {
		list, ok = l.docSpath(m.Args[0])
	}
	if !ok || !strings.HasSuffix(list, "{}") || strings.Count(list, "{") != 1 || l.elem != "" {
		return nil, true, l.fail(c, "an mvmap over something other than the elements of one list of the event")
	}
	path := strings.Split(strings.TrimSuffix(list, "{}"), ".")
	defer l.enter("{}", path)()
	saved := l.elemExpr
	l.elemExpr = m.Args[0]
	defer func() { l.elemExpr = saved }()
	x, err := l.lift(body.If)
	if err != nil {
		return nil, true, err
	}
	return &portable.Any{Path: path, X: portable.Simplify(x)}, true, nil
}

// rawSpath reads spath(_raw, "path").
func rawSpath(x ast.Expr) (string, bool) {
	c, ok := x.(*ast.Call)
	if !ok || c.Fn != "spl.spath" || len(c.Args) != 2 {
		return "", false
	}
	if f, ok := c.Args[0].(*ast.Field); !ok || len(f.Path) != 1 || f.Path[0] != "_raw" {
		return "", false
	}
	return str(c.Args[1])
}

// elemSpath reads spath(E, "path") of the element E an mvmap tests.
func (l *lifter) elemSpath(x ast.Expr) ([]string, bool) {
	c, ok := x.(*ast.Call)
	if !ok || l.elemExpr == nil || c.Fn != "spl.spath" || len(c.Args) != 2 || !notation.Equal(c.Args[0], l.elemExpr) {
		return nil, false
	}
	p, ok := str(c.Args[1])
	if !ok || p == "" {
		return nil, false
	}
	return strings.Split(p, "."), true
}

// stripEmptyDefault reads deep_get(..., default={}) as the plain read where
// its value is only read from: {} has no keys, as a missing value has none.
func stripEmptyDefault(x ast.Expr) ast.Expr {
	if d, ok := x.(*ast.Default); ok && emptyLit(d.Else) {
		return d.X
	}
	return x
}

// asListArg recognizes a helper that reads a value as a list the way
// `_as_list` does: None is no elements, a list its elements, any other value
// one element (`[] if v is None else v if isinstance(v, list) else [v]`).
func asListArg(x ast.Expr) (ast.Expr, bool) {
	h, ok := x.(*ast.Helper)
	if !ok {
		return nil, false
	}
	body := h.Body
	var name string
	var bound ast.Expr
	if lt, ok := body.(*ast.Let); ok && len(lt.Names) == 1 {
		name, bound, body = lt.Names[0], lt.X, lt.Body
	}
	c1, ok := body.(*ast.Cond)
	if !ok {
		return nil, false
	}
	isNull, ok := c1.If.(*ast.IsNull)
	if !ok || !emptyLit(c1.Then) {
		return nil, false
	}
	v := isNull.X
	c2, ok := c1.Else.(*ast.Cond)
	if !ok {
		return nil, false
	}
	is, ok := c2.If.(*ast.Call)
	if !ok || is.Fn != "py.isinstance" || len(is.Args) != 2 || !notation.Equal(is.Args[0], v) {
		return nil, false
	}
	if t, ok := str(is.Args[1]); !ok || t != "list" || !notation.Equal(c2.Then, v) {
		return nil, false
	}
	one, ok := c2.Else.(*ast.ListLit)
	if !ok || len(one.Elems) != 1 || !notation.Equal(one.Elems[0], v) {
		return nil, false
	}
	if name != "" {
		if !isLocal(v, name) {
			return nil, false
		}
		return bound, true
	}
	return v, true
}

// quantify is "some element of the list at path passes x"; lone: the source
// reads a value that is not a list as its one element (_as_list), which is
// x tested on the value itself when x cannot hold on a list or on a value
// without the fields it reads (an element with none of them): Any(path, x)
// or x read at path. Otherwise that reading has no portable form.
func (l *lifter) quantify(path []string, lone bool, x portable.Expr, src ast.Expr) (portable.Expr, error) {
	x = portable.Simplify(x)
	any := &portable.Any{Path: path, X: x}
	if !lone {
		return any, nil
	}
	if portable.Holds(x, ast.ObjectOf(&ast.Object{})) {
		return nil, l.fail(src, "a value read as a one-element list, tested by something that holds on a value without its fields")
	}
	return &portable.Or{Xs: []portable.Expr{any, rebase(x, path)}}, nil
}

// rebase reads the fields of x from the value at prefix.
func rebase(x portable.Expr, prefix []string) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		out := &portable.And{}
		for _, y := range x.Xs {
			out.Xs = append(out.Xs, rebase(y, prefix))
		}
		return out
	case *portable.Or:
		out := &portable.Or{}
		for _, y := range x.Xs {
			out.Xs = append(out.Xs, rebase(y, prefix))
		}
		return out
	case *portable.Not:
		return &portable.Not{X: rebase(x.X, prefix)}
	case *portable.Any:
		return &portable.Any{Path: append(slices.Clone(prefix), x.Path...), X: x.X}
	case *portable.Parse:
		return &portable.Parse{Path: append(slices.Clone(prefix), x.Path...), X: x.X}
	case *portable.Atom:
		a := *x
		a.Field = append(slices.Clone(prefix), x.Field...)
		return &a
	}
	return x
}

// iterList is iterPath, also through an _as_list helper (lone: a value that
// is not a list is one element).
func (l *lifter) iterList(x ast.Expr) ([]string, bool, error) {
	if v, ok := asListArg(x); ok {
		p, err := l.iterPath(v)
		return p, true, err
	}
	if loc, ok := x.(*ast.Local); ok {
		if b, done, ok := l.resolved(loc.Name); ok {
			defer done()
			return l.iterList(b)
		}
	}
	p, err := l.iterPath(x)
	return p, false, err
}

// nonEmpty lifts the truth of a list the rule builds: a comprehension over a
// list of the event (non-empty when some element passes its ifs), the sum of
// such lists, or a local holding one.
func (l *lifter) nonEmpty(x ast.Expr) (portable.Expr, error) {
	switch n := x.(type) {
	case *ast.Local:
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			return l.nonEmpty(b)
		}
	case *ast.Let:
		if len(n.Names) == 1 {
			var out portable.Expr
			_, err := l.bind(n.Names[0], n.X, func() (portable.Expr, error) {
				var err error
				out, err = l.nonEmpty(n.Body)
				return nil, err
			})
			return out, err
		}
	case *ast.Helper:
		if _, ok := asListArg(n); !ok {
			return l.nonEmpty(n.Body)
		}
	case *ast.Call:
		if n.Fn == "py.add" && len(n.Args) == 2 {
			a, err := l.nonEmpty(n.Args[0])
			if err != nil {
				return nil, err
			}
			b, err := l.nonEmpty(n.Args[1])
			if err != nil {
				return nil, err
			}
			return &portable.Or{Xs: []portable.Expr{a, b}}, nil
		}
	case *ast.Comp:
		if (n.Kind == ast.CompList || n.Kind == ast.CompSet) && len(n.Clauses) == 1 && len(n.Clauses[0].Vars) == 1 {
			cl := n.Clauses[0]
			path, lone, err := l.iterList(cl.Iter)
			if err != nil {
				return nil, l.fail(n, err.Error())
			}
			done := l.enter(cl.Vars[0], path)
			var xs []portable.Expr
			for _, c := range cl.Ifs {
				y, err := l.lift(c)
				if err != nil {
					done()
					return nil, err
				}
				xs = append(xs, y)
			}
			done()
			return l.quantify(path, lone, &portable.And{Xs: xs}, n)
		}
	}
	return nil, l.fail(x, "the truth of a value other than a list built from a list of the event")
}

// isCollection: an expression nonEmpty reads.
func isCollection(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Comp:
		return n.Kind == ast.CompList || n.Kind == ast.CompSet
	case *ast.Call:
		return n.Fn == "py.add"
	case *ast.Let:
		return isCollection(n.Body)
	}
	return false
}

// inList lifts `"c" in _as_list(v)`: v is "c", or a list holding "c"
// (Python's in compares with ==, which a string passes only for a string).
func (l *lifter) inList(n *ast.In) (portable.Expr, bool, error) {
	c, ok := str(n.X)
	if !ok {
		return nil, false, nil
	}
	v, ok := asListArg(n.Y)
	if !ok {
		return nil, false, nil
	}
	f, fold, err := l.field(v)
	if err != nil || fold || len(f) == 0 {
		return nil, true, l.fail(n, "membership in a list other than a field read as a list")
	}
	x, err := l.quantify(f, true, &portable.Atom{Op: portable.Eq, Values: []string{c}}, n)
	return x, true, err
}

// typeGuard lifts `A if isinstance(v, dict) else B` (one of them holding
// only for a dict v) as A or B, when A reads only fields inside v (so it
// cannot hold on a value that is not an object, where they are all
// missing) and B reads only v and its elements (so no object passes it):
// the or is then exact.
func (l *lifter) typeGuard(v ast.Expr, a, b portable.Expr, src ast.Expr) (portable.Expr, error) {
	f, fold, err := l.field(v)
	if err != nil || fold || len(f) == 0 {
		return nil, l.fail(src, "isinstance of something other than a field")
	}
	for _, g := range portable.Fields(a) {
		if len(g) <= len(f) || !slices.Equal(g[:len(f)], f) {
			return nil, l.fail(src, "an isinstance(dict) branch reading fields outside the value tested")
		}
	}
	for _, g := range portable.Fields(b) {
		if !slices.Equal(g, f) && !(len(g) > len(f) && slices.Equal(g[:len(f)], f) && g[len(f)] == "[]") {
			return nil, l.fail(src, "an isinstance(dict) else-branch reading more than the value tested")
		}
	}
	empty := &ast.Object{}
	inner := &ast.Object{}
	inner.SetPath(f, ast.ObjectOf(&ast.Object{}))
	if portable.Holds(a, ast.ObjectOf(empty)) || portable.Holds(b, ast.ObjectOf(inner)) {
		return nil, l.fail(src, "an isinstance(dict) test whose branches do not exclude each other")
	}
	return &portable.Or{Xs: []portable.Expr{a, b}}, nil
}

// isinstance reads isinstance(v, "type").
func isinstance(x ast.Expr) (ast.Expr, string, bool) {
	c, ok := x.(*ast.Call)
	if !ok || c.Fn != "py.isinstance" || len(c.Args) != 2 {
		return nil, "", false
	}
	t, ok := str(c.Args[1])
	return c.Args[0], t, ok
}

// cond lifts the if-else shapes of loops and collections: an isinstance
// (dict) guard, and `json.loads(v) if isinstance(v, str) else v`
// (lift_json.go).
func (l *lifter) cond(n *ast.Cond, branch func(ast.Expr) (portable.Expr, error)) (portable.Expr, bool, error) {
	v, t, ok := isinstance(n.If)
	if !ok {
		return nil, false, nil
	}
	switch t {
	case "dict":
		a, err := branch(n.Then)
		if err != nil {
			return nil, true, err
		}
		b, err := branch(n.Else)
		if err != nil {
			return nil, true, err
		}
		x, err := l.typeGuard(v, a, b, n)
		return x, true, err
	case "str":
		parses := ast.Contains(n.Then, func(y ast.Expr) bool {
			c, ok := y.(*ast.Call)
			return ok && c.Fn == "py.json.loads"
		})
		if !parses {
			return nil, false, nil
		}
		x, err := l.parsedOr(n, v, branch)
		return x, true, err
	}
	return nil, false, nil
}

// truth is Python truthiness of a field as "present, not empty and not
// false", with its lossy point. A JSON false is common where a flag is read
// for its truth (CloudTrail's readOnly, publiclyAccessible), so it is tested;
// 0 and empty lists or objects are not.
func (l *lifter) truth(f []string, src ast.Expr) (portable.Expr, error) {
	ex, err := l.atom(f, portable.Exists, nil, false, src)
	if err != nil {
		return nil, err
	}
	empty, _ := l.atom(f, portable.Eq, []string{""}, false, src)
	isFalse, _ := l.atom(f, portable.Bool, []string{"false"}, false, src)
	l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Either: true, Kinds: []string{"array", "number-as-string", "string-as-number", "assignment", "key-case"},
		Reason: "The rule tests the value's truth; the conversion tests that it is present, not empty and not false, which differs for 0 and empty lists or objects."})
	return &portable.And{Xs: []portable.Expr{ex, &portable.Not{X: empty}, &portable.Not{X: isFalse}}}, nil
}
