package spl

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
)

// lowerer turns grammar structs into ast nodes. base is the offset, in the
// expanded text, of the string the current grammar parsed; participle
// positions are relative to it.
type lowerer struct {
	sm      *SourceMap
	text    string // the expanded search
	base    int
	errs    ast.ErrorList
	lookups *Lookups            // nil: lookup commands cannot be resolved
	models  *datamodel.Registry // nil: tstats over a data model cannot run
	subs    []pendingSub
}

func (l *lowerer) pos(p lexer.Position) ast.Pos { return l.sm.Pos(l.base + p.Offset) }

func (l *lowerer) span(from, to lexer.Position) ast.Span {
	return ast.Span{From: l.pos(from), To: l.pos(to)}
}

// spanAt is the span of a token of length n at p.
func (l *lowerer) spanAt(p lexer.Position, n int) ast.Span {
	end := p
	end.Offset += n
	return l.span(p, end)
}

// at is the span of the byte range [from, to) of the expanded text.
func (l *lowerer) at(from, to int) ast.Span {
	return ast.Span{From: l.sm.Pos(from), To: l.sm.Pos(to)}
}

// syntaxError reports a participle (or lexer) error of the text parsed at
// l.base; what names the construct (e.g. "stats arguments").
func (l *lowerer) syntaxError(err error, what string) {
	var perr participle.Error
	off := 0
	msg := err.Error()
	if errors.As(err, &perr) {
		off = perr.Position().Offset
		msg = perr.Message()
	}
	pos, macro := l.sm.Origin(l.base + off)
	if macro != "" {
		msg += fmt.Sprintf(" (in the expansion of macro `%s`)", macro)
	}
	l.errs.Add(pos, ast.CodeParse, fmt.Sprintf("syntax error in %s: %s", what, msg))
}

// unsupported reports a construct concord recognises but cannot run.
func (l *lowerer) unsupported(pos ast.Pos, what string) {
	l.errs.Add(pos, ast.CodeUnsupported, fmt.Sprintf("unsupported: %s at %d:%d", what, pos.Line, pos.Col))
}

// flatten builds a Logic node, splicing in operands that already use op; a
// single operand stands for itself.
func flatten(span ast.Span, op ast.LogicOp, xs []ast.Expr) ast.Expr {
	if len(xs) == 1 {
		return xs[0]
	}
	var out []ast.Expr
	for _, x := range xs {
		if lg, ok := x.(*ast.Logic); ok && lg.Op == op && !lg.Operand {
			out = append(out, lg.Xs...)
			continue
		}
		out = append(out, x)
	}
	return &ast.Logic{Span: span, Op: op, Xs: out}
}

func trueLit(span ast.Span) ast.Expr { return &ast.Lit{Span: span, Val: ast.True} }
