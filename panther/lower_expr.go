package panther

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// exprOf turns a value into an expression; functions and modules are not values
// concord can compute with.
func (l *lowerer) exprOf(v val, at lexer.Position) ast.Expr {
	switch {
	case len(v.lams) > 0:
		return l.unsupported(at, "lambda used as a value").x
	case v.x != nil:
		return v.x
	case v.bad != "":
		return l.unsupported(at, "a name "+v.bad).x
	case v.fn != nil:
		return l.unsupported(at, "function "+v.fn.Name+" used as a value").x
	case v.imported != "":
		// An imported constant (EMAIL_REGEX, event_type.X): the helper module's
		// own value when concord can read it, else the evaluator resolves it.
		if isHelperModule(v.module) && !strings.Contains(v.imported, ".") {
			if x := l.helperConst(v.module, v.imported, at); x != nil {
				return x
			}
		}
		return &ast.Call{Span: ast.Span{From: l.pos(at)}, Fn: importedFn(v.module, v.imported)}
	case v.module != "":
		return l.unsupported(at, "module "+v.module+" used as a value").x
	}
	return l.unsupported(at, "value").x
}

// lookup resolves a name: locals, module constants, in-file functions, imports,
// then Python builtins.
func (l *lowerer) lookup(name string, e env, at lexer.Position) val {
	if v, ok := e[name]; ok {
		return v
	}
	if l.globals[name] {
		return l.globalRead(name, at)
	}
	if c, ok := l.consts[name]; ok {
		v := l.constVal(name, c, at)
		v.constant = name
		return v
	}
	if f, ok := l.funcs[name]; ok {
		if _, native := eval.Builtins["panther."+name]; native && l.selfModule != "" {
			// A helper calling a sibling concord implements natively (time_delta
			// calls resolve_timestamp_string): the native one, as a rule would.
			return val{module: l.selfModule, imported: name}
		}
		return val{fn: f}
	}
	if v, ok := l.imports[name]; ok {
		return v
	}
	if pythonBuiltins[name] {
		return val{module: "builtins", imported: name}
	}
	return val{bad: strconv.Quote(name) + " that is not defined"}
}

// globalRead reads a module global that some function rebinds: the value the
// last rebinding stored in this evaluation, else the module's own value.
func (l *lowerer) globalRead(name string, at lexer.Position) val {
	sp := ast.Span{From: l.pos(at)}
	args := []ast.Expr{&ast.Lit{Span: sp, Val: ast.String(name)}}
	if c, ok := l.consts[name]; ok {
		args = append(args, l.exprOf(l.constVal(name, c, at), at))
	}
	return val{x: &ast.Call{Span: sp, Fn: "py.global", Args: args}, constant: name}
}

// constVal lowers a module constant once and substitutes it at every use.
func (l *lowerer) constVal(name string, c *moduleConst, at lexer.Position) val {
	switch {
	case c.bad != "":
		return l.unsupported(c.pos, c.bad)
	case c.state == 1:
		return l.unsupported(at, "module constant "+name+" defined in terms of itself")
	case c.state == 2:
		return c.lowered
	}
	c.state = 1
	c.lowered = l.lowerExprList(c.value, env{})
	c.state = 2
	return c.lowered
}

// lowerExprList lowers `a` or a tuple `a, b`.
func (l *lowerer) lowerExprList(xs *grammar.ExprList, e env) val {
	if len(xs.Items) == 1 && !xs.Trailing && !xs.Items[0].Star {
		return l.lowerExpr(xs.Items[0].X, e)
	}
	lit := &ast.ListLit{Span: l.span(xs.Pos, xs.EndPos)}
	for _, it := range xs.Items {
		if it.Star {
			return l.unsupported(it.Pos, "star expression")
		}
		lit.Elems = append(lit.Elems, l.exprOf(l.lowerExpr(it.X, e), it.Pos))
	}
	l.tuples[lit] = true
	return val{x: lit}
}

