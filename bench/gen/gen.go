package main

import (
	"bufio"
	"io"
	"math/rand/v2"
	"time"
)

// start is the first event's time. A fixed date, not the clock: same flags,
// same bytes.
var start = time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)

const (
	// meanGap is the mean time between two events: an organisation of a few
	// accounts writes about 25 events a second, so a gigabyte spans some seven
	// hours and a ten-minute window holds thousands of events.
	meanGap = 40 * time.Millisecond
	// errorRate is the share of calls by people and workloads that fail;
	// AWS services never do, so about 3% of all events fail.
	errorRate = 0.04
	// burstWindow is the Splunk burst detection's bin (bin _time span=10m).
	burstWindow = 600
)

// Generator writes CloudTrail records, one JSON object a line. It is not safe
// for concurrent use; two generators with the same seed and rate write the
// same bytes.
type Generator struct {
	r      *rand.Rand
	tpRate float64
	org    *org

	now     int64 // the clock, in nanoseconds since the Unix epoch
	sec     int64 // the second timeTxt holds
	timeTxt []byte

	c call // the event being written

	nextTP int // the template the next true positive uses (round robin)

	// Failed discovery calls per caller and address in the current ten-minute
	// bin: ordinary data must not make the burst detection fire, so a third
	// failure in a bin becomes a success.
	burstBin  int64
	burstSeen map[burstKey]uint8

	Stats Stats
}

// burstKey is what the burst search groups by: user_arn and src_ip (two
// sessions may share an ARN).
type burstKey struct{ arn, ip string }

// Stats counts what a generator wrote.
type Stats struct {
	Events   int64 `json:"events"`
	Bytes    int64 `json:"bytes"`
	Errors   int64 `json:"errors"`    // failed ordinary calls
	TPEvents int64 `json:"tp_events"` // events written by templates
	// Templates counts the instances written of each template, by name.
	Templates map[string]int64 `json:"templates"`
}

// New returns a generator for a seed. tpRate is the probability that the next
// event is a true-positive template rather than an ordinary call.
func New(seed uint64, tpRate float64) *Generator {
	r := rand.New(rand.NewPCG(seed, 0x636f6e636f7264)) // "concord"
	g := &Generator{
		r:         r,
		tpRate:    tpRate,
		now:       start.UnixNano(),
		sec:       -1,
		burstSeen: map[burstKey]uint8{},
		Stats:     Stats{Templates: map[string]int64{}},
	}
	g.org = newOrg(r)
	return g
}

// Next appends the next group of events to b: one ordinary call, or all the
// events of a true-positive template. It writes no more than maxLines lines
// (an ordinary call when the template is longer) and returns the lines written.
func (g *Generator) Next(b []byte, maxLines int) ([]byte, int) {
	if g.tpRate > 0 && g.r.Float64() < g.tpRate {
		t := templates[g.nextTP]
		if len(t.events) <= maxLines {
			g.nextTP = (g.nextTP + 1) % len(templates)
			n0 := len(b)
			b = g.writeTemplate(b, t)
			g.Stats.Templates[t.name]++
			g.Stats.TPEvents += int64(len(t.events))
			g.count(len(t.events), len(b)-n0)
			return b, len(t.events)
		}
	}
	n0 := len(b)
	b = g.writeCall(b)
	g.count(1, len(b)-n0)
	return b, 1
}

func (g *Generator) count(lines, bytes int) {
	g.Stats.Events += int64(lines)
	g.Stats.Bytes += int64(bytes)
}

// Write writes events to w until at least size bytes (size > 0) or exactly
// events lines (events > 0) are written, whichever comes first.
func (g *Generator) Write(w io.Writer, size, events int64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	b := make([]byte, 0, 64<<10)
	for {
		if size > 0 && g.Stats.Bytes >= size {
			break
		}
		left := int64(1 << 30)
		if events > 0 {
			left = events - g.Stats.Events
			if left <= 0 {
				break
			}
		}
		b, _ = g.Next(b[:0], int(min(left, 1<<30)))
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// tick advances the clock by an exponentially distributed gap, the gaps of
// independent callers.
func (g *Generator) tick() {
	g.now += int64(g.r.ExpFloat64() * float64(meanGap))
}

// unix is the clock in whole seconds, the resolution of eventTime.
func (g *Generator) unix() int64 { return g.now / int64(time.Second) }

// eventTime formats the clock as CloudTrail does (2025-11-03T14:05:07Z), once
// a second: most events share their second with the one before.
func (g *Generator) eventTime() []byte {
	if s := g.unix(); s != g.sec {
		g.sec = s
		g.timeTxt = time.Unix(s, 0).UTC().AppendFormat(g.timeTxt[:0], "2006-01-02T15:04:05Z")
	}
	return g.timeTxt
}

// Random text.

const (
	hexDigits  = "0123456789abcdef"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// AWS key and principal ids are base32-like: upper case letters and 2-7.
	idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// appendRand appends n characters drawn from an alphabet of at most 64.
func appendRand(r *rand.Rand, b []byte, alphabet string, n int) []byte {
	for n > 0 {
		x := r.Uint64()
		for k := 0; k < 10 && n > 0; k++ { // 10 draws of 6 bits per word
			b = append(b, alphabet[int(x&63)%len(alphabet)])
			x >>= 6
			n--
		}
	}
	return b
}

// appendUUID appends a version-4 UUID.
func appendUUID(r *rand.Rand, b []byte) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000         // version 4
	lo = lo&^(0xc<<60) | (0x8 << 60) // RFC 4122 variant
	put := func(x uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			b = append(b, hexDigits[(x>>(4*uint(i)))&0xf])
		}
	}
	put(hi>>32, 8)
	b = append(b, '-')
	put(hi>>16, 4)
	b = append(b, '-')
	put(hi, 4)
	b = append(b, '-')
	put(lo>>48, 4)
	b = append(b, '-')
	put(lo, 12)
	return b
}

func randString(r *rand.Rand, alphabet string, n int) string {
	return string(appendRand(r, nil, alphabet, n))
}

func uuid(r *rand.Rand) string { return string(appendUUID(r, nil)) }

// pick chooses among weighted choices; cum holds the running totals.
func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// skewed picks an index below n, low indexes far more often: a few busy
// automation roles write most of a real trail.
func skewed(r *rand.Rand, n int) int {
	u := r.Float64()
	return int(u * u * u * float64(n))
}

func cumulative(weights []int) []int {
	cum := make([]int, len(weights))
	total := 0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return cum
}
