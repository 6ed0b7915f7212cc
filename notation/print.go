package notation

import (
	"math"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Precedence levels, loosest first.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precDefault
	precPostfix
	precPrimary
)

var (
	pyCmp  = [...]string{"eq", "ne", "lt", "le", "gt", "ge"}
	splCmp = [...]string{"==", "!=", "<", "<=", ">", ">="}
	// matchWords are indexed by ast.MatchKind.
	matchWords = [...]string{"equals", "wildcard", "starts_with", "ends_with", "contains", "regex", "like"}
)

// reserved words cannot start a field path or name a call without quotes.
var reserved = map[string]bool{
	"not": true, "and": true, "or": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	"in": true, "in_spl": true, "in_set": true, "default": true, "default_null": true,
	"truthy": true, "is_null": true, "is_not_null": true, "exists": true,
	"if": true, "concat": true, "concat_spl": true, "helper": true, "const": true,
	"event": true, "true": true, "false": true, "null": true, "missing": true, "nan": true,
	"any_element": true, "all_elements": true, "no_element": true, "only_one_element": true,
	// Python statement forms (ast.Local, Let, Comp, Loop, Exit, Try) and their parts.
	"local": true, "let": true, "comp": true, "for": true, "val": true, "loop": true,
	"loop_else": true, "next": true, "break": true, "try": true, "except": true, "try_else": true,
	"while": true,
}

func init() {
	for _, w := range matchWords {
		reserved[w] = true
		reserved["i"+w] = true
	}
	reserved["regex_spl"], reserved["like_spl"] = true, true
}

// matchOp is the keyword of a Match: [~][i]kind[_spl], where ~ marks search-term
// semantics and _spl eval's like() and match().
func matchOp(n *ast.Match) string {
	w := "match?"
	if int(n.Kind) < len(matchWords) {
		w = matchWords[n.Kind]
	}
	if n.Fold {
		w = "i" + w
	}
	if n.Search {
		w = "~" + w
	}
	if n.Dialect == ast.SPLEval {
		w += "_spl"
	}
	return w
}

// parseMatchOp is the inverse of matchOp; it fills the flags of m.
func parseMatchOp(op string, m *ast.Match) bool {
	if s, ok := strings.CutPrefix(op, "~"); ok {
		m.Search = true
		op = s
	}
	if s, ok := strings.CutSuffix(op, "_spl"); ok {
		m.Dialect = ast.SPLEval
		op = s
	}
	for i, w := range matchWords {
		switch op {
		case w:
			m.Kind = ast.MatchKind(i)
			return true
		case "i" + w:
			m.Kind, m.Fold = ast.MatchKind(i), true
			return true
		}
	}
	return false
}

// Print renders x in condition notation. A top-level non-operand And with two or
// more operands is printed one conjunct per line; everything else is one line.
// The result has no trailing newline.
func Print(x ast.Expr) string {
	if l, ok := x.(*ast.Logic); ok && l.Op == ast.And && !l.Operand && len(l.Xs) >= 2 {
		var b strings.Builder
		for i, c := range l.Xs {
			if i > 0 {
				b.WriteByte('\n')
			}
			// A conjunct must not itself start a new top-level And: print it on
			// its own line at full expression level.
			b.WriteString(expr(c, precOr))
		}
		return b.String()
	}
	return PrintInline(x)
}

// PrintInline renders x on one line (top-level And joined with " and ").
func PrintInline(x ast.Expr) string { return expr(x, precOr) }

func prec(x ast.Expr) int {
	switch n := x.(type) {
	case *ast.Logic:
		if len(n.Xs) < 2 {
			return precPrimary
		}
		if n.Op == ast.Or {
			return precOr
		}
		return precAnd
	case *ast.Not:
		if _, ok := n.X.(*ast.IsNull); ok {
			return precCmp
		}
		return precNot
	case *ast.Compare, *ast.Match, *ast.In, *ast.Truth, *ast.IsNull, *ast.Exists:
		return precCmp
	case *ast.Default:
		return precDefault
	case *ast.Index:
		return precPostfix
	}
	return precPrimary
}

// expr prints x, parenthesised when its precedence is below min.
func expr(x ast.Expr, min int) string {
	if x == nil {
		return "<nil>"
	}
	s := bare(x)
	if prec(x) < min {
		return "(" + s + ")"
	}
	return s
}

func logicWord(op ast.LogicOp, operand bool) string {
	w := op.String()
	if operand {
		w += "*"
	}
	return w
}

