package eval

import (
	"strings"
	"unicode"

	"github.com/concordsec/concord/ast"
)

// str methods (CPython 3.11, Objects/unicodeobject.c). The receiver is the
// first argument; a receiver that is not a str raises AttributeError as Python
// does for None.lower().

func strRecv(pos ast.Pos, v ast.Value, method string) (string, error) {
	if v.Kind() != ast.KindString {
		return "", noAttr(pos, v, method)
	}
	return v.AsString(), nil
}

func strArg(pos ast.Pos, v ast.Value, what string) (string, error) {
	if v.Kind() != ast.KindString {
		return "", fail(pos, "TypeError: %s must be str, not %s", what, pyType(v))
	}
	return v.AsString(), nil
}

// pySpace is str.isspace() for one character.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

func strMethod(name string, lo, hi int, f func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error)) *Builtin {
	return ranged("py.str."+name, lo+1, hi+1, "str."+name+"()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		s, err := strRecv(pos, a[0], name)
		if err != nil {
			return ast.Null, err
		}
		return f(pos, s, a[1:])
	})
}

func strFn(name string, f func(string) string) *Builtin {
	return strMethod(name, 0, 0, func(_ ast.Pos, s string, _ []ast.Value) (ast.Value, error) { return ast.String(f(s)), nil })
}

func strPred(name string, f func(rune) bool) *Builtin {
	return strMethod(name, 0, 0, func(_ ast.Pos, s string, _ []ast.Value) (ast.Value, error) {
		if s == "" {
			return ast.False, nil
		}
		for _, r := range s {
			if !f(r) {
				return ast.False, nil
			}
		}
		return ast.True, nil
	})
}

// stripChars is strip/lstrip/rstrip with Python's optional chars argument.
func stripChars(name string, left, right bool) *Builtin {
	return strMethod(name, 0, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
		in := pySpace
		if len(a) == 1 && !a[0].IsNullish() {
			chars, err := strArg(pos, a[0], name+" arg")
			if err != nil {
				return ast.Null, err
			}
			in = func(r rune) bool { return strings.ContainsRune(chars, r) }
		}
		if left {
			s = strings.TrimLeftFunc(s, in)
		}
		if right {
			s = strings.TrimRightFunc(s, in)
		}
		return ast.String(s), nil
	})
}

func strList(parts []string) ast.Value {
	out := make([]ast.Value, len(parts))
	for i, p := range parts {
		out[i] = ast.String(p)
	}
	return ast.List(out...)
}

// pySplit is str.split/rsplit(sep=None, maxsplit=-1).
func pySplit(right bool) kwImpl {
	return func(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
		name := "split"
		if right {
			name = "rsplit"
		}
		s, err := strRecv(pos, a[0], name)
		if err != nil {
			return ast.Null, err
		}
		sep, max := ast.Null, ast.Int(-1)
		if len(a) > 1 {
			sep = a[1]
		}
		if len(a) > 2 {
			max = a[2]
		}
		if v, ok := kw["sep"]; ok {
			sep = v
		}
		if v, ok := kw["maxsplit"]; ok {
			max = v
		}
		if max.Kind() != ast.KindInt {
			return ast.Null, fail(pos, "TypeError: '%s' object cannot be interpreted as an integer", pyType(max))
		}
		n := int(max.AsInt())
		if sep.IsNullish() {
			return strList(splitSpace(s, n, right)), nil
		}
		sp, err := strArg(pos, sep, "must be str or None, not")
		if err != nil {
			return ast.Null, fail(pos, "TypeError: must be str or None, not %s", pyType(sep))
		}
		if sp == "" {
			return ast.Null, fail(pos, "ValueError: empty separator")
		}
		if n < 0 {
			return strList(strings.Split(s, sp)), nil
		}
		if !right {
			return strList(strings.SplitN(s, sp, n+1)), nil
		}
		var parts []string
		for i := 0; i < n; i++ {
			j := strings.LastIndex(s, sp)
			if j < 0 {
				break
			}
			parts = append([]string{s[j+len(sp):]}, parts...)
			s = s[:j]
		}
		return strList(append([]string{s}, parts...)), nil
	}
}