func (l *lowerer) lowerExpr(x *grammar.Expr, e env) val {
	switch {
	case x.Lambda != nil:
		return l.lambda(x.Lambda, e)
	case x.Walrus != nil:
		v := l.exprOf(l.lowerExpr(x.Walrus.Value, e), x.Walrus.Value.Pos)
		name := x.Walrus.Name
		slot := globalSlot(name)
		if !l.fnGlob[name] {
			if old, ok := e[name]; ok && old.slot != "" {
				slot = old.slot
			} else {
				slot = l.newSlot(name)
			}
		}
		l.pending = append(l.pending, pendingBind{name: name, slot: slot})
		sp := l.span(x.Pos, x.EndPos)
		return val{x: &ast.Let{Span: sp, Names: []string{slot}, X: v, Body: &ast.Local{Span: sp, Name: slot}}}
	}
	t := x.Cond
	if t.If == nil {
		return l.lowerOr(t.Then, e)
	}
	return val{x: &ast.Cond{
		Span: l.span(t.Pos, t.EndPos),
		If:   l.exprOf(l.lowerOr(t.If, e), t.If.Pos),
		Then: l.exprOf(l.lowerOr(t.Then, e), t.Then.Pos),
		Else: l.exprOf(l.lowerExpr(t.Else, e), t.Else.Pos),
	}}
}

func (l *lowerer) lowerOr(x *grammar.OrExpr, e env) val {
	ands := x.Ands()
	if len(ands) == 1 {
		return l.lowerAnd(ands[0], e)
	}
	out := &ast.Logic{Span: l.span(x.Pos, x.EndPos), Op: ast.Or, Operand: true}
	for _, a := range ands {
		out.Xs = appendLogic(out.Xs, ast.Or, l.exprOf(l.lowerAnd(a, e), a.Pos))
	}
	return val{x: out}
}

func (l *lowerer) lowerAnd(x *grammar.AndExpr, e env) val {
	if len(x.Xs) == 1 {
		return l.lowerNot(x.Xs[0], e)
	}
	out := &ast.Logic{Span: l.span(x.Pos, x.EndPos), Op: ast.And, Operand: true}
	for _, n := range x.Xs {
		out.Xs = appendLogic(out.Xs, ast.And, l.exprOf(l.lowerNot(n, e), n.Pos))
	}
	return val{x: out}
}

// appendLogic flattens `(a or b) or c` into one chain; it is the same value.
func appendLogic(xs []ast.Expr, op ast.LogicOp, x ast.Expr) []ast.Expr {
	if lg, ok := x.(*ast.Logic); ok && lg.Op == op && lg.Operand {
		return append(xs, lg.Xs...)
	}
	return append(xs, x)
}

func (l *lowerer) lowerNot(x *grammar.NotExpr, e env) val {
	if x.Not != nil {
		inner := l.lowerNot(x.Not, e)
		if len(inner.lams) > 0 {
			// A lambda (its tag, a non-empty str) is true; a dict of lambdas is
			// true when not empty, like the dict of tags.
			return val{x: &ast.Not{Span: l.span(x.Pos, x.EndPos), X: inner.x}}
		}
		return val{x: &ast.Not{Span: l.span(x.Pos, x.EndPos), X: l.exprOf(inner, x.Not.Pos)}}
	}
	return l.lowerComparison(x.X, e)
}

// lowerComparison lowers a comparison chain: `a < b < c` is `a < b and b < c`.
func (l *lowerer) lowerComparison(x *grammar.Comparison, e env) val {
	left := l.lowerBin(x.X, e)
	if len(x.Tail) == 0 {
		return left
	}
	lx := l.exprOf(left, x.Pos)
	var parts []ast.Expr
	for _, t := range x.Tail {
		ry := l.exprOf(l.lowerBin(t.Y, e), t.Y.Pos)
		sp := l.span(x.Pos, t.Y.EndPos)
		parts = append(parts, l.compare(strings.Join(t.Op, " "), lx, ry, sp))
		lx = ry
	}
	if len(parts) == 1 {
		return val{x: parts[0]}
	}
	return val{x: &ast.Logic{Span: l.span(x.Pos, x.EndPos), Op: ast.And, Xs: parts, Operand: true}}
}

