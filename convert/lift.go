// Package convert turns a rule of one platform into another's: it lifts the
// rule's shared AST into portable form (what the rule tests, per raw field,
// and where that cannot be said exactly), has the target's printer write it,
// and verifies the result against the original with the cross-check.
package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/equiv"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// Error is a construct the conversion cannot express, at its position.
type Error struct {
	Pos    ast.Pos
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: cannot convert: %s", e.Pos, e.Reason) }

// lifter lifts one rule's conditions.
type lifter struct {
	rule  *ast.Rule
	st    *sourcetype.SourceType // Splunk: the add-on's view of the raw event
	lossy []portable.Lossy
	// defaults are event.get(k, "x") reads: a missing key reads as "x".
	defaults []defaulted
	// cased: the last field read went through upper() (else lower()).
	cased bool
	// elem is the local holding the list element an any() tests ("" outside
	// one): fields are then read from it; elemList names its list for lossy
	// points (a{}.b{}).
	elem, elemList string
	// locals are the values of Python locals a loop or helper bound (see
	// lift_loops.go).
	locals map[string]*binding
	// elemExpr is the element an mvmap of a Splunk search tests.
	elemExpr ast.Expr
	// relative: inside a simple detection's element test (ast.Elements),
	// whose fields are the element's.
	relative bool
	// ciMatch: the atom being built folds case by the test's own choice
	// (a simple detection's IEquals), not by a lower()/upper() of the value.
	ciMatch bool
	// doc is the JSON text being read as a value (lift_json.go).
	doc *docCtx
}

type defaulted struct{ field, value string }

// Condition lifts a rule's per-event verdict into portable form. For a
// Splunk search that is the base search with its search and where clauses
// (renames and evals folded in); the events its stats or dedup drop for a
// null field become lossy points rather than conditions, since they are an
// artifact of the result's shape. A Panther rule's rule() is lifted with its
// helpers inlined; aws_cloudtrail_success stays a known predicate.
func Condition(r *ast.Rule) (portable.Expr, []portable.Lossy, error) {
	l := &lifter{rule: r}
	if r.Platform == ast.Splunk {
		if len(r.LogTypes) > 0 {
			if st, err := sourcetype.Lookup(r.LogTypes[0]); err == nil {
				l.st = st
			}
		}
	}
	form, reason := equiv.Split(r)
	if reason != "" {
		return nil, nil, &Error{Pos: ast.Pos{File: r.File}, Reason: "the search has no per-event form: " + reason}
	}
	var conj []portable.Expr
	for _, c := range form.Conds {
		x, err := l.lift(c)
		if err != nil {
			return nil, nil, err
		}
		conj = append(conj, x)
	}
	x := l.success(portable.Simplify(&portable.And{Xs: conj}))
	for _, d := range form.Drops {
		l.drop(d, x)
	}
	return x, l.lossy, nil
}

// drop records a stats by-field or dedup field as a lossy point, unless the
// condition already requires the field.
func (l *lifter) drop(d ast.Expr, cond portable.Expr) {
	ex, ok := d.(*ast.Exists)
	if !ok {
		return
	}
	var names []string // the fields the dropped value is computed from
	for _, f := range ast.Fields(ex.X) {
		if !strings.HasPrefix(f[0], "_") { // _time and the like are always there
			names = append(names, strings.Join(f, "."))
		}
	}
	if c, ok := ex.X.(*ast.Call); ok && c.Fn == "spl.coalesce" {
		if lit, ok := c.Args[len(c.Args)-1].(*ast.Lit); ok && !lit.Val.IsNullish() {
			return // fillnull: never null
		}
	}
	if len(names) == 0 {
		return
	}
	var raw []string
	for _, name := range names {
		if key, ok, err := recordKey(l.rule, name); ok && err == nil {
			raw = append(raw, key[0]) // a record field, under Panther's key
			continue
		}
		if l.st == nil {
			raw = append(raw, name)
			continue
		}
		for _, r := range l.st.Sources(name).Raw {
			if r != name && !slices.Contains(raw, r) {
				raw = append(raw, r)
			}
		}
	}
	// An alias lists the raw field it reads (a raw key of its own name would do
	// too); the condition requiring it is enough.
	if _, plain := ex.X.(*ast.Field); plain {
		if requires(cond, strings.Split(names[0], ".")) || (len(raw) == 1 && requires(cond, strings.Split(raw[0], "."))) {
			return
		}
	}
	what := names[0]
	if _, plain := ex.X.(*ast.Field); !plain {
		what = notation.PrintInline(ex.X)
	}
	l.lossy = append(l.lossy, portable.Lossy{
		// Any change of these fields may do it, in real events too (the root
		// user has no user name): the fields and the direction say enough.
		Fields: append(names, raw...),
		Reason: fmt.Sprintf("The Splunk search's stats (or dedup) drops an event in which %s is null; the conversion does not test it.", what),
	})
}

// requires reports whether every event the condition accepts has the field
// (a top-level value test or exists on it).
func requires(x portable.Expr, field []string) bool {
	switch x := x.(type) {
	case *portable.And:
		for _, y := range x.Xs {
			if requires(y, field) {
				return true
			}
		}
	case *portable.Or:
		if len(x.Xs) == 0 {
			return false
		}
		for _, y := range x.Xs {
			if !requires(y, field) {
				return false
			}
		}
		return true
	case *portable.Atom:
		return x.Op != portable.Success && slices.Equal(x.Field, field)
	}
	return false
}

func (l *lifter) fail(x ast.Expr, why string) error {
	s := notation.PrintInline(x)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	pos := x.Pos()
	if pos.File == "" {
		pos.File = l.rule.File
	}
	return &Error{Pos: pos, Reason: fmt.Sprintf("%s (%s)", why, s)}
}

// lift turns a boolean AST expression into portable form.
func (l *lifter) lift(x ast.Expr) (portable.Expr, error) {
	if l.rule.Platform == ast.Splunk && selectsLogType(x) {
		return &portable.And{}, nil // the log type says it
	}
	if l.rule.Platform == ast.Splunk && l.st != nil {
		if p, ok := l.addonErrorCode(x); ok {
			return p, nil
		}
	}
	switch n := x.(type) {
	case *ast.Let:
		return l.let(n)
	case *ast.Logic:
		if y, ok, err := l.cases(n); ok {
			return y, err
		}
		if y, ok, err := l.splunkParse(n); ok {
			return y, err
		}
		if m, ok := l.splunkAnd(n); ok {
			return l.lift(m)
		}
		var xs []portable.Expr
		for i, y := range n.Xs {
			p, err := l.lift(y)
			if err != nil {
				return nil, err
			}
			// The last test of an `or` has no other to go on to: raising
			// there and being false agree.
			if n.Op == ast.Or && i < len(n.Xs)-1 {
				l.raising(y, "in an `or` the portable form goes on to the other tests")
			}
			xs = append(xs, p)
		}
		if n.Op == ast.And {
			return &portable.And{Xs: xs}, nil
		}
		return &portable.Or{Xs: xs}, nil
	case *ast.Not:
		p, err := l.lift(n.X)
		if err != nil {
			return nil, err
		}
		l.raising(n.X, "under `not` the portable form matches such an event")
		return &portable.Not{X: p}, nil
	case *ast.Cond:
		if y, ok, err := l.cond(n, l.lift); ok {
			return y, err
		}
		// Python's early returns (`if not c: return False`) lower to if(c, a, b).
		c, err := l.lift(n.If)
		if err != nil {
			return nil, err
		}
		l.raising(n.If, "as an `if`'s test the portable form takes the other branch on such an event")
		a, err := l.lift(n.Then)
		if err != nil {
			return nil, err
		}
		b, err := l.lift(n.Else)
		if err != nil {
			return nil, err
		}
		return ifElse(c, a, b), nil
	case *ast.Comp:
		if isCollection(n) {
			return l.nonEmpty(n)
		}
		if y, ok, err := l.mappedAny(n); ok {
			return y, err
		}
		return l.any(n)
	case *ast.Loop:
		return l.loopReturns(n)
	case *ast.Local:
		if b, done, ok := l.resolved(n.Name); ok {
			defer done()
			if isCollection(b) {
				return l.nonEmpty(b)
			}
			return l.lift(b)
		}
	case *ast.Elements:
		return l.elements(n)
	case *ast.Helper:
		if n.Name == "aws_cloudtrail_success" {
			return &portable.Atom{Op: portable.Success}, nil
		}
		if n.Name == "_same" && len(n.Args) == 2 {
			return l.sameHelper(n)
		}
		if op, ok := printerHelpers[n.Name]; ok && len(n.Args) == 2 {
			return l.helperTest(n, op)
		}
		return l.lift(n.Body)
	case *ast.Truth:
		return l.lift(n.X)
	case *ast.Lit:
		if n.Val.Kind() == ast.KindBool {
			if n.Val.AsBool() {
				return &portable.And{}, nil
			}
			return &portable.Or{}, nil
		}
		return nil, l.fail(x, "a constant that is not a boolean")
	case *ast.Exists:
		f, fold, err := l.field(n.X)
		if err != nil || fold {
			return nil, l.fail(x, "exists on something other than a field")
		}
		return l.atom(f, portable.Exists, nil, false, x)
	case *ast.IsNull:
		if c, ok := n.X.(*ast.Call); ok && c.Fn == "spl.mvfind" {
			found, err := l.mvfind(c)
			if err != nil {
				return nil, err
			}
			return &portable.Not{X: found}, nil
		}
		f, fold, err := l.field(n.X)
		if err != nil || fold {
			return nil, l.fail(x, "a null test on something other than a field")
		}
		a, err := l.atom(f, portable.Exists, nil, false, x)
		if err != nil {
			return nil, err
		}
		return &portable.Not{X: a}, nil
	case *ast.Match:
		return l.match(n)
	case *ast.Compare:
		return l.compare(n)
	case *ast.In:
		return l.in(n)
	case *ast.Call:
		if y, ok, err := l.loopCall(n); ok {
			return y, err
		}
		if p, ok, err := l.yamlCall(n); ok {
			return p, err
		}
		if n.Fn == "yaml.is_missing" && len(n.Args) == 1 {
			// A simple detection's filter lets an event without the key
			// through; a key holding null is there to it.
			f, fold, err := l.field(n.Args[0])
			if err == nil && !fold {
				ex, err := l.atom(f, portable.Exists, nil, false, x)
				if err != nil {
					return nil, err
				}
				l.lossy = append(l.lossy, portable.Lossy{Fields: []string{strings.Join(f, ".")}, Kinds: []string{"null"}, Either: true,
					Reason: "Panther's simple detection tells a key holding null from a missing one (the null is present); the conversion takes both as absent."})
				return &portable.Not{X: ex}, nil
			}
		}
		if (n.Fn == "py.all" || n.Fn == "py.any") && len(n.Args) == 1 {
			// all([a, b]) and any([a, b]) over a list written out: and, or.
			if list, ok := n.Args[0].(*ast.ListLit); ok {
				var xs []portable.Expr
				for _, e := range list.Elems {
					y, err := l.lift(e)
					if err != nil {
						return nil, err
					}
					xs = append(xs, y)
				}
				if n.Fn == "py.all" {
					return &portable.And{Xs: xs}, nil
				}
				return &portable.Or{Xs: xs}, nil
			}
		}
		if n.Fn == "py.is" && len(n.Args) == 2 {
			// x is True, x is False: the JSON boolean.
			if lit, ok := n.Args[1].(*ast.Lit); ok && lit.Val.Kind() == ast.KindBool {
				f, fold, err := l.field(n.Args[0])
				if err == nil && !fold {
					return l.atom(f, portable.Bool, []string{fmt.Sprint(lit.Val.AsBool())}, false, x)
				}
			}
			// x is None: missing or null, what exists denies.
			if lit, ok := n.Args[1].(*ast.Lit); ok && lit.Val.IsNull() {
				f, fold, err := l.field(n.Args[0])
				if err == nil && !fold {
					ex, err := l.atom(f, portable.Exists, nil, false, x)
					if err != nil {
						return nil, err
					}
					return &portable.Not{X: ex}, nil
				}
			}
		}
		if (n.Fn == "cidrmatch" || n.Fn == "spl.cidrmatch") && len(n.Args) == 2 {
			if c, ok := str(n.Args[0]); ok {
				f, fold, err := l.field(n.Args[1])
				if err == nil && !fold {
					l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Either: true, Kinds: []string{"assignment"},
						Reason: "Splunk's cidrmatch reads the address its own way (concord's trims spaces and maps an IPv4-mapped IPv6 address to IPv4); the conversion's CIDR test takes an address as written."})
					return l.atom(f, portable.CIDR, []string{c}, false, x)
				}
			}
		}
	case *ast.Default, *ast.Field:
		f, fold, err := l.field(x)
		if err == nil && !fold {
			// A field read for its truth: Python truthiness (a non-empty
			// string, a non-zero number, a non-empty list...).
			return l.truth(f, x)
		}
	}
	return nil, l.fail(x, "outside the field-condition subset")
}

