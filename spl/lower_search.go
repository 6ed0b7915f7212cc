package spl

import (
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/spl/internal/grammar"
)

// timeModifiers are search terms that set the time range instead of matching
// events. concord, like the ESCU test tool, searches all time, so they match
// everything.
var timeModifiers = map[string]bool{
	"earliest": true, "latest": true, "starttime": true, "endtime": true,
	"starttimeu": true, "endtimeu": true, "starthoursago": true, "endhoursago": true,
	"startminutesago": true, "endminutesago": true, "startdaysago": true, "enddaysago": true,
}

// parseSearchTerms parses the base search or a `search` argument found at
// [start, end) of the expanded text; empty text matches everything.
func (l *lowerer) parseSearchTerms(text string, start int) ast.Expr {
	l.base = start
	g, err := grammar.SearchParser.ParseString("", text)
	if err != nil {
		l.syntaxError(err, "search")
		return trueLit(l.at(start, start+len(text)))
	}
	if g.And == nil {
		return trueLit(l.at(start, start+len(text)))
	}
	return l.searchAnd(g.And)
}

func (l *lowerer) searchAnd(g *grammar.SearchAnd) ast.Expr {
	xs := make([]ast.Expr, 0, len(g.Terms))
	for _, t := range g.Terms {
		xs = append(xs, l.searchOr(t))
	}
	return flatten(l.span(g.Pos, g.EndPos), ast.And, l.dropTrue(xs))
}

// dropTrue removes operands that are the constant true (`search *`, time
// modifiers) from an AND, keeping one when nothing else is left.
// dropTrue removes conjuncts that are true (time modifiers, `*`), but not
// the stand-ins of subsearches.
func (l *lowerer) dropTrue(xs []ast.Expr) []ast.Expr {
	out := xs[:0:0]
	for _, x := range xs {
		if lit, ok := x.(*ast.Lit); ok && lit.Val.Kind() == ast.KindBool && lit.Val.AsBool() && !l.isSubsearch(lit) {
			continue
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return xs[:1]
	}
	return out
}

func (l *lowerer) searchOr(g *grammar.SearchOr) ast.Expr {
	xs := make([]ast.Expr, 0, len(g.Terms))
	for _, t := range g.Terms {
		xs = append(xs, l.searchNot(t))
	}
	return flatten(l.span(g.Pos, g.EndPos), ast.Or, xs)
}

func (l *lowerer) searchNot(g *grammar.SearchNot) ast.Expr {
	span := l.span(g.Pos, g.EndPos)
	switch {
	case g.Not != nil:
		return &ast.Not{Span: span, X: l.searchNot(g.Not)}
	case g.Sub != nil:
		return l.subsearchTerm(g.Sub, span)
	case g.Dir != nil:
		// TERM(x) matches x as one indexed term, which a substring search of
		// _raw already does; CASE(x) also keeps x's case.
		kw := l.keyword(span, tokenText(g.Dir.Arg))
		if m, ok := kw.(*ast.Match); ok && g.Dir.Name == "CASE" {
			m.Fold = false
		}
		return kw
	case g.Term != nil:
		return l.searchTerm(g.Term)
	case g.Group != nil:
		return l.searchAnd(g.Group)
	}
	return trueLit(span) // `()`
}

func (l *lowerer) searchTerm(g *grammar.SearchTerm) ast.Expr {
	span := l.span(g.Pos, g.EndPos)
	head := tokenText(g.Head)
	// `f IN ()` parses with an empty (nil) In list; only the term reaching
	// past its head tells it apart from the bare keyword f.
	if g.Op == "" && g.In == nil && g.Value == nil && g.EndPos.Offset <= g.Head.EndPos.Offset {
		return l.keyword(span, head)
	}
	field := &ast.Field{Span: l.span(g.Head.Pos, g.Head.EndPos), Path: []string{head}}
	if timeModifiers[strings.ToLower(head)] && g.Head.Quoted == "" {
		return trueLit(span)
	}
	if g.Value == nil { // IN
		xs := make([]ast.Expr, 0, len(g.In))
		for _, v := range g.In {
			xs = append(xs, l.match(l.span(v.Pos, v.EndPos), field, tokenText(v)))
		}
		if len(xs) == 0 { // `f IN ()` matches nothing
			return &ast.Lit{Span: span, Val: ast.False}
		}
		return flatten(span, ast.Or, xs)
	}
	value := valueText(g.Value)
	switch g.Op {
	case "=", "==":
		m := l.match(span, field, value)
		if mm, ok := m.(*ast.Match); ok && g.Value.Dir != nil && g.Value.Dir.Name == "CASE" {
			mm.Fold = false
		}
		return m
	case "!=":
		// Splunk: f!=v is false for events without f; NOT f=v is true for them.
		return &ast.Logic{Span: span, Op: ast.And, Xs: []ast.Expr{
			&ast.Exists{Span: span, X: field},
			&ast.Not{Span: span, X: l.match(span, field, value)},
		}}
	}
	op := map[string]ast.CmpOp{"<": ast.Lt, "<=": ast.Le, ">": ast.Gt, ">=": ast.Ge}[g.Op]
	lit := &ast.Lit{Span: l.span(g.Value.Pos, g.Value.EndPos), Val: searchLiteral(value, g.Value.Quoted != "")}
	return &ast.Compare{Span: span, Op: op, X: field, Y: lit, Dialect: ast.SPLEval}
}

// match is the term field=value: `*` alone tests presence, a value with `*` is
// a wildcard pattern, anything else an exact match; all case-insensitive.
func (l *lowerer) match(span ast.Span, field *ast.Field, value string) ast.Expr {
	if value == "*" {
		return &ast.Exists{Span: span, X: field}
	}
	kind := ast.MatchExact
	if strings.Contains(value, "*") {
		kind = ast.MatchWildcard
	}
	return &ast.Match{Span: span, X: field, Kind: kind, Pattern: value, Fold: true, Search: true}
}

// keyword is a bare term or phrase: it matches anywhere in _raw.
func (l *lowerer) keyword(span ast.Span, text string) ast.Expr {
	pattern := "*" + text + "*"
	for strings.Contains(pattern, "**") {
		pattern = strings.ReplaceAll(pattern, "**", "*")
	}
	if pattern == "*" {
		return trueLit(span)
	}
	raw := &ast.Field{Span: span, Path: []string{"_raw"}}
	return &ast.Match{Span: span, X: raw, Kind: ast.MatchWildcard, Pattern: pattern, Fold: true, Search: true}
}

// searchLiteral is the value of a comparison term: a number when it reads as
// one (Splunk compares numerically then), else the text.
func searchLiteral(s string, quoted bool) ast.Value {
	if !quoted {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return ast.Int(n)
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return ast.Float(f)
		}
	}
	return ast.String(s)
}

