package indicator

import (
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
)

// facts are the atoms that hold (req) and that fail (excl) on every event for
// which an expression has the truth value asked about.
type facts struct{ req, excl []Atom }

func (f facts) and(g facts) facts {
	return facts{req: append(slices.Clone(f.req), g.req...), excl: append(slices.Clone(f.excl), g.excl...)}
}

// scope binds the locals of a Panther function (Let) to what was stored in
// them, so `x = event.get("a"); if x == "b"` reads as a condition on a.
type scope struct {
	name string
	x    ast.Expr // nil: bound to something that is not read (unpacking)
	env  *scope   // the scope x is read in
	up   *scope
}

func (s *scope) lookup(name string) (ast.Expr, *scope, bool) {
	for ; s != nil; s = s.up {
		if s.name == name {
			return s.x, s.env, s.x != nil
		}
	}
	return nil, nil, false
}

func bind(sc *scope, l *ast.Let) *scope {
	if len(l.Names) == 1 {
		return &scope{name: l.Names[0], x: l.X, env: sc, up: sc}
	}
	for _, n := range l.Names {
		sc = &scope{name: n, up: sc}
	}
	return sc
}

// budget bounds the work on one rule: locals are read again at each use and
// helper bodies are expanded in place, so a pathological rule could otherwise
// take long. Past it, the rest of the logic says nothing, which is safe.
const budget = 200000

type walker struct{ left int }

func conj(x ast.Expr, neg bool, sc *scope) facts {
	w := &walker{left: budget}
	return w.conj(x, neg, sc)
}

// conj returns the facts of the events on which x is truthy (neg false) or
// falsy (neg true).
func (w *walker) conj(x ast.Expr, neg bool, sc *scope) facts {
	if w.left--; w.left < 0 || x == nil {
		return facts{}
	}
	switch n := x.(type) {
	case *ast.Logic:
		if (n.Op == ast.And) != neg { // every operand has the truth value asked about
			var f facts
			for _, e := range n.Xs {
				f = f.and(w.conj(e, neg, sc))
			}
			return collapseEmpty(f)
		}
		bs := make([]facts, len(n.Xs))
		for i, e := range n.Xs {
			bs[i] = w.conj(e, neg, sc)
		}
		return either(bs)
	case *ast.Not:
		return w.conj(n.X, !neg, sc)
	case *ast.Truth:
		return w.conj(n.X, neg, sc)
	case *ast.Helper:
		return w.conj(n.Body, neg, sc)
	case *ast.Let:
		return w.conj(n.Body, neg, bind(sc, n))
	case *ast.Local:
		if b, env, ok := sc.lookup(n.Name); ok {
			return w.conj(b, neg, env)
		}
		return facts{}
	case *ast.Cond:
		// A branch that is a constant of the wrong truth cannot be how the
		// event got here; Python's `if not x: return False` guards read this way.
		var bs []facts
		if possible(n.Then, !neg) {
			bs = append(bs, w.conj(n.If, false, sc).and(w.conj(n.Then, neg, sc)))
		}
		if possible(n.Else, !neg) {
			bs = append(bs, w.conj(n.If, true, sc).and(w.conj(n.Else, neg, sc)))
		}
		return either(bs)
	case *ast.Lit:
		return facts{}
	case *ast.Call:
		// all([...]) and any([...]) of a literal list are `and` and `or`.
		if l, ok := oneListArg(n); ok && (n.Fn == "py.all" || n.Fn == "py.any") {
			op := ast.And
			if n.Fn == "py.any" {
				op = ast.Or
			}
			return w.conj(&ast.Logic{Span: n.Span, Op: op, Xs: l.Elems}, neg, sc)
		}
	}
	a, positive, ok := w.atom(x, sc)
	if !ok {
		return facts{}
	}
	if positive != neg {
		return facts{req: []Atom{a}}
	}
	if a.Op == IsNull {
		// "not null" has its own operator; an exclusion of is_null would read
		// as a double negative.
		a.Op = IsNotNull
		return facts{req: []Atom{a}}
	}
	return facts{excl: []Atom{a}}
}

func oneListArg(c *ast.Call) (*ast.ListLit, bool) {
	if len(c.Args) != 1 || len(c.Keywords) > 0 {
		return nil, false
	}
	l, ok := c.Args[0].(*ast.ListLit)
	return l, ok
}

