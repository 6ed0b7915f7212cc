package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl/internal/grammar"
)

// defaultTimeFormat is convert's timeformat when none is given (Splunk docs,
// convert command).
const defaultTimeFormat = "%m/%d/%Y %H:%M:%S"

// command lowers one stage `name args`; args starts at offset argStart of the
// expanded text and span covers the whole stage.
func (l *lowerer) command(name, args string, argStart int, span ast.Span) ast.Command {
	l.base = argStart
	switch strings.ToLower(name) {
	case "search":
		return &ast.SearchCmd{Span: span, Cond: l.parseSearchTerms(args, argStart)}
	case "where":
		g, err := grammar.ExprParser.ParseString("", args)
		if err != nil {
			l.syntaxError(err, "where")
			return &ast.WhereCmd{Span: span, Cond: trueLit(span)}
		}
		return &ast.WhereCmd{Span: span, Cond: l.expr(g.X)}
	case "eval":
		return l.eval(args, span)
	case "rename":
		return l.rename(args, span)
	case "stats":
		return l.stats(args, span)
	case "convert":
		return l.convert(args, span)
	case "eventstats":
		return l.eventstats(args, span)
	case "streamstats":
		return l.streamstats(args, span)
	case "bin", "bucket":
		return l.bin(strings.ToLower(name), args, span)
	case "spath":
		return l.spath(args, span)
	case "mvexpand":
		return l.mvexpand(args, span)
	case "makemv":
		return l.makemv(args, span)
	case "fillnull":
		return l.fillnull(args, span)
	case "sort":
		return l.sortCmd(args, span)
	case "dedup":
		return l.dedup(args, span)
	case "head", "tail":
		return l.head(strings.ToLower(name), args, span)
	case "rex":
		return l.rex(args, span)
	case "regex":
		return l.regexCmd(args, span)
	case "replace":
		return l.replace(args, span)
	case "fromjson":
		return l.fromjson(args, span)
	case "addtotals":
		return l.addtotals(args, span)
	case "table":
		names, ok := l.fieldList(args, "table")
		if !ok {
			return &ast.TableCmd{Span: span}
		}
		return &ast.TableCmd{Span: span, Fields: names}
	case "fields":
		names, ok := l.fieldList(args, "fields")
		cmd := &ast.FieldsCmd{Span: span}
		if ok && len(names) > 0 && (names[0] == "-" || names[0] == "+") {
			cmd.Remove = names[0] == "-"
			names = names[1:]
		}
		cmd.Fields = names
		return cmd
	case "tstats":
		return l.tstats(args, argStart, span)
	case "join":
		return l.join(args, argStart, span)
	case "append":
		return l.appendCmd(args, argStart, span)
	case "lookup":
		return l.lookup(args, argStart, span)
	case "inputlookup":
		return l.inputlookup(args, argStart, span)
	case "outputlookup":
		return l.outputlookup(args, argStart, span)
	case "iplocation":
		return l.iplocation(args, argStart, span)
	case "xmlkv":
		return l.xmlkv(args, argStart, span)
	case "foreach":
		return l.foreach(args, argStart, span)
	case "anomalydetection":
		return l.anomalydetection(args, argStart, span)
	}
	l.unsupported(span.From, name)
	return &ast.UnsupportedCmd{Span: span, Name: name}
}

func (l *lowerer) eval(args string, span ast.Span) ast.Command {
	g, err := grammar.EvalParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "eval")
		return &ast.EvalCmd{Span: span}
	}
	cmd := &ast.EvalCmd{Span: span}
	for _, a := range g.Assigns {
		field := a.Field
		if field[0] == '\'' || field[0] == '"' {
			field = unquote(field)
		}
		cmd.Assigns = append(cmd.Assigns, ast.Assign{Span: l.span(a.Pos, a.EndPos), Field: field, X: l.expr(a.X)})
	}
	return cmd
}

func (l *lowerer) rename(args string, span ast.Span) ast.Command {
	g, err := grammar.RenameParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "rename")
		return &ast.RenameCmd{Span: span}
	}
	cmd := &ast.RenameCmd{Span: span}
	for _, p := range g.Pairs {
		from, to := nameText(p.From), nameText(p.To)
		// "Both the original and renamed fields must include the same number of
		// wildcards, otherwise a wildcard mismatch error is returned" (Search
		// Reference, rename).
		if strings.Count(from, "*") != strings.Count(to, "*") {
			l.argError(p.To.Pos, "rename", fmt.Sprintf("wildcard mismatch: %s AS %s (both sides need the same number of *)", from, to))
			continue
		}
		cmd.Pairs = append(cmd.Pairs, ast.RenamePair{Span: l.span(p.Pos, p.EndPos), From: from, To: to})
	}
	return cmd
}

func (l *lowerer) stats(args string, span ast.Span) ast.Command {
	g, err := grammar.StatsParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "stats")
		return &ast.StatsCmd{Span: span}
	}
	aggs, ok := l.aggs(g.Aggs, "stats")
	if !ok {
		return &ast.UnsupportedCmd{Span: span, Name: "stats"}
	}
	return &ast.StatsCmd{Span: span, Aggs: aggs, By: names(g.By)}
}

