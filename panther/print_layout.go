package panther

import (
	"strings"
	"unicode/utf8"
)

// The printer lays out each generated Python statement as black (23.x, the
// formatter panther-analysis runs, line length 100) would: what follows is a
// port of the parts of black's linegen.py, lines.py and brackets.py that decide
// where a statement is split (transform_line, right_hand_split with its
// optional parentheses, delimiter_split, magic trailing commas), for the
// tokens the printer emits. Leaves are shared between lines and mutated (a
// bracket made visible, a depth re-marked) exactly as black mutates them,
// because black's later choices depend on those mutations.

const pyLineLength = 100

type tokType uint8

const (
	tName tokType = iota
	tString
	tNumber
	tOp // operators and keywords that are not brackets or commas
	tComma
	tLPar
	tRPar
	tLSqb
	tRSqb
	tLBrace
	tRBrace
)

// black's delimiter priorities (brackets.py).
const (
	prioComprehension = 20
	prioComma         = 18
	prioLogic         = 14
	prioString        = 12
	prioComparator    = 10
	prioDot           = 1
)

func (t tokType) opening() bool { return t == tLPar || t == tLSqb || t == tLBrace }
func (t tokType) closing() bool { return t == tRPar || t == tRSqb || t == tRBrace }

func closerOf(t tokType) tokType {
	switch t {
	case tLPar:
		return tRPar
	case tLSqb:
		return tRSqb
	}
	return tRBrace
}

// leaf is one token. prefix is the whitespace before it when it does not
// start a line; before is the delimiter priority of a split before it (given
// the token that precedes it in the statement).
type leaf struct {
	typ    tokType
	value  string
	prefix string // current whitespace (cleared where the leaf starts a line)
	ws     string // whitespace in the statement's one-line form
	before int
	// atom: an opening bracket that is a display or a parenthesized
	// expression (black's syms.atom parent), not a call's or a subscript's.
	atom bool
	// arglist: a comma between call arguments (counted twice by
	// is_one_sequence_between).
	arglist bool
	// set by marking
	depth   int
	opening *leaf
}

// pyLine is black's Line.
type pyLine struct {
	depth          int
	insideBrackets bool
	leaves         []*leaf
	// bracket tracker
	trackDepth int
	match      map[[2]int]*leaf // (depth, closing type) -> opening bracket
	delimiters map[*leaf]int
	previous   *leaf
	invisible  []*leaf
	magicComma bool
	splitRHS   bool
}

func newLine(depth int, inside bool) *pyLine {
	return &pyLine{depth: depth, insideBrackets: inside, match: map[[2]int]*leaf{}, delimiters: map[*leaf]int{}}
}

// appendLeaf is Line.append with preformatted leaves (the printer computes
// whitespace itself); track forces bracket tracking as black does for
// statements and for the matched brackets of a head.
func (l *pyLine) appendLeaf(lf *leaf, track bool) {
	if l.insideBrackets || track {
		l.mark(lf)
		if l.hasMagicTrailingComma(lf) {
			l.magicComma = true
		}
	}
	l.leaves = append(l.leaves, lf)
}

// mark is BracketTracker.mark.
func (l *pyLine) mark(lf *leaf) {
	if l.trackDepth == 0 && lf.typ.closing() {
		if _, ok := l.match[[2]int{0, int(lf.typ)}]; !ok {
			return
		}
	}
	if lf.typ.closing() {
		l.trackDepth--
		key := [2]int{l.trackDepth, int(lf.typ)}
		lf.opening = l.match[key]
		delete(l.match, key)
		if lf.value == "" {
			l.invisible = append(l.invisible, lf)
		}
	}
	lf.depth = l.trackDepth
	if l.trackDepth == 0 {
		if lf.before > 0 && l.previous != nil {
			l.delimiters[l.previous] = lf.before
		} else if lf.typ == tComma {
			l.delimiters[lf] = prioComma
		}
	}
	if lf.typ.opening() {
		l.match[[2]int{l.trackDepth, int(closerOf(lf.typ))}] = lf
		l.trackDepth++
		if lf.value == "" {
			l.invisible = append(l.invisible, lf)
		}
	}
	l.previous = lf
}

