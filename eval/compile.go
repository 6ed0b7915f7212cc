// Package eval compiles shared-AST expressions once and evaluates them per event
// or row. A compiled Program is immutable and safe for concurrent use; constant
// patterns (wildcards, LIKE, regex) are compiled at Compile time, so a bad pattern is
// a compile error rather than a per-event one.
package eval

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/internal/ascii"
)

// Env is what one evaluation sees.
type Env struct {
	// Record is the event (Panther: the nested JSON object) or the row (Splunk: a
	// flat object of field names).
	Record ast.Value
	// Mocks replace named helpers and module functions (Panther test Mocks).
	Mocks map[string]ast.Value
	// DataModel maps udm names to field paths for event.udm(); nil means no data
	// model is attached (Panther attaches one only when the log has p_log_type).
	DataModel map[string][]string
	// Now is the search's time for SPL now() and time(); nil means the wall clock.
	// Tests fix it to make time arithmetic deterministic.
	Now func() time.Time
	// UDM is the Panther data model attached to the event (see DataModel in
	// panther_datamodel.go); nil means none. It supersedes DataModel.
	UDM      *DataModel
	udmDepth int

	// locals are the Python locals and rebound module globals of this evaluation
	// (ast.Local, ast.Let). The harness evaluates rule() and then the outputs with
	// one Env, so a global that rule() rebinds is seen by title(), as in Panther.
	locals map[string]ast.Value
	// fold: the rule's keys are Panther's case-insensitive ones (set per call
	// for the builtins that look keys up).
	fold bool
}

// RuntimeError is raised while evaluating (Python exceptions, bad types).
// Code is ast.CodeEval for errors the rule itself raises and ast.CodeUnsupported
// when evaluation needs something concord does not have (an unmocked external
// helper).
type RuntimeError struct {
	Pos  ast.Pos
	Code string
	Msg  string
}

func (e *RuntimeError) Error() string {
	// Unsupported messages carry their own "unsupported: " (as ast.Error's do).
	if strings.HasPrefix(e.Msg, e.Code+": ") {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Code, e.Msg)
}

func fail(pos ast.Pos, format string, args ...any) error {
	return &RuntimeError{Pos: pos, Code: ast.CodeEval, Msg: fmt.Sprintf(format, args...)}
}

type fn func(*Env) (ast.Value, error)

// Program is a compiled expression.
type Program struct {
	Expr ast.Expr
	run  fn
}

// Eval runs the program on one record.
func (p *Program) Eval(env *Env) (v ast.Value, err error) {
	defer func() {
		// The evaluator must never take the process down; a bug becomes an error
		// naming the expression.
		if r := recover(); r != nil {
			err = fail(p.Expr.Pos(), "internal error: %v", r)
		}
		if _, ok := err.(*exitSignal); ok {
			err = fail(p.Expr.Pos(), "internal error: a loop exit escaped its loop")
		}
	}()
	v, err = p.run(env)
	if err == nil {
		// A datetime would reach reports as the dict that carries it.
		if e := refusePyObjects(p.Expr.Pos(), "a rule result", v); e != nil {
			return ast.Null, e
		}
	}
	return v, err
}

// Compile prepares x for evaluation with the rule's key semantics.
func Compile(x ast.Expr, keys ast.KeyMode) (*Program, ast.ErrorList) {
	c := &compiler{keys: keys}
	f := c.expr(x)
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return &Program{Expr: x, run: f}, nil
}

type compiler struct {
	keys ast.KeyMode
	errs ast.ErrorList
}

func (c *compiler) errorf(pos ast.Pos, code, format string, args ...any) {
	c.errs = append(c.errs, ast.Errorf(pos, code, format, args...))
}

func (c *compiler) exprs(xs []ast.Expr) []fn {
	out := make([]fn, len(xs))
	for i, x := range xs {
		out[i] = c.expr(x)
	}
	return out
}

