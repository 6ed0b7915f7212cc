package stream

import (
	"bytes"

	"github.com/concordsec/concord/ast"
)

// valueState is where a sequence of values is between two events.
type valueState uint8

const (
	vTop   valueState = iota // between top-level values
	vFirst                   // after an event array's '[': an element or ']'
	vNext                    // after a ',': an element
	vAfter                   // after an element: ',' or ']'
	vRest                    // after a Records array: the rest of its object
)

var bom = []byte{0xef, 0xbb, 0xbf}

// detect decides the file's shape (see the package comment) without consuming
// anything but a byte order mark and leading blank space.
func (r *Reader) detect() error {
	for r.end < len(bom) {
		if _, err := r.more(0); err != nil {
			break
		}
	}
	if r.end >= len(bom) && string(r.buf[:len(bom)]) == string(bom) {
		r.pos = len(bom)
		r.lineStart = int64(len(bom))
	}
	c, ok := r.skipSpace()
	if !ok {
		return r.endFile()
	}
	switch c {
	case '[':
		r.mode = modeValues
		return nil
	case '{':
	default:
		r.mode = modeLines
		return nil
	}

	line, lineStart := r.line, r.lineStart
	start := r.pos
	decide := func(m mode) error {
		r.line, r.lineStart = line, lineStart
		r.pos = start
		r.mode = m
		r.sc.reset(false, false)
		return nil
	}
	// peek returns the first byte from buf[k] that is not blank space (not a
	// newline either when lines is false), and its column.
	peek := func(k, lineAt int, lines bool) (byte, int, bool) {
		for {
			for k < r.end {
				switch c := r.buf[k]; c {
				case ' ', '\t', '\r':
					k++
				case '\n':
					if !lines {
						return c, 0, true
					}
					k++
					lineAt = k
				default:
					return c, k - lineAt + 1, true
				}
			}
			if k-start > r.max {
				return 0, 0, false
			}
			shift, err := r.more(start)
			start, k, lineAt = start-shift, k-shift, lineAt-shift
			if err != nil {
				return 0, 0, false
			}
		}
	}
	r.sc.reset(true, true)
	i := start
	for {
		j, res := r.scan(i)
		switch res {
		case resRecords:
			return decide(modeValues)
		case resErr:
			return decide(modeLines)
		case resDone:
			if c, _, ok := peek(j, 0, false); ok && c != '\n' {
				return decide(modeValues) // more on the first line: `{...}{...}`
			}
			return decide(modeLines)
		case resNewline:
			if c, col, ok := peek(j, j, true); ok && c == '{' && col == 1 {
				return decide(modeLines)
			}
			return decide(modeValues)
		}
		if j-start > r.max {
			// An over-long first line: NDJSON reports it, and reads on from
			// the next line.
			return decide(modeLines)
		}
		shift, err := r.more(start)
		start, j = start-shift, j-shift
		if err != nil {
			// A first line that never ends: NDJSON hands it to the decoder.
			return decide(modeLines)
		}
		i = j
	}
}

// skipSpace consumes blank space and returns the byte after it, false at the
// end of the data.
func (r *Reader) skipSpace() (byte, bool) {
	for {
		b := r.buf[:r.end]
		for i := r.pos; i < len(b); i++ {
			switch c := b[i]; c {
			case ' ', '\t', '\r':
			case '\n':
				r.newLine(i + 1)
			default:
				r.pos = i
				if r.lineFirst < r.lineStart {
					r.lineFirst = r.base + int64(i)
				}
				return c, true
			}
		}
		r.pos = r.end
		if _, err := r.more(r.pos); err != nil {
			return 0, false
		}
		r.pos = 0
	}
}