var compareOps = map[string]ast.CmpOp{"==": ast.Eq, "!=": ast.Ne, "<": ast.Lt, "<=": ast.Le, ">": ast.Gt, ">=": ast.Ge}

func (l *lowerer) compare(op string, x, y ast.Expr, sp ast.Span) ast.Expr {
	if c, ok := compareOps[op]; ok {
		return &ast.Compare{Span: sp, Op: c, X: x, Y: y, Dialect: ast.Python}
	}
	if net, ok := y.(*ast.Call); ok && net.Fn == "py.ipaddress.ip_network" && (op == "in" || op == "not in") {
		// ip_address(a) in ip_network(n): concord keeps addresses as text, so the
		// membership is one call that knows both sides.
		var in ast.Expr = &ast.Call{Span: sp, Fn: "py.ipaddress.in_network", Args: append([]ast.Expr{x}, net.Args...), Keywords: net.Keywords}
		if addr, ok := x.(*ast.Call); !ok || addr.Fn != "py.ipaddress.ip_address" {
			in = &ast.Call{Span: sp, Fn: "py.unsupported", Args: []ast.Expr{&ast.Lit{Val: ast.String("membership in ip_network() of something not made by ip_address()")}}}
		}
		if op == "not in" {
			in = &ast.Not{Span: sp, X: in}
		}
		return in
	}
	// A tuple display is hashable (concord keeps tuples as lists, which In
	// would otherwise treat as unhashable lists).
	hashed := l.hashes(y) && !l.tuples[x]
	switch op {
	case "in":
		return &ast.In{Span: sp, X: x, Y: y, Dialect: ast.Python, Hashed: hashed}
	case "not in":
		return &ast.Not{Span: sp, X: &ast.In{Span: sp, X: x, Y: y, Dialect: ast.Python, Hashed: hashed}}
	case "is", "is not":
		var out ast.Expr
		switch {
		case isNoneLit(y):
			out = &ast.IsNull{Span: sp, X: x}
		case isNoneLit(x):
			out = &ast.IsNull{Span: sp, X: y}
		default:
			// Identity of other objects (`x is True`) is not equality; leave it to
			// the evaluator by name.
			out = &ast.Call{Span: sp, Fn: "py.is", Args: []ast.Expr{x, y}}
		}
		if op == "is not" {
			out = &ast.Not{Span: sp, X: out}
		}
		return out
	}
	return &ast.Call{Span: sp, Fn: "py.cmp." + op, Args: []ast.Expr{x, y}}
}

func isNoneLit(x ast.Expr) bool {
	lit, ok := x.(*ast.Lit)
	return ok && lit.Val.IsNull()
}

// binaryPrec is Python's precedence of the binary operators a BinExpr holds.
var binaryPrec = map[string]int{
	"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4,
	"+": 5, "-": 5, "*": 6, "/": 6, "//": 6, "%": 6, "@": 6,
}

// binaryFns names the evaluator functions for operators that are not string
// concatenation.
var binaryFns = map[string]string{
	"|": "py.bitor", "^": "py.bitxor", "&": "py.bitand", "<<": "py.lshift", ">>": "py.rshift",
	"+": "py.add", "-": "py.sub", "*": "py.mul", "/": "py.truediv", "//": "py.floordiv",
	"%": "py.mod", "@": "py.matmul", "**": "py.pow",
}

