package stream

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// collect reads everything, one line per event ("FILE:LINE:COL#ELEM RAW") or
// error ("ERR CODE FILE:LINE:COL MSG").
func collect(t testing.TB, r *Reader) []string {
	t.Helper()
	var out []string
	for range 1_000_000 {
		ev, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var ae *ast.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error is not an *ast.Error: %T %v", err, err)
			}
			out = append(out, fmt.Sprintf("ERR %s %s %s", ae.Code, ae.Pos, ae.Msg))
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d:%d#%d %s", ev.File, ev.Line, ev.Col, ev.Elem, ev.Raw))
	}
	t.Fatal("reader does not end")
	return nil
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

var shapeTests = []struct {
	name, in string
	want     []string // "f" is the file
}{
	{"ndjson", "{\"a\":1}\n{\"b\":2}\n", []string{
		`f:1:1#0 {"a":1}`, `f:2:1#0 {"b":2}`}},
	{"ndjson no final newline", "{\"a\":1}\n{\"b\":2}", []string{
		`f:1:1#0 {"a":1}`, `f:2:1#0 {"b":2}`}},
	{"blank lines and CRLF", "\r\n\n{\"a\":1}\r\n\r\n  {\"b\":2}  \r\n\t\r\n", []string{
		`f:3:1#0 {"a":1}`, `f:5:3#0 {"b":2}`}},
	{"BOM", "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}\n", []string{
		`f:1:1#0 {"a":1}`, `f:2:1#0 {"b":2}`}},
	{"BOM then blank space", "\xef\xbb\xbf  \n  {\"a\":1}\n", []string{`f:2:3#0 {"a":1}`}},
	// NDJSON lines are the decoder's to judge: a broken one is handed on, with
	// its position, and the lines after it still come.
	{"ndjson malformed line", "{\"a\":1}\n{\"b\":\nnot json\n{\"c\":3}\n", []string{
		`f:1:1#0 {"a":1}`, `f:2:1#0 {"b":`, `f:3:1#0 not json`, `f:4:1#0 {"c":3}`}},
	{"ndjson broken first line", "{\"a\":1, \"b\n{\"c\":3}\n{\"d\":4}\n", []string{
		`f:1:1#0 {"a":1, "b`, `f:2:1#0 {"c":3}`, `f:3:1#0 {"d":4}`}},
	{"ndjson first line not an object", "garbage\n{\"c\":3}\n", []string{
		`f:1:1#0 garbage`, `f:2:1#0 {"c":3}`}},
	{"ndjson event with nested Records", "{\"a\":{\"Records\":[1,2]}}\n{\"Records\":3}\n", []string{
		`f:1:1#0 {"a":{"Records":[1,2]}}`, `f:2:1#0 {"Records":3}`}},
	{"empty file", "", nil},
	{"BOM only", "\xef\xbb\xbf", nil},
	{"lone brace", "{", []string{`f:1:1#0 {`}},
	{"blank file", " \r\n\n\t", nil},
	{"empty array", "[]", nil},
	{"empty array spread", "\n[\n\n]\n", nil},
	{"array one line", `[{"a":1},{"b":[1,2,{"c":"]}\"["}]}, {"d":"\\"}]`, []string{
		`f:1:2#1 {"a":1}`, `f:1:10#2 {"b":[1,2,{"c":"]}\"["}]}`, `f:1:37#3 {"d":"\\"}`}},
	{"array pretty", "[\n  {\n    \"a\": 1,\n    \"s\": \"x\\\"]}\"\n  },\n  {\"b\": 2}\n]\n", []string{
		"f:2:3#1 {\n    \"a\": 1,\n    \"s\": \"x\\\"]}\"\n  }", `f:6:3#2 {"b": 2}`}},
	{"array of scalars", `[1, "two", true, null, -3.5e2]`, []string{
		`f:1:2#1 1`, `f:1:5#2 "two"`, `f:1:12#3 true`, `f:1:18#4 null`, `f:1:24#5 -3.5e2`}},
	{"arrays in sequence", "[{\"a\":1}]\n[{\"b\":2}]", []string{
		`f:1:2#1 {"a":1}`, `f:2:2#1 {"b":2}`}},
	{"records", `{"Records":[{"a":1},{"b":2}]}`, []string{
		`f:1:13#1 {"a":1}`, `f:1:21#2 {"b":2}`}},
	{"records empty", `{"Records":[]}`, nil},
	{"records keys before and after", `{"meta":{"Records":[{"x":1}]},"n":[1,{"Records":[2]}], "Records" : [ {"a":1} ] ,"after":{"Records":[{"y":2}]},"z":"]"}`, []string{
		`f:1:70#1 {"a":1}`}},
	{"records nested Records in events", `{"Records":[{"Records":[1,2]},{"b":{"Records":[3]}}]}`, []string{
		`f:1:13#1 {"Records":[1,2]}`, `f:1:31#2 {"b":{"Records":[3]}}`}},
	{"records pretty", "{\n  \"Records\": [\n    {\"a\": 1},\n    {\n      \"b\": 2\n    }\n  ]\n}\n", []string{
		`f:3:5#1 {"a": 1}`, "f:4:5#2 {\n      \"b\": 2\n    }"}},
	{"records concatenated", `{"Records":[{"a":1}]}{"Records":[{"b":2}]}` + "\n" + `{"Records":[{"c":3}]}`, []string{
		`f:1:13#1 {"a":1}`, `f:1:34#1 {"b":2}`, `f:2:13#1 {"c":3}`}},
	{"records value not an array", "{\n  \"Records\": {\"a\": [1]},\n  \"x\": 2\n}\n", []string{
		"f:1:1#0 {\n  \"Records\": {\"a\": [1]},\n  \"x\": 2\n}"}},
	{"records escaped key is another key", "{\n\"Rec\\u006frds\": [1]\n}", []string{
		"f:1:1#0 {\n\"Rec\\u006frds\": [1]\n}"}},
	{"pretty object", "{\n  \"a\": 1,\n  \"b\": [1,\n    2]\n}\n", []string{
		"f:1:1#0 {\n  \"a\": 1,\n  \"b\": [1,\n    2]\n}"}},
	{"pretty objects in sequence (jq)", "{\n  \"a\": 1\n}\n{\n  \"b\": {\n    \"c\": 2\n  }\n}\n", []string{
		"f:1:1#0 {\n  \"a\": 1\n}", "f:4:1#0 {\n  \"b\": {\n    \"c\": 2\n  }\n}"}},
	{"two objects on the first line", `{"a":1} {"b":2}`, []string{
		`f:1:1#0 {"a":1}`, `f:1:9#0 {"b":2}`}},
	{"CRLF pretty array", "[\r\n  {\"a\": 1},\r\n  {\"b\": 2}\r\n]\r\n", []string{
		`f:2:3#1 {"a": 1}`, `f:3:3#2 {"b": 2}`}},

	// Structural errors: reported where they are, and the events after them come.
	{"unterminated string in array", "[\n  {\"a\": \"x},\n  {\"b\": 2},\n  {\"c\": 3}\n]", []string{
		`ERR event f:2:9 malformed JSON event: unterminated string`, `f:3:3#2 {"b": 2}`, `f:4:3#3 {"c": 3}`}},
	{"unterminated string, pretty element", "[\n  {\n    \"a\": \"x,\n    \"l\": [\n      {\"z\": 1}\n    ]\n  },\n  {\"b\": 2}\n]", []string{
		`ERR event f:3:10 malformed JSON event: unterminated string`, `f:8:3#2 {"b": 2}`}},
	{"garbage between elements", "[\n{\"a\":1} x\n,{\"b\":2}\n]", []string{
		`f:2:1#1 {"a":1}`, `ERR event f:2:9 malformed JSON event: unexpected 'x' after an element`, `f:3:2#2 {"b":2}`}},
	{"missing comma", `[{"a":1} {"b":2}]`, []string{
		`f:1:2#1 {"a":1}`, `ERR event f:1:10 malformed JSON event: missing ',' between elements`, `f:1:10#2 {"b":2}`}},
	{"wrong closing bracket", "[\n{\"a\":[1}\n,{\"b\":2}\n]", []string{
		`ERR event f:2:8 malformed JSON event: '}' does not close '['`, `f:3:2#2 {"b":2}`}},
	{"trailing comma", `[{"a":1},]`, []string{
		`f:1:2#1 {"a":1}`, `ERR event f:1:10 malformed JSON event: ',' before ']'`}},
	{"double comma", `[{"a":1},,{"b":2}]`, []string{
		`f:1:2#1 {"a":1}`, `ERR event f:1:10 malformed JSON event: unexpected ','`, `f:1:11#2 {"b":2}`}},
	{"unterminated array", "[{\"a\":1},\n", []string{
		`f:1:2#1 {"a":1}`, `ERR event f:1:1 malformed JSON event: unterminated array`}},
	{"truncated records", `{"Records":[{"a":1},{"b":{"c":`, []string{
		`f:1:13#1 {"a":1}`, `ERR event f:1:21 malformed JSON event: unterminated object`}},
	{"truncated records in a string", `{"Records":[{"a":1},{"b":"xy`, []string{
		`f:1:13#1 {"a":1}`, `ERR event f:1:26 malformed JSON event: unterminated string`}},
	{"truncated after records array", `{"Records":[{"a":1}], "x": [`, []string{
		`f:1:13#1 {"a":1}`, `ERR event f:1:12 malformed JSON event: unterminated object around the Records array`}},
	{"unterminated pretty object", "{\n  \"a\": 1,\n", []string{
		`ERR event f:1:1 malformed JSON event: unterminated object`}},
	{"garbage at the top level", "[1]\nfoo\n[2]\n", []string{
		`f:1:2#1 1`, `ERR event f:2:1 malformed JSON event: expected '{' or '[', found 'f'`, `f:3:2#1 2`}},
	{"garbage on the last line", `[{"a":1} x {"b":2}]`, []string{
		`f:1:2#1 {"a":1}`, `ERR event f:1:10 malformed JSON event: unexpected 'x' after an element`}},
	{"unexpected close", "[\n}\n,{\"b\":2}\n]", []string{
		`ERR event f:2:1 malformed JSON event: unexpected '}'`, `f:3:2#2 {"b":2}`}},
}

