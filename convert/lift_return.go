package convert

import (
	"fmt"
	"slices"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// A loop that returns True from inside, and what follows it:
//
//	for statement in L:
//	    if not TEST: continue
//	    if OTHER: return True
//	return AFTER
//
// is true when some element reaches `return True`, else AFTER: Any over L,
// or AFTER. Only True is returned inside (a `return False` there would make
// the first element that reaches it decide, which Any cannot say). L may be
// a helper parsing JSON text (`try: doc = json.loads(v) except
// JSONDecodeError: return []`, then a list read from doc, a lone object made
// a one-element list), lifted inside portable.Parse.
//
// The body may bind locals to lists built from the element
// (`actions = [a.lower() for a in as_list(s.get("Action"))]`) that an any()
// goes through, and test `"c" in as_list(v)`, as_list reading a string as a
// one-element list and a falsy value as none (`[v] if isinstance(v, str)
// else v or []`). Python iterates an object's keys there, which the portable
// form does not: a lossy point.

// loopReturns lifts the loop n whose body returns True.
func (l *lifter) loopReturns(n *ast.Loop) (portable.Expr, error) {
	if n.Cond != nil || len(n.Vars) != 1 || n.Else != nil {
		return nil, l.fail(n, "a loop other than for x in a list")
	}
	if l.elem != "" || l.doc != nil {
		return nil, l.fail(n, "a loop inside a test of a list's elements")
	}
	after, err := l.lift(n.Then)
	if err != nil {
		return nil, err
	}
	each := func(path []string, lone bool) (portable.Expr, error) {
		done := l.enter(n.Vars[0], path)
		cond, err := l.returnsTrue(n.Label, n.Body)
		done()
		if err != nil {
			return nil, err
		}
		return l.quantify(path, lone, cond, n)
	}
	var found portable.Expr
	if it, ok := l.parsedList(n.Iter); ok {
		doc, fold, err := l.field(stripDefault(it.text))
		if err != nil || fold || len(doc) == 0 {
			return nil, l.fail(n, "json.loads of something other than a field")
		}
		var parse *portable.Parse
		_, err = l.bind(it.name, it.loads, func() (portable.Expr, error) {
			var err error
			parse, err = l.inDoc(doc, n, func() (portable.Expr, error) {
				path, err := l.docList(it.list)
				if err != nil {
					return nil, l.fail(n, err.Error())
				}
				return each(path, true)
			})
			return nil, err
		})
		if err != nil {
			return nil, err
		}
		// A missing (or null) text reads as the default's text.
		if d, ok := it.text.(*ast.Default); ok {
			t, isText := str(d.Else)
			if !isText {
				return nil, l.fail(n, "json.loads of a default that is not text")
			}
			o := &ast.Object{}
			o.SetPath(doc, ast.String(t))
			if portable.Holds(parse, ast.ObjectOf(o)) {
				return nil, l.fail(n, "a default text whose parsed value passes the test")
			}
		}
		found = parse
	} else {
		path, lone, err := l.iterList(n.Iter)
		if err != nil {
			return nil, l.fail(n, err.Error())
		}
		if found, err = each(path, lone); err != nil {
			return nil, err
		}
	}
	return &portable.Or{Xs: []portable.Expr{found, after}}, nil
}

// returnsTrue is the condition under which the loop body returns True.
func (l *lifter) returnsTrue(label string, x ast.Expr) (portable.Expr, error) {
	switch n := x.(type) {
	case *ast.Exit:
		if n.Label == label && !n.Break {
			return &portable.Or{}, nil
		}
		return nil, l.fail(n, "break, or leaving an outer loop")
	case *ast.Lit:
		if n.Val.Kind() == ast.KindBool && n.Val.AsBool() {
			return &portable.And{}, nil
		}
		return nil, l.fail(n, "a loop body that returns something other than True")
	case *ast.Cond:
		c, err := l.lift(n.If)
		if err != nil {
			return nil, err
		}
		a, err := l.returnsTrue(label, n.Then)
		if err != nil {
			return nil, err
		}
		b, err := l.returnsTrue(label, n.Else)
		if err != nil {
			return nil, err
		}
		return &portable.Or{Xs: []portable.Expr{
			&portable.And{Xs: []portable.Expr{c, a}},
			&portable.And{Xs: []portable.Expr{&portable.Not{X: c}, b}},
		}}, nil
	case *ast.Let:
		if len(n.Names) != 1 {
			return nil, l.fail(n, "unpacking assignment")
		}
		var out portable.Expr
		_, err := l.bind(n.Names[0], n.X, func() (portable.Expr, error) {
			var err error
			out, err = l.returnsTrue(label, n.Body)
			return nil, err
		})
		return out, err
	}
	return nil, l.fail(x, "a loop body other than tests, locals, continue and return True")
}

// parsedIter is a helper's `try: name = json.loads(text) except
// JSONDecodeError: return [] ; return list` (list reading name).
type parsedIter struct {
	name        string
	loads, text ast.Expr
	list        ast.Expr
}

func (l *lifter) parsedList(x ast.Expr) (parsedIter, bool) {
	if h, ok := x.(*ast.Helper); ok {
		x = h.Body
	}
	t, ok := x.(*ast.Try)
	if !ok || t.Else != nil || len(t.Handlers) != 1 || !emptyLit(t.Handlers[0].Body) {
		return parsedIter{}, false
	}
	for _, typ := range t.Handlers[0].Types {
		// json.loads raises JSONDecodeError, a ValueError, for text that is
		// not JSON; TypeError (not caught) for a value that is not text.
		if typ != "JSONDecodeError" && typ != "ValueError" {
			return parsedIter{}, false
		}
	}
	let, ok := t.Body.(*ast.Let)
	if !ok || len(let.Names) != 1 {
		return parsedIter{}, false
	}
	loads, ok := let.X.(*ast.Call)
	exit, ok2 := let.Body.(*ast.Exit)
	if !ok || !ok2 || loads.Fn != "py.json.loads" || len(loads.Args) != 1 || len(loads.Keywords) != 0 || exit.Label != t.Label || exit.Break {
		return parsedIter{}, false
	}
	return parsedIter{name: let.Names[0], loads: loads, text: loads.Args[0], list: t.Then}, true
}

// docList reads the list a parsed value's helper returns: `v = doc.get("k",
// []); [v] if isinstance(v, dict) else v` (a lone object as one element).
func (l *lifter) docList(x ast.Expr) ([]string, error) {
	let, ok := x.(*ast.Let)
	if !ok || len(let.Names) != 1 {
		return nil, fmt.Errorf("a list read from parsed JSON text other than doc.get(k, []) with a lone object as one element")
	}
	v := let.Names[0]
	c, ok := let.Body.(*ast.Cond)
	if !ok {
		return nil, fmt.Errorf("a list read from parsed JSON text without a lone object as one element")
	}
	of, typ, ok := isinstance(c.If)
	wrap, ok2 := c.Then.(*ast.Let)
	if !ok || !ok2 || typ != "dict" || !isLocal(of, v) || !isLocal(c.Else, v) || len(wrap.Names) != 1 || wrap.Names[0] != v || !isLocal(wrap.Body, v) {
		return nil, fmt.Errorf("a list read from parsed JSON text other than [v] if isinstance(v, dict) else v")
	}
	if one, ok := wrap.X.(*ast.ListLit); !ok || len(one.Elems) != 1 || !isLocal(one.Elems[0], v) {
		return nil, fmt.Errorf("a list read from parsed JSON text other than [v] if isinstance(v, dict) else v")
	}
	get, ok := let.X.(*ast.Call)
	if !ok || get.Fn != "py.dict.get" || len(get.Args) != 3 || !emptyLit(get.Args[2]) {
		return nil, fmt.Errorf("a list read from parsed JSON text other than doc.get(k, [])")
	}
	k, ok := str(get.Args[1])
	base, fold, err := l.field(get.Args[0])
	if !ok || err != nil || fold || len(base) != 0 {
		return nil, fmt.Errorf("a list read from something other than the parsed value")
	}
	return []string{k}, nil
}

// strAsList recognizes `[v] if isinstance(v, str) else v or []` (through a
// helper): a string as one element, a falsy value as none, a list its
// elements. It gives v.
func strAsList(x ast.Expr) (ast.Expr, bool) {
	h, ok := x.(*ast.Helper)
	if !ok {
		return nil, false
	}
	let, ok := h.Body.(*ast.Let)
	if !ok || len(let.Names) != 1 {
		return nil, false
	}
	v := let.Names[0]
	c, ok := let.Body.(*ast.Cond)
	if !ok {
		return nil, false
	}
	of, typ, ok := isinstance(c.If)
	one, ok2 := c.Then.(*ast.ListLit)
	or, ok3 := c.Else.(*ast.Logic)
	if !ok || !ok2 || !ok3 || typ != "str" || !isLocal(of, v) || len(one.Elems) != 1 || !isLocal(one.Elems[0], v) {
		return nil, false
	}
	if y, ok := orEmpty(or); !ok || !isLocal(y, v) {
		return nil, false
	}
	return let.X, true
}

// strListIn lifts `"c" in as_list(v)` (strAsList): v is "c", or a list
// holding "c". Python's in on an object looks for a key, which the portable
// form does not: a lossy point.
func (l *lifter) strListIn(n *ast.In) (portable.Expr, bool, error) {
	c, ok := str(n.X)
	if !ok {
		return nil, false, nil
	}
	y := n.Y
	if loc, ok := y.(*ast.Local); ok {
		b, done, ok := l.resolved(loc.Name)
		if !ok {
			return nil, false, nil
		}
		defer done()
		y = b
	}
	v, ok := strAsList(y)
	if !ok {
		return nil, false, nil
	}
	f, fold, err := l.field(v)
	if err != nil || fold || len(f) == 0 {
		return nil, true, l.fail(n, "membership in a list other than a field read as a list")
	}
	l.objectKeys(f)
	x, err := l.quantify(f, true, &portable.Atom{Op: portable.Eq, Values: []string{c}}, n)
	return x, true, err
}

func (l *lifter) objectKeys(f []string) {
	l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Kinds: []string{"assignment", "array"}, SourceHits: true,
		Reason: "Python goes through an object's keys where the rule reads a list (`v or []` keeps a non-empty object); the conversion reads no element of an object."})
}

