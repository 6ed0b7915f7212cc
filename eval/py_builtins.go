package eval

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Python builtins, operators and container methods, with the exceptions
// CPython raises (the class name starts the message, which is how a Try
// matches it). Each follows the CPython 3.11 behaviour its comment names.

type kwImpl = func(*Env, ast.Pos, []ast.Value, map[string]ast.Value) (ast.Value, error)

func register(bs ...*Builtin) {
	for _, b := range bs {
		Builtins[b.Name] = b
	}
}

func fixed(name string, n int, doc string, f impl) *Builtin {
	return &Builtin{Name: name, MinArgs: n, MaxArgs: n, Doc: doc, Impl: f}
}

func ranged(name string, lo, hi int, doc string, f impl) *Builtin {
	return &Builtin{Name: name, MinArgs: lo, MaxArgs: hi, Doc: doc, Impl: f}
}

func withKw(name string, lo, hi int, kws []string, doc string, f kwImpl) *Builtin {
	return &Builtin{Name: name, MinArgs: lo, MaxArgs: hi, Doc: doc, Keywords: kws, KwImpl: f}
}

// unsupportedf is a runtime error for a case concord does not model; a Try
// never catches it and a test reports it as unsupported.
func unsupportedf(pos ast.Pos, format string, args ...any) error {
	return &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: " + fmt.Sprintf(format, args...)}
}

