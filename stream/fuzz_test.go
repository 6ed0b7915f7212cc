package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

type found struct {
	line, col, elem int
	raw             string
	err             string
}

func readFound(t *testing.T, in io.Reader, max int) []found {
	r := Open([]string{"-"}, in)
	if max > 0 {
		r.SetMaxEvent(max)
	}
	var out []found
	for range 1 << 20 {
		ev, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var ae *ast.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error is not an *ast.Error: %T %v", err, err)
			}
			if ae.Code != ast.CodeEvent && ae.Code != ast.CodeIO {
				t.Fatalf("error code %q: %v", ae.Code, ae)
			}
			out = append(out, found{line: ae.Pos.Line, col: ae.Pos.Col, err: ae.Msg})
			continue
		}
		out = append(out, found{line: ev.Line, col: ev.Col, elem: ev.Elem, raw: string(ev.Raw)})
	}
	t.Fatal("reader does not end")
	return nil
}

// chunks returns at most n bytes per Read, n cycling through sizes, so that
// refills fall everywhere.
type chunks struct {
	r     io.Reader
	sizes []int
	i     int
}

func (c *chunks) Read(p []byte) (int, error) {
	n := c.sizes[c.i%len(c.sizes)]
	c.i++
	if len(p) > n {
		p = p[:n]
	}
	return c.r.Read(p)
}

func FuzzReader(f *testing.F) {
	// A tiny first buffer: refills and growth happen all the time.
	defer func(n int) { bufSize = n }(bufSize)
	bufSize = 16
	for _, tc := range shapeTests {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte("{\"a\":1}\n{\"b\":[1,2]}\n\n  {\"c\":\"x\\\"y\"}\r\n"))
	f.Add([]byte("[1,\n2]\n{\"Records\":[3]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := readFound(t, bytes.NewReader(data), 0)
		// Where buffer refills fall must not change anything.
		if got := readFound(t, &chunks{r: bytes.NewReader(data), sizes: []int{1, 3, 2, 7, 64}}, 0); !slices.Equal(got, whole) {
			t.Fatalf("read in chunks: %v\nread whole: %v", got, whole)
		}
		// An event limit cuts events short but must not break anything.
		readFound(t, &chunks{r: bytes.NewReader(data), sizes: []int{5, 1, 17}}, 8)
		// Batches hold what Next yields, whatever their bounds.
		for _, max := range []int{0, 8} {
			open := func() *Reader {
				r := Open([]string{"-"}, &chunks{r: bytes.NewReader(data), sizes: []int{5, 1, 17, 64}})
				if max > 0 {
					r.SetMaxEvent(max)
				}
				return r
			}
			for _, lim := range [][2]int{{1, 1 << 20}, {3, 10}, {2048, 4 << 20}} {
				sameAsNext(t, open, lim[0], lim[1])
			}
		}

		text := data
		skip := 0
		if bytes.HasPrefix(text, bom) {
			text, skip = text[len(bom):], len(bom)
		}
		lines := strings.Split(string(text), "\n")
		// Every event's bytes are in the input where its position says.
		starts := []int{skip}
		for i, c := range text {
			if c == '\n' {
				starts = append(starts, skip+i+1)
			}
		}
		for _, ev := range whole {
			if ev.err != "" {
				continue
			}
			if ev.raw == "" || isSpace(ev.raw[0]) || isSpace(ev.raw[len(ev.raw)-1]) {
				t.Fatalf("event %q is not trimmed", ev.raw)
			}
			if ev.line < 1 || ev.line > len(starts) || ev.col < 1 {
				t.Fatalf("event %q at %d:%d", ev.raw, ev.line, ev.col)
			}
			off := starts[ev.line-1] + ev.col - 1
			if !bytes.HasPrefix(data[off:], []byte(ev.raw)) {
				t.Fatalf("event %q at %d:%d is not there", ev.raw, ev.line, ev.col)
			}
		}

		var nonBlank []found
		allValid := true
		for i, l := range lines {
			tl, off := trim([]byte(l))
			if len(tl) == 0 {
				continue
			}
			nonBlank = append(nonBlank, found{line: i + 1, col: off + 1, raw: string(tl)})
			allValid = allValid && json.Valid(tl)
		}
		if len(nonBlank) == 0 {
			if len(whole) != 0 {
				t.Fatalf("blank input gave %v", whole)
			}
			return
		}

		// NDJSON: a first line that is a JSON object (not a Records wrapper)
		// makes every non-blank line an event, whatever is on it.
		first := []byte(nonBlank[0].raw)
		if first[0] == '{' && json.Valid(first) && !bytes.Contains(first, []byte(`"Records"`)) {
			if !slices.Equal(whole, nonBlank) {
				t.Fatalf("NDJSON: got %v\nwant %v", whole, nonBlank)
			}
		}

		// The same values as elements of an array, pretty-printed or in a
		// Records object on one line, come out as they went in.
		if !allValid {
			return
		}
		var arr bytes.Buffer
		arr.WriteString("[\n")
		var want []found
		for i, nb := range nonBlank {
			if i > 0 {
				arr.WriteString(",\n")
			}
			arr.WriteString("  ")
			arr.WriteString(nb.raw)
			want = append(want, found{line: 2 + i, col: 3, elem: i + 1, raw: nb.raw})
		}
		arr.WriteString("\n]\n")
		if got := readFound(t, bytes.NewReader(arr.Bytes()), 0); !slices.Equal(got, want) {
			t.Fatalf("array %q: got %v\nwant %v", arr.Bytes(), got, want)
		}
		var rec bytes.Buffer
		rec.WriteString(`{"x":{"Records":[0]},"Records":[`)
		want = want[:0]
		for i, nb := range nonBlank {
			if i > 0 {
				rec.WriteString(",")
			}
			want = append(want, found{line: 1, col: rec.Len() + 1, elem: i + 1, raw: nb.raw})
			rec.WriteString(nb.raw)
		}
		rec.WriteString(`],"y":"]"}`)
		if got := readFound(t, bytes.NewReader(rec.Bytes()), 0); !slices.Equal(got, want) {
			t.Fatalf("records %q: got %v\nwant %v", rec.Bytes(), got, want)
		}
	})
}
