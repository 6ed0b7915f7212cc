package spl

import (
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
