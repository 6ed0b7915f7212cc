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

// TestIsSplunkDetectionAgreesWithYAML holds the shortcut to the YAML parser on
// every YAML file of the fixtures: where it finds a detection, the parser
// finds name and search at the top and no AnalysisType.
func TestIsSplunkDetectionAgreesWithYAML(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if !isSplunkDetection(abs, data) {
			return nil
		}
		n++
		var top map[string]any
		if err := yaml.Unmarshal(data, &top); err != nil {
			return nil // read as a detection either way
		}
		_, name := top["name"]
		_, search := top["search"]
		_, analysis := top["AnalysisType"]
		if !name || !search || analysis {
			t.Errorf("%s: read as a detection, YAML has name %v, search %v, AnalysisType %v", path, name, search, analysis)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("only %d fixture files are detections", n)
	}
}

func TestHasTopKey(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want bool
	}{
		{"name: x\nsearch: >-\n  `cloudtrail`\n", true},
		{"name: x\nsearch:\r\n  a\n", true},
		{"name: x\nsearch:", true},
		{"name: x\n  search: a\n", false}, // nested
		{"name: x\nsearches: a\n", false},
		{"name: x\nsearch:a\n", false}, // a plain scalar, not a key
		{"name: x\n# search: a\n", false},
	} {
		if got := hasTopKey([]byte(tc.yaml), "search"); got != tc.want {
			t.Errorf("hasTopKey(%q, search) = %v, want %v", tc.yaml, got, tc.want)
		}
	}
}
