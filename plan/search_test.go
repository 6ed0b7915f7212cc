package plan

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// TestIndex compares the rare-byte search with bytes.Index (and its ASCII
// case-insensitive counterpart) on random texts over a small alphabet, where
// near misses are common.
func TestIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = `aAbBzZ"\:/k`
	randText := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		pat := randText(1 + rng.IntN(4))
		hay := []byte(randText(rng.IntN(40)))
		for _, fold := range []bool{false, true} {
			l := newLit(pat, fold)
			want := bytes.Index(hay, []byte(pat))
			if fold {
				want = bytes.Index(bytes.ToLower(hay), []byte(strings.ToLower(pat)))
			}
			if got := l.index(hay); got != want {
				t.Fatalf("index(%q, %q, fold %v) = %d, want %d", hay, pat, fold, got, want)
			}
		}
	}
}

// TestHolds checks each way an event can hide a literal from a plain search.
func TestHolds(t *testing.T) {
	exact := func(s string) clause { return clause{lits: []lit{newLit(s, false)}} }
	fold := func(s string) clause { return clause{lits: []lit{newLit(s, true)}} }
	for _, tc := range []struct {
		name string
		c    clause
		raw  string
		want bool
	}{
		{"found", exact("DeleteTrail"), `{"eventName":"DeleteTrail"}`, true},
		{"absent", exact("DeleteTrail"), `{"eventName":"CreateTrail"}`, false},
		{"case differs", exact("DeleteTrail"), `{"eventName":"deletetrail"}`, false},
		{"fold", fold("DeleteTrail"), `{"eventName":"DELETETRAIL"}`, true},
		// RFC 8259 section 7: any character may be escaped as \uXXXX, and
		// "/" as \/.
		{"\\u escape", exact("DeleteTrail"), `{"eventName":"Delete\u0054rail"}`, true},
		{"\\u escape in another value", exact("DeleteTrail"), `{"a":"\u0041","eventName":"x"}`, true},
		{"escaped backslash then u", exact("DeleteTrail"), `{"a":"\\u","eventName":"x"}`, false},
		{"\\/ for a literal with /", exact("0.0.0.0/0"), `{"cidr":"0.0.0.0\/0"}`, true},
		{"\\/ for a literal without /", exact("DeleteTrail"), `{"u":"a\/b"}`, false},
		{"quote escaped as the literal is", exact(`say \"hi\"`), `{"a":"say \"hi\""}`, true},
		// strings.ToLower takes KELVIN SIGN to k, regexp's (?i) folds it
		// with k; ſ (long s) folds with s; İ lowers to i.
		{"kelvin sign", fold("key"), "{\"a\":\"\u212aey\"}", true},
		{"long s", fold("list"), "{\"a\":\"li\u017ft\"}", true},
		{"dotted capital i", fold("list"), "{\"a\":\"l\u0130st\"}", true},
		{"other non-ASCII", fold("list"), "{\"a\":\"l\u00efst\"}", false},
		{"kelvin sign, case-sensitive", exact("key"), "{\"a\":\"\u212aey\"}", false},
		{"never", clause{}, `{"a":"\u0041"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.prepare()
			var h hazards
			if got := c.holds([]byte(tc.raw), &h, false); got != tc.want {
				t.Errorf("holds(%s) = %v, want %v", tc.raw, got, tc.want)
			}
		})
	}
}

// TestAnchor: an anchored clause holds only where one of its keys holds an
// accepted value, or where the text keeps the anchor from judging.
func TestAnchor(t *testing.T) {
	anchored := func(keyFold, fold, prefix bool, key string, vals ...string) clause {
		lits := make([]lit, len(vals))
		for i, v := range vals {
			lits[i] = newLit(v, fold)
			if fold {
				vals[i] = asciiLower(v)
			}
		}
		return clause{lits: lits, anchor: anchor{{key: newLit(key, keyFold), vals: vals, fold: fold, prefix: prefix}}}
	}
	python := anchored(true, false, false, "eventName", "DeleteTrail", "StopLogging")
	splunk := anchored(false, true, false, "eventName", "DeleteTrail")
	get := anchored(false, true, true, "eventName", "Get", "List")
	source := anchored(true, false, false, "eventSource", "s3.amazonaws.com")
	for _, tc := range []struct {
		name string
		c    clause
		raw  string
		want bool
	}{
		{"equal", python, `{"eventName":"DeleteTrail"}`, true},
		{"second value", python, `{"eventName":"StopLogging"}`, true},
		{"elsewhere only", python, `{"eventName":"CreateTrail","note":"DeleteTrail"}`, false},
		{"longer value", python, `{"eventName":"DeleteTrails"}`, false},
		{"case differs", python, `{"eventName":"deletetrail"}`, false},
		{"spaces around the colon", python, `{"eventName" :	"DeleteTrail"}`, true},
		{"nested key", python, `{"a":{"eventName":"DeleteTrail"},"eventName":"x"}`, true},
		// Panther finds keys ignoring case (ImmutableCaseInsensitiveDict).
		{"key in another case, folding", python, `{"EVENTNAME":"DeleteTrail","note":"x"}`, true},
		{"key in another case, exact", splunk, `{"EVENTNAME":"DeleteTrail"}`, false},
		// A key may hide behind a letter that folds to an ASCII one (long s
		// for s); that matters once the value is found, not before.
		{"key folded non-ASCII, value found", source, "{\"event\u017fource\":\"s3.amazonaws.com\"}", true},
		{"key folded non-ASCII, value absent", source, "{\"event\u017fource\":\"x\",\"b\":\"ec2.amazonaws.com\"}", false},
		{"key inside a string", python, `{"a":"\"eventName\":\"DeleteTrail\"","eventName":"x"}`, false},
		{"list value", python, `{"eventName":["x"],"b":"DeleteTrail"}`, true},
		{"number value", python, `{"eventName":5,"b":"DeleteTrail"}`, true},
		{"number value, no literal", python, `{"eventName":5}`, false},
		{"escaped value", python, `{"eventName":"Delete\"Trail","b":"DeleteTrail"}`, true},
		{"\\u escape anywhere", python, `{"eventName":"x","b":"DeleteTrail","c":"\u0041"}`, true},
		{"value folded", splunk, `{"eventName":"DELETETRAIL"}`, true},
		{"value folded, other", splunk, `{"eventName":"DELETETRAILS","b":"deletetrail"}`, false},
		{"non-ASCII value, folding", splunk, "{\"eventName\":\"Dele\u212ae\",\"b\":\"deletetrail\"}", true},
		{"prefix", get, `{"eventName":"GetObject"}`, true},
		{"prefix, second", get, `{"eventName":"listBuckets"}`, true},
		{"prefix elsewhere", get, `{"eventName":"PutObject","a":"GetObject"}`, false},
		{"prefix too short", get, `{"eventName":"Ge","a":"GetObject"}`, false},
		{"no key", get, `{"name":"GetObject"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.prepare()
			if !c.anchorFinds() {
				t.Fatalf("%s: the anchor's values hold no literal", c.String())
			}
			// Searching for the keys first or for the literals first is a
			// matter of cost, never of the answer.
			for _, first := range []bool{false, true} {
				c.anchorFirst = first
				var h hazards
				if got := c.holds([]byte(tc.raw), &h, false); got != tc.want {
					t.Errorf("anchor first %v: holds(%s) = %v, want %v (%s)", first, tc.raw, got, tc.want, c.String())
				}
			}
		})
	}
}

