package sigma

import (
	"path/filepath"
	"testing"
)

// TestFixtures loads every Sigma rule under fixtures/sigma.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "fixtures", "sigma", "rules", "cloud", "aws", "cloudtrail", "*.yml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, f := range files {
		r, errs := Load(f)
		if len(errs) > 0 {
			t.Errorf("%s: %v", f, errs)
			continue
		}
		if r.LogType != "AWS.CloudTrail" || r.Cond == nil || r.Name == "" || r.Meta.Severity == "" || len(r.Meta.MITRE) == 0 {
			t.Errorf("%s: incomplete: %+v", f, r)
		}
		// Each fixture prints back to a rule with the same condition.
		out, _, err := Print(r)
		if err != nil {
			t.Errorf("%s: print: %v", f, err)
			continue
		}
		r2, errs := LoadBytes(f, out)
		if len(errs) > 0 {
			t.Errorf("%s: reload: %v\n%s", f, errs, out)
			continue
		}
		if a, b := canon(r.Cond), canon(r2.Cond); a != b {
			t.Errorf("%s: round trip\n got  %s\n want %s", f, b, a)
		}
	}
}
