package spl_test

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
	"github.com/concordsec/concord/spl"
)

// The printer's tests live in package spl_test: running a printed detection
// takes harness, which imports spl.

var printDir = filepath.Join("testdata", "print")

// event builds a CloudTrail record: a common caller and call, then the
// record's own keys on top (a key set to nil is removed).
func event(tb testing.TB, own string) ast.Value {
	tb.Helper()
	base := `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE0000000001",` +
		`"arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory"},` +
		`"eventTime":"2025-04-02T09:15:00Z","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7",` +
		`"userAgent":"aws-cli/2.15.0","requestID":"r-1","eventID":"e-1","eventType":"AwsApiCall",` +
		`"recipientAccountId":"111122223333"}`
	b, err := ast.ParseJSON([]byte(base))
	if err != nil {
		tb.Fatal(err)
	}
	o, err := ast.ParseJSON([]byte(own))
	if err != nil {
		tb.Fatalf("%v: %s", err, own)
	}
	out := b.AsObject().Clone()
	for i, k := range o.AsObject().Keys {
		if v := o.AsObject().Vals[i]; v.Kind() == ast.KindNull {
			out.Delete(k)
		} else {
			out.Set(k, v)
		}
	}
	return ast.ObjectOf(out)
}

func atom(path string, op portable.Op, vals ...string) *portable.Atom {
	var f []string
	if path != "" {
		f = strings.Split(path, ".")
	}
	return &portable.Atom{Field: f, Op: op, Values: vals}
}

func folded(a *portable.Atom) *portable.Atom { a.Fold = true; return a }

func and(xs ...portable.Expr) portable.Expr { return &portable.And{Xs: xs} }
func or(xs ...portable.Expr) portable.Expr  { return &portable.Or{Xs: xs} }
func not(x portable.Expr) portable.Expr     { return &portable.Not{X: x} }

func fields(paths ...string) [][]string {
	var out [][]string
	for _, p := range paths {
		out = append(out, strings.Split(p, "."))
	}
	return out
}

func title(parts ...string) []portable.TitlePart {
	var out []portable.TitlePart
	for _, p := range parts {
		if f, ok := strings.CutPrefix(p, "$"); ok {
			out = append(out, portable.TitlePart{Field: strings.Split(f, ".")})
		} else {
			out = append(out, portable.TitlePart{Text: p})
		}
	}
	return out
}

// printCase is a portable rule and the differences from the portable
// semantics that its printed search is allowed (each explained by one of the
// printer's lossy points): "field=variant" labels of TestPrintSemantics.
type printCase struct {
	name  string
	rule  func(testing.TB) *portable.Rule
	diffs []string
}

