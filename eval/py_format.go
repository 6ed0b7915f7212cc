package eval

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// format() and str.format (Python's format specification mini-language) for
// the specs rules write: fill, align, sign, width, grouping with ",",
// precision, and the types s, d, f, %, x, X, o, b, e. Other specs are unsupported.

var specRE = regexp.MustCompile(`^(?:(.)?([<>^=]))?([-+ ])?(#)?(0)?(\d+)?(,|_)?(?:\.(\d+))?([sdfFeE%xXobgGn])?$`)

func pyFormat(pos ast.Pos, v ast.Value, spec string) (string, error) {
	if spec == "" {
		return v.Str(), nil
	}
	m := specRE.FindStringSubmatch(spec)
	if m == nil || m[4] != "" || m[9] == "g" || m[9] == "G" || m[9] == "n" {
		return "", unsupportedf(pos, "format spec %q", spec)
	}
	fill, align, sign, zero, width, group, prec, typ := m[1], m[2], m[3], m[5], m[6], m[7], m[8], m[9]
	isNum := v.Kind() == ast.KindInt || v.Kind() == ast.KindFloat || v.Kind() == ast.KindBool
	var body string
	switch {
	case v.Kind() == ast.KindString || (!isNum && typ == ""):
		if typ != "" && typ != "s" {
			return "", fail(pos, "ValueError: Unknown format code '%s' for object of type '%s'", typ, pyType(v))
		}
		if !isNum && v.Kind() != ast.KindString {
			return "", unsupportedf(pos, "format spec %q for a %s", spec, pyType(v))
		}
		if sign != "" || group != "" {
			return "", fail(pos, "ValueError: Sign not allowed in string format specifier")
		}
		body = v.AsString()
		if prec != "" {
			n, _ := strconv.Atoi(prec)
			if utf8.RuneCountInString(body) > n {
				body = string([]rune(body)[:n])
			}
		}
		if align == "" {
			align = "<"
		}
	case isNum:
		f, _ := pyNum(v)
		intLike := v.Kind() != ast.KindFloat
		switch typ {
		case "", "d":
			if typ == "d" && !intLike {
				return "", fail(pos, "ValueError: Unknown format code 'd' for object of type 'float'")
			}
			if intLike {
				body = strconv.FormatInt(int64(f), 10)
			} else if prec != "" {
				return "", unsupportedf(pos, "format spec %q for a float", spec)
			} else {
				body = ast.Float(f).Repr()
			}
		case "f", "F", "%", "e", "E":
			p := 6
			if prec != "" {
				p, _ = strconv.Atoi(prec)
			}
			switch typ {
			case "%":
				body = strconv.FormatFloat(f*100, 'f', p, 64) + "%"
			case "e", "E":
				body = strconv.FormatFloat(f, typ[0], p, 64)
			default:
				body = strconv.FormatFloat(f, 'f', p, 64)
			}
		case "x", "X", "o", "b":
			if !intLike {
				return "", fail(pos, "ValueError: Unknown format code '%s' for object of type 'float'", typ)
			}
			base := map[string]int{"x": 16, "X": 16, "o": 8, "b": 2}[typ]
			body = strconv.FormatInt(int64(f), base)
			if typ == "X" {
				body = strings.ToUpper(body)
			}
		default:
			return "", fail(pos, "ValueError: Unknown format code '%s' for object of type '%s'", typ, pyType(v))
		}
		neg := strings.HasPrefix(body, "-")
		body = strings.TrimPrefix(body, "-")
		if group != "" {
			intPart, rest := body, ""
			if i := strings.IndexAny(body, ".e%"); i >= 0 {
				intPart, rest = body[:i], body[i:]
			}
			var b strings.Builder
			for i, r := range intPart {
				if i > 0 && (len(intPart)-i)%3 == 0 {
					b.WriteString(group)
				}
				b.WriteRune(r)
			}
			body = b.String() + rest
		}
		switch {
		case neg:
			body = "-" + body
		case sign == "+":
			body = "+" + body
		case sign == " ":
			body = " " + body
		}
		if align == "" {
			align = ">"
			if zero != "" {
				fill, align = "0", "="
			}
		}
	default:
		return "", unsupportedf(pos, "format spec %q for a %s", spec, pyType(v))
	}
	w, _ := strconv.Atoi(width)
	n := utf8.RuneCountInString(body)
	if n >= w {
		return body, nil
	}
	if fill == "" {
		fill = " "
	}
	pad := w - n
	switch align {
	case "<":
		return body + strings.Repeat(fill, pad), nil
	case "^":
		return strings.Repeat(fill, pad/2) + body + strings.Repeat(fill, pad-pad/2), nil
	case "=":
		if isNum && (strings.HasPrefix(body, "-") || strings.HasPrefix(body, "+") || strings.HasPrefix(body, " ")) {
			return body[:1] + strings.Repeat(fill, pad) + body[1:], nil
		}
	}
	return strings.Repeat(fill, pad) + body, nil
}

