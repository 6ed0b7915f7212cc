package panther

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// callArgs are a call's lowered arguments.
type callArgs struct {
	pos     []val
	kw      map[string]val
	kwPos   map[string]lexer.Position
	kwOrder []string
	at      lexer.Position
	failed  bool // an argument form concord cannot pass (*xs, **kw)
	gen     bool // the argument is a bare generator expression (any(x for x in y))
}

func (a callArgs) exprs(l *lowerer) []ast.Expr {
	out := make([]ast.Expr, len(a.pos))
	for i, v := range a.pos {
		out[i] = l.exprOf(v, a.at)
	}
	return out
}

// mkCall builds a call: lead arguments (a receiver), the positional arguments,
// then the keyword arguments in source order, named by Call.Keywords.
func (l *lowerer) mkCall(fn string, lead []ast.Expr, a callArgs, sp ast.Span) *ast.Call {
	c := &ast.Call{Span: sp, Fn: fn, Args: append(lead, a.exprs(l)...)}
	for _, k := range a.kwOrder {
		c.Args = append(c.Args, l.exprOf(a.kw[k], a.kwPos[k]))
		c.Keywords = append(c.Keywords, k)
	}
	return c
}

func (l *lowerer) lowerArgs(t *grammar.Trailer, e env) callArgs {
	a := callArgs{kw: map[string]val{}, kwPos: map[string]lexer.Position{}, at: t.Pos}
	for _, arg := range t.Args {
		switch {
		case arg.Star == "**" && a.kw["**"].x == nil && arg.Name == "":
			// f(**mapping): only builtins that take any keyword accept it (the
			// evaluator spreads the dict); in-file functions are not called so.
			a.kw["**"] = l.lowerExpr(arg.X, e)
			a.kwPos["**"] = arg.Pos
			a.kwOrder = append(a.kwOrder, "**")
		case arg.Star != "":
			l.unsupported(arg.Pos, arg.Star+" argument unpacking")
			a.failed = true
		case arg.Comp != nil:
			seq := &grammar.Seq{Pos: arg.Pos, Items: []*grammar.StarExpr{{Pos: arg.Pos, X: arg.X}}}
			a.pos = append(a.pos, l.comprehension(ast.CompList, seq, nil, arg.Comp, e, l.span(arg.Pos, arg.Pos)))
			a.gen = true
		case arg.Name != "":
			a.kw[arg.Name] = l.lowerExpr(arg.X, e)
			a.kwPos[arg.Name] = arg.Pos
			a.kwOrder = append(a.kwOrder, arg.Name)
		default:
			a.pos = append(a.pos, l.lowerExpr(arg.X, e))
		}
	}
	return a
}

// call lowers `f(args)` where f is not an attribute.
func (l *lowerer) call(f val, t *grammar.Trailer, e env, sp ast.Span) val {
	a := l.lowerArgs(t, e)
	if a.failed {
		return val{x: &ast.Lit{Span: sp, Val: ast.Null}}
	}
	switch {
	case len(f.lams) > 0:
		return l.callLambda(f, a, sp)
	case f.fn != nil:
		return l.inline(f.fn, a, sp)
	case f.imported != "" && f.module == "builtins":
		return l.builtin(f.imported, a, sp)
	case f.imported != "" && isHelperModule(f.module):
		return l.globalHelper(f.module, f.imported, a, sp)
	case f.imported != "":
		return val{x: l.mkCall(importedFn(f.module, f.imported), nil, a, sp)}
	case f.bad != "":
		return val{x: l.exprOf(f, t.Pos)}
	case f.failed:
		return f
	case f.constant != "":
		// A test's Mocks may replace a module constant with a MagicMock whose
		// return value the rule reads by calling it.
		return val{x: l.mkCall("panther."+f.constant, nil, a, sp)}
	}
	return l.unsupported(t.Pos, "call of a computed value")
}

// inline expands a call of an in-file function: its body, with the parameters
// bound to the arguments, wrapped in a Helper node that keeps the name.
func (l *lowerer) inline(def *grammar.Def, a callArgs, sp ast.Span) val {
	if _, ok := a.kw["**"]; ok {
		return l.unsupported(a.at, "** argument unpacking into "+def.Name)
	}
	for _, name := range l.inlining {
		if name == def.Name {
			return l.unsupported(a.at, "recursive call of "+def.Name)
		}
	}
	l.inlining = append(l.inlining, def.Name)
	body := l.lowerFunction(def, a.pos, a.kw, a.at)
	l.inlining = l.inlining[:len(l.inlining)-1]
	args := a.exprs(l)
	for _, p := range def.Params {
		if v, ok := a.kw[p.Named]; ok && p.Named != "" {
			args = append(args, l.exprOf(v, a.at))
		}
	}
	return val{x: &ast.Helper{Span: sp, Name: def.Name, Args: args, Body: body}}
}