var printCases = []printCase{
	{
		// Tests of JSON arrays' elements: nested lists down to one field, and
		// a list of strings.
		name: "security_group_open",
		rule: func(tb testing.TB) *portable.Rule {
			ranges := &portable.Any{Path: strings.Split("requestParameters.ipPermissions.items", "."),
				X: &portable.Any{Path: []string{"ipRanges", "items"}, X: atom("cidrIp", portable.Eq, "0.0.0.0/0")}}
			return &portable.Rule{
				Name: "AWS Security Group Opened To Everyone", ID: "AWS.EC2.SecurityGroupOpen", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{Description: "A security group admits the whole internet.", Severity: "High", MITRE: []string{"T1562.007"}},
				Cond: and(
					atom("eventName", portable.Eq, "AuthorizeSecurityGroupIngress"),
					ranges,
					not(&portable.Any{Path: []string{"tags"}, X: folded(atom("", portable.Wildcard, "*approved*"))}),
				),
				Output: fields("requestParameters.groupId"),
				Title:  title("Security group [", "$requestParameters.groupId", "] opened to everyone"),
				Tests: []portable.Test{
					{Name: "open to everyone", Expected: true, Event: event(tb, `{"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[`+
						`{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}},{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}}`)},
					{Name: "open to the office", Expected: false, Event: event(tb, `{"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[`+
						`{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"198.51.100.0/24"}]}}]}}}`)},
					{Name: "approved", Expected: false, Event: event(tb, `{"eventName":"AuthorizeSecurityGroupIngress","tags":["x","Approved-by-netsec"],"requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[`+
						`{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}}`)},
				},
			}
		},
	},
	{
		// A CloudTrail rule testing one field.
		name: "trail_deleted",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS CloudTrail Trail Deleted", ID: "AWS.CloudTrail.TrailDeleted", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{
					Description: "A CloudTrail trail was deleted.\nWithout the trail, later API calls in the account go unrecorded.",
					References:  []string{"https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html"},
					Author:      "concord tests", Date: "2025-06-01", Severity: "High",
					MITRE: []string{"TA0005:T1562.008"}, Tags: []string{"AWS Defense Evasion"},
				},
				Cond:   atom("eventName", portable.Eq, "DeleteTrail"),
				Output: fields("userIdentity.arn", "sourceIPAddress", "requestParameters.name"),
				Title:  title("CloudTrail trail [", "$requestParameters.name", "] deleted by ", "$userIdentity.arn"),
				Tests: []portable.Test{
					// The account's root user: the add-on derives no user from it.
					{Name: "trail deleted by root", Expected: true, Event: event(tb, `{"eventSource":"cloudtrail.amazonaws.com","eventName":"DeleteTrail","requestParameters":{"name":"org-trail"},`+
						`"userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}}`)},
					{Name: "trail created", Expected: false, Event: event(tb, `{"eventSource":"cloudtrail.amazonaws.com","eventName":"CreateTrail","requestParameters":{"name":"org-trail"}}`)},
				},
			}
		},
	},
	{
		// A case-insensitive list, with a second conjunct.
		name: "s3_bucket_permissions_changed",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS S3 Bucket Permissions Changed", ID: "AWS.S3.BucketPermissionsChanged", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{Description: "An S3 bucket's ACL or policy was replaced.", Severity: "Medium", MITRE: []string{"TA0010:T1530"}},
				Cond: and(
					atom("eventSource", portable.Eq, "s3.amazonaws.com"),
					folded(atom("eventName", portable.Eq, "putbucketacl", "putbucketpolicy")),
				),
				// Panther's spelling of the caller's address, and one of its own p_ fields.
				Output: fields("requestParameters.bucketName", "sourceIpAddress", "p_any_aws_arns"),
				Title:  title("Permissions of S3 bucket [", "$requestParameters.bucketName", "] changed"),
				Tests: []portable.Test{
					{Name: "policy replaced", Expected: true, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","requestParameters":{"bucketName":"ledger"}}`)},
					{Name: "acl replaced", Expected: true, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","requestParameters":{"bucketName":"ledger"}}`)},
					{Name: "acl replaced, odd case", Expected: true, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"PUTBUCKETACL","requestParameters":{"bucketName":"ledger"}}`)},
					{Name: "acl read", Expected: false, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","requestParameters":{"bucketName":"ledger"}}`)},
				},
			}
		},
		diffs: []string{
			// lower() is not Unicode simple folding: 'İ' lowers to 'i'.
			"eventName=fold-lower-only",
		},
	},
	{
		// A prefix on a nested field, and a negated test of a deeper one.
		name: "break_glass_role_assumed",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS Break Glass Role Assumed", ID: "AWS.STS.BreakGlassRoleAssumed", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{
					Description: "Someone other than the incident response team assumed a break-glass role.",
					Severity:    "Critical", MITRE: []string{"TA0004:T1078.004"}, Type: "anomaly",
					KnownFalsePositives: "Drills of the break-glass procedure.",
					HowToImplement:      "Collect CloudTrail from the identity account.",
				},
				Cond: and(
					atom("eventSource", portable.Eq, "sts.amazonaws.com"),
					atom("eventName", portable.Eq, "AssumeRole"),
					atom("requestParameters.roleArn", portable.Prefix, "arn:aws:iam::111122223333:role/BreakGlass"),
					not(atom("userIdentity.sessionContext.sessionIssuer.userName", portable.Eq, "incident-response")),
				),
				Output: fields("requestParameters.roleArn", "requestParameters.roleSessionName", "userIdentity.sessionContext.sessionIssuer.userName"),
				Title:  title("Break-glass role ", "$requestParameters.roleArn", " assumed by ", "$userIdentity.arn"),
				Tests: []portable.Test{
					{Name: "assumed by a user", Expected: true, Event: event(tb, `{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole",`+
						`"requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/BreakGlassAdmin","roleSessionName":"mallory"}}`)},
					{Name: "assumed by incident response", Expected: false, Event: event(tb, `{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole",`+
						`"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/incident-response/alice","accountId":"111122223333",`+
						`"sessionContext":{"sessionIssuer":{"type":"Role","userName":"incident-response"}}},`+
						`"requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/BreakGlassAdmin","roleSessionName":"alice"}}`)},
				},
			}
		},
	},
	{
		// A field that must exist, and a successful call.
		name: "access_key_created",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS Access Key Created For A User", ID: "AWS.IAM.AccessKeyCreated", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{Description: "An access key was created for a named IAM user.", Severity: "Low", MITRE: []string{"TA0003:T1098.001", "T1098.001"}},
				Cond: and(
					atom("eventName", portable.Eq, "CreateAccessKey"),
					atom("requestParameters.userName", portable.Exists),
					atom("", portable.Success),
				),
				Output: fields("requestParameters.userName", "errorCode"),
				Title:  title("Access key created for ", "$requestParameters.userName", " by ", "$userIdentity.arn"),
				Tests: []portable.Test{
					{Name: "created", Expected: true, Event: event(tb, `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{"userName":"bob"},"responseElements":null}`)},
					{Name: "denied", Expected: false, Event: event(tb, `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{"userName":"bob"},`+
						`"errorCode":"AccessDenied","errorMessage":"User is not authorized"}`)},
				},
			}
		},
		diffs: []string{
			// Splunk extracts JSON null as the text "null": the string "null"
			// reads as absent.
			"requestParameters.userName=string-null",
			"errorCode=string-null", "errorMessage=string-null",
			// spath gives an empty list or object, 0 and false as text.
			"errorCode=empty-list", "errorCode=empty-object", "errorCode=zero", "errorCode=false",
			"errorMessage=empty-list", "errorMessage=empty-object", "errorMessage=zero", "errorMessage=false",
		},
	},
	{
		// A wildcard, a negated CIDR test and a numeric comparison.
		name: "large_s3_download_from_outside",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS Large S3 Download From Outside", ID: "AWS.S3.LargeDownloadFromOutside", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{Description: "More than a megabyte read from S3 by an address outside the corporate ranges.", RiskScore: 64, Severity: "Info", MITRE: []string{"TA0010:T1530"}},
				Cond: and(
					atom("eventSource", portable.Eq, "s3.amazonaws.com"),
					atom("eventName", portable.Wildcard, "Get*Object", "Select*Content"),
					not(atom("sourceIPAddress", portable.CIDR, "10.0.0.0/8", "192.168.0.0/16")),
					atom("additionalEventData.bytesTransferredOut", portable.Gt, "1048576"),
				),
				Output: fields("requestParameters.bucketName", "requestParameters.key", "additionalEventData.bytesTransferredOut"),
				Title:  title("$additionalEventData.bytesTransferredOut", " bytes of s3://", "$requestParameters.bucketName", " read from ", "$sourceIPAddress"),
				Tests: []portable.Test{
					{Name: "large read from outside", Expected: true, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"GetObject",`+
						`"requestParameters":{"bucketName":"ledger","key":"2025/q1.csv"},"additionalEventData":{"bytesTransferredOut":5242880}}`)},
					{Name: "large read from the office", Expected: false, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"10.1.2.3",`+
						`"requestParameters":{"bucketName":"ledger","key":"2025/q1.csv"},"additionalEventData":{"bytesTransferredOut":5242880}}`)},
				},
			}
		},
		diffs: []string{
			// cidrmatch trims spaces (concord's eval, as the lossy point
			// says); portable reads " 10.0.0.1 " as no address (it does
			// read " 1048577 " as a number, as isnum does).
			"sourceIPAddress=padded0", "sourceIPAddress=padded1",
		},
	},
	{
		// An OR at the top (no field is sure to be set), a test of errorCode
		// (which the add-on sets), contains and a regex, and no title.
		name: "denied_calls_from_scripts",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS Denied Calls From Scripts", ID: "AWS.DeniedCallsFromScripts", LogType: "AWS.CloudTrail",
				Cond: or(
					atom("errorCode", portable.Eq, "AccessDenied", "UnauthorizedOperation"),
					and(
						atom("errorMessage", portable.Contains, "not authorized"),
						atom("userAgent", portable.Regex, `(?i)^(python-requests|curl)/`),
					),
				),
				Tests: []portable.Test{
					{Name: "denied", Expected: true, Event: event(tb, `{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","errorCode":"UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation."}`)},
					{Name: "message from curl", Expected: true, Event: event(tb, `{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","userAgent":"curl/8.5.0","errorCode":"Client.Throttled","errorMessage":"caller is not authorized"}`)},
					{Name: "succeeded", Expected: false, Event: event(tb, `{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}`)},
				},
			}
		},
		diffs: []string{
			// spath gives a list as its JSON text, which contains the value.
			// (Eq: ["AccessDenied"] is not "AccessDenied".)
		},
	},
	{
		// Constants that == cannot take as they are: quotes and a backslash,
		// a number's text, a backtick (which Splunk leaves alone inside quotes), and a
		// case-insensitive prefix with letters lower() and folding disagree on.
		name: "odd_constants",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS Odd Constants", ID: "AWS.OddConstants", LogType: "AWS.CloudTrail",
				Meta: ast.Meta{Description: "Constants that need quoting.", MITRE: []string{"T1190"}},
				Cond: and(
					atom("eventName", portable.Eq, `Put"Quote\Back`),
					atom("requestParameters.port", portable.Eq, "443"),
					atom("eventSource", portable.Suffix, ".amazonaws.com"),
					not(atom("userAgent", portable.Contains, "`whoami`")),
					folded(atom("requestParameters.mode", portable.Prefix, "Strict")),
				),
				Output: fields("requestParameters.port", "requestParameters.mode"),
				Tests: []portable.Test{
					{Name: "all odd", Expected: true, Event: event(tb, `{"eventSource":"example.amazonaws.com","eventName":"Put\"Quote\\Back",`+
						`"requestParameters":{"port":"443","mode":"STRICT-transport"}}`)},
					{Name: "backtick agent", Expected: false, Event: event(tb, `{"eventSource":"example.amazonaws.com","eventName":"Put\"Quote\\Back",`+
						`"userAgent":"x `+"`whoami`"+` y","requestParameters":{"port":"443","mode":"strict"}}`)},
				},
			}
		},
		diffs: []string{
			// A JSON number reads as the text 443.
			"requestParameters.port=as-number0",
			// lower() is not Unicode simple folding: 'ſ' folds to 's' but
			// does not lower to it; 'İ' lowers to 'i' but does not fold to it.
			"requestParameters.mode=fold-fold-only", "requestParameters.mode=fold-lower-only",
		},
	},
	{
		// Keys that are not plain names: quoted in where, copied by eval for
		// stats, quoted as an spath path.
		name: "dashed_keys",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS S3 Request With Extended Id", ID: "AWS.S3.ExtendedId", LogType: "AWS.CloudTrail",
				Cond: and(
					atom("eventName", portable.Eq, "GetObject"),
					atom("additionalEventData.x-amz-id-2", portable.Exists),
					atom("requestParameters.key", portable.Prefix, "tax returns/"),
				),
				Output: fields("additionalEventData.x-amz-id-2", "requestParameters.key"),
				Title:  title("Request ", "$additionalEventData.x-amz-id-2", " read ", "$requestParameters.key"),
				Tests: []portable.Test{
					{Name: "read", Expected: true, Event: event(tb, `{"eventSource":"s3.amazonaws.com","eventName":"GetObject",`+
						`"requestParameters":{"key":"tax returns/2024.pdf"},"additionalEventData":{"x-amz-id-2":"abc="}}`)},
				},
			}
		},
		diffs: []string{"additionalEventData.x-amz-id-2=string-null"},
	},
	{
		// No test event the rule matches: no attack data, a manual test.
		name: "logging_stopped_untested",
		rule: func(tb testing.TB) *portable.Rule {
			return &portable.Rule{
				Name: "AWS CloudTrail Logging Stopped", ID: "AWS.CloudTrail.Stopped", LogType: "AWS.CloudTrail",
				Cond: and(atom("eventSource", portable.Eq, "cloudtrail.amazonaws.com"), atom("eventName", portable.Eq, "StopLogging")),
				Tests: []portable.Test{
					{Name: "started", Expected: false, Event: event(tb, `{"eventSource":"cloudtrail.amazonaws.com","eventName":"StartLogging"}`)},
				},
			}
		},
	},
}

