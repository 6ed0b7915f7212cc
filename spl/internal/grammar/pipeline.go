package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// pipelineLexer only knows what matters for finding stage boundaries: strings
// (a `|` inside quotes is text), brackets (a subsearch `[ ... | ... ]` is one
// argument), the pipe itself and backslash escapes (`\"` outside a string is
// not a quote).
var pipelineLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "String", Pattern: `"(?:\\.|[^"\\])*"`},
	{Name: "Pipe", Pattern: `\|`},
	{Name: "Open", Pattern: `[\[(]`},
	{Name: "Close", Pattern: `[\])]`},
	{Name: "Text", Pattern: `(?:\\.|[^"|\[\]()\\])+|\\`},
})

// Stage is one pipeline stage as a byte range of the searched text.
type Stage struct {
	Start, End int // byte offsets, End exclusive; the leading `|` is not included
}

// Pipeline splits text at every `|` that is outside quotes and brackets. The
// first stage is the base search (possibly empty when text starts with `|`).
// An unterminated string is a positioned lexer error.
func Pipeline(text string) ([]Stage, error) {
	lex, err := pipelineLexer.LexString("", text)
	if err != nil {
		return nil, err
	}
	tokens, err := lexer.ConsumeAll(lex)
	if err != nil {
		return nil, err
	}
	symbols := pipelineLexer.Symbols()
	pipe, open, closing := symbols["Pipe"], symbols["Open"], symbols["Close"]
	var stages []Stage
	depth, start := 0, 0
	for _, t := range tokens {
		switch t.Type {
		case open:
			depth++
		case closing:
			if depth > 0 {
				depth--
			}
		case pipe:
			if depth == 0 {
				stages = append(stages, Stage{Start: start, End: t.Pos.Offset})
				start = t.Pos.Offset + 1
			}
		}
	}
	stages = append(stages, Stage{Start: start, End: len(text)})
	return stages, nil
}

// ensure participle's error type is what callers see for lexer failures.
var _ participle.Error = (*lexer.Error)(nil)
