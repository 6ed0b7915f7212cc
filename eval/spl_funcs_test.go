package eval_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

// render shows a result with its type: 2 is an integer, 2.0 a float, "2" text,
// [a, b] a multivalue field, null null or missing.
func render(v ast.Value) string {
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return "null"
	case ast.KindInt:
		return strconv.FormatInt(v.AsInt(), 10)
	case ast.KindFloat:
		s := strconv.FormatFloat(v.AsFloat(), 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case ast.KindString:
		return strconv.Quote(v.AsString())
	case ast.KindList:
		parts := make([]string, len(v.AsList()))
		for i, e := range v.AsList() {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.Text()
}

// fixedNow is the search time the tests run at: Friday 2024-03-15 13:45:30.25 UTC.
var fixedNow = time.Date(2024, 3, 15, 13, 45, 30, 250_000_000, time.UTC)

const splRecord = `{
	"_time": 1710510330, "s": "Hello World", "n": "42", "f": "3.5", "neg": -7, "zero": 0,
	"mv": ["b", "a", "c", "a"], "nums": ["10", "9", "100"], "one": ["x"],
	"ip": "10.1.2.3", "ips": ["192.168.0.1", "10.9.9.9"], "ip6": "2001:db8::1",
	"empty": "", "nul": null, "up": "ABC", "csv": "a,b,,c", "pad": "  x \t",
	"date": "2024-03-15 13:45:30",
	"url": "http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader",
	"json": "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]},\"k\":\"v\",\"l\":[{\"id\":1},{\"id\":2}]}",
	"emails": ["a@x.net", "b@y.org", "c@z.com"], "targets": ["AppInstance one", "User two"]
}`

func evalSPL(t *testing.T, expr string) (ast.Value, error) {
	t.Helper()
	x, errs := spl.ParseEval("t.spl", ast.Pos{Line: 1, Col: 1}, expr)
	if len(errs) > 0 {
		t.Fatalf("parse %s: %v", expr, errs)
	}
	p, errs := eval.Compile(x, ast.KeysExact)
	if len(errs) > 0 {
		t.Fatalf("compile %s: %v", expr, errs)
	}
	rec, err := ast.ParseJSON([]byte(splRecord))
	if err != nil {
		t.Fatal(err)
	}
	return p.Eval(&eval.Env{Record: rec, Now: func() time.Time { return fixedNow }})
}

type splCase struct{ expr, want string }

func runSPLCases(t *testing.T, cases []splCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			v, err := evalSPL(t, tc.expr)
			got := render(v)
			if err != nil {
				got = "error: " + err.Error()
			}
			if strings.HasPrefix(tc.want, "error: ") {
				if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "error: ")) {
					t.Errorf("got %s, want %s", got, tc.want)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Comparison and conditional functions (Search Reference, "Comparison and
// Conditional functions").
func TestSPLConditional(t *testing.T) {
	runSPLCases(t, []splCase{
		// if(X,Y,Z): a null condition is not true, so the else branch is taken.
		{`if(n > 40, "big", "small")`, `"big"`},
		{`if(nosuch > 40, "big", "small")`, `"small"`},
		// case(X1,Y1,...): the first true condition wins; none true is null.
		{`case(n < 10, "low", n < 100, "mid", true(), "high")`, `"mid"`},
		{`case(n < 10, "low")`, `null`},
		// coalesce returns the first non-null argument; "" is a value, not null.
		{`coalesce(nosuch, nul, empty, s)`, `""`},
		{`coalesce(nosuch, s)`, `"Hello World"`},
		{`coalesce(nosuch, nul)`, `null`},
		// nullif(X,Y) is null when X equals Y, else X.
		{`nullif(n, 42)`, `null`},
		{`nullif(n, 41)`, `"42"`},
		// like: % any run, _ one character, case-sensitive; a computed pattern too.
		{`like(s, "Hello%")`, `true`},
		{`like(s, "hello%")`, `false`},
		{`like(s, "Hell_ World")`, `true`},
		{`like(s, up . "%")`, `false`},
		{`like(up, "A" . "%")`, `true`},
		// Null in, null out, as for most eval functions (concord's reading of
		// "Evaluation functions"; the like/match pages do not say).
		{`like(nosuch, "A" . "%")`, `null`},
		{`match(nosuch, "A" . "%")`, `null`},
		// like and match on a multivalue field: the docs do not say; concord tests
		// every value, as eval's comparisons do.
		{`like(mv, "c")`, `true`},
		{`match(emails, "\.org$")`, `true`},
		// match is an unanchored, case-sensitive regex; a number matches by its text.
		{`match(s, "lo W")`, `true`},
		{`match(s, "^World")`, `false`},
		{`match(s, "(?i)^hello")`, `true`},
		{`match(neg, "^-7$")`, `true`},
		{`match(s, "o" . " W")`, `true`},
		// A missing field gives null (how NOT treats that null is not settled:
		// the docs do not say, so no test claims it).
		{`match(nosuch, "x")`, `null`},
		// cidrmatch("X",Y): IPv4 and IPv6; a non-address is false.
		{`cidrmatch("10.0.0.0/8", ip)`, `true`},
		{`cidrmatch("192.168.0.0/16", ip)`, `false`},
		{`cidrmatch("192.168.0.0/16", ips)`, `true`},
		{`cidrmatch("2001:db8::/32", ip6)`, `true`},
		{`cidrmatch("10.0.0.0/8", s)`, `false`},
		// in(field, values...) compares like =.
		{`in(n, "1", "42")`, `true`},
		{`in(up, "abc")`, `false`},
		// validate returns the message of the first condition that is not true.
		{`validate(isnum(n), "n not a number", n < 10, "n too big")`, `"n too big"`},
		{`validate(isnum(n), "n not a number")`, `null`},
		// searchmatch(<search_str>) runs the string as a search on the event: values
		// are matched case-insensitively and with wildcards, bare words in _raw.
		{`searchmatch("up=abc")`, `true`},
		{`searchmatch("s=hello*")`, `true`},
		{`searchmatch("s=world")`, `false`},
		// null(), true(), false().
		{`null()`, `null`},
		{`true()`, `true`},
	})
}

// Informational functions (Search Reference, "Informational functions": field
// values are strings or numbers, never booleans).
func TestSPLInformational(t *testing.T) {
	runSPLCases(t, []splCase{
		// isnull/isnotnull: missing and JSON null are null; "" is not.
		{`isnull(nosuch)`, `true`},
		{`isnull(nul)`, `true`},
		{`isnull(empty)`, `false`},
		{`isnotnull(s)`, `true`},
		// Field values that read as numbers are numbers.
		{`isnum(n)`, `true`},
		{`isnum(f)`, `true`},
		{`isnum(s)`, `false`},
		{`isnum(nosuch)`, `false`},
		// Text Go would read as a float but Splunk does not.
		{`isnum("NaN")`, `false`},
		{`isnum("inf")`, `false`},
		{`isnum("0x1p4")`, `false`},
		{`isnum("1e3")`, `true`},
		{`isint(n)`, `true`},
		{`isint(f)`, `false`},
		{`isstr(s)`, `true`},
		{`isstr(n)`, `false`},
		{`isbool(1==1)`, `true`},
		{`isbool("true")`, `false`},
		{`isdouble(f)`, `true`},
		{`isdouble(n)`, `false`},
		// isarray("[1, 2, 3]") is true, isarray(1) false (the page's examples).
		{`isarray("[1, 2, 3]")`, `true`},
		{`isarray(1)`, `false`},
		{`isobject(json)`, `true`},
		{`isobject(s)`, `false`},
		// typeof: Number, String, Boolean, and Invalid for a field that has no value.
		{`typeof(12)`, `"Number"`},
		{`typeof("x")`, `"String"`},
		{`typeof(1==2)`, `"Boolean"`},
		{`typeof(nosuch)`, `"Invalid"`},
	})
}

// Conversion functions (Search Reference, "Conversion functions").
func TestSPLConversion(t *testing.T) {
	runSPLCases(t, []splCase{
		// The page's own examples: tostring(1==1) is True, tostring(15,"hex") is
		// 0xF, tostring(12345.6789,"commas") is 12,345.68, 615 seconds as a
		// duration is 00:10:15; tonumber("0xA4",16) is 164.
		{`tostring(1==1)`, `"True"`},
		{`tostring(15, "hex")`, `"0xF"`},
		{`tostring(12345.6789, "commas")`, `"12,345.68"`},
		{`tostring(1234567, "commas")`, `"1,234,567"`},
		{`tostring(615, "duration")`, `"00:10:15"`},
		{`tostring(90061, "duration")`, `"1+01:01:01"`},
		{`tostring(3/2)`, `"1.5"`},
		{`tostring(n)`, `"42"`},
		{`tostring(nosuch)`, `null`},
		{`tostring(s, "hex")`, `"Hello World"`},
		{`tonumber("0xA4", 16)`, `164`},
		{`tonumber("A4", 16)`, `164`},
		{`tonumber("1010", 2)`, `10`},
		{`tonumber("  12 ")`, `12`},
		{`tonumber(f)`, `3.5`},
		{`tonumber("-3")`, `-3`},
		{`tonumber("12abc")`, `null`},
		{`tonumber("A4")`, `null`},
		{`tonumber(nosuch)`, `null`},
		// printf follows C's printf.
		{`printf("%d items, %s", 3.9, s)`, `"3 items, Hello World"`},
		{`printf("%05.2f|%-4s|%x|%%", 3.14159, "ab", 255)`, `"03.14|ab  |ff|%"`},
		{`printf("%'d", 1234567)`, `"1,234,567"`},
		{`printf("%e", 12345)`, `"1.234500e+04"`},
		{`printf("%c", 65)`, `"A"`},
		{`ipmask("255.255.255.0", ip)`, `"10.1.2.0"`},
	})
}

// Mathematical functions and operators (Search Reference, "Mathematical
// functions", and "Evaluation functions" > Operators).
func TestSPLMath(t *testing.T) {
	runSPLCases(t, []splCase{
		// Integer arithmetic stays integral; / gives a float when it does not divide.
		{`3/2`, `1.5`},
		{`4/2`, `2.0`},
		{`7 % 3`, `1`},
		{`n + 1`, `43`},
		{`f * 2`, `7.0`},
		{`n - f`, `38.5`},
		// Division or remainder by zero is null.
		{`1/0`, `null`},
		{`n % zero`, `null`},
		// + concatenates two strings; a non-number operand of anything else is null.
		{`"a" + "b"`, `"ab"`},
		{`s - 1`, `null`},
		{`1 + nosuch`, `null`},
		// . concatenates text forms; numbers as written; any null makes it null.
		{`1 . 2`, `"12"`},
		{`s . "-" . n`, `"Hello World-42"`},
		{`s . nosuch`, `null`},
		// round: half away from zero; no precision gives an integer.
		{`round(3.5)`, `4`},
		{`round(-3.5)`, `-4`},
		{`round(2.555, 2)`, `2.56`},
		{`round(f)`, `4`},
		{`round(1234.5678, 1)`, `1234.6`},
		{`floor(f)`, `3`},
		{`ceiling(f)`, `4`},
		{`ceil(-3.5)`, `-3`},
		{`abs(neg)`, `7`},
		{`abs(-2.5)`, `2.5`},
		{`pow(2, 10)`, `1024`},
		{`pow(2, -1)`, `0.5`},
		{`sqrt(9)`, `3.0`},
		{`sqrt(-1)`, `null`},
		{`log(100)`, `2.0`},
		{`log(8, 2)`, `3.0`},
		{`ln(1)`, `0.0`},
		{`exp(0)`, `1.0`},
		{`exact(3/2)`, `1.5`},
		{`abs(nosuch)`, `null`},
		{`round(s)`, `null`},
		// XOR: exactly one side true.
		{`n > 1 XOR n > 100`, `true`},
		{`n > 1 XOR n > 10`, `false`},
		{`bit_and(12, 10)`, `8`},
		{`bit_or(12, 10)`, `14`},
		{`bit_xor(12, 10)`, `6`},
		{`bit_shift_left(1, 4)`, `16`},
		{`bit_not(12, 15)`, `3`},
	})
}

// Statistical eval functions (Search Reference, "Statistical eval functions":
// min/max take numbers and strings, "Strings are greater than numbers").
func TestSPLStatisticalEval(t *testing.T) {
	runSPLCases(t, []splCase{
		{`max(1, 3, 6, 7, "foo", up)`, `"foo"`},
		{`min(1, 3, 6, 7, "foo", up)`, `1`},
		{`max(nums)`, `"100"`},
		{`min(nums)`, `"9"`},
		{`max(n, 7)`, `"42"`},
		{`min(nosuch, 3)`, `3`},
		{`max(nosuch)`, `null`},
		// avg and sum skip arguments that are missing or not numbers.
		{`avg(1, 2, 3)`, `2`},
		{`avg(n, f, s, nosuch)`, `22.75`},
		{`sum(nums)`, `119`},
	})
}

// Comparisons in eval and where (Search Reference, "where" and "eval": numbers
// compare numerically, strings lexicographically and case-sensitively).
func TestSPLComparison(t *testing.T) {
	runSPLCases(t, []splCase{
		{`n > 9`, `true`},
		{`n = 42.0`, `true`},
		{`s < "a"`, `true`},
		{`s = "hello world"`, `false`},
		{`s == "Hello World"`, `true`},
		{`up != "ABC"`, `false`},
		{`nosuch = 1`, `null`},
		// A multivalue field compares true when any value does.
		{`mv = "c"`, `true`},
	})
}

// Text functions (Search Reference, "Text functions").
func TestSPLText(t *testing.T) {
	runSPLCases(t, []splCase{
		{`len(s)`, `11`},
		{`len("héllo")`, `5`},
		{`len(nosuch)`, `null`},
		{`lower(s)`, `"hello world"`},
		{`upper(mv)`, `["B", "A", "C", "A"]`},
		// trim without a character list removes spaces and tabs.
		{`trim(pad)`, `"x"`},
		{`ltrim(pad)`, `"x \t"`},
		{`rtrim("xxabcxx", "x")`, `"xxabc"`},
		{`trim("ZZZabcZZ", "Z")`, `"abc"`},
		// replace: regex with \1 back-references; a literal $ stays literal.
		{`replace(date, "^(\d+)-(\d+)-(\d+).*", "\2/\3/\1")`, `"03/15/2024"`},
		{`replace(s, "o", "$")`, `"Hell$ W$rld"`},
		{`replace(mv, "a", "z")`, `["b", "z", "c", "z"]`},
		{`replace(nosuch, "a", "b")`, `null`},
		// substr: 1-based start; a negative start counts from the end.
		{`substr("splunk", 1, 3)`, `"spl"`},
		{`substr("splunk", -3, 3)`, `"unk"`},
		{`substr("splunk", 3)`, `"lunk"`},
		{`substr("splunk", 10)`, `""`},
		// urldecode, the page's example.
		{`urldecode(url)`, `"http://www.splunk.com/download?r=header"`},
		{`urldecode("100%")`, `"100%"`},
		// split keeps empty values.
		{`split(csv, ",")`, `["a", "b", "", "c"]`},
		{`mvcount(split(s, "@"))`, `1`},
		// Cryptographic functions: hex digests of the text.
		{`md5("abc")`, `"900150983cd24fb0d6963f7d28e17f72"`},
		{`sha1("abc")`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
		{`sha256("abc")`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{`substr(sha512("abc"), 1, 16)`, `"ddaf35a193617aba"`},
		// spath(X,Y) as an eval function: a.b{N} indexes an array, {} takes every element.
		{`spath(json, "k")`, `"v"`},
		{`spath(json, "a.b{1}")`, `2`},
		{`spath(json, "a.b{2}.c")`, `"x"`},
		{`spath(json, "l{}.id")`, `[1, 2]`},
		{`spath(json, "nope")`, `null`},
		{`spath(s, "k")`, `null`},
		// JSON functions.
		{`json_extract(json, "a.b")`, `"[1,2,{\"c\":\"x\"}]"`},
		{`json_extract(json, "k")`, `"v"`},
		{`json_object("a", 1, "b", s)`, `"{\"a\":1,\"b\":\"Hello World\"}"`},
		{`json_array(1, "x", nosuch)`, `"[1,\"x\",null]"`},
		{`json_keys(json)`, `"[\"a\",\"k\",\"l\"]"`},
		{`json_valid(json)`, `true`},
		{`json_valid(s)`, `false`},
		{`json_extract_exact("{\"a.b\": 1, \"a\": {\"b\": 2}}", "a.b")`, `1`},
		{`json_has_key_exact(json, "k")`, `true`},
		{`json_has_key_exact(json, "a.b")`, `false`},
		{`json_array_to_mv("[\"x\", 1, true, {\"k\": 2}]")`, `["x", "1", "true", "{\"k\":2}"]`},
		{`json_array_to_mv("[1, true]", true())`, `[1, true]`},
	})
}

// Multivalue eval functions (Search Reference, "Multivalue eval functions").
func TestSPLMultivalue(t *testing.T) {
	runSPLCases(t, []splCase{
		// mvcount: 1 for a single value, null for no value.
		{`mvcount(mv)`, `4`},
		{`mvcount(s)`, `1`},
		{`mvcount(nosuch)`, `null`},
		// mvindex: 0-based, negative from the end, end index inclusive.
		{`mvindex(mv, 0)`, `"b"`},
		{`mvindex(mv, -1)`, `"a"`},
		{`mvindex(mv, 1, 2)`, `["a", "c"]`},
		{`mvindex(mv, 4)`, `null`},
		{`mvindex(s, 0)`, `"Hello World"`},
		{`mvindex(split(ip, "."), -1)`, `"3"`},
		{`mvjoin(mv, ";")`, `"b;a;c;a"`},
		{`mvappend("x", mv, nosuch, s)`, `["x", "b", "a", "c", "a", "Hello World"]`},
		{`mvappend(nosuch)`, `null`},
		{`mvdedup(mv)`, `["b", "a", "c"]`},
		// mvsort is lexicographic: "10" < "100" < "9".
		{`mvsort(nums)`, `["10", "100", "9"]`},
		{`mvsort(mv)`, `["a", "a", "b", "c"]`},
		// mvfind: index of the first value matching the regex, or null.
		{`mvfind(mv, "c")`, `2`},
		{`mvfind(emails, "\.org$")`, `1`},
		{`mvfind(mv, "z")`, `null`},
		{`isnull(mvfind(mv, "z"))`, `true`},
		// mvzip pairs values up to the shorter field; the default delimiter is ",".
		{`mvzip(mv, nums)`, `["b,10", "a,9", "c,100"]`},
		{`mvzip(mv, nums, ": ")`, `["b: 10", "a: 9", "c: 100"]`},
		// mvrange: end not included; the step may be a time span.
		{`mvrange(1, 4)`, `[1, 2, 3]`},
		{`mvrange(1, 11, 4)`, `[1, 5, 9]`},
		{`mvrange(0, 172800, "1d")`, `[0, 86400]`},
		// mvfilter: the expression is evaluated once per value of its one field.
		{`mvfilter(match(emails, "\.net$") OR match(emails, "\.org$"))`, `["a@x.net", "b@y.org"]`},
		{`mvfilter(targets LIKE "AppInstance%")`, `"AppInstance one"`},
		{`mvfilter(mv != "a")`, `["b", "c"]`},
		{`mvfilter(mv == "zz")`, `null`},
		{`mvcount(mvfilter(NOT match(mv, "a")))`, `2`},
		{`mvfilter(isnotnull(nosuch))`, `null`},
		// mvmap: the expression per value, with the field bound to that value.
		{`mvmap(nums, nums * 2)`, `[20, 18, 200]`},
		{`mvmap(mv, if(isnull(mvfind(one, mv)), mv, null()))`, `["b", "a", "c", "a"]`},
		{`mvmap(mv, if(mv == "a", null(), upper(mv)))`, `["B", "C"]`},
		{`mv_to_json_array(nums, true())`, `"[10,9,100]"`},
		{`mv_to_json_array(nums)`, `"[\"10\",\"9\",\"100\"]"`},
	})
}

// Date and time functions (Search Reference, "Date and Time functions" and
// "Date and time format variables"; Search Manual, "Specify time modifiers in
// your search": [+|-]<int><unit>@<unit>, the number defaults to 1, @ rounds
// down to the start of the unit).
func TestSPLTime(t *testing.T) {
	now := fixedNow.Unix()
	day := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC).Unix()
	runSPLCases(t, []splCase{
		// now() is the search's time in whole seconds; time() has microseconds.
		{`now()`, fmt.Sprint(now)},
		{`time()`, fmt.Sprint(now) + ".25"},
		// relative_time: offset then snap; @d is midnight, @w0 Sunday, @w1 Monday.
		{`relative_time(now(), "-1d@d")`, fmt.Sprint(day - 86400)},
		{`relative_time(now(), "@d")`, fmt.Sprint(day)},
		{`relative_time(now(), "-24h@h")`, fmt.Sprint(now - 86400 - 45*60 - 30)},
		{`relative_time(now(), "-70m@m")`, fmt.Sprint(now - 70*60 - 30)},
		{`relative_time(now(), "-h@h")`, fmt.Sprint(now - 3600 - 45*60 - 30)},
		{`relative_time(now(), "-2hours")`, fmt.Sprint(now - 7200)},
		{`relative_time(now(), "@w0")`, fmt.Sprint(day - 5*86400)},
		{`relative_time(now(), "@w1")`, fmt.Sprint(day - 4*86400)},
		{`relative_time(now(), "@mon")`, fmt.Sprint(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Unix())},
		{`relative_time(now(), "-1mon@mon")`, fmt.Sprint(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC).Unix())},
		{`relative_time(now(), "@q")`, fmt.Sprint(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix())},
		{`relative_time(now(), "@y")`, fmt.Sprint(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix())},
		{`relative_time(now(), "+" . 3 . "d")`, fmt.Sprint(now + 3*86400)},
		{`relative_time(now(), "@d+8h")`, fmt.Sprint(day + 8*3600)},
		{`relative_time(now(), "now")`, fmt.Sprint(now)},
		{`relative_time(now(), "bogus")`, `null`},
		{`relative_time(nosuch, "-1d")`, `null`},
		// strftime with the format variables.
		{`strftime(_time, "%Y-%m-%dT%H:%M:%S%z")`, `"2024-03-15T13:45:30+0000"`},
		{`strftime(_time, "%H")`, `"13"`},
		{`strftime(_time, "%w %A %a %B %b %j")`, `"5 Friday Fri March Mar 075"`},
		{`strftime(_time, "%m/%d/%y %I:%M %p")`, `"03/15/24 01:45 PM"`},
		{`strftime(_time, "%c")`, `"Fri Mar 15 13:45:30 2024"`},
		{`strftime(1710510330.123456, "%S.%3N|%Q|%6N|%N|%f")`, `"30.123|123|123456|123456000|123456"`},
		{`strftime(_time, "%s %F %T %%")`, `"1710510330 2024-03-15 13:45:30 %"`},
		{`strftime(time/pow(10,3), "%H")`, `null`},
		{`strftime(s, "%H")`, `null`},
		// strptime parses with the same variables; a zone in the text is applied.
		{`strptime(date, "%Y-%m-%d %H:%M:%S")`, fmt.Sprint(now)},
		{`strptime("2024-03-15", "%Y-%m-%d")`, fmt.Sprint(day)},
		{`strptime("2024-03-15 13:45:30", "%F %T")`, fmt.Sprint(now)},
		{`strptime("2024-03-15 13:45", "%F %T")`, `null`},
		{`strptime("2024-03-15T14:45:30+01:00", "%Y-%m-%dT%H:%M:%S%z")`, fmt.Sprint(now)},
		{`strptime("2024-03-15T13:45:30.5Z", "%Y-%m-%dT%H:%M:%S.%QZ")`, fmt.Sprint(now) + ".5"},
		{`strptime("15/Mar/2024:01:45:30 PM", "%d/%b/%Y:%I:%M:%S %p")`, fmt.Sprint(now)},
		{`strptime("1710510330", "%s")`, fmt.Sprint(now)},
		{`strptime("03/15/24", "%m/%d/%y")`, fmt.Sprint(day)},
		// Text after the format is ignored; text that does not fit is null.
		{`strptime("2024-03-15 trailing", "%Y-%m-%d")`, fmt.Sprint(day)},
		{`strptime("March", "%Y-%m-%d")`, `null`},
		{`strptime(nosuch, "%Y")`, `null`},
		// The ESCU pattern: an expiry date plus a number of days.
		{`relative_time(strptime("2024-03-01", "%Y-%m-%d"), "+" . 14 . "d") >= now()`, `false`},
		{`relative_time(strptime("2024-03-01", "%Y-%m-%d"), "+" . 15 . "d") >= now()`, `true`},
	})
}

// An unknown function is an unsupported construct and a wrong argument count a
// compile error; neither panics.
func TestSPLCompileErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`nosuchfunction(x)`, "unsupported: function spl.nosuchfunction"},
		{`tonumber()`, "spl.tonumber takes 1 to 2 arguments, got 0"},
		{`len(a, b)`, "spl.len takes 1 argument, got 2"},
		{`mvfilter(a == b)`, "mvfilter: the expression must refer to exactly one field, it refers to 2"},
		{`mvfilter(a, b)`, "spl.mvfilter takes 1 argument, got 2"},
		{`mvmap(split(a, ","), 1)`, "unsupported: mvmap over an expression"},
		{`searchmatch(a)`, "unsupported: searchmatch with a computed search string"},
		{`now(1)`, "spl.now takes 0 arguments, got 1"},
		{`coalesce()`, "spl.coalesce takes at least 1 argument, got 0"},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			x, errs := spl.ParseEval("t.spl", ast.Pos{Line: 1, Col: 1}, tc.expr)
			if len(errs) > 0 {
				t.Fatalf("parse: %v", errs)
			}
			_, errs = eval.Compile(x, ast.KeysExact)
			if len(errs) == 0 || !strings.Contains(errs.Error(), tc.want) {
				t.Errorf("got %v, want %q", errs, tc.want)
			}
		})
	}
}

// Every registered spl.* builtin runs on null, missing, multivalue and odd
// arguments without panicking (the evaluator turns a panic into an "internal
// error", which this test rejects).
func TestSPLBuiltinsNeverPanic(t *testing.T) {
	args := []ast.Value{ast.Missing, ast.Null, ast.String(""), ast.String("x%"), ast.Int(-1), ast.Float(1e300),
		ast.List(ast.String("a"), ast.Int(2)), ast.List(), ast.True}
	for name, b := range eval.Builtins {
		if !strings.HasPrefix(name, "spl.") {
			continue
		}
		n := max(b.MinArgs, 1)
		if b.MaxArgs >= 0 {
			n = min(n, b.MaxArgs)
		}
		for _, a := range args {
			vals := make([]ast.Value, n)
			for i := range vals {
				vals[i] = a
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s(%v) panicked: %v", name, render(a), r)
					}
				}()
				b.Impl(&eval.Env{}, ast.Pos{}, vals)
			}()
		}
	}
}
