package spl

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

var testRoot = filepath.Join("testdata", "security_content")

func TestLoadDetection_2025(t *testing.T) {
	path := filepath.Join(testRoot, "detections", "cloud", "x.yml")
	rule, errs := LoadDetection(path, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if rule.Platform != ast.Splunk || rule.Name != "Test AWS Trail Deleted" || rule.Status != "production" ||
		rule.ID != "00000000-0000-4000-8000-000000000001" || rule.Keys != ast.KeysExact {
		t.Errorf("header: %+v", rule)
	}
	// The tests' sourcetypes, then the data sources' (data_sources/*.yml).
	if !slices.Equal(rule.LogTypes, []string{"aws:cloudtrail", "aws:cloudtrail:lake", "aws:cloudtrail:firehose"}) {
		t.Errorf("log types %v", rule.LogTypes)
	}
	if !slices.Equal(rule.RiskObjects, []string{"user"}) || !slices.Equal(rule.ThreatObjects, []string{"src"}) {
		t.Errorf("risk %v threat %v", rule.RiskObjects, rule.ThreatObjects)
	}
	want := `and(exactis(sourcetype "aws:cloudtrail"), exactis(eventName "DeleteTrail"), exactis(errorCode "success"))`
	if got := show(rule.Match); got != want {
		t.Errorf("match %s", got)
	}
	// The search is single-quoted on line 11: its text starts at column 10.
	if got := rule.Match.(*ast.Logic).Xs[1].Pos().String(); got != path+":11:23" {
		t.Errorf("eventName term at %s", got)
	}
	var cmds []string
	for _, c := range rule.Pipeline {
		cmds = append(cmds, showCmd(c))
	}
	if len(cmds) != 5 || cmds[3] != "unsupported transaction" || cmds[4] != "search bool:true" {
		t.Errorf("pipeline %q", cmds)
	}
	if len(rule.Unsupported) != 1 || !strings.Contains(rule.Unsupported[0].Msg, "transaction") {
		t.Errorf("unsupported %v", rule.Unsupported)
	}
	if len(rule.Tests) != 1 || !rule.Tests[0].Expected || rule.Tests[0].Pos.Line != 40 {
		t.Fatalf("tests %+v", rule.Tests)
	}
	ad := rule.Tests[0].AttackData
	wantRemote := filepath.Join(testRoot, "..", "attack_data", "datasets", "attack_techniques", "T1562.008", "trail", "cloudtrail.json")
	if abs(ad[0].Path) != abs(wantRemote) || ad[0].SourceType != "aws:cloudtrail" || ad[0].Source != "aws_cloudtrail" {
		t.Errorf("remote attack data %+v", ad[0])
	}
	if abs(ad[1].Path) != abs(filepath.Join(testRoot, "data", "local.json")) {
		t.Errorf("local attack data %+v", ad[1])
	}
}

func abs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}

