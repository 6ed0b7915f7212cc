package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIndicatorsGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"parse_indicators", []string{"parse", fixtures, "--indicators"}},
		{"pairs", []string{"pairs", "testdata/bad", fixtures}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := concord(t, c.args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
			golden(t, c.name, out)
		})
	}
}

type atomJSON struct {
	Field  string   `json:"field"`
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

func atomsText(as []atomJSON) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, a.Field+" "+a.Op+" "+strings.Join(a.Values, ","))
	}
	return strings.Join(parts, "; ")
}

// The seed pair in parse's JSON: the indicators object is added to each OK
// rule, and the rest of the rule object is as before.
func TestParseIndicatorsJSON(t *testing.T) {
	out, errs, code := concord(t, "parse", seedSPL, seedPy, "--indicators", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Rules []struct {
			File, Platform, ID, Name, Status string
			Indicators                       *struct {
				Required      []atomJSON `json:"required"`
				Exclusions    []atomJSON `json:"exclusions"`
				Output        []string   `json:"output"`
				OutputUnknown string     `json:"output_unknown"`
			} `json:"indicators"`
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := map[string]struct{ req, excl, output string }{
		"panther": {
			`eventName eq DeleteModelInvocationLoggingConfiguration; eventSource eq bedrock.amazonaws.com`,
			`errorCode is_not_null ; errorMessage is_not_null `,
			"eventName,eventSource,awsRegion,recipientAccountId,sourceIPAddress,userAgent,userIdentity,actor_user"},
		"splunk": {
			`eventName eq_ci DeleteModelInvocationLoggingConfiguration; eventSource eq_ci bedrock.amazonaws.com; sourcetype eq_ci aws:cloudtrail`,
			``,
			"src,user,user_agent,vendor_account,vendor_product,dest,signature,vendor_region,count,firstTime,lastTime"},
	}
	if len(r.Rules) != 2 {
		t.Fatalf("%d rules, want 2:\n%s", len(r.Rules), out)
	}
	for _, rule := range r.Rules {
		w := want[rule.Platform]
		if rule.Status != "ok" || rule.ID == "" || rule.Indicators == nil {
			t.Fatalf("%s: status %q id %q indicators %v", rule.File, rule.Status, rule.ID, rule.Indicators)
		}
		ind := rule.Indicators
		if got := atomsText(ind.Required); got != w.req {
			t.Errorf("%s required:\ngot  %s\nwant %s", rule.Platform, got, w.req)
		}
		if got := atomsText(ind.Exclusions); got != w.excl {
			t.Errorf("%s exclusions:\ngot  %s\nwant %s", rule.Platform, got, w.excl)
		}
		if got := strings.Join(ind.Output, ","); got != w.output || ind.OutputUnknown != "" {
			t.Errorf("%s output: got %s (%s), want %s", rule.Platform, got, ind.OutputUnknown, w.output)
		}
	}
	// Empty lists are [], never null, so consumers need no special case.
	if !strings.Contains(out, `"exclusions": []`) {
		t.Errorf("the Splunk rule's exclusions should be an empty list:\n%s", out)
	}

	// Without the flag the contract is unchanged: no indicators key.
	plain, _, _ := concord(t, "parse", seedSPL, "--format", "json")
	if strings.Contains(plain, "indicators") {
		t.Errorf("parse without --indicators shows them:\n%s", plain)
	}
}

func TestPairsJSON(t *testing.T) {
	out, errs, code := concord(t, "pairs", "testdata/bad", fixtures, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Pairs []struct {
			Splunk, Panther string
			Score           float64
			Shared          []atomJSON
		}
		NotHandled int `json:"not_handled"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(r.Pairs) != 14 || r.NotHandled != 6 {
		t.Fatalf("%d pairs, %d not handled; want 14 and 6:\n%s", len(r.Pairs), r.NotHandled, out)
	}
	// The seed pair ranks among the fixture pairs; its score is lower than 2 since
	// other fixture detections also search bedrock.amazonaws.com.
	seed := r.Pairs[0]
	for _, p := range r.Pairs {
		if p.Splunk == seedSPL && p.Panther == seedPy {
			seed = p
		}
	}
	if seed.Splunk != seedSPL || seed.Panther != seedPy || seed.Score != 1.5 {
		t.Errorf("seed pair: %s / %s score %g; want the seed pair, score 1.5", seed.Splunk, seed.Panther, seed.Score)
	}
	if got, want := atomsText(seed.Shared), "eventName eq_ci DeleteModelInvocationLoggingConfiguration; eventSource eq_ci bedrock.amazonaws.com"; got != want {
		t.Errorf("shared:\ngot  %s\nwant %s", got, want)
	}
	// DeleteTrail is required by the test rules and by fixture pairs too, so
	// the good.yml pair shares a common value: the weakest score.
	if last := r.Pairs[len(r.Pairs)-1]; last.Score >= seed.Score || !strings.HasSuffix(last.Panther, "good.yml") {
		t.Errorf("weakest pair: %+v", last)
	}

	// --min-score drops the weaker pair.
	out, _, _ = concord(t, "pairs", "testdata/bad", fixtures, "--format", "json", "--min-score", "1.5")
	if strings.Count(out, `"splunk"`) != 9 {
		t.Errorf("--min-score 1.5 kept other than the seed pair:\n%s", out)
	}
}
