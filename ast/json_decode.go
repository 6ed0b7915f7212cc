package ast

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseJSON decodes one JSON document into a Value, keeping object key order and
// integers as ints. It is the single entry point from JSON to Value.
//
// It reads what encoding/json reads, with the same results and the same errors:
// a duplicate key keeps its first position and its last value, as Object.Set
// does; strings are unescaped and made valid UTF-8 the way encoding/json does
// it; a number is an Int when strconv.ParseInt takes it and otherwise a Float
// from strconv.ParseFloat, whose range error is the error. A syntax error is a
// *json.SyntaxError whose Offset counts the bytes before the offending one; a
// document that ends too early is io.ErrUnexpectedEOF, or io.EOF where
// encoding/json's token stream said so.
func ParseJSON(data []byte) (Value, error) {
	return parseJSON(data, nil)
}

var errTrailingData = errors.New("unexpected data after the JSON value")

var decoders = sync.Pool{New: func() any { return new(decoder) }}

func parseJSON(data []byte, root *projNode) (Value, error) {
	d := decoders.Get().(*decoder)
	defer d.release()
	d.data = data
	if root == nil {
		// One copy of the document that every string is cut from costs less
		// than a copy per string when all of them are kept.
		d.shared = true
		d.doc = string(data)
	}
	i := skipSpace(data, 0)
	if i == len(data) {
		return Missing, io.ErrUnexpectedEOF
	}
	var v Value
	var err error
	if root == nil {
		v, i, err = d.value(i)
	} else {
		v, i, err = d.project(i, root)
	}
	if err != nil {
		return Missing, err
	}
	if skipSpace(data, i) != len(data) {
		return Missing, errTrailingData
	}
	return v, nil
}

// decoder reads one document. The functions that read a value take the index
// of its first byte and return the index just after it.
type decoder struct {
	data []byte
	// doc is data as a string when shared is set: strings are then slices of it.
	doc    string
	shared bool
	// keys and vals hold the members and elements of the objects and arrays
	// still being read, innermost last, so that each container is allocated
	// once at its final size.
	keys []string
	vals []Value
	peak int // the most of vals (and so of keys) in use, to clear on release
	buf  []byte
}

func (d *decoder) release() {
	d.peak = max(d.peak, len(d.vals))
	// Pooled scratch must not keep the last document's values alive.
	clear(d.keys[:min(d.peak, cap(d.keys))])
	clear(d.vals[:min(d.peak, cap(d.vals))])
	*d = decoder{keys: d.keys[:0], vals: d.vals[:0], buf: d.buf[:0]}
	decoders.Put(d)
}

var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

func skipSpace(data []byte, i int) int {
	for i < len(data) && data[i] <= ' ' && space[data[i]] {
		i++
	}
	return i
}

func (d *decoder) value(i int) (Value, int, error) {
	switch c := d.data[i]; c {
	case '{':
		return d.object(i + 1)
	case '[':
		return d.array(i + 1)
	case '"':
		j, flags, err := d.scanString(i)
		if err != nil {
			return Missing, j, err
		}
		return String(d.stringAt(i+1, j-1, flags)), j, nil
	case 't':
		j, err := d.literal(i, "true")
		return True, j, err
	case 'f':
		j, err := d.literal(i, "false")
		return False, j, err
	case 'n':
		j, err := d.literal(i, "null")
		return Null, j, err
	default:
		if c == '-' || c-'0' <= 9 {
			j, flags, err := d.scanNumber(i)
			if err != nil {
				return Missing, j, err
			}
			v, err := number(d.data[i:j], flags)
			return v, j, err
		}
		return Missing, i, syntaxError(ctxValue, c, i)
	}
}

func (d *decoder) object(i int) (Value, int, error) {
	i, more, err := d.objectStart(i)
	if !more {
		return ObjectOf(&Object{}), i, err
	}
	m := d.startObject()
	for {
		end, flags, vi, err := d.key(i)
		if err != nil {
			return Missing, vi, err
		}
		v, j, err := d.value(vi)
		if err != nil {
			return Missing, j, err
		}
		d.add(&m, d.stringAt(i+1, end-1, flags), v)
		if i, more, err = d.objectNext(j); !more {
			if err != nil {
				return Missing, i, err
			}
			return d.endObject(&m), i, nil
		}
	}
}

func (d *decoder) array(i int) (Value, int, error) {
	i, more, err := d.arrayStart(i)
	if !more {
		return List([]Value{}...), i, err
	}
	vbase := len(d.vals)
	for {
		v, j, err := d.value(i)
		if err != nil {
			return Missing, j, err
		}
		d.vals = append(d.vals, v)
		if i, more, err = d.arrayNext(j); !more {
			if err != nil {
				return Missing, i, err
			}
			return d.endArray(vbase), i, nil
		}
	}
}

