package spl

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/spl/internal/grammar"
)

// argError reports a misplaced or malformed argument of cmd at p (a position in
// the text parsed at l.base), the way syntaxError reports a grammar error.
func (l *lowerer) argError(p lexer.Position, cmd, msg string) {
	pos, macro := l.sm.Origin(l.base + p.Offset)
	if macro != "" {
		msg += fmt.Sprintf(" (in the expansion of macro `%s`)", macro)
	}
	l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in %s: %s", cmd, msg))
}

// parseArgs parses the argument list of an option-style command; ok is false
// after a reported syntax error.
func (l *lowerer) parseArgs(args, cmd string) ([]*grammar.Arg, bool) {
	g, err := grammar.ArgsParser.ParseString("", args)
	if err != nil {
		var perr participle.Error
		if errors.As(err, &perr) && !strings.Contains(perr.Message(), "(expected") {
			// Any token can start an argument here, so participle has nothing
			// to say it expected: say it for the command.
			l.argError(perr.Position(), cmd, perr.Message()+" (expected name=value options, field names and quoted strings)")
			return nil, false
		}
		l.syntaxError(err, cmd)
		return nil, false
	}
	for _, a := range g.Items {
		// Only regex compares with !=; anywhere else it is a typo for =.
		if a.Option != nil && a.Option.Op == "!=" && cmd != "regex" {
			l.argError(a.Pos, cmd, fmt.Sprintf("unexpected %q (expected %s=...)", argText(a), a.Option.Name))
			return nil, false
		}
	}
	return g.Items, true
}

// argText is how an argument reads, for messages.
func argText(a *grammar.Arg) string {
	switch {
	case a.Option != nil:
		return a.Option.Name + a.Option.Op + nameText(a.Option.Value)
	case a.As != nil:
		return "AS"
	case a.By:
		return "BY"
	case a.In:
		return "IN"
	case a.Call != nil:
		return a.Call.Fn + "(" + nameText(a.Call.Field) + ")"
	case a.Value != nil:
		return nameText(a.Value)
	}
	return ","
}

// parseBool reads a Splunk boolean argument (true/false, t/f, 1/0, yes/no).
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "t", "1", "yes", "y":
		return true, true
	case "false", "f", "0", "no", "n":
		return false, true
	}
	return false, false
}

// optBool and optInt read an option's value, reporting a bad one.
func (l *lowerer) optBool(o *grammar.Option, cmd string) (bool, bool) {
	b, ok := parseBool(nameText(o.Value))
	if !ok {
		l.argError(o.Value.Pos, cmd, fmt.Sprintf("%s=%s: expected true or false", o.Name, nameText(o.Value)))
	}
	return b, ok
}

func (l *lowerer) optInt(o *grammar.Option, cmd string) (int, bool) {
	n, err := strconv.Atoi(nameText(o.Value))
	if err != nil || n < 0 {
		l.argError(o.Value.Pos, cmd, fmt.Sprintf("%s=%s: expected a non-negative integer", o.Name, nameText(o.Value)))
		return 0, false
	}
	return n, true
}

// badOption reports an option: unsupported when Splunk documents it for cmd
// (known), a syntax error otherwise.
func (l *lowerer) badOption(o *grammar.Option, cmd string, known map[string]bool) {
	name := strings.ToLower(o.Name)
	if known[name] {
		l.unsupported(l.pos(o.Pos), cmd+" "+name)
		return
	}
	l.argError(o.Pos, cmd, fmt.Sprintf("unknown option %s", o.Name))
}

