package eval

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
)

// subRun is a stage that needs every event of the run, not only the rows that
// reached it: a subsearch searches the same events from the start.
type subRun func(all, rows []Row, rs *runState) ([]Row, error)

// subsearch is a compiled `[...]`.
type subsearch struct {
	match *Program
	pipe  *Pipeline
}

func compileSubsearch(s *ast.Subsearch) (*subsearch, ast.ErrorList) {
	var errs ast.ErrorList
	match, e := Compile(s.Match, ast.KeysExact)
	errs.Append(e)
	pipe, e := CompilePipeline(s.Pipeline)
	errs.Append(e)
	if len(errs) > 0 {
		return nil, errs
	}
	return &subsearch{match: match, pipe: pipe}, nil
}

// run searches all events. Its drops are not reported: an event's verdict is
// about the outer search.
func (s *subsearch) run(rs *runState, all []Row) ([]Row, error) {
	var rows []Row
	for _, r := range all {
		v, err := s.match.Eval(rs.env(r.Fields))
		if err != nil {
			return nil, err
		}
		if v.Truth() {
			rows = append(rows, Row{Fields: r.Fields.Clone(), Src: r.Src})
		}
	}
	out, _, err := s.pipe.run(&runState{now: rs.now}, all, rows)
	return out, err
}

func appendStage(c *ast.AppendCmd) (subRun, ast.ErrorList) {
	sub, errs := compileSubsearch(c.Sub)
	if errs != nil {
		return nil, errs
	}
	return func(all, rows []Row, rs *runState) ([]Row, error) {
		more, err := sub.run(rs, all)
		if err != nil {
			return nil, err
		}
		return append(rows, more...), nil
	}, nil
}

// joinStage follows the join page of Splunk's Search Reference: rows are
// matched on the join fields' values (all fields the two result sets share
// when none are named), each row takes at most Max subsearch rows (0: all),
// subsearch fields replace the row's when Overwrite is set, and an inner join
// drops rows without a match while a left join keeps them.
func joinStage(c *ast.JoinCmd) (subRun, ast.ErrorList) {
	sub, errs := compileSubsearch(c.Sub)
	if errs != nil {
		return nil, errs
	}
	pos := c.Pos()
	return func(all, rows []Row, rs *runState) ([]Row, error) {
		right, err := sub.run(rs, all)
		if err != nil {
			return nil, err
		}
		fields := c.Fields
		if len(fields) == 0 {
			fields = sharedFields(rows, right)
		}
		index := map[string][]int{}
		for i, r := range right {
			if k, ok := joinKey(r.Fields, fields); ok {
				index[k] = append(index[k], i)
			}
		}
		var out []Row
		for _, r := range rows {
			k, ok := joinKey(r.Fields, fields)
			matches := index[k]
			if !ok || len(matches) == 0 {
				if c.Type == "left" {
					out = append(out, r)
					continue
				}
				reason := fmt.Sprintf("join: no subsearch row has the same %s", strings.Join(fields, ", "))
				if !ok {
					reason = fmt.Sprintf("join: the row lacks a join field (%s)", strings.Join(fields, ", "))
				}
				for _, e := range r.Src {
					rs.drop(Drop{Event: e, Pos: pos, Reason: reason})
				}
				continue
			}
			if c.Max > 0 && len(matches) > c.Max {
				matches = matches[:c.Max]
			}
			for _, m := range matches {
				joined := r.Fields.Clone()
				for i, key := range right[m].Fields.Keys {
					if _, has := joined.Get(key); has && !c.Overwrite {
						continue
					}
					joined.Set(key, right[m].Fields.Vals[i])
				}
				out = append(out, Row{Fields: joined, Src: mergeSrc(r.Src, right[m].Src)})
			}
		}
		return out, nil
	}, nil
}

// joinKey is the text of the join fields, or false when one is null or absent.
func joinKey(o *ast.Object, fields []string) (string, bool) {
	var b strings.Builder
	for _, f := range fields {
		v, _ := o.Get(f)
		if v.IsNullish() {
			return "", false
		}
		b.WriteString(v.Text())
		b.WriteByte(0)
	}
	return b.String(), true
}

