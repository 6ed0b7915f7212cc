package spl

import (
	"sort"
	"testing"

	"github.com/concordsec/concord/ast"
)

// FuzzParseSearch checks that no input makes the front end panic: every
// problem must come back as an error. The seeds are the searches of
// testdata/searches, so plain `go test` runs the whole corpus through here
// too, and fuzzing starts from the shapes detections really have.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"`cloudtrail` eventSource=bedrock.amazonaws.com | rename user_name as user | stats count min(_time) as firstTime by src user | `security_content_ctime(firstTime)` | `x_filter`",
		`a=1 OR (b!=2 NOT c IN (x, "y*")) | where a>1 AND like(b, "%x") | eval c=if(a, 'b.c' . "x", null())`,
		"| tstats count from datamodel=X by Y | `loop_a` | fields - a | table a, b | convert ctime(x) as y",
		`x="unterminated | [search y | z] ` + "```c```",
		`| bucket span=5m _time | eventstats avg(c) as a by s | streamstats window=2 current=f count by s | sort 0 - c, num(x) desc | dedup 2 a b sortby -_time | head 3 | tail`,
		`| spath output=u path=a{}.b | mvexpand u limit=2 | makemv delim="," tokenizer="(\w+)" u | fillnull value=0 a, b | rename a.* as *`,
		`| rex field=x max_match=0 "(?<a>\d+)(?'b'x)" | rex mode=sed field=y "s/(a)\//$/g" | regex z!="(?i)q" | replace "a*" with "*b" in c | fromjson d prefix=p_`,
	} {
		f.Add(s)
	}
	corpus := readCorpus(f)
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, s := range corpus[name] {
			f.Add(s.Text)
		}
	}
	// The corpus's macros and lookups, plus the unit tests' macros (cycles,
	// arguments, a broken body), so that mutated calls reach all of them.
	fe := newCorpusFrontEnd(f)
	ms := testMacros()
	for k, m := range fe.macros {
		ms[k] = m
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseSource(&Source{File: "f.yml", At: ast.Pos{Line: 1, Col: 1}, Text: s}, ms, fe.lookups, nil)
		ParseEval("f.conf", ast.Pos{Line: 1, Col: 1}, s)
	})
}