// lowerBin applies precedence to a flat run of binary operators (precedence
// climbing over the operand list).
func (l *lowerer) lowerBin(x *grammar.BinExpr, e env) val {
	if len(x.Tail) == 0 {
		return l.lowerUnary(x.X, e)
	}
	operands := []ast.Expr{l.exprOf(l.lowerUnary(x.X, e), x.Pos)}
	ops := []string{}
	for _, t := range x.Tail {
		ops = append(ops, t.Op)
		operands = append(operands, l.exprOf(l.lowerUnary(t.Y, e), t.Y.Pos))
	}
	sp := l.span(x.Pos, x.EndPos)
	i := 0
	var climbAt func(minPrec int) ast.Expr
	climbAt = func(minPrec int) ast.Expr {
		lhs := operands[i]
		for i < len(ops) && binaryPrec[ops[i]] >= minPrec {
			op := ops[i]
			i++
			rhs := climbAt(binaryPrec[op] + 1)
			lhs = l.binary(op, lhs, rhs, sp)
		}
		return lhs
	}
	return val{x: climbAt(1)}
}

// binary builds one binary operation. `+` of two operands known to be str is
// concatenation; everything else is a named evaluator function (py.add raises
// TypeError for str + int as Python does, which Concat's str() would hide).
func (l *lowerer) binary(op string, x, y ast.Expr, sp ast.Span) ast.Expr {
	if op == "+" && isStringy(x) && isStringy(y) {
		c := &ast.Concat{Span: sp, Dialect: ast.Python}
		for _, p := range []ast.Expr{x, y} {
			if inner, ok := p.(*ast.Concat); ok && inner.Dialect == ast.Python {
				c.Parts = append(c.Parts, inner.Parts...)
			} else {
				c.Parts = append(c.Parts, p)
			}
		}
		return c
	}
	return &ast.Call{Span: sp, Fn: binaryFns[op], Args: []ast.Expr{x, y}}
}

// isStringy reports whether x is known to be a str: a str literal or a
// concatenation (f-string).
func isStringy(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val.Kind() == ast.KindString
	case *ast.Concat:
		return n.Dialect == ast.Python
	}
	return false
}

func (l *lowerer) lowerUnary(x *grammar.Unary, e env) val {
	v := l.lowerPower(x.X, e)
	if len(x.Ops) == 0 {
		return v
	}
	out := l.exprOf(v, x.Pos)
	sp := l.span(x.Pos, x.EndPos)
	for i := len(x.Ops) - 1; i >= 0; i-- {
		switch op := x.Ops[i]; {
		case op == "-" && isNumberLit(out):
			lit := out.(*ast.Lit)
			if lit.Val.Kind() == ast.KindInt {
				out = &ast.Lit{Span: sp, Val: ast.Int(-lit.Val.AsInt())}
			} else {
				out = &ast.Lit{Span: sp, Val: ast.Float(-lit.Val.AsFloat())}
			}
		case op == "-":
			out = &ast.Call{Span: sp, Fn: "py.neg", Args: []ast.Expr{out}}
		case op == "+":
			out = &ast.Call{Span: sp, Fn: "py.pos", Args: []ast.Expr{out}}
		default:
			out = &ast.Call{Span: sp, Fn: "py.invert", Args: []ast.Expr{out}}
		}
	}
	return val{x: out}
}

func isNumberLit(x ast.Expr) bool {
	lit, ok := x.(*ast.Lit)
	return ok && (lit.Val.Kind() == ast.KindInt || lit.Val.Kind() == ast.KindFloat)
}

func (l *lowerer) lowerPower(x *grammar.Power, e env) val {
	if x.Await {
		return l.unsupported(x.Pos, "await")
	}
	v := l.lowerPrimary(x.X, e)
	if x.Exp == nil {
		return v
	}
	base := l.exprOf(v, x.Pos)
	exp := l.exprOf(l.lowerUnary(x.Exp, e), x.Exp.Pos)
	return val{x: &ast.Call{Span: l.span(x.Pos, x.EndPos), Fn: binaryFns["**"], Args: []ast.Expr{base, exp}}}
}

