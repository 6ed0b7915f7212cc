package plan

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Set is the plans of the rules an engine runs together. It keeps the union of
// paths of each combination of plans it was asked about, since the same few
// combinations (the rules whose prefilter keeps an event) come up again and
// again. It is safe for concurrent use.
//
// Most rules compare a few fields with constants, and most of those fields are
// the same few keys (eventName, eventSource). The set indexes the anchored
// clauses of its plans by key and value, so one search for each such key
// rejects all the plans at once whose anchors the event fails; only the plans
// left are checked one by one.
type Set struct {
	Plans  []*Plan
	mu     sync.Mutex
	unions map[string]*Projection

	keys []*indexKey
	scan keyScan
	// indexed are the clauses the index judges, and byPlan the indexes into
	// it of each plan's clauses (none: the plan is not indexed).
	indexed []*clause
	byPlan  [][]int
	planOf  []int // the plan of each indexed clause
	// always are the plans checked on every event: not indexed, or with a
	// kind check in an indexed clause, which the index does not judge;
	// isAlways says it of each plan.
	always   []int
	isAlways []bool

	gate *gate
}

// indexKey is what the indexed clauses expect of one key's values; its lists
// hold indexes into Set.indexed.
type indexKey struct {
	key      lit
	clauses  []int            // every clause with an alternative on this key
	eq       map[string][]int // a value as the text holds it -> clauses
	eqFold   map[string][]int // the lower-case value -> clauses
	prefixes []prefixEntry
	any      []int // clauses any value passes
}

type prefixEntry struct {
	text   string
	fold   bool
	clause int
}

// Projection is the union of the paths of some plans.
type Projection struct {
	Paths [][]string
	All   bool

	trieOnce sync.Once
	trie     *trie
}

// minIndexed is the number of plans from which a Set indexes them.
const minIndexed = 4

// NewSet returns a set of plans.
func NewSet(plans []*Plan) *Set {
	s := &Set{Plans: plans, unions: map[string]*Projection{}, byPlan: make([][]int, len(plans))}
	if gateFast && (len(plans) >= minIndexed || firstScans(plans) > 1) {
		s.gate = newGate(plans)
	}
	if len(plans) < minIndexed {
		// A key's search costs a few literal searches, which the first
		// literal of each plan usually settles alone.
		return s
	}
	// Each plan's first anchored clause picks the keys searched; its other
	// anchored clauses are indexed too when they read only those keys
	// (eventSource, then eventName), which costs no more searching.
	var first []*clause
	for _, p := range plans {
		for j := range p.clauses {
			if c := &p.clauses[j]; len(c.anchor) > 0 {
				first = append(first, c)
				break
			}
		}
	}
	searched := func(key lit) bool {
		return slices.ContainsFunc(first, func(c *clause) bool {
			return slices.ContainsFunc(c.anchor, func(x alt) bool {
				return x.key == key || x.key.fold && !key.fold && isLowerOf(x.key.text, key.text)
			})
		})
	}
	for i, p := range plans {
		for j := range p.clauses {
			c := &p.clauses[j]
			if len(c.anchor) == 0 || len(s.byPlan[i]) > 0 && slices.ContainsFunc(c.anchor, func(x alt) bool { return !searched(x.key) }) {
				continue
			}
			id := len(s.indexed)
			s.indexed = append(s.indexed, c)
			s.planOf = append(s.planOf, i)
			s.byPlan[i] = append(s.byPlan[i], id)
			for _, x := range c.anchor {
				s.add(id, x)
			}
		}
	}
	s.isAlways = make([]bool, len(plans))
	for i, ids := range s.byPlan {
		if len(ids) == 0 || slices.ContainsFunc(ids, func(j int) bool { return len(s.indexed[j].kinds) > 0 }) {
			s.always = append(s.always, i)
			s.isAlways[i] = true
		}
	}
	// Keys searched ignoring case give the occurrences of their exact
	// spellings too (hazards.values); only the others are searched exactly.
	var scan []*lit
	for _, k := range s.keys {
		if k.key.fold || !slices.ContainsFunc(s.keys, func(o *indexKey) bool { return o.key.fold && isLowerOf(o.key.text, k.key.text) }) {
			scan = append(scan, &k.key)
		}
	}
	s.scan = newKeyScan(scan)
	return s
}

// firstScans is how many times the plans' first clauses search a whole event
// that holds none of their literals: once for each literal. One search for a
// rare byte costs less than the gate's pass (the seed rule's "bedrock.amazonaws.com"),
// two cost more (the burst search's "errorCode" | "ConsoleLogin").
func firstScans(plans []*Plan) int {
	n := 0
	for _, p := range plans {
		if len(p.clauses) > 0 {
			n += len(p.clauses[0].lits)
		}
	}
	return n
}

func (s *Set) add(clause int, x alt) {
	var k *indexKey
	for _, have := range s.keys {
		if have.key == x.key {
			k = have
		}
	}
	if k == nil {
		k = &indexKey{key: x.key, eq: map[string][]int{}, eqFold: map[string][]int{}}
		s.keys = append(s.keys, k)
	}
	if n := len(k.clauses); n == 0 || k.clauses[n-1] != clause {
		k.clauses = append(k.clauses, clause)
	}
	if x.any {
		k.any = append(k.any, clause)
	}
	for _, v := range x.vals {
		switch {
		case x.prefix:
			k.prefixes = append(k.prefixes, prefixEntry{text: v, fold: x.fold, clause: clause})
		case x.fold:
			k.eqFold[v] = append(k.eqFold[v], clause)
		default:
			k.eq[v] = append(k.eq[v], clause)
		}
	}
}

