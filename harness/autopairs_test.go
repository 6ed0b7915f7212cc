package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/spl"
)

// pairRules writes three Splunk searches and three Panther rules into dir:
//
//	s1: eventSource=iam eventName=CreateUser     p1: eventSource == iam and eventName == "createuser"
//	s2: signature=DeleteUser (an alias)          p2: eventName in (DeleteUser, CreateUser)
//	s3: eventSource=iam eventName=AttachUser...  p3: eventSource == iam (no operation)
func pairRules(t *testing.T, dir string) []*ast.Rule {
	t.Helper()
	searches := []struct{ file, search string }{
		{"s1.yml", `eventSource=iam.amazonaws.com eventName=CreateUser`},
		{"s2.yml", `signature=DeleteUser`},
		{"s3.yml", `eventSource=iam.amazonaws.com eventName=AttachUserPolicy`},
	}
	var rules []*ast.Rule
	for _, s := range searches {
		match, pipe, errs := spl.ParseSearch(s.file, ast.Pos{Line: 1, Col: 1}, s.search, nil)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		rules = append(rules, &ast.Rule{Platform: ast.Splunk, File: filepath.Join(dir, s.file), LogTypes: []string{"aws:cloudtrail"}, Match: match, Pipeline: pipe})
	}
	pys := []struct{ name, cond string }{
		{"p1", `event.get("eventSource") == "iam.amazonaws.com" and event.get("eventName") == "createuser"`},
		{"p2", `event.get("eventName") in ("DeleteUser", "CreateUser")`},
		{"p3", `event.get("eventSource") == "iam.amazonaws.com"`},
	}
	for _, p := range pys {
		yml := fmt.Sprintf("AnalysisType: rule\nFilename: %s.py\nRuleID: Test.%s\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n", p.name, p.name)
		py := "def rule(event):\n    return " + p.cond + "\n"
		if err := os.WriteFile(filepath.Join(dir, p.name+".yml"), []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.name+".py"), []byte(py), 0o644); err != nil {
			t.Fatal(err)
		}
		r, errs := panther.LoadRule(filepath.Join(dir, p.name+".yml"))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		rules = append(rules, r)
	}
	return rules
}

func TestCandidates(t *testing.T) {
	dir := t.TempDir()
	got := Candidates(pairRules(t, dir))
	// CreateUser is required by s1, p1, p2 (2/3 each); eventSource=iam by s1,
	// s3, p1, p3 (2/4); DeleteUser by s2 (through signature) and p2 (2/2).
	// p3 shares only the service and s3 only the service: no pairs.
	want := []string{
		`s1.yml p1.yml 1.167 eventName eq_ci "createuser"; eventSource eq_ci "iam.amazonaws.com"`,
		`s2.yml p2.yml 1 eventName eq_ci "DeleteUser"`,
		`s1.yml p2.yml 0.667 eventName eq_ci "CreateUser"`,
	}
	var lines []string
	for _, c := range got {
		var shared []string
		for _, a := range c.Shared {
			shared = append(shared, a.String())
		}
		lines = append(lines, fmt.Sprintf("%s %s %g %s", filepath.Base(c.Splunk), filepath.Base(c.Panther), c.Score, strings.Join(shared, "; ")))
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("candidates:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestPairsFor(t *testing.T) {
	dir := t.TempDir()
	rules := pairRules(t, dir)
	declared := "pairs:\n  - splunk: s1.yml\n    panther: p1.yml\n    note: declared\n"
	if err := os.WriteFile(filepath.Join(dir, PairsFile), []byte(declared), 0o644); err != nil {
		t.Fatal(err)
	}
	pairs, err := PairsFor(dir, rules)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pairs {
		got = append(got, filepath.Base(p.Splunk)+" "+filepath.Base(p.Panther)+": "+p.Note)
	}
	// The declared pair once, first; then the automatic ones above the threshold.
	want := []string{
		"s1.yml p1.yml: declared",
		`s2.yml p2.yml: paired automatically (score 1): both require eventName eq_ci "DeleteUser"`,
		`s1.yml p2.yml: paired automatically (score 0.667): both require eventName eq_ci "CreateUser"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pairs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	if err := os.WriteFile(filepath.Join(dir, PairsFile), []byte("pairs:\n  - splunk: s1.yml\n    bogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := PairsFor(dir, rules); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("a malformed pairs.yml: err = %v, want it named", err)
	}
}
