package eval

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
)

// exitSignal carries an ast.Exit leaf back to the Loop or Try with its label.
// It travels as an error so that every node between the leaf and its owner
// passes it on untouched; it never reaches a caller of Program.Eval.
type exitSignal struct {
	label string
	brk   bool
}

func (e *exitSignal) Error() string { return "exit " + e.label }

func (env *Env) setLocal(name string, v ast.Value) {
	if env.locals == nil {
		env.locals = map[string]ast.Value{}
	}
	env.locals[name] = v
}

// bind stores v into names, unpacking when there are several, as Python's
// assignment to a target list does.
func bind(env *Env, pos ast.Pos, names []string, v ast.Value) error {
	if len(names) == 1 {
		env.setLocal(names[0], v)
		return nil
	}
	items, err := pyIter(pos, v)
	if err != nil {
		return err
	}
	if len(items) != len(names) {
		if len(items) > len(names) {
			return fail(pos, "ValueError: too many values to unpack (expected %d)", len(names))
		}
		return fail(pos, "ValueError: not enough values to unpack (expected %d, got %d)", len(names), len(items))
	}
	for i, n := range names {
		env.setLocal(n, items[i])
	}
	return nil
}

// pyIter lists what `for x in v` visits: list items, dict keys, str characters.
func pyIter(pos ast.Pos, v ast.Value) ([]ast.Value, error) {
	if c := pyObjClass(v); c == "struct_time" {
		return nil, unsupportedf(pos, "iterating a struct_time")
	} else if c != "" {
		return nil, fail(pos, "TypeError: '%s' object is not iterable", pyObjTypeName(c))
	}
	switch v.Kind() {
	case ast.KindList:
		return v.AsList(), nil
	case ast.KindObject:
		keys := v.AsObject().Keys
		out := make([]ast.Value, len(keys))
		for i, k := range keys {
			out[i] = ast.String(k)
		}
		return out, nil
	case ast.KindString:
		var out []ast.Value
		for _, r := range v.AsString() {
			out = append(out, ast.String(string(r)))
		}
		return out, nil
	}
	return nil, fail(pos, "TypeError: '%s' object is not iterable", pyType(v))
}

func (c *compiler) local(n *ast.Local) fn {
	name, pos := n.Name, n.Pos()
	return func(env *Env) (ast.Value, error) {
		v, ok := env.locals[name]
		if !ok {
			return ast.Null, fail(pos, "NameError: local variable '%s' is not bound", name)
		}
		return v, nil
	}
}

func (c *compiler) let(n *ast.Let) fn {
	x, body, names, pos := c.expr(n.X), c.expr(n.Body), n.Names, n.Pos()
	return func(env *Env) (ast.Value, error) {
		v, err := x(env)
		if err != nil {
			return v, err
		}
		if err := bind(env, pos, names, v); err != nil {
			return ast.Null, err
		}
		return body(env)
	}
}

// maxWhile bounds a while loop; a rule that loops longer is not one concord
// should answer for.
const maxWhile = 1 << 20

func (c *compiler) whileLoop(n *ast.Loop) fn {
	cond, body, then, pos, label := c.expr(n.Cond), c.expr(n.Body), c.expr(n.Then), n.Pos(), n.Label
	els := then
	if n.Else != nil {
		els = c.expr(n.Else)
	}
	return func(env *Env) (ast.Value, error) {
		for i := 0; ; i++ {
			if i == maxWhile {
				return ast.Null, unsupportedf(pos, "while loop running more than %d times", maxWhile)
			}
			t, err := cond(env)
			if err != nil {
				return t, err
			}
			if !t.Truth() {
				return els(env)
			}
			v, err := body(env)
			if sig, ok := err.(*exitSignal); ok && sig.label == label {
				if sig.brk {
					return then(env)
				}
				continue
			}
			return v, err
		}
	}
}

