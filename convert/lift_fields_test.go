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

// A Python comparison of two fields lifts to Same with Python's defaults
// spelled out: deep_get(..., default="") reads a missing key and a null as
// "" (panther_core's deep_get returns the default for a final None), a
// plain get or deep_get reads both as None, and None == None.
func TestConditionFieldCompare(t *testing.T) {
	cases := []struct{ name, cond, want, err string }{
		{"plain", `event.get("a") == event.get("b")`,
			`(a same b or (not a exists and not b exists))`, ""},
		{"plain_ne", `event.get("a") != event.deep_get("b", "c")`,
			`not (a same b.c or (not a exists and not b.c exists))`, ""},
		{"defaults", `event.deep_get("a", "x", default="") != event.deep_get("b", default="")`,
			`not (a.x same b or (not a.x exists and b eq "") or (not b exists and a.x eq "") or (not a.x exists and not b exists))`, ""},
		{"one_default", `event.deep_get("a", default="-") == event.get("b")`,
			`(a same b or (not a exists and b eq "-"))`, ""},
		{"different_defaults", `event.deep_get("a", default="x") == event.deep_get("b", default="y")`,
			`(a same b or (not a exists and b eq "x") or (not b exists and a eq "y"))`, ""},
		{"get_default", `event.get("a", "x") == event.get("b")`, "", "other than two fields"},
		{"lowered", `event.get("a").lower() == event.get("b")`, "", "other than two fields"},
		{"ordered", `event.get("a") < event.get("b")`, "", "an ordering comparison of two fields"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		py := "def rule(event):\n    return " + c.cond + "\n"
		yml := "AnalysisType: rule\nFilename: " + c.name + ".py\nRuleID: Test." + c.name + "\nEnabled: true\nLogTypes: [AWS.CloudTrail]\nSeverity: Low\n"
		if err := os.WriteFile(filepath.Join(dir, c.name+".py"), []byte(py), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".yml"), []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(c.name, func(t *testing.T) {
			got, lossy, err := Condition(compiled(t, filepath.Join(dir, c.name+".yml")).Rule)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.name+".py:2:") {
					t.Fatalf("got %v, want error %q at %s.py:2", err, c.err, c.name)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := portable.String(got); s != c.want {
				t.Errorf("got  %s\nwant %s", s, c.want)
			}
			if len(lossy) != 1 || !strings.Contains(lossy[0].Reason, "Python's ==") {
				t.Errorf("lossy: %+v", lossy)
			}
		})
	}
}

// aws_iam_user_or_key_created compares the access key's owner with the
// caller (`_key_owner(event) != deep_get(..., default="")`). Its Splunk
// conversion runs in concord's SPL evaluator with the verdicts of the
// source on the fields equal, different and missing; verification (with
// SameEvents) finds no difference outside the lossy points; and the Splunk
// search lifts back (where a==b is Same) and converts to Panther, which
// verifies against it.
func TestFieldCompareRoundTrip(t *testing.T) {
	src := compiled(t, paCT+"aws_iam_user_or_key_created.yml")
	res, _, err := Convert(src, Options{To: ToSplunk})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	spl := compiled(t, filepath.Join(dir, res.Main))
	extra := SameEvents(res.Rule)
	if len(extra) != 7 {
		t.Fatalf("SameEvents: %d events", len(extra))
	}
	key := func(owner, caller string) harness.Event {
		o := &ast.Object{}
		o.Set("eventSource", ast.String("iam.amazonaws.com"))
		o.Set("eventName", ast.String("CreateAccessKey"))
		if owner != "-" {
			o.SetPath([]string{"responseElements", "accessKey", "userName"}, ast.String(owner))
		}
		if caller != "-" {
			o.SetPath([]string{"userIdentity", "userName"}, ast.String(caller))
		}
		v := ast.ObjectOf(o)
		return harness.Event{Source: owner + "/" + caller, Raw: ast.JSON(v), Value: v}
	}
	for _, c := range []struct {
		owner, caller string
		want          bool
	}{
		{"alice", "alice", false}, // rotating one's own key
		{"alice", "bob", true},
		{"alice", "-", true}, // a role: no userName, read as ""
		{"-", "bob", true},   // no owner in the response, read as ""
		{"-", "-", false},    // "" == ""
		{"", "-", false},     // "" == "" again
		{"Alice", "alice", true},
	} {
		ev := []harness.Event{key(c.owner, c.caller)}
		for _, r := range []*harness.Compiled{src, spl} {
			got, err := r.Run(ev, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdicts[0].Hit != c.want {
				t.Errorf("%s on owner %q caller %q: %v, want %v", r.Rule.Platform, c.owner, c.caller, got.Verdicts[0].Hit, c.want)
			}
		}
	}
	v, _, err := Verify(src, spl, res.Lossy, extra, harness.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Unaccepted != 0 {
		t.Errorf("to splunk: %d unaccepted", v.Unaccepted)
	}
	for _, e := range v.Comparison.Events {
		if strings.HasPrefix(e.Source, "fields ") && !strings.Contains(e.Source, "~") && !e.Agree {
			t.Errorf("%s: splunk %v, panther %v", e.Source, e.Splunk, e.Panther)
		}
	}
	cond, _, err := Condition(spl.Rule)
	if err != nil {
		t.Fatal(err)
	}
	if s := portable.String(cond); !strings.Contains(s, "responseElements.accessKey.userName same userIdentity.userName") {
		t.Errorf("the search lifts to %s", s)
	}
	back, _, err := Convert(spl, Options{To: ToPanther})
	if err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	if err := back.Write(dir2); err != nil {
		t.Fatal(err)
	}
	py := compiled(t, filepath.Join(dir2, back.Main))
	if !strings.Contains(string(back.Files[strings.TrimSuffix(back.Main, ".yml")+".py"]), "_same(") {
		t.Errorf("the Panther rule does not use _same")
	}
	v, _, err = Verify(spl, py, back.Lossy, SameEvents(back.Rule), harness.CompareOptions{})
	if err != nil || v.Unaccepted != 0 {
		t.Errorf("back to panther: %v, %d unaccepted", err, v.Unaccepted)
	}
	// And the Panther rule's _same lifts back to Same.
	again, _, err := Condition(py.Rule)
	if err != nil || !strings.Contains(portable.String(again), "same userIdentity.userName") {
		t.Errorf("_same lifts to %v (%v)", portable.String(again), err)
	}
}
