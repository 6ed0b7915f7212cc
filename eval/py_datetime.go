package eval

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/concordsec/concord/ast"
)

// Python objects that are neither JSON values nor lookup objects (datetime,
// timedelta) are ast.Objects whose first key is pyObjMarker, naming the class.
// Everything else in concord would take them for dicts, so the builtins that
// do not declare they know them (pyObjectOK) refuse them as unsupported
// instead of answering as for a dict, and so do f-strings, subscripts and `in`.
//
// A datetime is its microseconds since 1970-01-01 00:00 (wall time when
// naive) and whether it is aware; concord makes only UTC-aware datetimes, so
// equal values have equal representations and ast.Equal is Python's ==
// (a naive and an aware datetime are unequal, not an error). A timedelta is
// its microseconds; concord never makes a zero timedelta, whose truth value is
// False while a non-empty ast.Object is true.
//
// concord's local time zone is UTC (Panther runs rules on AWS Lambda, TZ=UTC):
// it is what a naive datetime's timestamp() and strftime("%s") assume.
const pyObjMarker = "__concord_py_object__"

// pyObjectsMade: some evaluation has made a datetime or timedelta, so the
// guards have to look (module constants may be made outside a test's Env).
var pyObjectsMade atomic.Bool

// pyObjectOK are the builtins that accept datetime and timedelta arguments.
var pyObjectOK = map[string]bool{}

func pyObjClass(v ast.Value) string {
	if v.Kind() != ast.KindObject {
		return ""
	}
	o := v.AsObject()
	if len(o.Keys) == 0 || o.Keys[0] != pyObjMarker {
		return ""
	}
	return o.Vals[0].AsString()
}

// containsPyObject finds a datetime or timedelta in v, looking into lists and dicts.
func containsPyObject(v ast.Value) string {
	switch v.Kind() {
	case ast.KindList:
		for _, e := range v.AsList() {
			if c := containsPyObject(e); c != "" {
				return c
			}
		}
	case ast.KindObject:
		if c := pyObjClass(v); c != "" {
			return c
		}
		for _, e := range v.AsObject().Vals {
			if c := containsPyObject(e); c != "" {
				return c
			}
		}
	}
	return ""
}

// refusePyObjects is the guard for everything that does not know these objects;
// it only looks once the evaluation has made one.
func refusePyObjects(pos ast.Pos, what string, vs ...ast.Value) error {
	if !pyObjectsMade.Load() {
		return nil
	}
	for _, v := range vs {
		if c := containsPyObject(v); c != "" {
			return unsupportedf(pos, "%s with a %s value", what, c)
		}
	}
	return nil
}

const (
	usPerSec = int64(1_000_000)
	usPerDay = 86400 * usPerSec
)

// datetime.MINYEAR..MAXYEAR as microseconds since the epoch.
var (
	minDatetimeUS = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxDatetimeUS = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()
)

func mkDatetime(pos ast.Pos, us int64, aware bool) (ast.Value, error) {
	if us < minDatetimeUS || us > maxDatetimeUS {
		return ast.Null, fail(pos, "OverflowError: date value out of range")
	}
	pyObjectsMade.Store(true)
	return ast.ObjectOf(&ast.Object{Keys: []string{pyObjMarker, "us", "aware"},
		Vals: []ast.Value{ast.String("datetime"), ast.Int(us), ast.Bool(aware)}}), nil
}

// maxTimedeltaUS keeps sums of timedeltas and datetimes far from int64
// overflow; Python allows up to 999999999 days, concord models less.
const maxTimedeltaUS = 100_000_000 * usPerDay

func mkTimedelta(pos ast.Pos, us int64) (ast.Value, error) {
	if us == 0 {
		return ast.Null, unsupportedf(pos, "a zero timedelta (its truth value)")
	}
	if us > maxTimedeltaUS || us < -maxTimedeltaUS {
		return ast.Null, unsupportedf(pos, "a timedelta beyond 100000000 days")
	}
	pyObjectsMade.Store(true)
	return ast.ObjectOf(&ast.Object{Keys: []string{pyObjMarker, "us"},
		Vals: []ast.Value{ast.String("timedelta"), ast.Int(us)}}), nil
}

