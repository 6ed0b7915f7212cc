package spl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/spl/internal/grammar"
)

func (l *lowerer) expr(g *grammar.Expr) ast.Expr {
	xs := make([]ast.Expr, 0, len(g.Terms))
	for _, t := range g.Terms {
		xs = append(xs, l.xorExpr(t))
	}
	return flatten(l.span(g.Pos, g.EndPos), ast.Or, xs)
}

func (l *lowerer) xorExpr(g *grammar.XorExpr) ast.Expr {
	x := l.andExpr(g.Terms[0])
	for _, t := range g.Terms[1:] {
		// No XOR node in the AST: the evaluator's spl.xor builtin implements it.
		x = &ast.Call{Span: l.span(g.Pos, t.EndPos), Fn: "spl.xor", Args: []ast.Expr{x, l.andExpr(t)}}
	}
	return x
}

func (l *lowerer) andExpr(g *grammar.AndExpr) ast.Expr {
	xs := make([]ast.Expr, 0, len(g.Terms))
	for _, t := range g.Terms {
		xs = append(xs, l.notExpr(t))
	}
	return flatten(l.span(g.Pos, g.EndPos), ast.And, xs)
}

func (l *lowerer) notExpr(g *grammar.NotExpr) ast.Expr {
	if g.Not != nil {
		return &ast.Not{Span: l.span(g.Pos, g.EndPos), X: l.notExpr(g.Not)}
	}
	return l.cmpExpr(g.Cmp)
}

var evalCmpOps = map[string]ast.CmpOp{
	"=": ast.Eq, "==": ast.Eq, "!=": ast.Ne, "<": ast.Lt, "<=": ast.Le, ">": ast.Gt, ">=": ast.Ge,
}

func (l *lowerer) cmpExpr(g *grammar.CmpExpr) ast.Expr {
	x := l.concatExpr(g.X)
	span := l.span(g.Pos, g.EndPos)
	if g.In {
		elems := make([]ast.Expr, 0, len(g.List))
		for _, e := range g.List {
			elems = append(elems, l.expr(e))
		}
		return &ast.In{Span: span, X: x, Y: &ast.ListLit{Span: span, Elems: elems}, Dialect: ast.SPLEval}
	}
	if g.Op == "" {
		return x
	}
	y := l.concatExpr(g.Y)
	if strings.EqualFold(g.Op, "LIKE") {
		return likeMatch(span, x, y)
	}
	return &ast.Compare{Span: span, Op: evalCmpOps[g.Op], X: x, Y: y, Dialect: ast.SPLEval}
}

func (l *lowerer) concatExpr(g *grammar.ConcatExpr) ast.Expr {
	if len(g.Parts) == 1 {
		return l.addExpr(g.Parts[0])
	}
	parts := make([]ast.Expr, 0, len(g.Parts))
	for _, p := range g.Parts {
		parts = append(parts, l.addExpr(p))
	}
	return &ast.Concat{Span: l.span(g.Pos, g.EndPos), Parts: parts, Dialect: ast.SPLEval}
}

func (l *lowerer) addExpr(g *grammar.AddExpr) ast.Expr {
	x := l.mulExpr(g.X)
	for _, t := range g.Rest {
		x = &ast.Call{Span: l.span(g.Pos, t.Y.EndPos), Fn: "spl." + t.Op, Args: []ast.Expr{x, l.mulExpr(t.Y)}}
	}
	return x
}

func (l *lowerer) mulExpr(g *grammar.MulExpr) ast.Expr {
	x := l.unary(g.X)
	for _, t := range g.Rest {
		x = &ast.Call{Span: l.span(g.Pos, t.Y.EndPos), Fn: "spl." + t.Op, Args: []ast.Expr{x, l.unary(t.Y)}}
	}
	return x
}

func (l *lowerer) unary(g *grammar.Unary) ast.Expr {
	if g.Primary != nil {
		return l.primary(g.Primary)
	}
	span := l.span(g.Pos, g.EndPos)
	x := l.unary(g.Neg)
	if lit, ok := x.(*ast.Lit); ok { // fold -1 into a literal
		switch lit.Val.Kind() {
		case ast.KindInt:
			return &ast.Lit{Span: span, Val: ast.Int(-lit.Val.AsInt())}
		case ast.KindFloat:
			return &ast.Lit{Span: span, Val: ast.Float(-lit.Val.AsFloat())}
		}
	}
	return &ast.Call{Span: span, Fn: "spl.-", Args: []ast.Expr{&ast.Lit{Span: span, Val: ast.Int(0)}, x}}
}

func (l *lowerer) primary(g *grammar.Primary) ast.Expr {
	span := l.span(g.Pos, g.EndPos)
	switch {
	case g.Number != "":
		return &ast.Lit{Span: span, Val: number(g.Number)}
	case g.String != "":
		return &ast.Lit{Span: span, Val: ast.String(unquote(g.String))}
	case g.QField != "":
		return &ast.Field{Span: span, Path: []string{unquote(g.QField)}}
	case g.Group != nil:
		return l.expr(g.Group)
	case g.Call:
		args := make([]ast.Expr, 0, len(g.Args))
		for _, a := range g.Args {
			args = append(args, l.expr(a))
		}
		name := strings.ToLower(g.Name)
		if name == "searchmatch" && len(args) == 1 {
			if x, ok := l.searchmatch(g.Args[0], args[0]); ok {
				return x
			}
		}
		return l.call(span, name, args)
	}
	return &ast.Field{Span: span, Path: []string{g.Name}}
}

