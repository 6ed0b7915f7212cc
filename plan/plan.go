// Package plan works out, for one rule, what an engine streaming raw events
// through many rules may skip: the JSON keys the rule's match can read (so an
// event is decoded once, with only the keys some rule needs) and literal
// strings one of which an event's raw text must contain for the match to hold
// (so most events are never decoded at all).
//
// Both concern only the match, the part of a rule that decides whether an
// event is a candidate: Panther's rule() with its InlineFilters, the helpers
// and data model mappings it reaches, and a Splunk search's base search. An
// engine evaluates outputs (title, alert_context) and pipeline stages on the
// fully decoded events that match, so nothing they read is a plan's concern.
//
// A plan is conservative: Maybe answers false only when the match is certain to
// give a clean non-match (false, no error) on the event, and evaluating the
// match on an event projected to Paths (see Project) gives the verdict it gives
// on the whole event. Whatever the analysis cannot bound makes the plan read
// everything (All) or filter nothing.
package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/sourcetype"
)

// Options are what a plan needs besides the rule.
type Options struct {
	// SourceType is the knowledge a Splunk search's events are viewed with;
	// nil means the Default registry's for the rule's first log type, which is
	// what the engine uses for an event that names no sourcetype of its own.
	SourceType *sourcetype.SourceType
	// DataModels are the Panther data models by log type that event.udm()
	// may use (harness.DataModels.ByLogType). The model is chosen by each
	// event's p_log_type, so every one of them counts.
	DataModels map[string]*eval.DataModel
}

// Plan is what one rule's match needs from an event.
type Plan struct {
	// All: the match may read any part of the event; Why says what.
	All bool
	Why string
	// Paths are the JSON key paths the match can read, when not All. A path
	// crossing an array applies to every element, and everything below a
	// path's end is needed (see Project).
	Paths [][]string

	// Rows, when HasRows, are the key paths a Splunk search's pipeline reads
	// of an event its base search passed, Paths included: the pipeline runs
	// on such an event decoded with only these. Without, it reads the whole
	// event.
	Rows    [][]string
	HasRows bool

	// ViewFields, when HasViewFields, are the search-time fields a Splunk
	// search reads of a view of sourcetype ViewSourceType: its base search's
	// and, with HasRows, its pipeline's. Only when that sourcetype's
	// computations cannot fail, since a failing one fails the view whatever
	// the search reads (see sourcetype.Narrow).
	ViewFields     []string
	HasViewFields  bool
	ViewSourceType string

	// clauses must all hold for the match to hold (see Maybe); none means
	// every event may match.
	clauses []clause
	// noFilter says why there is no prefilter, for String.
	noFilter string

	trieOnce sync.Once
	trie     *trie
}

// Of plans a rule's match.
func Of(r *ast.Rule, opts Options) *Plan {
	p := &Plan{}
	switch {
	case r.Match == nil:
		p.all("the rule has no match")
		return p
	case len(r.Unsupported) > 0:
		p.all("the rule does not run (unsupported constructs)")
		return p
	}
	a := newAnalyzer(r, opts)
	if why := a.everyEvent(); why != "" {
		p.all(why)
		return p
	}
	a.paths(p)
	a.rows(p)
	a.viewFields(p)
	a.prefilter(p)
	return p
}

// all makes p read and keep every event.
func (p *Plan) all(why string) {
	p.All, p.Why, p.Paths, p.noFilter, p.clauses = true, why, nil, why, nil
	p.Rows, p.HasRows = nil, false
	p.ViewFields, p.HasViewFields, p.ViewSourceType = nil, false, ""
}

// String describes the plan: the paths (or why everything is read) on one
// line, then the prefilter, one line per clause that must hold.
func (p *Plan) String() string {
	var b strings.Builder
	if p.All {
		fmt.Fprintf(&b, "paths: all (%s)\n", p.Why)
	} else if len(p.Paths) == 0 {
		b.WriteString("paths: none\n")
	} else {
		names := make([]string, len(p.Paths))
		for i, path := range p.Paths {
			names[i] = PathString(path)
		}
		fmt.Fprintf(&b, "paths: %s\n", strings.Join(names, ", "))
	}
	if len(p.clauses) == 0 {
		why := p.noFilter
		if why == "" {
			why = "found no literal a match needs"
		}
		fmt.Fprintf(&b, "prefilter: none (%s)\n", why)
		return b.String()
	}
	b.WriteString("prefilter:\n")
	for _, c := range p.clauses {
		b.WriteString("  " + c.String() + "\n")
	}
	return b.String()
}

// Literal is a string the prefilter searches an event's raw text for.
type Literal struct {
	Text string // as the raw text holds it: JSON-escaped, lower-case when Fold
	Fold bool   // ASCII letters match in either case
}

// Literals lists the prefilter's literals, one list per clause: for the match
// to hold, one literal of every clause must occur (or the text must hide it,
// see Maybe).
func (p *Plan) Literals() [][]Literal {
	var out [][]Literal
	for _, c := range p.clauses {
		var l []Literal
		for _, x := range c.lits {
			l = append(l, Literal{Text: x.text, Fold: x.fold})
		}
		out = append(out, l)
	}
	return out
}

// PathString shows a key path dot-joined, quoting keys that hold a dot,
// a quote or nothing.
func PathString(path []string) string {
	parts := make([]string, len(path))
	for i, k := range path {
		if k == "" || strings.ContainsAny(k, `."`) {
			k = strconv.Quote(k)
		}
		parts[i] = k
	}
	return strings.Join(parts, ".")
}

// Union is the paths to decode for a set of plans (a plan's Rows when it has
// them: its pipeline then runs on the same decoding): nil and all true when
// one of them reads everything. Paths that only differ in case are one path
// (the decoder matches keys case-insensitively) and a path below another is
// left out (everything below a path's end is decoded).
func Union(plans []*Plan) (paths [][]string, all bool) {
	var in [][]string
	for _, p := range plans {
		switch {
		case p.All:
			return nil, true
		case p.HasRows:
			in = append(in, p.Rows...)
		default:
			in = append(in, p.Paths...)
		}
	}
	return normalize(in), false
}

// normalize sorts paths, drops those another one covers (itself or a prefix,
// keys compared case-insensitively) and returns the rest.
func normalize(in [][]string) [][]string {
	in = slices.Clone(in)
	slices.SortFunc(in, func(a, b []string) int {
		if len(a) != len(b) {
			return len(a) - len(b) // shorter first: prefixes come before what they cover
		}
		return slices.Compare(a, b)
	})
	var out [][]string
	for _, p := range in {
		if !slices.ContainsFunc(out, func(q []string) bool { return covers(q, p) }) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) })
	return out
}

// covers reports whether q is p or a prefix of it, keys compared as the decoder
// compares them.
func covers(q, p []string) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if !strings.EqualFold(q[i], p[i]) {
			return false
		}
	}
	return true
}
