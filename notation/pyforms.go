package notation

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
)

// The Python statement forms print as keyword calls:
//
//	local("x")                         ast.Local
//	let("x", X, Body)                  ast.Let (let(["a", "b"], X, Body) unpacks)
//	comp("any", Elem, for(["x"], Iter, If...), ..., val(V))   ast.Comp
//	loop("loop1", ["x"], Iter, Body, Then, loop_else(E))      ast.Loop
//	while("loop1", Cond, Body, Then, loop_else(E))            ast.Loop with Cond
//	next("loop1")  break("loop1")      ast.Exit
//	try("try1", Body, Then, except(["KeyError"], H), ..., try_else(E))  ast.Try
//
// The parts (for, val, loop_else, except, try_else) are only valid as
// arguments of their form.

var pyForms = map[string]bool{
	"local": true, "let": true, "comp": true, "loop": true, "next": true, "break": true, "try": true,
	"while": true, "for": true, "val": true, "loop_else": true, "except": true, "try_else": true,
}

var pyParts = map[string]bool{"for": true, "val": true, "loop_else": true, "except": true, "try_else": true}

// pyArg is one argument of a Python form: an expression or a part.
type pyArg struct {
	pos  lexer.Position
	x    ast.Expr
	part string
	args []ast.Expr
}

// part recognises an argument that is nothing but a part form.
func (c *converter) part(g *gOr) (string, []ast.Expr, bool) {
	if len(g.Tail) != 0 || len(g.Head.Tail) != 0 || g.Head.Head.X == nil {
		return "", nil, false
	}
	cmp := g.Head.Head.X
	if cmp.Tail != nil || len(cmp.X.Tail) != 0 || len(cmp.X.X.Index) != 0 {
		return "", nil, false
	}
	p := cmp.X.X.X
	if !pyParts[p.Fn] {
		return "", nil, false
	}
	return p.Fn, c.args(p.FnArgs), true
}

