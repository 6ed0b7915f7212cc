package spl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseSearch_lookup(t *testing.T) {
	lk := &Lookups{Dir: filepath.Join(testRoot, "lookups")}
	tests := []struct {
		note, search string
		want         string // match fields, output fields, OUTPUTNEW; or the unsupported/parse message
	}{
		{"output clause", "| lookup risky_api_calls api AS eventName OUTPUT risky AS is_risky, tactic",
			"match api->eventName out risky->is_risky tactic->tactic new=false table=risky_api_calls rows=4"},
		{"outputnew, options", "| lookup update=true risky_api_calls.csv api AS eventName OUTPUTNEW tactic",
			"match api->eventName out tactic->tactic new=true table=risky_api_calls rows=4"},
		{"no output clause", "| lookup risky_api_calls api", "match api->api out  new=false table=risky_api_calls rows=4"},
		{"KV store collection", "| lookup seen_logins user OUTPUT firstTimeSeen",
			"match user->user out firstTimeSeen->firstTimeSeen new=false table=seen_logins rows=0; warning: lookup seen_logins reads KV store collection seen_logins, which concord starts empty as a fresh Splunk does"},
		{"unknown table", "| lookup nope a", "unsupported: lookup: lookup nope: no lookups/nope.yml in the content tree"},
		{"not a CSV", "| lookup broken a", `unsupported: lookup: lookup broken: `},
		{"unknown field", "| lookup risky_api_calls apii", `match apii->apii out  new=false table=risky_api_calls rows=4; parse: lookup risky_api_calls has no field "apii" (it has api, risky, tactic)`},
		{"dangling AS", "| lookup risky_api_calls api AS", "parse: syntax error in lookup: AS needs a field on each side"},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, pipe, errs := parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: tc.search}, nil, lk, nil)
			got := ""
			if c, ok := pipe[0].(*ast.LookupCmd); ok {
				got = "match " + showFields(c.Match) + " out " + showFields(c.Output) + " new=" + map[bool]string{true: "true", false: "false"}[c.OutputNew]
				got += " table=" + c.Table.Name + " rows=" + string(rune('0'+len(c.Table.Rows)))
			}
			for _, e := range errs {
				if got != "" {
					got += "; "
				}
				got += e.Code + ": " + strings.TrimPrefix(e.Msg, e.Code+": ")
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func showFields(fs []ast.LookupField) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Table+"->"+f.Event)
	}
	return strings.Join(parts, " ")
}

func TestParseSearch_inputlookup(t *testing.T) {
	lk := &Lookups{Dir: filepath.Join(testRoot, "lookups")}
	_, pipe, errs := parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: "| inputlookup append=t risky_api_calls where tactic=impact"}, nil, lk, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := pipe[0].(*ast.InputlookupCmd)
	if !c.Append || c.Table.Name != "risky_api_calls" || show(c.Where) != `exactis(tactic "impact")` {
		t.Errorf("append %v table %s where %s", c.Append, c.Table.Name, show(c.Where))
	}
	// security_content also writes the option after the name.
	_, pipe, errs = parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: "| inputlookup risky_api_calls append=t"}, nil, lk, nil)
	if c, ok := pipe[0].(*ast.InputlookupCmd); len(errs) > 0 || !ok || !c.Append {
		t.Errorf("option after the name: %v %v", pipe[0], errs)
	}
}

func TestParseSearch_iplocationErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"| iplocation", "expected an IP address field"},
		{"| iplocation a b", `a second field "b"`},
		{"| iplocation geoip_db=x a", "unknown option geoip_db"},
		{"| iplocation allfields=maybe a", "allfields must be true or false"},
	} {
		_, _, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.src, nil)
		if !errs.Has(ast.CodeParse) || !strings.Contains(errs.Error(), tc.want) {
			t.Errorf("%s: %v", tc.src, errs)
		}
	}
}

func TestParseSearch_anomalydetection(t *testing.T) {
	// security_content's only use (aws_exfiltration_via_anomalous_getobject_api_activity).
	_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, `| anomalydetection "count" "user_type" "user_arn" action=annotate`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := pipe[0].(*ast.AnomalyDetectionCmd)
	if !c.Annotate || !c.Cutoff || c.PThresh != 0 || strings.Join(c.Fields, ",") != "count,user_type,user_arn" {
		t.Errorf("%+v", c)
	}
	for _, tc := range []struct{ src, code, want string }{
		{"| anomalydetection method=zscore a", ast.CodeUnsupported, "unsupported: anomalydetection method=zscore at 1:20"},
		{"| anomalydetection action=summary", ast.CodeUnsupported, "unsupported: anomalydetection action=summary"},
		{"| anomalydetection action=flag", ast.CodeParse, "action=flag (expected filter, annotate or summary)"},
		{"| anomalydetection pthresh=2", ast.CodeParse, "pthresh=2 (expected a probability"},
		{"| anomalydetection cutoff=maybe", ast.CodeParse, "cutoff=maybe (expected true or false)"},
		{"| anomalydetection window=5", ast.CodeParse, "unknown option window"},
	} {
		_, _, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.src, nil)
		if !errs.Has(tc.code) || !strings.Contains(errs.Error(), tc.want) {
			t.Errorf("%s: %v", tc.src, errs)
		}
	}
}
