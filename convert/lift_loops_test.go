package convert

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// pantherRule writes a Panther rule with the given Python and compiles it.
func pantherRule(t *testing.T, py string) *harness.Compiled {
	t.Helper()
	dir := t.TempDir()
	yml := "AnalysisType: rule\nFilename: r.py\nRuleID: Test.Loop\nDisplayName: Loop\nEnabled: true\nLogTypes:\n  - AWS.CloudTrail\nSeverity: Low\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.py"), []byte(py), 0o644); err != nil {
		t.Fatal(err)
	}
	return compiled(t, filepath.Join(dir, "r.yml"))
}

// lift is Condition on a rule that must lift.
func lift(t *testing.T, c *harness.Compiled) (portable.Expr, []portable.Lossy) {
	t.Helper()
	got, lossy, err := Condition(c.Rule)
	if err != nil {
		t.Fatal(err)
	}
	return got, lossy
}

// pythonHit runs the rule's Python on one event: whether it alerts (a rule
// that raises does not).
func pythonHit(t *testing.T, c *harness.Compiled, raw string) (bool, ast.Value) {
	t.Helper()
	v, err := ast.ParseJSON([]byte(raw))
	if err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	res, err := c.Run([]harness.Event{{Source: "t", Raw: raw, Value: v}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Verdicts[0].Err == nil && res.Verdicts[0].Hit, v
}

// agreesWithPython checks that the lifted condition decides each event as
// the Python rule does.
func agreesWithPython(t *testing.T, c *harness.Compiled, lifted portable.Expr, events []string) {
	t.Helper()
	for _, e := range events {
		py, v := pythonHit(t, c, e)
		if got := portable.Holds(lifted, v); got != py {
			t.Errorf("%s: python %v, lifted %v", e, py, got)
		}
	}
}

const exposedPy = `
ANYWHERE = {"0.0.0.0/0", "::/0"}
WEB_PORTS = {80, 443}


def _ranges(permission):
    ipv4 = (permission.get("ipRanges") or {}).get("items") or []
    ipv6 = (permission.get("ipv6Ranges") or {}).get("items") or []
    return [r.get("cidrIp") for r in ipv4] + [r.get("cidrIpv6") for r in ipv6]


def _exposed(event):
    exposed = []
    for permission in event.deep_get("requestParameters", "ipPermissions", "items", default=[]):
        if not ANYWHERE.intersection(_ranges(permission)):
            continue
        port = permission.get("fromPort")
        if port in WEB_PORTS and port == permission.get("toPort"):
            continue
        exposed.append(f"{permission.get('ipProtocol')}/{port}")
    return exposed


def rule(event):
    return bool(_exposed(event))
`

// An accumulator loop lifts to "some element reaches the append", and the
// lifted condition decides every event as the Python does, the raising ones
// aside (listed as lossy points): falsy ranges read as none, an int
// constant set matches JSON numbers (80.0 too, as Python's 80 == 80.0),
// and `port in S and port == other` is the cases of S.
func TestLiftAccumulator(t *testing.T) {
	c := pantherRule(t, exposedPy)
	got, lossy := lift(t, c)
	want := `any requestParameters.ipPermissions.items[] ((any ipRanges.items[] (cidrIp eq "0.0.0.0/0"|"::/0") or any ipv6Ranges.items[] (cidrIpv6 eq "0.0.0.0/0"|"::/0")) and not ((fromPort ge "80" and fromPort le "80" and toPort ge "80" and toPort le "80") or (fromPort ge "443" and fromPort le "443" and toPort ge "443" and toPort le "443")))`
	if s := portable.String(got); s != want {
		t.Fatalf("got  %s\nwant %s", s, want)
	}
	ev := func(perms ...string) string {
		return `{"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[` + strings.Join(perms, ",") + `]}}}`
	}
	for _, tc := range []struct {
		name, event string
		want        bool
	}{
		{"ssh to anywhere", ev(`{"fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"https to anywhere", ev(`{"fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), false},
		{"https as floats", ev(`{"fromPort":443.0,"toPort":443.0,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), false},
		{"80 to 443", ev(`{"fromPort":80,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"http, toPort missing", ev(`{"fromPort":80,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"a boolean port", ev(`{"fromPort":true,"toPort":true,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"ipv6 anywhere", ev(`{"fromPort":3389,"toPort":3389,"ipRanges":{},"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}`), true},
		{"ipv4 anywhere in the ipv6 list", ev(`{"fromPort":22,"ipv6Ranges":{"items":[{"cidrIpv6":"0.0.0.0/0"}]}}`), true},
		{"office range", ev(`{"fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"203.0.113.0/24"}]}}`), false},
		{"second element exposed", ev(`{"fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`, `{"fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), true},
		{"falsy ranges", ev(`{"fromPort":22,"ipRanges":"","ipv6Ranges":[],"x":0}`, `{"fromPort":22,"ipRanges":{"items":null}}`, `{"fromPort":22,"ipRanges":{"items":{}}}`), false},
		{"no permissions", `{"requestParameters":{"ipPermissions":{}}}`, false},
		{"permissions null", `{"requestParameters":{"ipPermissions":{"items":null}}}`, false},
		{"permissions empty", ev(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			py, v := pythonHit(t, c, tc.event)
			if py != tc.want {
				t.Fatalf("python %v, want %v", py, tc.want)
			}
			if got := portable.Holds(got, v); got != tc.want {
				t.Errorf("lifted %v, want %v", got, tc.want)
			}
		})
	}
	// Where Python raises (a string ranges value has no get, a list cannot
	// be looked up in a set) the rule does not alert, and the lifted test
	// may still match on another element: each a lossy point.
	for _, tc := range []struct{ event, field string }{
		{ev(`{"fromPort":22,"ipRanges":"0.0.0.0/0"}`, `{"fromPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), "requestParameters.ipPermissions.items{}.ipRanges"},
		{ev(`{"fromPort":[22],"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`), "requestParameters.ipPermissions.items{}.fromPort"},
		{ev(`{"fromPort":22,"ipRanges":{"items":[{"cidrIp":["0.0.0.0/0"]}, {"cidrIp":"0.0.0.0/0"}]}}`), "requestParameters.ipPermissions.items{}.ipRanges.items{}.cidrIp"},
	} {
		py, v := pythonHit(t, c, tc.event)
		if py || !portable.Holds(got, v) {
			t.Errorf("%s: python %v, lifted %v: expected a raise and a match", tc.event, py, portable.Holds(got, v))
		}
		if !listed(lossy, tc.field, false) {
			t.Errorf("%s: no lossy point names %s", tc.event, tc.field)
		}
	}
	// A port as a string is not an int to Python; the numeric test takes it.
	py, v := pythonHit(t, c, ev(`{"fromPort":"443","toPort":"443","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`))
	if !py || portable.Holds(got, v) || !listed(lossy, "requestParameters.ipPermissions.items{}.fromPort", true) {
		t.Errorf("a string port: python %v, lifted %v, lossy %v", py, portable.Holds(got, v), lossy)
	}
}

// listed: a lossy point names the field in the direction (sourceHits: the
// source matches, the conversion not).
func listed(lossy []portable.Lossy, field string, sourceHits bool) bool {
	for _, l := range lossy {
		for _, f := range l.Fields {
			if f == field && (l.Either || l.SourceHits == sourceHits) {
				return true
			}
		}
	}
	return false
}

// Loops whose result is not "some element reaches an append" are refused,
// with the position of the construct.
func TestLiftLoopRefused(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"break", `
def rule(event):
    found = []
    for p in event.deep_get("a", "items", default=[]):
        if p.get("x") == "y":
            break
        found.append(p)
    return bool(found)
`, "r.py:6:13: cannot convert: break"},
		{"return inside", `
def rule(event):
    found = []
    for p in event.deep_get("a", "items", default=[]):
        if p.get("x") == "y":
            return True
        found.append(p)
    return bool(found)
`, "cannot convert: a loop body that returns from inside the loop"},
		{"reassigned", `
def rule(event):
    found = []
    for p in event.deep_get("a", "items", default=[]):
        found = [p]
    return bool(found)
`, "cannot convert: found changed other than by append"},
		{"length", `
def rule(event):
    found = []
    for p in event.deep_get("a", "items", default=[]):
        found.append(p)
    return len(found) > 1
`, "a loop followed by something other than the truth of found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Condition(pantherRule(t, c.body).Rule)
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

const publicPy = `
import json

PUBLIC = {"AllUsers", "AuthenticatedUsers"}


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _grants(event):
    found = [g.get("Permission") for g in _as_list(event.deep_get("acl", "Grant")) if (g.get("Grantee") or {}).get("URI") in PUBLIC]
    return found + [a for a in _as_list(event.get("canned")) if a in {"public-read"}]


def _statements(event):
    policy = event.deep_get("policy", default={})
    if isinstance(policy, str):
        policy = json.loads(policy)
    found = []
    for statement in _as_list(policy.get("Statement")):
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("AWS")
        if "*" in _as_list(principal):
            found.append(statement.get("Sid"))
    return found


def rule(event):
    if event.get("eventName") == "PutBucketAcl":
        return bool(_grants(event))
    return bool(_statements(event))
`

// _as_list reads a lone value as a one-element list: the lift tests the
// list's elements or the value itself (exact where the test cannot hold on
// a value without its fields); isinstance(p, dict) picks p.AWS or p, which
// exclude each other; a policy given as JSON text is parsed (portable.Parse).
func TestLiftAsListAndTypes(t *testing.T) {
	c := pantherRule(t, publicPy)
	got, lossy := lift(t, c)
	acl := func(grants string) string { return `{"eventName":"PutBucketAcl","acl":{"Grant":` + grants + `}}` }
	pol := func(st string) string { return `{"eventName":"PutBucketPolicy","policy":{"Statement":` + st + `}}` }
	for _, tc := range []struct {
		name, event string
		want        bool
	}{
		{"grants list", acl(`[{"Grantee":{"URI":"x"}},{"Grantee":{"URI":"AllUsers"}}]`), true},
		{"lone grant", acl(`{"Grantee":{"URI":"AllUsers"},"Permission":"READ"}`), true},
		{"lone private grant", acl(`{"Grantee":{"URI":"owner"}}`), false},
		{"grantee null", acl(`[{"Grantee":null}]`), false},
		{"no grants", acl(`null`), false},
		{"canned", `{"eventName":"PutBucketAcl","canned":"public-read"}`, true},
		{"canned list", `{"eventName":"PutBucketAcl","canned":["private","public-read"]}`, true},
		{"canned private", `{"eventName":"PutBucketAcl","canned":"private"}`, false},
		{"statement list, star", pol(`[{"Effect":"Allow","Principal":"*"}]`), true},
		{"lone statement, AWS star", pol(`{"Effect":"Allow","Principal":{"AWS":"*"}}`), true},
		{"AWS list with star", pol(`[{"Effect":"Allow","Principal":{"AWS":["arn:x","*"]}}]`), true},
		{"principal list with star", pol(`[{"Effect":"Allow","Principal":["*"]}]`), true},
		{"conditioned", pol(`[{"Effect":"Allow","Principal":"*","Condition":{"a":1}}]`), false},
		{"deny", pol(`[{"Effect":"Deny","Principal":"*"}]`), false},
		{"other principal", pol(`[{"Effect":"Allow","Principal":{"AWS":"arn:x"}}]`), false},
		{"service principal", pol(`[{"Effect":"Allow","Principal":{"Service":"*"}}]`), false},
		{"no policy", `{"eventName":"PutBucketPolicy"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			py, v := pythonHit(t, c, tc.event)
			if py != tc.want {
				t.Fatalf("python %v, want %v", py, tc.want)
			}
			if hit := portable.Holds(got, v); hit != tc.want {
				t.Errorf("lifted %v, want %v: %s", hit, tc.want, portable.String(got))
			}
		})
	}
	// Truth is "present and not empty" (a lossy point): an empty object is
	// false to Python.
	py, v := pythonHit(t, c, pol(`[{"Effect":"Allow","Principal":"*","Condition":{}}]`))
	if !py || portable.Holds(got, v) || !listed(lossy, "policy.Statement{}.Condition", true) {
		t.Errorf("an empty Condition: python %v, lifted %v, lossy %v", py, portable.Holds(got, v), lossy)
	}
	// A policy given as JSON text is parsed (portable.Parse): exact, but for
	// NaN and Infinity, which json.loads reads
	// (docs.python.org/3/library/json.html) and JSON does not.
	text := func(s string) string {
		q, _ := json.Marshal(s)
		return `{"eventName":"PutBucketPolicy","policy":` + string(q) + `}`
	}
	for _, tc := range []struct {
		name, event string
		want        bool
	}{
		{"text of a public policy", text(`{"Statement":[{"Effect":"Allow","Principal":"*"}]}`), true},
		{"text of a lone public statement", text(` {"Statement":{"Effect":"Allow","Principal":{"AWS":"*"}}}`), true},
		{"text of a private policy", text(`{"Statement":[{"Effect":"Deny","Principal":"*"}]}`), false},
		{"text of a string", text(`"{\"Statement\":[]}"`), false},
		{"text of a number", text(`5`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			py, v := pythonHit(t, c, tc.event)
			if py != tc.want {
				t.Fatalf("python %v, want %v", py, tc.want)
			}
			if hit := portable.Holds(got, v); hit != tc.want {
				t.Errorf("lifted %v, want %v: %s", hit, tc.want, portable.String(got))
			}
		})
	}
	// Text that is not JSON, or JSON text of a list, makes Python raise
	// (JSONDecodeError; AttributeError: a list has no get), which does not
	// alert; Parse does not hold.
	for _, ev := range []string{text(`{"Statement":`), text(`[{"Statement":[{"Effect":"Allow","Principal":"*"}]}]`)} {
		if _, err := pythonRun(t, c, ev); err == nil {
			t.Errorf("%s: python did not raise", ev)
		}
		if portable.Holds(got, mustJSON(t, ev)) {
			t.Errorf("%s: lifted holds", ev)
		}
	}
	if !strings.Contains(portable.String(got), "json policy ") || !slices.ContainsFunc(lossy, func(l portable.Lossy) bool {
		return slices.Equal(l.Fields, []string{"policy"}) && strings.Contains(l.Reason, "NaN")
	}) {
		t.Errorf("got %s, lossy %v", portable.String(got), lossy)
	}
}

// The loop rules go to Splunk and back, and each step verifies against the
// rule it came from: the differences are the lossy points the step lists.
// (The S3 rule's Splunk form reads back with a successful call and an
// exists spelled out, as the Splunk search says them, so its lifted text
// differs from the original's: TestRoundTrip compares the text of the
// others.)
func TestLoopRulesRoundTripVerify(t *testing.T) {
	for _, file := range []string{paCT + "aws_ec2_security_group_opened_to_internet.yml", paCT + "aws_s3_bucket_made_public.yml", paCT + "aws_iam_policy_grants_everything.yml"} {
		src := compiled(t, file)
		step := func(from *harness.Compiled, to Target) *harness.Compiled {
			res, _, err := Convert(from, Options{To: to})
			if err != nil {
				t.Fatalf("%s to %s: %v", from.Rule.File, to, err)
			}
			dir := t.TempDir()
			if err := res.Write(dir); err != nil {
				t.Fatal(err)
			}
			dst := compiled(t, filepath.Join(dir, res.Main))
			v, _, err := Verify(from, dst, res.Lossy, append(ThresholdSets(res.Rule), ParseEvents(res.Rule)...), harness.CompareOptions{})
			if err != nil {
				t.Fatalf("%s to %s: %v", from.Rule.File, to, err)
			}
			if v.Unaccepted != 0 {
				t.Errorf("%s to %s: %d unaccepted", from.Rule.File, to, v.Unaccepted)
			}
			return dst
		}
		step(step(src, ToSplunk), ToPanther)
	}
}
