package indicator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/spl"
)

const fixtures = "../fixtures"

func atoms(as []Atom) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, "; ")
}

func splunkRule(t *testing.T, search string) *ast.Rule {
	t.Helper()
	match, pipe, errs := spl.ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, search, nil)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", search, errs)
	}
	return &ast.Rule{Platform: ast.Splunk, Match: match, Pipeline: pipe}
}

func TestExtract_splunk(t *testing.T) {
	cases := []struct {
		name, search  string
		req, excl     string
		output, whyIn string // whyIn: a word OutputUnknown must contain ("" when known)
	}{
		{name: "search terms are case-insensitive",
			search: `eventSource=bedrock.amazonaws.com eventName=DeleteX`,
			req:    `eventName eq_ci "DeleteX"; eventSource eq_ci "bedrock.amazonaws.com"`,
			whyIn:  "whole events"},
		{name: "IN is one atom, NOT an exclusion",
			search: `eventName IN (CreateUser, DeleteUser) NOT userAgent=*amazonaws.com*`,
			req:    `eventName in_ci "CreateUser", "DeleteUser"`,
			excl:   `userAgent wildcard_ci "*amazonaws.com*"`,
			whyIn:  "whole events"},
		{name: "an exact value joins wildcards as a pattern",
			search: `(eventName=GetObject OR eventName=List*)`,
			req:    `eventName wildcard_ci "GetObject", "List*"`,
			whyIn:  "whole events"},
		{name: "of several atoms on a field, those of a kind merge",
			search: `eventName=B OR (eventName!=Z eventName=A)`,
			req:    `eventName in_ci "B", "A"`,
			whyIn:  "whole events"},
		{name: "OR over different fields requires neither",
			search: `eventName=A OR eventSource=s3.amazonaws.com`,
			whyIn:  "whole events"},
		{name: "!= needs the field and excludes the value",
			search: `eventName=A userAgent!=aws-cli*`,
			req:    `eventName eq_ci "A"; userAgent exists`,
			excl:   `userAgent wildcard_ci "aws-cli*"`,
			whyIn:  "whole events"},
		{name: "a search after rename names the event's field",
			search: `eventName=A | rename requestParameters.bucketName as bucket | search bucket=logs`,
			req:    `eventName eq_ci "A"; requestParameters.bucketName eq_ci "logs"`,
			whyIn:  "whole events"},
		{name: "wildcard rename",
			search: `eventName=A | rename requestParameters.* as req_* | where req_bucketName="logs"`,
			req:    `eventName eq_ci "A"; requestParameters.bucketName eq "logs"`,
			whyIn:  "whole events"},
		{name: "a condition on a computed field is not about the event",
			search: `eventName=A | eval ua=lower(userAgent) | where ua="boto3"`,
			req:    `eventName eq_ci "A"`,
			whyIn:  "whole events"},
		{name: "where after stats is about groups",
			search: `eventName=A | stats count by src | where count > 5`,
			req:    `eventName eq_ci "A"`,
			output: "src, count"},
		{name: "where functions",
			search: `eventName=A | where isnotnull(errorCode) AND match(userAgent, "^aws") AND cidrmatch("10.0.0.0/8", sourceIPAddress) AND in(awsRegion, "us-east-1", "eu-west-1")`,
			req:    `awsRegion in "us-east-1", "eu-west-1"; errorCode is_not_null; eventName eq_ci "A"; sourceIPAddress cidr "10.0.0.0/8"; userAgent regex "^aws"`,
			whyIn:  "whole events"},
		{name: "where = is case-sensitive, numbers compare",
			search: `eventName=A | where userIdentity.type="Root" AND bytes>=1000`,
			req:    `bytes ge "1000"; eventName eq_ci "A"; userIdentity.type eq "Root"`,
			whyIn:  "whole events"},
		{name: "null or empty is one atom",
			search: `eventName=A | where isnull(errorCode) OR errorCode=""`,
			req:    `errorCode empty; eventName eq_ci "A"`,
			whyIn:  "whole events"},
		{name: "regex command",
			search: `eventName=A | regex userAgent!="^Boto"`,
			req:    `eventName eq_ci "A"`,
			excl:   `userAgent regex "^Boto"`,
			whyIn:  "whole events"},
		{name: "stats by-fields and named aggregates, renamed after",
			search: `eventName=A | stats count min(_time) as firstTime values(eventName) as calls by src user | rename user as actor`,
			req:    `eventName eq_ci "A"`,
			output: "src, actor, count, firstTime, calls"},
		{name: "table is the output",
			search: `eventName=A | table _time src eventName`,
			req:    `eventName eq_ci "A"`,
			output: "_time, src, eventName"},
		{name: "a command adding unknown fields after stats",
			search: `eventName=A | stats count by src | iplocation src`,
			req:    `eventName eq_ci "A"`,
			output: "src, count", whyIn: "iplocation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(splunkRule(t, c.search))
			if s := atoms(got.Required); s != c.req {
				t.Errorf("required:\ngot  %s\nwant %s", s, c.req)
			}
			if s := atoms(got.Exclusions); s != c.excl {
				t.Errorf("exclusions:\ngot  %s\nwant %s", s, c.excl)
			}
			if s := strings.Join(got.Output, ", "); s != c.output {
				t.Errorf("output: got %q, want %q", s, c.output)
			}
			if (c.whyIn == "") != (got.OutputUnknown == "") || !strings.Contains(got.OutputUnknown, c.whyIn) {
				t.Errorf("output unknown: got %q, want it to say %q", got.OutputUnknown, c.whyIn)
			}
		})
	}
}

