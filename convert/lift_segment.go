package convert

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/portable"
)

// A test of one part of a field's text, split at a separator:
//
//	v = (event.get("f") or "").lower()
//	part = v.split("/")[k] if v.count("/") >= k else ""
//	part.endswith(".tor")
//
// Python's str.split(sep) cuts the text at every sep, so part k exists
// exactly when the text holds at least k seps (str.count counts them without
// overlap, as split cuts); it is the run of characters other than sep after
// the k-th one. The test becomes one Regex on the field: `^(?:[^/]*/){k}`
// and the test written on `[^/]*`, the part ending at the next sep or at the
// end of the text (\z): a suffix `[^/]*\.tor(?:/|\z)`, an equality
// `\.tor(?:/|\z)`, a prefix `\.tor`, a containment `[^/]*\.tor`. A constant
// holding sep is never in one part: that test never holds.
//
// lower() is Python's full lower-casing (Unicode SpecialCasing: "İ".lower()
// is "i̇", two code points; "K", the Kelvin sign, lowers to "k"); the Regex
// folds case instead (Fold: RE2's (?i), Unicode simple folding). The two agree
// on a constant whose every letter's fold orbit is exactly what lowers to it
// (foldGap); otherwise the difference is a lossy point. A constant that is
// not its own lower case never matches a lowered value.
//
// str.lower(), split() and count() raise AttributeError on a value that is
// not a string (`or ""` turns a missing, null or other falsy one into "");
// a rule that raises does not alert, where the Regex simply does not match:
// a lossy point where the conversion may match and the source not.

// segmentMatch lifts a str method test of a part of a split field.
func (l *lifter) segmentMatch(n *ast.Match) (portable.Expr, bool, error) {
	if n.Dialect != ast.Python || n.Search || n.Fold {
		return nil, false, nil
	}
	// lit is the test on one part as a regex, given the quoted constant q,
	// a class of the runes other than sep and what ends a part.
	var lit func(q, notSep, end string) string
	var holds func(string) bool // the test on a string
	p := n.Pattern
	switch n.Kind {
	case ast.MatchExact:
		lit = func(q, _, end string) string { return q + end }
		holds = func(s string) bool { return s == p }
	case ast.MatchPrefix:
		lit = func(q, _, _ string) string { return q }
		holds = func(s string) bool { return strings.HasPrefix(s, p) }
	case ast.MatchSuffix:
		lit = func(q, notSep, end string) string { return notSep + "*" + q + end }
		holds = func(s string) bool { return strings.HasSuffix(s, p) }
	case ast.MatchContains:
		lit = func(q, notSep, _ string) string { return notSep + "*" + q }
		holds = func(s string) bool { return strings.Contains(s, p) }
	default:
		return nil, false, nil
	}
	x, done := l.deref(n.X)
	defer done()
	c, ok := x.(*ast.Cond)
	if !ok {
		return nil, false, nil
	}
	seg, ok := segmentOf(c)
	if !ok {
		return nil, false, nil
	}
	if holds(seg.otherwise) {
		return nil, true, l.fail(n, fmt.Sprintf("a test of a part of split text that holds on the value used without that part (%q)", seg.otherwise))
	}
	v, vdone := l.deref(seg.text)
	defer vdone()
	lowered := false
	if call, ok := v.(*ast.Call); ok && call.Fn == "py.str.lower" && len(call.Args) == 1 {
		lowered, v = true, call.Args[0]
	}
	orEmpty := false
	if lg, ok := v.(*ast.Logic); ok && lg.Op == ast.Or && lg.Operand && len(lg.Xs) == 2 {
		if s, ok := str(lg.Xs[1]); ok && s == "" {
			orEmpty, v = true, lg.Xs[0]
		}
	}
	f, fold, err := l.field(v)
	if err != nil || fold {
		return nil, true, l.fail(n, "a part of split text that is not a field of the event (or that field or \"\")")
	}
	kinds := []string{"array", "string-as-number", "number-as-string"}
	if !orEmpty {
		kinds = append(kinds, "missing", "null")
	}
	l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Kinds: kinds,
		Reason: fmt.Sprintf("Python's str methods raise AttributeError when %s is not a string, and a rule that raises does not alert; the conversion's regex does not match such a value, and the rest of the rule decides.", l.lossName(f))})
	sep := regexp.QuoteMeta(seg.sep)
	notSep := "[^" + classEscape(seg.sep) + "]"
	if strings.Contains(p, seg.sep) {
		return &portable.Or{}, true, nil // a part holds no sep
	}
	if lowered && eval.PyLower(p) != p {
		return &portable.Or{}, true, nil // lower() never gives an upper-case letter
	}
	if lowered {
		open := n.Kind == ast.MatchPrefix || n.Kind == ast.MatchContains
		if gap := foldGap(p, open); gap != "" {
			l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Kinds: []string{"value-case"}, Either: true,
				Reason: fmt.Sprintf("The rule lowers %s with Python's str.lower() (full Unicode lower-casing) and the conversion folds case as RE2's (?i) does (simple folding); they differ for %s.", l.lossName(f), gap)})
		}
	}
	pattern := "^"
	if seg.index > 0 {
		pattern += fmt.Sprintf("(?:%s*%s){%d}", notSep, sep, seg.index)
	}
	pattern += lit(regexp.QuoteMeta(p), notSep, "(?:"+sep+`|\z)`)
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, true, l.fail(n, err.Error())
	}
	a, err := l.atom(f, portable.Regex, []string{pattern}, lowered, n)
	return a, true, err
}

