package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pantherFixtures = fixtures + "/panther-analysis"

type testReport struct {
	Tests []struct {
		Rule, Name, Result, Message string
	}
	Summary struct{ Pass, Fail, Unsupported, Error, Skipped int }
	Skipped []struct {
		File         string
		AnalysisType string `json:"analysis_type"`
		Message      string
	}
}

func testJSON(t *testing.T, args ...string) (testReport, int) {
	t.Helper()
	out, errs, code := concord(t, append([]string{"test", "--format", "json"}, args...)...)
	var r testReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out, errs)
	}
	return r, code
}

func rulesOf(r testReport) string {
	seen := map[string]bool{}
	var ids []string
	for _, t := range r.Tests {
		if !seen[t.Rule] {
			seen[t.Rule] = true
			ids = append(ids, t.Rule)
		}
	}
	return strings.Join(ids, " ")
}

// --filter as panther_analysis_tool's parse_filter_args and filter_analysis_spec:
// KEY=V1,V2 (case-insensitive, any element of a list key), KEY!=... excludes,
// filters AND, Enabled takes a truth value.
func TestTestFilter(t *testing.T) {
	tests := []struct {
		filters []string
		want    string
	}{
		{[]string{"--filter", "LogTypes=aws.vpcflow,GitHub.Audit"}, "Concord.VPCFlow.UnexpectedInbound Concord.GitHub.RepoMadePublic"},
		{[]string{"--filter", "Severity=High"}, "AWS.CloudTrail.LoggingStoppedOrDeleted AWS.Console.LoginWithoutMFA.Direct AWS.GuardDuty.DetectorDeleted Concord.AWS.IAM.PolicyGrantsEverything Concord.AWS.RootConsoleLogin AWS.S3.BucketMadePublic"},
		{[]string{"--filter", "Enabled=no"}, "Concord.VPCFlow.UnexpectedInbound"},
		{[]string{"--filter", "LogTypes=AWS.CloudTrail", "--filter", "RuleID!=Concord.AWS.RootConsoleLogin,Concord.AWS.Console.OddSignals"}, "AWS.Bedrock.DeleteModelInvocationLoggingConfiguration AWS.Bedrock.GuardrailDeleted AWS.CloudTrail.LoggingStoppedOrDeleted AWS.Console.LoginWithoutMFA.Direct AWS.EC2.SecurityGroupOpenedToInternet AWS.GuardDuty.DetectorDeleted Concord.AWS.IAM.PolicyGrantsEverything AWS.IAM.UserOrAccessKeyCreated AWS.KMS.KeyDisabledOrDeletionScheduled AWS.S3.BucketMadePublic AWS.S3.BucketVersioningSuspended AWS.SecretsManager.SecretHarvesting"},
	}
	for _, tt := range tests {
		r, code := testJSON(t, append([]string{pantherFixtures}, tt.filters...)...)
		if code != 0 || rulesOf(r) != tt.want {
			t.Errorf("%v: exit %d, rules %q, want %q", tt.filters, code, rulesOf(r), tt.want)
		}
		// Data models are kept whatever the filters, as the tool keeps them for the rules.
		if len(r.Skipped) == 0 || r.Skipped[0].AnalysisType != "datamodel" {
			t.Errorf("%v: skipped %+v", tt.filters, r.Skipped)
		}
	}
}

func TestTestFilterErrors(t *testing.T) {
	for _, tt := range []struct {
		filter, want string
		code         int
	}{
		{"Bogus=1", `filter key "Bogus" is not a valid filter field`, ExitUsage},
		{"RuleID", `filter "RuleID" is not in format KEY=VALUE`, ExitUsage},
		{"Enabled=maybe", "Enabled should have either true or false", ExitUsage},
		{"RuleID=None.Such", "no rule in " + pantherFixtures + " matched the filters RuleID=None.Such", ExitFailed},
	} {
		_, errs, code := concord(t, "test", pantherFixtures, "--filter", tt.filter)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", tt.filter, code, errs, tt.code, tt.want)
		}
	}
}

