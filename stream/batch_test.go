package stream

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// readBatches reads everything with NextBatch, as collect does with Next:
// events then errors, in input order.
func readBatches(t testing.TB, r *Reader, maxEvents, maxBytes int) (events, errs []string) {
	t.Helper()
	var b Batch
	for range 1_000_000 {
		if err := r.NextBatch(&b, maxEvents, maxBytes); err != nil {
			if err != io.EOF {
				t.Fatalf("NextBatch: %v", err)
			}
			return events, errs
		}
		if b.Len() > maxEvents {
			t.Fatalf("batch of %d events, maxEvents %d", b.Len(), maxEvents)
		}
		size := 0
		for i := range b.Len() {
			ev := b.Event(i)
			if !bytes.Equal(ev.Raw, b.Raw(i)) || ev.Source() != b.Source(i) {
				t.Fatalf("Event(%d) = %s %q, Source and Raw say %s %q", i, ev.Source(), ev.Raw, b.Source(i), b.Raw(i))
			}
			size += len(ev.Raw)
			events = append(events, fmt.Sprintf("%s:%d:%d#%d %s", ev.File, ev.Line, ev.Col, ev.Elem, ev.Raw))
		}
		if b.Size() != size {
			t.Fatalf("Size() = %d, events hold %d bytes", b.Size(), size)
		}
		for _, e := range b.Errs {
			errs = append(errs, fmt.Sprintf("ERR %s %s %s", e.Code, e.Pos, e.Msg))
		}
	}
	t.Fatal("reader does not end")
	return nil, nil
}

// sameAsNext checks that NextBatch yields what Next does, in the same order,
// and leaves Progress at the same figures.
func sameAsNext(t testing.TB, open func() *Reader, maxEvents, maxBytes int) {
	t.Helper()
	ref := open()
	var wantEvents, wantErrs []string
	for _, s := range collect(t, ref) {
		if strings.HasPrefix(s, "ERR ") {
			wantErrs = append(wantErrs, s)
		} else {
			wantEvents = append(wantEvents, s)
		}
	}
	r := open()
	events, errs := readBatches(t, r, maxEvents, maxBytes)
	if !slices.Equal(events, wantEvents) || !slices.Equal(errs, wantErrs) {
		t.Fatalf("maxEvents %d, maxBytes %d: NextBatch gives\n%s\n%s\nNext gives\n%s\n%s", maxEvents, maxBytes,
			strings.Join(events, "\n"), strings.Join(errs, "\n"), strings.Join(wantEvents, "\n"), strings.Join(wantErrs, "\n"))
	}
	if got, want := r.Progress(), ref.Progress(); got != want {
		t.Fatalf("maxEvents %d, maxBytes %d: Progress %+v after NextBatch, %+v after Next", maxEvents, maxBytes, got, want)
	}
	events, errs = readBatchesCounting(t, open(), maxBytes)
	if !slices.Equal(events, wantEvents) || !slices.Equal(errs, wantErrs) {
		t.Fatalf("maxBytes %d, lines counted in batches: NextBatch gives\n%s\n%s\nNext gives\n%s\n%s", maxBytes,
			strings.Join(events, "\n"), strings.Join(errs, "\n"), strings.Join(wantEvents, "\n"), strings.Join(wantErrs, "\n"))
	}
}

// readBatchesCounting reads everything with NextBatch as a scan does once
// the reader leaves lines to its batches to count: batches bounded by bytes,
// each split on a goroutine of its own, in no particular order.
func readBatchesCounting(t testing.TB, r *Reader, maxBytes int) (events, errs []string) {
	t.Helper()
	r.CountLinesInBatches()
	type found struct{ events, errs []string }
	var all []*found
	var wg sync.WaitGroup
	for n := 0; ; n++ {
		b := &Batch{}
		if err := r.NextBatch(b, math.MaxInt, maxBytes); err != nil {
			if err != io.EOF {
				t.Fatalf("NextBatch: %v", err)
			}
			break
		}
		f := &found{}
		all = append(all, f)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n%3 == 0 {
				time.Sleep(time.Duration(n%7) * 50 * time.Microsecond) // let later batches split first
			}
			for i := range b.Len() {
				ev := b.Event(i)
				f.events = append(f.events, fmt.Sprintf("%s:%d:%d#%d %s", ev.File, ev.Line, ev.Col, ev.Elem, ev.Raw))
			}
			for _, e := range b.Errs {
				f.errs = append(f.errs, fmt.Sprintf("ERR %s %s %s", e.Code, e.Pos, e.Msg))
			}
		}()
	}
	wg.Wait()
	for _, f := range all {
		events, errs = append(events, f.events...), append(errs, f.errs...)
	}
	return events, errs
}