func dtFields(v ast.Value) (us int64, aware bool) {
	o := v.AsObject()
	return o.Vals[1].AsInt(), o.Vals[2].AsBool()
}

func tdUS(v ast.Value) int64 { return v.AsObject().Vals[1].AsInt() }

func digits(s string, n int) (int, bool) {
	if len(s) < n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

// fromisoformat parses the part of Python 3.11's datetime.fromisoformat
// grammar that logs use: YYYY-MM-DD, optionally 'T' or ' ' then HH:MM:SS,
// optionally '.' or ',' and one or more digits (beyond six dropped), then
// optionally Z, +00:00 or -00:00. Anything else (other offsets, week dates,
// reduced times, invalid values) is unsupported rather than guessed.
func fromisoformat(s string) (us int64, aware bool, ok bool) {
	y, ok1 := digits(s, 4)
	if !ok1 || len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false, false
	}
	mo, ok2 := digits(s[5:], 2)
	d, ok3 := digits(s[8:], 2)
	if !ok2 || !ok3 || y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false, false
	}
	var h, mi, sec, frac int
	rest := s[10:]
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' || len(rest) < 9 || rest[3] != ':' || rest[6] != ':' {
			return 0, false, false
		}
		var okh, okm, oks bool
		h, okh = digits(rest[1:], 2)
		mi, okm = digits(rest[4:], 2)
		sec, oks = digits(rest[7:], 2)
		if !okh || !okm || !oks || h > 23 || mi > 59 || sec > 59 {
			return 0, false, false
		}
		rest = rest[9:]
		if rest != "" && (rest[0] == '.' || rest[0] == ',') {
			n := 1
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			if n == 1 {
				return 0, false, false
			}
			f := rest[1:n]
			if len(f) > 6 {
				f = f[:6]
			}
			f += strings.Repeat("0", 6-len(f))
			frac, _ = strconv.Atoi(f)
			rest = rest[n:]
		}
		switch rest {
		case "":
		case "Z", "+00:00", "-00:00":
			aware = true
		default:
			return 0, false, false
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, frac*1000, time.UTC)
	return t.UnixMicro(), aware, true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// pyDatetimeArith is +, - and the orderings' operand checks for datetime and
// timedelta, as the datetime module defines them.
func pyDatetimeArith(op string, x, y ast.Value, pos ast.Pos) (ast.Value, error) {
	cx, cy := pyObjClass(x), pyObjClass(y)
	bad := func() (ast.Value, error) {
		return ast.Null, fail(pos, "TypeError: unsupported operand type(s) for %s: '%s' and '%s'", op, pyType(x), pyType(y))
	}
	switch {
	case op == "+" && cx == "datetime" && cy == "timedelta":
		us, aware := dtFields(x)
		return mkDatetime(pos, us+tdUS(y), aware)
	case op == "+" && cx == "timedelta" && cy == "datetime":
		us, aware := dtFields(y)
		return mkDatetime(pos, us+tdUS(x), aware)
	case op == "-" && cx == "datetime" && cy == "timedelta":
		us, aware := dtFields(x)
		return mkDatetime(pos, us-tdUS(y), aware)
	case op == "-" && cx == "datetime" && cy == "datetime":
		a, aa := dtFields(x)
		b, ba := dtFields(y)
		if aa != ba {
			return ast.Null, fail(pos, "TypeError: can't subtract offset-naive and offset-aware datetimes")
		}
		return mkTimedelta(pos, a-b)
	case (op == "+" || op == "-") && cx == "timedelta" && cy == "timedelta":
		if op == "+" {
			return mkTimedelta(pos, tdUS(x)+tdUS(y))
		}
		return mkTimedelta(pos, tdUS(x)-tdUS(y))
	case cx != "" && cy != "" || op == "+" || op == "-":
		return bad()
	}
	// *, /, //, % with a timedelta and a number are not modelled.
	if (cx == "timedelta" || cy == "timedelta") && (op == "*" || op == "/" || op == "//" || op == "%") {
		return ast.Null, unsupportedf(pos, "timedelta %s", op)
	}
	return bad()
}

