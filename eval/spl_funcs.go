package eval

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/concordsec/concord/ast"
)

// Splunk eval functions (Search Reference, "Evaluation functions" and the
// category pages it links to). Rules the functions below share, unless their
// page says otherwise:
//   - a null (or missing) argument makes the result null; coalesce, isnull,
//     isnotnull, typeof, validate, mvappend and the like exist to look at nulls;
//   - field values are strings or numbers ("Informational functions"), and a
//     string that reads as a number is used as one, as eval's comparisons do;
//   - where the pages are silent about multivalue arguments, concord applies a
//     function that transforms text (lower, replace, ...) to every value and
//     gives a function that needs one number or one text the first value.
func init() {
	for _, b := range splBuiltins {
		Builtins[b.Name] = b
	}
}

func splFn(name string, minArgs, maxArgs int, doc string, f impl) *Builtin {
	return &Builtin{Name: "spl." + name, MinArgs: minArgs, MaxArgs: maxArgs, Doc: doc, Impl: f}
}

var splBuiltins = []*Builtin{
	// Comparison and conditional functions.
	splFn("coalesce", 1, -1, "first argument that is not null", splCoalesce),
	splFn("nullif", 2, 2, "null when the two arguments are equal, else the first", splNullif),
	splFn("like", 2, 2, "SQL LIKE with a computed pattern (% any run, _ one character; case-sensitive)", splLike),
	splFn("match", 2, 2, "unanchored regex test with a computed pattern", splMatch),
	splFn("cidrmatch", 2, 2, "IP address in a CIDR subnet", splCidrmatch),
	splFn("validate", 2, -1, "message of the first condition that is not true", splValidate),

	// Informational functions.
	splFn("isbool", 1, 1, "value is a boolean", splIs(func(v ast.Value) bool { return v.Kind() == ast.KindBool })),
	splFn("isint", 1, 1, "value is an integer", splIs(isInt)),
	splFn("isnum", 1, 1, "value is a number", splIs(func(v ast.Value) bool { _, ok := splNum(v); return ok })),
	splFn("isstr", 1, 1, "value is text that is not a number", splIs(func(v ast.Value) bool {
		_, num := splNum(v)
		return v.Kind() == ast.KindString && !num
	})),
	splFn("isdouble", 1, 1, "value is a number with a fractional part", splIs(func(v ast.Value) bool {
		_, num := splNum(v)
		return num && !isInt(v)
	})),
	splFn("isarray", 1, 1, "value is a JSON array (isarray(\"[1, 2, 3]\") is true)", splIs(func(v ast.Value) bool { return isJSONKind(v, ast.KindList) })),
	splFn("isobject", 1, 1, "value is a JSON object", splIs(func(v ast.Value) bool { return isJSONKind(v, ast.KindObject) })),
	splFn("typeof", 1, 1, "Number, String, Boolean, Multivalue or Invalid (null)", splTypeof),

	// Conversion functions.
	splFn("tonumber", 1, 2, "text as a number in a base (2-36); null when it is not one", splTonumber),
	splFn("tostring", 1, 2, `value as text; "hex", "commas" or "duration" format numbers`, splTostring),
	splFn("printf", 1, -1, "C printf formatting", splPrintf),
	splFn("ipmask", 2, 2, "IPv4 address masked by a dotted mask", splIpmask),

	// Date and time functions.
	splFn("now", 0, 0, "the search's start time, epoch seconds", splNow),
	splFn("time", 0, 0, "the wall-clock time, epoch seconds with microseconds", splTime),
	splFn("strftime", 2, 2, "format epoch seconds (UTC)", splStrftime),
	splFn("strptime", 2, 2, "parse a time string into epoch seconds (UTC unless the text has a zone)", splStrptime),
	splFn("relative_time", 2, 2, "apply a relative time specifier such as -1d@d", splRelativeTime),

	// Mathematical functions.
	splFn("abs", 1, 1, "absolute value", splAbs),
	splFn("ceiling", 1, 1, "round up to an integer", splMath1(math.Ceil, true)),
	splFn("ceil", 1, 1, "round up to an integer", splMath1(math.Ceil, true)),
	splFn("floor", 1, 1, "round down to an integer", splMath1(math.Floor, true)),
	splFn("exp", 1, 1, "e to the power", splMath1(math.Exp, false)),
	splFn("ln", 1, 1, "natural logarithm", splMath1(math.Log, false)),
	splFn("sqrt", 1, 1, "square root", splMath1(math.Sqrt, false)),
	splFn("log", 1, 2, "logarithm, base 10 unless given", splLog),
	splFn("pow", 2, 2, "power", splPow),
	splFn("round", 1, 2, "round half away from zero, to an integer or to N decimals", splRound),
	splFn("exact", 1, 1, "the number as computed, without display rounding", splExact),
	splFn("pi", 0, 0, "π", func(*Env, ast.Pos, []ast.Value) (ast.Value, error) { return ast.Float(math.Pi), nil }),
	splFn("random", 0, 0, "pseudo-random integer from 0 to 2^31-1", func(*Env, ast.Pos, []ast.Value) (ast.Value, error) {
		return ast.Int(rand.Int64N(1 << 31)), nil
	}),
	splFn("sum", 1, -1, "sum of the numeric values of the arguments", splSumAvg(false)),

	// Statistical eval functions.
	splFn("avg", 1, -1, "mean of the numeric values of the arguments", splSumAvg(true)),
	splFn("min", 1, -1, "smallest value; numbers sort before strings", splMinMax(-1)),
	splFn("max", 1, -1, "largest value; strings sort after numbers", splMinMax(1)),

	// Trigonometry and hyperbolic functions.
	splFn("acos", 1, 1, "arc cosine", splMath1(math.Acos, false)),
	splFn("acosh", 1, 1, "inverse hyperbolic cosine", splMath1(math.Acosh, false)),
	splFn("asin", 1, 1, "arc sine", splMath1(math.Asin, false)),
	splFn("asinh", 1, 1, "inverse hyperbolic sine", splMath1(math.Asinh, false)),
	splFn("atan", 1, 1, "arc tangent", splMath1(math.Atan, false)),
	splFn("atanh", 1, 1, "inverse hyperbolic tangent", splMath1(math.Atanh, false)),
	splFn("cos", 1, 1, "cosine", splMath1(math.Cos, false)),
	splFn("cosh", 1, 1, "hyperbolic cosine", splMath1(math.Cosh, false)),
	splFn("sin", 1, 1, "sine", splMath1(math.Sin, false)),
	splFn("sinh", 1, 1, "hyperbolic sine", splMath1(math.Sinh, false)),
	splFn("tan", 1, 1, "tangent", splMath1(math.Tan, false)),
	splFn("tanh", 1, 1, "hyperbolic tangent", splMath1(math.Tanh, false)),
	splFn("atan2", 2, 2, "arc tangent of y/x", splMath2(math.Atan2)),
	splFn("hypot", 2, 2, "hypotenuse", splMath2(math.Hypot)),

	// Bitwise functions.
	splFn("bit_and", 2, -1, "bitwise AND", splBits(func(a, b int64) int64 { return a & b })),
	splFn("bit_or", 2, -1, "bitwise OR", splBits(func(a, b int64) int64 { return a | b })),
	splFn("bit_xor", 2, -1, "bitwise XOR", splBits(func(a, b int64) int64 { return a ^ b })),
	splFn("bit_shift_left", 2, 2, "shift left", splBits(func(a, b int64) int64 { return a << uint(b&63) })),
	splFn("bit_not", 1, 2, "bitwise NOT, within a bit mask when given", splBitNot),
	splFn("bit_shift_right", 2, 2, "shift right", splBits(func(a, b int64) int64 { return a >> uint(b&63) })),

	// Operators the lowering turns into calls.
	splFn("+", 2, 2, "addition, or concatenation of two strings", splArith('+')),
	splFn("-", 2, 2, "subtraction", splArith('-')),
	splFn("*", 2, 2, "multiplication", splArith('*')),
	splFn("/", 2, 2, "division; null on division by zero", splArith('/')),
	splFn("%", 2, 2, "remainder; null on division by zero", splArith('%')),
	splFn("xor", 2, 2, "logical exclusive or", splXor),
}