// splitSpace is split() without a separator: runs of whitespace separate,
// leading and trailing whitespace yields no empty strings.
func splitSpace(s string, n int, right bool) []string {
	if !right {
		var out []string
		for {
			s = strings.TrimLeftFunc(s, pySpace)
			if s == "" {
				return out
			}
			if n >= 0 && len(out) == n {
				return append(out, s)
			}
			i := strings.IndexFunc(s, pySpace)
			if i < 0 {
				return append(out, s)
			}
			out = append(out, s[:i])
			s = s[i:]
		}
	}
	var out []string
	for {
		s = strings.TrimRightFunc(s, pySpace)
		if s == "" {
			return out
		}
		if n >= 0 && len(out) == n {
			return append([]string{s}, out...)
		}
		i := strings.LastIndexFunc(s, pySpace)
		if i < 0 {
			return append([]string{s}, out...)
		}
		_, w := firstRune(s[i:])
		out = append([]string{s[i+w:]}, out...)
		s = s[:i]
	}
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		_ = i
		return r, len(string(r))
	}
	return 0, 0
}

// affix is startswith/endswith with a str or a tuple of str.
func affix(name string, suffix bool) *Builtin {
	return strMethod(name, 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
		var pats []ast.Value
		if a[0].Kind() == ast.KindList {
			pats = a[0].AsList()
		} else {
			pats = []ast.Value{a[0]}
		}
		for _, p := range pats {
			if p.Kind() != ast.KindString {
				return ast.Null, fail(pos, "TypeError: %s first arg must be str or a tuple of str, not %s", name, pyType(p))
			}
			if (!suffix && strings.HasPrefix(s, p.AsString())) || (suffix && strings.HasSuffix(s, p.AsString())) {
				return ast.True, nil
			}
		}
		return ast.False, nil
	})
}

// runeIndex converts a byte offset into a character offset.
func runeIndex(s string, byteOff int) int { return len([]rune(s[:byteOff])) }

func find(name string, last, raise bool) *Builtin {
	return strMethod(name, 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
		sub, err := strArg(pos, a[0], "must be str, not")
		if err != nil {
			return ast.Null, fail(pos, "TypeError: must be str, not %s", pyType(a[0]))
		}
		i := strings.Index(s, sub)
		if last {
			i = strings.LastIndex(s, sub)
		}
		if i < 0 {
			if raise {
				return ast.Null, fail(pos, "ValueError: substring not found")
			}
			return ast.Int(-1), nil
		}
		return ast.Int(int64(runeIndex(s, i))), nil
	})
}

func pyTitle(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		if prevCased {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToTitle(r))
		}
		prevCased = unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
	}
	return b.String()
}

// onList gives a str method that lists also have (index, count) the list
// behaviour when the receiver is a list: lowering cannot tell them apart.
func onList(b *Builtin, f func(pos ast.Pos, l []ast.Value, x ast.Value) (ast.Value, error)) *Builtin {
	strImpl := b.Impl
	b.Impl = func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].Kind() == ast.KindList && len(a) == 2 {
			return f(pos, a[0].AsList(), a[1])
		}
		return strImpl(env, pos, a)
	}
	return b
}

