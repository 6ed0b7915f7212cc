package harness

import (
	"slices"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/sourcetype"
)

// ReadFields lists the raw event fields (dot-joined JSON paths) that decide the
// verdict of either rule, sorted: Panther's rule() fields as written, and for
// Splunk the fields of the base search and of the pipeline's conditions and
// stats by-clauses, traced back through eval, rename, bin and aggregations to the
// fields they come from, then through the sourcetype's aliases, calculated
// fields and lookups to the JSON keys. Fields only a report reads (title, stats
// values) are left out: changing them cannot change a verdict.
func ReadFields(s, p *ast.Rule) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if p != nil {
		for _, path := range ast.Fields(p.Match) {
			add(strings.Join(path, "."))
		}
	}
	if s != nil {
		st, _ := sourcetype.Lookup(sourceTypeName(s, ""))
		for _, f := range splunkSearchFields(s) {
			for _, raw := range rawFields(st, f) {
				add(raw)
			}
		}
	}
	sort.Strings(out)
	return out
}

// splunkSearchFields are the search-time fields the search's verdict depends on.
func splunkSearchFields(r *ast.Rule) []string {
	need := map[string]bool{}
	var order []string
	want := func(f string) {
		if !need[f] {
			need[f] = true
			order = append(order, f)
		}
	}
	wantExpr := func(x ast.Expr) {
		for _, p := range ast.Fields(x) {
			want(strings.Join(p, "."))
		}
	}
	// replace says field f is computed from the fields of from, at this stage.
	replace := func(f string, from []string) {
		if !need[f] {
			return
		}
		delete(need, f)
		for _, g := range from {
			want(g)
		}
	}
	aggs := func(as []ast.Agg, by []string) {
		for _, a := range as {
			var from []string
			if a.Arg != "" {
				from = append(from, a.Arg)
			}
			if a.X != nil {
				for _, p := range ast.Fields(a.X) {
					from = append(from, strings.Join(p, "."))
				}
			}
			replace(a.As, from)
		}
		for _, b := range by {
			want(b)
		}
	}
	for i := len(r.Pipeline) - 1; i >= 0; i-- {
		switch c := r.Pipeline[i].(type) {
		case *ast.SearchCmd:
			wantExpr(c.Cond)
		case *ast.WhereCmd:
			wantExpr(c.Cond)
		case *ast.StatsCmd:
			aggs(c.Aggs, c.By)
		case *ast.EventStatsCmd:
			aggs(c.Aggs, c.By)
		case *ast.StreamStatsCmd:
			aggs(c.Aggs, c.By)
		case *ast.RenameCmd:
			for _, p := range c.Pairs {
				if !strings.Contains(p.From, "*") {
					replace(p.To, []string{p.From})
				}
			}
		case *ast.EvalCmd:
			for j := len(c.Assigns) - 1; j >= 0; j-- {
				a := c.Assigns[j]
				var from []string
				for _, p := range ast.Fields(a.X) {
					from = append(from, strings.Join(p, "."))
				}
				replace(a.Field, from)
			}
		case *ast.BinCmd:
			if c.As != "" {
				replace(c.As, []string{c.Field})
			}
		case *ast.DedupCmd:
			for _, f := range c.Fields {
				want(f)
			}
		case *ast.RegexCmd:
			want(c.Field)
		}
	}
	wantExpr(r.Match)
	var out []string
	for _, f := range order {
		if need[f] {
			out = append(out, f)
		}
	}
	return out
}

// rawFields maps a search-time field to the JSON keys it is read from. Fields
// Splunk adds itself (sourcetype, source, _raw, ...) have none.
func rawFields(st *sourcetype.SourceType, f string) []string {
	// An alias's own name is a raw key only in the rare event that carries
	// it; CloudTrail's do not, so it is no field to mutate.
	o := st.Sources(f)
	if !o.Computed && len(o.Raw) > 1 {
		return slices.DeleteFunc(o.Raw, func(r string) bool { return r == f })
	}
	return o.Raw
}
