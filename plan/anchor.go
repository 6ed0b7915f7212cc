package plan

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/concordsec/concord/internal/ascii"
)

// An anchor narrows a clause from "the text holds one of these strings" to
// "the text holds one of these keys with a string value equal to (or starting
// with) one of these strings": what a comparison of a field with constants
// really needs. A literal such as "Get" occurs all over an event; as the whole
// value of eventName it is rare. Alternatives (alts) come from the keys the
// value may be read from and from or-ed comparisons.
//
// An occurrence of a key is the key's JSON string followed by a colon,
// anywhere in the event, nested or not: more than the operation reads, never
// less. A value the anchor cannot judge as plain text (not a string, holding an
// escape, or non-ASCII where case is ignored) satisfies it, as do the hazards
// of the whole text that hide a key (see Plan.Maybe).
type anchor []alt

// alt is one key and the values it may hold for the match to hold.
type alt struct {
	key    lit      // the key as the text spells it, lower-case when keys fold
	vals   []string // JSON-escaped, lower-case when fold
	fold   bool     // values compared ignoring ASCII case
	prefix bool     // the value need only start with one of vals
	any    bool     // any value will do: the key need only occur
}

// shape is how a value relates to the strings of a clause.
type shape uint8

const (
	shapeNone   shape = iota // contains one of them somewhere (no anchor)
	shapeEq                  // is one of them
	shapePrefix              // starts with one of them
)

func (x alt) String() string {
	if x.any {
		return "key " + x.key.String()
	}
	op := "=="
	if x.prefix {
		op = "^="
	}
	if x.fold {
		op = "(?i)" + op
	}
	vals := make([]string, len(x.vals))
	for i, v := range x.vals {
		vals[i] = strconv.Quote(v)
	}
	return "value of " + x.key.String() + " " + op + " " + strings.Join(vals, "|")
}

func (a anchor) String() string {
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = x.String()
	}
	return strings.Join(parts, " or ")
}

// unionAnchors is the anchor that holds when a's or b's does; nil (none) when
// either has none. Alternatives of one key and kind of test become one.
func unionAnchors(a, b anchor) anchor {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	out := slices.Clone(a)
	for _, y := range b {
		i := slices.IndexFunc(out, func(x alt) bool { return x.key == y.key && x.fold == y.fold && x.prefix == y.prefix && x.any == y.any })
		if i < 0 {
			out = append(out, y)
			continue
		}
		vals := slices.Clone(out[i].vals)
		for _, v := range y.vals {
			if !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		out[i].vals = vals
	}
	return out
}

// covers reports whether a holds on every text b holds on.
func (a anchor) covers(b anchor) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, y := range b {
		if !slices.ContainsFunc(a, func(x alt) bool { return x.covers(y) }) {
			return false
		}
	}
	return true
}

// covers: every value y accepts at one of its key's occurrences, x accepts.
func (x alt) covers(y alt) bool {
	if x.any || y.any {
		return x.any && x.key.text == y.key.text && (x.key.fold || !y.key.fold)
	}
	if x.key.text != y.key.text || (y.key.fold && !x.key.fold) || (y.fold && !x.fold) || (y.prefix && !x.prefix) {
		return false
	}
	for _, v := range y.vals {
		if x.fold && !y.fold {
			v = asciiLower(v)
		}
		if !slices.ContainsFunc(x.vals, func(u string) bool {
			if x.prefix {
				return strings.HasPrefix(v, u)
			}
			return u == v
		}) {
			return false
		}
	}
	return true
}

// holds reports whether raw satisfies the anchor. The text-wide hazards (\u
// escapes, folding letters) are the caller's.
func (a anchor) holds(raw []byte, h *hazards) bool {
	return a.judge(raw, h) != anchorNone
}

// anchorVerdict is what an anchor makes of a text: no occurrence of its keys
// satisfies it, one does with a plain value (or, taking any value, by
// occurring), or one has a value it cannot judge as text.
type anchorVerdict uint8

const (
	anchorNone anchorVerdict = iota
	anchorPlain
	anchorUnsure
)

func (a anchor) judge(raw []byte, h *hazards) anchorVerdict {
	out := anchorNone
	for i := range a {
		for _, v := range h.values(raw, &a[i].key) {
			switch a[i].accepts(v) {
			case anchorPlain:
				return anchorPlain
			case anchorUnsure:
				out = anchorUnsure
			}
		}
	}
	return out
}

