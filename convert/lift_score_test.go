package convert

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// A score's comparison is the combinations of its signals that pass it:
// the minimal ones when passing is closed upward, the negation of the
// minimal failing ones when closed downward, each passing subset spelled
// out otherwise. Python compares an int sum with an int or float constant
// numerically (sum([]) is 0).
func TestScoreCases(t *testing.T) {
	sig := func(name string) portable.Expr { return &portable.Atom{Field: []string{name}, Op: portable.Exists} }
	terms := func(ws ...int64) []scoreTerm {
		var ts []scoreTerm
		for i, w := range ws {
			name := string(rune('a' + i))
			ts = append(ts, scoreTerm{name, w, sig(name)})
		}
		return ts
	}
	for _, tc := range []struct {
		name string
		ws   []int64
		op   ast.CmpOp
		k    float64
		want string
	}{
		{"the rule's >= 3", []int64{2, 1, 3}, ast.Ge, 3, `(c exists or (a exists and b exists))`},
		{"> 3", []int64{2, 1, 3}, ast.Gt, 3, `((a exists and c exists) or (b exists and c exists))`},
		{"float bound", []int64{2, 1, 3}, ast.Ge, 2.5, `(c exists or (a exists and b exists))`},
		{"every signal", []int64{1, 1}, ast.Ge, 2, `(a exists and b exists)`},
		{"any signal", []int64{1, 1}, ast.Gt, 0, `(a exists or b exists)`},
		{"always", []int64{1, 1}, ast.Ge, 0, `true`},
		{"never", []int64{1, 1}, ast.Ge, 3, `false`},
		{"at most one: closed downward", []int64{1, 1, 1}, ast.Le, 1, `not ((a exists and b exists) or (a exists and c exists) or (b exists and c exists))`},
		{"exactly 3: neither", []int64{2, 1, 3}, ast.Eq, 3, `((a exists and b exists and not c exists) or (not a exists and not b exists and c exists))`},
		{"a negative weight", []int64{2, -1}, ast.Ge, 2, `(a exists and not b exists)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &lifter{rule: &ast.Rule{File: "r.yml"}}
			got, err := l.scoreCases(terms(tc.ws...), tc.op, tc.k, &ast.Lit{})
			if err != nil {
				t.Fatal(err)
			}
			if s := portable.String(got); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
		})
	}
	l := &lifter{rule: &ast.Rule{File: "r.yml"}}
	_, err := l.scoreCases(terms(1, 1, 1, 1, 1, 1, 1, 1, 1), ast.Ge, 3, &ast.Lit{})
	if err == nil || !strings.Contains(err.Error(), "a score over 9 signals") {
		t.Errorf("9 signals: %v", err)
	}
}

const scorePy = `
WEIGHTS = {"admin": 2, "no_mfa": 1, "tor": 3}


def signals(event):
    found = set()
    if event.get("userName") == "admin":
        found.add("admin")
    if event.deep_get("extra", "MFAUsed", default="No") != "Yes":
        found.add("no_mfa")
    if event.get("agent") == "tor":
        found.add("tor")
        found.add("tor")
    return found


def rule(event):
    if event.get("eventName") != "ConsoleLogin":
        return False
    return %s
`

// A score lifts through the set its helper builds, whatever spelling sums
// it, and decides every event as the Python does: deep_get's default reads
// a missing or null MFAUsed as "No" (panther_base_helpers.deep_get returns
// the default when the value found is None), a name added twice counts
// once (a set), a name outside the weights is dropped by the filter.
func TestLiftScore(t *testing.T) {
	ev := func(user, mfa, agent string) string {
		s := `{"eventName":"ConsoleLogin"`
		if user != "" {
			s += `,"userName":"` + user + `"`
		}
		if mfa != "" {
			s += `,"extra":{"MFAUsed":` + mfa + `}`
		}
		if agent != "" {
			s += `,"agent":"` + agent + `"`
		}
		return s + "}"
	}
	events := []string{
		`{"eventName":"Other","agent":"tor"}`,
		ev("", "", ""), ev("admin", "", ""), ev("admin", `"Yes"`, ""), ev("", `"Yes"`, "tor"),
		ev("", `null`, ""), ev("bob", `"No"`, "tor"), ev("admin", `"Yes"`, "tor"), ev("", `"YES"`, ""),
		ev("admin", `true`, ""), `{"eventName":"ConsoleLogin","extra":"text","userName":"admin"}`,
	}
	for _, tc := range []struct{ name, expr, want string }{
		{"dict comprehension", `sum({n: WEIGHTS[n] for n in signals(event) if n in WEIGHTS}.values()) >= 3`,
			`(eventName eq "ConsoleLogin" and (agent eq "tor" or (userName eq "admin" and not extra.MFAUsed eq "Yes")))`},
		{"generator", `sum(WEIGHTS[n] for n in signals(event)) > 2`,
			`(eventName eq "ConsoleLogin" and (agent eq "tor" or (userName eq "admin" and not extra.MFAUsed eq "Yes")))`},
		{"constant on the left", `4 <= sum(WEIGHTS[n] for n in signals(event))`,
			`(eventName eq "ConsoleLogin" and ((userName eq "admin" and agent eq "tor") or (not extra.MFAUsed eq "Yes" and agent eq "tor")))`},
		{"a count", `len(signals(event)) >= 2`,
			`(eventName eq "ConsoleLogin" and ((userName eq "admin" and not extra.MFAUsed eq "Yes") or (userName eq "admin" and agent eq "tor") or (not extra.MFAUsed eq "Yes" and agent eq "tor")))`},
		{"a filter dropping a name", `sum(1 for n in signals(event) if n in {"admin", "tor"}) == 1`,
			`(eventName eq "ConsoleLogin" and ((userName eq "admin" and not agent eq "tor") or (not userName eq "admin" and agent eq "tor")))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pantherRule(t, strings.Replace(scorePy, "%s", tc.expr, 1))
			got, _ := lift(t, c)
			if s := portable.String(got); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
			agreesWithPython(t, c, got, events)
		})
	}
}

