package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// A Panther policy is refused, not failed: it evaluates snapshots of cloud
// resources (policy(resource), https://docs.panther.com/detections/policies),
// which no Splunk detection or Sigma rule reads. The refusal names the
// file's AnalysisType by line and column, the summary counts it apart from
// the rules, and the rules beside it still convert. Converting to Panther
// skips it (a file named on the command line) or passes it over (met in a
// folder).
func TestConvertRefusesPolicy(t *testing.T) {
	policies := fixtures + "/panther-analysis/policies/"
	policy := policies + "aws_s3_bucket_versioning.yml"
	rule := fixtures + "/panther-analysis/rules/aws_cloudtrail_rules/aws_guardduty_detector_deleted.yml"
	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"--to", "splunk", policy, rule}, []string{
			policy + ":3:1: not convertible: a Panther policy (AnalysisType: policy) evaluates snapshots of cloud resources",
			"a Splunk ESCU detection searches indexed events and reads no resource snapshots",
			"aws_guardduty_detector_deleted.yml -> splunk",
			"1 rules, 1 converted, 0 not, 0 skipped (already in the target's format); 1 refused (Panther analysis files that are not rules: 1 policy)",
		}},
		// Met in a folder.
		{[]string{"--to", "sigma", policies}, []string{
			"a Sigma rule matches log events",
			"0 rules, 0 converted, 0 not, 0 skipped (already in the target's format); 1 refused (Panther analysis files that are not rules: 1 policy)",
		}},
		{[]string{"--to", "panther", policy}, []string{"skipped: already a panther analysis file, not a rule", "1 rules, 0 converted, 0 not, 1 skipped"}},
		{[]string{"--to", "panther", policies}, []string{"0 rules, 0 converted, 0 not, 0 skipped (already in the target's format)\n"}},
	} {
		out, errs, code := concord(t, append([]string{"convert"}, c.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d\n%s\n%s", c.args, code, out, errs)
		}
		for _, want := range c.wants {
			if !strings.Contains(out, want) {
				t.Errorf("%v: missing %q in\n%s", c.args, want, out)
			}
		}
		if strings.Contains(out, "schema") {
			t.Errorf("%v: a schema error for a policy:\n%s", c.args, out)
		}
	}
	out, _, code := concord(t, "convert", "--to", "splunk", policy, "--format", "json")
	var r struct {
		Conversions []struct{ Refused, Error string }
		Summary     map[string]int
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || len(r.Conversions) != 1 || r.Conversions[0].Refused == "" || r.Conversions[0].Error != "" ||
		r.Summary["refused"] != 1 || r.Summary["rules"] != 0 || r.Summary["failed"] != 0 {
		t.Errorf("json: exit %d %v\n%s", code, err, out)
	}
}
