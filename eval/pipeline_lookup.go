package eval

import (
	"regexp"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
)

// lookupIndex is a lookup table prepared, once per rule, for matching on some
// fields: a map from the match fields' values to the rows holding them, or,
// when a field is WILDCARD, a pattern per row that each lookup tries.
type lookupIndex struct {
	t     *ast.LookupTable
	cols  []int            // table column of each match field
	exact map[string][]int // key of the match values -> rows in file order; nil with wildcards
	pats  [][]*regexp.Regexp
}

func newLookupIndex(t *ast.LookupTable, fields []ast.LookupField) (*lookupIndex, ast.ErrorList) {
	var errs ast.ErrorList
	ix := &lookupIndex{t: t}
	wildcard := false
	for _, f := range fields {
		col := slices.Index(t.Fields, f.Table)
		if col < 0 {
			errs.Add(f.Pos(), ast.CodeParse, "lookup "+t.Name+" has no field "+f.Table)
		}
		ix.cols = append(ix.cols, col)
		wildcard = wildcard || t.Wildcard[f.Table]
	}
	if errs != nil {
		return nil, errs
	}
	if !wildcard {
		ix.exact = map[string][]int{}
		for r, row := range t.Rows {
			k := ix.key(func(i int) string { return cell(row, ix.cols[i]) })
			ix.exact[k] = append(ix.exact[k], r)
		}
		return ix, nil
	}
	ix.pats = make([][]*regexp.Regexp, len(t.Rows))
	for r, row := range t.Rows {
		ix.pats[r] = make([]*regexp.Regexp, len(fields))
		for i, f := range fields {
			pat := regexp.QuoteMeta(cell(row, ix.cols[i]))
			if t.Wildcard[f.Table] {
				pat = translateGlob(cell(row, ix.cols[i]), '*', 0)
			}
			if !t.CaseSensitive {
				pat = "(?i)" + pat
			}
			re, err := regexp.Compile("(?s)^" + pat + "$")
			if err != nil {
				errs.Add(f.Pos(), ast.CodeParse, "lookup "+t.Name+": bad wildcard "+cell(row, ix.cols[i]))
				continue
			}
			ix.pats[r][i] = re
		}
	}
	return ix, errs
}

func cell(row []string, col int) string {
	if col < len(row) {
		return row[col]
	}
	return ""
}

// key joins the match values; case_sensitive_match = false folds them.
func (ix *lookupIndex) key(val func(i int) string) string {
	var b strings.Builder
	for i := range ix.cols {
		v := val(i)
		if !ix.t.CaseSensitive {
			v = strings.ToLower(v)
		}
		b.WriteString(v)
		b.WriteByte(0)
	}
	return b.String()
}

// find returns the rows (in file order, at most MaxMatches) whose match
// fields equal vals.
func (ix *lookupIndex) find(vals []string) []int {
	var out []int
	if ix.exact != nil {
		out = ix.exact[ix.key(func(i int) string { return vals[i] })]
	} else {
		for r := range ix.t.Rows {
			if !slices.ContainsFunc(ix.pats[r], func(re *regexp.Regexp) bool { return re == nil }) &&
				allMatch(ix.pats[r], vals) {
				out = append(out, r)
			}
		}
	}
	if ix.t.MaxMatches > 0 && len(out) > ix.t.MaxMatches {
		out = out[:ix.t.MaxMatches]
	}
	return out
}

func allMatch(pats []*regexp.Regexp, vals []string) bool {
	for i, re := range pats {
		if !re.MatchString(vals[i]) {
			return false
		}
	}
	return true
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
		outCols[i] = slices.Index(c.Table.Fields, o.Table)
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
			if !slices.Contains(out, m) {
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