// importedFn names the evaluator function for an imported name: Panther's
// global helpers are "panther.<name>", standard library names "py.<module>.<name>".
func importedFn(module, name string) string {
	switch {
	case module == "builtins":
		return "py." + name
	case isHelperModule(module):
		return "panther." + name
	}
	return "py." + module + "." + name
}

// isHelperModule tells Panther's modules (global helpers, panther_core,
// panther_detection_helpers) from the Python standard library.
func isHelperModule(module string) bool {
	return strings.HasPrefix(module, "panther") || strings.HasPrefix(module, "global_helpers")
}

// methodCall lowers `recv.name(args)`.
func (l *lowerer) methodCall(recv val, name string, t *grammar.Trailer, e env, sp ast.Span) val {
	switch {
	case recv.module != "" && recv.imported == "":
		return l.call(val{module: recv.module, imported: name}, t, e, sp)
	case recv.imported != "" && recv.module != "builtins":
		return l.call(val{module: recv.module, imported: recv.imported + "." + name}, t, e, sp)
	case recv.fn != nil:
		return l.unsupported(t.Pos, "attribute of function "+recv.fn.Name)
	case len(recv.lams) > 0:
		return l.lambdaMethod(recv, name, t, e, sp)
	}
	a := l.lowerArgs(t, e)
	if a.failed {
		return val{x: &ast.Lit{Span: sp, Val: ast.Null}}
	}
	if recv.event {
		return l.eventMethod(recv, name, a, sp)
	}
	x := l.exprOf(recv, t.Pos)
	switch name {
	case "startswith", "endswith":
		if m := prefixMatch(x, name, a, sp); m != nil {
			return val{x: m}
		}
	}
	fn := "py.method." + name
	switch {
	case strMethods[name]:
		fn = "py.str." + name
	case dictMethods[name]:
		fn = "py.dict." + name
	case listMethods[name]:
		return l.unsupported(t.Pos, "list method ."+name+"() (mutation)")
	}
	return val{x: l.mkCall(fn, []ast.Expr{x}, a, sp)}
}

// prefixMatch turns x.startswith("a") / x.endswith(("a", "b")) with constant
// patterns into Match nodes; nil when the pattern is not constant.
func prefixMatch(x ast.Expr, method string, a callArgs, sp ast.Span) ast.Expr {
	if len(a.pos) != 1 || len(a.kw) != 0 || a.pos[0].x == nil {
		return nil
	}
	kind := ast.MatchPrefix
	if method == "endswith" {
		kind = ast.MatchSuffix
	}
	one := func(p ast.Expr) ast.Expr {
		lit, ok := p.(*ast.Lit)
		if !ok || lit.Val.Kind() != ast.KindString {
			return nil
		}
		return &ast.Match{Span: sp, X: x, Kind: kind, Pattern: lit.Val.AsString()}
	}
	if m := one(a.pos[0].x); m != nil {
		return m
	}
	tuple, ok := a.pos[0].x.(*ast.ListLit)
	if !ok || len(tuple.Elems) == 0 {
		return nil
	}
	or := &ast.Logic{Span: sp, Op: ast.Or, Operand: true}
	for _, el := range tuple.Elems {
		m := one(el)
		if m == nil {
			return nil
		}
		or.Xs = append(or.Xs, m)
	}
	if len(or.Xs) == 1 {
		return or.Xs[0]
	}
	return or
}