// first is the value a single-value function reads from an argument: the first
// value of a multivalue field.
func first(v ast.Value) ast.Value {
	if v.Kind() == ast.KindList {
		if l := v.AsList(); len(l) > 0 {
			return l[0]
		}
		return ast.Null
	}
	return v
}

// anyNull reports whether any argument is null or missing.
func anyNull(a []ast.Value) bool {
	for _, v := range a {
		if v.IsNullish() {
			return true
		}
	}
	return false
}

// number is a numeric result: an integer when the value is whole and exactly
// representable, as Splunk shows 4/2 as 2.
func number(f float64) ast.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ast.Null
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return ast.Int(int64(f))
	}
	return ast.Float(f)
}

// intOf reads a value as an integer when it is one (an int, or text of digits).
func intOf(v ast.Value) (int64, bool) {
	switch v.Kind() {
	case ast.KindInt:
		return v.AsInt(), true
	case ast.KindString:
		n, err := strconv.ParseInt(strings.TrimSpace(v.AsString()), 10, 64)
		return n, err == nil
	}
	return 0, false
}

func isJSONKind(v ast.Value, k ast.Kind) bool {
	if v.Kind() == k {
		return true
	}
	if v.Kind() != ast.KindString {
		return false
	}
	j, err := ast.ParseJSON([]byte(v.AsString()))
	return err == nil && j.Kind() == k
}