// lowerPrimary applies trailers left to right; `.name(args)` is one method call.
func (l *lowerer) lowerPrimary(p *grammar.Primary, e env) val {
	v := l.lowerAtom(p.Atom, e)
	for i := 0; i < len(p.Trailers); i++ {
		t := p.Trailers[i]
		sp := l.span(p.Pos, t.EndPos)
		switch {
		case t.Attr != "" && i+1 < len(p.Trailers) && p.Trailers[i+1].Call:
			call := p.Trailers[i+1]
			i++
			v = l.methodCall(v, t.Attr, call, e, l.span(p.Pos, call.EndPos))
		case t.Attr != "":
			v = l.attribute(v, t.Attr, t.Pos, sp)
		case t.Call:
			v = l.call(v, t, e, sp)
		case t.Index:
			v = l.subscript(v, t, e, sp)
		}
	}
	return v
}

func (l *lowerer) subscript(v val, t *grammar.Trailer, e env, sp ast.Span) val {
	if len(v.lams) > 0 {
		return l.lambdaIndex(v, t, e, sp)
	}
	x := l.exprOf(v, t.Pos)
	if len(t.Subs) != 1 {
		return l.unsupported(t.Pos, "tuple subscript")
	}
	s := t.Subs[0]
	if !s.Slice {
		return val{x: &ast.Index{Span: sp, X: x, Key: l.exprOf(l.lowerExpr(s.Lower, e), s.Pos)}}
	}
	args := []ast.Expr{x}
	for _, b := range []*grammar.Expr{s.Lower, s.Upper, s.Step} {
		if b == nil {
			args = append(args, &ast.Lit{Val: ast.Null})
			continue
		}
		args = append(args, l.exprOf(l.lowerExpr(b, e), b.Pos))
	}
	return val{x: &ast.Call{Span: sp, Fn: "py.slice", Args: args}}
}

// attribute is `x.name` not followed by a call.
func (l *lowerer) attribute(v val, name string, at lexer.Position, sp ast.Span) val {
	switch {
	case v.module != "" && v.imported == "":
		return val{module: v.module, imported: name}
	case v.imported != "":
		// an attribute of an imported object, e.g. datetime.timezone.utc
		return val{module: v.module, imported: v.imported + "." + name}
	case v.event:
		return l.unsupported(at, "attribute ."+name+" of the event")
	}
	return val{x: &ast.Call{Span: sp, Fn: "py.attr." + name, Args: []ast.Expr{l.exprOf(v, at)}}}
}

func (l *lowerer) lowerAtom(a *grammar.Atom, e env) val {
	sp := l.span(a.Pos, a.EndPos)
	lit := func(v ast.Value) val { return val{x: &ast.Lit{Span: sp, Val: v}} }
	switch {
	case a.None:
		return lit(ast.Null)
	case a.True:
		return lit(ast.True)
	case a.False:
		return lit(ast.False)
	case a.Ellipsis:
		return l.unsupported(a.Pos, "Ellipsis")
	case a.Number != "":
		return l.number(a.Number, a.Pos, sp)
	case len(a.Strings) > 0:
		return l.strings(a.Strings, e, sp)
	case a.Name != "":
		v := l.lookup(a.Name, e, a.Pos)
		if v.bad != "" {
			return l.unsupported(a.Pos, "a name "+v.bad)
		}
		return v
	case a.Paren:
		if a.ParenIn == nil {
			return val{x: &ast.ListLit{Span: sp}}
		}
		if a.ParenIn.Comp != nil {
			return l.comprehension(ast.CompList, a.ParenIn, nil, a.ParenIn.Comp, e, sp)
		}
		if len(a.ParenIn.Items) == 1 && !a.ParenIn.Trailing && !a.ParenIn.Items[0].Star {
			return l.lowerExpr(a.ParenIn.Items[0].X, e)
		}
		v := l.seq(a.ParenIn, e, sp)
		if v.x != nil {
			l.tuples[v.x] = true
		}
		return v
	case a.List:
		if a.ListIn == nil {
			return val{x: &ast.ListLit{Span: sp}}
		}
		if a.ListIn.Comp != nil {
			return l.comprehension(ast.CompList, a.ListIn, nil, a.ListIn.Comp, e, sp)
		}
		return l.seq(a.ListIn, e, sp)
	case a.Brace:
		return l.brace(a, e, sp)
	}
	return l.unsupported(a.Pos, "expression")
}

