package eval

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// Semantics from the lookup page of Splunk's Search Reference and from
// transforms.conf.spec (match_type WILDCARD, case_sensitive_match,
// min_matches/default_match, max_matches).
func TestLookupStage(t *testing.T) {
	table := &ast.LookupTable{
		Name:     "risky_api_calls",
		Fields:   []string{"api", "risky", "tactic"},
		Rows:     [][]string{{"Delete*", "true", "impact"}, {"StopLogging", "true", "defense-evasion"}, {"PutBucketPolicy", "true", "exfiltration"}, {"PutBucketPolicy", "true", ""}},
		Wildcard: map[string]bool{"api": true}, MaxMatches: 100, MinMatches: 1, DefaultMatch: "false",
	}
	exact := *table
	exact.Wildcard, exact.CaseSensitive, exact.MinMatches = nil, true, 0
	folded := exact
	folded.CaseSensitive, folded.MaxMatches = false, 1
	f := func(tbl, ev string) ast.LookupField { return ast.LookupField{Table: tbl, Event: ev} }
	tests := []struct {
		note  string
		table *ast.LookupTable
		cmd   ast.LookupCmd
		row   string
		want  string
	}{
		{"wildcard row, case-insensitive", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic")}},
			`{"eventName":"deletetrail"}`, `{"eventName":"deletetrail","tactic":"impact"}`},
		{"min_matches not reached: default_match", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("risky", "is_risky")}},
			`{"eventName":"ListBuckets"}`, `{"eventName":"ListBuckets","is_risky":"false"}`},
		{"several matches give a multivalue output; empty cells are no value", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic")}},
			`{"eventName":"PutBucketPolicy"}`, `{"eventName":"PutBucketPolicy","tactic":"exfiltration"}`},
		{"no output clause outputs every other column", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}},
			`{"eventName":"StopLogging"}`, `{"eventName":"StopLogging","risky":"true","tactic":"defense-evasion"}`},
		{"case-sensitive exact table: no match, OUTPUT removes the field", &exact,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic")}},
			`{"eventName":"stoplogging","tactic":"old"}`, `{"eventName":"stoplogging"}`},
		{"exact table, case-insensitive, max_matches=1 keeps the first row", &folded,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic")}},
			`{"eventName":"putbucketpolicy"}`, `{"eventName":"putbucketpolicy","tactic":"exfiltration"}`},
		{"OUTPUTNEW keeps existing values", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic"), f("risky", "risky")}, OutputNew: true},
			`{"eventName":"StopLogging","tactic":"old"}`, `{"eventName":"StopLogging","tactic":"old","risky":"true"}`},
		{"multivalue match field looks up each value", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("tactic", "tactic")}},
			`{"eventName":["StopLogging","DeleteBucket"]}`, `{"eventName":["StopLogging","DeleteBucket"],"tactic":["defense-evasion","impact"]}`},
		{"absent match field: row left alone", table,
			ast.LookupCmd{Match: []ast.LookupField{f("api", "eventName")}, Output: []ast.LookupField{f("risky", "risky")}},
			`{"x":1}`, `{"x":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			cmd := tc.cmd
			cmd.Table = tc.table
			p, errs := CompilePipeline([]ast.Command{&cmd})
			if errs != nil {
				t.Fatal(errs)
			}
			out, _, err := p.Run([]Row{{Fields: record(t, tc.row).AsObject(), Src: []int{0}}})
			if err != nil {
				t.Fatal(err)
			}
			if got := ast.JSON(ast.ObjectOf(out[0].Fields)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestInputlookupStage(t *testing.T) {
	table := &ast.LookupTable{Name: "t", Fields: []string{"a", "b"}, Rows: [][]string{{"1", "x"}, {"2", ""}}}
	where := &ast.Match{X: field("a"), Kind: ast.MatchExact, Pattern: "2", Search: true}
	p, errs := CompilePipeline([]ast.Command{&ast.InputlookupCmd{Table: table, Append: true, Where: where}})
	if errs != nil {
		t.Fatal(errs)
	}
	out, _, err := p.Run([]Row{{Fields: record(t, `{"e":1}`).AsObject(), Src: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsText(out); got != `{"e":1}@0 {"a":"2"}@` {
		t.Errorf("got %s", got)
	}
}
