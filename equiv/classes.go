package equiv

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// otherValue stands for every string no rule mentions.
const otherValue = "concord-other-value"

// classify gives every field its classes: the base event's value first (so
// a counterexample keeps what it does not need to change), then missing,
// null, the empty string, each constant of the conditions on the field with
// its case variants and pattern instantiations, and some other value.
func (d *decision) classify() bool {
	for _, v := range d.varList {
		var cs []Class
		seen := map[string]bool{}
		add := func(label string, val ast.Value) {
			k := val.Kind().String() + ":" + val.Repr()
			if val.Kind() == ast.KindMissing {
				k = "missing"
			}
			if seen[k] {
				return
			}
			seen[k] = true
			cs = append(cs, Class{Label: label, Value: val})
		}
		if bv := ast.ObjectOf(d.base).At(v.path...); bv.Kind() == ast.KindMissing {
			add("missing", ast.Missing)
		} else {
			add("as in the event: "+show(bv), bv)
		}
		add("missing", ast.Missing)
		add("null", ast.Null)
		add(`empty ""`, ast.String(""))
		for _, c := range v.consts {
			for _, x := range variants(c) {
				add(x.Label, x.Value)
			}
		}
		add("another value "+strconv.Quote(otherValue), ast.String(otherValue))
		v.class = cs
	}
	return true
}

func show(v ast.Value) string {
	if v.Kind() == ast.KindString {
		return strconv.Quote(v.AsString())
	}
	return v.Repr()
}

// variants are the values that tell a constant's matches apart: the value,
// its case variants (search terms and Panther's I-conditions fold case,
// Python's == does not), instantiations of a pattern's wildcards, and for a
// number its neighbours and its text.
func variants(c constant) []Class {
	var out []Class
	str := func(label, s string) { out = append(out, Class{Label: label, Value: ast.String(s)}) }
	cases := func(s string) {
		q := strconv.Quote(s)
		str(q, s)
		seen := map[string]bool{s: true}
		for _, v := range []struct{ val, how string }{
			{strings.ToUpper(s), "upper case"}, {strings.ToLower(s), "lower case"}, {flipFirst(s), "first letter in the other case"},
		} {
			if !seen[v.val] {
				seen[v.val] = true
				str(strconv.Quote(v.val)+" ("+v.how+" of "+q+")", v.val)
			}
		}
	}
	switch c.val.Kind() {
	case ast.KindInt, ast.KindFloat:
		n, _ := c.val.Number()
		out = append(out, Class{Label: c.val.Repr(), Value: c.val})
		out = append(out, Class{Label: strconv.Quote(c.val.Text()) + " (as text)", Value: ast.String(c.val.Text())})
		out = append(out, Class{Label: fmt.Sprint(n + 1), Value: ast.Float(n + 1)}, Class{Label: fmt.Sprint(n - 1), Value: ast.Float(n - 1)})
		return out
	case ast.KindBool:
		return []Class{{Label: c.val.Repr(), Value: c.val}, {Label: strconv.Quote(c.val.Text()), Value: ast.String(c.val.Text())}}
	case ast.KindString:
	default:
		return nil
	}
	s := c.val.AsString()
	if !c.pattern {
		cases(s)
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			out = append(out, Class{Label: s + " (as a number)", Value: ast.Float(n)})
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			str(p.Addr().String()+" (in "+s+")", p.Addr().String())
			if out4, ok := outside(p); ok {
				str(out4+" (outside "+s+")", out4)
			}
		}
		return out
	}
	switch c.kind {
	case ast.MatchExact:
		cases(s)
	case ast.MatchWildcard, ast.MatchLike:
		empty, filled := strings.NewReplacer("*", ""), strings.NewReplacer("*", "x")
		if c.kind == ast.MatchLike {
			empty, filled = strings.NewReplacer("%", "", "_", "x"), strings.NewReplacer("%", "x", "_", "x")
		}
		cases(empty.Replace(s))
		cases(filled.Replace(s))
		str(strconv.Quote(s)+" (the pattern as text)", s)
	case ast.MatchPrefix:
		cases(s)
		cases(s + "x")
	case ast.MatchSuffix:
		cases(s)
		cases("x" + s)
	case ast.MatchContains:
		cases(s)
		cases("x" + s + "x")
	}
	return out
}