// pyForm converts a Python statement form; ok is false for other keyword forms.
func (c *converter) pyForm(g *gPrimary, sp ast.Span) (ast.Expr, bool) {
	if !pyForms[g.Fn] {
		return nil, false
	}
	if pyParts[g.Fn] {
		c.errorf(g.Pos, "expected %s(...) only as an argument of the form it belongs to", g.Fn)
		return &ast.Lit{Span: sp}, true
	}
	var args []pyArg
	for _, a := range g.FnArgs.Args {
		if a.Keyword != "" {
			c.errorf(a.Pos, "expected a positional argument, found %s= (only calls take keyword arguments)", a.Keyword)
		}
		if kind, pargs, ok := c.part(a.X); ok {
			args = append(args, pyArg{pos: a.Pos, part: kind, args: pargs})
			continue
		}
		args = append(args, pyArg{pos: a.Pos, x: c.or(a.X)})
	}
	// expr returns argument i, which must be an expression.
	expr := func(i int) ast.Expr {
		if args[i].part != "" {
			c.errorf(args[i].pos, "expected an expression, found %s(...)", args[i].part)
			return &ast.Lit{Span: sp}
		}
		return args[i].x
	}
	nargs := func(min, max int) bool {
		if len(args) < min || (max >= 0 && len(args) > max) {
			c.errorf(g.FnArgs.Pos, "expected %d to %d arguments to %s(...), found %d", min, max, g.Fn, len(args))
			return false
		}
		return true
	}
	switch g.Fn {
	case "local":
		n := &ast.Local{Span: sp}
		if nargs(1, 1) {
			n.Name = c.strLit(args[0].pos, expr(0))
		}
		return n, true
	case "let":
		n := &ast.Let{Span: sp}
		if nargs(3, 3) {
			n.Names, n.X, n.Body = c.nameList(args[0].pos, expr(0), true), expr(1), expr(2)
		}
		return n, true
	case "next", "break":
		n := &ast.Exit{Span: sp, Break: g.Fn == "break"}
		if nargs(1, 1) {
			n.Label = c.strLit(args[0].pos, expr(0))
		}
		return n, true
	case "comp":
		n := &ast.Comp{Span: sp}
		if !nargs(3, -1) {
			return n, true
		}
		kind := c.strLit(args[0].pos, expr(0))
		found := false
		for i, k := range compKinds {
			if k == kind {
				n.Kind, found = ast.CompKind(i), true
			}
		}
		if !found {
			c.errorf(args[0].pos, "expected a comprehension kind (list, set, dict, any, all, first), found %q", kind)
		}
		n.Elem = expr(1)
		for i, a := range args[2:] {
			switch {
			case a.part == "for" && n.Val == nil && len(a.args) >= 2:
				n.Clauses = append(n.Clauses, ast.CompFor{Vars: c.nameList(a.pos, a.args[0], true), Iter: a.args[1], Ifs: a.args[2:]})
			case a.part == "val" && i == len(args)-3 && len(a.args) == 1 && len(n.Clauses) > 0:
				n.Val = a.args[0]
			default:
				c.errorf(a.pos, "expected for(names, iter, ifs...) clauses and then at most one val(x) in comp(...)")
			}
		}
		if len(n.Clauses) == 0 {
			c.errorf(g.FnArgs.Pos, "expected at least one for(...) clause in comp(...)")
		}
		return n, true
	case "loop":
		n := &ast.Loop{Span: sp}
		if !nargs(5, 6) {
			return n, true
		}
		n.Label, n.Vars = c.strLit(args[0].pos, expr(0)), c.nameList(args[1].pos, expr(1), false)
		n.Iter, n.Body, n.Then = expr(2), expr(3), expr(4)
		if len(args) == 6 {
			if a := args[5]; a.part == "loop_else" && len(a.args) == 1 {
				n.Else = a.args[0]
			} else {
				c.errorf(a.pos, "expected loop_else(x) as the last argument of loop(...)")
			}
		}
		return n, true
	case "while":
		n := &ast.Loop{Span: sp}
		if !nargs(4, 5) {
			return n, true
		}
		n.Label, n.Cond, n.Body, n.Then = c.strLit(args[0].pos, expr(0)), expr(1), expr(2), expr(3)
		if len(args) == 5 {
			if a := args[4]; a.part == "loop_else" && len(a.args) == 1 {
				n.Else = a.args[0]
			} else {
				c.errorf(a.pos, "expected loop_else(x) as the last argument of while(...)")
			}
		}
		return n, true
	case "try":
		n := &ast.Try{Span: sp}
		if !nargs(3, -1) {
			return n, true
		}
		n.Label, n.Body, n.Then = c.strLit(args[0].pos, expr(0)), expr(1), expr(2)
		for i, a := range args[3:] {
			switch {
			case a.part == "except" && n.Else == nil && len(a.args) == 2:
				n.Handlers = append(n.Handlers, ast.Handler{Types: c.nameList(a.pos, a.args[0], false), Body: a.args[1]})
			case a.part == "try_else" && i == len(args)-4 && len(a.args) == 1:
				n.Else = a.args[0]
			default:
				c.errorf(a.pos, "expected except([types], x) clauses and then at most one try_else(x) in try(...)")
			}
		}
		return n, true
	}
	return nil, false
}

// strLit reads a string literal argument.
func (c *converter) strLit(p lexer.Position, x ast.Expr) string {
	if l, ok := x.(*ast.Lit); ok && l.Val.Kind() == ast.KindString {
		return l.Val.AsString()
	}
	c.errorf(p, "expected a string")
	return ""
}

// nameList reads "name" (when one is allowed) or ["a", "b"].
func (c *converter) nameList(p lexer.Position, x ast.Expr, one bool) []string {
	if l, ok := x.(*ast.Lit); ok && l.Val.Kind() == ast.KindString && one {
		return []string{l.Val.AsString()}
	}
	list, ok := x.(*ast.ListLit)
	if !ok {
		c.errorf(p, "expected a list of strings")
		return nil
	}
	out := []string{}
	for _, e := range list.Elems {
		out = append(out, c.strLit(p, e))
	}
	return out
}
