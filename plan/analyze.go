package plan

import (
	"regexp"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/sourcetype"
)

// analyzer holds what the analysis of one rule's match needs.
type analyzer struct {
	r      *ast.Rule
	opts   Options
	splunk bool
	fold   bool                   // keys are Panther's case-insensitive ones
	st     *sourcetype.SourceType // Splunk: the view's knowledge
	binds  map[string]int         // how many places bind each local
	// fallible: building the Splunk view may fail on some event.
	fallible bool
}

func newAnalyzer(r *ast.Rule, opts Options) *analyzer {
	a := &analyzer{r: r, opts: opts, splunk: r.Platform == ast.Splunk, fold: r.Keys == ast.KeysFold}
	if a.splunk {
		a.st = opts.SourceType
		if a.st == nil {
			name := ""
			if len(r.LogTypes) > 0 {
				name = r.LogTypes[0]
			}
			a.st, _ = sourcetype.Lookup(name)
		}
		if a.st != nil {
			for _, x := range a.st.Computations() {
				a.fallible = a.fallible || !a.safe(x, nil)
			}
		}
	}
	a.binds = map[string]int{}
	ast.Inspect(r.Match, func(x ast.Expr) bool {
		switch n := x.(type) {
		case *ast.Let:
			for _, v := range n.Names {
				a.binds[v]++
			}
		case *ast.Loop:
			for _, v := range n.Vars {
				a.binds[v]++
			}
		case *ast.Comp:
			for _, c := range n.Clauses {
				for _, v := range c.Vars {
					a.binds[v]++
				}
			}
		}
		return true
	})
	return a
}

// everyEvent says why the rule needs every event whole, or "".
func (a *analyzer) everyEvent() string {
	if !a.splunk {
		return ""
	}
	if a.st == nil {
		return "the sourcetype registry could not be read"
	}
	// A subsearch, join, append or tstats runs over every event of the run,
	// not just those the base search keeps (eval/pipeline_subsearch.go).
	if readsAll(a.r.Pipeline) {
		return "a subsearch or tstats reads every event"
	}
	return ""
}

func readsAll(cmds []ast.Command) bool {
	for _, c := range cmds {
		switch c.(type) {
		case *ast.SubsearchFilterCmd, *ast.JoinCmd, *ast.AppendCmd, *ast.TstatsCmd:
			return true
		}
	}
	return false
}

// want is what a clause promises about an expression's value when it fails.
type want uint8

const (
	wantFalsy  want = iota // a falsy value
	wantFalse              // exactly False (Panther's rule() must return a bool)
	wantTruthy             // a truthy value
)

func (w want) holds(v ast.Value) bool {
	switch w {
	case wantFalse:
		return v.Kind() == ast.KindBool && !v.AsBool()
	case wantTruthy:
		return v.Truth()
	}
	return !v.Truth()
}

// scope is the locals bound around an expression by the Lets above it. info
// is nil for a local whose value is not described (bound more than once, or
// by something the analysis does not follow).
type scope struct {
	up   *scope
	name string
	info *info
}

func (s *scope) lookup(name string) (*info, bool) {
	for ; s != nil; s = s.up {
		if s.name == name {
			return s.info, true
		}
	}
	return nil, false
}

// bind binds name to x's value for the Let's body. Only a local bound in
// one place is described: Python locals live in one frame, so a name bound
// again (in a loop body, a branch, a later statement) may hold another value
// where it is read.
func (a *analyzer) bind(s *scope, name string, x ast.Expr) *scope {
	var in *info
	if a.binds[name] == 1 {
		in, _ = a.value(x, s)
	}
	return &scope{up: s, name: name, info: in}
}

// info describes the values an expression can take: a value decoded from the
// event (raw), or one of consts.
type info struct {
	raw bool
	// keys are the last keys of the paths raw values come from, as the event
	// spells them modulo case (Panther) or exactly; "" when not known (the
	// whole event, a list element).
	keys []string
	// absent: the raw side may be Missing (the path is not in the event);
	// nulls: it may be JSON null.
	absent, nulls bool
	consts        []ast.Value
	// opaque: the value is not described at all (a Splunk field computed by
	// the sourcetype, Splunk's metadata); evaluation is still safe.
	opaque bool
}

func (in *info) merge(o *info) *info {
	return &info{
		raw:    in.raw || o.raw,
		keys:   append(append([]string(nil), in.keys...), o.keys...),
		absent: in.absent || o.absent,
		nulls:  in.nulls || o.nulls,
		consts: append(append([]ast.Value(nil), in.consts...), o.consts...),
		opaque: in.opaque || o.opaque,
	}
}

