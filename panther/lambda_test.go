package panther

import (
	"strings"
	"testing"
)

// TestLambda runs lambdas where concord can carry them; the expected values
// are CPython 3's (checked with python3 on the same functions).
func TestLambda(t *testing.T) {
	table := "m = {'a': lambda p: p.get('x', {}), 'b': lambda p: len(p)}\n    f = m.get(event.get('k'))\n    if not f:\n        return False\n    return f(event.get('p'))"
	tests := []struct {
		name, body, event, want string
	}{
		{"dict of lambdas, first", table, `{"k":"a","p":{"x":5}}`, "5"},
		{"dict of lambdas, second", table, `{"k":"b","p":{"x":5,"y":1}}`, "2"},
		{"dict of lambdas, missing key", table, `{"k":"c"}`, "False"},
		{"lambda bound to a name", "f = lambda a, b: a + b\n    return f(event.get('a'), 2)", `{"a":1}`, "3"},
		{"subscript then call", "m = {'a': lambda p: p * 2}\n    return m[event.get('k')](event.get('v'))", `{"k":"a","v":"xy"}`, "'xyxy'"},
		{"subscript of a missing key raises", "m = {'a': lambda p: p * 2}\n    return m[event.get('k')](event.get('v'))", `{"k":"z","v":1}`, "raise KeyError"},
		// CPython raises TypeError ('NoneType' object is not callable); concord
		// does not model it and says so.
		{"calling None", "m = {'a': lambda p: p}\n    return m.get(event.get('k'))(1)", `{"k":"z"}`, "unsupported"},
		{"module constant in the body", "return (lambda p: p + OFFSET)(1)", `{}`, "11"},
		// sorted(key=) is stable and compares keys only; reverse=True keeps
		// equal keys in their original order.
		{"sorted by key", "return sorted(event.get('xs'), key=lambda x: x['v'])", `{"xs":[{"n":"b","v":2},{"n":"a","v":1},{"n":"c","v":2}]}`, "[{'n': 'a', 'v': 1}, {'n': 'b', 'v': 2}, {'n': 'c', 'v': 2}]"},
		{"sorted by key reversed", "return sorted(event.get('xs'), key=lambda x: x['v'], reverse=True)", `{"xs":[{"n":"b","v":2},{"n":"a","v":1},{"n":"c","v":2}]}`, "[{'n': 'b', 'v': 2}, {'n': 'c', 'v': 2}, {'n': 'a', 'v': 1}]"},
		{"sorted dict keys", "return sorted(event.get('d'), key=lambda k: k)", `{"d":{"b":1,"a":2}}`, "['a', 'b']"},
		{"sorted keys that do not compare", "return sorted(event.get('xs'), key=lambda x: x)", `{"xs":[1,"a"]}`, "raise TypeError"},
		{"min by key keeps the first", "return min(event.get('xs'), key=lambda s: s == 'x')", `{"xs":["a","x","b"]}`, "'a'"},
		{"max by key", "return max(event.get('xs'), key=lambda s: s == 'x')", `{"xs":["a","x","b"]}`, "'x'"},
		{"min of nothing", "return min(event.get('xs'), key=lambda s: s)", `{"xs":[]}`, "raise ValueError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "OFFSET = 10\n\ndef rule(event):\n    " + tc.body + "\n"
			got, _ := runPy(t, src, tc.event, nil)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestLambdaUnsupported lists lambda uses concord reports rather than runs.
func TestLambdaUnsupported(t *testing.T) {
	tests := []struct{ name, body, want string }{
		// Python reads n when the lambda runs (late binding); concord would not.
		{"enclosing local", "n = 1\n    f = lambda p: p + n\n    n = 2\n    return f(1)", "of the enclosing function read by a lambda"},
		{"as a value", "return [lambda p: p]", "lambda used as a value"},
		{"map", "return list(map(lambda x: -x, event.get('xs')))", "lambda passed to map()"},
		// min() calls the key and compares as it goes: a key that may raise
		// could raise in another order than concord's.
		{"min key that may raise", "return min(event.get('xs'), key=lambda x: len(x))", "key= of min() that may raise"},
		{"default parameter", "f = lambda p=1: p\n    return f()", "lambda with *args or default parameters"},
		{"mixed dict", "m = {'a': lambda p: p, 'b': 1}\n    return m", "dict display mixing lambdas and other values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, errs := ParsePython("t.py", []byte("def rule(event):\n    "+tc.body+"\n"))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if len(prog.Unsupported) == 0 || !strings.Contains(prog.Unsupported.Error(), tc.want) {
				t.Errorf("unsupported %v, want %q", prog.Unsupported, tc.want)
			}
		})
	}
}