// strFormat is str.format(*args, **kwargs) for fields {}, {0} and {name}
// with an optional !r/!s conversion and a format spec.
func strFormat(pos ast.Pos, f string, args []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	var b strings.Builder
	auto, manual := 0, false
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return ast.Null, fail(pos, "ValueError: Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return ast.Null, fail(pos, "ValueError: Single '{' encountered in format string")
		}
		field := f[i+1 : i+end]
		i += end
		if strings.Contains(field, "{") {
			return ast.Null, unsupportedf(pos, "nested format fields")
		}
		name, spec, _ := strings.Cut(field, ":")
		name, conv, hasConv := strings.Cut(name, "!")
		if strings.ContainsAny(name, ".[") {
			return ast.Null, unsupportedf(pos, "format field %q", field)
		}
		var v ast.Value
		switch {
		case name == "":
			if manual {
				return ast.Null, fail(pos, "ValueError: cannot switch from manual field specification to automatic field numbering")
			}
			if auto >= len(args) {
				return ast.Null, fail(pos, "IndexError: Replacement index %d out of range for positional args tuple", auto)
			}
			v = args[auto]
			auto++
		case name[0] >= '0' && name[0] <= '9':
			n, err := strconv.Atoi(name)
			if err != nil {
				return ast.Null, unsupportedf(pos, "format field %q", field)
			}
			if auto > 0 {
				return ast.Null, fail(pos, "ValueError: cannot switch from automatic field numbering to manual field specification")
			}
			manual = true
			if n >= len(args) {
				return ast.Null, fail(pos, "IndexError: Replacement index %d out of range for positional args tuple", n)
			}
			v = args[n]
		default:
			var ok bool
			if v, ok = kw[name]; !ok {
				return ast.Null, fail(pos, "KeyError: %s", ast.String(name).Repr())
			}
		}
		if hasConv {
			switch conv {
			case "r":
				v = ast.String(v.Repr())
			case "s":
				v = ast.String(v.Str())
			default:
				return ast.Null, unsupportedf(pos, "format conversion !%s", conv)
			}
		}
		s, err := pyFormat(pos, v, spec)
		if err != nil {
			return ast.Null, err
		}
		b.WriteString(s)
	}
	return ast.String(b.String()), nil
}

func init() {
	register(
		ranged("py.format", 1, 2, "format(value, spec)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			spec := ""
			if len(a) == 2 {
				if a[1].Kind() != ast.KindString {
					return ast.Null, fail(pos, "TypeError: format() argument 2 must be str, not %s", pyType(a[1]))
				}
				spec = a[1].AsString()
			}
			s, err := pyFormat(pos, a[0], spec)
			return ast.String(s), err
		}),
		fixed("py.ascii", 1, "ascii()", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			r := a[0].Repr()
			var b strings.Builder
			for _, c := range r {
				switch {
				case c < 0x80:
					b.WriteRune(c)
				case c < 0x100:
					b.WriteString(`\x` + leftPad(strconv.FormatInt(int64(c), 16), 2))
				case c < 0x10000:
					b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(c), 16), 4))
				default:
					b.WriteString(`\U` + leftPad(strconv.FormatInt(int64(c), 16), 8))
				}
			}
			return ast.String(b.String()), nil
		}),
		&Builtin{Name: "py.str.format", MinArgs: 1, MaxArgs: -1, Keywords: []string{"*"}, Doc: "str.format(*args, **kwargs)",
			KwImpl: func(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
				s, err := strRecv(pos, a[0], "format")
				if err != nil {
					return ast.Null, err
				}
				return strFormat(pos, s, a[1:], kw)
			}},
		&Builtin{Name: "py.dict", MinArgs: 0, MaxArgs: 1, Keywords: []string{"*"}, Doc: "dict(mapping or pairs, **kwargs)",
			KwImpl: func(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
				o := &ast.Object{}
				if len(a) == 1 {
					switch a[0].Kind() {
					case ast.KindObject:
						o = copyObject(a[0].AsObject())
					default:
						items, err := pyIter(pos, a[0])
						if err != nil {
							return ast.Null, err
						}
						for i, it := range items {
							if it.Kind() != ast.KindList || len(it.AsList()) != 2 {
								return ast.Null, fail(pos, "ValueError: dictionary update sequence element #%d has the wrong length", i)
							}
							k, err := dictKey(pos, it.AsList()[0])
							if err != nil {
								return ast.Null, err
							}
							o.Set(k, it.AsList()[1])
						}
					}
				}
				// Keyword order: Python keeps the call's order; concord's map does not.
				if len(kw) > 1 {
					return ast.Null, unsupportedf(pos, "dict() with several keyword arguments")
				}
				for k, v := range kw {
					o.Set(k, v)
				}
				return ast.ObjectOf(o), nil
			}},
	)
	// set methods: only sets have them (concord keeps sets as lists).
	for _, m := range []string{"intersection", "union", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint"} {
		register(&Builtin{Name: "py.method." + m, MinArgs: 2, MaxArgs: 2, Doc: "set." + m + "(other)", Impl: func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], m)
			}
			other, err := pyIter(pos, a[1])
			if err != nil {
				return ast.Null, err
			}
			// Every item of other is hashed (looked up in, or added to, a
			// set): a list or dict among them raises.
			for _, v := range other {
				if k := v.Kind(); k == ast.KindList || k == ast.KindObject {
					return ast.Null, fail(pos, "TypeError: unhashable type: '%s'", pyType(v))
				}
			}
			o := ast.List(other...)
			switch m {
			case "intersection":
				return pyArith("&", a[0], o, pos)
			case "union":
				return pyArith("|", a[0], o, pos)
			case "difference":
				return pyArith("-", a[0], o, pos)
			case "symmetric_difference":
				return pyArith("^", a[0], o, pos)
			}
			sub := func(x, y []ast.Value) bool {
				for _, v := range x {
					found := false
					for _, w := range y {
						if ast.Equal(v, w) {
							found = true
							break
						}
					}
					if !found {
						return false
					}
				}
				return true
			}
			switch m {
			case "issubset":
				return ast.Bool(sub(a[0].AsList(), other)), nil
			case "issuperset":
				return ast.Bool(sub(other, a[0].AsList())), nil
			}
			inter, _ := pyArith("&", a[0], o, pos)
			return ast.Bool(len(inter.AsList()) == 0), nil
		}})
	}
}
