package ast

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// typed renders a value with the kind of every part, so that 1, 1.0 and "1",
// key order, and an empty list against a missing one all read differently.
func typed(v Value) string {
	switch v.kind {
	case KindInt:
		return "int " + strconv.FormatInt(v.AsInt(), 10)
	case KindFloat:
		return "float " + strconv.FormatFloat(v.AsFloat(), 'g', -1, 64)
	case KindString:
		return strconv.Quote(v.s)
	case KindList:
		if v.AsList() == nil {
			return "nil list"
		}
		parts := make([]string, len(v.AsList()))
		for i, e := range v.AsList() {
			parts[i] = typed(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case KindObject:
		parts := make([]string, len(v.obj.Keys))
		for i, k := range v.obj.Keys {
			parts[i] = strconv.Quote(k) + ": " + typed(v.obj.Vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.Repr()
}

// identical is equality of kinds, key order and float bits, which typed
// would also give, without rendering.
func identical(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindBool:
		return a.AsBool() == b.AsBool()
	case KindInt:
		return a.AsInt() == b.AsInt()
	case KindFloat:
		return math.Float64bits(a.AsFloat()) == math.Float64bits(b.AsFloat())
	case KindString:
		return a.s == b.s
	case KindList:
		if (a.AsList() == nil) != (b.AsList() == nil) || len(a.AsList()) != len(b.AsList()) {
			return false
		}
		for i := range a.AsList() {
			if !identical(a.AsList()[i], b.AsList()[i]) {
				return false
			}
		}
	case KindObject:
		if len(a.obj.Keys) != len(b.obj.Keys) || len(a.obj.Vals) != len(b.obj.Vals) {
			return false
		}
		for i, k := range a.obj.Keys {
			if b.obj.Keys[i] != k || !identical(a.obj.Vals[i], b.obj.Vals[i]) {
				return false
			}
		}
	}
	return true
}

// describeError is an error's type and words; a syntax error's offset is
// checked apart.
func describeError(err error) string {
	if err == nil {
		return "no error"
	}
	return fmt.Sprintf("%T: %v", err, err)
}

// checkSame fails unless decoding data gave the reference's value and error.
// encoding/json's token stream placed errors inside scalars by the bytes of
// scalars read so far, so there the offset is only checked to point at the
// byte the message names; between tokens it must be the reference's.
func checkSame(t *testing.T, data []byte, want, got Value, wantErr, gotErr error) {
	t.Helper()
	if describeError(gotErr) != describeError(wantErr) {
		t.Fatalf("%q: error %s, want %s", data, describeError(gotErr), describeError(wantErr))
	}
	if wantErr == nil {
		if !identical(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", data, typed(got), typed(want))
		}
		return
	}
	var gse, wse *json.SyntaxError
	if !errors.As(gotErr, &gse) {
		return
	}
	errors.As(wantErr, &wse)
	if gse.Offset < 0 || gse.Offset >= int64(len(data)) {
		t.Fatalf("%q: %v at offset %d, outside the input", data, gotErr, gse.Offset)
	}
	if named := "invalid character " + quoteChar(data[gse.Offset]); !strings.HasPrefix(gse.Error(), named) {
		t.Fatalf("%q: %v at offset %d, where the byte is %s", data, gotErr, gse.Offset, quoteChar(data[gse.Offset]))
	}
	if betweenTokens(gse.Error()) && gse.Offset != wse.Offset {
		t.Fatalf("%q: %v at offset %d, want %d", data, gotErr, gse.Offset, wse.Offset)
	}
}

// betweenTokens is a syntax error only encoding/json's token stream reports,
// whose offset was always that of the offending byte.
func betweenTokens(msg string) bool {
	for _, s := range []string{" after object key", " after array element", " looking for beginning of object key string"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return strings.HasSuffix(msg, "'") // the error for a first key names the byte only
}

// quoteChar is encoding/json's rendering of a byte in its messages.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		note, in string
		want     string // typed, or the error
	}{
		{"key order kept", `{"b":1,"a":2}`, `{"b": int 1, "a": int 2}`},
		{"duplicate keeps first place, last value", `{"a":1,"b":2,"a":3}`, `{"a": int 3, "b": int 2}`},
		{"empty containers", `{"o":{},"l":[]}`, `{"o": {}, "l": []}`},
		{"scalars", ` [true,false,null,"s"] `, `[True, False, None, "s"]`},
		{"whitespace is JSON's four", "\t{\r\n\"a\" :\t[ 1 , 2 ] }\n", `{"a": [int 1, int 2]}`},
		{"int64 bounds", `[9223372036854775807,-9223372036854775808,9223372036854775808]`,
			`[int 9223372036854775807, int -9223372036854775808, float 9.223372036854776e+18]`},
		{"18 and 19 digits", `[999999999999999999,-1000000000000000000]`, `[int 999999999999999999, int -1000000000000000000]`},
		{"minus zero", `[-0,-0.0,0e0]`, `[int 0, float -0, float 0]`},
		{"floats", `[1.5,1e2,1E-2,2.5e+3]`, `[float 1.5, float 100, float 0.01, float 2500]`},
		{"underflow is zero", `1e-400`, `float 0`},
		{"overflow is ParseFloat's error", `{"a":1e400}`, `strconv.ParseFloat: parsing "1e400": value out of range`},
		{"hundreds of digits overflow", `[1` + strings.Repeat("0", 309) + `]`, `strconv.ParseFloat: parsing "1` + strings.Repeat("0", 309) + `": value out of range`},
		{"escapes", `"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC"`, strconv.Quote("\"\\/\b\f\n\r\tAé€")},
		{"surrogate pair", `"\ud83d\ude00"`, strconv.Quote("😀")},
		{"lone surrogates", `"\ud800x\udc00\ud800\ud800"`, strconv.Quote("\uFFFDx\uFFFD\uFFFD\uFFFD")},
		{"high then escaped backslash", `"\ud800\\u0041"`, strconv.Quote("\uFFFD\\u0041")},
		{"invalid UTF-8, byte by byte", "\"a\xffb\xe2\x82\xed\xa0\x80\"", strconv.Quote("a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD")},
		{"valid UTF-8 kept", `"żółw 🐢"`, strconv.Quote("żółw 🐢")},
		{"escaped key", `{"a\u0062":1}`, `{"ab": int 1}`},
		{"top-level scalar", `"x"`, `"x"`},
		{"empty", ``, `unexpected EOF`},
		{"blank", " \n", `unexpected EOF`},
		{"trailing data", `{} {}`, `unexpected data after the JSON value`},
		{"trailing garbage after a number", `1x`, `unexpected data after the JSON value`},
		{"open object", `{`, `EOF`},
		{"open array", `[1`, `EOF`},
		{"after comma in object", `{"a":1,`, `EOF`},
		{"after comma in array", `[1,`, `unexpected EOF`},
		{"after key", `{"a"`, `unexpected EOF`},
		{"after colon", `{"a":`, `unexpected EOF`},
		{"inside a string", `["ab`, `unexpected EOF`},
		{"inside an escape", `["\u12`, `unexpected EOF`},
		{"inside a number", `[1.`, `unexpected EOF`},
		{"inside a literal", `[nul`, `unexpected EOF`},
		{"missing value", `{"eventName": }`, `invalid character '}' looking for beginning of value`},
		{"trailing comma", `[1,]`, `invalid character ']' looking for beginning of value`},
		{"missing colon", `{"a" 1}`, `invalid character '1' after object key`},
		{"missing comma", `{"a":1 "b":2}`, `invalid character '"' after object key:value pair`},
		{"missing comma in array", `[1 2]`, `invalid character '2' after array element`},
		{"first key not a string", `{1:2}`, `invalid character '1'`},
		{"later key not a string", `{"a":1,2:3}`, `invalid character '2' looking for beginning of object key string`},
		{"comma then close", `{"a":1,}`, `invalid character '}' looking for beginning of object key string`},
		{"mismatched close", `[1}`, `invalid character '}' after array element`},
		{"leading zero", `[01]`, `invalid character '1' after array element`},
		{"bare minus", `[-]`, `invalid character ']' in numeric literal`},
		{"dot without digits", `[1.e5]`, `invalid character 'e' after decimal point in numeric literal`},
		{"exponent without digits", `[1e+]`, `invalid character ']' in exponent of numeric literal`},
		{"two exponent signs", `0E++`, `invalid character '+' in exponent of numeric literal`},
		{"bad literal", `{"a":tru}`, `invalid character '}' in literal true (expecting 'e')`},
		{"control character in a string", "[\"a\tb\"]", `invalid character '\t' in string literal`},
		{"bad escape", `["\x"]`, `invalid character 'x' in string escape code`},
		{"single-quote escape", `["\'"]`, `invalid character '\'' in string escape code`},
		{"bad hex escape", `["\u12g4"]`, `invalid character 'g' in \u hexadecimal character escape`},
		{"not JSON", `hello`, `invalid character 'h' looking for beginning of value`},
		{"non-ASCII outside strings", "[\xff]", `invalid character 'ÿ' looking for beginning of value`},
	}
	for _, tc := range tests {
		data := []byte(tc.in)
		v, err := ParseJSON(data)
		got := typed(v)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: %q gives %s, want %s", tc.note, tc.in, got, tc.want)
		}
		want, wantErr := parseJSONReference(data)
		checkSame(t, data, want, v, wantErr, err)
	}
}

// TestParseJSONManyKeys covers objects past the size where keys get an index,
// with keys repeated before and after it.
func TestParseJSONManyKeys(t *testing.T) {
	for _, n := range []int{31, 32, 33, 100} {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, `"k%d":%d,`, i%(n-5), i)
		}
		b.WriteString(`"k0":"last","k30":{"k30":[]}}`)
		data := []byte(b.String())
		want, wantErr := parseJSONReference(data)
		got, err := ParseJSON(data)
		checkSame(t, data, want, got, wantErr, err)
		got, err = ParseJSONProjected(data, NewProjection([][]string{{"K0"}, {"k30", "k30"}, {"k7"}}))
		checkSame(t, data, projectPaths(want, [][]string{{"K0"}, {"k30", "k30"}, {"k7"}}), got, wantErr, err)
	}
}