// What the score lift cannot say is refused at the construct's position.
func TestLiftScoreRefused(t *testing.T) {
	for _, tc := range []struct{ name, py, want string }{
		{"a weight missing", `
W = {"a": 1}


def rule(event):
    found = set()
    if event.get("x") == "1":
        found.add("a")
    if event.get("y") == "1":
        found.add("b")
    return sum(W[n] for n in found) >= 1
`, `r.py:11:16: cannot convert: the signal "b" has no weight (Python raises KeyError)`},
		{"a computed name", `
def rule(event):
    found = set()
    found.add(event.get("x"))
    return len(found) >= 1
`, `r.py:4:5: cannot convert: a signal added to the set that is not a constant name`},
		{"too many signals", manySignals(9), `r.py:25:12: cannot convert: a score over 9 signals: the combinations of more than 8 are not enumerated`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pantherRule(t, tc.py)
			_, _, err := Condition(c.Rule)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// Eight signals are enumerated (256 subsets): len(...) >= 3 is the Or of
// the 56 ways to pick three.
func TestLiftScoreEight(t *testing.T) {
	got, _, err := Condition(pantherRule(t, manySignals(8)).Rule)
	if err != nil {
		t.Fatal(err)
	}
	if or, ok := got.(*portable.Or); !ok || len(or.Xs) != 56 {
		t.Errorf("got %s", portable.String(got))
	}
}

// manySignals is a rule adding n signals, each for its own field.
func manySignals(n int) string {
	var b strings.Builder
	b.WriteString("def signals(event):\n    found = set()\n")
	for i := range n {
		fmt.Fprintf(&b, "    if event.get(\"f%d\") == \"x\":\n        found.add(\"s%d\")\n", i, i)
	}
	b.WriteString("    return found\n\n\ndef rule(event):\n    return len(signals(event)) >= 3\n")
	return b.String()
}
