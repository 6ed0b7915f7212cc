package convert

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/spl"
)

// search is a Splunk rule on aws:cloudtrail with the given search.
func search(t *testing.T, s string) *ast.Rule {
	t.Helper()
	match, pipe, errs := spl.ParseSearch("t.yml", ast.Pos{File: "t.yml", Line: 1, Col: 1}, s, nil)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", s, errs)
	}
	return &ast.Rule{Platform: ast.Splunk, File: "t.yml", LogTypes: []string{"aws:cloudtrail"}, Match: match, Pipeline: pipe}
}

func thresholdText(th *portable.Threshold) string {
	var by []string
	for _, f := range th.GroupBy {
		by = append(by, strings.Join(f, "."))
	}
	return fmt.Sprintf("%d in %dm by %v", th.Count, th.WindowMinutes, by)
}

// A search's threshold: the count (N+1 for >), the bin's span (60 minutes
// without one), the raw fields of the by-fields; searches of another shape
// are not thresholds, and a where on another aggregate is refused.
func TestSplunkThreshold(t *testing.T) {
	base := "eventName=GetSecretValue "
	for _, c := range []struct{ search, want string }{
		{base + "| bin _time span=10m | stats count by _time user_arn src_ip | where count >= 3", "3 in 10m by [userIdentity.arn sourceIPAddress]"},
		{base + "| bucket span=1h _time | stats count as n min(_time) as firstTime by _time user_arn | where n > 4", "5 in 60m by [userIdentity.arn]"},
		{base + "| stats count values(src) as src by requestParameters.secretId | where 2 <= count", "2 in 60m by [requestParameters.secretId]"},
		{base + "| bin _time span=5m | stats dc(_raw) as attempts by _time | where attempts > 10", "11 in 5m by []"},
		// bin without _time among the by-fields: the count is over the whole range.
		{base + "| bin _time span=5m | stats count by user_arn | where count >= 2", "2 in 60m by [userIdentity.arn]"},
		// After the threshold, commands that keep every row.
		{base + "| stats count by user_arn | where count >= 2 | eval n=count | table user_arn n", "2 in 60m by [userIdentity.arn]"},
		// Not thresholds: no stats, no where after it.
		{base + "| table eventName", "none"},
		{base + "| stats count by user_arn", "none"},
		// Refused.
		{base + "| stats dc(src) as ips by user_arn | where ips > 1", "error: where ips > 1: ips is dc(src), not a count"},
		{base + "| stats count by user_arn | where count < 3", "error: where count < 3 after stats"},
		{base + "| stats count by user | where count >= 2", "error: stats by user, which the Splunk add-on computes"},
		{base + "| bin _time span=30s | stats count by _time user_arn | where count >= 2", "error: bin span=30s"},
		{base + "| stats count by _time user_arn | where count >= 2", "error: stats by _time without bin"},
		{base + "| stats count by user_arn | where count >= 2 | head 5", "error: Head after the threshold"},
		{base + "| stats count by user_arn | where count >= 2 | search user_arn=*admin*", "error: a search after the threshold"},
	} {
		th, perEvent, _, err := splunkThreshold(search(t, c.search))
		got := "none"
		var e *Error
		switch {
		case err != nil && errors.As(err, &e):
			got = "error: " + e.Reason
		case err != nil:
			got = "error: " + err.Error()
		case th != nil:
			got = thresholdText(th)
			if _, ok := perEvent.Pipeline[len(perEvent.Pipeline)-1].(*ast.StatsCmd); !ok {
				t.Errorf("%s: the per-event part does not end with the stats", c.search)
			}
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\ngot  %s\nwant %s...", c.search, got, c.want)
		}
	}
}

