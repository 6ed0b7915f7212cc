// Package stream reads JSON log events from files, directories and standard input,
// one event at a time, in whatever shape they were saved: NDJSON, a JSON array of
// events, CloudTrail's {"Records": [...]} files, or pretty-printed objects, each
// plain or gzipped. It finds where each event's bytes are and where they came from;
// decoding them is the caller's business. Memory stays bounded by the largest
// event, not by the number of events or the size of the input.
//
// # Inputs
//
// Open takes paths. A file is read whatever its name. A directory is walked
// recursively in lexical order; below it, names starting with "." are skipped
// (files and directories), and only files ending .json, .jsonl, .ndjson, .log or
// .txt, each optionally followed by .gz, are read (case-insensitive). Symbolic
// links to files are followed; links to directories are not, so a walk cannot
// loop. "-" is standard input. Compression is detected by the gzip magic bytes
// (1f 8b), whatever the name; concatenated gzip members are read as one stream.
//
// # Shapes
//
// The shape is decided per file from its first value, after a UTF-8 byte order
// mark and blank space. A first value starting with '{' is scanned (strings and
// brackets only) until the rule that applies is known:
//
//   - '[': a sequence of values (below); the array's elements are the events.
//   - '{' with a top-level key spelled exactly "Records" whose value is an
//     array: a sequence of values; the Records elements are the events.
//   - '{' ending on the first line, followed only by blank space there: NDJSON.
//   - '{' ending on the first line with more after it there (`{...}{...}`): a
//     sequence of values.
//   - '{' going on past the first line: a sequence of values (a pretty-printed
//     object, jq output), unless the next non-blank line starts with '{' in
//     column 1: pretty printers indent what is inside a value, so that line
//     starts a new one and the first line is a broken NDJSON line.
//   - '{' that cannot be delimited on the first line (a raw newline in a string,
//     a wrong closing bracket, the end of the file, longer than the event
//     limit): NDJSON, so the decoder reports that line and the rest are read.
//   - anything else: NDJSON.
//
// NDJSON: every line that is not blank (only spaces, tabs and CRs) is an event,
// trimmed; the stream does not look inside lines, so a malformed line is found
// by the decoder, at the Line and Col the Event carries.
//
// A sequence of values (the non-NDJSON shapes): top-level values separated by
// blank space, each of which is an array (its elements are events), an object
// with a top-level "Records" array (that array's elements are events; the other
// keys are skipped), or any other object (itself an event). So `[...]`, CloudTrail
// files, several CloudTrail files concatenated, one pretty-printed object and
// `jq .` output of many objects all read. Here the stream delimits values by
// tracking strings, escapes and brackets; it reports what prevents delimiting
// (an unterminated string, array or object, a bracket closing the wrong kind,
// text between elements, a missing comma) with line and column, and goes on
// with the next line that can start an element.
//
// # Batches
//
// NextBatch copies events out for consumers on other goroutines. It reads
// NDJSON in blocks of whole lines, only counting newlines, and leaves
// splitting a block into events to the batch's first use, on the consumer's
// goroutine; the other shapes are delimited event by event, as Next does.
package stream

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/concordsec/concord/ast"
)

// MaxEvent is the default limit on one event's size; see SetMaxEvent.
const MaxEvent = 64 << 20

// bufSize is the initial read buffer: reads this big make system calls and
// refills rare next to the work on the data. A variable so the fuzz test can
// make refills fall everywhere.
var bufSize = 1 << 20

// Event is one event's bytes and where they are.
type Event struct {
	File string // the path as the user gave it, relative to the working directory when it was absolute; "<stdin>" for "-"
	Line int    // 1-based line of the event's first byte
	Col  int    // 1-based column (in bytes) of the event's first byte
	// Elem is the event's 1-based index in the array it is an element of (a
	// top-level array or a Records array), 0 for an NDJSON line or a whole
	// top-level object. CloudTrail files are one line, so Elem is what tells
	// their events apart: Records[Elem-1].
	Elem int
	// Raw is the event's JSON text, without surrounding blank space. It aliases
	// the reader's buffer: valid only until the next call to Next.
	Raw []byte
}

// Source names the event for reports: FILE:LINE for an NDJSON line or a whole
// object, FILE:LINE#ELEM for an array element. It allocates, so callers
// formatting only the events they report pay only for those.
func (e *Event) Source() string { return source(e.File, e.Line, e.Elem) }

func source(file string, line, elem int) string {
	b := make([]byte, 0, len(file)+24)
	b = append(b, file...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(line), 10)
	if elem > 0 {
		b = append(b, '#')
		b = strconv.AppendInt(b, int64(elem), 10)
	}
	return string(b)
}

