package sourcetype

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func addonDir(name string) string { return filepath.Join("testdata", "addons", name) }

// loadAddons returns a fresh registry with the test add-ons loaded in order, so
// no test changes the Default registry.
func loadAddons(t *testing.T, names ...string) (*Registry, []*Addon) {
	t.Helper()
	r, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	var out []*Addon
	for _, n := range names {
		a, errs := r.LoadAddon(addonDir(n))
		if errs != nil {
			t.Fatalf("%s: %v", n, errs)
		}
		out = append(out, a)
	}
	return r, out
}

// TA-fabrikam: an invented add-on in Splunk's file layout, with local/
// overriding default/.
func TestAddonView(t *testing.T) {
	r, _ := loadAddons(t, "TA-fabrikam")
	runViewCases(t, r, []viewCase{{
		name:       "everything applies",
		sourcetype: "fabrikam:audit",
		raw:        `{"when":"2024-06-01T10:00:00Z","actor":{"login":"alice","ip":"10.1.2.3","region":"eu-west"},"verb":"Widget.Create","level":"crit","labels":"env=prod env=dev team=red empty=","tags":"x=1 x=2","note":"see TCK-4711 and TCK-4712","detail":{"items":[{"id":"w1"},{"id":"w2"}]}}`,
		want: map[string]string{
			"_time":         "1717236000", // TIME_PREFIX names the "when" key
			"src":           "10.1.2.3",   // FIELDALIAS with two pairs
			"user":          "ALICE",      // EVAL over the alias
			"shout":         "alice!",     // sees the alias, not EVAL-user's result
			"vendor_region": "eu-west",    // alias added in local/
			"operator":      absent,       // an alias of an alias
			"severity_id":   "10",         // EVAL overridden in local/
			"outcome":       "success",    // continued over two lines
			"item_id":       "w1|w2",      // quoted multivalue source
			"env":           "prod|dev",   // FORMAT $1::$2 with MV_ADD
			"team":          "red",
			"empty":         absent, // KEEP_EMPTY_VALS defaults to false
			"tag_x":         "1",    // no MV_ADD: the first value stays
			"ticket_id":     "4711", // EXTRACT ... in note
			"after_id":      absent, // lookbehind: warned, not applied
			// WILDCARD lookup, made case-insensitive in local/transforms.conf
			"change_action": "created", "category": "widget",
			// CIDR lookup with max_matches = 2: both networks
			"country": "NL|private", "site": "Utrecht|intranet",
		},
	}, {
		name:       "OUTPUTNEW keeps an ASNEW alias; empty cells output nothing",
		sourcetype: "fabrikam:audit",
		raw:        `{"actor":{"login":"bob","ip":"192.0.2.7"},"verb":"gadget.delete","kind":"sprocket","error":"denied","level":"warn"}`,
		want: map[string]string{
			"category": "sprocket", "change_action": "deleted",
			"outcome": "failure", "severity_id": "5",
			"country": "US", "site": absent,
		},
	}, {
		name:       "default_match when no row matches",
		sourcetype: "fabrikam:audit",
		raw:        `{"verb":"frobnicate"}`,
		want:       map[string]string{"change_action": "unknown", "category": "unknown", "severity_id": "0", "country": absent, "user": absent},
	}, {
		name:       "no input field, no lookup",
		sourcetype: "fabrikam:audit",
		raw:        `{"level":"crit"}`,
		want:       map[string]string{"change_action": absent, "category": absent},
	}, {
		name:       "text event, epoch milliseconds",
		sourcetype: "fabrikam:text",
		raw:        `1717236000123 widget.create by carol`,
		want:       map[string]string{"stamp": "1717236000123", "verb": "widget.create", "user": "carol", "action": "created"},
	}})
	tm, _ := viewOf(t, r, "fabrikam:text", `1717236000123 x by y`).Get("_time")
	if f, _ := tm.Number(); f != 1717236000.123 {
		t.Errorf("_time = %v, want 1717236000.123 (TIME_FORMAT %%s%%3N)", tm.Text())
	}
	flow := viewOf(t, r, "fabrikam:flow", `f-1 in 1717236000 more`)
	if tm, _ := flow.Get("_time"); tm.Text() != "1717236000" {
		t.Errorf("_time = %q, want the text after TIME_PREFIX", tm.Text())
	}
	if _, ok := viewOf(t, r, "fabrikam:clf", `[01/Jun/2024:10:00:00 +0000] GET /`).Get("_time"); ok {
		t.Error("_time set from a TIME_FORMAT concord does not read")
	}
	if !r.Lookup("fabrikam:text").TextEvents() || r.Lookup("fabrikam:audit").TextEvents() {
		t.Error("KV_MODE none makes text events, json does not")
	}
}