// pantherRule writes a rule YAML and its Python into a temporary folder and
// loads it as concord does.
func pantherRule(t *testing.T, py string) *ast.Rule {
	t.Helper()
	dir := t.TempDir()
	yml := "AnalysisType: rule\nFilename: r.py\nRuleID: Test.Rule\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.py"), []byte(py), 0o644); err != nil {
		t.Fatal(err)
	}
	r, errs := panther.LoadRule(filepath.Join(dir, "r.yml"))
	if len(errs) > 0 || r == nil || len(r.Unsupported) > 0 {
		t.Fatalf("load: %v %v", errs, r.Unsupported)
	}
	return r
}

func TestExtract_panther(t *testing.T) {
	const helpers = "from panther_aws_helpers import aws_cloudtrail_success, aws_rule_context\n"
	cases := []struct {
		name, py      string
		req, excl     string
		output, whyIn string
	}{
		{name: "== is case-sensitive; a tuple membership is in",
			py: `def rule(event):
    return event.get("eventName") in ("CreateUser", "DeleteUser") and event.deep_get("userIdentity", "type") != "Root"
`,
			req:  `eventName in "CreateUser", "DeleteUser"`,
			excl: `userIdentity.type eq "Root"`},
		{name: "guard clauses and a global helper",
			py: helpers + `def rule(event):
    if not aws_cloudtrail_success(event):
        return False
    if event.get("eventName") != "PutBucketPolicy":
        return False
    return event.deep_get("requestParameters", "bucketName", default="") == "logs"
`,
			req:  `eventName eq "PutBucketPolicy"; requestParameters.bucketName eq "logs"`,
			excl: `errorCode is_not_null; errorMessage is_not_null`},
		{name: "a default equal to the value is not a requirement",
			py: `def rule(event):
    return event.get("errorCode", "") == "" and event.get("eventName") == "X"
`,
			req: `eventName eq "X"`},
		{name: "lower() folds case",
			py: `def rule(event):
    return event.get("userAgent", "").lower().startswith("aws-cli") and event.get("eventName", "").lower() == "Mixed"
`,
			req: `userAgent prefix_ci "aws-cli"`},
		{name: "a local holding a field, compared twice",
			py: `def rule(event):
    name = event.get("eventName")
    return name == "A" or name == "B"
`,
			req: `eventName in "A", "B"`},
		{name: "subscript of the event, is None, all([...])",
			py: `def rule(event):
    return all([event["eventSource"] == "iam.amazonaws.com", event.get("errorCode") is None])
`,
			req: `errorCode is_null; eventSource eq "iam.amazonaws.com"`},
		{name: "a loop says nothing",
			py: `def rule(event):
    for n in ["A", "B"]:
        if event.get("eventName") == n:
            return True
    return False
`},
		{name: "alert_context from aws_rule_context plus keys, title udm",
			py: helpers + `def rule(event):
    return event.get("eventName") == "X"

def title(event):
    return f"{event.udm('actor_user')} did X"

def alert_context(event):
    ctx = aws_rule_context(event)
    ctx["bucket"] = event.deep_get("requestParameters", "bucketName")
    return ctx
`,
			req:    `eventName eq "X"`,
			output: "eventName, eventSource, awsRegion, recipientAccountId, sourceIPAddress, userAgent, userIdentity, bucket, actor_user"},
		{name: "alert_context dict literal",
			py: `def rule(event):
    return event.get("eventName") == "X"

def alert_context(event):
    return {"ip": event.get("sourceIPAddress"), "arn": event.deep_get("userIdentity", "arn")}
`,
			req:    `eventName eq "X"`,
			output: "ip, arn"},
		{name: "alert_context from a helper written as code",
			py: `from panther_okta_helpers import okta_alert_context

def rule(event):
    return event.get("eventType") == "user.session.start"

def alert_context(event):
    return okta_alert_context(event)
`,
			req:   `eventType eq "user.session.start"`,
			whyIn: "okta_alert_context"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(pantherRule(t, c.py))
			if s := atoms(got.Required); s != c.req {
				t.Errorf("required:\ngot  %s\nwant %s", s, c.req)
			}
			if s := atoms(got.Exclusions); s != c.excl {
				t.Errorf("exclusions:\ngot  %s\nwant %s", s, c.excl)
			}
			if s := strings.Join(got.Output, ", "); s != c.output {
				t.Errorf("output: got %q, want %q", s, c.output)
			}
			if (c.whyIn == "") != (got.OutputUnknown == "") || !strings.Contains(got.OutputUnknown, c.whyIn) {
				t.Errorf("output unknown: got %q, want it to say %q", got.OutputUnknown, c.whyIn)
			}
		})
	}
}

