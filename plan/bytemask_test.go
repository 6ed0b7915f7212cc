package plan

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScanMasks compares the SSE2 masks with what they say, over random
// texts of every length around the 64-byte blocks, with bytes of the groups,
// quotes, backslashes, bytes >= 0x80 and others; maskBlocksGo too.
func TestScanMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("vV\\C_\"a:\x80\xff\x7f\x01\x00")
	letters := []byte("vVC_a:\x7f\x01")
	for round := range 2000 {
		text := make([]byte, round%300)
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var groups [][]byte
		for range 1 + rng.IntN(maxScanGroups) {
			g := []byte{letters[rng.IntN(len(letters))]}
			if rng.IntN(2) == 0 {
				g = append(g, letters[rng.IntN(len(letters))])
			}
			groups = append(groups, g)
		}
		checkMasks(t, newScanSet(groups), text)
	}
}

func checkMasks(t *testing.T, s *scanSet, text []byte) {
	t.Helper()
	got, gotHi := s.masks(text, nil)
	blocks := (len(text) + 63) / 64
	want := make([]uint64, blocks*scanMasks)
	wantHi := false
	for i, c := range text {
		wantHi = wantHi || c >= 0x80
		bit := uint64(1) << (i % 64)
		for k, g := range s.groups {
			if slices.Contains(g, c) {
				want[i/64*scanMasks+k] |= bit
			}
		}
		switch c {
		case '"':
			want[i/64*scanMasks+quoteMask] |= bit
		case '\\':
			want[i/64*scanMasks+escapeMask] |= bit
		}
	}
	// Words of unused groups are left out.
	used := func(m []uint64) []uint64 {
		var out []uint64
		for i, w := range m {
			if k := i % scanMasks; k < len(s.groups) || k >= maxScanGroups {
				out = append(out, w)
			}
		}
		return out
	}
	if !slices.Equal(used(got), used(want)) || gotHi != wantHi {
		t.Fatalf("groups %q, text %q: masks %x %v, want %x %v", s.groups, text, got, gotHi, want, wantHi)
	}
	full := len(text) / 64
	goMasks := make([]uint64, full*scanMasks)
	hi := maskBlocksGo(text[:full*64], s, goMasks)
	if !slices.Equal(used(goMasks), used(want[:full*scanMasks])) || hi != slices.ContainsFunc(text[:full*64], func(c byte) bool { return c >= 0x80 }) {
		t.Fatalf("maskBlocksGo disagrees on %q", text)
	}
	for w := range blocks {
		for d := range 130 {
			var x uint64
			for b := range 64 {
				if p := w*64 + b - d; p >= 0 && p < len(text) && text[p] == '"' {
					x |= 1 << b
				}
			}
			if got := shiftedBlock(got, quoteMask, w, d); got != x {
				t.Fatalf("shiftedBlock(%d, %d) = %x, want %x in %q", w, d, got, x, text)
			}
		}
	}
}

func FuzzScanMasks(f *testing.F) {
	f.Add([]byte("vV"), []byte("C"), []byte(`{"eventName":"x\u00e9","a":"\\/"}`))
	f.Fuzz(func(t *testing.T, g1, g2, text []byte) {
		var groups [][]byte
		for _, g := range [][]byte{g1, g2} {
			if len(g) == 0 || len(g) > 2 || slices.Contains(g, 0) || slices.Contains(g, '"') {
				return
			}
			groups = append(groups, g)
		}
		checkMasks(t, newScanSet(groups), text)
	})
}

// TestKeyScanSet: the one-pass scan finds the same key values as a pass per
// byte, and the same escapes and non-ASCII bytes as scanEscapes and
// hasNonASCII, on random texts full of near misses.
func TestKeyScanSet(t *testing.T) {
	keys := []*lit{ptr(newLit("eventname", true)), ptr(newLit("eventsource", true)), ptr(newLit("errorCode", false)), ptr(newLit("p_log_type", false))}
	fast := newKeyScan(keys)
	if fast.set == nil {
		t.Fatal("no scan set for the keys")
	}
	slow := fast
	slow.set = nil
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{`"eventName":`, `"EVENTSOURCE" : "s3"`, `"errorCode":"x"`, `"p_log_type":1`, `\\`, `\u0041`, `\/`, `\`, `"`, `:`, "é", "\u212a", `v`, `V`, `C`, `_`, `{`, `,`, `"a"`}
	for range 5000 {
		var b []byte
		for range rng.IntN(40) {
			b = append(b, words[rng.IntN(len(words))]...)
		}
		var hf, hs, want hazards
		fast.run(b, &hf)
		slow.run(b, &hs)
		want.scanEscapes(b)
		if hf.u != want.u || hf.slash != want.slash || !hf.escapes || !hf.nonASCIIDone || hf.nonASCII != hasNonASCII(b) {
			t.Fatalf("%q: escapes u=%v slash=%v nonASCII=%v, want u=%v slash=%v nonASCII=%v", b, hf.u, hf.slash, hf.nonASCII, want.u, want.slash, hasNonASCII(b))
		}
		for i := range keys {
			if !slices.EqualFunc(hf.keys[i].vals, hs.keys[i].vals, func(a, b value) bool {
				return bytes.Equal(a.text, b.text) && a.plain == b.plain && a.kind == b.kind && a.at == b.at
			}) {
				t.Fatalf("%q: key %s values %v, want %v", b, keys[i], hf.keys[i].vals, hs.keys[i].vals)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