func TestAddonReport(t *testing.T) {
	r, as := loadAddons(t, "TA-fabrikam")
	a := as[0]
	if a.Name != "TA-fabrikam" || a.Version != "1.2.3" {
		t.Errorf("name %q version %q", a.Name, a.Version)
	}
	if want := []string{"fabrikam:audit", "fabrikam:clf", "fabrikam:flow", "fabrikam:text"}; !reflect.DeepEqual(a.SourceTypes, want) {
		t.Errorf("SourceTypes = %v, want %v", a.SourceTypes, want)
	}
	if want := map[string]int{"source::": 1, "host::": 1, "default": 1}; !reflect.DeepEqual(a.Ignored, want) {
		t.Errorf("Ignored = %v, want %v", a.Ignored, want)
	}
	props := filepath.Join(addonDir("TA-fabrikam"), "default", "props.conf")
	want := []string{
		props + ":32:1: unsupported: REPORT-lookbehind: [fabrikam_after_id] REGEX: ",
		props + ":37:1: unsupported: LOOKUP-kvstore: [fabrikam_kv] collection: only CSV file lookups are modelled",
		props + ":60:1: unsupported: TIME_FORMAT: %d/%b/%Y:%H:%M:%S %z: only epoch",
	}
	if len(a.Warnings) != len(want) {
		t.Fatalf("warnings:\n%v", a.Warnings)
	}
	for i, w := range want {
		if got := a.Warnings[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("warning %d = %q, want %q...", i, got, w)
		}
	}
	notes := strings.Join(a.Notes(), "\n")
	for _, s := range []string{"TA-fabrikam 1.2.3: 4 sourcetypes (fabrikam:audit, fabrikam:clf, fabrikam:flow, fabrikam:text)", "ignored 1 [source::...] stanzas", "3 settings not applied"} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes lack %q:\n%s", s, notes)
		}
	}
	if got := r.Addons(); len(got) != 1 || got[0] != a {
		t.Errorf("Addons() = %v", got)
	}
	if !r.IsKnown("fabrikam:audit") || r.Lookup("fabrikam:audit").Addon != "TA-fabrikam 1.2.3" {
		t.Error("fabrikam:audit not registered with its add-on")
	}
	// A registry of its own leaves the Default one alone.
	if IsKnown("fabrikam:audit") {
		t.Error("Default registry sees a test add-on")
	}
	w := Warnings{Registry: r}
	if _, ok := w.Check("fabrikam:audit"); ok {
		t.Error("warned about a sourcetype the registry knows")
	}
}

// A later add-on extends a sourcetype setting by setting.
func TestAddonLayering(t *testing.T) {
	r, _ := loadAddons(t, "TA-fabrikam", "TA-fabrikam-patch")
	runViewCases(t, r, []viewCase{{
		name:       "patched",
		sourcetype: "fabrikam:audit",
		raw:        `{"actor":{"login":"alice"},"level":"crit"}`,
		want:       map[string]string{"patched": "yes", "shout": "alice?", "severity_id": "10", "user": "ALICE"},
	}})
	if got := r.Lookup("fabrikam:audit").Addon; got != "TA-fabrikam 1.2.3, TA-fabrikam-patch" {
		t.Errorf("Addon = %q", got)
	}
}

// An add-on's sourcetype replaces the built-in one; only the built-in time
// field stays, since the add-on names none.
func TestAddonReplacesBuiltin(t *testing.T) {
	r, _ := loadAddons(t, "TA-cloudtrail-extra")
	runViewCases(t, r, []viewCase{{
		name:       "add-on's knowledge only",
		sourcetype: "aws:cloudtrail",
		raw:        `{"eventID":"e-1","eventTime":"2025-01-21T17:49:47Z","sourceIPAddress":"198.51.100.1"}`,
		want:       map[string]string{"event_id": "e-1", "src": absent, "vendor_product": absent, "_time": "1737481787"},
	}})
	if src, _ := viewOf(t, nil, "aws:cloudtrail", `{"sourceIPAddress":"198.51.100.1"}`).Get("src"); src.Text() != "198.51.100.1" {
		t.Error("Default registry lost its built-in")
	}
}

