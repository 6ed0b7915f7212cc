package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
)

// tstatsPipeline rewrites a tstats search over a loaded data model into the
// commands that compute the same rows from raw events: the dataset chain's
// constraints, its Eval calculations, only the data model's fields, named
// with their dataset path (All_Changes.user), then the where clause, bin for
// span=, fillnull for fillnull_value=, and stats. ok is false when the data
// model is not loaded or uses something concord cannot rewrite; why says so.
func (l *lowerer) tstatsPipeline(c *ast.TstatsCmd) (cmds []ast.Command, why string) {
	m := l.models.Get(c.DataModel)
	if m == nil {
		return nil, "needs data model " + modelName(c) + " (load Splunk_SA_CIM with --addons)"
	}
	dataset := c.Dataset
	if dataset == "" {
		roots := m.Roots()
		if len(roots) != 1 {
			return nil, fmt.Sprintf("data model %s has %d root datasets; name one (datamodel=%s.X)", m.Name, len(roots), m.Name)
		}
		dataset = roots[0]
	}
	where := c.Where
	if node, rest, ok := takeNodename(where); ok {
		// nodename=Model.Parent.Child selects that dataset, as from
		// datamodel=Model.Child does; field names keep their full paths.
		parts := strings.Split(node, ".")
		dataset, where = parts[len(parts)-1], rest
		if m.Datasets[dataset] == nil || m.Path(dataset) != node {
			return nil, fmt.Sprintf("data model %s has no dataset %s", m.Name, node)
		}
	}
	if where != nil && mentions(where, "nodename") {
		return nil, "tstats where nodename=... other than one top-level term"
	}
	chain, err := m.Chain(dataset)
	if err != nil {
		return nil, err.Error()
	}
	for _, o := range c.Options {
		if o.Name == "prestats" {
			if b, _ := parseBool(o.Value); b {
				return nil, "tstats prestats=true"
			}
		}
	}
	span := c.Span
	var conds []ast.Expr
	var calcs []ast.Command
	keep := []string{"_time", "host", "source", "sourcetype"}
	var renames []ast.RenamePair
	path := ""
	for _, d := range chain {
		if path != "" {
			path += "."
		}
		path += d.Name
		for _, sk := range d.Skipped {
			for _, f := range sk.Outputs {
				if used(c, path+"."+f) {
					return nil, fmt.Sprintf("data model %s: %s is a %s calculation (%s)", m.Name, path+"."+f, sk.Type, sk.ID)
				}
			}
		}
		for _, s := range d.Constraints {
			x, errs := modelSearch(m.File, s)
			if errs != nil {
				return nil, fmt.Sprintf("data model %s: constraint %q: %v", m.Name, s, errs)
			}
			conds = append(conds, x)
		}
		for _, calc := range d.Calcs {
			cmd, why := calcCommand(m, calc, span)
			if why != "" {
				return nil, why
			}
			calcs = append(calcs, cmd)
		}
		for _, f := range d.Fields {
			keep = append(keep, f)
			renames = append(renames, ast.RenamePair{Span: span, From: f, To: path + "." + f})
		}
	}
	if len(conds) > 0 {
		cmds = append(cmds, &ast.SearchCmd{Span: span, Cond: flatten(span, ast.And, conds)})
	}
	cmds = append(cmds, calcs...)
	cmds = append(cmds, &ast.TableCmd{Span: span, Fields: keep}, &ast.RenameCmd{Span: span, Pairs: renames})
	if where != nil {
		cmds = append(cmds, &ast.SearchCmd{Span: span, Cond: where})
	}
	if c.TimeSpan != "" {
		size, isTime, bad := parseSpan(c.TimeSpan)
		if bad != "" || !isTime {
			return nil, "tstats span=" + c.TimeSpan
		}
		cmds = append(cmds, &ast.BinCmd{Span: span, Field: "_time", SpanText: c.TimeSpan, Size: size, Time: true})
	}
	for _, o := range c.Options {
		if o.Name == "fillnull_value" && len(c.By) > 0 {
			cmds = append(cmds, &ast.FillnullCmd{Span: span, Value: o.Value, Fields: c.By})
		}
	}
	cmds = append(cmds, &ast.StatsCmd{Span: span, Aggs: c.Aggs, By: c.By})
	return cmds, ""
}