func init() {
	register(
		fixed("py.len", 1, "len()", pyLen),
		ranged("py.str", 0, 1, "str()", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			if len(a) == 0 {
				return ast.String(""), nil
			}
			return ast.String(a[0].Str()), nil
		}),
		fixed("py.repr", 1, "repr()", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.String(a[0].Repr()), nil
		}),
		ranged("py.bool", 0, 1, "bool()", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.Bool(len(a) == 1 && a[0].Truth()), nil
		}),
		ranged("py.int", 0, 2, "int(x[, base])", pyInt),
		ranged("py.float", 0, 1, "float(x)", pyFloat),
		fixed("py.isinstance", 2, "isinstance(x, types); types are builtin type names", pyIsinstance),
		fixed("py.any", 1, "any(iterable)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			for _, v := range items {
				if v.Truth() {
					return ast.True, nil
				}
			}
			return ast.False, err
		}),
		fixed("py.all", 1, "all(iterable)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			for _, v := range items {
				if !v.Truth() {
					return ast.False, nil
				}
			}
			return ast.True, err
		}),
		ranged("py.set", 0, 1, "set(iterable): a list without duplicates", pySet),
		ranged("py.frozenset", 0, 1, "frozenset(iterable)", pySet),
		ranged("py.list", 0, 1, "list(iterable)", pyList),
		ranged("py.tuple", 0, 1, "tuple(iterable)", pyList),
		fixed("py.iter", 1, "iter(iterable), consumed eagerly", pyList),
		ranged("py.next", 1, 2, "next(iterator[, default]) of an iter() or generator", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			if err != nil {
				return ast.Null, err
			}
			if len(items) > 0 {
				return items[0], nil
			}
			if len(a) == 2 {
				return a[1], nil
			}
			return ast.Null, fail(pos, "StopIteration: next() of an empty iterator")
		}),
		withKw("py.sorted", 1, 1, []string{"reverse"}, "sorted(iterable, reverse=False)", pySorted),
		&Builtin{Name: "py.min", MinArgs: 1, MaxArgs: -1, Doc: "min()", Impl: pyMinMax(-1)},
		&Builtin{Name: "py.max", MinArgs: 1, MaxArgs: -1, Doc: "max()", Impl: pyMinMax(1)},
		fixed("py.sum", 1, "sum(iterable)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			if err != nil {
				return ast.Null, err
			}
			acc := ast.Int(0)
			for _, v := range items {
				if acc, err = pyArith("+", acc, v, pos); err != nil {
					return ast.Null, err
				}
			}
			return acc, nil
		}),
		fixed("py.abs", 1, "abs()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			switch a[0].Kind() {
			case ast.KindInt:
				if a[0].AsInt() < 0 {
					return ast.Int(-a[0].AsInt()), nil
				}
				return a[0], nil
			case ast.KindFloat:
				return ast.Float(math.Abs(a[0].AsFloat())), nil
			case ast.KindBool:
				return ast.Int(b2i(a[0].AsBool())), nil
			}
			return ast.Null, fail(pos, "TypeError: bad operand type for abs(): '%s'", pyType(a[0]))
		}),
		ranged("py.global", 1, 2, "a module global some function rebinds: its current value", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			name := a[0].AsString()
			if v, ok := env.locals["global "+name]; ok {
				return v, nil
			}
			if len(a) == 2 {
				return a[1], nil
			}
			return ast.Null, fail(pos, "NameError: name '%s' is not defined", name)
		}),
		fixed("py.is", 2, "x is y for True, False and None", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			x, y := a[0], a[1]
			if x.Kind() == ast.KindBool || y.Kind() == ast.KindBool || x.IsNullish() || y.IsNullish() {
				if x.IsNullish() || y.IsNullish() {
					return ast.Bool(x.IsNullish() && y.IsNullish()), nil
				}
				return ast.Bool(x.Kind() == y.Kind() && x.AsBool() == y.AsBool()), nil
			}
			return ast.Null, unsupportedf(pos, "identity (is) of %s values", pyType(x))
		}),
		fixed("py.setitem", 3, "d[k] = v on a copy of d", pySetitem),
		&Builtin{Name: "py.slice", MinArgs: 4, MaxArgs: 4, Doc: "x[lo:hi:step]", Impl: pySlice},
		fixed("py.neg", 1, "-x", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return pyArith("-", ast.Int(0), a[0], pos)
		}),
		fixed("py.pos", 1, "+x", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return pyArith("+", ast.Int(0), a[0], pos)
		}),
	)
	for op, name := range map[string]string{"+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod", "|": "bitor", "&": "bitand", "^": "bitxor", "**": "pow"} {
		register(fixed("py."+name, 2, "x "+op+" y", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return pyArith(op, a[0], a[1], pos)
		}))
	}
	// logging calls only write a log line.
	for _, lvl := range []string{"debug", "info", "warning", "error"} {
		register(&Builtin{Name: "py.logging." + lvl, MinArgs: 0, MaxArgs: -1, Doc: "logging." + lvl + "(): no effect on the result",
			Impl: func(*Env, ast.Pos, []ast.Value) (ast.Value, error) { return ast.Null, nil }})
	}
	// Container methods; the receiver is the first argument.
	register(
		// default= by name is PantherEvent's (ImmutableCaseInsensitiveDict.get);
		// rules only pass it to dicts read from the event.
		withKw("py.dict.get", 2, 3, []string{"default"}, "dict.get(k[, default])", func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
			if d, ok := kw["default"]; ok {
				if len(a) == 3 {
					return ast.Null, fail(pos, "TypeError: get() got multiple values for argument 'default'")
				}
				a = append(a, d)
			}
			return pyDictGet(env, pos, a)
		}),
		fixed("py.dict.keys", 1, "dict.keys()", dictView(func(o *ast.Object, i int) ast.Value { return ast.String(o.Keys[i]) })),
		fixed("py.dict.values", 1, "dict.values()", dictView(func(o *ast.Object, i int) ast.Value { return o.Vals[i] })),
		fixed("py.dict.items", 1, "dict.items()", dictView(func(o *ast.Object, i int) ast.Value {
			return ast.List(ast.String(o.Keys[i]), o.Vals[i])
		})),
		fixed("py.dict.copy", 1, "dict.copy()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindObject && a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], "copy")
			}
			return a[0], nil
		}),
		fixed("py.mutate.append", 2, "list.append(x) on a copy", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], "append")
			}
			return ast.List(append(append([]ast.Value{}, a[0].AsList()...), a[1])...), nil
		}),
		fixed("py.mutate.extend", 2, "list.extend(xs) on a copy", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], "extend")
			}
			items, err := pyIter(pos, a[1])
			if err != nil {
				return ast.Null, err
			}
			return ast.List(append(append([]ast.Value{}, a[0].AsList()...), items...)...), nil
		}),
		fixed("py.mutate.add", 2, "set.add(x) on a copy (sets are lists without duplicates)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], "add")
			}
			if err := hashable(pos, a[1]); err != nil {
				return ast.Null, err
			}
			for _, v := range a[0].AsList() {
				if ast.Equal(v, a[1]) {
					return a[0], nil
				}
			}
			return ast.List(append(append([]ast.Value{}, a[0].AsList()...), a[1])...), nil
		}),
		fixed("py.mutate.update", 2, "dict.update(mapping) on a copy", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindObject {
				return ast.Null, unsupportedf(pos, "update() of a %s", pyType(a[0]))
			}
			if a[1].Kind() != ast.KindObject {
				return ast.Null, unsupportedf(pos, "dict.update() from a %s", pyType(a[1]))
			}
			o := copyObject(a[0].AsObject())
			src := a[1].AsObject()
			for i, k := range src.Keys {
				o.Set(k, src.Vals[i])
			}
			return ast.ObjectOf(o), nil
		}),
		fixed("py.mutate.clear", 1, "clear() on a copy", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			switch a[0].Kind() {
			case ast.KindList:
				return ast.List(), nil
			case ast.KindObject:
				return ast.ObjectOf(&ast.Object{}), nil
			}
			return ast.Null, noAttr(pos, a[0], "clear")
		}),
		fixed("panther.mocked", 1, "isinstance(NAME, MagicMock): whether the test mocks NAME", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			_, ok := env.Mocks[a[0].AsString()]
			return ast.Bool(ok), nil
		}),
	)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func noAttr(pos ast.Pos, v ast.Value, name string) error {
	return fail(pos, "AttributeError: '%s' object has no attribute '%s'", pyType(v), name)
}