// pyDatetimeCompare is <, <=, >, >= between datetimes or between timedeltas.
func pyDatetimeCompare(op ast.CmpOp, a, b ast.Value, pos ast.Pos) (ast.Value, error) {
	ca, cb := pyObjClass(a), pyObjClass(b)
	if ca != cb {
		return ast.Null, fail(pos, "TypeError: '%s' not supported between instances of '%s' and '%s'", op, pyType(a), pyType(b))
	}
	var x, y int64
	if ca == "datetime" {
		var aa, ba bool
		x, aa = dtFields(a)
		y, ba = dtFields(b)
		if aa != ba {
			return ast.Null, fail(pos, "TypeError: can't compare offset-naive and offset-aware datetimes")
		}
	} else {
		x, y = tdUS(a), tdUS(b)
	}
	r := 0
	if x < y {
		r = -1
	} else if x > y {
		r = 1
	}
	return ast.Bool(ordered(op, r)), nil
}

// strftime formats the directives whose output does not depend on the locale
// or the platform beyond glibc's %s; others are unsupported.
func strftime(pos ast.Pos, us int64, aware bool, format string) (ast.Value, error) {
	t := time.UnixMicro(us).UTC()
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return ast.Null, unsupportedf(pos, "strftime with a trailing %%")
		}
		i++
		switch format[i] {
		case 'Y':
			if t.Year() < 1000 {
				return ast.Null, unsupportedf(pos, "strftime %%Y before year 1000")
			}
			b.WriteString(strconv.Itoa(t.Year()))
		case 'm':
			b.WriteString(pad2(int64(t.Month())))
		case 'd':
			b.WriteString(pad2(int64(t.Day())))
		case 'H':
			b.WriteString(pad2(int64(t.Hour())))
		case 'M':
			b.WriteString(pad2(int64(t.Minute())))
		case 'S':
			b.WriteString(pad2(int64(t.Second())))
		case 'f':
			s := strconv.Itoa(t.Nanosecond() / 1000)
			b.WriteString(strings.Repeat("0", 6-len(s)) + s)
		case 's':
			// glibc: mktime() of the fields in the local time zone (UTC).
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'z':
			if aware {
				b.WriteString("+0000")
			}
		case '%':
			b.WriteByte('%')
		default:
			return ast.Null, unsupportedf(pos, "strftime directive %%%c", format[i])
		}
	}
	return ast.String(b.String()), nil
}

// timedeltaKw are timedelta's parameters in positional order with their
// size in microseconds.
var timedeltaKw = []struct {
	name string
	us   int64
}{{"days", usPerDay}, {"seconds", usPerSec}, {"microseconds", 1}, {"milliseconds", 1000},
	{"minutes", 60 * usPerSec}, {"hours", 3600 * usPerSec}, {"weeks", 7 * usPerDay}}

func pyTimedelta(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	vals := map[string]ast.Value{}
	for i, v := range a {
		vals[timedeltaKw[i].name] = v
	}
	for i, p := range timedeltaKw {
		if v, ok := kw[p.name]; ok {
			if i < len(a) {
				return ast.Null, fail(pos, "TypeError: argument for timedelta() given by name ('%s') and position (%d)", p.name, i+1)
			}
			vals[p.name] = v
		}
	}
	var total int64
	for _, p := range timedeltaKw {
		v, ok := vals[p.name]
		if !ok {
			continue
		}
		switch v.Kind() {
		case ast.KindInt:
		case ast.KindBool:
			v = ast.Int(b2i(v.AsBool()))
		case ast.KindFloat:
			return ast.Null, unsupportedf(pos, "timedelta(%s=float) (rounding)", p.name)
		default:
			return ast.Null, fail(pos, "TypeError: unsupported type for timedelta %s component: %s", p.name, pyType(v))
		}
		n := v.AsInt()
		if n > maxTimedeltaUS/p.us || n < -maxTimedeltaUS/p.us {
			return ast.Null, unsupportedf(pos, "a timedelta beyond 100000000 days")
		}
		total += n * p.us
	}
	return mkTimedelta(pos, total)
}

