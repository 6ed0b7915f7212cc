package plan

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/internal/ascii"
	"github.com/concordsec/concord/sourcetype"
)

// prefilter derives the clauses of p from the match.
func (a *analyzer) prefilter(p *Plan) {
	if a.fallible {
		p.noFilter = "the sourcetype computes fields that may fail on an event"
		return
	}
	// Splunk keeps an event whose base search is truthy (harness.Compiled.Run);
	// Panther's rule() must return a bool, anything else is an error.
	w := wantFalsy
	if !a.splunk {
		w = wantFalse
	}
	p.clauses = finish(a.cond(a.r.Match, w, nil))
}

// maxLits bounds the literals of one clause: an event is searched for each.
const maxLits = 16

// cond returns clauses each of which, when it fails on an event (see
// clause.holds), guarantees that x evaluates without raising to a value w
// wants. A clause with no literals fails on every event: x always does.
func (a *analyzer) cond(x ast.Expr, w want, s *scope) []clause {
	switch n := x.(type) {
	case *ast.Lit:
		if w.holds(n.Val) {
			return []clause{{}}
		}
	case *ast.Helper:
		// Engines run rules without a test's Mocks, so a helper is its body.
		return a.cond(n.Body, w, s)
	case *ast.Let:
		if len(n.Names) == 1 && a.safe(n.X, s) {
			return a.cond(n.Body, w, a.bind(s, n.Names[0], n.X))
		}
	case *ast.Not:
		if w == wantTruthy {
			return a.cond(n.X, wantFalsy, s)
		}
		return a.cond(n.X, wantTruthy, s)
	case *ast.Truth:
		if w == wantFalse {
			w = wantFalsy // Truth makes a bool of it
		}
		return a.cond(n.X, w, s)
	case *ast.Logic:
		return a.logic(n, w, s)
	case *ast.Cond:
		var out []clause
		then, els := best(a.cond(n.Then, w, s)), best(a.cond(n.Else, w, s))
		if then != nil {
			for _, c := range a.cond(n.If, wantTruthy, s) {
				out = appendUnion(out, c, *then)
			}
		}
		if els != nil {
			for _, c := range a.cond(n.If, wantFalsy, s) {
				out = appendUnion(out, c, *els)
			}
		}
		if then != nil && els != nil && a.safe(n.If, s) {
			out = appendUnion(out, *then, *els)
		}
		return out
	case *ast.Elements:
		// Any (or exactly one) element satisfying Pred: none does when Pred
		// is cleanly false on every element; a non-list gives False.
		if w != wantTruthy && (n.Quant == ast.AnyElement || n.Quant == ast.OnlyOneElement) && a.safe(n.X, s) {
			return a.cond(n.Pred, wantFalsy, s)
		}
	case *ast.Field, *ast.Default:
		// A missing key makes the value falsy; Panther's rule() must still
		// return a bool.
		if w == wantFalsy {
			return a.missing(x, func(v ast.Value) bool { return !v.Truth() })
		}
	case *ast.Exists:
		if w != wantTruthy {
			return a.missing(n.X, ast.Value.IsNullish)
		}
	case *ast.IsNull:
		if w == wantTruthy {
			return a.missing(n.X, ast.Value.IsNullish)
		}
	case *ast.Compare:
		return a.compare(n, w, s)
	case *ast.In:
		if w != wantTruthy {
			return a.in(n, s)
		}
	case *ast.Match:
		if w != wantTruthy {
			return a.match(n, s)
		}
	}
	return a.computed(x, w)
}

// computed: a test that reads one field the sourcetype computes (the add-on's
// errorCode, from errorCode and responseElements.ConsoleLogin) comes out the
// same on every event holding none of the raw keys the field is computed
// from: as on the view of an empty event. When that is what w asks for, the
// event must hold one of those keys.
func (a *analyzer) computed(x ast.Expr, w want) []clause {
	if !a.splunk || a.st == nil {
		return nil
	}
	field, ok := "", true
	ast.Inspect(x, func(e ast.Expr) bool {
		switch n := e.(type) {
		case *ast.Field:
			ok = ok && len(n.Path) == 1 && (field == "" || field == n.Path[0])
			field = n.Path[0]
		case *ast.Local:
			ok = false
		}
		return ok
	})
	if !ok || field == "" {
		return nil
	}
	o := a.st.Sources(field)
	if !o.OK || !o.Computed || len(o.Raw) == 0 {
		return nil
	}
	var c clause
	for _, raw := range o.Raw {
		if strings.HasPrefix(raw, "_") {
			return nil // Splunk's own fields, not JSON keys
		}
		l, ok := litHow{}.keyLiteral(lastKey(raw))
		if !ok {
			return nil
		}
		c.lits = append(c.lits, l)
		// The field needs one of its sources: the key anywhere will do.
		c.anchor = append(c.anchor, alt{key: l, any: true})
	}
	view, err := a.st.View(ast.ObjectOf(&ast.Object{}), sourcetype.Meta{})
	if err != nil {
		return nil
	}
	rec := &ast.Object{}
	if v, ok := view.Get(field); ok {
		rec.Set(field, v)
	}
	prog, errs := eval.Compile(x, a.r.Keys)
	if errs != nil {
		return nil
	}
	if v, err := prog.Eval(&eval.Env{Record: ast.ObjectOf(rec)}); err != nil || !w.holds(v) {
		return nil
	}
	return []clause{c}
}