func TestAnchorFirst(t *testing.T) {
	for _, tc := range []struct {
		name                string
		c                   clause
		finds, firstIsCheap bool
	}{
		{"burst search's prefixes", clause{
			lits:   []lit{newLit("describe", true), newLit("get", true), newLit("list", true)},
			anchor: anchor{{key: newLit("eventName", false), vals: []string{"describe", "get", "list"}, fold: true, prefix: true}},
		}, true, true},
		{"rare literal, common key", clause{
			lits:   []lit{newLit("bedrock.amazonaws.com", false)},
			anchor: anchor{{key: newLit("eventsource", true), vals: []string{"bedrock.amazonaws.com"}}},
		}, true, false},
		{"literal shorter than the value", clause{
			lits:   []lit{newLit("CreatePolicy", false)},
			anchor: anchor{{key: newLit("eventName", false), vals: []string{"CreatePolicyVersion"}}},
		}, true, true},
		// A value compared ignoring case need not hold the literal as spelled.
		{"exact literal, folded value", clause{
			lits:   []lit{newLit("Get", false)},
			anchor: anchor{{key: newLit("eventName", false), vals: []string{"get"}, fold: true, prefix: true}},
		}, false, false},
		// Its anchor accepts "Remove", where the literal is not: reading the
		// keys first would keep such an event (holds is checked below).
		{"value without the literal", clause{
			lits:   []lit{newLit("Delete", false)},
			anchor: anchor{{key: newLit("eventName", false), vals: []string{"Delete", "Remove"}}},
		}, false, true},
		{"key in any case, exact literal", clause{
			lits:   []lit{newLit("errorCode", false)},
			anchor: anchor{{key: newLit("errorcode", true), any: true}},
		}, false, false},
		{"key as the literal", clause{
			lits:   []lit{newLit("errorCode", false), newLit("ConsoleLogin", false)},
			anchor: anchor{{key: newLit("errorCode", false), any: true}, {key: newLit("ConsoleLogin", false), any: true}},
		}, true, false},
	} {
		c := tc.c
		if got := c.anchorFinds(); got != tc.finds {
			t.Errorf("%s: anchorFinds = %v, want %v", tc.name, got, tc.finds)
		}
		if got := c.anchorCost() < c.litCost(); got != tc.firstIsCheap {
			t.Errorf("%s: anchor cost %d, literals' %d", tc.name, c.anchorCost(), c.litCost())
		}
		c.prepare()
		if want := tc.finds && tc.firstIsCheap; c.anchorFirst != want {
			t.Errorf("%s: anchorFirst = %v, want %v", tc.name, c.anchorFirst, want)
		}
		var h hazards
		if c.holds([]byte(`{"eventName":"Remove"}`), &h, false) {
			t.Errorf("%s: holds where no literal is", tc.name)
		}
	}
}