func isInt(v ast.Value) bool {
	_, ok := intOf(v)
	return ok
}

// regexpMemo compiles each distinct pattern once: patterns computed per event
// (an SPL match() on a field, a Python re call in a helper) would otherwise
// compile per event. Only successes are kept, so an error keeps the position
// of the call that hit it; the size bound stops a stream of distinct
// patterns from growing it without end.
type regexpMemo struct {
	m sync.Map // key → *regexp.Regexp
	n atomic.Int64
}

func (c *regexpMemo) get(key string, build func() (*regexp.Regexp, error)) (*regexp.Regexp, error) {
	if v, ok := c.m.Load(key); ok {
		return v.(*regexp.Regexp), nil
	}
	re, err := build()
	if err == nil && c.n.Add(1) < 10000 {
		c.m.Store(key, re)
	}
	return re, err
}

var splPatterns regexpMemo

func cachedRegexp(src string) (*regexp.Regexp, error) {
	return splPatterns.get(src, func() (*regexp.Regexp, error) { return regexp.Compile(src) })
}

func splCoalesce(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	for _, v := range a {
		if !v.IsNullish() {
			return v, nil
		}
	}
	return ast.Null, nil
}

func splNullif(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if eq, _ := compareSPL(ast.Eq, a[0], a[1], pos); eq.Truth() {
		return ast.Null, nil
	}
	return a[0], nil
}

// splLike and splMatch behave as the Match node with Search semantics that the
// constant-pattern forms lower to: every value of a multivalue subject is
// tested, and a null subject does not match (false, not null; the docs say
// these functions return TRUE when the subject matches and FALSE otherwise).
func splLike(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	// Null in, null out, as for a constant pattern (ast.Match, Dialect SPLEval).
	if a[0].IsNullish() || a[1].IsNullish() {
		return ast.Null, nil
	}
	re, err := cachedRegexp("(?s)^" + translateGlob(first(a[1]).Text(), '%', '_') + "$")
	if err != nil {
		return ast.Null, fail(pos, "like: bad pattern %q: %v", first(a[1]).Text(), err)
	}
	return ast.Bool(anyText(a[0], re.MatchString)), nil
}

func splMatch(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	// Null in, null out, as for a constant pattern (ast.Match, Dialect SPLEval).
	if a[0].IsNullish() || a[1].IsNullish() {
		return ast.Null, nil
	}
	re, err := cachedRegexp(first(a[1]).Text())
	if err != nil {
		return ast.Null, fail(pos, "match: bad regex %q: %v", first(a[1]).Text(), err)
	}
	return ast.Bool(anyText(a[0], re.MatchString)), nil
}