func copyObject(o *ast.Object) *ast.Object {
	return &ast.Object{Keys: append([]string{}, o.Keys...), Vals: append([]ast.Value{}, o.Vals...)}
}

// pyInt is int(): str with optional sign, spaces and underscores between
// digits; float truncates; bool is 0/1.
func pyInt(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a) == 0 {
		return ast.Int(0), nil
	}
	v := a[0]
	base := int64(10)
	if len(a) == 2 {
		if a[1].Kind() != ast.KindInt || v.Kind() != ast.KindString {
			return ast.Null, unsupportedf(pos, "int() with a base of these types")
		}
		base = a[1].AsInt()
	}
	switch v.Kind() {
	case ast.KindInt:
		return v, nil
	case ast.KindBool:
		return ast.Int(b2i(v.AsBool())), nil
	case ast.KindFloat:
		f := v.AsFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return ast.Null, fail(pos, "ValueError: cannot convert float %s to integer", v.Repr())
		}
		if math.Abs(f) >= 9.2e18 {
			return ast.Null, unsupportedf(pos, "int() beyond 64 bits")
		}
		return ast.Int(int64(f)), nil
	case ast.KindString:
		s := strings.TrimSpace(v.AsString())
		t := s
		if strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
			t = t[1:]
		}
		ok := t != "" && !strings.HasPrefix(t, "_") && !strings.HasSuffix(t, "_") && !strings.Contains(t, "__")
		if ok && base == 10 {
			for _, r := range t {
				if (r < '0' || r > '9') && r != '_' {
					ok = false
				}
			}
		}
		if ok {
			if n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), int(base), 64); err == nil {
				return ast.Int(n), nil
			} else if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
				return ast.Null, unsupportedf(pos, "int() beyond 64 bits")
			}
		}
		return ast.Null, fail(pos, "ValueError: invalid literal for int() with base %d: %s", base, ast.String(v.AsString()).Repr())
	}
	return ast.Null, fail(pos, "TypeError: int() argument must be a string, a bytes-like object or a real number, not '%s'", pyType(v))
}

func pyFloat(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a) == 0 {
		return ast.Float(0), nil
	}
	v := a[0]
	switch v.Kind() {
	case ast.KindInt:
		return ast.Float(float64(v.AsInt())), nil
	case ast.KindFloat:
		return v, nil
	case ast.KindBool:
		return ast.Float(float64(b2i(v.AsBool()))), nil
	case ast.KindString:
		s := strings.TrimSpace(v.AsString())
		low := strings.ToLower(strings.TrimLeft(s, "+-"))
		switch low {
		case "inf", "infinity", "nan":
			f, _ := strconv.ParseFloat(s, 64)
			return ast.Float(f), nil
		}
		if !strings.ContainsAny(low, "xp") {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return ast.Float(f), nil
			}
		}
		return ast.Null, fail(pos, "ValueError: could not convert string to float: %s", v.Repr())
	}
	return ast.Null, fail(pos, "TypeError: float() argument must be a string or a real number, not '%s'", pyType(v))
}

