package convert

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/portable"
)

// Panther simple detections' conditions (panther/detection.go lowers them;
// eval/panther_match.go runs them): IP conditions, Has, element tests,
// comparisons with constants that are not strings, OnlyOne.

// yamlCall lifts yaml.in_cidr, yaml.ip and yaml.has; ok is false for other
// calls.
func (l *lifter) yamlCall(n *ast.Call) (portable.Expr, bool, error) {
	switch n.Fn {
	case "yaml.in_cidr", "yaml.ip":
		if len(n.Args) != 2 {
			return nil, false, nil
		}
		f, fold, err := l.field(n.Args[0])
		arg, ok := str(n.Args[1])
		if err != nil || fold || !ok {
			return nil, true, l.fail(n, "an IP condition on something other than a field")
		}
		path := strings.Join(f, ".")
		l.lossy = append(l.lossy, portable.Lossy{Fields: []string{path}, Either: true, Kinds: []string{"assignment"},
			Reason: "Panther's IP conditions trim spaces around the address, read an IPv4-mapped IPv6 address as IPv4 and accept a %zone; the conversion's CIDR test does not."})
		if n.Fn == "yaml.in_cidr" {
			return &portable.Atom{Field: f, Op: portable.CIDR, Values: []string{arg}}, true, nil
		}
		private := &portable.Atom{Field: f, Op: portable.CIDR, Values: eval.PrivateIPBlocks()}
		switch arg {
		case "private":
			return private, true, nil
		case "public":
			// A global unicast address (Go's IsGlobalUnicast: not multicast,
			// not the broadcast, loopback, link-local or unspecified ones,
			// which the private blocks hold) that is not private.
			any := &portable.Atom{Field: f, Op: portable.CIDR, Values: []string{"0.0.0.0/0", "::/0"}}
			multicast := &portable.Atom{Field: f, Op: portable.CIDR, Values: []string{"224.0.0.0/4", "ff00::/8"}}
			return &portable.And{Xs: []portable.Expr{any, &portable.Not{X: private}, &portable.Not{X: multicast}}}, true, nil
		case "v4":
			return &portable.Atom{Field: f, Op: portable.CIDR, Values: []string{"0.0.0.0/0"}}, true, nil
		case "v6":
			return &portable.Atom{Field: f, Op: portable.CIDR, Values: []string{"::/0"}}, true, nil
		}
		return nil, true, l.fail(n, fmt.Sprintf("an IP condition of kind %q", arg))
	case "yaml.has":
		if len(n.Args) != 3 {
			return nil, false, nil
		}
		f, fold, err := l.field(n.Args[0])
		v, ok := str(n.Args[1])
		foldLit, ok2 := n.Args[2].(*ast.Lit)
		if err != nil || fold || !ok || !ok2 || foldLit.Val.Kind() != ast.KindBool {
			return nil, true, l.fail(n, "Has of something other than a field and a string")
		}
		ci := foldLit.Val.AsBool()
		// Has is Python's `value in field`: a substring of a string, an
		// element of a list, a key of an object.
		l.lossy = append(l.lossy, portable.Lossy{Fields: []string{strings.Join(f, ".")}, Either: true, Kinds: []string{"assignment"},
			Reason: fmt.Sprintf("Panther's Has also finds %q as a key of an object; the conversion tests strings and list elements only.", v)})
		return &portable.Or{Xs: []portable.Expr{
			&portable.Atom{Field: f, Op: portable.Contains, Values: []string{v}, Fold: ci},
			&portable.Any{Path: f, X: &portable.Atom{Op: portable.Eq, Values: []string{v}, Fold: ci}},
		}}, true, nil
	}
	return nil, false, nil
}