func (a *analyzer) logic(n *ast.Logic, w want, s *scope) []clause {
	and := n.Op == ast.And
	inner := w
	if !n.Operand && w == wantFalse {
		inner = wantFalsy // the result is made a bool
	}
	if and == (w == wantTruthy) {
		// Every operand must come out as w: `a and b` truthy, `a or b` falsy.
		// Each is evaluated only when the ones before it did, so one clause
		// of each, united, fails only when all of them come out so.
		var out clause
		for i, e := range n.Xs {
			wi := inner
			if i < len(n.Xs)-1 && wi == wantFalse {
				wi = wantFalsy // not the result: only its truth counts
			}
			c := best(a.cond(e, wi, s))
			if c == nil {
				return nil
			}
			out = union(out, *c)
		}
		if len(out.lits) > maxLits {
			return nil
		}
		return []clause{out}
	}
	// One operand deciding suffices (`a and b` falsy, `a or b` truthy) when
	// every operand before it is evaluated without raising and, deciding
	// itself, gives a result w accepts.
	var out []clause
	for _, e := range n.Xs {
		out = append(out, a.cond(e, inner, s)...)
		if !a.safe(e, s) || (w == wantFalse && n.Operand && !boolValued(e)) {
			break
		}
	}
	return out
}

// compare: `x == "lit"` is false and `x != "lit"` true on an event that does
// not hold the literal, when x is a value of the event.
func (a *analyzer) compare(n *ast.Compare, w want, s *scope) []clause {
	if n.Dialect != ast.Python || (n.Op == ast.Eq) == (w == wantTruthy) || (n.Op != ast.Eq && n.Op != ast.Ne) {
		return nil
	}
	l, other := n.Y, n.X
	if _, ok := n.X.(*ast.Lit); ok {
		l, other = n.X, n.Y
	}
	lit, ok := l.(*ast.Lit)
	if !ok || lit.Val.Kind() != ast.KindString {
		return nil
	}
	if c, ok := other.(*ast.Call); ok && c.Fn == "panther.udm" {
		return a.udm(c, lit.Val.AsString())
	}
	in, ok := a.value(other, s)
	if !ok || in.opaque {
		return nil
	}
	str := lit.Val.AsString()
	for _, c := range in.consts {
		if ast.Equal(c, lit.Val) {
			return nil
		}
	}
	return a.clauseOf(in, []string{str}, litHow{}, nil, shapeEq)
}

// udm: `event.udm(keys...) == str` (eval/panther_datamodel.go). An event
// without p_log_type gets no data model, so udm reads p_udm.keys, then the
// keys themselves: str must be the value of the last key. With p_log_type the
// model it names decides (a method may compute str from anything, a missing
// model raises), so such an event is kept.
func (a *analyzer) udm(n *ast.Call, str string) []clause {
	if len(n.Args) == 0 {
		return nil
	}
	var keys []string
	for _, arg := range n.Args {
		l, ok := arg.(*ast.Lit)
		if !ok || l.Val.Kind() != ast.KindString {
			return nil
		}
		keys = append(keys, l.Val.AsString())
	}
	read := &info{raw: true, keys: []string{keys[len(keys)-1]}, absent: true, nulls: true}
	cs := a.clauseOf(read, []string{str}, litHow{}, nil, shapeEq)
	// harness.DataModels.For reads p_log_type with its exact spelling.
	lt, ok := litHow{}.keyLiteral("p_log_type")
	if len(cs) != 1 || !ok {
		return nil
	}
	modelled := clause{lits: []lit{lt}, anchor: anchor{{key: lt, any: true}}}
	return []clause{union(cs[0], modelled)}
}