// splCidrmatch: a subject that is not an IP address is false, not an error.
func splCidrmatch(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	cidr := strings.TrimSpace(first(a[0]).Text())
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil {
		addr, err := netip.ParseAddr(cidr)
		if err != nil {
			return ast.False, nil
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	prefix = prefix.Masked()
	return ast.Bool(anyText(a[1], func(s string) bool {
		addr, err := netip.ParseAddr(strings.TrimSpace(s))
		return err == nil && prefix.Contains(addr.Unmap())
	})), nil
}

func splValidate(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a)%2 != 0 {
		return ast.Null, fail(pos, "validate takes condition/message pairs")
	}
	for i := 0; i < len(a); i += 2 {
		if !a[i].Truth() {
			return a[i+1], nil
		}
	}
	return ast.Null, nil
}

func splIs(test func(ast.Value) bool) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].IsNullish() {
			return ast.False, nil
		}
		return ast.Bool(test(first(a[0]))), nil
	}
}

func splTypeof(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	v := a[0]
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return ast.String("Invalid"), nil
	case ast.KindList:
		return ast.String("Multivalue"), nil
	case ast.KindBool:
		return ast.String("Boolean"), nil
	}
	if _, ok := splNum(v); ok {
		return ast.String("Number"), nil
	}
	return ast.String("String"), nil
}

// splTonumber: base 2 to 36; a 0x prefix is allowed in base 16; text that is
// not a number in the base is null.
func splTonumber(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	v := first(a[0])
	base := 10
	if len(a) == 2 {
		b, ok := intOf(first(a[1]))
		if !ok || b < 2 || b > 36 {
			return ast.Null, nil
		}
		base = int(b)
	}
	switch v.Kind() {
	case ast.KindInt, ast.KindFloat:
		if base == 10 {
			return v, nil
		}
	case ast.KindString:
	default:
		return ast.Null, nil
	}
	s := strings.TrimSpace(v.Text())
	digits := s
	neg := false
	if strings.HasPrefix(digits, "-") || strings.HasPrefix(digits, "+") {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	if base == 16 {
		if d, ok := strings.CutPrefix(strings.ToLower(digits), "0x"); ok {
			digits = d
		}
	}
	if digits != "" && digits[0] != '+' && digits[0] != '-' {
		if n, err := strconv.ParseInt(digits, base, 64); err == nil {
			if neg {
				n = -n
			}
			return ast.Int(n), nil
		}
	}
	if base == 10 {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return ast.Float(f), nil
		}
	}
	return ast.Null, nil
}

// splTostring follows "Conversion functions": tostring(1==1) is "True",
// tostring(15,"hex") "0xF", tostring(12345.6789,"commas") "12,345.68",
// tostring(615,"duration") "00:10:15". A format only applies to numbers.
func splTostring(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	format := ""
	if len(a) == 2 {
		format = strings.ToLower(first(a[1]).Text())
	}
	conv := func(v ast.Value) ast.Value {
		if v.Kind() == ast.KindBool {
			if v.AsBool() {
				return ast.String("True")
			}
			return ast.String("False")
		}
		f, isNum := splNum(v)
		if !isNum || format == "" {
			return ast.String(v.Text())
		}
		switch format {
		case "hex":
			n := int64(f)
			if n < 0 {
				return ast.String("-0x" + strings.ToUpper(strconv.FormatInt(-n, 16)))
			}
			return ast.String("0x" + strings.ToUpper(strconv.FormatInt(n, 16)))
		case "commas":
			return ast.String(commas(f))
		case "duration":
			return ast.String(duration(f))
		}
		return ast.String(v.Text())
	}
	if a[0].Kind() == ast.KindList {
		vs := a[0].AsList()
		out := make([]ast.Value, len(vs))
		for i, v := range vs {
			out[i] = conv(v)
		}
		return mv(out), nil
	}
	return conv(a[0]), nil
}