// The seed pair: Panther requires the call to have succeeded, Splunk does not;
// both require the same eventSource and eventName, Splunk case-insensitively.
func TestExtract_seedPair(t *testing.T) {
	py, errs := panther.LoadRule(fixtures + "/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sp, errs := spl.LoadDetection(fixtures+"/security_content/detections/cloud/aws_bedrock_delete_model_invocation_logging_configuration.yml", spl.LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		name              string
		rule              *ast.Rule
		req, excl, output string
	}{
		{"panther", py,
			`eventName eq "DeleteModelInvocationLoggingConfiguration"; eventSource eq "bedrock.amazonaws.com"`,
			`errorCode is_not_null; errorMessage is_not_null`,
			"eventName, eventSource, awsRegion, recipientAccountId, sourceIPAddress, userAgent, userIdentity, actor_user"},
		{"splunk", sp,
			`eventName eq_ci "DeleteModelInvocationLoggingConfiguration"; eventSource eq_ci "bedrock.amazonaws.com"; sourcetype eq_ci "aws:cloudtrail"`,
			``,
			"src, user, user_agent, vendor_account, vendor_product, dest, signature, vendor_region, count, firstTime, lastTime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(c.rule)
			if s := atoms(got.Required); s != c.req {
				t.Errorf("required:\ngot  %s\nwant %s", s, c.req)
			}
			if s := atoms(got.Exclusions); s != c.excl {
				t.Errorf("exclusions:\ngot  %s\nwant %s", s, c.excl)
			}
			if s := strings.Join(got.Output, ", "); s != c.output || got.OutputUnknown != "" {
				t.Errorf("output: got %q (%s), want %q", s, got.OutputUnknown, c.output)
			}
		})
	}
}

// Panther's YAML match expressions: IsIn, inverse and I-conditions, and
// IsNotNullOrEmpty, which reads back as one exclusion of empty.
func TestExtract_simpleDetection(t *testing.T) {
	r, errs := panther.LoadRule(fixtures + "/panther-analysis/rules/github_rules/github_repo_made_public_simple.yml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := Extract(r)
	if s, want := atoms(got.Required), `action eq "repo.access"; previous_visibility exists; visibility eq_ci "PUBLIC"`; s != want {
		t.Errorf("required:\ngot  %s\nwant %s", s, want)
	}
	if s, want := atoms(got.Exclusions), `actor empty; org in "sandbox-org", "playground"; repo contains ".github.io"; repo prefix "sandbox-org/"; repo suffix_ci "-DOCS"; repo_topics contains "public-by-design"`; s != want {
		t.Errorf("exclusions:\ngot  %s\nwant %s", s, want)
	}
}

func TestGlob(t *testing.T) {
	cases := []struct{ pattern, name, fill, want string }{
		{"req_*", "req_bucketName", "requestParameters.*", "requestParameters.bucketName"},
		{"*", "src", "Authentication.*", "Authentication.src"},
		{"a*b*c", "aXbYc", "*-*", "X-Y"},
		{"user", "user", "user_name", "user_name"},
		{"req_*", "other", "", ""},
	}
	for _, c := range cases {
		caps, ok := globMatch(c.pattern, c.name)
		got := ""
		if ok {
			got = globFill(c.fill, caps)
		}
		if got != c.want {
			t.Errorf("%s on %s into %s = %q, want %q", c.pattern, c.name, c.fill, got, c.want)
		}
	}
}
