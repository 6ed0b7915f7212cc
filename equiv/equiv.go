// Package equiv decides whether a Splunk and a Panther rule give the same
// verdict on every event, when both rules' per-event logic is a boolean
// combination of per-field predicates against constants (equality with or
// without case, wildcard, prefix, suffix, contains, in-list, exists, null,
// empty, numeric comparison, CIDR), which covers most CloudTrail rules.
//
// Each raw field's values are split into the classes the constants of both
// rules tell apart (each constant, its case variants and wildcard
// instantiations, missing, null, empty string, some other value); the
// predicates ("atoms") are evaluated on those classes by concord's own
// evaluator, so the platforms' semantics are the evaluator's; and the product
// of the classes is searched through both rules' boolean structure, pruning
// every branch once both verdicts are settled. Splunk's add-on fields are
// functions of raw fields: Side.Sources maps them back.
package equiv

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/sourcetype"
)

// Side is one rule as the decision sees it.
type Side struct {
	Rule *ast.Rule
	// View builds the record a Splunk search reads from a raw event; nil: the
	// rule reads the raw event (Panther).
	View func(raw *ast.Object) (*ast.Object, error)
	// Sources says where a record field comes from in the raw event; nil: a
	// field is the raw path of the same name.
	Sources func(field string) sourcetype.Origin
}

// Class is one value class of a raw field: Value stands for every value the
// rules' constants do not tell apart from it.
type Class struct {
	Label string
	Value ast.Value // ast.Missing: the field is absent
	// Same lists the labels of classes that behave identically on every
	// condition of both rules and were merged into this one.
	Same []string
}

// FieldClasses are the classes searched for one raw field.
type FieldClasses struct {
	Field   string
	Classes []Class
}

// Change sets one raw field of the base event to a class's value.
type Change struct {
	Field string
	Class Class
}

// Counterexample is an assignment of classes on which the verdicts differ:
// the base event with Changes applied.
type Counterexample struct {
	Changes []Change
	Event   *ast.Object
	A, B    bool  // the verdicts the search derived: rule A hits, rule B hits
	vars    []int // the fields changed
	classes []int // and their classes
}

// Result of a decision.
type Result struct {
	// Decided: the search covered every class of every field and every
	// condition is in the fragment, so no counterexample means equivalent.
	// Counterexamples are the disagreements that change fewest fields of the
	// base event (up to three at once), or, when every disagreement needs
	// more, the first one the search met.
	Decided bool
	// Why names what keeps the result from being a proof (empty when Decided).
	Why             []string
	Fields          []FieldClasses
	Counterexamples []Counterexample
}

// Equivalent: decided with no counterexample.
func (r *Result) Equivalent() bool { return r.Decided && len(r.Counterexamples) == 0 }

// Limits keep a decision bounded; past them the result is not Decided.
const (
	maxNodes           = 500000
	maxCounterexamples = 64
	maxAtomTable       = 20000
	maxChanged         = 3 // fields changed at once in a minimal counterexample
)

// Decide searches for events on which a and b disagree, starting from base
// (a real event, so a counterexample changes it as little as possible).
func Decide(a, b Side, base *ast.Object) Result {
	d := &decision{base: base, vars: map[string]int{}, views: map[string]*ast.Object{}}
	var roots [2]*node
	for i, s := range []Side{a, b} {
		x, reason := PerEvent(s.Rule)
		if x == nil {
			d.why(fmt.Sprintf("%s: %s", s.Rule.Platform, reason))
			return d.result()
		}
		if s.Rule.Platform == ast.Panther && !boolTyped(x) {
			d.why("panther: rule() may return a value that is not a bool")
		}
		roots[i] = d.build(x, i, s)
	}
	if !d.classify() {
		return d.result()
	}
	for _, at := range d.atoms {
		if !d.tabulate(at) {
			return d.result()
		}
	}
	d.dedupClasses()
	d.order()
	d.roots = roots
	d.assign = make([]int, len(d.varList))
	for i := range d.assign {
		d.assign[i] = -1
	}
	disagree := d.search(0)
	if d.nodes >= maxNodes {
		d.why(fmt.Sprintf("the search stopped after %d nodes", maxNodes))
	}
	d.minimal()
	if disagree && len(d.found) == 0 {
		d.found = append(d.found, d.first)
	}
	return d.result()
}