// commas groups the integer part by thousands; a number with a fraction is
// rounded to two decimals.
func commas(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	var intPart, frac string
	if f == math.Trunc(f) {
		intPart = strconv.FormatFloat(f, 'f', 0, 64)
	} else {
		s := strconv.FormatFloat(f, 'f', 2, 64)
		intPart, frac, _ = strings.Cut(s, ".")
		frac = "." + frac
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteString(frac)
	return b.String()
}

// duration renders seconds as [D+]HH:MM:SS, with microseconds when the value
// has a fraction.
func duration(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	whole := int64(f)
	days, rem := whole/86400, whole%86400
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if days > 0 {
		b.WriteString(strconv.FormatInt(days, 10) + "+")
	}
	b.WriteString(pad2(rem/3600) + ":" + pad2(rem%3600/60) + ":" + pad2(rem%60))
	if frac := f - float64(whole); frac > 0 {
		b.WriteString(strconv.FormatFloat(frac, 'f', 6, 64)[1:])
	}
	return b.String()
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func splIpmask(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	mask, err1 := netip.ParseAddr(strings.TrimSpace(first(a[0]).Text()))
	ip, err2 := netip.ParseAddr(strings.TrimSpace(first(a[1]).Text()))
	if err1 != nil || err2 != nil || !mask.Is4() || !ip.Is4() {
		return ast.Null, nil
	}
	m, p := mask.As4(), ip.As4()
	for i := range p {
		p[i] &= m[i]
	}
	return ast.String(netip.AddrFrom4(p).String()), nil
}

func num1(a []ast.Value) (float64, bool) {
	if a[0].IsNullish() {
		return 0, false
	}
	return splNum(first(a[0]))
}

func splAbs(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	v := first(a[0])
	if n, ok := intOf(v); ok {
		if n < 0 {
			n = -n
		}
		return ast.Int(n), nil
	}
	f, ok := num1(a)
	if !ok {
		return ast.Null, nil
	}
	return ast.Float(math.Abs(f)), nil
}

// splMath1 applies f to one number; integral results are integers when whole
// is set (ceiling, floor), otherwise only when they happen to be whole.
func splMath1(f func(float64) float64, whole bool) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		x, ok := num1(a)
		if !ok {
			return ast.Null, nil
		}
		r := f(x)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return ast.Null, nil
		}
		if whole {
			return number(r), nil
		}
		return ast.Float(r), nil
	}
}

func splMath2(f func(float64, float64) float64) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if anyNull(a) {
			return ast.Null, nil
		}
		x, ok1 := splNum(first(a[0]))
		y, ok2 := splNum(first(a[1]))
		if !ok1 || !ok2 {
			return ast.Null, nil
		}
		r := f(x, y)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return ast.Null, nil
		}
		return ast.Float(r), nil
	}
}

func splLog(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	x, ok := num1(a)
	if !ok || x <= 0 {
		return ast.Null, nil
	}
	base := 10.0
	if len(a) == 2 {
		b, ok := splNum(first(a[1]))
		if !ok || b <= 0 || b == 1 {
			return ast.Null, nil
		}
		base = b
	}
	return ast.Float(math.Log(x) / math.Log(base)), nil
}

func splPow(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	x, ok1 := splNum(first(a[0]))
	y, ok2 := splNum(first(a[1]))
	if !ok1 || !ok2 {
		return ast.Null, nil
	}
	_, xi := intOf(first(a[0]))
	_, yi := intOf(first(a[1]))
	r := math.Pow(x, y)
	if xi && yi && y >= 0 {
		return number(r), nil
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return ast.Null, nil
	}
	return ast.Float(r), nil
}

// splRound rounds half away from zero ("Mathematical functions": round(3.5)
// is 4); with no precision the result is an integer.
func splRound(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	x, ok := num1(a)
	if !ok {
		return ast.Null, nil
	}
	digits := int64(0)
	if len(a) == 2 {
		if a[1].IsNullish() {
			return ast.Null, nil
		}
		d, ok := splNum(first(a[1]))
		if !ok {
			return ast.Null, nil
		}
		digits = int64(d)
	}
	if digits <= 0 {
		p := math.Pow(10, float64(-digits))
		return number(math.Round(x/p) * p), nil
	}
	p := math.Pow(10, float64(digits))
	r := math.Round(x*p) / p
	// Rounding through the decimal text avoids 2.675 → 2.67 style binary artefacts
	// turning into 2.6799999.
	r, _ = strconv.ParseFloat(strconv.FormatFloat(r, 'f', int(digits), 64), 64)
	return ast.Float(r), nil
}

func splExact(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	v := first(a[0])
	if _, ok := v.Number(); ok {
		return v, nil
	}
	f, ok := num1(a)
	if !ok {
		return ast.Null, nil
	}
	return number(f), nil
}

