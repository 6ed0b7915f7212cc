package plan_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/plan"
)

// attackLine returns the first line of an attack data file of the given
// length range that holds the text has.
func attackLine(b testing.TB, dataset, has string, minLen, maxLen int) []byte {
	b.Helper()
	f, err := os.Open(filepath.Join(fixtures, "attack_data/datasets/attack_techniques", dataset, "cloudtrail.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if n := len(sc.Bytes()); n >= minLen && n <= maxLen && strings.Contains(sc.Text(), has) {
			return append([]byte(nil), sc.Bytes()...)
		}
	}
	b.Fatalf("%s: no line of %d to %d bytes", dataset, minLen, maxLen)
	return nil
}

func seedPlan(b *testing.B, file string) *plan.Plan {
	b.Helper()
	r, errs := harness.LoadRule(filepath.Join(fixtures, file), harness.Options{})
	if r == nil {
		b.Fatal(errs)
	}
	var opts plan.Options
	if dm := harness.DataModelsFor(r.File); dm != nil && r.Platform == ast.Panther {
		opts.DataModels = dm.ByLogType
	}
	return plan.Of(r, opts)
}

// BenchmarkMaybe runs the seed rules' prefilters over CloudTrail lines of
// about 1.5 KB: one the rule is after, one it is not, and one that is not and
// holds JSON-escaped quotes (a policy document as a string), which the escape
// scan walks.
func BenchmarkMaybe(b *testing.B) {
	other := attackLine(b, "T1562.001/aws_guardduty_detector_deleted", "", 1400, 1600)
	match := attackLine(b, "T1562.008/aws_bedrock_delete_model_invocation_logging", `"DeleteModelInvocationLoggingConfiguration"`, 1200, 1600)
	escaped := []byte(strings.Replace(string(other), `"requestParameters":{`,
		`"requestParameters":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}]}",`, 1))
	for _, rule := range []struct{ name, file string }{
		{"panther", "panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml"},
		{"splunk", "security_content/detections/cloud/aws_bedrock_delete_model_invocation_logging_configuration.yml"},
	} {
		p := seedPlan(b, rule.file)
		for _, line := range []struct {
			name string
			raw  []byte
			want bool
		}{{"absent", other, false}, {"present", match, true}, {"absent-escaped", escaped, false}} {
			b.Run(rule.name+"/"+line.name, func(b *testing.B) {
				if got := p.Maybe(line.raw); got != line.want {
					b.Fatalf("Maybe = %v, want %v\n%s", got, line.want, p)
				}
				b.SetBytes(int64(len(line.raw)))
				for b.Loop() {
					p.Maybe(line.raw)
				}
			})
		}
	}
}

// BenchmarkKeep runs every fixture rule's prefilter over one line: what an
// engine with all of them loaded spends per event before decoding anything.
func BenchmarkKeep(b *testing.B) {
	rules := loadFixtures(b)
	plans := make([]*plan.Plan, len(rules))
	for i, r := range rules {
		plans[i] = r.plan
	}
	set := plan.NewSet(plans)
	line := attackLine(b, "T1562.001/aws_guardduty_detector_deleted", "", 1400, 1600)
	b.SetBytes(int64(len(line)))
	c := set.NewChecker()
	var keep []int
	for b.Loop() {
		keep = c.Keep(keep[:0], line)
	}
	b.ReportMetric(float64(len(keep)), "rules-kept")
}