// TestParseJSONOffsets pins offsets to the byte a message names, which the
// events loader turns into a column.
func TestParseJSONOffsets(t *testing.T) {
	for _, tc := range []struct {
		in  string
		off int64
	}{
		{`{"eventName": }`, 14},
		{`{"a":tru}`, 8},
		{`{"a":"b` + "\x01" + `"}`, 7},
		{`["\u12g4"]`, 6},
		{`{"a":1 x}`, 7},
		{`[-]`, 2},
	} {
		_, err := ParseJSON([]byte(tc.in))
		var se *json.SyntaxError
		if !errors.As(err, &se) || se.Offset != tc.off {
			t.Errorf("%q: %v, want a syntax error at offset %d", tc.in, err, tc.off)
		}
	}
}

// TestSyntaxErrorStates checks that every state names its bytes as
// encoding/json does, for every byte that can be wrong there.
func TestSyntaxErrorStates(t *testing.T) {
	for _, tc := range []struct{ state, words, valid string }{
		{ctxValue, "looking for beginning of value", `{["-0123456789tfn`},
		{ctxFirstKey, "", `"}`},
		{ctxKey, "looking for beginning of object key string", `"`},
		{ctxColon, "after object key", `:`},
		{ctxAfterMember, "after object key:value pair", `,}`},
		{ctxAfterElement, "after array element", `,]`},
		{ctxEscape, "in string escape code", `"\/bfnrtu`},
		{ctxHex, `in \u hexadecimal character escape`, "0123456789abcdefABCDEF"},
		{ctxMinus, "in numeric literal", "0123456789"},
		{ctxDot, "after decimal point in numeric literal", "0123456789"},
		{ctxExp, "in exponent of numeric literal", "0123456789+-"},
		{ctxExpSign, "in exponent of numeric literal", "0123456789"},
		{"fals", "in literal false (expecting 'e')", "e"},
	} {
		for c := 0; c < 256; c++ {
			if strings.IndexByte(tc.valid+" \t\r\n", byte(c)) >= 0 {
				continue
			}
			err := syntaxError(tc.state, byte(c), 5)
			var se *json.SyntaxError
			want := "invalid character " + quoteChar(byte(c))
			if tc.words != "" {
				want += " " + tc.words
			}
			if !errors.As(err, &se) || se.Offset != 5 || err.Error() != want {
				t.Errorf("state %q, byte %#x: %v, want %q at 5", tc.state, c, err, want)
			}
		}
	}
	for c := 0; c < 0x20; c++ {
		if err := syntaxError(ctxString, byte(c), 0); err.Error() != "invalid character "+quoteChar(byte(c))+" in string literal" {
			t.Errorf("control byte %#x in a string: %v", c, err)
		}
	}
}

