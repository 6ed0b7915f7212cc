package eval

import (
	"slices"
	"testing"

	"github.com/concordsec/concord/ast"
)

// ContextKeys must name exactly the keys the helper's implementation returns
// (less the generated PantherFlow query), so a report of a rule's output
// fields says what the alert really carries.
func TestContextKeysMatchImplementation(t *testing.T) {
	ev, err := ast.ParseJSON([]byte(`{"eventName":"X","p_log_type":"AWS.CloudTrail"}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		fn    string
		first string
	}{
		{"panther.aws_rule_context", "eventName"},
		{"panther.gcp_alert_context", "project"},
		{"panther.github_alert_context", "action"},
	}
	for _, c := range cases {
		keys, ok := ContextKeys(c.fn)
		if !ok || len(keys) == 0 || keys[0] != c.first {
			t.Fatalf("ContextKeys(%s) = %v, %v; want keys starting with %s", c.fn, keys, ok, c.first)
		}
		v, err := Builtins[c.fn].Impl(&Env{}, ast.Pos{}, []ast.Value{ev})
		if err != nil {
			t.Fatalf("%s: %v", c.fn, err)
		}
		got := slices.DeleteFunc(slices.Clone(v.AsObject().Keys), func(k string) bool { return k == "PantherFlow Investigation" })
		if !slices.Equal(got, keys) {
			t.Errorf("%s returns keys %v, ContextKeys says %v", c.fn, got, keys)
		}
	}
	if _, ok := ContextKeys("panther.okta_alert_context"); ok {
		t.Errorf("okta_alert_context is code, not a table: its keys should be unknown")
	}
}