func pyDatetimeTimestamp(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if pyObjClass(a[0]) != "datetime" {
		return ast.Null, noAttr(pos, a[0], "timestamp")
	}
	us, aware := dtFields(a[0])
	if aware {
		// (self - _EPOCH).total_seconds(): int microseconds / 10**6, correctly
		// rounded, as float64(us)/1e6 is below 2**53 microseconds.
		return ast.Float(float64(us) / 1e6), nil
	}
	// The C implementation for a naive datetime: its local time (UTC) in whole
	// seconds since the epoch, plus microsecond / 1e6, in double.
	sec, micro := us/usPerSec, us%usPerSec
	if micro < 0 {
		sec, micro = sec-1, micro+usPerSec
	}
	return ast.Float(float64(sec) + float64(micro)/1e6), nil
}

func init() {
	ok := func(bs ...*Builtin) {
		for _, b := range bs {
			pyObjectOK[b.Name] = true
		}
		register(bs...)
	}
	fromIso := func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].Kind() != ast.KindString {
			return ast.Null, fail(pos, "TypeError: fromisoformat: argument must be str")
		}
		us, aware, good := fromisoformat(a[0].AsString())
		if !good {
			return ast.Null, unsupportedf(pos, "datetime.fromisoformat(%s)", a[0].Repr())
		}
		return mkDatetime(pos, us, aware)
	}
	now := func(env *Env, pos ast.Pos, _ []ast.Value) (ast.Value, error) {
		// now() and utcnow() are naive; with local time UTC both are the UTC wall time.
		return mkDatetime(pos, env.now().UnixMicro(), false)
	}
	ok(
		fixed("py.datetime.datetime.fromisoformat", 1, "datetime.fromisoformat(s) (see fromisoformat)", fromIso),
		fixed("py.datetime.fromisoformat", 1, "datetime.fromisoformat(s), from datetime import datetime", fromIso),
		fixed("py.datetime.datetime.now", 0, "datetime.now(): naive local time (UTC), from Env.Now", now),
		fixed("py.datetime.now", 0, "datetime.now(), from datetime import datetime", now),
		fixed("py.datetime.datetime.utcnow", 0, "datetime.utcnow()", now),
		fixed("py.datetime.utcnow", 0, "datetime.utcnow(), from datetime import datetime", now),
		withKw("py.datetime.timedelta", 0, 7, []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"},
			"datetime.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks), int arguments", pyTimedelta),
		fixed("py.method.timestamp", 1, "datetime.timestamp()", pyDatetimeTimestamp),
		fixed("py.method.total_seconds", 1, "timedelta.total_seconds()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if pyObjClass(a[0]) != "timedelta" {
				return ast.Null, noAttr(pos, a[0], "total_seconds")
			}
			return ast.Float(float64(tdUS(a[0])) / 1e6), nil
		}),
		fixed("py.method.strftime", 2, "datetime.strftime(format)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if pyObjClass(a[0]) != "datetime" {
				return ast.Null, noAttr(pos, a[0], "strftime")
			}
			if a[1].Kind() != ast.KindString {
				return ast.Null, fail(pos, "TypeError: strftime() argument 1 must be str, not %s", pyType(a[1]))
			}
			us, aware := dtFields(a[0])
			return strftime(pos, us, aware, a[1].AsString())
		}),
	)
	// The operators (pyArith dispatches to pyDatetimeArith); ==, `is None` and
	// bool() need nothing beyond the representation.
	for _, name := range []string{"add", "sub", "mul", "truediv", "floordiv", "mod", "bitor", "bitand", "bitxor", "pow", "bool", "is"} {
		pyObjectOK["py."+name] = true
	}
}
