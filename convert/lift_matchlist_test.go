package convert

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// A simple detection's string conditions hold on a list when an element
// passes, and their inverse conditions fail there (panther/detection.go's
// reading of the match-expression reference,
// https://docs.panther.com/detections/rules/writing-simple-detections/match-expression:
// "String conditions ... match ... a list when any element matches"). The
// lifted condition gives each event the verdict concord's Panther run gives
// it, for a field holding a string, a list holding the value, a list
// without it, and a list of non-strings.
func TestConditionSimpleDetectionLists(t *testing.T) {
	c := compiled(t, paRules+"github_rules/github_repo_made_public_simple.yml")
	cond, _ := lift(t, c)
	base := `"action":"repo.access","org":"acme","previous_visibility":"private"`
	for _, tc := range []struct {
		name, fields string
		want         bool
	}{
		{"visibility a string", `"visibility":"Public","repo":"acme/payments"`, true},
		// IEquals PUBLIC of a list holding "Public": an element passes.
		{"visibility a list holding it", `"visibility":["Public"],"repo":"acme/payments"`, true},
		{"visibility a list holding it second", `"visibility":["private","PUBLIC"],"repo":"acme/payments"`, true},
		{"visibility a list without it", `"visibility":["private"],"repo":"acme/payments"`, false},
		{"visibility an empty list", `"visibility":[],"repo":"acme/payments"`, false},
		{"visibility a list of numbers", `"visibility":[1,2],"repo":"acme/payments"`, false},
		// IDoesNotEndWith -DOCS: a list with an element ending so fails it.
		{"repo a list ending in -docs", `"visibility":"public","repo":["acme/handbook-docs"]`, false},
		{"repo a list with one element ending in -docs", `"visibility":"public","repo":["acme/x","acme/y-DOCS"]`, false},
		{"repo a list without -docs", `"visibility":"public","repo":["acme/payments"]`, true},
		// DoesNotStartWith sandbox-org/ of a list.
		{"repo a list starting with sandbox-org/", `"visibility":"public","repo":["sandbox-org/demo"]`, false},
		// IStartsWith ext- of a list-valued actor (an Any alternative).
		{"actor a list starting with ext-", `"visibility":"public","repo":"acme/p","actor":["EXT-m"],"actor_location":{"country_code":"US"}`, true},
		{"actor a list not starting with ext-", `"visibility":"public","repo":"acme/p","actor":["bob"],"actor_location":{"country_code":"US"}`, false},
	} {
		if !strings.Contains(tc.fields, `"actor"`) {
			tc.fields += `,"actor":"ext-mallory"`
		}
		raw := "{" + base + "," + tc.fields + "}"
		v, err := ast.ParseJSON([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res, err := c.Run([]harness.Event{{Source: tc.name, Raw: raw, Value: v}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Verdicts[0].Hit; got != tc.want {
			t.Errorf("%s: Panther %v, want %v", tc.name, got, tc.want)
		}
		if got := portable.Holds(cond, v); got != tc.want {
			t.Errorf("%s: portable %v, want %v (%s)", tc.name, got, tc.want, raw)
		}
	}
}
