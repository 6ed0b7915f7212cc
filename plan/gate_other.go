//go:build !amd64

package plan

var gateFast = false

func fingerprint(text []byte, t *gateTables, out []uint32, buckets []byte) (flags int, words uint64) {
	return fingerprintGo(text, t, out, buckets)
}
