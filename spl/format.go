package spl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// FormatCommand writes a pipeline command back as SPL. Expressions inside it
// (where, eval, search, subsearches, tstats where) are rendered by expr, so a
// caller chooses the notation: SPL for conversion, concord's condition notation
// for `parse --ast`.
func FormatCommand(c ast.Command, expr func(ast.Expr) string) string {
	switch c := c.(type) {
	case *ast.SearchCmd:
		return "search " + expr(c.Cond)
	case *ast.WhereCmd:
		return "where " + expr(c.Cond)
	case *ast.EvalCmd:
		parts := make([]string, len(c.Assigns))
		for i, a := range c.Assigns {
			parts[i] = fieldName(a.Field) + "=" + expr(a.X)
		}
		return "eval " + strings.Join(parts, ", ")
	case *ast.RenameCmd:
		parts := make([]string, len(c.Pairs))
		for i, p := range c.Pairs {
			parts[i] = fieldName(p.From) + " AS " + fieldName(p.To)
		}
		return "rename " + strings.Join(parts, ", ")
	case *ast.StatsCmd:
		return "stats " + formatAggs(c.Aggs, expr) + formatBy(c.By)
	case *ast.EventStatsCmd:
		return "eventstats " + formatAggs(c.Aggs, expr) + formatBy(c.By)
	case *ast.StreamStatsCmd:
		opts := fmt.Sprintf("current=%s window=%d global=%s ", boolText(c.Current), c.Window, boolText(c.Global))
		if c.ResetOnChange {
			opts += "reset_on_change=true "
		}
		return "streamstats " + opts + formatAggs(c.Aggs, expr) + formatBy(c.By)
	case *ast.ConvertCmd:
		parts := make([]string, len(c.Conversions))
		for i, v := range c.Conversions {
			parts[i] = v.Fn + "(" + fieldName(v.Field) + ")" + asClause(v.As)
		}
		return fmt.Sprintf("convert timeformat=%s %s", strconv.Quote(c.TimeFormat), strings.Join(parts, " "))
	case *ast.TableCmd:
		return "table " + fieldList(c.Fields)
	case *ast.FieldsCmd:
		if c.Remove {
			return "fields - " + fieldList(c.Fields)
		}
		return "fields " + fieldList(c.Fields)
	case *ast.BinCmd:
		return "bin span=" + c.SpanText + " " + fieldName(c.Field) + asClause(c.As)
	case *ast.SpathCmd:
		s := "spath"
		if c.Input != "" {
			s += " input=" + fieldName(c.Input)
		}
		if c.Output != "" {
			s += " output=" + fieldName(c.Output)
		}
		if c.Path != "" {
			s += " path=" + fieldName(c.Path)
		}
		return s
	case *ast.MvexpandCmd:
		s := "mvexpand " + fieldName(c.Field)
		if c.Limit > 0 {
			s += " limit=" + strconv.Itoa(c.Limit)
		}
		return s
	case *ast.MakemvCmd:
		s := "makemv"
		if c.Tokenizer != "" {
			s += " tokenizer=" + strconv.Quote(c.Tokenizer)
		} else {
			s += " delim=" + strconv.Quote(c.Delim)
		}
		if c.AllowEmpty {
			s += " allowempty=true"
		}
		return s + " " + fieldName(c.Field)
	case *ast.FillnullCmd:
		return strings.TrimSpace("fillnull value=" + strconv.Quote(c.Value) + " " + fieldList(c.Fields))
	case *ast.SortCmd:
		s := "sort " + strconv.Itoa(c.Limit) + " " + sortKeys(c.Keys)
		if c.Reverse {
			s += " desc"
		}
		return s
	case *ast.DedupCmd:
		s := fmt.Sprintf("dedup %d %s", c.Count, fieldList(c.Fields))
		for _, o := range []struct {
			name string
			on   bool
		}{{"keepempty", c.KeepEmpty}, {"consecutive", c.Consecutive}, {"keepevents", c.KeepEvents}} {
			if o.on {
				s += " " + o.name + "=true"
			}
		}
		if len(c.SortBy) > 0 {
			s += " sortby " + sortKeys(c.SortBy)
		}
		return s
	case *ast.HeadCmd:
		if c.Tail {
			return "tail " + strconv.Itoa(c.Count)
		}
		return "head " + strconv.Itoa(c.Count)
	case *ast.RexCmd:
		s := "rex field=" + fieldName(c.Field)
		if c.Sed != nil {
			return s + " mode=sed " + strconv.Quote(formatSed(c.Sed))
		}
		if c.MaxMatch != 1 {
			s += " max_match=" + strconv.Itoa(c.MaxMatch)
		}
		if c.OffsetField != "" {
			s += " offset_field=" + fieldName(c.OffsetField)
		}
		return s + " " + strconv.Quote(c.Pattern)
	case *ast.RegexCmd:
		op := "="
		if c.Negate {
			op = "!="
		}
		return "regex " + fieldName(c.Field) + op + strconv.Quote(c.Pattern)
	case *ast.ReplaceCmd:
		parts := make([]string, len(c.Pairs))
		for i, p := range c.Pairs {
			parts[i] = strconv.Quote(p.From) + " WITH " + strconv.Quote(p.To)
		}
		return "replace " + strings.Join(parts, ", ") + " IN " + fieldList(c.Fields)
	case *ast.FromjsonCmd:
		s := "fromjson " + fieldName(c.Field)
		if c.Prefix != "" {
			s += " prefix=" + strconv.Quote(c.Prefix)
		}
		return s
	case *ast.AddtotalsCmd:
		return strings.TrimSpace("addtotals fieldname=" + fieldName(c.FieldName) + " " + fieldList(c.Fields))
	case *ast.TstatsCmd:
		s := "tstats"
		for _, o := range c.Options {
			s += " " + o.Name + "=" + o.Value
		}
		s += " " + formatAggs(c.Aggs, expr)
		if c.DataModel != "" {
			s += " from datamodel=" + c.DataModel
			if c.Dataset != "" {
				s += "." + c.Dataset
			}
		}
		if c.Where != nil {
			s += " where " + expr(c.Where)
		}
		if len(c.By) > 0 {
			s += " by " + fieldList(c.By)
			if c.TimeSpan != "" {
				s += " span=" + c.TimeSpan
			}
		}
		return s
	case *ast.JoinCmd:
		s := fmt.Sprintf("join type=%s max=%d overwrite=%s", c.Type, c.Max, boolText(c.Overwrite))
		if len(c.Fields) > 0 {
			s += " " + strings.Join(quoteFields(c.Fields), ", ")
		}
		return s + " " + formatSubsearch(c.Sub, expr)
	case *ast.AppendCmd:
		return "append " + formatSubsearch(c.Sub, expr)
	case *ast.SubsearchFilterCmd:
		return "search " + formatSubsearch(c.Sub, expr)
	case *ast.LookupCmd:
		s := "lookup " + c.Table.Name + " " + lookupFields(c.Match)
		if len(c.Output) > 0 {
			kw := " OUTPUT "
			if c.OutputNew {
				kw = " OUTPUTNEW "
			}
			s += kw + lookupFields(c.Output)
		}
		return s
	case *ast.InputlookupCmd:
		s := "inputlookup "
		if c.Append {
			s += "append=true "
		}
		s += c.Table.Name
		if c.Where != nil {
			s += " where " + expr(c.Where)
		}
		return s
	case *ast.ForeachCmd:
		parts := make([]string, len(c.Template))
		for i, t := range c.Template {
			parts[i] = FormatCommand(t, expr)
		}
		r := strings.NewReplacer(c.FieldToken, "<<FIELD>>", c.MatchToken, "<<MATCHSTR>>")
		return "foreach " + fieldList(c.Patterns) + " [" + r.Replace(strings.Join(parts, " | ")) + "]"
	case *ast.XmlkvCmd:
		return "xmlkv " + fieldName(c.Field)
	case *ast.AnomalyDetectionCmd:
		s := "anomalydetection"
		if c.Annotate {
			s += " action=annotate"
		}
		if c.PThresh > 0 {
			s += " pthresh=" + strconv.FormatFloat(c.PThresh, 'g', -1, 64)
		}
		if !c.Cutoff {
			s += " cutoff=false"
		}
		if len(c.Fields) > 0 {
			s += " " + fieldList(c.Fields)
		}
		return s
	case *ast.IplocationCmd:
		s := "iplocation"
		if c.Prefix != "" {
			s += " prefix=" + strconv.Quote(c.Prefix)
		}
		if c.AllFields {
			s += " allfields=true"
		}
		if c.Lang != "en" && c.Lang != "" {
			s += " lang=" + c.Lang
		}
		return s + " " + fieldName(c.Field)
	case *ast.OutputlookupCmd:
		return "outputlookup " + c.Name
	case *ast.UnsupportedCmd:
		return c.Name + " (unsupported)"
	}
	return fmt.Sprintf("%T", c)
}

