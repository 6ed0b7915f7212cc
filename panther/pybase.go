package panther

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// baseLexer tokenises Python without knowing about lines and indentation; the
// indentLexer wrapper turns its Newline and leading Whitespace tokens into
// Python's NEWLINE/INDENT/DEDENT structure. It is written by hand to give,
// token for token, what participle's regexp lexer gives for the rules in
// lexer_reference_test.go, which tried each rule's expression in turn at every
// token and took half the time of parsing a rule.
var baseLexer lexer.Definition = pyBaseLexer{baseSymbols}

// The base token types, in the order the rules are tried at each token.
const (
	tokComment lexer.TokenType = lexer.EOF - 1 - iota
	tokLineCont
	tokNewline
	tokWhitespace
	tokFString // f-strings keep their {expressions} inside one token; fstring.go splits them
	tokString
	tokNumber
	tokKeyword // reserved words, so that @Name never captures one; match/case stay Names
	tokName
	tokOp
	// The operators that end an expression's tail have classes of their own,
	// so that the grammar tries one token type where it would try each
	// operator in turn; the regexp rules call them all Op.
	tokBinOp
	tokCompOp
	tokAugOp
)

var baseSymbols = map[string]lexer.TokenType{
	"EOF": lexer.EOF, "Comment": tokComment, "LineCont": tokLineCont, "Newline": tokNewline,
	"Whitespace": tokWhitespace, "FString": tokFString, "String": tokString, "Number": tokNumber,
	"Keyword": tokKeyword, "Name": tokName, "Op": tokOp, "BinOp": tokBinOp, "CompOp": tokCompOp, "AugOp": tokAugOp,
}

// opClasses are the operators of the classes above.
var opClasses = map[string]lexer.TokenType{}

var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield") {
		keywords[k] = true
	}
	for class, ops := range map[lexer.TokenType]string{
		tokBinOp:  "| ^ & << >> + - * / // % @",
		tokCompOp: "== != <= >= < >",
		tokAugOp:  "+= -= *= /= //= %= **= &= |= ^= >>= <<= @=",
	} {
		for _, op := range strings.Fields(ops) {
			opClasses[op] = class
		}
	}
}

// pyBaseLexer holds its symbols so that package initialisation sets them
// before newIndentLexer reads them.
type pyBaseLexer struct{ symbols map[string]lexer.TokenType }

func (d pyBaseLexer) Symbols() map[string]lexer.TokenType { return d.symbols }

func (pyBaseLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return &baseScanner{rest: string(src), pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

type baseScanner struct {
	rest string
	pos  lexer.Position
}

func (s *baseScanner) Next() (lexer.Token, error) {
	if s.rest == "" {
		return lexer.EOFToken(s.pos), nil
	}
	typ, n := scanBase(s.rest)
	if n == 0 {
		sample := []rune(s.rest)
		if len(sample) > 16 {
			sample = append(sample[:16], []rune("...")...)
		}
		return lexer.Token{}, &lexer.Error{Msg: fmt.Sprintf("lexer: invalid input text %q", string(sample)), Pos: s.pos}
	}
	tok := lexer.Token{Type: typ, Value: s.rest[:n], Pos: s.pos}
	s.pos.Advance(tok.Value)
	s.rest = s.rest[n:]
	return tok, nil
}

// scanBase is the type and length of the token s starts with (0: none).
func scanBase(s string) (lexer.TokenType, int) {
	switch c := s[0]; {
	case c == '#':
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return tokComment, i
		}
		return tokComment, len(s)
	case c == '\\' && strings.HasPrefix(s[1:], "\n"):
		return tokLineCont, 2
	case c == '\\' && strings.HasPrefix(s[1:], "\r\n"):
		return tokLineCont, 3
	case c == '\n':
		return tokNewline, 1
	case c == '\r' && strings.HasPrefix(s[1:], "\n"):
		return tokNewline, 2
	case c == ' ' || c == '\t' || c == '\f' || c == '\r':
		n := 1
		for n < len(s) && (s[n] == ' ' || s[n] == '\t' || s[n] == '\f' || s[n] == '\r') {
			n++
		}
		return tokWhitespace, n
	}
	if n := prefixedStringLen(s, fStringPrefixes); n > 0 {
		return tokFString, n
	}
	if n := prefixedStringLen(s, stringPrefixes); n > 0 {
		return tokString, n
	}
	if n := numberLen(s); n > 0 {
		return tokNumber, n
	}
	if n := asciiWordLen(s); n > 0 && keywords[s[:n]] {
		return tokKeyword, n
	}
	if n := nameLen(s); n > 0 {
		return tokName, n
	}
	n := operatorLen(s)
	if class, ok := opClasses[s[:n]]; ok {
		return class, n
	}
	return tokOp, n
}

// A string prefix is tried with each of its lengths, in the order a regexp's
// alternation and greedy ? try them: (?:[fF][rR]?|[rR][fF]) for f-strings,
// (?:[bB][rR]?|[rR][bB]?|[uU])? for the others.
var (
	fStringPrefixes = [][2]string{{"fF", "rR"}, {"fF", ""}, {"rR", "fF"}}
	stringPrefixes  = [][2]string{{"bB", "rR"}, {"bB", ""}, {"rR", "bB"}, {"rR", ""}, {"uU", ""}, {"", ""}}
)

// prefixedStringLen is the length of the string literal s starts with, 0 if none.
func prefixedStringLen(s string, prefixes [][2]string) int {
	for _, p := range prefixes {
		n := 0
		for _, set := range p {
			if set == "" {
				continue
			}
			if n >= len(s) || strings.IndexByte(set, s[n]) < 0 {
				n = -1
				break
			}
			n++
		}
		if n < 0 {
			continue
		}
		if body := stringBodyLen(s[n:]); body > 0 {
			return n + body
		}
	}
	return 0
}

// stringBodyLen is the length of the quoted body s starts with: a triple-quoted
// one ending at the first closing triple, else a one-line one. A backslash
// always escapes the next character, even in raw strings (r"\"" is one string).
func stringBodyLen(s string) int {
	if len(s) == 0 || (s[0] != '"' && s[0] != '\'') {
		return 0
	}
	q := s[0]
	if triple := s[:min(3, len(s))]; triple == strings.Repeat(string(q), 3) {
		for i := 3; i < len(s); i++ {
			switch {
			case strings.HasPrefix(s[i:], triple):
				return i + 3
			case s[i] == '\\':
				i++ // the escaped byte; past the end, the loop ends unmatched
			}
		}
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case q:
			return i + 1
		case '\n':
			return 0
		case '\\':
			i++
		}
	}
	return 0
}