// eventMethod lowers the PantherEvent methods: get, deep_get, udm, deep_walk,
// and the mapping methods.
func (l *lowerer) eventMethod(ev val, name string, a callArgs, sp ast.Span) val {
	switch name {
	case "get":
		if d, ok := a.kw["default"]; ok && len(a.kw) == 1 && len(a.pos) == 1 {
			// PantherEvent.get(key, default=None) takes the default by name too.
			a.pos, a.kw, a.kwOrder = append(a.pos, d), map[string]val{}, nil
		}
		if len(a.pos) >= 1 && len(a.pos) <= 2 && len(a.kw) == 0 {
			if key, ok := constString(a.pos[0]); ok {
				field := &ast.Field{Span: sp, Path: []string{key}}
				if len(a.pos) == 1 {
					return val{x: field}
				}
				return val{x: &ast.Default{Span: sp, X: field, Else: l.exprOf(a.pos[1], a.at), OnNull: false}}
			}
		}
	case "deep_get":
		if x := l.deepGet(ev.x, a.pos, a, sp); x != nil {
			return val{x: x}
		}
		return val{x: l.passThrough("deep_get", append([]val{ev}, a.pos...), a, sp)}
	case "udm":
		if d, ok := a.kw["default"]; ok && len(a.kw) == 1 && len(a.pos) == 1 {
			// PantherEvent.udm(key, default=d) returns d where udm(key) is None.
			a.kw, a.kwOrder = map[string]val{}, nil
			return val{x: &ast.Default{Span: sp, X: l.passThrough("udm", a.pos, a, sp), Else: l.exprOf(d, a.at), OnNull: true}}
		}
		return val{x: l.passThrough("udm", a.pos, a, sp)}
	case "deep_walk":
		return val{x: l.passThrough("deep_walk", append([]val{ev}, a.pos...), a, sp)}
	case "to_dict":
		if len(a.pos) == 0 && len(a.kw) == 0 {
			return val{x: ev.x}
		}
	}
	fn := "py.dict." + name
	return val{x: l.mkCall(fn, []ast.Expr{ev.x}, a, sp)}
}

// deepGet lowers deep_get(base, "a", "b", default=d) on the event (or on a field
// of it) to Default{Field{a, b}, d, OnNull}: deep_get returns the default for a
// missing key, a non-mapping on the path, and a final None. nil when the keys
// are not constants.
func (l *lowerer) deepGet(base ast.Expr, keys []val, a callArgs, sp ast.Span) ast.Expr {
	f, ok := base.(*ast.Field)
	if !ok || len(keys) == 0 {
		return nil
	}
	for k := range a.kw {
		if k != "default" {
			return nil
		}
	}
	path := append([]string{}, f.Path...)
	for _, k := range keys {
		s, ok := constString(k)
		if !ok {
			return nil
		}
		path = append(path, s)
	}
	var otherwise ast.Expr = &ast.Lit{Span: sp, Val: ast.Null}
	if d, ok := a.kw["default"]; ok {
		otherwise = l.exprOf(d, a.at)
	}
	return &ast.Default{Span: sp, X: &ast.Field{Span: sp, Path: path}, Else: otherwise, OnNull: true}
}

// passThrough keeps a helper call for the evaluator, with args as its
// positional arguments.
func (l *lowerer) passThrough(name string, args []val, a callArgs, sp ast.Span) ast.Expr {
	a.pos = args
	return l.mkCall("panther."+name, nil, a, sp)
}

func constString(v val) (string, bool) {
	lit, ok := v.x.(*ast.Lit)
	if !ok || lit.Val.Kind() != ast.KindString {
		return "", false
	}
	return lit.Val.AsString(), true
}

// builtin lowers a call of a Python builtin function.
func (l *lowerer) builtin(name string, a callArgs, sp ast.Span) val {
	for _, v := range a.pos {
		if len(v.lams) > 0 {
			// map(f, xs), filter(f, xs): lazy iterators concord does not model.
			return l.unsupported(a.at, "lambda passed to "+name+"()")
		}
	}
	args := a.exprs(l)
	if a.gen && len(args) >= 1 {
		if comp, ok := args[0].(*ast.Comp); ok && comp.Kind == ast.CompList {
			switch {
			case name == "any" && len(args) == 1 && len(a.kw) == 0:
				comp.Kind = ast.CompAny
				return val{x: comp}
			case name == "all" && len(args) == 1 && len(a.kw) == 0:
				comp.Kind = ast.CompAll
				return val{x: comp}
			case name == "next" && len(args) <= 2 && len(a.kw) == 0:
				if len(args) == 2 && !safe(args[1]) {
					// Python evaluates the default before the generator runs.
					return l.unsupported(a.at, "next() with a default that may raise")
				}
				comp.Kind = ast.CompFirst
				if len(args) == 2 {
					comp.Val = args[1]
				}
				return val{x: comp}
			}
		}
	}
	if k, ok := a.kw["key"]; ok && len(k.lams) > 0 {
		return l.keyed(name, a, sp)
	}
	if len(a.kw) > 0 {
		return val{x: l.mkCall("py."+name, nil, a, sp)}
	}
	switch name {
	case "bool":
		if len(args) == 1 {
			return val{x: &ast.Truth{Span: sp, X: args[0]}}
		}
	case "set", "frozenset", "list", "tuple":
		// set(["a", "b"]) of a literal is the literal: the subset only tests
		// membership in such constants.
		if len(args) == 1 {
			if lit, ok := args[0].(*ast.ListLit); ok {
				if name == "set" || name == "frozenset" {
					return val{x: l.setOf(lit.Elems, sp)}
				}
				return val{x: &ast.ListLit{Span: sp, Elems: lit.Elems}}
			}
		}
		if name == "set" || name == "frozenset" {
			x := &ast.Call{Span: sp, Fn: "py." + name, Args: args}
			l.sets[x] = true
			return val{x: x}
		}
	case "isinstance":
		if len(args) == 2 && len(a.pos) == 2 && a.pos[1].module == "unittest.mock" && a.pos[1].imported == "MagicMock" {
			// isinstance(NAME, MagicMock) asks whether the test mocked NAME.
			if a.pos[0].constant == "" {
				return l.unsupported(a.at, "isinstance(..., MagicMock) of something other than a module constant")
			}
			return val{x: &ast.Call{Span: sp, Fn: "panther.mocked", Args: []ast.Expr{&ast.Lit{Span: sp, Val: ast.String(a.pos[0].constant)}}}}
		}
		// The type argument names builtin types; keep their names as strings.
		if len(args) == 2 {
			args[1] = typeNames(args[1])
		}
	}
	return val{x: &ast.Call{Span: sp, Fn: "py." + name, Args: args}}
}