// numericArgs flattens the arguments' values and keeps those that read as numbers.
func numericArgs(a []ast.Value) []float64 {
	var out []float64
	for _, v := range a {
		for _, e := range values(v) {
			if f, ok := splNum(e); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// splSumAvg: arguments that are missing or not numbers are skipped ("Statistical
// eval functions", avg); no number at all is null.
func splSumAvg(avg bool) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		ns := numericArgs(a)
		if len(ns) == 0 {
			return ast.Null, nil
		}
		var s float64
		for _, n := range ns {
			s += n
		}
		if avg {
			s /= float64(len(ns))
		}
		return number(s), nil
	}
}

// splMinMax: numbers compare numerically, strings lexicographically, and every
// string is greater than every number ("Statistical eval functions": "Strings
// are greater than numbers"). Null arguments are skipped.
func splMinMax(sign int) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		var best ast.Value
		found := false
		for _, v := range a {
			for _, e := range values(v) {
				if !found || sign*cmpMixed(e, best) > 0 {
					best, found = e, true
				}
			}
		}
		if !found {
			return ast.Null, nil
		}
		return best, nil
	}
}

// cmpMixed orders values as eval's min/max do: numbers first, numerically,
// then strings, lexicographically.
func cmpMixed(a, b ast.Value) int {
	an, aok := splNum(a)
	bn, bok := splNum(b)
	switch {
	case aok && bok:
		return cmpFloat(an, bn)
	case aok:
		return -1
	case bok:
		return 1
	}
	return strings.Compare(a.Text(), b.Text())
}

func splBits(f func(a, b int64) int64) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if anyNull(a) {
			return ast.Null, nil
		}
		acc, ok := intOf(first(a[0]))
		if !ok {
			return ast.Null, nil
		}
		for _, v := range a[1:] {
			n, ok := intOf(first(v))
			if !ok {
				return ast.Null, nil
			}
			acc = f(acc, n)
		}
		return ast.Int(acc), nil
	}
}

// splArith implements eval's arithmetic operators ("Operators" in "Evaluation
// functions"): null in, null out; + adds numbers and concatenates two strings;
// the other operators need numbers (anything else is null); integers stay
// integers except under /, and division or remainder by zero is null.
func splArith(op byte) impl {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if anyNull(a) {
			return ast.Null, nil
		}
		x, xok := splNum(a[0])
		y, yok := splNum(a[1])
		if !xok || !yok {
			if op == '+' && a[0].Kind() == ast.KindString && a[1].Kind() == ast.KindString {
				return ast.String(a[0].AsString() + a[1].AsString()), nil
			}
			return ast.Null, nil
		}
		xi, xint := intOf(a[0])
		yi, yint := intOf(a[1])
		if xint && yint {
			switch op {
			case '+':
				return ast.Int(xi + yi), nil
			case '-':
				return ast.Int(xi - yi), nil
			case '*':
				if xi == 0 || (xi*yi)/xi == yi {
					return ast.Int(xi * yi), nil
				}
			case '%':
				if yi == 0 {
					return ast.Null, nil
				}
				return ast.Int(xi % yi), nil
			}
		}
		var r float64
		switch op {
		case '+':
			r = x + y
		case '-':
			r = x - y
		case '*':
			r = x * y
		case '/':
			if y == 0 {
				return ast.Null, nil
			}
			r = x / y
		case '%':
			if y == 0 {
				return ast.Null, nil
			}
			r = math.Mod(x, y)
		}
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return ast.Null, nil
		}
		if op == '/' || !(xint && yint) {
			return ast.Float(r), nil
		}
		return number(r), nil
	}
}

// splXor is true when exactly one side is true; a null side counts as false,
// as it does for AND and OR in where.
func splXor(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	return ast.Bool(a[0].Truth() != a[1].Truth()), nil
}

func splBitNot(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	x, ok := intOf(first(a[0]))
	if !ok {
		return ast.Null, nil
	}
	r := ^x
	if len(a) == 2 {
		mask, ok := intOf(first(a[1]))
		if !ok {
			return ast.Null, nil
		}
		r &= mask
	}
	return ast.Int(r), nil
}
