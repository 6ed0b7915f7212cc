package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

const fixtures = "../../fixtures"

func generate(t testing.TB, seed uint64, tpRate float64, size, events int64) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	g := New(seed, tpRate)
	if err := g.Write(&buf, size, events); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), g.Stats
}

func TestDeterministic(t *testing.T) {
	// A high true-positive rate so that templates are part of what is compared.
	a, _ := generate(t, 1, 0.01, 2e6, 0)
	b, _ := generate(t, 1, 0.01, 2e6, 0)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("two runs with the same seed differ")
	}
	c, _ := generate(t, 2, 0.01, 2e6, 0)
	if bytes.Equal(a[:1000], c[:1000]) {
		t.Error("seeds 1 and 2 begin with the same bytes")
	}
	if len(a) < 2e6 || len(a) > 2e6+8192 {
		t.Errorf("-size 2MB wrote %d bytes", len(a))
	}
	// -events is exact, even when a multi-event template does not fit.
	for _, n := range []int64{1, 2, 999} {
		out, s := generate(t, 3, 0.5, 0, n)
		if lines := int64(bytes.Count(out, []byte("\n"))); lines != n || s.Events != n {
			t.Errorf("-events %d wrote %d lines (counted %d)", n, lines, s.Events)
		}
	}
}

// TestRealistic checks the mix: valid NDJSON in CloudTrail's key order,
// about 1.5 KB a line, increasing times, the identity types and a few
// percent of failures.
func TestRealistic(t *testing.T) {
	out, s := generate(t, 1, 0, 0, 20000)
	avg := float64(s.Bytes) / float64(s.Events)
	if avg < 1350 || avg > 1750 {
		t.Errorf("average line %.0f bytes, want about 1.5 KB", avg)
	}
	types := map[string]int{}
	names := map[string]bool{}
	failed := 0
	last := ""
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		var e struct {
			UserIdentity struct{ Type, InvokedBy string }
			EventTime    string
			EventName    string
			ErrorCode    string
			ErrorMessage string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v\n%s", i+1, err, line)
		}
		if !strings.HasPrefix(line, `{"eventVersion":"1.`) || !strings.Contains(line, `},"eventTime":"`) {
			t.Fatalf("line %d is not in CloudTrail's key order: %.120s", i+1, line)
		}
		if e.EventTime < last {
			t.Fatalf("line %d: eventTime %s before %s", i+1, e.EventTime, last)
		}
		last = e.EventTime
		types[e.UserIdentity.Type]++
		names[e.EventName] = true
		if e.ErrorCode != "" || e.ErrorMessage != "" {
			failed++
		}
		if e.UserIdentity.Type == "AWSService" && e.UserIdentity.InvokedBy == "" {
			t.Errorf("line %d: AWSService without invokedBy", i+1)
		}
	}
	for _, k := range []string{kindAssumedRole, kindIAMUser, "AWSService", kindFederated, kindRoot} {
		if types[k] == 0 {
			t.Errorf("no %s caller in 20,000 events", k)
		}
	}
	if int64(types[kindAssumedRole]) < s.Events/2 {
		t.Errorf("identity types %v: role sessions should be most", types)
	}
	if share := float64(failed) / float64(s.Events); share < 0.02 || share > 0.04 {
		t.Errorf("%.1f%% failed calls, want about 3%%", 100*share)
	}
	if len(names) < 40 {
		t.Errorf("%d event names, want at least 40", len(names))
	}
}

// loadRule compiles a fixture rule as `concord run` does.
func loadRule(t *testing.T, rel string) *harness.Compiled {
	t.Helper()
	path := filepath.Join(fixtures, rel)
	r, errs := harness.LoadRule(path, harness.Options{})
	if r == nil || errs.Has(ast.CodeParse) {
		t.Fatalf("%s: %v", rel, errs)
	}
	c, errs := harness.Compile(r)
	if c == nil {
		t.Fatalf("%s: %v", rel, errs)
	}
	return c
}

