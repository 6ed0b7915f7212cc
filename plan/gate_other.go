//go:build !amd64

package plan

var gateFast = false

func fingerprint(text []byte, t *gateTables, out []uint32, buckets []byte) int {
	return fingerprintGo(text, t, out, buckets)
}
