package notation

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
)

// Constructors for test trees.

func f(path ...string) *ast.Field   { return &ast.Field{Path: path} }
func lit(v ast.Value) *ast.Lit      { return &ast.Lit{Val: v} }
func str(s string) *ast.Lit         { return lit(ast.String(s)) }
func num(n int64) *ast.Lit          { return lit(ast.Int(n)) }
func flt(x float64) *ast.Lit        { return lit(ast.Float(x)) }
func not(x ast.Expr) *ast.Not       { return &ast.Not{X: x} }
func isNull(x ast.Expr) *ast.IsNull { return &ast.IsNull{X: x} }
func and(xs ...ast.Expr) *ast.Logic {
	return &ast.Logic{Op: ast.And, Xs: xs}
}
func or(xs ...ast.Expr) *ast.Logic { return &ast.Logic{Op: ast.Or, Xs: xs} }
func andS(xs ...ast.Expr) *ast.Logic {
	return &ast.Logic{Op: ast.And, Xs: xs, Operand: true}
}
func orS(xs ...ast.Expr) *ast.Logic {
	return &ast.Logic{Op: ast.Or, Xs: xs, Operand: true}
}
func cmp(op ast.CmpOp, d ast.Dialect, x, y ast.Expr) *ast.Compare {
	return &ast.Compare{Op: op, Dialect: d, X: x, Y: y}
}
func eq(x, y ast.Expr) *ast.Compare { return cmp(ast.Eq, ast.Python, x, y) }
func match(x ast.Expr, k ast.MatchKind, pat string, fold, search bool) *ast.Match {
	return &ast.Match{X: x, Kind: k, Pattern: pat, Fold: fold, Search: search}
}
func call(fn string, args ...ast.Expr) *ast.Call { return &ast.Call{Fn: fn, Args: args} }
func list(xs ...ast.Expr) *ast.ListLit           { return &ast.ListLit{Elems: xs} }

func obj(kv ...any) ast.Value {
	o := &ast.Object{}
	for i := 0; i < len(kv); i += 2 {
		o.Keys = append(o.Keys, kv[i].(string))
		o.Vals = append(o.Vals, kv[i+1].(ast.Value))
	}
	return ast.ObjectOf(o)
}

type rtCase struct {
	x    ast.Expr
	want string // Print(x)
}