// any lifts any(test for x in _items(list)), the Panther printer's test of
// a list's elements (_items gives none for a value that is not a list).
func (l *lifter) any(n *ast.Comp) (portable.Expr, error) {
	if n.Kind != ast.CompAny || len(n.Clauses) != 1 || len(n.Clauses[0].Vars) != 1 {
		return nil, l.fail(n, "a comprehension other than any() over one list")
	}
	cl := n.Clauses[0]
	items, ok := cl.Iter.(*ast.Helper)
	if ok && items.Name == "_json" && len(items.Args) == 1 {
		return l.jsonAny(n)
	}
	if !ok || items.Name != "_items" || len(items.Args) != 1 {
		return nil, l.fail(n, "any() over something other than _items(a field)")
	}
	path, fold, err := l.field(items.Args[0])
	if err != nil || fold || len(path) == 0 {
		return nil, l.fail(n, "any() over something other than _items(a field)")
	}
	defer l.enter(cl.Vars[0], path)()
	conds := append(slices.Clone(cl.Ifs), n.Elem)
	var xs []portable.Expr
	for _, c := range conds {
		x, err := l.lift(c)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	return &portable.Any{Path: path, X: portable.Simplify(&portable.And{Xs: xs})}, nil
}

// printerHelpers are the Panther printer's value tests (panther/print_helpers.go):
// helper(value, constant or tuple of constants), False for a value of the
// wrong type, as the portable semantics have it.
var printerHelpers = map[string]portable.Op{
	"_starts_with": portable.Prefix, "_ends_with": portable.Suffix, "_contains": portable.Contains,
	"_matches": portable.Wildcard, "_search": portable.Regex, "_in_network": portable.CIDR,
	"_less_than": portable.Lt, "_at_most": portable.Le, "_greater_than": portable.Gt, "_at_least": portable.Ge,
}

func (l *lifter) helperTest(n *ast.Helper, op portable.Op) (portable.Expr, error) {
	f, fold, err := l.field(n.Args[0])
	if err != nil {
		return nil, l.fail(n, err.Error())
	}
	vals, ok := constStrings(n.Args[1])
	if lit, isLit := n.Args[1].(*ast.Lit); isLit && (lit.Val.Kind() == ast.KindInt || lit.Val.Kind() == ast.KindFloat) {
		vals, ok = []string{lit.Val.Text()}, true // a numeric bound
	}
	if !ok || len(vals) == 0 {
		return nil, l.fail(n, "a test against something other than string constants")
	}
	if op == portable.Wildcard {
		for _, v := range vals {
			if strings.ContainsAny(v, "?[") {
				return nil, l.fail(n, "an fnmatch pattern with ? or [ ]")
			}
		}
	}
	if op == portable.Regex {
		if fold {
			return nil, l.fail(n, "a regex over a lowered value")
		}
		for i, v := range vals {
			re, err := eval.PythonRegexp(v)
			if err != nil {
				return nil, l.fail(n, err.Error())
			}
			vals[i] = re
		}
	}
	return l.atom(f, op, vals, fold, n)
}

// raising lists the lossy points of a Python test x that raises where the
// portable form, whose test is false there, goes on to a match (how says
// where): a str method on a value that is not a string, and dict.get on one
// that is not a dict (raisingGets). A test that reads no field of its own
// (through a helper's local, say) gets none: a lossy point without fields
// would accept those mutants of every field.
func (l *lifter) raising(x ast.Expr, where string) {
	l.raisingGets(x, where)
	fields := fieldsOf(x)
	if l.rule.Platform != ast.Panther || !raises(x) || len(fields) == 0 {
		return
	}
	l.addRaising(portable.Lossy{Fields: fields, Kinds: []string{"missing", "null", "array", "number-as-string", "string-as-number", "key-case"}, Either: true,
		Reason: "Panther raises on a value that is not a string here, and a rule that raises does not alert; " + where + "."})
}

// addRaising adds a point unless one with the same fields and mutations is
// listed already, from another place the test stands (its reason says where).
func (l *lifter) addRaising(p portable.Lossy) {
	if slices.ContainsFunc(l.lossy, func(q portable.Lossy) bool {
		return q.Either == p.Either && slices.Equal(q.Fields, p.Fields) && slices.Equal(q.Kinds, p.Kinds)
	}) {
		return
	}
	l.lossy = append(l.lossy, p)
}

// raisingGets lists the lossy points of a Panther test that calls dict.get on
// a field's value (event.get("a", {}).get("b")), where the portable form goes
// on to a match: Python raises AttributeError when that value is not a dict
// (None, a string, a list, a number), and a rule that raises does not alert.
// The portable form reads a.b as missing there. The point names the field
// whose value the method is called on, with the mutations that make it no
// dict: not missing where a default dict stands in for a missing key, nor null
// where deep_get's default stands in for null too.
func (l *lifter) raisingGets(x ast.Expr, where string) {
	if l.rule.Platform != ast.Panther {
		return
	}
	ast.Inspect(x, func(e ast.Expr) bool {
		c, ok := e.(*ast.Call)
		if !ok || c.Fn != "py.dict.get" || len(c.Args) < 2 {
			return true
		}
		kinds := []string{"missing", "null", "empty", "array", "number-as-string", "string-as-number"}
		recv := c.Args[0]
		if d, ok := recv.(*ast.Default); ok {
			lit, isDict := d.Else.(*ast.DictLit)
			if !isDict || len(lit.Keys) > 0 {
				return true // another default: what it is decides
			}
			kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == "missing" || d.OnNull && k == "null" })
			recv = d.X
		}
		f, ok := recv.(*ast.Field)
		if !ok {
			return true
		}
		l.addRaising(portable.Lossy{Fields: []string{strings.Join(f.Path, ".")}, Kinds: kinds,
			Reason: "Panther raises AttributeError calling .get on a value that is not a dict (None, a string, a list) here, and a rule that raises does not alert; " + where + "."})
		return true
	})
}

