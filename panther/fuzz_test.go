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
		// Loops, try, comprehensions, walrus, globals.
		"def rule(e):\n    for x in e.get('a'):\n        if x:\n            break\n        continue\n    else:\n        return 1\n    return x\n",
		"def rule(e):\n    try:\n        y = int(e['a'])\n    except (KeyError, ValueError):\n        return False\n    else:\n        y += 1\n    return y > 2\n",
		"G = 1\ndef rule(e):\n    global G\n    G = {k: v for k, v in e.items() if v}\n    return any(x for x in G) and (n := len(G))\ndef title(e):\n    return G\n",
		"def rule(e):\n    xs = []\n    for a in e:\n        for b in a:\n            xs.append(b)\n    return next((x for x in xs), None)\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = ParsePython("fuzz.py", src)
	})
}
