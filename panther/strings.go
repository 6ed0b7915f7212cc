package panther

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stringLiteral is a Python string token taken apart.
type stringLiteral struct {
	prefix string // lowercased prefix letters: "", "r", "b", "rb", "f", "rf", "u"
	quote  string // ", ', """ or '''
	body   string // between the quotes, still escaped
}

func (s stringLiteral) raw() bool   { return strings.Contains(s.prefix, "r") }
func (s stringLiteral) bytes() bool { return strings.Contains(s.prefix, "b") }
func (s stringLiteral) isF() bool   { return strings.Contains(s.prefix, "f") }

// splitStringToken separates prefix, quotes and body of a String or FString token.
func splitStringToken(tok string) stringLiteral {
	i := strings.IndexAny(tok, `"'`)
	if i < 0 {
		return stringLiteral{body: tok}
	}
	prefix, rest := strings.ToLower(tok[:i]), tok[i:]
	q := rest[:1]
	if strings.HasPrefix(rest, q+q+q) && len(rest) >= 6 {
		q = q + q + q
	}
	if len(rest) < 2*len(q) {
		return stringLiteral{prefix: prefix, quote: q}
	}
	return stringLiteral{prefix: prefix, quote: q, body: rest[len(q) : len(rest)-len(q)]}
}

// unescape decodes Python's backslash escapes in a non-raw str literal. Unknown
// escapes keep their backslash, as Python does.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		e := s[i+1]
		i += 2
		switch e {
		case '\n':
			// backslash-newline continues the literal on the next line
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i - 1
			for j < len(s) && j < i+2 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(s[i-1:j], 8, 32)
			b.WriteRune(rune(n))
			i = j
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+width > len(s) {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			n, err := strconv.ParseUint(s[i:i+width], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				return "", fmt.Errorf("invalid \\%c escape", e)
			}
			b.WriteRune(rune(n))
			i += width
		case 'N':
			return "", fmt.Errorf("\\N{...} escapes are not supported")
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}
