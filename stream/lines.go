package stream

import (
	"bytes"

	"github.com/concordsec/concord/ast"
)

// nextLine yields the next non-blank line of an NDJSON file. It only looks for
// newlines (bytes.IndexByte, vectorised), so it runs at close to memory speed;
// the decoder judges what is on the line.
func (r *Reader) nextLine() (*Event, error) {
	for {
		if r.discard {
			nl := bytes.IndexByte(r.buf[r.pos:r.end], '\n')
			if nl < 0 {
				r.pos = r.end
				if _, err := r.more(r.pos); err != nil {
					return nil, r.endFile()
				}
				r.pos = 0
				continue
			}
			r.pos += nl + 1
			r.newLine(r.pos)
			r.discard = false
			continue
		}
		seg := r.buf[r.pos:r.end]
		nl := bytes.IndexByte(seg[r.clean:], '\n')
		var line []byte
		lineNo, at := r.line, r.base+int64(r.pos)-r.lineStart
		if nl >= 0 {
			line = seg[:r.clean+nl]
			r.pos += r.clean + nl + 1
			r.clean = 0
			r.newLine(r.pos)
			if len(line) > r.max {
				return nil, r.lineTooLong(lineNo)
			}
		} else {
			r.clean = len(seg)
			if len(seg) > r.max {
				r.discard, r.clean, r.pos = true, 0, r.end
				return nil, r.lineTooLong(r.line)
			}
			shift, err := r.more(r.pos)
			r.pos -= shift
			if err == nil {
				continue
			}
			if r.rerr != nil {
				// A partial last line before a read error is a casualty of
				// the error, not an event.
				return nil, r.endFile()
			}
			if r.pos == r.end {
				return nil, r.endFile()
			}
			line = r.buf[r.pos:r.end]
			r.pos, r.clean = r.end, 0
			if len(line) > r.max {
				return nil, r.lineTooLong(lineNo)
			}
		}
		t, off := trim(line)
		if len(t) == 0 {
			continue
		}
		r.ev = Event{File: r.file, Line: lineNo, Col: int(at) + off + 1, Raw: t}
		return &r.ev, nil
	}
}

func (r *Reader) lineTooLong(line int) error {
	return r.eventError(ast.Pos{File: r.file, Line: line, Col: 1}, "line longer than %d bytes", r.max)
}

// newLine notes that a line starts at buf[i].
func (r *Reader) newLine(i int) {
	r.line++
	r.lineStart = r.base + int64(i)
}