func (l *lowerer) seq(s *grammar.Seq, e env, sp ast.Span) val {
	out := &ast.ListLit{Span: sp}
	for _, it := range s.Items {
		if it.Star {
			return l.unsupported(it.Pos, "star expression")
		}
		out.Elems = append(out.Elems, l.exprOf(l.lowerExpr(it.X, e), it.Pos))
	}
	return val{x: out}
}

// brace lowers {} (empty dict), {k: v} dicts and {a, b} sets (as lists: the
// subset only tests membership in them).
func (l *lowerer) brace(a *grammar.Atom, e env, sp ast.Span) val {
	in := a.BraceIn
	if in == nil {
		return val{x: &ast.DictLit{Span: sp}}
	}
	for _, en := range in.Entries {
		if en.Value != nil && en.Value.Lambda != nil && in.Comp == nil {
			return l.lambdaDict(in, e, sp)
		}
	}
	if in.Comp != nil {
		if len(in.Entries) != 1 || in.Entries[0].Splat != nil {
			return l.unsupported(a.Pos, "comprehension of this form")
		}
		en := in.Entries[0]
		seq := &grammar.Seq{Pos: en.Pos, Items: []*grammar.StarExpr{{Pos: en.Pos, X: en.Key}}}
		if en.Value != nil {
			return l.comprehension(ast.CompDict, seq, en.Value, in.Comp, e, sp)
		}
		v := l.comprehension(ast.CompSet, seq, nil, in.Comp, e, sp)
		if v.x != nil {
			l.sets[v.x] = true
		}
		return v
	}
	isDict := in.Entries[0].Value != nil || in.Entries[0].Splat != nil
	dict, set := &ast.DictLit{Span: sp}, &ast.ListLit{Span: sp}
	// {**a, "k": v, **b} merges left to right: py.dict_merge of the pieces.
	var pieces []ast.Expr
	for _, en := range in.Entries {
		switch {
		case en.Splat != nil:
			if len(dict.Keys) > 0 {
				pieces = append(pieces, dict)
				dict = &ast.DictLit{Span: sp}
			}
			pieces = append(pieces, l.exprOf(l.lowerBin(en.Splat, e), en.Pos))
		case (en.Value != nil) != isDict:
			return l.unsupported(en.Pos, "mixed dict and set entries")
		case isDict:
			dict.Keys = append(dict.Keys, l.exprOf(l.lowerExpr(en.Key, e), en.Pos))
			dict.Vals = append(dict.Vals, l.exprOf(l.lowerExpr(en.Value, e), en.Value.Pos))
		default:
			set.Elems = append(set.Elems, l.exprOf(l.lowerExpr(en.Key, e), en.Pos))
		}
	}
	if isDict && len(pieces) > 0 {
		if len(dict.Keys) > 0 {
			pieces = append(pieces, dict)
		}
		return val{x: &ast.Call{Span: sp, Fn: "py.dict_merge", Args: pieces}}
	}
	if isDict {
		return val{x: dict}
	}
	return val{x: l.setOf(set.Elems, sp)}
}

// number parses a Python numeric literal (base prefixes and _ separators).
func (l *lowerer) number(s string, at lexer.Position, sp ast.Span) val {
	if strings.ContainsAny(s, "jJ") {
		return l.unsupported(at, "complex number")
	}
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return val{x: &ast.Lit{Span: sp, Val: ast.Int(n)}}
	}
	// Python allows leading zeros only in 0; strconv's base 0 reads "0777" as octal.
	if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		return val{x: &ast.Lit{Span: sp, Val: ast.Float(f)}}
	}
	return l.unsupported(at, "number "+s)
}

