package ascii

import (
	"strings"
	"testing"
)

func TestIs(t *testing.T) {
	for s, want := range map[string]bool{"": true, "GetObject 1/2": true, "caf\u00e9": false, "\u212aey": false, "\x7f": true, "\x80": false} {
		if got := Is(s); got != want {
			t.Errorf("Is(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestEqualLower holds EqualLower to strings.ToLower on ASCII texts, and shows
// it lowers only A to Z: the Kelvin sign, whose lower case is k, is not k.
func TestEqualLower(t *testing.T) {
	for _, tc := range []struct {
		b, lower string
		want     bool
	}{
		{"DeleteTrail", "deletetrail", true},
		{"deletetrail", "deletetrail", true},
		{"DELETETRAIL", "deletetrail", true},
		{"DeleteTrai1", "deletetrail", false},
		{"Delete", "deletetrail", true}, // a prefix
		{"@[`{", "@[`{", true},          // the bytes next to the letters stay
		{"@", "`", false},
		{"\u212a", "k", false},
		{"", "x", true},
	} {
		if got := EqualLower(tc.b, tc.lower); got != tc.want {
			t.Errorf("EqualLower(%q, %q) = %v, want %v", tc.b, tc.lower, got, tc.want)
		}
		if got := EqualLower([]byte(tc.b), tc.lower); got != tc.want {
			t.Errorf("EqualLower([]byte(%q), %q) = %v, want %v", tc.b, tc.lower, got, tc.want)
		}
		if Is(tc.b) && len(tc.b) <= len(tc.lower) {
			if want := strings.ToLower(tc.b) == tc.lower[:len(tc.b)]; want != tc.want {
				t.Errorf("%q, %q: strings.ToLower says %v", tc.b, tc.lower, want)
			}
		}
	}
}
