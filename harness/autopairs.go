package harness

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/indicator"
	"github.com/concordsec/concord/sourcetype"
)

// Automatic pairing matches a Splunk detection with a Panther rule when both
// require the same value of the same field.
//
// Each rule contributes its required value atoms (eq, eq_ci, in, in_ci; see
// package indicator), one (field, value) per value, compared
// case-insensitively on both the field name and the value. A Splunk field
// that is a plain alias of its sourcetype (signature for eventName on
// aws:cloudtrail) is compared under the name it is an alias of, and {} (the
// array marker of KV_MODE=json names) is dropped.
//
// Score: each shared (field, value) weighs 2/n, where n is the number of
// rules, on either platform, that require that value: 1 for a value exactly
// one rule on each side requires, less the more rules look for it, so a
// shared eventName counts for more than a shared eventSource. The score is
// the sum over the shared values. A pair must share at least one value of an
// operation field (ActionFields); sharing only the service is not enough.

// ActionFields name the operation an event records (lowercased): CloudTrail's
// eventName, GCP audit logs' protoPayload.methodName, Azure's operationName.
var ActionFields = []string{"eventname", "protopayload.methodname", "operationname"}

// AutoPairThreshold is the score from which an automatic pair is compared by
// check: a shared operation value that at most four rules require (2/4), or
// several less specific ones.
const AutoPairThreshold = 0.5

// Candidate is a Splunk detection and a Panther rule that require the same
// values, with the values they share.
type Candidate struct {
	Splunk  string           `json:"splunk"`
	Panther string           `json:"panther"`
	Score   float64          `json:"score"`
	Shared  []indicator.Atom `json:"shared"`
}

// wanted is one (field, value) a rule requires, as compared and as shown.
type wanted struct {
	key          string // field and value, lowercased
	field, value string
}

// Candidates lists every Splunk/Panther pair of rules that share an
// operation value, best first (score, then files).
func Candidates(rules []*ast.Rule) []Candidate {
	var splunk, pan []*ast.Rule
	values := map[*ast.Rule][]wanted{}
	count := map[string]int{}
	for _, r := range rules {
		switch r.Platform {
		case ast.Splunk:
			splunk = append(splunk, r)
		case ast.Panther:
			pan = append(pan, r)
		default:
			continue
		}
		ws := wantedValues(r)
		values[r] = ws
		for _, w := range ws {
			count[w.key]++
		}
	}
	var out []Candidate
	for _, s := range splunk {
		mine := map[string]bool{}
		for _, w := range values[s] {
			mine[w.key] = true
		}
		for _, p := range pan {
			var shared []wanted
			score, action := 0.0, false
			for _, w := range values[p] {
				if !mine[w.key] {
					continue
				}
				shared = append(shared, w)
				score += 2 / float64(count[w.key])
				action = action || slices.Contains(ActionFields, strings.ToLower(w.field))
			}
			if !action {
				continue
			}
			out = append(out, Candidate{Splunk: s.File, Panther: p.File, Score: math.Round(score*1000) / 1000, Shared: sharedAtoms(shared)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Splunk != b.Splunk {
			return a.Splunk < b.Splunk
		}
		return a.Panther < b.Panther
	})
	return out
}

// wantedValues are the (field, value) pairs a rule requires, once each.
func wantedValues(r *ast.Rule) []wanted {
	var out []wanted
	seen := map[string]bool{}
	for _, a := range indicator.Extract(r).Required {
		if a.Base() != indicator.Eq {
			continue
		}
		field := a.Field
		if r.Platform == ast.Splunk {
			field = rawName(r, field)
		}
		for _, v := range a.Values {
			k := strings.ToLower(field) + "\x00" + strings.ToLower(v)
			if !seen[k] {
				seen[k] = true
				out = append(out, wanted{key: k, field: field, value: v})
			}
		}
	}
	return out
}

// rawName is the event field a Splunk field reads: itself, or the field it is
// a plain alias of in one of the rule's sourcetypes.
func rawName(r *ast.Rule, field string) string {
	for _, name := range r.LogTypes {
		st, err := sourcetype.Lookup(name)
		if err != nil || st == nil {
			continue
		}
		if from, ok := st.AliasOf(field); ok {
			field = from
			break
		}
	}
	return strings.ReplaceAll(field, "{}", "")
}

// sharedAtoms shows the shared values per field, as the Panther rule spells
// them (the raw event's names), compared case-insensitively.
func sharedAtoms(ws []wanted) []indicator.Atom {
	byField := map[string]*indicator.Atom{}
	var order []string
	for _, w := range ws {
		k := strings.ToLower(w.field)
		a := byField[k]
		if a == nil {
			a = &indicator.Atom{Field: w.field, Op: indicator.EqCI}
			byField[k] = a
			order = append(order, k)
		}
		a.Values = append(a.Values, w.value)
	}
	sort.Strings(order)
	out := make([]indicator.Atom, 0, len(order))
	for _, k := range order {
		a := byField[k]
		sort.Strings(a.Values)
		if len(a.Values) > 1 {
			a.Op = indicator.InCI
		}
		out = append(out, *a)
	}
	return out
}

// AutoPairs are the candidates that score at least AutoPairThreshold, as pairs
// whose note says they were paired automatically.
func AutoPairs(rules []*ast.Rule) []Pair {
	var out []Pair
	for _, c := range Candidates(rules) {
		if c.Score < AutoPairThreshold {
			break // best first
		}
		out = append(out, Pair{Splunk: c.Splunk, Panther: c.Panther, Note: autoNote(c)})
	}
	return out
}

func autoNote(c Candidate) string {
	shared := make([]string, len(c.Shared))
	for i, a := range c.Shared {
		shared[i] = a.String()
	}
	return fmt.Sprintf("paired automatically (score %g): both require %s", c.Score, strings.Join(shared, "; "))
}

// PairsFor is the pairs check compares for a folder: those DIR/pairs.yml
// declares, then the automatic pairs of rules (AutoPairs) it does not.
func PairsFor(dir string, rules []*ast.Rule) ([]Pair, error) {
	pairs, err := LoadPairs(dir)
	if err != nil {
		return nil, err
	}
	declared := len(pairs)
	for _, p := range AutoPairs(rules) {
		if FindPair(pairs[:declared], p.Splunk, p.Panther) == nil {
			pairs = append(pairs, p)
		}
	}
	return pairs, nil
}