func init() {
	register(
		onList(find("index", false, true), func(pos ast.Pos, l []ast.Value, x ast.Value) (ast.Value, error) {
			for i, v := range l {
				if ast.Equal(v, x) {
					return ast.Int(int64(i)), nil
				}
			}
			return ast.Null, fail(pos, "ValueError: %s is not in list", x.Repr())
		}),
		onList(strMethod("count", 1, 1, strCount), func(pos ast.Pos, l []ast.Value, x ast.Value) (ast.Value, error) {
			n := 0
			for _, v := range l {
				if ast.Equal(v, x) {
					n++
				}
			}
			return ast.Int(int64(n)), nil
		}),
		strFn("lower", PyLower),
		strFn("upper", strings.ToUpper),
		strFn("casefold", strings.ToLower),
		strFn("title", pyTitle),
		strFn("swapcase", func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsUpper(r) {
					return unicode.ToLower(r)
				}
				return unicode.ToUpper(r)
			}, s)
		}),
		strFn("capitalize", func(s string) string {
			rs := []rune(strings.ToLower(s))
			if len(rs) > 0 {
				rs[0] = unicode.ToTitle(rs[0])
			}
			return string(rs)
		}),
		stripChars("strip", true, true),
		stripChars("lstrip", true, false),
		stripChars("rstrip", false, true),
		withKw("py.str.split", 1, 3, []string{"sep", "maxsplit"}, "str.split(sep=None, maxsplit=-1)", pySplit(false)),
		withKw("py.str.rsplit", 1, 3, []string{"sep", "maxsplit"}, "str.rsplit(sep=None, maxsplit=-1)", pySplit(true)),
		strMethod("replace", 2, 3, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			old, err := strArg(pos, a[0], "replace() argument 1")
			if err != nil {
				return ast.Null, err
			}
			nw, err := strArg(pos, a[1], "replace() argument 2")
			if err != nil {
				return ast.Null, err
			}
			n := -1
			if len(a) == 3 {
				if a[2].Kind() != ast.KindInt {
					return ast.Null, fail(pos, "TypeError: '%s' object cannot be interpreted as an integer", pyType(a[2]))
				}
				n = int(a[2].AsInt())
			}
			return ast.String(strings.Replace(s, old, nw, n)), nil
		}),
		strMethod("join", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			items, err := pyIter(pos, a[0])
			if err != nil {
				return ast.Null, fail(pos, "TypeError: can only join an iterable")
			}
			parts := make([]string, len(items))
			for i, v := range items {
				if v.Kind() != ast.KindString {
					return ast.Null, fail(pos, "TypeError: sequence item %d: expected str instance, %s found", i, pyType(v))
				}
				parts[i] = v.AsString()
			}
			return ast.String(strings.Join(parts, s)), nil
		}),
		affix("startswith", false),
		affix("endswith", true),
		find("find", false, false),
		find("rfind", true, false),
		find("rindex", true, true),
		strPred("isdigit", unicode.IsDigit),
		strPred("isdecimal", unicode.IsDigit),
		strPred("isnumeric", func(r rune) bool { return unicode.IsDigit(r) || unicode.IsNumber(r) }),
		strPred("isalpha", unicode.IsLetter),
		strPred("isalnum", func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }),
		strPred("isspace", pySpace),
		strMethod("isupper", 0, 0, func(_ ast.Pos, s string, _ []ast.Value) (ast.Value, error) {
			return ast.Bool(strings.ToUpper(s) == s && strings.ToLower(s) != s), nil
		}),
		strMethod("islower", 0, 0, func(_ ast.Pos, s string, _ []ast.Value) (ast.Value, error) {
			return ast.Bool(strings.ToLower(s) == s && strings.ToUpper(s) != s), nil
		}),
		strMethod("partition", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			sep, err := strArg(pos, a[0], "must be str, not")
			if err != nil || sep == "" {
				return ast.Null, fail(pos, "ValueError: empty separator")
			}
			if i := strings.Index(s, sep); i >= 0 {
				return strList([]string{s[:i], sep, s[i+len(sep):]}), nil
			}
			return strList([]string{s, "", ""}), nil
		}),
		strMethod("rpartition", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			sep, err := strArg(pos, a[0], "must be str, not")
			if err != nil || sep == "" {
				return ast.Null, fail(pos, "ValueError: empty separator")
			}
			if i := strings.LastIndex(s, sep); i >= 0 {
				return strList([]string{s[:i], sep, s[i+len(sep):]}), nil
			}
			return strList([]string{"", "", s}), nil
		}),
		strMethod("removeprefix", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			p, err := strArg(pos, a[0], "removeprefix() argument")
			return ast.String(strings.TrimPrefix(s, p)), err
		}),
		strMethod("removesuffix", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			p, err := strArg(pos, a[0], "removesuffix() argument")
			return ast.String(strings.TrimSuffix(s, p)), err
		}),
		strMethod("zfill", 1, 1, func(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindInt {
				return ast.Null, fail(pos, "TypeError: '%s' object cannot be interpreted as an integer", pyType(a[0]))
			}
			w := int(a[0].AsInt())
			n := len([]rune(s))
			if n >= w {
				return ast.String(s), nil
			}
			sign := ""
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				sign, s = s[:1], s[1:]
			}
			return ast.String(sign + strings.Repeat("0", w-n) + s), nil
		}),
		strMethod("splitlines", 0, 0, func(_ ast.Pos, s string, _ []ast.Value) (ast.Value, error) {
			var out []string
			for s != "" {
				i := strings.IndexAny(s, "\n\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029")
				if i < 0 {
					out = append(out, s)
					break
				}
				out = append(out, s[:i])
				_, w := firstRune(s[i:])
				if strings.HasPrefix(s[i:], "\r\n") {
					w = 2
				}
				s = s[i+w:]
			}
			return strList(out), nil
		}),
	)
}

func strCount(pos ast.Pos, s string, a []ast.Value) (ast.Value, error) {
	sub, err := strArg(pos, a[0], "must be str, not")
	if err != nil {
		return ast.Null, fail(pos, "TypeError: must be str, not %s", pyType(a[0]))
	}
	if sub == "" {
		return ast.Int(int64(len([]rune(s)) + 1)), nil
	}
	return ast.Int(int64(strings.Count(s, sub))), nil
}