// accepts says whether the value at one occurrence of the key satisfies x.
func (x *alt) accepts(v value) anchorVerdict {
	switch {
	case x.any:
		return anchorPlain
	case !v.plain || x.fold && hasNonASCII(v.text):
		return anchorUnsure
	}
	for _, s := range x.vals {
		if len(v.text) < len(s) || !x.prefix && len(v.text) != len(s) {
			continue
		}
		t := v.text[:len(s)]
		if x.fold && ascii.EqualLower(t, s) || !x.fold && string(t) == s {
			return anchorPlain
		}
	}
	return anchorNone
}

// value is what follows one occurrence of a key: the contents of a JSON string
// without escapes (plain), or anything else, of the kind its first byte says
// (0 when the text ends first).
type value struct {
	text  []byte
	plain bool
	kind  uint8
	at    int // where the key's text starts
}

// values returns the values of key's occurrences in raw, found once per text
// and key and shared by every anchor reading that key.
func (h *hazards) values(raw []byte, key *lit) []value {
	for i := range h.keys {
		if h.keys[i].lit == key {
			return h.keys[i].vals
		}
	}
	for i := range h.keys {
		if h.keys[i].key == key.text && h.keys[i].fold == key.fold {
			return h.keys[i].vals
		}
	}
	// The occurrences of a key found ignoring case include those of each of
	// its spellings.
	var folded *keyValues
	if !key.fold {
		for i := range h.keys {
			if h.keys[i].fold && isLowerOf(h.keys[i].key, key.text) {
				folded = &h.keys[i]
				break
			}
		}
	}
	var from []value
	if folded != nil {
		from = folded.vals // before slot, which may move h.keys
	}
	kv := h.slot(key)
	if folded == nil {
		kv.vals = findValues(raw, key, kv.vals)
		return kv.vals
	}
	for _, v := range from {
		if string(raw[v.at:v.at+len(key.text)]) == key.text {
			kv.vals = append(kv.vals, v)
		}
	}
	return kv.vals
}

// isLowerOf reports whether lower is s with its ASCII letters in lower case.
func isLowerOf(lower, s string) bool {
	return len(lower) == len(s) && ascii.EqualLower(s, lower)
}

// slot adds an empty entry for key's values, reusing the memory a previous
// text left.
func (h *hazards) slot(key *lit) *keyValues {
	n := len(h.keys)
	if n < cap(h.keys) {
		h.keys = h.keys[:n+1]
	} else {
		h.keys = append(h.keys, keyValues{})
	}
	kv := &h.keys[n]
	kv.lit, kv.key, kv.fold, kv.vals = key, key.text, key.fold, kv.vals[:0]
	return kv
}

// keyValues are the values of one key in the current text.
type keyValues struct {
	lit  *lit // the key as first asked for: a Set asks with the same one
	key  string
	fold bool
	vals []value
}

// findValues appends the value of every occurrence of key (as an object key)
// in raw to dst.
func findValues(raw []byte, key *lit, dst []value) []value {
	for i := 0; i < len(raw); {
		j := key.index(raw[i:])
		if j < 0 {
			break
		}
		start := i + j
		i = start + 1
		if v, ok := valueAt(raw, start, len(key.text)); ok {
			dst = append(dst, v)
		}
	}
	return dst
}

// valueAt reads the value of the key whose text is raw[start:start+n], if it
// is an object key there: quoted, then a colon.
func valueAt(raw []byte, start, n int) (value, bool) {
	m, ok := valueStart(raw, start, n)
	if !ok {
		return value{}, false
	}
	v := value{at: start}
	if m < len(raw) {
		v.kind = kindOf(raw[m])
	}
	if v.kind == kindString {
		body := raw[m+1:]
		if q := bytes.IndexByte(body, '"'); q >= 0 && bytes.IndexByte(body[:q], '\\') < 0 {
			v.text, v.plain = body[:q], true
		}
	}
	return v, true
}

// kindAt is the kind of valueAt's value, without reading a string's text:
// all a kind check needs.
func kindAt(raw []byte, start, n int) (kind uint8, ok bool) {
	m, ok := valueStart(raw, start, n)
	if ok && m < len(raw) {
		kind = kindOf(raw[m])
	}
	return kind, ok
}

// valueStart is where the value of the key raw[start:start+n] starts (maybe
// len(raw)), if that is an object key: quoted, then a colon.
func valueStart(raw []byte, start, n int) (int, bool) {
	end := start + n
	if start == 0 || raw[start-1] != '"' || end >= len(raw) || raw[end] != '"' {
		return 0, false
	}
	m := skipSpace(raw, end+1)
	if m >= len(raw) || raw[m] != ':' {
		return 0, false
	}
	return skipSpace(raw, m+1), true
}
