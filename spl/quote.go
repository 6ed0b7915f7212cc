package spl

import "strings"

// unquote removes the double (or single) quotes around s and resolves the two
// escapes SPL strings have: \" (or \') and \\. Any other backslash is kept, so
// Windows paths and regular expressions survive as written.
func unquote(s string) string {
	if len(s) < 2 {
		return s
	}
	q := s[0]
	inner := s[1 : len(s)-1]
	if !strings.ContainsRune(inner, '\\') {
		return inner
	}
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' && i+1 < len(inner) && (inner[i+1] == q || inner[i+1] == '\\') {
			i++
		}
		b.WriteByte(inner[i])
	}
	return b.String()
}

// unquoteWord removes the double quotes around a word, if it has them.
func unquoteWord(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return unquote(s)
	}
	return s
}