// keysKnown: every raw path's last key is known.
func (in *info) keysKnown() bool {
	if !in.raw {
		return true
	}
	if len(in.keys) == 0 {
		return false
	}
	for _, k := range in.keys {
		if k == "" {
			return false
		}
	}
	return true
}

// value describes x's values; ok is false when x may raise or its values are
// beyond the analysis.
func (a *analyzer) value(x ast.Expr, s *scope) (*info, bool) {
	switch n := x.(type) {
	case *ast.Lit:
		return &info{consts: []ast.Value{n.Val}}, true
	case *ast.Field:
		return a.fieldInfo(n), true
	case *ast.Default:
		xi, ok1 := a.value(n.X, s)
		ei, ok2 := a.value(n.Else, s)
		if !ok1 || !ok2 {
			return nil, false
		}
		out := *xi
		out.absent = false
		out.nulls = xi.nulls && !n.OnNull
		return out.merge(ei), true
	case *ast.Logic:
		// `a or b` (Operand) is the first truthy operand, else the last one.
		if n.Op != ast.Or || !n.Operand || len(n.Xs) == 0 {
			return nil, false
		}
		var out *info
		for i, e := range n.Xs {
			ei, ok := a.value(e, s)
			if !ok {
				return nil, false
			}
			if i < len(n.Xs)-1 {
				c := *ei
				c.absent, c.nulls = false, false
				ei = &c
			}
			if out == nil {
				out = ei
			} else {
				out = out.merge(ei)
			}
		}
		return out, true
	case *ast.Local:
		in, bound := s.lookup(n.Name)
		return in, bound && in != nil
	case *ast.Helper:
		return a.value(n.Body, s)
	case *ast.Let:
		if len(n.Names) != 1 || !a.safe(n.X, s) {
			return nil, false
		}
		return a.value(n.Body, a.bind(s, n.Names[0], n.X))
	case *ast.Cond:
		if !a.safe(n.If, s) {
			return nil, false
		}
		ti, ok1 := a.value(n.Then, s)
		ei, ok2 := a.value(n.Else, s)
		if !ok1 || !ok2 {
			return nil, false
		}
		return ti.merge(ei), true
	case *ast.Call:
		// yaml.path(base, steps...): the value at a path of a simple
		// detection's KeyPath, a list of them past a [*].
		if n.Fn != "yaml.path" || !a.safe(n, s) {
			return nil, false
		}
		base, ok := a.value(n.Args[0], s)
		if !ok || base.opaque {
			return nil, false
		}
		key := ""
		if l, ok := n.Args[len(n.Args)-1].(*ast.Lit); ok && l.Val.Kind() == ast.KindString && l.Val.AsString() != "[*]" {
			key = l.Val.AsString()
		}
		return &info{raw: true, keys: []string{key}, absent: true, nulls: true}, true
	}
	return nil, false
}

// fieldInfo describes a field read.
func (a *analyzer) fieldInfo(f *ast.Field) *info {
	if !a.splunk {
		key := ""
		if len(f.Path) > 0 {
			key = f.Path[len(f.Path)-1]
		}
		return &info{raw: true, keys: []string{key}, absent: true, nulls: true}
	}
	name := f.Path[0]
	if name == "_raw" {
		return &info{raw: true, keys: []string{""}}
	}
	keys, ok := a.verbatim(name)
	if !ok {
		return &info{opaque: true}
	}
	return &info{raw: true, keys: keys, absent: true, nulls: true}
}

// verbatim returns the last keys of the raw fields a Splunk field is a plain
// copy of (itself, an alias, a named group of a regex extraction), or false
// when the sourcetype computes it or it is Splunk's own (sourcetype, _time).
func (a *analyzer) verbatim(name string) ([]string, bool) {
	if name == "" || name[0] == '_' {
		return nil, false
	}
	o := a.st.Sources(name)
	if !o.OK || o.Computed || o.Formatted || len(o.Raw) == 0 {
		return nil, false
	}
	var keys []string
	for _, r := range o.Raw {
		keys = append(keys, lastKey(r))
	}
	return keys, true
}

// lastKey is the end of a flat Splunk field name's last key: what the raw
// text must hold for the field to exist ("items{}.cidrIp" -> "cidrIp").
func lastKey(flat string) string {
	for len(flat) > 2 && flat[len(flat)-2:] == "{}" {
		flat = flat[:len(flat)-2]
	}
	for i := len(flat) - 1; i >= 0; i-- {
		if flat[i] == '.' {
			return flat[i+1:]
		}
	}
	return flat
}

