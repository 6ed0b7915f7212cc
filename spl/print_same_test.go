package spl_test

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// Same prints as isnotnull(a) AND isnotnull(b) AND a==b. concord's SPL
// evaluator runs the printed search with the portable verdict on two equal,
// different or missing strings, and under NOT; where Splunk's == reads
// values other than strings (numbers compared numerically, JSON null as the
// text "null": Search Reference, eval, "Comparison and conditional
// functions"; concord's eval/ops.go compareSPL), the verdicts differ and a
// lossy point names both fields in that direction.
func TestPrintSame(t *testing.T) {
	same := &portable.Atom{Field: []string{"eventName"}, Op: portable.Same, Ref: []string{"requestParameters", "name"}}
	for _, neg := range []bool{false, true} {
		var cond portable.Expr = same
		if neg {
			cond = not(same)
		}
		r := &portable.Rule{Name: "Same Name", ID: "Test.Same", LogType: "AWS.CloudTrail",
			Cond: and(atom("eventSource", portable.Eq, "s3.amazonaws.com"), cond)}
		p, _, c := loadPrinted(t, r)
		if want := "isnotnull(eventName) AND isnotnull('requestParameters.name') AND eventName=='requestParameters.name'"; !strings.Contains(string(p.Files[p.Detection]), want) {
			t.Fatalf("printed:\n%s", p.Files[p.Detection])
		}
		for _, c2 := range []struct {
			name, a, b string
			lossy      bool // Splunk differs from the portable semantics
		}{
			{"equal", `"x"`, `"x"`, false},
			{"different", `"x"`, `"y"`, false},
			{"case", `"x"`, `"X"`, false},
			{"empty", `""`, `""`, false},
			{"a missing", ``, `"x"`, false},
			{"b missing", `"x"`, ``, false},
			{"both missing", ``, ``, false},
			{"numbers", `5`, `5`, true},
			{"number texts", `"1.0"`, `"1"`, true},
			{"nulls", `null`, `null`, true},
			{"number and its text", `5`, `"5"`, true},
		} {
			js := `{"eventSource":"s3.amazonaws.com"`
			if c2.a != "" {
				js += `,"eventName":` + c2.a
			}
			if c2.b != "" {
				js += `,"requestParameters":{"name":` + c2.b + `}`
			}
			ev, err := ast.ParseJSON([]byte(js + "}"))
			if err != nil {
				t.Fatal(err)
			}
			got, want := hit(t, c, ev), portable.Holds(r.Cond, ev)
			if got != want && !c2.lossy {
				t.Errorf("not=%v %s: printed %v, portable %v", neg, c2.name, got, want)
			}
			if got == want && c2.lossy {
				t.Errorf("not=%v %s: printed and portable agree (%v); the case is listed as lossy", neg, c2.name, got)
			}
			if got != want && (!explained(p.Lossy, "eventName", want) || !explained(p.Lossy, "requestParameters.name", want)) {
				t.Errorf("not=%v %s: printed %v, portable %v, and no lossy point names both fields", neg, c2.name, got, want)
			}
		}
	}
}