func TestShapes(t *testing.T) {
	for _, tc := range shapeTests {
		for _, compress := range []bool{false, true} {
			name := tc.name
			in := tc.in
			if compress {
				name += "/gz"
				in = gz(in)
			}
			t.Run(name, func(t *testing.T) {
				t.Chdir(t.TempDir())
				if err := os.WriteFile("f", []byte(in), 0o644); err != nil {
					t.Fatal(err)
				}
				got := collect(t, Open([]string{"f"}, nil))
				if !slices.Equal(got, tc.want) {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
			})
		}
	}
}

// Shapes must not depend on where buffer refills fall: read every case through
// a reader that returns one byte at a time.
func TestShapesByteByByte(t *testing.T) {
	for _, tc := range shapeTests {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(t, Open([]string{"-"}, oneByte{strings.NewReader(tc.in)}))
			for i := range got {
				got[i] = strings.Replace(got[i], "<stdin>", "f", 1)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestTooLong(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ndjson", "{\"a\":1}\n{\"b\":\"0123456789012345678901234567890123456789\"}\n{\"c\":3}\n", []string{
			`-:1:1#0 {"a":1}`, `ERR event -:2:1 malformed JSON event: line longer than 32 bytes`, `-:3:1#0 {"c":3}`}},
		{"ndjson last line", "{\"a\":1}\n{\"b\":\"0123456789012345678901234567890123456789\"}", []string{
			`-:1:1#0 {"a":1}`, `ERR event -:2:1 malformed JSON event: line longer than 32 bytes`}},
		{"ndjson first line", "{\"b\":\"0123456789012345678901234567890123456789\"}\n{\"c\":3}\n", []string{
			`ERR event -:1:1 malformed JSON event: line longer than 32 bytes`, `-:2:1#0 {"c":3}`}},
		{"array", "[{\"a\":1},\n {\"b\":\"0123456789012345678901234567890123456789\", \"x\": [[[\"]\"]]]},\n {\"c\":3}]", []string{
			`-:1:2#1 {"a":1}`, `ERR event -:2:2 malformed JSON event: event longer than 32 bytes`, `-:3:2#3 {"c":3}`}},
		{"records", `{"Records":[{"a":1},{"b":"0123456789012345678901234567890123456789"},{"c":3}]}`, []string{
			`-:1:13#1 {"a":1}`, `ERR event -:1:21 malformed JSON event: event longer than 32 bytes`, `-:1:70#3 {"c":3}`}},
		// The first value decides the shape; this one is the second.
		{"records after a long key", "[]\n" + `{"k":"0123456789012345678901234567890123456789","Records":[{"a":1}]}`, []string{
			`-:2:60#1 {"a":1}`}},
		{"pretty object", "{\n  \"b\": \"0123456789012345678901234567890123456789\"\n}\n{\n  \"c\": 3\n}", []string{
			`ERR event -:1:1 malformed JSON event: event longer than 32 bytes`, "-:4:1#0 {\n  \"c\": 3\n}"}},
	}
	for _, tc := range tests {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprint(tc.name, chunked), func(t *testing.T) {
				var in io.Reader = strings.NewReader(tc.in)
				if chunked {
					in = oneByte{in}
				}
				r := Open([]string{"-"}, in)
				r.SetMaxEvent(32)
				got := collect(t, r)
				for i := range got {
					got[i] = strings.Replace(got[i], "<stdin>", "-", 1)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
			})
		}
	}
}

func TestGzip(t *testing.T) {
	t.Chdir(t.TempDir())
	ndjson := "{\"a\":1}\n{\"b\":2}\n"
	members := gz("{\"a\":1}\n") + gz("{\"b\":2}\n")
	full := gz(strings.Repeat(`{"eventName":"ListBuckets","n":12345}`+"\n", 5000))
	write := func(name, data string) {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plain-name.json", gz(ndjson)) // detected by the magic bytes, not the name
	write("not-gzip.json.gz", ndjson)    // a .gz name on plain text is read as plain text
	write("members.json.gz", members)    // concatenated members are one stream
	write("trunc.json.gz", full[:len(full)/2])
	write("badheader.json.gz", "\x1f\x8bxxxxxxxxxxxxxxxxxxxxx")
	write("after.json", `{"z":9}`)

	got := collect(t, Open([]string{"plain-name.json", "not-gzip.json.gz", "members.json.gz"}, nil))
	want := []string{
		`plain-name.json:1:1#0 {"a":1}`, `plain-name.json:2:1#0 {"b":2}`,
		`not-gzip.json.gz:1:1#0 {"a":1}`, `not-gzip.json.gz:2:1#0 {"b":2}`,
		`members.json.gz:1:1#0 {"a":1}`, `members.json.gz:2:1#0 {"b":2}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = collect(t, Open([]string{"trunc.json.gz", "badheader.json.gz", "after.json"}, nil))
	if len(got) < 3 {
		t.Fatalf("got %q", got)
	}
	n := len(got)
	for i, g := range got[:n-3] {
		if want := fmt.Sprintf(`trunc.json.gz:%d:1#0 {"eventName":"ListBuckets","n":12345}`, i+1); g != want {
			t.Fatalf("event %d = %q, want %q", i, g, want)
		}
	}
	if !strings.HasPrefix(got[n-3], fmt.Sprintf("ERR io trunc.json.gz:%d:", n-2)) || !strings.HasSuffix(got[n-3], "gzip data is truncated") {
		t.Errorf("truncated gzip: got %q", got[n-3])
	}
	if !strings.HasPrefix(got[n-2], "ERR io badheader.json.gz gzip:") {
		t.Errorf("bad header: got %q", got[n-2])
	}
	if got[n-1] != `after.json:1:1#0 {"z":9}` {
		t.Errorf("the file after broken ones: got %q", got[n-1])
	}
}

func TestDirsAndStdin(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	files := map[string]string{
		"logs/b.json":           `{"f":"b"}`,
		"logs/a.jsonl":          `{"f":"a"}`,
		"logs/.hidden.json":     `{"f":"hidden"}`,
		"logs/.git/x.json":      `{"f":"git"}`,
		"logs/c.TXT.gz":         gz(`{"f":"c"}`),
		"logs/d.csv":            `a,b`,
		"logs/e.log":            `{"f":"e"}`,
		"logs/sub/f.ndjson":     `{"f":"f"}`,
		"logs/sub/g.json.gz":    gz(`{"Records":[{"f":"g"}]}`),
		"logs/sub2/h.json":      `[{"f":"h"}]`,
		"logs/zz/readme.md":     `# no`,
		"single.data":           `{"f":"single"}`,
		"logs/sub/notes.gzip":   `x`,
		"logs/sub/.h/deep.json": `{"f":"deep"}`,
	}
	for name, data := range files {
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("nowhere", "logs/sub2/broken.json"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../b.json", "logs/sub2/link.json"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sub", "logs/sub2/linkdir.json"); err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader("{\"f\":\"stdin1\"}\n{\"f\":\"stdin2\"}\n")
	abs := filepath.Join(dir, "single.data")
	r := Open([]string{"logs", "missing.json", "-", abs}, stdin)
	got := collect(t, r)
	want := []string{
		`logs/a.jsonl:1:1#0 {"f":"a"}`,
		`logs/b.json:1:1#0 {"f":"b"}`,
		`logs/c.TXT.gz:1:1#0 {"f":"c"}`,
		`logs/e.log:1:1#0 {"f":"e"}`,
		`logs/sub/f.ndjson:1:1#0 {"f":"f"}`,
		`logs/sub/g.json.gz:1:13#1 {"f":"g"}`,
		`ERR io logs/sub2/broken.json no such file or directory`,
		`logs/sub2/h.json:1:2#1 {"f":"h"}`,
		`logs/sub2/link.json:1:1#0 {"f":"b"}`,
		`ERR io missing.json no such file or directory`,
		`<stdin>:1:1#0 {"f":"stdin1"}`,
		`<stdin>:2:1#0 {"f":"stdin2"}`,
		`single.data:1:1#0 {"f":"single"}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p := r.Progress()
	if p.Total != -1 {
		t.Errorf("Total with stdin = %d, want -1", p.Total)
	}

	// Without stdin the total is known, and reading it all reads exactly it.
	os.Remove("logs/sub2/link.json")
	os.Remove("logs/sub2/broken.json")
	r = Open([]string{"logs"}, nil)
	collect(t, r)
	p = r.Progress()
	var total, text int64
	for name, data := range files {
		if strings.HasPrefix(name, "logs/") && IsEventFile(name) && !strings.Contains(name, "/.") {
			total += int64(len(data))
			if strings.HasSuffix(name, ".gz") {
				data = gunzip(t, data)
			}
			text += int64(len(data))
		}
	}
	if p.Total != total || p.Read != total || p.Scanned != text {
		t.Errorf("progress %+v, want Total=Read=%d Scanned=%d", p, total, text)
	}
}

func gunzip(t *testing.T, s string) string {
	zr, err := gzip.NewReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads everything")
	}
	t.Chdir(t.TempDir())
	os.MkdirAll("d/locked", 0o755)
	os.WriteFile("d/a.json", []byte(`{"a":1}`), 0o644)
	os.WriteFile("d/locked/x.json", []byte(`{"x":1}`), 0o644)
	os.WriteFile("d/z.json", []byte(`{"z":1}`), 0o000)
	os.Chmod("d/locked", 0o000)
	defer os.Chmod("d/locked", 0o755)
	got := collect(t, Open([]string{"d"}, nil))
	want := []string{
		`d/a.json:1:1#0 {"a":1}`,
		`ERR io d/locked permission denied`,
		`ERR io d/z.json permission denied`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNoStdin(t *testing.T) {
	got := collect(t, Open([]string{"-"}, nil))
	if want := []string{"ERR io <stdin> no standard input"}; !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestEventFileNames(t *testing.T) {
	for name, want := range map[string]bool{
		"a.json": true, "a.JSONL": true, "a.ndjson.gz": true, "a.log": true, "a.txt.GZ": true,
		"a.csv": false, "a.gz": false, "a.json.zip": false, "json": false, "a.tar.gz": false,
	} {
		if got := IsEventFile(name); got != want {
			t.Errorf("IsEventFile(%q) = %v", name, got)
		}
	}
}

func TestBatch(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("a.json", []byte("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"), 0o644)
	os.WriteFile("b.json", []byte(`{"Records":[{"b":1},{"b":2}]`), 0o644)
	os.WriteFile("c.json", []byte("[\n{\"c\":1}\n]"), 0o644)
	r := Open([]string{"a.json", "b.json", "c.json"}, nil)
	var b Batch
	var got []string
	for {
		err := r.NextBatch(&b, 2, 1<<20)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var line []string
		for i := range b.Len() {
			ev := b.Event(i)
			if ev.Source() != b.Source(i) {
				t.Errorf("Event(%d).Source() = %s, Source(%d) = %s", i, ev.Source(), i, b.Source(i))
			}
			if string(ev.Raw) != string(b.Raw(i)) {
				t.Errorf("Event(%d).Raw = %s, Raw(%d) = %s", i, ev.Raw, i, b.Raw(i))
			}
			line = append(line, b.Source(i)+" "+string(b.Raw(i)))
		}
		for _, e := range b.Errs {
			line = append(line, "ERR "+e.Error())
		}
		got = append(got, strings.Join(line, " | "))
	}
	want := []string{
		`a.json:1 {"a":1} | a.json:2 {"a":2}`,
		`a.json:3 {"a":3} | b.json:1#1 {"b":1}`,
		`b.json:1#2 {"b":2} | c.json:2#1 {"c":1} | ERR b.json:1:12: event: malformed JSON event: unterminated object around the Records array`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// maxBytes stops a batch early; one event over it still makes a batch.
	r = Open([]string{"a.json"}, nil)
	if err := r.NextBatch(&b, 100, 10); err != nil || b.Len() != 2 || b.Size() != 14 {
		t.Errorf("maxBytes 10: err %v, %d events, %d bytes", err, b.Len(), b.Size())
	}
}
