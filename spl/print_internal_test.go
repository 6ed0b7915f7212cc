package spl

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

func TestDetectionID(t *testing.T) {
	a := detectionID(&portable.Rule{ID: "AWS.CloudTrail.Stopped"})
	b := detectionID(&portable.Rule{ID: "AWS.CloudTrail.Stopped", Name: "other name"})
	c := detectionID(&portable.Rule{ID: "AWS.CloudTrail.Created"})
	// RFC 9562: version 5 in the 13th digit, variant 10xx in the 17th.
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Errorf("not a version 5 UUID: %s", a)
	}
	if a != b || a == c {
		t.Errorf("the id must depend on the source id alone: %s %s %s", a, b, c)
	}
	if detectionID(&portable.Rule{Name: "N"}) != detectionID(&portable.Rule{Name: "N"}) {
		t.Error("without an id, the name decides")
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ in, file, snake string }{
		{"AWS CloudTrail Trail Deleted", "aws_cloudtrail_trail_deleted", "aws_cloud_trail_trail_deleted"},
		{"bucketName", "bucketname", "bucket_name"},
		{"userARN", "userarn", "user_arn"},
		{"ARNValue", "arnvalue", "arn_value"},
		{"VersioningConfiguration_Status", "versioningconfiguration_status", "versioning_configuration_status"},
		{"  S3 -- (public) ", "s3_public", "s3_public"},
		{"x-amz-id-2", "x_amz_id_2", "x_amz_id_2"},
	} {
		if got := fileName(tc.in); got != tc.file {
			t.Errorf("fileName(%q) = %q, want %q", tc.in, got, tc.file)
		}
		if got := snakeCase(tc.in); got != tc.snake {
			t.Errorf("snakeCase(%q) = %q, want %q", tc.in, got, tc.snake)
		}
	}
}

func TestRiskScore(t *testing.T) {
	for _, tc := range []struct {
		m    ast.Meta
		want int
	}{
		{ast.Meta{Severity: "Info"}, 10}, {ast.Meta{Severity: "low"}, 25}, {ast.Meta{Severity: "Medium"}, 50},
		{ast.Meta{Severity: "HIGH"}, 75}, {ast.Meta{Severity: "Critical"}, 90}, {ast.Meta{}, 50},
		{ast.Meta{Severity: "Critical", RiskScore: 32}, 32}, {ast.Meta{RiskScore: 250}, 100},
	} {
		if got := riskScore(tc.m); got != tc.want {
			t.Errorf("%+v: got %d want %d", tc.m, got, tc.want)
		}
	}
}

