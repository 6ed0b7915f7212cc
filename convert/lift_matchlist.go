package convert

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// matchList lifts a Panther simple detection's string condition (IEquals,
// StartsWith, EndsWith, Contains and their I- variants, IIsIn), lowered to a
// search-term match (panther/detection.go), with its list semantics: the
// condition holds on a string that passes, and on a list when one of its
// elements does (eval/compile.go, anyText: a multivalue value matches when
// any value does). Panther's match-expression reference
// (https://docs.panther.com/detections/rules/writing-simple-detections/match-expression)
// compares "the value of a certain event key" and states no type rules;
// concord's evaluator is the reading panther/detection.go documents, and
// the conversion says exactly what it runs: atom or any element passes.
// The inverse conditions (IDoesNotEqual, DoesNotEndWith, ...) are the
// negation of this whole test, so a list holding a passing element fails
// them.
//
// Two readings stay outside the portable form and are lossy points: an
// element that is itself a list (Panther looks into it, portable's Any tests
// the elements as strings) and an object, which Panther matches by its JSON
// text.
func (l *lifter) matchList(f []string, a portable.Expr, n *ast.Match) (portable.Expr, error) {
	atom, ok := a.(*portable.Atom)
	if ok && len(f) == 0 && l.relative {
		// The element of an element test (reviewers[*].login) itself: one
		// that is a list is looked into by Panther, not by portable's test.
		also := "looks into an element that is itself a list"
		if objectText(n) {
			also += " and reads an object by its JSON text"
		}
		l.lossy = append(l.lossy, portable.Lossy{Either: true, Kinds: []string{"assignment"},
			Reason: fmt.Sprintf("Panther's %s %q on a list's elements also %s; the conversion tests string elements only.", conditionName(n), n.Pattern, also)})
		return a, nil
	}
	if !ok || len(f) == 0 {
		// An Or{} (a constant the lowered value can never equal) or a
		// multivalue path already quantified: nothing to add.
		return a, nil
	}
	elem := *atom
	elem.Field = nil
	elem.Values = append([]string(nil), atom.Values...)
	path := strings.Join(f, ".")
	if l.elemList != "" {
		path = l.elemList + "." + path
	}
	also := "looks into a list nested in a list"
	if objectText(n) {
		also += " and reads an object by its JSON text"
	}
	l.lossy = append(l.lossy, portable.Lossy{Fields: []string{path}, Either: true, Kinds: []string{"assignment"},
		Reason: fmt.Sprintf("Panther's %s %q on %s also %s; the conversion tests a string and a list's string elements only.", conditionName(n), n.Pattern, path, also)})
	return &portable.Or{Xs: []portable.Expr{atom, &portable.Any{Path: f, X: &elem}}}, nil
}

// conditionName is the simple detection's name for the match.
func conditionName(n *ast.Match) string {
	name := map[ast.MatchKind]string{ast.MatchExact: "Equals", ast.MatchPrefix: "StartsWith", ast.MatchSuffix: "EndsWith", ast.MatchContains: "Contains"}[n.Kind]
	if name == "" {
		name = n.Kind.String() + " match"
	}
	if n.Fold {
		name = "I" + name
	}
	return name
}

// objectText: the pattern could match an object's JSON text ({"k":"v"}),
// which starts with { and ends with }.
func objectText(n *ast.Match) bool {
	switch n.Kind {
	case ast.MatchExact:
		return strings.HasPrefix(n.Pattern, "{") && strings.HasSuffix(n.Pattern, "}")
	case ast.MatchPrefix:
		return strings.HasPrefix(n.Pattern, "{")
	case ast.MatchSuffix:
		return strings.HasSuffix(n.Pattern, "}")
	}
	return true
}
