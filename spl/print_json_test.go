package spl_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/spl"
)

// A test of the value a field's JSON text spells (spl/print_json.go) is
// printed over the field Splunk's JSON extraction makes of a string (no
// field of that name is extracted for an object or a list), guarded by
// json_valid (Search Reference, "JSON functions", json_valid) and by the
// text starting with "{" after white space (RFC 8259 section 2), and read
// with eval's spath(X, "path"), which parses text (Search Reference, "Text
// functions", spath). concord's eval runs both (eval/spl_text.go).
func TestPrintParse(t *testing.T) {
	doc := []string{"requestParameters", "policyDocument"}
	stmt := &portable.Any{Path: []string{"Statement"}, X: and(atom("Effect", portable.Eq, "Allow"), atom("Resource", portable.Eq, "*"))}
	cond := and(atom("eventName", portable.Eq, "CreatePolicy"), &portable.Parse{Path: doc, X: &portable.Or{Xs: []portable.Expr{
		stmt, and(atom("Statement.Effect", portable.Eq, "Allow"), atom("Statement.Resource", portable.Eq, "*")),
	}}})
	ev := func(policy ast.Value) ast.Value {
		o := event(t, `{"eventName":"CreatePolicy"}`).AsObject()
		o.SetPath(doc, policy)
		return ast.ObjectOf(o)
	}
	text := func(s string) ast.Value { return ast.String(s) }
	obj := func(s string) ast.Value {
		v, err := ast.ParseJSON([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := &portable.Rule{
		Name: "Policy Grants Everything", ID: "P.All", LogType: "AWS.CloudTrail",
		Meta:  ast.Meta{Description: "x", Severity: "High"},
		Cond:  cond,
		Tests: []portable.Test{{Name: "all", Expected: true, Event: ev(text(`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`))}},
	}
	p, _, c := loadPrinted(t, r)
	search := string(p.Files[p.Detection])
	for _, want := range []string{
		`| eval any_Statement=spath('requestParameters.policyDocument', "Statement{}")`,
		`(isnotnull('requestParameters.policyDocument') AND json_valid('requestParameters.policyDocument') AND match('requestParameters.policyDocument', "^[\\t\\n\\r ]*\\{") AND (`,
	} {
		if !strings.Contains(search, want) {
			t.Fatalf("no %s in\n%s", want, search)
		}
	}
	for _, tc := range []struct {
		name string
		ev   ast.Value
		want bool
	}{
		{"text of a list of statements", ev(text(`{"Statement":[{"Effect":"Deny"},{"Effect":"Allow","Resource":"*"}]}`)), true},
		{"indented text", ev(text("\n  {\"Statement\": {\"Effect\": \"Allow\", \"Resource\": \"*\"}}\n")), true},
		{"an object, not text", ev(obj(`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`)), false},
		{"text of a list", ev(text(`[{"Statement":[{"Effect":"Allow","Resource":"*"}]}]`)), false},
		{"text of a string", ev(text(strconv.Quote(`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`))), false},
		{"text that is not JSON", ev(text(`{"Statement":[{"Effect":"Allow","Resource":"*"}]`)), false},
		{"text after the value", ev(text(`{"Statement":[{"Effect":"Allow","Resource":"*"}]} x`)), false},
		{"a number", ev(ast.Int(5)), false},
		{"missing", event(t, `{"eventName":"CreatePolicy"}`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := portable.Holds(r.Cond, tc.ev); got != tc.want {
				t.Fatalf("portable %v, want %v", got, tc.want)
			}
			if got := hit(t, c, tc.ev); got != tc.want {
				t.Errorf("printed %v, want %v: %s", got, tc.want, ast.JSON(tc.ev))
			}
			// Under NOT, the guards keep the test true or false.
			n := *r
			n.Cond = and(atom("eventName", portable.Eq, "CreatePolicy"), not(r.Cond.(*portable.And).Xs[1]))
			_, _, nc := loadPrinted(t, &n)
			if got := hit(t, nc, tc.ev); got == tc.want {
				t.Errorf("negated: printed %v, want %v", got, !tc.want)
			}
		})
	}
	// spath applies a key to every element of a list on its way (a.b where
	// a is a list reads every element's b): the fields of two statements
	// pass the lone statement's test. A lossy point.
	split := ev(text(`{"Statement":[{"Effect":"Allow"},{"Resource":"*"}]}`))
	if portable.Holds(r.Cond, split) || !hit(t, c, split) || !slices.ContainsFunc(p.Lossy, func(l portable.Lossy) bool {
		return l.Either && strings.Contains(l.Reason, "reads the b of every element")
	}) {
		t.Errorf("fields of two statements: portable %v, printed %v, lossy %v", portable.Holds(r.Cond, split), hit(t, c, split), p.Lossy)
	}
	// Inside a list's element there is no exact form.
	bad := *r
	bad.Cond = &portable.Any{Path: []string{"items"}, X: and(atom("a", portable.Eq, "x"), &portable.Parse{Path: []string{"doc"}, X: atom("b", portable.Eq, "y")})}
	if _, err := spl.PrintDetection(&bad, spl.PrintOptions{}); err == nil || !strings.Contains(err.Error(), "JSON text inside a list's element") {
		t.Errorf("got %v", err)
	}
}