// render is every printed file, in path order, then the lossy points.
func render(p *spl.Printed) string {
	var b strings.Builder
	var paths []string
	for k := range p.Files {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, k := range paths {
		fmt.Fprintf(&b, "=== %s\n%s", k, p.Files[k])
	}
	fmt.Fprintf(&b, "=== detection: %s\n=== lossy\n", p.Detection)
	for _, l := range p.Lossy {
		dir := "source hits"
		switch {
		case l.Either:
			dir = "either"
		case !l.SourceHits:
			dir = "printed hits"
		}
		fmt.Fprintf(&b, "- fields %v kinds %v, %s: %s\n", l.Fields, l.Kinds, dir, l.Reason)
	}
	return b.String()
}

func updating() bool {
	f := flag.Lookup("update") // golden_test.go's flag, in the same test binary
	return f != nil && f.Value.String() == "true"
}

// TestPrintGolden prints every case and compares the files and lossy points
// with testdata/print/NAME.golden; -update rewrites them.
func TestPrintGolden(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := spl.PrintDetection(tc.rule(t), spl.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := render(p)
			golden := filepath.Join(printDir, tc.name+".golden")
			if updating() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spl -run PrintGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the printed detection (run go test ./spl -run PrintGolden -update and review the diff):\n%s", golden, lineDiff(string(want), got))
			}
		})
	}
	goldens, _ := filepath.Glob(filepath.Join(printDir, "*.golden"))
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".golden")
		if !slices.ContainsFunc(printCases, func(c printCase) bool { return c.name == name }) {
			t.Errorf("%s has no case; remove it", g)
		}
	}
}

