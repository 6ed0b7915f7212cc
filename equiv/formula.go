package equiv

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
)

// PerEvent is a rule's verdict on one event alone as one expression: Panther's
// rule(), or Splunk's base search conjoined with the conditions its pipeline
// puts on a single event (search and where, with rename and eval folded in,
// and the by-fields of stats and the fields of dedup, which drop rows where
// they are null). reason says why a pipeline has no per-event form: a
// condition on an aggregate (`where count > 5`) is a verdict on a set of
// events, and commands such as lookup or spath are outside the fragment.
func PerEvent(r *ast.Rule) (x ast.Expr, reason string) {
	f, reason := Split(r)
	if reason != "" {
		return nil, reason
	}
	conj := append(f.Conds, f.Drops...)
	if len(conj) == 1 {
		return conj[0], ""
	}
	return &ast.Logic{Op: ast.And, Xs: conj}, ""
}

// Form is a rule's per-event verdict in parts: Conds are the conditions its
// author wrote (the base search, search and where), Drops the fields whose
// null value drops the event from the results (stats by-fields, dedup
// fields), as Exists conditions, and Values what each output field of a
// stats stands for (values(X) as Y: Y is X), in terms of the base search's
// fields.
type Form struct {
	Conds, Drops []ast.Expr
	Values       map[string]ast.Expr
}

