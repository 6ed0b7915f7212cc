package panther

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestLoadRule_cloudTrail(t *testing.T) {
	path := filepath.Join("testdata", "rules", "aws_cloudtrail_rules", "aws_console_login_no_mfa.yml")
	rule, errs := LoadRule(path)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(rule.Unsupported) > 0 {
		t.Fatalf("unsupported: %v", rule.Unsupported)
	}
	checks := []struct{ what, got, want string }{
		{"platform", string(rule.Platform), "panther"},
		{"file", rule.File, path},
		{"id", rule.ID, "Test.AWS.ConsoleLoginNoMFA"},
		{"name", rule.Name, "Console Login Without MFA"},
		{"status", rule.Status, "enabled"},
		{"log types", strings.Join(rule.LogTypes, ","), "AWS.CloudTrail"},
		{"match", dump(rule.Match), `(if (!= $eventName 'ConsoleLogin') False (if (in (default-null $userIdentity.type None) ['AssumedRole' 'FederatedUser']) False (and (helper aws_cloudtrail_success [$] (not (or (truth $errorCode) (truth $errorMessage)))) (== (default-null $additionalEventData.MFAUsed 'No') 'No'))))`},
		{"outputs", dump(rule.Outputs[0].X) + " " + dump(rule.Outputs[1].X), `(concat 'Console login without MFA by [' (default-null $userIdentity.arn None) ']') (panther.aws_rule_context $)`},
		{"test 1", rule.Tests[0].Name + " " + rule.Tests[0].Pos.String(), "Login without MFA " + path + ":13:5"},
		// Key order is the order written, and numbers keep their kinds.
		{"log 1", ast.JSON(rule.Tests[0].Log), `{"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice"},"additionalEventData":{"MFAUsed":"No"},"awsRegion":"us-east-1","count":3,"ratio":0.5,"errorCode":null}`},
		{"log 2", ast.JSON(rule.Tests[1].Log), `{"zeta":1,"eventName":"ConsoleLogin","alpha":[true,"x"]}`},
		// panther_analysis_tool passes returnValue to MagicMock(return_value=...) as
		// written (main.py _run_tests): a string holding JSON stays a string.
		{"mock", rule.Tests[0].Mocks["aws_rule_context"].Repr(), `'{}'`},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.what, c.got, c.want)
		}
	}
	if rule.Keys != ast.KeysFold || !rule.Tests[0].Expected || rule.Tests[1].Expected {
		t.Errorf("keys/expected wrong: %+v", rule)
	}
}

func TestLoadRule_schemaErrors(t *testing.T) {
	path := filepath.Join("testdata", "rules", "bad", "misspelled_key.yml")
	_, errs := LoadRule(path)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		path + `:7:11: schema: Severity "Severe" is not one of Info, Low, Medium, High, Critical`,
		path + `:8:1: schema: unknown key "Descripton" (Panther's schema rejects it)`,
		path + `:10:5: schema: missing required key "Log"`,
		path + `:11:21: schema: ExpectedResult in test 1 must be true or false`,
		path + `:12:5: schema: unknown key "Logs" in test 1 (Panther's schema rejects it)`,
	}
	for _, w := range want {
		if !contains(got, w) {
			t.Errorf("missing error %q", w)
		}
	}
	// The Python file does not exist: an io error at the Filename value.
	if !errs.Has(ast.CodeIO) {
		t.Errorf("want an io error for the missing Python file, got %v", got)
	}
}

func TestLoadRuleYAML_cases(t *testing.T) {
	readNone := func(string) ([]byte, error) { return []byte("def rule(event):\n    return True\n"), nil }
	tests := []struct {
		name, yml string
		wantErr   string // substring of the errors; "" for none
	}{
		{"minimal", "AnalysisType: rule\nFilename: x.py\nRuleID: A\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\n", ""},
		{"scheduled rule", "AnalysisType: scheduled_rule\nFilename: x.py\nRuleID: A\nEnabled: true\nScheduledQueries: [Q]\nSeverity: Info\n", ""},
		{"missing RuleID", "AnalysisType: rule\nFilename: x.py\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\n", `1:1: schema: missing required key "RuleID"`},
		{"both Filename and Detection", "AnalysisType: rule\nFilename: x.py\nDetection: []\nRuleID: A\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\n", `mutually exclusive`},
		{"policy is not a rule", "AnalysisType: policy\nFilename: x.py\nRuleID: A\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\n", `AnalysisType "policy" is not a rule`},
		{"Enabled must be a bool", "AnalysisType: rule\nFilename: x.py\nRuleID: A\nEnabled: yes\nLogTypes: [A.B]\nSeverity: Info\n", `4:10: schema: Enabled must be true or false`},
		{"bad RuleID", "AnalysisType: rule\nFilename: x.py\nRuleID: a<b\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\n", `RuleID "a<b" must not`},
		{"not a mapping", "- a\n", "must be a YAML mapping"},
		{"bad yaml", "a: [\n", "r.yml:1:1: parse: yaml: line 1"},
		{"mock returnValue must be str or bool", "AnalysisType: rule\nFilename: x.py\nRuleID: A\nEnabled: true\nLogTypes: [A.B]\nSeverity: Info\nTests:\n  - Name: t\n    ExpectedResult: true\n    Log: {}\n    Mocks:\n      - objectName: f\n        returnValue: 3\n", "13:22: schema: returnValue of mock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := loadRuleYAML("r.yml", []byte(tt.yml), readNone)
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Errorf("unexpected errors: %v", errs)
				}
				return
			}
			if !strings.Contains(errs.Error(), tt.wantErr) {
				t.Errorf("got %v, want %q", errs, tt.wantErr)
			}
		})
	}
}

// A simple detection's Detection block is its logic, lowered like rule().
func TestLoadRule_simpleDetection(t *testing.T) {
	rule, errs := LoadRule(filepath.Join("testdata", "rules", "bad", "simple_detection.yml"))
	if len(errs) > 0 || len(rule.Unsupported) > 0 {
		t.Fatalf("errors: %v %v", errs, rule.Unsupported)
	}
	if got := dump(rule.Match); rule.Status != "disabled" || got != "(== $eventName 'ConsoleLogin')" {
		t.Errorf("status %q, match %s", rule.Status, got)
	}
}

// A derived detection (DERIVED_SCHEMA) is recognised and reported unsupported,
// not rejected as a rule with unknown keys.
func TestLoadRule_derivedDetection(t *testing.T) {
	yml := "AnalysisType: rule\nRuleID: D\nBaseDetection: Base.Rule\nSeverity: High\nTests:\n  - Name: t\n    ExpectedResult: true\n    Log: {a: 1}\n"
	rule, errs := loadRuleYAML("d.yml", []byte(yml), readNone)
	if len(errs) > 0 || len(rule.Tests) != 1 || len(rule.Unsupported) != 1 ||
		rule.Unsupported[0].Error() != `d.yml:3:16: unsupported: derived detections (BaseDetection "Base.Rule")` {
		t.Errorf("errs %v, rule %+v", errs, rule)
	}
	if _, errs := loadRuleYAML("d.yml", []byte("AnalysisType: rule\nRuleID: D\nBaseDetection: B\nFilename: x.py\n"), readNone); !strings.Contains(errs.Error(), `4:1: schema: unknown key "Filename"`) {
		t.Errorf("got %v", errs)
	}
}