func (l *lowerer) eventstats(args string, span ast.Span) ast.Command {
	g, err := grammar.StreamStatsParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "eventstats")
		return &ast.EventStatsCmd{Span: span}
	}
	for _, o := range g.Options {
		// allnum=false is the default (Search Reference, eventstats); allnum=true
		// changes numeric statistics, which concord does not do.
		if strings.EqualFold(o.Name, "allnum") {
			if b, ok := parseBool(nameText(o.Value)); ok && !b {
				continue
			}
		}
		l.badOption(o, "eventstats", map[string]bool{"allnum": true})
		return &ast.UnsupportedCmd{Span: span, Name: "eventstats"}
	}
	aggs, ok := l.aggs(g.Aggs, "eventstats")
	if !ok {
		return &ast.UnsupportedCmd{Span: span, Name: "eventstats"}
	}
	return &ast.EventStatsCmd{Span: span, Aggs: aggs, By: names(g.By)}
}

func (l *lowerer) streamstats(args string, span ast.Span) ast.Command {
	g, err := grammar.StreamStatsParser.ParseString("", args)
	if err != nil {
		l.syntaxError(err, "streamstats")
		return &ast.StreamStatsCmd{Span: span}
	}
	cmd := &ast.StreamStatsCmd{Span: span, Current: true, Global: true}
	for _, o := range g.Options {
		ok := true
		switch strings.ToLower(o.Name) {
		case "current":
			cmd.Current, ok = l.optBool(o, "streamstats")
		case "window":
			cmd.Window, ok = l.optInt(o, "streamstats")
		case "global":
			cmd.Global, ok = l.optBool(o, "streamstats")
		case "reset_on_change":
			cmd.ResetOnChange, ok = l.optBool(o, "streamstats")
		case "allnum":
			if b, isBool := parseBool(nameText(o.Value)); isBool && !b {
				continue // the default
			}
			l.badOption(o, "streamstats", map[string]bool{"allnum": true})
			return &ast.UnsupportedCmd{Span: span, Name: "streamstats"}
		default:
			// Documented options concord does not run (Search Reference, streamstats).
			l.badOption(o, "streamstats", map[string]bool{"allnum": true, "reset_before": true,
				"reset_after": true, "time_window": true})
			return &ast.UnsupportedCmd{Span: span, Name: "streamstats"}
		}
		if !ok {
			return cmd
		}
	}
	aggs, ok := l.aggs(g.Aggs, "streamstats")
	if !ok {
		return &ast.UnsupportedCmd{Span: span, Name: "streamstats"}
	}
	cmd.Aggs, cmd.By = aggs, names(g.By)
	return cmd
}

func names(ns []*grammar.Name) []string {
	var out []string
	for _, n := range ns {
		out = append(out, nameText(n))
	}
	return out
}

// timeUnits are bin's span units in seconds (Search Reference, bin: span
// <timescale>). Months, quarters and years are calendar bins, not fixed widths.
var timeUnits = map[string]float64{
	"us": 1e-6, "ms": 1e-3, "cs": 1e-2, "ds": 1e-1,
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": 86400, "day": 86400, "days": 86400,
}

var calendarUnits = map[string]bool{
	"w": true, "week": true, "weeks": true, "mon": true, "month": true, "months": true,
	"q": true, "qtr": true, "qtrs": true, "quarter": true, "quarters": true,
	"y": true, "yr": true, "yrs": true, "year": true, "years": true,
}

var spanRE = regexp.MustCompile(`^(\d+(?:\.\d+)?|\.\d+)([A-Za-z]*)$`)