// The fields a dedup string is made of: Panther's deep_get and get with
// defaults, f-strings, str(), event.get("a", {}).get("b"); anything else is
// refused.
func TestDedupFields(t *testing.T) {
	f := func(p ...string) ast.Expr { return &ast.Field{Path: p} }
	s := func(v string) ast.Expr { return &ast.Lit{Val: ast.String(v)} }
	for _, c := range []struct {
		x    ast.Expr
		want string
	}{
		{f("userIdentity", "arn"), "[[userIdentity arn]]"},
		{&ast.Default{X: f("recipientAccountId"), Else: s("")}, "[[recipientAccountId]]"},
		{&ast.Concat{Parts: []ast.Expr{&ast.Default{X: f("recipientAccountId"), Else: s("")}, s(":"), f("awsRegion")}}, "[[recipientAccountId] [awsRegion]]"},
		{&ast.Concat{Parts: []ast.Expr{s("root login from "), f("sourceIPAddress"), s(" to "), f("sourceIPAddress")}}, "[[sourceIPAddress]]"},
		{&ast.Call{Fn: "py.dict.get", Args: []ast.Expr{&ast.Default{X: f("userIdentity"), Else: &ast.DictLit{}}, s("arn"), s("<NO_ARN>")}}, "[[userIdentity arn]]"},
		{&ast.Call{Fn: "py.str", Args: []ast.Expr{f("eventName")}}, "[[eventName]]"},
		{s("constant"), "[]"},
		// CloudTrail's actor_user, approximated by the caller's ARN.
		{&ast.Concat{Parts: []ast.Expr{s("["), &ast.Call{Fn: "panther.udm", Args: []ast.Expr{s("actor_user")}}, s("] in "), f("recipientAccountId")}}, "[[userIdentity arn] [recipientAccountId]]"},
		{&ast.Call{Fn: "panther.udm", Args: []ast.Expr{s("source_ip")}}, `error: panther.udm("source_ip")`},
		{&ast.Cond{If: f("x"), Then: f("a"), Else: f("b")}, "error: if("},
	} {
		fs, err := dedupFields(c.x)
		got := fmt.Sprint(fs)
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: got %s, want %s", c.x, got, c.want)
		}
	}
}