// in: `x in ["a", "b"]` is false unless x is one of them; `"a" in x` is false
// unless x holds "a" (a substring, an element, a key).
func (a *analyzer) in(n *ast.In, s *scope) []clause {
	if n.Dialect != ast.Python {
		return nil
	}
	if lit, ok := n.X.(*ast.Lit); ok {
		// "a" in x: raises unless x is a str, list or dict.
		if lit.Val.Kind() != ast.KindString {
			return nil
		}
		str := lit.Val.AsString()
		in, ok := a.value(n.Y, s)
		if !ok || in.opaque || (in.raw && in.absent) {
			return nil
		}
		for _, c := range in.consts {
			if c.Kind() != ast.KindString || strings.Contains(c.AsString(), str) {
				return nil
			}
		}
		k := &kinds{allow: kindString | kindList | kindObject}
		if !in.nulls {
			k.allow |= kindNull
		}
		return a.clauseOf(in, []string{str}, litHow{}, k, shapeNone)
	}
	elems, ok := stringList(n.Y)
	if !ok {
		return nil
	}
	in, ok := a.value(n.X, s)
	if !ok || in.opaque {
		return nil
	}
	hashed := n.Hashed || isDict(n.Y)
	for _, c := range in.consts {
		if c.Kind() == ast.KindList || c.Kind() == ast.KindObject && hashed {
			return nil
		}
		for _, e := range elems {
			if ast.Equal(c, ast.String(e)) {
				return nil
			}
		}
	}
	var k *kinds
	if hashed {
		// A set or dict hashes the candidate: a list or dict raises
		// (eval/ops.go).
		k = &kinds{allow: kindString | kindNumber | kindBool | kindNull}
	} else if !isListLit(n.Y) {
		return nil
	}
	return a.clauseOf(in, elems, litHow{}, k, shapeEq)
}

// stringList reads the members of a list, set or dict literal of strings.
func stringList(x ast.Expr) ([]string, bool) {
	var vals []ast.Value
	switch n := x.(type) {
	case *ast.ListLit:
		for _, e := range n.Elems {
			l, ok := e.(*ast.Lit)
			if !ok {
				return nil, false
			}
			vals = append(vals, l.Val)
		}
	case *ast.DictLit:
		// A dict's values are evaluated too; constants never raise.
		for i, e := range n.Keys {
			l, ok := e.(*ast.Lit)
			if _, constVal := n.Vals[i].(*ast.Lit); !ok || !constVal {
				return nil, false
			}
			vals = append(vals, l.Val)
		}
	case *ast.Lit:
		if n.Val.Kind() != ast.KindList {
			return nil, false
		}
		vals = n.Val.AsList()
	default:
		return nil, false
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		if v.Kind() != ast.KindString {
			return nil, false // 1 == True == 1.0: numbers have many spellings
		}
		out[i] = v.AsString()
	}
	return out, true
}

func isDict(x ast.Expr) bool {
	_, ok := x.(*ast.DictLit)
	return ok
}

// match: a pattern match is false on a value without the pattern's literal
// text.
func (a *analyzer) match(n *ast.Match, s *scope) []clause {
	if n.Kind == ast.MatchRegex {
		return nil
	}
	in, ok := a.value(n.X, s)
	if !ok || in.opaque {
		return nil
	}
	how := litHow{fold: n.Fold}
	var k *kinds
	if n.Search || n.Dialect == ast.SPLEval {
		// The value's text is matched: numbers as they print, and in Panther
		// (nested values) a dict or list as its JSON.
		how.text = true
		how.objects = !a.splunk
		how.rawLine = a.splunk && slices.Contains(in.keys, "") && in.raw
	} else {
		// Python's str methods raise on anything but a str.
		if in.raw && in.absent {
			return nil
		}
		k = &kinds{allow: kindString}
		if !in.nulls {
			k.allow |= kindNull
		}
	}
	var best string
	var bestHow litHow
	sh := shapeNone
	runs := patternRuns(n.Pattern, n.Kind, n.Fold)
	for _, r := range runs {
		h := how
		// The JSON of a dict starts with { and ends with }: a piece the
		// value must start or end with is never found in one.
		h.objects = h.objects && !r.anchored
		if _, ok := h.literal(r.text); ok && len(r.text) > len(best) {
			best, bestHow = r.text, h
			sh = shapeNone
			if r.atStart {
				// The value starts with this text; it is this text when
				// the pattern is nothing else.
				sh = shapePrefix
				if r.atEnd && len(runs) == 1 {
					sh = shapeEq
				}
			}
		}
	}
	if best == "" {
		return nil
	}
	how = bestHow
	for _, c := range in.consts {
		if c.Kind() != ast.KindString && !how.text {
			if k != nil {
				return nil // a Python str method on a non-str constant raises
			}
			continue
		}
		// Case-insensitively, a non-ASCII letter may stand for an ASCII one.
		t := c.Text()
		if strings.Contains(t, best) || n.Fold && (!ascii.Is(t) || strings.Contains(asciiLower(t), asciiLower(best))) {
			return nil
		}
	}
	if how.rawLine && how.text && numeric(best) {
		// The line holds a number as written; only a JSON key _raw with a
		// number value (which joins _raw as its text) could match otherwise.
		k = &kinds{allow: kindAll &^ kindNumber}
		in = &info{raw: true, keys: []string{"_raw"}}
	}
	return a.clauseOf(in, []string{best}, how, k, sh)
}