// pyIsinstance checks against type names. concord keeps one list kind for
// Python's list, tuple and set, so only `list` (which JSON arrays are) is
// answered for a list; tuple/set questions about a list are unsupported.
func pyIsinstance(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	var types []ast.Value
	if a[1].Kind() == ast.KindList {
		types = a[1].AsList()
	} else {
		types = []ast.Value{a[1]}
	}
	v := a[0]
	for _, t := range types {
		if t.Kind() != ast.KindString {
			return ast.Null, unsupportedf(pos, "isinstance() with a type that is not a builtin")
		}
		var ok bool
		switch t.AsString() {
		case "str":
			ok = v.Kind() == ast.KindString
		case "int":
			ok = v.Kind() == ast.KindInt || v.Kind() == ast.KindBool
		case "float":
			ok = v.Kind() == ast.KindFloat
		case "bool":
			ok = v.Kind() == ast.KindBool
		case "dict", "Mapping", "MutableMapping":
			ok = v.Kind() == ast.KindObject
		case "list", "Sequence", "Iterable":
			ok = v.Kind() == ast.KindList || (t.AsString() != "list" && v.Kind() == ast.KindString)
		case "tuple", "set", "frozenset":
			if v.Kind() == ast.KindList {
				return ast.Null, unsupportedf(pos, "isinstance(..., %s) of a list value (concord does not tell lists, tuples and sets apart)", t.AsString())
			}
		default:
			return ast.Null, unsupportedf(pos, "isinstance() with type %s", t.AsString())
		}
		if ok {
			return ast.True, nil
		}
	}
	return ast.False, nil
}

func pySet(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a) == 0 {
		return ast.List(), nil
	}
	items, err := pyIter(pos, a[0])
	if err != nil {
		return ast.Null, err
	}
	var out []ast.Value
	for _, v := range items {
		if err := hashable(pos, v); err != nil {
			return ast.Null, err
		}
		if v.Kind() == ast.KindList {
			return ast.Null, unsupportedf(pos, "a set of lists or tuples")
		}
		dup := false
		for _, o := range out {
			if ast.Equal(o, v) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return ast.List(out...), nil
}

func pyList(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a) == 0 {
		return ast.List(), nil
	}
	items, err := pyIter(pos, a[0])
	if err != nil {
		return ast.Null, err
	}
	return ast.List(items...), nil
}

// pyOrder compares two values with Python's < rules; TypeError between
// unrelated types.
func pyOrder(x, y ast.Value, pos ast.Pos) (int, error) {
	if xn, ok := pyNum(x); ok {
		if yn, ok := pyNum(y); ok {
			return cmpFloat(xn, yn), nil
		}
	}
	if x.Kind() == ast.KindString && y.Kind() == ast.KindString {
		return strings.Compare(x.AsString(), y.AsString()), nil
	}
	if x.Kind() == ast.KindList && y.Kind() == ast.KindList {
		xs, ys := x.AsList(), y.AsList()
		for i := 0; i < len(xs) && i < len(ys); i++ {
			if ast.Equal(xs[i], ys[i]) {
				continue
			}
			return pyOrder(xs[i], ys[i], pos)
		}
		return cmpFloat(float64(len(xs)), float64(len(ys))), nil
	}
	return 0, fail(pos, "TypeError: '<' not supported between instances of '%s' and '%s'", pyType(x), pyType(y))
}

func pySorted(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	items, err := pyIter(pos, a[0])
	if err != nil {
		return ast.Null, err
	}
	out := append([]ast.Value{}, items...)
	sign := 1
	if rev, ok := kw["reverse"]; ok && rev.Truth() {
		sign = -1 // Python's reverse=True keeps equal items in their original order
	}
	var serr error
	sort.SliceStable(out, func(i, j int) bool {
		r, err := pyOrder(out[i], out[j], pos)
		if err != nil && serr == nil {
			serr = err
		}
		return r*sign < 0
	})
	if serr != nil {
		return ast.Null, serr
	}
	return ast.List(out...), nil
}

