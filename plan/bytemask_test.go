package plan

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestByteMask compares the SSE2 mask with the Go one over random texts of
// every length around the 64-byte blocks, with bytes of the set, bytes >=
// 0x80 and others.
func TestByteMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("vV\\C_\"a:\x80\xff\x7f\x01\x00")
	for round := range 2000 {
		n := round % 300
		text := make([]byte, n)
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		set := newByteSet(alphabet[:1+rng.IntN(maxSetBytes)]) // never 0
		checkMask(t, set, text)
	}
}

func checkMask(t *testing.T, set *byteSet, text []byte) {
	t.Helper()
	got, gotHi := set.mask(text, nil)
	want := make([]uint64, (len(text)+63)/64)
	wantHi := false
	for i, c := range text {
		wantHi = wantHi || c >= 0x80
		if slices.Contains(set.bytes, c) {
			want[i/64] |= 1 << (i % 64)
		}
	}
	if !slices.Equal(got, want) || gotHi != wantHi {
		t.Fatalf("set %q, text %q: mask %x %v, want %x %v", set.bytes, text, got, gotHi, want, wantHi)
	}
	full := len(text) / 64
	goMask := make([]uint64, full)
	if hi := maskBlocksGo(text[:full*64], set, goMask); !slices.Equal(goMask, want[:full]) || full > 0 && hi != (slices.IndexFunc(text[:full*64], func(c byte) bool { return c >= 0x80 }) >= 0) {
		t.Fatalf("maskBlocksGo disagrees on %q", text)
	}
	for from := 0; from <= len(text); from++ {
		w := slices.IndexFunc(text[from:], func(c byte) bool { return slices.Contains(set.bytes, c) })
		if w >= 0 {
			w += from
		}
		if g := nextBit(got, from); g != w {
			t.Fatalf("nextBit(%d) = %d, want %d in %q", from, g, w, text)
		}
	}
}

func FuzzByteMask(f *testing.F) {
	f.Add([]byte("vV\\"), []byte(`{"eventName":"x\u00e9","a":"\\/"}`))
	f.Fuzz(func(t *testing.T, set, text []byte) {
		if len(set) == 0 || len(set) > maxSetBytes || slices.Contains(set, 0) {
			return
		}
		checkMask(t, newByteSet(set), text)
	})
}

// TestKeyScanSet: the one-pass scan finds the same key values as a pass per
// byte, and the same escapes and non-ASCII bytes as scanEscapes and
// hasNonASCII, on random texts full of near misses.
func TestKeyScanSet(t *testing.T) {
	keys := []*lit{ptr(newLit("eventname", true)), ptr(newLit("eventsource", true)), ptr(newLit("errorCode", false)), ptr(newLit("p_log_type", false))}
	fast := newKeyScan(keys)
	if fast.set == nil {
		t.Fatal("no byte set for the keys")
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
