package spl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
)

// table resolves a lookup name for a command; a missing or unreadable table
// makes the command unsupported (its data is not in the tree), and a KV store
// collection is used empty with a warning.
func (l *lowerer) table(name string, pos ast.Pos, cmd string) *ast.LookupTable {
	t, err := l.lookups.Table(name)
	if err != nil {
		l.unsupported(pos, fmt.Sprintf("%s: %v", cmd, err))
		return nil
	}
	if t.Collection != "" {
		l.errs.Add(pos, ast.CodeWarning, fmt.Sprintf("%s %s reads KV store collection %s, which concord starts empty as a fresh Splunk does", cmd, name, t.Collection))
	}
	return t
}

// lookup lowers `lookup [local=b] [update=b] NAME (field [AS f])... [OUTPUT|OUTPUTNEW (field [AS f])...]`
// (Splunk Search Reference, lookup).
func (l *lowerer) lookup(args string, argStart int, span ast.Span) ast.Command {
	words := topWords(args)
	i := 0
	for i < len(words) && strings.Contains(words[i].text, "=") {
		name, _, _ := strings.Cut(words[i].text, "=")
		if n := strings.ToLower(name); n != "local" && n != "update" {
			l.unsupported(l.sm.Pos(argStart+words[i].start), "lookup option "+name)
			return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
		}
		i++
	}
	if i >= len(words) {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in lookup: expected a lookup table name")
		return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
	}
	name := unquoteWord(words[i].text)
	cmd := &ast.LookupCmd{Span: span}
	fields, out := &cmd.Match, false
	for i++; i < len(words); i++ {
		w := words[i]
		switch up := strings.ToUpper(w.text); {
		case up == "OUTPUT" || up == "OUTPUTNEW":
			if out {
				l.errs.Add(l.sm.Pos(argStart+w.start), ast.CodeParse, "syntax error in lookup: a second "+up)
				return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
			}
			out, cmd.OutputNew, fields = true, up == "OUTPUTNEW", &cmd.Output
		case up == "AS":
			if len(*fields) == 0 || i+1 >= len(words) {
				l.errs.Add(l.sm.Pos(argStart+w.start), ast.CodeParse, "syntax error in lookup: AS needs a field on each side")
				return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
			}
			i++
			last := &(*fields)[len(*fields)-1]
			last.Event = unquoteWord(words[i].text)
			last.Span.To = l.sm.Pos(argStart + words[i].end)
		default:
			f := unquoteWord(w.text)
			*fields = append(*fields, ast.LookupField{Span: l.at(argStart+w.start, argStart+w.end), Table: f, Event: f})
		}
	}
	if len(cmd.Match) == 0 {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in lookup: expected at least one field to match on")
		return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
	}
	if out && len(cmd.Output) == 0 {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in lookup: expected fields after OUTPUT")
		return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
	}
	if cmd.Table = l.table(name, span.From, "lookup"); cmd.Table == nil {
		return &ast.UnsupportedCmd{Span: span, Name: "lookup"}
	}
	for _, f := range append(append([]ast.LookupField(nil), cmd.Match...), cmd.Output...) {
		if !slices.Contains(cmd.Table.Fields, f.Table) {
			l.errs.Add(f.From, ast.CodeParse, fmt.Sprintf("lookup %s has no field %q (it has %s)", name, f.Table, strings.Join(cmd.Table.Fields, ", ")))
		}
	}
	return cmd
}