// hasMagicTrailingComma is Line.has_magic_trailing_comma (magic trailing
// commas on), for a closing bracket about to be appended.
func (l *pyLine) hasMagicTrailingComma(closing *leaf) bool {
	if !closing.typ.closing() || len(l.leaves) == 0 || l.leaves[len(l.leaves)-1].typ != tComma {
		return false
	}
	switch closing.typ {
	case tRBrace:
		return true
	case tRSqb:
		return !(closing.opening != nil && !closing.opening.atom && l.oneSequenceBetween(closing.opening, closing, tLSqb))
	}
	return closing.opening != nil && !l.oneSequenceBetween(closing.opening, closing, tLPar)
}

// oneSequenceBetween is is_one_sequence_between. closing is not yet in
// l.leaves when called from hasMagicTrailingComma, so the scan runs to the end.
func (l *pyLine) oneSequenceBetween(opening, closing *leaf, want tokType) bool {
	if opening.typ != want {
		return false
	}
	depth := closing.depth + 1
	i := 0
	for i < len(l.leaves) && l.leaves[i] != opening {
		i++
	}
	if i == len(l.leaves) {
		return false
	}
	commas := 0
	for _, lf := range l.leaves[i+1:] {
		if lf == closing {
			break
		}
		if lf.depth == depth && lf.typ == tComma {
			commas++
			if lf.arglist {
				commas++
				break
			}
		}
	}
	return commas < 2
}

func (l *pyLine) String() string {
	if len(l.leaves) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(l.leaves[0].prefix)
	b.WriteString(strings.Repeat("    ", l.depth))
	b.WriteString(l.leaves[0].value)
	for _, lf := range l.leaves[1:] {
		b.WriteString(lf.prefix)
		b.WriteString(lf.value)
	}
	return b.String()
}

// width is a text's length as black measures it, in characters.
func width(s string) int { return utf8.RuneCountInString(s) }

func (lf *leaf) width() int { return width(lf.prefix) + width(lf.value) }

func shortEnough(l *pyLine) bool { return width(l.String()) <= pyLineLength }

func (l *pyLine) maxPriority(exclude *leaf) int {
	m := 0
	for lf, p := range l.delimiters {
		if lf != exclude && p > m {
			m = p
		}
	}
	return m
}

func (l *pyLine) countPriority(p int) int {
	n := 0
	for _, q := range l.delimiters {
		if q == p {
			n++
		}
	}
	return n
}

type cannotSplit struct{}

// layoutStatement formats one statement (its leaves, at indentation depth)
// into lines of text.
func layoutStatement(leaves []*leaf, depth int) []string {
	l := newLine(depth, false)
	for _, lf := range leaves {
		l.appendLeaf(lf, true)
	}
	var out []string
	for _, ln := range transformLine(l, false) {
		out = append(out, ln.String())
	}
	return out
}

// transformLine is transform_line.
func transformLine(l *pyLine, force bool) []*pyLine {
	lineStr := l.String()
	if !l.splitRHS && !l.magicComma && width(lineStr) <= pyLineLength {
		return []*pyLine{l}
	}
	transformers := []string{"rhs"}
	if l.insideBrackets {
		transformers = []string{"delimiter", "rhs"}
	}
	for _, t := range transformers {
		if res, ok := runTransformer(l, t, force, lineStr); ok {
			return res
		}
	}
	return []*pyLine{l}
}

