package panther

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
)

// Panther's YAML match expressions (the Detection of a simple detection,
// InlineFilters, DynamicSeverities Conditions), lowered into the shared AST.
//
// Sources: the match-expression schema panther_analysis_tool validates against
// (detection_schemas/analysis_config_schema.json, $defs MatchExpressions,
// InlineFilterMatchExpressions, KeySpecifier), the condition names used in its
// simple-detection fixtures (tests/fixtures/simple-detections), and Panther's
// "Simple Detection Match Expression Reference" and "Inline Filters" pages.
// panther_analysis_tool itself has the backend transpile simple detections and
// filters to Python; without a backend it skips them, so concord's evaluation
// follows the documented semantics:
//
//   - A key specifier reads the event case-insensitively (Key: one key;
//     DeepKey: keys and list indexes; KeyPath: a.b[0].c, where [*] takes every
//     element and the condition holds when it holds for any of them).
//   - Positive conditions are false on a missing or null value and never raise;
//     each inverse condition is the negation of its positive form.
//   - String conditions (IEquals, StartsWith, EndsWith, Contains and their
//     variants) match non-string values by their text, and a list when any
//     element matches. Has is Python's `in`: a substring of a string, an
//     element of a list (the simple-detection fixture asana_workspace_new_admin
//     expects "domain_admin" to have "admin").
//   - In InlineFilters, a leaf whose key is absent from the event passes.

// argKind is what a condition takes besides the key.
type argKind uint8

const (
	argValue   argKind = iota // Value: a scalar
	argValues                 // Values: a list of scalars
	argNone                   // nothing
	argBoolOpt                // optional Value: true (default) or false, which negates
)

type condKind uint8

const (
	cEquals condKind = iota
	cStartsWith
	cEndsWith
	cContains
	cHas
	cIn
	cGt
	cGe
	cLt
	cLe
	cExists
	cNull
	cNullOrEmpty
	cIP
	cIPv4
	cIPv6
	cIPPrivate
	cIPPublic
	cCIDR
	cAlways
	cElements
)

type condSpec struct {
	kind  condKind
	neg   bool
	fold  bool
	arg   argKind
	quant ast.Quantifier // cElements
}

// conditions are the Condition names of the match-expression language.
var conditions = map[string]condSpec{
	"Equals": {kind: cEquals}, "DoesNotEqual": {kind: cEquals, neg: true},
	"IEquals": {kind: cEquals, fold: true}, "IDoesNotEqual": {kind: cEquals, neg: true, fold: true},
	"StartsWith": {kind: cStartsWith}, "DoesNotStartWith": {kind: cStartsWith, neg: true},
	"IStartsWith": {kind: cStartsWith, fold: true}, "IDoesNotStartWith": {kind: cStartsWith, neg: true, fold: true},
	"EndsWith": {kind: cEndsWith}, "DoesNotEndWith": {kind: cEndsWith, neg: true},
	"IEndsWith": {kind: cEndsWith, fold: true}, "IDoesNotEndWith": {kind: cEndsWith, neg: true, fold: true},
	"Contains": {kind: cContains}, "DoesNotContain": {kind: cContains, neg: true},
	"IContains": {kind: cContains, fold: true}, "IDoesNotContain": {kind: cContains, neg: true, fold: true},
	"Has": {kind: cHas}, "DoesNotHave": {kind: cHas, neg: true},
	"IHas": {kind: cHas, fold: true}, "IDoesNotHave": {kind: cHas, neg: true, fold: true},
	"IsIn": {kind: cIn, arg: argValues}, "IsNotIn": {kind: cIn, neg: true, arg: argValues},
	"IIsIn": {kind: cIn, fold: true, arg: argValues}, "IIsNotIn": {kind: cIn, neg: true, fold: true, arg: argValues},
	"IsGreaterThan": {kind: cGt}, "IsGreaterThanOrEquals": {kind: cGe},
	"IsLessThan": {kind: cLt}, "IsLessThanOrEquals": {kind: cLe},
	"Exists": {kind: cExists, arg: argNone}, "DoesNotExist": {kind: cExists, neg: true, arg: argNone},
	"IsNull": {kind: cNull, arg: argNone}, "IsNotNull": {kind: cNull, neg: true, arg: argNone},
	"IsNullOrEmpty": {kind: cNullOrEmpty, arg: argNone}, "IsNotNullOrEmpty": {kind: cNullOrEmpty, neg: true, arg: argNone},
	"IsIPAddress": {kind: cIP, arg: argBoolOpt}, "IsIPv4Address": {kind: cIPv4, arg: argBoolOpt},
	"IsIPv6Address": {kind: cIPv6, arg: argBoolOpt}, "IsIPAddressPrivate": {kind: cIPPrivate, arg: argBoolOpt},
	"IsIPAddressPublic": {kind: cIPPublic, arg: argBoolOpt},
	"IsIPAddressInCIDR": {kind: cCIDR}, "IsIPAddressNotInCIDR": {kind: cCIDR, neg: true},
	"AlwaysTrue": {kind: cAlways, arg: argNone}, "AlwaysFalse": {kind: cAlways, neg: true, arg: argNone},
	"AnyElement": {kind: cElements, quant: ast.AnyElement, arg: argNone}, "AllElements": {kind: cElements, quant: ast.AllElements, arg: argNone},
	"NoElement": {kind: cElements, quant: ast.NoElement, arg: argNone}, "OnlyOneElement": {kind: cElements, quant: ast.OnlyOneElement, arg: argNone},
}

