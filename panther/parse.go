package panther

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// Python needs unbounded lookahead in a few places (`name=` call arguments, the
// soft keyword `match`, `x,` tuples); MaxLookahead gives that with a bound.
var (
	moduleParser = participle.MustBuild[grammar.Module](
		participle.Lexer(pythonLexer),
		participle.UseLookahead(participle.MaxLookahead),
	)
	fstringExprParser = participle.MustBuild[grammar.FStringExpr](
		participle.Lexer(pythonLexer),
		participle.UseLookahead(participle.MaxLookahead),
	)
)

// parseModule parses a whole Python file into the private grammar tree.
func parseModule(file string, src []byte) (mod *grammar.Module, errs ast.ErrorList) {
	defer func() {
		// participle should not panic, but a rule file must never crash concord.
		if r := recover(); r != nil {
			mod = nil
			errs = ast.ErrorList{ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "internal parser failure: %v", r)}
		}
	}()
	mod, err := moduleParser.ParseBytes(file, src)
	if err != nil {
		return nil, ast.ErrorList{parseError(file, err)}
	}
	return mod, nil
}

// parseError converts a participle or lexer error into a positioned CodeParse error.
func parseError(file string, err error) *ast.Error {
	var perr participle.Error
	if errors.As(err, &perr) {
		return ast.Errorf(toPos(file, perr.Position()), ast.CodeParse, "%s", perr.Message())
	}
	var lerr *lexer.Error
	if errors.As(err, &lerr) {
		return ast.Errorf(toPos(file, lerr.Pos), ast.CodeParse, "%s", lerr.Msg)
	}
	return ast.Errorf(ast.Pos{File: file}, ast.CodeParse, "%s", err.Error())
}

// toPos converts a participle position; the file name is always the caller's.
func toPos(file string, p lexer.Position) ast.Pos {
	return ast.Pos{File: file, Line: p.Line, Col: p.Column}
}

func spanOf(file string, from, to lexer.Position) ast.Span {
	s := ast.Span{From: toPos(file, from)}
	if to.Line > 0 {
		s.To = toPos(file, to)
	}
	return s
}

func posString(p ast.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
