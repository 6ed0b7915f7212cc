package panther

import (
	"fmt"
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// lambdaFn is a lambda expression. The shared AST has no function values, so a
// lambda is carried by the lowerer: its value in the AST is a tag string that
// only identifies it, and a call dispatches on the tag to the lambda's body
// with the parameters bound. The lowerer lets such a value flow only where the
// tag cannot be mistaken for data: into a dict display of lambdas, out of it by
// .get(k) or [k], through `not`, and into a call.
type lambdaFn struct {
	tag    string
	params []string // the locals the parameters live in
	body   ast.Expr
	pos    lexer.Position
}

// lambda lowers `lambda params: body`. The body may read its parameters and
// module-level names; a local of the enclosing function is unsupported, since
// Python reads it when the lambda runs while concord would read it here.
func (l *lowerer) lambda(x *grammar.Lambda, e env) val {
	inner := env{}
	for name := range e {
		inner[name] = val{bad: strconv.Quote(name) + " of the enclosing function read by a lambda"}
	}
	fn := &lambdaFn{pos: x.Pos}
	for _, p := range x.Params {
		if p.Star != "" || p.Default != nil {
			return l.unsupported(x.Pos, "lambda with *args or default parameters")
		}
		slot := l.newSlot(p.Name)
		fn.params = append(fn.params, slot)
		inner = inner.with(p.Name, val{x: &ast.Local{Span: ast.Span{From: l.pos(x.Pos)}, Name: slot}, slot: slot})
	}
	pending := len(l.pending)
	body := l.lowerExpr(x.Body, inner)
	if len(l.pending) > pending {
		l.pending = l.pending[:pending]
		return l.unsupported(x.Pos, "assignment expression in a lambda")
	}
	fn.body = l.exprOf(body, x.Body.Pos)
	l.labels++
	fn.tag = fmt.Sprintf("<lambda#%d>", l.labels)
	return val{x: &ast.Lit{Span: l.span(x.Pos, x.Pos), Val: ast.String(fn.tag)}, lams: []*lambdaFn{fn}}
}

// lambdaDict is a dict display whose values are all lambdas: a dict from the
// keys to the lambdas' tags.
func (l *lowerer) lambdaDict(in *grammar.DictOrSet, e env, sp ast.Span) val {
	out := val{}
	dict := &ast.DictLit{Span: sp}
	for _, en := range in.Entries {
		if en.Splat != nil || en.Value == nil {
			return l.unsupported(en.Pos, "lambda in a dict display with ** or set entries")
		}
		v := l.lowerExpr(en.Value, e)
		if len(v.lams) != 1 {
			return l.unsupported(en.Value.Pos, "dict display mixing lambdas and other values")
		}
		dict.Keys = append(dict.Keys, l.exprOf(l.lowerExpr(en.Key, e), en.Pos))
		dict.Vals = append(dict.Vals, v.x)
		out.lams = append(out.lams, v.lams...)
	}
	out.x = dict
	return out
}

// lambdaMethod lowers d.get(k) on a dict of lambdas: the tag of the lambda
// under k, or None.
func (l *lowerer) lambdaMethod(recv val, name string, t *grammar.Trailer, e env, sp ast.Span) val {
	_, isDict := recv.x.(*ast.DictLit)
	if name != "get" || !isDict {
		return l.unsupported(t.Pos, "."+name+"() of a lambda or a dict of lambdas")
	}
	a := l.lowerArgs(t, e)
	if a.failed || len(a.pos) != 1 || len(a.kw) != 0 {
		return l.unsupported(t.Pos, ".get() of a dict of lambdas with a default")
	}
	return val{x: l.mkCall("py.dict.get", []ast.Expr{recv.x}, a, sp), lams: recv.lams}
}

// lambdaIndex lowers d[k] on a dict of lambdas.
func (l *lowerer) lambdaIndex(v val, t *grammar.Trailer, e env, sp ast.Span) val {
	_, isDict := v.x.(*ast.DictLit)
	if !isDict || len(t.Subs) != 1 || t.Subs[0].Slice {
		return l.unsupported(t.Pos, "subscript of a lambda")
	}
	key := l.exprOf(l.lowerExpr(t.Subs[0].Lower, e), t.Subs[0].Pos)
	return val{x: &ast.Index{Span: sp, X: v.x, Key: key}, lams: v.lams}
}

// callLambda calls a value that is one of f.lams (or None, from .get). The
// callee is evaluated first, then the arguments, as in Python.
func (l *lowerer) callLambda(f val, a callArgs, sp ast.Span) val {
	if len(a.kw) != 0 || a.gen {
		return l.unsupported(a.at, "call of a lambda with keyword or generator arguments")
	}
	var lets []*ast.Let
	tag := f.x
	if !safe(tag) {
		slot := l.newSlot("lambda")
		lets = append(lets, &ast.Let{Span: sp, Names: []string{slot}, X: tag})
		tag = &ast.Local{Span: sp, Name: slot}
	}
	args := a.exprs(l)
	for i, x := range args {
		if !safe(x) {
			slot := l.newSlot("arg")
			lets = append(lets, &ast.Let{Span: sp, Names: []string{slot}, X: x})
			args[i] = &ast.Local{Span: sp, Name: slot}
		}
	}
	branch := func(fn *lambdaFn) ast.Expr {
		if len(fn.params) != len(args) {
			return &ast.Call{Span: sp, Fn: "py.unsupported", Args: []ast.Expr{&ast.Lit{Span: sp, Val: ast.String(fmt.Sprintf("lambda at %d:%d called with %d arguments", fn.pos.Line, fn.pos.Column, len(args)))}}}
		}
		var binds []*ast.Let
		for i, p := range fn.params {
			binds = append(binds, &ast.Let{Span: sp, Names: []string{p}, X: args[i]})
		}
		return wrapLets(binds, fn.body)
	}
	if lit, ok := f.x.(*ast.Lit); ok && len(f.lams) == 1 && lit.Val.Kind() == ast.KindString && lit.Val.AsString() == f.lams[0].tag {
		return val{x: wrapLets(lets, branch(f.lams[0]))}
	}
	// Only None reaches the end: CPython raises TypeError ('NoneType' object is
	// not callable), which concord does not model.
	var out ast.Expr = &ast.Call{Span: sp, Fn: "py.unsupported", Args: []ast.Expr{&ast.Lit{Span: sp, Val: ast.String("call of None where a lambda was expected")}}}
	for i := len(f.lams) - 1; i >= 0; i-- {
		fn := f.lams[i]
		out = &ast.Cond{
			Span: sp,
			If:   &ast.Compare{Span: sp, Op: ast.Eq, X: tag, Y: &ast.Lit{Span: sp, Val: ast.String(fn.tag)}, Dialect: ast.Python},
			Then: branch(fn),
			Else: out,
		}
	}
	return val{x: wrapLets(lets, out)}
}

// keyed lowers sorted(xs, key=lambda x: k) and min/max(xs, key=lambda x: k):
// the items are listed once, the keys computed by a comprehension over them,
// and py.sorted_by / py.min_by / py.max_by pick by the keys. sorted computes
// every key before comparing, as list.sort does; min and max interleave key
// calls and comparisons, so there the key must not raise (else which
// exception comes first could differ).
func (l *lowerer) keyed(name string, a callArgs, sp ast.Span) val {
	key := a.kw["key"]
	lit, direct := key.x.(*ast.Lit)
	if !direct || len(key.lams) != 1 || lit.Val.AsString() != key.lams[0].tag || len(key.lams[0].params) != 1 {
		return l.unsupported(a.kwPos["key"], "key= other than a one-parameter lambda")
	}
	fn := key.lams[0]
	if len(a.pos) != 1 || a.gen {
		return l.unsupported(a.at, name+"() with key= of other than one iterable")
	}
	var fnName string
	switch name {
	case "sorted":
		fnName = "py.sorted_by"
		for k := range a.kw {
			if k != "key" && k != "reverse" {
				return l.unsupported(a.kwPos[k], "sorted() keyword "+k+"= beside key=")
			}
		}
	case "min", "max":
		fnName = "py." + name + "_by"
		if len(a.kw) != 1 {
			return l.unsupported(a.at, name+"() with key= and other keywords")
		}
		if !safeIn(fn.body, map[string]bool{fn.params[0]: true}) {
			return l.unsupported(fn.pos, "key= of "+name+"() that may raise")
		}
	default:
		return l.unsupported(a.kwPos["key"], "lambda passed to "+name+"()")
	}
	items := l.newSlot("items")
	list := &ast.Local{Span: sp, Name: items}
	keys := &ast.Comp{Span: sp, Kind: ast.CompList, Clauses: []ast.CompFor{{Vars: []string{fn.params[0]}, Iter: list}}, Elem: fn.body}
	call := &ast.Call{Span: sp, Fn: fnName, Args: []ast.Expr{keys, list}}
	if r, ok := a.kw["reverse"]; ok {
		if r.x == nil || !safe(r.x) {
			// Python evaluates it before sorted() lists the items.
			return l.unsupported(a.kwPos["reverse"], "reverse= that may raise beside key=")
		}
		call.Args = append(call.Args, l.exprOf(r, a.kwPos["reverse"]))
		call.Keywords = []string{"reverse"}
	}
	iter := &ast.Call{Span: sp, Fn: "py.list", Args: []ast.Expr{l.exprOf(a.pos[0], a.at)}}
	return val{x: &ast.Let{Span: sp, Names: []string{items}, X: iter, Body: call}}
}
