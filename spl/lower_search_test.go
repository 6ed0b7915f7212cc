package spl

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseSearch_baseSearch(t *testing.T) {
	tests := []struct {
		note, search, want string
	}{
		{"empty matches everything", "", "bool:true"},
		{"star matches everything", "*", "bool:true"},
		{"exact", "eventName=DeleteTrail", `exactis(eventName "DeleteTrail")`},
		{"colon value", "sourcetype=aws:cloudtrail", `exactis(sourcetype "aws:cloudtrail")`},
		{"dotted value", "eventSource=bedrock.amazonaws.com", `exactis(eventSource "bedrock.amazonaws.com")`},
		{"dotted field exists", "userIdentity.arn=*", "exists(userIdentity.arn)"},
		{"braces in field", "requestParameters.items{}.id=i-123", `exactis(requestParameters.items{}.id "i-123")`},
		{"quoted field", `"user name"=bob`, `exactis(user name "bob")`},
		{"wildcard", "eventName=Delete*", `wildcardis(eventName "Delete*")`},
		{"quoted value with escapes", `cmd="a \"b\" c:\\x"`, `exactis(cmd "a \"b\" c:\\x")`},
		// Search Manual, "Backslashes": \\ is a backslash, \" a quote; \* cannot
		// escape the wildcard.
		{"backslash escape in word", `x=*\"on\":true*`, `wildcardis(x "*\"on\":true*")`},
		{"escaped backslashes in a path", `p=C:\\Windows\\*`, `wildcardis(p "C:\\Windows\\*")`},
		{"quoted path", `p="C:\\Windows\\x.exe"`, `exactis(p "C:\\Windows\\x.exe")`},
		{"not equal excludes missing", "user!=root", `and(exists(user), not(exactis(user "root")))`},
		{"NOT includes missing", "NOT user=root", `not(exactis(user "root"))`},
		// Search Manual, "Boolean expressions with logical operators": "The
		// operators must be capitalized"; lowercase ones are search terms.
		{"lowercase not is a term", "not user=root", `and(wildcardis(_raw "*not*"), exactis(user "root"))`},
		{"lowercase or is a term", "a=1 or b=2", `and(exactis(a "1"), wildcardis(_raw "*or*"), exactis(b "2"))`},
		// Search Manual, "Use CASE() and TERM() to match phrases".
		{"CASE value", "host=CASE(LOCALHOST)", `exacts(host "LOCALHOST")`},
		{"CASE keyword", "CASE(Error)", `wildcards(_raw "*Error*")`},
		{"TERM keyword", "TERM(10.0.0.1)", `wildcardis(_raw "*10.0.0.1*")`},
		{"compare number", "count>5", "cmp(count > int:5)"},
		{"compare text", "name<=m", `cmp(name <= string:"m")`},
		{"IN", `eventName IN (a, b*, "c d")`, `or(exactis(eventName "a"), wildcardis(eventName "b*"), exactis(eventName "c d"))`},
		{"IN lowercase with stray commas", `f in (,a,)`, `exactis(f "a")`},
		{"bare keyword", "mimikatz", `wildcardis(_raw "*mimikatz*")`},
		{"bare phrase", `"bad thing"`, `wildcardis(_raw "*bad thing*")`},
		{"implicit and flattens", "a=1 b=2 c=3", `and(exactis(a "1"), exactis(b "2"), exactis(c "3"))`},
		{"explicit and", "a=1 AND b=2", `and(exactis(a "1"), exactis(b "2"))`},
		// Splunk evaluates OR before AND in searches.
		{"OR binds tighter than AND", "a=1 b=2 OR c=3", `and(exactis(a "1"), or(exactis(b "2"), exactis(c "3")))`},
		{"OR binds tighter than explicit AND", "a=1 AND b=2 OR c=3 AND d=4",
			`and(exactis(a "1"), or(exactis(b "2"), exactis(c "3")), exactis(d "4"))`},
		{"NOT binds tighter than OR", "NOT a=1 OR b=2", `or(not(exactis(a "1")), exactis(b "2"))`},
		{"parentheses", "(a=1 OR b=2) c=3", `and(or(exactis(a "1"), exactis(b "2")), exactis(c "3"))`},
		{"or flattens", "a=1 OR (b=2 OR c=3)", `or(exactis(a "1"), exactis(b "2"), exactis(c "3"))`},
		{"keyword as value", "direction=IN", `exactis(direction "IN")`},
		{"word containing keyword", "ORACLE", `wildcardis(_raw "*ORACLE*")`},
		{"time modifiers match all", "earliest=-24h a=1", `exactis(a "1")`},
		{"leading search word", "search a=1", `exactis(a "1")`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			match, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.search, nil)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(pipe) != 0 {
				t.Fatalf("unexpected pipeline %v", pipe)
			}
			if got := show(match); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseSearch_positions(t *testing.T) {
	// The search starts at line 7, column 10 of the file.
	match, _, errs := ParseSearch("d.yml", ast.Pos{Line: 7, Col: 10}, "a=1\n  b=2", nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	lg := match.(*ast.Logic)
	if got := lg.Xs[0].Pos().String(); got != "d.yml:7:10" {
		t.Errorf("first term at %s", got)
	}
	if got := lg.Xs[1].Pos().String(); got != "d.yml:8:3" {
		t.Errorf("second term at %s", got)
	}
	if got := lg.Xs[1].End().String(); got != "d.yml:8:6" {
		t.Errorf("second term ends at %s", got)
	}
}
