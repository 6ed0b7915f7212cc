package eval

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func field(p ...string) ast.Expr { return &ast.Field{Path: p} }
func lit(v ast.Value) ast.Expr   { return &ast.Lit{Val: v} }
func str(s string) ast.Expr      { return lit(ast.String(s)) }

func record(t *testing.T, js string) ast.Value {
	t.Helper()
	v, err := ast.ParseJSON([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func run(t *testing.T, x ast.Expr, keys ast.KeyMode, rec ast.Value) (ast.Value, error) {
	t.Helper()
	p, errs := Compile(x, keys)
	if errs != nil {
		t.Fatalf("compile: %v", errs)
	}
	return p.Eval(&Env{Record: rec})
}

// The semantics table: each case states a platform behaviour and where it is documented.
func TestSemantics(t *testing.T) {
	ev := `{"eventName":"DeleteTrail","errorCode":"AccessDenied","n":"10","num":10,"mv":["a","B"],"nul":null,"empty":"","userIdentity":{"Type":"IAMUser"}}`
	cases := []struct {
		note string
		x    ast.Expr
		keys ast.KeyMode
		want string // Repr of the result, or "error: <substring>"
	}{
		// Splunk search terms: values match case-insensitively, * is a wildcard
		// (Search Manual, "Use the search command" / "Wildcards").
		{"splunk term folds case", &ast.Match{X: field("eventName"), Kind: ast.MatchExact, Pattern: "deletetrail", Fold: true, Search: true}, ast.KeysExact, "True"},
		{"splunk wildcard", &ast.Match{X: field("eventName"), Kind: ast.MatchWildcard, Pattern: "Delete*", Fold: true, Search: true}, ast.KeysExact, "True"},
		{"splunk wildcard anchored", &ast.Match{X: field("eventName"), Kind: ast.MatchWildcard, Pattern: "Trail*", Fold: true, Search: true}, ast.KeysExact, "False"},
		// A multivalue field matches when any value does (Search Manual, "multivalue fields").
		{"splunk multivalue any", &ast.Match{X: field("mv"), Kind: ast.MatchExact, Pattern: "b", Fold: true, Search: true}, ast.KeysExact, "True"},
		{"splunk missing never matches", &ast.Match{X: field("nope"), Kind: ast.MatchWildcard, Pattern: "*", Fold: true, Search: true}, ast.KeysExact, "False"},
		{"splunk number matched by text", &ast.Match{X: field("num"), Kind: ast.MatchExact, Pattern: "10", Fold: true, Search: true}, ast.KeysExact, "True"},
		// Splunk field names are case-sensitive.
		{"splunk field names exact", &ast.Exists{X: field("eventname")}, ast.KeysExact, "False"},
		// Panther event keys are case-insensitive at every level (panther_core
		// ImmutableCaseInsensitiveDict).
		{"panther keys fold", &ast.Compare{Op: ast.Eq, X: field("USERIDENTITY", "type"), Y: str("IAMUser")}, ast.KeysFold, "True"},
		// Python == is case-sensitive and never coerces str to int.
		{"python eq case-sensitive", &ast.Compare{Op: ast.Eq, X: field("eventName"), Y: str("deletetrail")}, ast.KeysFold, "False"},
		{"python str != int", &ast.Compare{Op: ast.Eq, X: field("n"), Y: lit(ast.Int(10))}, ast.KeysFold, "False"},
		{"python missing == None", &ast.Compare{Op: ast.Eq, X: field("nope"), Y: lit(ast.Null)}, ast.KeysFold, "True"},
		{"python ordering str<int raises", &ast.Compare{Op: ast.Lt, X: field("n"), Y: lit(ast.Int(5))}, ast.KeysFold, "error: TypeError"},
		// Splunk eval compares numerically when both sides read as numbers.
		{"spl eval numeric strings", &ast.Compare{Op: ast.Gt, X: field("n"), Y: lit(ast.Int(9)), Dialect: ast.SPLEval}, ast.KeysExact, "True"},
		{"spl eval case-sensitive", &ast.Compare{Op: ast.Eq, X: field("eventName"), Y: str("deletetrail"), Dialect: ast.SPLEval}, ast.KeysExact, "False"},
		{"spl eval null operand", &ast.Compare{Op: ast.Eq, X: field("nope"), Y: str("x"), Dialect: ast.SPLEval}, ast.KeysExact, "None"},
		// Python and/or return the deciding operand.
		{"python or returns operand", &ast.Logic{Op: ast.Or, Xs: []ast.Expr{field("empty"), field("errorCode")}, Operand: true}, ast.KeysFold, "'AccessDenied'"},
		{"python and returns falsy operand", &ast.Logic{Op: ast.And, Xs: []ast.Expr{field("errorCode"), field("empty")}, Operand: true}, ast.KeysFold, "''"},
		{"bool logic", &ast.Logic{Op: ast.And, Xs: []ast.Expr{field("errorCode"), field("eventName")}}, ast.KeysFold, "True"},
		// dict.get(k, d) defaults only a missing key; deep_get also a None value.
		{"get default on missing", &ast.Default{X: field("nope"), Else: str("d")}, ast.KeysFold, "'d'"},
		{"get keeps None", &ast.Default{X: field("nul"), Else: str("d")}, ast.KeysFold, "None"},
		{"deep_get defaults None", &ast.Default{X: field("nul"), Else: str("d"), OnNull: true}, ast.KeysFold, "'d'"},
		{"deep_get through a non-mapping", &ast.Default{X: field("eventName", "x"), Else: str("d"), OnNull: true}, ast.KeysFold, "'d'"},
		{"truthiness of empty string", &ast.Truth{X: field("empty")}, ast.KeysFold, "False"},
		{"is None for missing", &ast.IsNull{X: field("nope")}, ast.KeysFold, "True"},
		{"python in list", &ast.In{X: field("eventName"), Y: &ast.ListLit{Elems: []ast.Expr{str("A"), str("DeleteTrail")}}}, ast.KeysFold, "True"},
		{"python in substring", &ast.In{X: str("Trail"), Y: field("eventName")}, ast.KeysFold, "True"},
		{"python in None raises", &ast.In{X: str("x"), Y: field("nope")}, ast.KeysFold, "error: TypeError"},
		{"startswith on None raises", &ast.Match{X: field("nope"), Kind: ast.MatchPrefix, Pattern: "a"}, ast.KeysFold, "error: AttributeError"},
		{"like", &ast.Match{X: field("eventName"), Kind: ast.MatchLike, Pattern: "Del%Tr_il"}, ast.KeysExact, "True"},
		{"regex unanchored", &ast.Match{X: field("eventName"), Kind: ast.MatchRegex, Pattern: "eteT"}, ast.KeysExact, "True"},
		{"f-string of None", &ast.Concat{Parts: []ast.Expr{str("u="), field("nope")}}, ast.KeysFold, "'u=None'"},
		{"spl concat with null", &ast.Concat{Parts: []ast.Expr{str("u="), field("nope")}, Dialect: ast.SPLEval}, ast.KeysExact, "None"},
		{"coalesce", &ast.Call{Fn: "spl.coalesce", Args: []ast.Expr{field("nope"), field("eventName")}}, ast.KeysExact, "'DeleteTrail'"},
		{"mvindex -1 of split", &ast.Call{Fn: "spl.mvindex", Args: []ast.Expr{&ast.Call{Fn: "spl.split", Args: []ast.Expr{str("a/b/c"), str("/")}}, lit(ast.Int(-1))}}, ast.KeysExact, "'c'"},
		{"index missing key raises", &ast.Index{X: field(), Key: str("nope")}, ast.KeysFold, "error: KeyError"},
		{"index folds keys", &ast.Index{X: field(), Key: str("EVENTNAME")}, ast.KeysFold, "'DeleteTrail'"},
		{"cond", &ast.Cond{If: field("empty"), Then: str("a"), Else: str("b")}, ast.KeysFold, "'b'"},
	}
	rec := record(t, ev)
	for _, c := range cases {
		t.Run(c.note, func(t *testing.T) {
			v, err := run(t, c.x, c.keys, rec)
			got := v.Repr()
			if err != nil {
				got = "error: " + err.Error()
			}
			if strings.HasPrefix(c.want, "error: ") {
				if err == nil || !strings.Contains(got, strings.TrimPrefix(c.want, "error: ")) {
					t.Fatalf("got %s, want %s", got, c.want)
				}
				return
			}
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	if _, errs := Compile(&ast.Call{Fn: "spl.nosuch"}, ast.KeysExact); !errs.Has(ast.CodeUnsupported) {
		t.Errorf("unknown function: %v", errs)
	}
	if _, errs := Compile(&ast.Call{Fn: "spl.coalesce"}, ast.KeysExact); errs == nil {
		t.Error("coalesce() with no arguments must not compile")
	}
	if _, errs := Compile(&ast.Match{X: field("a"), Kind: ast.MatchRegex, Pattern: "("}, ast.KeysExact); errs == nil {
		t.Error("a bad constant regex must be a compile error")
	}
}

func TestUnmockedExternalHelper(t *testing.T) {
	p, errs := Compile(&ast.Call{Fn: "panther.lookup_something", Args: []ast.Expr{field()}}, ast.KeysFold)
	if errs != nil {
		t.Fatal(errs)
	}
	_, err := p.Eval(&Env{Record: record(t, `{}`)})
	if re, ok := err.(*RuntimeError); !ok || re.Code != ast.CodeUnsupported {
		t.Fatalf("unmocked helper: %v", err)
	}
	v, err := p.Eval(&Env{Record: record(t, `{}`), Mocks: map[string]ast.Value{"lookup_something": ast.String("x")}})
	if err != nil || v.AsString() != "x" {
		t.Fatalf("mocked helper = %v, %v", v.Repr(), err)
	}
}

func TestUdmWithoutDataModel(t *testing.T) {
	// panther_core: without a data model, udm() reads p_udm, then the raw key, else None.
	x := &ast.Call{Fn: "panther.udm", Args: []ast.Expr{str("actor_user")}}
	for js, want := range map[string]string{
		`{}`:                               "None",
		`{"p_udm":{"actor_user":"alice"}}`: "'alice'",
		`{"actor_user":"bob"}`:             "'bob'",
	} {
		v, err := run(t, x, ast.KeysFold, record(t, js))
		if err != nil || v.Repr() != want {
			t.Errorf("%s: udm = %s, %v; want %s", js, v.Repr(), err, want)
		}
	}
}

func rowsOf(t *testing.T, events ...string) []Row {
	var rows []Row
	for i, e := range events {
		rows = append(rows, Row{Fields: record(t, e).AsObject(), Src: []int{i}})
	}
	return rows
}

func TestStatsDropsNullByFieldsAndKeepsProvenance(t *testing.T) {
	p, errs := CompilePipeline([]ast.Command{
		&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "user_name", To: "user"}}},
		&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "count"}, {Fn: "min", Arg: "_time", As: "firstTime"}, {Fn: "values", Arg: "src"}}, By: []string{"user"}},
		&ast.ConvertCmd{TimeFormat: "%Y-%m-%dT%H:%M:%S", Conversions: []ast.Conversion{{Fn: "ctime", Field: "firstTime"}}},
	})
	if errs != nil {
		t.Fatal(errs)
	}
	rows, drops, err := p.Run(rowsOf(t,
		`{"user_name":"bob","_time":1737481787,"src":"b"}`,
		`{"user_name":"bob","_time":1737481700,"src":"a"}`,
		`{"user":"alice","_time":1}`, // rename of an absent user_name blanks user
		`{"user_name":"carol","_time":5}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %d, want 2", len(rows))
	}
	got := ast.JSON(ast.ObjectOf(rows[0].Fields))
	want := `{"user":"bob","count":2,"firstTime":"2025-01-21T17:48:20","values(src)":["a","b"]}`
	if got != want {
		t.Errorf("row 0 = %s\nwant    %s", got, want)
	}
	if len(rows[0].Src) != 2 || rows[0].Src[0] != 0 || rows[0].Src[1] != 1 {
		t.Errorf("provenance = %v, want [0 1]", rows[0].Src)
	}
	if len(drops) != 1 || drops[0].Event != 2 || !strings.Contains(drops[0].Reason, "stats by user") {
		t.Errorf("drops = %+v", drops)
	}
}

// "If the BY clause field is a multivalue field, stats counts each value":
// a row goes into one group for each combination of its by-fields' values
// (Splunk Search Reference, stats, "Usage").
func TestStatsByMultivalueFields(t *testing.T) {
	p, errs := CompilePipeline([]ast.Command{
		&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "count"}, {Fn: "dc", Arg: "n"}}, By: []string{"user", "src"}},
	})
	if errs != nil {
		t.Fatal(errs)
	}
	rows, _, err := p.Run(rowsOf(t,
		`{"user":["bob","alice"],"src":["a","b"],"n":1}`,
		`{"user":"bob","src":"b","n":"1"}`,
		`{"user":"bob","src":"c","n":2}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %v", ast.JSON(ast.ObjectOf(r.Fields)), r.Src))
	}
	want := []string{
		`{"user":"alice","src":"a","count":1,"dc(n)":1} [0]`,
		`{"user":"alice","src":"b","count":1,"dc(n)":1} [0]`,
		`{"user":"bob","src":"a","count":1,"dc(n)":1} [0]`,
		`{"user":"bob","src":"b","count":2,"dc(n)":1} [0 1]`,
		`{"user":"bob","src":"c","count":1,"dc(n)":1} [2]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestExplainNamesHelper(t *testing.T) {
	success := &ast.Helper{Name: "aws_cloudtrail_success", Body: &ast.Not{X: &ast.Logic{Op: ast.Or, Xs: []ast.Expr{&ast.Truth{X: field("errorCode")}, &ast.Truth{X: field("errorMessage")}}}}}
	rule := &ast.Logic{Op: ast.And, Xs: []ast.Expr{&ast.Compare{Op: ast.Eq, X: field("eventName"), Y: str("DeleteTrail")}, success}}
	rs := Explain(rule, ast.KeysFold, &Env{Record: record(t, `{"eventName":"DeleteTrail","errorCode":"AccessDenied"}`)})
	if len(rs) != 1 || len(rs[0].Within) != 1 || rs[0].Within[0] != "aws_cloudtrail_success" {
		t.Fatalf("reasons = %+v", rs)
	}
	if v := rs[0].Fields["errorCode"]; v.AsString() != "AccessDenied" {
		t.Errorf("deciding field errorCode = %v", v.Repr())
	}
}

// Eval's match() and like() (Splunk Search Reference, "Comparison and
// Conditional functions") return null for a null argument, so
// if(match(f, "all"), ...) takes the else branch on an event without f, where
// a Python str method would raise instead.
func TestSPLEvalMatchOnNull(t *testing.T) {
	rec := record(t, `{"g":"all","n":42,"mv":["x","all"]}`)
	for _, tc := range []struct {
		f, want string
	}{{"missing", "None"}, {"g", "True"}, {"n", "False"}, {"mv", "True"}} {
		m := &ast.Match{X: field(tc.f), Kind: ast.MatchRegex, Pattern: "^all$", Dialect: ast.SPLEval}
		v, err := run(t, m, ast.KeysExact, rec)
		if err != nil || v.Repr() != tc.want {
			t.Errorf("match(%s) = %s, %v; want %s", tc.f, v.Repr(), err, tc.want)
		}
	}
}

// TestMatchFoldASCII holds the allocation-free test of an ASCII string to
// strings.ToLower, which it stands for.
func TestMatchFoldASCII(t *testing.T) {
	patterns := []string{"", "get", "list", "a", "ab", "\u212aey", "é"}
	texts := []string{"", "GetObject", "getobject", "xGET", "LIST", "LiSt", "aB", "Ab", "b", "KEY", "kEy", "A", "GE"}
	for _, kind := range []ast.MatchKind{ast.MatchPrefix, ast.MatchSuffix, ast.MatchContains, ast.MatchExact} {
		for _, p := range patterns {
			lower := strings.ToLower(p)
			for _, s := range texts {
				l := strings.ToLower(s)
				var want bool
				switch kind {
				case ast.MatchPrefix:
					want = strings.HasPrefix(l, lower)
				case ast.MatchSuffix:
					want = strings.HasSuffix(l, lower)
				case ast.MatchContains:
					want = strings.Contains(l, lower)
				default:
					want = l == lower
				}
				if got := matchFoldASCII(kind, s, lower); got != want {
					t.Errorf("%v %q on %q = %v, want %v", kind, lower, s, got, want)
				}
			}
		}
	}
}