func possible(x ast.Expr, truth bool) bool {
	if l, ok := x.(*ast.Lit); ok {
		return l.Val.Truth() == truth
	}
	return true
}

// either is what holds when one of the branches does: the atoms every branch
// has, and, per field that every branch constrains, the branches' atoms on it
// merged into one (a == "x" or a == "y" is a in ["x", "y"]).
func either(bs []facts) facts {
	switch len(bs) {
	case 0:
		return facts{}
	case 1:
		return bs[0]
	}
	reqs := make([][]Atom, len(bs))
	excls := make([][]Atom, len(bs))
	for i, b := range bs {
		reqs[i], excls[i] = b.req, b.excl
	}
	req := common(reqs)
	done := map[string]bool{}
	for _, a := range req {
		done[a.Field] = true
	}
	for _, a := range bs[0].req {
		if done[a.Field] {
			continue
		}
		done[a.Field] = true
		picks := []Atom{a}
		for _, b := range bs[1:] {
			// Of several atoms on the field, one like a's merges best.
			i := slices.IndexFunc(b.req, func(x Atom) bool { return x.Field == a.Field && x.Base() == a.Base() })
			if i < 0 {
				i = slices.IndexFunc(b.req, func(x Atom) bool { return x.Field == a.Field })
			}
			if i < 0 {
				picks = nil
				break
			}
			picks = append(picks, b.req[i])
		}
		if m, ok := merge(picks); ok {
			req = append(req, m)
		}
	}
	return facts{req: req, excl: common(excls)}
}

// common is the atoms that are in every list.
func common(lists [][]Atom) []Atom {
	var out []Atom
	for _, a := range lists[0] {
		k := a.key()
		all := true
		for _, l := range lists[1:] {
			if !slices.ContainsFunc(l, func(b Atom) bool { return b.key() == k }) {
				all = false
				break
			}
		}
		if all {
			out = append(out, a)
		}
	}
	return out
}

// merge turns atoms on one field, of which one holds, into one atom, when one
// operator can say it.
func merge(as []Atom) (Atom, bool) {
	if len(as) == 0 {
		return Atom{}, false
	}
	field, fold := as[0].Field, as[0].Fold()
	bases := map[Op]bool{}
	sameFold := true
	for _, a := range as {
		bases[a.Base()] = true
		sameFold = sameFold && a.Fold() == fold
	}
	values := func() []string {
		var vs []string
		for _, a := range as {
			vs = append(vs, a.Values...)
		}
		return dedupValues(vs, fold)
	}
	switch {
	case emptyForms(as):
		return Atom{Field: field, Op: Empty, Values: []string{}}, true
	case !sameFold:
		return Atom{}, false
	case len(bases) == 1 && bases[Eq]:
		return valueAtom(field, fold, values()), true
	case len(bases) == 2 && bases[Eq] && bases[Wildcard]:
		// An exact value is a pattern without wildcards, unless it has some.
		for _, a := range as {
			if a.Base() == Eq && slices.ContainsFunc(a.Values, func(v string) bool { return strings.ContainsAny(v, "*?[") }) {
				return Atom{}, false
			}
		}
		return Atom{Field: field, Op: withFold(Wildcard, fold), Values: values()}, true
	case len(bases) == 1 && len(as[0].Values) > 0:
		return Atom{Field: field, Op: as[0].Op, Values: values()}, true
	}
	return Atom{}, false
}

// emptyForms reports whether the atoms are the disjuncts of "null or empty"
// (Panther's IsNullOrEmpty: is None, == "", == [], == {}), one of them a null test.
func emptyForms(as []Atom) bool {
	null := false
	for _, a := range as {
		switch {
		case a.Op == IsNull || a.Op == Empty:
			null = true
		case a.Base() == Eq && !slices.ContainsFunc(a.Values, func(v string) bool { return v != "" && v != "[]" && v != "{}" }):
		default:
			return false
		}
	}
	return null
}

