package panther

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/print")

func pEq(field string, fold bool, vals ...string) *portable.Atom {
	return &portable.Atom{Field: strings.Split(field, "."), Op: portable.Eq, Values: vals, Fold: fold}
}

func pAtom(field string, op portable.Op, fold bool, vals ...string) *portable.Atom {
	a := &portable.Atom{Op: op, Values: vals, Fold: fold}
	if field != "" {
		a.Field = strings.Split(field, ".")
	}
	return a
}

func pAnd(xs ...portable.Expr) *portable.And { return &portable.And{Xs: xs} }
func pOr(xs ...portable.Expr) *portable.Or   { return &portable.Or{Xs: xs} }
func pNot(x portable.Expr) *portable.Not     { return &portable.Not{X: x} }

func pEvent(t testing.TB, js string) ast.Value {
	t.Helper()
	v, err := ast.ParseJSON([]byte(js))
	if err != nil {
		t.Fatalf("bad test event %s: %v", js, err)
	}
	return v
}

func pField(path string) []string { return strings.Split(path, ".") }

func pTitle(parts ...any) []portable.TitlePart {
	var out []portable.TitlePart
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			out = append(out, portable.TitlePart{Text: p})
		case []string:
			out = append(out, portable.TitlePart{Field: p})
		}
	}
	return out
}

