package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
)

// show renders an expression compactly, without positions, so tests can
// compare lowered trees as strings.
func show(x ast.Expr) string {
	switch n := x.(type) {
	case nil:
		return "<nil>"
	case *ast.Lit:
		return n.Val.Kind().String() + ":" + ast.JSON(n.Val)
	case *ast.Field:
		return strings.Join(n.Path, "/")
	case *ast.Not:
		return "not(" + show(n.X) + ")"
	case *ast.Logic:
		return n.Op.String() + "(" + showList(n.Xs) + ")"
	case *ast.Compare:
		return fmt.Sprintf("cmp(%s %s %s)", show(n.X), n.Op, show(n.Y))
	case *ast.Match:
		flags := ""
		if n.Fold {
			flags += "i"
		}
		if n.Search {
			flags += "s"
		}
		if n.Dialect == ast.SPLEval {
			flags += "_spl"
		}
		return fmt.Sprintf("%s%s(%s %q)", n.Kind, flags, show(n.X), n.Pattern)
	case *ast.Exists:
		return "exists(" + show(n.X) + ")"
	case *ast.IsNull:
		return "isnull(" + show(n.X) + ")"
	case *ast.In:
		return "in(" + show(n.X) + " " + show(n.Y) + ")"
	case *ast.ListLit:
		return "[" + showList(n.Elems) + "]"
	case *ast.Cond:
		return "cond(" + showList([]ast.Expr{n.If, n.Then, n.Else}) + ")"
	case *ast.Call:
		return n.Fn + "(" + showList(n.Args) + ")"
	case *ast.Concat:
		return "concat(" + showList(n.Parts) + ")"
	}
	return fmt.Sprintf("%T", x)
}

func showList(xs []ast.Expr) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = show(x)
	}
	return strings.Join(parts, ", ")
}

// showCmd renders a pipeline command without positions.
func showCmd(c ast.Command) string {
	switch n := c.(type) {
	case *ast.SearchCmd:
		return "search " + show(n.Cond)
	case *ast.WhereCmd:
		return "where " + show(n.Cond)
	case *ast.EvalCmd:
		var parts []string
		for _, a := range n.Assigns {
			parts = append(parts, a.Field+"="+show(a.X))
		}
		return "eval " + strings.Join(parts, "; ")
	case *ast.RenameCmd:
		var parts []string
		for _, p := range n.Pairs {
			parts = append(parts, p.From+"->"+p.To)
		}
		return "rename " + strings.Join(parts, " ")
	case *ast.StatsCmd:
		var parts []string
		for _, a := range n.Aggs {
			parts = append(parts, fmt.Sprintf("%s(%s)->%s", a.Fn, a.Arg, a.As))
		}
		return "stats " + strings.Join(parts, " ") + " by " + strings.Join(n.By, ",")
	case *ast.ConvertCmd:
		var parts []string
		for _, c := range n.Conversions {
			parts = append(parts, fmt.Sprintf("%s(%s)->%s", c.Fn, c.Field, c.As))
		}
		return fmt.Sprintf("convert %q %s", n.TimeFormat, strings.Join(parts, " "))
	case *ast.TableCmd:
		return "table " + strings.Join(n.Fields, ",")
	case *ast.FieldsCmd:
		return fmt.Sprintf("fields remove=%v %s", n.Remove, strings.Join(n.Fields, ","))
	case *ast.UnsupportedCmd:
		return "unsupported " + n.Name
	case *ast.EventStatsCmd:
		return "eventstats " + showAggs(n.Aggs) + " by " + strings.Join(n.By, ",")
	case *ast.StreamStatsCmd:
		return fmt.Sprintf("streamstats current=%v window=%d global=%v reset_on_change=%v %s by %s",
			n.Current, n.Window, n.Global, n.ResetOnChange, showAggs(n.Aggs), strings.Join(n.By, ","))
	case *ast.BinCmd:
		return fmt.Sprintf("bin %s->%s span=%s size=%g time=%v", n.Field, n.As, n.SpanText, n.Size, n.Time)
	case *ast.SpathCmd:
		return fmt.Sprintf("spath input=%s output=%s path=%s", n.Input, n.Output, n.Path)
	case *ast.MvexpandCmd:
		return fmt.Sprintf("mvexpand %s limit=%d", n.Field, n.Limit)
	case *ast.MakemvCmd:
		return fmt.Sprintf("makemv %s delim=%q tokenizer=%q allowempty=%v setsv=%v", n.Field, n.Delim, n.Tokenizer, n.AllowEmpty, n.SetSV)
	case *ast.FillnullCmd:
		return fmt.Sprintf("fillnull value=%q %s", n.Value, strings.Join(n.Fields, ","))
	case *ast.SortCmd:
		return fmt.Sprintf("sort limit=%d %s reverse=%v", n.Limit, showKeys(n.Keys), n.Reverse)
	case *ast.DedupCmd:
		return fmt.Sprintf("dedup %d %s keepempty=%v consecutive=%v keepevents=%v sortby=%s",
			n.Count, strings.Join(n.Fields, ","), n.KeepEmpty, n.Consecutive, n.KeepEvents, showKeys(n.SortBy))
	case *ast.HeadCmd:
		return fmt.Sprintf("head %d tail=%v", n.Count, n.Tail)
	case *ast.RexCmd:
		if n.Sed != nil {
			return fmt.Sprintf("rex field=%s sed=%c %q %q g=%v n=%d", n.Field, n.Sed.Kind, n.Sed.Pattern, n.Sed.Replacement, n.Sed.Global, n.Sed.Nth)
		}
		return fmt.Sprintf("rex field=%s max_match=%d offset_field=%s %q", n.Field, n.MaxMatch, n.OffsetField, n.Pattern)
	case *ast.ReplaceCmd:
		var parts []string
		for _, p := range n.Pairs {
			parts = append(parts, p.From+"->"+p.To)
		}
		return "replace " + strings.Join(parts, " ") + " in " + strings.Join(n.Fields, ",")
	case *ast.AddtotalsCmd:
		return "addtotals " + n.FieldName + " " + strings.Join(n.Fields, ",")
	case *ast.FromjsonCmd:
		return fmt.Sprintf("fromjson %s prefix=%s", n.Field, n.Prefix)
	case *ast.RegexCmd:
		return fmt.Sprintf("regex %s negate=%v %q", n.Field, n.Negate, n.Pattern)
	case *ast.JoinCmd:
		return fmt.Sprintf("join %s max=%d overwrite=%v %s %s", n.Type, n.Max, n.Overwrite, strings.Join(n.Fields, ","), showSub(n.Sub))
	case *ast.AppendCmd:
		return "append " + showSub(n.Sub)
	}
	return fmt.Sprintf("%T", c)
}

func showAggs(as []ast.Agg) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, fmt.Sprintf("%s(%s)->%s", a.Fn, a.Arg, a.As))
	}
	return strings.Join(parts, " ")
}

func showKeys(ks []ast.SortKey) string {
	var parts []string
	for _, k := range ks {
		sign := "+"
		if k.Desc {
			sign = "-"
		}
		parts = append(parts, sign+k.As+"("+k.Field+")")
	}
	return strings.Join(parts, ",")
}

func showSub(s *ast.Subsearch) string {
	parts := []string{show(s.Match)}
	for _, c := range s.Pipeline {
		parts = append(parts, showCmd(c))
	}
	return "[" + strings.Join(parts, " | ") + "]"
}