// run is a piece of text a value matching a pattern contains as it is;
// atStart, atEnd: the value starts, ends with it; anchored: either.
type run struct {
	text           string
	anchored       bool
	atStart, atEnd bool
}

// patternRuns are the pieces of a pattern that a matching value must contain
// as they are: the text between wildcards, and with fold only ASCII text, since
// a non-ASCII letter has case forms of other lengths.
func patternRuns(p string, kind ast.MatchKind, fold bool) []run {
	var runs []run
	// split cuts s at the bytes cut accepts (all ASCII but those of a
	// non-ASCII character, which are all >= 0x80).
	split := func(r run, cut func(byte) bool) {
		start := 0
		for i := 0; i <= len(r.text); i++ {
			if i < len(r.text) && !cut(r.text[i]) {
				continue
			}
			if i > start {
				a, e := r.atStart && start == 0, r.atEnd && i == len(r.text)
				runs = append(runs, run{text: r.text[start:i], atStart: a, atEnd: e, anchored: a || e})
			}
			start = i + 1
		}
	}
	whole := run{text: p, atStart: true, atEnd: true}
	switch kind {
	case ast.MatchWildcard:
		split(whole, func(c byte) bool { return c == '*' })
	case ast.MatchLike:
		split(whole, func(c byte) bool { return c == '%' || c == '_' })
	case ast.MatchContains:
		split(run{text: p}, func(byte) bool { return false })
	case ast.MatchPrefix:
		split(run{text: p, atStart: true}, func(byte) bool { return false })
	case ast.MatchSuffix:
		split(run{text: p, atEnd: true}, func(byte) bool { return false })
	default:
		split(whole, func(byte) bool { return false })
	}
	if !fold {
		return runs
	}
	pieces := runs
	runs = nil
	for _, r := range pieces {
		split(r, func(c byte) bool { return c >= utf8.RuneSelf })
	}
	return runs
}

// missing: when x reads a key the event does not hold, it is Missing, or the
// default of a Default when ok accepts it.
func (a *analyzer) missing(x ast.Expr, ok func(ast.Value) bool) []clause {
	for {
		d, isDefault := x.(*ast.Default)
		if !isDefault {
			break
		}
		l, isLit := d.Else.(*ast.Lit)
		if !isLit || !ok(l.Val) {
			return nil
		}
		x = d.X
	}
	f, isField := x.(*ast.Field)
	if !isField || len(f.Path) == 0 {
		return nil
	}
	in := a.fieldInfo(f)
	if in.opaque || !in.keysKnown() || !in.absent {
		return nil
	}
	var c clause
	for _, k := range in.keys {
		l, ok := litHow{fold: a.fold}.keyLiteral(k)
		if !ok {
			return nil
		}
		c.lits = append(c.lits, l)
	}
	return []clause{c}
}

// clauseOf is the clause "the event holds one of strs" for a value described
// by in, with the kinds of value the operation takes without raising. With a
// shape other than shapeNone the value is one of strs, or starts with one,
// and the clause is anchored to the keys the value comes from.
func (a *analyzer) clauseOf(in *info, strs []string, how litHow, k *kinds, sh shape) []clause {
	if !in.raw {
		return []clause{{}} // only constants, none of which matches
	}
	var c clause
	if k != nil && k.allow != kindAll {
		if !in.keysKnown() {
			return nil
		}
		for _, key := range in.keys {
			l, ok := litHow{fold: a.fold}.keyLiteral(key)
			if !ok {
				return nil
			}
			c.kinds = append(c.kinds, kindCheck{key: l, allow: k.allow})
		}
	}
	for _, s := range strs {
		ls, ok := how.literal(s)
		if !ok {
			return nil
		}
		c.lits = append(c.lits, ls...)
	}
	if len(c.lits) > maxLits {
		return nil
	}
	if sh != shapeNone && !how.rawLine && in.keysKnown() {
		c.anchor = a.anchorOf(in, strs, how.fold, sh == shapePrefix)
	}
	return []clause{c}
}

