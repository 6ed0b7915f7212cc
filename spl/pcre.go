package spl

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// translatePCRE turns a Splunk (PCRE) regular expression into an RE2 one for
// Go's regexp. Named groups written (?<name>...) or (?'name'...) become
// (?P<name>...). reason is non-empty when the pattern uses something RE2 does
// not have (backreferences, lookaround, atomic groups, possessive quantifiers)
// or that Go rejects; the caller reports it as unsupported rather than as a
// syntax error, since PCRE may well accept it.
func translatePCRE(p string) (re, reason string) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			if !inClass && (n >= '1' && n <= '9' || n == 'k' || n == 'g') {
				return "", fmt.Sprintf("backreference \\%c is not supported by RE2", n)
			}
			b.WriteByte(c)
			b.WriteByte(n)
			i++
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			// A ] right after [ or [^ is a literal member of the class.
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
			continue
		case c == '(' && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
				return "", "lookaround (?" + rest[:1] + " is not supported by RE2"
			case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				return "", "lookaround (?" + rest[:2] + " is not supported by RE2"
			case strings.HasPrefix(rest, ">"):
				return "", "atomic group (?> is not supported by RE2"
			case strings.HasPrefix(rest, "<"):
				b.WriteString("(?P<")
				i += 2
				continue
			case strings.HasPrefix(rest, "'"):
				end := strings.IndexByte(rest[1:], '\'')
				if end < 0 {
					break
				}
				b.WriteString("(?P<" + rest[1:1+end] + ">")
				i += 2 + end + 1
				continue
			}
		case (c == '+') && i > 0 && strings.ContainsRune("*+?}", rune(p[i-1])) && !(i > 1 && p[i-2] == '\\'):
			return "", "possessive quantifier " + p[i-1:i+1] + " is not supported by RE2"
		}
		b.WriteByte(c)
	}
	re = b.String()
	if _, err := regexp.Compile(re); err != nil {
		msg := err.Error()
		if e, ok := err.(*syntax.Error); ok {
			msg = string(e.Code) + ": " + e.Expr
		}
		return "", "RE2 rejects it (" + msg + ")"
	}
	return re, ""
}

// parseSed reads a rex mode=sed expression (Search Reference, rex:
// s/regex/replacement/flags with g or a number N as flags and \N
// backreferences in the replacement; y/chars/chars/ for transliteration).
func parseSed(text string) (*ast.SedExpr, string) {
	if len(text) < 2 || (text[0] != 's' && text[0] != 'y') {
		return nil, "expected s/regex/replacement/flags or y/from/to/"
	}
	delim := text[1]
	var parts []string
	var cur strings.Builder
	for i := 2; i < len(text); i++ {
		c := text[i]
		if c == '\\' && i+1 < len(text) {
			if text[i+1] == delim {
				cur.WriteByte(delim)
			} else {
				cur.WriteByte(c)
				cur.WriteByte(text[i+1])
			}
			i++
			continue
		}
		if c == delim {
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	parts = append(parts, cur.String())
	if len(parts) != 3 {
		return nil, fmt.Sprintf("expected 3 parts separated by %q, got %d", delim, len(parts))
	}
	se := &ast.SedExpr{Kind: text[0]}
	if se.Kind == 'y' {
		from, to := []rune(parts[0]), []rune(parts[1])
		if len(from) != len(to) || parts[2] != "" {
			return nil, "y/from/to/ needs two sets of the same length and no flags"
		}
		se.Pattern, se.Replacement = parts[0], parts[1]
		return se, ""
	}
	re, reason := translatePCRE(parts[0])
	if reason != "" {
		return nil, reason
	}
	se.Pattern = re
	switch flags := parts[2]; {
	case flags == "":
	case flags == "g":
		se.Global = true
	default:
		n, err := strconv.Atoi(flags)
		if err != nil || n < 1 {
			return nil, "flags must be g or a number"
		}
		se.Nth = n
	}
	// \N is a backreference; Go's Expand syntax needs $ escaped as $$.
	var b strings.Builder
	repl := parts[1]
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '\\' && i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9':
			b.WriteString("${" + string(repl[i+1]) + "}")
			i++
		case c == '\\' && i+1 < len(repl):
			b.WriteByte(repl[i+1])
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	se.Replacement = b.String()
	return se, ""
}
