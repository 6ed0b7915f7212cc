package eval

import (
	"math"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

func (c *compiler) compare(n *ast.Compare) fn {
	x, y, op, pos := c.expr(n.X), c.expr(n.Y), n.Op, n.Pos()
	cmp := comparePython
	if n.Dialect == ast.SPLEval {
		cmp = compareSPL
	}
	return func(env *Env) (ast.Value, error) {
		a, err := x(env)
		if err != nil {
			return a, err
		}
		b, err := y(env)
		if err != nil {
			return b, err
		}
		return cmp(op, a, b, pos)
	}
}

// comparePython follows Python: == and != never raise and never coerce between
// str and numbers; ordering between unrelated types raises TypeError.
func comparePython(op ast.CmpOp, a, b ast.Value, pos ast.Pos) (ast.Value, error) {
	if (op == ast.Eq || op == ast.Ne) && (pyObjClass(a) == "struct_time" || pyObjClass(b) == "struct_time") {
		return ast.Null, unsupportedf(pos, "comparing a struct_time")
	}
	switch op {
	case ast.Eq:
		return ast.Bool(ast.Equal(a, b)), nil
	case ast.Ne:
		return ast.Bool(!ast.Equal(a, b)), nil
	}
	if pyObjClass(a) != "" || pyObjClass(b) != "" {
		return pyDatetimeCompare(op, a, b, pos)
	}
	var r int
	if an, ok := pyNum(a); ok {
		bn, ok := pyNum(b)
		if !ok {
			return ast.Null, fail(pos, "TypeError: '%s' not supported between instances of '%s' and '%s'", op, pyType(a), pyType(b))
		}
		r = cmpFloat(an, bn)
	} else if a.Kind() == ast.KindString && b.Kind() == ast.KindString {
		r = strings.Compare(a.AsString(), b.AsString())
	} else {
		return ast.Null, fail(pos, "TypeError: '%s' not supported between instances of '%s' and '%s'", op, pyType(a), pyType(b))
	}
	return ast.Bool(ordered(op, r)), nil
}

func pyNum(v ast.Value) (float64, bool) {
	if v.Kind() == ast.KindBool {
		if v.AsBool() {
			return 1, true
		}
		return 0, true
	}
	return v.Number()
}

// compareSPL follows Splunk eval: a null operand gives null (false in where);
// two values that both read as numbers compare numerically, otherwise as
// case-sensitive strings. A multivalue operand compares true when any value does.
func compareSPL(op ast.CmpOp, a, b ast.Value, pos ast.Pos) (ast.Value, error) {
	if a.IsNullish() || b.IsNullish() {
		return ast.Null, nil
	}
	if a.Kind() == ast.KindList {
		for _, e := range a.AsList() {
			if v, _ := compareSPL(op, e, b, pos); v.Truth() {
				return ast.True, nil
			}
		}
		return ast.False, nil
	}
	var r int
	an, aok := splNum(a)
	bn, bok := splNum(b)
	if aok && bok {
		r = cmpFloat(an, bn)
	} else {
		r = strings.Compare(a.Text(), b.Text())
	}
	return ast.Bool(ordered(op, r)), nil
}

// splNum reads a value as a number the way Splunk does for field values, which
// are strings that may look like numbers.
func splNum(v ast.Value) (float64, bool) {
	if f, ok := v.Number(); ok {
		return f, true
	}
	if v.Kind() == ast.KindString {
		s := strings.TrimSpace(v.AsString())
		// Go also reads "NaN", "Inf" and hex floats ("0x1p4"); to Splunk those are text.
		if strings.ContainsAny(s, "xXnN") {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func ordered(op ast.CmpOp, r int) bool {
	switch op {
	case ast.Eq:
		return r == 0
	case ast.Ne:
		return r != 0
	case ast.Lt:
		return r < 0
	case ast.Le:
		return r <= 0
	case ast.Gt:
		return r > 0
	}
	return r >= 0
}

func (c *compiler) in(n *ast.In) fn {
	x, y, pos, dialect, hashed := c.expr(n.X), c.expr(n.Y), n.Pos(), n.Dialect, n.Hashed
	return func(env *Env) (ast.Value, error) {
		a, err := x(env)
		if err != nil {
			return a, err
		}
		b, err := y(env)
		if err != nil {
			return b, err
		}
		if dialect == ast.SPLEval {
			if a.IsNullish() {
				return ast.Null, nil
			}
			for _, e := range b.AsList() {
				if v, _ := compareSPL(ast.Eq, a, e, pos); v.Truth() {
					return ast.True, nil
				}
			}
			return ast.False, nil
		}
		if pyObjClass(b) != "" || pyObjClass(a) != "" && (hashed || b.Kind() == ast.KindObject) {
			return ast.Null, unsupportedf(pos, "`in` with a datetime or timedelta")
		}
		if hashed || b.Kind() == ast.KindObject {
			// A set or dict hashes the candidate: a dict raises TypeError, and so
			// does a list, but concord cannot tell a list from a (hashable) tuple.
			switch a.Kind() {
			case ast.KindObject:
				return ast.Null, fail(pos, "TypeError: unhashable type: 'dict'")
			case ast.KindList:
				return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: a list or tuple looked up in a set or dict (concord does not tell lists and tuples apart)"}
			}
		}
		switch b.Kind() {
		case ast.KindList:
			for _, e := range b.AsList() {
				if ast.Equal(a, e) {
					return ast.True, nil
				}
			}
			return ast.False, nil
		case ast.KindString:
			if a.Kind() != ast.KindString {
				return ast.Null, fail(pos, "TypeError: 'in <string>' requires string as left operand, not %s", pyType(a))
			}
			return ast.Bool(strings.Contains(b.AsString(), a.AsString())), nil
		case ast.KindObject:
			if a.Kind() != ast.KindString {
				return ast.False, nil
			}
			_, ok := b.AsObject().Get(a.AsString())
			return ast.Bool(ok), nil
		}
		return ast.Null, fail(pos, "TypeError: argument of type '%s' is not iterable", pyType(b))
	}
}

func (c *compiler) index(n *ast.Index) fn {
	x, k, pos, keys := c.expr(n.X), c.expr(n.Key), n.Pos(), c.keys
	return func(env *Env) (ast.Value, error) {
		v, err := x(env)
		if err != nil {
			return v, err
		}
		key, err := k(env)
		if err != nil {
			return key, err
		}
		if err := refuseShallow(pos, "subscript", v, key); err != nil {
			return ast.Null, err
		}
		switch v.Kind() {
		case ast.KindObject:
			if key.Kind() == ast.KindObject {
				return ast.Null, fail(pos, "TypeError: unhashable type: 'dict'")
			}
			if key.Kind() == ast.KindList {
				return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: a list or tuple as a dict key (concord does not tell lists and tuples apart)"}
			}
			if key.Kind() != ast.KindString {
				return ast.Null, fail(pos, "KeyError: %s", key.Repr())
			}
			var r ast.Value
			var ok bool
			if keys == ast.KeysFold {
				r, ok = v.AsObject().GetFold(key.AsString())
			} else {
				r, ok = v.AsObject().Get(key.AsString())
			}
			if !ok {
				return ast.Null, fail(pos, "KeyError: %s", key.Repr())
			}
			return r, nil
		case ast.KindList, ast.KindString:
			if key.Kind() != ast.KindInt {
				return ast.Null, fail(pos, "TypeError: indices must be integers, not %s", pyType(key))
			}
			i := int(key.AsInt())
			if v.Kind() == ast.KindString {
				rs := []rune(v.AsString())
				if i < 0 {
					i += len(rs)
				}
				if i < 0 || i >= len(rs) {
					return ast.Null, fail(pos, "IndexError: string index out of range")
				}
				return ast.String(string(rs[i])), nil
			}
			l := v.AsList()
			if i < 0 {
				i += len(l)
			}
			if i < 0 || i >= len(l) {
				return ast.Null, fail(pos, "IndexError: list index out of range")
			}
			return l[i], nil
		}
		return ast.Null, fail(pos, "TypeError: '%s' object is not subscriptable", pyType(v))
	}
}

func (c *compiler) concat(n *ast.Concat) fn {
	parts, spl := c.exprs(n.Parts), n.Dialect == ast.SPLEval
	return func(env *Env) (ast.Value, error) {
		var b strings.Builder
		for _, p := range parts {
			v, err := p(env)
			if err != nil {
				return v, err
			}
			if spl {
				if v.IsNullish() {
					return ast.Null, nil
				}
				b.WriteString(v.Text())
			} else {
				if err := refusePyObjects(n.Pos(), "f-string or string concatenation", v); err != nil {
					return ast.Null, err
				}
				b.WriteString(v.Str())
			}
		}
		return ast.String(b.String()), nil
	}
}
