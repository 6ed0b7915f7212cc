package plan

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/internal/ascii"
)

// clause is one condition the raw text of an event must meet for the match
// to hold: it holds when one of its literals occurs, or when the text could
// hide one from a plain search (a hazard) or could make the match raise.
type clause struct {
	lits  []lit
	kinds []kindCheck
	// anchor, when set, says where a literal must occur to count.
	anchor anchor

	// Set by prepare: the literals or kind keys hold a slash (which an event
	// may write \/), and the UTF-8 of the non-ASCII letters that case-fold to
	// an ASCII letter of one searched ignoring case; keySlash and keyFolds
	// are the same for the anchor's keys, which matter only once a literal
	// is found: without one the clause fails whatever the keys.
	slash, keySlash bool
	folds, keyFolds [][]byte
	// anchorFirst: holds reads the anchor's keys before searching for the
	// literals, which is cheaper for common literals ("Get", ignoring case)
	// on a rare key, and gives the same answer since a plain value the
	// anchor accepts holds a literal.
	anchorFirst bool
}

// lit is a string searched for in the raw text.
type lit struct {
	text string // lower-case when fold
	fold bool   // ASCII letters match either case
	rare int    // the index of the byte searched for first
}

// kindCheck: the value of key, wherever the event holds that key, must be of
// a kind in allow, else the operation the clause stands for could raise.
type kindCheck struct {
	key   lit
	allow uint8
}

func newLit(s string, fold bool) lit {
	if fold {
		s = asciiLower(s)
	}
	return lit{text: s, fold: fold, rare: rarest(s, fold)}
}

func (l lit) String() string {
	q := strconv.Quote(l.text)
	if l.fold {
		return "(?i)" + q
	}
	return q
}

// within: every text holding o holds l.
func (l lit) within(o lit) bool {
	switch {
	case l.fold:
		return strings.Contains(asciiLower(o.text), l.text)
	case o.fold:
		return false
	}
	return strings.Contains(o.text, l.text)
}

func (c clause) String() string {
	var parts []string
	for _, l := range c.lits {
		parts = append(parts, l.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "never")
	}
	s := strings.Join(parts, " | ")
	if len(c.anchor) > 0 {
		s += " ; " + c.anchor.String()
	}
	for _, k := range c.kinds {
		s += " ; " + k.String()
	}
	return s
}

