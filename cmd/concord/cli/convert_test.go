package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Conversions of the fixture rules, printed (the files and the lossy
// points), each a golden file; and each verified against its source.
func TestConvertGolden(t *testing.T) {
	pa := fixtures + "/panther-analysis/rules/aws_cloudtrail_rules/"
	sigmaDir := fixtures + "/sigma/rules/cloud/aws/cloudtrail/"
	sc := fixtures + "/security_content/detections/cloud/"
	cases := []struct{ file, to, from string }{
		{pa + "aws_bedrock_deletemodelinvocationloggingconfiguration.yml", "splunk", ""},
		{pa + "aws_bedrock_guardrail_deleted.yml", "splunk", ""},
		{pa + "aws_cloudtrail_logging_stopped_or_deleted.yml", "splunk", ""},
		{pa + "aws_console_login_no_mfa.yml", "splunk", ""},
		{pa + "aws_guardduty_detector_deleted.yml", "splunk", ""},
		{pa + "aws_kms_key_disabled_or_deletion_scheduled.yml", "splunk", ""},
		{pa + "aws_s3_bucket_versioning_suspended.yml", "splunk", ""},
		{pa + "aws_s3_bucket_versioning_suspended.yml", "sigma", ""},
		// An accumulator loop over a list's elements, each tested on several
		// of its fields: mvmap over the elements in Splunk.
		{pa + "aws_ec2_security_group_opened_to_internet.yml", "splunk", ""},
		// Comprehensions over _as_list (a lone value as one element), an
		// isinstance(dict) guard, and json.loads of a string policy
		// (portable.Parse: json_valid and spath of the extracted text).
		{pa + "aws_s3_bucket_made_public.yml", "splunk", ""},
		// A loop returning True over the statements of a policy given as
		// JSON text (try/except JSONDecodeError), a comprehension lowering
		// the actions, any() over it and "*" in as_list(...).
		{pa + "aws_iam_policy_grants_everything.yml", "splunk", ""},
		// event.udm() through the data model: a method mapping's if/return
		// chain, path mappings in the title.
		{pa + "aws_root_console_login_udm.yml", "splunk", ""},
		// A comparison of two fields, with Python's defaults spelled out.
		{pa + "aws_iam_user_or_key_created.yml", "splunk", ""},
		// A score: weights summed over a set of signal names the rule adds
		// under conditions, compared with a constant (the Or of the minimal
		// combinations), one signal a suffix test of a split, lowered field
		// (a folded regex: match() in Splunk, |re|i in Sigma).
		{pa + "aws_console_login_odd_signals.yml", "splunk", ""},
		{pa + "aws_console_login_odd_signals.yml", "sigma", ""},
		// A simple detection: its string conditions also hold on a list
		// with a passing element (mvfind over field{} in Splunk).
		{fixtures + "/panther-analysis/rules/github_rules/github_repo_made_public_simple.yml", "splunk", ""},
		// VPC flow records: the add-on's field names, attack data written
		// as records, a comparison with a field outside the record dropped.
		{fixtures + "/panther-analysis/rules/aws_vpc_flow_rules/aws_vpcflow_unexpected_inbound_simple.yml", "splunk", ""},
		{sc + "aws_s3_bucket_versioning_suspended.yml", "panther", ""},
		{sc + "aws_console_login_without_mfa.yml", "panther", ""},
		{sc + "aws_kms_key_disabled_or_scheduled_for_deletion.yml", "panther", ""},
		{sc + "aws_security_group_ingress_open_to_internet.yml", "panther", ""},
		{sc + "aws_s3_bucket_made_public.yml", "panther", ""},
		{sc + "aws_guardduty_detector_deleted.yml", "panther", ""},
		{seedSPL, "panther", ""},
		// Aggregations: a Threshold with its dedup() fields, and a binned
		// stats count with a where on the count.
		{pa + "aws_secretsmanager_secret_harvesting.yml", "splunk", ""},
		{sc + "aws_burst_of_failed_discovery_calls.yml", "panther", ""},
		{sigmaDir + "aws_cloudtrail_s3_bucket_versioning_suspended.yml", "splunk", "sigma"},
		{sigmaDir + "aws_cloudtrail_guardduty_detector_deleted.yml", "splunk", "sigma"},
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c.file), ".yml") + "." + c.to
		if c.from != "" {
			name = c.from + "_" + name
		}
		t.Run(name, func(t *testing.T) {
			args := []string{"convert", "--to", c.to, c.file}
			if c.from != "" {
				args = append(args, "--from", c.from)
			}
			out, errs, code := concord(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			golden(t, "convert/"+name, out)
			if c.to == "sigma" {
				return
			}
			out, errs, code = concord(t, append(args, "--verify", "--format", "json")...)
			var r struct {
				Conversions []struct {
					Verify *struct{ Unaccepted, Disagree int }
					Error  string
				}
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || len(r.Conversions) != 1 || r.Conversions[0].Verify == nil || r.Conversions[0].Verify.Unaccepted != 0 {
				t.Errorf("verify: exit %d %v\n%s\n%s", code, err, out, errs)
			}
		})
	}
}

// A rule that cannot be converted is named with its position and the
// reason, the others still convert, and the exit status says one failed;
// a rule already in the target's format is skipped, not failed.
func TestConvertErrors(t *testing.T) {
	pa := fixtures + "/panther-analysis/rules/aws_cloudtrail_rules/"
	dir := t.TempDir()
	ordered := filepath.Join(dir, "ordered.yml")
	if err := os.WriteFile(filepath.Join(dir, "ordered.py"), []byte("def rule(event):\n    return event.get(\"eventName\") == \"X\" and event.get(\"a\") < event.get(\"b\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ordered, []byte("AnalysisType: rule\nFilename: ordered.py\nRuleID: Test.Ordered\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := concord(t, "convert", "--to", "splunk", ordered, pa+"aws_guardduty_detector_deleted.yml", seedSPL)
	for _, want := range []string{
		"ordered.py:2:46: cannot convert: an ordering comparison of two fields",
		"aws_guardduty_detector_deleted.yml -> splunk",
		"skipped: already a splunk rule",
		"3 rules, 1 converted, 1 not, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if code != ExitFailed {
		t.Errorf("exit %d", code)
	}
	if _, errs, code := concord(t, "convert", "--to", "cobol", seedSPL); code != ExitUsage || !strings.Contains(errs, "expected one of") {
		t.Errorf("bad --to: exit %d %s", code, errs)
	}
}

// The VPC flow rule converted to Splunk converts back to Panther, and both
// verify: the Splunk side reads records (its attack data, and each JSON
// event written as one), the Panther side JSON (each record read as one).
func TestConvertVPCFlowRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rule := fixtures + "/panther-analysis/rules/aws_vpc_flow_rules/aws_vpcflow_unexpected_inbound_simple.yml"
	det := filepath.Join(dir, "splunk", "detections", "network", "aws_vpcflow_unexpected_inbound_simple.yml")
	for _, args := range [][]string{
		{"convert", "--to", "splunk", rule, "--verify", "--format", "json", "-o", filepath.Join(dir, "splunk")},
		{"convert", "--to", "panther", det, "--verify", "--format", "json", "-o", filepath.Join(dir, "panther")},
	} {
		out, errs, code := concord(t, args...)
		var r struct {
			Conversions []struct {
				Verify *struct{ Unaccepted, Events int }
			}
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || len(r.Conversions) != 1 || r.Conversions[0].Verify == nil ||
			r.Conversions[0].Verify.Unaccepted != 0 || r.Conversions[0].Verify.Events < 50 {
			t.Errorf("%v: exit %d %v\n%s\n%s", args, code, err, out, errs)
		}
	}
	if out, errs, code := concord(t, "test", filepath.Join(dir, "splunk")); code != 0 || !strings.Contains(out, "1 pass, 0 fail") {
		t.Errorf("the detection's test: exit %d\n%s\n%s", code, out, errs)
	}
}