// Progress is how far reading has got, for a progress bar. It may be read from
// any goroutine while another calls Next.
type Progress struct {
	Read    int64 // bytes read from the inputs as stored: compressed bytes for gzip
	Scanned int64 // bytes of JSON text read (after decompression)
	Total   int64 // the inputs' size on disk, to compare with Read; -1 when unknown (stdin, pipes)
}

type mode uint8

const (
	modeClosed mode = iota // no file open: the next call opens the next input
	modeDetect             // a file is open; its shape is not known yet
	modeLines
	modeValues
)

// Reader yields the events of a list of inputs in order. Not safe for
// concurrent use, except Progress.
type Reader struct {
	inputs []input
	next   int // index into inputs of the next input to open
	stdin  io.Reader
	max    int

	read, scanned atomic.Int64
	total         int64

	// The open file.
	mode   mode
	file   string // display name
	fileNo int    // index into inputs, so batches can tell files apart without comparing strings
	closer io.Closer
	src    io.Reader // decompressed text
	gz     *gzip.Reader
	gzIn   *bufio.Reader
	isGz   bool

	// buf[pos:end] is read but not yet consumed; base is the offset in the
	// decompressed file of buf[0], so positions that must survive a refill are
	// kept as absolute offsets.
	buf      []byte
	pos, end int
	base     int64
	eof      bool  // src has no more data
	rerr     error // src failed (not io.EOF); reported once the data before it is used

	line int // 1-based line number at pos, unless lastNode is set
	// chain, once CountLinesInBatches is called, links the blocks whose
	// lines their batches count; lastNode is the last of them, after which
	// line is unknown until syncLines.
	chain     *lineChain
	lastNode  *lineNode
	lineStart int64 // absolute offset where that line starts
	lineFirst int64 // absolute offset of the line's first non-blank byte when values mode has seen it; below lineStart when not

	// Lines mode.
	clean   int  // buf[pos:pos+clean] is known to hold no newline
	discard bool // dropping the rest of an over-long line

	// Values mode.
	vs   valueState
	sc   scanner
	elem int // elements yielded from the current array
	open struct {
		line, col int
		records   bool
	} // the current event array
	elemCol int // column of the last element or value start when it began its line, 0 otherwise; bounds resynchronisation
	resync  int // after an error: resynchronise from buf index resync-1 (0: no)

	ev Event
}

// Open returns a reader of the events in paths ("-" is stdin). Directories are
// listed now, so Progress knows the total size from the start; files are opened
// one at a time as reading reaches them. Errors reading a path are returned by
// Next in the path's turn.
func Open(paths []string, stdin io.Reader) *Reader {
	r := &Reader{stdin: stdin, max: MaxEvent}
	r.inputs, r.total = expand(paths)
	return r
}

// SetMaxEvent changes the limit on one event's size (default MaxEvent). An
// event longer than this is reported as an error and skipped.
func (r *Reader) SetMaxEvent(n int) {
	if n < 1 {
		n = 1
	}
	r.max = n
}

// Progress reports how much has been read.
func (r *Reader) Progress() Progress {
	return Progress{Read: r.read.Load(), Scanned: r.scanned.Load(), Total: r.total}
}

// Close closes the open file, if any. Reading to the end closes every file; Close
// is for a caller that stops early.
func (r *Reader) Close() error {
	r.next = len(r.inputs)
	return r.closeFile()
}

// Next returns the next event, or io.EOF after the last. Any other error is an
// *ast.Error: ast.CodeEvent for an event that cannot be delimited (reading goes
// on with the next line that can start one), ast.CodeIO for an input that cannot
// be read (reading goes on with the next input). The event and its Raw bytes are
// valid until the next call.
func (r *Reader) Next() (*Event, error) {
	for {
		if ev, err := r.step(); ev != nil || err != nil {
			return ev, err
		}
	}
}

// step makes one move: an event, an error, or (both nil) a change of state.
func (r *Reader) step() (*Event, error) {
	switch r.mode {
	case modeClosed:
		if r.next >= len(r.inputs) {
			return nil, io.EOF
		}
		return nil, r.openNext()
	case modeDetect:
		return nil, r.detect()
	case modeLines:
		return r.nextLine()
	default:
		return r.nextValue()
	}
}

func (r *Reader) closeFile() error {
	r.mode = modeClosed
	var err error
	if r.closer != nil {
		err = r.closer.Close()
		r.closer = nil
	}
	r.src = nil
	return err
}

// endFile closes the file after its data ran out. It reports a read error, which
// only shows once the data before it has been used.
func (r *Reader) endFile() error {
	rerr := r.rerr
	r.closeFile()
	if rerr == nil {
		return nil
	}
	msg := rerr.Error()
	if r.isGz && errors.Is(rerr, io.ErrUnexpectedEOF) {
		msg = "gzip data is truncated"
	}
	return ast.Errorf(r.posAt(r.end), ast.CodeIO, "%s", msg)
}