// typeNames turns builtin type references (str, (list, tuple)) into their names.
func typeNames(x ast.Expr) ast.Expr {
	switch n := x.(type) {
	case *ast.Call:
		if len(n.Args) == 0 && strings.HasPrefix(n.Fn, "py.") && !strings.Contains(n.Fn[3:], ".") {
			return &ast.Lit{Span: n.Span, Val: ast.String(n.Fn[3:])}
		}
		switch n.Fn {
		case "py.collections.abc.Mapping", "py.typing.Mapping", "py.collections.abc.MutableMapping":
			return &ast.Lit{Span: n.Span, Val: ast.String("Mapping")}
		case "py.collections.abc.Sequence", "py.typing.Sequence":
			return &ast.Lit{Span: n.Span, Val: ast.String("Sequence")}
		}
	case *ast.ListLit:
		out := &ast.ListLit{Span: n.Span}
		for _, el := range n.Elems {
			out.Elems = append(out.Elems, typeNames(el))
		}
		return out
	}
	return x
}

// pythonBuiltins are the builtin names rules may use; they lower to "py.<name>".
var pythonBuiltins = map[string]bool{
	"abs": true, "all": true, "any": true, "bool": true, "dict": true, "enumerate": true,
	"filter": true, "float": true, "frozenset": true, "getattr": true, "hasattr": true,
	"int": true, "isinstance": true, "len": true, "list": true, "map": true, "max": true,
	"min": true, "next": true, "ord": true, "chr": true, "range": true, "repr": true,
	"reversed": true, "round": true, "set": true, "sorted": true, "str": true, "sum": true,
	"tuple": true, "type": true, "zip": true, "print": true, "hex": true, "bytes": true,
	"iter": true, "divmod": true, "pow": true, "format": true, "callable": true, "object": true,
	"ValueError": true, "KeyError": true, "TypeError": true, "Exception": true,
	"AttributeError": true, "IndexError": true,
}

// strMethods are str methods; they lower to "py.str.<name>" with the receiver first.
var strMethods = map[string]bool{
	"lower": true, "upper": true, "strip": true, "lstrip": true, "rstrip": true, "split": true,
	"rsplit": true, "replace": true, "join": true, "find": true, "rfind": true, "index": true,
	"rindex": true, "count": true, "format": true, "casefold": true, "title": true,
	"capitalize": true, "isdigit": true, "isalpha": true, "isalnum": true, "isnumeric": true,
	"isdecimal": true, "isupper": true, "islower": true, "isspace": true, "partition": true,
	"rpartition": true, "splitlines": true, "zfill": true, "removeprefix": true,
	"removesuffix": true, "encode": true, "decode": true, "startswith": true, "endswith": true,
	"swapcase": true, "center": true, "ljust": true, "rjust": true, "expandtabs": true,
}

// dictMethods are mapping methods; they lower to "py.dict.<name>".
var dictMethods = map[string]bool{
	"get": true, "keys": true, "values": true, "items": true, "copy": true,
}

// listMethods mutate their receiver; rules use them inside loops, which are
// unsupported anyway.
var listMethods = map[string]bool{
	"append": true, "extend": true, "insert": true, "remove": true, "pop": true, "clear": true,
	"add": true, "update": true, "discard": true, "setdefault": true, "sort": true, "reverse": true,
}