// mappedAny lifts any(T for y in ys), ys a local bound to [E for x in L]
// (one clause, no ifs): any(T with y read as E for x in L).
func (l *lifter) mappedAny(n *ast.Comp) (portable.Expr, bool, error) {
	if n.Kind != ast.CompAny || len(n.Clauses) != 1 || len(n.Clauses[0].Vars) != 1 || len(n.Clauses[0].Ifs) != 0 {
		return nil, false, nil
	}
	loc, ok := n.Clauses[0].Iter.(*ast.Local)
	if !ok {
		return nil, false, nil
	}
	b, done, ok := l.resolved(loc.Name)
	if !ok {
		return nil, false, nil
	}
	defer done()
	inner, ok := b.(*ast.Comp)
	if !ok || inner.Kind != ast.CompList || len(inner.Clauses) != 1 || len(inner.Clauses[0].Vars) != 1 || len(inner.Clauses[0].Ifs) != 0 {
		return nil, true, l.fail(n, "any() over a local other than a list comprehension of one list")
	}
	cl := inner.Clauses[0]
	iter, ok := strAsList(cl.Iter)
	lone := ok
	if !ok {
		iter = cl.Iter
	}
	path, err := l.iterPath(iter)
	if err != nil {
		return nil, true, l.fail(n, err.Error())
	}
	if lone {
		l.objectKeys(path)
	}
	var out portable.Expr
	_, err = l.bind(n.Clauses[0].Vars[0], inner.Elem, func() (portable.Expr, error) {
		done := l.enter(cl.Vars[0], path)
		if raisesOnElements(inner.Elem, cl.Vars[0]) {
			l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.elemPath(nil)}, Kinds: []string{"array", "assignment"},
				Reason: "Python's str methods raise AttributeError on an element that is not a string while building the list, and a rule that raises does not alert; the conversion tests the other elements."})
		}
		x, err := l.lift(n.Elem)
		done()
		if err != nil {
			return nil, err
		}
		out, err = l.quantify(path, lone, x, n)
		return nil, err
	})
	return out, true, err
}

// raisesOnElements: e calls a str method of the element x.
func raisesOnElements(e ast.Expr, x string) bool {
	c, ok := e.(*ast.Call)
	return ok && len(c.Args) > 0 && isLocal(c.Args[0], x) && slices.Contains([]string{"py.str.lower", "py.str.upper", "py.str.strip"}, c.Fn)
}
