package panther

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/portable"
)

// A simple detection's match expressions, for the conditions they can say
// exactly (see the semantics in detection.go): Equals and IsIn compare as
// Python's == (only a string equals a string), IsNotNull is "present and not
// null", and the inverse conditions and None are plain negation. The string
// conditions (StartsWith, IEquals, ...) also match numbers by their text and
// a list by any element, and the numeric ones a list by any element, so no
// portable test other than eq, exists and success has an exact form.

// yamlMatch is one match expression: a combinator (All, Any, None) of Xs, or
// a Condition on Field with Value or Values.
type yamlMatch struct {
	comb      string
	xs        []yamlMatch
	field     []string
	cond      string
	value     string // a YAML scalar, already quoted as needed
	values    []string
	hasValue  bool
	hasValues bool
	comment   string
}

// detectionYAML is the condition as a Detection block (a list, implicitly
// all of it), or an error naming the first test with no exact form.
func detectionYAML(x portable.Expr) ([]yamlMatch, error) {
	if a, ok := x.(*portable.And); ok {
		var out []yamlMatch
		for _, y := range a.Xs {
			m, err := matchOf(y)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		if len(out) == 0 {
			return []yamlMatch{{cond: "AlwaysTrue"}}, nil
		}
		return out, nil
	}
	m, err := matchOf(x)
	if err != nil {
		return nil, err
	}
	return []yamlMatch{m}, nil
}

func matchOf(x portable.Expr) (yamlMatch, error) {
	switch x := x.(type) {
	case *portable.And, *portable.Or:
		comb, xs := "All", []portable.Expr(nil)
		if o, ok := x.(*portable.Or); ok {
			comb, xs = "Any", o.Xs
		} else {
			xs = x.(*portable.And).Xs
		}
		if len(xs) == 0 {
			if comb == "All" {
				return yamlMatch{cond: "AlwaysTrue"}, nil
			}
			return yamlMatch{cond: "AlwaysFalse"}, nil
		}
		m := yamlMatch{comb: comb}
		for _, y := range xs {
			c, err := matchOf(y)
			if err != nil {
				return yamlMatch{}, err
			}
			m.xs = append(m.xs, c)
		}
		return m, nil
	case *portable.Not:
		if a, ok := x.X.(*portable.Atom); ok && (a.Op == portable.Eq || a.Op == portable.Exists) {
			m, err := atomMatch(a)
			if err != nil {
				return yamlMatch{}, err
			}
			m.cond = map[string]string{"Equals": "DoesNotEqual", "IsIn": "IsNotIn", "IsNotNull": "IsNull"}[m.cond]
			return m, nil
		}
		c, err := matchOf(x.X)
		if err != nil {
			return yamlMatch{}, err
		}
		return yamlMatch{comb: "None", xs: []yamlMatch{c}}, nil
	case *portable.Atom:
		return atomMatch(x)
	}
	return yamlMatch{}, fmt.Errorf("print: unknown condition %T", x)
}

func atomMatch(a *portable.Atom) (yamlMatch, error) {
	refuse := func(why string) (yamlMatch, error) {
		return yamlMatch{}, fmt.Errorf("print: %s has no exact simple-detection form: %s", portable.String(a), why)
	}
	switch a.Op {
	case portable.Eq:
		if a.Fold {
			return refuse("IEquals and IIsIn also match numbers by their text and lists by any element")
		}
		if len(a.Values) == 1 {
			return yamlMatch{field: a.Field, cond: "Equals", value: yamlPlain(a.Values[0]), hasValue: true}, nil
		}
		m := yamlMatch{field: a.Field, cond: "IsIn", hasValues: true}
		for _, v := range a.Values {
			m.values = append(m.values, yamlPlain(v))
		}
		return m, nil
	case portable.Exists:
		return yamlMatch{field: a.Field, cond: "IsNotNull"}, nil
	case portable.Success:
		// aws_cloudtrail_success: errorCode and errorMessage are both falsy
		// (missing, null, "", [], {}, 0 or false).
		falsy := func(key string) yamlMatch {
			return yamlMatch{comb: "Any", xs: []yamlMatch{
				{field: []string{key}, cond: "IsNullOrEmpty"},
				{field: []string{key}, cond: "Equals", value: "0", hasValue: true},
			}}
		}
		return yamlMatch{comb: "All", comment: "the call succeeded (aws_cloudtrail_success)",
			xs: []yamlMatch{falsy("errorCode"), falsy("errorMessage")}}, nil
	case portable.Prefix, portable.Suffix, portable.Contains, portable.Wildcard:
		return refuse("StartsWith, EndsWith and Contains also match numbers by their text and lists by any element")
	case portable.Regex:
		return refuse("match expressions have no regular expressions")
	case portable.Bool:
		return refuse("Equals compares with ==, where True is also 1")
	case portable.CIDR:
		return refuse("IsIPAddressInCIDR also accepts padded and IPv4-mapped IPv6 addresses")
	case portable.Lt, portable.Le, portable.Gt, portable.Ge:
		return refuse("the numeric conditions also match a list by any element")
	case portable.Same:
		return refuse("concord writes a comparison of two keys in Python only")
	}
	return refuse("unknown operator")
}

// writeMatches writes a list of match expressions at indent.
func writeMatches(y *yamlWriter, indent int, ms []yamlMatch) {
	for _, m := range ms {
		if m.comment != "" {
			y.line(indent, "# "+m.comment)
		}
		if m.comb != "" {
			y.line(indent, "- "+m.comb+":")
			writeMatches(y, indent+2, m.xs)
			continue
		}
		if len(m.field) == 0 {
			y.line(indent, "- Condition: "+m.cond)
			continue
		}
		lines := keySpecLines(m.field)
		y.line(indent, "- "+lines[0])
		for _, l := range lines[1:] {
			y.line(indent+1, l)
		}
		y.line(indent+1, "Condition: "+m.cond)
		if m.hasValue {
			y.line(indent+1, "Value: "+m.value)
		}
		if m.hasValues {
			y.line(indent+1, "Values:")
			for _, v := range m.values {
				y.line(indent+2, "- "+v)
			}
		}
	}
}

// keySpecLines is Key: k for one key, else a DeepKey list (a string key that
// reads as an integer is quoted, so it is not taken for a list index).
func keySpecLines(field []string) []string {
	if len(field) == 1 {
		return []string{"Key: " + yamlPlain(field[0])}
	}
	out := []string{"DeepKey:"}
	for _, k := range field {
		out = append(out, "  - "+yamlPlain(k))
	}
	return out
}

func writeKeySpec(y *yamlWriter, indent int, field []string) {
	for _, l := range keySpecLines(field) {
		y.line(indent, strings.TrimRight(l, " "))
	}
}