func conditionNames() string {
	names := make([]string, 0, len(conditions))
	for n := range conditions {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// matchKeys are the keys a match expression may have (the union of the schema's
// alternatives; which combinations are valid is checked per form).
var matchKeys = map[string]bool{
	"All": true, "Any": true, "OnlyOne": true, "None": true, "Key": true, "DeepKey": true, "KeyPath": true,
	"Condition": true, "Value": true, "Values": true, "Expressions": true, "Enrichment": true,
}

// maxMatchDepth bounds nesting, so hostile input cannot exhaust the stack, and
// maxMatchNodes the expressions of one rule, so YAML aliases that refer to
// aliases cannot expand exponentially.
const (
	maxMatchDepth = 100
	maxMatchNodes = 20000
)

// matcher lowers one block of match expressions.
type matcher struct {
	r      *ruleLoader
	filter bool           // InlineFilters: a leaf whose key is absent passes
	unsup  *ast.ErrorList // constructs concord cannot run (enrichment)
	what   string         // "Detection", "InlineFilters", ... for messages
}

// matchBlock lowers a list of match expressions, implicitly ANDed. nil when the
// block is malformed (the errors are recorded).
func (r *ruleLoader) matchBlock(n *yaml.Node, what string, filter bool, unsup *ast.ErrorList) ast.Expr {
	m := &matcher{r: r, filter: filter, unsup: unsup, what: what}
	before := len(r.errs)
	x := m.all(n, 0)
	if len(r.errs) > before {
		return nil
	}
	return x
}

func (m *matcher) span(n *yaml.Node) ast.Span { return ast.Span{From: m.r.at(n)} }

// all lowers a sequence of match expressions to their conjunction.
func (m *matcher) all(n *yaml.Node, depth int) ast.Expr {
	xs := m.seq(n, depth)
	if len(xs) == 1 {
		return xs[0]
	}
	return &ast.Logic{Span: m.span(n), Op: ast.And, Xs: xs}
}

func (m *matcher) seq(n *yaml.Node, depth int) []ast.Expr {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		m.r.schemaf(n, "%s must be a list of match expressions", m.what)
		return nil
	}
	xs := make([]ast.Expr, 0, len(n.Content))
	for _, c := range n.Content {
		if x := m.one(c, depth+1); x != nil {
			xs = append(xs, x)
		}
	}
	return xs
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// one lowers a single match expression (a mapping).
func (m *matcher) one(n *yaml.Node, depth int) ast.Expr {
	n = deref(n)
	if depth > maxMatchDepth {
		m.r.schemaf(n, "%s nested more than %d deep", m.what, maxMatchDepth)
		return nil
	}
	if m.r.matchNodes++; m.r.matchNodes > maxMatchNodes {
		if m.r.matchNodes == maxMatchNodes+1 {
			m.r.schemaf(n, "more than %d match expressions (YAML aliases expanding?)", maxMatchNodes)
		}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		m.r.schemaf(n, "a match expression in %s must be a mapping (Key/DeepKey/KeyPath with Condition, or All/Any/OnlyOne/None)", m.what)
		return nil
	}
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !matchKeys[k.Value] {
			m.r.schemaf(k, "unknown key %q in a match expression (expected Key, DeepKey, KeyPath, Condition, Value, Values, Expressions, All, Any, OnlyOne or None)", k.Value)
			continue
		}
		if _, dup := keys[k.Value]; dup {
			m.r.schemaf(k, "duplicate key %q in a match expression", k.Value)
		}
		keys[k.Value] = n.Content[i+1]
	}
	for _, comb := range []string{"All", "Any", "OnlyOne", "None"} {
		if c := keys[comb]; c != nil {
			if len(keys) != 1 {
				m.r.schemaf(n, "%s must be the only key of its match expression", comb)
				return nil
			}
			return m.combinator(comb, c, n, depth)
		}
	}
	if e := keys["Enrichment"]; e != nil {
		m.unsup.Add(m.r.at(e), ast.CodeUnsupported, "unsupported: enrichment match expressions (lookup tables)")
		return &ast.Lit{Span: m.span(n), Val: ast.False}
	}
	cn := keys["Condition"]
	if cn == nil {
		m.r.schemaf(n, "a match expression needs a Condition (or is a combinator All, Any, OnlyOne, None)")
		return nil
	}
	if cn.Kind != yaml.ScalarNode || cn.ShortTag() != "!!str" {
		m.r.schemaf(cn, "Condition must be a string")
		return nil
	}
	spec, ok := conditions[cn.Value]
	if !ok {
		m.r.schemaf(cn, "unknown Condition %q (expected one of %s)", cn.Value, conditionNames())
		return nil
	}
	var specs []string
	for _, k := range []string{"Key", "DeepKey", "KeyPath"} {
		if keys[k] != nil {
			specs = append(specs, k)
		}
	}
	sp := m.span(n)
	switch {
	case spec.kind == cAlways:
		if len(specs) > 0 || keys["Value"] != nil || keys["Values"] != nil || keys["Expressions"] != nil {
			m.r.schemaf(n, "Condition %s takes no key and no value", cn.Value)
			return nil
		}
		return &ast.Lit{Span: sp, Val: ast.Bool(!spec.neg)}
	case len(specs) == 0 && keys["Values"] != nil:
		return m.multiKey(cn.Value, spec, keys["Values"], n)
	case len(specs) == 0:
		m.r.schemaf(n, "a match expression needs one of Key, DeepKey or KeyPath")
		return nil
	case len(specs) > 1:
		m.r.schemaf(keys[specs[1]], "%s and %s are mutually exclusive", specs[0], specs[1])
		return nil
	}
	ref, ok := m.keySpec(specs[0], keys[specs[0]])
	if !ok {
		return nil
	}
	if spec.kind == cElements {
		ex := keys["Expressions"]
		if ex == nil || keys["Value"] != nil || keys["Values"] != nil {
			m.r.schemaf(n, "Condition %s needs Expressions (and no Value or Values)", cn.Value)
			return nil
		}
		pred := m.all(ex, depth)
		x := &ast.Elements{Span: sp, X: ref.x, Quant: spec.quant, Pred: pred}
		return m.leaf(x, ref, nil, sp)
	}
	if keys["Expressions"] != nil {
		m.r.schemaf(keys["Expressions"], "Expressions belong to AnyElement, AllElements, NoElement and OnlyOneElement, not %s", cn.Value)
		return nil
	}
	arg, ok := m.argument(cn.Value, spec, keys, n)
	if !ok {
		return nil
	}
	return m.condition(spec, ref, arg, sp)
}

func (m *matcher) combinator(name string, c, n *yaml.Node, depth int) ast.Expr {
	sp := m.span(n)
	xs := m.seq(c, depth)
	if len(xs) == 1 && name != "OnlyOne" {
		// One operand needs no combinator (OnlyOne of one is still "it holds").
		if name == "None" {
			return negate(xs[0], sp)
		}
		return xs[0]
	}
	switch name {
	case "All":
		return &ast.Logic{Span: sp, Op: ast.And, Xs: xs}
	case "Any":
		return &ast.Logic{Span: sp, Op: ast.Or, Xs: xs}
	case "None":
		return &ast.Not{Span: sp, X: &ast.Logic{Span: sp, Op: ast.Or, Xs: xs}}
	}
	// OnlyOne: exactly one operand holds.
	return &ast.Compare{Span: sp, Op: ast.Eq, Dialect: ast.Python,
		X: &ast.Call{Span: sp, Fn: "yaml.count_true", Args: xs},
		Y: &ast.Lit{Span: sp, Val: ast.Int(1)}}
}

// keyRef is a lowered key specifier.
type keyRef struct {
	x    ast.Expr // the value (a list of values when fan)
	base ast.Expr // what must be present for an InlineFilter leaf to apply
	fan  bool     // KeyPath with [*]: the condition applies to any element
}

func (m *matcher) keySpec(kind string, n *yaml.Node) (keyRef, bool) {
	n = deref(n)
	sp := m.span(n)
	switch kind {
	case "Key":
		if n.Kind != yaml.ScalarNode {
			m.r.schemaf(n, "Key must be a string")
			return keyRef{}, false
		}
		f := &ast.Field{Span: sp, Path: []string{n.Value}}
		return keyRef{x: f, base: f}, true
	case "DeepKey":
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			m.r.schemaf(n, "DeepKey must be a non-empty list of keys and list indexes")
			return keyRef{}, false
		}
		var steps []ast.Value
		for _, c := range n.Content {
			c = deref(c)
			switch {
			case c.Kind == yaml.ScalarNode && c.ShortTag() == "!!int":
				i, err := strconv.Atoi(c.Value)
				if err != nil {
					m.r.schemaf(c, "DeepKey index %q is not an integer", c.Value)
					return keyRef{}, false
				}
				steps = append(steps, ast.Int(int64(i)))
			case c.Kind == yaml.ScalarNode:
				steps = append(steps, ast.String(c.Value))
			default:
				m.r.schemaf(c, "a DeepKey element must be a key (string) or a list index (integer)")
				return keyRef{}, false
			}
		}
		return m.path(steps, sp), true
	case "KeyPath":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			m.r.schemaf(n, "KeyPath must be a string")
			return keyRef{}, false
		}
		steps, msg := parseKeyPath(n.Value)
		if msg != "" {
			m.r.schemaf(n, "KeyPath %q: %s", n.Value, msg)
			return keyRef{}, false
		}
		return m.path(steps, sp), true
	}
	return keyRef{}, false
}

