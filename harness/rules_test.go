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

// eachFixtureYAML calls f with every YAML file of the fixtures (its absolute
// path, its text, and its top-level mapping, nil where YAML rejects it) and
// returns how many files f counted.
func eachFixtureYAML(t *testing.T, f func(path string, data []byte, top map[string]any) bool) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir("../fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if path, err = filepath.Abs(path); err != nil {
			return err
		}
		var top map[string]any
		if yaml.Unmarshal(data, &top) != nil {
			top = nil
		}
		if f(path, data, top) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTopValueAgreesWithYAML holds the shortcut to the YAML parser on every
// YAML file of the fixtures: where it finds AnalysisType, so does the parser,
// with the same value.
func TestTopValueAgreesWithYAML(t *testing.T) {
	n := eachFixtureYAML(t, func(path string, data []byte, top map[string]any) bool {
		got, ok := topValue(data, "AnalysisType")
		if !ok {
			return false
		}
		if top == nil {
			t.Errorf("%s: topValue found AnalysisType %q in a file YAML rejects", path, got)
		} else if top["AnalysisType"] != got {
			t.Errorf("%s: topValue found AnalysisType %q, YAML %v", path, got, top["AnalysisType"])
		}
		return true
	})
	if n < 15 {
		t.Errorf("only %d fixture files have AnalysisType", n)
	}
}

// TestIsSplunkDetectionAgreesWithYAML holds the shortcut to the YAML parser on
// every YAML file of the fixtures: where it finds a detection, the parser
// finds name and search at the top and no AnalysisType, or rejects the file
// (which is read as a detection either way).
func TestIsSplunkDetectionAgreesWithYAML(t *testing.T) {
	n := eachFixtureYAML(t, func(path string, data []byte, top map[string]any) bool {
		if !isSplunkDetection(path, data) {
			return false
		}
		_, name := top["name"]
		_, search := top["search"]
		_, analysis := top["AnalysisType"]
		if top != nil && (!name || !search || analysis) {
			t.Errorf("%s: read as a detection, YAML has name %v, search %v, AnalysisType %v", path, name, search, analysis)
		}
		return true
	})
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
