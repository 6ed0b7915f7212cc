package portable

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Simplify rewrites a condition into the plainest equivalent form a person
// would write: a regex or wildcard that only says eq, prefix, suffix or
// contains made that test, nested ands and ors flattened, a single-item and/or
// unwrapped, duplicate atoms dropped, and within an and, an exists or a
// case-insensitive equality made redundant by a case-sensitive equality on
// the same field (Splunk detections repeat a base-search term in a where
// clause to make it exact) removed.
func Simplify(x Expr) Expr {
	switch x := x.(type) {
	case *And:
		xs := flatten(x.Xs, true)
		for _, y := range xs {
			if o, ok := y.(*Or); ok && len(o.Xs) == 0 {
				return o // false
			}
		}
		xs = dedup(xs)
		xs = slices.DeleteFunc(xs, func(y Expr) bool { return redundant(y, xs) })
		if len(xs) == 1 {
			return xs[0]
		}
		return &And{Xs: xs}
	case *Or:
		xs := mergeValues(mergeAny(dedup(flatten(x.Xs, false))))
		if len(xs) == 1 {
			return xs[0]
		}
		return &Or{Xs: xs}
	case *Any:
		return &Any{Path: x.Path, X: Simplify(x.X)}
	case *Parse:
		return &Parse{Path: x.Path, X: Simplify(x.X)}
	case *Atom:
		return plainAtom(x)
	case *Not:
		inner := Simplify(x.X)
		if n, ok := inner.(*Not); ok {
			return n.X
		}
		return &Not{X: inner}
	}
	return x
}

func flatten(xs []Expr, and bool) []Expr {
	var out []Expr
	for _, y := range xs {
		y = Simplify(y)
		switch y := y.(type) {
		case *And:
			if and {
				out = append(out, y.Xs...)
				continue
			}
		case *Or:
			if !and {
				out = append(out, y.Xs...)
				continue
			}
		}
		out = append(out, y)
	}
	return out
}

func dedup(xs []Expr) []Expr {
	var out []Expr
	seen := map[string]bool{}
	for _, y := range xs {
		k := String(y)
		if !seen[k] {
			seen[k] = true
			out = append(out, y)
		}
	}
	return out
}

