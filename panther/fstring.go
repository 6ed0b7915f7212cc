package panther

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// fpart is one piece of an f-string: literal text or a {replacement field}.
type fpart struct {
	text   string // literal text (escapes still in), or the expression source
	isExpr bool
	conv   byte   // 'r', 's', 'a' or 0
	spec   string // format spec after ':', "" when none
	offset int    // byte offset of text within the token
}

// scanFString splits an f-string body into literal and replacement parts.
// Replacement fields may nest brackets and strings (f"{d['k']}", f"{f(a, b)}");
// {{ and }} are literal braces. bodyOffset is where the body starts in the token.
func scanFString(body string, bodyOffset int) ([]fpart, string) {
	var parts []fpart
	var lit strings.Builder
	litStart := 0
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, fpart{text: lit.String(), offset: bodyOffset + litStart})
			lit.Reset()
		}
	}
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '{' && strings.HasPrefix(body[i:], "{{"), c == '}' && strings.HasPrefix(body[i:], "}}"):
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteByte(c)
			i += 2
		case c == '}':
			return nil, "single '}' is not allowed in an f-string"
		case c == '{':
			flush()
			end, p, msg := scanReplacement(body, i+1)
			if msg != "" {
				return nil, msg
			}
			p.offset += bodyOffset
			parts = append(parts, p)
			i = end
			litStart = i
		case c == '\\' && i+1 < len(body):
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteString(body[i : i+2])
			i += 2
		default:
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return parts, ""
}

// scanReplacement reads one replacement field starting after its '{' and
// returns the index after its '}'.
func scanReplacement(body string, start int) (int, fpart, string) {
	depth := 0
	var quote byte
	exprEnd, convAt, specAt := -1, -1, -1
	for i := start; i < len(body); i++ {
		c := body[i]
		if quote != 0 {
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth > 0 {
				depth--
				continue
			}
			if exprEnd < 0 {
				exprEnd = i
			}
			p := fpart{text: body[start:exprEnd], isExpr: true, offset: start}
			if convAt >= 0 {
				p.conv = body[convAt+1]
			}
			if specAt >= 0 {
				p.spec = body[specAt+1 : i]
			}
			if strings.TrimSpace(p.text) == "" {
				return 0, fpart{}, "empty expression in an f-string"
			}
			return i + 1, p, ""
		case '!':
			if depth == 0 && specAt < 0 && i+1 < len(body) && body[i+1] != '=' {
				if exprEnd < 0 {
					exprEnd = i
				}
				convAt = i
				i++
			}
		case ':':
			if depth == 0 && specAt < 0 {
				if exprEnd < 0 {
					exprEnd = i
				}
				specAt = i
				// The spec runs to the closing brace; nested fields are rare.
				for j := i + 1; j < len(body); j++ {
					if body[j] == '{' {
						return 0, fpart{}, "nested replacement field in an f-string format spec"
					}
					if body[j] == '}' {
						i = j - 1
						break
					}
				}
			}
		}
	}
	return 0, fpart{}, "f-string: expecting '}'"
}

// fstring lowers one f-string token into the parts of a Python Concat.
func (l *lowerer) fstring(tok string, at lexer.Position, e env) []ast.Expr {
	sl := splitStringToken(tok)
	bodyOffset := strings.IndexAny(tok, `"'`) + len(sl.quote)
	parts, msg := scanFString(sl.body, bodyOffset)
	if msg != "" {
		l.errs.Add(l.pos(at), ast.CodeParse, msg)
		return nil
	}
	var out []ast.Expr
	for _, p := range parts {
		pos := advance(at, tok[:p.offset])
		if !p.isExpr {
			s := p.text
			if !sl.raw() {
				var err error
				if s, err = unescape(s); err != nil {
					l.unsupported(pos, err.Error())
				}
			}
			out = append(out, &ast.Lit{Span: ast.Span{From: l.pos(pos)}, Val: ast.String(s)})
			continue
		}
		x := l.fstringExpr(p.text, pos, e)
		sp := ast.Span{From: l.pos(pos)}
		switch p.conv {
		case 'r':
			x = &ast.Call{Span: sp, Fn: "py.repr", Args: []ast.Expr{x}}
		case 'a':
			x = &ast.Call{Span: sp, Fn: "py.ascii", Args: []ast.Expr{x}}
		case 's':
			x = &ast.Call{Span: sp, Fn: "py.str", Args: []ast.Expr{x}}
		}
		if p.spec != "" {
			x = &ast.Call{Span: sp, Fn: "py.format", Args: []ast.Expr{x, &ast.Lit{Span: sp, Val: ast.String(p.spec)}}}
		}
		out = append(out, x)
	}
	return out
}

// fstringExpr parses the source of one replacement field. The source is padded
// so that positions in it are positions in the file.
func (l *lowerer) fstringExpr(src string, at lexer.Position, e env) ast.Expr {
	pad := strings.Repeat("\n", max(at.Line-1, 0)) + strings.Repeat(" ", max(at.Column-2, 0))
	parsed, err := fstringExprParser.ParseString(l.file, pad+"("+src+")")
	if err != nil {
		perr := parseError(l.file, err)
		perr.Msg = "in f-string: " + perr.Msg
		l.errs = append(l.errs, perr)
		return &ast.Lit{Span: ast.Span{From: l.pos(at)}, Val: ast.Null}
	}
	return l.exprOf(l.lowerExprList(parsed.X, e), at)
}

// advance moves a position over text.
func advance(p lexer.Position, text string) lexer.Position {
	for _, r := range text {
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// strings lowers a run of adjacent string literals: one str constant, or a
// Concat when an f-string is among them.
func (l *lowerer) strings(toks []*grammar.StrPart, e env, sp ast.Span) val {
	var parts []ast.Expr
	hasF := false
	for _, t := range toks {
		if t.FString != "" {
			hasF = true
			parts = append(parts, l.fstring(t.FString, t.Pos, e)...)
			continue
		}
		sl := splitStringToken(t.String)
		if sl.bytes() {
			return l.unsupported(t.Pos, "bytes literal")
		}
		s := sl.body
		if !sl.raw() {
			var err error
			if s, err = unescape(s); err != nil {
				return l.unsupported(t.Pos, err.Error())
			}
		}
		parts = append(parts, &ast.Lit{Span: ast.Span{From: l.pos(t.Pos)}, Val: ast.String(s)})
	}
	parts = mergeLits(parts)
	if !hasF && len(parts) == 1 {
		lit := parts[0].(*ast.Lit)
		lit.Span = sp
		return val{x: lit}
	}
	return val{x: &ast.Concat{Span: sp, Parts: parts, Dialect: ast.Python}}
}

// mergeLits joins neighbouring str constants.
func mergeLits(parts []ast.Expr) []ast.Expr {
	var out []ast.Expr
	for _, p := range parts {
		if lit, ok := p.(*ast.Lit); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(*ast.Lit); ok && prev.Val.Kind() == ast.KindString && lit.Val.Kind() == ast.KindString {
				out[len(out)-1] = &ast.Lit{Span: prev.Span, Val: ast.String(prev.Val.AsString() + lit.Val.AsString())}
				continue
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		out = append(out, &ast.Lit{Val: ast.String("")})
	}
	return out
}
