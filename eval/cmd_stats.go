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
		f, ok := LookupAggregate(a.Fn)
		if !ok {
			errs.Add(a.Pos(), ast.CodeUnsupported, fmt.Sprintf("unsupported: %s function %s at %d:%d", cmd, a.Fn, a.Pos().Line, a.Pos().Col))
			continue
		}
		if a.X != nil {
			prog, perrs := Compile(a.X, ast.KeysExact)
			if perrs != nil {
				errs.Append(perrs)
				continue
			}
			f = aggOfEval(f, prog)
		}
		out[i] = f
	}
	return out, errs
}

// evalArg is the field name the rows of an eval argument carry; no Splunk
// field can have it.
const evalArg = "\x00eval"

// aggOfEval aggregates the value of an expression instead of a field: each row
// becomes {evalArg: value, _time} and f aggregates evalArg. A false result
// counts as no value, so count(eval(cond)) counts the rows where cond holds
// (Search Manual, "Use the stats command and functions"); an evaluation error
// also gives no value.
func aggOfEval(f aggregator, prog *Program) aggregator {
	return func(_ string, rows []Row) ast.Value {
		projected := make([]Row, len(rows))
		for i, r := range rows {
			v, err := prog.Eval(&Env{Record: ast.ObjectOf(r.Fields)})
			if err != nil || (v.Kind() == ast.KindBool && !v.AsBool()) {
				v = ast.Null
			}
			o := &ast.Object{}
			if !v.IsNullish() {
				o.Set(evalArg, v)
			}
			if t, ok := r.Fields.Get("_time"); ok {
				o.Set("_time", t)
			}
			projected[i] = Row{Fields: o, Src: r.Src}
		}
		return f(evalArg, projected)
	}
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
	return string(appendGroupID(nil, parts)), true, nil
}

// eventstatsStage: "Generates summary statistics from fields in your events and
// saves those statistics in a new field" (Search Reference, eventstats). Every
// row stays; a row whose by-field is null is in no group and gets no aggregate.
func eventstatsStage(c *ast.EventStatsCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	aggs, errs := compileAggs("eventstats", c.Aggs)
	if errs != nil {
		return nil, errs
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
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
func streamstatsStage(c *ast.StreamStatsCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	aggs, errs := compileAggs("streamstats", c.Aggs)
	if errs != nil {
		return nil, errs
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		// Each group's rows as they came in (before streamstats added fields),
		// with their position in the stream for global windows.
		groups := map[string][]Row{}
		seqs := map[string][]int{}
		prevKey, havePrev := "", false
		for seq, r := range rows {
			k, ok, err := byKey("streamstats", c.Pos(), c.By, r)
			if err != nil {
				return nil, err
			}
			if c.ResetOnChange && havePrev && (k != prevKey || !ok) {
				groups, seqs = map[string][]Row{}, map[string][]int{}
			}
			prevKey, havePrev = k, ok
			if !ok {
				continue
			}
			cur := Row{Fields: r.Fields.Clone(), Src: r.Src}
			members, at := groups[k], seqs[k]
			if c.Current {
				members = append(members[:len(members):len(members)], cur)
				at = append(at[:len(at):len(at)], seq)
			}
			if c.Window > 0 {
				first := len(members) - c.Window // per-group window
				if c.Global {
					// One window of the last Window rows of the stream (the
					// current one included when current=true), of which the
					// group's rows count.
					oldest := seq - c.Window
					if c.Current {
						oldest++
					}
					first = len(at)
					for first > 0 && at[first-1] >= oldest {
						first--
					}
				}
				if first > 0 {
					members = members[first:]
				}
			}
			vals := make([]ast.Value, len(c.Aggs))
			for j, a := range c.Aggs {
				vals[j] = aggs[j](a.Arg, members)
			}
			for j, a := range c.Aggs {
				setField(r.Fields, aggName(a), vals[j])
			}
			groups[k] = append(groups[k], cur)
			seqs[k] = append(seqs[k], seq)
		}
		return rows, nil
	}, nil
}