// elements lifts a simple detection's element test (AnyElement, NoElement)
// of a list field, or of the values of one key of its elements
// (reviewers[*].login): the predicate's fields are the element's.
func (l *lifter) elements(n *ast.Elements) (portable.Expr, error) {
	if n.Quant != ast.AnyElement && n.Quant != ast.NoElement {
		// AllElements and OnlyOneElement are false for a value that is not
		// a list, which portable cannot say.
		return nil, l.fail(n, "an element test other than AnyElement or NoElement")
	}
	var path, inner []string
	switch x := n.X.(type) {
	case *ast.Field:
		if l.relative || l.elem != "" {
			return nil, l.fail(n, "an element test inside another")
		}
		path = x.Path
	case *ast.Call:
		// yaml.path(base, "[*]", "k", ...): the k of every element.
		base, ok := x.Args[0].(*ast.Field)
		if x.Fn != "yaml.path" || !ok || len(x.Args) < 3 {
			return nil, l.fail(n, "an element test of something other than a list field")
		}
		if s, ok := str(x.Args[1]); !ok || s != "[*]" {
			return nil, l.fail(n, "an element test of a path other than list[*].key")
		}
		path = base.Path
		for _, a := range x.Args[2:] {
			k, ok := str(a)
			if !ok || k == "[*]" {
				return nil, l.fail(n, "an element test of a path other than list[*].key")
			}
			inner = append(inner, k)
		}
	default:
		return nil, l.fail(n, "an element test of something other than a list field")
	}
	saved := l.relative
	l.relative = true
	pred, err := l.lift(n.Pred)
	l.relative = saved
	if err != nil {
		return nil, err
	}
	if len(inner) > 0 {
		// yaml.path skips elements without the key (a null one is kept).
		pred = &portable.And{Xs: []portable.Expr{&portable.Atom{Field: inner, Op: portable.Exists}, prefixFields(pred, inner)}}
		l.lossy = append(l.lossy, portable.Lossy{Fields: []string{strings.Join(path, ".") + "." + strings.Join(inner, ".")}, Either: true, Kinds: []string{"null"},
			Reason: "Panther's element test sees an element whose key holds null; the conversion skips it as it skips a missing key."})
	}
	var out portable.Expr = &portable.Any{Path: path, X: portable.Simplify(pred)}
	if n.Quant == ast.NoElement {
		out = &portable.Not{X: out}
	}
	return out, nil
}

// prefixFields makes a condition on a value one on the value at prefix.
func prefixFields(x portable.Expr, prefix []string) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		xs := make([]portable.Expr, len(x.Xs))
		for i, y := range x.Xs {
			xs[i] = prefixFields(y, prefix)
		}
		return &portable.And{Xs: xs}
	case *portable.Or:
		xs := make([]portable.Expr, len(x.Xs))
		for i, y := range x.Xs {
			xs[i] = prefixFields(y, prefix)
		}
		return &portable.Or{Xs: xs}
	case *portable.Not:
		return &portable.Not{X: prefixFields(x.X, prefix)}
	case *portable.Any:
		return &portable.Any{Path: append(append([]string(nil), prefix...), x.Path...), X: x.X}
	case *portable.Parse:
		return &portable.Parse{Path: append(append([]string(nil), prefix...), x.Path...), X: x.X}
	case *portable.Atom:
		c := *x
		c.Field = append(append([]string(nil), prefix...), x.Field...)
		return &c
	}
	return x
}