// searchmatch lowers searchmatch("terms") with a constant argument through the
// search-term parser, so the terms get base-search semantics (case-insensitive
// values, wildcards, bare words matched in _raw); a computed argument stays a
// call, which the evaluator rejects.
func (l *lowerer) searchmatch(g *grammar.Expr, arg ast.Expr) (ast.Expr, bool) {
	text, ok := constString(arg)
	if !ok || g.EndPos.Offset-g.Pos.Offset < 2 {
		return nil, false
	}
	base := l.base
	defer func() { l.base = base }()
	// The terms start after the opening quote; escapes inside the string shift
	// later positions by a character or two.
	return l.parseSearchTerms(text, base+g.Pos.Offset+1), true
}

func number(s string) ast.Value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return ast.Int(n)
	}
	f, _ := strconv.ParseFloat(s, 64) // the lexer only lets decimal numbers through
	return ast.Float(f)
}

// arity is the number of arguments of the functions lowered to dedicated nodes;
// -1 means "at least two, even count" (case), -2 "at least two" (in).
var arity = map[string]int{
	"if": 3, "case": -1, "isnull": 1, "isnotnull": 1, "like": 2, "match": 2,
	"in": -2, "null": 0, "true": 0, "false": 0,
	"validate": -1, // lowered to a call, but the pairs are checked here
}

// call lowers a function call: the functions with their own AST node first,
// every other one to a spl.<name> builtin call.
func (l *lowerer) call(span ast.Span, name string, args []ast.Expr) ast.Expr {
	if want, ok := arity[name]; ok && !arityOK(want, len(args)) {
		l.errs.Add(span.From, ast.CodeParse, fmt.Sprintf("%s() %s, got %d", name, arityText(want), len(args)))
		return &ast.Lit{Span: span, Val: ast.Null}
	}
	switch name {
	case "if":
		return &ast.Cond{Span: span, If: args[0], Then: args[1], Else: args[2]}
	case "case":
		// case(c1, v1, c2, v2, ...) is null when no condition holds.
		var x ast.Expr = &ast.Lit{Span: span, Val: ast.Null}
		for i := len(args) - 2; i >= 0; i -= 2 {
			x = &ast.Cond{Span: span, If: args[i], Then: args[i+1], Else: x}
		}
		return x
	case "isnull":
		return &ast.IsNull{Span: span, X: args[0]}
	case "isnotnull":
		return &ast.Not{Span: span, X: &ast.IsNull{Span: span, X: args[0]}}
	case "like":
		return likeMatch(span, args[0], args[1])
	case "match":
		// Dialect SPLEval: a multivalue subject matches when any value does, a
		// number is matched by its text, and a null subject gives null.
		if pat, ok := constString(args[1]); ok {
			return &ast.Match{Span: span, X: args[0], Kind: ast.MatchRegex, Pattern: pat, Dialect: ast.SPLEval}
		}
	case "in":
		return &ast.In{Span: span, X: args[0], Y: &ast.ListLit{Span: span, Elems: args[1:]}, Dialect: ast.SPLEval}
	case "null":
		return &ast.Lit{Span: span, Val: ast.Null}
	case "true":
		return &ast.Lit{Span: span, Val: ast.True}
	case "false":
		return &ast.Lit{Span: span, Val: ast.False}
	}
	return &ast.Call{Span: span, Fn: "spl." + name, Args: args}
}

// likeMatch is like(x, "pat") and `x LIKE "pat"`: a Match when the pattern is
// a constant (case-sensitive, as eval compares; any value of a multivalue
// field; a null subject gives null), else the spl.like builtin.
func likeMatch(span ast.Span, x, pattern ast.Expr) ast.Expr {
	if pat, ok := constString(pattern); ok {
		return &ast.Match{Span: span, X: x, Kind: ast.MatchLike, Pattern: pat, Dialect: ast.SPLEval}
	}
	return &ast.Call{Span: span, Fn: "spl.like", Args: []ast.Expr{x, pattern}}
}

func constString(x ast.Expr) (string, bool) {
	lit, ok := x.(*ast.Lit)
	if !ok || lit.Val.Kind() != ast.KindString {
		return "", false
	}
	return lit.Val.AsString(), true
}

func arityOK(want, got int) bool {
	switch want {
	case -1:
		return got >= 2 && got%2 == 0
	case -2:
		return got >= 2
	}
	return got == want
}

func arityText(want int) string {
	switch want {
	case -1:
		return "takes condition/value pairs"
	case -2:
		return "takes a value and at least one candidate"
	case 1:
		return "takes 1 argument"
	}
	return fmt.Sprintf("takes %d arguments", want)
}
