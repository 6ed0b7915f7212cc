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
	case *ast.JoinCmd:
		return fmt.Sprintf("join %s max=%d overwrite=%v %s %s", n.Type, n.Max, n.Overwrite, strings.Join(n.Fields, ","), showSub(n.Sub))
	case *ast.AppendCmd:
		return "append " + showSub(n.Sub)
	}
	return fmt.Sprintf("%T", c)
}

func showSub(s *ast.Subsearch) string {
	parts := []string{show(s.Match)}
	for _, c := range s.Pipeline {
		parts = append(parts, showCmd(c))
	}
	return "[" + strings.Join(parts, " | ") + "]"
}
