package sigma

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/concordsec/concord/mutate"
	"github.com/concordsec/concord/portable"
)

// numberText is a constant a JSON number could be written as.
var numberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// lossPoint is one way a Sigma test and its portable form can differ on an
// event: sigmaHits says the Sigma test holds where the portable one does not
// (the atom taken positively).
type lossPoint struct {
	fields    []string
	reason    string
	kinds     []string
	sigmaHits bool
}

// atomLoss lists where a test means something else in Sigma than in
// portable, stated for the Sigma spelling against the portable atom (the
// same for Load and Print). fromExists: the atom was read from |exists.
func atomLoss(a *portable.Atom, fromExists bool) []lossPoint {
	var out []lossPoint
	path := a.Path()
	if fromExists {
		out = append(out, lossPoint{fields: []string{path}, kinds: []string{string(mutate.Null)}, sigmaHits: true,
			reason: fmt.Sprintf("Sigma's %s|exists holds on a null value (the spec: presence only), portable exists does not", path)})
	}
	if a.Op != portable.Eq {
		return out
	}
	for _, v := range a.Values {
		if numberText.MatchString(v) {
			out = append(out, lossPoint{fields: []string{path}, kinds: []string{string(mutate.StringAsNumber)}, sigmaHits: true,
				reason: fmt.Sprintf("Sigma treats values as strings, so %s = '%s' also matches the number %s; a portable string test does not", path, v, v)})
			break
		}
	}
	for _, v := range a.Values {
		if lv := strings.ToLower(v); lv == "true" || lv == "false" {
			out = append(out, lossPoint{fields: []string{path}, sigmaHits: true,
				reason: fmt.Sprintf("Sigma treats values as strings, so %s = '%s' also matches the boolean %s; a portable string test does not", path, v, lv)})
			break
		}
	}
	return out
}

// lossyOf walks a condition with the polarity of each atom and lists the
// differences loss finds, merged (both polarities: Either).
func lossyOf(x portable.Expr, loss func(*portable.Atom) []lossPoint, sigmaIsSource bool) []portable.Lossy {
	type key struct{ fields, reason string }
	dirs := map[key]map[bool]bool{}
	kinds := map[key][]string{}
	fields := map[key][]string{}
	var order []key
	var walk func(portable.Expr, bool)
	walk = func(x portable.Expr, positive bool) {
		switch x := x.(type) {
		case *portable.And:
			for _, y := range x.Xs {
				walk(y, positive)
			}
		case *portable.Or:
			for _, y := range x.Xs {
				walk(y, positive)
			}
		case *portable.Not:
			walk(x.X, !positive)
		case *portable.Atom:
			for _, p := range loss(x) {
				k := key{strings.Join(p.fields, ","), p.reason}
				if dirs[k] == nil {
					dirs[k] = map[bool]bool{}
					kinds[k] = p.kinds
					fields[k] = p.fields
					order = append(order, k)
				}
				// The rule's Sigma form matches where the portable one does
				// not when the atom's difference is taken positively.
				sigmaMatches := p.sigmaHits == positive
				dirs[k][sigmaMatches == sigmaIsSource] = true
			}
		}
	}
	walk(x, true)
	var out []portable.Lossy
	for _, k := range order {
		l := portable.Lossy{Fields: fields[k], Kinds: kinds[k], Reason: k.reason}
		switch d := dirs[k]; {
		case d[true] && d[false]:
			l.Either = true
		default:
			l.SourceHits = d[true]
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Fields[0] < out[j].Fields[0] })
	return out
}

// lossy lists the points where the loaded rule's portable condition cannot
// say exactly what the Sigma rule says (the source is Sigma).
func (l *loader) lossy(x portable.Expr) []portable.Lossy {
	if x == nil {
		return nil
	}
	return lossyOf(x, func(a *portable.Atom) []lossPoint { return atomLoss(a, l.existsAtoms[a]) }, true)
}