// outcome is a set of what a condition can come to: true, false, or a raised
// exception (which Panther treats as no alert).
type outcome uint8

const (
	oT outcome = 1 << iota
	oF
	oE
)

func (o outcome) settled() bool { return o == oT || o&oT == 0 }

type nodeOp uint8

const (
	opAnd nodeOp = iota
	opOr
	opNot
	opCond
	opAtom
	opConst
)

// node is a rule's boolean structure; its leaves are atoms.
type node struct {
	op   nodeOp
	kids []*node
	atom *atom
	val  outcome
}

type atom struct {
	x       ast.Expr
	side    Side
	sideIdx int   // which root it belongs to
	vars    []int // indexes into decision.varList
	exact   bool
	prog    *eval.Program
	table   map[string]outcome // class indexes of vars, joined → outcome
	any     outcome            // every outcome over the table
}

type variable struct {
	name   string
	path   []string
	consts []constant
	multi  bool // read by an atom of several fields: classes are not merged
	class  []Class
}

type constant struct {
	val  ast.Value
	kind ast.MatchKind
	// pattern: the constant is a Match pattern of kind; else a plain value.
	pattern bool
}

type decision struct {
	base    *ast.Object
	vars    map[string]int
	varList []*variable
	atoms   []*atom
	roots   [2]*node
	assign  []int
	nodes   int
	views   map[string]*ast.Object // Splunk views by fields and classes
	first   Counterexample         // the first disagreement the search met
	found   []Counterexample
	whys    []string
}

func (d *decision) why(s string) {
	for _, w := range d.whys {
		if w == s {
			return
		}
	}
	d.whys = append(d.whys, s)
}

func (d *decision) result() Result {
	r := Result{Decided: len(d.whys) == 0, Why: d.whys, Counterexamples: d.found}
	for _, v := range d.varList {
		r.Fields = append(r.Fields, FieldClasses{Field: v.name, Classes: v.class})
	}
	return r
}

// build turns a rule's expression into its boolean structure, collecting atoms.
func (d *decision) build(x ast.Expr, side int, s Side) *node {
	switch n := x.(type) {
	case *ast.Logic:
		op := opAnd
		if n.Op == ast.Or {
			op = opOr
		}
		out := &node{op: op}
		for _, e := range n.Xs {
			out.kids = append(out.kids, d.build(e, side, s))
		}
		return out
	case *ast.Not:
		return &node{op: opNot, kids: []*node{d.build(n.X, side, s)}}
	case *ast.Truth:
		return d.build(n.X, side, s)
	case *ast.Helper:
		return d.build(n.Body, side, s)
	case *ast.Cond:
		return &node{op: opCond, kids: []*node{d.build(n.If, side, s), d.build(n.Then, side, s), d.build(n.Else, side, s)}}
	case *ast.Lit:
		if n.Val.Truth() {
			return &node{op: opConst, val: oT}
		}
		return &node{op: opConst, val: oF}
	}
	return &node{op: opAtom, atom: d.newAtom(x, side, s)}
}

func (d *decision) newAtom(x ast.Expr, side int, s Side) *atom {
	at := &atom{x: x, side: s, sideIdx: side, exact: exactAtom(x)}
	prog, errs := eval.Compile(x, s.Rule.Keys)
	if errs != nil {
		d.why(fmt.Sprintf("%s: %v", s.Rule.Platform, errs))
	}
	at.prog = prog
	seen := map[int]bool{}
	use := func(path []string, consts []constant) {
		i := d.variable(path)
		if !seen[i] {
			seen[i] = true
			at.vars = append(at.vars, i)
		}
		d.varList[i].consts = append(d.varList[i].consts, consts...)
	}
	consts := constants(x)
	for _, p := range ast.Fields(x) {
		if s.Sources == nil {
			use(d.canonical(p), consts)
			continue
		}
		o := s.Sources(strings.Join(p, "."))
		if !o.OK {
			d.why(fmt.Sprintf("%s: field %s depends on the whole event text", s.Rule.Platform, strings.Join(p, ".")))
		}
		if o.Computed && !o.ByClass && !existenceAtom(x) {
			at.exact = false
		}
		extra := append([]constant(nil), consts...)
		for _, c := range o.Consts {
			extra = append(extra, constant{val: ast.String(c)})
		}
		for _, r := range o.Raw {
			if strings.Contains(r, "{}") {
				at.exact = false
				continue
			}
			use(strings.Split(r, "."), extra)
		}
	}
	if len(at.vars) > 1 {
		for _, v := range at.vars {
			d.varList[v].multi = true
		}
	}
	if !at.exact {
		d.why(fmt.Sprintf("%s: condition %s is outside the per-field fragment", s.Rule.Platform, describe(x)))
	}
	d.atoms = append(d.atoms, at)
	return at
}