func dedupValues(vs []string, fold bool) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range vs {
		k := v
		if fold {
			k = strings.ToLower(v)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// valueAtom is eq for one value and in for several.
func valueAtom(field string, fold bool, vs []string) Atom {
	op := Eq
	if len(vs) > 1 {
		op = In
	}
	return Atom{Field: field, Op: withFold(op, fold), Values: vs}
}

func withFold(op Op, fold bool) Op {
	if fold {
		return op + "_ci"
	}
	return op
}

// subject is a field read by a condition.
type subject struct {
	path  []string
	fold  bool       // the value was lowercased (or uppercased) before the test
	upper bool       // ... uppercased
	def   *ast.Value // what a missing (or null) field reads as, when the rule gives a default
}

func (s subject) field() string { return strings.Join(s.path, ".") }

// subjectOf reads x as a field of the event. The event itself has an empty path.
func (w *walker) subjectOf(x ast.Expr, sc *scope) (subject, bool) {
	if w.left--; w.left < 0 {
		return subject{}, false
	}
	switch n := x.(type) {
	case *ast.Field:
		return subject{path: n.Path}, true
	case *ast.Index:
		s, ok := w.subjectOf(n.X, sc)
		k, isConst := w.constant(n.Key, sc)
		if !ok || !isConst || k.Kind() != ast.KindString || s.fold {
			return subject{}, false
		}
		// A missing key raises, so a default on the base does not reach the key.
		return subject{path: append(slices.Clone(s.path), k.AsString())}, true
	case *ast.Default:
		s, ok := w.subjectOf(n.X, sc)
		d, isConst := w.constant(n.Else, sc)
		if !ok || !isConst || len(s.path) == 0 {
			return subject{}, false
		}
		s.def = &d
		return s, true
	case *ast.Local:
		if b, env, ok := sc.lookup(n.Name); ok {
			return w.subjectOf(b, env)
		}
	case *ast.Helper:
		return w.subjectOf(n.Body, sc)
	case *ast.Call:
		lower := n.Fn == "py.str.lower" || n.Fn == "spl.lower"
		if (lower || n.Fn == "py.str.upper" || n.Fn == "spl.upper") && len(n.Args) == 1 {
			s, ok := w.subjectOf(n.Args[0], sc)
			if !ok || len(s.path) == 0 {
				return subject{}, false
			}
			s.fold, s.upper = true, !lower
			if s.def != nil && s.def.Kind() == ast.KindString {
				d := ast.String(s.caseOf(s.def.AsString()))
				s.def = &d
			}
			return s, true
		}
	}
	return subject{}, false
}

// caseOf is v as the subject's case conversion leaves it.
func (s subject) caseOf(v string) string {
	switch {
	case !s.fold:
		return v
	case s.upper:
		return strings.ToUpper(v)
	}
	return strings.ToLower(v)
}

// constant reads x as a constant value.
func (w *walker) constant(x ast.Expr, sc *scope) (ast.Value, bool) {
	if w.left--; w.left < 0 {
		return ast.Missing, false
	}
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val, true
	case *ast.Local:
		if b, env, ok := sc.lookup(n.Name); ok {
			return w.constant(b, env)
		}
	case *ast.Helper:
		return w.constant(n.Body, sc)
	case *ast.ListLit:
		vs := make([]ast.Value, len(n.Elems))
		for i, e := range n.Elems {
			v, ok := w.constant(e, sc)
			if !ok {
				return ast.Missing, false
			}
			vs[i] = v
		}
		return ast.List(vs...), true
	case *ast.DictLit:
		// Membership in a dict is membership in its keys.
		return w.constant(&ast.ListLit{Elems: n.Keys}, sc)
	case *ast.Call:
		if n.Fn == "py.dict.keys" && len(n.Args) == 1 {
			return w.constant(n.Args[0], sc)
		}
	}
	return ast.Missing, false
}

// text is a value as an atom shows it.
func text(v ast.Value) string {
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return "null"
	case ast.KindList:
		return ast.JSON(v)
	}
	return v.Text()
}

var matchOps = [...]Op{
	ast.MatchExact: Eq, ast.MatchWildcard: Wildcard, ast.MatchPrefix: Prefix, ast.MatchSuffix: Suffix,
	ast.MatchContains: Contains, ast.MatchRegex: Regex, ast.MatchLike: Like,
}

var flipped = map[ast.CmpOp]ast.CmpOp{ast.Eq: ast.Eq, ast.Ne: ast.Ne, ast.Lt: ast.Gt, ast.Le: ast.Ge, ast.Gt: ast.Lt, ast.Ge: ast.Le}

var orderOps = map[ast.CmpOp]Op{ast.Lt: Lt, ast.Le: Le, ast.Gt: Gt, ast.Ge: Ge}

