package eval

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

func init() {
	for _, b := range []*Builtin{
		// Text functions.
		splFn("lower", 1, 1, "lowercase (every value)", splPerValue(strings.ToLower)),
		splFn("upper", 1, 1, "uppercase (every value)", splPerValue(strings.ToUpper)),
		splFn("trim", 1, 2, "strip characters (default space and tab) from both ends", splTrim(strings.Trim)),
		splFn("ltrim", 1, 2, "strip characters (default space and tab) from the left", splTrim(strings.TrimLeft)),
		splFn("rtrim", 1, 2, "strip characters (default space and tab) from the right", splTrim(strings.TrimRight)),
		splFn("len", 1, 1, "length in characters", splLen),
		splFn("replace", 3, 3, "regex replace with \\1 back-references (every value)", splReplace),
		splFn("substr", 2, 3, "substring from a 1-based start; a negative start counts from the end", splSubstr),
		splFn("urldecode", 1, 1, "decode %XX escapes (every value)", splPerValue(urldecode)),
		splFn("split", 2, 2, "split text into a multivalue field", splSplit),
		splFn("spath", 2, 2, "values at a JSON path (a.b{0}.c, a{}.b)", splSpath),

		// Cryptographic functions: lowercase hex digests of the text.
		splFn("md5", 1, 1, "MD5 digest, hex", splHash(md5.New)),
		splFn("sha1", 1, 1, "SHA-1 digest, hex", splHash(sha1.New)),
		splFn("sha256", 1, 1, "SHA-256 digest, hex", splHash(sha256.New)),
		splFn("sha512", 1, 1, "SHA-512 digest, hex", splHash(sha512.New)),

		// JSON functions.
		splFn("json_extract", 1, -1, "JSON value(s) at paths, as text for objects and arrays", splJSONExtract),
		splFn("json_object", 0, -1, "JSON object from key/value pairs", splJSONObject),
		splFn("json_array", 0, -1, "JSON array of the values", splJSONArray),
		splFn("json_keys", 1, 1, "JSON array of an object's keys", splJSONKeys),
		splFn("json_valid", 1, 1, "text is valid JSON", splJSONValid),
		splFn("json_extract_exact", 1, -1, "JSON value(s) at literal keys (no path syntax)", splJSONExtractExact),
		splFn("json_has_key_exact", 2, 2, "a JSON object has the literal key", splJSONHasKeyExact),
		splFn("json_array_to_mv", 1, 2, "multivalue field from a JSON array", splJSONArrayToMv),
	} {
		Builtins[b.Name] = b
	}
}

// splPerValue applies a text transformation to every value of the argument.
func splPerValue(f func(string) string) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].IsNullish() {
			return ast.Null, nil
		}
		vs := values(a[0])
		out := make([]ast.Value, len(vs))
		for i, v := range vs {
			out[i] = ast.String(f(v.Text()))
		}
		return mv(out), nil
	}
}

// splTrim: "If Y is not specified, spaces and tabs are removed" (Text functions).
func splTrim(f func(string, string) string) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if anyNull(a) {
			return ast.Null, nil
		}
		cut := " \t"
		if len(a) == 2 {
			cut = first(a[1]).Text()
		}
		return splPerValue(func(s string) string { return f(s, cut) })(nil, ast.Pos{}, a[:1])
	}
}

func splLen(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	return ast.Int(int64(len([]rune(first(a[0]).Text())))), nil
}

// splReplace: Splunk writes group references as \1; a literal $ must not be
// read as Go's group syntax.
func splReplace(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	re, err := cachedRegexp(first(a[1]).Text())
	if err != nil {
		return ast.Null, fail(pos, "replace: bad regex %q: %v", first(a[1]).Text(), err)
	}
	repl := goReplacement(first(a[2]).Text())
	return splPerValue(func(s string) string { return re.ReplaceAllString(s, repl) })(nil, pos, a[:1])
}

func goReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$':
			b.WriteString("$$")
		case s[i] == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b.WriteString("${" + string(s[i+1]) + "}")
			i++
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splSubstr: substr("splunk", 1, 3) is "spl", substr("splunk", -3, 3) "unk"
// (Text functions); a start past the end is the empty string.
func splSubstr(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	start, ok := splNum(first(a[1]))
	if !ok {
		return ast.Null, nil
	}
	length := -1.0
	if len(a) == 3 {
		if length, ok = splNum(first(a[2])); !ok {
			return ast.Null, nil
		}
		if length < 0 {
			return ast.Null, nil
		}
	}
	cut := func(text string) string {
		rs := []rune(text)
		s := int(start)
		if s < 0 {
			s += len(rs)
		} else if s > 0 {
			s-- // 1-based
		}
		s = max(s, 0)
		if s > len(rs) {
			return ""
		}
		e := len(rs)
		if length >= 0 {
			e = min(len(rs), s+int(length))
		}
		return string(rs[s:e])
	}
	return splPerValue(cut)(nil, ast.Pos{}, a[:1])
}

// urldecode decodes %XX escapes and leaves malformed ones as written.
func urldecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// splSplit: an empty delimiter splits into characters.
func splSplit(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	parts := strings.Split(first(a[0]).Text(), first(a[1]).Text())
	vs := make([]ast.Value, len(parts))
	for i, p := range parts {
		vs[i] = ast.String(p)
	}
	return mv(vs), nil
}

func splHash(h func() hash.Hash) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].IsNullish() {
			return ast.Null, nil
		}
		d := h()
		d.Write([]byte(first(a[0]).Text()))
		return ast.String(hex.EncodeToString(d.Sum(nil))), nil
	}
}

// jsonOf reads a value as JSON: objects as they are, text parsed.
func jsonOf(v ast.Value) (ast.Value, bool) {
	v = first(v)
	switch v.Kind() {
	case ast.KindObject:
		return v, true
	case ast.KindString:
		j, err := ast.ParseJSON([]byte(v.AsString()))
		return j, err == nil
	}
	return ast.Null, false
}

type pathStep struct {
	key   string
	index int // -1: none; -2: every element ({})
}

// parseJSONPath reads Splunk's spath/json_extract path syntax: dot-separated
// keys, each optionally followed by {N} or {} array steps.
func parseJSONPath(path string) ([]pathStep, bool) {
	var steps []pathStep
	if path == "" {
		return nil, true
	}
	for _, seg := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(seg, "{")
		if key != "" {
			steps = append(steps, pathStep{key: key, index: -1})
		}
		if rest == "" {
			continue
		}
		rest = "{" + rest
		for rest != "" {
			if rest[0] != '{' {
				return nil, false
			}
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return nil, false
			}
			idx := rest[1:end]
			if idx == "" {
				steps = append(steps, pathStep{index: -2})
			} else {
				n, err := strconv.Atoi(idx)
				if err != nil {
					return nil, false
				}
				steps = append(steps, pathStep{index: n})
			}
			rest = rest[end+1:]
		}
	}
	return steps, true
}

func walkJSON(v ast.Value, steps []pathStep) []ast.Value {
	if len(steps) == 0 {
		return []ast.Value{v}
	}
	st := steps[0]
	switch {
	case st.index == -1:
		if v.Kind() == ast.KindList { // a key applies to every element of an array
			var out []ast.Value
			for _, e := range v.AsList() {
				out = append(out, walkJSON(e, steps)...)
			}
			return out
		}
		if v.Kind() != ast.KindObject {
			return nil
		}
		next, ok := v.AsObject().Get(st.key)
		if !ok {
			return nil
		}
		return walkJSON(next, steps[1:])
	case st.index == -2:
		if v.Kind() != ast.KindList {
			return nil
		}
		var out []ast.Value
		for _, e := range v.AsList() {
			out = append(out, walkJSON(e, steps[1:])...)
		}
		return out
	}
	if v.Kind() != ast.KindList || st.index < 0 || st.index >= len(v.AsList()) {
		return nil
	}
	return walkJSON(v.AsList()[st.index], steps[1:])
}