// skip reads a value without keeping it; it fails where value would.
func (d *decoder) skip(i int) (int, error) {
	switch c := d.data[i]; c {
	case '{':
		return d.skipObject(i + 1)
	case '[':
		return d.skipArray(i + 1)
	case '"':
		j, _, err := d.scanString(i)
		return j, err
	case 't':
		return d.literal(i, "true")
	case 'f':
		return d.literal(i, "false")
	case 'n':
		return d.literal(i, "null")
	default:
		if c == '-' || c-'0' <= 9 {
			j, flags, err := d.scanNumber(i)
			if err != nil {
				return j, err
			}
			// Only a number with an exponent or hundreds of digits can be out
			// of float64's range, which is an error even when skipped.
			if flags&numExp != 0 || j-i > 300 {
				_, err = number(d.data[i:j], flags)
			}
			return j, err
		}
		return i, syntaxError(ctxValue, c, i)
	}
}

func (d *decoder) skipObject(i int) (int, error) {
	i, more, err := d.objectStart(i)
	for more {
		_, _, vi, err := d.key(i)
		if err != nil {
			return vi, err
		}
		j, err := d.skip(vi)
		if err != nil {
			return j, err
		}
		i, more, err = d.objectNext(j)
		if err != nil {
			return i, err
		}
	}
	return i, err
}

func (d *decoder) skipArray(i int) (int, error) {
	i, more, err := d.arrayStart(i)
	for more {
		j, err := d.skip(i)
		if err != nil {
			return j, err
		}
		i, more, err = d.arrayNext(j)
		if err != nil {
			return i, err
		}
	}
	return i, err
}

// The grammar of objects and arrays, shared by every way of reading them. The
// errors at the end of input are those of encoding/json's token stream:
// io.EOF where a key, a separator or a closing bracket was due, else
// io.ErrUnexpectedEOF.

// objectStart follows a '{': more reports a key at i, else i follows the '}'.
func (d *decoder) objectStart(i int) (next int, more bool, err error) {
	i = skipSpace(d.data, i)
	if i == len(d.data) {
		return i, false, io.EOF
	}
	switch c := d.data[i]; c {
	case '}':
		return i + 1, false, nil
	case '"':
		return i, true, nil
	default:
		return i, false, syntaxError(ctxFirstKey, c, i)
	}
}

// key reads a member's key, whose opening quote is at i, and its colon: end
// follows the key's closing quote and value is where the member's value starts.
func (d *decoder) key(i int) (end int, flags uint8, value int, err error) {
	data := d.data
	end, flags, err = d.scanString(i)
	if err != nil {
		return end, flags, end, err
	}
	j := skipSpace(data, end)
	if j == len(data) {
		return end, flags, j, io.ErrUnexpectedEOF
	}
	if data[j] != ':' {
		return end, flags, j, syntaxError(ctxColon, data[j], j)
	}
	j = skipSpace(data, j+1)
	if j == len(data) {
		return end, flags, j, io.ErrUnexpectedEOF
	}
	return end, flags, j, nil
}

// objectNext follows a member's value: more reports the next key at i, else i
// follows the '}'.
func (d *decoder) objectNext(i int) (next int, more bool, err error) {
	data := d.data
	i = skipSpace(data, i)
	if i == len(data) {
		return i, false, io.EOF
	}
	switch data[i] {
	case ',':
		i = skipSpace(data, i+1)
		if i == len(data) {
			return i, false, io.EOF
		}
		if data[i] != '"' {
			return i, false, syntaxError(ctxKey, data[i], i)
		}
		return i, true, nil
	case '}':
		return i + 1, false, nil
	}
	return i, false, syntaxError(ctxAfterMember, data[i], i)
}

// arrayStart follows a '[': more reports an element at i, else i follows the ']'.
func (d *decoder) arrayStart(i int) (next int, more bool, err error) {
	i = skipSpace(d.data, i)
	if i == len(d.data) {
		return i, false, io.EOF
	}
	if d.data[i] == ']' {
		return i + 1, false, nil
	}
	return i, true, nil
}

// arrayNext follows an element: more reports the next element at i, else i
// follows the ']'.
func (d *decoder) arrayNext(i int) (next int, more bool, err error) {
	data := d.data
	i = skipSpace(data, i)
	if i == len(data) {
		return i, false, io.EOF
	}
	switch data[i] {
	case ',':
		i = skipSpace(data, i+1)
		if i == len(data) {
			return i, false, io.ErrUnexpectedEOF
		}
		return i, true, nil
	case ']':
		return i + 1, false, nil
	}
	return i, false, syntaxError(ctxAfterElement, data[i], i)
}

// members is an object being read: where its keys and values start on the
// decoder's stacks, and an index of its keys once it has many, so that a huge
// object is not quadratic to read.
type members struct {
	kbase, vbase int
	index        map[string]int
}

