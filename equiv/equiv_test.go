package equiv

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func labels(cs []Class) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return strings.Join(out, " | ")
}

func TestVariants(t *testing.T) {
	for _, tc := range []struct {
		c    constant
		want string
	}{
		{constant{val: ast.String("DeleteTrail")},
			`"DeleteTrail" | "DELETETRAIL" (upper case of "DeleteTrail") | "deletetrail" (lower case of "DeleteTrail") | "deleteTrail" (first letter in the other case of "DeleteTrail")`},
		{constant{val: ast.String("Delete*"), kind: ast.MatchWildcard, pattern: true},
			`"Delete" | "DELETE" (upper case of "Delete") | "delete" (lower case of "Delete") | "Deletex" | "DELETEX" (upper case of "Deletex") | "deletex" (lower case of "Deletex") | "Delete*" (the pattern as text)`},
		{constant{val: ast.String("10.0.0.0/8")}, `"10.0.0.0/8" | 10.0.0.0 (in 10.0.0.0/8) | 11.0.0.0 (outside 10.0.0.0/8)`},
		{constant{val: ast.Int(5)}, `5 | "5" (as text) | 6 | 4`},
	} {
		if got := labels(variants(tc.c)); got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.c.val.Repr(), got, tc.want)
		}
	}
	if _, ok := outside(netip.MustParsePrefix("0.0.0.0/0")); ok {
		t.Error("nothing is outside /0")
	}
}

func field(name string) *ast.Field { return &ast.Field{Path: []string{name}} }

func TestPerEvent(t *testing.T) {
	match := &ast.Match{X: field("eventName"), Kind: ast.MatchExact, Pattern: "DeleteTrail", Fold: true, Search: true}
	rule := func(cmds ...ast.Command) *ast.Rule {
		return &ast.Rule{Platform: ast.Splunk, Match: match, Pipeline: cmds}
	}
	for _, tc := range []struct {
		note   string
		rule   *ast.Rule
		want   string // the conjuncts after the base search, by kind and field
		reason string
	}{
		{"rename then stats by", rule(&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "user_name", To: "user"}}}, &ast.StatsCmd{By: []string{"user", "src"}}),
			"Exists(user_name) Exists(src)", ""},
		{"eval feeds where", rule(&ast.EvalCmd{Assigns: []ast.Assign{{Field: "n", X: field("userName")}}}, &ast.WhereCmd{Cond: &ast.IsNull{X: field("n")}}),
			"IsNull(userName)", ""},
		{"search on a by-field after stats", rule(&ast.StatsCmd{By: []string{"src"}}, &ast.SearchCmd{Cond: &ast.Exists{X: field("src")}}),
			"Exists(src) Exists(src)", ""},
		{"where on an aggregate", rule(&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "count"}}, By: []string{"src"}}, &ast.WhereCmd{Cond: &ast.Compare{Op: ast.Gt, X: field("count"), Y: &ast.Lit{Val: ast.Int(5)}}}),
			"", "where on count, an aggregate: a verdict on a set of events"},
		{"dedup drops null fields", rule(&ast.DedupCmd{Count: 1, Fields: []string{"src"}}), "Exists(src)", ""},
		{"lookup is outside", rule(&ast.LookupCmd{}), "", "command Lookup"},
		// Splunk renames only the fields that exist, so type keeps its own
		// value when userIdentity.type is null; userIdentity.arn is gone,
		// unless a userIdentity.userIdentity.arn is renamed into it.
		{"rename with a wildcard", rule(&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "userIdentity.*", To: "*"}}}, &ast.WhereCmd{Cond: &ast.IsNull{X: field("type")}}, &ast.StatsCmd{By: []string{"userIdentity.arn"}}),
			"IsNull(coalesce(userIdentity.type,type)) Exists(userIdentity.userIdentity.arn)", ""},
		{"a later exact rename wins", rule(&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "userIdentity.*", To: "*"}}}, &ast.RenameCmd{Pairs: []ast.RenamePair{{From: "sourceIPAddress", To: "type"}}}, &ast.StatsCmd{By: []string{"type", "arn"}}),
			"Exists(coalesce(userIdentity.sourceIPAddress,sourceIPAddress)) Exists(coalesce(userIdentity.arn,arn))", ""},
		{"two stars", rule(&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "*.*", To: "*_*"}}}), "", "rename with wildcards other than one * on each side"},
	} {
		x, reason := PerEvent(tc.rule)
		if reason != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.note, reason, tc.reason)
			continue
		}
		if x == nil {
			continue
		}
		var got []string
		if l, ok := x.(*ast.Logic); ok {
			for _, c := range l.Xs[1:] {
				got = append(got, shape(c))
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: %s, want %s", tc.note, g, tc.want)
		}
	}
}

func shape(x ast.Expr) string {
	var name func(e ast.Expr) string
	name = func(e ast.Expr) string {
		switch n := e.(type) {
		case *ast.Field:
			return strings.Join(n.Path, ".")
		case *ast.Lit:
			if n.Val.IsMissing() {
				return "missing"
			}
		case *ast.Call:
			if n.Fn == "spl.coalesce" && len(n.Args) == 2 {
				return "coalesce(" + name(n.Args[0]) + "," + name(n.Args[1]) + ")"
			}
		}
		return "?"
	}
	switch n := x.(type) {
	case *ast.Exists:
		return "Exists(" + name(n.X) + ")"
	case *ast.IsNull:
		return "IsNull(" + name(n.X) + ")"
	}
	return "?"
}
