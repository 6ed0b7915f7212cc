package plan_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/plan"
)

var (
	fuzzOnce  sync.Once
	fuzzRules []*fixtureRule
	fuzzWords [][]string // per rule: the strings its plan searches for, and its keys
)

// bytesIn hands out the fuzzer's bytes as choices; zeros once exhausted.
type bytesIn struct{ b []byte }

func (s *bytesIn) next() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *bytesIn) pick(n int) int {
	if n <= 0 {
		return 0
	}
	return int(s.next()) % n
}

// FuzzMaybe builds JSON objects out of a fixture rule's own literals and keys,
// with random case, escapes, folding letters and kinds of value, and checks
// that the prefilter never drops an event the match does not cleanly reject,
// and that the projection does not change the verdict.
func FuzzMaybe(f *testing.F) {
	fuzzOnce.Do(func() {
		fuzzRules = loadFixtures(f)
		for _, r := range fuzzRules {
			fuzzWords = append(fuzzWords, fuzzWordsFor(r))
		}
	})
	for i := range fuzzRules {
		f.Add(uint8(i), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
		f.Add(uint8(i), []byte("\x01\x00\x00\x00\x02\x07\x00\x03\x00\x01\x05\x00\x00\x00"))
	}
	f.Fuzz(func(t *testing.T, ri uint8, data []byte) {
		r := fuzzRules[int(ri)%len(fuzzRules)]
		words := fuzzWords[int(ri)%len(fuzzRules)]
		in := &bytesIn{b: data}
		raw := fuzzEvent(in, r, words)
		v, err := ast.ParseJSON([]byte(raw))
		if err != nil || v.Kind() != ast.KindObject {
			return
		}
		ev := harness.Event{Source: "fuzz", Raw: raw, Value: v}
		r.check(t, ev, nil)
	})
}

// fuzzWordsFor are the strings the rule's prefilter searches for and the
// keys of its paths.
func fuzzWordsFor(r *fixtureRule) []string {
	var words []string
	for _, c := range r.plan.Literals() {
		for _, l := range c {
			var s string
			if json.Unmarshal([]byte(`"`+l.Text+`"`), &s) == nil {
				words = append(words, s)
			}
		}
	}
	for _, p := range r.plan.Paths {
		words = append(words, p...)
	}
	return words
}

// fuzzEvent builds an event along the rule's paths, with values made of its
// literals, and writes it as JSON.
func fuzzEvent(in *bytesIn, r *fixtureRule, words []string) string {
	root := &ast.Object{}
	paths := r.plan.Paths
	if r.plan.All {
		paths = [][]string{{"eventName"}, {"eventSource"}}
	}
	for _, p := range paths {
		if in.pick(4) == 0 {
			continue
		}
		o := root
		for i, k := range p {
			k = fuzzText(in, k, false)
			if i == len(p)-1 {
				o.Set(k, fuzzLeaf(in, words, 0))
				break
			}
			next, ok := o.Get(k)
			if !ok || next.Kind() != ast.KindObject {
				next = ast.ObjectOf(&ast.Object{})
				if in.pick(8) == 0 {
					// A list on the way: paths cross lists.
					o.Set(k, ast.List(next))
				} else {
					o.Set(k, next)
				}
			}
			o = next.AsObject()
		}
	}
	for range in.pick(3) {
		root.Set(fuzzText(in, pickWord(in, words), true), fuzzLeaf(in, words, 0))
	}
	var b strings.Builder
	fuzzWrite(in, &b, ast.ObjectOf(root))
	return b.String()
}

func pickWord(in *bytesIn, words []string) string {
	if len(words) == 0 {
		return "x"
	}
	return words[in.pick(len(words))]
}

func fuzzLeaf(in *bytesIn, words []string, depth int) ast.Value {
	w := pickWord(in, words)
	switch k := in.pick(12); {
	case k < 6 || depth > 2:
		return ast.String(fuzzText(in, w, k >= 3))
	case k == 6:
		return ast.List(fuzzLeaf(in, words, depth+1), fuzzLeaf(in, words, depth+1))
	case k == 7:
		o := &ast.Object{}
		o.Set(fuzzText(in, pickWord(in, words), true), fuzzLeaf(in, words, depth+1))
		return ast.ObjectOf(o)
	case k == 8:
		return []ast.Value{ast.Null, ast.True, ast.False, ast.Int(0), ast.Int(5), ast.Float(1000), ast.Float(-2.5)}[in.pick(7)]
	case k == 9:
		return ast.String(w + fuzzText(in, pickWord(in, words), true))
	case k == 10:
		// A dict spelled like concord's stand-in for a Python datetime,
		// which an event's dict never is (eval/py_datetime.go).
		o := &ast.Object{}
		o.Set("__concord_py_object__", ast.String([]string{"struct_time", "datetime"}[in.pick(2)]))
		return ast.ObjectOf(o)
	}
	return ast.String("")
}

// fuzzText changes s when change is set: letters in the other case, or as a
// non-ASCII letter that case-folds to them, characters dropped or added.
func fuzzText(in *bytesIn, s string, change bool) string {
	if !change && in.pick(4) != 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch in.pick(12) {
		case 0:
			r = flipCase(r)
		case 1:
			switch r {
			case 'k', 'K':
				r = '\u212a'
			case 's', 'S':
				r = '\u017f'
			case 'i', 'I':
				r = '\u0130'
			}
		case 2:
			continue
		case 3:
			b.WriteRune([]rune{'Z', '/', '"', '\\', '\n', 'é', '<'}[in.pick(7)])
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fuzzWrite writes v as JSON, some strings with characters escaped as \uXXXX
// (either case of hex) or / as \/, and some space between tokens.
func fuzzWrite(in *bytesIn, b *strings.Builder, v ast.Value) {
	switch v.Kind() {
	case ast.KindObject:
		o := v.AsObject()
		b.WriteByte('{')
		for i, k := range o.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			fuzzWriteString(in, b, k)
			b.WriteString([]string{":", " : ", ":\n"}[in.pick(3)])
			fuzzWrite(in, b, o.Vals[i])
		}
		b.WriteByte('}')
	case ast.KindList:
		b.WriteByte('[')
		for i, e := range v.AsList() {
			if i > 0 {
				b.WriteString([]string{",", ", "}[in.pick(2)])
			}
			fuzzWrite(in, b, e)
		}
		b.WriteByte(']')
	case ast.KindString:
		fuzzWriteString(in, b, v.AsString())
	default:
		// Numbers have other spellings: 1e3 for 1000, 5.0 for 5.
		spellings := map[string][]string{"1000": {"1e3", "1000.0", "1E+3"}, "5": {"5.0", "0.5e1"}, "0": {"-0", "0.0"}}[ast.JSON(v)]
		if k := in.pick(len(spellings) + 1); k < len(spellings) {
			b.WriteString(spellings[k])
		} else {
			b.WriteString(ast.JSON(v))
		}
	}
}

func fuzzWriteString(in *bytesIn, b *strings.Builder, s string) {
	escape := in.pick(6) == 0
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case escape && in.pick(3) == 0:
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				fmt.Fprintf(b, `\u%04x\u%04X`, r1, r2)
			} else {
				fmt.Fprintf(b, []string{`\u%04x`, `\u%04X`}[in.pick(2)], r)
			}
		case r == '/' && in.pick(2) == 0:
			b.WriteString(`\/`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func flipCase(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z':
		return r - 32
	case 'A' <= r && r <= 'Z':
		return r + 32
	}
	return r
}

// TestSetKeepRandom builds events as FuzzMaybe does, from one fixture rule's
// literals and keys at a time (with case, escapes and kinds of value varied),
// and holds a Set of every fixture plan to each plan's own Maybe: the Set's
// gate and key index may reject a plan only where its Maybe does.
func TestSetKeepRandom(t *testing.T) {
	rules := loadFixtures(t)
	plans := make([]*plan.Plan, len(rules))
	words := make([][]string, len(rules))
	for i, r := range rules {
		plans[i] = r.plan
		words[i] = fuzzWordsFor(r)
	}
	set := plan.NewSet(plans)
	// A Set of a few plans has the gate but no key index.
	few := []int{0, len(plans) / 2, len(plans) - 1}
	small := plan.NewSet([]*plan.Plan{plans[few[0]], plans[few[1]], plans[few[2]]})
	rng := rand.New(rand.NewPCG(7, 8))
	kept, dropped := 0, 0
	for range 20000 {
		data := make([]byte, 40)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		ri := rng.IntN(len(rules))
		raw := []byte(fuzzEvent(&bytesIn{b: data}, rules[ri], words[ri]))
		var want []int
		for i, p := range plans {
			if p.Maybe(raw) {
				want = append(want, i)
			}
		}
		got := set.Keep(nil, raw)
		if !slices.Equal(got, want) {
			t.Fatalf("%s:\nKeep = %v, Maybe = %v", raw, got, want)
		}
		var wantFew []int
		for j, i := range few {
			if slices.Contains(want, i) {
				wantFew = append(wantFew, j)
			}
		}
		if got := small.Keep(nil, raw); !slices.Equal(got, wantFew) {
			t.Fatalf("%s:\nKeep of plans %v = %v, Maybe = %v", raw, few, got, wantFew)
		}
		kept += len(got)
		dropped += len(plans) - len(got)
	}
	if kept == 0 || dropped == 0 {
		t.Errorf("kept %d, dropped %d: the events test nothing", kept, dropped)
	}
}