func (d *decoder) startObject() members {
	return members{kbase: len(d.keys), vbase: len(d.vals)}
}

// add adds a member; a repeated key takes the new value in its first place,
// as Object.Set does.
func (d *decoder) add(m *members, key string, v Value) {
	keys := d.keys[m.kbase:]
	if m.index == nil && len(keys) < 32 {
		for k := range keys {
			if keys[k] == key {
				d.vals[m.vbase+k] = v
				return
			}
		}
	} else {
		if m.index == nil {
			m.index = make(map[string]int, 2*len(keys))
			for k, key := range keys {
				m.index[key] = k
			}
		}
		if k, ok := m.index[key]; ok {
			d.vals[m.vbase+k] = v
			return
		}
		m.index[key] = len(keys)
	}
	d.keys = append(d.keys, key)
	d.vals = append(d.vals, v)
}

func (d *decoder) endObject(m *members) Value {
	d.peak = max(d.peak, len(d.vals))
	o := &Object{}
	if n := len(d.keys) - m.kbase; n > 0 {
		o.Keys = make([]string, n)
		o.Vals = make([]Value, n)
		copy(o.Keys, d.keys[m.kbase:])
		copy(o.Vals, d.vals[m.vbase:])
	}
	d.keys = d.keys[:m.kbase]
	d.vals = d.vals[:m.vbase]
	return ObjectOf(o)
}

func (d *decoder) endArray(vbase int) Value {
	d.peak = max(d.peak, len(d.vals))
	vs := make([]Value, len(d.vals)-vbase)
	copy(vs, d.vals[vbase:])
	d.vals = d.vals[:vbase]
	return List(vs...)
}

const (
	strEscaped  = 1 << iota // a backslash escape
	strNonASCII             // a byte of 0x80 or more, maybe not UTF-8
)

const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// plainByte is a string byte that needs neither checking nor decoding.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func notPlain(x uint64) uint64 {
	q, b := x^(ones*'"'), x^(ones*'\\')
	return ((q-ones)&^q | (b-ones)&^b | (x - ones*0x20) | x) & high
}

// scanString checks the string whose opening quote is at i; end follows its
// closing quote and flags say what decoding it needs.
func (d *decoder) scanString(i int) (end int, flags uint8, err error) {
	data := d.data
	j := i + 1
	for {
		// Eight bytes at a time while none is a quote, a backslash, a control
		// character or non-ASCII: most strings are all plain bytes.
		if j+16 <= len(data) {
			m := notPlain(binary.LittleEndian.Uint64(data[j:]))
			if m == 0 {
				m = notPlain(binary.LittleEndian.Uint64(data[j+8:]))
				if m == 0 {
					j += 16
					continue
				}
				j += 8
			}
			// The lowest flagged byte is the first that is not plain; bytes
			// above it may be flagged wrongly by its borrow.
			j += bits.TrailingZeros64(m) / 8
		} else if j+8 <= len(data) {
			m := notPlain(binary.LittleEndian.Uint64(data[j:]))
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) / 8
		} else {
			for j < len(data) && plainByte[data[j]] {
				j++
			}
			if j == len(data) {
				return j, flags, io.ErrUnexpectedEOF
			}
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, flags, nil
		case c == '\\':
			flags |= strEscaped
			if j, err = d.scanEscape(j); err != nil {
				return j, flags, err
			}
		case c < 0x20:
			return j, flags, syntaxError(ctxString, c, j)
		default:
			flags |= strNonASCII
			j++
		}
	}
}

// scanEscape checks the escape whose backslash is at i and returns its end.
func (d *decoder) scanEscape(i int) (int, error) {
	data := d.data
	if i+1 == len(data) {
		return i + 1, io.ErrUnexpectedEOF
	}
	switch c := data[i+1]; c {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
		for j := i + 2; j < i+6; j++ {
			if j == len(data) {
				return j, io.ErrUnexpectedEOF
			}
			if hexDigit(data[j]) < 0 {
				return j, syntaxError(ctxHex, data[j], j)
			}
		}
		return i + 6, nil
	default:
		return i + 1, syntaxError(ctxEscape, c, i+1)
	}
}

func hexDigit(c byte) rune {
	switch {
	case c-'0' <= 9:
		return rune(c - '0')
	case c-'a' <= 5:
		return rune(c - 'a' + 10)
	case c-'A' <= 5:
		return rune(c - 'A' + 10)
	}
	return -1
}

// stringAt is the string whose checked contents are data[a:b].
func (d *decoder) stringAt(a, b int, flags uint8) string {
	if flags == 0 || flags == strNonASCII && utf8.Valid(d.data[a:b]) {
		if d.shared {
			return d.doc[a:b]
		}
		return string(d.data[a:b])
	}
	return d.unescape(d.data[a:b])
}

