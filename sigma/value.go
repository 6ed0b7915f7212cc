package sigma

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/portable"
)

// part is one piece of a Sigma string value: literal text, or the wildcard
// `*` (any run of characters) or `?` (exactly one character).
type part struct {
	lit       string
	star, one bool
}

// parseSigmaString splits a plain Sigma value into literal text and
// wildcards, with the escapes of the specification (section Escape
// Character, as pySigma's SigmaString reads them): a backslash escapes `*`,
// `?` and itself; before any other character, and at the end, it is a plain
// backslash.
func parseSigmaString(s string) []part {
	var out []part
	var acc strings.Builder
	flush := func() {
		if acc.Len() > 0 {
			out = append(out, part{lit: acc.String()})
			acc.Reset()
		}
	}
	escaped := false
	for _, c := range s {
		switch {
		case escaped:
			if c != '*' && c != '?' && c != '\\' {
				acc.WriteByte('\\')
			}
			acc.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == '*' || c == '?':
			flush()
			if c == '*' {
				// Consecutive stars are one star.
				if n := len(out); n > 0 && out[n-1].star {
					continue
				}
				out = append(out, part{star: true})
			} else {
				out = append(out, part{one: true})
			}
		default:
			acc.WriteRune(c)
		}
	}
	if escaped {
		acc.WriteByte('\\')
	}
	flush()
	return out
}

// withStars puts the wildcards contains, startswith and endswith add (as
// pySigma does: only where the value does not already have one).
func withStars(parts []part, lead, trail bool) []part {
	if lead && (len(parts) == 0 || !parts[0].star) {
		parts = append([]part{{star: true}}, parts...)
	}
	if trail && (len(parts) == 0 || !parts[len(parts)-1].star) {
		parts = append(parts, part{star: true})
	}
	return parts
}

// stringAtom is the closest portable test for a Sigma string value: eq,
// prefix, suffix, contains or wildcard when one of them says exactly the
// pattern, a regex (anchored at both ends) otherwise (a `?`, or a literal `*`
// next to wildcards).
func stringAtom(field []string, parts []part, fold bool) *portable.Atom {
	a := &portable.Atom{Field: field, Fold: fold}
	stars, ones, litStar := 0, 0, false
	for _, p := range parts {
		switch {
		case p.star:
			stars++
		case p.one:
			ones++
		case strings.Contains(p.lit, "*"):
			litStar = true
		}
	}
	n := len(parts)
	switch {
	case ones == 0 && stars == 0:
		a.Op = portable.Eq
		a.Values = []string{joinLits(parts)}
	case ones == 0 && n == 3 && parts[0].star && parts[2].star:
		a.Op, a.Values = portable.Contains, []string{parts[1].lit}
	case ones == 0 && n == 2 && parts[1].star && !parts[0].star:
		a.Op, a.Values = portable.Prefix, []string{parts[0].lit}
	case ones == 0 && n == 2 && parts[0].star && !parts[1].star:
		a.Op, a.Values = portable.Suffix, []string{parts[1].lit}
	case ones == 0 && !litStar:
		var b strings.Builder
		for _, p := range parts {
			if p.star {
				b.WriteByte('*')
			} else {
				b.WriteString(p.lit)
			}
		}
		a.Op, a.Values = portable.Wildcard, []string{b.String()}
	default:
		var b strings.Builder
		b.WriteString("(?s)^")
		for _, p := range parts {
			switch {
			case p.star:
				b.WriteString(".*")
			case p.one:
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(p.lit))
			}
		}
		b.WriteString("$")
		a.Op, a.Values = portable.Regex, []string{b.String()}
	}
	return a
}

func joinLits(parts []part) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.lit)
	}
	return b.String()
}

// escapeValue writes literal text as a Sigma value: `*` and `?` escaped, and
// a backslash doubled only where it would otherwise escape what follows
// (SigmaHQ writes the plain `\` of Windows paths single). wild keeps `*` a
// wildcard (portable's Wildcard values).
func escapeValue(s string, wild bool) string {
	var b strings.Builder
	rs := []rune(s)
	for i, c := range rs {
		switch c {
		case '*':
			if !wild {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		case '?':
			b.WriteString(`\?`)
		case '\\':
			b.WriteByte('\\')
			if i+1 < len(rs) && (rs[i+1] == '*' || rs[i+1] == '?' || rs[i+1] == '\\') {
				b.WriteByte('\\')
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