func (l *lowerer) bin(name, args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, name)
	if !ok {
		return &ast.BinCmd{Span: span}
	}
	cmd := &ast.BinCmd{Span: span}
	var spanOpt *grammar.Option
	for _, a := range items {
		switch {
		case a.Option != nil && strings.EqualFold(a.Option.Name, "span"):
			spanOpt = a.Option
		case a.Option != nil:
			// Documented bin options concord does not run (Search Reference, bin).
			l.badOption(a.Option, name, map[string]bool{"bins": true, "minspan": true, "start": true,
				"end": true, "aligntime": true})
			return &ast.UnsupportedCmd{Span: span, Name: name}
		case a.Value != nil && cmd.Field == "":
			cmd.Field = nameText(a.Value)
		case a.As != nil && cmd.Field != "" && cmd.As == "":
			cmd.As = nameText(a.As)
		default:
			l.argError(a.Pos, name, fmt.Sprintf("unexpected %q (expected span=<span>, one field and an optional AS <name>)", argText(a)))
			return cmd
		}
	}
	if cmd.Field == "" {
		l.argError(lexer.Position{Offset: len(args)}, name, "expected a field to put into bins")
		return cmd
	}
	if spanOpt == nil {
		// Without span= Splunk picks the bin size from the data's range (bins=100).
		l.unsupported(span.From, name+" without span=")
		return &ast.UnsupportedCmd{Span: span, Name: name}
	}
	cmd.SpanText = nameText(spanOpt.Value)
	size, isTime, bad := parseSpan(cmd.SpanText)
	switch bad {
	case "":
		cmd.Size, cmd.Time = size, isTime
	case spanLog, spanCalendar:
		l.unsupported(l.pos(spanOpt.Pos), name+" span="+cmd.SpanText+" ("+bad+")")
		return &ast.UnsupportedCmd{Span: span, Name: name}
	default:
		l.argError(spanOpt.Value.Pos, name, "span="+cmd.SpanText+": "+bad)
		return cmd
	}
	if cmd.Size <= 0 {
		l.argError(spanOpt.Value.Pos, name, "span must be greater than 0")
	}
	return cmd
}

const (
	spanLog      = "logarithmic span"
	spanCalendar = "calendar unit"
)

// parseSpan reads a bin span: a number with an optional time unit (5m, 1h,
// 30). A time span is in seconds. bad says what is wrong, or is spanLog or
// spanCalendar for the forms concord does not run.
func parseSpan(text string) (size float64, isTime bool, bad string) {
	m := spanRE.FindStringSubmatch(text)
	if m == nil {
		if strings.Contains(strings.ToLower(text), "log") {
			return 0, false, spanLog
		}
		return 0, false, "expected a number with an optional time unit, such as 5m"
	}
	size, _ = strconv.ParseFloat(m[1], 64)
	unit := strings.ToLower(m[2])
	switch {
	case unit == "":
	case timeUnits[unit] != 0:
		size, isTime = size*timeUnits[unit], true
	case calendarUnits[unit]:
		return 0, false, spanCalendar
	default:
		return 0, false, fmt.Sprintf("unknown time unit %q", m[2])
	}
	return size, isTime, ""
}

// spathStep is one location step: a key, optionally followed by {} (every
// element of an array). {N} and XML's {@attr} are not supported.
var spathStep = regexp.MustCompile(`^[^{}]*(\{\})?$`)

func (l *lowerer) spath(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "spath")
	if !ok {
		return &ast.SpathCmd{Span: span, Input: "_raw"}
	}
	cmd := &ast.SpathCmd{Span: span, Input: "_raw"}
	var pathPos lexer.Position
	for _, a := range items {
		switch {
		case a.Option != nil && a.Option.Op == "=":
			v := nameText(a.Option.Value)
			switch strings.ToLower(a.Option.Name) {
			case "input":
				cmd.Input = v
			case "output":
				cmd.Output = v
			case "path":
				if cmd.Path != "" {
					l.argError(a.Pos, "spath", "more than one path")
					return cmd
				}
				cmd.Path, pathPos = v, a.Option.Value.Pos
			default:
				l.argError(a.Pos, "spath", fmt.Sprintf("unknown option %s (expected input=, output= or path=)", a.Option.Name))
				return cmd
			}
		case a.Value != nil && cmd.Path == "":
			// The first unlabeled argument is the path (Search Reference, spath).
			cmd.Path, pathPos = nameText(a.Value), a.Value.Pos
		default:
			l.argError(a.Pos, "spath", fmt.Sprintf("unexpected %q (expected input=, output= and a path)", argText(a)))
			return cmd
		}
	}
	for _, step := range strings.Split(cmd.Path, ".") {
		if cmd.Path != "" && !spathStep.MatchString(step) {
			l.unsupported(l.pos(pathPos), "spath path "+cmd.Path+" (only {} array steps are supported)")
			return &ast.UnsupportedCmd{Span: span, Name: "spath"}
		}
	}
	if cmd.Path == "" && cmd.Output != "" {
		// Splunk ignores output= in auto-extract mode; concord would rather say so.
		l.unsupported(span.From, "spath output= without a path")
		return &ast.UnsupportedCmd{Span: span, Name: "spath"}
	}
	return cmd
}

