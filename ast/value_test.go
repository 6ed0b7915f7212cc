package ast

import "testing"

func TestMultiAndClone(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		want int
	}{{Missing, 0}, {Null, 0}, {String("a"), 1}, {List(String("a"), Int(1)), 2}} {
		if got := len(Multi(tc.v)); got != tc.want {
			t.Errorf("Multi(%s) has %d values, want %d", JSON(tc.v), got, tc.want)
		}
	}
	if !MultiOf(nil).IsNull() || JSON(MultiOf([]Value{Int(1)})) != "1" || JSON(MultiOf([]Value{Int(1), Int(2)})) != "[1,2]" {
		t.Error("MultiOf")
	}
	o := &Object{}
	o.Set("a", Int(1))
	c := o.Clone()
	c.Set("a", Int(2))
	c.Set("b", Int(3))
	if v, _ := o.Get("a"); v.AsInt() != 1 || o.Len() != 1 {
		t.Errorf("changing the clone changed the original: %s", JSON(ObjectOf(o)))
	}
}

// Repr quotes strings as CPython's repr does: 'x' unless the text has a
// single quote and no double one; non-printable characters escaped by size.
// (python3 -c "print(repr('a\x7fb\u200bc\U000e0001'), repr(\"it's\"), repr('\x85é'))")
func TestReprStrings(t *testing.T) {
	for in, want := range map[string]string{
		"a\x7fb\u200bc\U000e0001": `'a\x7fb\u200bc\U000e0001'`,
		"it's":                    `"it's"`,
		"\u0085é":                 `'\x85é'`,
		"{x}\t\\":                 `'{x}\t\\'`,
	} {
		if got := String(in).Repr(); got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}

func TestSetPath(t *testing.T) {
	v, _ := ParseJSON([]byte(`{"a":{"b":1},"c":"x"}`))
	o := v.AsObject()
	o.SetPath([]string{"a", "d"}, Int(2))
	o.SetPath([]string{"c", "e"}, String("y")) // a string on the way becomes an object
	o.SetPath([]string{"f"}, Missing)          // sets nothing
	if got := JSON(v); got != `{"a":{"b":1,"d":2},"c":{"e":"y"}}` {
		t.Errorf("got %s", got)
	}
}

func TestDeletePath(t *testing.T) {
	v, _ := ParseJSON([]byte(`{"a":{"b":1,"d":2},"c":"x"}`))
	o := v.AsObject()
	o.DeletePath([]string{"a", "b"})
	o.DeletePath([]string{"c", "e"}) // a string on the way: nothing to delete
	o.DeletePath([]string{"z", "y"})
	o.DeletePath(nil)
	if got := JSON(v); got != `{"a":{"d":2},"c":"x"}` {
		t.Errorf("got %s", got)
	}
}