// Keep appends to dst the indexes of the plans whose prefilter keeps raw. It
// allocates its scratch space; a Checker reuses it.
func (s *Set) Keep(dst []int, raw []byte) []int {
	return s.NewChecker().Keep(dst, raw)
}

// Checker checks events against a Set, reusing its scratch space from one
// event to the next. It is for one goroutine.
type Checker struct {
	s    *Set
	h    hazards
	pass []bool // the indexed clause found an accepted value
	// passed counts the passed clauses of each plan; ready are the plans
	// whose indexed clauses all passed, in the order they did.
	passed []int
	ready  []int
	low    []byte
	gate   gateState
}

// NewChecker returns a Checker for s.
func (s *Set) NewChecker() *Checker {
	return &Checker{s: s, pass: make([]bool, len(s.indexed)), passed: make([]int, len(s.Plans))}
}

// Keep appends to dst the indexes of the plans whose prefilter keeps raw: the
// plans whose Maybe is true.
func (c *Checker) Keep(dst []int, raw []byte) []int {
	g := c.s.gate
	if g == nil || !g.run(raw, &c.gate) {
		return c.keep(dst, raw)
	}
	ready := c.gate.ready
	switch {
	case len(ready) == 0:
		return dst
	case len(ready) < minIndexed:
		// A few plans decide alone for less than the index costs.
		c.h.reset()
		c.h.knownClean()
		from := len(dst)
		for _, i := range ready {
			if c.s.Plans[i].maybeFound(raw, &c.h, g.found[i]) {
				dst = append(dst, i)
			}
		}
		slices.Sort(dst[from:])
		return dst
	}
	return c.keepGated(dst, raw, true)
}

// keep is Keep without the gate.
func (c *Checker) keep(dst []int, raw []byte) []int { return c.keepGated(dst, raw, false) }

// keepGated is keep after the gate passed raw (gated): a plan it rejected is
// not searched, and one it passed searches only for what it did not find.
func (c *Checker) keepGated(dst []int, raw []byte, gated bool) []int {
	c.h.reset()
	if gated {
		c.h.knownClean()
	}
	s := c.s
	maybe := func(i int) bool {
		if !gated {
			return s.Plans[i].maybe(raw, &c.h)
		}
		return s.gate.passes(&c.gate, i) && s.Plans[i].maybeFound(raw, &c.h, s.gate.found[i])
	}
	clear(c.pass)
	clear(c.passed)
	c.ready = c.ready[:0]
	s.scan.run(raw, &c.h)
	for _, k := range s.keys {
		for _, v := range c.h.values(raw, &k.key) {
			c.mark(k, v)
		}
	}
	if len(s.indexed) == 0 || !c.h.clean(raw) {
		// No index, or the text may hide a key or value from it: each
		// plan decides.
		for i := range s.Plans {
			if c.indexHolds(s.byPlan[i], raw, false) && maybe(i) {
				dst = append(dst, i)
			}
		}
		return dst
	}
	// Only the plans the index passed, and those it cannot judge, are left.
	from := len(dst)
	for _, i := range c.ready {
		if !s.isAlways[i] && maybe(i) {
			dst = append(dst, i)
		}
	}
	for _, i := range s.always {
		if c.indexHolds(s.byPlan[i], raw, true) && maybe(i) {
			dst = append(dst, i)
		}
	}
	slices.Sort(dst[from:])
	return dst
}

// indexHolds reports whether each of the indexed clauses ids may hold: the
// index passed it, or the text may hide from the index what it needs.
func (c *Checker) indexHolds(ids []int, raw []byte, clean bool) bool {
	for _, j := range ids {
		if e := c.s.indexed[j]; !c.pass[j] && (clean && len(e.kinds) == 0 || !e.holdsBesides(raw, &c.h, true)) {
			return false
		}
	}
	return true
}

// mark passes the clauses whose alternative on k accepts v.
func (c *Checker) mark(k *indexKey, v value) {
	for _, j := range k.any {
		c.passOne(j)
	}
	if !v.plain || hasNonASCII(v.text) {
		// Left to each plan's own check, which knows about folding.
		for _, j := range k.clauses {
			c.passOne(j)
		}
		return
	}
	for _, j := range k.eq[string(v.text)] {
		c.passOne(j)
	}
	if len(k.eqFold) > 0 || len(k.prefixes) > 0 {
		c.low = appendLower(c.low[:0], v.text)
		for _, j := range k.eqFold[string(c.low)] {
			c.passOne(j)
		}
		for _, e := range k.prefixes {
			t := v.text
			if e.fold {
				t = c.low
			}
			if len(t) >= len(e.text) && string(t[:len(e.text)]) == e.text {
				c.passOne(e.clause)
			}
		}
	}
}

// passOne passes indexed clause j, and its plan once all of the plan's have.
func (c *Checker) passOne(j int) {
	if c.pass[j] {
		return
	}
	c.pass[j] = true
	p := c.s.planOf[j]
	if c.passed[p]++; c.passed[p] == len(c.s.byPlan[p]) {
		c.ready = append(c.ready, p)
	}
}

func appendLower(dst, b []byte) []byte {
	for _, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst = append(dst, ch)
	}
	return dst
}

// Projection is the union of the paths of the plans at idx (as Keep returns
// them: increasing). The same combination returns the same *Projection, so a
// decoder may key its compiled form on the pointer.
func (s *Set) Projection(idx []int) *Projection {
	var kb strings.Builder
	for _, i := range idx {
		kb.WriteString(strconv.Itoa(i))
		kb.WriteByte(',')
	}
	k := kb.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.unions[k]; ok {
		return u
	}
	ps := make([]*Plan, len(idx))
	for j, i := range idx {
		ps[j] = s.Plans[i]
	}
	paths, all := Union(ps)
	u := &Projection{Paths: paths, All: all}
	s.unions[k] = u
	return u
}