// path lowers key steps: a plain Field while they are all keys, then yaml.path
// for list indexes and [*].
func (m *matcher) path(steps []ast.Value, sp ast.Span) keyRef {
	var keys []string
	i := 0
	for ; i < len(steps) && steps[i].Kind() == ast.KindString && steps[i].AsString() != "[*]"; i++ {
		keys = append(keys, steps[i].AsString())
	}
	base := &ast.Field{Span: sp, Path: keys}
	if i == len(steps) {
		return keyRef{x: base, base: base}
	}
	args := []ast.Expr{base}
	fan := false
	for _, s := range steps[i:] {
		args = append(args, &ast.Lit{Span: sp, Val: s})
		if s.Kind() == ast.KindString && s.AsString() == "[*]" {
			fan = true
		}
	}
	return keyRef{x: &ast.Call{Span: sp, Fn: "yaml.path", Args: args}, base: base, fan: fan}
}

// parseKeyPath splits a.b[0].c[*] into keys, int indexes and "[*]".
func parseKeyPath(s string) ([]ast.Value, string) {
	if s == "" {
		return nil, "empty path"
	}
	var out []ast.Value
	for _, part := range strings.Split(s, ".") {
		name := part
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
		}
		if name != "" {
			out = append(out, ast.String(name))
		}
		rest := part[len(name):]
		if name == "" && rest == "" {
			return nil, "empty key between dots"
		}
		for rest != "" {
			end := strings.IndexByte(rest, ']')
			if rest[0] != '[' || end < 0 {
				return nil, "expected [N] or [*] after a key"
			}
			in := rest[1:end]
			if in == "*" {
				out = append(out, ast.String("[*]"))
			} else {
				i, err := strconv.Atoi(in)
				if err != nil {
					return nil, "expected a list index or * inside []"
				}
				out = append(out, ast.Int(int64(i)))
			}
			rest = rest[end+1:]
		}
	}
	return out, ""
}

