package spl

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseEval(t *testing.T) {
	tests := []struct {
		note, expr, want string
	}{
		{"compare ==", `a == "x"`, `cmp(a == string:"x")`},
		{"compare =", `a = 1`, `cmp(a == int:1)`},
		// In eval AND binds tighter than OR (unlike the base search).
		{"AND binds tighter than OR", "a=1 OR b=2 AND c=3", `or(cmp(a == int:1), and(cmp(b == int:2), cmp(c == int:3)))`},
		{"NOT", "NOT a=1", `not(cmp(a == int:1))`},
		{"quoted field, string, float", `'userIdentity.arn' != "x" OR n > 1.5`, `or(cmp(userIdentity.arn != string:"x"), cmp(n > float:1.5))`},
		{"dotted field", `userIdentity.accountId`, `userIdentity.accountId`},
		{"concat", `a . "-" . b`, `concat(a, string:"-", b)`},
		{"arithmetic precedence", `a + b * 2 - 1`, `spl.-(spl.+(a, spl.*(b, int:2)), int:1)`},
		{"negative literal", `-3`, `int:-3`},
		{"if", `if(a>1, "big", "small")`, `cond(cmp(a > int:1), string:"big", string:"small")`},
		{"case", `case(eventName=="X", a, true(), coalesce('userIdentity.userName', b))`,
			`cond(cmp(eventName == string:"X"), a, cond(bool:true, spl.coalesce(userIdentity.userName, b), null:null))`},
		{"isnull", `isnull(x)`, `isnull(x)`},
		{"isnotnull", `isnotnull(x)`, `not(isnull(x))`},
		{"like constant", `like(x, "a%")`, `like_spl(x "a%")`},
		{"like operator", `x LIKE "a_"`, `like_spl(x "a_")`},
		{"LIKE function uppercase", `LIKE (x, "a%")`, `like_spl(x "a%")`},
		{"like dynamic", `like(x, y)`, `spl.like(x, y)`},
		{"match constant", `match(x, "^a.*")`, `regex_spl(x "^a.*")`},
		// searchmatch("...") with a constant is a base search (Search Reference,
		// "Comparison and Conditional functions": searchmatch(<search_str>) is true
		// when the event matches the search string).
		{"searchmatch constant", `searchmatch("user=admin* fail")`, `and(wildcardis(user "admin*"), wildcardis(_raw "*fail*"))`},
		{"searchmatch computed", `searchmatch(q)`, `spl.searchmatch(q)`},
		{"in function", `in(x, "a", "b")`, `in(x [string:"a", string:"b"])`},
		{"IN operator", `x IN ("a", "b")`, `in(x [string:"a", string:"b"])`},
		{"null true false", `coalesce(null(), true(), false())`, `spl.coalesce(null:null, bool:true, bool:false)`},
		{"other functions", `mvindex(split(lower(x), "@"), 0)`, `spl.mvindex(spl.split(spl.lower(x), string:"@"), int:0)`},
		{"function names fold", `UPPER(x)`, `spl.upper(x)`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			x, errs := ParseEval("st.conf", ast.Pos{Line: 1, Col: 1}, tc.expr)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			got := show(x)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseEval_errors(t *testing.T) {
	tests := []struct{ note, expr, want string }{
		{"if arity", `if(a, b)`, "f.conf:3:5: parse: if() takes 3 arguments, got 2"},
		{"validate pairs", `validate(a, "m", b)`, "f.conf:3:5: parse: validate() takes condition/value pairs, got 3"},
		{"syntax", `a == `, `f.conf:3:10: parse: syntax error in eval expression: unexpected token "<EOF>"`},
		{"lexer", `a # b`, `f.conf:3:7: parse: syntax error in eval expression`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, errs := ParseEval("f.conf", ast.Pos{Line: 3, Col: 5}, tc.expr)
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			if got := errs[0].Error(); len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
				t.Errorf("got  %s\nwant %s...", got, tc.want)
			}
		})
	}
}