// canonical spells a Panther path (whose keys match case-insensitively) as the
// base event spells it, so both rules' references meet in one variable.
func (d *decision) canonical(path []string) []string {
	out := make([]string, len(path))
	copy(out, path)
	o := d.base
	for i, k := range path {
		if o == nil {
			break
		}
		var v ast.Value
		found := false
		for j, key := range o.Keys {
			if key == k || (!found && strings.EqualFold(key, k)) {
				out[i], v, found = key, o.Vals[j], true
				if key == k {
					break
				}
			}
		}
		if !found || v.Kind() != ast.KindObject {
			o = nil
			continue
		}
		o = v.AsObject()
	}
	return out
}

func (d *decision) variable(path []string) int {
	name := strings.Join(path, ".")
	if i, ok := d.vars[name]; ok {
		return i
	}
	d.vars[name] = len(d.varList)
	d.varList = append(d.varList, &variable{name: name, path: path})
	return len(d.varList) - 1
}

// tabulate evaluates an atom on every combination of its fields' classes, on
// an event holding only those fields (so the table is a function of them).
func (d *decision) tabulate(at *atom) bool {
	size := 1
	for _, v := range at.vars {
		size *= len(d.varList[v].class)
		if size > maxAtomTable {
			d.why(fmt.Sprintf("condition %s has more than %d combinations of classes", describe(at.x), maxAtomTable))
			return false
		}
	}
	at.table = map[string]outcome{}
	idx := make([]int, len(at.vars))
	for {
		raw := &ast.Object{}
		for j, v := range at.vars {
			raw.SetPath(d.varList[v].path, d.varList[v].class[idx[j]].Value)
		}
		o := at.eval(d.record(at, raw, idx))
		at.table[key(idx)] = o
		at.any |= o
		j := 0
		for ; j < len(idx); j++ {
			idx[j]++
			if idx[j] < len(d.varList[at.vars[j]].class) {
				break
			}
			idx[j] = 0
		}
		if j == len(idx) {
			return true
		}
	}
}

// record is what an atom reads for an assignment of its fields' classes:
// the raw event, or the Splunk search's view of it, built once for all the
// atoms that read the same fields (a view runs every calculated field).
func (d *decision) record(at *atom, raw *ast.Object, idx []int) *ast.Object {
	if at.side.View == nil {
		return raw
	}
	k := fmt.Sprint(at.vars, idx)
	if v, ok := d.views[k]; ok {
		return v
	}
	v, err := at.side.View(raw)
	if err != nil {
		v = nil
	}
	d.views[k] = v
	return v
}

func (at *atom) eval(rec *ast.Object) outcome {
	if at.prog == nil || rec == nil {
		return oE // no program, or the view could not be built
	}
	val, err := at.prog.Eval(&eval.Env{Record: ast.ObjectOf(rec)})
	switch {
	case err != nil:
		return oE
	case val.Truth():
		return oT
	}
	return oF
}

func key(idx []int) string {
	var b strings.Builder
	for i, n := range idx {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, n)
	}
	return b.String()
}

// dedupClasses merges the classes of a field that every condition on it
// treats alike; fields read together with others keep all their classes.
func (d *decision) dedupClasses() {
	for vi, v := range d.varList {
		if v.multi {
			continue
		}
		var mine []*atom
		for _, at := range d.atoms {
			if len(at.vars) == 1 && at.vars[0] == vi {
				mine = append(mine, at)
			}
		}
		sig := func(c int) string {
			var b strings.Builder
			for _, at := range mine {
				fmt.Fprint(&b, at.table[key([]int{c})], ";")
			}
			return b.String()
		}
		bySig := map[string]int{}
		var kept []Class
		remap := map[int]int{}
		for c, cl := range v.class {
			s := sig(c)
			if k, ok := bySig[s]; ok {
				kept[k].Same = append(kept[k].Same, cl.Label)
				remap[c] = -1
				continue
			}
			bySig[s] = len(kept)
			remap[c] = len(kept)
			kept = append(kept, cl)
		}
		for _, at := range mine {
			t := map[string]outcome{}
			for c, n := range remap {
				if n >= 0 {
					t[key([]int{n})] = at.table[key([]int{c})]
				}
			}
			at.table = t
		}
		v.class = kept
	}
}