// argument reads Value or Values as the condition requires.
func (m *matcher) argument(cond string, spec condSpec, keys map[string]*yaml.Node, n *yaml.Node) (ast.Value, bool) {
	v, vs := keys["Value"], keys["Values"]
	switch spec.arg {
	case argNone:
		if v != nil || vs != nil {
			m.r.schemaf(n, "Condition %s takes no Value", cond)
			return ast.Missing, false
		}
		return ast.Missing, true
	case argBoolOpt:
		if vs != nil {
			m.r.schemaf(vs, "Condition %s takes no Values", cond)
			return ast.Missing, false
		}
		if v == nil {
			return ast.True, true
		}
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
			m.r.schemaf(v, "Value of %s must be true or false", cond)
			return ast.Missing, false
		}
		val, _ := yamlScalar(v)
		return val, true
	case argValues:
		if vs == nil || v != nil {
			m.r.schemaf(n, "Condition %s needs Values (a list), not Value", cond)
			return ast.Missing, false
		}
		vs = deref(vs)
		if vs.Kind != yaml.SequenceNode {
			m.r.schemaf(vs, "Values must be a list of strings, numbers or booleans")
			return ast.Missing, false
		}
		var out []ast.Value
		for _, c := range vs.Content {
			x, ok := m.scalar(c)
			if !ok {
				return ast.Missing, false
			}
			out = append(out, x)
		}
		return ast.List(out...), true
	}
	if v == nil || vs != nil {
		m.r.schemaf(n, "Condition %s needs Value (one value), not Values", cond)
		return ast.Missing, false
	}
	x, ok := m.scalar(v)
	if !ok {
		return ast.Missing, false
	}
	switch spec.kind {
	case cGt, cGe, cLt, cLe:
		if _, isNum := x.Number(); !isNum {
			m.r.schemaf(v, "Value of %s must be a number", cond)
			return ast.Missing, false
		}
	case cCIDR:
		if _, err := netip.ParsePrefix(x.Str()); err != nil {
			m.r.schemaf(v, "Value of %s must be a CIDR block such as 10.0.0.0/8: %v", cond, err)
			return ast.Missing, false
		}
	}
	return x, true
}

