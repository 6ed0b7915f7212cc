package plan

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomTables are gate tables for random literals over a small alphabet, so
// that texts over it hold many candidates.
func randomTables(rng *rand.Rand, alphabet []byte) *gateTables {
	g := &gate{}
	for range 1 + rng.IntN(20) {
		b := make([]byte, 1+rng.IntN(6))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		g.entries = append(g.entries, gateEntry{lit: newLit(string(b), rng.IntN(2) == 0)})
	}
	g.build()
	return &g.tabs
}

// TestFingerprint holds fingerprint (AVX2 where the CPU has it) to
// fingerprintGo, its definition, and that to bucketsAt, on random texts of
// every length around the 32-byte steps.
func TestFingerprint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("aAbB\\\"\x80\xffz\x00")
	for round := range 3000 {
		tabs := randomTables(rng, alphabet)
		text := make([]byte, round%200+round%7*round)
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkFingerprint(t, tabs, text)
	}
}

func checkFingerprint(t *testing.T, tabs *gateTables, text []byte) {
	t.Helper()
	n := (len(text) + 31) / 32
	want, wantB := make([]uint32, n), make([]byte, 32*n)
	wantFlags, wantWords := fingerprintGo(text, tabs, want, wantB)
	flags, words := 0, uint64(0)
	for p, c := range text {
		b := tabs.bucketsAt(text, p)
		if wantB[p] != b || (want[p/32]>>(p%32)&1 == 1) != (b != 0) {
			t.Fatalf("fingerprintGo(%q) at %d: buckets %08b, bit %d; bucketsAt %08b", text, p, wantB[p], want[p/32]>>(p%32)&1, b)
		}
		if b != 0 {
			words |= 1 << (p / 32 % 64)
		}
		if c == '\\' {
			flags |= gateBackslash
		}
		if c >= 0x80 {
			flags |= gateNonASCII
		}
	}
	if wantFlags != flags || wantWords != words {
		t.Fatalf("fingerprintGo(%q) = %b, %b; want %b, %b", text, wantFlags, wantWords, flags, words)
	}
	// Poison what fingerprint must overwrite.
	got, gotB := make([]uint32, n), make([]byte, 32*n)
	for i := range got {
		got[i] = 0xdeadbeef
	}
	for i := range gotB {
		gotB[i] = 0xa5
	}
	h, w := fingerprint(text, tabs, got, gotB)
	if h != wantFlags || w != wantWords || !slices.Equal(got, want) {
		t.Fatalf("fingerprint(%q) = %b, %b, %x; want %b, %b, %x", text, h, w, got, wantFlags, wantWords, want)
	}
	// Only the buckets of candidates are read, and written.
	for p := range text {
		if want[p/32]>>(p%32)&1 == 1 && gotB[p] != wantB[p] {
			t.Fatalf("fingerprint(%q) at %d: buckets %08b, want %08b", text, p, gotB[p], wantB[p])
		}
	}
}

func FuzzFingerprint(f *testing.F) {
	f.Add(uint64(1), []byte(`{"eventName":"DeleteTrail","x":"\u0041"}`))
	f.Add(uint64(2), bytes.Repeat([]byte("ab\\"), 40))
	f.Fuzz(func(t *testing.T, seed uint64, text []byte) {
		rng := rand.New(rand.NewPCG(seed, 0))
		alphabet := text
		if len(alphabet) == 0 {
			alphabet = []byte("a")
		}
		checkFingerprint(t, randomTables(rng, alphabet), text)
	})
}

func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		lit  lit
		off  int
		text string
		p    int
		want bool
	}{
		{newLit("DeleteTrail", false), 5, `"DeleteTrail"`, 6, true},
		{newLit("DeleteTrail", false), 5, `"DeleteTRAIL"`, 6, false},
		{newLit("DeleteTrail", true), 5, `"DeleteTRAIL"`, 6, true},
		{newLit("DeleteTrail", true), 5, `"Delete_rail"`, 6, false},
		{newLit("a.b", true), 0, `A.B`, 0, true},
		{newLit("a.b", true), 0, `A.Bc`, 0, true},
		{newLit("a.b", true), 0, `A.`, 0, false},
		{newLit("0/0", true), 0, `0/0`, 0, true},
		{newLit("0/0", true), 0, `0o0`, 0, false}, // '/' | 0x20 is 'o': only letters fold
	} {
		if got := newWindow(tc.lit, tc.off).at([]byte(tc.text), tc.p); got != tc.want {
			t.Errorf("window of %v at %d of %q = %v, want %v", tc.lit, tc.p, tc.text, got, tc.want)
		}
	}
}