// nextValue yields the next event of a sequence of values.
func (r *Reader) nextValue() (*Event, error) {
	for {
		if r.resync > 0 {
			if err := r.resynchronise(); err != nil || r.mode != modeValues {
				return nil, err
			}
			continue
		}
		if r.vs == vRest {
			if err := r.skipRest(); err != nil || r.mode != modeValues {
				return nil, err
			}
			continue
		}
		c, ok := r.skipSpace()
		if !ok {
			if r.vs != vTop && r.rerr == nil {
				what := "array"
				if r.open.records {
					what = "Records array"
				}
				err := r.eventError(ast.Pos{File: r.file, Line: r.open.line, Col: r.open.col}, "unterminated %s", what)
				r.closeFile()
				return nil, err
			}
			return nil, r.endFile()
		}
		switch r.vs {
		case vTop:
			switch c {
			case '[':
				r.openArray(r.pos, false)
				r.pos++
				continue
			case '{':
				return r.value(true)
			}
			r.elemCol = 0
			return nil, r.syntax(r.pos, "expected '{' or '[', found %s", quote(c))
		case vFirst, vNext:
			switch c {
			case ']':
				var err error
				if r.vs == vNext {
					err = r.eventError(r.posAt(r.pos), "',' before ']'")
				}
				r.pos++
				r.closeArray()
				if err != nil {
					return nil, err
				}
				continue
			case ',':
				err := r.eventError(r.posAt(r.pos), "unexpected ','")
				r.pos++
				return nil, err
			}
			return r.value(false)
		case vAfter:
			switch c {
			case ',':
				r.pos++
				r.vs = vNext
				continue
			case ']':
				r.pos++
				r.closeArray()
				continue
			case '{', '[', '"', '-', 't', 'f', 'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				// Likely just the comma missing: say so and read on.
				r.vs = vNext
				return nil, r.eventError(r.posAt(r.pos), "missing ',' between elements")
			}
			return nil, r.syntax(r.pos, "unexpected %s after an element", quote(c))
		}
	}
}

func (r *Reader) openArray(i int, records bool) {
	r.open.line, r.open.col, r.open.records = r.line, r.col(i), records
	r.vs, r.elem = vFirst, 0
}

func (r *Reader) closeArray() {
	if !r.open.records {
		r.vs = vTop
		return
	}
	r.vs = vRest
	r.sc.reset(false, false)
	r.sc.begun = true
	r.sc.stack = append(r.sc.stack, '{')
}

// value scans the event (or, if watch, the top-level object) at r.pos.
func (r *Reader) value(watch bool) (*Event, error) {
	start := r.pos
	line, col := r.line, r.col(start)
	// Remember the column when the value begins its line: resynchronising
	// after an error skips lines indented deeper, which are inside a value.
	r.elemCol = 0
	if r.lineFirst == r.base+int64(start) {
		r.elemCol = col
	}
	r.sc.reset(watch, false)
	keep, tooLong := true, false
	i := start
	for {
		j, res := r.scan(i)
		switch res {
		case resDone:
			return r.yield(start, j, line, col, watch, tooLong || j-start > r.max)
		case resRecords:
			r.pos = j + 1
			r.openArray(j, true)
			return nil, nil
		case resErr:
			r.resync = j + 1
			if !watch {
				// Count the broken element, so Elem still indexes the array
				// when the error costs just this one.
				r.elem++
			}
			return nil, r.sc.err
		}
		if keep && j-start > r.max {
			// Too long to keep: scan on to its end, keeping nothing, and
			// report it then.
			keep, tooLong = false, true
		}
		from := start
		if !keep {
			from = r.skipFrom(j)
		}
		shift, err := r.more(from)
		start, j = start-shift, j-shift
		if err != nil {
			if r.rerr != nil {
				return nil, r.endFile()
			}
			if r.sc.scalar {
				return r.yield(start, j, line, col, watch, tooLong)
			}
			what := r.sc.what()
			pos := ast.Pos{File: r.file, Line: line, Col: col}
			if what == "string" {
				pos = ast.Pos{File: r.file, Line: r.line, Col: int(r.sc.strAt-r.lineStart) + 1}
			}
			r.closeFile()
			return nil, r.eventError(pos, "unterminated %s", what)
		}
		i = j
	}
}