// inputlookup lowers `inputlookup [append=b] NAME [append=b] [WHERE terms]`;
// security_content writes the option after the name too.
func (l *lowerer) inputlookup(args string, argStart int, span ast.Span) ast.Command {
	words := topWords(args)
	cmd := &ast.InputlookupCmd{Span: span}
	name := ""
	for i, w := range words {
		if strings.EqualFold(w.text, "where") {
			if name == "" || i+1 >= len(words) {
				l.errs.Add(l.sm.Pos(argStart+w.start), ast.CodeParse, "syntax error in inputlookup: expected a table name before WHERE and search terms after it")
				return &ast.UnsupportedCmd{Span: span, Name: "inputlookup"}
			}
			s := words[i+1].start
			cmd.Where = l.parseSearchTerms(args[s:], argStart+s)
			break
		}
		if opt, value, ok := strings.Cut(w.text, "="); ok {
			b, isBool := parseBool(unquoteWord(value))
			if !strings.EqualFold(opt, "append") || !isBool {
				l.unsupported(l.sm.Pos(argStart+w.start), "inputlookup option "+w.text)
				return &ast.UnsupportedCmd{Span: span, Name: "inputlookup"}
			}
			cmd.Append = b
			continue
		}
		if name != "" {
			l.errs.Add(l.sm.Pos(argStart+w.start), ast.CodeParse, fmt.Sprintf("syntax error in inputlookup: a second table name %q (expected WHERE)", w.text))
			return &ast.UnsupportedCmd{Span: span, Name: "inputlookup"}
		}
		name = unquoteWord(w.text)
	}
	if name == "" {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in inputlookup: expected a lookup table name")
		return &ast.UnsupportedCmd{Span: span, Name: "inputlookup"}
	}
	if cmd.Table = l.table(name, span.From, "inputlookup"); cmd.Table == nil {
		return &ast.UnsupportedCmd{Span: span, Name: "inputlookup"}
	}
	return cmd
}

// outputlookup lowers `outputlookup [name=value]... NAME`.
func (l *lowerer) outputlookup(args string, argStart int, span ast.Span) ast.Command {
	words := topWords(args)
	if len(words) == 0 || strings.Contains(words[len(words)-1].text, "=") {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in outputlookup: expected a lookup table name")
		return &ast.UnsupportedCmd{Span: span, Name: "outputlookup"}
	}
	name := unquoteWord(words[len(words)-1].text)
	l.errs.Add(span.From, ast.CodeWarning, fmt.Sprintf("outputlookup %s is not written: concord passes the rows on and leaves the lookup as it is", name))
	return &ast.OutputlookupCmd{Span: span, Name: name}
}

// iplocation lowers `iplocation [prefix=P] [allfields=bool] [lang=L] field`
// (Search Reference, iplocation).
func (l *lowerer) iplocation(args string, argStart int, span ast.Span) ast.Command {
	cmd := &ast.IplocationCmd{Span: span, Lang: "en"}
	for _, w := range topWords(args) {
		pos := l.sm.Pos(argStart + w.start)
		name, value, isOpt := strings.Cut(w.text, "=")
		if !isOpt {
			if cmd.Field != "" {
				l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in iplocation: a second field %q (expected one IP address field)", w.text))
				return &ast.UnsupportedCmd{Span: span, Name: "iplocation"}
			}
			cmd.Field = unquoteWord(w.text)
			continue
		}
		value = unquoteWord(value)
		switch strings.ToLower(name) {
		case "prefix":
			cmd.Prefix = value
		case "lang":
			cmd.Lang = value
		case "allfields":
			b, ok := parseBool(value)
			if !ok {
				l.errs.Add(pos, ast.CodeParse, "syntax error in iplocation: allfields must be true or false, got "+value)
			}
			cmd.AllFields = b
		default:
			l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in iplocation: unknown option %s (expected prefix=, allfields= or lang=)", name))
			return &ast.UnsupportedCmd{Span: span, Name: "iplocation"}
		}
	}
	if cmd.Field == "" {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in iplocation: expected an IP address field")
		return &ast.UnsupportedCmd{Span: span, Name: "iplocation"}
	}
	return cmd
}

// xmlkv lowers `xmlkv [field] [maxinputs=N]` (Search Reference, xmlkv;
// maxinputs limits how many results are processed at once and does not change
// them).
func (l *lowerer) xmlkv(args string, argStart int, span ast.Span) ast.Command {
	cmd := &ast.XmlkvCmd{Span: span, Field: "_raw"}
	seen := false
	for _, w := range topWords(args) {
		pos := l.sm.Pos(argStart + w.start)
		if name, _, isOpt := strings.Cut(w.text, "="); isOpt {
			if !strings.EqualFold(name, "maxinputs") {
				l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in xmlkv: unknown option %s (expected maxinputs=)", name))
				return &ast.UnsupportedCmd{Span: span, Name: "xmlkv"}
			}
			continue
		}
		if seen {
			l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in xmlkv: a second field %q", w.text))
			return &ast.UnsupportedCmd{Span: span, Name: "xmlkv"}
		}
		cmd.Field, seen = unquoteWord(w.text), true
	}
	return cmd
}