// --minimum-tests as run_tests: fewer tests than N fails the rule; N > 1 also
// needs a positive and a negative test.
func TestTestMinimumTests(t *testing.T) {
	r, code := testJSON(t, pantherFixtures, "--minimum-tests", "6")
	var msgs []string
	for _, x := range r.Tests {
		if x.Name == "minimum tests" {
			msgs = append(msgs, x.Rule+": "+x.Message)
		}
	}
	want := []string{
		"AWS.Bedrock.DeleteModelInvocationLoggingConfiguration: Insufficient test coverage: 6 tests required but only 3 found",
		"Concord.AWS.Console.OddSignals: Insufficient test coverage: 6 tests required but only 5 found",
		"Concord.AWS.RootConsoleLogin: Insufficient test coverage: 6 tests required but only 5 found",
	}
	if code != ExitFailed || strings.Join(msgs, "\n") != strings.Join(want, "\n") || r.Summary.Fail != 3 {
		t.Errorf("exit %d, fail %d, got\n%s", code, r.Summary.Fail, strings.Join(msgs, "\n"))
	}
	if _, code := testJSON(t, pantherFixtures, "--minimum-tests", "3"); code != 0 {
		t.Errorf("--minimum-tests 3: exit %d", code)
	}
}

func TestTestShowFailuresOnly(t *testing.T) {
	out, _, code := concord(t, "test", pantherFixtures, "--minimum-tests", "4", "--show-failures-only")
	want := "../../../fixtures/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml (AWS.Bedrock.DeleteModelInvocationLoggingConfiguration)\n" +
		"\t[FAIL] minimum tests\n\t\tInsufficient test coverage: 4 tests required but only 3 found\n" +
		"skipped (not rules): 1 datamodel, 1 policy\n" +
		"tests: 105 pass, 1 fail, 0 unsupported, 0 error\n"
	if code != ExitFailed || out != want {
		t.Errorf("exit %d, got\n%s\nwant\n%s", code, out, want)
	}
}

// Policies and data models are read and counted, never run; an invalid data
// model is reported and fails the run.
func TestTestSkipped(t *testing.T) {
	r, code := testJSON(t, pantherFixtures)
	if code != 0 || r.Summary.Skipped != 2 || len(r.Skipped) != 2 || r.Skipped[1].AnalysisType != "policy" || r.Skipped[0].Message != "" {
		t.Errorf("exit %d, summary %+v, skipped %+v", code, r.Summary, r.Skipped)
	}
	dir := t.TempDir() + "/data_models"
	writeFile(t, dir+"/bad.yml", "AnalysisType: datamodel\nDataModelID: X\nEnabled: true\nLogTypes: [A.B]\nMappings:\n  - Name: x\n")
	r, code = testJSON(t, dir)
	if code != ExitFailed || len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].Message, `bad.yml:6:5: schema: missing required key "Path" (or "Method")`) {
		t.Errorf("exit %d, skipped %+v", code, r.Skipped)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Two enabled data models for one log type: the first (in path order) is used
// and the second is reported, as setup_data_models does.
func TestTestDataModelConflict(t *testing.T) {
	dir := t.TempDir() + "/data_models"
	model := "AnalysisType: datamodel\nDataModelID: %s\nEnabled: true\nLogTypes: [A.B]\nMappings:\n  - Name: x\n    Path: x\n"
	writeFile(t, dir+"/a.yml", strings.Replace(model, "%s", "First", 1))
	writeFile(t, dir+"/b.yml", strings.Replace(model, "%s", "Second", 1))
	r, code := testJSON(t, dir)
	if code != ExitFailed || len(r.Skipped) != 2 || r.Skipped[0].Message != "" ||
		!strings.HasPrefix(r.Skipped[1].Message, "Conflicting Enabled LogType [A.B] in Data Model [Second]") {
		t.Errorf("exit %d, skipped %+v", code, r.Skipped)
	}
}

// A malformed match expression and an invalid data model are reported with
// file:line:col and what was expected; the other rules still run.
func TestTestBadPantherYAML(t *testing.T) {
	r, code := testJSON(t, "testdata/bad/panther-analysis")
	if code != ExitFailed {
		t.Fatalf("exit %d", code)
	}
	found := false
	for _, x := range r.Tests {
		if x.Rule == "Bad.Detection" {
			found = true
			if x.Result != "error" || !strings.Contains(x.Message, `bad_detection.yml:9:16: schema: unknown Condition "Equal" (expected one of`) {
				t.Errorf("bad detection: %s %s", x.Result, x.Message)
			}
		}
	}
	if !found || r.Summary.Pass == 0 {
		t.Errorf("found %v, summary %+v", found, r.Summary)
	}
	if len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].Message, `broken.yml:9:13: schema: "Path" and "Method" are mutually exclusive`) {
		t.Errorf("skipped %+v", r.Skipped)
	}
}
