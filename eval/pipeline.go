package eval

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concordsec/concord/ast"
)

// Row is one Splunk result row. Src lists the input events (by index) it came
// from, so a per-event verdict exists even after aggregation: an event is a hit
// when it contributes to a row that reaches the end of the pipeline.
type Row struct {
	Fields *ast.Object
	Src    []int
}

// Drop records why an event stopped contributing to the result.
type Drop struct {
	Event  int
	Pos    ast.Pos // the command that dropped it
	Reason string
}

// Pipeline is a compiled sequence of Splunk commands.
type Pipeline struct {
	stages []stage
}

type stage struct {
	pos ast.Pos
	run func(rows []Row, rs *runState) ([]Row, error)
	sub subRun // instead of run, for commands with a subsearch
}

// CompilePipeline compiles commands with Splunk's exact field-name semantics.
func CompilePipeline(cmds []ast.Command) (*Pipeline, ast.ErrorList) {
	var errs ast.ErrorList
	p := &Pipeline{}
	for _, cmd := range cmds {
		st := stage{pos: cmd.Pos()}
		var err ast.ErrorList
		switch c := cmd.(type) {
		case *ast.JoinCmd:
			st.sub, err = joinStage(c)
		case *ast.AppendCmd:
			st.sub, err = appendStage(c)
		case *ast.SubsearchFilterCmd:
			st.sub, err = subsearchFilterStage(c)
		case *ast.TstatsCmd:
			st.sub, err = tstatsStage(c)
		default:
			st.run, err = compileCommand(cmd)
		}
		errs.Append(err)
		p.stages = append(p.stages, st)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// Run pushes rows through every stage. Subsearches search rows too; use
// RunAll when the rows are already filtered by a base search.
func (p *Pipeline) Run(rows []Row) ([]Row, []Drop, error) {
	return p.RunAll(rows, rows)
}

// RunAll pushes rows (the events the base search kept) through every stage;
// all is every event of the run, which subsearches search from the start.
// rows enter in Splunk's search order: "For historical searches, the most
// recent events are searched first" (Search Reference, dedup), which is what
// dedup keeps, head and tail cut, streamstats accumulates over and first()
// and last() read. Events with the same _time keep their input order; events
// without a numeric _time come last.
func (p *Pipeline) RunAll(all, rows []Row) ([]Row, []Drop, error) {
	return p.run(&runState{}, all, rows)
}

// RunAt is RunAll for a search started at now: now() and time() give it on
// every row, as Splunk fixes a search's time once.
func (p *Pipeline) RunAt(now time.Time, all, rows []Row) ([]Row, []Drop, error) {
	return p.run(&runState{now: func() time.Time { return now }}, all, rows)
}

// Subsearches says whether a command of p runs a subsearch, which searches
// every event of the run as it was before the pipeline (RunAll's all).
func (p *Pipeline) Subsearches() bool {
	for _, st := range p.stages {
		if st.sub != nil {
			return true
		}
	}
	return false
}

// runState is one pass of a pipeline: the drops so far and the search's time.
type runState struct {
	drops []Drop
	now   func() time.Time
}

func (s *runState) drop(d Drop) { s.drops = append(s.drops, d) }

// env is the evaluation environment of a row.
func (s *runState) env(o *ast.Object) *Env {
	return &Env{Record: ast.ObjectOf(o), Now: s.now}
}

func (p *Pipeline) run(rs *runState, all, rows []Row) ([]Row, []Drop, error) {
	rows = newestFirst(rows)
	for _, st := range p.stages {
		var err error
		if st.sub != nil {
			rows, err = st.sub(all, rows, rs)
		} else {
			rows, err = st.run(rows, rs)
		}
		if err != nil {
			return nil, rs.drops, err
		}
	}
	return rows, rs.drops, nil
}

// newestFirst returns rows sorted by _time, newest first (as Splunk returns
// events), keeping the order of equal times; rows without a time come last.
func newestFirst(rows []Row) []Row {
	type timed struct {
		t  float64
		ok bool
		i  int
	}
	ts := make([]timed, len(rows))
	for i, r := range rows {
		t, ok := eventTime(r)
		ts[i] = timed{t, ok, i}
	}
	slices.SortStableFunc(ts, func(a, b timed) int {
		switch {
		case a.ok && (!b.ok || a.t > b.t):
			return -1
		case b.ok && (!a.ok || b.t > a.t):
			return 1
		}
		return 0
	})
	out := make([]Row, len(rows))
	for j, x := range ts {
		out[j] = rows[x.i]
	}
	return out
}

func eventTime(r Row) (float64, bool) {
	v, _ := r.Fields.Get("_time")
	return splNum(v)
}

func compileCommand(cmd ast.Command) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	switch c := cmd.(type) {
	case *ast.SearchCmd:
		return filterStage("search", c.Cond)
	case *ast.WhereCmd:
		return filterStage("where", c.Cond)
	case *ast.EvalCmd:
		return evalStage(c)
	case *ast.RenameCmd:
		for _, p := range c.Pairs {
			if strings.Contains(p.From, "*") && strings.Count(p.To, "*") != strings.Count(p.From, "*") {
				return nil, ast.ErrorList{ast.Errorf(p.Pos(), ast.CodeParse, "rename %s AS %s: wildcard mismatch", p.From, p.To)}
			}
		}
		return renameStage(c), nil
	case *ast.StatsCmd:
		return statsStage(c)
	case *ast.ConvertCmd:
		return convertStage(c)
	case *ast.TableCmd:
		return fieldsStage(false, false, c.Fields), nil
	case *ast.FieldsCmd:
		return fieldsStage(c.Remove, !c.Remove, c.Fields), nil
	case *ast.EventStatsCmd:
		return eventstatsStage(c)
	case *ast.StreamStatsCmd:
		return streamstatsStage(c)
	case *ast.BinCmd:
		if !(c.Size > 0) {
			return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeParse, "bin span must be greater than 0")}
		}
		return binStage(c), nil
	case *ast.SpathCmd:
		return spathStage(c), nil
	case *ast.MvexpandCmd:
		return mvexpandStage(c), nil
	case *ast.MakemvCmd:
		return makemvStage(c)
	case *ast.FillnullCmd:
		return fillnullStage(c), nil
	case *ast.SortCmd:
		return sortStage(c), nil
	case *ast.DedupCmd:
		return dedupStage(c), nil
	case *ast.HeadCmd:
		if c.Count < 0 {
			return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeParse, "head/tail count must not be negative")}
		}
		return headStage(c), nil
	case *ast.RexCmd:
		return rexStage(c)
	case *ast.RegexCmd:
		return regexStage(c)
	case *ast.ReplaceCmd:
		for _, p := range c.Pairs {
			if n := strings.Count(p.To, "*"); n != 0 && n != strings.Count(p.From, "*") {
				return nil, ast.ErrorList{ast.Errorf(p.Pos(), ast.CodeParse, "replace %s WITH %s: wildcard mismatch", p.From, p.To)}
			}
		}
		return replaceStage(c), nil
	case *ast.FromjsonCmd:
		return fromjsonStage(c), nil
	case *ast.AddtotalsCmd:
		return addtotalsStage(c), nil
	case *ast.LookupCmd:
		return lookupStage(c)
	case *ast.InputlookupCmd:
		return inputlookupStage(c)
	case *ast.IplocationCmd:
		return iplocationStage(c)
	case *ast.XmlkvCmd:
		return xmlkvStage(c)
	case *ast.ForeachCmd:
		return foreachStage(c)
	case *ast.AnomalyDetectionCmd:
		return anomalyStage(c), nil
	case *ast.OutputlookupCmd:
		return func(rows []Row, _ *runState) ([]Row, error) { return rows, nil }, nil
	case *ast.UnsupportedCmd:
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: %s at %d:%d", c.Name, c.Pos().Line, c.Pos().Col)}
	}
	return nil, ast.ErrorList{ast.Errorf(cmd.Pos(), ast.CodeUnsupported, "unsupported: command %T", cmd)}
}

