package indicator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

// splunkOutput follows the columns of a Splunk pipeline: set by the last
// stats, tstats, table or fields, then renamed and added to by the commands
// after it. The reason is set when the columns are not (fully) known.
func splunkOutput(cmds []ast.Command) ([]string, string) {
	var cols []string
	known := false
	why := "no stats, table or fields: the search returns whole events"
	add := func(names ...string) {
		if known {
			for _, n := range names {
				if n != "" && !slices.Contains(cols, n) {
					cols = append(cols, n)
				}
			}
		}
	}
	set := func(names ...string) {
		cols, known, why = nil, true, ""
		add(names...)
	}
	for _, c := range cmds {
		switch n := c.(type) {
		case *ast.StatsCmd:
			set(append(slices.Clone(n.By), aggNames(n.Aggs)...)...)
		case *ast.TstatsCmd:
			set(append(slices.Clone(n.By), aggNames(n.Aggs)...)...)
		case *ast.TableCmd:
			set(n.Fields...)
		case *ast.FieldsCmd:
			if !n.Remove {
				set(n.Fields...)
			} else if known {
				cols = slices.DeleteFunc(cols, func(col string) bool {
					return slices.ContainsFunc(n.Fields, func(p string) bool { _, ok := globMatch(p, col); return ok })
				})
			}
		case *ast.RenameCmd:
			for i, col := range cols {
				for _, p := range n.Pairs {
					if caps, ok := globMatch(p.From, col); ok {
						col = globFill(p.To, caps)
					}
				}
				cols[i] = col
			}
		case *ast.EvalCmd:
			for _, a := range n.Assigns {
				add(a.Field)
			}
		case *ast.EventStatsCmd:
			add(aggNames(n.Aggs)...)
		case *ast.StreamStatsCmd:
			add(aggNames(n.Aggs)...)
		case *ast.ConvertCmd:
			for _, cv := range n.Conversions {
				add(cv.As)
			}
		case *ast.BinCmd:
			add(n.As)
		case *ast.LookupCmd:
			add(lookupOutputs(n)...)
		case *ast.RexCmd:
			if n.Sed == nil {
				add(groupNames(n.Pattern)...)
			}
		case *ast.SearchCmd, *ast.WhereCmd, *ast.SortCmd, *ast.DedupCmd, *ast.HeadCmd, *ast.RegexCmd,
			*ast.FillnullCmd, *ast.MvexpandCmd, *ast.MakemvCmd, *ast.ReplaceCmd, *ast.OutputlookupCmd,
			*ast.SubsearchFilterCmd:
			// Rows or values change, the columns do not.
		default:
			if known {
				known, why = false, commandName(c)+" adds fields concord does not follow"
			}
		}
	}
	return cols, why
}

func aggNames(aggs []ast.Agg) []string {
	out := make([]string, len(aggs))
	for i, a := range aggs {
		out[i] = a.As
	}
	return out
}

// commandName is the SPL command word of c, for messages.
func commandName(c ast.Command) string {
	if u, ok := c.(*ast.UnsupportedCmd); ok {
		return u.Name
	}
	t := fmt.Sprintf("%T", c)
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(t, "*ast."), "Cmd"))
}

// pantherOutput is the keys of alert_context, then the data model (udm)
// fields the title uses.
func pantherOutput(outs []ast.Output) ([]string, string) {
	var cols []string
	var why []string
	add := func(names ...string) {
		for _, n := range names {
			if !slices.Contains(cols, n) {
				cols = append(cols, n)
			}
		}
	}
	for _, o := range outs {
		if o.Name != "alert_context" {
			continue
		}
		keys, reason := contextKeys(o.X, nil, 0)
		add(keys...)
		if reason != "" {
			why = append(why, "alert_context: "+reason)
		}
	}
	for _, o := range outs {
		if o.Name != "title" {
			continue
		}
		ast.Inspect(o.X, func(x ast.Expr) bool {
			if c, ok := x.(*ast.Call); ok && c.Fn == "panther.udm" && len(c.Args) > 0 {
				if l, ok := c.Args[0].(*ast.Lit); ok && l.Val.Kind() == ast.KindString {
					add(l.Val.AsString())
				}
			}
			return true
		})
	}
	return cols, strings.Join(why, "; ")
}

// maxContextDepth bounds the reading of alert_context through locals and helpers.
const maxContextDepth = 100

// contextKeys reads the keys of the dict an alert_context expression builds;
// reason says what could not be read.
func contextKeys(x ast.Expr, sc *scope, depth int) ([]string, string) {
	if depth > maxContextDepth {
		return nil, "nested too deeply"
	}
	depth++
	switch n := x.(type) {
	case *ast.DictLit:
		var keys []string
		for _, k := range n.Keys {
			l, ok := k.(*ast.Lit)
			if !ok || l.Val.Kind() != ast.KindString {
				return keys, "a key that is not a constant string"
			}
			keys = append(keys, l.Val.AsString())
		}
		return keys, ""
	case *ast.Call:
		if keys, ok := eval.ContextKeys(n.Fn); ok {
			return keys, ""
		}
		switch {
		case n.Fn == "py.setitem" && len(n.Args) == 3:
			keys, why := contextKeys(n.Args[0], sc, depth)
			if l, ok := n.Args[1].(*ast.Lit); ok && l.Val.Kind() == ast.KindString {
				return union(keys, l.Val.AsString()), why
			}
			return keys, joinWhy(why, "a key that is not a constant string")
		case (n.Fn == "py.bitor" || n.Fn == "py.mutate.update") && len(n.Args) == 2:
			a, whyA := contextKeys(n.Args[0], sc, depth)
			b, whyB := contextKeys(n.Args[1], sc, depth)
			return union(a, b...), joinWhy(whyA, whyB)
		}
		return nil, strings.TrimPrefix(n.Fn, "panther.") + "() is not a helper whose keys concord knows"
	case *ast.Let:
		return contextKeys(n.Body, bind(sc, n), depth)
	case *ast.Local:
		if b, env, ok := sc.lookup(n.Name); ok {
			return contextKeys(b, env, depth)
		}
		return nil, "a value concord cannot follow"
	case *ast.Helper:
		return contextKeys(n.Body, sc, depth)
	case *ast.Cond:
		// Either branch may be the context: the fields it may carry.
		a, whyA := contextKeys(n.Then, sc, depth)
		b, whyB := contextKeys(n.Else, sc, depth)
		return union(a, b...), joinWhy(whyA, whyB)
	}
	return nil, "built by code concord does not read (" + strings.TrimPrefix(fmt.Sprintf("%T", x), "*ast.") + ")"
}

func union(a []string, b ...string) []string {
	out := slices.Clone(a)
	for _, k := range b {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func joinWhy(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
