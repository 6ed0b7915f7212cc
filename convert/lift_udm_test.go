package convert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// udmRepo writes a panther-analysis-like tree: a data model for
// AWS.CloudTrail with path and method mappings, and one rule per case.
func udmRepo(t *testing.T, rules map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data_models/ct.yml", `AnalysisType: datamodel
LogTypes: [AWS.CloudTrail]
DataModelID: Test.CT
Filename: ct.py
Enabled: true
Mappings:
  - Name: source_ip
    Path: $.sourceIPAddress
  - Name: actor
    Path: userIdentity.arn
  - Name: first_key
    Path: $.keys[0]
  - Name: event_type
    Method: get_event_type
  - Name: region
    Method: get_region
  - Name: looped
    Method: get_looped
`)
	write("data_models/ct.py", `def get_event_type(event):
    if event.get("eventName") != "ConsoleLogin":
        return None
    if event.deep_get("userIdentity", "type") == "Root":
        return "root_login"
    return "login"


def get_region(event):
    return event.get("awsRegion")


def get_looped(event):
    for k in event.get("keys", []):
        return k
    return "x"
`)
	for name, py := range rules {
		write("rules/"+name+".py", py)
		write("rules/"+name+".yml", "AnalysisType: rule\nFilename: "+name+".py\nRuleID: Test."+name+"\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n")
	}
	return dir
}

// event.udm() lifts through the data model of the rule's log type: a Path
// mapping is the field (panther_core's PantherEvent.udm returns the
// JSONPath's single match), a Method mapping compared with a constant is the
// condition on which the method returns it (its if/return chain, a returned
// field tested, None never equal to a string).
func TestConditionUDM(t *testing.T) {
	cases := []struct{ name, rule, want, err string }{
		{"path", `def rule(event):
    return event.udm("source_ip") == "198.51.100.1"
`, `sourceIPAddress eq "198.51.100.1"`, ""},
		{"nested_path", `def rule(event):
    return event.udm("actor").endswith(":root")
`, `userIdentity.arn suffix ":root"`, ""},
		{"method_eq", `def rule(event):
    return event.udm("event_type") == "root_login"
`, `(eventName eq "ConsoleLogin" and userIdentity.type eq "Root")`, ""},
		{"method_ne", `def rule(event):
    return event.udm("event_type") != "login"
`, `not (eventName eq "ConsoleLogin" and not userIdentity.type eq "Root")`, ""},
		{"method_constant_first", `def rule(event):
    return "root_login" == event.udm("event_type")
`, `(eventName eq "ConsoleLogin" and userIdentity.type eq "Root")`, ""},
		{"method_never", `def rule(event):
    return event.udm("event_type") == "logout"
`, `false`, ""},
		{"method_field", `def rule(event):
    return event.udm("region") == "us-east-1"
`, `awsRegion eq "us-east-1"`, ""},
		{"not_mapped", `def rule(event):
    return event.udm("nothing") == "x"
`, "", `data model Test.CT does not map it`},
		{"indexed_path", `def rule(event):
    return event.udm("first_key") == "x"
`, "", `JSONPath keys.[0], which reads a list`},
		{"method_loop", `def rule(event):
    return event.udm("looped") == "x"
`, "", `ct.py:`},
		{"method_as_value", `def rule(event):
    return event.udm("event_type").startswith("root")
`, "", `is data model method get_event_type, which is compared with a constant only`},
	}
	rules := map[string]string{}
	for _, c := range cases {
		rules[c.name] = c.rule
	}
	dir := udmRepo(t, rules)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := Condition(compiled(t, filepath.Join(dir, "rules", c.name+".yml")).Rule)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want error %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := portable.String(got); s != c.want {
				t.Errorf("got  %s\nwant %s", s, c.want)
			}
		})
	}
}

// A udm rule's tests are run as Panther's pipeline sees events, with
// p_log_type set (panther_analysis_tool attaches the data model only then),
// and its title shows the fields Path mappings read.
func TestLiftUDM(t *testing.T) {
	dir := udmRepo(t, map[string]string{"root": `def rule(event):
    return event.udm("event_type") == "root_login"


def title(event):
    return f"Root login from {event.udm('source_ip')}"
`})
	yml := filepath.Join(dir, "rules", "root.yml")
	text, _ := os.ReadFile(yml)
	text = append(text, []byte(`Tests:
  - Name: no p_log_type
    ExpectedResult: false
    Log: {eventName: ConsoleLogin, userIdentity: {type: Root}}
`)...)
	if err := os.WriteFile(yml, text, 0o644); err != nil {
		t.Fatal(err)
	}
	r, _, err := Lift(compiled(t, yml))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tests) != 1 || !r.Tests[0].Expected || r.Tests[0].Event.At("p_log_type").Str() != "AWS.CloudTrail" {
		t.Errorf("tests: %+v", r.Tests)
	}
	if len(r.Title) != 2 || r.Title[0].Text != "Root login from " || strings.Join(r.Title[1].Field, ".") != "sourceIPAddress" {
		t.Errorf("title: %+v", r.Title)
	}
	// Events that have p_log_type keep theirs; other rules' events are untouched.
	evs := []harness.Event{{Value: mustJSON(t, `{"p_log_type":"Other"}`)}, {Value: mustJSON(t, `{"a":1}`)}}
	got := withLogType(compiled(t, yml).Rule, evs)
	if got[0].Value.At("p_log_type").Str() != "Other" || got[1].Value.At("p_log_type").Str() != "AWS.CloudTrail" {
		t.Errorf("withLogType: %s %s", ast.JSON(got[0].Value), ast.JSON(got[1].Value))
	}
	plain := compiled(t, paCT+"aws_guardduty_detector_deleted.yml").Rule
	if got := withLogType(plain, evs); !got[1].Value.At("p_log_type").IsNullish() {
		t.Errorf("a rule without udm: %s", ast.JSON(got[1].Value))
	}
}

func mustJSON(t *testing.T, s string) ast.Value {
	t.Helper()
	v, err := ast.ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