// order puts the fields that most conditions read first, so the search
// settles verdicts early.
func (d *decision) order() {
	count := make([]int, len(d.varList))
	for _, at := range d.atoms {
		for _, v := range at.vars {
			count[v]++
		}
	}
	perm := make([]int, len(d.varList))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(i, j int) bool { return count[perm[i]] > count[perm[j]] })
	pos := make([]int, len(perm))
	var list []*variable
	for newI, old := range perm {
		pos[old] = newI
		list = append(list, d.varList[old])
	}
	for _, at := range d.atoms {
		// Tables are keyed by class index in at.vars order, which stays; only
		// the variable numbers move.
		for j, v := range at.vars {
			at.vars[j] = pos[v]
		}
	}
	d.varList = list
}

// value is the outcome of n under the current partial assignment.
func (d *decision) value(n *node) outcome {
	switch n.op {
	case opConst:
		return n.val
	case opAtom:
		idx := make([]int, len(n.atom.vars))
		for j, v := range n.atom.vars {
			if d.assign[v] < 0 {
				return n.atom.any
			}
			idx[j] = d.assign[v]
		}
		return n.atom.table[key(idx)]
	case opNot:
		x := d.value(n.kids[0])
		out := x & oE
		if x&oT != 0 {
			out |= oF
		}
		if x&oF != 0 {
			out |= oT
		}
		return out
	case opCond:
		c := d.value(n.kids[0])
		out := c & oE
		if c&oT != 0 {
			out |= d.value(n.kids[1])
		}
		if c&oF != 0 {
			out |= d.value(n.kids[2])
		}
		return out
	}
	// and/or, left to right with short circuit: an operand that settles the
	// result (false for and, true for or) or raises stops the evaluation.
	stop, pass := oF, oT
	if n.op == opOr {
		stop, pass = oT, oF
	}
	var out outcome
	for _, k := range n.kids {
		x := d.value(k)
		out |= x & (stop | oE)
		if x&pass == 0 {
			return out
		}
	}
	return out | pass
}

// search walks the product of the classes, settling both verdicts as early
// as the boolean structure allows, and stops at the first assignment on which
// they differ (kept in d.first).
func (d *decision) search(i int) bool {
	d.nodes++
	if d.nodes >= maxNodes {
		return false
	}
	a, b := d.value(d.roots[0]), d.value(d.roots[1])
	if a.settled() && b.settled() {
		if (a == oT) != (b == oT) {
			d.first = d.counterexample(a == oT, b == oT)
			return true
		}
		return false
	}
	if i == len(d.varList) {
		return false // cannot happen: every atom is known once every field is
	}
	if !d.read(i, [2]bool{a.settled(), b.settled()}) {
		d.assign[i] = 0
		found := d.search(i + 1)
		d.assign[i] = -1
		return found
	}
	// Classes that every condition reading the field treats alike, whatever
	// the fields not assigned yet, lead to the same verdicts: search the first.
	seen := map[string]bool{}
	for c := range d.varList[i].class {
		d.assign[i] = c
		sig := d.signature(i)
		if seen[sig] {
			continue
		}
		seen[sig] = true
		if d.search(i + 1) {
			d.assign[i] = -1
			return true
		}
	}
	d.assign[i] = -1
	return false
}

// signature is how the conditions reading field v behave under the current
// assignment: each one's outcome on every combination of its other fields'
// classes that are not assigned yet.
func (d *decision) signature(v int) string {
	var sig strings.Builder
	for _, at := range d.atoms {
		if !slices.Contains(at.vars, v) {
			continue
		}
		idx := make([]int, len(at.vars))
		var free []int
		for j, x := range at.vars {
			if d.assign[x] < 0 {
				free = append(free, j)
			} else {
				idx[j] = d.assign[x]
			}
		}
		for {
			fmt.Fprint(&sig, at.table[key(idx)], ",")
			k := 0
			for ; k < len(free); k++ {
				j := free[k]
				idx[j]++
				if idx[j] < len(d.varList[at.vars[j]].class) {
					break
				}
				idx[j] = 0
			}
			if k == len(free) {
				break
			}
		}
		sig.WriteByte(';')
	}
	return sig.String()
}

