package spl

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseSearch_evalTargetWithDashes(t *testing.T) {
	// security_content's potentially_malicious_code_on_cmdline_tokenize_score
	// assigns to names with dashes, which Splunk reads up to the `=`.
	_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, `| eval f_set-mppreference=1, g = a - b`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ev := pipe[0].(*ast.EvalCmd)
	if ev.Assigns[0].Field != "f_set-mppreference" || ev.Assigns[1].Field != "g" {
		t.Errorf("targets %q %q", ev.Assigns[0].Field, ev.Assigns[1].Field)
	}
	// The right side is still arithmetic.
	if got := show(ev.Assigns[1].X); got != "spl.-(a, b)" {
		t.Errorf("g = %s", got)
	}
}

func TestParseSearch_fieldNamesWithParentheses(t *testing.T) {
	// security_content writes `values(aceFlags) as aceFlags(inheritance)`,
	// `fields - predicted(x)` and `by a, , b`, all of which Splunk accepts.
	_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1},
		`| stats count as n values(f) as f(g) by a, , b | rename values(f) as v | fields - p(q) r*`, nil)
	var got []string
	for _, c := range pipe {
		got = append(got, showCmd(c))
	}
	want := "stats count()->n values(f)->f(g) by a,b | rename values(f)->v | fields remove=true p(q),r*"
	if strings.Join(got, " | ") != want {
		t.Errorf("got  %s\nwant %s (errors %v)", strings.Join(got, " | "), want, errs)
	}
}

func TestParseSearch_statsEvalArgument(t *testing.T) {
	// The parenthesised name tail must not swallow count(eval(...)): the
	// argument is an eval expression, named by the call as written.
	_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, `| stats count(eval(x>1)) values(eval(if(t=="a", u, null()))) as us`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	aggs := pipe[0].(*ast.StatsCmd).Aggs
	if aggs[0].As != "count(eval(x>1))" || show(aggs[0].X) != "cmp(x > int:1)" || aggs[0].Arg != "" {
		t.Errorf("count: as %q x %s", aggs[0].As, show(aggs[0].X))
	}
	if aggs[1].As != "us" || show(aggs[1].X) != `cond(cmp(t == string:"a"), u, null:null)` {
		t.Errorf("values: as %q x %s", aggs[1].As, show(aggs[1].X))
	}
}