// unescape decodes a checked string's contents as encoding/json does: escapes
// resolved, a lone or mismatched surrogate and each byte that is not UTF-8
// replaced by U+FFFD.
func (d *decoder) unescape(s []byte) string {
	b := d.buf[:0]
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := hex4(s[r+2:])
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := rune(-1)
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						rr1 = hex4(s[r+2:])
					}
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						rr = dec
					} else {
						rr = unicode.ReplacementChar
					}
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\' and '/' stand for themselves
				b = append(b, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	d.buf = b
	return string(b)
}

// hex4 is the value of four checked hex digits.
func hex4(s []byte) rune {
	return hexDigit(s[0])<<12 | hexDigit(s[1])<<8 | hexDigit(s[2])<<4 | hexDigit(s[3])
}

func (d *decoder) literal(i int, lit string) (int, error) {
	data := d.data
	if len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	for k := 1; k < len(lit); k++ {
		if i+k == len(data) {
			return i + k, io.ErrUnexpectedEOF
		}
		if data[i+k] != lit[k] {
			return i + k, syntaxError(lit[:k], data[i+k], i+k)
		}
	}
	panic("unreachable")
}

const (
	numFrac = 1 << iota
	numExp
)

// scanNumber checks the number at i; flags say whether it has a fraction or an
// exponent.
func (d *decoder) scanNumber(i int) (end int, flags uint8, err error) {
	data := d.data
	j := i
	if data[j] == '-' {
		j++
		if j == len(data) {
			return j, 0, io.ErrUnexpectedEOF
		}
	}
	switch c := data[j]; {
	case c == '0':
		j++
	case c-'1' <= 8:
		j = digits(data, j+1)
	default:
		return j, 0, syntaxError(ctxMinus, c, j)
	}
	if j < len(data) && data[j] == '.' {
		flags |= numFrac
		if j++; j == len(data) {
			return j, flags, io.ErrUnexpectedEOF
		}
		if c := data[j]; c-'0' > 9 {
			return j, flags, syntaxError(ctxDot, c, j)
		}
		j = digits(data, j+1)
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		flags |= numExp
		state := ctxExp
		if j++; j < len(data) && (data[j] == '+' || data[j] == '-') {
			state = ctxExpSign
			j++
		}
		if j == len(data) {
			return j, flags, io.ErrUnexpectedEOF
		}
		if c := data[j]; c-'0' > 9 {
			return j, flags, syntaxError(state, c, j)
		}
		j = digits(data, j+1)
	}
	return j, flags, nil
}

func digits(data []byte, i int) int {
	for i < len(data) && data[i]-'0' <= 9 {
		i++
	}
	return i
}

// number converts a checked number as strconv would, without its cost for the
// short integers most numbers are.
func number(s []byte, flags uint8) (Value, error) {
	if flags == 0 {
		if len(s) <= 18 {
			neg := s[0] == '-'
			if neg {
				s = s[1:]
			}
			var n int64
			for _, c := range s {
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			return Int(n), nil
		}
		if n, err := strconv.ParseInt(string(s), 10, 64); err == nil {
			return Int(n), nil
		}
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return Missing, err
	}
	return Float(f), nil
}

// The states a syntax error can be met in, each as the shortest document that
// leads encoding/json's token stream there, and the words it then says.
const (
	ctxValue        = ``       // looking for beginning of value
	ctxFirstKey     = `{`      // (nothing: the token stream has no words here)
	ctxKey          = `{"":0,` // looking for beginning of object key string
	ctxColon        = `{""`    // after object key
	ctxAfterMember  = `{"":""` // after object key:value pair
	ctxAfterElement = `[""`    // after array element
	ctxString       = `"`      // in string literal
	ctxEscape       = `"\`     // in string escape code
	ctxHex          = `"\u`    // in \u hexadecimal character escape
	ctxMinus        = `-`      // in numeric literal
	ctxDot          = `0.`     // after decimal point in numeric literal
	ctxExp          = `0e`     // in exponent of numeric literal
	ctxExpSign      = `0e+`    // in exponent of numeric literal
	// and a literal's prefix, as "tru": in literal true (expecting 'e')
)

// syntaxError is encoding/json's error for byte c in the state that state
// leads to, at offset off. json.SyntaxError keeps its message unexported, so
// having encoding/json make the error is the only way to return the very type
// and words callers know from it; it only runs on malformed input.
func syntaxError(state string, c byte, off int) error {
	dec := json.NewDecoder(bytes.NewReader(append([]byte(state), c)))
	for {
		_, err := dec.Token()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			se.Offset = int64(off)
			return se
		}
		if err != nil {
			// A state that does not lead where it should is a bug the tests
			// catch; a malformed event must still not stop a run.
			return fmt.Errorf("invalid character %q at offset %d", c, off)
		}
	}
}