// Split is PerEvent in parts (see Form).
func Split(r *ast.Rule) (Form, string) {
	if r.Platform != ast.Splunk {
		return Form{Conds: []ast.Expr{r.Match}}, ""
	}
	conj := []ast.Expr{r.Match}
	var drops []ast.Expr
	values := map[string]ast.Expr{}
	// substSeq: how many wildcard renames came before a subst entry was set.
	substSeq := map[string]int{}
	// subst maps a field name to what it stands for on the raw record, in
	// terms of the fields the base search saw; renames with wildcards are
	// layers consulted lazily, since they apply to any name that matches.
	subst := map[string]ast.Expr{}
	var wilds []wildRename
	aggregated := false       // after stats: only by-fields keep their meaning
	aggs := map[string]bool{} // names of aggregate fields
	var lookup func(name string, n int) ast.Expr
	// lookup is what name stands for after the first n wildcard renames and
	// the assignments made before the next one. (An assignment overwritten
	// after a wildcard rename is forgotten for views before it: a search
	// that assigns one field on both sides of such a rename is rare.)
	lookup = func(name string, n int) ast.Expr {
		e, hasExact := subst[name]
		seq := substSeq[name]
		if seq > n {
			hasExact = false
		}
		for i := n - 1; i >= 0; i-- {
			if hasExact && seq > i {
				return e
			}
			if x, ok := wilds[i].apply(name, func(m string) ast.Expr { return lookup(m, i) }); ok {
				return x
			}
		}
		if hasExact {
			return e
		}
		return &ast.Field{Path: []string{name}}
	}
	field := func(name string) ast.Expr { return lookup(name, len(wilds)) }
	rewriteCond := func(c ast.Expr, what string) (ast.Expr, string) {
		var bad string
		out := ast.MapFields(c, func(f *ast.Field) ast.Expr {
			name := strings.Join(f.Path, ".")
			if aggs[name] || (aggregated && subst[name] == nil) {
				bad = fmt.Sprintf("%s on %s, an aggregate: a verdict on a set of events", what, name)
			}
			return field(name)
		})
		return out, bad
	}
	for _, c := range r.Pipeline {
		switch c := c.(type) {
		case *ast.SearchCmd:
			x, bad := rewriteCond(c.Cond, "search")
			if bad != "" {
				return Form{}, bad
			}
			conj = append(conj, x)
		case *ast.WhereCmd:
			x, bad := rewriteCond(c.Cond, "where")
			if bad != "" {
				return Form{}, bad
			}
			conj = append(conj, x)
		case *ast.RenameCmd:
			next := map[string]ast.Expr{}
			for _, p := range c.Pairs {
				if strings.Contains(p.From, "*") {
					if aggregated || strings.Count(p.From, "*") != 1 || strings.Count(p.To, "*") != 1 {
						return Form{}, "rename with wildcards other than one * on each side"
					}
					wilds = append(wilds, wildRename{from: p.From, to: p.To})
					continue
				}
				next[p.To] = field(p.From)
				next[p.From] = &ast.Lit{Val: ast.Missing}
			}
			for k, v := range next {
				subst[k] = v
				substSeq[k] = len(wilds)
			}
		case *ast.EvalCmd:
			if aggregated {
				return Form{}, "eval after stats"
			}
			for _, a := range c.Assigns {
				x, bad := rewriteCond(a.X, "eval")
				if bad != "" {
					return Form{}, bad
				}
				subst[a.Field] = x
				substSeq[a.Field] = len(wilds)
			}
		case *ast.StatsCmd:
			if aggregated {
				return Form{}, "a second stats"
			}
			kept := map[string]ast.Expr{}
			for _, b := range c.By {
				drops = append(drops, &ast.Exists{X: field(b)})
				kept[b] = field(b)
			}
			for _, a := range c.Aggs {
				aggs[a.As] = true
				if (a.Fn == "values" || a.Fn == "latest" || a.Fn == "earliest" || a.Fn == "first" || a.Fn == "last") && a.Arg != "" {
					values[a.As] = field(a.Arg)
				}
			}
			for b, x := range kept {
				values[b] = x
				substSeq[b] = len(wilds)
			}
			subst = kept
			aggregated = true
		case *ast.DedupCmd:
			if !c.KeepEmpty {
				for _, f := range c.Fields {
					if aggs[f] {
						return Form{}, "dedup on an aggregate"
					}
					drops = append(drops, &ast.Exists{X: field(f)})
				}
			}
		case *ast.BinCmd:
			// bin sets the bin of a value, null for null: only its presence
			// is known per event (a marker call no condition can decide).
			if aggregated {
				return Form{}, "bin after stats"
			}
			out := c.As
			if out == "" {
				out = c.Field
			}
			subst[out] = &ast.Call{Fn: "bin", Args: []ast.Expr{field(c.Field)}}
			substSeq[out] = len(wilds)
		case *ast.FillnullCmd:
			if aggregated {
				return Form{}, "fillnull after stats"
			}
			// Without a field list it fills fields present in some result
			// but null: for an event searched alone, none are (concord's
			// view deletes a field rather than holding a null).
			for _, f := range c.Fields {
				subst[f] = &ast.Call{Fn: "spl.coalesce", Args: []ast.Expr{field(f), &ast.Lit{Val: ast.String(c.Value)}}}
				substSeq[f] = len(wilds)
			}
		case *ast.SpathCmd:
			// spath output=X path=P is eval X=spath(_raw, P): the value as
			// written in the event, whatever the add-on made of the field.
			if aggregated || (c.Input != "" && c.Input != "_raw") || c.Output == "" || strings.Contains(c.Path, "{") {
				return Form{}, "spath other than output=X path=P on the event"
			}
			subst[c.Output] = &ast.Call{Fn: "spl.spath", Args: []ast.Expr{&ast.Field{Path: []string{"_raw"}}, &ast.Lit{Val: ast.String(c.Path)}}}
		case *ast.HeadCmd:
			if c.Count == 0 {
				return Form{}, "head 0"
			}
		case *ast.TableCmd, *ast.FieldsCmd, *ast.ConvertCmd, *ast.SortCmd, *ast.OutputlookupCmd:
			// Shape the result rows; one event's row stays a row.
		default:
			return Form{}, fmt.Sprintf("command %s", strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", c), "*ast."), "Cmd"))
		}
	}
	return Form{Conds: conj, Drops: drops, Values: values}, ""
}

// wildRename is `rename FROM AS TO` with one * in each: every field whose
// name matches FROM is renamed, the * of TO taking what FROM's matched.
// Fields that do not exist are not renamed, so a name matching TO keeps its
// own value when the field it would come from is null.
type wildRename struct{ from, to string }

// apply is what name stands for after the rename, given what names stood
// for before it; ok is false when the rename does not touch the name.
func (w wildRename) apply(name string, before func(string) ast.Expr) (ast.Expr, bool) {
	midTo, toMatch := starMatch(w.to, name)
	_, fromMatch := starMatch(w.from, name)
	if !toMatch && !fromMatch {
		return nil, false
	}
	var old ast.Expr = &ast.Lit{Val: ast.Missing} // renamed away
	if !fromMatch {
		old = before(name)
	}
	if !toMatch {
		return old, true
	}
	in := before(strings.Replace(w.from, "*", midTo, 1))
	if lit, ok := old.(*ast.Lit); ok && lit.Val.IsMissing() {
		return in, true
	}
	return &ast.Call{Fn: "spl.coalesce", Args: []ast.Expr{in, old}}, true
}

// starMatch matches a pattern with one * against a name; mid is what the *
// matched.
func starMatch(pattern, name string) (string, bool) {
	prefix, suffix, _ := strings.Cut(pattern, "*")
	if len(name) < len(prefix)+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return "", false
	}
	return name[len(prefix) : len(name)-len(suffix)], true
}