// TestRarestWindow: the bytes searched for are not those every CloudTrail
// event holds.
func TestRarestWindow(t *testing.T) {
	for _, tc := range []struct {
		text, not string
		fold      bool
	}{
		{"s3.amazonaws.com", ".amazonaws.com", false},
		{"iam.amazonaws.com", ".amazonaws.com", true},
		{"eventname", "name", true},
		{"ConsoleLogin", "Conso", false}, // every "ConsoleLogin" key of a sign-in and none other
	} {
		off := rarestWindow(tc.text, tc.fold)
		w := tc.text[off:min(off+gatePlaces, len(tc.text))]
		if strings.Contains(tc.not, w) {
			t.Errorf("rarestWindow(%q) = %q, inside %q", tc.text, w, tc.not)
		}
	}
}

// TestGateFound: a plan the gate passes is checked with the literals of its
// gated clauses taken as found; that must not change its answer, so a clause
// counts as found only when the gate searched for its own literals.
func TestGateFound(t *testing.T) {
	plan := func(clauses ...[]lit) *Plan {
		p := &Plan{}
		for _, ls := range clauses {
			c := clause{lits: ls}
			c.prepare()
			p.clauses = append(p.clauses, c)
		}
		return p
	}
	plans := []*Plan{
		plan([]lit{newLit("consolelogin", true)}),
		// Its "ConsoleLogin" is searched for with the first plan's, ignoring case.
		plan([]lit{newLit("ConsoleLogin", false)}, []lit{newLit("Success", false)}),
		// Three clauses: the gate searches for two.
		plan([]lit{newLit("DeleteTrail", false)}, []lit{newLit("StopLogging", false)}, []lit{newLit("cloudtrail", false)}),
	}
	g := newGate(plans)
	if g == nil {
		t.Fatal("no gate")
	}
	if g.found[1] != 0b10 {
		t.Errorf("found of the exact ConsoleLogin plan = %b, want only its second clause", g.found[1])
	}
	if bits.OnesCount64(g.found[2]) != 2 {
		t.Errorf("found of the three-clause plan = %b, want its two gated clauses", g.found[2])
	}
	for _, raw := range []string{
		`{"a":"CONSOLELOGIN","b":"Success"}`,
		`{"a":"ConsoleLogin","b":"Success"}`,
		`{"a":"DeleteTrail","b":"StopLogging"}`,
		`{"a":"DeleteTrail","b":"StopLogging","c":"cloudtrail"}`,
		// Candidates past the first 64 words of masks (2 KB) share their
		// bits of words with the first ones.
		`{"pad":"` + strings.Repeat("x", 64*32) + `","a":"DeleteTrail","b":"StopLogging","c":"cloudtrail"}`,
		`{"pad":"` + strings.Repeat("x", 64*32+40) + `","a":"DeleteTrail","pad2":"` + strings.Repeat("y", 64*32) + `","b":"StopLogging"}`,
	} {
		var st gateState
		if !g.run([]byte(raw), &st) {
			t.Fatalf("%s: the gate gave up", raw)
		}
		if strings.Contains(raw, "StopLogging") != slices.Contains(st.ready, 2) {
			t.Errorf("%.40s...: the gate passed %v", raw, st.ready)
		}
		for _, i := range st.ready {
			var h hazards
			h.knownClean()
			if got, want := plans[i].maybeFound([]byte(raw), &h, g.found[i]), plans[i].Maybe([]byte(raw)); got != want {
				t.Errorf("%s: plan %d after the gate = %v, Maybe = %v", raw, i, got, want)
			}
		}
	}
}
