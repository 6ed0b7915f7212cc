package stream

import (
	"encoding/binary"
	"math/bits"

	"github.com/concordsec/concord/ast"
)

// result is why scan stopped.
type result uint8

const (
	resMore    result = iota // the buffered input ran out inside the value
	resDone                  // the value ended just before the returned index
	resRecords               // a watched object's "Records" array opens at the returned index
	resNewline               // (stopNL) a newline outside strings, inside the value, ends just before the returned index
	resErr                   // the value cannot be delimited; sc.err says why, the index is where to resynchronise from
)

// maxDepth bounds the bracket stack, as encoding/json does.
const maxDepth = 10000

// scanner delimits one JSON value. It tracks only what decides where a value
// ends (strings, escapes, brackets), and keeps its state between calls so a
// value can span buffer refills.
type scanner struct {
	stack  []byte // open brackets
	begun  bool
	inStr  bool
	esc    bool // the previous byte, in a string, was a backslash
	scalar bool // inside a number or literal, which ends at a delimiter

	// watch looks at the keys of the top-level object being scanned for
	// "Records" with an array value, the CloudTrail wrapper.
	watch     bool
	expectKey bool  // the next depth-1 string is a key
	keyAt     int64 // absolute offset of the quote opening the depth-1 key being read, -1 if none
	rec       uint8 // 1: the last depth-1 key was "Records"; 2: and its ':' has been read

	stopNL bool

	strAt int64 // absolute offset of the open string's quote, for "unterminated string"; it is on the current line

	err *ast.Error
}

func (s *scanner) reset(watch, stopNL bool) {
	s.stack = s.stack[:0]
	s.begun, s.inStr, s.esc, s.scalar = false, false, false, false
	s.watch, s.stopNL = watch, stopNL
	s.expectKey, s.keyAt, s.rec = false, -1, 0
	s.err = nil
}

func (s *scanner) what() string {
	switch {
	case s.inStr || s.esc:
		return "string"
	case len(s.stack) > 0 && s.stack[len(s.stack)-1] == '[':
		return "array"
	}
	return "object"
}

var (
	// Bytes that end the fast skip inside a string.
	strStop = [256]bool{'"': true, '\\': true, '\n': true}
	// Bytes that matter outside strings; everything else (numbers, literals,
	// commas, colons, blank space) only matters to the decoder.
	outStop = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, '\n': true}
	// Bytes that end a number or literal.
	delim = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ',': true, ':': true,
		'[': true, ']': true, '{': true, '}': true, '"': true}
)

