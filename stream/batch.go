package stream

import (
	"errors"
	"io"

	"github.com/concordsec/concord/ast"
)

// Batch is many events copied out of the reader, to hand to another goroutine:
// one arena of bytes and a small record per event, reused from call to call, so
// a steady stream of batches allocates nothing. Positions are kept as numbers;
// Source formats one only when asked.
type Batch struct {
	data  []byte
	items []item
	files []string
	// Errs are the errors met while filling the batch, in input order. They are
	// positioned, so they need no event order to be reported.
	Errs ast.ErrorList

	lastFile int // reader's fileNo of files[len(files)-1]
}

type item struct {
	start, end int
	line, col  int
	elem       int
	file       int // index into files
}

// Len is the number of events in the batch.
func (b *Batch) Len() int { return len(b.items) }

// Size is the number of bytes of the events in the batch.
func (b *Batch) Size() int { return len(b.data) }

// Raw is event i's JSON text; it stays valid until the batch is refilled.
func (b *Batch) Raw(i int) []byte {
	it := &b.items[i]
	return b.data[it.start:it.end:it.end]
}

// Event is event i with its position.
func (b *Batch) Event(i int) Event {
	it := &b.items[i]
	return Event{File: b.files[it.file], Line: it.line, Col: it.col, Elem: it.elem, Raw: b.Raw(i)}
}

// Source names event i as Event.Source does.
func (b *Batch) Source(i int) string {
	it := &b.items[i]
	return source(b.files[it.file], it.line, it.elem)
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.data = b.data[:0]
	b.items = b.items[:0]
	b.files = b.files[:0]
	b.Errs = b.Errs[:0]
	b.lastFile = -1
}

// NextBatch refills b with the next events: up to maxEvents of them, stopping
// early once maxBytes of event text are in (so one event longer than maxBytes
// still makes a batch of one). Errors go to b.Errs and reading goes on. It
// returns io.EOF, with b empty, once the input is used up.
//
// A consumer running rules on several cores reads batches on one goroutine and
// sends them to workers, recycling them through a channel or sync.Pool; a few
// thousand events or a few megabytes per batch make the hand-off cost vanish.
func (r *Reader) NextBatch(b *Batch, maxEvents, maxBytes int) error {
	b.Reset()
	if maxEvents < 1 {
		maxEvents = 1
	}
	for len(b.items) < maxEvents && len(b.data) < maxBytes {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var ae *ast.Error
			if !errors.As(err, &ae) {
				ae = ast.Errorf(ast.Pos{File: r.file}, ast.CodeIO, "%v", err)
			}
			b.Errs = append(b.Errs, ae)
			continue
		}
		if r.fileNo != b.lastFile || len(b.files) == 0 {
			b.files = append(b.files, ev.File)
			b.lastFile = r.fileNo
		}
		start := len(b.data)
		b.data = append(b.data, ev.Raw...)
		b.items = append(b.items, item{start: start, end: len(b.data), line: ev.Line, col: ev.Col, elem: ev.Elem, file: len(b.files) - 1})
	}
	if len(b.items) == 0 && len(b.Errs) == 0 {
		return io.EOF
	}
	return nil
}
