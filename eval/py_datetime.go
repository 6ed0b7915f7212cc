package eval

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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
//
// The marker starts with a byte that is not UTF-8, so no event can spell it:
// ast's JSON decoder gives invalid UTF-8 as U+FFFD, and a Python str is
// Unicode. An event's dict is a dict, as in Python, and a prefilter need not
// look for stand-ins in the raw text.
const pyObjMarker = "\xff__concord_py_object__"

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
// pyObjTypeName is the class as Python's messages name it.
func pyObjTypeName(class string) string {
	if class == "struct_time" {
		return "time.struct_time"
	}
	return "datetime." + class
}

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

// pyObjectShallow are the builtins that only move values about: a datetime
// inside their dict or list arguments is fine, only one as an argument is not.
var pyObjectShallow = map[string]bool{"py.dict.get": true, "py.dict.items": true, "py.dict.keys": true,
	"py.dict.values": true, "py.len": true, "py.list": true, "py.isinstance": true}

// refuseShallow is refusePyObjects for pyObjectShallow builtins.
func refuseShallow(pos ast.Pos, what string, vs ...ast.Value) error {
	if !pyObjectsMade.Load() {
		return nil
	}
	for _, v := range vs {
		if c := pyObjClass(v); c != "" {
			return unsupportedf(pos, "%s with a %s value", what, c)
		}
	}
	return nil
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
	case cx == "struct_time" || cy == "struct_time":
		return ast.Null, unsupportedf(pos, "struct_time %s", op)
	case op == "+" || op == "-":
		return bad()
	}
	// Other operators: timedelta * int, "%s" % dt and the like are not modelled.
	if cx == "" {
		cx = cy
	}
	return ast.Null, unsupportedf(pos, "%s with a %s", op, pyObjTypeName(cx))
}

