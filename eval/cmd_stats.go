package eval

import (
	"fmt"

	"github.com/concordsec/concord/ast"
)

// compileAggs looks up the aggregation of every Agg, reporting the ones the
// evaluator does not implement.
func compileAggs(cmd string, as []ast.Agg) ([]aggregator, ast.ErrorList) {
	var errs ast.ErrorList
	out := make([]aggregator, len(as))
	for i, a := range as {
		f, ok := aggregators[a.Fn]
		if !ok {
			errs.Add(a.Pos(), ast.CodeUnsupported, fmt.Sprintf("unsupported: %s function %s at %d:%d", cmd, a.Fn, a.Pos().Line, a.Pos().Col))
			continue
		}
		out[i] = f
	}
	return out, errs
}

// byKey is the group of a row under a by-clause: ok is false when a by-field
// is null or missing (the row is in no group). A multivalue by-field is an
// error: eventstats and streamstats give one value per row, and Splunk does not
// document which group's value a row in several groups gets.
func byKey(cmd string, pos ast.Pos, by []string, r Row) (key string, ok bool, err error) {
	parts := make([]ast.Value, len(by))
	for i, b := range by {
		v, _ := r.Fields.Get(b)
		vs := values(v)
		switch {
		case len(vs) == 0:
			return "", false, nil
		case len(vs) > 1:
			return "", false, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported,
				Msg: fmt.Sprintf("%s by the multivalue field %s", cmd, b)}
		}
		parts[i] = vs[0]
	}
	return groupID(parts), true, nil
}

// eventstatsStage: "Generates summary statistics from fields in your events and
// saves those statistics in a new field" (Search Reference, eventstats). Every
// row stays; a row whose by-field is null is in no group and gets no aggregate.
func eventstatsStage(c *ast.EventStatsCmd) (func([]Row, *[]Drop) ([]Row, error), ast.ErrorList) {
	aggs, errs := compileAggs("eventstats", c.Aggs)
	if errs != nil {
		return nil, errs
	}
	return func(rows []Row, _ *[]Drop) ([]Row, error) {
		groups := map[string][]int{}
		var order []string
		for i, r := range rows {
			k, ok, err := byKey("eventstats", c.Pos(), c.By, r)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if _, seen := groups[k]; !seen {
				order = append(order, k)
			}
			groups[k] = append(groups[k], i)
		}
		// Every aggregate is computed before any is stored, so `max(x) AS x`
		// reads the values the rows came in with.
		results := map[string][]ast.Value{}
		for _, k := range order {
			members := make([]Row, len(groups[k]))
			for j, i := range groups[k] {
				members[j] = rows[i]
			}
			vals := make([]ast.Value, len(c.Aggs))
			for j, a := range c.Aggs {
				vals[j] = aggs[j](a.Arg, members)
			}
			results[k] = vals
		}
		for _, k := range order {
			for _, i := range groups[k] {
				for j, a := range c.Aggs {
					setField(rows[i].Fields, aggName(a), results[k][j])
				}
			}
		}
		return rows, nil
	}, nil
}

// streamstatsStage: each row gets the statistics of the rows seen so far in
// its group (Search Reference, streamstats: current, window, global,
// reset_on_change).
func streamstatsStage(c *ast.StreamStatsCmd) (func([]Row, *[]Drop) ([]Row, error), ast.ErrorList) {
	aggs, errs := compileAggs("streamstats", c.Aggs)
	if errs != nil {
		return nil, errs
	}
	type seen struct {
		row Row // the row as it came in, before streamstats added fields
		key string
		ok  bool
	}
	return func(rows []Row, _ *[]Drop) ([]Row, error) {
		var history []seen
		prevKey, havePrev := "", false
		for _, r := range rows {
			k, ok, err := byKey("streamstats", c.Pos(), c.By, r)
			if err != nil {
				return nil, err
			}
			if c.ResetOnChange && havePrev && (k != prevKey || !ok) {
				history = nil
			}
			prevKey, havePrev = k, ok
			cur := seen{row: Row{Fields: cloneObject(r.Fields), Src: r.Src}, key: k, ok: ok}
			if !ok {
				history = append(history, cur)
				continue
			}
			window := history
			if c.Current {
				window = append(window[:len(window):len(window)], cur)
			}
			if c.Window > 0 && c.Global && len(window) > c.Window {
				window = window[len(window)-c.Window:]
			}
			var members []Row
			for _, h := range window {
				if h.ok && h.key == k {
					members = append(members, h.row)
				}
			}
			if c.Window > 0 && !c.Global && len(members) > c.Window {
				members = members[len(members)-c.Window:]
			}
			vals := make([]ast.Value, len(c.Aggs))
			for j, a := range c.Aggs {
				vals[j] = aggs[j](a.Arg, members)
			}
			for j, a := range c.Aggs {
				setField(r.Fields, aggName(a), vals[j])
			}
			history = append(history, cur)
		}
		return rows, nil
	}, nil
}

func cloneObject(o *ast.Object) *ast.Object {
	return &ast.Object{Keys: append([]string(nil), o.Keys...), Vals: append([]ast.Value(nil), o.Vals...)}
}