func (c *compiler) loop(n *ast.Loop) fn {
	if n.Cond != nil {
		return c.whileLoop(n)
	}
	iter, body, then, pos, label, vars := c.expr(n.Iter), c.expr(n.Body), c.expr(n.Then), n.Pos(), n.Label, n.Vars
	els := then
	if n.Else != nil {
		els = c.expr(n.Else)
	}
	return func(env *Env) (ast.Value, error) {
		it, err := iter(env)
		if err != nil {
			return it, err
		}
		items, err := pyIter(pos, it)
		if err != nil {
			return ast.Null, err
		}
		after := els
		for _, item := range items {
			if err := bind(env, pos, vars, item); err != nil {
				return ast.Null, err
			}
			v, err := body(env)
			if sig, ok := err.(*exitSignal); ok && sig.label == label {
				if sig.brk {
					after = then
					break
				}
				continue
			}
			return v, err // a return from inside the loop, or an exception
		}
		return after(env)
	}
}

func (c *compiler) exit(n *ast.Exit) fn {
	sig := &exitSignal{label: n.Label, brk: n.Break}
	return func(*Env) (ast.Value, error) { return ast.Null, sig }
}

func (c *compiler) try(n *ast.Try) fn {
	body, then, label := c.expr(n.Body), c.expr(n.Then), n.Label
	var els fn
	if n.Else != nil {
		els = c.expr(n.Else)
	}
	type handler struct {
		types []string
		body  fn
	}
	var hs []handler
	for _, h := range n.Handlers {
		hs = append(hs, handler{h.Types, c.expr(h.Body)})
	}
	done := func(err error) bool {
		sig, ok := err.(*exitSignal)
		return ok && sig.label == label && !sig.brk
	}
	return func(env *Env) (ast.Value, error) {
		v, err := body(env)
		if done(err) {
			if els != nil {
				v, err = els(env)
				if !done(err) {
					return v, err
				}
			}
			return then(env)
		}
		class, ok := pyException(err)
		if !ok {
			return v, err
		}
		for _, h := range hs {
			if excMatches(class, h.types) {
				v, err := h.body(env)
				if done(err) {
					return then(env)
				}
				return v, err
			}
		}
		return v, err
	}
}

// pyException names the Python exception class of an evaluation error; ok is
// false for anything that is not a Python exception the rule raised (concord
// lacking a construct, an internal failure, a loop or try exit).
func pyException(err error) (string, bool) {
	re, ok := err.(*RuntimeError)
	if !ok || re.Code != ast.CodeEval {
		return "", false
	}
	class, _, ok := strings.Cut(re.Msg, ":")
	if !ok || class == "" || strings.ContainsAny(class, " .") {
		return "", false
	}
	if _, known := excParents[class]; !known {
		return "", false
	}
	return class, true
}

// excParents is the part of Python's exception hierarchy that rules catch, with
// the exceptions concord raises (each maps to its base class).
var excParents = map[string]string{
	"BaseException":       "",
	"Exception":           "BaseException",
	"ArithmeticError":     "Exception",
	"ZeroDivisionError":   "ArithmeticError",
	"OverflowError":       "ArithmeticError",
	"LookupError":         "Exception",
	"KeyError":            "LookupError",
	"IndexError":          "LookupError",
	"ValueError":          "Exception",
	"JSONDecodeError":     "ValueError",
	"UnicodeError":        "ValueError",
	"UnicodeDecodeError":  "UnicodeError",
	"AddressValueError":   "ValueError",
	"NetmaskValueError":   "ValueError",
	"TypeError":           "Exception",
	"AttributeError":      "Exception",
	"NameError":           "Exception",
	"StopIteration":       "Exception",
	"RuntimeError":        "Exception",
	"Error":               "ValueError", // binascii.Error (base64 decoding)
	"PatternError":        "Exception",  // re.error
	"AssertionError":      "Exception",
	"NotImplementedError": "RuntimeError",
}

// excMatches reports whether class is one of types or derives from one; an
// empty list is a bare except.
func excMatches(class string, types []string) bool {
	if len(types) == 0 {
		return true
	}
	for c := class; c != ""; c = excParents[c] {
		for _, t := range types {
			if t == c {
				return true
			}
		}
	}
	return false
}

