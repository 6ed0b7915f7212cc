package convert

import (
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

const (
	scCloud = "../fixtures/security_content/detections/cloud/"
	paCT    = "../fixtures/panther-analysis/rules/aws_cloudtrail_rules/"
)

func compiled(t *testing.T, file string) *harness.Compiled {
	t.Helper()
	r, errs := harness.LoadRule(file, harness.Options{})
	if r == nil || len(errs) > 0 {
		t.Fatalf("%s: %v", file, errs)
	}
	c, errs := harness.Compile(r)
	if c == nil {
		t.Fatalf("%s: %v", file, errs)
	}
	return c
}

// Each platform's spelling of a condition lifts to the same portable test:
// Splunk search terms fold case, its where == does not (and a term repeated
// exactly in a where clause is the exact test), the add-on's errorCode=success
// is a successful call, Python's early returns are and/or, truthiness is
// "present and not empty".
func TestCondition(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{scCloud + "aws_s3_bucket_versioning_suspended.yml", `(eventSource eq "s3.amazonaws.com" and eventName eq "PutBucketVersioning" and requestParameters.VersioningConfiguration.Status eq "Suspended"|"Disabled")`},
		{paCT + "aws_s3_bucket_versioning_suspended.yml", `(eventSource eq "s3.amazonaws.com" and eventName eq "PutBucketVersioning" and requestParameters.VersioningConfiguration.Status eq "Suspended"|"Disabled")`},
		{scCloud + "aws_kms_key_disabled_or_scheduled_for_deletion.yml", `(eventSource ieq "kms.amazonaws.com" and eventName ieq "ScheduleKeyDeletion"|"DisableKey" and success)`},
		// Multivalue fields from JSON arrays: a test of each element, nested.
		{scCloud + "aws_security_group_ingress_open_to_internet.yml", `(eventSource ieq "ec2.amazonaws.com" and eventName ieq "AuthorizeSecurityGroupIngress" and any requestParameters.ipPermissions.items[] (any ipRanges.items[] (cidrIp eq "0.0.0.0/0")) and success)`},
		// The add-on's errorCode holds the raw one's other values as they are;
		// 'errorCode{}' is the elements of a list.
		{scCloud + "aws_guardduty_detector_deleted.yml", `(eventSource eq "guardduty.amazonaws.com" and eventName eq "DeleteDetector" and (success or errorCode eq ""|"null") and (not errorMessage exists or errorMessage eq ""|"null") and not any errorCode[] (exists) and not any errorMessage[] (exists))`},
		// mvfind over an mvappend of fields, tested through if(c, "true", "false").
		{scCloud + "aws_s3_bucket_made_public.yml", `(eventSource ieq "s3.amazonaws.com" and eventName ieq "PutBucketAcl"|"PutBucketPolicy" and success and (any requestParameters.AccessControlPolicy.AccessControlList.Grant[] (Grantee.URI isuffix "/groups/global/AllUsers"|"/groups/global/AuthenticatedUsers") or any requestParameters.bucketPolicy.Statement[] (Principal eq "*" or Principal.AWS eq "*" or any Principal.AWS[] (eq "*"))))`},
		{paCT + "aws_cloudtrail_logging_stopped_or_deleted.yml", `(success and eventName eq "StopLogging"|"DeleteTrail" and not userIdentity.sessionContext.sessionIssuer.userName eq "AWSControlTowerExecution")`},
		{paCT + "aws_console_login_no_mfa.yml", `(eventName eq "ConsoleLogin" and responseElements.ConsoleLogin eq "Success" and additionalEventData.MFAUsed eq "No" and not (additionalEventData.SamlProviderArn exists and not additionalEventData.SamlProviderArn eq "" and not additionalEventData.SamlProviderArn bool "false"))`},
	} {
		got, _, err := Condition(compiled(t, c.file).Rule)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if s := portable.String(got); s != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.file, s, c.want)
		}
	}
}

// What cannot be said per field is refused with the position of the
// construct and why.
func TestConditionRefused(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{scCloud + "aws_burst_of_failed_discovery_calls.yml", "no per-event form: where on count, an aggregate: a verdict on a set of events"},
	} {
		_, _, err := Condition(compiled(t, c.file).Rule)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.file, err, c.want)
		}
	}
}