// raises: a Python string method or comparison that raises on a non-string.
func raises(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Match:
		return !n.Search && n.Dialect == ast.Python
	case *ast.Compare:
		_, lower := n.X.(*ast.Call)
		return lower && n.Dialect == ast.Python
	case *ast.Logic:
		// not (a or b): the first test that raises raises the whole.
		return slices.ContainsFunc(n.Xs, raises)
	}
	return false
}

func fieldsOf(x ast.Expr) []string {
	var out []string
	for _, f := range ast.Fields(x) {
		out = append(out, strings.Join(f, "."))
	}
	return out
}

// mvfind lifts mvfind(X, regex) being non-null: some value of X, a field
// or an mvappend of fields (multivalue ones from JSON arrays among them),
// matches the regex (case-sensitive, as PCRE is by default).
func (l *lifter) mvfind(c *ast.Call) (portable.Expr, error) {
	if y, ok, err := l.mapped(c); ok {
		return y, err
	}
	if len(c.Args) != 2 {
		return nil, l.fail(c, "mvfind takes two arguments")
	}
	re, ok := str(c.Args[1])
	if !ok {
		return nil, l.fail(c, "mvfind with a regex that is not a constant")
	}
	vals := []ast.Expr{c.Args[0]}
	if app, ok := c.Args[0].(*ast.Call); ok && app.Fn == "spl.mvappend" {
		vals = app.Args
	}
	var xs []portable.Expr
	for _, v := range vals {
		f, fold, err := l.field(v)
		if err != nil || fold {
			return nil, l.fail(c, "mvfind over something other than fields")
		}
		l.byText(f, []string{strings.Trim(re, "^$")})
		a, err := l.atom(f, portable.Regex, []string{re}, false, c)
		if err != nil {
			return nil, err
		}
		xs = append(xs, a)
	}
	return &portable.Or{Xs: xs}, nil
}

