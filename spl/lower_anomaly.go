package spl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// anomalydetection lowers the histogram method of `anomalydetection` (Search
// Reference, anomalydetection). zscore and iqr behave as anomalousvalue and
// outlier, and action=summary returns a table of the model: not run.
func (l *lowerer) anomalydetection(args string, argStart int, span ast.Span) ast.Command {
	cmd := &ast.AnomalyDetectionCmd{Span: span, Cutoff: true}
	bad := func(pos ast.Pos, msg string) ast.Command {
		l.errs.Add(pos, ast.CodeParse, "syntax error in anomalydetection: "+msg)
		return &ast.UnsupportedCmd{Span: span, Name: "anomalydetection"}
	}
	for _, w := range topWords(args) {
		pos := l.sm.Pos(argStart + w.start)
		name, val, isOpt := strings.Cut(w.text, "=")
		if !isOpt || strings.HasPrefix(w.text, `"`) {
			cmd.Fields = append(cmd.Fields, unquoteWord(w.text))
			continue
		}
		val = unquoteWord(val)
		switch strings.ToLower(name) {
		case "method":
			if !strings.EqualFold(val, "histogram") {
				l.unsupported(pos, "anomalydetection method="+val)
				return &ast.UnsupportedCmd{Span: span, Name: "anomalydetection"}
			}
		case "action":
			switch strings.ToLower(val) {
			case "filter":
			case "annotate":
				cmd.Annotate = true
			case "summary":
				l.unsupported(pos, "anomalydetection action=summary")
				return &ast.UnsupportedCmd{Span: span, Name: "anomalydetection"}
			default:
				return bad(pos, fmt.Sprintf("action=%s (expected filter, annotate or summary)", val))
			}
		case "pthresh":
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || !(p > 0 && p <= 1) {
				return bad(pos, fmt.Sprintf("pthresh=%s (expected a probability above 0, at most 1)", val))
			}
			cmd.PThresh = p
		case "cutoff":
			b, ok := parseBool(val)
			if !ok {
				return bad(pos, fmt.Sprintf("cutoff=%s (expected true or false)", val))
			}
			cmd.Cutoff = b
		default:
			return bad(pos, fmt.Sprintf("unknown option %s (expected method=, action=, pthresh= or cutoff=)", name))
		}
	}
	return cmd
}
