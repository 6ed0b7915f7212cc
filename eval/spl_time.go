package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/concordsec/concord/ast"
)

// concord evaluates every Splunk time in UTC: the searches it runs have no user
// time zone, and ESCU test data is stamped in UTC.

func (env *Env) now() time.Time {
	if env != nil && env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

// epochTime reads epoch seconds; the fraction is taken to the microsecond,
// Splunk's _time precision, which also absorbs float64 noise (…330.123456 is
// stored as …330.12345600128).
func epochTime(epoch float64) time.Time {
	sec, frac := math.Modf(epoch)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC()
}

// epochValue is a time as Splunk's time functions return it: whole seconds as
// an integer, anything finer as a float.
func epochValue(t time.Time) ast.Value {
	if t.Nanosecond() == 0 {
		return ast.Int(t.Unix())
	}
	return ast.Float(float64(t.Unix()) + float64(t.Nanosecond())/1e9)
}

var (
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// Strftime formats epoch seconds in UTC with the variables of Splunk's "Date and
// time format variables" page: the C strftime set plus %N/%Q subseconds (with
// an optional digit count, %3N), %f microseconds, %s epoch, %Ez and the %:z
// forms. An unknown variable is copied as written.
func Strftime(epoch float64, format string) string {
	t := epochTime(epoch)
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch != '%' || i+1 == len(format) {
			b.WriteByte(ch)
			continue
		}
		start := i
		i++
		width := -1
		if format[i] >= '0' && format[i] <= '9' {
			j := i
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
			width, _ = strconv.Atoi(format[i:j])
			i = j
			if i == len(format) {
				b.WriteString(format[start:])
				break
			}
		}
		colons := 0
		for i < len(format) && format[i] == ':' {
			colons++
			i++
		}
		if i == len(format) {
			b.WriteString(format[start:])
			break
		}
		if colons > 0 && format[i] != 'z' {
			b.WriteString(format[start : i+1])
			continue
		}
		switch format[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", hour12(t))
		case 'l':
			fmt.Fprintf(&b, "%2d", hour12(t))
		case 'p':
			b.WriteString(ampm(t))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'N':
			b.WriteString(subsecond(t, width, 9))
		case 'Q':
			b.WriteString(subsecond(t, width, 3))
		case 'f':
			b.WriteString(subsecond(t, 6, 6))
		case 'b', 'h':
			b.WriteString(shortMonths[t.Month()-1])
		case 'B':
			b.WriteString(longMonths[t.Month()-1])
		case 'a':
			b.WriteString(shortDays[t.Weekday()])
		case 'A':
			b.WriteString(longDays[t.Weekday()])
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			fmt.Fprintf(&b, "%d", wd)
		case 'U':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-int(t.Weekday()))/7)
		case 'W':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
		case 'V':
			_, w := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'G':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%04d", y)
		case 'z':
			// UTC is the only zone concord formats in.
			b.WriteString([...]string{"+0000", "+00:00", "+00:00:00", "+00"}[min(colons, 3)])
		case 'Z':
			b.WriteString("UTC")
		case 'E':
			if i+1 < len(format) && format[i+1] == 'z' {
				i++
				b.WriteString("+0")
			} else {
				b.WriteString(format[start : i+1])
			}
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'T':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'R':
			fmt.Fprintf(&b, "%02d:%02d", t.Hour(), t.Minute())
		case 'r':
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", hour12(t), t.Minute(), t.Second(), ampm(t))
		case 'F':
			fmt.Fprintf(&b, "%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
		case 'D', 'x':
			fmt.Fprintf(&b, "%02d/%02d/%02d", int(t.Month()), t.Day(), t.Year()%100)
		case 'X':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'c':
			// The C locale's "%a %b %e %H:%M:%S %Y" (the docs' "Thu Jul 18 09:30:00 2019").
			fmt.Fprintf(&b, "%s %s %2d %02d:%02d:%02d %04d", shortDays[t.Weekday()], shortMonths[t.Month()-1], t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
		case '+':
			fmt.Fprintf(&b, "%s %s %2d %02d:%02d:%02d UTC %04d", shortDays[t.Weekday()], shortMonths[t.Month()-1], t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteString(format[start : i+1])
		}
	}
	return b.String()
}

func ampm(t time.Time) string {
	if t.Hour() < 12 {
		return "AM"
	}
	return "PM"
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}

// subsecond renders the first width digits of the nanoseconds (def when no
// width was written).
func subsecond(t time.Time, width, def int) string {
	if width < 0 {
		width = def
	}
	s := fmt.Sprintf("%09d", t.Nanosecond())
	if width <= 9 {
		return s[:width]
	}
	return s + strings.Repeat("0", width-9)
}

// Strptime parses s with a Splunk time format and returns epoch seconds. As C's
// strptime, whitespace in the format matches any run of whitespace, numbers may
// have fewer digits than their full width, names match case-insensitively and
// text after the end of the format is ignored. Fields the format does not set
// default to 1970-01-01 00:00:00 UTC.
func Strptime(s, format string) (time.Time, bool) {
	year, month, day := 1970, 1, 1
	hour, minute, sec, nsec := 0, 0, 0, 0
	pm, hasPM, hour12set := false, false, false
	yday := -1
	offset := 0
	var epoch *int64
	pos := 0
	skipSpace := func() {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
	}
	num := func(maxDigits int, signed bool) (int, bool) {
		start := pos
		neg := false
		if signed && pos < len(s) && (s[pos] == '-' || s[pos] == '+') {
			neg = s[pos] == '-'
			pos++
		}
		digits := pos
		for pos < len(s) && pos-digits < maxDigits && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == digits {
			pos = start
			return 0, false
		}
		n, _ := strconv.Atoi(s[digits:pos])
		if neg {
			n = -n
		}
		return n, true
	}
	// triple reads three numbers separated by sep (%T's H:M:S, %F's Y-m-d);
	// the first may have firstDigits digits and a sign.
	triple := func(sep byte, firstDigits int, signed bool) ([3]int, bool) {
		var out [3]int
		var ok bool
		for k := range out {
			digits, sgn := 2, false
			if k == 0 {
				digits, sgn = firstDigits, signed
			} else if pos >= len(s) || s[pos] != sep {
				return out, false
			} else {
				pos++
			}
			if out[k], ok = num(digits, sgn); !ok {
				return out, false
			}
		}
		return out, true
	}
	name := func(names ...[12]string) (int, bool) {
		for _, list := range names {
			for i, n := range list {
				if n != "" && len(s)-pos >= len(n) && strings.EqualFold(s[pos:pos+len(n)], n) {
					pos += len(n)
					return i, true
				}
			}
		}
		return 0, false
	}
	var months, monthsLong, days, daysLong [12]string
	copy(months[:], shortMonths[:])
	copy(monthsLong[:], longMonths[:])
	copy(days[:], shortDays[:])
	copy(daysLong[:], longDays[:])
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if isSpace(ch) {
			skipSpace()
			continue
		}
		if ch != '%' || i+1 == len(format) {
			if pos >= len(s) || s[pos] != ch {
				return time.Time{}, false
			}
			pos++
			continue
		}
		i++
		width := -1
		if format[i] >= '0' && format[i] <= '9' {
			j := i
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
			width, _ = strconv.Atoi(format[i:j])
			i = j
			if i == len(format) {
				return time.Time{}, false
			}
		}
		for i < len(format) && format[i] == ':' { // %:z and friends parse like %z
			i++
		}
		if i == len(format) {
			return time.Time{}, false
		}
		var ok bool
		switch format[i] {
		case 'Y':
			year, ok = num(4, true)
		case 'y':
			var y int
			if y, ok = num(2, false); ok {
				// POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068.
				if y < 69 {
					year = 2000 + y
				} else {
					year = 1900 + y
				}
			}
		case 'm':
			month, ok = num(2, false)
		case 'd', 'e':
			skipSpace()
			day, ok = num(2, false)
		case 'j':
			yday, ok = num(3, false)
		case 'H', 'k':
			skipSpace()
			hour, ok = num(2, false)
		case 'I', 'l':
			skipSpace()
			hour, ok = num(2, false)
			hour12set = true
		case 'M':
			minute, ok = num(2, false)
		case 'S':
			sec, ok = num(2, false)
		case 'N', 'Q', 'f':
			start := pos
			max := width
			if max < 0 {
				max = 9
			}
			for pos < len(s) && pos-start < max && s[pos] >= '0' && s[pos] <= '9' {
				pos++
			}
			if ok = pos > start; ok {
				digits := s[start:pos]
				digits += strings.Repeat("0", 9-min(9, len(digits)))
				nsec, _ = strconv.Atoi(digits[:9])
			}
		case 'p':
			if ok = len(s)-pos >= 2; ok {
				switch strings.ToUpper(s[pos : pos+2]) {
				case "AM":
					pm, hasPM = false, true
				case "PM":
					pm, hasPM = true, true
				default:
					ok = false
				}
				pos += 2
			}
		case 'b', 'h', 'B':
			var m int
			if m, ok = name(monthsLong, months); ok {
				month = m + 1
			}
		case 'a', 'A':
			_, ok = name(daysLong, days)
		case 's':
			var e int
			if e, ok = num(19, true); ok {
				e64 := int64(e)
				epoch = &e64
			}
		case 'z':
			offset, ok = parseZoneOffset(s, &pos)
		case 'Z':
			start := pos
			for pos < len(s) && (isLetter(s[pos])) {
				pos++
			}
			ok = pos > start
			if ok {
				// Zone names other than UTC/GMT/Z would need the tz database and the
				// user's locale; a numeric offset may follow instead.
				if z := strings.ToUpper(s[start:pos]); z != "UTC" && z != "GMT" && z != "Z" {
					if loc, err := time.LoadLocation(s[start:pos]); err == nil {
						_, offset = time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc).Zone()
					}
				}
			}
		case 'T':
			var hms [3]int
			if hms, ok = triple(':', 2, false); ok {
				hour, minute, sec = hms[0], hms[1], hms[2]
			}
		case 'F':
			var ymd [3]int
			if ymd, ok = triple('-', 4, true); ok {
				year, month, day = ymd[0], ymd[1], ymd[2]
			}
		case 'E':
			if i+1 < len(format) && format[i+1] == 'z' {
				i++
				var mins int
				if mins, ok = num(4, true); ok {
					offset = mins * 60
				}
			}
		case 'n', 't':
			skipSpace()
			ok = true
		case '%':
			ok = pos < len(s) && s[pos] == '%'
			pos++
		default:
			return time.Time{}, false
		}
		if !ok {
			return time.Time{}, false
		}
	}
	if epoch != nil {
		return time.Unix(*epoch, int64(nsec)).UTC(), true
	}
	if hour12set || hasPM {
		if hour12set && (hour < 1 || hour > 12) {
			return time.Time{}, false
		}
		hour %= 12
		if pm {
			hour += 12
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if yday > 0 {
		t = time.Date(year, 1, yday, hour, minute, sec, nsec, time.UTC)
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parseZoneOffset reads Z, +hh, +hhmm or +hh:mm and returns seconds east of UTC.
func parseZoneOffset(s string, pos *int) (int, bool) {
	p := *pos
	if p < len(s) && (s[p] == 'Z' || s[p] == 'z') {
		*pos = p + 1
		return 0, true
	}
	if p >= len(s) || (s[p] != '+' && s[p] != '-') {
		return 0, false
	}
	sign := 1
	if s[p] == '-' {
		sign = -1
	}
	p++
	digits := func(n int) (int, bool) {
		if p+n > len(s) {
			return 0, false
		}
		v, err := strconv.Atoi(s[p : p+n])
		if err != nil {
			return 0, false
		}
		p += n
		return v, true
	}
	h, ok := digits(2)
	if !ok {
		return 0, false
	}
	m := 0
	if p < len(s) && s[p] == ':' {
		p++
	}
	if mm, ok := digits(2); ok {
		m = mm
	}
	*pos = p
	return sign * (h*3600 + m*60), true
}

// RelativeTime applies a Splunk relative time specifier ("-1d@d", "+3h",
// "@w1", "-70m@m+5m", "now") to t, as the Search Reference's "Time modifiers"
// page defines them: an optional signed offset with a time unit, then an
// optional snap to the start of a unit, then an optional further offset.
func RelativeTime(t time.Time, spec string) (time.Time, bool) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "now") {
		return t, spec != ""
	}
	rest := spec
	for rest != "" {
		switch rest[0] {
		case '+', '-':
			sign := 1
			if rest[0] == '-' {
				sign = -1
			}
			rest = rest[1:]
			i := 0
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			n := 1
			if i > 0 {
				n, _ = strconv.Atoi(rest[:i])
			}
			rest = rest[i:]
			j := 0
			for j < len(rest) && isLetter(rest[j]) {
				j++
			}
			unit, ok := timeUnit(rest[:j])
			if !ok {
				return t, false
			}
			rest = rest[j:]
			t = addUnits(t, unit, sign*n)
		case '@':
			rest = rest[1:]
			j := 0
			for j < len(rest) && isLetter(rest[j]) {
				j++
			}
			unitText := rest[:j]
			rest = rest[j:]
			weekday := -1
			if strings.EqualFold(unitText, "w") && rest != "" && rest[0] >= '0' && rest[0] <= '7' {
				weekday = int(rest[0]-'0') % 7
				rest = rest[1:]
			}
			unit, ok := timeUnit(unitText)
			if !ok {
				return t, false
			}
			t = snap(t, unit, weekday)
		default:
			return t, false
		}
	}
	return t, true
}

func timeUnit(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "s", "sec", "secs", "second", "seconds":
		return "s", true
	case "m", "min", "mins", "minute", "minutes":
		return "m", true
	case "h", "hr", "hrs", "hour", "hours":
		return "h", true
	case "d", "day", "days":
		return "d", true
	case "w", "week", "weeks":
		return "w", true
	case "mon", "month", "months":
		return "mon", true
	case "q", "qtr", "qtrs", "quarter", "quarters":
		return "q", true
	case "y", "yr", "yrs", "year", "years":
		return "y", true
	}
	return "", false
}

func addUnits(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "s":
		return t.Add(time.Duration(n) * time.Second)
	case "m":
		return t.Add(time.Duration(n) * time.Minute)
	case "h":
		return t.Add(time.Duration(n) * time.Hour)
	case "d":
		return t.AddDate(0, 0, n)
	case "w":
		return t.AddDate(0, 0, 7*n)
	case "mon":
		return t.AddDate(0, n, 0)
	case "q":
		return t.AddDate(0, 3*n, 0)
	}
	return t.AddDate(n, 0, 0)
}

