package sourcetype

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// absent marks a field the knowledge leaves unset for the event.
const absent = "<absent>"

type viewCase struct {
	name       string
	sourcetype string
	raw        string
	want       map[string]string // field → value (a multivalue field as "a|b"), or absent
}

// viewOf is the view of one event (JSON, or a text line) in r, or in the
// Default registry when r is nil.
func viewOf(t *testing.T, r *Registry, sourcetype, raw string) *ast.Object {
	t.Helper()
	var v ast.Value
	if strings.HasPrefix(strings.TrimSpace(raw), "{") {
		var err error
		if v, err = ast.ParseJSON([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	} else {
		v = ast.String(raw)
	}
	var st *SourceType
	if r != nil {
		st = r.Lookup(sourcetype)
	} else {
		var err error
		if st, err = Lookup(sourcetype); err != nil {
			t.Fatal(err)
		}
	}
	o, err := st.View(v, Meta{Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func text(v ast.Value) string {
	if v.Kind() == ast.KindList {
		var parts []string
		for _, e := range v.AsList() {
			parts = append(parts, e.Text())
		}
		return strings.Join(parts, "|")
	}
	return v.Text()
}

func runViewCases(t *testing.T, r *Registry, cases []viewCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := viewOf(t, r, c.sourcetype, c.raw)
			for f, w := range c.want {
				v, ok := o.Get(f)
				switch {
				case w == absent && ok:
					t.Errorf("%s = %q, want absent", f, text(v))
				case w != absent && !ok:
					t.Errorf("%s absent, want %q", f, w)
				case w != absent && text(v) != w:
					t.Errorf("%s = %q, want %q", f, text(v), w)
				}
			}
		})
	}
}

func TestCloudTrailTime(t *testing.T) {
	o := viewOf(t, nil, "aws:cloudtrail", `{"eventTime":"2025-01-21T17:49:47Z","eventName":"GetCallerIdentity"}`)
	if v, _ := o.Get("_time"); v.AsInt() != 1737481787 {
		t.Errorf("_time = %v, want 1737481787", v.Text())
	}
}

// Every data file loads and every calculated field compiles.
func TestDataLoads(t *testing.T) {
	r, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Names()) == 0 {
		t.Fatal("no sourcetypes")
	}
}

func TestUnknownSourceTypeRawFieldsOnly(t *testing.T) {
	st, err := Lookup("vendor:unknown")
	if err != nil || st.Known {
		t.Fatalf("Known = %v, err %v", st.Known, err)
	}
	// A macro's sourcetype being mapped does not make it known.
	if IsKnown("vendor:unknown") || IsKnown("OktaIM2:log") || !IsKnown("aws:cloudtrail") || !IsKnown("_json") {
		t.Error("IsKnown disagrees with the data files")
	}
	v, _ := ast.ParseJSON([]byte(`{"a":{"b":1},"sourceIPAddress":"1.2.3.4"}`))
	o, _ := st.View(v, Meta{})
	if x, _ := o.Get("a.b"); x.AsInt() != 1 {
		t.Errorf("a.b = %v", x.Text())
	}
	if _, ok := o.Get("src"); ok {
		t.Error("no add-on fields for an unknown sourcetype")
	}
}

func TestWarningsOncePerSourcetype(t *testing.T) {
	var w Warnings
	msg, ok := w.Check("vendor:unknown")
	if !ok || msg != "warning: unknown sourcetype vendor:unknown: fields are the raw JSON keys only" {
		t.Errorf("first check = %q, %v", msg, ok)
	}
	if _, ok := w.Check("vendor:unknown"); ok {
		t.Error("warned twice")
	}
	if _, ok := w.Check("aws:cloudtrail"); ok {
		t.Error("warned about a known sourcetype")
	}
}

func TestFromDefinition(t *testing.T) {
	for def, want := range map[string]string{
		`sourcetype=aws:cloudtrail`:                         "aws:cloudtrail",
		`sourcetype="aws:cloudwatchlogs:eks"`:               "aws:cloudwatchlogs:eks",
		`eventtype=okta_log OR sourcetype = "OktaIM2:log"`:  "OktaIM2:log",
		`source="kubernetes"`:                               "",
		`(sourcetype=a:b OR sourcetype=c:d) action=allowed`: "",
	} {
		got, ok := FromDefinition(def)
		if got != want || ok != (want != "") {
			t.Errorf("FromDefinition(%q) = %q, %v; want %q", def, got, ok, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]float64{
		"2025-01-21T17:49:47Z":          1737481787,
		"2025-01-21 17:49:47.000000000": 1737481787,
		"2025-01-21 17:49:47.5":         1737481787.5,
	} {
		v, ok := ParseTime(in)
		if f, _ := v.Number(); !ok || f != want {
			t.Errorf("ParseTime(%q) = %v, want %v", in, v.Text(), want)
		}
	}
}

// TestExtract: KV_MODE=json names a field by its path, elements under {}, and
// gathers the values of one name, however it arises, into a multivalue field
// in the order met.
func TestExtract(t *testing.T) {
	for _, c := range []struct {
		name, raw string
		want      map[string]string
		keys      []string // the view's field order
	}{
		{"nested", `{"a":{"b":"x","c":[1,2]}}`, map[string]string{"a.b": "x", "a.c{}": "1|2"}, []string{"a.b", "a.c{}"}},
		{"objects in a list", `{"l":[{"k":"1"},{"k":"2"},{"j":"3"},{"k":"4"}]}`, map[string]string{"l{}.k": "1|2|4", "l{}.j": "3"}, []string{"l{}.k", "l{}.j"}},
		{"a dotted key meets a path", `{"a.b":"1","a":{"b":"2"}}`, map[string]string{"a.b": "1|2"}, []string{"a.b"}},
		{"a field set before", `{"source":"s"}`, map[string]string{"source": "pre|s"}, []string{"source"}},
		{"null and booleans", `{"n":null,"t":true,"f":[false]}`, map[string]string{"n": "null", "t": "true", "f{}": "false"}, []string{"n", "t", "f{}"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := ast.ParseJSON([]byte(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			o := &ast.Object{}
			if c.name == "a field set before" {
				o.Set("source", ast.String("pre"))
			}
			Extract(v, "", o)
			for f, w := range c.want {
				if got, ok := o.Get(f); !ok || text(got) != w {
					t.Errorf("%s = %q (%v), want %q", f, text(got), ok, w)
				}
			}
			if strings.Join(o.Keys, ",") != strings.Join(c.keys, ",") {
				t.Errorf("fields %q, want %q", o.Keys, c.keys)
			}
		})
	}
}