func modelName(c *ast.TstatsCmd) string {
	if c.Dataset != "" {
		return c.DataModel + "." + c.Dataset
	}
	return c.DataModel
}

// modelSearch parses a dataset constraint, which lives in the model's file.
// Its macros are the CIM's own (cim_<Model>_indexes).
func modelSearch(file, text string) (ast.Expr, ast.ErrorList) {
	src := &Source{File: file, At: ast.Pos{File: file, Line: 1, Col: 1}, Text: text}
	expanded, sm, errs := Expand(src, cimMacros)
	if errs != nil {
		return nil, errs
	}
	sl := &lowerer{sm: sm, text: expanded}
	x := sl.parseSearchTerms(expanded, 0)
	return x, sl.errs
}

func mentions(x ast.Expr, field string) bool {
	return ast.Contains(x, func(e ast.Expr) bool {
		f, ok := e.(*ast.Field)
		return ok && len(f.Path) == 1 && f.Path[0] == field
	})
}

// calcCommand is a data model calculation as a pipeline command.
func calcCommand(m *datamodel.Model, c datamodel.Calc, span ast.Span) (ast.Command, string) {
	at := ast.Pos{File: m.File, Line: 1, Col: 1}
	switch c.Type {
	case "Eval":
		x, errs := ParseEval(m.File, at, c.Expr)
		if errs != nil {
			return nil, fmt.Sprintf("data model %s: calculation %s: %v", m.Name, c.ID, errs)
		}
		return &ast.EvalCmd{Span: span, Assigns: []ast.Assign{{Span: span, Field: c.Outputs[0], X: x}}}, ""
	case "Rex":
		re, reason := translatePCRE(c.Expr)
		if reason != "" {
			return nil, fmt.Sprintf("data model %s: calculation %s: %s", m.Name, c.ID, reason)
		}
		return &ast.RexCmd{Span: span, Field: c.Input, Pattern: re, MaxMatch: 1}, ""
	}
	return nil, fmt.Sprintf("data model %s: calculation %s of type %s", m.Name, c.ID, c.Type)
}

// used reports whether a tstats command reads field (in an aggregation, the
// where clause or the by clause).
func used(c *ast.TstatsCmd, field string) bool {
	for _, a := range c.Aggs {
		if a.Arg == field || (a.X != nil && mentions(a.X, field)) {
			return true
		}
	}
	for _, b := range c.By {
		if b == field {
			return true
		}
	}
	return c.Where != nil && mentions(c.Where, field)
}

// takeNodename finds a top-level `nodename=X` term of a tstats where clause
// and returns X and the clause without it.
func takeNodename(x ast.Expr) (string, ast.Expr, bool) {
	isNode := func(e ast.Expr) (string, bool) {
		m, ok := e.(*ast.Match)
		if !ok || m.Kind != ast.MatchExact {
			return "", false
		}
		f, ok := m.X.(*ast.Field)
		if !ok || len(f.Path) != 1 || f.Path[0] != "nodename" {
			return "", false
		}
		return m.Pattern, true
	}
	if n, ok := isNode(x); ok {
		return n, nil, true
	}
	lg, ok := x.(*ast.Logic)
	if !ok || lg.Op != ast.And || lg.Operand {
		return "", x, false
	}
	for i, e := range lg.Xs {
		if n, ok := isNode(e); ok {
			rest := append(append([]ast.Expr(nil), lg.Xs[:i]...), lg.Xs[i+1:]...)
			if len(rest) == 1 {
				return n, rest[0], true
			}
			return n, &ast.Logic{Span: lg.Span, Op: ast.And, Xs: rest}, true
		}
	}
	return "", x, false
}