// numberLen is the length of the number s starts with, 0 if none:
// 0[xX][0-9a-fA-F_]+ | 0[oO][0-7_]+ | 0[bB][01_]+ |
// (?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?[jJ]?
func numberLen(s string) int {
	if len(s) > 2 && s[0] == '0' {
		var digits string
		switch s[1] {
		case 'x', 'X':
			digits = "0123456789abcdefABCDEF_"
		case 'o', 'O':
			digits = "01234567_"
		case 'b', 'B':
			digits = "01_"
		}
		if n := 2 + runLen(s[2:], digits); digits != "" && n > 2 {
			return n
		}
	}
	const decimal = "0123456789_"
	var n int
	switch {
	case isDigit(s, 0):
		n = 1 + runLen(s[1:], decimal)
		if n < len(s) && s[n] == '.' {
			n++
		}
		n += runLen(s[n:], decimal)
	case s[0] == '.' && isDigit(s, 1):
		n = 2 + runLen(s[2:], decimal)
	default:
		return 0
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		e := n + 1
		if e < len(s) && (s[e] == '-' || s[e] == '+') {
			e++
		}
		if isDigit(s, e) {
			n = e + runLen(s[e:], "0123456789")
		}
	}
	if n < len(s) && (s[n] == 'j' || s[n] == 'J') {
		n++
	}
	return n
}

func isDigit(s string, i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }

// runLen is the length of the prefix of s made of bytes of set.
func runLen(s, set string) int {
	n := 0
	for n < len(s) && strings.IndexByte(set, s[n]) >= 0 {
		n++
	}
	return n
}

// asciiWordLen is the length of the run of [0-9A-Za-z_] s starts with: a keyword
// is one when the regexp's \b (ASCII word characters) follows it.
func asciiWordLen(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			break
		}
		n++
	}
	return n
}

// nameLen is the length of the [\p{L}_][\p{L}\p{N}_]* s starts with.
func nameLen(s string) int {
	n := 0
	for n < len(s) {
		r, w := utf8.DecodeRuneInString(s[n:])
		if !(r == '_' || unicode.IsLetter(r) || n > 0 && unicode.IsNumber(r)) {
			break
		}
		n += w
	}
	return n
}

// operatorLen is the length of the operator s starts with, the longest first,
// 0 if none.
func operatorLen(s string) int {
	for _, ops := range [...][]string{operators3, operators2} {
		for _, op := range ops {
			if strings.HasPrefix(s, op) {
				return len(op)
			}
		}
	}
	if strings.IndexByte("-+*/%@&|^~<>=.,:;()[]{}!", s[0]) >= 0 {
		return 1
	}
	return 0
}

var (
	operators3 = []string{"**=", "//=", ">>=", "<<=", "..."}
	operators2 = []string{"->", ":=", "-=", "+=", "*=", "/=", "%=", "@=", "&=", "|=", "^=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>"}
)