func filterStage(name string, cond ast.Expr) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	prog, errs := Compile(cond, ast.KeysExact)
	if errs != nil {
		return nil, errs
	}
	pos, reason := cond.Pos(), name+" condition is false"
	return func(rows []Row, rs *runState) ([]Row, error) {
		out := rows[:0:0]
		for _, r := range rows {
			v, err := prog.Eval(rs.env(r.Fields))
			if err != nil {
				return nil, err
			}
			if v.Truth() {
				out = append(out, r)
				continue
			}
			for _, e := range r.Src {
				rs.drop(Drop{Event: e, Pos: pos, Reason: reason})
			}
		}
		return out, nil
	}, nil
}

func evalStage(c *ast.EvalCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	var errs ast.ErrorList
	progs := make([]*Program, len(c.Assigns))
	for i, a := range c.Assigns {
		p, e := Compile(a.X, ast.KeysExact)
		errs.Append(e)
		progs[i] = p
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			for i, a := range c.Assigns {
				v, err := progs[i].Eval(rs.env(r.Fields))
				if err != nil {
					return nil, err
				}
				setField(r.Fields, a.Field, v)
			}
		}
		return rows, nil
	}, nil
}

// setField stores v, or removes the field when v is null: Splunk has no null
// field values, an eval to null() leaves the field absent.
func setField(o *ast.Object, name string, v ast.Value) {
	if v.IsNullish() {
		o.Delete(name)
		return
	}
	o.Set(name, v)
}