func (l *lowerer) mvexpand(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "mvexpand")
	cmd := &ast.MvexpandCmd{Span: span}
	if !ok {
		return cmd
	}
	for _, a := range items {
		switch {
		case a.Option != nil && strings.EqualFold(a.Option.Name, "limit"):
			if cmd.Limit, ok = l.optInt(a.Option, "mvexpand"); !ok {
				return cmd
			}
		case a.Value != nil && cmd.Field == "":
			cmd.Field = nameText(a.Value)
		default:
			l.argError(a.Pos, "mvexpand", fmt.Sprintf("unexpected %q (expected one field and an optional limit=<int>)", argText(a)))
			return cmd
		}
	}
	if cmd.Field == "" {
		l.argError(lexer.Position{Offset: len(args)}, "mvexpand", "expected a field to expand")
	}
	return cmd
}

func (l *lowerer) makemv(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "makemv")
	cmd := &ast.MakemvCmd{Span: span, Delim: " "}
	if !ok {
		return cmd
	}
	for _, a := range items {
		switch {
		case a.Option != nil:
			o := a.Option
			switch strings.ToLower(o.Name) {
			case "delim":
				cmd.Delim = nameText(o.Value)
				if cmd.Delim == "" {
					l.argError(o.Value.Pos, "makemv", "delim= must not be empty")
					return cmd
				}
			case "tokenizer":
				re, reason := translatePCRE(nameText(o.Value))
				if reason != "" {
					l.unsupported(l.pos(o.Pos), "makemv tokenizer "+strconv.Quote(nameText(o.Value))+": "+reason)
					return &ast.UnsupportedCmd{Span: span, Name: "makemv"}
				}
				cmd.Tokenizer = re
			case "allowempty":
				cmd.AllowEmpty, ok = l.optBool(o, "makemv")
			case "setsv":
				if cmd.SetSV, ok = l.optBool(o, "makemv"); ok && cmd.SetSV {
					l.unsupported(l.pos(o.Pos), "makemv setsv")
					return &ast.UnsupportedCmd{Span: span, Name: "makemv"}
				}
			default:
				l.argError(a.Pos, "makemv", fmt.Sprintf("unknown option %s (expected delim=, tokenizer=, allowempty= or setsv=)", o.Name))
				return cmd
			}
			if !ok {
				return cmd
			}
		case a.Value != nil && cmd.Field == "":
			cmd.Field = nameText(a.Value)
		default:
			l.argError(a.Pos, "makemv", fmt.Sprintf("unexpected %q (expected options and one field)", argText(a)))
			return cmd
		}
	}
	if cmd.Field == "" {
		l.argError(lexer.Position{Offset: len(args)}, "makemv", "expected a field")
	}
	return cmd
}

func (l *lowerer) fillnull(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "fillnull")
	cmd := &ast.FillnullCmd{Span: span, Value: "0"}
	if !ok {
		return cmd
	}
	for _, a := range items {
		switch {
		case a.Option != nil && strings.EqualFold(a.Option.Name, "value") && a.Option.Op == "=":
			cmd.Value = nameText(a.Option.Value)
		case a.Value != nil:
			cmd.Fields = append(cmd.Fields, nameText(a.Value))
		case a.Comma:
		default:
			l.argError(a.Pos, "fillnull", fmt.Sprintf("unexpected %q (expected value=<string> and field names)", argText(a)))
			return cmd
		}
	}
	return cmd
}

