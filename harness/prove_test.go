package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/spl"
)

func compileFixture(t *testing.T, path string) *Compiled {
	t.Helper()
	r, errs := LoadRule(path, Options{})
	if errs.Has(ast.CodeParse) || r == nil {
		t.Fatalf("%s: %v", path, errs)
	}
	return compileRule(t, r)
}

func compileRule(t *testing.T, r *ast.Rule) *Compiled {
	t.Helper()
	c, errs := Compile(r)
	if errs != nil {
		t.Fatalf("%s: %v", r.File, errs)
	}
	return c
}

// splunkRule is a CloudTrail detection with the given search (after the
// cloudtrail macro's sourcetype term).
func splunkRule(t *testing.T, search string) *Compiled {
	t.Helper()
	m, pipe, errs := spl.ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, search, nil)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", search, errs)
	}
	return compileRule(t, &ast.Rule{Platform: ast.Splunk, File: "d.yml", Keys: ast.KeysExact, LogTypes: []string{"aws:cloudtrail"}, Match: m, Pipeline: pipe})
}

// pantherCond is an AWS.CloudTrail rule whose rule() returns expr.
func pantherCond(t *testing.T, expr string) *Compiled {
	t.Helper()
	dir := t.TempDir()
	yml := "AnalysisType: rule\nFilename: r.py\nRuleID: Test.Rule\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n"
	py := "from panther_base_helpers import aws_cloudtrail_success\n\n\ndef rule(event):\n    return " + expr + "\n"
	for name, text := range map[string]string{"r.yml": yml, "r.py": py} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, errs := panther.LoadRule(filepath.Join(dir, "r.yml"))
	if len(errs) > 0 {
		t.Fatalf("%s: %v", expr, errs)
	}
	return compileRule(t, r)
}

