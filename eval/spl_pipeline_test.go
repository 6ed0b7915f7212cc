package eval_test

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

// Eval functions and stats functions together, the way ESCU searches chain
// them: the search is parsed by the SPL front end and run by the pipeline.
func TestSPLFunctionsInPipeline(t *testing.T) {
	events := []string{
		`{"_time": 100, "user": "alice", "process": "C:\\Windows\\System32\\cmd.exe /c whoami", "bytes": "10"}`,
		`{"_time": 200, "user": "bob",   "process": "powershell.exe -enc AAAA", "bytes": "30"}`,
		`{"_time": 300, "user": "alice", "process": "C:\\Tools\\PSEXEC.exe \\\\host", "bytes": "20"}`,
		`{"_time": 400, "user": "carol", "bytes": "5"}`,
	}
	cases := []struct{ search, want string }{
		{`| eval exe=lower(mvindex(split(process, "\\"), -1)) | where like(exe, "%.exe%") | stats values(exe) as exes by user`,
			`exes="cmd.exe /c whoami" user="alice"; exes="powershell.exe -enc aaaa" user="bob"`},
		{`| eval kb=round(bytes/3, 1) | stats max(kb) as top min(kb) as low avg(bytes) as mean`,
			`low=1.7 mean=16.25 top=10.0`},
		{`| where isnull(process) OR match(process, "(?i)psexec") | stats count latest(user) as who`,
			`count=2 who="carol"`},
		{`| eval day=strftime(_time, "%Y-%m-%d"), n=mvcount(split(process, " ")) | stats sum(n) as words dc(day) as days`,
			`days=1 words=8`},
		{`| eval t=relative_time(_time, "@m") | stats earliest(user) as first_user max(t) as last_minute`,
			`first_user="alice" last_minute=360`},
		{`| eval tag=case(bytes > 25, "high", bytes > 9, "mid") | stats list(tag) as tags`,
			`tags=["mid", "high", "mid"]`},
	}
	for _, tc := range cases {
		t.Run(tc.search, func(t *testing.T) {
			_, cmds, errs := spl.ParseSearch("t.spl", ast.Pos{Line: 1, Col: 1}, tc.search, spl.Macros{})
			if len(errs) > 0 {
				t.Fatalf("parse: %v", errs)
			}
			p, errs := eval.CompilePipeline(cmds)
			if len(errs) > 0 {
				t.Fatalf("compile: %v", errs)
			}
			var rows []eval.Row
			for i, e := range events {
				v, err := ast.ParseJSON([]byte(e))
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, eval.Row{Fields: v.AsObject(), Src: []int{i}})
			}
			out, _, err := p.Run(rows)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range out {
				var fields []string
				for i, k := range r.Fields.Keys {
					fields = append(fields, k+"="+render(r.Fields.Vals[i]))
				}
				sortStrings(fields)
				got = append(got, strings.Join(fields, " "))
			}
			if g := strings.Join(got, "; "); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