// skipFrom is how much of the buffer an over-long value must keep when scanning
// on from buf[j]: nothing, except the start of a short key that may be "Records".
func (r *Reader) skipFrom(j int) int {
	s := &r.sc
	if s.inStr && s.keyAt >= 0 {
		if k := int(s.keyAt - r.base); k >= 0 && j-k < len(`"Records"`) {
			return k
		}
		s.keyAt = -1
	}
	return j
}

func (r *Reader) yield(start, end, line, col int, top, tooLong bool) (*Event, error) {
	r.pos = end
	elem := 0
	if !top {
		r.elem++
		elem = r.elem
		r.vs = vAfter
	}
	if tooLong {
		return nil, r.eventError(ast.Pos{File: r.file, Line: line, Col: col}, "event longer than %d bytes", r.max)
	}
	r.ev = Event{File: r.file, Line: line, Col: col, Elem: elem, Raw: r.buf[start:end]}
	return &r.ev, nil
}

// skipRest reads past the keys after a Records array, to the end of its object.
func (r *Reader) skipRest() error {
	for {
		j, res := r.scan(r.pos)
		switch res {
		case resDone:
			r.pos = j
			r.vs = vTop
			return nil
		case resErr:
			r.resync = j + 1
			return r.sc.err
		}
		shift, err := r.more(j)
		r.pos = j - shift
		if err != nil {
			if r.rerr != nil {
				return r.endFile()
			}
			err := r.eventError(ast.Pos{File: r.file, Line: r.open.line, Col: r.open.col}, "unterminated object around the Records array")
			r.closeFile()
			return err
		}
	}
}

// syntax reports text that cannot be where it is, and resynchronises after it.
func (r *Reader) syntax(i int, format string, args ...any) error {
	err := r.eventError(r.posAt(i), format, args...)
	r.resync = i + 1
	return err
}

// resynchronise goes on after an error from the next line whose first byte
// (after blank space and a comma) can start an element, or close the array
// being read: '{', '[' or ']', at a column no deeper than the value the error
// was in when that value began its line. Structure cannot be recovered in
// general; this finds the next event of the common layouts (one per line,
// pretty-printed arrays, jq output) and loses at most the rest of a line.
func (r *Reader) resynchronise() error {
	p := r.resync - 1
	r.resync = 0
	atLineStart := false
	for {
		if !atLineStart {
			nl := bytes.IndexByte(r.buf[p:r.end], '\n')
			if nl < 0 {
				_, err := r.more(r.end)
				p = 0
				if err != nil {
					return r.quietEnd()
				}
				continue
			}
			nl += p
			p = nl + 1
			r.newLine(p)
			atLineStart = true
		}
		// The line starts at p.
		k := p
		comma := false
		first := -1 // column of the first non-blank byte
		for {
			if k >= r.end {
				// Keep nothing: columns are k-p+1 whether or not buf still
				// holds p.
				shift, err := r.more(k)
				p, k = p-shift, k-shift
				if err != nil {
					return r.quietEnd()
				}
				continue
			}
			c := r.buf[k]
			if c == ' ' || c == '\t' || c == '\r' {
				k++
				continue
			}
			if first < 0 {
				first = k - p + 1
			}
			if c == ',' && !comma {
				comma = true
				k++
				continue
			}
			break
		}
		c := r.buf[k]
		if c == '{' || c == '[' || (c == ']' && r.vs != vTop && r.vs != vRest) {
			if r.elemCol == 0 || first <= r.elemCol {
				r.pos = k
				switch r.vs {
				case vRest:
					r.vs = vTop
				case vFirst, vNext, vAfter:
					r.vs = vFirst
				}
				return nil
			}
		}
		p = k
		atLineStart = false
	}
}

// quietEnd ends a file while resynchronising: the error that started it has
// been reported, and an unterminated array after it says nothing new.
func (r *Reader) quietEnd() error {
	if r.rerr != nil {
		return r.endFile()
	}
	r.closeFile()
	return nil
}