// sortKey reads one sort key starting at items[i]: `-f`, `- f`, `+f`, `f`,
// `num(f)`, `-num(f)`, `- num(f)`; it returns the key and the next index.
func (l *lowerer) sortKey(items []*grammar.Arg, i int, cmd string) (ast.SortKey, int, bool) {
	a := items[i]
	key := ast.SortKey{Span: l.span(a.Pos, a.EndPos), As: "auto"}
	sign := ""
	if a.Value != nil && a.Value.Quoted == "" && (a.Value.Word == "-" || a.Value.Word == "+") {
		sign = a.Value.Word
		i++
		if i == len(items) {
			l.argError(lexer.Position{Offset: a.EndPos.Offset}, cmd, "expected a field after "+sign)
			return key, i, false
		}
		a = items[i]
		key.To = l.pos(a.EndPos)
	}
	switch {
	case a.Call != nil:
		fn := a.Call.Fn
		if sign == "" && (strings.HasPrefix(fn, "-") || strings.HasPrefix(fn, "+")) {
			sign, fn = fn[:1], fn[1:]
		}
		switch strings.ToLower(fn) {
		case "auto", "str", "num", "ip":
			key.As = strings.ToLower(fn)
		default:
			l.argError(a.Pos, cmd, fmt.Sprintf("unknown sort type %s() (expected auto, str, num or ip)", fn))
			return key, i + 1, false
		}
		key.Field = nameText(a.Call.Field)
	case a.Value != nil:
		f := nameText(a.Value)
		if sign == "" && a.Value.Quoted == "" && len(f) > 1 && (f[0] == '-' || f[0] == '+') {
			sign, f = f[:1], f[1:]
		}
		key.Field = f
	default:
		l.argError(a.Pos, cmd, fmt.Sprintf("unexpected %q (expected a sort field)", argText(a)))
		return key, i + 1, false
	}
	key.Desc = sign == "-"
	return key, i + 1, true
}

// sortLimitDefault is sort's limit when no count is given (Search Reference, sort).
const sortLimitDefault = 10000

func (l *lowerer) sortCmd(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "sort")
	cmd := &ast.SortCmd{Span: span, Limit: sortLimitDefault}
	if !ok {
		return cmd
	}
	i := 0
	if i < len(items) && items[i].Value != nil && items[i].Value.Quoted == "" {
		if n, err := strconv.Atoi(items[i].Value.Word); err == nil && n >= 0 {
			cmd.Limit = n
			i++
		}
	}
	for i < len(items) {
		a := items[i]
		switch {
		case a.Comma:
			i++
			continue
		case a.Option != nil && strings.EqualFold(a.Option.Name, "limit"):
			if cmd.Limit, ok = l.optInt(a.Option, "sort"); !ok {
				return cmd
			}
			i++
			continue
		case i == len(items)-1 && len(cmd.Keys) > 0 && a.Value != nil && a.Value.Quoted == "" &&
			(strings.EqualFold(a.Value.Word, "d") || strings.EqualFold(a.Value.Word, "desc")):
			// A trailing d or desc reverses the result (Search Reference, sort).
			cmd.Reverse = true
			i++
			continue
		}
		key, next, ok := l.sortKey(items, i, "sort")
		if !ok {
			return cmd
		}
		cmd.Keys = append(cmd.Keys, key)
		i = next
	}
	if len(cmd.Keys) == 0 {
		l.argError(lexer.Position{Offset: len(args)}, "sort", "expected a field to sort by")
	}
	return cmd
}