func (c *compiler) expr(x ast.Expr) fn {
	switch n := x.(type) {
	case nil:
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	case *ast.Lit:
		v := n.Val
		return func(*Env) (ast.Value, error) { return v, nil }
	case *ast.Field:
		path, keys := n.Path, c.keys
		return func(env *Env) (ast.Value, error) { return Lookup(env.Record, path, keys), nil }
	case *ast.Default:
		x, y, onNull := c.expr(n.X), c.expr(n.Else), n.OnNull
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			if err != nil {
				return v, err
			}
			if v.IsMissing() || (onNull && v.IsNull()) {
				return y(env)
			}
			return v, nil
		}
	case *ast.Not:
		x := c.expr(n.X)
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			if err != nil {
				return v, err
			}
			return ast.Bool(!v.Truth()), nil
		}
	case *ast.Truth:
		x := c.expr(n.X)
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			return ast.Bool(v.Truth()), err
		}
	case *ast.Logic:
		return c.logic(n)
	case *ast.Compare:
		return c.compare(n)
	case *ast.Match:
		return c.match(n)
	case *ast.In:
		return c.in(n)
	case *ast.IsNull:
		x := c.expr(n.X)
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			return ast.Bool(v.IsNullish()), err
		}
	case *ast.Exists:
		x := c.expr(n.X)
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			return ast.Bool(!v.IsNullish()), err
		}
	case *ast.Cond:
		cond, then, els := c.expr(n.If), c.expr(n.Then), c.expr(n.Else)
		return func(env *Env) (ast.Value, error) {
			v, err := cond(env)
			if err != nil {
				return v, err
			}
			if v.Truth() {
				return then(env)
			}
			return els(env)
		}
	case *ast.Call:
		return c.call(n)
	case *ast.Concat:
		return c.concat(n)
	case *ast.ListLit:
		elems := c.exprs(n.Elems)
		return func(env *Env) (ast.Value, error) {
			vs := make([]ast.Value, len(elems))
			for i, e := range elems {
				v, err := e(env)
				if err != nil {
					return v, err
				}
				vs[i] = v
			}
			return ast.List(vs...), nil
		}
	case *ast.DictLit:
		// Objects have str keys; a dict with other keys (ints) is not modelled.
		keys, vals, pos := c.exprs(n.Keys), c.exprs(n.Vals), n.Pos()
		return func(env *Env) (ast.Value, error) {
			o := &ast.Object{}
			for i := range keys {
				k, err := keys[i](env)
				if err != nil {
					return k, err
				}
				v, err := vals[i](env)
				if err != nil {
					return v, err
				}
				key, err := dictKey(pos, k)
				if err != nil {
					return ast.Null, err
				}
				o.Set(key, v)
			}
			return ast.ObjectOf(o), nil
		}
	case *ast.Index:
		return c.index(n)
	case *ast.Elements:
		return c.elements(n)
	case *ast.Local:
		return c.local(n)
	case *ast.Let:
		return c.let(n)
	case *ast.Comp:
		return c.comp(n)
	case *ast.Loop:
		return c.loop(n)
	case *ast.Exit:
		return c.exit(n)
	case *ast.Try:
		return c.try(n)
	case *ast.Helper:
		body, name := c.expr(n.Body), n.Name
		return func(env *Env) (ast.Value, error) {
			if v, ok := env.Mocks[name]; ok {
				return v, nil
			}
			return body(env)
		}
	}
	c.errorf(x.Pos(), ast.CodeUnsupported, "unsupported: expression %T", x)
	return func(*Env) (ast.Value, error) { return ast.Null, nil }
}

// Lookup walks path through nested objects. With KeysFold each step matches the
// exact key first, then case-insensitively (Panther's ImmutableCaseInsensitiveDict).
// A non-object on the way yields Missing, as Panther's deep_get returns its default.
func Lookup(v ast.Value, path []string, keys ast.KeyMode) ast.Value {
	for _, k := range path {
		if v.Kind() != ast.KindObject {
			return ast.Missing
		}
		var ok bool
		if keys == ast.KeysFold {
			v, ok = v.AsObject().GetFold(k)
		} else {
			v, ok = v.AsObject().Get(k)
		}
		if !ok {
			return ast.Missing
		}
	}
	return v
}