func bare(x ast.Expr) string {
	switch n := x.(type) {
	case *ast.Lit:
		return literal(n.Val, true)
	case *ast.Field:
		return fieldPath(n.Path)
	case *ast.Logic:
		w := logicWord(n.Op, n.Operand)
		if len(n.Xs) < 2 {
			return w + "(" + listExpr(n.Xs) + ")"
		}
		p := prec(n)
		parts := make([]string, len(n.Xs))
		for i, c := range n.Xs {
			parts[i] = expr(c, p+1)
		}
		return strings.Join(parts, " "+w+" ")
	case *ast.Not:
		if in, ok := n.X.(*ast.IsNull); ok {
			return expr(in.X, precDefault) + " is_not_null"
		}
		return "not " + expr(n.X, precNot)
	case *ast.Compare:
		var op string
		if int(n.Op) < len(pyCmp) {
			op = pyCmp[n.Op]
			if n.Dialect == ast.SPLEval {
				op = splCmp[n.Op]
			}
		} else {
			op = "cmp?"
		}
		return expr(n.X, precDefault) + " " + op + " " + expr(n.Y, precDefault)
	case *ast.Match:
		return expr(n.X, precDefault) + " " + matchOp(n) + " " + strconv.Quote(n.Pattern)
	case *ast.In:
		op := "in"
		if n.Dialect == ast.SPLEval {
			op = "in_spl"
		} else if n.Hashed {
			op = "in_set"
		}
		return expr(n.X, precDefault) + " " + op + " " + expr(n.Y, precDefault)
	case *ast.Truth:
		return expr(n.X, precDefault) + " truthy"
	case *ast.IsNull:
		return expr(n.X, precDefault) + " is_null"
	case *ast.Exists:
		return expr(n.X, precDefault) + " exists"
	case *ast.Default:
		op := "default"
		if n.OnNull {
			op = "default_null"
		}
		return expr(n.X, precDefault) + " " + op + " " + expr(n.Else, precPostfix)
	case *ast.Index:
		return expr(n.X, precPostfix) + "[" + expr(n.Key, precOr) + "]"
	case *ast.Cond:
		return "if(" + listExpr([]ast.Expr{n.If, n.Then, n.Else}) + ")"
	case *ast.Call:
		return name(n.Fn) + "(" + callArgs(n.Args, n.Keywords) + ")"
	case *ast.Concat:
		fn := "concat"
		if n.Dialect == ast.SPLEval {
			fn = "concat_spl"
		}
		return fn + "(" + listExpr(n.Parts) + ")"
	case *ast.ListLit:
		return "[" + listExpr(n.Elems) + "]"
	case *ast.DictLit:
		var b strings.Builder
		b.WriteByte('{')
		m := max(len(n.Keys), len(n.Vals))
		for i := 0; i < m; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			var k, v ast.Expr
			if i < len(n.Keys) {
				k = n.Keys[i]
			}
			if i < len(n.Vals) {
				v = n.Vals[i]
			}
			b.WriteString(expr(k, precOr))
			b.WriteString(": ")
			b.WriteString(expr(v, precOr))
		}
		b.WriteByte('}')
		return b.String()
	case *ast.Helper:
		return "helper " + name(n.Name) + "(" + listExpr(n.Args) + ") { " + expr(n.Body, precOr) + " }"
	case *ast.Elements:
		return n.Quant.String() + "(" + expr(n.X, precOr) + ") { " + expr(n.Pred, precOr) + " }"
	case *ast.Local:
		return "local(" + strconv.Quote(n.Name) + ")"
	case *ast.Let:
		return "let(" + names(n.Names) + ", " + listExpr([]ast.Expr{n.X, n.Body}) + ")"
	case *ast.Comp:
		kind := "comp?"
		if int(n.Kind) < len(compKinds) {
			kind = compKinds[n.Kind]
		}
		parts := []string{strconv.Quote(kind), expr(n.Elem, precOr)}
		for _, c := range n.Clauses {
			parts = append(parts, "for("+names(c.Vars)+", "+listExpr(append([]ast.Expr{c.Iter}, c.Ifs...))+")")
		}
		if n.Val != nil {
			parts = append(parts, "val("+expr(n.Val, precOr)+")")
		}
		return "comp(" + strings.Join(parts, ", ") + ")"
	case *ast.Loop:
		s := "loop(" + strconv.Quote(n.Label) + ", " + stringList(n.Vars) + ", " + listExpr([]ast.Expr{n.Iter, n.Body, n.Then})
		if n.Cond != nil {
			s = "while(" + strconv.Quote(n.Label) + ", " + listExpr([]ast.Expr{n.Cond, n.Body, n.Then})
		}
		if n.Else != nil {
			s += ", loop_else(" + expr(n.Else, precOr) + ")"
		}
		return s + ")"
	case *ast.Exit:
		if n.Break {
			return "break(" + strconv.Quote(n.Label) + ")"
		}
		return "next(" + strconv.Quote(n.Label) + ")"
	case *ast.Try:
		s := "try(" + strconv.Quote(n.Label) + ", " + listExpr([]ast.Expr{n.Body, n.Then})
		for _, h := range n.Handlers {
			s += ", except(" + stringList(h.Types) + ", " + expr(h.Body, precOr) + ")"
		}
		if n.Else != nil {
			s += ", try_else(" + expr(n.Else, precOr) + ")"
		}
		return s + ")"
	}
	return "<unknown>"
}