func (m *matcher) scalar(n *yaml.Node) (ast.Value, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		m.r.schemaf(n, "a match value must be a string, number or boolean")
		return ast.Missing, false
	}
	v, msg := yamlScalar(n)
	if msg != "" || v.Kind() == ast.KindNull {
		m.r.schemaf(n, "a match value must be a string, number or boolean")
		return ast.Missing, false
	}
	return v, true
}

// condition lowers a condition on one key.
func (m *matcher) condition(spec condSpec, ref keyRef, arg ast.Value, sp ast.Span) ast.Expr {
	subject := ref.x
	if ref.fan {
		subject = &ast.Field{Span: sp} // the element, inside Elements below
	}
	x := m.positive(spec, subject, arg, sp)
	if ref.fan {
		x = &ast.Elements{Span: sp, X: ref.x, Quant: ast.AnyElement, Pred: x}
	}
	return m.leaf(x, ref, &spec, sp)
}

// leaf applies the inverse and, in InlineFilters, lets events without the key pass.
func (m *matcher) leaf(x ast.Expr, ref keyRef, spec *condSpec, sp ast.Span) ast.Expr {
	if spec != nil && spec.neg {
		x = negate(x, sp)
	}
	if m.filter {
		x = &ast.Logic{Span: sp, Op: ast.Or, Xs: []ast.Expr{
			&ast.Call{Span: sp, Fn: "yaml.is_missing", Args: []ast.Expr{ref.base}}, x}}
	}
	return x
}