// projectPaths is the definition ParseJSONProjected is held to, on a decoded
// value.
func projectPaths(v Value, paths [][]string) Value {
	for _, p := range paths {
		if len(p) == 0 {
			return v
		}
	}
	switch v.kind {
	case KindList:
		out := make([]Value, len(v.AsList()))
		for i, e := range v.AsList() {
			out[i] = projectPaths(e, paths)
		}
		return List(out...)
	case KindObject:
		o := &Object{}
		for i, k := range v.obj.Keys {
			var sub [][]string
			for _, p := range paths {
				if strings.EqualFold(p[0], k) {
					sub = append(sub, p[1:])
				}
			}
			if sub != nil {
				o.Set(k, projectPaths(v.obj.Vals[i], sub))
			}
		}
		return ObjectOf(o)
	}
	return v
}

func TestParseJSONProjected(t *testing.T) {
	doc := `{"eventName":"X","EVENTNAME":"Y","userIdentity":{"type":"Root","arn":"a"},
		"list":[{"b":1,"c":2},3,[{"b":4}],{"c":5}],"str":"s","deep":{"x":{"y":[1,{"z":2}]}},
		"skipped":{"n":[1e300,-2.5,"\u00e9",{"q":null}]},"K":1,"` + strings.Repeat("long", 20) + `":true,"\u00e9t\u00e9":2}`
	tests := []struct {
		note  string
		paths [][]string
		want  string
	}{
		{"nothing", nil, `{}`},
		{"a top-level key, any case", [][]string{{"eventname"}}, `{"eventName": "X", "EVENTNAME": "Y"}`},
		{"a nested key", [][]string{{"userIdentity", "type"}}, `{"userIdentity": {"type": "Root"}}`},
		{"the end of a path is whole", [][]string{{"deep", "x"}}, `{"deep": {"x": {"y": [int 1, {"z": int 2}]}}}`},
		{"a longer path adds nothing", [][]string{{"deep", "x"}, {"deep", "x", "y"}}, `{"deep": {"x": {"y": [int 1, {"z": int 2}]}}}`},
		{"steps apply to every element", [][]string{{"list", "b"}}, `{"list": [{"b": int 1}, int 3, [{"b": int 4}], {}]}`},
		{"a value that is not an object is kept", [][]string{{"str", "b"}}, `{"str": "s"}`},
		{"missing keys are left out", [][]string{{"nope"}, {"userIdentity", "nope"}}, `{"userIdentity": {}}`},
		{"the Kelvin sign folds to K", [][]string{{"\u212a"}}, `{"K": int 1}`},
		{"a long key", [][]string{{strings.Repeat("LONG", 20)}}, `{"` + strings.Repeat("long", 20) + `": True}`},
		{"an escaped key, decoded", [][]string{{"ÉTÉ"}}, `{"été": int 2}`},
		{"an empty path is everything", [][]string{{}}, ""},
	}
	for _, tc := range tests {
		full, err := ParseJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			tc.want = typed(full)
		}
		v, err := ParseJSONProjected([]byte(doc), NewProjection(tc.paths))
		if err != nil {
			t.Fatal(err)
		}
		if got := typed(v); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.note, got, tc.want)
		}
		if want := projectPaths(full, tc.paths); !identical(v, want) {
			t.Errorf("%s: got %s, projecting the full value gives %s", tc.note, typed(v), typed(want))
		}
	}
	if v, err := ParseJSONProjected([]byte(doc), nil); err != nil || typed(v) != typed(mustParse(t, doc)) {
		t.Errorf("a nil projection gives %s, %v; want the whole document", typed(v), err)
	}
}