func (c *compiler) logic(n *ast.Logic) fn {
	xs, and, operand := c.exprs(n.Xs), n.Op == ast.And, n.Operand
	return func(env *Env) (ast.Value, error) {
		last := ast.Bool(and)
		for _, x := range xs {
			v, err := x(env)
			if err != nil {
				return v, err
			}
			last = v
			if v.Truth() != and { // and: stop at the first falsy; or: at the first truthy
				break
			}
		}
		if operand {
			return last, nil
		}
		return ast.Bool(last.Truth()), nil
	}
}

// compilePattern turns a constant Match pattern into a regexp.
func compilePattern(kind ast.MatchKind, pattern string, fold bool) (*regexp.Regexp, error) {
	var src string
	switch kind {
	case ast.MatchWildcard:
		src = "^" + translateGlob(pattern, '*', 0) + "$"
	case ast.MatchLike:
		src = "^" + translateGlob(pattern, '%', '_') + "$"
	case ast.MatchRegex:
		src = pattern
	default:
		return nil, nil
	}
	if fold {
		src = "(?i)" + src
	}
	return regexp.Compile("(?s)" + src)
}

func translateGlob(p string, many, one rune) string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case many:
			b.WriteString(".*")
		case one:
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

func (c *compiler) match(n *ast.Match) fn {
	x := c.expr(n.X)
	re, err := compilePattern(n.Kind, n.Pattern, n.Fold)
	if err != nil {
		c.errorf(n.Pos(), ast.CodeParse, "bad pattern %q: %v", n.Pattern, err)
		return x
	}
	pat := n.Pattern
	if n.Fold {
		pat = strings.ToLower(pat)
	}
	kind, fold := n.Kind, n.Fold
	test := func(s string) bool {
		if re != nil {
			return re.MatchString(s)
		}
		if fold {
			if ascii.Is(s) {
				return matchFoldASCII(kind, s, pat)
			}
			s = strings.ToLower(s)
		}
		switch kind {
		case ast.MatchPrefix:
			return strings.HasPrefix(s, pat)
		case ast.MatchSuffix:
			return strings.HasSuffix(s, pat)
		case ast.MatchContains:
			return strings.Contains(s, pat)
		}
		return s == pat
	}
	if n.Search {
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			if err != nil {
				return v, err
			}
			return ast.Bool(anyText(v, test)), nil
		}
	}
	if n.Dialect == ast.SPLEval {
		return func(env *Env) (ast.Value, error) {
			v, err := x(env)
			if err != nil || v.IsNullish() {
				return ast.Null, err
			}
			return ast.Bool(anyText(v, test)), nil
		}
	}
	pos := n.Pos()
	return func(env *Env) (ast.Value, error) {
		v, err := x(env)
		if err != nil {
			return v, err
		}
		if v.Kind() != ast.KindString {
			return ast.Null, fail(pos, "AttributeError: '%s' object has no attribute for %s matching", pyType(v), kind)
		}
		return ast.Bool(test(v.AsString())), nil
	}
}

// matchFoldASCII is the test of a match of kind with the lower-case pattern
// lower on strings.ToLower(s), for an ASCII s, whose lower case is only its
// letters A to Z lowered: without making it.
func matchFoldASCII(kind ast.MatchKind, s, lower string) bool {
	switch kind {
	case ast.MatchPrefix:
		return len(s) >= len(lower) && ascii.EqualLower(s[:len(lower)], lower)
	case ast.MatchSuffix:
		return len(s) >= len(lower) && ascii.EqualLower(s[len(s)-len(lower):], lower)
	case ast.MatchContains:
		for i := 0; i+len(lower) <= len(s); i++ {
			if ascii.EqualLower(s[i:i+len(lower)], lower) {
				return true
			}
		}
		return false
	}
	return len(s) == len(lower) && ascii.EqualLower(s, lower)
}

// anyText applies a Splunk search-term test to a field value: missing and null
// never match, a multivalue field matches when any value does.
func anyText(v ast.Value, test func(string) bool) bool {
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return false
	case ast.KindList:
		for _, e := range v.AsList() {
			if anyText(e, test) {
				return true
			}
		}
		return false
	}
	return test(v.Text())
}

func pyType(v ast.Value) string {
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return "NoneType"
	case ast.KindString:
		return "str"
	case ast.KindObject:
		if c := pyObjClass(v); c != "" {
			return pyObjTypeName(c)
		}
		return "dict"
	}
	return v.Kind().String()
}