// jsonText is how an extracted JSON value becomes a field value: scalars as
// themselves, containers as compact JSON text.
func jsonText(v ast.Value) ast.Value {
	switch v.Kind() {
	case ast.KindList, ast.KindObject:
		return ast.String(ast.JSON(v))
	}
	return v
}

func splSpath(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	j, ok := jsonOf(a[0])
	steps, pok := parseJSONPath(first(a[1]).Text())
	if !ok || !pok {
		return ast.Null, nil
	}
	var out []ast.Value
	for _, v := range walkJSON(j, steps) {
		if v.IsNullish() {
			continue
		}
		out = append(out, jsonText(v))
	}
	return mv(out), nil
}

func splJSONExtract(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	j, ok := jsonOf(a[0])
	if !ok {
		return ast.Null, nil
	}
	if len(a) == 1 {
		return jsonText(j), nil
	}
	extract := func(p ast.Value) ast.Value {
		steps, ok := parseJSONPath(first(p).Text())
		if !ok {
			return ast.Null
		}
		vs := walkJSON(j, steps)
		switch len(vs) {
		case 0:
			return ast.Null
		case 1:
			return vs[0]
		}
		return ast.List(vs...)
	}
	if len(a) == 2 {
		v := extract(a[1])
		if v.IsNullish() {
			return ast.Null, nil
		}
		return jsonText(v), nil
	}
	out := make([]ast.Value, len(a)-1)
	for i, p := range a[1:] {
		out[i] = extract(p)
	}
	return ast.String(ast.JSON(ast.List(out...))), nil
}

// jsonValue is an eval value inside a JSON document being built: a multivalue
// field becomes an array, null stays null.
func jsonValue(v ast.Value) ast.Value {
	if v.IsMissing() {
		return ast.Null
	}
	return v
}

func splJSONObject(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a)%2 != 0 {
		return ast.Null, fail(pos, "json_object takes key/value pairs")
	}
	o := &ast.Object{}
	for i := 0; i < len(a); i += 2 {
		o.Set(first(a[i]).Text(), jsonValue(a[i+1]))
	}
	return ast.String(ast.JSON(ast.ObjectOf(o))), nil
}

func splJSONArray(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	out := make([]ast.Value, len(a))
	for i, v := range a {
		out[i] = jsonValue(v)
	}
	return ast.String(ast.JSON(ast.List(out...))), nil
}

func splJSONKeys(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	j, ok := jsonOf(a[0])
	if !ok || j.Kind() != ast.KindObject {
		return ast.Null, nil
	}
	keys := make([]ast.Value, len(j.AsObject().Keys))
	for i, k := range j.AsObject().Keys {
		keys[i] = ast.String(k)
	}
	return ast.String(ast.JSON(ast.List(keys...))), nil
}

func splJSONValid(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	_, ok := jsonOf(a[0])
	return ast.Bool(ok), nil
}

