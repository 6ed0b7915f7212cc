package plan_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/plan"
	"github.com/concordsec/concord/sourcetype"
	"github.com/concordsec/concord/spl"
)

// pythonRule is an AWS.CloudTrail rule whose rule() is body (indented by four).
func pythonRule(t testing.TB, body string) *ast.Rule {
	t.Helper()
	src := "import json\nfrom panther_base_helpers import aws_cloudtrail_success, deep_get\n\n\ndef rule(event):\n" + body + "\n"
	prog, errs := panther.ParsePython("r.py", []byte(src))
	if len(errs) > 0 || prog == nil {
		t.Fatalf("%s: %v", body, errs)
	}
	return &ast.Rule{Platform: ast.Panther, File: "r.yml", Keys: ast.KeysFold, LogTypes: []string{"AWS.CloudTrail"}, Match: prog.Match, Unsupported: prog.Unsupported}
}

// yamlRule is a Panther rule file with the given Detection (or other keys).
func yamlRule(t testing.TB, keys string) *ast.Rule {
	t.Helper()
	dir := t.TempDir()
	yml := "AnalysisType: rule\nRuleID: Test.Rule\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n" + keys
	file := filepath.Join(dir, "r.yml")
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	r, errs := panther.LoadRule(file)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", keys, errs)
	}
	return r
}

// splunkRule is a CloudTrail detection with the given search.
func splunkRule(t testing.TB, search string) *ast.Rule {
	t.Helper()
	m, pipe, errs := spl.ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, search, nil)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", search, errs)
	}
	return &ast.Rule{Platform: ast.Splunk, File: "d.yml", Keys: ast.KeysExact, LogTypes: []string{"aws:cloudtrail"}, Match: m, Pipeline: pipe}
}

