package panther

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
)

// dump prints an expression as a compact S-expression without positions, so
// table tests can state the expected lowering in one line.
func dump(x ast.Expr) string {
	switch n := x.(type) {
	case nil:
		return "<nil>"
	case *ast.Lit:
		return n.Val.Repr()
	case *ast.Field:
		return "$" + strings.Join(n.Path, ".")
	case *ast.Default:
		op := "default"
		if n.OnNull {
			op = "default-null"
		}
		return fmt.Sprintf("(%s %s %s)", op, dump(n.X), dump(n.Else))
	case *ast.Not:
		return "(not " + dump(n.X) + ")"
	case *ast.Logic:
		return "(" + n.Op.String() + " " + dumpList(n.Xs) + ")"
	case *ast.Compare:
		return fmt.Sprintf("(%s %s %s)", n.Op, dump(n.X), dump(n.Y))
	case *ast.Match:
		return fmt.Sprintf("(%s %s %q)", n.Kind, dump(n.X), n.Pattern)
	case *ast.In:
		return fmt.Sprintf("(in %s %s)", dump(n.X), dump(n.Y))
	case *ast.Truth:
		return "(truth " + dump(n.X) + ")"
	case *ast.IsNull:
		return "(isnull " + dump(n.X) + ")"
	case *ast.Cond:
		return fmt.Sprintf("(if %s %s %s)", dump(n.If), dump(n.Then), dump(n.Else))
	case *ast.Call:
		parts := []string{n.Fn}
		pos := len(n.Args) - len(n.Keywords)
		for i, a := range n.Args {
			if i >= pos {
				parts = append(parts, n.Keywords[i-pos]+"="+dump(a))
			} else {
				parts = append(parts, dump(a))
			}
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *ast.Concat:
		return "(concat " + dumpList(n.Parts) + ")"
	case *ast.ListLit:
		return "[" + dumpList(n.Elems) + "]"
	case *ast.DictLit:
		var parts []string
		for i := range n.Keys {
			parts = append(parts, dump(n.Keys[i])+": "+dump(n.Vals[i]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *ast.Index:
		return fmt.Sprintf("(index %s %s)", dump(n.X), dump(n.Key))
	case *ast.Helper:
		return fmt.Sprintf("(helper %s [%s] %s)", n.Name, dumpList(n.Args), dump(n.Body))
	case *ast.Local:
		return "@" + n.Name
	case *ast.Let:
		return fmt.Sprintf("(let %s %s %s)", strings.Join(n.Names, ","), dump(n.X), dump(n.Body))
	case *ast.Comp:
		var parts []string
		for _, c := range n.Clauses {
			parts = append(parts, fmt.Sprintf("for %s in %s", strings.Join(c.Vars, ","), dump(c.Iter)))
			for _, f := range c.Ifs {
				parts = append(parts, "if "+dump(f))
			}
		}
		s := fmt.Sprintf("(%s %s %s", n.Kind, dump(n.Elem), strings.Join(parts, " "))
		if n.Val != nil {
			s += " : " + dump(n.Val)
		}
		return s + ")"
	case *ast.Loop:
		s := fmt.Sprintf("(loop %s %s in %s %s", n.Label, strings.Join(n.Vars, ","), dump(n.Iter), dump(n.Body))
		if n.Cond != nil {
			s = fmt.Sprintf("(while %s %s %s", n.Label, dump(n.Cond), dump(n.Body))
		}
		if n.Else != nil {
			s += " else " + dump(n.Else)
		}
		return s + " then " + dump(n.Then) + ")"
	case *ast.Exit:
		if n.Break {
			return "(break " + n.Label + ")"
		}
		return "(next " + n.Label + ")"
	case *ast.Try:
		s := fmt.Sprintf("(try %s %s", n.Label, dump(n.Body))
		for _, h := range n.Handlers {
			s += fmt.Sprintf(" except[%s] %s", strings.Join(h.Types, ","), dump(h.Body))
		}
		if n.Else != nil {
			s += " else " + dump(n.Else)
		}
		return s + " then " + dump(n.Then) + ")"
	}
	return fmt.Sprintf("<%T>", x)
}

func dumpList(xs []ast.Expr) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = dump(x)
	}
	return strings.Join(parts, " ")
}