// pyDatetimeCompare is <, <=, >, >= between datetimes or between timedeltas.
func pyDatetimeCompare(op ast.CmpOp, a, b ast.Value, pos ast.Pos) (ast.Value, error) {
	ca, cb := pyObjClass(a), pyObjClass(b)
	if ca == "struct_time" || cb == "struct_time" {
		// A struct_time is a tuple; concord keeps only its seconds.
		return ast.Null, unsupportedf(pos, "comparing a struct_time")
	}
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

// pyDatetimeNew is the datetime constructor without tzinfo and fold.
func pyDatetimeNew(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	names := []string{"year", "month", "day", "hour", "minute", "second", "microsecond"}
	vals := make([]int64, len(names))
	for i, n := range names {
		var v ast.Value
		switch kv, inKw := kw[n]; {
		case i < len(a) && inKw:
			return ast.Null, fail(pos, "TypeError: argument for function given by name ('%s') and position (%d)", n, i+1)
		case i < len(a):
			v = a[i]
		case inKw:
			v = kv
		case i < 3:
			return ast.Null, fail(pos, "TypeError: function missing required argument '%s' (pos %d)", n, i+1)
		default:
			continue
		}
		switch v.Kind() {
		case ast.KindInt:
			vals[i] = v.AsInt()
		case ast.KindBool:
			vals[i] = b2i(v.AsBool())
		default:
			return ast.Null, unsupportedf(pos, "datetime(%s=%s)", n, pyType(v))
		}
	}
	y, mo, d, h, mi, sec, us := vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]
	switch {
	case y < 1 || y > 9999:
		return ast.Null, fail(pos, "ValueError: year %d is out of range", y)
	case mo < 1 || mo > 12:
		return ast.Null, fail(pos, "ValueError: month must be in 1..12")
	case d < 1 || d > int64(daysIn(int(y), int(mo))):
		return ast.Null, fail(pos, "ValueError: day is out of range for month")
	case h < 0 || h > 23:
		return ast.Null, fail(pos, "ValueError: hour must be in 0..23")
	case mi < 0 || mi > 59:
		return ast.Null, fail(pos, "ValueError: minute must be in 0..59")
	case sec < 0 || sec > 59:
		return ast.Null, fail(pos, "ValueError: second must be in 0..59")
	case us < 0 || us > 999999:
		return ast.Null, fail(pos, "ValueError: microsecond must be in 0..999999")
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(sec), int(us)*1000, time.UTC)
	return mkDatetime(pos, t.UnixMicro(), false)
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
		fixed("py.datetime.datetime.now", 0, "datetime.now(): naive local time (UTC), from Env.Now", now),
		fixed("py.datetime.datetime.utcnow", 0, "datetime.utcnow()", now),
		withKw("py.datetime.datetime", 0, 7, []string{"year", "month", "day", "hour", "minute", "second", "microsecond"},
			"datetime.datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0), naive, int arguments", pyDatetimeNew),
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

// resolveTimeFormats is panther_base_helpers.TIME_FORMATS, tried in order.
var resolveTimeFormats = []string{
	"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%S*%f%z",
	"%Y %b %d %H:%M:%S.%f %Z", "%b %d %H:%M:%S %z %Y", "%d/%b/%Y:%H:%M:%S %z", "%b %d, %Y %I:%M:%S %p",
	"%b %d %Y %H:%M:%S", "%b %d %H:%M:%S %Y", "%b %d %H:%M:%S %z", "%b %d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
	"%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S,%f",
	"%Y/%m/%d*%H:%M:%S", "%Y %b %d %H:%M:%S.%f*%Z", "%Y %b %d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S,%f%z",
	"%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
	"%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d*%H:%M:%S:%f",
	"%Y-%m-%d*%H:%M:%S", "%y-%m-%d %H:%M:%S,%f %z", "%y-%m-%d %H:%M:%S,%f", "%y-%m-%d %H:%M:%S",
	"%y/%m/%d %H:%M:%S", "%y%m%d %H:%M:%S", "%Y%m%d %H:%M:%S.%f", "%m/%d/%y*%H:%M:%S", "%m/%d/%Y*%H:%M:%S",
	"%m/%d/%Y*%H:%M:%S*%f", "%m/%d/%y %H:%M:%S %z", "%m/%d/%Y %H:%M:%S %z", "%H:%M:%S", "%H:%M:%S.%f",
	"%H:%M:%S,%f", "%d/%b %H:%M:%S,%f", "%d/%b/%Y:%H:%M:%S", "%d/%b/%Y %H:%M:%S", "%d-%b-%Y %H:%M:%S",
	"%d-%b-%Y %H:%M:%S.%f", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M:%S*%f", "%m%d_%H:%M:%S", "%m%d_%H:%M:%S.%f",
	"%m/%d/%Y %I:%M:%S %p:%f", "%m/%d/%Y %I:%M:%S %p",
}

// strptimeDirectives are CPython 3.11 _strptime.TimeRE's patterns for the
// directives the formats use, in the C locale with TZ=UTC (%Z is gmt|utc).
var strptimeDirectives = map[byte]string{
	'd': `(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])`, 'f': `(?P<f>[0-9]{1,6})`, 'H': `(?P<H>2[0-3]|[0-1]\d|\d)`,
	'I': `(?P<I>1[0-2]|0[1-9]|[1-9])`, 'm': `(?P<m>1[0-2]|0[1-9]|[1-9])`, 'M': `(?P<M>[0-5]\d|\d)`,
	'S': `(?P<S>6[0-1]|[0-5]\d|\d)`, 'y': `(?P<y>\d\d)`, 'Y': `(?P<Y>\d\d\d\d)`,
	'z': `(?P<z>[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z))`,
	'b': `(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`, 'Z': `(?P<Z>gmt|utc)`, 'p': `(?P<p>am|pm)`,
}

var strptimeCache sync.Map // format → *regexp.Regexp

// strptimeRegexp is _strptime.TimeRE.pattern: regex characters escaped,
// whitespace runs made \s+, directives replaced; matched ignoring case.
func strptimeRegexp(format string) *regexp.Regexp {
	if re, ok := strptimeCache.Load(format); ok {
		return re.(*regexp.Regexp)
	}
	var b strings.Builder
	b.WriteString(`(?i)^`)
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '%' && i+1 < len(format):
			i++
			b.WriteString(strptimeDirectives[format[i]])
		case c == ' ' || c == '\t':
			for i+1 < len(format) && (format[i+1] == ' ' || format[i+1] == '\t') {
				i++
			}
			b.WriteString(`\s+`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re := regexp.MustCompile(b.String())
	strptimeCache.Store(format, re)
	return re
}

var monthAbbrs = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// strptime is datetime.strptime(s, format) for resolveTimeFormats on
// printable ASCII text: ok is false where CPython raises ValueError, and
// supported false for a result concord does not model (a non-zero offset).
func strptime(s, format string) (us int64, aware, ok, supported bool) {
	re := strptimeRegexp(format)
	m := re.FindStringSubmatchIndex(s)
	if m == nil || m[1] != len(s) {
		return 0, false, false, true
	}
	g := map[string]string{}
	for i, name := range re.SubexpNames() {
		if name != "" && m[2*i] >= 0 {
			g[name] = s[m[2*i]:m[2*i+1]]
		}
	}
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(g[k])); return n }
	year, month, day, hour := 1900, 1, 1, 0
	if _, has := g["y"]; has {
		year = num("y")
		if year <= 68 {
			year += 2000
		} else {
			year += 1900
		}
	}
	if _, has := g["Y"]; has {
		year = num("Y")
	}
	if _, has := g["m"]; has {
		month = num("m")
	}
	if b, has := g["b"]; has {
		month = slices.Index(monthAbbrs, strings.ToLower(b)) + 1
	}
	if _, has := g["d"]; has {
		day = num("d")
	}
	if _, has := g["H"]; has {
		hour = num("H")
	}
	if _, has := g["I"]; has {
		hour = num("I")
		switch strings.ToLower(g["p"]) {
		case "", "am":
			if hour == 12 {
				hour = 0
			}
		case "pm":
			if hour != 12 {
				hour += 12
			}
		}
	}
	minute, second := num("M"), num("S")
	frac := 0
	if f, has := g["f"]; has {
		frac, _ = strconv.Atoi(f + strings.Repeat("0", 6-len(f)))
	}
	if z, has := g["z"]; has {
		zero, valid := strptimeZero(z)
		if !valid {
			return 0, false, false, true
		}
		if !zero {
			return 0, false, false, false
		}
		aware = true
	}
	// Without a year, Feb 29 is computed in 1904 but returned in 1900, which
	// datetime() rejects like the others the regex lets through: day 31 of a
	// short month, year 0, seconds 60 and 61.
	if year < 1 || day > daysIn(year, month) || second > 59 {
		return 0, false, false, true
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, frac*1000, time.UTC)
	return t.UnixMicro(), aware, true, true
}