func (l *lowerer) dedup(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "dedup")
	cmd := &ast.DedupCmd{Span: span, Count: 1}
	if !ok {
		return cmd
	}
	i := 0
	if len(items) > 1 && items[0].Value != nil && items[0].Value.Quoted == "" {
		if n, err := strconv.Atoi(items[0].Value.Word); err == nil {
			if n < 1 {
				l.argError(items[0].Pos, "dedup", "the count must be at least 1")
				return cmd
			}
			cmd.Count = n
			i++
		}
	}
	for i < len(items) {
		a := items[i]
		switch {
		case a.Comma:
		case a.Option != nil:
			o := a.Option
			switch strings.ToLower(o.Name) {
			case "keepempty":
				cmd.KeepEmpty, ok = l.optBool(o, "dedup")
			case "consecutive":
				cmd.Consecutive, ok = l.optBool(o, "dedup")
			case "keepevents":
				cmd.KeepEvents, ok = l.optBool(o, "dedup")
			default:
				l.argError(a.Pos, "dedup", fmt.Sprintf("unknown option %s (expected keepempty=, consecutive= or keepevents=)", o.Name))
				return cmd
			}
			if !ok {
				return cmd
			}
		case a.Value != nil && a.Value.Quoted == "" && strings.EqualFold(a.Value.Word, "sortby"):
			i++
			for i < len(items) {
				if items[i].Comma {
					i++
					continue
				}
				key, next, ok := l.sortKey(items, i, "dedup")
				if !ok {
					return cmd
				}
				cmd.SortBy = append(cmd.SortBy, key)
				i = next
			}
			if len(cmd.SortBy) == 0 {
				l.argError(lexer.Position{Offset: len(args)}, "dedup", "expected a field after sortby")
				return cmd
			}
			continue
		case a.Value != nil:
			cmd.Fields = append(cmd.Fields, nameText(a.Value))
		default:
			l.argError(a.Pos, "dedup", fmt.Sprintf("unexpected %q (expected field names, options and sortby)", argText(a)))
			return cmd
		}
		i++
	}
	if len(cmd.Fields) == 0 {
		l.argError(lexer.Position{Offset: len(args)}, "dedup", "expected a field to deduplicate on")
	}
	return cmd
}

func (l *lowerer) head(name, args string, span ast.Span) ast.Command {
	cmd := &ast.HeadCmd{Span: span, Count: 10, Tail: strings.EqualFold(name, "tail")}
	if strings.HasPrefix(strings.TrimSpace(args), "(") {
		l.unsupported(span.From, name+" <eval-expression>")
		return &ast.UnsupportedCmd{Span: span, Name: name}
	}
	items, ok := l.parseArgs(args, name)
	if !ok {
		return cmd
	}
	seen := false
	for _, a := range items {
		switch {
		case !seen && a.Value != nil && a.Value.Quoted == "":
			n, err := strconv.Atoi(a.Value.Word)
			if err != nil || n < 0 {
				l.argError(a.Pos, name, fmt.Sprintf("%q: expected a non-negative integer", a.Value.Word))
				return cmd
			}
			cmd.Count, seen = n, true
		case !seen && a.Option != nil && strings.EqualFold(a.Option.Name, "limit"):
			if cmd.Count, ok = l.optInt(a.Option, name); !ok {
				return cmd
			}
			seen = true
		case a.Option != nil && !cmd.Tail:
			// Documented head options concord does not run (Search Reference, head).
			l.badOption(a.Option, name, map[string]bool{"null": true, "keeplast": true})
			return &ast.UnsupportedCmd{Span: span, Name: name}
		default:
			l.argError(a.Pos, name, fmt.Sprintf("unexpected %q (expected a count)", argText(a)))
			return cmd
		}
	}
	return cmd
}

