package notation

import (
	"math"

	"github.com/concordsec/concord/ast"
)

// Equal reports whether a and b are the same tree, ignoring spans. Literal
// values must have the same kind (Int 1 and Float 1.0 differ), lists and objects
// are compared element by element with object keys in order, and NaN equals NaN.
// Nil and empty slices are equal.
func Equal(a, b ast.Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case *ast.Lit:
		y, ok := b.(*ast.Lit)
		return ok && ValueEqual(x.Val, y.Val)
	case *ast.Field:
		y, ok := b.(*ast.Field)
		if !ok || len(x.Path) != len(y.Path) {
			return false
		}
		for i := range x.Path {
			if x.Path[i] != y.Path[i] {
				return false
			}
		}
		return true
	case *ast.Default:
		y, ok := b.(*ast.Default)
		return ok && x.OnNull == y.OnNull && Equal(x.X, y.X) && Equal(x.Else, y.Else)
	case *ast.Not:
		y, ok := b.(*ast.Not)
		return ok && Equal(x.X, y.X)
	case *ast.Logic:
		y, ok := b.(*ast.Logic)
		return ok && x.Op == y.Op && x.Operand == y.Operand && equalList(x.Xs, y.Xs)
	case *ast.Compare:
		y, ok := b.(*ast.Compare)
		return ok && x.Op == y.Op && x.Dialect == y.Dialect && Equal(x.X, y.X) && Equal(x.Y, y.Y)
	case *ast.Match:
		y, ok := b.(*ast.Match)
		return ok && x.Kind == y.Kind && x.Pattern == y.Pattern && x.Fold == y.Fold &&
			x.Search == y.Search && x.Dialect == y.Dialect && Equal(x.X, y.X)
	case *ast.In:
		y, ok := b.(*ast.In)
		return ok && x.Dialect == y.Dialect && x.Hashed == y.Hashed && Equal(x.X, y.X) && Equal(x.Y, y.Y)
	case *ast.Truth:
		y, ok := b.(*ast.Truth)
		return ok && Equal(x.X, y.X)
	case *ast.IsNull:
		y, ok := b.(*ast.IsNull)
		return ok && Equal(x.X, y.X)
	case *ast.Exists:
		y, ok := b.(*ast.Exists)
		return ok && Equal(x.X, y.X)
	case *ast.Elements:
		y, ok := b.(*ast.Elements)
		return ok && x.Quant == y.Quant && Equal(x.X, y.X) && Equal(x.Pred, y.Pred)
	case *ast.Cond:
		y, ok := b.(*ast.Cond)
		return ok && Equal(x.If, y.If) && Equal(x.Then, y.Then) && Equal(x.Else, y.Else)
	case *ast.Call:
		y, ok := b.(*ast.Call)
		if !ok || x.Fn != y.Fn || len(x.Keywords) != len(y.Keywords) {
			return false
		}
		for i := range x.Keywords {
			if x.Keywords[i] != y.Keywords[i] {
				return false
			}
		}
		return equalList(x.Args, y.Args)
	case *ast.Concat:
		y, ok := b.(*ast.Concat)
		return ok && x.Dialect == y.Dialect && equalList(x.Parts, y.Parts)
	case *ast.ListLit:
		y, ok := b.(*ast.ListLit)
		return ok && equalList(x.Elems, y.Elems)
	case *ast.DictLit:
		y, ok := b.(*ast.DictLit)
		return ok && equalList(x.Keys, y.Keys) && equalList(x.Vals, y.Vals)
	case *ast.Index:
		y, ok := b.(*ast.Index)
		return ok && Equal(x.X, y.X) && Equal(x.Key, y.Key)
	case *ast.Helper:
		y, ok := b.(*ast.Helper)
		return ok && x.Name == y.Name && equalList(x.Args, y.Args) && Equal(x.Body, y.Body)
	case *ast.Local:
		y, ok := b.(*ast.Local)
		return ok && x.Name == y.Name
	case *ast.Let:
		y, ok := b.(*ast.Let)
		return ok && equalStrings(x.Names, y.Names) && Equal(x.X, y.X) && Equal(x.Body, y.Body)
	case *ast.Comp:
		y, ok := b.(*ast.Comp)
		if !ok || x.Kind != y.Kind || len(x.Clauses) != len(y.Clauses) || !Equal(x.Elem, y.Elem) || !Equal(x.Val, y.Val) {
			return false
		}
		for i, c := range x.Clauses {
			d := y.Clauses[i]
			if !equalStrings(c.Vars, d.Vars) || !Equal(c.Iter, d.Iter) || !equalList(c.Ifs, d.Ifs) {
				return false
			}
		}
		return true
	case *ast.Loop:
		y, ok := b.(*ast.Loop)
		return ok && x.Label == y.Label && equalStrings(x.Vars, y.Vars) && Equal(x.Iter, y.Iter) && Equal(x.Cond, y.Cond) &&
			Equal(x.Body, y.Body) && Equal(x.Else, y.Else) && Equal(x.Then, y.Then)
	case *ast.Exit:
		y, ok := b.(*ast.Exit)
		return ok && x.Label == y.Label && x.Break == y.Break
	case *ast.Try:
		y, ok := b.(*ast.Try)
		if !ok || x.Label != y.Label || len(x.Handlers) != len(y.Handlers) || !Equal(x.Body, y.Body) || !Equal(x.Else, y.Else) || !Equal(x.Then, y.Then) {
			return false
		}
		for i, h := range x.Handlers {
			if !equalStrings(h.Types, y.Handlers[i].Types) || !Equal(h.Body, y.Handlers[i].Body) {
				return false
			}
		}
		return true
	}
	return false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalList(a, b []ast.Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// ValueEqual is strict value equality: same kind and same contents (ast.Equal
// plus kind equality), object keys in the same order, NaN equal to NaN.
func ValueEqual(a, b ast.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case ast.KindBool:
		return a.AsBool() == b.AsBool()
	case ast.KindInt:
		return a.AsInt() == b.AsInt()
	case ast.KindFloat:
		x, y := a.AsFloat(), b.AsFloat()
		return x == y || math.IsNaN(x) && math.IsNaN(y)
	case ast.KindString:
		return a.AsString() == b.AsString()
	case ast.KindList:
		x, y := a.AsList(), b.AsList()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !ValueEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case ast.KindObject:
		x, y := a.AsObject(), b.AsObject()
		var xk, yk []string
		var xv, yv []ast.Value
		if x != nil {
			xk, xv = x.Keys, x.Vals
		}
		if y != nil {
			yk, yv = y.Keys, y.Vals
		}
		if len(xk) != len(yk) || len(xv) != len(yv) {
			return false
		}
		for i := range xk {
			if xk[i] != yk[i] {
				return false
			}
		}
		for i := range xv {
			if !ValueEqual(xv[i], yv[i]) {
				return false
			}
		}
		return true
	}
	return true // missing, null
}
