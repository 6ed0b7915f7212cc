package spl

import (
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// subsearch lowers the bracketed word w (offsets relative to argStart).
func (l *lowerer) subsearch(w word, argStart int) *ast.Subsearch {
	from, to := argStart+w.start+1, argStart+w.end-1
	sub := &ast.Subsearch{Span: l.at(argStart+w.start, argStart+w.end)}
	sub.Match, sub.Pipeline = l.search(from, to)
	return sub
}

// splitSubsearch separates a command's last word when it is `[...]`.
func splitSubsearch(words []word) ([]word, *word) {
	if n := len(words); n > 0 && strings.HasPrefix(words[n-1].text, "[") && strings.HasSuffix(words[n-1].text, "]") {
		return words[:n-1], &words[n-1]
	}
	return words, nil
}

// join lowers `join [options] [fields] [subsearch]` with the defaults of the
// join page of Splunk's Search Reference: type=inner, max=1, overwrite=true.
func (l *lowerer) join(args string, argStart int, span ast.Span) ast.Command {
	words, subw := splitSubsearch(topWords(args))
	if subw == nil {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in join: expected a subsearch [...] as the last argument")
		return &ast.UnsupportedCmd{Span: span, Name: "join"}
	}
	cmd := &ast.JoinCmd{Span: span, Type: "inner", Max: 1, Overwrite: true}
	for _, w := range words {
		pos := l.sm.Pos(argStart + w.start)
		name, value, ok := strings.Cut(w.text, "=")
		if !ok {
			cmd.Fields = append(cmd.Fields, unquoteWord(w.text))
			continue
		}
		value = strings.ToLower(unquoteWord(value))
		switch strings.ToLower(name) {
		case "type":
			switch value {
			case "inner":
				cmd.Type = "inner"
			case "left", "outer":
				cmd.Type = "left"
			default:
				l.errs.Add(pos, ast.CodeParse, "syntax error in join: type must be inner, left or outer, got "+value)
			}
		case "max":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				l.errs.Add(pos, ast.CodeParse, "syntax error in join: max must be a number >= 0, got "+value)
			}
			cmd.Max = n
		case "overwrite":
			b, ok := parseBool(value)
			if !ok {
				l.errs.Add(pos, ast.CodeParse, "syntax error in join: overwrite must be true or false, got "+value)
			}
			cmd.Overwrite = b
		default:
			// usetime, earlier, keepsingle, left=, right=, where=: not modelled.
			l.unsupported(pos, "join option "+name)
			return &ast.UnsupportedCmd{Span: span, Name: "join"}
		}
	}
	cmd.Sub = l.subsearch(*subw, argStart)
	return cmd
}

// appendCmd lowers `append [options] [subsearch]`.
func (l *lowerer) appendCmd(args string, argStart int, span ast.Span) ast.Command {
	words, subw := splitSubsearch(topWords(args))
	if subw == nil {
		l.errs.Add(span.From, ast.CodeParse, "syntax error in append: expected a subsearch [...]")
		return &ast.UnsupportedCmd{Span: span, Name: "append"}
	}
	for _, w := range words {
		// extendtimerange, maxtime, maxout, timeout: limits concord has no need of,
		// but reporting them keeps nothing silent.
		l.unsupported(l.sm.Pos(argStart+w.start), "append option "+w.text)
		return &ast.UnsupportedCmd{Span: span, Name: "append"}
	}
	return &ast.AppendCmd{Span: span, Sub: l.subsearch(*subw, argStart)}
}