func runTransformer(l *pyLine, t string, force bool, lineStr string) ([]*pyLine, bool) {
	var lines []*pyLine
	var ok bool
	if t == "delimiter" {
		lines, ok = delimiterSplit(l)
	} else {
		lines, ok = rhsTransform(l, force)
	}
	if !ok {
		return nil, false
	}
	var result []*pyLine
	for _, tl := range lines {
		if tl.String() == lineStr {
			return nil, false
		}
		result = append(result, transformLine(tl, force)...)
	}
	anyVisible := false
	for _, b := range l.invisible {
		if b.value != "" {
			anyVisible = true
		}
	}
	if force || t != "rhs" || len(l.invisible) == 0 || anyVisible || shortEnough(result[0]) {
		return result, true
	}
	// A second opinion with the optional parentheses forced.
	cp := newLine(l.depth, l.insideBrackets)
	for i, lf := range l.leaves {
		c := *lf
		c.opening = nil
		c.prefix = c.ws
		if i == 0 {
			c.prefix = ""
		}
		cp.appendLeaf(&c, true)
	}
	second, ok := runTransformer(cp, t, true, lineStr)
	if ok {
		all := true
		for _, s := range second {
			if !shortEnough(s) {
				all = false
			}
		}
		if all {
			return second, true
		}
	}
	return result, true
}

// rhsTransform is the rhs closure of transform_line.
func rhsTransform(l *pyLine, force bool) ([]*pyLine, bool) {
	var lines []*pyLine
	failed, done := false, false
	trailersToOmit(l, func(omit map[*leaf]bool) bool {
		ls, ok := rightHandSplit(l, force, omit)
		if !ok {
			failed = true // CannotSplit escapes the loop, as in black
			return true
		}
		if shortEnough(ls[0]) {
			lines, done = ls, true
			return true
		}
		return false
	})
	if failed {
		return nil, false
	}
	if done {
		return lines, true
	}
	return rightHandSplit(l, force, nil)
}

// trailersToOmit is generate_trailers_to_omit: it calls yield with each
// cumulative set, lazily (black's generator sees the effects of the splits
// tried in between), until yield returns true.
func trailersToOmit(l *pyLine, yield func(map[*leaf]bool) bool) {
	omit := map[*leaf]bool{}
	if !l.magicComma && yield(omit) {
		return
	}
	length := 4 * l.depth
	var opening, closing *leaf
	inner := map[*leaf]bool{}
	for i := len(l.leaves) - 1; i >= 0; i-- {
		lf := l.leaves[i]
		length += lf.width()
		if length > pyLineLength {
			return
		}
		var prev *leaf
		if i > 0 {
			prev = l.leaves[i-1]
		}
		if opening != nil {
			if lf == opening {
				opening = nil
			} else if lf.typ.closing() {
				if prev != nil && prev.typ == tComma && lf.opening != nil && !l.oneSequenceBetween(lf.opening, lf, tLPar) {
					return
				}
				inner[lf] = true
			}
		} else if lf.typ.closing() {
			if prev != nil && prev.typ.opening() {
				inner[lf] = true
				continue
			}
			if closing != nil {
				omit[closing] = true
				for k := range inner {
					omit[k] = true
				}
				inner = map[*leaf]bool{}
				if yield(omit) {
					return
				}
			}
			if prev != nil && prev.typ == tComma && lf.opening != nil && !l.oneSequenceBetween(lf.opening, lf, tLPar) {
				return
			}
			if lf.value != "" {
				opening = lf.opening
				closing = lf
			}
		}
	}
}

type rhsResult struct {
	head, body, tail *pyLine
	opening, closing *leaf
}

func rightHandSplit(l *pyLine, force bool, omit map[*leaf]bool) ([]*pyLine, bool) {
	r, ok := firstRHS(l, omit)
	if !ok {
		return nil, false
	}
	return maybeSplitOmittingOptionalParens(r, l, force, omit)
}

// firstRHS is _first_right_hand_split.
func firstRHS(l *pyLine, omit map[*leaf]bool) (rhsResult, bool) {
	var tail, body, head []*leaf
	cur := &tail
	var opening, closing *leaf
	for i := len(l.leaves) - 1; i >= 0; i-- {
		lf := l.leaves[i]
		if cur == &body && lf == opening {
			if len(body) > 0 {
				cur = &head
			} else {
				cur = &tail
			}
		}
		*cur = append(*cur, lf)
		if cur == &tail && lf.typ.closing() && !omit[lf] {
			opening, closing = lf.opening, lf
			cur = &body
		}
	}
	if opening == nil || closing == nil || len(head) == 0 {
		return rhsResult{}, false
	}
	reverse(tail)
	reverse(body)
	reverse(head)
	r := rhsResult{
		head:    buildLine(head, l, opening, "head"),
		body:    buildLine(body, l, opening, "body"),
		tail:    buildLine(tail, l, opening, "tail"),
		opening: opening, closing: closing,
	}
	if !splitSucceeded(r) {
		return rhsResult{}, false
	}
	return r, true
}