func hits(t *testing.T, c *harness.Compiled, data []byte) (hit, events int) {
	t.Helper()
	evs, errs := harness.ParseEvents("generated", data, "")
	if len(errs) > 0 {
		t.Fatalf("generated events: %v", errs)
	}
	res, err := c.Run(evs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range res.Verdicts {
		if v.Err != nil {
			t.Errorf("%s on %s: %v", c.Rule.File, evs[i].Source, v.Err)
		}
	}
	return len(res.Hits()), len(evs)
}

// TestTemplatesFire: every event of every template is a hit of the rule it
// targets, in a few organisations; the rules it must leave alone stay quiet;
// every CloudTrail rule of the fixtures has a template.
func TestTemplatesFire(t *testing.T) {
	targeted := map[string]bool{}
	for i, tp := range templates {
		targeted[tp.rule] = true
		rule := loadRule(t, tp.rule)
		var quiet []*harness.Compiled
		for _, q := range tp.quiet {
			quiet = append(quiet, loadRule(t, q))
		}
		for seed := uint64(1); seed <= 3; seed++ {
			// At rate 1 every event is a template, in turn from the first.
			g := New(seed, 1)
			var data []byte
			for range i + 1 {
				data, _ = g.Next(data[:0], 100)
			}
			if h, n := hits(t, rule, data); h != n || n != len(tp.events) {
				t.Errorf("%s (seed %d): %d of %d events are hits of %s\n%s", tp.name, seed, h, n, tp.rule, data)
			}
			for _, q := range quiet {
				if h, _ := hits(t, q, data); h != 0 {
					t.Errorf("%s (seed %d): %s fires", tp.name, seed, q.Rule.File)
				}
			}
		}
	}
	files, err := harness.FindRules([]string{filepath.Join(fixtures, "panther-analysis/rules"), filepath.Join(fixtures, "security_content/detections")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		r, _ := harness.LoadRule(f, harness.Options{})
		if r == nil || !slices.ContainsFunc(r.LogTypes, isCloudTrail) {
			continue
		}
		rel, _ := filepath.Rel(fixtures, f)
		if !targeted[filepath.ToSlash(rel)] {
			t.Errorf("no template targets %s", rel)
		}
	}
}

func isCloudTrail(logType string) bool {
	return logType == "AWS.CloudTrail" || logType == "aws:cloudtrail"
}

// TestOrdinaryEventsQuiet: without true positives no fixture rule fires, so
// a rule's hits on generated data are the templates written for it. The seed
// rule reads 20,000 events; the others, slower in concord today, 1,000.
func TestOrdinaryEventsQuiet(t *testing.T) {
	data, _ := generate(t, 1, 0, 0, 20000)
	if h, n := hits(t, loadRule(t, seedRule), data); h != 0 {
		t.Fatalf("the seed rule fires on %d of %d ordinary events", h, n)
	}
	if testing.Short() {
		return
	}
	data, _ = generate(t, 2, 0, 0, 1000)
	seen := map[string]bool{seedRule: true}
	for _, tp := range templates {
		if seen[tp.rule] {
			continue
		}
		seen[tp.rule] = true
		if h, n := hits(t, loadRule(t, tp.rule), data); h != 0 {
			t.Errorf("%s fires on %d of %d ordinary events", tp.rule, h, n)
		}
	}
}

// TestNoOrdinaryBurst checks what the Splunk burst search counts, over more
// events than concord runs it on in a test: fewer than three failed List*,
// Describe* or Get* calls per user_arn and src_ip in any ten-minute bin.
func TestNoOrdinaryBurst(t *testing.T) {
	data, _ := generate(t, 1, 0, 0, 60000)
	type key struct {
		arn, ip string
		bin     int64
	}
	failed := map[key]int{}
	for line := range bytes.Lines(data) {
		var e struct {
			UserIdentity    struct{ ARN string }
			SourceIPAddress string
			EventName       string
			EventTime       time.Time
			ErrorCode       string
		}
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		if e.ErrorCode == "" || e.UserIdentity.ARN == "" || !hasAnyPrefix(e.EventName, "List", "Describe", "Get") {
			continue
		}
		k := key{e.UserIdentity.ARN, e.SourceIPAddress, e.EventTime.Unix() / 600}
		if failed[k]++; failed[k] == 3 {
			t.Errorf("%s from %s: three failed discovery calls by %s", k.arn, k.ip, e.EventTime)
		}
	}
	if len(failed) == 0 {
		t.Error("no failed discovery calls at all")
	}
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GB": 1e9, "200MB": 200e6, "1.5kb": 1500, "64KiB": 64 << 10, "2GiB": 2 << 30, "1000": 1000, "10B": 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "-1MB", "1TB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	for b.Loop() {
		if err := New(1, 1e-4).Write(io.Discard, size, 0); err != nil {
			b.Fatal(err)
		}
	}
}