// atom reads a leaf condition as an atom; positive is false when the
// condition holds exactly when the atom fails (a != "x").
func (w *walker) atom(x ast.Expr, sc *scope) (a Atom, positive, ok bool) {
	switch n := x.(type) {
	case *ast.Compare:
		return w.compare(n, sc)
	case *ast.Match:
		s, ok := w.fieldSubject(n.X, sc)
		if !ok || int(n.Kind) >= len(matchOps) {
			break
		}
		if s.def != nil && !w.defaultFails(n, *s.def) {
			break
		}
		pattern := n.Pattern
		if s.fold && !n.Fold && s.caseOf(pattern) != pattern {
			break // x.lower().startswith("ABC") is never true
		}
		return Atom{Field: s.field(), Op: withFold(matchOps[n.Kind], n.Fold || s.fold), Values: []string{pattern}}, true, true
	case *ast.In:
		if s, ok := w.fieldSubject(n.X, sc); ok {
			list, isConst := w.constant(n.Y, sc)
			if !isConst {
				break
			}
			vs := list.AsList()
			if list.Kind() != ast.KindList || len(vs) == 0 {
				break
			}
			values := make([]string, 0, len(vs))
			for _, v := range vs {
				if s.def != nil && ast.Equal(v, *s.def) {
					return Atom{}, false, false
				}
				if s.fold && v.Kind() == ast.KindString && s.caseOf(v.AsString()) != v.AsString() {
					continue // never equal to the converted value
				}
				values = append(values, text(v))
			}
			if len(values) == 0 {
				break
			}
			return valueAtom(s.field(), s.fold, dedupValues(values, s.fold)), true, true
		}
		if v, isConst := w.constant(n.X, sc); isConst && v.Kind() == ast.KindString {
			if s, ok := w.fieldSubject(n.Y, sc); ok && s.def == nil && !s.fold {
				return Atom{Field: s.field(), Op: Contains, Values: []string{v.AsString()}}, true, true
			}
		}
	case *ast.IsNull:
		if s, ok := w.fieldSubject(n.X, sc); ok && (s.def == nil || s.def.IsNullish()) {
			return Atom{Field: s.field(), Op: IsNull, Values: []string{}}, true, true
		}
	case *ast.Exists:
		if s, ok := w.fieldSubject(n.X, sc); ok && (s.def == nil || s.def.IsNullish()) {
			return Atom{Field: s.field(), Op: Exists, Values: []string{}}, true, true
		}
	case *ast.Call:
		return w.call(n, sc)
	case *ast.Field, *ast.Index, *ast.Default:
		// A field tested for truth.
		if s, ok := w.fieldSubject(x, sc); ok && (s.def == nil || !s.def.Truth()) {
			return Atom{Field: s.field(), Op: IsNotNull, Values: []string{}}, true, true
		}
	}
	return Atom{}, false, false
}

// fieldSubject is subjectOf for a field proper (not the event itself).
func (w *walker) fieldSubject(x ast.Expr, sc *scope) (subject, bool) {
	s, ok := w.subjectOf(x, sc)
	return s, ok && len(s.path) > 0
}

// defaultFails reports whether the default a rule gives a missing field is
// sure not to satisfy the match, so the match still requires the field.
func (w *walker) defaultFails(m *ast.Match, def ast.Value) bool {
	if def.Kind() != ast.KindString {
		return def.IsNullish() // a str method on None raises
	}
	d, p := def.AsString(), m.Pattern
	if m.Fold {
		d, p = strings.ToLower(d), strings.ToLower(p)
	}
	switch m.Kind {
	case ast.MatchExact:
		return d != p
	case ast.MatchPrefix:
		return !strings.HasPrefix(d, p)
	case ast.MatchSuffix:
		return !strings.HasSuffix(d, p)
	case ast.MatchContains:
		return !strings.Contains(d, p)
	}
	return false
}

func (w *walker) compare(n *ast.Compare, sc *scope) (Atom, bool, bool) {
	op := n.Op
	s, ok := w.fieldSubject(n.X, sc)
	v, isConst := w.constant(n.Y, sc)
	if !ok || !isConst {
		s, ok = w.fieldSubject(n.Y, sc)
		v, isConst = w.constant(n.X, sc)
		op = flipped[op]
	}
	if !ok || !isConst {
		return Atom{}, false, false
	}
	field := s.field()
	if op == ast.Eq || op == ast.Ne {
		positive := op == ast.Eq
		if v.IsNullish() {
			if s.def != nil {
				return Atom{}, false, false
			}
			return Atom{Field: field, Op: IsNull, Values: []string{}}, positive, true
		}
		if s.def != nil && ast.Equal(v, *s.def) {
			return Atom{}, false, false
		}
		if s.fold && v.Kind() == ast.KindString && s.caseOf(v.AsString()) != v.AsString() {
			return Atom{}, false, false // x.lower() == "Abc" is never true
		}
		return Atom{Field: field, Op: withFold(Eq, s.fold), Values: []string{text(v)}}, positive, true
	}
	if s.def != nil && !s.def.IsNullish() {
		return Atom{}, false, false
	}
	return Atom{Field: field, Op: orderOps[op], Values: []string{text(v)}}, true, true
}

