package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/harness"
)

// With the accept entries of fixtures/pairs.yml, check passes in every format,
// and still reports each class of the seed pair's differences.
func TestCheckFormats(t *testing.T) {
	for _, c := range []struct{ name, format string }{
		{"check", "text"}, {"check_markdown", "markdown"}, {"check_junit", "junit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := concord(t, "check", fixtures, "--format", c.format)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			golden(t, c.name, out)
		})
	}
}

// Each declared fixture pair has its own golden report: compare with the pair's
// accepted differences, as markdown (the pull-request comment a reviewer sees).
// Two pairs are there to show the verdicts at their edges: the S3 versioning
// pair is proved equivalent, and the KMS pair agrees on every event as given
// but not on every mutant.
func TestPairReports(t *testing.T) {
	pairs, err := harness.LoadPairs(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) < 9 {
		t.Fatalf("%d declared pairs, want the seed and at least 8 more", len(pairs))
	}
	seen := map[string]bool{}
	for _, p := range pairs {
		name := strings.TrimSuffix(filepath.Base(p.Panther), ".yml")
		if seen[name] {
			t.Fatalf("two pairs would share the golden report %s", name)
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			out, errs, code := concord(t, "compare", p.Splunk, p.Panther, "--pairs", fixtures+"/pairs.yml", "--format", "markdown")
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			golden(t, "pairs/"+name, out)
		})
	}
	verdict := func(p harness.Pair) (string, int, int) {
		out, errs, _ := concord(t, "compare", p.Splunk, p.Panther, "--pairs", fixtures+"/pairs.yml", "--format", "json")
		var r struct {
			Events []struct {
				Mutation string
				Agree    bool
			}
			Summary struct{ Verdict string }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v\n%s", err, errs)
		}
		originals, mutants := 0, 0
		for _, e := range r.Events {
			switch {
			case e.Agree:
			case e.Mutation == "":
				originals++
			default:
				mutants++
			}
		}
		return r.Summary.Verdict, originals, mutants
	}
	for _, p := range pairs {
		switch filepath.Base(p.Panther) {
		case "aws_s3_bucket_versioning_suspended.yml":
			if v, _, _ := verdict(p); v != harness.VerdictEquivalent {
				t.Errorf("S3 versioning pair: verdict %s, want equivalent", v)
			}
		case "aws_kms_key_disabled_or_deletion_scheduled.yml":
			if v, originals, mutants := verdict(p); v != harness.VerdictDisagree || originals != 0 || mutants == 0 {
				t.Errorf("KMS pair: verdict %s, %d events as given and %d mutants disagree; want disagree on mutants only", v, originals, mutants)
			}
		}
	}
}
