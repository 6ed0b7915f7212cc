package plan

//go:noescape
func fingerprintAVX2(text *byte, blocks int, tabs *gateTables, out *uint32, buckets *byte) (flags int, words uint64)

// gateFast: the gate's pass is worth it only vectorised.
var gateFast = useAVX2

// fingerprint is fingerprintGo, 32 positions a step where the CPU has AVX2.
func fingerprint(text []byte, t *gateTables, out []uint32, buckets []byte) (flags int, words uint64) {
	if !useAVX2 {
		return fingerprintGo(text, t, out, buckets)
	}
	// A step reads gatePlaces-1 bytes past its 32; the last positions are
	// stepped over a copy with zeros after the text.
	blocks := max(len(text)-(gatePlaces-1), 0) / 32
	if blocks > 0 {
		_ = out[blocks-1]
		_ = buckets[32*blocks-1]
		flags, words = fingerprintAVX2(&text[0], blocks, t, &out[0], &buckets[0])
	}
	rest := text[32*blocks:]
	if len(rest) == 0 {
		return flags, words
	}
	var pad [64 + gatePlaces]byte
	copy(pad[:], rest)
	var padOut [2]uint32
	var padBuckets [64]byte
	n := (len(rest) + 31) / 32
	// The padding's zeros are in no bucket (bucketsAt); the bits past the
	// text are cleared all the same.
	padFlags, _ := fingerprintAVX2(&pad[0], n, t, &padOut[0], &padBuckets[0])
	flags |= padFlags
	if r := len(rest) % 32; r != 0 {
		padOut[n-1] &= 1<<r - 1
	}
	copy(buckets[32*blocks:], padBuckets[:len(rest)])
	copy(out[blocks:], padOut[:n])
	for k, m := range padOut[:n] {
		if m != 0 {
			words |= 1 << ((blocks + k) % 64)
		}
	}
	return flags, words
}
