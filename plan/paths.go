package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
)

// paths works out p.Paths, or p.All.
func (a *analyzer) paths(p *Plan) {
	var out [][]string
	var why string
	if a.splunk {
		out, why = a.splunkPaths()
	} else {
		w := &pathWalker{a: a, seen: map[string]bool{}}
		w.walk(a.r.Match, nil, false, nil)
		out, why = w.out, w.why
	}
	if why != "" {
		p.All, p.Why = true, why
		return
	}
	p.Paths = tidy(out)
}

// tidy sorts paths and drops repeats and paths below another path.
func tidy(in [][]string) [][]string {
	in = slices.Clone(in)
	slices.SortFunc(in, func(a, b []string) int { return slices.Compare(a, b) })
	var out [][]string
	for _, p := range in {
		// Sorted, a prefix comes right before what it covers or is covered
		// by the last path kept.
		if len(out) > 0 {
			last := out[len(out)-1]
			if len(last) <= len(p) && slices.Equal(last, p[:len(last)]) {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// pathWalker collects the paths a Panther match reads.
type pathWalker struct {
	a    *analyzer
	out  [][]string
	why  string
	seen map[string]bool // data model methods already walked
}

func (w *pathWalker) add(prefix, path []string) {
	w.out = append(w.out, append(slices.Clip(prefix), path...))
}

// walk visits x. Inside an Elements predicate (elem) fields are relative to
// the list element, found at prefix.
func (w *pathWalker) walk(x ast.Expr, prefix []string, elem bool, parent ast.Expr) {
	if w.why != "" || x == nil {
		return
	}
	switch n := x.(type) {
	case *ast.Field:
		if len(n.Path) == 0 && !elem {
			w.why = wholeEvent(parent)
			return
		}
		w.add(prefix, n.Path)
		return
	case *ast.Elements:
		w.walk(n.X, prefix, elem, n)
		ep, ok := elementsPath(n.X)
		if !ok {
			w.why = "list elements of a computed value are read"
			return
		}
		w.walk(n.Pred, append(slices.Clip(prefix), ep...), true, n)
		return
	case *ast.Index:
		// event["a"]["b"] reads a.b; a list index crosses the list.
		if path, ok := indexPath(n); ok && (len(path) > 0 || elem) {
			w.add(prefix, path)
			return
		}
	case *ast.Call:
		if n.Fn == "yaml.path" {
			if path, ok := elementsPath(n); ok && (len(path) > 0 || elem) {
				w.add(prefix, path)
				return
			}
		}
		if n.Fn == "panther.udm" {
			if elem {
				w.why = "event.udm() of a list element"
				return
			}
			w.udm(n)
			return
		}
	}
	for _, c := range ast.Children(x) {
		w.walk(c, prefix, elem, x)
	}
}

// indexPath is the path of a subscription of the event by constant keys.
func indexPath(x ast.Expr) ([]string, bool) {
	switch n := x.(type) {
	case *ast.Field:
		return n.Path, true
	case *ast.Index:
		path, ok := indexPath(n.X)
		l, isLit := n.Key.(*ast.Lit)
		if !ok || !isLit {
			return nil, false
		}
		switch l.Val.Kind() {
		case ast.KindString:
			return append(slices.Clip(path), l.Val.AsString()), true
		case ast.KindInt:
			return path, true
		}
	}
	return nil, false
}

// wholeEvent says what reads the whole event.
func wholeEvent(parent ast.Expr) string {
	switch n := parent.(type) {
	case *ast.Call:
		return "the whole event is passed to " + n.Fn
	case *ast.Loop, *ast.Comp:
		return "the event is iterated over"
	case *ast.Let:
		return "the whole event is held in a local"
	case nil:
		return "the match is the whole event"
	}
	return fmt.Sprintf("the whole event is read (%T)", parent)
}

// elementsPath is the path of the list an Elements quantifies over.
func elementsPath(x ast.Expr) ([]string, bool) {
	switch n := x.(type) {
	case *ast.Field:
		return n.Path, true
	case *ast.Call:
		if n.Fn != "yaml.path" || len(n.Args) == 0 {
			return nil, false
		}
		base, ok := n.Args[0].(*ast.Field)
		if !ok {
			return nil, false
		}
		out := slices.Clone(base.Path)
		for _, s := range n.Args[1:] {
			l, ok := s.(*ast.Lit)
			if !ok {
				return nil, false
			}
			// List indexes and [*] cross a list, which a path does anyway.
			if l.Val.Kind() == ast.KindString && l.Val.AsString() != "[*]" {
				out = append(out, l.Val.AsString())
			}
		}
		return out, true
	}
	return nil, false
}

// udm adds what event.udm(keys...) reads (eval/panther_datamodel.go): the
// event's p_log_type, which picks the data model; the mapping of every model
// that maps the name (a JSONPath, or what the method reads); p_udm.keys; and
// the keys themselves, its last resort.
func (w *pathWalker) udm(n *ast.Call) {
	var keys []string
	for _, arg := range n.Args {
		l, ok := arg.(*ast.Lit)
		if !ok || l.Val.Kind() != ast.KindString {
			w.why = "event.udm() with a computed name"
			return
		}
		keys = append(keys, l.Val.AsString())
	}
	w.add(nil, []string{"p_log_type"})
	w.add([]string{"p_udm"}, keys)
	w.add(nil, keys)
	if len(keys) != 1 {
		return
	}
	lts := make([]string, 0, len(w.a.opts.DataModels))
	for lt := range w.a.opts.DataModels {
		lts = append(lts, lt)
	}
	sort.Strings(lts)
	for _, lt := range lts {
		dm := w.a.opts.DataModels[lt]
		m := dm.Mappings[keys[0]]
		switch {
		case m == nil || m.Err != nil:
		case m.Method != nil:
			id := dm.ID + "\x00" + keys[0]
			if !w.seen[id] {
				w.seen[id] = true
				w.walk(m.Method.Expr, nil, false, nil)
			}
		default:
			var path []string
			for _, step := range m.Path {
				if !strings.HasPrefix(step, "[") {
					path = append(path, step)
				}
			}
			if len(path) == 0 {
				w.why = "data model " + dm.ID + " maps " + keys[0] + " to the whole event"
				return
			}
			w.add(nil, path)
		}
	}
}

// splunkPaths are the raw keys behind the search-time fields the base search
// reads, and, when the sourcetype computes fields that may fail, the keys
// those computations read too: a view failing is a verdict.
func (a *analyzer) splunkPaths() ([][]string, string) {
	var out [][]string
	field := func(name string) string {
		ps, why := a.fieldPaths(name)
		out = append(out, ps...)
		return why
	}
	for _, f := range ast.Fields(a.r.Match) {
		if why := field(f[0]); why != "" {
			return nil, why
		}
	}
	for _, x := range a.st.Computations() {
		if a.safe(x, nil) {
			continue
		}
		for _, f := range ast.Fields(x) {
			if why := field(f[0]); why != "" {
				return nil, why
			}
		}
	}
	return out, ""
}

// rows works out p.Rows when it can (HasRows): the fields a Splunk pipeline
// reads of its events, up to its first stats, whose rows hold only what it
// computes (fields read later are the stats' own). A command this does not
// know, a wildcard, or a pipeline without stats (whose rows are the events,
// every field of them) reads the whole event.
func (a *analyzer) rows(p *Plan) {
	if !a.splunk || p.All {
		return
	}
	names, ok := pipelineFields(a.r.Pipeline)
	if !ok {
		return
	}
	out := slices.Clone(p.Paths)
	for _, name := range names {
		ps, why := a.fieldPaths(name)
		if why != "" {
			return
		}
		out = append(out, ps...)
	}
	p.Rows, p.HasRows = tidy(out), true
}

// viewFields works out p.ViewFields when it can.
func (a *analyzer) viewFields(p *Plan) {
	if !a.splunk || p.All || a.fallible || a.st == nil {
		return
	}
	var names []string
	for _, f := range ast.Fields(a.r.Match) {
		names = append(names, f[0])
	}
	if p.HasRows {
		rows, _ := pipelineFields(a.r.Pipeline)
		names = append(names, rows...)
	}
	slices.Sort(names)
	p.ViewFields, p.HasViewFields, p.ViewSourceType = slices.Compact(names), true, a.st.Name
}

// pipelineFields are the fields the commands read up to the first stats, or
// false when that is not known.
func pipelineFields(cmds []ast.Command) ([]string, bool) {
	var names []string
	exprs := func(xs ...ast.Expr) {
		for _, x := range xs {
			if x != nil {
				for _, f := range ast.Fields(x) {
					names = append(names, f[0])
				}
			}
		}
	}
	for _, c := range cmds {
		switch c := c.(type) {
		case *ast.SearchCmd:
			exprs(c.Cond)
		case *ast.WhereCmd:
			exprs(c.Cond)
		case *ast.EvalCmd:
			for _, as := range c.Assigns {
				exprs(as.X)
			}
		case *ast.RenameCmd:
			for _, pair := range c.Pairs {
				names = append(names, pair.From)
			}
		case *ast.BinCmd:
			names = append(names, c.Field)
		case *ast.StatsCmd:
			for _, agg := range c.Aggs {
				if agg.Arg != "" {
					names = append(names, agg.Arg)
				}
				exprs(agg.X)
			}
			names = append(names, c.By...)
			return names, !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "*") })
		default:
			return nil, false
		}
	}
	return nil, false
}

// fieldPaths are the key paths the view's field name is made from, or why
// that is not known.
func (a *analyzer) fieldPaths(name string) ([][]string, string) {
	switch {
	case name == "_raw":
		// The line itself is always at hand; a JSON key _raw joins it.
		return [][]string{{"_raw"}}, ""
	case strings.Contains(name, "*"):
		return nil, "wildcard field name " + name
	}
	o := a.st.Sources(name)
	if !o.OK {
		return nil, "field " + name + " depends on the event's whole text or its tags"
	}
	// A JSON key of the field's own name joins even Splunk's metadata (View
	// sets sourcetype before extracting the event, which makes it a
	// multivalue field) and stands in for _time without a time.
	var out [][]string
	for _, raw := range append(o.Raw, name) {
		ps, ok := flatPaths(raw)
		if !ok {
			return nil, "field " + raw + " has too many readings as key paths"
		}
		out = append(out, ps...)
	}
	return out, ""
}

// maxReadings bounds the key paths one flat field name stands for.
const maxReadings = 64

// flatPaths are the key paths a Splunk KV_MODE=json field name can come from
// (sourcetype.Extract): keys joined with ".", "{}" after the key of a list.
// A key may itself hold a dot, so each dot that does not follow "{}" may be
// inside a key or between two; every reading is a path.
func flatPaths(name string) ([][]string, bool) {
	parts := strings.Split(name, ".")
	var optional []int // dots (after parts[i]) that may be inside a key
	for i := 0; i < len(parts)-1; i++ {
		if !strings.HasSuffix(parts[i], "{}") {
			optional = append(optional, i)
		}
	}
	if 1<<len(optional) > maxReadings {
		return nil, false
	}
	var out [][]string
	for mask := 0; mask < 1<<len(optional); mask++ {
		joined := map[int]bool{}
		for b, i := range optional {
			joined[i] = mask&(1<<b) != 0
		}
		var keys []string
		cur := parts[0]
		for i := 1; i < len(parts); i++ {
			if joined[i-1] {
				cur += "." + parts[i]
				continue
			}
			keys = append(keys, trimLists(cur))
			cur = parts[i]
		}
		keys = append(keys, trimLists(cur))
		if slices.Contains(keys, "") {
			return nil, false
		}
		out = append(out, keys)
	}
	return out, true
}

// trimLists drops the "{}" marks of lists after a key: a path crosses lists.
func trimLists(k string) string {
	for strings.HasSuffix(k, "{}") {
		k = strings.TrimSuffix(k, "{}")
	}
	return k
}
