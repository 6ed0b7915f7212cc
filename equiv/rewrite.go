package equiv

import "github.com/concordsec/concord/ast"

// rewrite copies x with every field reference replaced by f's result; nil
// when x holds a node outside the condition language (a Python local, loop,
// comprehension, try), which the decision does not reason about.
func rewrite(x ast.Expr, f func(*ast.Field) ast.Expr) ast.Expr {
	ok := true
	var rw func(ast.Expr) ast.Expr
	all := func(xs []ast.Expr) []ast.Expr {
		out := make([]ast.Expr, len(xs))
		for i, e := range xs {
			out[i] = rw(e)
		}
		return out
	}
	rw = func(x ast.Expr) ast.Expr {
		switch n := x.(type) {
		case nil:
			return nil
		case *ast.Lit:
			return n
		case *ast.Field:
			return f(n)
		case *ast.Default:
			c := *n
			c.X, c.Else = rw(n.X), rw(n.Else)
			return &c
		case *ast.Not:
			c := *n
			c.X = rw(n.X)
			return &c
		case *ast.Logic:
			c := *n
			c.Xs = all(n.Xs)
			return &c
		case *ast.Compare:
			c := *n
			c.X, c.Y = rw(n.X), rw(n.Y)
			return &c
		case *ast.Match:
			c := *n
			c.X = rw(n.X)
			return &c
		case *ast.In:
			c := *n
			c.X, c.Y = rw(n.X), rw(n.Y)
			return &c
		case *ast.Truth:
			c := *n
			c.X = rw(n.X)
			return &c
		case *ast.IsNull:
			c := *n
			c.X = rw(n.X)
			return &c
		case *ast.Exists:
			c := *n
			c.X = rw(n.X)
			return &c
		case *ast.Cond:
			c := *n
			c.If, c.Then, c.Else = rw(n.If), rw(n.Then), rw(n.Else)
			return &c
		case *ast.Call:
			c := *n
			c.Args = all(n.Args)
			return &c
		case *ast.Concat:
			c := *n
			c.Parts = all(n.Parts)
			return &c
		case *ast.ListLit:
			c := *n
			c.Elems = all(n.Elems)
			return &c
		case *ast.Index:
			c := *n
			c.X, c.Key = rw(n.X), rw(n.Key)
			return &c
		case *ast.Helper:
			c := *n
			c.Body = rw(n.Body)
			return &c
		}
		ok = false
		return x
	}
	out := rw(x)
	if !ok {
		return nil
	}
	return out
}
