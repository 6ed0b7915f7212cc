package plan_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/mutate"
	"github.com/concordsec/concord/plan"
)

// fixtureRule is a fixture rule ready to judge events with.
type fixtureRule struct {
	rule   *ast.Rule
	plan   *plan.Plan
	match  *eval.Program
	models *harness.DataModels
}

// verdict is what the engine makes of the match on one event: a hit, or an
// error (harness.Compiled.Run and pantherMatch); neither is a clean non-match.
type verdict struct {
	hit bool
	err string
}

func (v verdict) clean() bool { return !v.hit && v.err == "" }

func (v verdict) String() string {
	if v.err != "" {
		return "error " + v.err
	}
	return fmt.Sprint("hit=", v.hit)
}

// judge evaluates the rule's match alone on one event, the way the engine
// does before anything else: Panther's rule() with the event's data model,
// Splunk's base search on the event's search-time view.
func (f *fixtureRule) judge(ev harness.Event) verdict {
	if f.rule.Platform == ast.Panther {
		env := &eval.Env{Record: ev.Value, UDM: f.models.For(f.rule, ev.Value)}
		v, err := f.match.Eval(env)
		switch {
		case err != nil:
			return verdict{err: err.Error()}
		case v.Kind() != ast.KindBool:
			return verdict{err: "rule() returned " + v.Repr()}
		}
		return verdict{hit: v.AsBool()}
	}
	view, err := f.view(ev)
	if err != nil {
		return verdict{err: err.Error()}
	}
	v, err := f.match.Eval(&eval.Env{Record: ast.ObjectOf(view)})
	if err != nil {
		return verdict{err: err.Error()}
	}
	return verdict{hit: v.Truth()}
}

// views caches Splunk views: the fixture rules share a sourcetype and most
// events (mutants included), and a view takes longer than a match.
var views sync.Map // viewKey -> viewed

type viewKey struct {
	sourceType, ruleType string
	raw                  string // the event's value as JSON: events and projections are told apart by it
}

type viewed struct {
	view *ast.Object
	err  error
}

func (f *fixtureRule) view(ev harness.Event) (*ast.Object, error) {
	lt := ""
	if len(f.rule.LogTypes) > 0 {
		lt = f.rule.LogTypes[0]
	}
	k := viewKey{ev.SourceType, lt, encoder{}.encode(ev.Value) + "\x00" + ev.Raw}
	if v, ok := views.Load(k); ok {
		return v.(viewed).view, v.(viewed).err
	}
	view, err := harness.SplunkView(f.rule, ev)
	views.Store(k, viewed{view, err})
	return view, err
}

// mutants caches mutant events by parent and label: rules reading the same
// fields get the same mutants.
var mutants sync.Map // string -> harness.Event

const fixtures = "../fixtures"

// loadFixtures reads every rule under fixtures/ that runs, and plans it.
func loadFixtures(t testing.TB) []*fixtureRule {
	t.Helper()
	files, err := harness.FindRules([]string{fixtures})
	if err != nil {
		t.Fatal(err)
	}
	var out []*fixtureRule
	for _, file := range files {
		r, errs := harness.LoadRule(file, harness.Options{})
		if r == nil || r.Skip != "" || r.Match == nil || len(r.Unsupported) > 0 || errs.Has(ast.CodeParse) {
			continue
		}
		if _, errs := harness.Compile(r); errs != nil {
			continue
		}
		prog, errs := eval.Compile(r.Match, r.Keys)
		if errs != nil {
			t.Fatalf("%s: %v", file, errs)
		}
		f := &fixtureRule{rule: r, match: prog}
		var opts plan.Options
		if r.Platform == ast.Panther && !r.Scheduled {
			f.models = harness.DataModelsFor(r.File)
			if f.models != nil {
				opts.DataModels = f.models.ByLogType
			}
		}
		f.plan = plan.Of(r, opts)
		out = append(out, f)
	}
	if len(out) < 20 {
		t.Fatalf("only %d fixture rules loaded", len(out))
	}
	return out
}

// fixtureEvents are the events of every fixture rule: Panther tests' logs and
// the attack data of Splunk tests, each once.
func fixtureEvents(t testing.TB, rules []*fixtureRule) []harness.Event {
	t.Helper()
	var out []harness.Event
	seen := map[string]bool{}
	add := func(ev harness.Event) {
		if k := ev.SourceType + "\x00" + ev.Raw; !seen[k] {
			seen[k] = true
			out = append(out, ev)
		}
	}
	for _, f := range rules {
		for _, tc := range f.rule.Tests {
			if f.rule.Platform == ast.Panther {
				add(harness.TestEvent(f.rule, tc))
			}
			for _, ad := range tc.AttackData {
				if ad.Path == "" {
					continue
				}
				evs, errs := harness.LoadEvents(ad.Path, ad.SourceType)
				if errs.Has(ast.CodeIO) {
					t.Fatalf("%s: %v", ad.Path, errs)
				}
				for _, ev := range evs {
					add(ev)
				}
			}
		}
	}
	return out
}