// chosen lifts a test of if(c, "a", "b"): the test applied to each branch's
// constant decides which of c and not c pass.
func (l *lifter) chosen(n *ast.Cond, test func(ast.Value) bool) (portable.Expr, error) {
	a, okA := n.Then.(*ast.Lit)
	b, okB := n.Else.(*ast.Lit)
	if !okA || !okB {
		return nil, l.fail(n, "a test of an if() whose branches are not constants")
	}
	c, err := l.lift(n.If)
	if err != nil {
		return nil, err
	}
	var xs []portable.Expr
	if test(a.Val) {
		xs = append(xs, c)
	}
	if test(b.Val) {
		xs = append(xs, &portable.Not{X: c})
	}
	return &portable.Or{Xs: xs}, nil
}

func (l *lifter) match(n *ast.Match) (portable.Expr, error) {
	if p, ok, err := l.segmentMatch(n); ok {
		return p, err
	}
	if c, ok := n.X.(*ast.Cond); ok && n.Kind != ast.MatchRegex {
		op := map[ast.MatchKind]portable.Op{ast.MatchExact: portable.Eq, ast.MatchWildcard: portable.Wildcard, ast.MatchPrefix: portable.Prefix,
			ast.MatchSuffix: portable.Suffix, ast.MatchContains: portable.Contains}[n.Kind]
		if op != "" {
			test := &portable.Atom{Op: op, Values: []string{n.Pattern}, Fold: n.Fold}
			return l.chosen(c, func(v ast.Value) bool { return portable.Holds(test, v) })
		}
	}
	f, fold, err := l.field(n.X)
	if err != nil {
		return nil, l.fail(n, err.Error())
	}
	ci := n.Fold && !fold
	fold = fold || n.Fold
	pattern := n.Pattern
	var op portable.Op
	switch n.Kind {
	case ast.MatchExact:
		op = portable.Eq
	case ast.MatchWildcard:
		op = portable.Wildcard
		if !strings.Contains(pattern, "*") {
			op = portable.Eq
		}
	case ast.MatchPrefix:
		op = portable.Prefix
	case ast.MatchSuffix:
		op = portable.Suffix
	case ast.MatchContains:
		op = portable.Contains
	case ast.MatchRegex:
		op = portable.Regex
		if fold {
			pattern, fold = "(?i)"+pattern, false
		}
	default:
		return nil, l.fail(n, "a "+n.Kind.String()+" match")
	}
	if n.Search || n.Dialect == ast.SPLEval {
		l.byText(f, []string{pattern})
	}
	l.ciMatch = ci
	defer func() { l.ciMatch = false }()
	a, err := l.atom(f, op, []string{pattern}, fold, n)
	if err != nil || l.rule.Platform != ast.Panther || !n.Search {
		return a, err
	}
	return l.matchList(f, a, n)
}

