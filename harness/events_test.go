package harness

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseEvents(t *testing.T) {
	data := []byte(strings.Join([]string{
		`{"eventName":"InvokeModel"}`,
		``,
		`  {"eventName": }`,
		`[1,2]`,
		`  {"eventName":"GetObject"}  `,
	}, "\n"))
	events, errs := ParseEvents("events.jsonl", data, "aws:cloudtrail")

	var sources []string
	for _, ev := range events {
		sources = append(sources, ev.Source)
		if ev.SourceType != "aws:cloudtrail" {
			t.Errorf("%s: sourcetype %q, want aws:cloudtrail", ev.Source, ev.SourceType)
		}
	}
	if got, want := strings.Join(sources, " "), "events.jsonl:1 events.jsonl:5"; got != want {
		t.Errorf("events from %q, want %q", got, want)
	}
	if events[1].Raw != `{"eventName":"GetObject"}` {
		t.Errorf("raw = %q, want the line without surrounding blanks", events[1].Raw)
	}

	// A malformed line names its line and column and the rest of the file is read.
	var lines []string
	for _, e := range errs {
		if e.Code != ast.CodeEvent {
			t.Errorf("%v: code %v, want %v", e, e.Code, ast.CodeEvent)
		}
		lines = append(lines, e.Pos.String())
	}
	if got, want := strings.Join(lines, " "), "events.jsonl:3:17 events.jsonl:4:1"; got != want {
		t.Errorf("errors at %q, want %q (all: %v)", got, want, errs)
	}
	if !strings.Contains(errs[1].Error(), "expected a JSON object") {
		t.Errorf("non-object line: %v", errs[1])
	}
}

func TestViewerWarnsOncePerUnknownSourceType(t *testing.T) {
	ResetWarnings()
	t.Cleanup(ResetWarnings)
	r := &ast.Rule{Platform: ast.Splunk}
	events, errs := ParseEvents("e.jsonl", []byte("{\"a\":\"1\"}\n{\"a\":\"2\"}\n"), "made:up")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	v := newViewer(r)
	for _, ev := range events {
		view, err := v.view(ev)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ev.Value.AsObject().Get("a")
		if got, _ := view.Get("a"); got.Text() != want.Text() {
			t.Errorf("%s: a = %q, want %q", ev.Source, got.Text(), want.Text())
		}
	}
	if _, err := SplunkView(r, events[0]); err != nil { // a second run over the same sourcetype
		t.Fatal(err)
	}
	w := TakeWarnings()
	if len(w) != 1 || !strings.Contains(w[0], "made:up") {
		t.Errorf("warnings = %q, want one naming made:up", w)
	}
}

// FuzzParseEvents checks that every non-blank line becomes either an event or an
// error with a position inside the input, never both and never neither.
func FuzzParseEvents(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n\n  {\"b\": }\n[1]\n"))
	f.Add([]byte("{\"a\":[{\"b\":null}]} trailing\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		events, errs := ParseEvents("f.jsonl", data, "")
		lines := strings.Split(string(data), "\n")
		nonBlank := 0
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				nonBlank++
			}
		}
		if len(events)+len(errs) != nonBlank {
			t.Fatalf("%d events + %d errors for %d non-blank lines", len(events), len(errs), nonBlank)
		}
		for _, e := range errs {
			if e.Pos.Line < 1 || e.Pos.Line > len(lines) || e.Pos.Col < 1 {
				t.Fatalf("error position %v outside the input", e.Pos)
			}
		}
	})
}

// ReadsLogType: Panther routes by LogTypes; a Splunk search reads its own
// sourcetype, named as such or by the Panther log type that maps to it.
func TestReadsLogType(t *testing.T) {
	panther := &ast.Rule{Platform: ast.Panther, LogTypes: []string{"AWS.CloudTrail", "AWS.VPCFlow"}}
	splunk := &ast.Rule{Platform: ast.Splunk, LogTypes: []string{"aws:cloudtrail"}}
	github := &ast.Rule{Platform: ast.Panther, LogTypes: []string{"GitHub.Audit"}}
	for _, tc := range []struct {
		r    *ast.Rule
		lt   string
		want bool
	}{
		{panther, "AWS.CloudTrail", true},
		{panther, "AWS.VPCFlow", true},
		{panther, "aws:cloudtrail", true},
		{panther, "Okta.SystemLog", false},
		{splunk, "AWS.CloudTrail", true},
		{splunk, "aws:cloudtrail", true},
		{splunk, "AWS.VPCFlow", false},
		{github, "AWS.CloudTrail", false},
	} {
		if got := ReadsLogType(tc.r, tc.lt); got != tc.want {
			t.Errorf("ReadsLogType(%v, %s) = %v, want %v", tc.r.LogTypes, tc.lt, got, tc.want)
		}
	}
}
