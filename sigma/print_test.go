package sigma

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/print")

func atom(path string, op portable.Op, fold bool, values ...string) *portable.Atom {
	var field []string
	if path != "" {
		field = strings.Split(path, ".")
	}
	return &portable.Atom{Field: field, Op: op, Values: values, Fold: fold}
}

func pAnd(xs ...portable.Expr) *portable.And { return &portable.And{Xs: xs} }
func pOr(xs ...portable.Expr) *portable.Or   { return &portable.Or{Xs: xs} }
func pNot(x portable.Expr) *portable.Not     { return &portable.Not{X: x} }

var success = &portable.Atom{Op: portable.Success}

// printCases are portable rules in the shapes the front ends produce, each
// with the golden file Print writes for it and the lossy points it reports.
var printCases = []struct {
	name  string
	rule  portable.Rule
	lossy []string // describeLossy of each point
}{
	{
		name: "s3_versioning_panther",
		rule: portable.Rule{
			Name: "AWS S3 Bucket Versioning Suspended", ID: "AWS.S3.BucketVersioningSuspended", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{
				Description:         "Versioning of an S3 bucket was suspended.\nObjects deleted afterwards cannot be restored.",
				References:          []string{"https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html"},
				Author:              "Panther Labs",
				Date:                "2024-05-01",
				MITRE:               []string{"TA0040:T1490"},
				Tags:                []string{"AWS", "Impact:Inhibit System Recovery"},
				Severity:            "Medium",
				KnownFalsePositives: "Buckets retired by their owners",
			},
			Cond: pAnd(
				atom("eventSource", portable.Eq, false, "s3.amazonaws.com"),
				atom("eventName", portable.Eq, false, "PutBucketVersioning"),
				atom("requestParameters.VersioningConfiguration.Status", portable.Eq, false, "Suspended"),
				success,
			),
			Output: [][]string{{"userIdentity", "arn"}, {"requestParameters", "bucketName"}},
		},
		lossy: []string{"errorCode,errorMessage [] source"},
	},
	{
		name: "filters_splunk",
		rule: portable.Rule{
			Name: "AWS ListBuckets By A User", ID: "2a8b6e1c-36a4-4f0e-9a53-6b1f7f3c1d2e", LogType: "aws:cloudtrail",
			Meta: ast.Meta{
				Description: "Bucket enumeration by something other than a role.",
				Author:      "Someone, Splunk",
				Date:        "2024-01-02T10:00:00Z",
				MITRE:       []string{"T1580", "T1619"},
				Tags:        []string{"AWS Discovery"},
				Severity:    "low",
			},
			Cond: pAnd(
				atom("eventSource", portable.Eq, true, "s3.amazonaws.com"),
				pNot(atom("userIdentity.type", portable.Eq, true, "AssumedRole")),
				atom("eventName", portable.Eq, true, "ListBuckets"),
				pNot(atom("userAgent", portable.Prefix, true, "aws-internal/")),
			),
		},
	},
	{
		name: "or_of_ands",
		rule: portable.Rule{
			Name: "SAML Changes", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{Severity: "High", MITRE: []string{"TA0001:T1078", "TA0008:T1550.001", "TA0001:T1199"}},
			Cond: pOr(
				pAnd(atom("eventSource", portable.Eq, true, "sts.amazonaws.com"), atom("eventName", portable.Eq, true, "AssumeRoleWithSAML")),
				pAnd(atom("eventSource", portable.Eq, true, "iam.amazonaws.com"), atom("eventName", portable.Eq, true, "UpdateSAMLProvider", "CreateSAMLProvider")),
			),
		},
	},
	{
		name: "nested",
		rule: portable.Rule{
			Name: "Nested Logic", LogType: "AWS.CloudTrail",
			Cond: pAnd(
				atom("eventSource", portable.Eq, true, "guardduty.amazonaws.com"),
				pOr(
					atom("eventName", portable.Eq, true, "DeleteDetector"),
					pAnd(atom("eventName", portable.Eq, true, "UpdateDetector"), pNot(atom("requestParameters.enable", portable.Exists, false))),
				),
				pNot(pOr(
					atom("userAgent", portable.Regex, false, `^Boto3/\d`),
					atom("sourceIPAddress", portable.CIDR, false, "10.0.0.0/8", "fd00::/8"),
				)),
				pNot(pAnd(
					atom("userIdentity.type", portable.Eq, true, "AWSService"),
					pOr(atom("userIdentity.invokedBy", portable.Suffix, true, ".amazonaws.com"), atom("userIdentity.invokedBy", portable.Exists, false)),
				)),
			),
		},
	},
	{
		name: "values",
		rule: portable.Rule{
			Name: "Value Forms", LogType: "AWS.CloudTrail",
			Cond: pAnd(
				atom("a", portable.Wildcard, true, "arn:aws:iam::*:role/*Admin*"),
				atom("b", portable.Eq, true, `C:\Windows\*`, "what?", `back\\slash`),
				atom("c", portable.Contains, true, "x", "y"),
				atom("c", portable.Contains, true, "z"),
				atom("d", portable.Contains, true, "one"),
				atom("d", portable.Contains, true, "two"),
				atom("d", portable.Contains, true, "three"),
				atom("e", portable.Suffix, false, ".exe"),
				atom("f", portable.Eq, false, "12345"),
				atom("g", portable.Regex, true, "admin|root"),
				atom("h", portable.Eq, true, "it's"),
				atom("i", portable.Eq, true, "multi\nline"),
				atom("j", portable.Eq, true, ""),
			),
		},
		lossy: []string{"f [string-as-number] conversion"},
	},
	{
		name: "numbers_exists",
		rule: portable.Rule{
			Name: "Numbers And Presence", LogType: "AWS.CloudTrail",
			Cond: pAnd(
				atom("eventName", portable.Eq, true, "RunInstances"),
				atom("requestParameters.instancesSet.items.minCount", portable.Ge, false, "10"),
				atom("requestParameters.maxCount", portable.Lt, false, "-2.5"),
				atom("requestParameters.userData", portable.Exists, false),
				pNot(atom("requestParameters.dryRun", portable.Exists, false)),
				atom("requestParameters.ebsOptimized", portable.Eq, true, "true"),
			),
		},
		lossy: []string{"requestParameters.ebsOptimized [] conversion"},
	},
	{
		name: "failed_logins",
		rule: portable.Rule{
			Name: "Failed Console Logins", ID: "AWS.Console.LoginFailed", LogType: "AWS.CloudTrail",
			Meta: ast.Meta{Severity: "critical", KnownFalsePositives: "Typos\n\nForgotten passwords\n"},
			Cond: pAnd(atom("eventName", portable.Eq, false, "ConsoleLogin"), pNot(success)),
		},
		lossy: []string{"errorCode,errorMessage [] conversion"},
	},
	{
		name: "only_filter",
		rule: portable.Rule{
			Name: "Not A Service Event", LogType: "AWS.CloudTrail",
			Cond: pNot(atom("eventType", portable.Eq, true, "AwsServiceEvent")),
		},
	},
}