const guardDutyDeletion = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-05-02T10:00:00Z","eventSource":"guardduty.amazonaws.com","eventName":"DeleteDetector","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"detectorId":"12abc34d567e8fa901bc2d34e56789f0"},"recipientAccountId":"111122223333"}`

// decided renders a decision as one line per counterexample.
func decided(t *testing.T, s, p *Compiled, base Event) (*Decision, []string) {
	t.Helper()
	d, err := Decide(s, p, base)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ce := range d.Counterexamples {
		got = append(got, describeChanges(ce.Changes)+" => splunk "+hitWord(ce.A)+", panther "+hitWord(ce.B))
	}
	return d, got
}

func hitWord(hit bool) string {
	if hit {
		return "hit"
	}
	return "no"
}

func TestDecide(t *testing.T) {
	base := Event{Source: "base", Value: mustJSON(t, guardDutyDeletion)}
	for _, tc := range []struct {
		note, search, python string
		equivalent           bool
		want                 []string // counterexamples, in order
		why                  string   // a reason the result is no proof
	}{
		// CASE() makes a search term case-sensitive (Search Reference, search:
		// "CASE(<term>)"), as Python's == is.
		{note: "case-sensitive terms and ==", equivalent: true,
			search: `sourcetype=aws:cloudtrail eventSource=CASE(guardduty.amazonaws.com) eventName=CASE(DeleteDetector) | stats count by eventName eventSource`,
			python: `event.get("eventSource") == "guardduty.amazonaws.com" and event.get("eventName") == "DeleteDetector"`},
		// Search terms fold case; .lower() == does too. A null eventName makes
		// Python raise (None.lower()), which is no alert, as the search's no match.
		{note: "folded on both sides", equivalent: true,
			search: `sourcetype=aws:cloudtrail eventName=DeleteDetector`,
			python: `event.get("eventName", "").lower() == "deletedetector"`},
		{note: "search terms fold case, == does not",
			search: `sourcetype=aws:cloudtrail eventSource=guardduty.amazonaws.com eventName=DeleteDetector`,
			python: `event.get("eventSource") == "guardduty.amazonaws.com" and event.get("eventName") == "DeleteDetector"`,
			want: []string{
				`eventSource "GUARDDUTY.AMAZONAWS.COM" (upper case of "guardduty.amazonaws.com") => splunk hit, panther no`,
				`eventName "DELETEDETECTOR" (upper case of "DeleteDetector") => splunk hit, panther no`}},
		{note: "wildcard vs startswith",
			search: `sourcetype=aws:cloudtrail eventName=Delete*`,
			python: `event.get("eventName", "").startswith("Delete")`,
			want:   []string{`eventName "DELETE" (upper case of "Delete") => splunk hit, panther no`}},
		// stats ... by drops an event whose by-field is null (Search Reference,
		// stats); src is the add-on's alias of sourceIPAddress.
		{note: "by-field dropped",
			search: `sourcetype=aws:cloudtrail eventName=CASE(DeleteDetector) | stats count by src`,
			python: `event.get("eventName") == "DeleteDetector"`,
			want:   []string{`sourceIPAddress missing => splunk no, panther hit`}},
		{note: "failed calls",
			search: `sourcetype=aws:cloudtrail eventName=CASE(DeleteDetector)`,
			python: `event.get("eventName") == "DeleteDetector" and aws_cloudtrail_success(event)`,
			want: []string{
				`errorCode another value "concord-other-value" => splunk hit, panther no`,
				`errorMessage another value "concord-other-value" => splunk hit, panther no`}},
		// The add-on fills errorCode with "success" when CloudTrail wrote none
		// (sourcetype/data/aws_cloudtrail.yml): a raw errorCode "success" or an
		// errorMessage alone passes the search, not aws_cloudtrail_success; a
		// JSON null is the text "null" to Splunk (KV_MODE=json) but None, a
		// success, to Panther; a failed console sign-in has no errorCode.
		{note: "errorCode=success is not aws_cloudtrail_success",
			search: `sourcetype=aws:cloudtrail eventName=CASE(DeleteDetector) errorCode=success`,
			python: `event.get("eventName") == "DeleteDetector" and aws_cloudtrail_success(event)`,
			want: []string{
				`errorCode null => splunk no, panther hit`,
				`errorCode "success" => splunk hit, panther no`,
				`responseElements.ConsoleLogin "Failure" => splunk no, panther hit`,
				`errorMessage another value "concord-other-value" => splunk hit, panther no`}},
		{note: "threshold is a verdict on a set",
			search: `sourcetype=aws:cloudtrail eventName=CASE(DeleteDetector) | stats count by src | where count > 5`,
			python: `event.get("eventName") == "DeleteDetector"`,
			why:    "splunk: where on count, an aggregate: a verdict on a set of events"},
		{note: "regex is outside the fragment",
			search: `sourcetype=aws:cloudtrail | regex eventName="^Delete"`,
			python: `event.get("eventName") == "DeleteDetector"`,
			why:    "splunk: command Regex"},
	} {
		t.Run(tc.note, func(t *testing.T) {
			d, got := decided(t, splunkRule(t, tc.search), pantherCond(t, tc.python), base)
			if d.Equivalent() != tc.equivalent {
				t.Errorf("equivalent = %v (why %v, counterexamples %v)", d.Equivalent(), d.Why, got)
			}
			if tc.why != "" && !strings.Contains(strings.Join(d.Why, "; "), tc.why) {
				t.Errorf("why = %v, want %q", d.Why, tc.why)
			}
			if tc.why == "" && !d.Decided {
				t.Errorf("not decided: %v", d.Why)
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); tc.why == "" && g != w {
				t.Errorf("counterexamples:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

func mustJSON(t *testing.T, s string) ast.Value {
	t.Helper()
	v, err := ast.ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const (
	seedSplunk  = "../fixtures/security_content/detections/cloud/aws_bedrock_delete_model_invocation_logging_configuration.yml"
	seedPanther = "../fixtures/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml"
)

// The seed pair disagrees (the seeds' README): the decision finds the failed
// calls, the value case of eventName and eventSource, and the events stats
// ... by drops (no source address, user agent, region, resolvable user or
// account), each as the smallest change of the Panther test's true positive.
func TestDecideSeedPair(t *testing.T) {
	s, p := compileFixture(t, seedSplunk), compileFixture(t, seedPanther)
	d, got := decided(t, s, p, TestEvent(p.Rule, p.Rule.Tests[0]))
	want := []string{
		`eventSource "BEDROCK.AMAZONAWS.COM" (upper case of "bedrock.amazonaws.com") => splunk hit, panther no`,
		`eventName "DELETEMODELINVOCATIONLOGGINGCONFIGURATION" (upper case of "DeleteModelInvocationLoggingConfiguration") => splunk hit, panther no`,
		`sourceIPAddress missing => splunk no, panther hit`,
		`userAgent missing => splunk no, panther hit`,
		`awsRegion missing => splunk no, panther hit`,
		`errorCode another value "concord-other-value" => splunk hit, panther no`,
		`errorMessage another value "concord-other-value" => splunk hit, panther no`,
		`userIdentity.arn missing, userIdentity.sessionContext.sessionIssuer.userName missing => splunk no, panther hit`,
		`recipientAccountId missing, userIdentity.accountId missing => splunk no, panther hit`,
	}
	if !d.Decided || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("decided %v %v\n%s\nwant\n%s", d.Decided, d.Why, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
