// Package indicator reads, out of a rule's shared AST, what the rule looks for
// and what it reports: the field predicates a matching event must satisfy
// (Required), those it must not satisfy (Exclusions), and the fields an alert
// or result row carries (Output). Splunk and Panther rules give the same kind
// of answer, which is what lets rules of the two platforms be paired by what
// they detect rather than by name.
//
// Only what is certain is reported: an atom is listed when every event the
// rule matches satisfies it (Required) or fails it (Exclusions). Logic that
// cannot be read that way (loops, exceptions, comparisons between two fields,
// computed values) contributes nothing, so an empty list means "nothing
// certain", never "nothing required".
package indicator

import (
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Op is an atom's operator. An Op ending in _ci compares case-insensitively.
type Op string

// The operators. For the ones that take values, the atom holds when the field
// satisfies the operator with any one of its Values.
const (
	Eq         Op = "eq" // equal to the value (in: one of the values)
	EqCI       Op = "eq_ci"
	In         Op = "in"
	InCI       Op = "in_ci"
	Wildcard   Op = "wildcard" // * any run of characters (Splunk terms, fnmatch)
	WildcardCI Op = "wildcard_ci"
	Prefix     Op = "prefix"
	PrefixCI   Op = "prefix_ci"
	Suffix     Op = "suffix"
	SuffixCI   Op = "suffix_ci"
	Contains   Op = "contains" // substring of a string (Python `in`: also an element of a list)
	ContainsCI Op = "contains_ci"
	Regex      Op = "regex" // unanchored RE2
	RegexCI    Op = "regex_ci"
	Like       Op = "like"   // SQL LIKE (SPL like())
	CIDR       Op = "cidr"   // an IP address inside one of the blocks
	Gt         Op = "gt"     // numeric or string order, as the platform compares
	Ge         Op = "ge"     //
	Lt         Op = "lt"     //
	Le         Op = "le"     //
	Exists     Op = "exists" // present with a non-null value (Splunk field=*)
	IsNull     Op = "is_null"
	// IsNotNull is present and not null. Python truthiness of a field (`if
	// event.get("errorCode")`) is reported as is_not_null too, although an
	// empty string or 0 is also falsy.
	IsNotNull Op = "is_not_null"
	Empty     Op = "empty" // null, missing, or "" / [] / {} (Panther IsNullOrEmpty)
)

// Atom is one predicate on one field. Field is the path the rule reads, its
// keys joined with "." (a Splunk field name as written, mapped back through
// renames; a Panther key path).
type Atom struct {
	Field  string   `json:"field"`
	Op     Op       `json:"op"`
	Values []string `json:"values"`
}

func (a Atom) String() string {
	if len(a.Values) == 0 {
		return a.Field + " " + string(a.Op)
	}
	qs := make([]string, len(a.Values))
	for i, v := range a.Values {
		qs[i] = quote(v)
	}
	return a.Field + " " + string(a.Op) + " " + strings.Join(qs, ", ")
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// Fold reports whether the atom compares case-insensitively.
func (a Atom) Fold() bool { return strings.HasSuffix(string(a.Op), "_ci") }

// Base is the operator without its case-insensitivity, with in read as eq
// (in is eq with several values).
func (a Atom) Base() Op {
	b := Op(strings.TrimSuffix(string(a.Op), "_ci"))
	if b == In {
		return Eq
	}
	return b
}

// Indicators is what Extract reads from one rule.
type Indicators struct {
	Required   []Atom
	Exclusions []Atom
	// Output lists the fields the rule emits when it matches, in the rule's
	// order. OutputUnknown, when set, says why the list is incomplete or could
	// not be derived.
	Output        []string
	OutputUnknown string
}

// Extract reads a rule's indicators. It never fails: what cannot be read is
// left out (atoms) or said (OutputUnknown).
func Extract(r *ast.Rule) Indicators {
	var f facts
	if r.Match != nil {
		f = conj(r.Match, false, nil)
	}
	if r.Platform == ast.Splunk {
		f = f.and(pipelineFacts(r.Pipeline))
	}
	out := Indicators{Required: tidy(f.req), Exclusions: tidy(f.excl)}
	if r.Platform == ast.Splunk {
		out.Output, out.OutputUnknown = splunkOutput(r.Pipeline)
	} else {
		out.Output, out.OutputUnknown = pantherOutput(r.Outputs)
	}
	if out.Output == nil {
		out.Output = []string{}
	}
	return out
}

// tidy drops duplicates and sorts, so a rule's atoms read the same whatever
// order its conditions were written in.
func tidy(as []Atom) []Atom {
	out := []Atom{}
	seen := map[string]bool{}
	for _, a := range as {
		if k := a.key(); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if la, lb := strings.ToLower(a.Field), strings.ToLower(b.Field); la != lb {
			return la < lb
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		if a.Op != b.Op {
			return a.Op < b.Op
		}
		return strings.Join(a.Values, "\x00") < strings.Join(b.Values, "\x00")
	})
	return out
}

func (a Atom) key() string {
	return a.Field + "\x00" + string(a.Op) + "\x00" + strings.Join(a.Values, "\x00")
}
