package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/spl/internal/grammar"
)

// Stand-ins for foreach's tokens, of the same length as the tokens so that
// positions in the template stay true, and valid field names so the template
// parses: '<<FIELD>>' becomes the field '__FIELD__', "<<FIELD>>" the string.
const (
	foreachField = "__FIELD__"    // <<FIELD>>
	foreachMatch = "__MATCHSTR__" // <<MATCHSTR>>
)

// foreach lowers `foreach wc-field... [fieldstr=S] [matchstr=S] [template]`
// (Search Reference, foreach) whose template is a pipeline of eval commands.
func (l *lowerer) foreach(args string, argStart int, span ast.Span) ast.Command {
	words, subw := splitSubsearch(topWords(args))
	if subw == nil {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in foreach: expected a template [eval ...] as the last argument")
		return &ast.UnsupportedCmd{Span: span, Name: "foreach"}
	}
	fieldTok, matchTok := "<<FIELD>>", "<<MATCHSTR>>"
	cmd := &ast.ForeachCmd{Span: span, FieldToken: foreachField, MatchToken: foreachMatch}
	for _, w := range words {
		name, value, isOpt := strings.Cut(w.text, "=")
		switch {
		case !isOpt:
			cmd.Patterns = append(cmd.Patterns, unquoteWord(w.text))
		case strings.EqualFold(name, "fieldstr"):
			fieldTok = unquoteWord(value)
		case strings.EqualFold(name, "matchstr"):
			matchTok = unquoteWord(value)
		default:
			l.unsupported(l.sm.Pos(argStart+w.start), "foreach option "+name)
			return &ast.UnsupportedCmd{Span: span, Name: "foreach"}
		}
	}
	if len(cmd.Patterns) == 0 {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in foreach: expected the fields to iterate over")
		return &ast.UnsupportedCmd{Span: span, Name: "foreach"}
	}
	from, to := argStart+subw.start+1, argStart+subw.end-1
	tmpl := l.text[from:to]
	for _, t := range []struct{ tok, stand string }{{fieldTok, foreachField}, {matchTok, foreachMatch}} {
		if len(t.tok) != len(t.stand) {
			l.unsupported(span.From, fmt.Sprintf("foreach token %s (only tokens of the default lengths are rewritten)", t.tok))
			return &ast.UnsupportedCmd{Span: span, Name: "foreach"}
		}
		tmpl = strings.ReplaceAll(tmpl, t.tok, t.stand)
	}
	sub := &lowerer{sm: l.sm, text: l.text[:from] + tmpl + l.text[to:], lookups: l.lookups, models: l.models}
	cmd.Template = sub.commands(from, to)
	l.errs = append(l.errs, sub.errs...)
	for _, c := range cmd.Template {
		if _, ok := c.(*ast.EvalCmd); !ok {
			l.unsupported(c.Pos(), fmt.Sprintf("foreach template with %T (only eval)", c))
			return &ast.UnsupportedCmd{Span: span, Name: "foreach"}
		}
	}
	return cmd
}

// commands lowers [from, to) as a pipeline in which every stage, the first
// too, is a command (a template has no base search).
func (l *lowerer) commands(from, to int) []ast.Command {
	text := l.text[from:to]
	stages, err := grammar.Pipeline(text)
	if err != nil {
		l.base = from
		l.syntaxError(err, "foreach template")
		return nil
	}
	var out []ast.Command
	for _, st := range stages {
		stageText := text[st.Start:st.End]
		loc := commandName.FindStringSubmatchIndex(stageText)
		if loc == nil {
			l.errs.Add(l.sm.Pos(from+st.Start), ast.CodeParse, "syntax error in foreach template: expected a command")
			continue
		}
		span := l.at(from+st.Start+loc[2], from+trimmedEnd(text, st))
		out = append(out, l.command(stageText[loc[2]:loc[3]], stageText[loc[3]:], from+st.Start+loc[3], span))
	}
	return out
}
