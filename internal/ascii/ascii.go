// Package ascii holds the byte tests on text that the planner, the
// evaluator and the front ends share. Both platforms compare ASCII letters
// ignoring case far more often than anything else, and a loop over the bytes
// saves lowering a copy on every event.
package ascii

// Is reports whether s holds only ASCII bytes.
func Is(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// EqualLower reports whether b, its letters A to Z lowered, is the start of
// lower: for a b of lower's length, whether b equals lower ignoring ASCII
// case. b is no longer than lower.
func EqualLower[T string | []byte](b T, lower string) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