// anchorOf is the anchor "one of in's keys holds one of strs".
func (a *analyzer) anchorOf(in *info, strs []string, fold, prefix bool) anchor {
	vals := make([]string, len(strs))
	for i, s := range strs {
		vals[i] = jsonEscape(s)
		if fold {
			vals[i] = asciiLower(vals[i])
		}
	}
	var out anchor
	for _, key := range in.keys {
		l, ok := litHow{fold: a.fold}.keyLiteral(key)
		if !ok {
			return nil
		}
		out = append(out, alt{key: l, vals: vals, fold: fold, prefix: prefix})
	}
	return out
}

// kinds is the kinds of JSON value an operation takes without raising.
type kinds struct{ allow uint8 }

const (
	kindString uint8 = 1 << iota
	kindNumber
	kindBool
	kindNull
	kindList
	kindObject
	kindAll = kindString | kindNumber | kindBool | kindNull | kindList | kindObject
)

// litHow says how a value's text relates to the event's raw text.
type litHow struct {
	fold bool // compared ignoring case
	// text: the value's text is compared, so numbers count as the text they
	// print, which need not be how the event writes them (1e3 is 1000).
	text bool
	// objects: a dict or list counts as its JSON (ast.JSON), which escapes
	// characters the event may write as they are.
	objects bool
	// rawLine: the value is the event's text itself (Splunk's _raw), which
	// also holds the escapes of the JSON.
	rawLine bool
}

// literal turns a string a value must contain into what the raw text must
// contain, false when it cannot.
func (h litHow) literal(s string) ([]lit, bool) {
	if s == "" || !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		// An event's invalid UTF-8 decodes to U+FFFD.
		return nil, false
	}
	if h.fold && !ascii.Is(s) {
		return nil, false
	}
	if h.text && numeric(s) && !h.rawLine {
		return nil, false
	}
	if h.objects {
		if strings.ContainsAny(s, "{}[]\":,\\") {
			return nil, false
		}
		if s = afterEscapeTails(s, h.fold); s == "" {
			return nil, false
		}
	}
	enc := jsonEscape(s)
	out := []lit{newLit(enc, h.fold)}
	if h.rawLine && enc != s {
		out = append(out, newLit(s, h.fold))
	}
	return out, true
}

// keyLiteral is what the raw text of an event holding key must contain: the
// key as a JSON string, found ignoring case where keys are found so.
func (h litHow) keyLiteral(key string) (lit, bool) {
	if key == "" || !utf8.ValidString(key) || strings.ContainsRune(key, utf8.RuneError) {
		return lit{}, false
	}
	if h.fold {
		if !ascii.Is(key) {
			return lit{}, false
		}
	}
	return newLit(jsonEscape(key), h.fold), true
}

// jsonEscapes are the \u escapes encoding/json writes (ast.JSON) for
// characters an event may write as they are: HTML's <, > and &, the line and
// paragraph separators, and U+FFFD for invalid UTF-8. Control characters are
// escaped in the event as well, so they raise the \u hazard there.
var jsonEscapes = []string{"u003c", "u003e", "u0026", "u2028", "u2029", "ufffd"}

// afterEscapeTails drops the start of s while it could be the tail of one of
// jsonEscapes (or s lies inside one): the JSON of a dict may hold "\u003cept"
// where the event holds "<ept", which has no "cept".
func afterEscapeTails(s string, fold bool) string {
	eq := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	for s != "" {
		bad := false
		for _, e := range jsonEscapes {
			for k := 1; k <= len(e) && !bad; k++ {
				tail := e[len(e)-k:]
				bad = len(s) >= k && eq(s[:k], tail) || len(s) < k && containsFold(e, s, fold)
			}
		}
		if !bad {
			return s
		}
		s = s[1:]
	}
	return s
}

func containsFold(s, sub string, fold bool) bool {
	if fold {
		return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
	}
	return strings.Contains(s, sub)
}