func TestKinds(t *testing.T) {
	notList := kindCheck{key: newLit("eventName", true), allow: kindString | kindNumber | kindBool | kindNull}
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{`{"eventName":"DeleteTrail"}`, false},
		{`{"eventName":["DeleteTrail"]}`, true},
		{`{"EVENTNAME" : {"a":1}}`, true},
		{`{"a":{"eventName":[1]}}`, true}, // nested: more than the rule reads, never less
		{`{"eventName":null,"x":"eventName"}`, false},
		{`{"myeventName":[1]}`, false},
		{`{"a":"\"eventName\":[1]"}`, false},
	} {
		if got := notList.violated([]byte(tc.raw), &hazards{}); got != tc.want {
			t.Errorf("violated(%s) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		s    string
		how  litHow
		want string // "" for none
	}{
		{"DeleteTrail", litHow{}, `"DeleteTrail"`},
		{"a\"b\\c\nd\x01", litHow{}, `"a\\\"b\\\\c\\nd\\u0001"`},
		{"DeleteTrail", litHow{fold: true}, `(?i)"deletetrail"`},
		{"Deleté", litHow{fold: true}, ""},
		{"bad\xff", litHow{}, ""},
		{"\ufffd", litHow{}, ""},
		// Numbers print differently from how JSON may write them (1e3 is
		// 1000), so a text match on digits yields no literal.
		{"1000", litHow{text: true}, ""},
		{"-1.5e+3", litHow{text: true}, ""},
		{"10.0.0.0/8", litHow{text: true}, `"10.0.0.0/8"`},
		{"1000", litHow{}, `"1000"`},
		// The JSON of a dict escapes < as \u003c: "cept" could match
		// "\u003cept" in it where the event has "<ept".
		{"cept", litHow{text: true, objects: true}, `"pt"`},
		{"a:b", litHow{text: true, objects: true}, ""},
		{"a b", litHow{rawLine: true}, `"a b"`},
		{`a"b`, litHow{rawLine: true}, `"a\\\"b" | "a\"b"`},
	} {
		ls, ok := tc.how.literal(tc.s)
		var got []string
		for _, l := range ls {
			got = append(got, l.String())
		}
		if g := strings.Join(got, " | "); g != tc.want || ok != (tc.want != "") {
			t.Errorf("literal(%q, %+v) = %s %v, want %s", tc.s, tc.how, g, ok, tc.want)
		}
	}
}

func TestFlatPaths(t *testing.T) {
	for _, tc := range []struct {
		name string
		want [][]string
	}{
		{"eventName", [][]string{{"eventName"}}},
		{"a.b", [][]string{{"a", "b"}, {"a.b"}}},
		// "{}" closes the key of a list: the dot after it is a separator.
		{"items{}.cidrIp", [][]string{{"items", "cidrIp"}}},
		{"a{}{}", [][]string{{"a"}}},
	} {
		got, ok := flatPaths(tc.name)
		slices.SortFunc(got, slices.Compare)
		slices.SortFunc(tc.want, slices.Compare)
		if !ok || !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("flatPaths(%s) = %v %v, want %v", tc.name, got, ok, tc.want)
		}
	}
	if _, ok := flatPaths("a.b.c.d.e.f.g.h"); ok {
		t.Error("flatPaths took a name with 128 readings")
	}
}