// byText: Splunk compares a JSON number or boolean by its text, and sees a
// JSON null as the text "null"; the portable form matches strings only.
func (l *lifter) byText(field []string, values []string) {
	for _, v := range values {
		lv := strings.ToLower(v)
		if portable.Decimal(v) || lv == "true" || lv == "false" || lv == "null" || strings.Trim(v, "*") == "" {
			l.lossy = append(l.lossy, portable.Lossy{Fields: []string{strings.Join(field, ".")}, Either: true,
				Kinds:  []string{"number-as-string", "string-as-number", "null", "assignment"},
				Reason: fmt.Sprintf("Splunk compares a JSON number, boolean or null by its text, so %q also matches such a value; the conversion matches strings only.", v)})
			return
		}
	}
}

func (l *lifter) compare(n *ast.Compare) (portable.Expr, error) {
	if p, ok, err := l.udmCompare(n); ok {
		return p, err
	}
	if p, ok, err := l.countTrue(n); ok {
		return p, err
	}
	if p, ok, err := l.scoreCompare(n); ok {
		return p, err
	}
	if p, ok, err := l.segmentCompare(n); ok {
		return p, err
	}
	x, y, op := n.X, n.Y, n.Op
	if _, ok := x.(*ast.Lit); ok {
		x, y = y, x
		op = map[ast.CmpOp]ast.CmpOp{ast.Lt: ast.Gt, ast.Le: ast.Ge, ast.Gt: ast.Lt, ast.Ge: ast.Le, ast.Eq: ast.Eq, ast.Ne: ast.Ne}[op]
	}
	lit, ok := y.(*ast.Lit)
	if !ok {
		return l.fieldCompare(n)
	}
	f, fold, err := l.field(x)
	if err != nil {
		return nil, l.fail(n, err.Error())
	}
	switch op {
	case ast.Eq, ast.Ne:
		if lit.Val.Kind() != ast.KindString {
			return l.constCompare(n, f, lit.Val, op)
		}
		v := lit.Val.AsString()
		if n.Dialect == ast.SPLEval {
			l.byText(f, []string{v})
		}
		a, err := l.atom(f, portable.Eq, []string{v}, fold, n)
		if err != nil || op == ast.Eq {
			return a, err
		}
		if n.Dialect == ast.SPLEval {
			// x != "v" is null, so false, when x is null.
			ex, _ := l.atom(f, portable.Exists, nil, false, n)
			return &portable.And{Xs: []portable.Expr{ex, &portable.Not{X: a}}}, nil
		}
		return &portable.Not{X: a}, nil
	default:
		var num string
		switch lit.Val.Kind() {
		case ast.KindInt:
			num = fmt.Sprint(lit.Val.AsInt())
		case ast.KindFloat:
			num = fmt.Sprint(lit.Val.AsFloat())
		default:
			return nil, l.fail(n, "an ordering comparison with a constant that is not a number")
		}
		o := map[ast.CmpOp]portable.Op{ast.Lt: portable.Lt, ast.Le: portable.Le, ast.Gt: portable.Gt, ast.Ge: portable.Ge}[op]
		l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Either: true, Kinds: []string{"number-as-string", "string-as-number", "assignment", "empty", "value-case", "wildcard"},
			Reason: "The platforms order a value that is not a number differently (Splunk compares it as text, Python raises); the conversion's comparison holds for numbers only."})
		return l.atom(f, o, []string{num}, false, n)
	}
}