// strptimeZero follows _strptime's reading of a %z match: valid is false
// where it raises ValueError (inconsistent colons), zero whether the offset
// is 0.
func strptimeZero(z string) (zero, valid bool) {
	if z == "Z" {
		return true, true
	}
	if z[3] == ':' {
		z = z[:3] + z[4:]
		if len(z) > 5 {
			if z[5] != ':' {
				return false, false
			}
			z = z[:5] + z[6:]
		}
	}
	sec := z[5:min(7, len(z))]
	if strings.Trim(sec, "0123456789") != "" {
		return false, false // int(':0')
	}
	rest := ""
	if len(z) > 8 {
		rest = z[8:]
	}
	return strings.Trim(z[1:5]+sec+rest, "0") == "", true
}

// resolveTimestampString is panther_base_helpers.resolve_timestamp_string as
// far as its strptime formats go; the dateutil and epoch fallbacks are not
// modelled.
func resolveTimestampString(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	ts := a[0]
	if !ts.Truth() {
		return ast.Null, nil
	}
	if ts.Kind() != ast.KindString {
		return ast.Null, noAttr(pos, ts, "replace")
	}
	s := strings.ReplaceAll(ts.AsString(), "'", "")
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			// Python's \d and \s know Unicode digits and more spaces than Go's.
			return ast.Null, unsupportedf(pos, "resolve_timestamp_string of non-printable or non-ASCII text")
		}
	}
	for _, f := range resolveTimeFormats {
		us, aware, ok, supported := strptime(s, f)
		if !supported {
			return ast.Null, unsupportedf(pos, "resolve_timestamp_string(%s): a UTC offset other than 0", ts.Repr())
		}
		if ok {
			return mkDatetime(pos, us, aware)
		}
	}
	return ast.Null, unsupportedf(pos, "resolve_timestamp_string(%s) past its strptime formats (dateutil)", ts.Repr())
}

