package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	fixtures = "../../../fixtures"
	seedSPL  = fixtures + "/security_content/detections/cloud/aws_bedrock_delete_model_invocation_logging_configuration.yml"
	seedPy   = fixtures + "/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml"
)

func concord(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

func TestEndToEndGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"test_json", []string{"test", fixtures, "--format", "json"}, 0},
		{"compare", []string{"compare", seedSPL, seedPy}, 1},
		{"compare_json", []string{"compare", seedSPL, seedPy, "--format", "json"}, 1},
		{"compare_junit", []string{"compare", seedSPL, seedPy, "--format", "junit"}, 1},
		{"compare_markdown", []string{"compare", seedSPL, seedPy, "--format", "markdown"}, 1},
		{"compare_no_mutants", []string{"compare", seedSPL, seedPy, "--no-mutants"}, 1},
		{"run_splunk_json", []string{"run", seedSPL, "--format", "json"}, 0},
		{"run_panther", []string{"run", seedPy}, 0},
		{"parse_ast", []string{"parse", fixtures, "--ast"}, 0},
		{"test_junit", []string{"test", seedPy, "--format", "junit"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := concord(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
			golden(t, c.name, out)
		})
	}
}

// The seed pair disagrees exactly on the failed API call, and the report says why.
func TestCompareFindsFailedCallDifference(t *testing.T) {
	out, _, code := concord(t, "compare", seedSPL, seedPy, "--format", "json")
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	var r struct {
		Events []struct {
			Source                 string
			Splunk, Panther, Agree bool
			Why                    string
			Mutation               string
		}
		Summary struct{ Events, Agree, Disagree int }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Disagree == 0 || r.Summary.Agree == 0 {
		t.Fatalf("summary = %+v", r.Summary)
	}
	for _, e := range r.Events {
		if e.Agree || e.Mutation != "" {
			continue
		}
		if !e.Splunk || e.Panther {
			t.Errorf("%s: splunk=%v panther=%v, want only splunk to match", e.Source, e.Splunk, e.Panther)
		}
		for _, want := range []string{"aws_cloudtrail_success is false", "errorCode=AccessDenied", "splunk: no condition on errorCode"} {
			if !strings.Contains(e.Why, want) {
				t.Errorf("%s: why %q lacks %q", e.Source, e.Why, want)
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	if _, _, code := concord(t, "test", fixtures, "--format", "yaml"); code != ExitUsage {
		t.Errorf("bad --format: exit %d, want 2", code)
	}
	if _, _, code := concord(t, "compare", seedPy, seedSPL); code != ExitUsage {
		t.Errorf("compare with the rules swapped: exit %d, want 2", code)
	}
}

// Bad input gets a positioned error and a non-zero exit, and the other rules still run.
func TestBadInputIsReportedAndTheRestRuns(t *testing.T) {
	out, _, code := concord(t, "test", "testdata/bad", "--format", "json")
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	var r struct {
		Tests []struct{ File, Name, Result, Message string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"syntax_error.yml":  {"error", "syntax_error.yml:10:", "parse: syntax error in stats"},
		"unknown_macro.yml": {"error", "macro", "no_such_macro"},
		"macro_cycle.yml":   {"error", "loop_a", "cycle"},
		"good.yml":          {"pass", "malformed", "events.json:2:"},
		"syntax.yml":        {"error", "syntax.py:2:37", "parse"},
		"misspelled.yml":    {"error", "misspelled.yml:7:1", "Descripton"},
	}
	seen := map[string]bool{}
	for _, tr := range r.Tests {
		base := filepath.Base(tr.File)
		w, ok := want[base]
		if !ok {
			continue
		}
		if base == "good.yml" && strings.Contains(tr.File, "panther") {
			if tr.Result != "pass" {
				t.Errorf("panther good.yml %s: %s %s", tr.Name, tr.Result, tr.Message)
			}
			continue
		}
		seen[base] = true
		if tr.Result != w[0] {
			t.Errorf("%s: result %s, want %s (%s)", base, tr.Result, w[0], tr.Message)
		}
		for _, sub := range w[1:] {
			if !strings.Contains(tr.Message, sub) {
				t.Errorf("%s: message %q lacks %q", base, tr.Message, sub)
			}
		}
	}
	for f := range want {
		if !seen[f] {
			t.Errorf("no test result for %s", f)
		}
	}
}

// Without the add-on, fabrikam:audit is unknown: the search sees the raw JSON
// keys only (no user), concord says so once, and nothing matches. With
// --addons, the add-on's FIELDALIAS gives user and the admin event matches.
func TestAddonsFlag(t *testing.T) {
	rule := "testdata/addon/security_content/detections/app/fabrikam_admin_denied.yml"
	events := "testdata/addon/events/fabrikam.json"
	out, errOut, code := concord(t, "run", rule, "--events", events, "--format", "json")
	if code != 0 || !strings.Contains(out, `"rows": []`) {
		t.Errorf("without the add-on: code %d\n%s", code, out)
	}
	if strings.Count(errOut, "unknown sourcetype fabrikam:audit") != 1 {
		t.Errorf("want one unknown-sourcetype warning, stderr:\n%s", errOut)
	}
	out, errOut, code = concord(t, "run", rule, "--events", events, "--format", "json",
		"--addons", "../../../sourcetype/testdata/addons/TA-fabrikam")
	if code != 0 || !strings.Contains(out, `"src": "203.0.113.9"`) || !strings.Contains(out, "fabrikam.json:1\"") || strings.Contains(out, "fabrikam.json:2") {
		t.Errorf("with the add-on: code %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "add-on:") {
		t.Errorf("the loaded add-on is not reported:\n%s", errOut)
	}
	_, errOut, code = concord(t, "parse", rule, "--addons", "../../../sourcetype/testdata/addons/TA-broken")
	if code != 1 || !strings.Contains(errOut, "TA-broken") {
		t.Errorf("broken add-on: code %d\n%s", code, errOut)
	}
}

// A test whose attack data is absent is "no data", never a pass; contentctl's
// skips (non-production here) and deprecated detections are "skipped"; none
// of them fails the run.
func TestTestNoDataAndSkips(t *testing.T) {
	out, _, code := concord(t, "test", "testdata/nodata", "--format", "json")
	var got struct {
		Tests []struct{ File, Result, Message string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	want := map[string]string{
		"data_elsewhere.yml": "no_data",
		"experimental.yml":   "skipped",
		"old.yml":            "skipped",
	}
	for _, tr := range got.Tests {
		if w := want[filepath.Base(tr.File)]; tr.Result != w {
			t.Errorf("%s: %s (%s), want %s", tr.File, tr.Result, tr.Message, w)
		}
	}
	if len(got.Tests) != 3 || code != 0 {
		t.Errorf("code %d, %d tests\n%s", code, len(got.Tests), out)
	}
}

// tstats over a data model read from an app directory: the add-on's
// eventtypes and tags put events in the model, the model's constraints pick
// the dataset (Failed_Authentication: action=failure), and rows keep their
// events. Without the app the rule is unsupported, never silently empty.
func TestTstatsWithAddons(t *testing.T) {
	rule := "testdata/tstats/security_content/detections/app/fabrikam_failed_logins.yml"
	events := "testdata/tstats/events/fabrikam_auth.json"
	out, errOut, code := concord(t, "run", rule, "--events", events, "--format", "json", "--addons", "testdata/tstats/apps/TA-fabrikam-cim")
	if code != 0 || !strings.Contains(out, `"count": 2`) || !strings.Contains(out, `"user": "alice"`) ||
		!strings.Contains(out, "fabrikam_auth.json:1") || !strings.Contains(out, "fabrikam_auth.json:2") || strings.Contains(out, "bob") {
		t.Errorf("code %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = concord(t, "parse", rule, "--format", "json")
	if code != 0 || !strings.Contains(out, `"status": "unsupported"`) || !strings.Contains(out, "needs data model Authentication.Failed_Authentication") {
		t.Errorf("without the app: code %d\n%s", code, out)
	}
}
