package stream

import (
	"bytes"
	"errors"
	"io"
	"math"

	"github.com/concordsec/concord/ast"
)

// Batch is many events copied out of the reader, to hand to another goroutine:
// one arena of bytes and a small record per event, reused from call to call, so
// a steady stream of batches allocates nothing. Positions are kept as numbers;
// Source formats one only when asked.
//
// NDJSON is read into the arena in blocks of whole lines and split into events
// on the batch's first use (Len, Size, Raw, Event, Source), so that work falls
// on the goroutine consuming the batch rather than the one reading. A batch is
// therefore for one goroutine at a time, like the rest of its state.
type Batch struct {
	data  []byte
	items []item
	files []string
	// Errs are the errors met while filling the batch, in input order. They are
	// positioned, so they need no event order to be reported. Splitting never
	// adds to them: whatever could fail on a line was checked by the reader.
	Errs ast.ErrorList

	lastFile int // reader's fileNo of files[len(files)-1]

	blocks []block // NDJSON not split into items yet
	lines  int     // lines in blocks: a bound on their events
	spare  []item  // the other items buffer, for split
}

type item struct {
	start, end int
	line, col  int
	elem       int
	file       int // index into files
}

// block is whole NDJSON lines in data[start:end], end just after a newline,
// none longer than the reader's event limit.
type block struct {
	start, end int
	at         int // len(items) when read: the block's events go before items[at]
	file       int
	line       int // the first line's number, unless node says it
	col        int // bytes of the first line before start: it may start after a BOM or blank space
	// node, when the reader left the block's lines to the batch to count,
	// gives the first line's number once the blocks before it are counted.
	node *lineNode
}

// split turns the blocks into items, in input order.
func (b *Batch) split() {
	if len(b.blocks) == 0 {
		return
	}
	out := b.spare[:0]
	prev := 0
	for _, bl := range b.blocks {
		out = append(out, b.items[prev:bl.at]...)
		prev = bl.at
		line, col := bl.line, bl.col
		first := len(out)
		for i := bl.start; i < bl.end; {
			end := i + bytes.IndexByte(b.data[i:bl.end], '\n')
			s, e := i, end
			for s < e && isSpace(b.data[s]) {
				s++
			}
			for e > s && isSpace(b.data[e-1]) {
				e--
			}
			if s < e {
				out = append(out, item{start: s, end: e, line: line, col: col + s - i + 1, file: bl.file})
			}
			i, line, col = end+1, line+1, 0
		}
		if bl.node != nil {
			// line counted the block's lines from 0.
			bl.node.publish(line)
			base := bl.node.first()
			for j := first; j < len(out); j++ {
				out[j].line += base
			}
		}
	}
	out = append(out, b.items[prev:]...)
	b.items, b.spare = out, b.items
	b.blocks, b.lines = b.blocks[:0], 0
}

// Len is the number of events in the batch.
func (b *Batch) Len() int {
	b.split()
	return len(b.items)
}

// Size is the number of bytes of the events in the batch.
func (b *Batch) Size() int {
	b.split()
	n := 0
	for _, it := range b.items {
		n += it.end - it.start
	}
	return n
}

// Raw is event i's JSON text; it stays valid until the batch is refilled.
func (b *Batch) Raw(i int) []byte {
	b.split()
	it := &b.items[i]
	return b.data[it.start:it.end:it.end]
}

// Event is event i with its position.
func (b *Batch) Event(i int) Event {
	b.split()
	it := &b.items[i]
	return Event{File: b.files[it.file], Line: it.line, Col: it.col, Elem: it.elem, Raw: b.Raw(i)}
}

// Source names event i as Event.Source does.
func (b *Batch) Source(i int) string {
	b.split()
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
	b.blocks, b.lines = b.blocks[:0], 0
}

// file is the index in b.files of the reader's open file.
func (b *Batch) file(r *Reader) int {
	if r.fileNo != b.lastFile || len(b.files) == 0 {
		b.files = append(b.files, r.file)
		b.lastFile = r.fileNo
	}
	return len(b.files) - 1
}

// NextBatch refills b with the next events: up to maxEvents of them, stopping
// early once maxBytes of event text are in (so one event longer than maxBytes
// still makes a batch of one). Errors go to b.Errs and reading goes on. It
// returns io.EOF, with b empty, once the input is used up.
//
// In NDJSON the bounds count lines rather than events: a blank line takes one
// of maxEvents, and a line's bytes count in full, blank space and newline
// included. So a batch holds at most maxEvents events either way, and may
// hold fewer when lines are blank.
//
// A consumer running rules on several cores reads batches on one goroutine and
// sends them to workers, recycling them through a channel or sync.Pool; a few
// thousand events or a few megabytes per batch make the hand-off cost vanish.
func (r *Reader) NextBatch(b *Batch, maxEvents, maxBytes int) error {
	b.Reset()
	if maxEvents < 1 {
		maxEvents = 1
	}
	for len(b.items)+b.lines < maxEvents && len(b.data) < maxBytes {
		if r.mode == modeLines && !r.discard && r.readLines(b, maxEvents-len(b.items)-b.lines, maxBytes) {
			continue
		}
		// Beyond whole lines, reading needs to know which line it is on.
		r.syncLines(b)
		ev, err := r.step()
		if ev == nil && err == nil {
			continue
		}
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
		start := len(b.data)
		b.data = append(b.data, ev.Raw...)
		b.items = append(b.items, item{start: start, end: len(b.data), line: ev.Line, col: ev.Col, elem: ev.Elem, file: b.file(r)})
	}
	if len(b.items) == 0 && len(b.blocks) == 0 && len(b.Errs) == 0 {
		return io.EOF
	}
	return nil
}

