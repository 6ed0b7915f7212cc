package eval

import (
	"github.com/concordsec/concord/ast"
)

// Reason is one condition that decided a boolean result: Node evaluated to
// Result on the record, reading Fields. Within is the chain of helpers the node
// sits in (outermost first), so a report can say "aws_cloudtrail_success is false".
type Reason struct {
	Node   ast.Expr
	Result ast.Value
	Err    error
	Fields map[string]ast.Value // field name (path joined with ".") → value read
	Within []string
}

// Explain returns the conditions that decided x's truth on env: for a false
// conjunction the first false conjunct, for a true disjunction the first true
// disjunct, for the other cases every operand; helpers and negations are looked
// through. Expressions are compiled on the fly; Explain is for reports, not the
// hot path.
func Explain(x ast.Expr, keys ast.KeyMode, env *Env) []Reason {
	var out []Reason
	explain(x, keys, env, nil, &out)
	return out
}

func explain(x ast.Expr, keys ast.KeyMode, env *Env, within []string, out *[]Reason) {
	val := func(e ast.Expr) (ast.Value, error) {
		p, errs := Compile(e, keys)
		if errs != nil {
			return ast.Null, errs
		}
		return p.Eval(env)
	}
	switch n := x.(type) {
	case *ast.Helper:
		if _, mocked := env.Mocks[n.Name]; !mocked {
			explain(n.Body, keys, env, append(within[:len(within):len(within)], n.Name), out)
			return
		}
	case *ast.Not:
		explain(n.X, keys, env, within, out)
		return
	case *ast.Truth:
		if isBoolish(n.X) {
			explain(n.X, keys, env, within, out)
			return
		}
	case *ast.Cond:
		c, err := val(n.If)
		if err == nil {
			explain(n.If, keys, env, within, out)
			if c.Truth() {
				explain(n.Then, keys, env, within, out)
			} else {
				explain(n.Else, keys, env, within, out)
			}
			return
		}
	case *ast.Logic:
		v, err := val(n)
		if err == nil {
			decisive := (n.Op == ast.And) != v.Truth() // false and / true or: one operand decided
			if decisive {
				for _, e := range n.Xs {
					ev, err := val(e)
					if err != nil || ev.Truth() == v.Truth() {
						explain(e, keys, env, within, out)
						return
					}
				}
			}
			for _, e := range n.Xs {
				explain(e, keys, env, within, out)
			}
			return
		}
	case *ast.Lit:
		return
	}
	v, err := val(x)
	r := Reason{Node: x, Result: v, Err: err, Fields: map[string]ast.Value{}, Within: within}
	for _, p := range ast.Fields(x) {
		r.Fields[joinDots(p)] = Lookup(env.Record, p, keys)
	}
	*out = append(*out, r)
}

func isBoolish(x ast.Expr) bool {
	switch x.(type) {
	case *ast.Logic, *ast.Not, *ast.Compare, *ast.Match, *ast.In, *ast.IsNull, *ast.Exists, *ast.Truth, *ast.Cond, *ast.Helper:
		return true
	}
	return false
}

func joinDots(p []string) string {
	s := ""
	for i, e := range p {
		if i > 0 {
			s += "."
		}
		s += e
	}
	return s
}