func TestAddonErrors(t *testing.T) {
	r, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	props := filepath.Join(addonDir("TA-broken"), "default", "props.conf")
	for _, c := range []struct {
		dir  string
		want []string
	}{
		{addonDir("TA-broken"), []string{
			props + `:3:1: parse: want [stanza], key = value or # comment, got "this line has no equals sign"`,
			props + ":4:1: parse: stanza header without closing ]",
		}},
		{addonDir("no-such-addon"), []string{addonDir("no-such-addon") + ": io: "}},
		{addonDir("TA-fabrikam/lookups"), []string{addonDir("TA-fabrikam/lookups") + ": io: no default/props.conf or local/props.conf"}},
	} {
		a, errs := r.LoadAddon(c.dir)
		if a != nil || len(errs) != len(c.want) {
			t.Errorf("%s: addon %v, errors %v", c.dir, a, errs)
			continue
		}
		for i, w := range c.want {
			if got := errs[i].Error(); !strings.HasPrefix(got, w) {
				t.Errorf("%s: error %q, want %q...", c.dir, got, w)
			}
		}
	}
	// A malformed add-on registers nothing.
	if r.IsKnown("fabrikam:broken") || len(r.Addons()) != 0 {
		t.Error("broken add-on half-loaded")
	}
}

func TestParseConf(t *testing.T) {
	cf := newConfFile()
	src := "top = 1\n" +
		"# a comment\n" +
		"  [st:one]  \n" +
		"A = x # not a comment\n" +
		"B = first \\\n" +
		"  second\n" +
		"  C=  spaced  \n" +
		"[st:one]\n" +
		"A = again\n" +
		"[bad] trailing\n"
	errs := parseConf(cf, "p.conf", []byte(src))
	if len(errs) != 1 || errs[0].Error() != "p.conf:10:1: parse: text after stanza header: trailing" {
		t.Errorf("errors: %v", errs)
	}
	for _, c := range []struct {
		stanza, key, value string
		pos, valuePos      ast.Pos
	}{
		{"default", "top", "1", ast.Pos{File: "p.conf", Line: 1, Col: 1}, ast.Pos{File: "p.conf", Line: 1, Col: 7}},
		{"st:one", "A", "again", ast.Pos{File: "p.conf", Line: 9, Col: 1}, ast.Pos{File: "p.conf", Line: 9, Col: 5}},
		{"st:one", "B", "first \n  second", ast.Pos{File: "p.conf", Line: 5, Col: 1}, ast.Pos{File: "p.conf", Line: 5, Col: 5}},
		{"st:one", "C", "spaced", ast.Pos{File: "p.conf", Line: 7, Col: 3}, ast.Pos{File: "p.conf", Line: 7, Col: 7}},
	} {
		v, ok := cf.get(c.stanza, c.key)
		if !ok || v.Value != c.value || v.Pos != c.pos || v.ValuePos != c.valuePos {
			t.Errorf("[%s] %s = %+v, want %q at %v/%v", c.stanza, c.key, v, c.value, c.pos, c.valuePos)
		}
	}
	// Splunk has no inline comments: a later "#" is part of the value.
	cf2 := newConfFile()
	parseConf(cf2, "q.conf", []byte("[s]\nA = x # not a comment\n"))
	if v, _ := cf2.get("s", "A"); v.Value != "x # not a comment" {
		t.Errorf("A = %q", v.Value)
	}
}

func TestLookupSetting(t *testing.T) {
	for _, c := range []struct {
		in, msg string
	}{
		{"only_a_name", "want <lookup> <input field> ..."},
		{"t OUTPUT x", "no input field"},
		{"t a OUTPUT x OUTPUTNEW y", "a second OUTPUT clause"},
		{"t a AS", "AS without a field on both sides"},
		{"nowhere a OUTPUT b", "no transforms.conf stanza [nowhere]"},
	} {
		r, _ := loadAddons(t)
		_, msg := r.automaticLookup(setting{confValue{Value: c.in}, &Addon{transforms: newConfFile()}})
		if !strings.HasPrefix(msg, c.msg) {
			t.Errorf("%q: %q, want %q", c.in, msg, c.msg)
		}
	}
	for in, want := range map[string]string{
		"a AS b":               "[{a b false}]",
		`"x y" ASNEW z c as d`: "[{x y z true} {c d false}]",
	} {
		got, err := parseAliases(in)
		if err != nil || strings.ReplaceAll(fmtAliases(got), "  ", " ") != want {
			t.Errorf("parseAliases(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseAliases("a TO b"); err == nil {
		t.Error("a TO b accepted")
	}
}

func fmtAliases(as []alias) string {
	var parts []string
	for _, a := range as {
		k := "false"
		if a.Keep {
			k = "true"
		}
		parts = append(parts, "{"+a.From+" "+a.To+" "+k+"}")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func FuzzParseConf(f *testing.F) {
	f.Add([]byte("# c\n[fabrikam:audit]\nKV_MODE = json\nFIELDALIAS-a = x AS y \\\n  z AS w\n[source::...]\nk=v\n"))
	f.Add([]byte("[unterminated\nkey\n= value\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cf := newConfFile()
		parseConf(cf, "f.conf", src)
		for _, name := range cf.Order {
			if cf.Stanzas[name] == nil {
				t.Fatalf("stanza %q in Order but not in Stanzas", name)
			}
		}
	})
}
