package eval

import (
	"strings"
	"unicode"
)

// PyLower is Python's str.lower(): the full lower-case mapping (Unicode
// SpecialCasing.txt), where Go's strings.ToLower uses the simple one. The two
// differ in two places (CPython Objects/unicodeobject.c, do_lower and
// handle_capital_sigma):
//   - U+0130 (İ) lowers to "i̇", i and U+0307 COMBINING DOT ABOVE: two code
//     points ("İ".lower() has length 2), not Go's i;
//   - Σ lowers to ς (final sigma) when a cased letter comes before it and
//     none after it, case-ignorable characters skipped both ways ("ΑΣ" is
//     "ας", "Α.Σ" is "α.ς", "ΑΣΑ" and "ΑΣ:Β" keep σ), else to σ.
//
// Python applies no language-specific mapping (Turkish, Lithuanian).
func PyLower(s string) string {
	if !strings.ContainsAny(s, "\u0130\u03a3") {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3a3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3c2)
			} else {
				b.WriteRune(0x3c3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma is Unicode's Final_Sigma condition (Unicode 15.0, 3.13, table
// 3-17) for the Σ at i: \p{cased}\p{case-ignorable}* before it and no
// \p{case-ignorable}*\p{cased} after it.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !cased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && caseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !cased(rs[j])
}

// cased is the Cased property (Unicode 15.0, 3.13 D135): Lowercase,
// Uppercase or a titlecase letter.
func cased(r rune) bool {
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable is the Case_Ignorable property (Unicode 15.0, 3.13 D136):
// the categories Mn, Me, Cf, Lm and Sk, and Word_Break MidLetter,
// MidNumLet or Single_Quote (UAX #29, WordBreakProperty.txt).
func caseIgnorable(r rune) bool {
	switch r {
	case ':', '\u00b7', '\u0387', '\u055f', '\u05f4', '\u2027', '\ufe13', '\ufe55', '\uff1a', // MidLetter
		'.', '\u2018', '\u2019', '\u2024', '\ufe52', '\uff07', '\uff0e', // MidNumLet
		'\'': // Single_Quote
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