// safe reports whether evaluating x can never raise. Python operations on
// raw values that raise only on concord's datetime stand-ins count as safe:
// no event can carry one (eval/py_datetime.go).
func (a *analyzer) safe(x ast.Expr, s *scope) bool {
	all := func(xs ...ast.Expr) bool {
		for _, e := range xs {
			if e != nil && !a.safe(e, s) {
				return false
			}
		}
		return true
	}
	switch n := x.(type) {
	case *ast.Lit, *ast.Field:
		return true
	case *ast.Local:
		_, bound := s.lookup(n.Name)
		return bound
	case *ast.Default:
		return all(n.X, n.Else)
	case *ast.Not:
		return all(n.X)
	case *ast.Truth:
		return all(n.X)
	case *ast.IsNull:
		return all(n.X)
	case *ast.Exists:
		return all(n.X)
	case *ast.Logic:
		return all(n.Xs...)
	case *ast.ListLit:
		return all(n.Elems...)
	case *ast.Cond:
		return all(n.If, n.Then, n.Else)
	case *ast.Compare:
		// Python's == and != never raise (eval/ops.go comparePython), Splunk's
		// comparisons never do; Python's ordering raises TypeError between
		// unrelated types.
		return (n.Dialect == ast.SPLEval || n.Op == ast.Eq || n.Op == ast.Ne) && all(n.X, n.Y)
	case *ast.In:
		if n.Dialect == ast.SPLEval {
			return all(n.X, n.Y)
		}
		// Membership in a list literal compares with ==; a set or dict
		// hashes the candidate (TypeError for a list or dict), a string needs
		// a string.
		return !n.Hashed && isListLit(n.Y) && all(n.X, n.Y)
	case *ast.Match:
		// Search terms and eval's like()/match() take any value; Python's str
		// methods raise on anything but a str.
		return (n.Search || n.Dialect == ast.SPLEval) && all(n.X)
	case *ast.Helper:
		return all(n.Body)
	case *ast.Let:
		return len(n.Names) == 1 && a.safe(n.X, s) && a.safe(n.Body, a.bind(s, n.Names[0], n.X))
	case *ast.Elements:
		return all(n.X, n.Pred)
	case *ast.Call:
		return a.safeCall(n) && all(n.Args...)
	}
	return false
}

// safeCalls are builtins that raise on no argument value: the simple
// detections' yaml.* functions ("None of them raises on a value of the wrong
// type", eval/panther_match.go) and Splunk's coalesce.
var safeCalls = map[string]bool{
	"yaml.path": true, "yaml.is_missing": true, "yaml.ip": true, "yaml.in_cidr": true,
	"yaml.count_true": true, "yaml.has": true, "yaml.text": true,
	"spl.coalesce": true,
}

func (a *analyzer) safeCall(n *ast.Call) bool {
	if len(n.Keywords) > 0 {
		return false
	}
	if safeCalls[n.Fn] {
		return true
	}
	// replace() raises only for a pattern that does not compile
	// (eval/spl_text.go splReplace).
	if n.Fn == "spl.replace" && len(n.Args) == 3 {
		if l, ok := n.Args[1].(*ast.Lit); ok && l.Val.Kind() == ast.KindString {
			_, err := regexp.Compile(l.Val.AsString())
			return err == nil
		}
	}
	return false
}

func isListLit(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.ListLit:
		return true
	case *ast.Lit:
		return n.Val.Kind() == ast.KindList
	}
	return false
}

// boolValued reports whether x yields a bool whenever it does not raise.
func boolValued(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val.Kind() == ast.KindBool
	case *ast.Compare:
		return n.Dialect == ast.Python // Splunk's is null on a null operand
	case *ast.In:
		return n.Dialect == ast.Python
	case *ast.Match:
		return n.Dialect != ast.SPLEval || n.Search
	case *ast.Not, *ast.Truth, *ast.IsNull, *ast.Exists, *ast.Elements:
		return true
	case *ast.Logic:
		if !n.Operand {
			return true
		}
		for _, e := range n.Xs {
			if !boolValued(e) {
				return false
			}
		}
		return true
	case *ast.Cond:
		return boolValued(n.Then) && boolValued(n.Else)
	case *ast.Helper:
		return boolValued(n.Body)
	case *ast.Let:
		return boolValued(n.Body)
	case *ast.Call:
		switch n.Fn {
		case "yaml.is_missing", "yaml.ip", "yaml.in_cidr", "yaml.has", "yaml.text":
			return true
		}
	}
	return false
}
