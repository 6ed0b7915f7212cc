// Package portable is a detection in the form every target can express: a
// boolean combination of tests of raw event fields against constants, with the
// semantics each test has stated once, here, so that a printer for Splunk, for
// Panther or for Sigma can say the same thing in its own language (or list
// where it cannot).
//
// The semantics, for every Atom:
//   - A field is a path of JSON keys spelled as the log type spells them
//     (CloudTrail's "userIdentity", "type"). Key case is not part of the
//     meaning: Panther finds a key in any case, Splunk only in its own, and no
//     printer can change that (a lossy point of every Splunk/Panther pair).
//   - A value test (everything but Exists) holds only for a string value: a
//     missing key, JSON null, a number, a boolean, a list or an object never
//     matches it. (Splunk matches numbers and booleans by their text; a
//     front end that reads such a test from a Splunk search records a lossy
//     point when a constant looks like one.)
//   - Fold compares case-insensitively (Unicode simple folding, as
//     strings.EqualFold); on a Regex it matches case-insensitively, as (?i).
//   - Not is plain boolean negation: Not(eventName = "X") holds on an event
//     with no eventName (Splunk's `NOT eventName=X`, not `eventName!=X`).
//   - Any quantifies over a JSON array: it holds when the value at Path is a
//     list and some element satisfies X, whose fields are read from the
//     element (an element that is not an object has no fields; an atom with
//     an empty Field tests the element itself). A value that is not a list,
//     an object included, has no elements: Splunk's a{}.b and Python's
//     iteration over a list agree there, and a printer whose source reads a
//     lone object as a one-element list says so as a lossy point.
//   - Parse reads text as JSON: it holds when the value at Path is a string
//     holding one JSON text (RFC 8259: one value, white space around it
//     allowed; not Python's NaN, Infinity or -Infinity) and X holds on the
//     value it spells, whose fields X reads (an atom with an empty Field
//     tests the value itself). It does not hold on text that is not JSON, nor
//     on any value that is not a string, an object or a list included (it
//     is not parsed twice): a source that reads an object as it is and a
//     string by parsing it says so with an Or of the two. Python's
//     json.loads raises TypeError on a value that is not text (a rule then
//     does not alert) and JSONDecodeError on text that is not JSON; Splunk's
//     eval spath(X, path) parses X when it is text (an object extracted by
//     spath is its JSON text, so the Splunk printer reads X from the field
//     Splunk extracts only for a scalar: see spl/print_json.go).
//   - Numeric comparisons hold for a JSON number (not a boolean) or a
//     string holding a decimal number; a CIDR test for an address (no zone)
//     inside the prefix, a bare address being its own /32 or /128.
//   - Same compares two fields of one event: it holds when the values at
//     Field and at Ref are both strings and equal (equal ignoring case with
//     Fold). A missing key, JSON null, a number, a boolean, a list or an
//     object equals nothing, not even another such value: two missing
//     fields are not Same. The platforms differ from this at the edges, and
//     each front end and printer says where as lossy points:
//   - Python's == compares any two values (5 == 5, None == None), and a
//     rule's deep_get(..., default="") or get(k, default) reads a missing
//     key (and, for deep_get, a null) as the default: the Panther front
//     end writes `a == b` as Same or the cases of the defaults spelled out
//     (a missing and b equal to a's default, both missing with equal
//     defaults, ...), and lists the non-string values both rules call
//     equal. The Panther printer writes Same as _same(a, b), a helper true
//     only for two equal strings.
//   - Splunk's eval `a == b` is null, so false in where, when either field
//     is null (missing: there is no default), compares two values that both
//     read as numbers numerically ("1.0" == "1"), and reads JSON numbers,
//     booleans and null by their text; `a != b` is false, not true, when
//     either is null. The Splunk printer writes Same as `isnotnull(a) AND
//     isnotnull(b) AND a==b` (the isnotnulls keep it true or false under
//     NOT) and lists the numeric and textual readings; the Splunk front end
//     reads `a==b` back as Same and `a!=b` as both present and not Same.
//   - Sigma's fieldref modifier (sigma-specification, appendix_modifier.md,
//     "fieldref": a plain string made a field reference, compared at match
//     time) leaves case and missing fields to each backend, so the Sigma
//     printer refuses Same.
//
// Holds is this semantics as code.
package portable

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Expr is a condition: *And, *Or, *Not or *Atom.
type Expr interface{ portable() }

