package panther

import "testing"

// FuzzParsePython checks that no input makes parsing or lowering panic.
func FuzzParsePython(f *testing.F) {
	seeds := []string{
		"def rule(event):\n    return event.get('a') == 1\n",
		"def rule(event):\n    if x:\n        return f\"{event.get('a')!r:>3}\"\n    return [y for y in z]\n",
		"X = {'a'}\ndef h(e, k=1):\n    return h(e)\ndef rule(event):\n    return h(event) and event.deep_get('a', default=X)\n",
		"def rule(event):\n\tif a:\n  return 1\n",
		"f'{'\n", "f\"{a:{b}}\"\n", "'\\x'\n", "(((\n", "def rule(e):\n    a, b = 1\n    return a\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = ParsePython("fuzz.py", src)
	})
}