func TestLoadDetection_2024ObservablesAndBlockScalar(t *testing.T) {
	path := filepath.Join(testRoot, "detections", "cloud", "old.yml")
	rule, errs := LoadDetection(path, LoadOptions{Root: testRoot, AttackDataDir: "/data/attack"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !slices.Equal(rule.RiskObjects, []string{"user"}) || !slices.Equal(rule.ThreatObjects, []string{"src_ip"}) {
		t.Errorf("risk %v threat %v", rule.RiskObjects, rule.ThreatObjects)
	}
	if got := rule.Tests[0].AttackData[0].Path; got != filepath.FromSlash("/data/attack/datasets/a/b.log") {
		t.Errorf("path %s", got)
	}
	// `search: >-` puts the text on the next line at its indentation.
	if got := rule.Match.Pos().String(); got != path+":11:3" {
		t.Errorf("match at %s", got)
	}
}

func TestLoadDetection_errors(t *testing.T) {
	path := filepath.Join(testRoot, "detections", "cloud", "typo.yml")
	rule, errs := LoadDetection(path, LoadOptions{})
	if rule == nil {
		t.Fatal("rule not returned")
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	// An unknown key is a warning: the public tree has detections with
	// `data_sources:` that Splunk runs all the same.
	if len(rule.Warnings) != 1 || rule.Warnings[0].Error() != path+`:4:1: schema: unknown key "serach" in detection` {
		t.Errorf("warnings %v", rule.Warnings)
	}
	want := []string{
		path + `:5:37: parse: syntax error in stats: unexpected token "<EOF>" (expected ")")`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got  %s\nwant %s...", got[i], want[i])
		}
	}
}

func TestLoadDetection_deprecatedIsSkipped(t *testing.T) {
	path := filepath.Join(testRoot, "detections", "deprecated", "retired.yml")
	rule, errs := LoadDetection(path, LoadOptions{})
	if len(errs) > 0 || rule == nil {
		t.Fatalf("rule %v errs %v", rule, errs)
	}
	// The search would not parse; a skipped detection is never parsed.
	if rule.Skip != "deprecated" || rule.Match != nil {
		t.Errorf("skip %q match %v", rule.Skip, rule.Match)
	}
}

func TestLoadDetection_testSkip(t *testing.T) {
	// contentctl skips manual_test, non-production and Correlation detections'
	// tests (detection_abstract.py, adjust_tests_and_groups).
	rule, errs := LoadDetection(filepath.Join(testRoot, "detections", "endpoint", "manual.yml"), LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if rule.TestSkip != "manual_test: The attack data was captured without the add-on." {
		t.Errorf("test skip %q", rule.TestSkip)
	}
	for _, tc := range []struct {
		df   detectionFile
		want string
	}{
		{detectionFile{Status: "production", Type: "TTP"}, ""},
		{detectionFile{Status: "experimental", Type: "TTP"}, "detection is non-production (experimental)"},
		{detectionFile{Status: "production", Type: "Correlation"}, "detection type Correlation cannot be tested by contentctl"},
	} {
		if got := testSkip(&tc.df); got != tc.want {
			t.Errorf("%+v: got %q want %q", tc.df, got, tc.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	if got := didYouMean("data_sources"); got != ` (did you mean "data_source"?)` {
		t.Errorf("got %q", got)
	}
	if got := didYouMean("serach"); got != "" {
		t.Errorf("got %q", got)
	}
}

func TestLoadDetection_missingFile(t *testing.T) {
	_, errs := LoadDetection(filepath.Join(testRoot, "nope.yml"), LoadOptions{Root: testRoot})
	if !errs.Has(ast.CodeIO) {
		t.Fatalf("got %v", errs)
	}
}

// TestLoadDetection_attackDataFallback: by default an attack data URL resolves
// under ROOT/../attack_data, and, when the file is not there, under
// ROOT/attack_data (the tree `concord convert` writes); an explicit
// AttackDataDir is used alone.
func TestLoadDetection_attackDataFallback(t *testing.T) {
	const rel = "datasets/attack_techniques/T1/x/cloudtrail.json"
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	detection := "name: X\nid: 00000000-0000-5000-8000-000000000001\nstatus: production\ntype: TTP\n" +
		"search: '`x` | stats count'\ntests:\n  - name: True Positive Test\n    attack_data:\n" +
		"      - data: https://media.githubusercontent.com/media/splunk/attack_data/master/" + rel + "\n" +
		"        sourcetype: aws:cloudtrail\n"
	for _, tc := range []struct {
		name          string
		beside, under bool   // the file exists in ROOT/../attack_data, in ROOT/attack_data
		explicit      bool   // AttackDataDir given
		want          string // "beside", "under" or "explicit"
	}{
		{"only beside", true, false, false, "beside"},
		{"only under the root", false, true, false, "under"},
		{"both: beside wins", true, true, false, "beside"},
		{"neither: the default is named", false, false, false, "beside"},
		{"explicit: no fallback", false, true, true, "explicit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			root := filepath.Join(top, "content")
			path := filepath.Join(root, "detections", "cloud", "x.yml")
			write(path, detection)
			write(filepath.Join(root, "macros", "x.yml"), "name: x\ndefinition: sourcetype=aws:cloudtrail\n")
			dirs := map[string]string{
				"beside":   filepath.Join(top, "attack_data"),
				"under":    filepath.Join(root, "attack_data"),
				"explicit": filepath.Join(top, "elsewhere"),
			}
			if tc.beside {
				write(filepath.Join(dirs["beside"], filepath.FromSlash(rel)), "{}\n")
			}
			if tc.under {
				write(filepath.Join(dirs["under"], filepath.FromSlash(rel)), "{}\n")
			}
			opts := LoadOptions{}
			if tc.explicit {
				opts.AttackDataDir = dirs["explicit"]
			}
			rule, errs := LoadDetection(path, opts)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got := rule.Tests[0].AttackData[0].Path
			if want := filepath.Join(dirs[tc.want], filepath.FromSlash(rel)); abs(got) != abs(want) {
				t.Errorf("resolved to %s, want %s", got, want)
			}
		})
	}
}