// redundant: y is implied by another conjunct of xs.
func redundant(y Expr, xs []Expr) bool {
	a, ok := y.(*Atom)
	if !ok {
		return false
	}
	for _, z := range xs {
		b, ok := z.(*Atom)
		if !ok || b == a || !slices.Equal(a.Field, b.Field) || b.Op == Success || b.Op == Exists {
			continue
		}
		switch {
		case a.Op == Exists:
			return true // any value test implies the field is there
		case a.Op == Eq && a.Fold && b.Op == Eq && !b.Fold:
			// b's values are all among a's, ignoring case: b implies a.
			all := true
			for _, v := range b.Values {
				if !slices.ContainsFunc(a.Values, func(w string) bool { return strings.EqualFold(v, w) }) {
					all = false
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}

// mergeAny joins, in an or, the tests of one list's elements: some element
// passes x or some element passes y is some element passes x or y.
func mergeAny(xs []Expr) []Expr {
	var out []Expr
	first := map[string]int{}
	for _, y := range xs {
		a, ok := y.(*Any)
		if !ok {
			out = append(out, y)
			continue
		}
		key := strings.Join(a.Path, "\x00")
		if i, ok := first[key]; ok {
			m := out[i].(*Any)
			out[i] = &Any{Path: m.Path, X: Simplify(&Or{Xs: []Expr{m.X, a.X}})}
			continue
		}
		first[key] = len(out)
		out = append(out, a)
	}
	return out
}

// mergeValues joins the tests of one field with one operator (same folding)
// in an or into one test with all their values, since an atom holds when one
// of its values does: eventName=A OR eventName=B is eventName in (A, B).
func mergeValues(xs []Expr) []Expr {
	var out []Expr
	first := map[string]*Atom{}
	for _, y := range xs {
		a, ok := y.(*Atom)
		if !ok || a.Op == Exists || a.Op == Success || a.Op == Same || a.Op == Lt || a.Op == Le || a.Op == Gt || a.Op == Ge {
			out = append(out, y)
			continue
		}
		key := fmt.Sprintf("%s\x00%s\x00%v", a.Path(), a.Op, a.Fold)
		if m, ok := first[key]; ok {
			for _, v := range a.Values {
				if !slices.Contains(m.Values, v) {
					m.Values = append(m.Values, v)
				}
			}
			continue
		}
		m := &Atom{Field: a.Field, Op: a.Op, Values: slices.Clone(a.Values), Fold: a.Fold}
		first[key] = m
		out = append(out, m)
	}
	return out
}

// plainAtom rewrites a wildcard or regex test as the plainer string test it
// is, when it is one: "*x" is a suffix, ^x\z an equality, (?i) a folded test.
func plainAtom(a *Atom) *Atom {
	var op Op
	var vals []string
	fold := a.Fold
	switch a.Op {
	case Wildcard:
		for _, v := range a.Values {
			inner := strings.Trim(v, "*")
			if inner == "" || strings.Contains(inner, "*") || len(v)-len(inner) > 2 {
				return a
			}
			lead, trail := strings.HasPrefix(v, "*"), strings.HasSuffix(v, "*") && len(v) > 1
			o := map[[2]bool]Op{{false, false}: Eq, {true, false}: Suffix, {false, true}: Prefix, {true, true}: Contains}[[2]bool{lead, trail}]
			if op != "" && o != op {
				return a
			}
			op = o
			vals = append(vals, inner)
		}
	case Regex:
		if len(a.Values) != 1 {
			return a
		}
		var ok bool
		op, vals, fold, ok = literalRegex(a.Values[0], a.Fold)
		if !ok {
			return a
		}
	case Eq, Prefix, Suffix, Contains:
		op, vals = a.Op, a.Values
	default:
		return a
	}
	if fold && !Cased(vals...) {
		fold = false // nothing to fold: "0.0.0.0/0" ieq is eq
	}
	if op == a.Op && fold == a.Fold {
		return a
	}
	return &Atom{Field: a.Field, Op: op, Values: vals, Fold: fold}
}

// Cased reports whether some value has a letter with another case, which a
// folded test compares ignoring case.
func Cased(vals ...string) bool {
	return slices.ContainsFunc(vals, func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.SimpleFold(r) != r })
	})
}

// literalRegex reads a regex that tests for literal strings (anchored at
// either end or not; alternatives in a (?:...) group; (?i) for folding) as
// the string test it is. Patterns with anything else are not read.
func literalRegex(p string, fold bool) (Op, []string, bool, bool) {
	if rest, ok := strings.CutPrefix(p, "(?i)"); ok {
		p, fold = rest, true
	}
	begin := strings.HasPrefix(p, "^")
	p = strings.TrimPrefix(p, "^")
	end := false
	if rest, ok := strings.CutSuffix(p, `\z`); ok {
		p, end = rest, true
	} else if strings.HasSuffix(p, "$") && !strings.HasSuffix(p, `\$`) {
		// Without (?m), RE2's $ is the end of the text.
		p, end = strings.TrimSuffix(p, "$"), true
	}
	alts := []string{p}
	if strings.HasPrefix(p, "(?:") && strings.HasSuffix(p, ")") {
		alts = strings.Split(p[3:len(p)-1], "|")
	}
	var vals []string
	for _, alt := range alts {
		v, ok := regexLiteral(alt)
		if !ok {
			return "", nil, false, false
		}
		vals = append(vals, v)
	}
	op := map[[2]bool]Op{{true, true}: Eq, {true, false}: Prefix, {false, true}: Suffix, {false, false}: Contains}[[2]bool{begin, end}]
	return op, vals, fold, true
}

// regexLiteral unquotes a regex made only of literal characters and escaped
// punctuation (as regexp.QuoteMeta writes it), with \x{...} for others.
func regexLiteral(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == 'x' && i+2 < len(s) && s[i+2] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return "", false
			}
			n, err := strconv.ParseUint(s[i+3:i+j], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				return "", false
			}
			b.WriteRune(rune(n))
			i += j
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`\.+*?()|[]{}^$-/#&~ "'`+"`", s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case strings.IndexByte(`\.+*?()|[]{}^$`, c) >= 0:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