// withMutants adds to events the mutants harness compares pairs on (a value
// in another case, a key in another case, missing, null, empty, a list, ...)
// for the fields rule reads.
func withMutants(events []harness.Event, r *ast.Rule) []harness.Event {
	var fields []string
	if r.Platform == ast.Splunk {
		fields = harness.ReadFields(r, nil)
	} else {
		fields = harness.ReadFields(nil, r)
	}
	out := append([]harness.Event(nil), events...)
	for _, ev := range events {
		if ev.Value.Kind() != ast.KindObject {
			continue
		}
		ms, _ := mutate.Event(ev.Value.AsObject(), fields, 0)
		for _, m := range ms {
			src := harness.MutantSource(ev.Source, m.Label)
			k := ev.SourceType + "\x00" + src
			if me, ok := mutants.Load(k); ok {
				out = append(out, me.(harness.Event))
				continue
			}
			v := ast.ObjectOf(m.Event)
			me := harness.Event{Source: src, Raw: encoder{}.encode(v), Value: v, SourceType: ev.SourceType}
			mutants.Store(k, me)
			out = append(out, me)
		}
	}
	return out
}

// check holds one rule to its plan on one event: a prefilter that drops the
// event means a clean non-match, and the match on the projected event gives
// the verdict it gives on the whole event.
func (f *fixtureRule) check(t *testing.T, ev harness.Event, proj *plan.Projection) (dropped bool) {
	t.Helper()
	full := f.judge(ev)
	if !f.plan.Maybe([]byte(ev.Raw)) {
		dropped = true
		if !full.clean() {
			t.Errorf("%s: prefilter drops %s, whose verdict is %s\nplan:\n%sevent: %s", f.rule.File, ev.Source, full, f.plan, ev.Raw)
		}
	}
	check := func(what string, project func(ast.Value) ast.Value) {
		pe := ev
		pe.Value = project(ev.Value)
		if got := f.judge(pe); got != full {
			t.Errorf("%s: on %s projected to %s: %s, on the whole event: %s\nplan:\n%sevent: %s\nprojected: %s",
				f.rule.File, ev.Source, what, got, full, f.plan, ev.Raw, ast.JSON(pe.Value))
		}
	}
	if !f.plan.All {
		check("the plan's paths", f.plan.Project)
	}
	if proj != nil && !proj.All {
		check("the union of all plans' paths", proj.Project)
	}
	return dropped
}

// TestFixtureVerdicts is the guarantee the speed work rests on: on every
// fixture rule and every fixture event (each rule's own and every other
// rule's, and their mutants), verdicts are identical with and without the
// prefilter and the projection.
func TestFixtureVerdicts(t *testing.T) {
	rules := loadFixtures(t)
	events := fixtureEvents(t, rules)
	plans := make([]*plan.Plan, len(rules))
	for i, f := range rules {
		plans[i] = f.plan
	}
	union := plan.NewSet(plans)
	all := make([]int, len(rules))
	for i := range all {
		all[i] = i
	}
	every := union.Projection(all)
	// Keep, sharing what it finds about an event among the plans, answers
	// as each plan's Maybe does.
	for _, ev := range events {
		var want []int
		for i, p := range plans {
			if p.Maybe([]byte(ev.Raw)) {
				want = append(want, i)
			}
		}
		if got := union.Keep(nil, []byte(ev.Raw)); !slices.Equal(got, want) {
			t.Errorf("%s: Keep = %v, Maybe = %v", ev.Source, got, want)
		}
	}
	var total, dropped atomic.Int64
	t.Run("rules", func(t *testing.T) {
		for _, f := range rules {
			t.Run(filepath.Base(f.rule.File), func(t *testing.T) {
				t.Parallel()
				for _, ev := range withMutants(events, f.rule) {
					total.Add(1)
					if f.check(t, ev, every) {
						dropped.Add(1)
					}
				}
			})
		}
	})
	t.Logf("%d rules, %d events with mutants checked, %d dropped by prefilters", len(rules), total.Load(), dropped.Load())
	if dropped.Load() == 0 {
		t.Error("no prefilter dropped any event")
	}
}

