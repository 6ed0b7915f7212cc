package harness

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

const (
	seedSPL   = "../fixtures/security_content/detections/cloud/aws_bedrock_delete_model_invocation_logging_configuration.yml"
	seedPy    = "../fixtures/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml"
	burstSPL  = "../fixtures/security_content/detections/cloud/aws_burst_of_failed_discovery_calls.yml"
	burstPy   = "testdata/setlevel/failed_discovery_burst.yml"
	seedEvent = "Model Invocation Logging Configuration Deleted"
)

func compiled(t *testing.T, path string) *Compiled {
	t.Helper()
	r, errs := LoadRule(path, Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c, errs := Compile(r)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return c
}

func comparePair(t *testing.T, spl, py string, opts CompareOptions) *Comparison {
	t.Helper()
	s, p := compiled(t, spl), compiled(t, py)
	events, errs := CompareEvents(s.Rule, p.Rule, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c, err := CompareWith(s, p, events, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The fields mutated are the raw keys both rules read: Panther's as written,
// Splunk's stats by-fields through the sourcetype's aliases and calculated
// fields, nested paths kept.
func TestReadFields(t *testing.T) {
	s, p := compiled(t, seedSPL), compiled(t, seedPy)
	got := ReadFields(s.Rule, p.Rule)
	for _, want := range []string{"eventName", "eventSource", "errorCode", "errorMessage", "sourceIPAddress", "userAgent", "awsRegion",
		"recipientAccountId", "userIdentity.arn", "userIdentity.sessionContext.sessionIssuer.userName"} {
		if !slices.Contains(got, want) {
			t.Errorf("ReadFields lacks %s: %v", want, got)
		}
	}
	for _, no := range []string{"sourcetype", "src", "user", "_time", "count"} {
		if slices.Contains(got, no) {
			t.Errorf("ReadFields has search-time field %s: %v", no, got)
		}
	}
	b := compiled(t, burstSPL)
	got = ReadFields(b.Rule, nil)
	for _, want := range []string{"errorCode", "eventName", "eventTime", "userIdentity.arn", "sourceIPAddress"} {
		if !slices.Contains(got, want) {
			t.Errorf("burst: ReadFields lacks %s: %v", want, got)
		}
	}
}

// On the seed pair, mutants find what the events as given cannot: Splunk search
// terms ignore the case of values, Panther's == does not; Panther finds keys in
// any case, Splunk does not; stats by drops events without its by-fields.
func TestCompareMutantsSeedPair(t *testing.T) {
	c := comparePair(t, seedSPL, seedPy, CompareOptions{})
	if c.SetLevel != "" || c.Mutants == 0 || c.Capped != "" {
		t.Fatalf("set level %q, %d mutants, capped %q", c.SetLevel, c.Mutants, c.Capped)
	}
	seen := map[string]bool{}
	for _, e := range c.Events {
		if e.Mutation == "" {
			if e.Parent != "" || e.Kind != "" {
				t.Errorf("original %s has parent %q kind %q", e.Source, e.Parent, e.Kind)
			}
			continue
		}
		if e.Source != MutantSource(e.Parent, e.Mutation) || !strings.HasPrefix(e.Mutation, e.Kind+":") {
			t.Errorf("mutant %s: parent %s mutation %s kind %s", e.Source, e.Parent, e.Mutation, e.Kind)
		}
		b := ast.JSON(e.Event)
		if seen[b] {
			t.Errorf("mutant %s repeats an event already compared", e.Source)
		}
		seen[b] = true
	}
	r := c.Report(nil)
	if r.Verdict != VerdictDisagree {
		t.Errorf("verdict %s", r.Verdict)
	}
	m := r.Matrix
	if m.Both+m.SplunkOnly+m.PantherOnly+m.Neither != len(c.Events) || m.SplunkOnly+m.PantherOnly != c.Disagreements() {
		t.Errorf("matrix %+v for %d events, %d disagreements", m, len(c.Events), c.Disagreements())
	}
	classes := map[string]Class{}
	for _, cl := range r.Classes {
		classes[cl.Label] = cl
	}
	want := []struct {
		label           string
		splunk, panther bool
		why             string
		diff            []string
	}{
		{"value-case:eventName", true, false, "Panther does not match when the case of eventName's value changes",
			[]string{`- "eventName": "DeleteModelInvocationLoggingConfiguration"`, `+ "eventName": "DELETEMODELINVOCATIONLOGGINGCONFIGURATION"`}},
		{"key-case:eventName", false, true, "the Splunk search does not match when the key eventName is spelled in another case",
			[]string{`- "eventName": "DeleteModelInvocationLoggingConfiguration"`, `+ "eventname": "DeleteModelInvocationLoggingConfiguration"`}},
		{"missing:sourceIPAddress", false, true, "stats by src", []string{`- "sourceIPAddress": "161.97.249.211"`}},
		{"error-fields:errorCode", true, false, "Panther drops failed calls", []string{`+ "errorCode": "AccessDenied"`}},
		{"original:aws_cloudtrail_success", true, false, "errorCode truthy is true", []string{`  "errorCode": "AccessDenied"`}},
	}
	for _, w := range want {
		cl, ok := classes[w.label]
		if !ok {
			t.Errorf("no class %s", w.label)
			continue
		}
		if cl.Splunk != w.splunk || cl.Panther != w.panther || !strings.Contains(strings.ToLower(cl.Why), strings.ToLower(w.why)) {
			t.Errorf("%s: splunk %v panther %v why %q", w.label, cl.Splunk, cl.Panther, cl.Why)
		}
		if !slices.Equal(cl.Diff, w.diff) {
			t.Errorf("%s: diff %q, want %q", w.label, cl.Diff, w.diff)
		}
		decided := false
		for _, d := range cl.Deciding {
			decided = decided || d.Decided && d.Pos.File != ""
		}
		if !decided {
			t.Errorf("%s: no positioned deciding condition: %+v", w.label, cl.Deciding)
		}
	}
	if r.Classes[0].Kind != OriginalKind {
		t.Errorf("the events as given come first: %s", r.Classes[0].Label)
	}

	plain := comparePair(t, seedSPL, seedPy, CompareOptions{NoMutants: true})
	if plain.Mutants != 0 || len(plain.Events) != len(plain.Originals()) || len(plain.Events) != 7 {
		t.Errorf("no mutants: %d events, %d mutants", len(plain.Events), plain.Mutants)
	}
}

// An aggregation filter (where count >= 3 after stats) or a Panther Threshold
// makes the verdict one of a set: each set is run whole, and a mutant is its
// parent's set with the parent replaced.
func TestCompareSetLevel(t *testing.T) {
	c := comparePair(t, burstSPL, burstPy, CompareOptions{})
	if !strings.Contains(c.SetLevel, "where count >= 3") || !strings.Contains(c.SetLevel, "Threshold") {
		t.Fatalf("set level: %q", c.SetLevel)
	}
	orig := c.Originals()
	if len(orig) != 2 {
		t.Fatalf("%d sets, want the Panther tests and the attack data file", len(orig))
	}
	for _, e := range c.Events {
		if e.Level != "set" {
			t.Errorf("%s: level %q", e.Source, e.Level)
		}
	}
	if !orig[1].Splunk || !orig[1].Panther || orig[0].Splunk || orig[0].Panther {
		t.Errorf("sets: %+v", orig)
	}
	r := c.Report(nil)
	found := false
	for _, cl := range r.Classes {
		if cl.Label == "missing:errorCode" {
			found = true
			if !cl.SetLevel || !cl.Splunk || cl.Panther || !strings.Contains(cl.Why, "Threshold 5") {
				t.Errorf("missing:errorCode: %+v", cl)
			}
		}
	}
	if !found {
		t.Errorf("no missing:errorCode class: %+v", r.Classes)
	}
}

// A Proof from an exact prover decides the verdict when the evidence agrees,
// and its counterexamples join the events.
func TestProofHook(t *testing.T) {
	c := &Comparison{Events: []CompareEvent{{Source: "a", Splunk: true, Panther: true, Agree: true}}}
	if v := c.Report(nil).Verdict; v != VerdictAgreeOnEvidence {
		t.Errorf("no proof: %s", v)
	}
	c.SetProof(&Proof{Decided: true, Equivalent: true, Note: "by hand"})
	if v := c.Report(nil).Verdict; v != VerdictEquivalent {
		t.Errorf("equivalent proof: %s", v)
	}
	// The decision takes keys as CloudTrail spells them: a key-case mutant
	// differing is outside what it proved, any other difference refutes it.
	keyCase := CompareEvent{Source: "a~key-case", Panther: true, Kind: "key-case", Field: "eventName"}
	c.Events = append(c.Events, keyCase)
	if v := c.Report(nil).Verdict; v != VerdictEquivalent {
		t.Errorf("equivalent proof, key-case mutant differs: %s", v)
	}
	c.Events = append(c.Events, CompareEvent{Source: "a~missing", Panther: true, Kind: "missing", Field: "eventName"})
	if v := c.Report(nil).Verdict; v != VerdictDisagree {
		t.Errorf("equivalent proof, missing mutant differs: %s", v)
	}
	c.Events = c.Events[:1]
	c.SetProof(&Proof{Counterexamples: []CompareEvent{{Source: "prover", Splunk: true, Mutation: "errorCode=AccessDenied"}}})
	r := c.Report(nil)
	if r.Verdict != VerdictDisagree || len(c.Events) != 2 || c.Events[1].Mutation != "assignment:errorCode=AccessDenied" || c.Events[1].Agree {
		t.Errorf("counterexample: verdict %s, events %+v", r.Verdict, c.Events)
	}
	if len(r.Classes) != 1 || r.Classes[0].Label != "assignment:errorCode=AccessDenied" || r.Matrix.SplunkOnly != 1 {
		t.Errorf("classes %+v matrix %+v", r.Classes, r.Matrix)
	}
}

// Accepted differences match on fields (deciding or mutated) and on mutation
// kinds, in one direction.
func TestAcceptedCovers(t *testing.T) {
	ev := CompareEvent{Splunk: true, Kind: "value-case", Field: "eventName", DecidingFields: []string{"eventName"}}
	orig := CompareEvent{Splunk: true, DecidingFields: []string{"errorCode"}}
	cases := []struct {
		a         Accepted
		mut, orig bool
	}{
		{Accepted{Fields: []string{"errorCode"}, Splunk: true}, false, true},
		{Accepted{Fields: []string{"EVENTNAME"}, Splunk: true}, true, false},
		{Accepted{Fields: []string{"eventName"}, Panther: true}, false, false},
		{Accepted{Kinds: []string{"value-case"}, Splunk: true}, true, false},
		{Accepted{Kinds: []string{"original"}, Splunk: true}, false, true},
		{Accepted{Kinds: []string{"value-case"}, Fields: []string{"eventSource"}, Splunk: true}, false, false},
		{Accepted{Splunk: true}, false, false},
	}
	for i, c := range cases {
		if got := c.a.Covers(ev); got != c.mut {
			t.Errorf("%d: covers the mutant = %v", i, got)
		}
		if got := c.a.Covers(orig); got != c.orig {
			t.Errorf("%d: covers the original = %v", i, got)
		}
	}
}

func TestDiff(t *testing.T) {
	parse := func(s string) ast.Value {
		v, err := ast.ParseJSON([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	got := Diff(parse(`{"a":1,"K":"x","n":{"t":"u","v":2}}`), parse(`{"a":1,"k":"x","n":{"t":"U"},"e":null}`))
	want := []string{`- "K": "x"`, `+ "k": "x"`, `- "n.t": "u"`, `+ "n.t": "U"`, `- "n.v": 2`, `+ "e": null`}
	if !slices.Equal(got, want) {
		t.Errorf("Diff = %q, want %q", got, want)
	}
}

// A pairs file whose accept entry cannot match anything is refused, naming
// the pair: YAML reads an unquoted null in a list as "".
func TestLoadPairsChecksAccepts(t *testing.T) {
	for _, tc := range []struct{ accept, want string }{
		{"kinds: [missing, null]", "line 7 column 26: a bare null in kinds"},
		{"kinds: [case]", `accept 1: unknown kind "case"`},
		{"reason: nothing to match", "accept 1: give fields, kinds or both"},
	} {
		dir := t.TempDir()
		yml := "pairs:\n  - splunk: s.yml\n    panther: p.yml\n    accept:\n      - splunk: true\n        panther: false\n        " + tc.accept + "\n"
		if err := os.WriteFile(filepath.Join(dir, PairsFile), []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadPairs(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.accept, err)
		}
	}
	dir := t.TempDir()
	ok := "pairs:\n  - splunk: s.yml\n    panther: p.yml\n    accept:\n      - kinds: [\"null\", original, assignment]\n        reason: fine\n"
	if err := os.WriteFile(filepath.Join(dir, PairsFile), []byte(ok), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPairs(dir); err != nil {
		t.Errorf("valid kinds refused: %v", err)
	}
}