func TestTechniques(t *testing.T) {
	got := techniques([]string{"TA0005:T1562.001", "T1562.001", " T1078 ", "TA0001", "Initial Access:T1190", "bogus"})
	if want := []string{"T1562.001", "T1078", "T1190"}; !slices.Equal(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestDetectionDate(t *testing.T) {
	ev := func(s string) ast.Value { v, _ := ast.ParseJSON([]byte(s)); return v }
	tests := []portable.Test{
		{Event: ev(`{"eventTime":"2024-02-01T00:00:00Z"}`)},
		{Event: ev(`{"eventTime":"2025-07-09T10:00:00Z"}`)},
		{Event: ev(`{"eventTime":"garbage-time"}`)},
	}
	for _, tc := range []struct {
		r    portable.Rule
		want string
	}{
		{portable.Rule{Meta: ast.Meta{Date: "2023-05-06"}, Tests: tests}, "2023-05-06"},
		{portable.Rule{Meta: ast.Meta{Date: "2023-05-06T07:00:00Z"}}, "2023-05-06"},
		{portable.Rule{Meta: ast.Meta{Date: "May 2023"}, Tests: tests}, "2025-07-09"},
		{portable.Rule{}, "1970-01-01"},
	} {
		if got := detectionDate(&tc.r); got != tc.want {
			t.Errorf("%+v: got %s want %s", tc.r.Meta, got, tc.want)
		}
	}
}

// TestFoldGaps: Go's unicode tables, which concord's lower() uses
// (eval/spl_text.go, strings.ToLower), against simple folding
// (strings.EqualFold), which the portable semantics use.
func TestFoldGaps(t *testing.T) {
	for _, tc := range []struct {
		in             string
		srcOnly, lower bool
	}{
		{"abc", false, false},
		{"s", true, false},  // ſ folds to s, lowers to itself
		{"i", false, true},  // İ lowers to i, folds to itself
		{"k", false, false}, // the Kelvin sign both folds and lowers to k
		{"123-._", false, false},
	} {
		src, conv := foldGaps([]string{tc.in})
		if (src != "") != tc.srcOnly || (conv != "") != tc.lower {
			t.Errorf("%q: source-only %q, lower-only %q", tc.in, src, conv)
		}
	}
	if hasCase("123-._") || !hasCase("a") || !hasCase("i") {
		t.Error("hasCase")
	}
}

func TestPrefilter(t *testing.T) {
	atom := func(f string, fold bool, vals ...string) portable.Expr {
		return &portable.Atom{Field: strings.Split(f, "."), Op: portable.Eq, Values: vals, Fold: fold}
	}
	for _, tc := range []struct {
		cond portable.Expr
		want []string
	}{
		{atom("eventName", false, "A"), []string{"eventName=A"}},
		{atom("eventName", false, "OR"), []string{`eventName="OR"`}},
		{atom("eventName", false, "A", "B"), []string{`eventName IN ("A", "B")`}},
		{atom("eventName", false, "with space"), nil},
		{atom("eventName", false, "star*"), nil},
		{atom("eventName", false, ""), nil},
		{atom("eventName", true, "ascii"), []string{"eventName=ascii"}},
		{atom("eventName", true, "ünï"), nil},
		{atom("eventName", false, "ünï"), nil},
		{atom("errorCode", false, "AccessDenied"), nil}, // the add-on's errorCode is not the raw one
		{&portable.Or{Xs: []portable.Expr{atom("a", false, "x")}}, nil},
		{&portable.Not{X: atom("a", false, "x")}, nil},
		{&portable.And{Xs: []portable.Expr{atom("a.b", false, "x"), &portable.Atom{Field: []string{"c"}, Op: portable.Prefix, Values: []string{"y"}}}}, []string{"a.b=x"}},
	} {
		p := &printer{rule: &portable.Rule{Cond: tc.cond}, slt: splunkLogTypes["AWS.CloudTrail"]}
		if got := p.prefilter(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q want %q", portable.String(tc.cond), got, tc.want)
		}
	}
}

func TestRequired(t *testing.T) {
	eq := func(f string, vals ...string) portable.Expr {
		return &portable.Atom{Field: []string{f}, Op: portable.Eq, Values: vals}
	}
	for _, tc := range []struct {
		cond portable.Expr
		want []string
		ok   bool
	}{
		{eq("eventName", "A", "B"), []string{"A", "B"}, true},
		{&portable.And{Xs: []portable.Expr{eq("eventName", "A", "B"), eq("eventName", "B", "C")}}, []string{"B"}, true},
		{&portable.Or{Xs: []portable.Expr{eq("eventName", "A"), eq("eventName", "B", "A")}}, []string{"A", "B"}, true},
		{&portable.Or{Xs: []portable.Expr{eq("eventName", "A"), eq("eventSource", "B")}}, nil, false},
		{&portable.Not{X: eq("eventName", "A")}, nil, false},
		{eq("eventSource", "A"), nil, false},
	} {
		got, ok := required(tc.cond, "eventName")
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v %v", portable.String(tc.cond), got, ok)
		}
	}
}

func TestPrintBaseName(t *testing.T) {
	r := &portable.Rule{Name: "Some Rule", ID: "X", LogType: "AWS.CloudTrail", Cond: &portable.Atom{Field: []string{"eventName"}, Op: portable.Eq, Values: []string{"A"}}}
	p, err := PrintDetection(r, PrintOptions{BaseName: "my_rule"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Detection != "detections/cloud/my_rule.yml" || p.Files["macros/my_rule_filter.yml"] == nil ||
		!strings.Contains(string(p.Files[p.Detection]), "| `my_rule_filter`") {
		t.Errorf("detection %s, files %d", p.Detection, len(p.Files))
	}
	for _, bad := range []string{"a/b", "a b", "a`b"} {
		if _, err := PrintDetection(r, PrintOptions{BaseName: bad}); err == nil {
			t.Errorf("base name %q accepted", bad)
		}
	}
	r.Name = "日本"
	if _, err := PrintDetection(r, PrintOptions{}); err == nil || !strings.Contains(err.Error(), "bad base name") {
		t.Errorf("a name without ASCII letters needs a base name: %v", err)
	}
}

// A Threshold prints as security_content's aggregate detections do: bin
// _time, stats count by _time and the readable copy of each group field (the
// add-on's alias, the field itself, or its spath where the add-on gives the
// name another meaning), then where count >= N; the attack data holds enough
// copies of a true positive to reach it.
func TestPrintThreshold(t *testing.T) {
	ev, _ := ast.ParseJSON([]byte(`{"eventName":"GetSecretValue","userIdentity":{"arn":"arn:a"},"recipientAccountId":"1"}`))
	for _, c := range []struct {
		minutes int
		by      [][]string
		want    []string
	}{
		{30, [][]string{{"userIdentity", "arn"}}, []string{"| bin _time span=30m", " by _time user_arn\n", "| where count >= 5"}},
		{120, [][]string{{"requestParameters", "secretId"}, {"sourceIPAddress"}}, []string{"| bin _time span=2h", " by _time requestParameters.secretId src\n"}},
		{1440, [][]string{{"errorCode"}}, []string{"| spath output=raw_errorCode path=errorCode", "| bin _time span=1d", " by _time raw_errorCode\n"}},
		{60, nil, []string{"| bin _time span=1h", " by _time\n"}},
	} {
		r := &portable.Rule{Name: "Secret Reads", LogType: "AWS.CloudTrail",
			Cond:      &portable.Atom{Field: []string{"eventName"}, Op: portable.Eq, Values: []string{"GetSecretValue"}},
			Threshold: &portable.Threshold{Count: 5, WindowMinutes: c.minutes, GroupBy: c.by},
			Tests:     []portable.Test{{Name: "tp", Expected: true, Event: ev}}}
		p, err := PrintDetection(r, PrintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		det := string(p.Files[p.Detection])
		for _, w := range c.want {
			if !strings.Contains(det, w) {
				t.Errorf("%d %v: no %q in\n%s", c.minutes, c.by, w, det)
			}
		}
		for name, data := range p.Files {
			if strings.HasPrefix(name, "attack_data/") && strings.Count(string(data), "\n") != 5 {
				t.Errorf("%s: %d events, want 5", name, strings.Count(string(data), "\n"))
			}
		}
	}
}
