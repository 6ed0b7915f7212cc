package ast

// Children returns the direct sub-expressions of x in source order.
func Children(x Expr) []Expr {
	switch n := x.(type) {
	case *Default:
		return []Expr{n.X, n.Else}
	case *Not:
		return []Expr{n.X}
	case *Logic:
		return n.Xs
	case *Compare:
		return []Expr{n.X, n.Y}
	case *Match:
		return []Expr{n.X}
	case *In:
		return []Expr{n.X, n.Y}
	case *Truth:
		return []Expr{n.X}
	case *IsNull:
		return []Expr{n.X}
	case *Exists:
		return []Expr{n.X}
	case *Cond:
		return []Expr{n.If, n.Then, n.Else}
	case *Call:
		return n.Args
	case *Concat:
		return n.Parts
	case *ListLit:
		return n.Elems
	case *DictLit:
		out := make([]Expr, 0, 2*len(n.Keys))
		for i := range n.Keys {
			out = append(out, n.Keys[i], n.Vals[i])
		}
		return out
	case *Index:
		return []Expr{n.X, n.Key}
	case *Helper:
		return []Expr{n.Body}
	case *Elements:
		return []Expr{n.X, n.Pred}
	case *Let:
		return []Expr{n.X, n.Body}
	case *Comp:
		var out []Expr
		for _, c := range n.Clauses {
			out = append(out, c.Iter)
			out = append(out, c.Ifs...)
		}
		out = append(out, n.Elem)
		if n.Val != nil {
			out = append(out, n.Val)
		}
		return out
	case *Loop:
		out := []Expr{n.Iter, n.Body}
		if n.Cond != nil {
			out = []Expr{n.Cond, n.Body}
		}
		if n.Else != nil {
			out = append(out, n.Else)
		}
		return append(out, n.Then)
	case *Try:
		out := []Expr{n.Body}
		for _, h := range n.Handlers {
			out = append(out, h.Body)
		}
		if n.Else != nil {
			out = append(out, n.Else)
		}
		return append(out, n.Then)
	}
	return nil
}

// Inspect calls f for x and, while f returns true, for every sub-expression
// depth-first. Nil expressions are skipped.
func Inspect(x Expr, f func(Expr) bool) {
	if x == nil || !f(x) {
		return
	}
	for _, c := range Children(x) {
		Inspect(c, f)
	}
}

// Contains reports whether x or one of its sub-expressions satisfies f.
func Contains(x Expr, f func(Expr) bool) bool {
	found := false
	Inspect(x, func(e Expr) bool {
		found = found || f(e)
		return !found
	})
	return found
}

// Fields lists the distinct field paths x reads, in first-use order.
func Fields(x Expr) [][]string {
	var out [][]string
	seen := map[string]bool{}
	Inspect(x, func(e Expr) bool {
		if f, ok := e.(*Field); ok {
			k := joinPath(f.Path)
			if !seen[k] {
				seen[k] = true
				out = append(out, f.Path)
			}
		}
		return true
	})
	return out
}

func joinPath(p []string) string {
	s := ""
	for i, e := range p {
		if i > 0 {
			s += "\x00"
		}
		s += e
	}
	return s
}