// readLines moves whole NDJSON lines into b as one block, reading the input
// straight into b's arena: up to maxLines lines, stopping after the line that
// brings b to maxBytes. Only the newlines are counted here, to know where the
// block ends and which line comes next. The block holds only lines no longer
// than the event limit: it is never longer than the limit itself.
//
// It reports false, having taken nothing, when no whole line is at hand that
// it may take; nextLine then deals with what is left: a last line without a
// newline, a read error, a line over the limit.
func (r *Reader) readLines(b *Batch, maxLines, maxBytes int) bool {
	start := len(b.data)
	off := r.base + int64(r.pos) // the input offset of data[start]
	limit := start + r.max + 1
	if limit < start {
		limit = math.MaxInt
	}
	// Read in pieces smaller than a batch so that little is read past the
	// block's end: those bytes are copied back to buf for the next block.
	piece := max(bufSize/4, 1)
	// Lines are counted here unless the batch may count them: then only a
	// bound on lines that could bind needs counting.
	counting := r.chain == nil || maxLines <= max(maxBytes, 1)+piece
	if counting {
		r.syncLines(b)
	}
	fromSrc := false
	lines := 0      // newlines in data[start:seen]
	lastNL := start // just after the last newline in data[start:seen]
	cut := -1
	for seen := start; ; seen = len(b.data) {
		// Pull more: what buf still holds, then the input.
		n := min(piece, limit-len(b.data))
		if cap(b.data)-len(b.data) < n {
			// Straight to the size a batch ends at: growing step by step
			// copies, and faults in, several times as much memory. Not
			// slices.Grow, which clears the new room: reads fill it.
			nb := make([]byte, len(b.data), max(len(b.data)+n, min(maxBytes, limit)+piece))
			copy(nb, b.data)
			b.data = nb
		}
		dst := b.data[len(b.data) : len(b.data)+n]
		if r.pos < r.end {
			n = copy(dst, r.buf[r.pos:r.end])
			r.pos += n
		} else {
			n = r.readInto(dst)
			r.scanned.Add(int64(n))
			fromSrc = true
		}
		b.data = b.data[:len(b.data)+n]

		seg := b.data[seen:]
		count := 0
		if counting {
			count = bytes.Count(seg, []byte{'\n'})
		}
		if counting && lines+count >= maxLines {
			cut = seen
			for range maxLines - lines {
				cut += bytes.IndexByte(b.data[cut:], '\n') + 1
			}
		}
		if len(b.data) >= maxBytes {
			from := max(seen, maxBytes-1)
			if i := bytes.IndexByte(b.data[from:], '\n'); i >= 0 && (cut < 0 || from+i+1 < cut) {
				cut = from + i + 1
			}
		}
		if cut >= 0 {
			if counting {
				lines += bytes.Count(b.data[seen:cut], []byte{'\n'})
			}
			break
		}
		lines += count
		if i := bytes.LastIndexByte(seg, '\n'); i >= 0 {
			lastNL = seen + i + 1
		}
		if len(b.data) >= limit || n == 0 && r.pos == r.end && r.eof {
			cut = lastNL
			break
		}
	}

	if cut > start {
		bl := block{start: start, end: cut, at: len(b.items), file: b.file(r), col: int(off - r.lineStart)}
		if counting {
			bl.line = r.line
			b.lines += lines
			r.line += lines
		} else {
			bl.node = &lineNode{chain: r.chain, prev: r.lastNode, base: r.line, count: -1}
			r.lastNode = bl.node
		}
		b.blocks = append(b.blocks, bl)
		r.lineStart = off + int64(cut-start)
	}
	// The bytes read past the block go back to buf: where they came from, or
	// to its start once the input has been read from.
	rest := b.data[cut:]
	b.data = b.data[:cut]
	if !fromSrc {
		r.pos -= len(rest)
	} else {
		if len(r.buf) < len(rest) {
			r.buf = make([]byte, max(len(rest), bufSize))
		}
		r.pos, r.end = 0, copy(r.buf, rest)
		r.base = off + int64(cut-start)
	}
	r.clean = 0
	return cut > start
}

// CountLinesInBatches leaves the counting of NDJSON lines to the batches
// NextBatch fills, to take that work off the goroutine that reads: each batch
// counts its lines when it is split (on its first Len, Raw, Event, ...), and
// its line numbers wait until every batch before it is split. Only for a
// consumer that splits each batch it gets, and whose maxEvents cannot bind
// (NextBatch counts lines as before when it might).
func (r *Reader) CountLinesInBatches() {
	if r.chain == nil {
		r.chain = newLineChain()
	}
}

// syncLines makes r.line known again after blocks left to their batches to
// count: b's own blocks (b is not handed out yet) are counted here, those of
// the batches before it by their consumers.
func (r *Reader) syncLines(b *Batch) {
	if r.lastNode == nil {
		return
	}
	if b != nil {
		for _, bl := range b.blocks {
			if bl.node != nil {
				bl.node.publish(bytes.Count(b.data[bl.start:bl.end], []byte{'\n'}))
			}
		}
	}
	r.line, r.lastNode = r.lastNode.end(), nil
}