// The sets verification runs a Threshold rule on: the count of copies of a
// true positive, one fewer, and the count split between two groups by the
// first group field, each a set of its own and each copy its own object.
func TestThresholdSets(t *testing.T) {
	ev, err := ast.ParseJSON([]byte(`{"eventName":"GetSecretValue","userIdentity":{"arn":"arn:a"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := &portable.Rule{
		Threshold: &portable.Threshold{Count: 3, WindowMinutes: 10, GroupBy: [][]string{{"userIdentity", "arn"}}},
		Tests:     []portable.Test{{Name: "neg", Expected: false, Event: ev}, {Name: "tp", Expected: true, Event: ev}},
	}
	sets := map[string][]string{}
	var order []string
	for _, e := range ThresholdSets(r) {
		if _, ok := sets[e.Set]; !ok {
			order = append(order, e.Set)
		}
		sets[e.Set] = append(sets[e.Set], eval.Lookup(e.Value, []string{"userIdentity", "arn"}, ast.KeysExact).Text())
	}
	want := []string{
		`threshold: 3 copies of "tp" [arn:a arn:a arn:a]`,
		`threshold: 2 copies of "tp" [arn:a arn:a]`,
		`threshold: 3 copies in two groups by userIdentity.arn of "tp" [arn:a arn:a-other arn:a]`,
	}
	for i, name := range order {
		if got := fmt.Sprintf("%s %v", name, sets[name]); i >= len(want) || got != want[i] {
			t.Errorf("set %d: %s", i, got)
		}
	}
	if len(order) != len(want) {
		t.Errorf("%d sets, want %d", len(order), len(want))
	}
	for i, name := range order {
		f, ok := splitField(name + "#1~missing:eventName")
		if ok != (i == 2) || (ok && f != "userIdentity.arn") {
			t.Errorf("%s: split by %q %v", name, f, ok)
		}
	}
	if v := eval.Lookup(ev, []string{"userIdentity", "arn"}, ast.KeysExact).Text(); v != "arn:a" {
		t.Errorf("the true positive itself changed: %s", v)
	}
	r.Threshold = nil
	if len(ThresholdSets(r)) != 0 {
		t.Error("sets for a rule without a Threshold")
	}
}

// A Threshold survives the round trip: Panther to Splunk to Panther and
// Splunk to Panther to Splunk give the same count, window and groups, and
// each conversion verifies against its source on the threshold's sets.
func TestThresholdRoundTrip(t *testing.T) {
	for _, c := range []struct {
		file    string
		via, to Target
		want    string
	}{
		{paCT + "aws_secretsmanager_secret_harvesting.yml", ToSplunk, ToPanther, "4 in 30m by [userIdentity.arn]"},
		{scCloud + "aws_burst_of_failed_discovery_calls.yml", ToPanther, ToSplunk, "3 in 10m by [userIdentity.arn sourceIPAddress]"},
	} {
		orig := compiled(t, c.file)
		res, _, err := Convert(orig, Options{To: c.via})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rule.Threshold == nil || thresholdText(res.Rule.Threshold) != c.want {
			t.Fatalf("%s: threshold %+v, want %s", c.file, res.Rule.Threshold, c.want)
		}
		mid := convertAndLoad(t, orig, c.via)
		v, _, err := Verify(orig, mid, res.Lossy, ThresholdSets(res.Rule), harness.CompareOptions{})
		if err != nil || v.Unaccepted != 0 {
			t.Errorf("%s to %s: verify %v, %d unaccepted", c.file, c.via, err, v.Unaccepted)
		}
		back, _, err := Convert(mid, Options{To: c.to})
		if err != nil {
			t.Fatalf("%s back to %s: %v", c.file, c.to, err)
		}
		if back.Rule.Threshold == nil || thresholdText(back.Rule.Threshold) != c.want {
			t.Errorf("%s back: threshold %+v, want %s", c.file, back.Rule.Threshold, c.want)
		}
	}
}

// The points where the two platforms count differently. Sources: Panther's
// dedup period opens at a group's first match
// (https://help.panther.com/Alerts_and_Destinations/Alerts/Will_specifying_a_dedup_period_delay_a_Panther_alert_for_the_duration_of_the_set_period%3F),
// its dedup string is dedup(), else title(), else the rule ID
// (https://help.panther.com/articles/9981434414-what-fields-are-used-for-deduplicating-repeated-alerts-in-panther);
// Splunk's stats drops a result whose by-field is null and splits a
// multivalue one (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats),
// and bin _time spans are aligned to the clock.
func TestThresholdLossy(t *testing.T) {
	th := &portable.Threshold{Count: 3, WindowMinutes: 10, GroupBy: [][]string{{"userIdentity", "arn"}, {"sourceIPAddress"}}}
	arn := &portable.Atom{Field: []string{"userIdentity", "arn"}, Op: portable.Exists}
	for _, c := range []struct {
		cond   portable.Expr
		source ast.Platform
		want   string
	}{
		// From Panther, a missing group field is a group of its own; the
		// condition requiring the field leaves only the other.
		{&portable.And{}, ast.Panther, "window; eventTime,_time; array userIdentity.arn,sourceIPAddress; join source; missing userIdentity.arn,sourceIPAddress source"},
		{arn, ast.Panther, "window; eventTime,_time; array userIdentity.arn,sourceIPAddress; join source; missing sourceIPAddress source"},
		// From Splunk, the per-event condition's lossy points say the drop.
		{&portable.And{}, ast.Splunk, "window; eventTime,_time; array userIdentity.arn,sourceIPAddress; join conversion"},
	} {
		var got []string
		for _, l := range thresholdLossy(th, c.cond, "AWS.CloudTrail", c.source) {
			dir := map[bool]string{true: "source", false: "conversion"}[l.SourceHits]
			switch {
			case len(l.Fields) == 0:
				got = append(got, "window")
			case strings.HasPrefix(l.Reason, "Both platforms place"):
				got = append(got, strings.Join(l.Fields, ","))
			case len(l.Kinds) == 1 && l.Kinds[0] == "array":
				got = append(got, "array "+strings.Join(l.Fields, ","))
			case strings.Contains(l.Reason, `":"`):
				got = append(got, "join "+dir)
			default:
				got = append(got, "missing "+strings.Join(l.Fields, ",")+" "+dir)
			}
		}
		if s := strings.Join(got, "; "); s != c.want {
			t.Errorf("%s from %s:\ngot  %s\nwant %s", portable.String(c.cond), c.source, s, c.want)
		}
	}
}
