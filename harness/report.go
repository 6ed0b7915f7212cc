package harness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/mutate"
)

// Verdicts of a comparison, as the JSON contract spells them.
const (
	// VerdictEquivalent: a prover decided the rules agree on every event whose
	// keys are spelled as the log type spells them, and no evidence inside that
	// domain contradicts it (key-case mutants, outside it, may still differ).
	VerdictEquivalent = "equivalent"
	// VerdictDisagree: some event (accepted or not) gets different verdicts,
	// or a prover decided the rules differ.
	VerdictDisagree = "disagree"
	// VerdictAgreeOnEvidence: every event compared agrees, with no proof that
	// all events would.
	VerdictAgreeOnEvidence = "agree-on-evidence"
)

// Class is one kind of disagreement: the events that disagree in the same
// direction for the same reason (the same mutation kind and field, or for the
// events as given the same deciding condition).
type Class struct {
	Label           string
	Kind            string // mutation kind; "original" for the events as given
	Field           string
	Splunk, Panther bool
	Count           int
	Why             string      // one plain sentence
	Deciding        []Condition // in both rules, with positions
	Example         CompareEvent
	Diff            []string // the example against its parent: "- ...", "+ ...", or "  ..." for context
	SetLevel        bool
	// Accepted is the pair's accepted difference that covers every event of
	// the class, if one does.
	Accepted *Accepted
}

// Matrix counts events by the two verdicts.
type Matrix struct {
	Both        int `json:"both"`
	SplunkOnly  int `json:"splunk_only"`
	PantherOnly int `json:"panther_only"`
	Neither     int `json:"neither"`
}

// Report is a comparison summarised: its verdict, its classes of disagreement
// and its confusion matrix.
type Report struct {
	Verdict string
	Classes []Class
	Matrix  Matrix
}

// Unaccepted counts the classes no accepted difference covers.
func (r *Report) Unaccepted() int {
	n := 0
	for _, c := range r.Classes {
		if c.Accepted == nil {
			n++
		}
	}
	return n
}

// OriginalKind is the class kind of the events as given.
const OriginalKind = "original"

// Report groups the disagreements into classes; accepts, when not nil, says
// which accepted difference covers an event.
func (c *Comparison) Report(accepts func(CompareEvent) *Accepted) *Report {
	r := &Report{}
	type acc struct {
		cl      *Class
		members []CompareEvent
	}
	byKey := map[string]*acc{}
	var keys []string
	bySource := map[string]CompareEvent{}
	for _, e := range c.Events {
		if e.Mutation == "" {
			bySource[e.Source] = e
		}
	}
	for _, e := range c.Events {
		switch {
		case e.Splunk && e.Panther:
			r.Matrix.Both++
		case e.Splunk:
			r.Matrix.SplunkOnly++
		case e.Panther:
			r.Matrix.PantherOnly++
		default:
			r.Matrix.Neither++
		}
		if e.Agree {
			continue
		}
		kind, field, label := classOf(e)
		if parent, ok := bySource[e.Parent]; ok && inherits(e, parent) {
			// The mutation did not change why the rules differ: this is the
			// parent's difference again, and counts in its class.
			kind, field, label = classOf(parent)
		}
		key := fmt.Sprintf("%s\x00%v\x00%v", label, e.Splunk, e.Panther)
		a := byKey[key]
		if a == nil {
			a = &acc{cl: &Class{Label: label, Kind: kind, Field: field, Splunk: e.Splunk, Panther: e.Panther, SetLevel: e.Level == "set"}}
			byKey[key] = a
			keys = append(keys, key)
		}
		a.members = append(a.members, e)
	}
	for _, k := range keys {
		a := byKey[k]
		cl := a.cl
		cl.Count = len(a.members)
		best := -1
		for i, m := range a.members {
			d := Diff(m.ParentEvent, m.Event)
			if m.Mutation == "" || m.ParentEvent.IsMissing() {
				d = contextLines(m)
			}
			if best < 0 || len(d) < len(cl.Diff) {
				best, cl.Diff = i, d
			}
		}
		cl.Example = a.members[best]
		cl.Deciding = cl.Example.Deciding
		cl.Why = classWhy(cl)
		if accepts != nil {
			cl.Accepted = accepts(a.members[0])
			for _, m := range a.members[1:] {
				if cl.Accepted == nil {
					break
				}
				if accepts(m) == nil {
					cl.Accepted = nil
				}
			}
		}
		r.Classes = append(r.Classes, *cl)
	}
	sort.SliceStable(r.Classes, func(i, j int) bool {
		a, b := r.Classes[i], r.Classes[j]
		if (a.Kind == OriginalKind) != (b.Kind == OriginalKind) {
			return a.Kind == OriginalKind
		}
		return a.Label < b.Label
	})
	switch {
	case c.Proof != nil && c.Proof.Equivalent && c.disagreeOnlyOutsideProof():
		r.Verdict = VerdictEquivalent
	case c.Disagreements() > 0:
		r.Verdict = VerdictDisagree
	default:
		r.Verdict = VerdictAgreeOnEvidence
	}
	return r
}

