package panther

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// pythonLexer is the lexer the grammar is built with.
var pythonLexer = newIndentLexer(baseLexer)

// indentLexer wraps a base lexer definition and adds Python's line structure,
// following starlark-go's scanner: an indentation stack, a bracket depth (no
// Newline inside (), [] or {}), blank and comment-only lines skipped, Indent and
// Dedent emitted as zero-width tokens at the next token, all Dedents at EOF.
type indentLexer struct {
	base    lexer.Definition
	symbols map[string]lexer.TokenType
}

func newIndentLexer(base lexer.Definition) *indentLexer {
	symbols := map[string]lexer.TokenType{}
	lowest := lexer.EOF
	for name, t := range base.Symbols() {
		symbols[name] = t
		if t < lowest {
			lowest = t
		}
	}
	// Base types count down from EOF; ours continue below them.
	symbols["Indent"] = lowest - 1
	symbols["Dedent"] = lowest - 2
	return &indentLexer{base: base, symbols: symbols}
}

func (d *indentLexer) Symbols() map[string]lexer.TokenType { return d.symbols }

func (d *indentLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	inner, err := d.base.Lex(filename, r)
	if err != nil {
		return nil, err
	}
	return &indentScanner{
		def:         d,
		inner:       inner,
		indents:     []int{0},
		atLineStart: true,
	}, nil
}

// indentScanner is one run of the indentLexer.
type indentScanner struct {
	def         *indentLexer
	inner       lexer.Lexer
	queue       []lexer.Token
	indents     []int // widths of the open indentation levels; starts as [0]
	depth       int   // open brackets
	atLineStart bool  // no token of the current logical line emitted yet
	width       int   // indentation width of the current line
	lastPos     lexer.Position
	done        bool
}

func (s *indentScanner) sym(name string) lexer.TokenType { return s.def.symbols[name] }

func (s *indentScanner) Next() (lexer.Token, error) {
	for len(s.queue) == 0 {
		if s.done {
			return lexer.Token{Type: lexer.EOF, Pos: s.lastPos}, nil
		}
		if err := s.fill(); err != nil {
			return lexer.Token{}, err
		}
	}
	tok := s.queue[0]
	s.queue = s.queue[1:]
	return tok, nil
}

// fill reads base tokens until it can queue at least one token.
func (s *indentScanner) fill() error {
	tok, err := s.inner.Next()
	if err != nil {
		return err
	}
	switch tok.Type {
	case s.sym("Comment"), s.sym("LineCont"):
		return nil
	case s.sym("Whitespace"):
		if s.atLineStart {
			s.width = indentWidth(tok.Value)
		}
		return nil
	case s.sym("Newline"):
		if s.depth > 0 || s.atLineStart {
			// Inside brackets, or a blank/comment-only line.
			s.width = 0
			return nil
		}
		s.queue = append(s.queue, tok)
		s.atLineStart, s.width = true, 0
		s.lastPos = tok.Pos
		return nil
	case lexer.EOF:
		s.done = true
		if !s.atLineStart {
			s.queue = append(s.queue, lexer.Token{Type: s.sym("Newline"), Value: "\n", Pos: tok.Pos})
		}
		for len(s.indents) > 1 {
			s.indents = s.indents[:len(s.indents)-1]
			s.queue = append(s.queue, lexer.Token{Type: s.sym("Dedent"), Pos: tok.Pos})
		}
		s.lastPos = tok.Pos
		return nil
	}
	if s.atLineStart {
		s.atLineStart = false
		if err := s.indentTo(tok.Pos); err != nil {
			return err
		}
	}
	if tok.Type == s.sym("Op") {
		switch tok.Value {
		case "(", "[", "{":
			s.depth++
		case ")", "]", "}":
			if s.depth > 0 {
				s.depth--
			}
		}
	}
	s.queue = append(s.queue, tok)
	s.lastPos = tok.Pos
	return nil
}

// indentTo queues the Indent or Dedents that take the stack to s.width.
func (s *indentScanner) indentTo(pos lexer.Position) error {
	top := s.indents[len(s.indents)-1]
	switch {
	case s.width > top:
		s.indents = append(s.indents, s.width)
		s.queue = append(s.queue, lexer.Token{Type: s.sym("Indent"), Pos: pos})
	case s.width < top:
		for len(s.indents) > 1 && s.indents[len(s.indents)-1] > s.width {
			s.indents = s.indents[:len(s.indents)-1]
			s.queue = append(s.queue, lexer.Token{Type: s.sym("Dedent"), Pos: pos})
		}
		if s.indents[len(s.indents)-1] != s.width {
			return &lexer.Error{Pos: pos, Msg: fmt.Sprintf("unindent does not match any outer indentation level (column %d)", s.width+1)}
		}
	}
	return nil
}

// indentWidth measures leading whitespace as Python does: a tab advances to the
// next multiple of 8.
func indentWidth(ws string) int {
	w := 0
	for _, c := range ws {
		switch c {
		case '\t':
			w = (w/8 + 1) * 8
		case '\f', '\r':
			// A form feed resets the count in CPython; neither appears in rules.
		default:
			w++
		}
	}
	return w
}