func mustParse(t *testing.T, s string) Value {
	t.Helper()
	v, err := ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fuzzProjections are the projections the fuzz target holds
// ParseJSONProjected to, next to one made from the input.
var fuzzProjections = [][][]string{
	{{"eventName"}, {"userIdentity", "type"}, {"errorCode"}},
	{{"a"}, {"A", "b"}},
	{{"a", "b", "c"}, {"\u212a"}},
}

// checkDecoders holds ParseJSON to the reference decoder and ParseJSONProjected
// to projecting the reference's value.
func checkDecoders(t *testing.T, data []byte, paths [][]string) {
	t.Helper()
	want, wantErr := parseJSONReference(data)
	got, err := ParseJSON(data)
	checkSame(t, data, want, got, wantErr, err)
	for _, ps := range slices.Concat(fuzzProjections, [][][]string{paths}) {
		got, err := ParseJSONProjected(data, NewProjection(ps))
		var pwant Value
		if wantErr == nil {
			pwant = projectPaths(want, ps)
		}
		checkSame(t, data, pwant, got, wantErr, err)
	}
}

// TestParseJSONFixtures runs the checks of the fuzz target over every event in
// the fixtures.
func TestParseJSONFixtures(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../fixtures", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			checkDecoders(t, sc.Bytes(), [][]string{{"requestParameters"}, {"resources", "ARN"}})
			n++
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no events in the fixtures")
	}
}

// FuzzParseJSON holds the decoder to encoding/json's token stream, as ParseJSON
// was, on any input; paths is a projection, keys split by '.' and paths by ','.
func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(benchEvent), "eventName,userIdentity.sessionContext.attributes")
	for _, s := range []string{
		`{"a":1,"b":[1,2,{"c":"d"}],"a":{"b":null}}`,
		`[{"a":{"b":{"c":1e400}}}]`,
		`{"A":{"b":-0.5e-3},"a":[true,false,null]}`,
		`"\ud83d\ude00\ud800x\u00e9\\"`,
		"{\"k\xff\":\"v\xe2\x82\"}",
		`{"a":[{"b":"\u212a"},{"B":9223372036854775808}]}`,
		`{"a" :1 , "b":[ ] ,"c":{ }}  `,
		`{"a":tru}`, `[1,]`, `{"a":1 x}`, `{"a":`, `[1`, `[-]`, `1 2`, ``,
	} {
		f.Add([]byte(s), "a.b,c")
	}
	f.Fuzz(func(t *testing.T, data []byte, paths string) {
		var ps [][]string
		for _, p := range strings.Split(paths, ",") {
			ps = append(ps, strings.Split(p, "."))
		}
		checkDecoders(t, data, ps)
	})
}
