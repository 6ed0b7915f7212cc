package spl

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
	"github.com/concordsec/concord/spl/internal/grammar"
)

// ParseSearch expands the macros of search, parses it and lowers it. at is the
// position of the search's first character in file. match is the base search
// (Lit true when it has no terms), pipeline the commands after it. Unsupported
// commands become ast.UnsupportedCmd and an ast.CodeUnsupported error; the
// other errors are macro and syntax errors.
func ParseSearch(file string, at ast.Pos, search string, m Macros) (ast.Expr, []ast.Command, ast.ErrorList) {
	return parseSource(&Source{File: file, At: at, Text: search}, m, nil, nil)
}

// ParseSearchWith is ParseSearch with a content tree's macros, lookups and the
// data models tstats may run over (opts.Root and AttackDataDir are not used).
func ParseSearchWith(file string, at ast.Pos, search string, opts LoadOptions) (ast.Expr, []ast.Command, ast.ErrorList) {
	return parseSource(&Source{File: file, At: at, Text: search}, opts.Macros, opts.Lookups, opts.DataModels)
}

// ParseEval parses one eval expression, such as a calculated field of a
// sourcetype: `coalesce('userIdentity.accountId', recipientAccountId)`.
func ParseEval(file string, at ast.Pos, expr string) (ast.Expr, ast.ErrorList) {
	src := &Source{File: file, At: at, Text: expr}
	l := &lowerer{sm: &SourceMap{src: src, segs: []segment{{start: 0, end: len(expr), orig: 0}}}}
	g, err := grammar.ExprParser.ParseString("", expr)
	if err != nil {
		l.syntaxError(err, "eval expression")
		return nil, l.errs
	}
	return l.expr(g.X), l.errs
}

// commandName is the command word at the start of a stage.
var commandName = regexp.MustCompile(`^\s*([A-Za-z_][\w]*)`)

func parseSource(src *Source, m Macros, lk *Lookups, dm *datamodel.Registry) (match ast.Expr, pipeline []ast.Command, errs ast.ErrorList) {
	text, sm, errs := Expand(src, m)
	l := &lowerer{sm: sm, errs: errs, text: text, lookups: lk, models: dm}
	match, pipeline = l.search(0, len(text))
	return match, pipeline, l.errs
}

// search parses the search at [from, to) of the expanded text: the whole
// detection, or the inside of a subsearch's brackets.
func (l *lowerer) search(from, to int) (match ast.Expr, pipeline []ast.Command) {
	outer := l.subs
	l.subs = nil
	defer func() {
		for _, p := range l.subs {
			l.unsupported(p.ph.Pos(), "subsearch that is not a term of the base search")
		}
		l.subs = outer
	}()
	text := l.text[from:to]
	stages, err := grammar.Pipeline(text)
	if err != nil {
		l.base = from
		l.syntaxError(err, "search")
		return trueLit(l.at(from, to)), nil
	}
	base := stages[0]
	baseText := text[base.Start:base.End]
	start := from + base.Start
	// A base search may begin with the word `search`.
	if loc := commandName.FindStringSubmatchIndex(baseText); loc != nil && strings.EqualFold(baseText[loc[2]:loc[3]], "search") {
		start += loc[3]
		baseText = baseText[loc[3]:]
	}
	match = l.parseSearchTerms(baseText, start)
	match, pipeline = l.takeSubsearches(match)
	for _, st := range stages[1:] {
		stageText := text[st.Start:st.End]
		loc := commandName.FindStringSubmatchIndex(stageText)
		if loc == nil {
			if strings.TrimSpace(stageText) == "" && (l.errs.Has(ast.CodeMacro) || l.errs.Has(ast.CodeUnsupported)) {
				continue // the stage was a macro that could not be expanded
			}
			p, macro := l.sm.Origin(from + st.Start - 1) // the `|`
			msg := "expected a command name after |"
			if macro != "" {
				msg += " (in the expansion of macro `" + macro + "`)"
			}
			l.errs.Add(p, ast.CodeParse, "syntax error in search: "+msg)
			continue
		}
		span := l.at(from+st.Start+loc[2], from+trimmedEnd(text, st))
		name := stageText[loc[2]:loc[3]]
		pipeline = append(pipeline, l.command(name, stageText[loc[3]:], from+st.Start+loc[3], span))
	}
	return match, pipeline
}

// trimmedEnd is the end of a stage without trailing blanks, so spans end at
// the last character of the command.
func trimmedEnd(text string, st grammar.Stage) int {
	return st.Start + len(strings.TrimRight(text[st.Start:st.End], " \t\r\n"))
}