func (k kindCheck) String() string {
	var names []string
	for _, n := range []struct {
		bit  uint8
		name string
	}{{kindString, "string"}, {kindNumber, "number"}, {kindBool, "bool"}, {kindNull, "null"}, {kindList, "list"}, {kindObject, "object"}} {
		if k.allow&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return "key " + k.key.String() + " is " + strings.Join(names, "/")
}

// prepare works out the hazards of a finished clause.
func (c *clause) prepare() {
	var seen, keySeen map[string]bool
	add := func(l lit, slash *bool, folds *[][]byte, seen *map[string]bool) {
		*slash = *slash || strings.IndexByte(l.text, '/') >= 0
		if !l.fold {
			return
		}
		if *seen == nil {
			*seen = map[string]bool{}
		}
		for _, r := range l.text {
			for _, seq := range foldsOf(r) {
				if !(*seen)[seq] {
					(*seen)[seq] = true
					*folds = append(*folds, []byte(seq))
				}
			}
		}
	}
	for _, l := range c.lits {
		add(l, &c.slash, &c.folds, &seen)
	}
	for _, k := range c.kinds {
		add(k.key, &c.slash, &c.folds, &seen)
	}
	for _, x := range c.anchor {
		add(x.key, &c.keySlash, &c.keyFolds, &keySeen)
	}
	c.anchorFirst = len(c.anchor) > 0 && c.anchorFinds() && c.anchorCost() < c.litCost()
}

// anchorFinds reports whether every plain value c's anchor accepts (every
// occurrence of the key, for an alternative that takes any value) holds one
// of c's literals.
func (c *clause) anchorFinds() bool {
	holdsLit := func(s string, fold bool) bool {
		return slices.ContainsFunc(c.lits, func(l lit) bool { return l.within(lit{text: s, fold: fold}) })
	}
	for _, x := range c.anchor {
		if x.any {
			if !holdsLit(x.key.text, x.key.fold) {
				return false
			}
			continue
		}
		for _, v := range x.vals {
			if !holdsLit(v, x.fold) {
				return false
			}
		}
	}
	return true
}

// litCost and anchorCost guess how often the searches for c's literals and
// for its anchor's keys stop in an event that holds none of them.
func (c *clause) litCost() int {
	n := 0
	for _, l := range c.lits {
		n += l.cost()
	}
	return n
}

func (c *clause) anchorCost() int {
	n := 0
	for _, x := range c.anchor {
		n += x.key.cost()
	}
	return n
}

// foldsOf is the UTF-8 of the non-ASCII characters that a case-insensitive
// comparison takes for the ASCII letter r: those whose lower case is r
// (strings.ToLower, used by eval's Match) and those in its simple case folding
// orbit (regexp's (?i), strings.EqualFold). Unicode has three; TestFoldsOf
// derives them from the unicode tables.
func foldsOf(r rune) []string {
	switch r {
	case 'i', 'I':
		return []string{"\u0130"} // İ, whose lower case is i
	case 'k', 'K':
		return []string{"\u212a"} // Kelvin sign
	case 's', 'S':
		return []string{"\u017f"} // long s
	}
	return nil
}

// Maybe reports whether the match may hold on the event whose raw JSON text
// is raw: exactly the text the engine gives the search as Splunk's _raw (for a
// file of events, the line without its surrounding space, as
// harness.ParseEvents keeps it). False means the match is certain to come out
// as a clean non-match, false without an error, when run as an engine runs it:
// without a test's Mocks.
//
// The literals are searched for as they are; an event can hide one by
// writing a character as a \uXXXX escape or / as \/ (RFC 8259, section 7), or,
// where case is ignored, with a non-ASCII letter that folds to an ASCII one,
// and can make an operation raise with a value of another kind under the
// key it reads. Maybe answers true for any event that may do so.
func (p *Plan) Maybe(raw []byte) bool {
	var h hazards
	return p.maybe(raw, &h)
}

// maybe is Maybe with the facts about raw found so far, which the plans of a
// Set share.
func (p *Plan) maybe(raw []byte, h *hazards) bool {
	return p.maybeFound(raw, h, 0)
}

// maybeFound is maybe where raw is known to hold a literal of each clause i
// with bit i of found set (the gate found one), so only their anchors are
// left to check.
func (p *Plan) maybeFound(raw []byte, h *hazards, found uint64) bool {
	for i := range p.clauses {
		if !p.clauses[i].holds(raw, h, found&(1<<i) != 0) {
			return false
		}
	}
	return true
}

// hazards are facts about one raw text, found when first needed.
type hazards struct {
	escapes      bool // scanned for escapes
	u, slash     bool // a \u escape; a \/ escape
	nonASCIIDone bool
	nonASCII     bool
	// keys are the values found at the keys anchors and kind checks read
	// (see values).
	keys []keyValues
	mask []uint64 // keyScan's scratch
}

// reset readies h for another text, keeping its memory.
func (h *hazards) reset() {
	*h = hazards{keys: h.keys[:0], mask: h.mask}
}

// knownClean records what the gate found: the text has no backslash, so no
// escape, and no non-ASCII byte.
func (h *hazards) knownClean() {
	h.escapes, h.nonASCIIDone = true, true
}

func (h *hazards) scanEscapes(raw []byte) {
	h.escapes = true
	for i := 0; ; i += 2 {
		j := bytes.IndexByte(raw[i:], '\\')
		if j < 0 || h.escape(raw, i+j) {
			return
		}
		i += j
	}
}

// escape notes the escape whose backslash is at i; true once the escapes
// after it cannot matter (a \u, or the end of the text).
func (h *hazards) escape(raw []byte, i int) (done bool) {
	if i+1 >= len(raw) {
		return true
	}
	switch raw[i+1] {
	case 'u':
		h.u = true
		return true
	case '/':
		h.slash = true
	}
	return false
}

// holds reports whether c may hold on raw; found says a literal of c is
// known to be there.
func (c *clause) holds(raw []byte, h *hazards, found bool) bool {
	if len(c.lits) == 0 {
		return c.holdsBesides(raw, h, false)
	}
	if c.anchorFirst && !found {
		// The same answer as below with the searches in the other order: an
		// anchor that accepts a plain value means a literal is there.
		switch c.anchor.judge(raw, h) {
		case anchorPlain:
			return true
		case anchorNone:
			if !c.hidden(raw, h, true) {
				return c.holdsBesides(raw, h, false)
			}
		}
		return c.found(raw) || c.holdsBesides(raw, h, false)
	}
	if found || c.found(raw) {
		if len(c.anchor) == 0 || c.hidden(raw, h, true) || c.anchor.holds(raw, h) {
			return true
		}
	}
	return c.holdsBesides(raw, h, false)
}

// found reports whether raw holds one of c's literals.
func (c *clause) found(raw []byte) bool {
	for i := range c.lits {
		if c.lits[i].index(raw) >= 0 {
			return true
		}
	}
	return false
}

// holdsBesides reports whether c holds on raw whatever its literals (and,
// with keys, its anchor) find there: the text may hide them from a plain
// search, or the operation may raise on a value of another kind.
func (c *clause) holdsBesides(raw []byte, h *hazards, keys bool) bool {
	if len(c.lits) > 0 || len(c.kinds) > 0 {
		if c.hidden(raw, h, keys) {
			return true
		}
		for i := range c.kinds {
			if c.kinds[i].violated(raw, h) {
				return true
			}
		}
	}
	return false
}

// hidden reports whether raw may hold a literal or kind key of c (with keys,
// an anchor's key too) in a way a plain search misses: any character written
// as a \u escape, a slash as \/, or, ignoring case, a non-ASCII letter that
// folds to an ASCII one.
func (c *clause) hidden(raw []byte, h *hazards, keys bool) bool {
	if !h.escapes {
		h.scanEscapes(raw)
	}
	if h.u || h.slash && (c.slash || keys && c.keySlash) {
		return true
	}
	return h.folded(raw, c.folds) || keys && h.folded(raw, c.keyFolds)
}

// clean reports whether raw can hide nothing from a plain search: it has no
// escape and no non-ASCII byte (see hidden).
func (h *hazards) clean(raw []byte) bool {
	if !h.escapes {
		h.scanEscapes(raw)
	}
	if !h.nonASCIIDone {
		h.nonASCIIDone, h.nonASCII = true, hasNonASCII(raw)
	}
	return !h.u && !h.slash && !h.nonASCII
}

// folded reports whether raw holds one of folds (none without non-ASCII).
func (h *hazards) folded(raw []byte, folds [][]byte) bool {
	if len(folds) == 0 {
		return false
	}
	if !h.nonASCIIDone {
		h.nonASCIIDone, h.nonASCII = true, hasNonASCII(raw)
	}
	if h.nonASCII {
		for _, f := range folds {
			if bytes.Contains(raw, f) {
				return true
			}
		}
	}
	return false
}

// hasNonASCII reports whether b has a byte >= 0x80, 32 bytes a step.
func hasNonASCII(b []byte) bool {
	const hi = 0x8080808080808080
	for len(b) >= 32 {
		x := binary.LittleEndian.Uint64(b) | binary.LittleEndian.Uint64(b[8:]) |
			binary.LittleEndian.Uint64(b[16:]) | binary.LittleEndian.Uint64(b[24:])
		if x&hi != 0 {
			return true
		}
		b = b[32:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// violated reports whether the event holds key (as a JSON object key) with a
// value whose kind is not allowed. Every place the key occurs counts, nested
// or not: that is more than the operation reads, never less.
func (k *kindCheck) violated(raw []byte, h *hazards) bool {
	for _, v := range h.values(raw, &k.key) {
		if k.allow&v.kind == 0 {
			return true
		}
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// kindOf is the kind of the JSON value starting with c.
func kindOf(c byte) uint8 {
	switch c {
	case '"':
		return kindString
	case '[':
		return kindList
	case '{':
		return kindObject
	case 't', 'f':
		return kindBool
	case 'n':
		return kindNull
	}
	return kindNumber
}

// index returns the first position of l in s, or -1. It scans for the
// literal's rarest byte (both cases of it when folding) with bytes.IndexByte,
// which is vectorised, and compares the text around each hit.
func (l *lit) index(s []byte) int {
	n := len(l.text)
	if n == 0 {
		return 0
	}
	if len(s) < n {
		return -1
	}
	r := l.rare
	// Positions of the rare byte that leave room for the whole literal.
	win := s[:len(s)-n+r+1]
	lo := l.text[r]
	if !l.fold {
		for i := r; i < len(win); {
			j := bytes.IndexByte(win[i:], lo)
			if j < 0 {
				return -1
			}
			p := i + j - r
			if string(s[p:p+n]) == l.text {
				return p
			}
			i += j + 1
		}
		return -1
	}
	up := lo
	if 'a' <= lo && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	nextLo, nextUp := -1, -1
	for i := r; i < len(win); {
		if nextLo < i {
			nextLo = len(win)
			if j := bytes.IndexByte(win[i:], lo); j >= 0 {
				nextLo = i + j
			}
		}
		if nextUp < i {
			nextUp = len(win)
			if up != lo {
				if j := bytes.IndexByte(win[i:], up); j >= 0 {
					nextUp = i + j
				}
			}
		}
		q := min(nextLo, nextUp)
		if q >= len(win) {
			return -1
		}
		p := q - r
		if ascii.EqualLower(s[p:p+n], l.text) {
			return p
		}
		i = q + 1
	}
	return -1
}

// equal reports whether t is l's text, ignoring ASCII case when l folds.
func (l lit) equal(t []byte) bool {
	if l.fold {
		return len(t) == len(l.text) && ascii.EqualLower(t, l.text)
	}
	return string(t) == l.text
}

func asciiLower(s string) string {
	return string(appendLower(make([]byte, 0, len(s)), []byte(s)))
}

// freq is how many of every 10,000 bytes of CloudTrail JSON are each printable
// ASCII byte (counted over the attack data under fixtures/); 0 for the rest.
var freq = func() (f [256]int) {
	for c, n := range map[byte]int{
		' ': 109, '"': 969, '#': 31, '%': 1, '&': 1, '(': 4, ')': 4, '*': 1, '+': 1, ',': 232, '-': 169, '.': 152,
		'/': 85, '0': 148, '1': 304, '2': 272, '3': 235, '4': 98, '5': 88, '6': 85, '7': 66, '8': 72, '9': 55,
		':': 404, ';': 4, '=': 2, '?': 1, '@': 1, 'A': 124, 'B': 18, 'C': 51, 'D': 52, 'E': 41, 'F': 10, 'G': 21,
		'H': 32, 'I': 96, 'J': 4, 'K': 36, 'L': 43, 'M': 38, 'N': 31, 'O': 26, 'P': 56, 'Q': 26, 'R': 46, 'S': 74,
		'T': 55, 'U': 11, 'V': 23, 'W': 23, 'X': 10, 'Y': 18, 'Z': 30, '[': 6, ']': 6, '_': 42, 'a': 466, 'b': 75,
		'c': 249, 'd': 239, 'e': 771, 'f': 77, 'g': 80, 'h': 47, 'i': 272, 'j': 3, 'k': 29, 'l': 187, 'm': 180,
		'n': 373, 'o': 311, 'p': 124, 'q': 15, 'r': 382, 's': 418, 't': 432, 'u': 201, 'v': 89, 'w': 78, 'x': 27,
		'y': 86, 'z': 24, '{': 56, '}': 56,
	} {
		f[c] = n
	}
	return f
}()

// scanFreq is how often the byte l.text[i] or, folding, either case of it
// occurs: how often a scan for it stops.
func scanFreq(c byte, fold bool) int {
	if fold && 'a' <= c && c <= 'z' {
		return freq[c] + freq[c-('a'-'A')]
	}
	return freq[c]
}

// cost is how often a scan for l stops: at its rarest byte.
func (l *lit) cost() int {
	if l.text == "" {
		return 0
	}
	return scanFreq(l.text[l.rare], l.fold)
}

// rarest picks the byte of s to scan for: the one that occurs least often in
// such text (counting both cases when folding, since both are scanned for).
func rarest(s string, fold bool) int {
	best := 0
	for i := 1; i < len(s); i++ {
		if scanFreq(s[i], fold) < scanFreq(s[best], fold) {
			best = i
		}
	}
	return best
}