// segment is `text.split(sep)[index] if text.count(sep) >= index else
// otherwise`.
type segment struct {
	text      ast.Expr
	sep       string
	index     int64
	otherwise string
}

func segmentOf(c *ast.Cond) (segment, bool) {
	cmp, ok := c.If.(*ast.Compare)
	ix, ok2 := c.Then.(*ast.Index)
	other, ok3 := str(c.Else)
	if !ok || !ok2 || !ok3 || cmp.Dialect != ast.Python {
		return segment{}, false
	}
	count, ok := cmp.X.(*ast.Call)
	bound, ok2 := cmp.Y.(*ast.Lit)
	if !ok || !ok2 || count.Fn != "py.str.count" || len(count.Args) != 2 || bound.Val.Kind() != ast.KindInt {
		return segment{}, false
	}
	atLeast := bound.Val.AsInt()
	switch cmp.Op {
	case ast.Ge:
	case ast.Gt:
		atLeast++
	default:
		return segment{}, false
	}
	split, ok := ix.X.(*ast.Call)
	key, ok2 := ix.Key.(*ast.Lit)
	if !ok || !ok2 || split.Fn != "py.str.split" || len(split.Args) != 2 || key.Val.Kind() != ast.KindInt {
		return segment{}, false
	}
	sep, ok := str(split.Args[1])
	sep2, ok2 := str(count.Args[1])
	k := key.Val.AsInt()
	if !ok || !ok2 || sep != sep2 || utf8.RuneCountInString(sep) != 1 || k < 0 || k != atLeast || !sameRead(split.Args[0], count.Args[0]) {
		return segment{}, false
	}
	return segment{text: split.Args[0], sep: sep, index: k, otherwise: other}, true
}

// deref follows locals to the expressions they stand for; done restores
// them.
func (l *lifter) deref(x ast.Expr) (ast.Expr, func()) {
	var dones []func()
	for {
		loc, ok := x.(*ast.Local)
		if !ok || loc.Name == l.elem {
			break
		}
		b, done, ok := l.resolved(loc.Name)
		if !ok {
			break
		}
		dones = append(dones, done)
		x = b
	}
	return x, func() {
		for i := len(dones) - 1; i >= 0; i-- {
			dones[i]()
		}
	}
}

// classEscape writes a rune inside a regex character class.
func classEscape(s string) string {
	if strings.ContainsAny(s, `\]^-[`) {
		return `\` + s
	}
	return s
}

// foldGap names the runes on which folding case (RE2's (?i): Unicode simple
// folding, the rune's orbit under unicode.SimpleFold) and matching the
// lowered value (Python's str.lower()) disagree for the lower-case constant
// p, "" when they agree. A rune of p matches under (?i) every rune of its
// orbit; the lowered value holds it where the value holds a rune that lowers
// to it. ſ (U+017F) is in the orbit of s but lowers to itself; Σ lowers to
// σ or ς depending on the next letter. İ lowers to i followed by U+0307, so
// an i of p that ends an open-ended test, or is followed by U+0307, matches
// the lowered İ where (?i) does not match İ.
func foldGap(p string, open bool) string {
	var gaps []string
	runes := []rune(p)
	for i, c := range runes {
		orbit := map[rune]bool{c: true}
		for o := unicode.SimpleFold(c); o != c; o = unicode.SimpleFold(o) {
			orbit[o] = true
			if o == 0x3a3 || unicode.ToLower(o) != c {
				gaps = append(gaps, fmt.Sprintf("%q (matching %q ignoring case)", o, c))
			}
		}
		for _, r := range lowersTo()[c] {
			if !orbit[r] {
				gaps = append(gaps, fmt.Sprintf("%q (lowering to %q)", r, c))
			}
		}
		if c == 'i' && (i+1 < len(runes) && runes[i+1] == 0x307 || i+1 == len(runes) && open) {
			gaps = append(gaps, fmt.Sprintf("%q (lowering to %q)", '\u0130', "i\u0307"))
		}
	}
	return strings.Join(gaps, ", ")
}

// lowersTo maps a rune to the other runes whose simple lower case it is,
// İ aside (it lowers to two runes, see foldGap).
var lowersTo = sync.OnceValue(func() map[rune][]rune {
	m := map[rune][]rune{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if lr := unicode.ToLower(r); lr != r && r != 0x130 {
			m[lr] = append(m[lr], r)
		}
	}
	return m
})

// segmentCompare lifts `part == "c"` and `part != "c"` of a part of split
// text (a string, so == is the text's equality).
func (l *lifter) segmentCompare(n *ast.Compare) (portable.Expr, bool, error) {
	x, y := n.X, n.Y
	if _, ok := x.(*ast.Lit); ok {
		x, y = y, x
	}
	c, ok := str(y)
	if !ok || n.Dialect != ast.Python || (n.Op != ast.Eq && n.Op != ast.Ne) {
		return nil, false, nil
	}
	p, ok, err := l.segmentMatch(&ast.Match{Span: n.Span, X: x, Kind: ast.MatchExact, Pattern: c, Dialect: ast.Python})
	if ok && err == nil && n.Op == ast.Ne {
		p = &portable.Not{X: p}
	}
	return p, ok, err
}

// segmentIn lifts `"c" in part`, a substring test of a part of split text.
func (l *lifter) segmentIn(n *ast.In) (portable.Expr, bool, error) {
	c, ok := str(n.X)
	if !ok || n.Dialect != ast.Python {
		return nil, false, nil
	}
	return l.segmentMatch(&ast.Match{Span: n.Span, X: n.Y, Kind: ast.MatchContains, Pattern: c, Dialect: ast.Python})
}
