package spl

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// The shapes of security_content's foreach uses: linux_auditd_normalized_execve_process
// ('<<FIELD>>' as a field in eval) and the null-cleaning `foreach *` template.
func TestParseSearch_foreach(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`| foreach a* [eval relevant_fields=mvappend(relevant_fields, '<<FIELD>>')]`,
			`foreach a* [eval relevant_fields=spl.mvappend(relevant_fields, <<FIELD>>)]`},
		{`| foreach * [ eval <<FIELD>> = if(<<FIELD>>="null",null(),<<FIELD>>)]`,
			`foreach * [eval <<FIELD>>=cond(cmp(<<FIELD>> == string:"null"), null:null, <<FIELD>>)]`},
		{`| foreach stdev_* [eval z_<<MATCHSTR>>="<<MATCHSTR>>" | eval n=1]`,
			`foreach stdev_* [eval z_<<MATCHSTR>>=string:"<<MATCHSTR>>" | eval n=int:1]`},
	} {
		_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.src, nil)
		if len(errs) > 0 {
			t.Errorf("%s: %v", tc.src, errs)
			continue
		}
		if got := FormatCommand(pipe[0], show); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{`| foreach a*`, "expected a template"},
		{`| foreach [eval x=1]`, "expected the fields"},
		{`| foreach a* [stats count]`, "foreach template with *ast.StatsCmd"},
		{`| foreach a* fieldstr=<<F>> [eval x=1]`, "foreach token <<F>>"},
	} {
		_, _, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.src, nil)
		if len(errs) == 0 || !strings.Contains(errs.Error(), tc.want) {
			t.Errorf("%s: %v", tc.src, errs)
		}
	}
}