// printCases are the golden rules: one per kind of test the printer writes.
func printCases(t testing.TB) []struct {
	name string
	rule *portable.Rule
	opts PrintOptions
} {
	return []struct {
		name string
		rule *portable.Rule
		opts PrintOptions
	}{
		{"cloudtrail_eq", &portable.Rule{
			Name: "AWS CloudTrail Stopped", ID: "0b3a8a41-1f1d-4b39-9e94-5e1c1c2a3f4d", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{
				Description: "A CloudTrail trail stopped logging.",
				References:  []string{"https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html"},
				MITRE:       []string{"T1562.008"}, RiskScore: 64, Tags: []string{"AWS Defense Evasion"},
				KnownFalsePositives: "An administrator pausing a trail on purpose.",
			},
			Cond:   pEq("eventName", false, "StopLogging"),
			Output: [][]string{pField("requestParameters.name"), pField("userIdentity.arn")},
			Title:  pTitle("CloudTrail [", pField("requestParameters.name"), "] was stopped"),
			Tests: []portable.Test{
				{Name: "Trail stopped", Expected: true, Event: pEvent(t, `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"name":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main"},"userIdentity":{"arn":"arn:aws:iam::123456789012:user/alice","type":"IAMUser"},"resources":[{"ARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main"}],"readOnly":false,"eventCategories":["Management"]}`)},
				{Name: "Trail started", Expected: false, Event: pEvent(t, `{"eventName":"StartLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{},"responseElements":null}`)},
			},
		}, PrintOptions{}},
		{"folded_in_list", &portable.Rule{
			Name: "AWS S3 Bucket Policy Or ACL Changed", ID: "AWS.S3.BucketPolicyChanged", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{
				Description: "Someone changed who may read or write an S3 bucket.",
				MITRE:       []string{"TA0005:T1562", "T1530", "T9999"}, Severity: "High", Tags: []string{"AWS", "S3"},
				Runbook: "Check the new policy and who wrote it.",
			},
			Cond: pAnd(
				pEq("eventSource", true, "S3.amazonaws.com"),
				pEq("eventName", true, "PutBucketAcl", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketCors", "DeleteBucketCors"),
			),
			Output: [][]string{pField("requestParameters.bucketName"), pField("eventName")},
			Title:  pTitle("S3 bucket [", pField("requestParameters.bucketName"), "] access changed by ", pField("userIdentity.arn")),
			Tests: []portable.Test{
				{Name: "ACL changed", Expected: true, Event: pEvent(t, `{"eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","requestParameters":{"bucketName":"b"}}`)},
				{Name: "Other case", Expected: true, Event: pEvent(t, `{"eventSource":"S3.AMAZONAWS.COM","eventName":"putbucketcors"}`)},
				{Name: "Read only", Expected: false, Event: pEvent(t, `{"eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl"}`)},
			},
		}, PrintOptions{}},
		{"nested_prefix_not", &portable.Rule{
			Name: "AWS Assumed Role Used Outside Automation", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{
				Description: "An assumed role's session made changes\nfrom somewhere other than the usual automation.",
				MITRE:       []string{"T1078.004"}, RiskScore: 35, HowToImplement: "Ingest CloudTrail management events.",
			},
			Cond: pAnd(
				pAtom("userIdentity.sessionContext.sessionIssuer.arn", portable.Prefix, false, "arn:aws:iam::123456789012:role/admin-"),
				pNot(pEq("userIdentity.sessionContext.sessionIssuer.type", false, "Role")),
				pNot(pAtom("userAgent", portable.Contains, true, "Terraform", "aws-sdk-go")),
				pNot(pOr(pAtom("eventName", portable.Prefix, false, "Get", "List", "Describe"), pEq("readOnly", false, "true"))),
			),
			Output: [][]string{pField("userIdentity.sessionContext.sessionIssuer.arn"), pField("userAgent")},
			Title:  pTitle("Role ", pField("userIdentity.sessionContext.sessionIssuer.arn"), " used by ", pField("userAgent"), " from ", pField("sourceIPAddress"), " in account ", pField("recipientAccountId")),
			Tests: []portable.Test{
				{Name: "Console change", Expected: true, Event: pEvent(t, `{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::123456789012:role/admin-ops","type":"Other"}}},"userAgent":"console.amazonaws.com","eventName":"PutRolePolicy"}`)},
			},
		}, PrintOptions{}},
		{"exists_success", &portable.Rule{
			Name: "AWS IAM Policy Attached With Condition", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{Severity: "Low", References: []string{"https://example.com/a", "https://example.com/b"}},
			Cond: pAnd(
				pAtom("", portable.Success, false),
				pAtom("requestParameters.policyDocument", portable.Exists, false),
				pNot(pAtom("userIdentity.invokedBy", portable.Exists, false)),
				pOr(pEq("eventName", false, "PutUserPolicy"), pEq("eventName", false, "PutRolePolicy")),
			),
			Output: [][]string{pField("requestParameters.policyName")},
			Tests: []portable.Test{
				{Name: "Inline policy", Expected: true, Event: pEvent(t, `{"eventName":"PutUserPolicy","requestParameters":{"policyDocument":"{}","policyName":"p"}}`)},
				{Name: "Failed call", Expected: false, Event: pEvent(t, `{"eventName":"PutUserPolicy","errorCode":"AccessDenied","requestParameters":{"policyDocument":"{}"}}`)},
			},
		}, PrintOptions{}},
		{"wildcard_cidr_numeric", &portable.Rule{
			Name: "AWS Large Object Listing From Outside", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{RiskScore: 90, MITRE: []string{"T1619"}},
			Cond: pAnd(
				pAtom("eventSource", portable.Wildcard, true, "*.AMAZONAWS.COM"),
				pAtom("eventName", portable.Wildcard, false, "List*", "*Objects*", "Get*Object?Tagging", "SelectObjectContent"),
				pAtom("userAgent", portable.Wildcard, false, "*"),
				pNot(pAtom("sourceIPAddress", portable.CIDR, false, "10.0.0.0/8", "192.168.0.0/16", "fd00::/8")),
				pAtom("requestParameters.max-keys", portable.Gt, false, "1000"),
				pAtom("additionalEventData.bytesTransferredOut", portable.Le, false, "1e9"),
				pAtom("userIdentity.arn", portable.Regex, true, `^arn:aws:iam::\d{12}:user/svc-[a-z]+$`),
			),
			Output: [][]string{pField("sourceIPAddress")},
			Title:  pTitle("Large listing from ", pField("sourceIPAddress")),
		}, PrintOptions{BaseName: "aws_large_listing"}},
		{"simple_detection", &portable.Rule{
			Name: "AWS Console Login Without MFA", ID: "AWS.Console.LoginWithoutMFA", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{Severity: "High", Description: "A console login without MFA.", Tags: []string{"AWS", "Identity & Access Management"}},
			Cond: pAnd(
				pAtom("", portable.Success, false),
				pEq("eventName", false, "ConsoleLogin"),
				pNot(pEq("additionalEventData.MFAUsed", false, "Yes")),
				pAtom("userIdentity.arn", portable.Exists, false),
				pOr(pEq("userIdentity.type", false, "IAMUser", "Root"), pNot(pAtom("responseElements.ConsoleLogin", portable.Exists, false))),
			),
			Output: [][]string{pField("userIdentity.arn"), pField("sourceIPAddress")},
			Title:  pTitle("Console login without MFA by {", pField("userIdentity.arn"), "}"),
			Tests: []portable.Test{
				{Name: "No MFA", Expected: true, Event: pEvent(t, `{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"arn":"arn:aws:iam::1:user/a","type":"IAMUser"},"responseElements":{"ConsoleLogin":"Success"}}`)},
				{Name: "With MFA", Expected: false, Event: pEvent(t, `{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"},"userIdentity":{"arn":"arn:aws:iam::1:user/a","type":"IAMUser"}}`)},
			},
		}, PrintOptions{YAMLDetection: true}},
	}
}

// TestPrintGolden prints each case and compares with testdata/print (go test
// ./panther -run Print -update rewrites them).
func TestPrintGolden(t *testing.T) {
	for _, c := range printCases(t) {
		t.Run(c.name, func(t *testing.T) {
			p, err := PrintRule(c.rule, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{p.YAMLName: p.YAML}
			if p.PyName != "" {
				files[p.PyName] = p.Py
			} else if p.Py != nil {
				t.Errorf("a simple detection has Python")
			}
			dir := filepath.Join("testdata", "print", c.name)
			for name, got := range files {
				path := filepath.Join(dir, name)
				if *update {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file:\n%s", path, got)
				}
			}
			again, err := PrintRule(c.rule, c.opts)
			if err != nil || !bytes.Equal(again.YAML, p.YAML) || !bytes.Equal(again.Py, p.Py) {
				t.Errorf("printing twice gave different bytes")
			}
		})
	}
}

// TestPrintLoads loads every golden rule back: valid against the schema,
// nothing unsupported, and the rule's own tests pass.
func TestPrintLoads(t *testing.T) {
	for _, c := range printCases(t) {
		t.Run(c.name, func(t *testing.T) {
			p, err := PrintRule(c.rule, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writePrinted(t, dir, p)
			r, errs := LoadRule(filepath.Join(dir, p.YAMLName))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(r.Unsupported) > 0 {
				t.Fatalf("unsupported: %v", r.Unsupported)
			}
			if r.ID == "" || r.Name == "" || len(r.LogTypes) != 1 || r.LogTypes[0] != c.rule.LogType {
				t.Errorf("id %q name %q log types %v", r.ID, r.Name, r.LogTypes)
			}
			if len(r.Tests) != len(c.rule.Tests) {
				t.Fatalf("%d tests read back, want %d", len(r.Tests), len(c.rule.Tests))
			}
			for i, tc := range r.Tests {
				if tc.Name != c.rule.Tests[i].Name || tc.Expected != c.rule.Tests[i].Expected {
					t.Errorf("test %d read back as %q %v", i, tc.Name, tc.Expected)
				}
				if ast.JSON(tc.Log) != ast.JSON(c.rule.Tests[i].Event) {
					t.Errorf("test %q log read back as\n%s\nwant\n%s", tc.Name, ast.JSON(tc.Log), ast.JSON(c.rule.Tests[i].Event))
				}
			}
		})
	}
}

func writePrinted(t testing.TB, dir string, p *Printed) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, p.YAMLName), p.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	if p.PyName != "" {
		if err := os.WriteFile(filepath.Join(dir, p.PyName), p.Py, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPrintBlack checks the golden Python with black itself, when black is
// installed (panther-analysis formats with black, line length 100).
func TestPrintBlack(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black is not installed")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "print", "*", "*.py"))
	if len(files) == 0 {
		t.Fatal("no golden Python files")
	}
	args := append([]string{"--check", "--diff", "-q", "-l", "100"}, files...)
	out, err := exec.Command(black, args...).CombinedOutput()
	if err != nil {
		t.Errorf("black would reformat:\n%s", out)
	}
}

// randomRule builds a random condition over a few fields, long and short,
// for the layout and semantics checks.
func randomRule(rng *rand.Rand, i int) *portable.Rule {
	fields := []string{
		"eventName", "eventSource", "userAgent", "sourceIPAddress", "errorCode",
		"userIdentity.type", "userIdentity.arn", "requestParameters.bucketName",
		"userIdentity.sessionContext.sessionIssuer.userName", "requestParameters.maxResults",
		"additionalEventData.bytesTransferredOut", "responseElements.credentials.accessKeyId",
	}
	words := []string{"Put", "Bucket", "Policy", "aws-cli", "Terraform", "Delete", "Get", "Role", "admin", "s3.amazonaws.com",
		"AssumeRole", "CreateAccessKey", "x", "ConsoleLogin", "UpdateLoginProfile", "AttachUserPolicy"}
	value := func() string {
		n := 1 + rng.Intn(3)
		var b strings.Builder
		for range n {
			b.WriteString(words[rng.Intn(len(words))])
		}
		return b.String()
	}
	var gen func(depth int) portable.Expr
	gen = func(depth int) portable.Expr {
		k := rng.Intn(10)
		if depth > 2 {
			k = 9
		}
		switch {
		case k == 0:
			return &portable.Not{X: gen(depth + 1)}
		case k <= 2:
			n := 2 + rng.Intn(3)
			var xs []portable.Expr
			for range n {
				xs = append(xs, gen(depth+1))
			}
			if k == 1 {
				return &portable.Or{Xs: xs}
			}
			return &portable.And{Xs: xs}
		}
		f := strings.Split(fields[rng.Intn(len(fields))], ".")
		ops := []portable.Op{portable.Eq, portable.Eq, portable.Wildcard, portable.Prefix, portable.Suffix, portable.Contains,
			portable.Regex, portable.CIDR, portable.Gt, portable.Le, portable.Exists, portable.Success}
		a := &portable.Atom{Field: f, Op: ops[rng.Intn(len(ops))], Fold: rng.Intn(2) == 0}
		nv := 1 + rng.Intn(6)
		switch a.Op {
		case portable.Success:
			a.Field = nil
			return a
		case portable.Exists:
			return a
		case portable.Gt, portable.Le:
			a.Values = []string{strconv.Itoa(rng.Intn(2000) - 100)}
			return a
		case portable.CIDR:
			nets := []string{"10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "fd00::/8", "203.0.113.7", "2001:db8::/32"}
			for range 1 + rng.Intn(4) {
				a.Values = append(a.Values, nets[rng.Intn(len(nets))])
			}
			return a
		case portable.Regex:
			pats := []string{`^arn:aws:iam::\d+:role/`, `(?i)admin`, `Put(Bucket|Object)Acl$`, `\bsvc-[a-z]{2,}`, `a.b`, `x*y+z?`}
			a.Values = []string{pats[rng.Intn(len(pats))]}
			return a
		case portable.Wildcard:
			for range nv {
				v := value()
				switch rng.Intn(4) {
				case 0:
					v = "*" + v
				case 1:
					v += "*"
				case 2:
					v = v[:len(v)/2] + "*" + v[len(v)/2:]
				}
				a.Values = append(a.Values, v)
			}
			return a
		}
		for range nv {
			a.Values = append(a.Values, value())
		}
		return a
	}
	r := &portable.Rule{Name: fmt.Sprintf("Random %d", i), LogType: "AWS.CloudTrail", Cond: gen(0)}
	var parts []portable.TitlePart
	for range rng.Intn(6) {
		parts = append(parts, portable.TitlePart{Text: value() + " "}, portable.TitlePart{Field: strings.Split(fields[rng.Intn(len(fields))], ".")})
	}
	r.Title = parts
	for range rng.Intn(4) {
		r.Output = append(r.Output, strings.Split(fields[rng.Intn(len(fields))], "."))
	}
	return r
}

// TestPrintBlackRandom lays out random rules and has black check them (when
// black is installed): the layout code is a port of black's, and this is
// where it would drift.
func TestPrintBlackRandom(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black is not installed")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	for i := range 300 {
		p, err := PrintRule(randomRule(rng, i), PrintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		writePrinted(t, dir, p)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	args := append([]string{"--check", "--diff", "-q", "-l", "100"}, files...)
	if out, err := exec.Command(black, args...).CombinedOutput(); err != nil {
		t.Errorf("black would reformat:\n%s", out)
	}
}

// RandomRule is randomRule for the semantic tests of package panther_test.
var RandomRule = randomRule

// TestPrintYAMLRoundTrip prints text that YAML readers could take for
// something else and reads it back through LoadRule unchanged.
func TestPrintYAMLRoundTrip(t *testing.T) {
	tricky := []string{"yes", "No", "1.5", "0x1F", "1_000", "2024-01-01", "a: b", "#x", "- y", "x #y", "~", "null",
		"ü Ω", "tab\there", `quote " and \ backslash`, "trailing ", " leading", "", "{braces}", "[list]", "@at", "*star", "%pct", "'single'", "ok:"}
	desc := "First line.\n  Indented line.\n\nAfter a blank line: done."
	r := &portable.Rule{
		Name: `Odd <Name> & "quotes" 100%`, LogType: "AWS.CloudTrail",
		Meta: ast.Meta{Description: desc, Tags: tricky, References: []string{"https://example.com/x?a=1&b=2#frag"},
			KnownFalsePositives: "none: really", HowToImplement: "ingest it", MITRE: []string{"t1098.001", "TA0040:T1485"}},
		Cond:  pEq("eventName", false, "x"),
		Title: pTitle("quotes \" ' and {braces} and \\ for ", pField("a.b"), "!"),
	}
	for i, name := range tricky {
		o := &ast.Object{}
		o.Set("eventName", ast.String(name))
		o.Set("n", ast.Int(int64(i)-3))
		o.Set("big", ast.Int(9007199254740993))
		o.Set("f", ast.Float([]float64{0.1, 1e20, -2.5e-7, 3}[i%4]))
		o.Set("ctl", ast.String("a\x00b\x1f\u2028\U0001F600\"\\"))
		o.Set("list", ast.List(ast.String(name), ast.Int(1), ast.Null, ast.Bool(false), ast.List(), ast.ObjectOf(&ast.Object{})))
		o.Set("longlist", ast.List(ast.String(strings.Repeat("x", 40)), ast.String(strings.Repeat("y", 40))))
		inner := &ast.Object{}
		inner.Set(name, ast.ObjectOf(o.Clone()))
		o.Set("nested", ast.ObjectOf(inner))
		r.Tests = append(r.Tests, portable.Test{Name: name, Expected: i%2 == 0, Event: ast.ObjectOf(o)})
	}
	for _, detection := range []bool{false, true} {
		p, err := PrintRule(r, PrintOptions{BaseName: "odd", YAMLDetection: detection})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writePrinted(t, dir, p)
		got, errs := LoadRule(filepath.Join(dir, p.YAMLName))
		if len(errs) > 0 || len(got.Unsupported) > 0 {
			t.Fatalf("errors %v unsupported %v\n%s", errs, got.Unsupported, p.YAML)
		}
		if got.Name != `Odd (Name) and 'quotes' 100 percent` {
			t.Errorf("DisplayName read back as %q", got.Name)
		}
		if got.Meta.Description != desc {
			t.Errorf("Description read back as %q", got.Meta.Description)
		}
		if strings.Join(got.Meta.Tags, "|") != strings.Join(tricky, "|") {
			t.Errorf("Tags read back as %q", got.Meta.Tags)
		}
		if got.Meta.References[0] != r.Meta.References[0] {
			t.Errorf("Reference read back as %q", got.Meta.References)
		}
		if want := "Known false positives: none: really\n\nHow to implement: ingest it"; got.Meta.Runbook != want {
			t.Errorf("Runbook read back as %q", got.Meta.Runbook)
		}
		if want := "TA0003:T1098.001|TA0004:T1098.001|TA0040:T1485"; strings.Join(got.Meta.MITRE, "|") != want {
			t.Errorf("MITRE read back as %q, want %s", got.Meta.MITRE, want)
		}
		for i, tc := range got.Tests {
			if tc.Name != tricky[i] || tc.Expected != (i%2 == 0) || ast.JSON(tc.Log) != ast.JSON(r.Tests[i].Event) {
				t.Errorf("test %d read back as %q %v\n%s\nwant\n%s", i, tc.Name, tc.Expected, ast.JSON(tc.Log), ast.JSON(r.Tests[i].Event))
			}
		}
	}
}

func TestPrintErrors(t *testing.T) {
	ct := func(cond portable.Expr) *portable.Rule {
		return &portable.Rule{Name: "R", LogType: "AWS.CloudTrail", Cond: cond}
	}
	tests := []struct {
		name string
		rule *portable.Rule
		opts PrintOptions
		want string // in the error
	}{
		{"no condition", &portable.Rule{Name: "R", LogType: "AWS.CloudTrail"}, PrintOptions{}, "no condition"},
		{"no log type", &portable.Rule{Name: "R", Cond: pEq("a", false, "x")}, PrintOptions{}, "no log type"},
		{"no name", &portable.Rule{LogType: "AWS.CloudTrail", Cond: pEq("a", false, "x")}, PrintOptions{}, "BaseName"},
		{"bad base name", ct(pEq("a", false, "x")), PrintOptions{BaseName: "../x"}, "file base name"},
		{"success elsewhere", &portable.Rule{Name: "R", LogType: "Okta.SystemLog", Cond: pAtom("", portable.Success, false)}, PrintOptions{}, "no success helper"},
		{"no values", ct(pEq("a", false)), PrintOptions{}, `a eq: no values`},
		{"no field", ct(pAtom("", portable.Prefix, false, "x")), PrintOptions{}, "no field"},
		{"unknown op", ct(pAtom("a", "between", false, "x")), PrintOptions{}, `unknown operator "between"`},
		{"bad regex", ct(pAtom("a", portable.Regex, false, "(")), PrintOptions{}, "not an RE2 pattern"},
		{"never matches", ct(pAtom("a", portable.Regex, false, `[^\x00-\x{10FFFF}]`)), PrintOptions{}, "can never match"},
		{"threshold as a simple detection", &portable.Rule{Name: "R", LogType: "AWS.CloudTrail", Cond: pEq("a", false, "x"), Threshold: &portable.Threshold{Count: 2, WindowMinutes: 60}}, PrintOptions{YAMLDetection: true}, "needs a Python dedup()"},
		{"bad cidr", ct(pAtom("a", portable.CIDR, false, "10.0.0.0/33")), PrintOptions{}, "not a CIDR prefix"},
		{"bad number", ct(pAtom("a", portable.Gt, false, "0x10")), PrintOptions{}, "not a number"},
		{"two bounds", ct(pAtom("a", portable.Gt, false, "1", "2")), PrintOptions{}, "takes one value"},
		{"yaml prefix", ct(pAnd(pEq("eventName", false, "x"), pNot(pAtom("userAgent", portable.Prefix, false, "aws-cli")))),
			PrintOptions{YAMLDetection: true}, `userAgent prefix "aws-cli" has no exact simple-detection form`},
		{"yaml fold", ct(pEq("eventName", true, "StopLogging")), PrintOptions{YAMLDetection: true}, `eventName ieq "StopLogging" has no exact`},
		{"yaml wildcard", ct(pAtom("eventName", portable.Wildcard, false, "Get*")), PrintOptions{YAMLDetection: true}, "eventName wildcard"},
		{"yaml regex", ct(pAtom("eventName", portable.Regex, false, "x")), PrintOptions{YAMLDetection: true}, "no regular expressions"},
		{"yaml cidr", ct(pAtom("ip", portable.CIDR, false, "10.0.0.0/8")), PrintOptions{YAMLDetection: true}, "IPv4-mapped"},
		{"yaml number", ct(pOr(pEq("a", false, "x"), pAtom("n", portable.Ge, false, "5"))), PrintOptions{YAMLDetection: true}, `n ge "5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PrintRule(tt.rule, tt.opts)
			if err == nil {
				t.Fatalf("no error; printed\n%s%s", p.YAML, p.Py)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestPrintLossy: the printer's inexact points come back as Lossy entries
// and as "# concord:" comments; exact conditions have none.
func TestPrintLossy(t *testing.T) {
	tests := []struct {
		name   string
		cond   portable.Expr
		fields []string // of the Lossy entries, in order
		reason string   // in each entry and comment
	}{
		{"ascii fold", pAnd(pEq("eventName", true, "PutBucketPolicy"), pAtom("userAgent", portable.Contains, true, "ſs")), nil, ""},
		{"non-ascii fold", pOr(pEq("eventName", true, "Ärger"), pAtom("userIdentity.userName", portable.Prefix, true, "Σίσυφος")),
			[]string{"eventName", "userIdentity.userName"}, "str.lower()"},
		{"word boundary", pAtom("userAgent", portable.Regex, false, `\bcurl\b`), []string{"userAgent"}, `\b`},
		{"regex without boundary", pAtom("userAgent", portable.Regex, true, `^curl/[0-9.]+$`), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PrintRule(&portable.Rule{Name: "Lossy", LogType: "AWS.CloudTrail", Cond: tt.cond}, PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, l := range p.Lossy {
				fields = append(fields, l.Fields...)
				if !l.Either || !strings.Contains(l.Reason, tt.reason) {
					t.Errorf("entry %+v", l)
				}
				if !strings.Contains(string(p.Py), "# concord: "+l.Fields[0]+": ") {
					t.Errorf("no comment for %s in\n%s", l.Fields[0], p.Py)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("lossy fields %v, want %v", fields, tt.fields)
			}
			if len(tt.fields) == 0 && strings.Contains(string(p.Py), "# concord:") {
				t.Errorf("a comment without a lossy point:\n%s", p.Py)
			}
		})
	}
	// The conversion's own points are comments too, but not the printer's.
	r := &portable.Rule{Name: "Converted", LogType: "AWS.CloudTrail", Cond: pEq("eventName", false, "x"),
		Lossy: []portable.Lossy{{Fields: []string{"eventName"}, SourceHits: true, Reason: "Splunk also matches the number 5 by its text"}}}
	p, err := PrintRule(r, PrintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lossy) != 0 || !strings.Contains(string(p.Py), "# concord: converted inexactly (eventName): Splunk also matches") {
		t.Errorf("lossy %v\n%s", p.Lossy, p.Py)
	}
}

func TestPrintNames(t *testing.T) {
	tests := []struct {
		name, id, logType string
		wantID, wantBase  string
	}{
		{"AWS S3 Bucket Versioning Suspended", "", "AWS.CloudTrail", "AWS.S3.BucketVersioningSuspended", "aws_s3_bucket_versioning_suspended"},
		{"AWS CloudTrail Stopped", "2d6b1ac9-ec6f-4f24-9b2e-6f1d8c2b7c11", "AWS.CloudTrail", "AWS.CloudTrail.Stopped", "aws_cloudtrail_stopped"},
		{"AWS EC2 EBS Encryption Disabled", "", "AWS.CloudTrail", "AWS.EC2.EBS.EncryptionDisabled", "aws_ec2_ebs_encryption_disabled"},
		{"Console login without MFA", "", "AWS.CloudTrail", "AWS.CloudTrail.ConsoleLoginWithoutMFA", "console_login_without_mfa"},
		{"ASL AWS IAM Delete Policy", "", "AWS.CloudTrail", "AWS.ASL.IAM.DeletePolicy", "asl_aws_iam_delete_policy"},
		{"Anything", "Custom.Rule.ID", "AWS.CloudTrail", "Custom.Rule.ID", "anything"},
		{"Okta Admin Role Assigned", "", "Okta.SystemLog", "Okta.SystemLog.AdminRoleAssigned", "okta_admin_role_assigned"},
	}
	for _, tt := range tests {
		r := &portable.Rule{Name: tt.name, ID: tt.id, LogType: tt.logType, Cond: pEq("a", false, "x")}
		p, err := PrintRule(r, PrintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(p.YAML), "RuleID: \""+tt.wantID+"\"\n") || p.YAMLName != tt.wantBase+".yml" || p.PyName != tt.wantBase+".py" {
			t.Errorf("%s: files %s %s\n%s", tt.name, p.YAMLName, p.PyName, p.YAML)
		}
	}
	for score, want := range map[int]string{0: "Info", 19: "Info", 20: "Low", 39: "Low", 40: "Medium", 59: "Medium", 60: "High", 79: "High", 80: "Critical", 100: "Critical"} {
		if got := severity(ast.Meta{RiskScore: score}); got != want {
			t.Errorf("risk score %d: %s, want %s", score, got, want)
		}
	}
	if got := severity(ast.Meta{Severity: "medium", RiskScore: 90}); got != "Medium" {
		t.Errorf("Panther's severity wins: %s", got)
	}
	if got := keySnake("sourceIPAddress"); got != "source_ip_address" {
		t.Errorf("keySnake: %s", got)
	}
	if got := keySnake("userIdentity"); got != "user_identity" {
		t.Errorf("keySnake: %s", got)
	}
}

// TestPrintOtherLogType: outside CloudTrail the context is a plain dict and
// nothing comes from panther_aws_helpers.
func TestPrintOtherLogType(t *testing.T) {
	r := &portable.Rule{Name: "Okta Admin Granted", LogType: "Okta.SystemLog",
		Cond:   pAnd(pEq("eventType", false, "user.account.privilege.grant"), pAtom("outcome.result", portable.Exists, false)),
		Output: [][]string{pField("actor.alternateId"), pField("target.alternateId"), pField("eventType")},
		Tests:  []portable.Test{{Name: "grant", Expected: true, Event: pEvent(t, `{"eventType":"user.account.privilege.grant","outcome":{"result":"SUCCESS"}}`)}},
	}
	p, err := PrintRule(r, PrintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	py := string(p.Py)
	if strings.Contains(py, "panther_aws_helpers") || strings.Contains(string(p.YAML), "p_any_aws_arns") {
		t.Errorf("AWS helpers outside CloudTrail:\n%s%s", p.YAML, py)
	}
	want := `def alert_context(event):
    return {
        "actor.alternateId": event.deep_get("actor", "alternateId"),
        "target.alternateId": event.deep_get("target", "alternateId"),
        "eventType": event.get("eventType"),
    }
`
	if !strings.HasSuffix(py, want) {
		t.Errorf("alert_context:\n%s", py)
	}
	dir := t.TempDir()
	writePrinted(t, dir, p)
	if got, errs := LoadRule(filepath.Join(dir, p.YAMLName)); len(errs) > 0 || len(got.Unsupported) > 0 {
		t.Errorf("errors %v unsupported %v", errs, got.Unsupported)
	}
}

// A Threshold prints as Threshold and DedupPeriodMinutes, and a dedup() that
// returns the group's field, its fields joined with ":", or a constant for one
// group (without dedup(), Panther would group by the title).
func TestPrintThreshold(t *testing.T) {
	for _, c := range []struct {
		by   [][]string
		want string
	}{
		{[][]string{{"userIdentity", "arn"}}, `def dedup(event):
    return event.deep_get("userIdentity", "arn", default="<UNKNOWN_ARN>")
`},
		{[][]string{{"recipientAccountId"}, {"awsRegion"}}, `def dedup(event):
    recipient_account_id = event.get("recipientAccountId", "<UNKNOWN_RECIPIENT_ACCOUNT_ID>")
    aws_region = event.get("awsRegion", "<UNKNOWN_AWS_REGION>")
    return f"{recipient_account_id}:{aws_region}"
`},
		{nil, `def dedup(event):
    return "AWS.CloudTrail.SecretReads"
`},
	} {
		r := &portable.Rule{Name: "Secret Reads", LogType: "AWS.CloudTrail", Cond: pEq("eventName", false, "GetSecretValue"),
			Threshold: &portable.Threshold{Count: 5, WindowMinutes: 15, GroupBy: c.by}}
		p, err := PrintRule(r, PrintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(p.Py), c.want) {
			t.Errorf("%v: no\n%s\nin\n%s", c.by, c.want, p.Py)
		}
		if !strings.Contains(string(p.YAML), "\nThreshold: 5\nDedupPeriodMinutes: 15\n") {
			t.Errorf("%v: no Threshold in\n%s", c.by, p.YAML)
		}
	}
}