func TestProject(t *testing.T) {
	v, err := ast.ParseJSON([]byte(`{"eventName":"X","EVENTNAME":"Y","a":{"b":[{"c":1,"d":2},{"c":3},5],"e":true},"f":"s","g":{"h":{"i":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		paths [][]string
		want  string
	}{
		{[][]string{{"eventname"}}, `{"eventName":"X","EVENTNAME":"Y"}`},
		{[][]string{{"a", "b", "c"}}, `{"a":{"b":[{"c":1},{"c":3},5]}}`},
		{[][]string{{"a"}, {"a", "e"}}, `{"a":{"b":[{"c":1,"d":2},{"c":3},5],"e":true}}`},
		{[][]string{{"f", "x"}}, `{"f":"s"}`},
		{[][]string{{"g", "h"}}, `{"g":{"h":{"i":1}}}`},
		{[][]string{{}}, ast.JSON(v)},
		{nil, `{}`},
	} {
		if got := ast.JSON(Project(v, tc.paths)); got != tc.want {
			t.Errorf("Project(%v) = %s, want %s", tc.paths, got, tc.want)
		}
	}
}

func TestUnion(t *testing.T) {
	a := &Plan{Paths: [][]string{{"eventName"}, {"a", "b"}}}
	b := &Plan{Paths: [][]string{{"EventName"}, {"a"}, {"c", "d"}}}
	got, all := Union([]*Plan{a, b})
	want := [][]string{{"EventName"}, {"a"}, {"c", "d"}}
	if all || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Union = %v %v, want %v", got, all, want)
	}
	if _, all := Union([]*Plan{a, {All: true}}); !all {
		t.Error("Union with a plan reading everything does not read everything")
	}
	s := NewSet([]*Plan{a, b})
	if s.Projection([]int{0, 1}) != s.Projection([]int{0, 1}) {
		t.Error("Set.Projection is not kept")
	}
}

// TestFoldsOf derives, from the unicode tables, every non-ASCII character
// that strings.ToLower or simple case folding takes for an ASCII letter, and
// checks foldsOf lists exactly those.
func TestFoldsOf(t *testing.T) {
	want := map[rune][]string{}
	add := func(ascii, r rune) {
		a := unicode.ToLower(ascii)
		if !slices.Contains(want[a], string(r)) {
			want[a] = append(want[a], string(r))
		}
	}
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l < utf8.RuneSelf {
			add(l, r)
		}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				add(f, r)
			}
		}
	}
	for r := rune(0); r < utf8.RuneSelf; r++ {
		w := want[unicode.ToLower(r)]
		if got := foldsOf(r); !slices.Equal(got, w) {
			t.Errorf("foldsOf(%q) = %q, want %q", r, got, w)
		}
	}
}