// randomLines is NDJSON as found in the wild, with what can go wrong in it:
// CRLF, blank and whitespace-only lines, indentation, long and broken lines,
// a BOM, no final newline. Now and then it is another shape altogether.
func randomLines(rng *rand.Rand) string {
	var s strings.Builder
	if rng.IntN(5) == 0 {
		s.WriteString("\xef\xbb\xbf")
	}
	switch rng.IntN(12) {
	case 0:
		s.WriteString("[{\"a\":1},\n{\"b\":2}]\n")
	case 1:
		s.WriteString("{\n  \"a\": 1\n}\n")
	case 2:
		s.WriteString("{\"Records\":[{\"a\":1}]}\n")
	}
	for i := range rng.IntN(60) {
		switch rng.IntN(10) {
		case 0:
			s.WriteString(strings.Repeat(" \t\r"[rng.IntN(3):][:1], rng.IntN(4)))
		case 1:
			fmt.Fprintf(&s, "{\"long\":\"%s\"}", strings.Repeat("x", rng.IntN(300)))
		case 2:
			s.WriteString("not json {")
		case 3:
			fmt.Fprintf(&s, "%s{\"n\":%d}%s", strings.Repeat(" ", rng.IntN(3)), i, strings.Repeat("\t", rng.IntN(2)))
		default:
			fmt.Fprintf(&s, "{\"n\":%d,\"s\":\"%s\"}", i, strings.Repeat("ab", rng.IntN(20)))
		}
		if rng.IntN(4) == 0 {
			s.WriteByte('\r')
		}
		s.WriteByte('\n')
	}
	out := s.String()
	if rng.IntN(3) == 0 {
		out = strings.TrimRight(out, "\r\n")
	}
	return out
}

// TestBatchSameAsNext compares NextBatch with Next over many inputs, batch
// bounds, event limits and buffer sizes: several files, gzipped or not, and
// standard input read in odd chunks, so that refills and batch ends fall
// everywhere.
func TestBatchSameAsNext(t *testing.T) {
	defer func(n int) { bufSize = n }(bufSize)
	t.Chdir(t.TempDir())
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		bufSize = []int{16, 64, 1 << 10, 1 << 20}[round%4]
		os.RemoveAll("d")
		os.Mkdir("d", 0o755)
		var paths []string
		var stdin string
		for i := range 1 + rng.IntN(4) {
			text := randomLines(rng)
			name := filepath.Join("d", fmt.Sprintf("f%d.json", i))
			switch rng.IntN(4) {
			case 0:
				text = gz(text)
			case 1:
				if stdin == "" {
					stdin, name = text, "-"
				}
			}
			if name != "-" {
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			paths = append(paths, name)
		}
		if rng.IntN(4) == 0 {
			paths = []string{"d"}
		}
		max := []int{0, 8, 40, 200}[rng.IntN(4)]
		open := func() *Reader {
			r := Open(paths, &chunks{r: strings.NewReader(stdin), sizes: []int{1, 3, 2, 7, 64, 4096}})
			if max > 0 {
				r.SetMaxEvent(max)
			}
			return r
		}
		for _, lim := range [][2]int{{1, 1 << 20}, {2, 1 << 20}, {3, 10}, {7, 100}, {2048, 4 << 20}, {1000, 1}, {5, 300}} {
			sameAsNext(t, open, lim[0], lim[1])
		}
	}
}

// TestBatchReadError: lines before a read error come, the partial line it
// cuts does not, and the error is reported where Next reports it.
func TestBatchReadError(t *testing.T) {
	defer func(n int) { bufSize = n }(bufSize)
	for _, bufSize = range []int{16, 1 << 20} {
		for _, lim := range []int{1, 2, 100} {
			sameAsNext(t, func() *Reader {
				return Open([]string{"-"}, &failing{data: "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":"})
			}, lim, 1<<20)
		}
	}
}

type failing struct{ data string }

func (f *failing) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, fmt.Errorf("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestBatchLongLines: a line over the event limit is reported by NextBatch as
// by Next, wherever it falls in a batch.
func TestBatchLongLines(t *testing.T) {
	long := `{"b":"` + strings.Repeat("0123456789", 4) + `"}`
	in := strings.Repeat("{\"a\":1}\n"+long+"\n", 3) + long
	for _, lim := range []int{1, 2, 3, 100} {
		sameAsNext(t, func() *Reader {
			r := Open([]string{"-"}, strings.NewReader(in))
			r.SetMaxEvent(32)
			return r
		}, lim, 1<<20)
	}
	r := Open([]string{"-"}, strings.NewReader(in))
	r.SetMaxEvent(32)
	_, errs := readBatches(t, r, 100, 1<<20)
	if len(errs) != 4 || !strings.Contains(errs[0], "<stdin>:2:1 malformed JSON event: line longer than 32 bytes") {
		t.Errorf("errors: %q", errs)
	}
}

// TestBatchBounds: in NDJSON the bounds count lines, blank ones too, and
// their bytes, newlines too.
func TestBatchBounds(t *testing.T) {
	sizes := func(in string, maxEvents, maxBytes int) []int {
		r := Open([]string{"-"}, strings.NewReader(in))
		var b Batch
		var got []int
		for r.NextBatch(&b, maxEvents, maxBytes) == nil {
			if len(b.Errs) > 0 {
				t.Fatal(b.Errs)
			}
			got = append(got, b.Len())
		}
		return got
	}
	blank := "{\"a\":1}\n\n \r\n\t\n{\"b\":2}\n"
	if got, want := sizes(blank, 2, 1<<20), []int{1, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("blank lines: events per batch %v, want %v", got, want)
	}
	lines := strings.Repeat("{\"a\":1}\n", 6) // 8 bytes a line
	for _, tc := range []struct {
		maxBytes int
		want     []int
	}{{16, []int{2, 2, 2}}, {17, []int{3, 3}}, {1, []int{1, 1, 1, 1, 1, 1}}} {
		if got := sizes(lines, 100, tc.maxBytes); !slices.Equal(got, tc.want) {
			t.Errorf("maxBytes %d: events per batch %v, want %v", tc.maxBytes, got, tc.want)
		}
	}
}