func (l *lowerer) rex(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "rex")
	cmd := &ast.RexCmd{Span: span, Field: "_raw", MaxMatch: 1}
	if !ok {
		return cmd
	}
	var expr *grammar.Name
	sed := false
	for _, a := range items {
		switch {
		case a.Option != nil && a.Option.Op == "=":
			o := a.Option
			switch strings.ToLower(o.Name) {
			case "field":
				cmd.Field = nameText(o.Value)
			case "max_match":
				if cmd.MaxMatch, ok = l.optInt(o, "rex"); !ok {
					return cmd
				}
			case "offset_field":
				cmd.OffsetField = nameText(o.Value)
			case "mode":
				if !strings.EqualFold(nameText(o.Value), "sed") {
					l.argError(o.Value.Pos, "rex", fmt.Sprintf("mode=%s: expected mode=sed", nameText(o.Value)))
					return cmd
				}
				sed = true
			default:
				l.argError(a.Pos, "rex", fmt.Sprintf("unknown option %s (expected field=, max_match=, offset_field= or mode=sed)", o.Name))
				return cmd
			}
		case a.Value != nil && a.Value.Quoted != "" && expr == nil:
			expr = a.Value
		default:
			l.argError(a.Pos, "rex", fmt.Sprintf("unexpected %q (expected options and one quoted regular expression)", argText(a)))
			return cmd
		}
	}
	if expr == nil {
		l.argError(lexer.Position{Offset: len(args)}, "rex", "expected a quoted regular expression")
		return cmd
	}
	text := nameText(expr)
	if sed {
		se, reason := parseSed(text)
		if reason != "" {
			l.unsupported(l.pos(expr.Pos), "rex sed expression "+strconv.Quote(text)+": "+reason)
			return &ast.UnsupportedCmd{Span: span, Name: "rex"}
		}
		cmd.Sed = se
		return cmd
	}
	re, reason := translatePCRE(text)
	if reason != "" {
		l.unsupported(l.pos(expr.Pos), "rex pattern "+strconv.Quote(text)+": "+reason)
		return &ast.UnsupportedCmd{Span: span, Name: "rex"}
	}
	cmd.Pattern = re
	return cmd
}

func (l *lowerer) regexCmd(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "regex")
	cmd := &ast.RegexCmd{Span: span, Field: "_raw"}
	if !ok {
		return cmd
	}
	var expr *grammar.Name
	if len(items) == 1 && items[0].Option != nil {
		o := items[0].Option
		cmd.Field, cmd.Negate, expr = o.Name, o.Op == "!=", o.Value
	} else if len(items) == 1 && items[0].Value != nil {
		expr = items[0].Value
	} else {
		p := lexer.Position{Offset: len(args)}
		if len(items) > 1 {
			p = items[1].Pos
		}
		l.argError(p, "regex", `expected one <field>="<regex>", <field>!="<regex>" or "<regex>"`)
		return cmd
	}
	re, reason := translatePCRE(nameText(expr))
	if reason != "" {
		l.unsupported(l.pos(expr.Pos), "regex pattern "+strconv.Quote(nameText(expr))+": "+reason)
		return &ast.UnsupportedCmd{Span: span, Name: "regex"}
	}
	cmd.Pattern = re
	return cmd
}