func TestPrintGolden(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			out, lossy, err := Print(&r)
			if err != nil {
				t.Fatal(err)
			}
			again, _, _ := Print(&r)
			if !bytes.Equal(out, again) {
				t.Error("Print is not deterministic")
			}
			path := filepath.Join("testdata", "print", tc.name+".yml")
			if *update {
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, out)
			}
			var got []string
			for _, l := range lossy {
				got = append(got, describeLossy(l))
			}
			if !reflect.DeepEqual(got, tc.lossy) {
				t.Errorf("lossy %q, want %q", got, tc.lossy)
			}
		})
	}
}

// TestRoundTrip: Load(Print(r)) has r's condition, with success in the form
// Print writes it.
func TestRoundTrip(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			out, _, err := Print(&r)
			if err != nil {
				t.Fatal(err)
			}
			back, errs := LoadBytes(tc.name+".yml", out)
			if len(errs) > 0 {
				t.Fatalf("%v\n%s", errs, out)
			}
			if got, want := canon(back.Cond), canon(expandSuccess(r.Cond)); got != want {
				t.Errorf("got  %s\nwant %s\n%s", got, want, out)
			}
			if back.Name != r.Name || back.LogType != "AWS.CloudTrail" || back.Meta.Description != r.Meta.Description {
				t.Errorf("meta: %+v", back)
			}
			// A second round is byte for byte the first.
			out2, _, err := Print(back)
			if err != nil {
				t.Fatal(err)
			}
			back2, _ := LoadBytes("again.yml", out2)
			if canon(back2.Cond) != canon(back.Cond) || back2.ID != back.ID {
				t.Errorf("second round differs:\n%s", out2)
			}
		})
	}
}