func (c *compiler) comp(n *ast.Comp) fn {
	type clause struct {
		vars []string
		iter fn
		ifs  []fn
	}
	var cls []clause
	for _, cl := range n.Clauses {
		cls = append(cls, clause{cl.Vars, c.expr(cl.Iter), c.exprs(cl.Ifs)})
	}
	elem, kind, pos := c.expr(n.Elem), n.Kind, n.Pos()
	var val fn
	if n.Val != nil {
		val = c.expr(n.Val)
	}
	if len(cls) == 0 {
		c.errorf(pos, ast.CodeParse, "comprehension without a for clause")
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	}
	return func(env *Env) (ast.Value, error) {
		var out []ast.Value
		var dict *ast.Object
		if kind == ast.CompDict {
			dict = &ast.Object{}
		}
		stop := false
		var result ast.Value
		// visit runs clause i for every item; emit is called with all vars bound.
		var visit func(i int) error
		visit = func(i int) error {
			if i == len(cls) {
				e, err := elem(env)
				if err != nil {
					return err
				}
				switch kind {
				case ast.CompAny:
					if e.Truth() {
						stop, result = true, ast.True
					}
				case ast.CompAll:
					if !e.Truth() {
						stop, result = true, ast.False
					}
				case ast.CompFirst:
					stop, result = true, e
				case ast.CompDict:
					v, err := val(env)
					if err != nil {
						return err
					}
					k, err := dictKey(pos, e)
					if err != nil {
						return err
					}
					dict.Set(k, v)
				case ast.CompSet:
					if err := hashable(pos, e); err != nil {
						return err
					}
					for _, o := range out {
						if ast.Equal(o, e) {
							return nil
						}
					}
					out = append(out, e)
				default:
					out = append(out, e)
				}
				return nil
			}
			it, err := cls[i].iter(env)
			if err != nil {
				return err
			}
			items, err := pyIter(pos, it)
			if err != nil {
				return err
			}
		items:
			for _, item := range items {
				if err := bind(env, pos, cls[i].vars, item); err != nil {
					return err
				}
				for _, f := range cls[i].ifs {
					t, err := f(env)
					if err != nil {
						return err
					}
					if !t.Truth() {
						continue items
					}
				}
				if err := visit(i + 1); err != nil {
					return err
				}
				if stop {
					return nil
				}
			}
			return nil
		}
		if err := visit(0); err != nil {
			return ast.Null, err
		}
		switch kind {
		case ast.CompAny:
			if !stop {
				return ast.False, nil
			}
			return result, nil
		case ast.CompAll:
			if !stop {
				return ast.True, nil
			}
			return result, nil
		case ast.CompFirst:
			if stop {
				return result, nil
			}
			if val == nil {
				return ast.Null, fail(pos, "StopIteration: the generator is empty")
			}
			return val(env)
		case ast.CompDict:
			return ast.ObjectOf(dict), nil
		}
		return ast.List(out...), nil
	}
}

// dictKey is the key a Python dict stores for k; concord's objects have string
// keys, so other keys are only supported when they are strings.
func dictKey(pos ast.Pos, k ast.Value) (string, error) {
	if k.Kind() != ast.KindString {
		if err := hashable(pos, k); err != nil {
			return "", err
		}
		return "", &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: fmt.Sprintf("unsupported: dict key of type %s", pyType(k))}
	}
	return k.AsString(), nil
}

// hashable raises TypeError for the values Python cannot put in a set or use as
// a dict key (lists and dicts; concord cannot tell a tuple from a list, so a
// list is taken as a tuple only where Python makes tuples: nowhere here).
func hashable(pos ast.Pos, v ast.Value) error {
	if pyObjClass(v) != "" {
		return unsupportedf(pos, "hashing a %s", pyObjClass(v))
	}
	switch v.Kind() {
	case ast.KindObject:
		return fail(pos, "TypeError: unhashable type: 'dict'")
	}
	return nil
}