// renameStage renames fields. When the source field is absent the destination is
// removed as well: rename copies "nothing" over it. Splunk does not document this
// case; OpenSearch's SPL-compatible PPL documents that behaviour for rename, and
// it is what makes `rename user_name as user` blank a user field the add-on set.
func renameStage(c *ast.RenameCmd) func([]Row, *runState) ([]Row, error) {
	wild := make([]*regexp.Regexp, len(c.Pairs))
	for i, p := range c.Pairs {
		if strings.Contains(p.From, "*") {
			wild[i] = wildcardName(p.From)
		}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			for i, p := range c.Pairs {
				if wild[i] != nil {
					renameWildcard(r.Fields, wild[i], p.To)
					continue
				}
				if p.From == p.To {
					continue
				}
				v, ok := r.Fields.Get(p.From)
				r.Fields.Delete(p.From)
				if ok {
					r.Fields.Set(p.To, v)
				} else {
					r.Fields.Delete(p.To)
				}
			}
		}
		return rows, nil
	}
}

// fieldsStage keeps (or with remove drops) the fields matching names, which
// may hold * wildcards. keepInternal is `fields +`: "The fields command does not
// remove these internal fields [_raw and _time] unless you explicitly specify
// that the fields should not appear" (Search Reference, fields); table shows
// only what it lists.
func fieldsStage(remove, keepInternal bool, names []string) func([]Row, *runState) ([]Row, error) {
	pats := make([]*regexp.Regexp, len(names))
	for i, n := range names {
		pats[i] = wildcardName(n)
	}
	if keepInternal {
		for _, n := range []string{"_raw", "_time"} {
			pats = append(pats, wildcardName(n))
		}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for i, r := range rows {
			out := &ast.Object{}
			if remove {
				for j, k := range r.Fields.Keys {
					keep := true
					for _, p := range pats {
						if p.MatchString(k) {
							keep = false
						}
					}
					if keep {
						out.Set(k, r.Fields.Vals[j])
					}
				}
			} else {
				for _, p := range pats {
					for j, k := range r.Fields.Keys {
						if p.MatchString(k) {
							out.Set(k, r.Fields.Vals[j])
						}
					}
				}
			}
			rows[i].Fields = out
		}
		return rows, nil
	}
}

func convertStage(c *ast.ConvertCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	format := c.TimeFormat
	if format == "" {
		format = "%m/%d/%Y %H:%M:%S" // Splunk's documented default for convert
	}
	for _, conv := range c.Conversions {
		if conv.Fn != "ctime" {
			return nil, ast.ErrorList{ast.Errorf(conv.Pos(), ast.CodeUnsupported, "unsupported: convert function %s", conv.Fn)}
		}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			for _, conv := range c.Conversions {
				v, ok := r.Fields.Get(conv.Field)
				if !ok {
					continue
				}
				out := conv.As
				if out == "" {
					out = conv.Field
				}
				// Values that are not epoch numbers are left as they are.
				if t, ok := splNum(v); ok {
					v = ast.String(Strftime(t, format))
				}
				r.Fields.Set(out, v)
			}
		}
		return rows, nil
	}, nil
}