func TestPrintMeta(t *testing.T) {
	r := printCases[0].rule
	out, _, err := Print(&r)
	if err != nil {
		t.Fatal(err)
	}
	back := mustLoad(t, string(out))
	if !uuidPattern.MatchString(back.ID) || back.ID[14] != '5' || !strings.ContainsAny(back.ID[19:20], "89ab") {
		t.Errorf("id %q is not a version 5 UUID", back.ID)
	}
	r2 := r
	r2.ID = "other"
	out2, _, _ := Print(&r2)
	if back2 := mustLoad(t, string(out2)); back2.ID == back.ID {
		t.Error("different rule ids give the same UUID")
	}
	if want := []string{"T1490"}; !reflect.DeepEqual(back.Meta.MITRE, want) {
		t.Errorf("MITRE %v", back.Meta.MITRE)
	}
	if want := []string{"attack.impact"}; !reflect.DeepEqual(back.Meta.Tags, want) {
		t.Errorf("tags %v", back.Meta.Tags)
	}
	if back.Meta.Severity != "Medium" || back.Meta.Date != "2024-05-01" || back.Meta.KnownFalsePositives != r.Meta.KnownFalsePositives {
		t.Errorf("meta %+v", back.Meta)
	}
	if !reflect.DeepEqual(back.Output, r.Output) {
		t.Errorf("output %v", back.Output)
	}
}

func TestSigmaTags(t *testing.T) {
	got := sigmaTags(ast.Meta{
		MITRE: []string{"TA0005:T1562.001", "T1562.008", "ta0043", "TA9999:T1000", "Defense Evasion"},
		Tags:  []string{"attack.stealth", "attack.t1562.001", "cve.2021-44228", "AWS", "attack.g0016"},
	})
	want := []string{"attack.defense-evasion", "attack.reconnaissance", "attack.stealth", "attack.t1562.001", "attack.t1562.008", "attack.t1000", "cve.2021-44228", "attack.g0016"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(tactics) != 14 {
		t.Errorf("%d tactics", len(tactics))
	}
}

func TestPrintErrors(t *testing.T) {
	ok := func(c portable.Expr) *portable.Rule {
		return &portable.Rule{Name: "N", LogType: "AWS.CloudTrail", Cond: c}
	}
	eq := atom("eventName", portable.Eq, true, "X")
	for _, tc := range []struct {
		name string
		rule *portable.Rule
		want string
	}{
		{"nil", nil, "sigma: no rule"},
		{"no title", &portable.Rule{LogType: "AWS.CloudTrail", Cond: eq}, "sigma: the rule has neither a name nor an id for the title"},
		{"log type", &portable.Rule{Name: "N", LogType: "Okta.SystemLog", Cond: eq}, `sigma: log type "Okta.SystemLog" has no Sigma log source`},
		{"no condition", ok(nil), "sigma: the rule has no condition"},
		{"always true", ok(pAnd()), "sigma: the condition is always true, which Sigma cannot say"},
		{"always false", ok(pAnd(eq, pOr())), "sigma: the condition is always false, which Sigma cannot say"},
		{"dotted key", ok(&portable.Atom{Field: []string{"requestParameters", "a.b"}, Op: portable.Eq, Values: []string{"x"}}), `sigma: requestParameters.a.b eq "x": the key "a.b" cannot be part of a Sigma field name (dots separate keys, | starts modifiers)`},
		{"no field", ok(atom("", portable.Eq, true, "x")), `sigma: ieq "x": the test names no field`},
		{"no values", ok(atom("a", portable.Contains, true)), "sigma: a icontains: the test has no values"},
		{"bad cidr", ok(atom("ip", portable.CIDR, false, "10.0.0.0")), `sigma: ip cidr "10.0.0.0": "10.0.0.0" is not a CIDR prefix`},
		{"bad number", ok(atom("n", portable.Gt, false, "ten")), `sigma: n gt "ten": a comparison needs one decimal number`},
		{"unknown op", ok(atom("n", "near", false, "x")), `sigma: n near "x": unknown test "near"`},
		// sigma-specification appendix_modifier.md defines fieldref without
		// case or missing-field semantics.
		{"two fields", ok(&portable.Atom{Field: []string{"a"}, Op: portable.Same, Ref: []string{"b", "c"}}), `sigma: a same b.c: Sigma's fieldref modifier leaves case and missing fields to each backend, so a comparison of two fields has no exact Sigma form`},
		// No modifier of appendix_modifier.md parses a value as JSON.
		{"parsed JSON text", ok(&portable.Parse{Path: []string{"requestParameters", "policyDocument"}, X: atom("Version", portable.Eq, false, "2012-10-17")}), `sigma: json requestParameters.policyDocument (Version eq "2012-10-17"): Sigma has no modifier that parses a field's text as JSON`},
		{"list elements", ok(&portable.Any{Path: []string{"items"}, X: atom("cidrIp", portable.Eq, false, "0.0.0.0/0")}), `sigma: any items[] (cidrIp eq "0.0.0.0/0"): a test of a list's elements has no Sigma form (how a field holding a list matches is left to each backend)`},
		{"nil child", ok(pAnd(eq, nil)), "sigma: a nil condition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Print(tc.rule)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}