func formatAggs(aggs []ast.Agg, expr func(ast.Expr) string) string {
	parts := make([]string, len(aggs))
	for i, a := range aggs {
		arg := ""
		if a.Arg != "" {
			arg = fieldName(a.Arg)
		}
		if a.X != nil {
			arg = "eval(" + expr(a.X) + ")"
		}
		s := a.Fn
		if arg != "" {
			s += "(" + arg + ")"
		}
		parts[i] = s + asClause(a.As)
	}
	return strings.Join(parts, " ")
}

func formatBy(by []string) string {
	if len(by) == 0 {
		return ""
	}
	return " by " + fieldList(by)
}

func formatSubsearch(s *ast.Subsearch, expr func(ast.Expr) string) string {
	parts := []string{"search " + expr(s.Match)}
	for _, c := range s.Pipeline {
		parts = append(parts, FormatCommand(c, expr))
	}
	return "[" + strings.Join(parts, " | ") + "]"
}

func formatSed(s *ast.SedExpr) string {
	if s.Kind == 'y' {
		return "y/" + s.Pattern + "/" + s.Replacement + "/"
	}
	flags := ""
	switch {
	case s.Global:
		flags = "g"
	case s.Nth > 0:
		flags = strconv.Itoa(s.Nth)
	}
	return "s/" + s.Pattern + "/" + s.Replacement + "/" + flags
}

func sortKeys(keys []ast.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		sign := "+"
		if k.Desc {
			sign = "-"
		}
		parts[i] = sign + k.As + "(" + fieldName(k.Field) + ")"
	}
	return strings.Join(parts, " ")
}

func lookupFields(fs []ast.LookupField) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fieldName(f.Table)
		if f.Event != f.Table {
			parts[i] += " AS " + fieldName(f.Event)
		}
	}
	return strings.Join(parts, ", ")
}

func asClause(as string) string {
	if as == "" {
		return ""
	}
	return " AS " + fieldName(as)
}

func fieldList(fs []string) string { return strings.Join(quoteFields(fs), " ") }

func quoteFields(fs []string) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fieldName(f)
	}
	return out
}

// fieldName quotes a field name that is not one word of the command grammar.
func fieldName(f string) string {
	if f != "" && !strings.ContainsAny(f, " \t\",=|[]") {
		return f
	}
	return strconv.Quote(f)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