// splPrintf implements printf's C conversions (%d %i %u %o %x %X %e %E %f %F
// %g %G %s %c %%) with the flags - + space 0 # and ' (thousands grouping),
// width and precision (also *). Missing arguments format as empty or zero.
func splPrintf(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	format := first(a[0]).Text()
	args := a[1:]
	next := func() ast.Value {
		if len(args) == 0 {
			return ast.Null
		}
		v := args[0]
		args = args[1:]
		return first(v)
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			b.WriteByte(format[i])
			continue
		}
		j := i + 1
		var flags strings.Builder
		group := false
		for j < len(format) && strings.IndexByte("-+ 0#'", format[j]) >= 0 {
			if format[j] == '\'' {
				group = true
			} else {
				flags.WriteByte(format[j])
			}
			j++
		}
		width := ""
		if j < len(format) && format[j] == '*' {
			n, _ := splNum(next())
			width = strconv.Itoa(int(n))
			j++
		} else {
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				width += string(format[j])
				j++
			}
		}
		prec := ""
		hasPrec := false
		if j < len(format) && format[j] == '.' {
			hasPrec = true
			j++
			if j < len(format) && format[j] == '*' {
				n, _ := splNum(next())
				prec = strconv.Itoa(int(n))
				j++
			} else {
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					prec += string(format[j])
					j++
				}
			}
			if prec == "" {
				prec = "0"
			}
		}
		for j < len(format) && strings.IndexByte("hlLqjzt", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		spec := "%" + flags.String() + width
		if hasPrec {
			spec += "." + prec
		}
		conv := format[j]
		switch conv {
		case '%':
			b.WriteByte('%')
		case 'd', 'i', 'u':
			f, _ := splNum(next())
			s := fmt.Sprintf(spec+"d", int64(f))
			if group {
				s = groupDigits(s)
			}
			b.WriteString(s)
		case 'o', 'x', 'X':
			f, _ := splNum(next())
			b.WriteString(fmt.Sprintf(spec+string(conv), int64(f)))
		case 'e', 'E', 'f', 'F', 'g', 'G':
			f, _ := splNum(next())
			verb := conv
			if verb == 'F' {
				verb = 'f'
			}
			if !hasPrec {
				spec += ".6"
			}
			s := fmt.Sprintf(spec+string(verb), f)
			if group && !math.IsInf(f, 0) {
				s = groupDigits(s)
			}
			b.WriteString(s)
		case 's':
			b.WriteString(fmt.Sprintf(spec+"s", next().Text()))
		case 'c':
			v := next()
			if n, ok := intOf(v); ok {
				b.WriteString(fmt.Sprintf(spec+"c", rune(n)))
			} else if rs := []rune(v.Text()); len(rs) > 0 {
				b.WriteString(fmt.Sprintf(spec+"c", rs[0]))
			}
		default:
			return ast.Null, fail(pos, "printf: unsupported conversion %%%c", conv)
		}
		i = j
	}
	return ast.String(b.String()), nil
}

// groupDigits inserts thousands separators into the first run of digits.
func groupDigits(s string) string {
	start := strings.IndexAny(s, "0123456789")
	if start < 0 {
		return s
	}
	end := start
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	digits := s[start:end]
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return s[:start] + b.String() + s[end:]
}

func splJSONExtractExact(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	j, ok := jsonOf(a[0])
	if !ok {
		return ast.Null, nil
	}
	if len(a) == 1 {
		return jsonText(j), nil
	}
	get := func(k ast.Value) ast.Value {
		if j.Kind() != ast.KindObject {
			return ast.Null
		}
		v, _ := j.AsObject().Get(first(k).Text())
		return jsonValue(v)
	}
	if len(a) == 2 {
		v := get(a[1])
		if v.IsNullish() {
			return ast.Null, nil
		}
		return jsonText(v), nil
	}
	out := make([]ast.Value, len(a)-1)
	for i, k := range a[1:] {
		out[i] = get(k)
	}
	return ast.String(ast.JSON(ast.List(out...))), nil
}

func splJSONHasKeyExact(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	j, ok := jsonOf(a[0])
	if !ok || j.Kind() != ast.KindObject {
		return ast.False, nil
	}
	_, has := j.AsObject().Get(first(a[1]).Text())
	return ast.Bool(has), nil
}

// splJSONArrayToMv: the elements as text, unless the second argument asks for
// their JSON types to be kept; strings lose their quotes either way.
func splJSONArrayToMv(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	j, ok := jsonOf(a[0])
	if !ok || j.Kind() != ast.KindList {
		return ast.Null, nil
	}
	infer := len(a) == 2 && first(a[1]).Truth()
	var out []ast.Value
	for _, e := range j.AsList() {
		switch {
		case e.Kind() == ast.KindString:
			out = append(out, e)
		case e.Kind() == ast.KindList || e.Kind() == ast.KindObject:
			out = append(out, jsonText(e))
		case infer:
			out = append(out, jsonValue(e))
		default:
			out = append(out, ast.String(ast.JSON(e)))
		}
	}
	return mv(out), nil
}