func init() {
	register(fixed("panther.resolve_timestamp_string", 1, "panther_base_helpers.resolve_timestamp_string (strptime formats only)", resolveTimestampString))
	pyObjectOK["panther.resolve_timestamp_string"] = true
}

// time.time(), and time.mktime of a datetime's timetuple(): a struct_time is
// kept as the whole seconds of its datetime's fields, which mktime reads in
// local time (UTC).
func init() {
	ok := func(bs ...*Builtin) {
		for _, b := range bs {
			pyObjectOK[b.Name] = true
		}
		register(bs...)
	}
	ok(
		fixed("py.time.time", 0, "time.time(), from Env.Now", func(env *Env, _ ast.Pos, _ []ast.Value) (ast.Value, error) {
			// _PyTime_AsSecondsDouble: whole seconds exactly, else ns / 1e9.
			ns := env.now().UnixNano()
			if ns%1e9 == 0 {
				return ast.Float(float64(ns / 1e9)), nil
			}
			return ast.Float(float64(ns) / 1e9), nil
		}),
		fixed("py.method.timetuple", 1, "datetime.timetuple()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if pyObjClass(a[0]) != "datetime" {
				return ast.Null, noAttr(pos, a[0], "timetuple")
			}
			us, _ := dtFields(a[0])
			sec := us / usPerSec
			if us%usPerSec < 0 {
				sec--
			}
			return ast.ObjectOf(&ast.Object{Keys: []string{pyObjMarker, "sec"},
				Vals: []ast.Value{ast.String("struct_time"), ast.Int(sec)}}), nil
		}),
		fixed("py.time.mktime", 1, "time.mktime(t) of a timetuple()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if pyObjClass(a[0]) != "struct_time" {
				return ast.Null, unsupportedf(pos, "time.mktime of a %s", pyType(a[0]))
			}
			return ast.Float(float64(a[0].AsObject().Vals[1].AsInt())), nil
		}),
	)
}

var (
	fracRe   = regexp.MustCompile(`\.(\d+)`)
	fracZRe  = regexp.MustCompile(`\.(\d+)Z`)
	fracSub  = regexp.MustCompile(`\.\d+`)
	fracZSub = regexp.MustCompile(`\.\d+Z`)
)

// nanotimeToDatetime is panther_nanotime_to_python_datetime (golang false) and
// golang_nanotime_to_python_datetime (golang true): the first fraction's
// first six digits replace every fraction, then strptime with a fixed format.
func nanotimeToDatetime(pos ast.Pos, v ast.Value, golang bool) (ast.Value, error) {
	if v.Kind() != ast.KindString {
		return ast.Null, fail(pos, "TypeError: expected string or bytes-like object, got '%s'", pyType(v))
	}
	s := v.AsString()
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return ast.Null, unsupportedf(pos, "nanotime of non-printable or non-ASCII text")
		}
	}
	search, sub, repl, format := fracRe, fracSub, ".", "%Y-%m-%d %H:%M:%S.%f"
	if golang {
		search, sub, format = fracZRe, fracZSub, "%Y-%m-%dT%H:%M:%S.%fZ"
	}
	m := search.FindStringSubmatch(s)
	if m == nil {
		return ast.Null, fail(pos, "AttributeError: 'NoneType' object has no attribute 'group'")
	}
	micros := m[1]
	if len(micros) > 6 {
		micros = micros[:6]
	}
	repl += micros
	if golang {
		repl += "Z"
	}
	rounded := sub.ReplaceAllLiteralString(s, repl)
	us, _, ok, _ := strptime(rounded, format)
	if !ok {
		return ast.Null, fail(pos, "ValueError: time data %s does not match format %s", ast.String(rounded).Repr(), ast.String(format).Repr())
	}
	return mkDatetime(pos, us, false)
}

