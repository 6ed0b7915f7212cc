package harness

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestTopValue(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want string // AnalysisType's value, "-" when topValue must not give one
	}{
		{"AnalysisType: rule\n", "rule"},
		{"AnalysisType: 'scheduled_rule'\r\n", "scheduled_rule"},
		{"AnalysisType: \"datamodel\"  # a comment\n", "datamodel"},
		{"RuleID: x\nAnalysisType: policy\nTests: []\n", "policy"},
		{"  AnalysisType: rule\n", "-"},               // not top level
		{"Detection:\n  - AnalysisType: rule\n", "-"}, // nested
		{"\"AnalysisType\": rule\n", "-"},             // quoted key: the YAML parser decides
		{"AnalysisType: |\n  rule\n", "-"},            // block scalar
		{"AnalysisType: &a rule\n", "-"},              // anchor
		{"AnalysisType: 'it''s'\n", "-"},              // escaped quote
		{"{AnalysisType: rule}\n", "-"},
		{"AnalysisType:rule\n", "-"}, // one plain scalar "AnalysisType:rule", not a key
	} {
		got, ok := topValue([]byte(tc.yaml), "AnalysisType")
		if !ok {
			got = "-"
		}
		if got != tc.want {
			t.Errorf("topValue(%q)[AnalysisType] = %q, want %q", tc.yaml, got, tc.want)
		}
	}
}

// TestTopValueAgreesWithYAML holds the shortcut to the YAML parser on every
// YAML file of the fixtures: where it finds AnalysisType, so does the parser,
// with the same value.
func TestTopValueAgreesWithYAML(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, ok := topValue(data, "AnalysisType")
		if !ok {
			return nil
		}
		n++
		var top map[string]any
		if err := yaml.Unmarshal(data, &top); err != nil {
			t.Errorf("%s: topValue found AnalysisType %q in a file YAML rejects: %v", path, got, err)
			return nil
		}
		if top["AnalysisType"] != got {
			t.Errorf("%s: topValue found AnalysisType %q, YAML %v", path, got, top["AnalysisType"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 15 {
		t.Errorf("only %d fixture files have AnalysisType", n)
	}
}