func valueText(v *grammar.Value) string {
	if v.Dir != nil {
		return tokenText(v.Dir.Arg)
	}
	return tokenText(&grammar.Token{Quoted: v.Quoted, Word: v.Word, Kw: v.Kw})
}

func tokenText(t *grammar.Token) string {
	switch {
	case t.Quoted != "":
		return unquote(t.Quoted)
	case t.Kw != "":
		return t.Kw
	}
	return unescapeWord(t.Word)
}

// unescapeWord applies the search command's backslash escapes to an unquoted
// term: `\\` is a backslash, `\"` a quote, `\|` a pipe (Search Manual,
// "Backslashes": D:\\Digital\\RTFM searches for D:\Digital\RTFM). The
// asterisk cannot be escaped, so `\*` stays a backslash before a wildcard.
func unescapeWord(w string) string {
	if !strings.Contains(w, "\\") {
		return w
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' && i+1 < len(w) && strings.IndexByte(`\"|`, w[i+1]) >= 0 {
			i++
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

// pendingSub is a subsearch met among search terms: ph stands in its place
// until the base search is complete.
type pendingSub struct {
	ph  *ast.Lit
	sub *ast.Subsearch
}

// subsearchTerm lowers `[ ... ]` among search terms.
func (l *lowerer) subsearchTerm(g *grammar.Subsearch, span ast.Span) ast.Expr {
	saved := l.base
	from, to := l.base+g.Pos.Offset, l.base+g.EndPos.Offset
	sub := &ast.Subsearch{Span: span}
	sub.Match, sub.Pipeline = l.search(from+1, to-1)
	l.base = saved
	ph := &ast.Lit{Span: span, Val: ast.True}
	l.subs = append(l.subs, pendingSub{ph, sub})
	return ph
}

// takeSubsearches moves the subsearches that are conjuncts of the base search
// into filter commands at the head of the pipeline: Splunk runs them first
// and ANDs their formatted results into the search, which is the same as
// keeping the events that match one of their rows. A subsearch under OR or
// NOT has no such reading; it stays unsupported.
func (l *lowerer) takeSubsearches(match ast.Expr) (ast.Expr, []ast.Command) {
	var cmds []ast.Command
	take := func(x ast.Expr) bool {
		for i, p := range l.subs {
			if p.ph == x {
				cmds = append(cmds, &ast.SubsearchFilterCmd{Span: p.sub.Span, Sub: p.sub})
				l.subs = append(l.subs[:i:i], l.subs[i+1:]...)
				return true
			}
		}
		return false
	}
	switch m := match.(type) {
	case *ast.Lit:
		if take(m) {
			return trueLit(m.Span), cmds
		}
	case *ast.Logic:
		if m.Op == ast.And && !m.Operand {
			var keep []ast.Expr
			for _, x := range m.Xs {
				if !take(x) {
					keep = append(keep, x)
				}
			}
			switch len(keep) {
			case 0:
				return trueLit(m.Span), cmds
			case 1:
				return keep[0], cmds
			}
			m.Xs = keep
		}
	}
	return match, cmds
}

func (l *lowerer) isSubsearch(x *ast.Lit) bool {
	for _, p := range l.subs {
		if p.ph == x {
			return true
		}
	}
	return false
}
