package portable

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// Each line of the package doc, on the kinds of value an event can hold.
func TestHolds(t *testing.T) {
	ev := func(js string) ast.Value {
		v, err := ast.ParseJSON([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	at := func(field string, op Op, fold bool, vals ...string) *Atom {
		return &Atom{Field: []string{field}, Op: op, Values: vals, Fold: fold}
	}
	same := func(fold bool) *Atom {
		return &Atom{Field: []string{"a"}, Op: Same, Ref: []string{"b", "c"}, Fold: fold}
	}
	for _, c := range []struct {
		x    Expr
		ev   string
		want bool
	}{
		{at("e", Eq, false, "DeleteTrail"), `{"e":"DeleteTrail"}`, true},
		// Any: some element of a list; fields read from the element.
		{&Any{Path: []string{"l"}, X: at("c", Eq, false, "x")}, `{"l":[{"c":"y"},{"c":"x"}]}`, true},
		{&Any{Path: []string{"l"}, X: at("c", Eq, false, "x")}, `{"l":{"c":"x"}}`, false}, // an object is no list
		{&Any{Path: []string{"l"}, X: at("c", Eq, false, "x")}, `{"l":["x", 1, null]}`, false},
		{&Any{Path: []string{"l"}, X: &Atom{Op: Eq, Values: []string{"x"}}}, `{"l":["y", "x"]}`, true},
		{&Any{Path: []string{"l"}, X: &Not{X: at("c", Exists, false)}}, `{"l":[]}`, false},
		{&Not{X: &Any{Path: []string{"l"}, X: at("c", Eq, false, "x")}}, `{}`, true},
		{&Any{Path: []string{"a"}, X: &Any{Path: []string{"b"}, X: at("c", Eq, true, "X")}}, `{"a":[{"b":[{"c":"y"}]},{"b":[{"c":"x"}]}]}`, true},
		{&Any{Path: []string{"l"}, X: &And{Xs: []Expr{at("c", Eq, false, "x"), at("d", Eq, false, "y")}}}, `{"l":[{"c":"x"},{"d":"y"}]}`, false}, // one element for both
		{at("e", Eq, false, "DeleteTrail"), `{"e":"deletetrail"}`, false},
		{at("e", Eq, true, "DeleteTrail"), `{"e":"deletetrail"}`, true},
		// Parse: a string holding JSON text, read as the value it spells.
		{&Parse{Path: []string{"p"}, X: at("v", Eq, false, "1")}, `{"p":"{\"v\":\"1\"}"}`, true},
		{&Parse{Path: []string{"p"}, X: at("v", Eq, false, "1")}, `{"p":" {\"v\":\"1\"}\n"}`, true}, // white space around
		{&Parse{Path: []string{"p"}, X: at("v", Eq, false, "1")}, `{"p":{"v":"1"}}`, false},         // an object is not parsed
		{&Parse{Path: []string{"p"}, X: at("v", Eq, false, "1")}, `{"p":"{\"v\":\"1\""}`, false},    // not JSON
		{&Parse{Path: []string{"p"}, X: at("v", Eq, false, "1")}, `{"p":"{\"v\":\"1\"} x"}`, false}, // text after the value
		{&Parse{Path: []string{"p"}, X: at("v", Exists, false)}, `{"p":"{\"v\":NaN}"}`, false},      // NaN is no JSON
		{&Parse{Path: []string{"p"}, X: &Not{X: at("v", Exists, false)}}, `{"p":"[]"}`, true},       // a list has no fields
		{&Parse{Path: []string{"p"}, X: &Not{X: at("v", Exists, false)}}, `{"p":5}`, false},         // a number is no text
		{&Parse{Path: []string{"p"}, X: &Not{X: at("v", Exists, false)}}, `{}`, false},
		{&Not{X: &Parse{Path: []string{"p"}, X: at("v", Exists, false)}}, `{}`, true},
		{&Parse{Path: []string{"p"}, X: &Atom{Op: Eq, Values: []string{"x"}}}, `{"p":"\"x\""}`, true}, // the value itself
		{&Parse{Path: []string{"p"}, X: &Any{Path: []string{"l"}, X: at("c", Eq, false, "x")}}, `{"p":"{\"l\":[{\"c\":\"x\"}]}"}`, true},
		{at("e", Eq, false, "5"), `{"e":5}`, false}, // strings only
		{at("e", Eq, false, "true"), `{"e":true}`, false},
		{at("e", Eq, false, "x"), `{"e":["x"]}`, false},
		{at("e", Eq, false, ""), `{}`, false},
		{&Not{X: at("e", Eq, false, "x")}, `{}`, true}, // plain negation
		{&Not{X: at("e", Eq, false, "x")}, `{"e":null}`, true},
		{at("e", Exists, false), `{"e":""}`, true},
		{at("e", Bool, false, "true"), `{"e":true}`, true},
		{at("e", Bool, false, "true"), `{"e":"true"}`, false}, // a boolean, not its text
		{at("e", Bool, false, "false"), `{"e":false}`, true},
		{at("e", Bool, false, "false"), `{}`, false},
		{at("e", Exists, false), `{"e":null}`, false},
		{at("e", Exists, false), `{"e":[]}`, true},
		{at("e", Prefix, true, "Del"), `{"e":"deleteTrail"}`, true},
		{at("e", Suffix, false, "Trail"), `{"e":"DeleteTrail"}`, true},
		{at("e", Contains, true, "TRAIL"), `{"e":"DeleteTrails"}`, true},
		{at("e", Wildcard, false, "Del*Trail"), `{"e":"Delete\nTrail"}`, true},
		{at("e", Wildcard, false, "Del*Trail"), `{"e":"DeleteTrails"}`, false},
		{at("e", Regex, false, "^Del"), `{"e":"xDel"}`, false},
		{at("e", Regex, true, "trail$"), `{"e":"DeleteTrail"}`, true},
		{at("e", CIDR, false, "10.0.0.0/8"), `{"e":"10.1.2.3"}`, true},
		{at("e", CIDR, false, "10.1.2.3"), `{"e":"10.1.2.3"}`, true},
		{at("e", CIDR, false, "10.0.0.0/8"), `{"e":"fe80::1%eth0"}`, false},
		{at("e", Gt, false, "5"), `{"e":6}`, true},
		{at("e", Gt, false, "5"), `{"e":" 6 "}`, true},
		{at("e", Gt, false, "5"), `{"e":"0x10"}`, false},
		{at("e", Gt, false, "0"), `{"e":true}`, false},
		{&Atom{Op: Success}, `{"errorCode":""}`, true},
		{&Atom{Op: Success}, `{"errorMessage":"denied"}`, false},
		{&Atom{Op: Success}, `{"errorCode":0}`, true},
		{&Atom{Field: []string{"u", "type"}, Op: Eq, Values: []string{"Root"}}, `{"u":{"type":"Root"}}`, true},
		// Same: two equal strings; nothing else equals anything.
		{same(false), `{"a":"x","b":{"c":"x"}}`, true},
		{same(false), `{"a":"x","b":{"c":"X"}}`, false},
		{same(true), `{"a":"x","b":{"c":"X"}}`, true},
		{same(false), `{"a":"x","b":{"c":"y"}}`, false},
		{same(false), `{"a":"","b":{"c":""}}`, true},
		{same(false), `{}`, false}, // both missing
		{same(false), `{"a":null,"b":{"c":null}}`, false},
		{same(false), `{"a":"x"}`, false},
		{same(false), `{"a":5,"b":{"c":5}}`, false},
		{same(false), `{"a":"5","b":{"c":5}}`, false},
		{same(false), `{"a":["x"],"b":{"c":["x"]}}`, false},
		{&Not{X: same(false)}, `{}`, true},
		{&Or{}, `{}`, false},
		{&And{}, `{}`, true},
	} {
		if got := Holds(c.x, ev(c.ev)); got != c.want {
			t.Errorf("%s on %s: %v, want %v", String(c.x), c.ev, got, c.want)
		}
	}
}
