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
