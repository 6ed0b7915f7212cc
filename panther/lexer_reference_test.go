package panther

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// referenceLexer is the regexp lexer baseLexer was written to match, rule for
// rule: participle tries the rules in order at each token and takes the first
// that matches.
var referenceLexer = func() *lexer.StatefulDefinition {
	// Python's string literal bodies. Lazy repetition keeps a triple-quoted
	// string from running into the next one; a backslash always escapes the
	// next character for tokenising, even in raw strings.
	const (
		tripleDouble = `"""(?:\\[\s\S]|[^\\])*?"""`
		tripleSingle = `'''(?:\\[\s\S]|[^\\])*?'''`
		oneDouble    = `"(?:\\[\s\S]|[^"\\\n])*"`
		oneSingle    = `'(?:\\[\s\S]|[^'\\\n])*'`
		stringBodies = `(?:` + tripleDouble + `|` + tripleSingle + `|` + oneDouble + `|` + oneSingle + `)`
	)
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Comment", Pattern: `#[^\n]*`},
		{Name: "LineCont", Pattern: `\\\r?\n`},
		{Name: "Newline", Pattern: `\r?\n`},
		{Name: "Whitespace", Pattern: `[ \t\f\r]+`},
		{Name: "FString", Pattern: `(?:[fF][rR]?|[rR][fF])` + stringBodies},
		{Name: "String", Pattern: `(?:[bB][rR]?|[rR][bB]?|[uU])?` + stringBodies},
		{Name: "Number", Pattern: `(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?[jJ]?)`},
		{Name: "Keyword", Pattern: `(?:False|None|True|and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield)\b`},
		{Name: "Name", Pattern: `[\p{L}_][\p{L}\p{N}_]*`},
		{Name: "Op", Pattern: `\*\*=|//=|>>=|<<=|->|:=|\.\.\.|[-+*/%@&|^]=|==|!=|<=|>=|\*\*|//|<<|>>|[-+*/%@&|^~<>=.,:;()\[\]{}!]`},
	})
}()

// tokenStream lexes src with def into "Type value line:col:offset" lines,
// ending with the error if there is one.
func tokenStream(def lexer.Definition, src string) string {
	names := map[lexer.TokenType]string{}
	for name, t := range def.Symbols() {
		names[t] = name
	}
	lx, err := def.Lex("t.py", strings.NewReader(src))
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for range len(src) + 1 {
		tok, err := lx.Next()
		if err != nil {
			var lerr *lexer.Error
			if errors.As(err, &lerr) {
				fmt.Fprintf(&b, "error %s at %d:%d:%d", lerr.Msg, lerr.Pos.Line, lerr.Pos.Column, lerr.Pos.Offset)
			} else {
				fmt.Fprintf(&b, "error %v", err)
			}
			break
		}
		name := names[tok.Type]
		if strings.HasSuffix(name, "Op") {
			name = "Op" // the regexp rules do not tell operators' classes apart
		}
		fmt.Fprintf(&b, "%s %q %s %d:%d:%d\n", name, tok.Value, tok.Pos.Filename, tok.Pos.Line, tok.Pos.Column, tok.Pos.Offset)
		if tok.EOF() {
			break
		}
	}
	return b.String()
}

func checkSameTokens(t *testing.T, src string) {
	t.Helper()
	want, got := tokenStream(referenceLexer, src), tokenStream(baseLexer, src)
	if got != want {
		t.Errorf("%q:\ngot:\n%s\nwant (regexp lexer):\n%s", src, got, want)
	}
}

// TestBaseLexer_sameAsRegexps holds baseLexer to the regexp lexer on the edge
// cases of each rule and on every Python file of the fixtures.
func TestBaseLexer_sameAsRegexps(t *testing.T) {
	cases := []string{
		"", "x = 1\n", "# c\nx", "#", "a \\\nb", "a \\\r\nb", "a\r\nb", "a\rb", " \t\f\r\n",
		`"a" 'b' "a\"b" 'a\'b' "a\\" "x` + "\n" + `"`, `"""a"b""c"""`, `'''a\'''b'''`, `"""x`, `"""`, `""""""`, `"\`, `"""\`, "'a\\\nb'",
		`f"x" F'y' fr"a" Rf'b' rF"" fR"" f rb"x" Rb'x' bR"" br'' u"x" U'y' b"x" r"\"" fx"a"`, `rb`, `fr"x`, `rf`,
		"0x1F 0X_a 0o17 0O8 0b101 0B2 0x 0o 0b 0xg", "1_000 1.5e3 1.5E+3 1.e5 1e 1e+ 1ej 7j 7J .5 .5e-2j . .. ... 1..2 1.2.3 00 0_0",
		"False None True None_ Nonex _None andx and not_in in is_x is assert as async await", "asé é_1 _ __x x1 ٣x x٣ ǅ",
		"a**=b//c->d:=e!=f == <= >= < > << >> <<= >>= ** // ~ ! ; , . @ @= ^= |= &= %= /= *= -= += ( ) [ ] { } $ ? `",
		"\xff", "a\xffb", "'\xff'", "\"\x00\"", "x = 'ünï' # ç\n  y",
	}
	for _, src := range cases {
		checkSameTokens(t, src)
	}
	files, _ := filepath.Glob("../fixtures/panther-analysis/*/*/*.py")
	more, _ := filepath.Glob("testdata/*/*/*.py")
	for _, f := range append(files, more...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkSameTokens(t, string(src))
	}
}

func FuzzBaseLexer(f *testing.F) {
	for _, s := range []string{"def rule(e):\n    return e.get('a') == 0x1f and not x\n", `f"{a!r}" rb'\'' """x"""`, "1.5e-3j .5 a\\\n b # c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkSameTokens(t, src)
	})
}
