package spl

import (
	"strings"

	"github.com/concordsec/concord/ast"
)

// word is a blank- or comma-separated token of a command's arguments, outside
// quotes and parentheses; start and end are offsets in the argument text.
type word struct {
	text       string
	start, end int
}

// topWords splits s into words. Quoted strings and parenthesised runs stay
// inside the word they belong to, so `min(_time) as "first seen"` is four words.
func topWords(s string) []word {
	var out []word
	depth, quoted, start := 0, false, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		sep := !quoted && depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',')
		if sep {
			if start >= 0 {
				out = append(out, word{s[start:i], start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		} else if c == '[' && !quoted && depth == 0 {
			// A subsearch is its own word even when glued on: `type=inner[| ...]`.
			out = append(out, word{s[start:i], start, i})
			start = i
		}
		switch {
		case c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[':
			depth++
		case (c == ')' || c == ']') && depth > 0:
			depth--
		}
	}
	if start >= 0 {
		out = append(out, word{s[start:], start, len(s)})
	}
	return out
}

// tstats lowers `tstats ...`. args starts at offset argStart of the expanded
// text. The clauses are found by their keywords (FROM, WHERE, BY) at the top
// level; the aggregations use the stats grammar and the where clause the
// search-term grammar, as Splunk's tstats documentation describes them.
func (l *lowerer) tstats(args string, argStart int, span ast.Span) ast.Command {
	words := topWords(args)
	cmd := &ast.TstatsCmd{Span: span}
	clause := func(kw string) int {
		for i, w := range words {
			if strings.EqualFold(w.text, kw) {
				return i
			}
		}
		return -1
	}
	from, where, by := clause("from"), clause("where"), clause("by")
	aggEnd := len(words)
	for _, i := range []int{from, where, by} {
		if i >= 0 && i < aggEnd {
			aggEnd = i
		}
	}
	// Leading name=value words are options: summariesonly=t, prestats=f, ...
	first := 0
	for ; first < aggEnd; first++ {
		name, value, ok := strings.Cut(words[first].text, "=")
		if !ok || strings.ContainsAny(name, "()") {
			break
		}
		cmd.Options = append(cmd.Options, ast.Option{Span: l.at(argStart+words[first].start, argStart+words[first].end), Name: strings.ToLower(name), Value: unquoteWord(value)})
	}
	if first < aggEnd {
		text := args[words[first].start:words[aggEnd-1].end]
		l.base = argStart + words[first].start
		if st, ok := l.stats(text, span).(*ast.StatsCmd); ok {
			cmd.Aggs = st.Aggs
		} else {
			return &ast.UnsupportedCmd{Span: span, Name: "tstats"}
		}
	} else {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in tstats: expected an aggregation such as count or min(_time) before FROM/WHERE/BY")
	}
	end := func(i int) int { // end of the clause starting at word i
		e := len(words)
		for _, j := range []int{from, where, by} {
			if j > i && j < e {
				e = j
			}
		}
		return e
	}
	if from >= 0 {
		if end(from) != from+2 {
			l.errs.Add(l.sm.Pos(argStart+words[from].start), ast.CodeParse, "syntax error in tstats: expected FROM datamodel=Model[.Dataset]")
		} else {
			src := words[from+1].text
			name, ok := strings.CutPrefix(strings.ToLower(src), "datamodel")
			if ok && (strings.HasPrefix(name, "=") || strings.HasPrefix(name, ":")) {
				model := unquoteWord(src[len("datamodel")+1:])
				cmd.DataModel, cmd.Dataset, _ = strings.Cut(model, ".")
			} else {
				l.unsupported(l.sm.Pos(argStart+words[from+1].start), "tstats from "+src)
			}
		}
	}
	if where >= 0 && end(where) > where+1 {
		s, e := words[where+1].start, words[end(where)-1].end
		cmd.Where = l.parseSearchTerms(args[s:e], argStart+s)
	}
	if by >= 0 {
		for _, w := range words[by+1 : end(by)] {
			if v, ok := strings.CutPrefix(strings.ToLower(w.text), "span="); ok {
				cmd.TimeSpan = v
				continue
			}
			cmd.By = append(cmd.By, unquoteWord(w.text))
		}
	}
	if cmd.DataModel == "" {
		l.unsupported(span.From, "tstats over indexed fields")
		return cmd
	}
	derived, why := l.tstatsPipeline(cmd)
	if why != "" {
		l.unsupported(span.From, why)
		return cmd
	}
	cmd.Derived = derived
	return cmd
}