func (l *lifter) in(n *ast.In) (portable.Expr, error) {
	if p, ok, err := l.segmentIn(n); ok {
		return p, err
	}
	if y, ok, err := l.inList(n); ok {
		return y, err
	}
	if y, ok, err := l.strListIn(n); ok {
		return y, err
	}
	if ints, ok := numbers(n.Y); ok && n.Dialect == ast.Python {
		return l.numIn(n, ints)
	}
	vals, ok := constStrings(n.Y)
	if lit, isLit := n.Y.(*ast.Lit); isLit && lit.Val.Kind() != ast.KindList {
		ok = false // in a string: a substring test
	}
	if !ok {
		if p, ok, err := l.numbersIn(n); ok {
			return p, err
		}
		return nil, l.fail(n, "membership in something other than a list of string constants")
	}
	f, fold, err := l.field(n.X)
	if err != nil {
		return nil, l.fail(n, err.Error())
	}
	if n.Dialect == ast.SPLEval {
		l.byText(f, vals)
	}
	if n.Hashed {
		l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{l.lossName(f)}, Kinds: []string{"array"}, Either: true,
			Reason: "Python raises TypeError looking a list up in a set or dict, and a rule that raises does not alert; the conversion tests the list like any value that is not a string."})
	}
	return l.atom(f, portable.Eq, vals, fold, n)
}

// constStrings reads constant strings: one, a list written out, or a constant
// list (a simple detection's Values).
func constStrings(x ast.Expr) ([]string, bool) {
	vals, ok := constValues(x, true)
	if !ok {
		return nil, false
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		if v.Kind() != ast.KindString {
			return nil, false
		}
		out[i] = v.AsString()
	}
	return out, true
}

// constValues reads the constants of a list written out or of a constant
// list, and with scalar a lone constant as a list of one.
func constValues(x ast.Expr, scalar bool) ([]ast.Value, bool) {
	switch c := x.(type) {
	case *ast.Lit:
		if c.Val.Kind() == ast.KindList {
			return c.Val.AsList(), true
		}
		return []ast.Value{c.Val}, scalar
	case *ast.ListLit:
		var vals []ast.Value
		for _, e := range c.Elems {
			lit, ok := e.(*ast.Lit)
			if !ok {
				return nil, false
			}
			vals = append(vals, lit.Val)
		}
		return vals, true
	}
	return nil, false
}

func str(x ast.Expr) (string, bool) {
	if lit, ok := x.(*ast.Lit); ok && lit.Val.Kind() == ast.KindString {
		return lit.Val.AsString(), true
	}
	return "", false
}