// And holds when every X holds (true when empty).
type And struct{ Xs []Expr }

// Or holds when some X holds (false when empty).
type Or struct{ Xs []Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Any holds when the value at Path is a list with an element on which X holds.
type Any struct {
	Path []string
	X    Expr
}

// Parse holds when the value at Path is a string holding JSON text and X
// holds on the value that text spells (see the package comment).
type Parse struct {
	Path []string
	X    Expr
}

// Op is what an Atom tests.
type Op string

const (
	Eq       Op = "eq"       // the value is one of Values
	Wildcard Op = "wildcard" // the value matches one of Values, * standing for any run of characters
	Prefix   Op = "prefix"   // the value starts with one of Values
	Suffix   Op = "suffix"   // the value ends with one of Values
	Contains Op = "contains" // the value contains one of Values
	Regex    Op = "regex"    // one of Values (RE2, unanchored) matches the value
	CIDR     Op = "cidr"     // the value is an IP address inside one of Values (prefixes)
	Lt       Op = "lt"       // numeric comparisons: the value is a number (or a
	Le       Op = "le"       // string holding one) and compares so with Values[0]
	Gt       Op = "gt"
	Ge       Op = "ge"
	Exists   Op = "exists" // the key is present and not null (any type, "" included)
	// Bool: the value is the JSON boolean Values[0] ("true" or "false"), not
	// a string spelling it.
	Bool Op = "bool"
	// Same: the value and the value at Ref are equal strings (see the
	// package comment for how the platforms differ).
	Same Op = "same"
	// Success is a known predicate: the API call succeeded (for CloudTrail,
	// neither errorCode nor errorMessage is set to a non-empty value), which
	// Panther spells aws_cloudtrail_success(event).
	Success Op = "success"
)

// Atom is one test of one field (of two for Same: Field and Ref).
type Atom struct {
	Field  []string
	Op     Op
	Values []string
	Fold   bool
	// Ref is the other field Same compares Field with.
	Ref []string
}

func (*And) portable()   {}
func (*Or) portable()    {}
func (*Not) portable()   {}
func (*Atom) portable()  {}
func (*Any) portable()   {}
func (*Parse) portable() {}

// Path is the field's dotted name.
func (a *Atom) Path() string { return strings.Join(a.Field, ".") }

// String is the condition in a compact notation for messages and tests:
// `eventName eq "A"|"B"`, `eventName ieq "a"` (folded), `not (...)`,
// `(... and ...)`.
func String(x Expr) string {
	switch x := x.(type) {
	case *And:
		return join(x.Xs, " and ", "true")
	case *Or:
		return join(x.Xs, " or ", "false")
	case *Not:
		return "not " + String(x.X)
	case *Any:
		inner := String(x.X)
		if !strings.HasPrefix(inner, "(") {
			inner = "(" + inner + ")"
		}
		return "any " + strings.Join(x.Path, ".") + "[] " + inner
	case *Parse:
		inner := String(x.X)
		if !strings.HasPrefix(inner, "(") {
			inner = "(" + inner + ")"
		}
		return "json " + strings.Join(x.Path, ".") + " " + inner
	case *Atom:
		op := string(x.Op)
		if x.Fold {
			op = "i" + op
		}
		var vals []string
		for _, v := range x.Values {
			vals = append(vals, fmt.Sprintf("%q", v))
		}
		s := op
		if len(x.Field) > 0 {
			s = x.Path() + " " + op
		}
		if len(vals) > 0 {
			s += " " + strings.Join(vals, "|")
		}
		if x.Op == Same {
			s += " " + strings.Join(x.Ref, ".")
		}
		return s
	}
	return fmt.Sprintf("%T", x)
}

// ParsedStep marks, in a path Fields lists, the step into the value JSON
// text spells.
const ParsedStep = "(json)"

func join(xs []Expr, sep, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = String(x)
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// Fields lists the fields a condition reads, in first-use order; a field
// read from the elements of a list is the list's path, "[]", and the
// element's path; one read from parsed JSON text the text's path,
// ParsedStep, and the path in the parsed value.
func Fields(x Expr) [][]string {
	var out [][]string
	seen := map[string]bool{}
	var prefix []string
	var walk func(Expr)
	walk = func(x Expr) {
		switch x := x.(type) {
		case *And:
			for _, y := range x.Xs {
				walk(y)
			}
		case *Or:
			for _, y := range x.Xs {
				walk(y)
			}
		case *Not:
			walk(x.X)
		case *Any:
			saved := prefix
			prefix = append(append(slices.Clip(prefix), x.Path...), "[]")
			walk(x.X)
			prefix = saved
		case *Parse:
			saved := prefix
			prefix = append(append(slices.Clip(prefix), x.Path...), ParsedStep)
			walk(x.X)
			prefix = saved
		case *Atom:
			if x.Op == Success {
				return
			}
			fs := [][]string{x.Field}
			if x.Op == Same {
				fs = append(fs, x.Ref)
			}
			for _, field := range fs {
				f := append(slices.Clip(prefix), field...)
				if k := strings.Join(f, "."); !seen[k] {
					seen[k] = true
					out = append(out, f)
				}
			}
		}
	}
	walk(x)
	return out
}

// Rule is a detection ready to be written for another platform.
type Rule struct {
	// Name is the display name; ID the source rule's id.
	Name, ID string
	// LogType is Panther's name of the events' type ("AWS.CloudTrail"); printers
	// map it to their own (Splunk's aws:cloudtrail and its macro).
	LogType string
	Meta    ast.Meta
	Cond    Expr
	// Output lists raw fields worth showing with an alert (Panther's
	// SummaryAttributes, the values a Splunk stats keeps).
	Output [][]string
	// Title is the alert's one-line summary: text and raw fields.
	Title []TitlePart
	// Tests are events with the verdict the source rule gives them.
	Tests []Test
	// Lossy lists where the conversion cannot say exactly what the source
	// says; verification accepts the differences they name, and no other.
	Lossy []Lossy
	// Threshold, when set, makes the rule alert on groups of matching events
	// rather than on each; Cond is then the per-event filter and Tests its
	// per-event verdicts.
	Threshold *Threshold
}

// Threshold is an aggregation: the matching events are grouped by the values
// of GroupBy (raw fields, as an Atom's Field; none: all matching events are
// one group), and the rule alerts for a group that reaches Count events
// within one window of WindowMinutes. Panther says it with Threshold,
// DedupPeriodMinutes and a dedup() returning the fields' values; Splunk with
// bin _time span=W, stats count by _time and the fields, where count >= N.
//
// What the two cannot agree on, each front end and printer records as a
// lossy point: where a window starts (Panther's opens at a group's first
// event, Splunk's bins are aligned to the clock), and a group field that is
// null or missing (Splunk's stats drops the event; Panther's dedup string
// holds a placeholder, so those events make a group of their own).
type Threshold struct {
	Count         int
	WindowMinutes int
	GroupBy       [][]string
}

// DefaultWindowMinutes is Panther's dedup period when a rule gives none.
const DefaultWindowMinutes = 60

// TitlePart is literal Text, or the value of Field when Field is set.
type TitlePart struct {
	Text  string
	Field []string
}

// Test is an event and whether the source rule matches it.
type Test struct {
	Name     string
	Expected bool
	Event    ast.Value // a JSON object
}

// Lossy is one point where the target cannot say what the source says, with
// the disagreement it allows: events decided by (or mutated in) one of
// Fields, or made by one of the mutation Kinds, on which the source rule
// (Source true) or the converted one (Source false) matches and the other does
// not. Both directions when Either is set.
type Lossy struct {
	Fields []string
	Kinds  []string
	// SourceHits: the direction of the allowed difference (the source
	// matches, the conversion does not); Either allows both.
	SourceHits, Either bool
	Reason             string
}