// call reads the helper and builtin calls that test one field against constants.
func (w *walker) call(n *ast.Call, sc *scope) (Atom, bool, bool) {
	// subjectArg and valueArgs say where the field and the constants are.
	shapes := map[string]struct {
		subjectArg, valueArg int
		op                   Op
	}{
		"yaml.in_cidr":               {0, 1, CIDR},
		"spl.cidrmatch":              {1, 0, CIDR},
		"panther.is_ip_in_network":   {0, 1, CIDR},
		"panther.pattern_match":      {0, 1, Wildcard},
		"panther.pattern_match_list": {0, 1, Wildcard},
		"py.fnmatch.fnmatch":         {0, 1, Wildcard},
		"py.fnmatch.fnmatchcase":     {0, 1, Wildcard},
		"py.re.search":               {1, 0, Regex},
		"py.re.match":                {1, 0, Regex},
		"yaml.has":                   {0, 1, Contains},
	}
	shape, known := shapes[n.Fn]
	if !known || len(n.Keywords) > 0 {
		return Atom{}, false, false
	}
	if n.Fn == "yaml.has" && len(n.Args) != 3 || n.Fn != "yaml.has" && len(n.Args) != 2 {
		return Atom{}, false, false
	}
	s, ok := w.fieldSubject(n.Args[shape.subjectArg], sc)
	v, isConst := w.constant(n.Args[shape.valueArg], sc)
	if !ok || !isConst || s.def != nil && !s.def.IsNullish() || s.fold {
		return Atom{}, false, false
	}
	elems := []ast.Value{v}
	if v.Kind() == ast.KindList {
		elems = v.AsList()
	}
	var values []string
	for _, e := range elems {
		if e.Kind() != ast.KindString {
			return Atom{}, false, false
		}
		p := e.AsString()
		if n.Fn == "py.re.match" {
			p = "^(?:" + p + ")" // re.match anchors at the start
		}
		values = append(values, p)
	}
	if len(values) == 0 {
		return Atom{}, false, false
	}
	op := shape.op
	if n.Fn == "yaml.has" {
		if f, ok := w.constant(n.Args[2], sc); ok && f.Truth() {
			op = ContainsCI
		}
	}
	return Atom{Field: s.field(), Op: op, Values: values}, true, true
}

// emptyValues are the values Panther's IsNullOrEmpty compares with, besides None.
var emptyValues = []string{"", "[]", "{}"}

// collapseEmpty reads a field that must not be null (is_not_null required) and
// must not equal any empty value (Panther's IsNotNullOrEmpty) as one exclusion
// of empty.
func collapseEmpty(f facts) facts {
	excluded := map[string]map[string]bool{}
	for _, a := range f.excl {
		if a.Base() == Eq && len(a.Values) == 1 {
			if excluded[a.Field] == nil {
				excluded[a.Field] = map[string]bool{}
			}
			excluded[a.Field][a.Values[0]] = true
		}
	}
	empty := map[string]bool{}
	for _, a := range f.req {
		if a.Op == IsNotNull && !slices.ContainsFunc(emptyValues, func(v string) bool { return !excluded[a.Field][v] }) {
			empty[a.Field] = true
		}
	}
	if len(empty) == 0 {
		return f
	}
	var out facts
	out.req = slices.DeleteFunc(slices.Clone(f.req), func(a Atom) bool { return a.Op == IsNotNull && empty[a.Field] })
	done := map[string]bool{}
	for _, a := range f.excl {
		switch {
		case !empty[a.Field] || a.Base() != Eq || len(a.Values) != 1 || !slices.Contains(emptyValues, a.Values[0]):
			out.excl = append(out.excl, a)
		case !done[a.Field]:
			done[a.Field] = true
			out.excl = append(out.excl, Atom{Field: a.Field, Op: Empty, Values: []string{}})
		}
	}
	return out
}
