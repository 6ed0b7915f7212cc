package eval

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
)

// lookupIndex is a lookup table prepared for matching on some fields: exact
// fields by (possibly case-folded) value, wildcard fields by pattern.
type lookupIndex struct {
	t        *ast.LookupTable
	cols     []int            // table column of each match field
	patterns []*regexp.Regexp // per match field: non-nil for WILDCARD fields, per row
	rowPats  [][]*regexp.Regexp
}

func newLookupIndex(t *ast.LookupTable, fields []ast.LookupField) (*lookupIndex, ast.ErrorList) {
	var errs ast.ErrorList
	ix := &lookupIndex{t: t}
	for _, f := range fields {
		col := indexOf(t.Fields, f.Table)
		if col < 0 {
			errs.Add(f.Pos(), ast.CodeParse, "lookup "+t.Name+" has no field "+f.Table)
		}
		ix.cols = append(ix.cols, col)
	}
	if errs != nil {
		return nil, errs
	}
	ix.rowPats = make([][]*regexp.Regexp, len(t.Rows))
	for r, row := range t.Rows {
		ix.rowPats[r] = make([]*regexp.Regexp, len(fields))
		for i, f := range fields {
			if !t.Wildcard[f.Table] || ix.cols[i] >= len(row) {
				continue
			}
			re, err := compilePattern(ast.MatchWildcard, row[ix.cols[i]], !t.CaseSensitive)
			if err != nil {
				errs.Add(f.Pos(), ast.CodeParse, "lookup "+t.Name+": bad wildcard "+row[ix.cols[i]])
				continue
			}
			ix.rowPats[r][i] = re
		}
	}
	return ix, errs
}

// find returns the rows (in file order, at most MaxMatches) whose match
// fields equal vals.
func (ix *lookupIndex) find(vals []string) []int {
	var out []int
	for r, row := range ix.t.Rows {
		ok := true
		for i, col := range ix.cols {
			cell := ""
			if col < len(row) {
				cell = row[col]
			}
			switch re := ix.rowPats[r][i]; {
			case re != nil:
				ok = re.MatchString(vals[i])
			case ix.t.CaseSensitive:
				ok = cell == vals[i]
			default:
				ok = strings.EqualFold(cell, vals[i])
			}
			if !ok {
				break
			}
		}
		if ok {
			out = append(out, r)
			if ix.t.MaxMatches > 0 && len(out) >= ix.t.MaxMatches {
				break
			}
		}
	}
	return out
}

// lookupStage follows the lookup page of Splunk's Search Reference and
// transforms.conf: a row whose match field is null matches nothing; a
// multivalue match field looks up each value; several matching table rows
// make multivalue outputs; with fewer than min_matches matches every output
// gets default_match; OUTPUT (or no clause) overwrites the outputs, removing
// them when nothing matched, and OUTPUTNEW only fills outputs the row lacks,
// skipping rows that have them all. A row whose match field is absent is left
// as it is.
func lookupStage(c *ast.LookupCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	ix, errs := newLookupIndex(c.Table, c.Match)
	if errs != nil {
		return nil, errs
	}
	outs := c.Output
	if len(outs) == 0 {
		for _, f := range c.Table.Fields {
			if !matchesTableField(c.Match, f) {
				outs = append(outs, ast.LookupField{Table: f, Event: f})
			}
		}
	}
	outCols := make([]int, len(outs))
	for i, o := range outs {
		outCols[i] = indexOf(c.Table.Fields, o.Table)
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			if c.OutputNew && hasAll(r.Fields, outs) {
				continue
			}
			matched, ok := ix.lookupRow(r.Fields, c.Match)
			if !ok {
				continue
			}
			for i, o := range outs {
				if _, has := r.Fields.Get(o.Event); c.OutputNew && has {
					continue
				}
				var vals []ast.Value
				if len(matched) < c.Table.MinMatches {
					vals = append(vals, ast.String(c.Table.DefaultMatch))
				} else {
					for _, m := range matched {
						if row := c.Table.Rows[m]; outCols[i] < len(row) && row[outCols[i]] != "" {
							vals = append(vals, ast.String(row[outCols[i]]))
						}
					}
				}
				switch len(vals) {
				case 0:
					r.Fields.Delete(o.Event)
				case 1:
					r.Fields.Set(o.Event, vals[0])
				default:
					r.Fields.Set(o.Event, ast.List(vals...))
				}
			}
		}
		return rows, nil
	}, nil
}

// lookupRow finds the table rows for a result row; each value of a
// multivalue match field is looked up. It is false when a match field is null
// or absent: the row is not looked up at all.
func (ix *lookupIndex) lookupRow(o *ast.Object, match []ast.LookupField) ([]int, bool) {
	combos := [][]string{nil}
	for _, f := range match {
		v, _ := o.Get(f.Event)
		var texts []string
		switch {
		case v.IsNullish():
			return nil, false
		case v.Kind() == ast.KindList:
			for _, e := range v.AsList() {
				if !e.IsNullish() {
					texts = append(texts, e.Text())
				}
			}
		default:
			texts = []string{v.Text()}
		}
		var next [][]string
		for _, c := range combos {
			for _, t := range texts {
				next = append(next, append(append([]string(nil), c...), t))
			}
		}
		combos = next
	}
	var out []int
	for _, vals := range combos {
		for _, m := range ix.find(vals) {
			if !containsInt(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, true
}

// inputlookupStage emits the table's rows (non-empty cells as fields), which
// come from no event.
func inputlookupStage(c *ast.InputlookupCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	var where *Program
	if c.Where != nil {
		var errs ast.ErrorList
		if where, errs = Compile(c.Where, ast.KeysExact); errs != nil {
			return nil, errs
		}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		var out []Row
		if c.Append {
			out = rows
		}
		for _, tr := range c.Table.Rows {
			o := &ast.Object{}
			for i, f := range c.Table.Fields {
				if i < len(tr) && tr[i] != "" {
					o.Set(f, ast.String(tr[i]))
				}
			}
			if where != nil {
				v, err := where.Eval(rs.env(o))
				if err != nil {
					return nil, err
				}
				if !v.Truth() {
					continue
				}
			}
			out = append(out, Row{Fields: o})
		}
		return out, nil
	}, nil
}

func matchesTableField(match []ast.LookupField, f string) bool {
	for _, m := range match {
		if m.Table == f {
			return true
		}
	}
	return false
}

func hasAll(o *ast.Object, outs []ast.LookupField) bool {
	for _, f := range outs {
		if _, ok := o.Get(f.Event); !ok {
			return false
		}
	}
	return true
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func containsInt(xs []int, n int) bool {
	for _, x := range xs {
		if x == n {
			return true
		}
	}
	return false
}