func init() {
	register(
		fixed("panther.panther_nanotime_to_python_datetime", 1, "panther_base_helpers.panther_nanotime_to_python_datetime", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return nanotimeToDatetime(pos, a[0], false)
		}),
		fixed("panther.golang_nanotime_to_python_datetime", 1, "panther_base_helpers.golang_nanotime_to_python_datetime", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return nanotimeToDatetime(pos, a[0], true)
		}),
	)
}

// pyObjRepr is repr() of a datetime (datetime.datetime(Y, M, D, h, m[, s[,
// us]][, tzinfo=datetime.timezone.utc])) or a timedelta (normalized days,
// seconds, microseconds, zero fields left out).
func pyObjRepr(v ast.Value) (string, bool) {
	switch pyObjClass(v) {
	case "datetime":
		us, aware := dtFields(v)
		t := time.UnixMicro(us).UTC()
		s := fmt.Sprintf("datetime.datetime(%d, %d, %d, %d, %d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
		if micro := t.Nanosecond() / 1000; micro != 0 {
			s += fmt.Sprintf(", %d, %d", t.Second(), micro)
		} else if t.Second() != 0 {
			s += fmt.Sprintf(", %d", t.Second())
		}
		if aware {
			s += ", tzinfo=datetime.timezone.utc"
		}
		return s + ")", true
	case "timedelta":
		us := tdUS(v)
		days := us / usPerDay
		rem := us % usPerDay
		if rem < 0 {
			days, rem = days-1, rem+usPerDay
		}
		var parts []string
		if days != 0 {
			parts = append(parts, fmt.Sprintf("days=%d", days))
		}
		if sec := rem / usPerSec; sec != 0 {
			parts = append(parts, fmt.Sprintf("seconds=%d", sec))
		}
		if micro := rem % usPerSec; micro != 0 {
			parts = append(parts, fmt.Sprintf("microseconds=%d", micro))
		}
		return "datetime.timedelta(" + strings.Join(parts, ", ") + ")", true
	}
	return "", false
}

func init() {
	// py_builtins.go registers repr() first (init runs in file name order).
	plain := Builtins["py.repr"]
	register(fixed("py.repr", 1, plain.Doc, func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if s, ok := pyObjRepr(a[0]); ok {
			return ast.String(s), nil
		}
		if err := refusePyObjects(pos, "py.repr", a[0]); err != nil {
			return ast.Null, err
		}
		return plain.Impl(env, pos, a)
	}))
	pyObjectOK["py.repr"] = true
}

// timedelta's normalized attributes (Python docs, datetime.timedelta: "Only
// days, seconds and microseconds are stored internally", with 0 <= seconds <
// 86400 and 0 <= microseconds < 10**6; days carries the sign).
func init() {
	for _, attr := range []struct {
		name string
		get  func(us int64) int64
	}{
		{"days", func(us int64) int64 { return floorDiv(us, usPerDay) }},
		{"seconds", func(us int64) int64 { return floorMod(us, usPerDay) / usPerSec }},
		{"microseconds", func(us int64) int64 { return floorMod(us, usPerSec) }},
	} {
		pyObjectOK["py.attr."+attr.name] = true
		register(fixed("py.attr."+attr.name, 1, "timedelta."+attr.name, func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if pyObjClass(a[0]) != "timedelta" {
				return ast.Null, noAttr(pos, a[0], attr.name)
			}
			return ast.Int(attr.get(tdUS(a[0]))), nil
		}))
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