// minimal finds the disagreements that change fewest fields of the base
// event: every set of up to maxChanged fields, each set to each of its
// classes that behaves differently from the base's, the other fields as in
// the base event; a set containing a smaller counterexample is skipped.
func (d *decision) minimal() {
	// A class is worth trying when it behaves differently from the base's
	// class on some combination of the other fields' classes.
	alts := make([][]int, len(d.varList))
	for v := range d.varList {
		d.assign[v] = 0
		seen := map[string]bool{d.signature(v): true}
		for c := 1; c < len(d.varList[v].class); c++ {
			d.assign[v] = c
			if sig := d.signature(v); !seen[sig] {
				seen[sig] = true
				alts[v] = append(alts[v], c)
			}
		}
		d.assign[v] = -1
	}
	for i := range d.assign {
		d.assign[i] = 0
	}
	var chosen []int
	var walk func(start, left int)
	walk = func(start, left int) {
		if len(d.found) >= maxCounterexamples {
			return
		}
		if left == 0 {
			for _, f := range d.found {
				if d.contains(f) {
					return
				}
			}
			a, b := d.value(d.roots[0]), d.value(d.roots[1])
			if (a == oT) != (b == oT) {
				d.found = append(d.found, d.counterexample(a == oT, b == oT))
			}
			return
		}
		for v := start; v < len(d.varList); v++ {
			chosen = append(chosen, v)
			for _, c := range alts[v] {
				d.assign[v] = c
				walk(v+1, left-1)
			}
			d.assign[v] = 0
			chosen = chosen[:len(chosen)-1]
		}
	}
	for k := 1; k <= maxChanged; k++ {
		walk(0, k)
	}
}

// contains reports whether the current assignment makes every change of a
// counterexample already found (so it cannot be a smaller one).
func (d *decision) contains(f Counterexample) bool {
	for i, v := range f.vars {
		if d.assign[v] != f.classes[i] {
			return false
		}
	}
	return true
}

func (d *decision) unassigned(at *atom) bool {
	for _, v := range at.vars {
		if d.assign[v] < 0 {
			return true
		}
	}
	return false
}

// read reports whether a field is read by a rule whose verdict is unsettled.
func (d *decision) read(v int, settled [2]bool) bool {
	for _, at := range d.atoms {
		if settled[at.sideIdx] {
			continue
		}
		for _, x := range at.vars {
			if x == v {
				return true
			}
		}
	}
	return false
}

func (d *decision) counterexample(a, b bool) Counterexample {
	ev := d.base.Clone()
	ce := Counterexample{A: a, B: b}
	for i, v := range d.varList {
		c := d.assign[i]
		if c <= 0 {
			continue // the base event's own class
		}
		ce.vars = append(ce.vars, i)
		ce.classes = append(ce.classes, c)
		ce.Changes = append(ce.Changes, Change{Field: v.name, Class: v.class[c]})
		ev = withPath(ev, v.path, v.class[c].Value)
	}
	ce.Event = ev
	return ce
}

// withPath is o with one nested field set (or removed for Missing), copying
// the objects on the path so o is left as it was.
func withPath(o *ast.Object, path []string, v ast.Value) *ast.Object {
	out := o.Clone()
	if len(path) == 1 {
		if v.Kind() == ast.KindMissing {
			out.Delete(path[0])
		} else {
			out.Set(path[0], v)
		}
		return out
	}
	child := &ast.Object{}
	if cur, ok := out.Get(path[0]); ok && cur.Kind() == ast.KindObject {
		child = cur.AsObject()
	} else if v.Kind() == ast.KindMissing {
		return out
	}
	out.Set(path[0], ast.ObjectOf(withPath(child, path[1:], v)))
	return out
}

func describe(x ast.Expr) string {
	s := notation.PrintInline(x)
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	if p := x.Pos(); p.Line > 0 {
		s += fmt.Sprintf(" (%s)", p)
	}
	return s
}