// disagreeOnlyOutsideProof reports whether every disagreeing event lies
// outside the exact decision's domain: the decision takes keys as the log type
// spells them, because Panther matches a key in any case and Splunk only in its
// own, so every pair differs on a key spelled otherwise and no proof could
// exist if that counted.
func (c *Comparison) disagreeOnlyOutsideProof() bool {
	for _, e := range c.Events {
		if !e.Agree && e.Kind != string(mutate.KeyCase) {
			return false
		}
	}
	return true
}

// inherits reports whether a mutant disagrees the way its parent does, for the
// same reason: the same direction and the same deciding conditions.
func inherits(e, parent CompareEvent) bool {
	if e.Parent == "" || parent.Agree || e.Splunk != parent.Splunk || e.Panther != parent.Panther {
		return false
	}
	return decidedShorts(e) == decidedShorts(parent)
}

func decidedShorts(e CompareEvent) string {
	var out []string
	for _, d := range e.Deciding {
		if d.Decided {
			out = append(out, d.Short+"@"+d.Pos.String())
		}
	}
	return strings.Join(out, "\x00")
}

// classOf is the class an event's disagreement falls in.
func classOf(e CompareEvent) (kind, field, label string) {
	if e.Kind != "" {
		if e.Kind == string(AssignmentKind) {
			// One class per assignment: each is a different way to disagree.
			return e.Kind, strings.TrimPrefix(e.Mutation, "assignment:"), e.Mutation
		}
		return e.Kind, e.Field, e.Kind + ":" + e.Field
	}
	var shorts []string
	for _, d := range e.Deciding {
		if d.Decided && d.Short != "" && !contains(shorts, d.Short) {
			shorts = append(shorts, d.Short)
		}
	}
	if len(shorts) == 0 {
		shorts = []string{"no match"}
	}
	prefix := OriginalKind + ":"
	if e.Level == "set" {
		prefix = OriginalKind + ":set:"
	}
	return OriginalKind, strings.Join(e.DecidingFields, ","), prefix + strings.Join(shorts, " and ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// mutationPhrase says what a mutant of kind did to field, as the end of "does
// not match when ...".
var mutationPhrase = map[string]string{
	"value-case":       "the case of %s's value changes",
	"key-case":         "the key %s is spelled in another case",
	"missing":          "%s is missing",
	"null":             "%s is null",
	"empty":            "%s is an empty string",
	"array":            "%s is a list holding its value",
	"wildcard":         "%s's value contains a wildcard character (* or %%)",
	"number-as-string": "the number in %s is written as a string",
	"string-as-number": "%s holds a number instead of a numeric string",
	"assignment":       "%s (a counterexample of the exact decision)",
}

// classWhy is the class's one plain sentence.
func classWhy(cl *Class) string {
	yes, no := "Panther", "the Splunk search"
	if cl.Splunk {
		yes, no = "the Splunk search", "Panther"
	}
	var decided []string
	for _, d := range cl.Deciding {
		if d.Decided && d.Platform != platformOf(yes) {
			decided = append(decided, d.Text)
		}
	}
	because := ""
	if len(decided) > 0 {
		because = " (" + strings.Join(decided, "; ") + ")"
	}
	set := ""
	if cl.SetLevel {
		set = "On the whole set, "
	}
	var s string
	switch cl.Kind {
	case "error-fields":
		s = fmt.Sprintf("%s drops failed calls (%s added", no, strings.ReplaceAll(cl.Field, "+", " and "))
		if len(decided) > 0 {
			s += ": " + strings.Join(decided, "; ")
		}
		s += fmt.Sprintf("); %s keeps them", yes)
	case OriginalKind:
		s = fmt.Sprintf("%s does not match%s; %s does", no, because, yes)
		if other := otherConditions(cl.Deciding, platformOf(yes)); other != "" {
			s += " (" + other + ")"
		}
	default:
		phrase, ok := mutationPhrase[cl.Kind]
		if !ok {
			phrase = "%s is changed"
		}
		s = fmt.Sprintf("%s does not match when "+phrase+"%s; %s still does", no, cl.Field, because, yes)
	}
	return upperFirst(set+s) + "."
}

func otherConditions(ds []Condition, pl ast.Platform) string {
	var out []string
	for _, d := range ds {
		if !d.Decided && d.Platform == pl {
			out = append(out, d.Text)
		}
	}
	return strings.Join(out, "; ")
}

func platformOf(side string) ast.Platform {
	if side == "Panther" {
		return ast.Panther
	}
	return ast.Splunk
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// contextLines shows an event as given by the values of the fields that
// decided its disagreement.
func contextLines(e CompareEvent) []string {
	if e.Event.Kind() != ast.KindObject {
		return nil
	}
	var out []string
	for _, f := range e.DecidingFields {
		v, ok := lookupPath(e.Event.AsObject(), f)
		if !ok {
			continue // a Splunk search-time field (src, user) that is no JSON key
		}
		out = append(out, fmt.Sprintf("  %q: %s", f, ast.JSON(v)))
	}
	return out
}

func lookupPath(o *ast.Object, path string) (ast.Value, bool) {
	v := ast.ObjectOf(o)
	for _, k := range strings.Split(path, ".") {
		if v.Kind() != ast.KindObject {
			return ast.Missing, false
		}
		var ok bool
		if v, ok = v.AsObject().GetFold(k); !ok {
			return ast.Missing, false
		}
	}
	return v, true
}

// Diff lists how b differs from a, key by key (nested keys dot-joined): a key
// only in a is "- "key": value", one only in b "+ ...", a changed value both.
func Diff(a, b ast.Value) []string {
	var out []string
	diffInto(&out, "", a, b)
	return out
}

func diffInto(out *[]string, prefix string, a, b ast.Value) {
	if a.Kind() == ast.KindObject && b.Kind() == ast.KindObject {
		ao, bo := a.AsObject(), b.AsObject()
		// Keys in a's order, then b's new ones, so a renamed key reads - then +.
		for i, k := range ao.Keys {
			bv, ok := bo.Get(k)
			if !ok {
				*out = append(*out, fmt.Sprintf("- %q: %s", prefix+k, ast.JSON(ao.Vals[i])))
				for j, bk := range bo.Keys {
					if _, inA := ao.Get(bk); !inA && strings.EqualFold(bk, k) {
						*out = append(*out, fmt.Sprintf("+ %q: %s", prefix+bk, ast.JSON(bo.Vals[j])))
					}
				}
				continue
			}
			diffInto(out, prefix+k+".", ao.Vals[i], bv)
		}
		for j, k := range bo.Keys {
			if _, ok := ao.Get(k); ok {
				continue
			}
			if _, ok := ao.GetFold(k); ok && hasFoldMissing(ao, bo, k) {
				continue // printed beside the key it renames
			}
			*out = append(*out, fmt.Sprintf("+ %q: %s", prefix+k, ast.JSON(bo.Vals[j])))
		}
		return
	}
	if ast.JSON(a) == ast.JSON(b) {
		return
	}
	name := strings.TrimSuffix(prefix, ".")
	*out = append(*out, fmt.Sprintf("- %q: %s", name, ast.JSON(a)), fmt.Sprintf("+ %q: %s", name, ast.JSON(b)))
}

// hasFoldMissing: some key of a equal to k under case folding is absent from b,
// so k is that key renamed.
func hasFoldMissing(a, b *ast.Object, k string) bool {
	for _, ak := range a.Keys {
		if _, ok := b.Get(ak); !ok && strings.EqualFold(ak, k) {
			return true
		}
	}
	return false
}