// compKinds are ast.CompKind's spellings, indexed by kind.
var compKinds = [...]string{"list", "set", "dict", "any", "all", "first"}

// names renders local names: one as a string, several as a list of strings.
func names(ns []string) string {
	if len(ns) == 1 {
		return strconv.Quote(ns[0])
	}
	return stringList(ns)
}

func stringList(ns []string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Quote(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func listExpr(xs []ast.Expr) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = expr(x, precOr)
	}
	return strings.Join(parts, ", ")
}

// callArgs renders positional arguments, then the last len(kws) as name=value.
func callArgs(args []ast.Expr, kws []string) string {
	np := len(args) - len(kws)
	parts := make([]string, 0, max(len(args), len(kws)))
	for i := 0; i < np; i++ {
		parts = append(parts, expr(args[i], precOr))
	}
	for i, k := range kws {
		var v ast.Expr
		if j := np + i; j >= 0 {
			v = args[j]
		}
		if !isIdent(k) {
			k = quoteSingle(k)
		}
		parts = append(parts, k+"="+expr(v, precOr))
	}
	return strings.Join(parts, ", ")
}

// literal renders a value; top says whether a list or object needs `const`.
func literal(v ast.Value, top bool) string {
	switch v.Kind() {
	case ast.KindMissing:
		return "missing"
	case ast.KindNull:
		return "null"
	case ast.KindBool:
		if v.AsBool() {
			return "true"
		}
		return "false"
	case ast.KindInt:
		return strconv.FormatInt(v.AsInt(), 10)
	case ast.KindFloat:
		return formatFloat(v.AsFloat())
	case ast.KindString:
		return strconv.Quote(v.AsString())
	case ast.KindList:
		parts := make([]string, len(v.AsList()))
		for i, e := range v.AsList() {
			parts[i] = literal(e, false)
		}
		s := "[" + strings.Join(parts, ", ") + "]"
		if top {
			s = "const " + s
		}
		return s
	case ast.KindObject:
		var b strings.Builder
		if top {
			b.WriteString("const ")
		}
		b.WriteByte('{')
		if o := v.AsObject(); o != nil {
			for i, k := range o.Keys {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Quote(k))
				b.WriteString(": ")
				var e ast.Value
				if i < len(o.Vals) {
					e = o.Vals[i]
				}
				b.WriteString(literal(e, false))
			}
		}
		b.WriteByte('}')
		return b.String()
	}
	return "<value?>"
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// isIdent reports whether s can be written bare as a path element.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_', r == '@', r == '$':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// fieldPath renders a path: identifiers bare, everything else single-quoted.
func fieldPath(path []string) string {
	if len(path) == 0 {
		return "event"
	}
	parts := make([]string, len(path))
	for i, e := range path {
		if isIdent(e) && (i > 0 || !reserved[e]) {
			parts[i] = e
		} else {
			parts[i] = quoteSingle(e)
		}
	}
	return strings.Join(parts, ".")
}

// name renders a call or helper name: dotted identifiers bare, otherwise one
// single-quoted string.
func name(s string) string {
	segs := strings.Split(s, ".")
	for i, e := range segs {
		if !isIdent(e) || (i == 0 && reserved[e]) {
			return quoteSingle(s)
		}
	}
	return s
}

// quoteSingle quotes s in single quotes with Go escapes (\' for the quote).
func quoteSingle(s string) string {
	q := strconv.Quote(s)
	q = q[1 : len(q)-1]
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\\' && i+1 < len(q):
			if q[i+1] == '"' {
				b.WriteByte('"')
			} else {
				b.WriteByte('\\')
				b.WriteByte(q[i+1])
			}
			i++
		case c == '\'':
			b.WriteString(`\'`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