func negate(x ast.Expr, sp ast.Span) ast.Expr {
	if c, ok := x.(*ast.Compare); ok && c.Op == ast.Eq {
		d := *c
		d.Op = ast.Ne
		return &d
	}
	return &ast.Not{Span: sp, X: x}
}

// positive lowers the positive form of a condition on x.
func (m *matcher) positive(spec condSpec, x ast.Expr, arg ast.Value, sp ast.Span) ast.Expr {
	lit := func(v ast.Value) ast.Expr { return &ast.Lit{Span: sp, Val: v} }
	text := func(kind ast.MatchKind, v ast.Value) ast.Expr {
		return &ast.Match{Span: sp, X: x, Kind: kind, Pattern: v.Text(), Fold: spec.fold, Search: true}
	}
	cmp := func(op ast.CmpOp, d ast.Dialect) ast.Expr {
		return &ast.Compare{Span: sp, Op: op, X: x, Y: lit(arg), Dialect: d}
	}
	// Numeric bounds compare as Splunk's eval does (numbers, or strings that read
	// as numbers; null on a missing value), made a bool: never a TypeError.
	num := func(op ast.CmpOp) ast.Expr { return &ast.Truth{Span: sp, X: cmp(op, ast.SPLEval)} }
	switch spec.kind {
	case cEquals:
		if spec.fold && arg.Kind() == ast.KindString {
			return text(ast.MatchExact, arg)
		}
		return cmp(ast.Eq, ast.Python)
	case cStartsWith:
		return text(ast.MatchPrefix, arg)
	case cEndsWith:
		return text(ast.MatchSuffix, arg)
	case cContains:
		return text(ast.MatchContains, arg)
	case cHas:
		return &ast.Call{Span: sp, Fn: "yaml.has", Args: []ast.Expr{x, lit(arg), lit(ast.Bool(spec.fold))}}
	case cIn:
		if spec.fold {
			or := &ast.Logic{Span: sp, Op: ast.Or}
			for _, v := range arg.AsList() {
				or.Xs = append(or.Xs, text(ast.MatchExact, v))
			}
			return or
		}
		return &ast.In{Span: sp, X: x, Y: lit(arg), Dialect: ast.Python}
	case cGt:
		return num(ast.Gt)
	case cGe:
		return num(ast.Ge)
	case cLt:
		return num(ast.Lt)
	case cLe:
		return num(ast.Le)
	case cExists:
		return &ast.Exists{Span: sp, X: x}
	case cNull:
		return &ast.IsNull{Span: sp, X: x}
	case cNullOrEmpty:
		return &ast.Logic{Span: sp, Op: ast.Or, Xs: []ast.Expr{
			&ast.IsNull{Span: sp, X: x},
			&ast.Compare{Span: sp, Op: ast.Eq, X: x, Y: lit(ast.String("")), Dialect: ast.Python},
			&ast.Compare{Span: sp, Op: ast.Eq, X: x, Y: lit(ast.List()), Dialect: ast.Python},
			&ast.Compare{Span: sp, Op: ast.Eq, X: x, Y: lit(ast.ObjectOf(&ast.Object{})), Dialect: ast.Python},
		}}
	case cIP, cIPv4, cIPv6, cIPPrivate, cIPPublic:
		kind := map[condKind]string{cIP: "any", cIPv4: "v4", cIPv6: "v6", cIPPrivate: "private", cIPPublic: "public"}[spec.kind]
		var y ast.Expr = &ast.Call{Span: sp, Fn: "yaml.ip", Args: []ast.Expr{x, lit(ast.String(kind))}}
		if arg.Kind() == ast.KindBool && !arg.AsBool() {
			y = &ast.Not{Span: sp, X: y}
		}
		return y
	case cCIDR:
		return &ast.Call{Span: sp, Fn: "yaml.in_cidr", Args: []ast.Expr{x, lit(arg)}}
	}
	return lit(ast.False)
}

