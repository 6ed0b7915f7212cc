package panther_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/portable"
)

// The printed rules, loaded back by concord and run natively, against an
// independent reading of the semantics package portable states: every
// verdict must agree, and no event may make the printed rule raise.

// semanticRule is one portable condition to print and check, with values to
// try in its fields besides the usual kinds.
type semanticRule struct {
	name  string
	cond  portable.Expr
	extra map[string][]ast.Value
}

func s(x string) ast.Value { return ast.String(x) }

func atom(field string, op portable.Op, fold bool, vals ...string) *portable.Atom {
	a := &portable.Atom{Op: op, Values: vals, Fold: fold}
	if field != "" {
		a.Field = strings.Split(field, ".")
	}
	return a
}

func semanticRules() []semanticRule {
	var rules []semanticRule
	strs := func(xs ...string) []ast.Value {
		var out []ast.Value
		for _, x := range xs {
			out = append(out, s(x))
		}
		return out
	}
	one := func(name string, a *portable.Atom, extra ...string) {
		more := map[string][]ast.Value{}
		if len(extra) > 0 {
			more[a.Path()] = strs(extra...)
		}
		rules = append(rules, semanticRule{name: name, cond: a, extra: more})
		rules = append(rules, semanticRule{name: "not_" + name, cond: &portable.Not{X: a}, extra: more})
	}
	one("eq", atom("eventName", portable.Eq, false, "StopLogging"), "stoplogging", "StopLoggingX")
	// Two fields: equal strings only (_same), whatever else they hold.
	one("same", &portable.Atom{Field: []string{"eventName"}, Op: portable.Same, Ref: []string{"requestParameters", "name"}}, "StopLogging", "stoplogging")
	one("eq_list", atom("eventName", portable.Eq, false, "A", "B", "C"), "a", "AB")
	one("eq_many", atom("eventName", portable.Eq, false, "A", "B", "C", "D", "E"), "e", "F")
	one("ieq", atom("eventName", portable.Eq, true, "StopLogging"), "STOPLOGGING", "stoplogging", "Stop", "ſtoplogging", "StopLoggingX")
	one("ieq_many", atom("eventName", portable.Eq, true, "PutBucketAcl", "DeleteBucketPolicy", "x", "Y"), "PUTBUCKETACL", "y", "X", "putbucket")
	one("ieq_caseless", atom("code", portable.Eq, true, "123", "4-5"), "123", "4-5", "1234")
	one("nested_eq", atom("userIdentity.sessionContext.sessionIssuer.type", portable.Eq, false, "Role"), "role", "Roles")
	one("prefix", atom("userIdentity.arn", portable.Prefix, false, "arn:aws:sts::", "arn:aws:iam::"), "arn:aws:sts::1:x", "ARN:AWS:STS::1", "arn:aws:iam:", "xarn:aws:iam::")
	one("iprefix", atom("userAgent", portable.Prefix, true, "Boto3"), "boto3/1.2", "BOTO3", "Boto", "aboto3")
	one("prefix_empty", atom("userAgent", portable.Prefix, false, ""), "anything")
	one("suffix", atom("eventSource", portable.Suffix, false, ".amazonaws.com"), "s3.amazonaws.com", "S3.AMAZONAWS.COM", ".amazonaws.com.x")
	one("isuffix", atom("eventSource", portable.Suffix, true, ".AmazonAWS.com"), "s3.amazonaws.com", "x.AMAZONAWS.COM", "amazonaws.com")
	one("contains", atom("userAgent", portable.Contains, false, "aws-cli", "Terraform"), "x aws-cli/2", "AWS-CLI", "terraform")
	one("icontains", atom("userAgent", portable.Contains, true, "Terraform"), "HashiCorp TERRAFORM/1.5", "terra form")
	one("wildcard", atom("eventName", portable.Wildcard, false, "Get*", "*Policy", "*Bucket*", "Put*Acl", "Exact", "a?b[c]*"),
		"GetObject", "getobject", "DeletePolicy", "ListBuckets", "PutObjectAcl", "PutAclX", "Exact", "exact", "a?b[c]d", "axb[c]d", "a?bcd")
	one("iwildcard", atom("eventName", portable.Wildcard, true, "get*", "*POLICY", "put*acl"), "GETOBJECT", "deletepolicy", "PutObjectACL")
	one("wildcard_any", atom("eventName", portable.Wildcard, false, "*"), "x")
	one("regex", atom("userIdentity.arn", portable.Regex, false, `^arn:aws:iam::\d{12}:user/svc-[a-z]+$`, `root$`),
		"arn:aws:iam::123456789012:user/svc-ops", "arn:aws:iam::123456789012:user/svc-ops\n", "arn:aws:iam::123456789012:user/svc-OPS",
		"arn:aws:iam::12345678901:user/svc-ops", "x:root", "x:root\n", "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:user/svc-ops")
	one("iregex", atom("userIdentity.arn", portable.Regex, true, `user/(svc|ops)-\w+`, `(?m)^admin$`),
		"arn:aws:iam::1:USER/SVC-x", "user/ops-", "a\nADMIN\nb", "user/ſvc-x", "user/svc-é")
	one("cidr", atom("sourceIPAddress", portable.CIDR, false, "10.0.0.0/8", "192.168.1.7", "fd00::/8"),
		"10.1.2.3", "11.0.0.1", "192.168.1.7", "192.168.1.8", "fd00::1", "fe00::1", "::ffff:10.0.0.1", "fd00::1%eth0", " 10.0.0.1", "10.0.0.1/32", "AWS Internal", "010.0.0.1")
	one("gt", atom("requestParameters.maxResults", portable.Gt, false, "100"), "101", " 101 ", "100", "1e3", "abc", "0x100", "nan", "inf", "101abc")
	one("le", atom("bytes", portable.Le, false, "2.5"), "2.5", "2.50001", "-3", ".5", "+2")
	one("lt", atom("bytes", portable.Lt, false, "0"), "-1", "0", "-0.0001")
	one("ge", atom("bytes", portable.Ge, false, "-5"), "-5", "-6", "5")
	one("exists", atom("requestParameters.policy", portable.Exists, false), "x")
	one("bool", atom("requestParameters.publiclyAccessible", portable.Bool, false, "true"), "true", "True")
	one("bool_false", atom("readOnly", portable.Bool, false, "false"), "false")
	one("success", atom("", portable.Success, false))
	rules = append(rules, semanticRule{name: "compound", cond: &portable.And{Xs: []portable.Expr{
		atom("", portable.Success, false),
		atom("eventSource", portable.Eq, true, "s3.amazonaws.com"),
		&portable.Or{Xs: []portable.Expr{
			atom("eventName", portable.Prefix, false, "Put"),
			&portable.And{Xs: []portable.Expr{atom("eventName", portable.Eq, false, "DeleteBucket"), &portable.Not{X: atom("userIdentity.type", portable.Exists, false)}}},
		}},
		&portable.Not{X: &portable.Or{Xs: []portable.Expr{atom("sourceIPAddress", portable.CIDR, false, "10.0.0.0/8"), atom("userAgent", portable.Contains, true, "console")}}},
	}}, extra: map[string][]ast.Value{
		"eventSource":       strs("s3.amazonaws.com", "S3.AMAZONAWS.COM", "ec2.amazonaws.com"),
		"eventName":         strs("PutBucketAcl", "putbucketacl", "DeleteBucket"),
		"sourceIPAddress":   strs("10.0.0.1", "8.8.8.8"),
		"userAgent":         strs("AWS Console", "aws-cli"),
		"userIdentity.type": strs("IAMUser"),
		"errorCode":         strs("AccessDenied"),
	}})
	// Lists: elements of every kind, an object where a list is expected, and
	// nested lists (a security group's permissions and their ranges).
	js := func(xs ...string) []ast.Value {
		var out []ast.Value
		for _, x := range xs {
			v, err := ast.ParseJSON([]byte(x))
			if err != nil {
				panic(err)
			}
			out = append(out, v)
		}
		return out
	}
	anyOf := func(path string, x portable.Expr) *portable.Any {
		return &portable.Any{Path: strings.Split(path, "."), X: x}
	}
	ranges := anyOf("requestParameters.ipPermissions.items", anyOf("ipRanges.items", atom("cidrIp", portable.Eq, false, "0.0.0.0/0")))
	rangeLists := js(`[]`, `{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}`, `[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]`,
		`[{"ipRanges":{"items":{"cidrIp":"0.0.0.0/0"}}}]`, `[null, 1, "0.0.0.0/0", {"ipRanges":null}, {"ipRanges":{"items":[null, "x", {"cidrIp":0}]}}]`,
		`[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}, {"ipRanges":{"items":[{"cidrIp":"0.0.0.0/1"}]}}]`)
	for _, r := range []semanticRule{
		{name: "any_nested", cond: ranges, extra: map[string][]ast.Value{"requestParameters.ipPermissions.items": rangeLists}},
		{name: "not_any_nested", cond: &portable.Not{X: ranges}, extra: map[string][]ast.Value{"requestParameters.ipPermissions.items": rangeLists}},
		{name: "any_element", cond: anyOf("resources", atom("", portable.Wildcard, true, "*/groups/global/AllUsers")),
			extra: map[string][]ast.Value{"resources": js(`["http://acs/groups/global/allusers"]`, `["x", 1, null, ["http://acs/groups/global/AllUsers"]]`, `"http://acs/groups/global/AllUsers"`)}},
		{name: "any_and", cond: &portable.And{Xs: []portable.Expr{
			atom("eventName", portable.Eq, false, "PutBucketAcl"),
			anyOf("grants", &portable.And{Xs: []portable.Expr{atom("Grantee.URI", portable.Suffix, false, "/AllUsers"), &portable.Not{X: atom("Permission", portable.Eq, false, "READ_ACP")}}}),
		}}, extra: map[string][]ast.Value{
			"eventName": strs("PutBucketAcl"),
			"grants": js(`[{"Grantee":{"URI":"g/AllUsers"},"Permission":"READ"}]`, `[{"Grantee":{"URI":"g/AllUsers"},"Permission":"READ_ACP"}]`,
				`[{"Grantee":{"URI":"g/AllUsers"},"Permission":"READ_ACP"},{"Grantee":{"URI":"g/AllUsers"}}]`, `[{"Grantee":"g/AllUsers"}]`),
		}},
		// JSON text: an object's, a list's, a string's, text that is not
		// JSON (Python's json.loads raises JSONDecodeError, a ValueError,
		// which _json catches), and an object that is not text.
		{name: "parse", cond: &portable.Parse{Path: []string{"requestParameters", "policyDocument"}, X: &portable.And{Xs: []portable.Expr{
			anyOf("Statement", &portable.And{Xs: []portable.Expr{atom("Effect", portable.Eq, false, "Allow"), atom("Resource", portable.Eq, false, "*")}}),
			&portable.Not{X: atom("Version", portable.Exists, false)},
		}}}, extra: map[string][]ast.Value{"requestParameters.policyDocument": append(strs(
			`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, ` {"Statement":[{"Effect":"Deny","Resource":"*"},{"Effect":"Allow","Resource":"*"}]} `,
			`{"Statement":[{"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}`, `{"Statement":[{"Effect":"Allow"},{"Resource":"*"}]}`,
			`[{"Statement":[{"Effect":"Allow","Resource":"*"}]}]`, `"{}"`, `{"Statement":`, `5`, `null`, ``),
			js(`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`)...)}},
		{name: "not_parse", cond: &portable.Not{X: &portable.Parse{Path: []string{"doc"}, X: atom("a", portable.Eq, false, "x")}},
			extra: map[string][]ast.Value{"doc": append(strs(`{"a":"x"}`, `{"a":"y"}`, `{"a":`, `[{"a":"x"}]`), js(`{"a":"x"}`)...)}},
	} {
		rules = append(rules, r)
	}
	rules = append(rules, semanticRule{name: "empty_and", cond: &portable.And{}})
	rules = append(rules, semanticRule{name: "empty_or", cond: &portable.Or{}})
	return rules
}

// usualValues are the kinds every field is tried with: missing (nil here),
// null, a number, a bool, a list, an object and "".
func usualValues(t *testing.T, constants []string) []ast.Value {
	vals := []ast.Value{ast.Missing, ast.Null, ast.Int(5), ast.Float(101.5), ast.Bool(true), ast.Bool(false), s(""),
		ast.List(), ast.ObjectOf(&ast.Object{})}
	for _, c := range constants {
		vals = append(vals, s(c), s(strings.ToUpper(c)), s(strings.ToLower(c)), ast.List(s(c)))
		o := &ast.Object{}
		o.Set("v", s(c))
		vals = append(vals, ast.ObjectOf(o))
		if n, err := strconv.ParseFloat(c, 64); err == nil {
			vals = append(vals, ast.Float(n), ast.Float(n+1), ast.Float(n-1), ast.Int(int64(n)))
		}
	}
	return vals
}

// events are, for each field, every candidate value with the other fields
// unset, then random combinations (a fixed seed: the same events each run).
func events(t *testing.T, r semanticRule) []ast.Value {
	fields := portable.Fields(r.cond)
	cands := map[string][]ast.Value{}
	var paths [][]string
	addField := func(f []string, consts []string) {
		key := strings.Join(f, ".")
		if _, ok := cands[key]; !ok {
			paths = append(paths, f)
		}
		cands[key] = append(cands[key], usualValues(t, consts)...)
	}
	var walk func(portable.Expr)
	walk = func(x portable.Expr) {
		switch x := x.(type) {
		case *portable.And:
			for _, y := range x.Xs {
				walk(y)
			}
		case *portable.Or:
			for _, y := range x.Xs {
				walk(y)
			}
		case *portable.Not:
			walk(x.X)
		case *portable.Any, *portable.Parse:
			// The list's (or the text's) values come from the rule's extra ones.
			if a, ok := x.(*portable.Any); ok {
				addField(a.Path, nil)
			} else {
				addField(x.(*portable.Parse).Path, nil)
			}
		case *portable.Atom:
			if x.Op == portable.Success {
				addField([]string{"errorCode"}, []string{"AccessDenied"})
				addField([]string{"errorMessage"}, []string{"denied"})
				cands["errorCode"] = append(cands["errorCode"], ast.Int(0), s("0"))
				return
			}
			if x.Op == portable.Same {
				addField(x.Field, []string{"StopLogging"})
				addField(x.Ref, []string{"StopLogging"})
				return
			}
			addField(x.Field, x.Values)
		}
	}
	walk(r.cond)
	_ = fields
	for k, vs := range r.extra {
		if _, ok := cands[k]; !ok {
			paths = append(paths, strings.Split(k, "."))
		}
		cands[k] = append(cands[k], vs...)
	}
	base := func() *ast.Object {
		o := &ast.Object{}
		o.Set("eventVersion", s("1.08"))
		return o
	}
	var out []ast.Value
	out = append(out, ast.ObjectOf(base()))
	for _, p := range paths {
		for _, v := range cands[strings.Join(p, ".")] {
			o := base()
			o.SetPath(p, v)
			out = append(out, ast.ObjectOf(o))
		}
	}
	if len(paths) > 1 {
		rng := rand.New(rand.NewSource(int64(len(r.name))))
		for range 300 {
			o := base()
			for _, p := range paths {
				vs := cands[strings.Join(p, ".")]
				o.SetPath(p, vs[rng.Intn(len(vs))])
			}
			out = append(out, ast.ObjectOf(o))
		}
	}
	return out
}

func TestPrintedRulesKeepTheSemantics(t *testing.T) {
	simple := 0
	for _, r := range semanticRules() {
		t.Run(r.name, func(t *testing.T) {
			rule := &portable.Rule{Name: "Semantic " + r.name, LogType: "AWS.CloudTrail", Cond: r.cond}
			p, err := panther.PrintRule(rule, panther.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			compiled := loadPrinted(t, p)
			checkVerdicts(t, r, compiled, string(p.Py))

			// The simple detection, where the condition has one.
			if ps, err := panther.PrintRule(rule, panther.PrintOptions{YAMLDetection: true}); err == nil {
				simple++
				checkVerdicts(t, r, loadPrinted(t, ps), string(ps.YAML))
			}
		})
	}
	// eq (one, three and five values, nested, caseless folded), exists,
	// success, each also negated, and the empty and and or.
	if simple != 16 {
		t.Errorf("%d conditions printed as simple detections, want 16", simple)
	}
}

func loadPrinted(t *testing.T, p *panther.Printed) *harness.Compiled {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, p.YAMLName), p.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	if p.PyName != "" {
		if err := os.WriteFile(filepath.Join(dir, p.PyName), p.Py, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, errs := panther.LoadRule(filepath.Join(dir, p.YAMLName))
	if len(errs) > 0 {
		t.Fatalf("loading:\n%v\n%s%s", errs, p.YAML, p.Py)
	}
	if len(r.Unsupported) > 0 {
		t.Fatalf("unsupported: %v\n%s", r.Unsupported, p.Py)
	}
	c, errs := harness.Compile(r)
	if len(errs) > 0 {
		t.Fatalf("compiling: %v", errs)
	}
	return c
}

// checkVerdicts runs the compiled rule on the rule's events. No lossy point
// excuses a disagreement: these rules' folded constants are ASCII, and the
// other point they may have (a word boundary) differs in CPython only, as
// concord runs patterns with RE2.
func checkVerdicts(t *testing.T, r semanticRule, c *harness.Compiled, src string) {
	t.Helper()
	evs := events(t, r)
	in := make([]harness.Event, len(evs))
	for i, ev := range evs {
		in[i] = harness.Event{Source: fmt.Sprintf("event %d", i), Value: ev, Raw: ast.JSON(ev)}
	}
	res, err := c.Run(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, v := range res.Verdicts {
		want := portable.Holds(r.cond, evs[i])
		if v.Err != nil {
			t.Errorf("%s raised: %v", ast.JSON(evs[i]), v.Err)
		} else if v.Hit != want {
			t.Errorf("%s: printed rule says %v, the portable semantics %v", ast.JSON(evs[i]), v.Hit, want)
		} else {
			continue
		}
		if bad++; bad > 10 {
			break
		}
	}
	if t.Failed() {
		t.Logf("printed:\n%s", src)
	}

}

// TestRandomPrintedRulesKeepTheSemantics checks random conditions the same way.
func TestRandomPrintedRulesKeepTheSemantics(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := range 120 {
		rule := panther.RandomRule(rng, i)
		t.Run(rule.Name, func(t *testing.T) {
			p, err := panther.PrintRule(rule, panther.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkVerdicts(t, semanticRule{name: rule.Name, cond: rule.Cond}, loadPrinted(t, p), string(p.Py))
		})
	}
}