func reverse(xs []*leaf) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// splitSucceeded is bracket_split_succeeded_or_raise.
func splitSucceeded(r rhsResult) bool {
	tailLen := width(strings.TrimSpace(r.tail.String()))
	if len(r.body.leaves) == 0 {
		return tailLen >= 3
	}
	return true
}

// buildLine is bracket_split_build_line (no defs or imports here, so no
// trailing comma is ever added).
func buildLine(leaves []*leaf, orig *pyLine, opening *leaf, component string) *pyLine {
	res := newLine(orig.depth, false)
	track := map[*leaf]bool{}
	if component == "body" {
		res.insideBrackets = true
		res.depth++
		if len(leaves) > 0 {
			leaves[0].prefix = ""
		}
	}
	if component == "head" {
		track = insideMatchingBrackets(leaves)
	}
	for _, lf := range leaves {
		res.appendLeaf(lf, track[lf])
	}
	if component == "body" && shouldSplitLine(res, opening) {
		res.splitRHS = true
	}
	return res
}

// insideMatchingBrackets is get_leaves_inside_matching_brackets.
func insideMatchingBrackets(leaves []*leaf) map[*leaf]bool {
	ids := map[*leaf]bool{}
	start := -1
	for i, lf := range leaves {
		if lf.typ.opening() {
			start = i
			break
		}
	}
	if start < 0 {
		return ids
	}
	type open struct {
		closer tokType
		at     int
	}
	var stack []open
	for i := start; i < len(leaves); i++ {
		lf := leaves[i]
		if lf.typ.opening() {
			stack = append(stack, open{closerOf(lf.typ), i})
		}
		if lf.typ.closing() {
			if len(stack) > 0 && stack[len(stack)-1].closer == lf.typ {
				s := stack[len(stack)-1].at
				stack = stack[:len(stack)-1]
				for j := s; j <= i; j++ {
					ids[leaves[j]] = true
				}
			} else {
				break
			}
		}
	}
	return ids
}

// shouldSplitLine is should_split_line.
func shouldSplitLine(l *pyLine, opening *leaf) bool {
	// opening.value in "[{(" holds for invisible parentheses too, whose
	// parent black makes an atom.
	if len(l.leaves) == 0 {
		return false
	}
	var exclude *leaf
	trailing := false
	if last := l.leaves[len(l.leaves)-1]; last.typ == tComma {
		trailing = true
		exclude = last
	}
	if len(l.delimiters) == 0 || (exclude != nil && len(l.delimiters) == 1 && l.delimiters[exclude] > 0) {
		return false
	}
	return l.maxPriority(exclude) == prioComma && (trailing || opening.atom)
}

// maybeSplitOmittingOptionalParens is _maybe_split_omitting_optional_parens
// (black's stable style, without the preview features).
func maybeSplitOmittingOptionalParens(r rhsResult, l *pyLine, force bool, omit map[*leaf]bool) ([]*pyLine, bool) {
	if !force && r.opening.typ == tLPar && r.opening.value == "" && r.closing.typ == tRPar && r.closing.value == "" &&
		canOmitInvisibleParens(r.body) {
		omit2 := map[*leaf]bool{r.closing: true}
		for k := range omit {
			omit2[k] = true
		}
		if oop, ok := firstRHS(l, omit2); ok {
			if lines, ok := maybeSplitOmittingOptionalParens(oop, l, force, omit2); ok {
				return lines, true
			}
		}
		if !(canBeSplit(r.body) || shortEnough(r.body)) {
			return nil, false
		}
	}
	if r.opening.typ == tLPar {
		r.opening.value = "("
	}
	if r.closing.typ == tRPar {
		r.closing.value = ")"
	}
	var out []*pyLine
	for _, x := range []*pyLine{r.head, r.body, r.tail} {
		if len(x.leaves) > 0 {
			out = append(out, x)
		}
	}
	return out, true
}