// jsonEscape writes s as JSON string contents with the short escapes JSON has
// for the characters it must escape; the event may also use \u escapes for
// any character and \/ for a slash, which the hazards cover.
func jsonEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				const hex = "0123456789abcdef"
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// numeric: s could be part of the text of a number (strconv's 'f' or 'g'
// form), which need not be how the event writes the number (1e3 is 1000).
func numeric(s string) bool { return strings.Trim(s, "0123456789.+-eE") == "" }

// union is the clause that fails only when both fail.
func union(a, b clause) clause {
	// A clause that never holds adds nothing, not even a wider anchor.
	switch {
	case a.never():
		return b
	case b.never():
		return a
	}
	return clause{
		lits:   append(slices.Clip(a.lits), b.lits...),
		kinds:  append(slices.Clip(a.kinds), b.kinds...),
		anchor: unionAnchors(a.anchor, b.anchor),
	}
}

func appendUnion(out []clause, a, b clause) []clause {
	u := union(a, b)
	if len(u.lits) > maxLits {
		return out
	}
	return append(out, u)
}

// best is the clause most likely to fail on an event: unconditional ones
// first, then those with fewer and longer literals.
func best(cs []clause) *clause {
	var b *clause
	for i := range cs {
		if b == nil || cs[i].score() > b.score() {
			b = &cs[i]
		}
	}
	return b
}

// score orders clauses by how selective and how cheap they look: a clause
// that never holds first, then by what their literal scans cost (a scan stops
// at each occurrence of the literal's rarest byte) and how likely a literal is
// to occur by chance (the shorter, the likelier).
func (c clause) score() int {
	if len(c.lits) == 0 {
		return 1 << 30
	}
	cost := 50 * len(c.kinds)
	for _, l := range c.lits {
		cost += l.cost() + 20 + 256/len(l.text)
	}
	return -cost
}

// maxClauses bounds the clauses a plan checks.
const maxClauses = 4

// finish tidies the clauses of a plan: literals another literal of the clause
// implies dropped, duplicate clauses dropped, the most selective first.
func finish(cs []clause) []clause {
	var simple []clause
	for _, c := range cs {
		simple = append(simple, c.simplify())
	}
	var out []clause
	for i, c := range simple {
		// A clause that holds whenever another one does adds nothing; of
		// two such, the first stays.
		if slices.ContainsFunc(simple[:i], func(d clause) bool { return d.implies(c) }) ||
			slices.ContainsFunc(simple[i+1:], func(d clause) bool { return d.implies(c) && !c.implies(d) }) {
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b clause) int { return b.score() - a.score() })
	if len(out) > 0 && len(out[0].lits) == 0 && len(out[0].kinds) == 0 {
		return out[:1] // the match never holds
	}
	if len(out) > maxClauses {
		out = out[:maxClauses]
	}
	for i := range out {
		out[i].prepare()
	}
	return out
}

// never: c holds on no event.
func (c clause) never() bool { return len(c.lits) == 0 && len(c.kinds) == 0 }

// implies reports whether c holds on every event d holds on: each literal of
// c finds one of d's, and d checks every key c checks (no less strictly).
func (c clause) implies(d clause) bool {
	if len(c.lits) == 0 && len(c.kinds) == 0 {
		return false // c never holds
	}
	for _, l := range c.lits {
		if !slices.ContainsFunc(d.lits, func(m lit) bool { return m.within(l) }) {
			return false
		}
	}
	for _, k := range c.kinds {
		if !slices.ContainsFunc(d.kinds, func(j kindCheck) bool { return j.key == k.key && j.allow&^k.allow == 0 }) {
			return false
		}
	}
	return c.anchor.covers(d.anchor)
}

// simplify drops a literal when another literal of the clause occurs in every
// text it occurs in, and repeated kind checks.
func (c clause) simplify() clause {
	var lits []lit
	for i, l := range c.lits {
		implied := false
		for j, m := range c.lits {
			if i != j && m.within(l) && (!l.within(m) || j < i) {
				implied = true
				break
			}
		}
		if !implied {
			lits = append(lits, l)
		}
	}
	var ks []kindCheck
	for _, k := range c.kinds {
		dup := false
		for i, j := range ks {
			if j.key == k.key {
				ks[i].allow &= k.allow
				dup = true
			}
		}
		if !dup {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(lits, func(a, b lit) int { return strings.Compare(a.String(), b.String()) })
	return clause{lits: lits, kinds: ks, anchor: c.anchor}
}