// Lift keeps what the rule shows and its tests with the rule's own verdicts,
// and adds negatives from the first true positive.
func TestLift(t *testing.T) {
	p, _, err := Lift(compiled(t, scCloud+"aws_s3_bucket_versioning_suspended.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.LogType != "AWS.CloudTrail" || p.Meta.RiskScore != 56 || len(p.Meta.MITRE) != 1 || p.Meta.MITRE[0] != "T1490" {
		t.Errorf("log type %s meta %+v", p.LogType, p.Meta)
	}
	var title []string
	for _, tp := range p.Title {
		title = append(title, tp.Text+strings.Join(tp.Field, "."))
	}
	if got := strings.Join(title, "|"); got != "User |userIdentity.arn| asked to suspend versioning of bucket |requestParameters.bucketName| in account |recipientAccountId| from |sourceIPAddress" {
		t.Errorf("title %s", got)
	}
	var verdicts []string
	for _, tc := range p.Tests {
		verdicts = append(verdicts, tc.Name+"="+map[bool]string{true: "T", false: "F"}[tc.Expected])
	}
	want := "Attack data event 1=F|Attack data event 2=T|Attack data event 3=T|Attack data event 4=F|Attack data event 5=F|eventName GetBucketVersioning, not PutBucketVersioning=F"
	if got := strings.Join(verdicts, "|"); got != want {
		t.Errorf("tests:\ngot  %s\nwant %s", got, want)
	}
	// The stats groups by dest and signature, which the condition requires:
	// nothing is dropped, so nothing is lossy but JSON values by their text.
	for _, l := range p.Lossy {
		if strings.Contains(l.Reason, "drops") {
			t.Errorf("lossy: %+v", l)
		}
	}
}

// A simple detection's filters and constant lists: IsNotIn lets an event
// without the key through (a key holding null is there to it: a lossy point).
func TestConditionSimpleDetection(t *testing.T) {
	dir := t.TempDir()
	rule := `AnalysisType: rule
RuleID: Test.Simple
Enabled: true
LogTypes: [AWS.CloudTrail]
Severity: Low
InlineFilters:
  - Key: recipientAccountId
    Condition: IsNotIn
    Values: ["999999999999", "888888888888"]
Detection:
  - Key: eventName
    Condition: IsIn
    Values: [StopLogging, DeleteTrail]
`
	file := filepath.Join(dir, "simple.yml")
	if err := os.WriteFile(file, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	got, lossy, err := Condition(compiled(t, file).Rule)
	if err != nil {
		t.Fatal(err)
	}
	want := `((not recipientAccountId exists or not recipientAccountId eq "999999999999"|"888888888888") and eventName eq "StopLogging"|"DeleteTrail")`
	if s := portable.String(got); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	if len(lossy) != 1 || lossy[0].Fields[0] != "recipientAccountId" || lossy[0].Kinds[0] != "null" {
		t.Errorf("lossy %+v", lossy)
	}
}

// all([...]) and any([...]) over conditions written out are and and or; `is
// None` is what exists denies (missing or null); `is False` tests the JSON
// boolean.
func TestConditionAllAnyIsNone(t *testing.T) {
	dir := t.TempDir()
	yml := "AnalysisType: rule\nFilename: r.py\nRuleID: Test.AllAny\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n"
	py := `def rule(event):
    return all(
        [
            event.get("eventSource") == "iam.amazonaws.com",
            any([event.get("eventName") == "CreateRole", event.get("eventName") == "DeleteRole"]),
            event.get("errorCode") is None,
            event.get("readOnly") is False,
        ]
    )
`
	for name, text := range map[string]string{"r.yml": yml, "r.py": py} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := Condition(compiled(t, filepath.Join(dir, "r.yml")).Rule)
	if err != nil {
		t.Fatal(err)
	}
	want := `(eventSource eq "iam.amazonaws.com" and eventName eq "CreateRole"|"DeleteRole" and not errorCode exists and readOnly bool "false")`
	if s := portable.String(got); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

// A Python test that raises on a value that is not a string (str methods)
// stops the rule, which then does not alert; where the portable form, whose
// test is false there, goes on to a match (an early return's test, an `or`,
// a `not`), the field's non-string mutants are a lossy point.
func TestLiftRaisingTests(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string // the fields of the lossy points
	}{
		{"early return", "    if event.get(\"sourceIPAddress\", \"\").endswith(\".amazonaws.com\"):\n        return False\n    return event.get(\"eventName\") == \"CopyImage\"\n", []string{"sourceIPAddress"}},
		{"or", "    return event.get(\"userAgent\", \"\").startswith(\"aws-cli\") or event.get(\"eventName\") == \"CopyImage\"\n", []string{"userAgent"}},
		{"last of an or: raising and false agree", "    return event.get(\"eventName\") == \"CopyImage\" or event.get(\"userAgent\", \"\").startswith(\"aws-cli\")\n", nil},
		{"and", "    return event.get(\"userAgent\", \"\").startswith(\"aws-cli\") and event.get(\"eventName\") == \"CopyImage\"\n", nil},
		{"through a local", "    agent = event.get(\"userAgent\", \"\")\n    return agent.startswith(\"aws-cli\") or event.get(\"eventName\") == \"CopyImage\"\n", []string{"userAgent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := liftedPoints(t, tc.body, "Panther raises on a value that is not a string", func(p portable.Lossy) string {
				return strings.Join(p.Fields, ",")
			})
			if !slices.Equal(got, tc.want) {
				t.Errorf("raising lossy points on %q, want %q", got, tc.want)
			}
		})
	}
}