func sharedFields(left, right []Row) []string {
	in := map[string]bool{}
	for _, r := range right {
		for _, k := range r.Fields.Keys {
			in[k] = true
		}
	}
	var out []string
	for _, r := range left {
		for _, k := range r.Fields.Keys {
			if in[k] && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

func mergeSrc(a, b []int) []int {
	out := append([]int(nil), a...)
	for _, e := range b {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// subsearchFilterStage keeps the rows that match a result row of the
// subsearch the way Splunk's implicit `format` writes them into the outer
// search: `( f1="v1" AND f2="v2" ) OR ( ... )`, fields starting with _ left
// out, a multivalue field as an OR of its values, values matched as search
// terms (case-insensitive, * wildcards); with no result rows, format's
// emptystr `NOT ()` matches nothing (Search Reference, format).
func subsearchFilterStage(c *ast.SubsearchFilterCmd) (subRun, ast.ErrorList) {
	sub, errs := compileSubsearch(c.Sub)
	if errs != nil {
		return nil, errs
	}
	pos := c.Pos()
	return func(all, rows []Row, rs *runState) ([]Row, error) {
		results, err := sub.run(rs, all)
		if err != nil {
			return nil, err
		}
		terms := make([]formattedRow, 0, len(results))
		for _, r := range results {
			fr, err := formatRow(r.Fields)
			if err != nil {
				return nil, fail(pos, "subsearch: %v", err)
			}
			if len(fr) > 0 {
				terms = append(terms, fr)
			}
		}
		var out []Row
		for _, r := range rows {
			if matchesAnyRow(r.Fields, terms) {
				out = append(out, r)
				continue
			}
			for _, e := range r.Src {
				rs.drop(Drop{Event: e, Pos: pos, Reason: fmt.Sprintf("the subsearch's %d result rows do not match the event", len(terms))})
			}
		}
		return out, nil
	}, nil
}

// formattedRow is one row of format's output: every field must match one of
// its patterns.
type formattedRow []struct {
	field    string
	patterns []*regexp.Regexp
}

func formatRow(o *ast.Object) (formattedRow, error) {
	var fr formattedRow
	for i, k := range o.Keys {
		if strings.HasPrefix(k, "_") {
			continue
		}
		var pats []*regexp.Regexp
		for _, v := range values(o.Vals[i]) {
			re, err := compilePattern(ast.MatchWildcard, v.Text(), true)
			if err != nil {
				return nil, err
			}
			pats = append(pats, re)
		}
		if len(pats) > 0 {
			fr = append(fr, struct {
				field    string
				patterns []*regexp.Regexp
			}{k, pats})
		}
	}
	return fr, nil
}

func matchesAnyRow(o *ast.Object, rows []formattedRow) bool {
	for _, fr := range rows {
		ok := true
		for _, f := range fr {
			v, _ := o.Get(f.field)
			if !anyText(v, func(s string) bool {
				for _, re := range f.patterns {
					if re.MatchString(s) {
						return true
					}
				}
				return false
			}) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// tstatsStage runs a tstats search the front end could derive from a data
// model: like a subsearch, it reads every event of the run (tstats generates
// its rows; it does not filter the ones before it).
func tstatsStage(c *ast.TstatsCmd) (subRun, ast.ErrorList) {
	if c.Derived == nil {
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: tstats needs data model %s at %d:%d", c.DataModel, c.Pos().Line, c.Pos().Col)}
	}
	pipe, errs := CompilePipeline(c.Derived)
	if errs != nil {
		return nil, errs
	}
	return func(all, _ []Row, rs *runState) ([]Row, error) {
		rows := make([]Row, len(all))
		for i, r := range all {
			rows[i] = Row{Fields: r.Fields.Clone(), Src: r.Src}
		}
		inner := &runState{now: rs.now}
		out, _, err := pipe.run(inner, all, rows)
		rs.drops = append(rs.drops, inner.drops...)
		return out, err
	}, nil
}