func (l *lowerer) replace(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "replace")
	cmd := &ast.ReplaceCmd{Span: span}
	if !ok {
		return cmd
	}
	isWith := func(a *grammar.Arg) bool {
		return a.Value != nil && a.Value.Quoted == "" && strings.EqualFold(a.Value.Word, "with")
	}
	i := 0
	for i < len(items) && !items[i].In {
		if items[i].Comma {
			i++
			continue
		}
		if i+2 >= len(items) || items[i].Value == nil || !isWith(items[i+1]) || items[i+2].Value == nil {
			l.argError(items[i].Pos, "replace", fmt.Sprintf("unexpected %q (expected <string> WITH <string>)", argText(items[i])))
			return cmd
		}
		from, to := nameText(items[i].Value), nameText(items[i+2].Value)
		if n := strings.Count(to, "*"); n != 0 && n != strings.Count(from, "*") {
			// "the result must have the same number of wildcards, or none at all"
			// (Search Reference, replace).
			l.argError(items[i+2].Pos, "replace", fmt.Sprintf("%s WITH %s: the replacement needs as many * as the value, or none", from, to))
			return cmd
		}
		cmd.Pairs = append(cmd.Pairs, ast.ReplacePair{Span: l.span(items[i].Pos, items[i+2].EndPos), From: from, To: to})
		i += 3
	}
	if len(cmd.Pairs) == 0 {
		l.argError(lexer.Position{Offset: len(args)}, "replace", "expected <string> WITH <string>")
		return cmd
	}
	if i == len(items) {
		// Without IN Splunk replaces in every field that no command generated,
		// which concord does not track.
		l.unsupported(span.From, "replace without IN <fields>")
		return &ast.UnsupportedCmd{Span: span, Name: "replace"}
	}
	for _, a := range items[i+1:] {
		switch {
		case a.Comma:
		case a.Value != nil:
			cmd.Fields = append(cmd.Fields, nameText(a.Value))
		default:
			l.argError(a.Pos, "replace", fmt.Sprintf("unexpected %q (expected field names after IN)", argText(a)))
			return cmd
		}
	}
	if len(cmd.Fields) == 0 {
		l.argError(lexer.Position{Offset: len(args)}, "replace", "expected field names after IN")
	}
	return cmd
}

func (l *lowerer) fromjson(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "fromjson")
	cmd := &ast.FromjsonCmd{Span: span}
	if !ok {
		return cmd
	}
	for _, a := range items {
		switch {
		case a.Option != nil && strings.EqualFold(a.Option.Name, "prefix") && a.Option.Op == "=":
			cmd.Prefix = nameText(a.Option.Value)
		case a.Value != nil && cmd.Field == "":
			cmd.Field = nameText(a.Value)
		default:
			l.argError(a.Pos, "fromjson", fmt.Sprintf("unexpected %q (expected a field and an optional prefix=<string>)", argText(a)))
			return cmd
		}
	}
	if cmd.Field == "" {
		l.argError(lexer.Position{Offset: len(args)}, "fromjson", "expected a field holding JSON")
	}
	return cmd
}

func (l *lowerer) addtotals(args string, span ast.Span) ast.Command {
	items, ok := l.parseArgs(args, "addtotals")
	cmd := &ast.AddtotalsCmd{Span: span, FieldName: "Total"}
	if !ok {
		return cmd
	}
	for _, a := range items {
		switch {
		case a.Option != nil && a.Option.Op == "=":
			o := a.Option
			switch strings.ToLower(o.Name) {
			case "fieldname":
				cmd.FieldName = nameText(o.Value)
			case "row", "col":
				// row=true and col=false are the defaults (Search Reference,
				// addtotals); a summary row (col=true) would be a row made of
				// every event, which concord does not build.
				b, isBool := parseBool(nameText(o.Value))
				if !isBool {
					l.argError(o.Value.Pos, "addtotals", fmt.Sprintf("%s=%s: expected true or false", o.Name, nameText(o.Value)))
					return cmd
				}
				if b != strings.EqualFold(o.Name, "row") {
					l.unsupported(l.pos(o.Pos), "addtotals "+strings.ToLower(o.Name)+"="+nameText(o.Value))
					return &ast.UnsupportedCmd{Span: span, Name: "addtotals"}
				}
			case "labelfield", "label":
				// Only used by the col=true summary row.
			default:
				l.argError(a.Pos, "addtotals", fmt.Sprintf("unknown option %s (expected fieldname=, row=, col=, labelfield= or label=)", o.Name))
				return cmd
			}
		case a.Value != nil:
			cmd.Fields = append(cmd.Fields, nameText(a.Value))
		case a.Comma:
		default:
			l.argError(a.Pos, "addtotals", fmt.Sprintf("unexpected %q (expected options and field names)", argText(a)))
			return cmd
		}
	}
	return cmd
}
