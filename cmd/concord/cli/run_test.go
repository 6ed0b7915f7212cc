package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// run streams events in CloudTrail's own file shape (a gzipped Records
// object) from a folder through several rules; the output is the same on one
// CPU or two, with or without the fast path.
func TestRunStreamsManyRules(t *testing.T) {
	data, err := os.ReadFile(fixtures + "/attack_data/datasets/attack_techniques/T1562.008/aws_bedrock_delete_model_invocation_logging/cloudtrail.json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	records := `{"Records":[` + strings.Join(lines, ",") + `]}`
	dir := t.TempDir()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(records))
	w.Close()
	if err := os.WriteFile(filepath.Join(dir, "cloudtrail.json.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "more.jsonl"), []byte(lines[0]+"\n[1]\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	var first string
	for _, flags := range [][]string{{"--cpus", "1"}, {"--cpus", "2"}, {"--cpus", "2", "--exhaustive"}} {
		args := append([]string{"run", seedPy, seedSPL, "--events", dir, "--format", "json"}, flags...)
		out, errOut, code := concord(t, args...)
		if code != 1 || !strings.Contains(errOut, "more.jsonl:2:1") || !strings.Contains(errOut, "expected a JSON object") {
			t.Fatalf("%v: exit %d (want 1: a malformed event), stderr %s", flags, code, errOut)
		}
		var got struct {
			Runs []struct {
				Rule struct{ Platform string }
				Hits []string
			}
			Events, Malformed int
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v\n%s", flags, err, out)
		}
		if len(got.Runs) != 2 || got.Events != len(lines)+2 || got.Malformed != 1 {
			t.Fatalf("%v: %s", flags, out)
		}
		for _, r := range got.Runs {
			if len(r.Hits) == 0 || !strings.Contains(r.Hits[0], "cloudtrail.json.gz:1#") {
				t.Errorf("%v: %s rule hits %v", flags, r.Rule.Platform, r.Hits)
			}
		}
		// Only the count of events parsed may differ (--exhaustive parses all).
		out = regexp.MustCompile(`"decoded": \d+,`).ReplaceAllString(out, "")
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("%v: output differs from one CPU's:\n%s\n%s", flags, out, first)
		}
	}
}

// --log-type runs only the rules of that log type, and says which it skipped:
// the fixtures' VPC flow and GitHub rules never see CloudTrail in Panther.
func TestRunLogType(t *testing.T) {
	events := fixtures + "/attack_data/datasets/attack_techniques/T1562.008/aws_bedrock_delete_model_invocation_logging/cloudtrail.json"
	out, errOut, code := concord(t, "run", fixtures, "--events", events, "--log-type", "AWS.CloudTrail", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Runs    []struct{ Rule struct{ File string } }
		Skipped []struct {
			Rule     struct{ File string }
			LogTypes []string `json:"log_types"`
		}
		Unhandled int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range got.Skipped {
		skipped = append(skipped, filepath.Base(s.Rule.File)+" "+strings.Join(s.LogTypes, ","))
	}
	want := []string{"aws_vpcflow_unexpected_inbound_simple.yml AWS.VPCFlow", "github_repo_made_public_simple.yml GitHub.Audit"}
	if strings.Join(skipped, "; ") != strings.Join(want, "; ") || got.Unhandled != 0 || len(got.Runs) < 20 {
		t.Errorf("skipped %v (want %v), unhandled %d, %d runs", skipped, want, got.Unhandled, len(got.Runs))
	}
	for _, r := range got.Runs {
		if strings.Contains(r.Rule.File, "vpcflow") || strings.Contains(r.Rule.File, "github") {
			t.Errorf("ran %s", r.Rule.File)
		}
	}
	if !strings.Contains(errOut, "github_repo_made_public_simple.yml: skipped: the rule reads GitHub.Audit, not AWS.CloudTrail") {
		t.Errorf("stderr: %s", errOut)
	}
	if _, errOut, code := concord(t, "run", fixtures+"/panther-analysis/rules/github_rules", "--events", events, "--log-type", "aws:cloudtrail"); code == 0 || !strings.Contains(errOut, "no rule reads log type aws:cloudtrail") {
		t.Errorf("only other log types: exit %d, %s", code, errOut)
	}
}
