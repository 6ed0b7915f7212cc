package spl_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/spl"
)

// A test of several fields of one element is printed with mvmap over the
// elements' JSON text (spl/print_any.go): the fields stay those of one
// element, where the multivalue fields a{}.b and a{}.c would pair any b with
// any c. Splunk facts it rests on, as concord runs them: eval's spath(X, Y)
// gives the values at path Y of the JSON text in X, a multivalue for a {}
// step, an object or list as its JSON text (Search Reference, "Text
// functions", spath; eval/spl_text.go splSpath); mvmap(X, Y) evaluates Y once
// per value of X with X bound to it, and keeps the non-null results (Search
// Reference, "Multivalue eval functions", mvmap, Splunk 8.0+; eval/spl_mv.go
// compileMvmap); mvfind gives the index of the first value a regex matches,
// else null.
func TestPrintAnyOfSeveralFields(t *testing.T) {
	exposed := &portable.Any{Path: strings.Split("requestParameters.ipPermissions.items", "."), X: and(
		&portable.Any{Path: []string{"ipRanges", "items"}, X: atom("cidrIp", portable.Eq, "0.0.0.0/0", "::/0")},
		not(and(atom("fromPort", portable.Ge, "443"), atom("fromPort", portable.Le, "443"), atom("toPort", portable.Ge, "443"), atom("toPort", portable.Le, "443"))),
		not(atom("ipProtocol", portable.Eq, "icmp")),
	)}
	perm := func(cidr string, from, to any, extra string) string {
		s := fmt.Sprintf(`{"ipProtocol":"tcp","fromPort":%s,"toPort":%s,"ipRanges":{"items":[{"cidrIp":%q}]}%s}`, jsonOf(from), jsonOf(to), cidr, extra)
		return s
	}
	ev := func(items ...string) ast.Value {
		return event(t, `{"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[`+strings.Join(items, ",")+`]}}}`)
	}
	r := &portable.Rule{
		Name: "Security Group Opened", ID: "SG.Open", LogType: "AWS.CloudTrail",
		Meta:  ast.Meta{Description: "x", Severity: "High"},
		Cond:  and(atom("eventName", portable.Eq, "AuthorizeSecurityGroupIngress"), exposed),
		Tests: []portable.Test{{Name: "ssh", Expected: true, Event: ev(perm("0.0.0.0/0", 22, 22, ""))}},
	}
	p, _, c := loadPrinted(t, r)
	if !strings.Contains(string(p.Files[p.Detection]), `| eval any_requestParameters_ipPermissions_items=spath(_raw, "requestParameters.ipPermissions.items{}")`) {
		t.Fatalf("no eval of the elements:\n%s", p.Files[p.Detection])
	}
	for _, tc := range []struct {
		name string
		ev   ast.Value
		want bool
	}{
		{"ssh open", ev(perm("0.0.0.0/0", 22, 22, "")), true},
		{"https open", ev(perm("0.0.0.0/0", 443, 443, "")), false},
		{"https as a float", ev(perm("0.0.0.0/0", 443.0, 443, "")), false},
		{"a range from 443", ev(perm("0.0.0.0/0", 443, 8443, "")), true},
		{"ipv6 anywhere", ev(perm("::/0", 3389, 3389, "")), true},
		{"office range", ev(perm("203.0.113.0/24", 22, 22, "")), false},
		// Decorrelation: one element open on 443, another on 22 from the
		// office. Multivalue fields would see 0.0.0.0/0 and port 22.
		{"open on 443, ssh from the office", ev(perm("0.0.0.0/0", 443, 443, ""), perm("203.0.113.0/24", 22, 22, "")), false},
		{"office, then open on 22", ev(perm("203.0.113.0/24", 443, 443, ""), perm("0.0.0.0/0", 22, 22, "")), true},
		// An element without fromPort: positions of a{}.fromPort would shift.
		{"no ports, then https", ev(`{"ipProtocol":"-1","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`, perm("0.0.0.0/0", 443, 443, "")), true},
		{"icmp", ev(perm("0.0.0.0/0", 22, 22, `,"ipProtocol":"icmp"`)), false},
		{"no permissions", ev(), false},
		{"elements that are no objects", ev(`"0.0.0.0/0"`, `null`, `5`, `[]`), false},
		{"permissions not a list", event(t, `{"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":`+perm("0.0.0.0/0", 22, 22, "")+`}}}`), false},
		{"ranges not a list", ev(`{"fromPort":22,"toPort":22,"ipRanges":{"items":{"cidrIp":"0.0.0.0/0"}}}`), false},
		{"port missing", ev(`{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"port null", ev(perm("0.0.0.0/0", nil, nil, "")), true},
		{"port text", ev(perm("0.0.0.0/0", "many", 443, "")), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := portable.Holds(r.Cond, tc.ev); got != tc.want {
				t.Fatalf("portable %v, want %v", got, tc.want)
			}
			if got := hit(t, c, tc.ev); got != tc.want {
				t.Errorf("printed %v, want %v: %s", got, tc.want, ast.JSON(tc.ev))
			}
		})
	}
	// Where the printed search differs, a lossy point says so: a port held
	// as a string (portable's numeric test takes it too, as Splunk must)...
	str := ev(perm("0.0.0.0/0", `"443"`, `"443"`, ""))
	if portable.Holds(r.Cond, str) != hit(t, c, str) {
		t.Errorf("a port as a string: portable and printed differ")
	}
	// ...and an element that is a string holding JSON text, which spath
	// reads as the object it spells.
	text := ev(fmt.Sprintf("%q", perm("0.0.0.0/0", 22, 22, "")))
	if portable.Holds(r.Cond, text) || !hit(t, c, text) {
		t.Errorf("an element holding JSON text: portable %v, printed %v", portable.Holds(r.Cond, text), hit(t, c, text))
	}
	if !explained(p.Lossy, "requestParameters.ipPermissions.items{}", false) {
		t.Errorf("no lossy point for an element holding JSON text: %v", p.Lossy)
	}
	// The element's fields are named from the event in lossy points.
	if !explained(p.Lossy, "requestParameters.ipPermissions.items{}.fromPort", true) {
		t.Errorf("no lossy point names the element's fromPort: %v", p.Lossy)
	}
}

// jsonOf writes a Go value as a JSON value; a string that starts with a
// quote is JSON text already.
func jsonOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if strings.HasPrefix(v, `"`) {
			return v
		}
		return fmt.Sprintf("%q", v)
	case float64:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprint(v)
}

// A test of several fields of an element of a list inside another list's
// element would take an mvmap inside an mvmap over a computed value, which
// eval does not allow (mvmap's first argument is a field): refused.
func TestPrintAnyNestedRefused(t *testing.T) {
	r := &portable.Rule{
		Name: "Nested", ID: "N", LogType: "AWS.CloudTrail", Meta: ast.Meta{Description: "x", Severity: "Low"},
		Cond: &portable.Any{Path: []string{"a"}, X: and(atom("x", portable.Eq, "1"),
			&portable.Any{Path: []string{"b"}, X: and(atom("c", portable.Eq, "1"), atom("d", portable.Eq, "2"))})},
	}
	_, err := spl.PrintDetection(r, spl.PrintOptions{})
	if err == nil || !strings.Contains(err.Error(), "inside another list's element") {
		t.Errorf("got %v", err)
	}
}