func pyMinMax(sign int) impl {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		items := a
		if len(a) == 1 {
			var err error
			if items, err = pyIter(pos, a[0]); err != nil {
				return ast.Null, err
			}
		}
		if len(items) == 0 {
			return ast.Null, fail(pos, "ValueError: arg is an empty sequence")
		}
		best := items[0]
		for _, v := range items[1:] {
			r, err := pyOrder(v, best, pos)
			if err != nil {
				return ast.Null, err
			}
			if r*sign > 0 {
				best = v
			}
		}
		return best, nil
	}
}

func pyDictGet(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].Kind() != ast.KindObject {
		return ast.Null, noAttr(pos, a[0], "get")
	}
	def := ast.Null
	if len(a) == 3 {
		def = a[2]
	}
	if a[1].Kind() != ast.KindString {
		if err := hashable(pos, a[1]); err != nil {
			return ast.Null, err
		}
		if a[1].Kind() == ast.KindList {
			// A list key raises TypeError, a tuple key is looked up: concord
			// cannot tell which it has.
			return ast.Null, unsupportedf(pos, "dict.get() of a list or tuple key")
		}
		return def, nil
	}
	if v, ok := objGet(env, a[0].AsObject(), a[1].AsString()); ok {
		return v, nil
	}
	return def, nil
}

// objGet looks a key up the way the rule's keys work: Panther's event (and every
// dict in it) is case-insensitive.
func objGet(env *Env, o *ast.Object, k string) (ast.Value, bool) {
	if env != nil && env.fold {
		return o.GetFold(k)
	}
	return o.Get(k)
}

func dictView(f func(*ast.Object, int) ast.Value) impl {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].Kind() != ast.KindObject {
			return ast.Null, noAttr(pos, a[0], "keys")
		}
		o := a[0].AsObject()
		out := make([]ast.Value, o.Len())
		for i := range o.Keys {
			out[i] = f(o, i)
		}
		return ast.List(out...), nil
	}
}

func pySetitem(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	switch a[0].Kind() {
	case ast.KindObject:
		k, err := dictKey(pos, a[1])
		if err != nil {
			return ast.Null, err
		}
		o := copyObject(a[0].AsObject())
		o.Set(k, a[2])
		return ast.ObjectOf(o), nil
	case ast.KindList:
		if a[1].Kind() != ast.KindInt {
			return ast.Null, fail(pos, "TypeError: list indices must be integers or slices, not %s", pyType(a[1]))
		}
		l := append([]ast.Value{}, a[0].AsList()...)
		i := int(a[1].AsInt())
		if i < 0 {
			i += len(l)
		}
		if i < 0 || i >= len(l) {
			return ast.Null, fail(pos, "IndexError: list assignment index out of range")
		}
		l[i] = a[2]
		return ast.List(l...), nil
	}
	return ast.Null, fail(pos, "TypeError: '%s' object does not support item assignment", pyType(a[0]))
}

