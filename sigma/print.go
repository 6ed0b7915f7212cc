package sigma

import (
	"crypto/sha1"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/concordsec/concord/portable"
)

// Print writes r as a Sigma rule in SigmaHQ's layout. The Lossy points say
// where the Sigma rule cannot say exactly what r says; an error means r
// cannot be written without changing its meaning grossly (or is malformed).
// The output depends on r alone.
func Print(r *portable.Rule) ([]byte, []portable.Lossy, error) {
	if r == nil {
		return nil, nil, fmt.Errorf("sigma: no rule")
	}
	title := r.Name
	if title == "" {
		title = r.ID
	}
	if title == "" {
		return nil, nil, fmt.Errorf("sigma: the rule has neither a name nor an id for the title")
	}
	lt, ok := portable.LogTypeOf(r.LogType)
	if !ok || lt.SigmaProduct == "" {
		return nil, nil, fmt.Errorf("sigma: log type %q has no Sigma log source", r.LogType)
	}
	if r.Cond == nil {
		return nil, nil, fmt.Errorf("sigma: the rule has no condition")
	}
	p := &printer{used: map[string]bool{}}
	x, err := p.lower(r.Cond)
	if err != nil {
		return nil, nil, fmt.Errorf("sigma: %w", err)
	}
	if c, ok := x.(sConst); ok {
		return nil, nil, fmt.Errorf("sigma: the condition is always %v, which Sigma cannot say", bool(c))
	}
	cond := p.top(x)
	detection := append(p.idents, yentry{"condition", plain(cond)})

	doc := ymap{
		{"title", plain(title)},
		{"id", plain(ruleUUID(r))},
		{"status", plain("test")},
	}
	if d := r.Meta.Description; d != "" {
		doc = append(doc, yentry{"description", &yscalar{text: d, style: styleBlock}})
	}
	if refs := nonEmpty(r.Meta.References); len(refs) > 0 {
		doc = append(doc, yentry{"references", plainSeq(refs)})
	}
	if a := r.Meta.Author; a != "" {
		doc = append(doc, yentry{"author", plain(a)})
	}
	if d := sigmaDate(r.Meta.Date); d != "" {
		doc = append(doc, yentry{"date", raw(d)})
	}
	if tags := sigmaTags(r.Meta); len(tags) > 0 {
		doc = append(doc, yentry{"tags", plainSeq(tags)})
	}
	doc = append(doc,
		yentry{"logsource", ymap{{"product", plain(lt.SigmaProduct)}, {"service", plain(lt.SigmaService)}}},
		yentry{"detection", detection},
	)
	var fields []string
	seen := map[string]bool{}
	for _, f := range r.Output {
		if s := strings.Join(f, "."); len(f) > 0 && !seen[s] {
			seen[s] = true
			fields = append(fields, s)
		}
	}
	if len(fields) > 0 {
		doc = append(doc, yentry{"fields", plainSeq(fields)})
	}
	fps := nonEmpty(strings.Split(r.Meta.KnownFalsePositives, "\n"))
	if len(fps) == 0 {
		// SigmaHQ's convention when none are known.
		fps = []string{"Unknown"}
	}
	doc = append(doc, yentry{"falsepositives", plainSeq(fps)})
	if lv := sigmaLevel(r.Meta.Severity); lv != "" {
		doc = append(doc, yentry{"level", plain(lv)})
	}
	return writeDoc(doc), printLossy(r.Cond), nil
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func plainSeq(xs []string) yseq {
	var s yseq
	for _, x := range xs {
		s = append(s, plain(x))
	}
	return s
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// namespaceURL is RFC 9562's name space for URLs.
var namespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// ruleUUID is the rule's id when it is a UUID already (a rule read from
// Sigma keeps its id), a name-based UUID (version 5, SHA-1, RFC 9562) of
// "concord:" and the id (or the name when there is no id) otherwise.
func ruleUUID(r *portable.Rule) string {
	if uuidPattern.MatchString(r.ID) {
		return strings.ToLower(r.ID)
	}
	name := r.ID
	if name == "" {
		name = r.Name
	}
	h := sha1.New()
	h.Write(namespaceURL[:])
	h.Write([]byte("concord:" + name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// sigmaDate is the date as YYYY-MM-DD when it starts with one.
func sigmaDate(d string) string {
	if len(d) >= 10 && datePattern.MatchString(d[:10]) {
		return strings.ReplaceAll(d[:10], "/", "-")
	}
	return ""
}

func sigmaLevel(sev string) string {
	for lv, s := range levels {
		if strings.EqualFold(s, sev) {
			return lv
		}
	}
	return ""
}

// sNode is the condition in Sigma's terms: *sAnd, *sOr, *sNot, *sLeaf or
// sConst.
type sNode interface{}

type sAnd struct{ xs []sNode }
type sOr struct{ xs []sNode }
type sNot struct{ x sNode }

// sConst is an empty AND (true) or OR (false).
type sConst bool

// sLeaf is one `field|modifiers: values` entry.
type sLeaf struct {
	field  string
	mods   []string // the comparison (contains, re, ...) and its flags, then cased
	values []*yscalar
	all    bool
	null   bool // `field: null`
}

func (l *sLeaf) base() string {
	if len(l.mods) == 0 {
		return l.field
	}
	return l.field + "|" + strings.Join(l.mods, "|")
}

func (l *sLeaf) key() string {
	if l.all {
		return l.base() + "|all"
	}
	return l.base()
}

func (l *sLeaf) value() yval {
	if l.null {
		return raw("null")
	}
	if len(l.values) == 1 {
		return l.values[0]
	}
	var s yseq
	for _, v := range l.values {
		s = append(s, v)
	}
	return s
}

type printer struct {
	idents ymap
	used   map[string]bool
}

// junction lowers an and (and) or an or of xs, flattening nested ones of
// the same kind and folding constants.
func (p *printer) junction(ys []portable.Expr, and bool) (sNode, error) {
	var xs []sNode
	for _, y := range ys {
		s, err := p.lower(y)
		if err != nil {
			return nil, err
		}
		switch s := s.(type) {
		case sConst:
			if bool(s) != and {
				return s, nil // false in an and, true in an or
			}
		case *sAnd:
			if !and {
				xs = append(xs, s)
				continue
			}
			xs = append(xs, s.xs...)
		case *sOr:
			if and {
				xs = append(xs, s)
				continue
			}
			xs = append(xs, s.xs...)
		default:
			xs = append(xs, s)
		}
	}
	switch len(xs) {
	case 0:
		return sConst(and), nil
	case 1:
		return xs[0], nil
	}
	if and {
		return &sAnd{xs}, nil
	}
	return &sOr{xs}, nil
}

// lower turns a portable condition into Sigma's terms.
func (p *printer) lower(x portable.Expr) (sNode, error) {
	switch x := x.(type) {
	case *portable.And:
		return p.junction(x.Xs, true)
	case *portable.Or:
		return p.junction(x.Xs, false)
	case *portable.Not:
		s, err := p.lower(x.X)
		if err != nil {
			return nil, err
		}
		switch s := s.(type) {
		case sConst:
			return !s, nil
		case *sNot:
			return s.x, nil
		}
		return &sNot{s}, nil
	case *portable.Atom:
		return lowerAtom(x)
	case *portable.Parse:
		// The Sigma specification's modifiers (appendix_modifier.md) read a
		// field's value as it is: none parses text as JSON, and a backend
		// would read a key under the text as a field the event lacks.
		return nil, fmt.Errorf("%s: Sigma has no modifier that parses a field's text as JSON", portable.String(x))
	case *portable.Any:
		// The specification (sigma-specification's Sigma_specification.md,
		// "Lists") speaks of lists of values in the rule, not of list values
		// in the event: how a field holding a list matches is each backend's.
		return nil, fmt.Errorf("%s: a test of a list's elements has no Sigma form (how a field holding a list matches is left to each backend)", portable.String(x))
	case nil:
		return nil, fmt.Errorf("a nil condition")
	}
	return nil, fmt.Errorf("unknown condition node %T", x)
}

// lowerAtom is one test in Sigma's terms.
func lowerAtom(a *portable.Atom) (sNode, error) {
	if a.Op == portable.Success {
		// Panther's aws_cloudtrail_success: errorCode and errorMessage both
		// falsy. Sigma says it exactly for strings: each null (missing) or ''.
		side := func(f string) sNode {
			return &sOr{[]sNode{
				&sLeaf{field: f, null: true},
				&sLeaf{field: f, values: []*yscalar{quoted("")}},
			}}
		}
		return &sAnd{[]sNode{side("errorCode"), side("errorMessage")}}, nil
	}
	if len(a.Field) == 0 {
		return nil, fmt.Errorf("%s: the test names no field", portable.String(a))
	}
	for _, k := range a.Field {
		if k == "" || strings.ContainsAny(k, ".|") || strings.TrimSpace(k) != k {
			return nil, fmt.Errorf("%s: the key %q cannot be part of a Sigma field name (dots separate keys, | starts modifiers)", portable.String(a), k)
		}
	}
	field := a.Path()
	if a.Op == portable.Same {
		// sigma-specification appendix_modifier.md: fieldref "modifies a plain
		// string into a field reference", compared at match time; whether it
		// folds case and what a missing field compares as is left to backends.
		return nil, fmt.Errorf("%s: Sigma's fieldref modifier leaves case and missing fields to each backend, so a comparison of two fields has no exact Sigma form", portable.String(a))
	}
	if a.Op == portable.Exists {
		// `field: null` is "missing or null", the exact negation of
		// portable's exists (Sigma's own |exists also holds on null).
		return &sNot{&sLeaf{field: field, null: true}}, nil
	}
	if len(a.Values) == 0 {
		return nil, fmt.Errorf("%s: the test has no values", portable.String(a))
	}
	l := &sLeaf{field: field}
	str := func(wild bool) {
		for _, v := range a.Values {
			l.values = append(l.values, quoted(escapeValue(v, wild)))
		}
		if !a.Fold && portable.Cased(a.Values...) {
			l.mods = append(l.mods, "cased")
		}
	}
	switch a.Op {
	case portable.Eq:
		str(false)
	case portable.Wildcard:
		str(true)
	case portable.Prefix, portable.Suffix, portable.Contains:
		l.mods = []string{map[portable.Op]string{portable.Prefix: "startswith", portable.Suffix: "endswith", portable.Contains: "contains"}[a.Op]}
		str(false)
	case portable.Regex:
		l.mods = []string{"re"}
		if a.Fold {
			l.mods = append(l.mods, "i")
		}
		for _, v := range a.Values {
			l.values = append(l.values, quoted(v))
		}
	case portable.CIDR:
		l.mods = []string{"cidr"}
		for _, v := range a.Values {
			if _, err := netip.ParsePrefix(v); err != nil {
				return nil, fmt.Errorf("%s: %q is not a CIDR prefix", portable.String(a), v)
			}
			l.values = append(l.values, quoted(v))
		}
	case portable.Lt, portable.Le, portable.Gt, portable.Ge:
		l.mods = []string{map[portable.Op]string{portable.Lt: "lt", portable.Le: "lte", portable.Gt: "gt", portable.Ge: "gte"}[a.Op]}
		if len(a.Values) != 1 || !decimal.MatchString(a.Values[0]) {
			return nil, fmt.Errorf("%s: a comparison needs one decimal number", portable.String(a))
		}
		l.values = []*yscalar{raw(strings.TrimPrefix(a.Values[0], "+"))}
	default:
		return nil, fmt.Errorf("%s: unknown test %q", portable.String(a), a.Op)
	}
	return l, nil
}

// printLossy lists where the Sigma form differs from the portable rule (the
// source).
func printLossy(x portable.Expr) []portable.Lossy {
	return lossyOf(x, func(a *portable.Atom) []lossPoint {
		if a.Op == portable.Success {
			return []lossPoint{{fields: []string{"errorCode", "errorMessage"}, sigmaHits: false,
				reason: "success is written as errorCode and errorMessage each null or '': a falsy value that is not a string (0, false, [] or {}) is a success for aws_cloudtrail_success but not for the Sigma rule"}}
		}
		return atomLoss(a, false)
	}, false)
}

// Rendering: a conjunction at the top becomes `selection` (the plain field
// tests, one map), more selections, and the negated parts as filters
// (`not 1 of filter_main_*`); deeper structure becomes the condition, with
// a search identifier for each part a map or a list of maps can hold.

const (
	precOr = iota
	precAnd
	precNot
	precAtom
)

// define adds a search identifier; the name is base, or base_2, base_3, ...
func (p *printer) define(base string, v yval) string {
	name := base
	for i := 2; p.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	p.used[name] = true
	p.idents = append(p.idents, yentry{name, v})
	return name
}

// top renders the root condition.
func (p *printer) top(x sNode) string {
	conj := []sNode{x}
	if a, ok := x.(*sAnd); ok {
		conj = a.xs
	}
	var leaves []*sLeaf
	var pos, negs []sNode
	for _, c := range conj {
		switch c := c.(type) {
		case *sLeaf:
			leaves = append(leaves, c)
		case *sNot:
			negs = append(negs, c.x)
		default:
			pos = append(pos, c)
		}
	}
	var parts []string
	selName := func(x sNode) string {
		if !p.used["selection"] {
			return "selection"
		}
		return "selection_" + hint(x)
	}
	for _, g := range pack(leaves) {
		parts = append(parts, p.define(selName(g[0]), groupMap(g)))
	}
	for _, c := range pos {
		if v, ok := identValue(c); ok {
			parts = append(parts, p.define(selName(c), v))
			continue
		}
		s, prec := p.expr(c, "selection")
		parts = append(parts, paren(s, prec <= precOr))
	}
	var filters, others []string
	for _, y := range negs {
		if v, ok := identValue(y); ok {
			filters = append(filters, p.define("filter_main_"+hint(y), v))
			continue
		}
		s, prec := p.expr(y, "filter")
		others = append(others, "not "+paren(s, prec < precNot))
	}
	switch len(filters) {
	case 0:
	case 1:
		parts = append(parts, "not "+filters[0])
	default:
		parts = append(parts, "not 1 of filter_main_*")
	}
	parts = append(parts, others...)
	return strings.Join(parts, " and ")
}

// expr renders a nested condition; role names its identifiers (selection,
// or filter under a negation).
func (p *printer) expr(x sNode, role string) (string, int) {
	if v, ok := identValue(x); ok {
		return p.define(p.nested(role, x), v), precAtom
	}
	switch x := x.(type) {
	case *sAnd:
		var leaves []*sLeaf
		var parts []string
		for _, y := range x.xs {
			if l, ok := y.(*sLeaf); ok {
				leaves = append(leaves, l)
			}
		}
		// The leaves' maps come first, then the other parts in order.
		for _, g := range pack(leaves) {
			parts = append(parts, p.define(p.nested(role, g[0]), groupMap(g)))
		}
		for _, y := range x.xs {
			if _, ok := y.(*sLeaf); ok {
				continue
			}
			s, prec := p.expr(y, role)
			parts = append(parts, paren(s, prec <= precOr))
		}
		if len(parts) == 1 {
			return parts[0], precAtom
		}
		return strings.Join(parts, " and "), precAnd
	case *sOr:
		// The children a map says share one identifier (a list of maps),
		// defined first and standing where the first of them stood.
		var maps yseq
		for _, y := range x.xs {
			if m, ok := mapOf(y); ok {
				maps = append(maps, m)
			}
		}
		name := ""
		if len(maps) > 0 {
			var v yval = maps
			if len(maps) == 1 {
				v = maps[0]
			}
			name = p.define(p.nested(role, x), v)
		}
		var parts []string
		for _, y := range x.xs {
			if _, ok := mapOf(y); ok {
				if name != "" {
					parts = append(parts, name)
					name = ""
				}
				continue
			}
			s, _ := p.expr(y, role)
			parts = append(parts, s)
		}
		if len(parts) == 1 {
			return parts[0], precAtom
		}
		return strings.Join(parts, " or "), precOr
	case *sNot:
		flip := "filter"
		if role == "filter" {
			flip = "selection"
		}
		s, prec := p.expr(x.x, flip)
		return "not " + paren(s, prec < precNot), precNot
	}
	// Leaves are identifiers; constants were folded away by lower.
	return "", precAtom
}

// nested is the base name of an identifier below the top: never one that
// `1 of filter_main_*` would match.
func (p *printer) nested(role string, x sNode) string {
	name := role + "_" + hint(x)
	if strings.HasPrefix(name, "filter_main_") {
		name = "filter_sub_" + strings.TrimPrefix(name, "filter_")
	}
	return name
}

func paren(s string, need bool) string {
	if need {
		return "(" + s + ")"
	}
	return s
}

// identValue is the identifier that says x on its own: a map (a leaf, or an
// AND of leaves one map holds) or a list of maps (an OR of such).
func identValue(x sNode) (yval, bool) {
	if m, ok := mapOf(x); ok {
		return m, true
	}
	o, ok := x.(*sOr)
	if !ok {
		return nil, false
	}
	var s yseq
	for _, y := range o.xs {
		m, ok := mapOf(y)
		if !ok {
			return nil, false
		}
		s = append(s, m)
	}
	return s, true
}

// mapOf is the map that says x, when one does.
func mapOf(x sNode) (ymap, bool) {
	switch x := x.(type) {
	case *sLeaf:
		return groupMap([]*sLeaf{x}), true
	case *sAnd:
		var leaves []*sLeaf
		for _, y := range x.xs {
			l, ok := y.(*sLeaf)
			if !ok {
				return nil, false
			}
			leaves = append(leaves, l)
		}
		if g := pack(leaves); len(g) == 1 {
			return groupMap(g[0]), true
		}
	}
	return nil, false
}

func groupMap(g []*sLeaf) ymap {
	var m ymap
	for _, l := range g {
		m = append(m, yentry{l.key(), l.value()})
	}
	return m
}

// pack puts ANDed leaves into as few maps as their keys allow: a key once
// per map; single values of one field and comparison join as `|all`.
func pack(leaves []*sLeaf) [][]*sLeaf {
	var groups [][]*sLeaf
next:
	for _, orig := range leaves {
		l := *orig
		l.values = append([]*yscalar(nil), orig.values...)
		for gi, g := range groups {
			var same []*sLeaf
			for _, m := range g {
				if m.base() == l.base() {
					same = append(same, m)
				}
			}
			if len(same) == 0 {
				groups[gi] = append(g, &l)
				continue next
			}
			if l.null {
				continue
			}
			if len(l.values) == 1 {
				for _, m := range same {
					if !m.null && (m.all || len(m.values) == 1) {
						m.all = true
						m.values = append(m.values, l.values...)
						continue next
					}
				}
				continue
			}
			free := true
			for _, m := range same {
				free = free && m.all
			}
			if free {
				groups[gi] = append(g, &l)
				continue next
			}
		}
		groups = append(groups, []*sLeaf{&l})
	}
	return groups
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// hint names an identifier after the first field it tests.
func hint(x sNode) string {
	var f string
	var walk func(sNode) bool
	walk = func(x sNode) bool {
		switch x := x.(type) {
		case *sLeaf:
			f = x.field
			return true
		case *sAnd:
			for _, y := range x.xs {
				if walk(y) {
					return true
				}
			}
		case *sOr:
			for _, y := range x.xs {
				if walk(y) {
					return true
				}
			}
		case *sNot:
			return walk(x.x)
		}
		return false
	}
	walk(x)
	h := strings.Trim(nonName.ReplaceAllString(strings.ToLower(f), "_"), "_")
	if len(h) > 40 {
		h = strings.TrimRight(h[:40], "_")
	}
	if h == "" {
		h = "x"
	}
	return h
}