func (r *Reader) openNext() error {
	in := &r.inputs[r.next]
	r.fileNo = r.next
	r.next++
	r.file = in.display
	r.resetFile()
	if in.err != nil {
		return ioError(in.display, in.err)
	}
	var f io.Reader
	if in.path == "-" {
		if r.stdin == nil {
			return ast.Errorf(ast.Pos{File: in.display}, ast.CodeIO, "no standard input")
		}
		f = r.stdin
	} else {
		file, err := os.Open(in.path)
		if err != nil {
			return ioError(in.display, err)
		}
		r.closer = file
		f = file
	}
	counted := &countingReader{r: f, n: &r.read}
	r.src = counted
	r.mode = modeDetect
	// The first bytes decide gzip; they are read straight into buf so a plain
	// file costs no extra copy.
	for r.end < 2 && !r.eof {
		r.fill()
	}
	if r.end >= 2 && r.buf[0] == 0x1f && r.buf[1] == 0x8b {
		head := bytes.Clone(r.buf[:r.end])
		r.end = 0
		r.eof, r.rerr = false, nil
		// A big bufio buffer: gzip reads its input a few bytes at a time otherwise.
		in := io.MultiReader(bytes.NewReader(head), counted)
		if r.gzIn == nil {
			r.gzIn = bufio.NewReaderSize(in, 256<<10)
		} else {
			r.gzIn.Reset(in)
		}
		var err error
		if r.gz == nil {
			r.gz, err = gzip.NewReader(r.gzIn)
		} else {
			err = r.gz.Reset(r.gzIn)
		}
		if err != nil {
			r.closeFile()
			return ast.Errorf(ast.Pos{File: r.file}, ast.CodeIO, "%v", err)
		}
		r.src, r.isGz = r.gz, true
	} else {
		r.scanned.Add(int64(r.end))
	}
	return nil
}

func (r *Reader) resetFile() {
	if cap(r.buf) > 4*bufSize || r.buf == nil {
		// An earlier file's huge event need not pin its buffer for the rest of the run.
		r.buf = make([]byte, bufSize)
	}
	r.buf = r.buf[:cap(r.buf)]
	r.pos, r.end, r.base = 0, 0, 0
	r.eof, r.rerr, r.isGz = false, nil, false
	r.line, r.lineStart, r.lineFirst = 1, 0, -1
	r.lastNode = nil
	r.clean, r.discard = 0, false
	r.vs, r.elem, r.elemCol, r.resync = vTop, 0, 0, 0
}

// fill reads once into the free end of buf, returning how many bytes arrived.
func (r *Reader) fill() int {
	n := r.readInto(r.buf[r.end:])
	r.end += n
	return n
}

// readInto reads once into p, noting the end of the input and failures.
func (r *Reader) readInto(p []byte) int {
	if r.eof {
		return 0
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(p)
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.rerr = err
			}
		}
		if n > 0 || err != nil {
			return n
		}
	}
	r.eof, r.rerr = true, io.ErrNoProgress
	return 0
}

// more reads more input, keeping buf[from:end] and dropping what is before it.
// It returns how far the kept bytes moved (subtract it from indices into buf),
// and io.EOF when the input is used up (r.rerr tells a failure from the end).
// Callers keeping an event check its length against r.max themselves.
func (r *Reader) more(from int) (int, error) {
	if r.eof {
		return 0, io.EOF
	}
	shift := from
	if from > 0 {
		copy(r.buf, r.buf[from:r.end])
		r.end -= from
		r.base += int64(from)
	}
	if r.end == len(r.buf) {
		n := max(2*len(r.buf), bufSize)
		if limit := r.max + bufSize; n > limit {
			n = limit
		}
		if n <= r.end {
			n = r.end + bufSize
		}
		nb := make([]byte, n)
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	n := r.fill()
	r.scanned.Add(int64(n))
	if n == 0 {
		return shift, io.EOF
	}
	return shift, nil
}

// posAt is the position of buf[i].
func (r *Reader) posAt(i int) ast.Pos {
	return ast.Pos{File: r.file, Line: r.line, Col: int(r.base+int64(i)-r.lineStart) + 1}
}

func (r *Reader) eventError(pos ast.Pos, format string, args ...any) *ast.Error {
	return ast.Errorf(pos, ast.CodeEvent, "malformed JSON event: "+format, args...)
}

func ioError(display string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return ast.Errorf(ast.Pos{File: display}, ast.CodeIO, "%v", err)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// isSpace is JSON's blank space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trim(b []byte) ([]byte, int) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	j := len(b)
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j], i
}

func quote(c byte) string { return fmt.Sprintf("%q", rune(c)) }
