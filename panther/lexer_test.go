package panther

import (
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// lexAll returns the token stream as "Type:value" words (Indent/Dedent/Newline
// without value).
func lexAll(t *testing.T, src string) (string, error) {
	t.Helper()
	lx, err := pythonLexer.Lex("t.py", strings.NewReader(src))
	if err != nil {
		return "", err
	}
	names := map[lexer.TokenType]string{}
	for name, tt := range pythonLexer.Symbols() {
		names[tt] = name
	}
	var out []string
	for i := 0; i < 1000; i++ {
		tok, err := lx.Next()
		if err != nil {
			return strings.Join(out, " "), err
		}
		if tok.EOF() {
			break
		}
		switch n := names[tok.Type]; n {
		case "Indent", "Dedent", "Newline":
			out = append(out, n)
		default:
			out = append(out, tok.Value)
		}
	}
	return strings.Join(out, " "), nil
}

func TestLexer(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"simple line", "x = 1\n", "x = 1 Newline"},
		{"no final newline", "x", "x Newline"},
		{"indent and dedent", "def f(e):\n    return 1\nx\n", "def f ( e ) : Newline Indent return 1 Newline Dedent x Newline"},
		{"dedents at EOF", "if a:\n  if b:\n    c", "if a : Newline Indent if b : Newline Indent c Newline Dedent Dedent"},
		{"blank and comment lines skipped", "if a:\n\n    # note\n    b\n  # odd indent comment\n", "if a : Newline Indent b Newline Dedent"},
		{"no newline inside brackets", "x = [\n  1,\n    2,\n]\ny\n", "x = [ 1 , 2 , ] Newline y Newline"},
		{"line continuation", "x = a \\\n  and b\n", "x = a and b Newline"},
		{"tab is 8 columns", "if a:\n\tb\n        c\n", "if a : Newline Indent b Newline c Newline Dedent"},
		{"f-string with nested quotes is one token", `f"{event.get('a')} x {b[\"k\"]}"`, `f"{event.get('a')} x {b[\"k\"]}" Newline`},
		{"triple-quoted string spans lines", "\"\"\"doc\n  more\"\"\"\nx\n", "\"\"\"doc\n  more\"\"\" Newline x Newline"},
		{"string prefixes", `r"\d" b'x' rb"y" u"z"`, `r"\d" b'x' rb"y" u"z" Newline`},
		{"keywords versus names", "not_in in is_x is", "not_in in is_x is Newline"},
		{"operators", "a**=b//c->d:=e!=f", "a **= b // c -> d := e != f Newline"},
		{"numbers", "0x1F 1_000 1.5e3 .5 7j", "0x1F 1_000 1.5e3 .5 7j Newline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lexAll(t, tt.src)
			if err != nil {
				t.Fatalf("lex error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestLexer_errors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"inconsistent dedent", "if a:\n    b\n  c\n", "t.py:3:3: unindent does not match any outer indentation level"},
		{"invalid character", "x = $\n", "t.py:1:5: lexer: invalid input text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lexAll(t, tt.src)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %v, want prefix %q", err, tt.want)
			}
		})
	}
}