// aggs lowers the aggregations of stats, eventstats and streamstats; ok is
// false when one of them is reported unsupported.
func (l *lowerer) aggs(gs []*grammar.Agg, cmd string) ([]ast.Agg, bool) {
	var out []ast.Agg
	for _, a := range gs {
		aspan := l.span(a.Pos, a.EndPos)
		fn := strings.ToLower(a.Fn)
		if !eval.IsAggregate(fn) {
			l.unsupported(aspan.From, cmd+" function "+a.Fn)
			return nil, false
		}
		agg := ast.Agg{Span: aspan, Fn: fn}
		if a.Arg != nil {
			if a.Arg.Nested != nil {
				x, ok := l.aggEval(a.Arg)
				if !ok {
					l.unsupported(aspan.From, fmt.Sprintf("%s %s(%s(...))", cmd, a.Fn, nameText(a.Arg.Name)))
					return nil, false
				}
				agg.X = x
			} else {
				agg.Arg = nameText(a.Arg.Name)
			}
		} else if fn != "count" {
			l.errs.Add(aspan.From, ast.CodeParse, fmt.Sprintf("%s %s needs a field: %s(field)", cmd, a.Fn, a.Fn))
		}
		// Splunk names the output after the call as written: count, min(_time).
		agg.As = fn
		if a.Call {
			agg.As = a.Fn + "(" + agg.Arg + ")"
		}
		if agg.X != nil {
			// Splunk names it by the call as written: count(eval(x>1)).
			start := l.base + a.Pos.Offset
			if open := strings.IndexByte(l.text[start:], '('); open >= 0 {
				if end := closingParen(l.text, start+open+1); end >= 0 {
					agg.As = l.text[start : end+1]
				}
			}
		}
		if a.As != nil {
			agg.As = nameText(a.As)
		}
		out = append(out, agg)
	}
	return out, true
}

func (l *lowerer) convert(args string, span ast.Span) ast.Command {
	g, err := grammar.ConvertParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "convert")
		return &ast.ConvertCmd{Span: span, TimeFormat: defaultTimeFormat}
	}
	cmd := &ast.ConvertCmd{Span: span, TimeFormat: defaultTimeFormat}
	for _, o := range g.Options {
		if !strings.EqualFold(o.Name, "timeformat") {
			l.unsupported(l.pos(o.Pos), "convert option "+o.Name)
			return &ast.UnsupportedCmd{Span: span, Name: "convert"}
		}
		cmd.TimeFormat = nameText(o.Value)
	}
	for _, c := range g.Conversions {
		fn := strings.ToLower(c.Fn)
		if fn != "ctime" {
			l.unsupported(l.pos(c.Pos), "convert function "+c.Fn)
			return &ast.UnsupportedCmd{Span: span, Name: "convert"}
		}
		conv := ast.Conversion{Span: l.span(c.Pos, c.EndPos), Fn: fn, Field: nameText(c.Field)}
		if c.As != nil {
			conv.As = nameText(c.As)
		}
		cmd.Conversions = append(cmd.Conversions, conv)
	}
	return cmd
}

func (l *lowerer) fieldList(args, what string) ([]string, bool) {
	g, err := grammar.FieldListParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, what)
		return nil, false
	}
	names := make([]string, 0, len(g.Names))
	for _, n := range g.Names {
		names = append(names, nameText(n))
	}
	return names, true
}

func nameText(n *grammar.Name) string {
	if n.Quoted != "" {
		return unquote(n.Quoted)
	}
	return n.Word + n.Call
}

// aggEval lowers the argument `eval(expr)` of an aggregation, which Splunk
// evaluates per event before aggregating ("Use the stats command and
// functions": count(eval(...)) counts the events where it is true). ok is
// false for any other nested call.
func (l *lowerer) aggEval(a *grammar.AggArg) (ast.Expr, bool) {
	if !strings.EqualFold(nameText(a.Name), "eval") {
		return nil, false
	}
	start := l.base + a.Pos.Offset + len("eval")
	open := strings.IndexByte(l.text[start:], '(')
	if open < 0 {
		return nil, false
	}
	from := start + open + 1
	to := closingParen(l.text, from)
	if to < 0 {
		return nil, false
	}
	saved := l.base
	defer func() { l.base = saved }()
	l.base = from
	g, err := grammar.ExprParser.ParseString("", l.text[from:to])
	if err != nil {
		l.syntaxError(err, "eval expression")
		return &ast.Lit{Span: l.at(from, to), Val: ast.Null}, true
	}
	return l.expr(g.X), true
}

// closingParen is the index of the parenthesis that closes the one before
// from, skipping quoted strings, or -1.
func closingParen(s string, from int) int {
	depth, quoted := 1, byte(0)
	for i := from; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted != 0 && c == '\\':
			i++
		case quoted != 0:
			if c == quoted {
				quoted = 0
			}
		case c == '"' || c == '\'':
			quoted = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