// pySlice is x[lo:hi:step] for str and list.
func pySlice(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	x := a[0]
	var n int
	var rs []rune
	switch x.Kind() {
	case ast.KindString:
		rs = []rune(x.AsString())
		n = len(rs)
	case ast.KindList:
		n = len(x.AsList())
	default:
		return ast.Null, fail(pos, "TypeError: '%s' object is not subscriptable", pyType(x))
	}
	bound := func(v ast.Value) (int, bool, error) {
		if v.IsNullish() {
			return 0, false, nil
		}
		if v.Kind() == ast.KindBool {
			return int(b2i(v.AsBool())), true, nil
		}
		if v.Kind() != ast.KindInt {
			return 0, false, fail(pos, "TypeError: slice indices must be integers or None or have an __index__ method")
		}
		return int(v.AsInt()), true, nil
	}
	step, hasStep, err := bound(a[3])
	if err != nil {
		return ast.Null, err
	}
	if !hasStep {
		step = 1
	}
	if step == 0 {
		return ast.Null, fail(pos, "ValueError: slice step cannot be zero")
	}
	lo, hasLo, err := bound(a[1])
	if err != nil {
		return ast.Null, err
	}
	hi, hasHi, err := bound(a[2])
	if err != nil {
		return ast.Null, err
	}
	// CPython's PySlice_AdjustIndices.
	adjust := func(i int, has bool, def int) int {
		if !has {
			return def
		}
		if i < 0 {
			i += n
			if i < 0 {
				if step < 0 {
					return -1
				}
				return 0
			}
		} else if i >= n {
			if step < 0 {
				return n - 1
			}
			return n
		}
		return i
	}
	var start, stop int
	if step > 0 {
		start, stop = adjust(lo, hasLo, 0), adjust(hi, hasHi, n)
	} else {
		start, stop = adjust(lo, hasLo, n-1), adjust(hi, hasHi, -1)
	}
	var idx []int
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		idx = append(idx, i)
	}
	if x.Kind() == ast.KindString {
		var b strings.Builder
		for _, i := range idx {
			b.WriteRune(rs[i])
		}
		return ast.String(b.String()), nil
	}
	out := make([]ast.Value, len(idx))
	for j, i := range idx {
		out[j] = x.AsList()[i]
	}
	return ast.List(out...), nil
}

// pyArith is Python's binary arithmetic for int, float, bool, str and list
// (the set operators |, &, ^, - on lists treat them as the sets rules build).
func pyArith(op string, x, y ast.Value, pos ast.Pos) (ast.Value, error) {
	if pyObjClass(x) != "" || pyObjClass(y) != "" {
		return pyDatetimeArith(op, x, y, pos)
	}
	bad := func() (ast.Value, error) {
		return ast.Null, fail(pos, "TypeError: unsupported operand type(s) for %s: '%s' and '%s'", op, pyType(x), pyType(y))
	}
	isInt := func(v ast.Value) bool { return v.Kind() == ast.KindInt || v.Kind() == ast.KindBool }
	iv := func(v ast.Value) int64 {
		if v.Kind() == ast.KindBool {
			return b2i(v.AsBool())
		}
		return v.AsInt()
	}
	switch {
	case isInt(x) && isInt(y):
		a, b := iv(x), iv(y)
		switch op {
		case "+":
			return ast.Int(a + b), nil
		case "-":
			return ast.Int(a - b), nil
		case "*":
			return ast.Int(a * b), nil
		case "/":
			if b == 0 {
				return ast.Null, fail(pos, "ZeroDivisionError: division by zero")
			}
			return ast.Float(float64(a) / float64(b)), nil
		case "//", "%":
			if b == 0 {
				return ast.Null, fail(pos, "ZeroDivisionError: integer division or modulo by zero")
			}
			q := a / b
			if (a%b != 0) && ((a < 0) != (b < 0)) {
				q--
			}
			if op == "//" {
				return ast.Int(q), nil
			}
			return ast.Int(a - q*b), nil
		case "|":
			return ast.Int(a | b), nil
		case "&":
			return ast.Int(a & b), nil
		case "^":
			return ast.Int(a ^ b), nil
		case "**":
			if b < 0 {
				return ast.Float(math.Pow(float64(a), float64(b))), nil
			}
			r := int64(1)
			for i := int64(0); i < b; i++ {
				r *= a
			}
			return ast.Int(r), nil
		}
	case (isInt(x) || x.Kind() == ast.KindFloat) && (isInt(y) || y.Kind() == ast.KindFloat):
		a, _ := pyNum(x)
		b, _ := pyNum(y)
		switch op {
		case "+":
			return ast.Float(a + b), nil
		case "-":
			return ast.Float(a - b), nil
		case "*":
			return ast.Float(a * b), nil
		case "/":
			if b == 0 {
				return ast.Null, fail(pos, "ZeroDivisionError: float division by zero")
			}
			return ast.Float(a / b), nil
		case "//":
			if b == 0 {
				return ast.Null, fail(pos, "ZeroDivisionError: float floor division by zero")
			}
			return ast.Float(math.Floor(a / b)), nil
		case "%":
			if b == 0 {
				return ast.Null, fail(pos, "ZeroDivisionError: float modulo")
			}
			m := math.Mod(a, b)
			if m != 0 && (m < 0) != (b < 0) {
				m += b
			}
			return ast.Float(m), nil
		case "**":
			return ast.Float(math.Pow(a, b)), nil
		}
		return bad()
	case x.Kind() == ast.KindString && y.Kind() == ast.KindString && op == "+":
		return ast.String(x.AsString() + y.AsString()), nil
	case x.Kind() == ast.KindString && isInt(y) && op == "*":
		return ast.String(strings.Repeat(x.AsString(), int(max(0, iv(y))))), nil
	case x.Kind() == ast.KindString && op == "%":
		return ast.Null, unsupportedf(pos, "%% string formatting")
	case x.Kind() == ast.KindList && y.Kind() == ast.KindList:
		xs, ys := x.AsList(), y.AsList()
		has := func(l []ast.Value, v ast.Value) bool {
			for _, e := range l {
				if ast.Equal(e, v) {
					return true
				}
			}
			return false
		}
		var out []ast.Value
		switch op {
		case "+":
			out = append(append(out, xs...), ys...)
		case "|":
			out = append(out, xs...)
			for _, v := range ys {
				if !has(out, v) {
					out = append(out, v)
				}
			}
		case "&":
			for _, v := range xs {
				if has(ys, v) {
					out = append(out, v)
				}
			}
		case "-":
			for _, v := range xs {
				if !has(ys, v) {
					out = append(out, v)
				}
			}
		case "^":
			for _, v := range xs {
				if !has(ys, v) {
					out = append(out, v)
				}
			}
			for _, v := range ys {
				if !has(xs, v) {
					out = append(out, v)
				}
			}
		default:
			return bad()
		}
		return ast.List(out...), nil
	case x.Kind() == ast.KindObject && y.Kind() == ast.KindObject && op == "|":
		o := copyObject(x.AsObject())
		for i, k := range y.AsObject().Keys {
			o.Set(k, y.AsObject().Vals[i])
		}
		return ast.ObjectOf(o), nil
	}
	return bad()
}