// TestFixtureEscapes writes the fixture events in the other ways JSON allows
// (any character as \uXXXX, / as \/) and with non-ASCII letters that fold to
// ASCII ones (K KELVIN SIGN for k, ſ LONG S for s, İ for i): the prefilter
// must still never drop an event the match does not cleanly reject.
func TestFixtureEscapes(t *testing.T) {
	rules := loadFixtures(t)
	events := fixtureEvents(t, rules)
	var variants []harness.Event
	for _, ev := range events {
		for i, enc := range []encoder{
			{escape: func(rune) bool { return true }},
			{escape: func(r rune) bool { return r == 'e' || r == 'E' || r == 'a' }},
			{slash: true},
			{escape: func(r rune) bool { return r >= 'A' && r <= 'Z' }, keysPlain: true},
			{escape: func(r rune) bool { return r >= 'A' && r <= 'Z' }, valuesPlain: true},
			{spaced: true},
		} {
			raw := enc.encode(ev.Value)
			v, err := ast.ParseJSON([]byte(raw))
			if err != nil {
				t.Fatalf("variant %d of %s: %v\n%s", i, ev.Source, err, raw)
			}
			if !ast.Equal(v, ev.Value) {
				t.Fatalf("variant %d of %s changed the event", i, ev.Source)
			}
			variants = append(variants, harness.Event{Source: fmt.Sprintf("%s~escape%d", ev.Source, i), Raw: raw, Value: v, SourceType: ev.SourceType})
		}
		// The folding letters change the event; the rules judge the new one.
		// One letter at a time: strings.ToLower takes İ for i and K for k,
		// regexp's (?i) K for k and ſ for s.
		for _, r := range []*strings.Replacer{
			strings.NewReplacer("k", "\u212a", "K", "\u212a"),
			strings.NewReplacer("s", "\u017f", "S", "\u017f"),
			strings.NewReplacer("i", "\u0130", "I", "\u0130"),
		} {
			v := mapStrings(ev.Value, r.Replace)
			variants = append(variants, harness.Event{Source: ev.Source + "~fold", Raw: ast.JSON(v), Value: v, SourceType: ev.SourceType})
		}
		// eval carries Python datetimes as objects whose first key is a
		// marker no event can spell (eval/py_datetime.go); an event whose
		// dict has a key like it is still a dict, and must not make the
		// prefilter and the rule disagree.
		if ev.Value.Kind() == ast.KindObject {
			o := ev.Value.AsObject()
			for i, k := range o.Keys {
				for _, class := range []string{"struct_time", "datetime"} {
					marker := &ast.Object{Keys: []string{"__concord_py_object__"}, Vals: []ast.Value{ast.String(class)}}
					c := o.Clone()
					c.Vals[i] = ast.ObjectOf(marker)
					v := ast.ObjectOf(c)
					variants = append(variants, harness.Event{Source: ev.Source + "~" + class + ":" + k, Raw: ast.JSON(v), Value: v, SourceType: ev.SourceType})
				}
			}
		}
	}
	for _, f := range rules {
		t.Run(filepath.Base(f.rule.File), func(t *testing.T) {
			t.Parallel()
			for _, ev := range variants {
				f.check(t, ev, nil)
			}
		})
	}
}

// encoder writes JSON with chosen characters of strings as \u escapes.
type encoder struct {
	escape                 func(rune) bool
	slash                  bool // write / as \/
	keysPlain, valuesPlain bool // leave keys, or values, as they are
	spaced                 bool // blank space around colons, as pretty printers write
}

func (e encoder) encode(v ast.Value) string {
	var b strings.Builder
	e.value(&b, v)
	return b.String()
}

func (e encoder) value(b *strings.Builder, v ast.Value) {
	switch v.Kind() {
	case ast.KindObject:
		o := v.AsObject()
		b.WriteByte('{')
		for i, k := range o.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			e.str(b, k, e.keysPlain)
			if e.spaced {
				b.WriteString(" :\t")
			} else {
				b.WriteByte(':')
			}
			e.value(b, o.Vals[i])
		}
		b.WriteByte('}')
	case ast.KindList:
		b.WriteByte('[')
		for i, x := range v.AsList() {
			if i > 0 {
				b.WriteByte(',')
			}
			e.value(b, x)
		}
		b.WriteByte(']')
	case ast.KindString:
		e.str(b, v.AsString(), e.valuesPlain)
	default:
		b.WriteString(ast.JSON(v))
	}
}

func (e encoder) str(b *strings.Builder, s string, plain bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case !plain && e.escape != nil && e.escape(r):
			writeU(b, r)
		case r == '/' && e.slash && !plain:
			b.WriteString(`\/`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			writeU(b, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// writeU writes r as \u escapes, a surrogate pair beyond the BMP; upper-case
// hex, which JSON allows as well as lower-case.
func writeU(b *strings.Builder, r rune) {
	if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
		fmt.Fprintf(b, `\u%04X\u%04x`, r1, r2)
		return
	}
	fmt.Fprintf(b, `\u%04X`, r)
}

// mapStrings applies f to every string value (not keys).
func mapStrings(v ast.Value, f func(string) string) ast.Value {
	switch v.Kind() {
	case ast.KindObject:
		o := v.AsObject()
		out := &ast.Object{Keys: append([]string(nil), o.Keys...)}
		for _, x := range o.Vals {
			out.Vals = append(out.Vals, mapStrings(x, f))
		}
		return ast.ObjectOf(out)
	case ast.KindList:
		var out []ast.Value
		for _, x := range v.AsList() {
			out = append(out, mapStrings(x, f))
		}
		return ast.List(out...)
	case ast.KindString:
		s := f(v.AsString())
		if !utf8.ValidString(s) {
			return v
		}
		return ast.String(s)
	}
	return v
}