// snap rounds t down to the start of unit; @w0 (or @w) is the last Sunday,
// @w1 the last Monday and so on.
func snap(t time.Time, unit string, weekday int) time.Time {
	y, mo, d := t.Date()
	switch unit {
	case "s":
		return t.Truncate(time.Second)
	case "m":
		return time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, time.UTC)
	case "h":
		return time.Date(y, mo, d, t.Hour(), 0, 0, 0, time.UTC)
	case "d":
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case "w":
		if weekday < 0 {
			weekday = 0
		}
		back := (int(t.Weekday()) - weekday + 7) % 7
		return time.Date(y, mo, d-back, 0, 0, 0, 0, time.UTC)
	case "mon":
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case "q":
		return time.Date(y, mo-(mo-1)%3, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
}

func splNow(env *Env, _ ast.Pos, _ []ast.Value) (ast.Value, error) {
	return ast.Int(env.now().Unix()), nil
}

// splTime is time(): the wall-clock time with microseconds.
func splTime(env *Env, _ ast.Pos, _ []ast.Value) (ast.Value, error) {
	t := env.now()
	return ast.Float(float64(t.UnixMicro()) / 1e6), nil
}

func splStrftime(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	t, ok := splNum(first(a[0]))
	if !ok || a[1].IsNullish() {
		return ast.Null, nil
	}
	return ast.String(Strftime(t, first(a[1]).Text())), nil
}

func splStrptime(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() || a[1].IsNullish() {
		return ast.Null, nil
	}
	t, ok := Strptime(first(a[0]).Text(), first(a[1]).Text())
	if !ok {
		return ast.Null, nil
	}
	return epochValue(t), nil
}

func splRelativeTime(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	f, ok := splNum(first(a[0]))
	if !ok || a[1].IsNullish() {
		return ast.Null, nil
	}
	t, ok := RelativeTime(epochTime(f), first(a[1]).Text())
	if !ok {
		return ast.Null, nil
	}
	return epochValue(t), nil
}