// multiKey lowers a condition between two keys (Values: [keyspec, keyspec]).
func (m *matcher) multiKey(cond string, spec condSpec, vs, n *yaml.Node) ast.Expr {
	vs = deref(vs)
	sp := m.span(n)
	if vs.Kind != yaml.SequenceNode || len(vs.Content) != 2 {
		m.r.schemaf(vs, "a multi-key match expression needs Values with exactly two key specifiers")
		return nil
	}
	var refs [2]keyRef
	for i, c := range vs.Content {
		c = deref(c)
		if c.Kind != yaml.MappingNode || len(c.Content) != 2 {
			m.r.schemaf(c, "each of Values must be one key specifier: Key, DeepKey or KeyPath")
			return nil
		}
		k := c.Content[0].Value
		if k != "Key" && k != "DeepKey" && k != "KeyPath" {
			m.r.schemaf(c.Content[0], "unknown key specifier %q (expected Key, DeepKey or KeyPath)", k)
			return nil
		}
		ref, ok := m.keySpec(k, c.Content[1])
		if !ok {
			return nil
		}
		if ref.fan {
			m.r.schemaf(c, "a multi-key match expression cannot use [*]")
			return nil
		}
		refs[i] = ref
	}
	a, b := refs[0].x, refs[1].x
	var x ast.Expr
	textOp := map[condKind]string{cEquals: "equals", cStartsWith: "starts_with", cEndsWith: "ends_with", cContains: "contains"}
	switch {
	case spec.kind == cEquals && !spec.fold:
		x = &ast.Compare{Span: sp, Op: ast.Eq, X: a, Y: b, Dialect: ast.Python}
	case textOp[spec.kind] != "":
		op := textOp[spec.kind]
		if spec.fold {
			op = "i" + op
		}
		x = &ast.Call{Span: sp, Fn: "yaml.text", Args: []ast.Expr{a, b, &ast.Lit{Span: sp, Val: ast.String(op)}}}
	case spec.kind >= cGt && spec.kind <= cLe:
		op := map[condKind]ast.CmpOp{cGt: ast.Gt, cGe: ast.Ge, cLt: ast.Lt, cLe: ast.Le}[spec.kind]
		x = &ast.Truth{Span: sp, X: &ast.Compare{Span: sp, Op: op, X: a, Y: b, Dialect: ast.SPLEval}}
	default:
		m.r.schemaf(n, "Condition %s cannot compare two keys", cond)
		return nil
	}
	if spec.neg {
		x = negate(x, sp)
	}
	if m.filter {
		x = &ast.Logic{Span: sp, Op: ast.Or, Xs: []ast.Expr{
			&ast.Call{Span: sp, Fn: "yaml.is_missing", Args: []ast.Expr{refs[0].base}},
			&ast.Call{Span: sp, Fn: "yaml.is_missing", Args: []ast.Expr{refs[1].base}}, x}}
	}
	return x
}