// field resolves a field read to its raw JSON path: through Python's
// defaults (event.get(k) and deep_get(..., default=None) read the value as
// it is), a lower()/upper() call (fold), and for Splunk the add-on's aliases.
func (l *lifter) field(x ast.Expr) ([]string, bool, error) {
	if f, ok, err := l.docRead(x); ok {
		return f, false, err
	}
	if f, fold, err := l.elemRead(x); err != errNotRead {
		return f, fold, err
	}
	switch n := x.(type) {
	case *ast.Local:
		if l.elem != "" && n.Name == l.elem {
			return nil, false, nil // the element itself
		}
	case *ast.Field:
		if l.relative {
			return n.Path, false, nil
		}
		if l.elem != "" {
			return nil, false, fmt.Errorf("a field of the event inside a test of a list's elements")
		}
		if l.doc != nil {
			return nil, false, fmt.Errorf("a field of the event inside a test of parsed JSON text")
		}
		if l.rule.Platform == ast.Panther {
			return n.Path, false, nil
		}
		name := strings.Join(n.Path, ".")
		if key, ok, err := recordKey(l.rule, name); ok {
			return key, false, err
		}
		if l.st != nil {
			o := l.st.Sources(name)
			if o.Computed || !o.OK || len(o.Raw) != 1 {
				return nil, false, fmt.Errorf("%s is computed by the Splunk add-on, not a field of the raw event", name)
			}
			name = o.Raw[0]
		}
		// a{}.b: the b of each element of the list a (atom makes it an Any).
		return strings.Split(name, "."), false, nil
	case *ast.Default:
		if lit, ok := n.Else.(*ast.Lit); ok && lit.Val.IsNullish() {
			return l.field(n.X)
		}
		if lit, ok := n.Else.(*ast.Lit); ok && lit.Val.Kind() == ast.KindString {
			// event.get(k, "x"): a missing key reads as "x". Exact as long
			// as the tests never look for that value, which atom checks.
			f, fold, err := l.field(n.X)
			if err == nil {
				l.defaults = append(l.defaults, defaulted{strings.Join(f, "."), lit.Val.AsString()})
			}
			return f, fold, err
		}
	case *ast.Helper:
		// The Panther printer's _lower(value): the value in lower case, None
		// when it is not a string, which no string test matches.
		if n.Name == "_lower" && len(n.Args) == 1 && l.rule.Platform == ast.Panther {
			f, fold, err := l.field(n.Args[0])
			if err == nil && !fold {
				l.cased = false
				return f, true, nil
			}
		}
	case *ast.Call:
		// deep_get(element, "a", "b") in a test of a list's elements.
		if n.Fn == "panther.deep_get" && l.elem != "" && len(n.Args) > 1 {
			if loc, ok := n.Args[0].(*ast.Local); ok && loc.Name == l.elem {
				var keys []string
				for _, a := range n.Args[1:] {
					k, ok := str(a)
					if !ok {
						return nil, false, fmt.Errorf("deep_get with a key that is not a constant")
					}
					keys = append(keys, k)
				}
				return keys, false, nil
			}
		}
		if n.Fn == "panther.udm" && l.rule.Platform == ast.Panther {
			f, err := l.udmField(n)
			return f, false, err
		}
		if n.Fn == "spl.spath" && len(n.Args) == 2 {
			// The raw value at a JSON path (as text: see the printer's lossy
			// points for null, lists and objects).
			if f, ok := n.Args[0].(*ast.Field); ok && len(f.Path) == 1 && f.Path[0] == "_raw" {
				if p, ok := str(n.Args[1]); ok {
					return strings.Split(p, "."), false, nil
				}
			}
		}
		switch n.Fn {
		case "lower", "upper", "spl.lower", "spl.upper", "py.str.lower", "py.str.upper":
			if len(n.Args) == 1 {
				f, _, err := l.field(n.Args[0])
				if err == nil {
					l.cased = strings.HasSuffix(n.Fn, "upper")
				}
				return f, true, err
			}
		}
	}
	return nil, false, fmt.Errorf("not a field of the event")
}

// atom builds one test, refusing the cases where a default or a case
// conversion makes the source mean something else than the plain test.
func (l *lifter) atom(f []string, op portable.Op, vals []string, fold bool, src ast.Expr) (portable.Expr, error) {
	path := strings.Join(f, ".")
	for _, d := range l.defaults {
		if d.field != path {
			continue
		}
		for _, v := range vals {
			if v == d.value || (fold && strings.EqualFold(v, d.value)) {
				return nil, l.fail(src, fmt.Sprintf("a missing %s reads as %q, the value tested", path, d.value))
			}
		}
	}
	if fold && (op == portable.Eq) && l.rule.Platform == ast.Panther && !l.ciMatch {
		// x.lower() == "ABC" never holds; the portable form would.
		var kept []string
		for _, v := range vals {
			conv := strings.ToLower(v)
			if l.cased {
				conv = strings.ToUpper(v)
			}
			if conv == v {
				kept = append(kept, v)
			}
		}
		if len(kept) == 0 {
			return &portable.Or{}, nil
		}
		vals = kept
	}
	return elements(&portable.Atom{Field: f, Op: op, Values: vals, Fold: fold}), nil
}

// elements turns a test of a Splunk multivalue field read from JSON arrays
// (a{}.b{}.c: every c of every element b of every element of a) into tests
// of the arrays' elements: a search or eval test of a multivalue field holds
// when one of its values passes.
func elements(a *portable.Atom) portable.Expr {
	i := slices.IndexFunc(a.Field, func(k string) bool { return strings.HasSuffix(k, "{}") })
	if i < 0 {
		return a
	}
	path := slices.Clone(a.Field[:i+1])
	path[i] = strings.TrimSuffix(path[i], "{}")
	inner := *a
	inner.Field = a.Field[i+1:]
	if len(inner.Field) == 0 {
		inner.Field = nil
	}
	return &portable.Any{Path: path, X: elements(&inner)}
}