func roundTripCases() []rtCase {
	a, b, c := f("a"), f("b"), f("c")
	cases := []rtCase{
		// The Panther catalog example.
		{and(
			eq(f("eventSource"), str("bedrock.amazonaws.com")),
			eq(f("eventName"), str("DeleteModelInvocationLoggingConfiguration")),
			not(or(not(isNull(f("errorCode"))), not(isNull(f("errorMessage"))))),
		), "eventSource eq \"bedrock.amazonaws.com\"\neventName eq \"DeleteModelInvocationLoggingConfiguration\"\nnot (errorCode is_not_null or errorMessage is_not_null)"},

		// Fields.
		{f(), "event"},
		{&ast.Field{Path: []string{}}, "event"},
		{f("a"), "a"},
		{f("userIdentity", "arn"), "userIdentity.arn"},
		{f("userIdentity.arn"), "'userIdentity.arn'"},
		{f("@timestamp", "$x", "a-b", "_1"), "@timestamp.$x.a-b._1"},
		{f("a", "b c", "d"), "a.'b c'.d"},
		{f(""), "''"},
		{f("1abc"), "'1abc'"},
		{f("-x"), "'-x'"},
		{f("it's"), `'it\'s'`},
		{f(`say "hi"`), `'say "hi"'`},
		{f("tab\there", "nl\n", "é", "\x80"), `'tab\there'.'nl\n'.'é'.'\x80'`},
		{f("event"), "'event'"},
		{f("event", "x"), "'event'.x"},
		{f("not"), "'not'"},
		{f("contains", "exists"), "'contains'.exists"},
		{f("a", "not", "in"), "a.not.in"},
		{f("true"), "'true'"},
		{f("NOT"), "NOT"},

		// Literals.
		{num(0), "0"},
		{num(42), "42"},
		{num(-7), "-7"},
		{num(math.MaxInt64), "9223372036854775807"},
		{num(math.MinInt64), "-9223372036854775808"},
		{flt(1), "1.0"},
		{flt(-2.5), "-2.5"},
		{flt(1e21), "1e+21"},
		{flt(1e-7), "1e-07"},
		{flt(123456789.0), "1.23456789e+08"},
		{flt(0.1), "0.1"},
		{flt(math.Copysign(0, -1)), "-0.0"},
		{flt(math.Inf(1)), "+inf"},
		{flt(math.Inf(-1)), "-inf"},
		{flt(math.NaN()), "nan"},
		{flt(math.MaxFloat64), "1.7976931348623157e+308"},
		{flt(5e-324), "5e-324"},
		{str(""), `""`},
		{str("a\"b\\c\n\t"), `"a\"b\\c\n\t"`},
		{str("it's"), `"it's"`},
		{str("é日本"), `"é日本"`},
		{str("\x00\x80\u2028"), `"\x00\x80\u2028"`},
		{lit(ast.True), "true"},
		{lit(ast.False), "false"},
		{lit(ast.Null), "null"},
		{lit(ast.Missing), "missing"},
		{lit(ast.List()), "const []"},
		{lit(ast.List(ast.Int(1), ast.Float(2), ast.String("x"), ast.Null, ast.Missing, ast.List(ast.True))),
			`const [1, 2.0, "x", null, missing, [true]]`},
		{lit(obj()), "const {}"},
		{lit(ast.ObjectOf(nil)), "const {}"},
		{lit(obj("b", ast.Int(1), "a", obj("x", ast.List()), "", ast.Null)), `const {"b": 1, "a": {"x": []}, "": null}`},

		// Logic.
		{and(a, b), "a\nb"},
		{and(a, b, c), "a\nb\nc"},
		{or(a, b, c), "a or b or c"},
		{andS(a, b), "a and* b"},
		{orS(a, b, c), "a or* b or* c"},
		{and(), "and()"},
		{and(a), "and(a)"},
		{or(), "or()"},
		{or(a), "or(a)"},
		{andS(), "and*()"},
		{orS(a), "or*(a)"},
		{or(and(a, b), c), "a and b or c"},
		{or(andS(a, b), orS(b, c)), "a and* b or (b or* c)"},
		{or(or(a, b), c), "(a or b) or c"},
		{or(a, or(b, c)), "a or (b or c)"},
		{andS(andS(a, b), c), "(a and* b) and* c"},
		{andS(or(a, b), c), "(a or b) and* c"},
		{and(and(a, b), c), "a and b\nc"},
		{and(or(a, b), c), "a or b\nc"},
		{and(andS(a, b), c), "a and* b\nc"},
		{andS(a, and(b, c)), "a and* (b and c)"},
		{or(and(a), b), "and(a) or b"},

		// Not.
		{not(a), "not a"},
		{not(not(a)), "not not a"},
		{not(eq(a, b)), "not a eq b"},
		{not(or(a, b)), "not (a or b)"},
		{not(and(a, b)), "not (a and b)"},
		{not(isNull(a)), "a is_not_null"},
		{not(not(isNull(a))), "not a is_not_null"},
		{and(not(a), b), "not a\nb"},
		{or(not(a), not(b)), "not a or not b"},
		{eq(not(a), b), "(not a) eq b"},

		// Postfix tests.
		{&ast.Truth{X: a}, "a truthy"},
		{isNull(a), "a is_null"},
		{&ast.Exists{X: a}, "a exists"},
		{&ast.Truth{X: eq(a, b)}, "(a eq b) truthy"},
		{isNull(&ast.Default{X: a, Else: b}), "a default b is_null"},
		{not(isNull(not(isNull(a)))), "(a is_not_null) is_not_null"},
		{&ast.Truth{X: not(a)}, "(not a) truthy"},

		// Comparisons, both dialects.
		{cmp(ast.Eq, ast.Python, a, b), "a eq b"},
		{cmp(ast.Ne, ast.Python, a, b), "a ne b"},
		{cmp(ast.Lt, ast.Python, a, b), "a lt b"},
		{cmp(ast.Le, ast.Python, a, b), "a le b"},
		{cmp(ast.Gt, ast.Python, a, b), "a gt b"},
		{cmp(ast.Ge, ast.Python, a, b), "a ge b"},
		{cmp(ast.Eq, ast.SPLEval, a, b), "a == b"},
		{cmp(ast.Ne, ast.SPLEval, a, b), "a != b"},
		{cmp(ast.Lt, ast.SPLEval, a, b), "a < b"},
		{cmp(ast.Le, ast.SPLEval, a, b), "a <= b"},
		{cmp(ast.Gt, ast.SPLEval, a, b), "a > b"},
		{cmp(ast.Ge, ast.SPLEval, a, b), "a >= b"},
		{eq(eq(a, b), c), "(a eq b) eq c"},
		{eq(a, eq(b, c)), "a eq (b eq c)"},
		{cmp(ast.Lt, ast.SPLEval, num(-1), flt(-1)), "-1 < -1.0"},
		{eq(&ast.Default{X: a, Else: str("x")}, str("y")), `a default "x" eq "y"`},
		{eq(a, or(b, c)), "a eq (b or c)"},

		// In.
		{&ast.In{X: a, Y: list(str("x"), str("y"))}, `a in ["x", "y"]`},
		{&ast.In{X: a, Y: b}, "a in b"},
		{&ast.In{X: a, Y: list(num(1), num(2)), Dialect: ast.SPLEval}, "a in_spl [1, 2]"},
		{&ast.In{X: str("ab"), Y: lit(ast.List(ast.String("ab")))}, `"ab" in const ["ab"]`},

		// Default.
		{&ast.Default{X: a, Else: str("")}, `a default ""`},
		{&ast.Default{X: a, Else: b, OnNull: true}, "a default_null b"},
		{&ast.Default{X: &ast.Default{X: a, Else: b}, Else: c, OnNull: true}, "a default b default_null c"},
		{&ast.Default{X: a, Else: &ast.Default{X: b, Else: c}}, "a default (b default c)"},
		{&ast.Default{X: eq(a, b), Else: c}, "(a eq b) default c"},
		{&ast.Default{X: &ast.Index{X: a, Key: num(0)}, Else: &ast.Index{X: b, Key: num(1)}}, "a[0] default b[1]"},

		// Index.
		{&ast.Index{X: a, Key: str("k")}, `a["k"]`},
		{&ast.Index{X: &ast.Index{X: a, Key: num(0)}, Key: num(-1)}, "a[0][-1]"},
		{&ast.Index{X: &ast.Default{X: a, Else: b}, Key: num(0)}, "(a default b)[0]"},
		{&ast.Index{X: a, Key: or(b, c)}, "a[b or c]"},
		{&ast.Index{X: list(a), Key: num(0)}, "[a][0]"},
		{&ast.Index{X: call("f"), Key: num(0)}, "f()[0]"},
		{&ast.Index{X: f(), Key: str("x")}, `event["x"]`},

		// Cond, Call, Concat.
		{&ast.Cond{If: a, Then: b, Else: c}, "if(a, b, c)"},
		{&ast.Cond{If: or(a, b), Then: and(b, c), Else: not(c)}, "if(a or b, b and c, not c)"},
		{call("spl.coalesce", a, b), "spl.coalesce(a, b)"},
		{call("py.str.lower", a), "py.str.lower(a)"},
		{call("panther.udm", f(), str("actor_user")), `panther.udm(event, "actor_user")`},
		{call("f"), "f()"},
		{call("if", a, b, c), "'if'(a, b, c)"},
		{call("exists", a), "'exists'(a)"},
		{call("event"), "'event'()"},
		{call("odd name", a), "'odd name'(a)"},
		{call("a..b"), "'a..b'()"},
		{call(""), "''()"},
		{call("x.if"), "x.if()"},
		{&ast.Call{Fn: "panther.deep_get", Args: []ast.Expr{f(), str("a"), str("b"), str("")}, Keywords: []string{"default"}},
			`panther.deep_get(event, "a", "b", default="")`},
		{&ast.Call{Fn: "py.re.compile", Args: []ast.Expr{str("x"), num(2)}, Keywords: []string{"flags"}}, `py.re.compile("x", flags=2)`},
		{&ast.Call{Fn: "f", Args: []ast.Expr{num(1), or(a, b)}, Keywords: []string{"not", "a b"}}, `f(not=1, 'a b'=a or b)`},
		{&ast.Call{Fn: "f", Args: []ast.Expr{a}, Keywords: []string{}}, `f(a)`},
		{eq(&ast.Call{Fn: "f", Args: []ast.Expr{a}, Keywords: []string{"x"}}, b), `f(x=a) eq b`},
		{&ast.Concat{Parts: []ast.Expr{str("a-"), f("b")}}, `concat("a-", b)`},
		{&ast.Concat{Parts: []ast.Expr{str("a-"), f("b")}, Dialect: ast.SPLEval}, `concat_spl("a-", b)`},
		{&ast.Concat{}, "concat()"},
		{&ast.Concat{Dialect: ast.SPLEval}, "concat_spl()"},

		// Containers.
		{list(), "[]"},
		{list(a, num(1), list()), "[a, 1, []]"},
		{list(or(a, b)), "[a or b]"},
		{&ast.DictLit{}, "{}"},
		{&ast.DictLit{Keys: []ast.Expr{str("k"), a}, Vals: []ast.Expr{num(1), and(b, c)}}, `{"k": 1, a: b and c}`},

		// Helper.
		{&ast.Helper{Name: "aws_cloudtrail_success", Args: []ast.Expr{f()}, Body: and(isNull(f("errorCode")), isNull(f("errorMessage")))},
			"helper aws_cloudtrail_success(event) { errorCode is_null and errorMessage is_null }"},
		{&ast.Helper{Name: "security_content_ctime", Args: []ast.Expr{f("firstTime")}, Body: lit(ast.True)},
			"helper security_content_ctime(firstTime) { true }"},
		{&ast.Helper{Name: "cloudtrail", Body: eq(f("sourcetype"), str("aws:cloudtrail"))},
			`helper cloudtrail() { sourcetype eq "aws:cloudtrail" }`},
		{&ast.Helper{Name: "panther_base_helpers.deep_get", Args: []ast.Expr{f(), str("a")}, Body: f("a")},
			`helper panther_base_helpers.deep_get(event, "a") { a }`},
		{&ast.Helper{Name: "my macro(2)", Body: f("a")}, `helper 'my macro(2)'() { a }`},
		{&ast.Helper{Name: "not", Body: f("a")}, `helper 'not'() { a }`},
		{and(&ast.Helper{Name: "h", Body: and(a, b)}, c), "helper h() { a and b }\nc"},
		{eq(&ast.Helper{Name: "h", Body: a}, b), "helper h() { a } eq b"},
	}

	// Every Match kind and flag combination.
	words := []string{"equals", "wildcard", "starts_with", "ends_with", "contains", "regex", "like"}
	for k, w := range words {
		for _, fold := range []bool{false, true} {
			for _, search := range []bool{false, true} {
				op := w
				if fold {
					op = "i" + op
				}
				if search {
					op = "~" + op
				}
				cases = append(cases, rtCase{
					match(f("user"), ast.MatchKind(k), `ad"m*`, fold, search),
					"user " + op + ` "ad\"m*"`,
				})
			}
		}
	}
	cases = append(cases,
		rtCase{not(match(a, ast.MatchWildcard, "x*", true, true)), `not a ~iwildcard "x*"`},
		rtCase{match(&ast.Default{X: a, Else: str("")}, ast.MatchRegex, `^\d+$`, false, false), `a default "" regex "^\\d+$"`},
		rtCase{match(eq(a, b), ast.MatchExact, "", false, false), `(a eq b) equals ""`},
		rtCase{&ast.Match{X: a, Kind: ast.MatchRegex, Pattern: "^x", Dialect: ast.SPLEval}, `a regex_spl "^x"`},
		rtCase{&ast.Match{X: a, Kind: ast.MatchLike, Pattern: "x%", Dialect: ast.SPLEval}, `a like_spl "x%"`},
	)
	return append(cases, pyFormCases()...)
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTripCases() {
		got := Print(tc.x)
		if got != tc.want {
			t.Errorf("Print:\n got %q\nwant %q", got, tc.want)
			continue
		}
		for _, text := range []string{got, PrintInline(tc.x)} {
			back, errs := Parse("rt.cnd", text)
			if errs != nil {
				t.Errorf("Parse(%q): %v", text, errs)
				continue
			}
			if !Equal(back, tc.x) {
				t.Errorf("Parse(%q) = %s, not equal to the original", text, PrintInline(back))
			}
		}
		if strings.Contains(PrintInline(tc.x), "\n") {
			t.Errorf("PrintInline(%q) has a newline", tc.want)
		}
	}
}

