package spl

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// testMacros mirrors the shape of the real ESCU macros.
func testMacros() Macros {
	ms := Macros{}
	for _, m := range []*Macro{
		{Name: "cloudtrail", Definition: "sourcetype=aws:cloudtrail"},
		{Name: "security_content_ctime", Args: []string{"field"},
			Definition: `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)`},
		{Name: "pair", Args: []string{"f", "v"}, Definition: `$f$="$v$"`},
		{Name: "outer", Definition: "`cloudtrail` ```nested``` eventName=X"},
		{Name: "loop_a", Definition: "`loop_b`"},
		{Name: "loop_b", Definition: "`loop_a`"},
		{Name: "bad_body", Definition: "| stats count("},
	} {
		ms.Add(m)
	}
	return ms
}

func TestParseSearch_commands(t *testing.T) {
	tests := []struct {
		note, search string
		want         []string
	}{
		{"search", "a=1 | search b=2 OR c=3", []string{`search or(exactis(b "2"), exactis(c "3"))`}},
		{"where", "| where a>1 AND b==\"x\"", []string{`where and(cmp(a > int:1), cmp(b == string:"x"))`}},
		{"eval", `| eval a=1, 'b c'=lower(x) . "y"`, []string{`eval a=int:1; b c=concat(spl.lower(x), string:"y")`}},
		{"rename", `| rename user_name as user, "a b" AS c d As e`, []string{"rename user_name->user a b->c d->e"}},
		{"stats", "| stats count min(_time) as firstTime dc(x) values(y) AS ys by src user",
			[]string{"stats count()->count min(_time)->firstTime dc(x)->dc(x) values(y)->ys by src,user"}},
		{"stats by commas", "| stats count(f) by a, b", []string{"stats count(f)->count(f) by a,b"}},
		{"convert", `| convert timeformat="%Y" ctime(firstTime) ctime(lastTime) as last`,
			[]string{`convert "%Y" ctime(firstTime)-> ctime(lastTime)->last`}},
		{"convert default format", `| convert ctime(t)`, []string{`convert "%m/%d/%Y %H:%M:%S" ctime(t)->`}},
		{"table", "| table a b, c", []string{"table a,b,c"}},
		{"fields minus", "| fields - a b", []string{"fields remove=true a,b"}},
		{"fields plus", "| fields + a", []string{"fields remove=false a"}},
		{"unsupported", "| mstats count | transaction user", []string{"unsupported mstats", "unsupported transaction"}},
		{"subsearch stays in its stage", "| join x [search a=1 | stats count by x] | table x", []string{`join inner max=1 overwrite=true x [exactis(a "1") | stats count()->count by x]`, "table x"}},
		// Defaults and options from the join page of Splunk's Search Reference.
		{"join options", `| join type=outer max=0 overwrite=f a, "b c" [| search x=1]`, []string{`join left max=0 overwrite=false a,b c [bool:true | search exactis(x "1")]`}},
		{"subsearch glued to an option", "| join x type=inner[search a=1]", []string{`join inner max=1 overwrite=true x [exactis(a "1")]`}},
		{"append", "| append [search a=2 | eval z=1]", []string{`append [exactis(a "2") | eval z=int:1]`}},
		{"real AWS search",
			"`cloudtrail` eventSource=bedrock.amazonaws.com | rename user_name as user | stats count min(_time) as firstTime by src user | `security_content_ctime(firstTime)` | `x_filter`",
			[]string{"rename user_name->user", "stats count()->count min(_time)->firstTime by src,user",
				`convert "%Y-%m-%dT%H:%M:%S" ctime(firstTime)->`, "search bool:true"}},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.search, testMacros())
			for _, e := range errs {
				if e.Code != ast.CodeUnsupported {
					t.Fatalf("error: %v", e)
				}
			}
			var got []string
			for _, c := range pipe {
				got = append(got, showCmd(c))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestParseSearch_errors(t *testing.T) {
	at := ast.Pos{Line: 4, Col: 9}
	tests := []struct {
		note, search string
		code, want   string // want is a prefix of the first error
	}{
		{"unsupported command with position", "a=1 | transaction src", ast.CodeUnsupported, "d.yml:4:15: unsupported: transaction at 4:15"},
		{"unsupported stats function", "| stats estdc_error(x)", ast.CodeUnsupported, "d.yml:4:17: unsupported: stats function estdc_error at 4:17"},
		{"syntax error says what was expected", "a=1 | stats count by", ast.CodeParse,
			`d.yml:4:29: parse: syntax error in stats: unexpected token "<EOF>" (expected Name`},
		{"unbalanced parenthesis", "(a=1", ast.CodeParse, `d.yml:4:13: parse: syntax error in search: unexpected token "<EOF>" (expected ")")`},
		{"unterminated string", `a="x | b`, ast.CodeParse, "d.yml:4:11: parse: syntax error in search"},
		{"missing command", "a=1 | | b", ast.CodeParse, "d.yml:4:13: parse: syntax error in search: expected a command name after |"},
		{"unknown macro", "`nope` a=1", ast.CodeMacro, "d.yml:4:9: macro: unknown macro `nope`"},
		{"wrong argument count", "`security_content_ctime(a, b)`", ast.CodeMacro,
			"d.yml:4:9: macro: unknown macro `security_content_ctime(2)`: macro security_content_ctime takes 1 argument(s), called with 2"},
		{"cycle", "a=1 `loop_a`", ast.CodeMacro, "d.yml:4:13: macro: macro cycle: loop_a -> loop_b -> loop_a"},
		{"error inside a macro points at the call", "a=1 `bad_body`", ast.CodeParse,
			"d.yml:4:13: parse: syntax error in stats: unexpected token \"<EOF>\""},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, _, errs := ParseSearch("d.yml", at, tc.search, testMacros())
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.Code != tc.code || !strings.HasPrefix(e.Error(), tc.want) {
				t.Errorf("got  %s\nwant %s...", e, tc.want)
			}
		})
	}
}

func TestParseSearch_errorInMacroNamesIt(t *testing.T) {
	_, _, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, "a=1 `bad_body`", testMacros())
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "in the expansion of macro `bad_body`") {
		t.Fatalf("got %v", errs)
	}
}