// canBeSplit is can_be_split.
func canBeSplit(l *pyLine) bool {
	lv := l.leaves
	if len(lv) < 2 {
		return false
	}
	if lv[0].typ == tString && lv[1].typ == tOp && lv[1].value == "." {
		calls, dots := 0, 0
		next := lv[len(lv)-1]
		for i := len(lv) - 2; i >= 0; i-- {
			lf := lv[i]
			switch {
			case lf.typ.opening():
				if !next.typ.closing() {
					return false
				}
				calls++
			case lf.typ == tOp && lf.value == ".":
				dots++
			case lf.typ == tName:
				if !(next.typ == tOp && next.value == "." || next.typ.opening()) {
					return false
				}
			case !lf.typ.closing():
				return false
			}
			if dots > 1 && calls > 1 {
				return false
			}
			next = lf
		}
	}
	return true
}

// canOmitInvisibleParens is can_omit_invisible_parens.
func canOmitInvisibleParens(l *pyLine) bool {
	if len(l.delimiters) == 0 {
		return true
	}
	maxP := l.maxPriority(nil)
	if l.countPriority(maxP) > 1 {
		return false
	}
	if maxP == prioDot {
		return true
	}
	if len(l.leaves) < 2 {
		return false
	}
	first, second := l.leaves[0], l.leaves[1]
	if first.typ.opening() && !second.typ.closing() {
		if canOmitOpeningParen(l, first) {
			return true
		}
	}
	penultimate, last := l.leaves[len(l.leaves)-2], l.leaves[len(l.leaves)-1]
	if last.typ == tRPar || last.typ == tRBrace || (last.typ == tRSqb && last.opening != nil && last.opening.atom) {
		if penultimate.typ.opening() {
			return false
		}
		if canOmitClosingParen(l, last) {
			return true
		}
	}
	return false
}

func canOmitOpeningParen(l *pyLine, first *leaf) bool {
	remainder := false
	length := 4 * l.depth
	for _, lf := range l.leaves {
		if lf.typ.closing() && lf.opening == first {
			remainder = true
		}
		if remainder {
			length += lf.width()
			if length > pyLineLength {
				return false
			}
			if lf.typ.opening() {
				remainder = false
			}
		}
	}
	return true
}

func canOmitClosingParen(l *pyLine, last *leaf) bool {
	length := 4 * l.depth
	seenOther := false
	for _, lf := range l.leaves {
		length += lf.width()
		if lf == last.opening {
			if seenOther || length <= pyLineLength {
				return true
			}
		} else if lf.typ.opening() {
			seenOther = true
		}
	}
	return false
}

// delimiterSplit is delimiter_split.
func delimiterSplit(l *pyLine) ([]*pyLine, bool) {
	if len(l.leaves) == 0 {
		return nil, false
	}
	last := l.leaves[len(l.leaves)-1]
	prio := l.maxPriority(last)
	if prio == 0 {
		return nil, false
	}
	if prio == prioDot && l.countPriority(prio) == 1 {
		return nil, false
	}
	var out []*pyLine
	cur := newLine(l.depth, l.insideBrackets)
	for _, lf := range l.leaves {
		if len(cur.leaves) == 0 {
			lf.prefix = ""
		}
		cur.appendLeaf(lf, false)
		if l.delimiters[lf] == prio {
			out = append(out, cur)
			cur = newLine(l.depth, l.insideBrackets)
		}
	}
	if len(cur.leaves) > 0 {
		if prio == prioComma && cur.leaves[len(cur.leaves)-1].typ != tComma {
			cur.appendLeaf(&leaf{typ: tComma, value: ","}, false)
		}
		out = append(out, cur)
	}
	return out, true
}