// liftedPoints lifts a Panther rule of body and shows its lossy points whose
// reason says why.
func liftedPoints(t *testing.T, body, why string, show func(portable.Lossy) string) []string {
	t.Helper()
	_, lossy := lift(t, pantherRule(t, "def rule(event):\n"+body))
	var got []string
	for _, p := range lossyFor(lossy, why) {
		got = append(got, show(p))
	}
	return got
}

// lossyFor are the lossy points whose reason says why.
func lossyFor(lossy []portable.Lossy, why string) []portable.Lossy {
	var out []portable.Lossy
	for _, p := range lossy {
		if strings.Contains(p.Reason, why) {
			out = append(out, p)
		}
	}
	return out
}

// Python's dict.get on a field's value raises AttributeError when the value
// is not a dict ('NoneType' object has no attribute 'get', likewise str and
// list), and a Panther rule that raises does not alert. event.get(k, {})
// gives the default only for a missing key, deep_get's default also for a
// null one. Where the portable form goes on to a match (under not, in an or,
// an early return's test) the field's non-dict mutants are a lossy point in
// the conversion's favour, naming the field the method is called on.
func TestLiftRaisingGets(t *testing.T) {
	const notDict = "extra: null empty array number-as-string string-as-number"
	for _, tc := range []struct {
		name, body string
		want       []string // "field: kinds" of the lossy points
	}{
		{"not, default dict", "    extra = event.get(\"extra\", {})\n    return event.get(\"eventName\") == \"Login\" and not extra.get(\"Saml\")\n", []string{notDict}},
		{"not, no default", "    return event.get(\"eventName\") == \"Login\" and not event.get(\"extra\").get(\"Saml\")\n", []string{"extra: missing null empty array number-as-string string-as-number"}},
		{"or", "    return event.get(\"extra\", {}).get(\"Saml\") == \"x\" or event.get(\"eventName\") == \"Login\"\n", []string{notDict}},
		{"not of an or: one point", "    extra = event.get(\"extra\", {})\n    return event.get(\"eventName\") == \"Login\" and not (extra.get(\"Saml\") or extra.get(\"Oidc\"))\n", []string{notDict}},
		{"early return", "    if event.get(\"extra\", {}).get(\"Saml\"):\n        return False\n    return event.get(\"eventName\") == \"Login\"\n", []string{notDict}},
		{"and: raising and false agree", "    return event.get(\"eventName\") == \"Login\" and event.get(\"extra\", {}).get(\"Saml\") == \"x\"\n", nil},
		{"deep_get never raises", "    return event.get(\"eventName\") == \"Login\" and not event.deep_get(\"extra\", \"Saml\")\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := liftedPoints(t, tc.body, "calling .get on a value that is not a dict", func(p portable.Lossy) string {
				if p.Either || p.SourceHits {
					t.Errorf("lossy point %+v: only the conversion matches where Panther raises", p)
				}
				return strings.Join(p.Fields, ",") + ": " + strings.Join(p.Kinds, " ")
			})
			if !slices.Equal(got, tc.want) {
				t.Errorf("dict.get lossy points %q, want %q", got, tc.want)
			}
		})
	}
}

// A field read for its truth (Python's bool()) lifts to present, not empty
// and not the JSON false: CloudTrail writes flags such as
// responseElements.publiclyAccessible as booleans, and a conversion taking
// false for true would match every event that has the flag. 0 and empty
// lists or objects stay a lossy point.
func TestLiftTruth(t *testing.T) {
	c := pantherRule(t, "def rule(event):\n    return bool(event.deep_get(\"responseElements\", \"publiclyAccessible\"))\n")
	got, lossy := lift(t, c)
	for _, tc := range []struct {
		event string
		want  bool
	}{
		{`{"responseElements":{"publiclyAccessible":true}}`, true},
		{`{"responseElements":{"publiclyAccessible":false}}`, false},
		{`{"responseElements":{"publiclyAccessible":"yes"}}`, true},
		{`{"responseElements":{"publiclyAccessible":""}}`, false},
		{`{"responseElements":{"publiclyAccessible":null}}`, false},
		{`{"responseElements":{}}`, false},
	} {
		v, err := ast.ParseJSON([]byte(tc.event))
		if err != nil {
			t.Fatal(err)
		}
		if h := portable.Holds(got, v); h != tc.want {
			t.Errorf("%s: %v, want %v (%s)", tc.event, h, tc.want, portable.String(got))
		}
	}
	if !slices.ContainsFunc(lossy, func(p portable.Lossy) bool { return strings.Contains(p.Reason, "differs for 0 and empty lists") }) {
		t.Errorf("no truth lossy point in %v", lossy)
	}
}
