package notation

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/concordsec/concord/ast"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCases are multi-line prints of realistic rules.
func goldenCases() map[string]ast.Expr {
	a := func(xs ...ast.Expr) *ast.Logic { return and(xs...) }
	return map[string]ast.Expr{
		// Panther: AWS.CloudTrail rule with a global helper and a Python-style
		// deep_get default.
		"panther_cloudtrail": a(
			&ast.Helper{
				Name: "aws_cloudtrail_success",
				Args: []ast.Expr{f()},
				Body: andS(isNull(f("errorCode")), isNull(f("errorMessage"))),
			},
			eq(f("eventSource"), str("iam.amazonaws.com")),
			cmp(ast.Ne, ast.Python,
				&ast.Call{Fn: "panther.deep_get", Args: []ast.Expr{f(), str("userIdentity"), str("type"), str("")}, Keywords: []string{"default"}},
				str("Root")),
			&ast.In{X: f("eventName"), Y: list(str("CreateAccessKey"), str("UpdateAccessKey"))},
			cmp(ast.Ne, ast.Python,
				&ast.Default{X: f("userIdentity", "type"), Else: str("<UNKNOWN>"), OnNull: true},
				str("AssumedRole")),
			not(match(&ast.Default{X: f("userAgent"), Else: str("")}, ast.MatchPrefix, "aws-internal", false, false)),
			orS(
				&ast.Truth{X: &ast.Index{X: f("requestParameters"), Key: str("userName")}},
				call("py.str.lower", f("recipientAccountId"))),
		),
		// Splunk: base search terms with a macro, wildcard terms and an eval-style
		// where condition.
		"splunk_search": a(
			&ast.Helper{
				Name: "cloudtrail",
				Body: match(f("sourcetype"), ast.MatchExact, "aws:cloudtrail", true, true),
			},
			match(f("eventName"), ast.MatchExact, "DeleteTrail", true, true),
			or(
				match(f("userIdentity.arn"), ast.MatchWildcard, "*:assumed-role/*", true, true),
				match(f("src_ip"), ast.MatchPrefix, "10.", true, true)),
			not(&ast.Exists{X: f("errorCode")}),
			cmp(ast.Ge, ast.SPLEval,
				call("spl.len", &ast.Concat{Parts: []ast.Expr{f("user"), str("@"), f("dest")}, Dialect: ast.SPLEval}),
				num(5)),
			&ast.In{X: call("spl.lower", f("action")), Y: list(str("deleted"), str("stopped")), Dialect: ast.SPLEval},
			&ast.Cond{
				If:   call("spl.isnotnull", f("x")),
				Then: lit(ast.True),
				Else: cmp(ast.Eq, ast.SPLEval, f("y"), flt(1.5)),
			},
		),
		// Everything nested once: parentheses only where precedence needs them.
		"nesting": a(
			or(a(f("a"), f("b")), not(or(f("c"), f("d")))),
			eq(eq(f("a"), f("b")), lit(ast.False)),
			&ast.Default{X: f("a"), Else: &ast.Default{X: f("b"), Else: lit(ast.List(ast.Int(1), ast.String("x")))}},
			&ast.DictLit{Keys: []ast.Expr{str("k")}, Vals: []ast.Expr{lit(obj("n", ast.Null))}},
			a(f("x"), f("y")),
		),
	}
}

func TestGolden(t *testing.T) {
	for name, x := range goldenCases() {
		path := filepath.Join("testdata", name+".golden")
		got := Print(x) + "\n"
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./notation -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: Print differs from the golden file:\n--- got\n%s--- want\n%s", name, got, want)
		}
		back, errs := Parse(path, string(want))
		if errs != nil {
			t.Errorf("%s: %v", name, errs)
			continue
		}
		if !Equal(back, x) {
			t.Errorf("%s: the golden file parses to a different tree:\n%s", name, Print(back))
		}
	}
}
