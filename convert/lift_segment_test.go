package convert

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/portable"
)

const segmentPy = `
def rule(event):
    referrer = %s
    host = referrer.split("/")[2] if referrer.count("/") >= 2 else ""
    return %s
`

// A str test of one part of split text is a Regex on the field, and
// decides every event as the Python does (str.split cuts at every
// separator, so part 2 exists exactly when the text holds two; Python
// documentation, "str.split" and "str.count"). A lowered field folds the
// regex, exact for constants whose letters fold only to their ASCII pair
// ("K", the Kelvin sign, lowers to "k" and folds to it too; "İ".lower() is
// "i̇", which neither ".onion" nor (?i)\.onion matches).
func TestLiftSegment(t *testing.T) {
	events := []string{
		`{}`, `{"to":null}`, `{"to":""}`, `{"to":"https://evil.onion"}`, `{"to":"https://evil.onion/x"}`,
		`{"to":"https://evil.ONION/x"}`, `{"to":"https://evil.oni\u212aon"}`, `{"to":"https://evil.on\u0130on"}`,
		`{"to":"https://a/evil.onion"}`, `{"to":"evil.onion"}`, `{"to":"https://.onion"}`, `{"to":"https:/x.onion"}`,
		`{"to":"https://x.tor/"}`, `{"to":"a/b/.onionx"}`, `{"to":"a/b/c.onion\n"}`, `{"to":"//.onion//"}`,
		`{"to":"https://.ONIONx/"}`, `{"to":"//onion.torx"}`,
	}
	for _, tc := range []struct{ name, value, test, want string }{
		{"suffix, lowered", `(event.get("to") or "").lower()`, `host.endswith((".onion", ".tor"))`,
			`to iregex "^(?:[^/]*/){2}[^/]*\\.onion(?:/|\\z)"|"^(?:[^/]*/){2}[^/]*\\.tor(?:/|\\z)"`},
		{"suffix", `event.get("to") or ""`, `host.endswith(".onion")`, `to regex "^(?:[^/]*/){2}[^/]*\\.onion(?:/|\\z)"`},
		{"prefix", `event.get("to") or ""`, `host.startswith(".onion")`, `to regex "^(?:[^/]*/){2}\\.onion"`},
		{"equal", `(event.get("to") or "").lower()`, `host == ".onion"`, `to iregex "^(?:[^/]*/){2}\\.onion(?:/|\\z)"`},
		{"not equal", `event.get("to") or ""`, `host != ".onion"`, `not to regex "^(?:[^/]*/){2}\\.onion(?:/|\\z)"`},
		{"in", `event.get("to") or ""`, `".onion" in host`, `to regex "^(?:[^/]*/){2}[^/]*\\.onion"`},
		{"a constant holding the separator", `event.get("to") or ""`, `host.endswith("a/.onion")`, `false`},
		{"a constant lower() never gives", `(event.get("to") or "").lower()`, `host.endswith(".ONION")`, `false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			py := strings.Replace(strings.Replace(segmentPy, "%s", tc.value, 1), "%s", tc.test, 1)
			c := pantherRule(t, py)
			got, lossy := lift(t, c)
			if s := portable.String(got); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
			agreesWithPython(t, c, got, events)
			// Python raises on a value that is not a string (`or ""`
			// covers the falsy ones), list.count aside, which counts the
			// elements equal to the separator; the regex does not match such
			// a value. Where the two differ, a lossy point lets the
			// conversion match.
			for _, e := range []string{`{"to":["https://evil.onion"]}`, `{"to":["/","/"]}`, `{"to":7}`} {
				py, v := pythonHit(t, c, e)
				if lifted := portable.Holds(got, v); lifted != py && (py || !listed(lossy, "to", false)) {
					t.Errorf("%s: python %v, lifted %v, lossy %v", e, py, lifted, lossy)
				}
			}
		})
	}
}

// Shapes the part test cannot say are refused, or left to the other
// lifts, at the test's position.
func TestLiftSegmentRefused(t *testing.T) {
	for _, tc := range []struct{ name, py, want string }{
		{"the default passes the test", `
def rule(event):
    v = event.get("to") or ""
    host = v.split("/")[2] if v.count("/") >= 2 else ".onion"
    return host.endswith(".onion")
`, `r.py:5:12: cannot convert: a test of a part of split text that holds on the value used without that part (".onion")`},
		{"a guard for another part", `
def rule(event):
    v = event.get("to") or ""
    host = v.split("/")[2] if v.count("/") >= 1 else ""
    return host.endswith(".onion")
`, `r.py:5:12: cannot convert: not a field of the event`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Condition(pantherRule(t, tc.py).Rule)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// foldGap: (?i) on the constant agrees with Python's str.lower() of the
// value unless a letter's fold orbit and what lowers to it differ (Unicode
// CaseFolding.txt and SpecialCasing.txt; Python's str.lower is full
// lower-casing, RE2's (?i) simple folding).
func TestFoldGap(t *testing.T) {
	for _, tc := range []struct {
		lit  string
		open bool
		want string // a substring of the gap, "" for none
	}{
		{".onion", false, ""},
		{".tor", false, ""},
		{"k", false, ""},          // K (U+212A) lowers to k and folds to it
		{"s", false, `'ſ'`},       // ſ folds to s but lowers to itself
		{"i", true, `'İ'`},        // "İ".lower() is "i̇": the i matches an open test
		{"i", false, ""},          // ... not one the part's end closes
		{"i\u0307", false, `'İ'`}, // nor one going on with U+0307
		{"\u03c3", false, `'Σ'`},  // Σ lowers to σ or to ς
		{"\u00e5", false, ""},     // Å and the Angstrom sign both lower and fold to å
	} {
		got := foldGap(tc.lit, tc.open)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("foldGap(%+q, %v) = %q, want %q", tc.lit, tc.open, got, tc.want)
		}
	}
}