func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\nwant: %s\ngot:  %s", i+1, w, g)
		}
	}
	return "(none)"
}

// TestPrintDeterministic: the same rule prints the same bytes.
func TestPrintDeterministic(t *testing.T) {
	for _, tc := range printCases {
		a, err := spl.PrintDetection(tc.rule(t), spl.PrintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			b, _ := spl.PrintDetection(tc.rule(t), spl.PrintOptions{})
			if render(a) != render(b) {
				t.Fatalf("%s: two prints differ", tc.name)
			}
		}
	}
}

// writeTree writes the printed files under dir.
func writeTree(t *testing.T, dir string, p *spl.Printed) {
	t.Helper()
	for rel, data := range p.Files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadPrinted prints a rule into a fresh tree and loads it back the way
// concord loads security_content: no errors, warnings or unsupported parts.
func loadPrinted(t *testing.T, r *portable.Rule) (*spl.Printed, *ast.Rule, *harness.Compiled) {
	t.Helper()
	p, err := spl.PrintDetection(r, spl.PrintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeTree(t, root, p)
	rule, errs := spl.LoadDetection(filepath.Join(root, filepath.FromSlash(p.Detection)), spl.LoadOptions{})
	if len(errs) > 0 || rule == nil {
		t.Fatalf("load: %v", errs)
	}
	if len(rule.Unsupported) > 0 || len(rule.Warnings) > 0 || rule.Skip != "" {
		t.Fatalf("unsupported %v warnings %v skip %q", rule.Unsupported, rule.Warnings, rule.Skip)
	}
	c, cerrs := harness.Compile(rule)
	if len(cerrs) > 0 {
		t.Fatalf("compile: %v", cerrs)
	}
	return p, rule, c
}

// TestPrintedTestsPass: the printed detection's own test passes the way
// contentctl judges it (harness.RunTests), with the attack data found under
// ROOT/attack_data; a rule without a matching test event is a manual test.
func TestPrintedTestsPass(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			_, rule, c := loadPrinted(t, tc.rule(t))
			results := harness.RunTests(rule, c, nil)
			if len(results) == 0 {
				if !strings.HasPrefix(rule.TestSkip, "manual_test:") {
					t.Fatalf("no tests, and not a manual test (%q)", rule.TestSkip)
				}
				return
			}
			for _, r := range results {
				if r.Result != harness.Pass {
					t.Errorf("%s: %s: %s", r.Name, r.Result, r.Message)
				}
			}
		})
	}
}

// hit is whether the event, searched alone, contributes to a result row.
func hit(t *testing.T, c *harness.Compiled, ev ast.Value) bool {
	t.Helper()
	res, err := c.Run([]harness.Event{{Source: "variant", Raw: ast.JSON(ev), Value: ev, SourceType: "aws:cloudtrail"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Verdicts[0]; v.Err != nil {
		t.Fatalf("%s: %v", ast.JSON(ev), v.Err)
	}
	return res.Verdicts[0].Hit
}

// TestPrintSemantics runs the printed search on variants of every test event
// (each field the condition reads set to a matching string, another case,
// missing, JSON null, a number, a list, "", ...) and compares each verdict
// with the portable semantics, evaluated here on the raw event. A verdict may
// differ only where the case lists the difference and a lossy point of the
// printer names the field and the direction. The Splunk facts the printed
// search depends on, as concord runs them:
//   - KV_MODE=json extraction (Splunk's "Extract fields from structured
//     data"; concord's sourcetype.Extract): a JSON list is extracted as
//     field{} (the plain field is missing), an object as field.key, true,
//     false and null as the text "true", "false", "null".
//   - eval == is case-sensitive and compares two values that read as numbers
//     numerically (Search Reference, "Comparison and Conditional functions";
//     eval/ops.go compareSPL); a null operand gives null, which where drops.
//   - search terms are case-insensitive (Search Manual, "Use CASE() and
//     TERM() to match phrases": "By default, searches are case-insensitive").
//   - the add-on's calculated errorCode fills a missing one with "success"
//     (sourcetype/data/aws_cloudtrail.yml), hence spath for the raw value.
func TestPrintSemantics(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule(t)
			p, _, c := loadPrinted(t, r)
			seen := map[string]bool{}
			checked := 0
			for _, test := range r.Tests {
				if got, want := hit(t, c, test.Event), portable.Holds(r.Cond, test.Event); got != want || want != test.Expected {
					t.Errorf("test %q: printed %v, portable %v, expected %v", test.Name, got, want, test.Expected)
				}
				for _, v := range variants(r.Cond) {
					ev := clone(t, test.Event)
					v.apply(ev.AsObject())
					want, got := portable.Holds(r.Cond, ev), hit(t, c, ev)
					checked++
					if got == want {
						continue
					}
					label := v.field + "=" + v.kind
					seen[label] = true
					if !slices.Contains(tc.diffs, label) {
						t.Errorf("%s on %q: printed %v, portable %v: %s", label, test.Name, got, want, ast.JSON(ev))
						continue
					}
					if !explained(p.Lossy, v.field, want) {
						t.Errorf("%s on %q: printed %v, portable %v, and no lossy point says so", label, test.Name, got, want)
					}
				}
			}
			for _, d := range tc.diffs {
				if !seen[d] {
					t.Errorf("listed difference %s did not occur", d)
				}
			}
			if checked < 20 {
				t.Errorf("only %d variants checked", checked)
			}
		})
	}
}

// explained: a lossy point names the field, in the direction of the
// difference (the source hits when the portable verdict is true).
func explained(lossy []portable.Lossy, field string, sourceHits bool) bool {
	for _, l := range lossy {
		if slices.Contains(l.Fields, field) && (l.Either || l.SourceHits == sourceHits) {
			return true
		}
	}
	return false
}