// outside is an address just outside a prefix (the last bit of the network
// part flipped); none for /0.
func outside(p netip.Prefix) (string, bool) {
	bits := p.Bits()
	if bits == 0 {
		return "", false
	}
	b := p.Masked().Addr().AsSlice()
	i := bits - 1
	b[i/8] ^= 0x80 >> (i % 8)
	a, ok := netip.AddrFromSlice(b)
	return a.String(), ok
}

func flipFirst(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			f := unicode.ToUpper(r)
			if f == r {
				f = unicode.ToLower(r)
			}
			return s[:i] + string(f) + s[i+utf8.RuneLen(r):]
		}
	}
	return s
}

// constants are the values an atom compares with.
func constants(x ast.Expr) []constant {
	var out []constant
	ast.Inspect(x, func(e ast.Expr) bool {
		switch n := e.(type) {
		case *ast.Match:
			if n.Kind != ast.MatchRegex {
				out = append(out, constant{val: ast.String(n.Pattern), kind: n.Kind, pattern: true})
			}
		case *ast.Lit:
			out = append(out, constant{val: n.Val})
		}
		return true
	})
	return out
}

// fieldish is a field read, possibly with a default or case-folded.
func fieldish(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Field:
		return true
	case *ast.Default:
		_, lit := n.Else.(*ast.Lit)
		return lit && fieldish(n.X)
	case *ast.Call:
		switch n.Fn {
		case "lower", "upper", "py.str.lower", "py.str.upper":
			return len(n.Args) == 1 && fieldish(n.Args[0])
		}
	}
	return false
}

func isLit(x ast.Expr) bool {
	_, ok := x.(*ast.Lit)
	return ok
}

// exactAtom: a predicate on one field against constants, whose classes the
// value classes cover.
func exactAtom(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Match:
		return fieldish(n.X) && n.Kind != ast.MatchRegex
	case *ast.Compare:
		return (fieldish(n.X) && isLit(n.Y)) || (isLit(n.X) && fieldish(n.Y))
	case *ast.In:
		l, ok := n.Y.(*ast.ListLit)
		if !ok || !fieldish(n.X) {
			return false
		}
		for _, e := range l.Elems {
			if !isLit(e) {
				return false
			}
		}
		return true
	case *ast.IsNull:
		return fieldish(n.X)
	case *ast.Exists:
		return fieldish(n.X)
	case *ast.Call:
		return n.Fn == "cidrmatch" && len(n.Args) == 2 && isLit(n.Args[0]) && fieldish(n.Args[1])
	}
	return fieldish(x)
}

// existenceAtom tests only whether a field has a value, so a computed field's
// classes are those of its sources' presence.
func existenceAtom(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.IsNull:
		_, ok := n.X.(*ast.Field)
		return ok
	case *ast.Exists:
		_, ok := n.X.(*ast.Field)
		return ok
	}
	return false
}

// boolTyped: the expression always yields a bool (or raises), as Panther
// requires of rule().
func boolTyped(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val.Kind() == ast.KindBool
	case *ast.Logic:
		if !n.Operand {
			return true
		}
		for _, e := range n.Xs {
			if !boolTyped(e) {
				return false
			}
		}
		return true
	case *ast.Cond:
		return boolTyped(n.Then) && boolTyped(n.Else)
	case *ast.Helper:
		return boolTyped(n.Body)
	case *ast.Not, *ast.Compare, *ast.Match, *ast.In, *ast.IsNull, *ast.Exists, *ast.Truth:
		return true
	}
	return false
}