// constCompare lifts an equality with a constant that is not a string: an
// empty list or object (a simple detection's IsNullOrEmpty), a boolean, a
// number.
func (l *lifter) constCompare(n *ast.Compare, f []string, v ast.Value, op ast.CmpOp) (portable.Expr, error) {
	path := strings.Join(f, ".")
	var eq portable.Expr
	switch {
	case v.Kind() == ast.KindList && len(v.AsList()) == 0, v.Kind() == ast.KindObject && v.AsObject().Len() == 0:
		// Portable has no test for an empty list or object: such a value is
		// taken for a non-empty one.
		l.lossy = append(l.lossy, portable.Lossy{Fields: []string{path}, Either: true, Kinds: []string{"array", "assignment"},
			Reason: "The rule tests for an empty list or object, which the conversion cannot say; it takes such a value for a present, non-empty one."})
		eq = &portable.Or{}
	case v.Kind() == ast.KindBool:
		l.lossy = append(l.lossy, portable.Lossy{Fields: []string{path}, Either: true, Kinds: []string{"number-as-string", "string-as-number", "assignment"},
			Reason: "Python's == finds True equal to 1 and False to 0; the conversion tests for the JSON boolean."})
		eq = &portable.Atom{Field: f, Op: portable.Bool, Values: []string{fmt.Sprint(v.AsBool())}}
	case v.Kind() == ast.KindInt || v.Kind() == ast.KindFloat:
		eq = numberEq(f, v.Text())
		l.numberLossy(path)
	default:
		return nil, l.fail(n, "an equality with a constant that is not a string")
	}
	if op == ast.Ne {
		return &portable.Not{X: eq}, nil
	}
	return eq, nil
}

// numberEq: the value is the number (at least and at most it).
func numberEq(f []string, num string) portable.Expr {
	return &portable.And{Xs: []portable.Expr{
		&portable.Atom{Field: f, Op: portable.Ge, Values: []string{num}},
		&portable.Atom{Field: f, Op: portable.Le, Values: []string{num}},
	}}
}

func (l *lifter) numberLossy(path string) {
	l.lossy = append(l.lossy, portable.Lossy{Fields: []string{path}, Either: true, Kinds: []string{"number-as-string", "string-as-number", "assignment", "empty", "value-case", "wildcard"},
		Reason: "Python's == compares a number with numbers only (True equals 1, the text \"6\" is not 6); the conversion's numeric test also reads a string holding the number and never a boolean."})
}

// numbersIn lifts membership in a list of numbers.
func (l *lifter) numbersIn(n *ast.In) (portable.Expr, bool, error) {
	lit, ok := n.Y.(*ast.Lit)
	if !ok || lit.Val.Kind() != ast.KindList || len(lit.Val.AsList()) == 0 {
		return nil, false, nil
	}
	var nums []string
	for _, v := range lit.Val.AsList() {
		if v.Kind() != ast.KindInt && v.Kind() != ast.KindFloat {
			return nil, false, nil
		}
		nums = append(nums, v.Text())
	}
	f, fold, err := l.field(n.X)
	if err != nil || fold {
		return nil, true, l.fail(n, "membership of something other than a field in a list of numbers")
	}
	var xs []portable.Expr
	for _, num := range nums {
		xs = append(xs, numberEq(f, num))
	}
	l.numberLossy(strings.Join(f, "."))
	return &portable.Or{Xs: xs}, true, nil
}

// countTrue lifts yaml.count_true(a, b, ...) == k (a simple detection's
// OnlyOne is k = 1): the ors of the ways k of the conditions hold and the
// others do not, for up to four conditions.
func (l *lifter) countTrue(n *ast.Compare) (portable.Expr, bool, error) {
	c, ok := n.X.(*ast.Call)
	lit, ok2 := n.Y.(*ast.Lit)
	if !ok || !ok2 || c.Fn != "yaml.count_true" || n.Op != ast.Eq || lit.Val.Kind() != ast.KindInt {
		return nil, false, nil
	}
	if len(c.Args) > 4 {
		return nil, true, l.fail(n, "OnlyOne of more than four conditions")
	}
	var xs []portable.Expr
	for _, a := range c.Args {
		x, err := l.lift(a)
		if err != nil {
			return nil, true, err
		}
		xs = append(xs, x)
	}
	k := int(lit.Val.AsInt())
	var or []portable.Expr
	for mask := 0; mask < 1<<len(xs); mask++ {
		count := 0
		var and []portable.Expr
		for i, x := range xs {
			if mask&(1<<i) != 0 {
				count++
				and = append(and, x)
			} else {
				and = append(and, &portable.Not{X: x})
			}
		}
		if count == k {
			or = append(or, &portable.And{Xs: and})
		}
	}
	return &portable.Or{Xs: or}, true, nil
}
