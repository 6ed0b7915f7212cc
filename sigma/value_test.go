package sigma

import (
	"regexp"
	"strings"
	"testing"

	"github.com/concordsec/concord/portable"
)

// matchString is portable's meaning of a string test on a string value.
func matchString(t *testing.T, a *portable.Atom, s string) bool {
	t.Helper()
	for _, v := range a.Values {
		x, y := s, v
		if a.Fold && a.Op != portable.Regex {
			x, y = strings.ToLower(x), strings.ToLower(y)
		}
		var ok bool
		switch a.Op {
		case portable.Eq:
			ok = x == y
		case portable.Prefix:
			ok = strings.HasPrefix(x, y)
		case portable.Suffix:
			ok = strings.HasSuffix(x, y)
		case portable.Contains:
			ok = strings.Contains(x, y)
		case portable.Wildcard:
			parts := strings.Split(y, "*")
			for i, p := range parts {
				parts[i] = regexp.QuoteMeta(p)
			}
			ok = regexp.MustCompile("(?s)^" + strings.Join(parts, ".*") + "$").MatchString(x)
		case portable.Regex:
			if a.Fold {
				y = "(?i)" + y
			}
			ok = regexp.MustCompile(y).MatchString(x)
		default:
			t.Fatalf("not a string test: %s", portable.String(a))
		}
		if ok {
			return true
		}
	}
	return false
}

// TestValueSemantics: a Sigma value (with its modifier) read as a portable
// test matches the strings the spec says it matches.
func TestValueSemantics(t *testing.T) {
	for _, tc := range []struct {
		value, mod string
		cased      bool
		yes, no    []string
	}{
		{`x*y`, "", false, []string{"xy", "xABy", "XaY", "x\ny"}, []string{"yx", "xya"}},
		{`x?y`, "", false, []string{"xAy", "x?y"}, []string{"xy", "xABy"}},
		{`x\*y`, "", false, []string{"x*y", "X*Y"}, []string{"xAy", "xy"}},
		{`x\?y`, "", false, []string{"x?y"}, []string{"xAy"}},
		{`C:\Windows\*`, "", false, []string{`C:\Windows*`}, []string{`C:\Windows\x`}},
		{`C:\Windows\\*`, "", false, []string{`C:\Windows\x`, `c:\windows\`}, []string{`C:\Windowsx`}},
		{`C:\Windows\\\*`, "", false, []string{`C:\Windows\*`}, []string{`C:\Windows\x`}},
		{`C:\\\\x`, "", false, []string{`C:\\x`}, []string{`C:\x`}},
		{`end\`, "", false, []string{`end\`}, []string{`end`}},
		{`a?c`, "contains", false, []string{"xxabcxx", "abc"}, []string{"ac", "xxacxx"}},
		{`a*c`, "startswith", false, []string{"abbcdd", "ac"}, []string{"xac"}},
		{`*lit\*`, "endswith", false, []string{"a lit*", "lit*"}, []string{"a lit", "lit*x"}},
		{`Admin`, "", true, []string{"Admin"}, []string{"admin", "ADMIN"}},
		{`Admin`, "contains", true, []string{"xAdminx"}, []string{"xadminx"}},
		{`Admin?`, "", true, []string{"Admins"}, []string{"admins"}},
		{``, "", false, []string{""}, []string{"x"}},
		{``, "contains", false, []string{"", "x"}, nil},
		{`*`, "", false, []string{"", "anything"}, nil},
		{`.+[a]`, "", false, []string{".+[a]"}, []string{"xa"}},
	} {
		parts := withStars(parseSigmaString(tc.value), tc.mod == "contains" || tc.mod == "endswith", tc.mod == "contains" || tc.mod == "startswith")
		a := stringAtom([]string{"f"}, parts, !tc.cased)
		for _, s := range tc.yes {
			if !matchString(t, a, s) {
				t.Errorf("%s|%s %q (%s) should match %q", tc.value, tc.mod, tc.value, portable.String(a), s)
			}
		}
		for _, s := range tc.no {
			if matchString(t, a, s) {
				t.Errorf("%s|%s %q (%s) should not match %q", tc.value, tc.mod, tc.value, portable.String(a), s)
			}
		}
	}
}

// TestEscapeValue: literal text written by Print reads back as that text,
// and wildcard text as the same pattern.
func TestEscapeValue(t *testing.T) {
	for _, s := range []string{"", "plain", "a*b", "a?b", `\`, `\\`, `\*`, `a\`, `C:\Windows\System32`, `\\\?*`, "*", "??", `x\y*z\`} {
		parts := parseSigmaString(escapeValue(s, false))
		if len(s) == 0 && len(parts) == 0 {
			continue
		}
		if len(parts) != 1 || parts[0].lit != s {
			t.Errorf("%q written as %q reads as %+v", s, escapeValue(s, false), parts)
		}
		// As a wildcard pattern: the stars stay wildcards, the rest literal.
		w := parseSigmaString(escapeValue(s, true))
		var b strings.Builder
		for _, p := range w {
			switch {
			case p.star:
				b.WriteByte('*')
			case p.one:
				t.Errorf("%q as a wildcard has a ?", s)
			default:
				if strings.Contains(p.lit, "*") {
					t.Errorf("%q as a wildcard has a literal star", s)
				}
				b.WriteString(p.lit)
			}
		}
		if got := b.String(); got != regexp.MustCompile(`\*+`).ReplaceAllString(s, "*") {
			t.Errorf("%q as a wildcard reads as %q", s, got)
		}
	}
}
