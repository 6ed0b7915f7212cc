package eval

import "github.com/concordsec/concord/ast"

// divmod(a, b) for ints (bool is an int): (a // b, a % b) with Python's floor
// division; b == 0 raises ZeroDivisionError (Python docs, built-in functions,
// divmod). Floats are left unsupported: their rounding is CPython's own.
func init() {
	register(fixed("py.divmod", 2, "divmod(a, b) of ints", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		x, ok1 := divmodInt(a[0])
		y, ok2 := divmodInt(a[1])
		if !ok1 || !ok2 {
			if isPyNumber(a[0]) && isPyNumber(a[1]) {
				return ast.Null, unsupportedf(pos, "divmod of floats")
			}
			return ast.Null, fail(pos, "TypeError: unsupported operand type(s) for divmod(): '%s' and '%s'", pyType(a[0]), pyType(a[1]))
		}
		if y == 0 {
			return ast.Null, fail(pos, "ZeroDivisionError: integer division or modulo by zero")
		}
		return ast.List(ast.Int(floorDiv(x, y)), ast.Int(floorMod(x, y))), nil
	}))
}

func divmodInt(v ast.Value) (int64, bool) {
	switch v.Kind() {
	case ast.KindInt:
		return v.AsInt(), true
	case ast.KindBool:
		if v.AsBool() {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func isPyNumber(v ast.Value) bool {
	k := v.Kind()
	return k == ast.KindInt || k == ast.KindFloat || k == ast.KindBool
}