// selectsLogType: a test of Splunk's metadata fields (sourcetype, source,
// index, host), which pick the events rather than test them.
func selectsLogType(x ast.Expr) bool {
	var f ast.Expr
	switch n := x.(type) {
	case *ast.Match:
		f = n.X
	case *ast.Compare:
		f = n.X
	case *ast.In:
		f = n.X
	case *ast.Exists:
		f = n.X
	}
	if fld, ok := f.(*ast.Field); ok && len(fld.Path) == 1 {
		switch fld.Path[0] {
		case "sourcetype", "source", "index", "host":
			return true
		}
	}
	return false
}

// addonErrorCode lifts the Splunk Add-on for AWS's errorCode, which is
// "success" when the raw record has none (and "failure" for a failed console
// sign-in): errorCode=success is the add-on's spelling of a successful call.
func (l *lifter) addonErrorCode(x ast.Expr) (portable.Expr, bool) {
	var f ast.Expr
	var value string
	switch n := x.(type) {
	case *ast.Match:
		if n.Kind != ast.MatchExact && n.Kind != ast.MatchWildcard {
			return nil, false
		}
		f, value = n.X, n.Pattern
		if !n.Fold {
			value = "?" + value // only the exact spelling "success" is meant
		}
	case *ast.Compare:
		s, ok := str(n.Y)
		if !ok || n.Op != ast.Eq {
			return nil, false
		}
		f, value = n.X, s
	case *ast.Exists:
		f, value = n.X, "*"
	default:
		return nil, false
	}
	fld, ok := f.(*ast.Field)
	if !ok || len(fld.Path) != 1 || fld.Path[0] != "errorCode" || !l.st.Sources("errorCode").Computed {
		return nil, false
	}
	switch strings.ToLower(value) {
	case "*":
		return &portable.And{}, true // the add-on always sets it
	case "success", "?success":
		l.lossy = append(l.lossy, portable.Lossy{
			Fields: []string{"errorCode", "errorMessage", "responseElements.ConsoleLogin"},
			Kinds:  []string{"assignment", "error-fields", "missing", "null", "empty", "array", "value-case", "key-case"}, Either: true,
			Reason: "The Splunk Add-on for AWS sets errorCode to \"success\" when the record has none (an empty or \"null\" errorCode, or an errorMessage alone, are not failures to it); the conversion's successful call is Panther's aws_cloudtrail_success: neither errorCode nor errorMessage set.",
		})
		return &portable.Atom{Op: portable.Success}, true
	case "failure", "?failure":
		return nil, false
	}
	// Any other value is the raw errorCode's own: the add-on fills in only
	// success and failure where the record has none.
	exact := strings.TrimPrefix(value, "?")
	fold := !strings.HasPrefix(value, "?")
	if _, isCompare := x.(*ast.Compare); isCompare {
		fold = false
	}
	if strings.Contains(exact, "*") {
		return nil, false
	}
	l.byText([]string{"errorCode"}, []string{exact})
	return &portable.Atom{Field: []string{"errorCode"}, Op: portable.Eq, Values: []string{exact}, Fold: fold}, true
}

// success finds, in an and, the tests "errorCode and errorMessage each
// absent, empty or the text null" (how a Splunk search reads a successful
// call from the raw event, where a JSON null is the text "null") and makes
// them the known predicate, listing the text "null" as lossy.
func (l *lifter) success(x portable.Expr) portable.Expr {
	and, ok := x.(*portable.And)
	if !ok {
		return x
	}
	absent := func(y portable.Expr, field string) bool {
		or, ok := y.(*portable.Or)
		if !ok || len(or.Xs) != 2 {
			return false
		}
		not, ok := or.Xs[0].(*portable.Not)
		if !ok {
			return false
		}
		ex, ok := not.X.(*portable.Atom)
		eq, ok2 := or.Xs[1].(*portable.Atom)
		return ok && ok2 && ex.Op == portable.Exists && ex.Path() == field && eq.Op == portable.Eq && !eq.Fold && eq.Path() == field &&
			len(eq.Values) == 2 && slices.Contains(eq.Values, "") && slices.Contains(eq.Values, "null")
	}
	code := slices.IndexFunc(and.Xs, func(y portable.Expr) bool { return absent(y, "errorCode") })
	msg := slices.IndexFunc(and.Xs, func(y portable.Expr) bool { return absent(y, "errorMessage") })
	if code < 0 || msg < 0 {
		return x
	}
	var xs []portable.Expr
	for i, y := range and.Xs {
		switch i {
		case code:
			xs = append(xs, &portable.Atom{Op: portable.Success})
		case msg:
		default:
			xs = append(xs, y)
		}
	}
	l.lossy = append(l.lossy, portable.Lossy{Fields: []string{"errorCode", "errorMessage"}, Either: true, Kinds: []string{"assignment", "null", "array"},
		Reason: "The search takes an errorCode or errorMessage with the text \"null\" (how Splunk reads a JSON null) for a successful call; the conversion's successful call does not."})
	return portable.Simplify(&portable.And{Xs: xs})
}

// ifElse holds where a does when c holds, and where b does when it does not.
func ifElse(c, a, b portable.Expr) portable.Expr {
	return &portable.Or{Xs: []portable.Expr{
		&portable.And{Xs: []portable.Expr{c, a}},
		&portable.And{Xs: []portable.Expr{&portable.Not{X: c}, b}},
	}}
}