// comprehension lowers [elem for ...], {elem for ...}, {key: val for ...} and
// generator expressions. The loop variables live in fresh locals, so they shadow
// the function's names only inside, as in Python 3.
func (l *lowerer) comprehension(kind ast.CompKind, elem *grammar.Seq, value *grammar.Expr, comp *grammar.CompFor, e env, sp ast.Span) val {
	if len(elem.Items) != 1 || elem.Trailing || elem.Items[0].Star {
		return l.unsupported(elem.Pos, "comprehension of a tuple")
	}
	n := &ast.Comp{Span: sp, Kind: kind}
	inner := e
	for _, cl := range comp.Clauses {
		if cl.Async {
			return l.unsupported(cl.Pos, "async comprehension")
		}
		iter := l.exprOf(l.lowerOr(cl.Iter, inner), cl.Iter.Pos)
		var slots []string
		for _, t := range cl.Targets {
			name := binName(t.X)
			if name == "" || t.Star {
				return l.unsupported(t.Pos, "comprehension target that is not a name")
			}
			slot := l.newSlot(name)
			slots = append(slots, slot)
			inner = inner.with(name, val{x: &ast.Local{Span: l.span(t.Pos, t.Pos), Name: slot}, slot: slot})
		}
		c := ast.CompFor{Vars: slots, Iter: iter}
		for _, f := range cl.Ifs {
			c.Ifs = append(c.Ifs, l.exprOf(l.lowerOr(f, inner), f.Pos))
		}
		n.Clauses = append(n.Clauses, c)
	}
	n.Elem = l.exprOf(l.lowerExpr(elem.Items[0].X, inner), elem.Pos)
	if value != nil {
		n.Val = l.exprOf(l.lowerExpr(value, inner), value.Pos)
	}
	return val{x: n}
}

// setOf is a set display: a list of its elements without duplicates when they
// are all constants, else py.set of the list (deduplicated when evaluated).
// Either is remembered as a set, whose membership test hashes (l.sets).
func (l *lowerer) setOf(elems []ast.Expr, sp ast.Span) ast.Expr {
	var uniq []ast.Expr
	for _, e := range elems {
		lit, ok := constValue(e)
		if !ok {
			x := &ast.Call{Span: sp, Fn: "py.set", Args: []ast.Expr{&ast.ListLit{Span: sp, Elems: elems}}}
			l.sets[x] = true
			return x
		}
		dup := false
		for _, u := range uniq {
			if uv, _ := constValue(u); ast.Equal(uv, lit) {
				dup = true
				break
			}
		}
		if !dup {
			uniq = append(uniq, e)
		}
	}
	x := &ast.ListLit{Span: sp, Elems: uniq}
	l.sets[x] = true
	return x
}

// hashes reports whether `x in y` hashes x because y is statically a set, a
// dict or a dict's keys() view: a set display, set()/frozenset(), a set or dict
// comprehension, a dict display, d.keys(), or an item of a dict display whose
// values are all sets.
func (l *lowerer) hashes(y ast.Expr) bool {
	if h, ok := y.(*ast.Helper); ok && len(h.Args) == 0 {
		y = h.Body // a helper module's constant
	}
	switch n := y.(type) {
	case *ast.DictLit:
		return true
	case *ast.Comp:
		return n.Kind == ast.CompDict || n.Kind == ast.CompSet
	case *ast.Call:
		return l.sets[y] || n.Fn == "py.dict.keys"
	case *ast.Index:
		d, ok := n.X.(*ast.DictLit)
		if !ok || len(d.Vals) == 0 {
			return false
		}
		for _, v := range d.Vals {
			if !l.sets[v] {
				return false
			}
		}
		return true
	}
	return l.sets[y]
}

// constValue is the value of a constant expression: a literal, or a tuple or
// list display of constants.
func constValue(x ast.Expr) (ast.Value, bool) {
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val, true
	case *ast.ListLit:
		vs := make([]ast.Value, len(n.Elems))
		for i, e := range n.Elems {
			v, ok := constValue(e)
			if !ok {
				return ast.Missing, false
			}
			vs[i] = v
		}
		return ast.List(vs...), true
	}
	return ast.Missing, false
}
