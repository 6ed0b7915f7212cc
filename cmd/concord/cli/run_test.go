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
