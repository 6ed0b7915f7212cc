package eval

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestParseJSONPath(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"$.a.b", "a|b", ""},
		{"userAgent", "userAgent", ""},
		{"$.a[0].b", "a|[0]|b", ""},
		{"$.a[*].b", "a|[*]|b", ""},
		{"$['a b'].c", "a b|c", ""},
		{"$", "", ""},
		{"$.a[x]", "", "expected an index"},
		{"$..a", "", "unsupported step"},
		{"$.a[?(@.b)]", "", "expected an index"},
	}
	for _, tt := range tests {
		got, err := ParseJSONPath(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(got, "|") != tt.want {
			t.Errorf("%s: got %q %v, want %q", tt.in, strings.Join(got, "|"), err, tt.want)
		}
	}
}

// event.udm as panther_core's PantherEvent.udm: a mapped name never falls back
// to p_udm (the mapping "short circuits"); an unmapped one reads p_udm, then the
// event's own key, skipping falsy values; JSONPaths use the raw event's exact
// keys and raise when they match several fields.
func TestPantherUDM(t *testing.T) {
	method, errs := Compile(&ast.Concat{Parts: []ast.Expr{str("m:"), field("eventName")}, Dialect: ast.Python}, ast.KeysFold)
	if errs != nil {
		t.Fatal(errs)
	}
	dm := &DataModel{ID: "T", Mappings: map[string]*UDMMapping{
		"ip":     {Path: []string{"src", "ip"}},
		"names":  {Path: []string{"items", "[*]", "name"}},
		"first":  {Path: []string{"items", "[0]", "name"}},
		"kind":   {Method: method},
		"broken": {Err: &RuntimeError{Code: ast.CodeUnsupported, Msg: "unsupported: for loop"}},
	}}
	ev := `{"src":{"ip":"1.2.3.4"},"SRC":{"IP":"x"},"eventName":"Login","items":[{"name":"a"},{"name":"b"}],
		"p_udm":{"user":"","nested":{"k":"deep"}},"user":"fallback","zero":0,"mapped_only":"raw"}`
	tests := []struct {
		model *DataModel
		args  []string
		want  string
		err   string
	}{
		{dm, []string{"ip"}, `'1.2.3.4'`, ""},
		{dm, []string{"first"}, `'a'`, ""},
		{dm, []string{"names"}, "", "matched multiple fields"},
		{dm, []string{"kind"}, `'m:Login'`, ""},
		{dm, []string{"broken"}, "", "unsupported: for loop"},
		{&DataModel{Mappings: map[string]*UDMMapping{"mapped_only": {Path: []string{"nope"}}}}, []string{"mapped_only"}, "None", ""},
		{dm, []string{"user"}, `'fallback'`, ""}, // p_udm.user is "" (falsy)
		{dm, []string{"nested", "k"}, `'deep'`, ""},
		{dm, []string{"zero"}, "None", ""}, // 0 is falsy: the default
		{nil, []string{"ip"}, "None", ""},
		{nil, []string{"eventName"}, `'Login'`, ""},
	}
	for _, tt := range tests {
		var args []ast.Value
		for _, a := range tt.args {
			args = append(args, ast.String(a))
		}
		v, err := pantherUDM(&Env{Record: record(t, ev), UDM: tt.model}, ast.Pos{}, args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("udm%v: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || v.Repr() != tt.want {
			t.Errorf("udm%v: got %s %v, want %s", tt.args, v.Repr(), err, tt.want)
		}
	}
	// The builtin table carries this implementation, with several keys allowed.
	if b := Builtins["panther.udm"]; b.MaxArgs != -1 {
		t.Errorf("panther.udm takes %d args", b.MaxArgs)
	}
}

// Elements quantifies over a list with each element as the record; anything
// else has no elements.
func TestElements(t *testing.T) {
	pred := &ast.Compare{Op: ast.Gt, X: field("n"), Y: lit(ast.Int(1)), Dialect: ast.Python}
	tests := []struct {
		list string
		q    ast.Quantifier
		want bool
	}{
		{`[{"n":2},{"n":0}]`, ast.AnyElement, true},
		{`[{"n":2},{"n":0}]`, ast.AllElements, false},
		{`[{"n":2},{"n":3}]`, ast.AllElements, true},
		{`[]`, ast.AllElements, true},
		{`[{"n":0}]`, ast.NoElement, true},
		{`[{"n":2},{"n":3}]`, ast.OnlyOneElement, false},
		{`[{"n":2},{"n":0}]`, ast.OnlyOneElement, true},
		{`"text"`, ast.AnyElement, false},
		{`null`, ast.NoElement, true},
	}
	for _, tt := range tests {
		x := &ast.Elements{X: field("l"), Quant: tt.q, Pred: pred}
		v, err := run(t, x, ast.KeysFold, record(t, `{"l":`+tt.list+`}`))
		if err != nil || v.Kind() != ast.KindBool || v.AsBool() != tt.want {
			t.Errorf("%s %s: got %s %v, want %v", tt.q, tt.list, v.Repr(), err, tt.want)
		}
	}
}

// event.udm_path as panther_analysis_tool's PantherEvent.udm_path: the
// matched path as text or the method's name (tests/unit/.../test_enriched_event.py:
// "dst_ip", "destination.ip", "get_source_ip"); None when unmapped or when the
// path matches nothing; without a data model the tool raises.
func TestPantherUDMPath(t *testing.T) {
	method, errs := Compile(lit(ast.String("1.2.3.4")), ast.KeysFold)
	if errs != nil {
		t.Fatal(errs)
	}
	dm := &DataModel{ID: "M", Mappings: map[string]*UDMMapping{
		"destination_ip": {Path: []string{"dst", "ip"}},
		"dotted":         {Path: []string{"destination.ip"}},
		"source_ip":      {Method: method, MethodName: "get_source_ip"},
	}}
	rec := record(t, `{"dst":{"ip":"1.1.1.1"},"destination.ip":"2.2.2.2"}`)
	for _, tc := range []struct{ key, want string }{
		{"destination_ip", `"dst.ip"`}, {"dotted", `"destination.ip"`}, {"source_ip", `"get_source_ip"`}, {"nope", "null"},
	} {
		v, err := pantherUDMPath(&Env{Record: rec, UDM: dm}, ast.Pos{}, []ast.Value{rec, ast.String(tc.key)})
		if err != nil || ast.JSON(v) != tc.want {
			t.Errorf("udm_path(%s) = %s, %v; want %s", tc.key, ast.JSON(v), err, tc.want)
		}
	}
	if _, err := pantherUDMPath(&Env{Record: rec}, ast.Pos{}, []ast.Value{rec, ast.String("x")}); err == nil {
		t.Error("udm_path without a data model did not raise")
	}
}