func clone(t *testing.T, v ast.Value) ast.Value {
	t.Helper()
	c, err := ast.ParseJSON([]byte(ast.JSON(v)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type variant struct {
	field, kind string
	apply       func(*ast.Object)
}

// variants are single-field changes of an event for every atom of x.
func variants(x portable.Expr) []variant {
	var out []variant
	add := func(path []string, kind string, v ast.Value, remove bool) {
		out = append(out, variant{field: strings.Join(path, "."), kind: kind, apply: func(o *ast.Object) {
			if remove {
				o.DeletePath(path)
			} else {
				o.SetPath(path, v)
			}
		}})
	}
	obj := func(k string, v ast.Value) ast.Value {
		o := &ast.Object{}
		o.Set(k, v)
		return ast.ObjectOf(o)
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
		case *portable.Any:
			// The list replaced by lists (and non-lists) holding elements of
			// each kind, around an element that passes the inner tests.
			elem, leaf := anyElement(x)
			wrap := func(v ast.Value) ast.Value { return ast.List(ast.String("other"), v) }
			add(x.Path, "missing", ast.Null, true)
			add(x.Path, "elem-match", wrap(elem(leaf)), false)
			add(x.Path, "elem-upper", wrap(elem(ast.String(strings.ToUpper(leaf.AsString())))), false)
			add(x.Path, "not-a-list", elem(leaf).AsList()[0], false)
			add(x.Path, "elem-null", wrap(elem(ast.Null)), false)
			add(x.Path, "elem-true", wrap(elem(ast.True)), false)
			add(x.Path, "elem-number", wrap(elem(ast.Int(5))), false)
			add(x.Path, "empty-list", ast.List(), false)
		case *portable.Atom:
			if x.Op == portable.Success {
				for _, f := range []string{"errorCode", "errorMessage"} {
					path := []string{f}
					add(path, "absent", ast.Null, true)
					add(path, "set", ast.String("AccessDenied"), false)
					add(path, "empty", ast.String(""), false)
					add(path, "null", ast.Null, false)
					add(path, "string-null", ast.String("null"), false)
					add(path, "list", ast.List(ast.String("AccessDenied")), false)
					add(path, "empty-list", ast.List(), false)
					add(path, "object", obj("code", ast.String("AccessDenied")), false)
					add(path, "empty-object", ast.ObjectOf(&ast.Object{}), false)
					add(path, "zero", ast.Int(0), false)
					add(path, "false", ast.False, false)
				}
				return
			}
			match := matching(x)
			add(x.Field, "missing", ast.Null, true)
			add(x.Field, "null", ast.Null, false)
			add(x.Field, "string-null", ast.String("null"), false)
			add(x.Field, "empty", ast.String(""), false)
			add(x.Field, "number", ast.Int(5), false)
			add(x.Field, "true", ast.True, false)
			add(x.Field, "object", obj("k", ast.String(match[0])), false)
			add(x.Field, "empty-object", ast.ObjectOf(&ast.Object{}), false)
			for i, m := range match {
				n := strconv.Itoa(i)
				add(x.Field, "match"+n, ast.String(m), false)
				add(x.Field, "upper"+n, ast.String(strings.ToUpper(m)), false)
				add(x.Field, "lower"+n, ast.String(strings.ToLower(m)), false)
				add(x.Field, "list"+n, ast.List(ast.String(m)), false)
				add(x.Field, "padded"+n, ast.String(" "+m+" "), false)
				if f, err := strconv.ParseFloat(m, 64); err == nil {
					add(x.Field, "as-number"+n, ast.Float(f), false)
				}
			}
			switch x.Op {
			case portable.Eq, portable.Prefix, portable.Contains, portable.Wildcard:
				if x.Fold {
					// 'İ' lowers to 'i' but is not 'i' ignoring case.
					for _, m := range match {
						if strings.ContainsRune(strings.ToLower(m), 'i') {
							add(x.Field, "fold-lower-only", ast.String(strings.Replace(strings.ToLower(m), "i", "İ", 1)), false)
							break
						}
					}
					// 'ſ' folds to 's' but lowers to itself.
					for _, m := range match {
						if strings.ContainsRune(strings.ToLower(m), 's') {
							add(x.Field, "fold-fold-only", ast.String(strings.Replace(strings.ToLower(m), "s", "ſ", 1)), false)
							break
						}
					}
				}
			case portable.Lt, portable.Le, portable.Gt, portable.Ge:
				n, _ := strconv.ParseFloat(x.Values[0], 64)
				for _, d := range []float64{-1, 0, 1} {
					add(x.Field, fmt.Sprintf("number%+g", d), ast.Float(n+d), false)
					add(x.Field, fmt.Sprintf("text%+g", d), ast.String(strconv.FormatFloat(n+d, 'f', -1, 64)), false)
				}
				add(x.Field, "text", ast.String("many"), false)
			case portable.CIDR:
				add(x.Field, "outside", ast.String("198.51.100.1"), false)
			}
		}
	}
	walk(x)
	return out
}

// anyElement builds, for a chain of Anys down to one atom, the value at the
// outer list's path holding one element chain that ends in a given leaf, and
// a leaf the atom accepts.
func anyElement(x *portable.Any) (func(ast.Value) ast.Value, ast.Value) {
	var chain []*portable.Any
	var inner portable.Expr = x
	for {
		a, ok := inner.(*portable.Any)
		if !ok {
			break
		}
		chain = append(chain, a)
		inner = a.X
	}
	atom := inner.(*portable.Atom)
	build := func(leaf ast.Value) ast.Value {
		v := leaf
		if len(atom.Field) > 0 {
			o := &ast.Object{}
			o.SetPath(atom.Field, v)
			v = ast.ObjectOf(o)
		}
		for i := len(chain) - 1; i > 0; i-- {
			o := &ast.Object{}
			o.SetPath(chain[i].Path, ast.List(v))
			v = ast.ObjectOf(o)
		}
		return ast.List(v)
	}
	return build, ast.String(matching(atom)[0])
}

// matching are strings an atom accepts.
func matching(a *portable.Atom) []string {
	var out []string
	for _, v := range a.Values {
		switch a.Op {
		case portable.Eq:
			out = append(out, v)
		case portable.Prefix:
			out = append(out, v+"-x")
		case portable.Suffix:
			out = append(out, "x-"+v)
		case portable.Contains:
			out = append(out, "x "+v+" x")
		case portable.Wildcard:
			out = append(out, strings.ReplaceAll(v, "*", "x"))
		case portable.Regex:
			out = append(out, "curl/8.5.0", "python-requests/2.31")
		case portable.CIDR:
			out = append(out, netip.MustParsePrefix(v).Addr().Next().String())
		case portable.Lt, portable.Le, portable.Gt, portable.Ge:
			n, _ := strconv.ParseFloat(v, 64)
			out = append(out, strconv.FormatFloat(n+1, 'f', -1, 64))
		case portable.Exists:
			out = append(out, "present")
		}
	}
	if len(out) == 0 {
		out = []string{"x"}
	}
	return out
}

// TestPrintKnowledgeMatchesSourcetype: the names the printer reads through
// spath are exactly those concord's sourcetype knowledge sets (a raw key
// with one of these names is not what a search reading the name sees), and
// its readable names are plain copies of the raw fields.
func TestPrintKnowledgeMatchesSourcetype(t *testing.T) {
	overridden, aliases := spl.PrintKnowledge("AWS.CloudTrail")
	st, err := sourcetype.Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	ev := event(t, `{"eventSource":"s3.amazonaws.com","eventName":"ConsoleLogin","errorMessage":"m","requestParameters":{"bucketName":"b"},`+
		`"responseElements":{"ConsoleLogin":"Failure"}}`)
	raw := &ast.Object{}
	sourcetype.Extract(ev, "", raw)
	view, err := st.View(ev, sourcetype.Meta{Raw: ast.JSON(ev)})
	if err != nil {
		t.Fatal(err)
	}
	// Every field the view adds is one the printer knows the add-on sets.
	for _, k := range view.Keys {
		if _, isRaw := raw.Get(k); !isRaw && !slices.Contains(overridden, k) {
			t.Errorf("the sourcetype sets %s, which the printer does not know", k)
		}
	}
	// A raw key of each known name is replaced (or removed) by the view,
	// unless the view leaves it alone, which the printer must then not claim.
	sentinel := &ast.Object{}
	for i, k := range ev.AsObject().Keys {
		sentinel.Set(k, ev.AsObject().Vals[i])
	}
	for _, k := range overridden {
		sentinel.Set(k, ast.String("concord-sentinel"))
	}
	sv, err := st.View(ast.ObjectOf(sentinel), sourcetype.Meta{Raw: ast.JSON(ast.ObjectOf(sentinel))})
	if err != nil {
		t.Fatal(err)
	}
	// And without them: a field the view fills in when the raw key is
	// missing (errorCode's "success") is the add-on's too.
	bare := &ast.Object{}
	for i, k := range ev.AsObject().Keys {
		if !slices.Contains(overridden, k) {
			bare.Set(k, ev.AsObject().Vals[i])
		}
	}
	bv, err := st.View(ast.ObjectOf(bare), sourcetype.Meta{Raw: ast.JSON(ast.ObjectOf(bare))})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range overridden {
		if slices.Contains(spl.SplunkDefaultFields, k) {
			continue // set by Splunk at index time; concord's view sets only some
		}
		v, ok := sv.Get(k)
		kept := ok && v.Kind() == ast.KindString && v.AsString() == "concord-sentinel"
		_, filled := bv.Get(k)
		if kept && !filled {
			t.Errorf("the printer reads raw %s through spath, but the sourcetype leaves it alone", k)
		}
	}
	for from, to := range aliases {
		want, _ := raw.Get(from)
		if got, ok := view.Get(to); !ok || !ast.Equal(got, want) {
			t.Errorf("alias %s → %s: view has %v, raw %v", from, to, got, want)
		}
	}
}

// TestPrintErrors: rules the printer cannot write say why.
func TestPrintErrors(t *testing.T) {
	base := func(cond portable.Expr) *portable.Rule {
		return &portable.Rule{Name: "X", ID: "X", LogType: "AWS.CloudTrail", Cond: cond}
	}
	for _, tc := range []struct {
		name string
		rule *portable.Rule
		want string
	}{
		{"no condition", base(nil), "no condition"},
		{"unknown log type", &portable.Rule{Name: "X", LogType: "Okta.SystemLog", Cond: atom("a", portable.Exists)}, `unknown log type "Okta.SystemLog"`},
		{"quote in a key", base(atom("request'Parameters", portable.Eq, "x")), "cannot be named in SPL"},
		{"braces in a key", base(atom("items{}", portable.Eq, "x")), "cannot be named in SPL"},
		{"bad regex", base(atom("userAgent", portable.Regex, "(")), "bad regex"},
		{"bad cidr", base(atom("sourceIPAddress", portable.CIDR, "10.0.0.0/33")), "not a CIDR prefix"},
		{"not a number", base(atom("x", portable.Gt, "ten")), `"ten" is not a number`},
		{"no values", base(atom("eventName", portable.Eq)), "at least one value"},
		{"spath of a dotted key", base(atom("tags.a.b", portable.Exists)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "spath of a dotted key" {
				// A key with a dot: ["tags", "a.b"].
				tc.rule.Cond = &portable.Atom{Field: []string{"tags", "a.b"}, Op: portable.Exists}
				tc.want = "spath cannot address a key that contains a dot"
			}
			_, err := spl.PrintDetection(tc.rule, spl.PrintOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestPrintWhereTwoValued: the printed where clause decides every variant the
// same under concord's evaluation and under three-valued (Kleene) logic.
// Facts, and where they come from:
//   - A comparison or function of a null field is null in eval: Search
//     Reference, "Evaluation functions" (concord: eval/ops.go compareSPL, "a
//     null operand gives null (false in where)"; eval/spl_funcs.go).
//   - where keeps a row only when its expression is true (Search Reference,
//     where); a null drops the row.
//   - The search command's NOT keeps events without the field (Search Manual,
//     "Difference between != and NOT"), but eval's NOT of a null is not
//     documented; concord's is true (eval/compile.go: NOT is !Truth), Kleene's
//     null. The printer does not depend on it: each test under a NOT is
//     guarded (isnotnull(f) AND ..., and false AND null is false), so nothing
//     under a NOT is null, and both readings agree.
func TestPrintWhereTwoValued(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule(t)
			_, rule, _ := loadPrinted(t, r)
			i := slices.IndexFunc(rule.Pipeline, func(c ast.Command) bool { _, ok := c.(*ast.WhereCmd); return ok })
			if i < 0 {
				t.Fatal("no where command")
			}
			cond := rule.Pipeline[i].(*ast.WhereCmd).Cond
			pre, errs := eval.CompilePipeline(rule.Pipeline[:i])
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			whole, errs := eval.Compile(cond, ast.KeysExact)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			n := 0
			for _, test := range r.Tests {
				for _, v := range variants(r.Cond) {
					ev := clone(t, test.Event)
					v.apply(ev.AsObject())
					view, err := harness.SplunkView(rule, harness.Event{Raw: ast.JSON(ev), Value: ev, SourceType: "aws:cloudtrail"})
					if err != nil {
						t.Fatal(err)
					}
					rows, _, err := pre.RunAt(time.Unix(0, 0), []eval.Row{{Fields: view}}, []eval.Row{{Fields: view.Clone(), Src: []int{0}}})
					if err != nil || len(rows) != 1 {
						t.Fatalf("%v %d rows", err, len(rows))
					}
					env := &eval.Env{Record: ast.ObjectOf(rows[0].Fields)}
					got, err := whole.Eval(env)
					if err != nil {
						t.Fatal(err)
					}
					if k := kleene(t, cond, env); (!k.IsNull() && k.AsBool()) != got.Truth() {
						t.Errorf("%s=%s on %q: concord %v, three-valued %v", v.field, v.kind, test.Name, got.Truth(), k.Repr())
					}
					n++
				}
			}
			if n == 0 {
				t.Fatal("no variants")
			}
		})
	}
}

// kleene evaluates AND, OR and NOT over true, false and null; every other
// node is evaluated by concord, a nullish result being null.
func kleene(t *testing.T, x ast.Expr, env *eval.Env) ast.Value {
	switch x := x.(type) {
	case *ast.Logic:
		and := x.Op == ast.And
		out := ast.Bool(and)
		for _, y := range x.Xs {
			v := kleene(t, y, env)
			switch {
			case v.IsNull():
				out = ast.Null
			case v.AsBool() != and:
				return v // false decides an AND, true an OR
			}
		}
		return out
	case *ast.Not:
		if _, ok := x.X.(*ast.IsNull); !ok { // isnotnull(f) is lowered to NOT isnull(f)
			v := kleene(t, x.X, env)
			if v.IsNull() {
				return ast.Null
			}
			return ast.Bool(!v.AsBool())
		}
	}
	p, errs := eval.Compile(x, ast.KeysExact)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	v, err := p.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	if v.IsNullish() {
		return ast.Null
	}
	return ast.Bool(v.Truth())
}

// TestPrintAtoms: what each kind of test prints as (the spath commands the
// where clause needs, then the where clause).
func TestPrintAtoms(t *testing.T) {
	for _, tc := range []struct {
		name string
		cond portable.Expr
		want string
	}{
		{"eq", atom("eventName", portable.Eq, "DeleteTrail"), `eventName=="DeleteTrail"`},
		{"eq list", atom("eventName", portable.Eq, "A", "B"), `eventName IN ("A", "B")`},
		{"eq folded", folded(atom("eventName", portable.Eq, "DeleteTrail")), `lower(eventName)=="deletetrail"`},
		{"eq folded, no letters", folded(atom("requestParameters.port", portable.Eq, "8-0")), `'requestParameters.port'=="8-0"`},
		{"eq number text", atom("requestParameters.port", portable.Eq, "443", "1.0"), `match('requestParameters.port', "^(?:443|1\\.0)\\z")`},
		{"eq quotes", atom("eventName", portable.Eq, `a"b\c`), `eventName=="a\"b\\c"`},
		{"eq control character", atom("eventName", portable.Eq, "a\tb"), `match(eventName, "^a\\x{9}b\\z")`},
		{"prefix", atom("requestParameters.roleArn", portable.Prefix, "arn:aws:iam::"), `match('requestParameters.roleArn', "^arn:aws:iam::")`},
		{"suffix", atom("eventSource", portable.Suffix, ".amazonaws.com"), `match(eventSource, "\\.amazonaws\\.com\\z")`},
		{"contains", atom("errorMessage", portable.Contains, "denied", "(x)"), `match(errorMessage, "(?:denied|\\(x\\))")`},
		{"wildcard", atom("eventName", portable.Wildcard, "Get*"), `match(eventName, "(?s)^Get.*\\z")`},
		{"wildcard without a star", atom("eventName", portable.Wildcard, "Get"), `match(eventName, "^Get\\z")`},
		{"regex", atom("userAgent", portable.Regex, `^curl/\d+`), `match(userAgent, "^curl/\\d+")`},
		{"regex folded", folded(atom("userAgent", portable.Regex, "a", "b")), `match(userAgent, "(?i)(?:a)|(?:b)")`},
		{"cidr", atom("sourceIPAddress", portable.CIDR, "10.0.0.0/8", "2001:db8::/32"), `cidrmatch("10.0.0.0/8", sourceIPAddress) OR cidrmatch("2001:db8::/32", sourceIPAddress)`},
		{"lt", atom("x.n", portable.Lt, "1e3"), `isnum('x.n') AND 'x.n'<1000`},
		{"ge negative", atom("n", portable.Ge, "-2.5"), `isnum(n) AND n>=-2.5`},
		{"exists", atom("responseElements", portable.Exists),
			`| spath output=raw_responseElements path=responseElements | where isnotnull(raw_responseElements) AND raw_responseElements!="null"`},
		{"success", atom("", portable.Success),
			`| spath output=raw_errorCode path=errorCode | spath output=raw_errorMessage path=errorMessage | where (isnull(raw_errorCode) OR raw_errorCode=="" OR raw_errorCode=="null") AND (isnull(raw_errorMessage) OR raw_errorMessage=="" OR raw_errorMessage=="null")`},
		{"a field the add-on sets", atom("errorCode", portable.Eq, "AccessDenied"),
			`| spath output=raw_errorCode path=errorCode | where raw_errorCode=="AccessDenied"`},
		{"not", not(atom("eventName", portable.Eq, "A")), `NOT (isnotnull(eventName) AND eventName=="A")`},
		{"not cidr", not(atom("src_ip", portable.CIDR, "10.0.0.0/8")),
			`| spath output=raw_src_ip path=src_ip | where NOT (isnotnull(raw_src_ip) AND cidrmatch("10.0.0.0/8", raw_src_ip))`},
		{"not of and", not(and(atom("a", portable.Eq, "1x"), atom("b", portable.Prefix, "p"))),
			`NOT (isnotnull(a) AND a=="1x" AND isnotnull(b) AND match(b, "^p"))`},
		{"and of ors", and(or(atom("a", portable.Eq, "x"), atom("b", portable.Eq, "y")), atom("c", portable.Eq, "z")),
			`(a=="x" OR b=="y") AND c=="z"`},
		{"or of ands", or(and(atom("a", portable.Eq, "x"), atom("b", portable.Eq, "y")), atom("c", portable.Eq, "z")),
			`(a=="x" AND b=="y") OR c=="z"`},
		{"bool", atom("requestParameters.publiclyAccessible", portable.Bool, "true"), `'requestParameters.publiclyAccessible'=="true"`},
		{"not bool", not(atom("readOnly", portable.Bool, "false")), `NOT (isnotnull(readOnly) AND readOnly=="false")`},
		{"any element", &portable.Any{Path: []string{"tags"}, X: folded(atom("", portable.Prefix, "Prod"))}, `isnotnull(mvfind('tags{}', "(?i)^Prod"))`},
		{"any element, two tests", &portable.Any{Path: []string{"grants"}, X: or(atom("uri", portable.Suffix, "/AllUsers"), atom("id", portable.Eq, "x"))},
			`isnotnull(mvfind('grants{}.uri', "/AllUsers\\z")) OR isnotnull(mvfind('grants{}.id', "^x\\z"))`},
		{"empty and", and(), `true()`},
		{"empty or", or(), `false()`},
		{"keyword field", atom("OR", portable.Eq, "x"), `'OR'=="x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := spl.PrintDetection(&portable.Rule{Name: "X", ID: "X", LogType: "AWS.CloudTrail", Cond: tc.cond}, spl.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range strings.Split(string(p.Files[p.Detection]), "\n") {
				if strings.HasPrefix(l, "  | spath ") || strings.HasPrefix(l, "  | where ") {
					got = append(got, strings.TrimPrefix(l, "  "))
				}
			}
			want := tc.want
			if !strings.HasPrefix(want, "| ") {
				want = "| where " + want
			}
			if g := strings.Join(got, " "); g != want {
				t.Errorf("got  %s\nwant %s", g, want)
			}
		})
	}
}

// TestPrintStatsKeepsAcceptedEvents: stats groups only by fields the
// condition makes non-null; with none, by sourcetype.
func TestPrintStatsKeepsAcceptedEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		cond portable.Expr
		by   string
	}{
		{"eq", and(atom("eventSource", portable.Eq, "s3.amazonaws.com"), atom("eventName", portable.Prefix, "Get")), "by dest signature"},
		{"or of the same field", or(atom("eventName", portable.Eq, "A"), atom("eventName", portable.Wildcard, "B*")), "by signature"},
		{"or of two fields", or(atom("eventName", portable.Eq, "A"), atom("eventSource", portable.Eq, "B")), "by sourcetype"},
		{"not", not(atom("eventName", portable.Eq, "A")), "by sourcetype"},
		{"exists", atom("eventName", portable.Exists), "by sourcetype"},
		{"no alias", atom("requestParameters.bucketName", portable.Eq, "b"), "by sourcetype"},
		{"caller", and(atom("sourceIPAddress", portable.CIDR, "10.0.0.0/8"), atom("userAgent", portable.Contains, "cli")), "by src user_agent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := spl.PrintDetection(&portable.Rule{Name: "X", ID: "X", LogType: "AWS.CloudTrail", Cond: tc.cond}, spl.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			text := string(p.Files[p.Detection])
			i := strings.Index(text, "| stats ")
			line := text[i : i+strings.IndexByte(text[i:], '\n')]
			if !strings.HasSuffix(line, " "+tc.by) {
				t.Errorf("stats: %s\nwant ... %s", line, tc.by)
			}
		})
	}
}

// A test of a JSON boolean reads the field's text: Splunk extracts true and
// false as the text "true" and "false" (spath and automatic JSON extraction
// alike), so the search cannot tell the boolean false from the string "false",
// which Python's `x is False` refuses. The lossy point names the field with
// the string-as-number mutation and the exact decision's assignment of the
// string, which no mutation of a boolean makes; the conversion matches it
// (the source under not).
func TestPrintBoolLossy(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cond       portable.Expr
		sourceHits bool
	}{
		{"is false", atom("readOnly", portable.Bool, "false"), false},
		{"not is true", not(atom("readOnly", portable.Bool, "true")), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := spl.PrintDetection(&portable.Rule{Name: "X", ID: "X", LogType: "AWS.CloudTrail", Cond: tc.cond}, spl.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []portable.Lossy
			for _, l := range p.Lossy {
				if strings.Contains(l.Reason, "extracts a JSON boolean as its text") {
					got = append(got, l)
				}
			}
			if len(got) != 1 {
				t.Fatalf("boolean lossy points %+v, want one", got)
			}
			l := got[0]
			if !slices.Equal(l.Fields, []string{"readOnly"}) || !slices.Equal(l.Kinds, []string{"string-as-number", "assignment"}) || l.Either || l.SourceHits != tc.sourceHits {
				t.Errorf("lossy point %+v: want readOnly, string-as-number and assignment, source hits %v", l, tc.sourceHits)
			}
		})
	}
}

// A threshold over VPC flow records groups by the add-on's names for the
// record's fields (interface_id), which Splunk sets, not Panther's keys.
func TestPrintThresholdRecordGroupBy(t *testing.T) {
	p, err := spl.PrintDetection(&portable.Rule{Name: "X", ID: "X", LogType: "AWS.VPCFlow", Cond: atom("action", portable.Eq, "REJECT"),
		Threshold: &portable.Threshold{Count: 5, WindowMinutes: 60, GroupBy: [][]string{{"interfaceId"}, {"srcAddr"}}}}, spl.PrintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(p.Files[p.Detection])
	i := strings.Index(text, "| stats ")
	if line := text[i : i+strings.IndexByte(text[i:], '\n')]; !strings.HasSuffix(line, " by _time interface_id src_ip") {
		t.Errorf("stats: %s", line)
	}
}
