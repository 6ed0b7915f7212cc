package portable

import (
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// Holds is the package's semantics, executable: whether the condition holds
// on a raw event (a JSON object). Printers' tests check what the target
// platform makes of a printed rule against it.
func Holds(x Expr, ev ast.Value) bool {
	switch x := x.(type) {
	case *And:
		for _, y := range x.Xs {
			if !Holds(y, ev) {
				return false
			}
		}
		return true
	case *Or:
		for _, y := range x.Xs {
			if Holds(y, ev) {
				return true
			}
		}
		return false
	case *Not:
		return !Holds(x.X, ev)
	case *Atom:
		return x.holds(ev)
	case *Parse:
		v, ok := ParseText(ev.At(x.Path...))
		return ok && Holds(x.X, v)
	case *Any:
		v := ev.At(x.Path...)
		if v.Kind() != ast.KindList {
			return false
		}
		for _, e := range v.AsList() {
			if Holds(x.X, e) {
				return true
			}
		}
	}
	return false
}

func (a *Atom) holds(ev ast.Value) bool {
	v := ev.At(a.Field...)
	switch a.Op {
	case Exists:
		return !v.IsNullish()
	case Bool:
		return v.Kind() == ast.KindBool && v.AsBool() == (a.Values[0] == "true")
	case Same:
		w := ev.At(a.Ref...)
		return v.Kind() == ast.KindString && w.Kind() == ast.KindString &&
			(v.AsString() == w.AsString() || a.Fold && strings.EqualFold(v.AsString(), w.AsString()))
	case Success:
		// aws_cloudtrail_success: neither field truthy.
		return !ev.At("errorCode").Truth() && !ev.At("errorMessage").Truth()
	case Lt, Le, Gt, Ge:
		n, ok := number(v)
		bound, err := strconv.ParseFloat(strings.TrimSpace(a.Values[0]), 64)
		if !ok || err != nil {
			return false
		}
		switch a.Op {
		case Lt:
			return n < bound
		case Le:
			return n <= bound
		case Gt:
			return n > bound
		}
		return n >= bound
	}
	if v.Kind() != ast.KindString {
		return false
	}
	for _, c := range a.Values {
		if a.matches(v.AsString(), c) {
			return true
		}
	}
	return false
}

// ParseText is the value a string holding JSON text spells; false for a
// value that is not a string, or text that is not one JSON value (the
// constants NaN, Infinity and -Infinity Python reads are not JSON).
func ParseText(v ast.Value) (ast.Value, bool) {
	if v.Kind() != ast.KindString {
		return ast.Missing, false
	}
	p, err := ast.ParseJSON([]byte(v.AsString()))
	if err != nil {
		return ast.Missing, false
	}
	return p, true
}

var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// Decimal reports whether s is a decimal number's text, as numeric tests
// read a string (and as a JSON number may print).
func Decimal(s string) bool { return decimal.MatchString(s) }

// number: a JSON number (a boolean is not one), or a string holding a
// decimal one (surrounding spaces allowed; not hex, inf or nan).
func number(v ast.Value) (float64, bool) {
	switch v.Kind() {
	case ast.KindInt:
		return float64(v.AsInt()), true
	case ast.KindFloat:
		return v.AsFloat(), !math.IsNaN(v.AsFloat())
	case ast.KindString:
		s := strings.TrimSpace(v.AsString())
		if !Decimal(s) {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	return 0, false
}

// matches applies one constant to a string value.
func (a *Atom) matches(s, c string) bool {
	eq := func(x, y string) bool { return x == y || a.Fold && strings.EqualFold(x, y) }
	runes, n := []rune(s), utf8.RuneCountInString(c)
	switch a.Op {
	case Eq:
		return eq(s, c)
	case Prefix:
		return len(runes) >= n && eq(string(runes[:n]), c)
	case Suffix:
		return len(runes) >= n && eq(string(runes[len(runes)-n:]), c)
	case Contains:
		for i := 0; i+n <= len(runes); i++ {
			if eq(string(runes[i:i+n]), c) {
				return true
			}
		}
		return false
	case Wildcard, Regex:
		pat := c
		if a.Op == Wildcard {
			parts := strings.Split(c, "*")
			for i, p := range parts {
				parts[i] = regexp.QuoteMeta(p)
			}
			pat = `\A(?s:` + strings.Join(parts, ".*") + `)\z`
		}
		if a.Fold {
			pat = "(?i)" + pat
		}
		re, err := regexp.Compile(pat)
		return err == nil && re.MatchString(s)
	case CIDR:
		addr, err := netip.ParseAddr(s)
		if err != nil || addr.Zone() != "" {
			return false
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			// A bare address is its own /32 or /128.
			b, err := netip.ParseAddr(c)
			if err != nil {
				return false
			}
			p = netip.PrefixFrom(b, b.BitLen())
		}
		return p.Masked().Contains(addr)
	}
	return false
}