// TestShapes pins what the plan finds for each shape of match. The literal
// lines read: one of the alternatives (|) must occur in the raw text, (?i)
// ignoring ASCII case; "key K is kinds": wherever the event has key K, its
// value must be of those kinds, or the operation could raise.
func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule func(testing.TB) *ast.Rule
		want string
	}{
		// Python's == on str compares code points (Language Reference,
		// 6.10.1 "Value comparisons"); a missing key is None, which equals
		// no string.
		{"python ==", py(`    return event.get("eventName") == "DeleteTrail"`), `
paths: eventName
prefilter:
  "DeleteTrail" ; value of (?i)"eventname" == "DeleteTrail"`},
		{"python early return", py(`    if event.get("eventName") != "DeleteTrail":
        return False
    return aws_cloudtrail_success(event)`), `
paths: errorCode, errorMessage, eventName
prefilter:
  "DeleteTrail" ; value of (?i)"eventname" == "DeleteTrail"`},
		// A set hashes the candidate: a list or dict value raises TypeError
		// (Python glossary, "hashable": "mutable containers (such as lists
		// or dictionaries) are not"), so where the key holds one the event
		// is kept.
		{"python in set", py(`    return event.get("eventName") in {"StopLogging", "DeleteTrail"}`), `
paths: eventName
prefilter:
  "DeleteTrail" | "StopLogging" ; value of (?i)"eventname" == "StopLogging"|"DeleteTrail" ; key (?i)"eventname" is string/number/bool/null`},
		{"python in list", py(`    return event.get("eventName") in ["StopLogging", "DeleteTrail"]`), `
paths: eventName
prefilter:
  "DeleteTrail" | "StopLogging" ; value of (?i)"eventname" == "StopLogging"|"DeleteTrail"`},
		// `"x" in s` is a substring test on a str (Language Reference,
		// 6.10.2 "Membership test operations"), and raises TypeError on None
		// or a number, which do not support membership.
		{"python substring", py(`    return "aws-cli" in event.get("userAgent", "")`), `
paths: userAgent
prefilter:
  "aws-cli" ; key (?i)"useragent" is string/list/object`},
		{"python startswith", py(`    return event.get("userAgent", "").startswith("aws-cli")`), `
paths: userAgent
prefilter:
  "aws-cli" ; value of (?i)"useragent" ^= "aws-cli" ; key (?i)"useragent" is string`},
		// Without a default a missing key is None, whose .startswith raises.
		{"python startswith on None", py(`    return event.get("userAgent").startswith("aws-cli")`), `
paths: userAgent
prefilter: none (found no literal a match needs)`},
		{"python deep_get", py(`    return deep_get(event, "userIdentity", "type") == "Root"`), `
paths: userIdentity.type
prefilter:
  "Root" ; value of (?i)"type" == "Root"`},
		{"python subscript", py(`    return event["eventName"] == "DeleteTrail"`), `
paths: eventName
prefilter: none (found no literal a match needs)`},
		{"python negation", py(`    return event.get("eventName") != "DeleteTrail"`), `
paths: eventName
prefilter: none (found no literal a match needs)`},
		// The first test may raise (a str compared with an int), so what
		// follows it cannot drop an event.
		{"python raising first", py(`    return event.get("x", 0) > 3 and event.get("eventName") == "DeleteTrail"`), `
paths: eventName, x
prefilter: none (found no literal a match needs)`},
		{"python raising after", py(`    return event.get("eventName") == "DeleteTrail" and event.get("x", 0) > 3`), `
paths: eventName, x
prefilter:
  "DeleteTrail" ; value of (?i)"eventname" == "DeleteTrail"`},
		// `a and b` returns a when it is falsy: a None a would be rule()'s
		// (invalid) result, so only a bool-valued a lets b's literal count.
		{"python operand result", py(`    return event.get("x") and event.get("eventName") == "DeleteTrail"`), `
paths: eventName, x
prefilter: none (found no literal a match needs)`},
		{"python missing key", py(`    if not event.get("requestParameters"):
        return False
    return True`), `
paths: requestParameters
prefilter:
  (?i)"requestparameters"`},
		{"python local", py(`    name = event.get("eventName")
    return name == "DeleteTrail"`), `
paths: eventName
prefilter:
  "DeleteTrail" ; value of (?i)"eventname" == "DeleteTrail"`},
		{"python json.dumps", py(`    return "x" in json.dumps(event)`), `
paths: all (the whole event is passed to py.json.dumps)
prefilter: none (found no literal a match needs)`},
		{"python iteration", py(`    for k in event:
        if k == "a":
            return True
    return False`), `
paths: all (the event is iterated over)
prefilter: none (found no literal a match needs)`},
		{"python escapes", py(`    return event.get("a") == "say \"hi\"\n/"`), `
paths: a
prefilter:
  "say \\\"hi\\\"\\n/" ; value of (?i)"a" == "say \\\"hi\\\"\\n/"`},
		// YAML simple detections: Equals is Python's ==; IEquals compares
		// text ignoring case; Contains a number matches its text, which JSON
		// may write otherwise (5.0, 5e0), so it yields no literal.
		{"yaml equals", yml(`Detection:
  - Key: eventName
    Condition: Equals
    Value: DeleteTrail`), `
paths: eventName
prefilter:
  "DeleteTrail" ; value of (?i)"eventname" == "DeleteTrail"`},
		{"yaml iequals", yml(`Detection:
  - Key: eventName
    Condition: IEquals
    Value: DeleteTrail`), `
paths: eventName
prefilter:
  (?i)"deletetrail" ; value of (?i)"eventname" (?i)== "deletetrail"`},
		{"yaml number", yml(`Detection:
  - Key: dstPort
    Condition: Contains
    Value: "443"`), `
paths: dstPort
prefilter: none (found no literal a match needs)`},
		{"yaml any element", yml(`Detection:
  - KeyPath: requestParameters.ipPermissions.items[*].ipRanges.items[*].cidrIp
    Condition: Equals
    Value: 0.0.0.0/0`), `
paths: requestParameters.ipPermissions.items.ipRanges.items.cidrIp
prefilter:
  "0.0.0.0/0"`},
		// Search terms ignore the case of values (Search Manual, "Use CASE()
		// and TERM() to match phrases": "By default, searches are
		// case-insensitive"); field names are matched exactly.
		// A JSON key sourcetype would join Splunk's own field.
		{"splunk term", spl1(`sourcetype=aws:cloudtrail eventName=DeleteTrail`), `
paths: eventName, sourcetype
prefilter:
  (?i)"deletetrail" ; value of "eventName" (?i)== "deletetrail"`},
		// The add-on's errorCode is coalesce(errorCode, if(ConsoleLogin =
		// "Failure", "failure", "success")) (sourcetype/data/aws_cloudtrail.yml):
		// an event with neither raw key has errorCode=success.
		{"splunk computed field", spl1(`errorCode!=success`), `
paths: errorCode, responseElements.ConsoleLogin, "responseElements.ConsoleLogin"
prefilter:
  "ConsoleLogin" | "errorCode" ; key "errorCode" or key "ConsoleLogin"`},
		{"splunk in", spl1(`eventName IN (StopLogging, DeleteTrail)`), `
paths: eventName
prefilter:
  (?i)"deletetrail" | (?i)"stoplogging" ; value of "eventName" (?i)== "stoplogging"|"deletetrail"`},
		{"splunk wildcard", spl1(`eventName=Delete*Trail`), `
paths: eventName
prefilter:
  (?i)"delete" ; value of "eventName" (?i)^= "delete"`},
		{"splunk non-ascii", spl1(`eventName=Deleteé*`), `
paths: eventName
prefilter:
  (?i)"delete" ; value of "eventName" (?i)^= "delete"`},
		{"splunk free text", spl1(`"\"eventName\":\"DeleteTrail\""`), `
paths: _raw
prefilter:
  (?i)"\"eventname\":\"deletetrail\"" | (?i)"\\\"eventname\\\":\\\"deletetrail\\\""`},
		// The line holds a number as written; a JSON key _raw holding a
		// number joins _raw as the number's text.
		{"splunk number in free text", spl1(`10.0.0.1`), `
paths: _raw
prefilter:
  (?i)"10.0.0.1" ; key "_raw" is string/bool/null/list/object`},
		{"splunk not", spl1(`NOT eventName=DeleteTrail`), `
paths: eventName
prefilter: none (found no literal a match needs)`},
		// errorCode is computed by the sourcetype (data/aws_cloudtrail.yml):
		// "success" need not occur in the event.
		{"splunk computed", spl1(`errorCode=success`), `
paths: errorCode, responseElements.ConsoleLogin, "responseElements.ConsoleLogin"
prefilter: none (found no literal a match needs)`},
		{"splunk alias", spl1(`signature=DeleteTrail`), `
paths: eventName, signature
prefilter:
  (?i)"deletetrail" ; value of "eventName" (?i)== "deletetrail" or value of "signature" (?i)== "deletetrail"`},
		{"splunk number", spl1(`sourceIPAddress=10.0.0.1`), `
paths: sourceIPAddress
prefilter: none (found no literal a match needs)`},
		{"splunk exists", spl1(`eventName=*`), `
paths: eventName
prefilter:
  "eventName"`},
		{"splunk dotted", spl1(`requestParameters.bucketName=my-bucket`), `
paths: requestParameters.bucketName, "requestParameters.bucketName"
prefilter:
  (?i)"my-bucket" ; value of "bucketName" (?i)== "my-bucket"`},
		{"splunk subsearch", spl1(`eventName=X [search eventName=Y | fields userName]`), `
paths: all (a subsearch or tstats reads every event)
prefilter: none (a subsearch or tstats reads every event)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule(t)
			var opts plan.Options
			got := strings.TrimSpace(plan.Of(r, opts).String())
			if want := strings.TrimSpace(tc.want); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func py(body string) func(testing.TB) *ast.Rule {
	return func(t testing.TB) *ast.Rule { return pythonRule(t, body) }
}

func yml(keys string) func(testing.TB) *ast.Rule {
	return func(t testing.TB) *ast.Rule { return yamlRule(t, keys) }
}

func spl1(search string) func(testing.TB) *ast.Rule {
	return func(t testing.TB) *ast.Rule { return splunkRule(t, search) }
}

// TestDataModel: event.udm() reads the event's p_log_type (which picks the
// model), the mapping of every model, p_udm, and the name itself; an event
// with no p_log_type can only match through p_udm or the name.
func TestDataModel(t *testing.T) {
	r, errs := harness.LoadRule(filepath.Join(fixtures, "panther-analysis/rules/aws_cloudtrail_rules/aws_root_console_login_udm.yml"), harness.Options{})
	if r == nil {
		t.Fatal(errs)
	}
	dm := harness.DataModelsFor(r.File)
	p := plan.Of(r, plan.Options{DataModels: dm.ByLogType})
	// get_event_type reads eventName and userIdentity.type
	// (fixtures/panther-analysis/data_models/aws_cloudtrail_data_model.py).
	want := "paths: eventName, event_type, p_log_type, p_udm.event_type, recipientAccountId, userIdentity.type"
	if got := strings.Split(p.String(), "\n")[0]; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	// Only an event with p_log_type gets a model (harness.DataModels.For);
	// without one, udm reads p_udm.event_type, then event_type.
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{`{"eventName":"ConsoleLogin","userIdentity":{"type":"Root"}}`, false},
		{`{"eventName":"ConsoleLogin","userIdentity":{"type":"Root"},"p_log_type":"AWS.CloudTrail"}`, true},
		{`{"eventName":"ConsoleLogin","p_udm":{"event_type":"root_login"}}`, true},
		{`{"event_type":"root_login"}`, true},
		{`{"event_type":"login","note":"root_login"}`, false},
	} {
		if got := p.Maybe([]byte(tc.raw)); got != tc.want {
			t.Errorf("Maybe(%s) = %v, want %v\n%s", tc.raw, got, tc.want, p)
		}
	}
}

// TestFallibleView: a calculated field that may fail fails the event's whole
// view, a verdict the prefilter must not hide and the projection must keep.
// upper() is not among the functions known never to fail; coalesce() is.
func TestFallibleView(t *testing.T) {
	for _, tc := range []struct{ eval, want string }{
		{`upper(who) . "!"`, `
paths: actor, kind, who
prefilter: none (the sourcetype computes fields that may fail on an event)`},
		{`coalesce(who, "nobody")`, `
paths: kind
prefilter:
  (?i)"deploy" ; value of "kind" (?i)== "deploy"`},
	} {
		dir := t.TempDir()
		files := map[string]string{
			"default/app.conf":   "[launcher]\nversion = 1.0.0\n",
			"default/props.conf": "[temp:json]\nKV_MODE = json\nFIELDALIAS-who = actor AS who\nEVAL-shout = " + tc.eval + "\n",
		}
		for name, text := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		reg, err := sourcetype.NewRegistry()
		if err != nil {
			t.Fatal(err)
		}
		if _, errs := reg.LoadAddon(dir); errs != nil {
			t.Fatal(errs)
		}
		r := splunkRule(t, `kind=deploy`)
		r.LogTypes = []string{"temp:json"}
		p := plan.Of(r, plan.Options{SourceType: reg.Lookup("temp:json")})
		got := strings.TrimSpace(p.String())
		if want := strings.TrimSpace(tc.want); got != want {
			t.Errorf("EVAL %s: got\n%s\nwant\n%s", tc.eval, got, want)
		}
		// A view that may fail must be built whole (sourcetype.Narrow).
		if fallible := strings.Contains(tc.want, "may fail"); p.HasViewFields == fallible {
			t.Errorf("EVAL %s: HasViewFields = %v", tc.eval, p.HasViewFields)
		}
	}
}

// TestEdgeEvents holds inline rules to their plans on events made to probe
// the edges of Splunk's view and of Python's operations.
func TestEdgeEvents(t *testing.T) {
	for _, tc := range []struct {
		rule  func(testing.TB) *ast.Rule
		event string
		want  string // the verdict on the whole event
	}{
		// A JSON key _raw joins _raw (sourcetype.View extracts it after
		// setting _raw), with a number as its text.
		{spl1(`1000`), `{"_raw":1e3}`, "hit=true"},
		{spl1(`1000`), `{"a":1e3}`, "hit=false"},
		// A JSON key sourcetype joins Splunk's own: the search sees both.
		{spl1(`NOT sourcetype=foo`), `{"sourcetype":"foo"}`, "hit=false"},
		{spl1(`eventName=deletetrail`), `{"eventName":"Delete\u0054rail"}`, "hit=true"},
		{spl1(`eventName=*trail`), "{\"eventName\":\"DeleteTrai\u0130l\"}", "hit=false"},
		{spl1(`eventName=*trail*`), "{\"eventName\":\"DeleteTra\u0130l\"}", "hit=false"},
		{spl1(`eventName=deletetrail`), "{\"eventName\":\"DeleteTra\u0130l\"}", "hit=true"},
		{spl1(`eventName=list*`), "{\"eventName\":\"Li\u017ftUsers\"}", "hit=true"},
		{py(`    return event.get("eventName") in {"DeleteTrail"}`), `{"eventName":["x"]}`, "error"},
		{py(`    return event.get("eventName") in {"DeleteTrail"}`), `{"eventName":{"a":1}}`, "error"},
		{py(`    return "aws-cli" in event.get("userAgent", "")`), `{"userAgent":null}`, "error"},
		{py(`    return "aws-cli" in event.get("userAgent", "")`), `{"userAgent":5}`, "error"},
		{py(`    return "aws-cli" in event.get("userAgent", "")`), `{"userAgent":["aws-cli"]}`, "hit=true"},
		// A dict of the event is a dict, whatever its keys: only eval makes
		// datetime stand-ins (eval/py_datetime.go), and Python's dict == str
		// is False.
		{py(`    return event.get("eventName") == "DeleteTrail"`), `{"eventName":{"__concord_py_object__":"struct_time"}}`, "hit=false"},
		{yml("Detection:\n  - Key: a\n    Condition: Contains\n    Value: cept\n"), `{"a":{"b":"<ept"}}`, "hit=true"},
	} {
		r := tc.rule(t)
		prog, errs := eval.Compile(r.Match, r.Keys)
		if errs != nil {
			t.Fatal(errs)
		}
		f := &fixtureRule{rule: r, match: prog, plan: plan.Of(r, plan.Options{})}
		v, err := ast.ParseJSON([]byte(tc.event))
		if err != nil {
			t.Fatal(err)
		}
		ev := harness.Event{Source: tc.event, Raw: tc.event, Value: v}
		got := f.judge(ev).String()
		if strings.HasPrefix(got, "error") {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("%s on %s: %s, want %s", f.plan, tc.event, got, tc.want)
		}
		f.check(t, ev, nil)
	}
}

// TestViewFields: the search-time fields a search reads of its views, the
// pipeline's only when its rows are known.
func TestViewFields(t *testing.T) {
	for _, tc := range []struct{ search, want string }{
		{`eventName=DeleteTrail | bin _time span=10m | stats count dc(eventSource) as n by _time src_ip | where n > 1`,
			"_time eventName eventSource src_ip"},
		{`eventName=DeleteTrail user=alice`, "eventName user"},
		{`eventName=DeleteTrail | table eventName`, "eventName"}, // the rows are the events, viewed again whole
	} {
		p := plan.Of(splunkRule(t, tc.search), plan.Options{})
		if !p.HasViewFields || p.ViewSourceType != "aws:cloudtrail" {
			t.Errorf("%s: HasViewFields %v, ViewSourceType %q", tc.search, p.HasViewFields, p.ViewSourceType)
			continue
		}
		if got := strings.Join(p.ViewFields, " "); got != tc.want {
			t.Errorf("%s: view fields %s, want %s", tc.search, got, tc.want)
		}
	}
}

// TestRows: a Splunk search's pipeline runs on its events decoded with the
// fields it reads up to its first stats (the stats' rows hold nothing else),
// as key paths through the add-on's aliases (src_ip is sourceIPAddress).
func TestRows(t *testing.T) {
	for _, tc := range []struct {
		search string
		want   string // the paths, or "all"
	}{
		{`eventName=DeleteTrail | bin _time span=10m | stats count dc(eventSource) as n by _time src_ip | where n > 1`,
			"eventName eventSource eventTime sourceIPAddress"},
		{`eventName=DeleteTrail | rename requestParameters.name as trail | eval k=lower(awsRegion) | stats values(trail) by k`,
			"awsRegion eventName requestParameters.name"},
		{`eventName=DeleteTrail`, "all"},
		{`eventName=DeleteTrail | table eventName`, "all"},
		{`eventName=DeleteTrail | stats values(*) by eventName`, "all"},
		{`eventName=DeleteTrail | fillnull | stats count by eventName`, "all"},
	} {
		p := plan.Of(splunkRule(t, tc.search), plan.Options{})
		got := "all"
		if p.HasRows {
			var names []string
			for _, path := range p.Rows {
				if name := plan.PathString(path); !strings.HasPrefix(name, "_") && !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
			got = strings.Join(names, " ")
		}
		// Each field's own name may be a JSON key too (see splunkPaths):
		// only the sources that matter here are compared.
		if tc.want == "all" || got == "all" {
			if got != tc.want {
				t.Errorf("%s: rows %s, want %s", tc.search, got, tc.want)
			}
			continue
		}
		for _, w := range strings.Fields(tc.want) {
			if !slices.Contains(strings.Fields(got), w) {
				t.Errorf("%s: rows %s, want %s among them", tc.search, got, w)
			}
		}
	}
}