func init() {
	register(
		&Builtin{Name: "py.dict_merge", MinArgs: 1, MaxArgs: -1, Doc: "{**a, ..., **b}", Impl: func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			o := &ast.Object{}
			for _, d := range a {
				if d.Kind() != ast.KindObject {
					return ast.Null, fail(pos, "TypeError: '%s' object is not a mapping", pyType(d))
				}
				for i, k := range d.AsObject().Keys {
					o.Set(k, d.AsObject().Vals[i])
				}
			}
			return ast.ObjectOf(o), nil
		}},
		ranged("py.enumerate", 1, 2, "enumerate(iterable, start=0), consumed eagerly", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			if err != nil {
				return ast.Null, err
			}
			start := int64(0)
			if len(a) == 2 {
				if a[1].Kind() != ast.KindInt {
					return ast.Null, fail(pos, "TypeError: '%s' object cannot be interpreted as an integer", pyType(a[1]))
				}
				start = a[1].AsInt()
			}
			out := make([]ast.Value, len(items))
			for i, v := range items {
				out[i] = ast.List(ast.Int(start+int64(i)), v)
			}
			return ast.List(out...), nil
		}),
		fixed("py.unsupported", 1, "a construct the lowering recognised but concord does not run", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.Null, unsupportedf(pos, "%s", a[0].Str())
		}),
	)
}

func init() {
	register(&Builtin{Name: "py.zip", MinArgs: 0, MaxArgs: -1, Doc: "zip(*iterables), consumed eagerly; tuples are lists", Impl: func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		var lists [][]ast.Value
		n := -1
		for _, x := range a {
			items, err := pyIter(pos, x)
			if err != nil {
				return ast.Null, fail(pos, "TypeError: zip argument is not iterable")
			}
			lists = append(lists, items)
			if n < 0 || len(items) < n {
				n = len(items)
			}
		}
		out := make([]ast.Value, max(n, 0))
		for i := range out {
			row := make([]ast.Value, len(lists))
			for j := range lists {
				row[j] = lists[j][i]
			}
			out[i] = ast.List(row...)
		}
		return ast.List(out...), nil
	}})
}
