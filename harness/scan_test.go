package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/stream"
)

// fixtureRules compiles every rule under fixtures/ that concord runs.
func fixtureRules(t *testing.T) []*Compiled {
	t.Helper()
	files, _, err := FindAnalysis([]string{"../fixtures/panther-analysis/rules", "../fixtures/security_content/detections"})
	if err != nil {
		t.Fatal(err)
	}
	var out []*Compiled
	for _, f := range files {
		r, _ := LoadRule(f, Options{})
		if r == nil {
			continue
		}
		if c, _ := Compile(r); c != nil {
			out = append(out, c)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d fixture rules compiled", len(out))
	}
	return out
}

// attackData is every attack data file of the fixtures and every rule's test
// events, as one NDJSON file (with a blank line and a malformed one that the
// CloudTrail logging rules' prefilters keep, so a scan decodes and reports
// it), and the events as LoadEvents reads them.
func attackData(t *testing.T, rules []*Compiled) (string, []Event) {
	t.Helper()
	var files []string
	filepath.WalkDir("../fixtures/attack_data", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	var b strings.Builder
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		if i == 1 {
			b.WriteString("\n{\"eventName\": \"StopLogging\", broken}\n\n")
		}
	}
	for _, c := range rules {
		evs, _ := RuleEvents(c.Rule)
		for _, e := range evs {
			b.WriteString(ast.JSON(e.Value) + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "all.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	evs, _ := LoadEvents(path, "")
	if len(evs) < 30 {
		t.Fatalf("only %d attack data events", len(evs))
	}
	return path, evs
}

// Scan finds what Run finds on the events held in memory, rule by rule,
// whatever the number of workers and the batch size, with prefilters and
// projection (the default) and without (Exhaustive): over the fixtures'
// attack data and every rule's test events.
func TestScanMatchesRun(t *testing.T) {
	rules := fixtureRules(t)
	path, events := attackData(t, rules)
	want := make([]string, len(rules))
	for i, c := range rules {
		res, err := c.Run(events, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = describe(res.Rows, func(j int) string { return events[j].Source }, res.Verdicts, events)
	}
	for _, opts := range []ScanOptions{{Workers: 1}, {Workers: 2, BatchEvents: 3}, {Workers: 3, BatchEvents: 1}, {Workers: 2, Exhaustive: true}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			got, stats, err := Scan(rules, stream.Open([]string{path}, nil), opts)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Events != int64(len(events)+1) || len(stats.Errors) != 1 || !strings.Contains(stats.Errors[0].Error(), "malformed JSON event") {
				t.Errorf("stats %d events, errors %v", stats.Events, stats.Errors)
			}
			if opts.Exhaustive && stats.Decoded != stats.Events-1 {
				t.Errorf("exhaustive: %d of %d events decoded", stats.Decoded, stats.Events)
			}
			hits := 0
			for i, r := range got {
				hits += len(r.Hits)
				if s := describeScan(r); s != want[i] {
					t.Errorf("%s:\nscan %s\nrun  %s", rules[i].Rule.File, s, want[i])
				}
			}
			if hits == 0 {
				t.Error("no rule hit the attack data")
			}
		})
	}
}

// One rule's prefilter skips the events it cannot match without decoding
// them: a malformed line that looks like an object among them (an exhaustive
// scan reports it).
func TestScanSkips(t *testing.T) {
	var seed *Compiled
	for _, c := range fixtureRules(t) {
		if strings.HasSuffix(c.Rule.File, "aws_bedrock_deletemodelinvocationloggingconfiguration.yml") {
			seed = c
		}
	}
	path, events := attackData(t, nil)
	res, stats, err := Scan([]*Compiled{seed}, stream.Open([]string{path}, nil), ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Events != int64(len(events)+1) || stats.Decoded >= int64(len(events)/2) || len(stats.Errors) != 0 || len(res[0].Hits) == 0 {
		t.Errorf("%d events, %d decoded, errors %v, hits %v", stats.Events, stats.Decoded, stats.Errors, res[0].Hits)
	}
}

func describe(rows []Row, source func(int) string, verdicts []Verdict, events []Event) string {
	var parts []string
	for _, r := range rows {
		var srcs []string
		for _, i := range r.Src {
			srcs = append(srcs, source(i))
		}
		parts = append(parts, "row "+ast.JSON(ast.ObjectOf(r.Fields))+" from "+strings.Join(srcs, ","))
	}
	for i, v := range verdicts {
		if v.Hit {
			parts = append(parts, "hit "+events[i].Source)
		}
		if v.Err != nil {
			parts = append(parts, "error "+events[i].Source+": "+v.Err.Error())
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\n")
}

func describeScan(r *ScanResult) string {
	var parts []string
	for _, row := range r.Rows {
		parts = append(parts, "row "+ast.JSON(ast.ObjectOf(row.Fields))+" from "+strings.Join(row.Sources, ","))
	}
	for _, h := range r.Hits {
		parts = append(parts, "hit "+h)
	}
	for _, e := range r.Errors {
		parts = append(parts, "error "+e.Source+": "+e.Err.Error())
	}
	slices.Sort(parts)
	return strings.Join(parts, "\n")
}