func TestPrintInline(t *testing.T) {
	a, b, c := f("a"), f("b"), f("c")
	for _, tc := range []rtCase{
		{and(a, b, c), "a and b and c"},
		{and(and(a, b), c), "(a and b) and c"},
		{and(or(a, b), c), "(a or b) and c"},
		{and(not(isNull(a)), eq(b, num(1))), "a is_not_null and b eq 1"},
	} {
		if got := PrintInline(tc.x); got != tc.want {
			t.Errorf("PrintInline: got %q, want %q", got, tc.want)
		}
	}
}

// TestParseAliases checks the accepted forms that Print never produces.
func TestParseAliases(t *testing.T) {
	a, b := f("a"), f("b")
	for _, tc := range []struct {
		src  string
		want ast.Expr
	}{
		{"not a is_null", not(isNull(a))},
		{"and(a, b)", and(a, b)},
		{"or*(a, b)", orS(a, b)},
		{"'f'(a)", call("f", a)},
		{"'a.b'()", call("a.b")},
		{"+5", num(5)},
		{"1e3", flt(1000)},
		{"007", num(7)},
		{"a # trailing comment\n# whole line\n\n\nb\n\n", and(a, b)},
		{"\n\n  a  \n", a},
		{"f(a,\n  b\n)", call("f", a, b)},
		{"[a,\n b]", list(a, b)},
		{"helper h(a) {\n  a\n  and b\n}", &ast.Helper{Name: "h", Args: []ast.Expr{a}, Body: and(a, b)}},
		{"a\r\nb", and(a, b)},
		{"(a\nor b)", or(a, b)},
	} {
		got, errs := Parse("alias.cnd", tc.src)
		if errs != nil {
			t.Errorf("Parse(%q): %v", tc.src, errs)
			continue
		}
		if !Equal(got, tc.want) {
			t.Errorf("Parse(%q) = %s, want %s", tc.src, PrintInline(got), PrintInline(tc.want))
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"", `e.cnd:1:1: parse: expected expression, found end of input`},
		{"   \n  # only a comment\n", `e.cnd:3:1: parse: expected expression, found end of input`},
		{"a and", `e.cnd:1:6: parse: expected expression, found end of input`},
		{"a and\nb", `e.cnd:1:6: parse: expected expression, found end of line`},
		{"a eq b eq c", `e.cnd:1:8: parse: expected "and", "or" or end of line, found "eq" (comparisons do not chain; parenthesise)`},
		{"a b", `e.cnd:1:3: parse: expected operator or end of line, found "b"`},
		{"not (a", `e.cnd:1:7: parse: expected ")", found end of input`},
		{"a and b and* c", `e.cnd:1:9: parse: expected "and" to continue the chain, found "and*" (parenthesise to mix them)`},
		{"a or* b or c", `e.cnd:1:9: parse: expected "or*" to continue the chain, found "or" (parenthesise to mix them)`},
		{"eq", `e.cnd:1:1: parse: expected expression, found "eq" (a reserved word; quote it to use it as a name: 'eq')`},
		{"a eq not b", `e.cnd:1:6: parse: expected expression, found "not" (parenthesise a negated operand: (not x))`},
		{"a and and b", `e.cnd:1:7: parse: expected expression, found "and" (a reserved word; quote it to use it as a name: 'and')`},
		{"a truthy and b is_null or c exists", ""},
		{"not not a eq 1", ""},
		{"x\nnot eq 1", `e.cnd:2:5: parse: expected expression, found "eq" (a reserved word; quote it to use it as a name: 'eq')`},
		{"f(a, contains)", `e.cnd:1:6: parse: expected expression, found "contains" (a reserved word; quote it to use it as a name: 'contains')`},
		{"x\n  event.a eq 1", `e.cnd:2:8: parse: expected operator or end of line, found "." (event is the whole event: write the path without it, or quote 'event')`},
		{"exists(a)", `e.cnd:1:1: parse: expected expression, found "exists" (a reserved word; quote it to use it as a name: 'exists')`},
		{"a.'b'(c)", `e.cnd:1:3: parse: expected identifier in a dotted name, found 'b' (quote the whole name instead)`},
		{"f(a=1, b)", `e.cnd:1:8: parse: expected name=value after a keyword argument, found a positional argument`},
		{"if(a=1, b, c)", `e.cnd:1:4: parse: expected a positional argument, found a= (only calls take keyword arguments)`},
		{"a = 1", `e.cnd:1:1: parse: expected expression, found a= (name=value is only allowed in call arguments; compare with eq or ==)`},
		{"x and a.b=1", `e.cnd:1:9: parse: expected expression, found b= (name=value is only allowed in call arguments; compare with eq or ==)`},
		{"if(a, b)", `e.cnd:1:3: parse: expected 3 arguments to if(cond, then, else), found 2`},
		{"a contains b", `e.cnd:1:12: parse: expected string, found "b"`},
		{"a ~foo \"x\"", `e.cnd:1:3: parse: expected match operator ([~][i]equals|wildcard|starts_with|ends_with|contains|regex|like[_spl]), found "~foo"`},
		{"\"abc", `e.cnd:1:1: parse: expected closing " before the end of the line`},
		{"a eq 'abc", `e.cnd:1:6: parse: expected closing ' before the end of the line`},
		{"a eq \"\\q\"", `e.cnd:1:6: parse: expected valid string escapes, found "\q"`},
		{"a eq 99999999999999999999", `e.cnd:1:6: parse: expected an int64, found 99999999999999999999 (out of range)`},
		{"a eq 1e999", `e.cnd:1:6: parse: expected a float64, found 1e999 (out of range)`},
		{"a eq ?", `e.cnd:1:6: parse: expected token, found '?'`},
		{"const 1", `e.cnd:1:7: parse: expected "[" or "{" after const`},
		{"helper h { a }", `e.cnd:1:12: parse: expected "(" after the helper name`},
		{"a\nb eq\nc", `e.cnd:2:5: parse: expected expression, found end of line`},
		{"x eq 1 and y eq", `e.cnd:1:16: parse: expected expression, found end of input`},
	} {
		x, errs := Parse("e.cnd", tc.src)
		if tc.want == "" {
			if errs != nil {
				t.Errorf("Parse(%q): %v", tc.src, errs)
			}
			continue
		}
		if errs == nil {
			t.Errorf("Parse(%q) = %s, want error %s", tc.src, PrintInline(x), tc.want)
			continue
		}
		if !errs.Has(ast.CodeParse) {
			t.Errorf("Parse(%q): error without code parse: %v", tc.src, errs)
		}
		if x != nil {
			t.Errorf("Parse(%q): non-nil tree with errors", tc.src)
		}
		if got := errs[0].Error(); got != tc.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func TestSpans(t *testing.T) {
	src := "a eq 1\nnot (b.c ~iwildcard \"x*\" or d[0] default 2 truthy)"
	x, errs := Parse("s.cnd", src)
	if errs != nil {
		t.Fatal(errs)
	}
	pos := func(line, col int) ast.Pos { return ast.Pos{File: "s.cnd", Line: line, Col: col} }
	top := x.(*ast.Logic)
	check := func(what string, n ast.Node, from, to ast.Pos) {
		t.Helper()
		if n.Pos() != from || n.End() != to {
			t.Errorf("%s: span %v-%v, want %v-%v", what, n.Pos(), n.End(), from, to)
		}
	}
	check("top", top, pos(1, 1), pos(2, 51))
	cmp := top.Xs[0].(*ast.Compare)
	check("compare", cmp, pos(1, 1), pos(1, 7))
	check("field a", cmp.X, pos(1, 1), pos(1, 2))
	check("lit 1", cmp.Y, pos(1, 6), pos(1, 7))
	n := top.Xs[1].(*ast.Not)
	check("not", n, pos(2, 1), pos(2, 51))
	o := n.X.(*ast.Logic)
	check("or", o, pos(2, 6), pos(2, 50))
	m := o.Xs[0].(*ast.Match)
	check("match", m, pos(2, 6), pos(2, 25))
	check("field b.c", m.X, pos(2, 6), pos(2, 9))
	tr := o.Xs[1].(*ast.Truth)
	check("truth", tr, pos(2, 29), pos(2, 50))
	d := tr.X.(*ast.Default)
	check("default", d, pos(2, 29), pos(2, 43))
	ix := d.X.(*ast.Index)
	check("index", ix, pos(2, 29), pos(2, 33))
	check("index key", ix.Key, pos(2, 31), pos(2, 32))
}

func TestEqual(t *testing.T) {
	a := &ast.Compare{Span: ast.Span{From: ast.Pos{Line: 3, Col: 4}}, X: f("a"), Y: num(1)}
	b := eq(f("a"), num(1))
	if !Equal(a, b) {
		t.Error("spans must be ignored")
	}
	for _, tc := range []struct{ x, y ast.Expr }{
		{num(1), flt(1)},
		{lit(ast.True), num(1)},
		{lit(ast.Null), lit(ast.Missing)},
		{str("a"), str("b")},
		{f("a", "b"), f("a.b")},
		{eq(f("a"), num(1)), cmp(ast.Eq, ast.SPLEval, f("a"), num(1))},
		{and(f("a")), andS(f("a"))},
		{lit(obj("a", ast.Int(1), "b", ast.Int(2))), lit(obj("b", ast.Int(2), "a", ast.Int(1)))},
		{lit(ast.List(ast.Int(1))), list(num(1))},
		{match(f("a"), ast.MatchExact, "x", true, false), match(f("a"), ast.MatchExact, "x", true, true)},
		{nil, f()},
		{&ast.Call{Fn: "f", Args: []ast.Expr{num(1)}, Keywords: []string{"x"}}, call("f", num(1))},
		{&ast.Call{Fn: "f", Args: []ast.Expr{num(1)}, Keywords: []string{"x"}}, &ast.Call{Fn: "f", Args: []ast.Expr{num(1)}, Keywords: []string{"y"}}},
	} {
		if Equal(tc.x, tc.y) || Equal(tc.y, tc.x) {
			t.Errorf("Equal(%s, %s) = true", printOrNil(tc.x), printOrNil(tc.y))
		}
	}
	if !Equal(flt(math.NaN()), flt(math.NaN())) || !Equal(nil, nil) || !Equal(list(), &ast.ListLit{Elems: []ast.Expr{}}) {
		t.Error("NaN, nil and empty lists must compare equal")
	}
}

func printOrNil(x ast.Expr) string {
	if x == nil {
		return "nil"
	}
	return PrintInline(x)
}

func TestConcurrentParse(t *testing.T) {
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			for _, tc := range roundTripCases() {
				if _, errs := Parse("c.cnd", tc.want); errs != nil {
					t.Error(errs)
				}
			}
			done <- true
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}

// TestNestedErrorsAreFast guards against exponential backtracking: keywords are
// their own token type, so no alternative of the grammar retries them.
func TestNestedErrorsAreFast(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("not (", 60) + "a",
		strings.Repeat("and(", 60) + "a",
		strings.Repeat("helper h() {", 60) + "a",
		strings.Repeat("([{(", 60) + "a",
		strings.Repeat("{a: ", 60) + "a",
	} {
		start := time.Now()
		if _, errs := Parse("n.cnd", src); errs == nil {
			t.Errorf("Parse(%.20q...) succeeded", src)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Parse(%.20q...) took %v", src, d)
		}
	}
}