func statsStage(c *ast.StatsCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	aggs, errs := compileAggs("stats", c.Aggs)
	if errs != nil {
		return nil, errs
	}
	names := make([]string, len(c.Aggs))
	for i, a := range c.Aggs {
		names[i] = aggName(a)
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		type group struct {
			id   string
			key  []ast.Value
			rows []Row
		}
		groups := map[string]*group{}
		var order []*group
		byValues := make([][]ast.Value, len(c.By))
		// one holds single-valued by-fields, which need no slice of their own.
		one := make([]ast.Value, len(c.By))
		var id []byte
		add := func(id []byte, k []ast.Value, r Row) {
			g, ok := groups[string(id)]
			if !ok {
				g = &group{id: string(id), key: slices.Clone(k)}
				groups[g.id] = g
				order = append(order, g)
			}
			g.rows = append(g.rows, r)
		}
	rows:
		for _, r := range rows {
			multi := false
			for i, b := range c.By {
				v, _ := r.Fields.Get(b)
				if v.Kind() == ast.KindList {
					byValues[i] = v.AsList()
					multi = true
				} else if !v.IsNullish() {
					one[i] = v
					byValues[i] = one[i : i+1]
				} else {
					byValues[i] = nil
				}
				if len(byValues[i]) == 0 {
					for _, e := range r.Src {
						rs.drop(Drop{Event: e, Pos: c.Pos(), Reason: fmt.Sprintf("stats by %s: the field is null, so stats drops the event", b)})
					}
					continue rows
				}
			}
			if !multi {
				// The usual row: one group, its key the values in one.
				id = appendGroupID(id[:0], one)
				add(id, one, r)
				continue
			}
			for _, k := range groupKeys(byValues) {
				id = appendGroupID(id[:0], k)
				add(id, k, r)
			}
		}
		// Splunk returns stats groups sorted by the by-field values.
		slices.SortFunc(order, func(a, b *group) int { return strings.Compare(a.id, b.id) })
		out := make([]Row, 0, len(order))
		n := len(c.By) + len(c.Aggs)
		for _, g := range order {
			o := &ast.Object{Keys: make([]string, 0, n), Vals: make([]ast.Value, 0, n)}
			for i, b := range c.By {
				o.Set(b, g.key[i])
			}
			for i, a := range c.Aggs {
				setField(o, names[i], aggs[i](a.Arg, g.rows))
			}
			out = append(out, Row{Fields: o, Src: unionSrc(g.rows)})
		}
		return out, nil
	}, nil
}

func groupKeys(byValues [][]ast.Value) [][]ast.Value {
	n := 1
	for _, vs := range byValues {
		n *= len(vs)
	}
	flat := make([]ast.Value, n*len(byValues))
	keys := make([][]ast.Value, n)
	for i := range keys {
		k := flat[i*len(byValues) : (i+1)*len(byValues) : (i+1)*len(byValues)]
		// The last field varies fastest: the combinations come in the order
		// of nested loops over the fields' values.
		rest := i
		for j := len(byValues) - 1; j >= 0; j-- {
			vs := byValues[j]
			k[j] = vs[rest%len(vs)]
			rest /= len(vs)
		}
		keys[i] = k
	}
	return keys
}

// appendGroupID appends the identity of a group, its by-field values as
// text, to dst.
func appendGroupID(dst []byte, k []ast.Value) []byte {
	for i, v := range k {
		if i > 0 {
			dst = append(dst, 0)
		}
		if v.Kind() == ast.KindInt {
			dst = strconv.AppendInt(dst, v.AsInt(), 10) // Text without the string
		} else {
			dst = append(dst, v.Text()...)
		}
	}
	return dst
}

func aggName(a ast.Agg) string {
	if a.As != "" {
		return a.As
	}
	if a.Arg == "" {
		return a.Fn
	}
	return a.Fn + "(" + a.Arg + ")"
}

func unionSrc(rows []Row) []int {
	var out []int
	for _, r := range rows {
		out = append(out, r.Src...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