// scan goes on scanning the value from buf[i]. It counts the lines it passes.
//
// This loop is where reading arrays and CloudTrail files spends its time, most
// of it inside strings, so strings are skipped eight bytes at a time and the
// state lives in locals until it returns.
func (r *Reader) scan(i int) (int, result) {
	s := &r.sc
	b := r.buf[:r.end]
	n := len(b)
	if !s.begun {
		if i >= n {
			return i, resMore
		}
		s.begun = true
		switch c := b[i]; c {
		case '{', '[':
			s.stack = append(s.stack, c)
			s.expectKey = s.watch && c == '{'
			i++
		case '"':
			s.strAt = r.base + int64(i)
			s.inStr = true
			i++
		case '}', ']', ',', ':':
			s.err = r.eventError(r.posAt(i), "unexpected %s", quote(c))
			return i, resErr
		default:
			s.scalar = true
		}
	}
	if s.scalar {
		for i < n && !delim[b[i]] {
			i++
		}
		if i < n {
			return i, resDone
		}
		return i, resMore
	}
	if s.esc {
		if i >= n {
			return i, resMore
		}
		s.esc = false
		if b[i] == '\n' {
			return i, r.unterminated()
		}
		i++
	}
	stack := s.stack
	watch := s.watch
	inStr := s.inStr
	strAt := -1 // index in b of the open string's quote, when it opened in this call
	for {
		if inStr {
			for {
				if i+8 <= n {
					m := strStopMask(binary.LittleEndian.Uint64(b[i:]))
					if m == 0 {
						i += 8
						continue
					}
					i += bits.TrailingZeros64(m) >> 3
				} else {
					for i < n && !strStop[b[i]] {
						i++
					}
				}
				break
			}
			if i >= n {
				r.openedAt(strAt)
				break
			}
			switch b[i] {
			case '"':
				i++
				if len(stack) == 0 {
					s.inStr = false
					return i, resDone
				}
				if watch {
					inStr = false
					if s.keyAt >= 0 {
						k := int(s.keyAt - r.base)
						s.rec = 0
						if k >= 0 && i-k == len(`"Records"`) && string(b[k+1:i-1]) == "Records" {
							s.rec = 1
						}
						s.keyAt = -1
					}
					continue
				}
				// Most strings are followed, a byte or two later, by another:
				// go straight into it.
				for i < n && !outStop[b[i]] {
					i++
				}
				if i < n && b[i] == '"' {
					strAt = i
					i++
					continue
				}
				inStr = false
				continue
			case '\\':
				i++
				if i >= n {
					s.esc = true
					r.openedAt(strAt)
					break
				}
				if b[i] == '\n' {
					s.stack, s.inStr = stack, true
					r.openedAt(strAt)
					return i, r.unterminated()
				}
				i++
				continue
			default: // '\n': JSON strings cannot hold one, so the string was never closed
				s.stack, s.inStr = stack, true
				r.openedAt(strAt)
				return i, r.unterminated()
			}
			break
		}
		if i >= n {
			break
		}
		if watch && len(stack) == 1 {
			// At the top level of a watched object every byte counts, to see
			// `"Records" : [`. These are few: the wrapper's own keys.
			switch c := b[i]; c {
			case ' ', '\t', '\r':
				i++
				continue
			case ',':
				s.expectKey, s.rec = true, 0
				i++
				continue
			case ':':
				if s.rec == 1 {
					s.rec = 2
				} else {
					s.rec = 0
				}
				i++
				continue
			case '[':
				if s.rec == 2 {
					s.stack, s.inStr = stack, false
					return i, resRecords
				}
				s.rec = 0
			case '"':
				if s.expectKey {
					s.keyAt = r.base + int64(i)
					s.expectKey = false
				} else {
					s.rec = 0
				}
			case '\n':
			default:
				s.rec = 0
			}
		} else {
			for i < n && !outStop[b[i]] {
				i++
			}
			if i >= n {
				break
			}
		}
		switch c := b[i]; c {
		case '"':
			inStr = true
			strAt = i
		case '{', '[':
			if len(stack) >= maxDepth {
				s.stack, s.inStr = stack, false
				s.err = r.eventError(r.posAt(i), "nested more than %d deep", maxDepth)
				return i, resErr
			}
			stack = append(stack, c)
		case '}', ']':
			top := stack[len(stack)-1]
			if (top == '{') != (c == '}') {
				s.stack, s.inStr = stack, false
				s.err = r.eventError(r.posAt(i), "%s does not close %s", quote(c), quote(top))
				return i, resErr
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				s.stack, s.inStr = stack, false
				return i + 1, resDone
			}
		case '\n':
			r.newLine(i + 1)
			if s.stopNL {
				s.stack, s.inStr = stack, false
				return i + 1, resNewline
			}
		default:
			// Inside a watched object's top level: ordinary bytes of a value.
		}
		i++
	}
	s.stack, s.inStr = stack, inStr
	return i, resMore
}

// strStopMask has the high bit set in each byte of x (little-endian) that is
// '"', '\\' or '\n' — exactly for the lowest such byte; bytes above it may be
// flagged falsely, which does not matter as only the lowest is used.
func strStopMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	e := x ^ (ones * '\\')
	l := x ^ (ones * '\n')
	return ((q-ones)&^q | (e-ones)&^e | (l-ones)&^l) & highs
}

// openedAt notes where a string that opened at buf[strAt] in this call of scan
// (strAt >= 0) began, as it stays open past the call.
func (r *Reader) openedAt(strAt int) {
	if strAt >= 0 {
		r.sc.strAt = r.base + int64(strAt)
	}
}

func (r *Reader) unterminated() result {
	s := &r.sc
	s.err = r.eventError(ast.Pos{File: r.file, Line: r.line, Col: int(s.strAt-r.lineStart) + 1}, "unterminated string")
	return resErr
}

// col is the column of buf[i] on the current line.
func (r *Reader) col(i int) int { return int(r.base+int64(i)-r.lineStart) + 1 }
