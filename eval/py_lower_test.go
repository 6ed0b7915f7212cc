package eval

import "testing"

// Python's str.lower() is full lower-casing; the expected values are
// CPython 3.11's (python3 -c 'print(ascii(s.lower()))').
func TestPyLower(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ABC", "abc"},
		{"\u0130", "i\u0307"},             // İ: two code points
		{"x.on\u0130on", "x.oni\u0307on"}, // so ".onİon" does not lower to ".onion"
		{"\u212a", "k"},                   // the Kelvin sign
		{"\u017f", "\u017f"},              // ſ is already lower case
		{"\u0391\u03a3", "\u03b1\u03c2"},  // ΑΣ: final sigma
		{"\u03a3", "\u03c3"},              // no cased letter before it
		{"\u0391\u03a3 \u0392", "\u03b1\u03c2 \u03b2"},
		{"\u0391.\u03a3", "\u03b1.\u03c2"}, // . is case-ignorable
		{"\u0391\u03a3\u0301", "\u03b1\u03c2\u0301"},
		{"\u0391\u03a3\u0391", "\u03b1\u03c3\u03b1"},
		{"\u0391\u03a3:\u0392", "\u03b1\u03c3:\u03b2"}, // a cased letter after the ignorable :
		{"\u0391\u03a3\u2019", "\u03b1\u03c2\u2019"},
	} {
		if got := PyLower(tc.in); got != tc.want {
			t.Errorf("PyLower(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
	}
}
