package eval

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// The Search Reference (anomalydetection): "The probability is defined as the
// product of the frequencies of each individual field value in the event. For
// categorical fields, the frequency of a value X is the number of times X
// occurs divided by the total number of events"; pthresh is "the probability
// threshold ... that has to be met for an event to be deemed anomalous", and
// without it "the command calculates pthresh for each data set".
func TestAnomalyDetection(t *testing.T) {
	ad := func(annotate bool, pthresh float64, fields ...string) []ast.Command {
		return []ast.Command{&ast.AnomalyDetectionCmd{Annotate: annotate, PThresh: pthresh, Cutoff: true, Fields: fields}}
	}
	same := []string{`{"user":"alice","count":3}`, `{"user":"alice","count":3}`}
	users := []string{`{"user":"alice"}`, `{"user":"alice"}`, `{"user":"alice"}`, `{"user":"bob"}`}
	runCmdCases(t, []cmdCase{
		{"one row: probability 1, filter keeps nothing", ad(false, 0, "user", "count"), same[:1],
			[]string{`drop 0: anomalydetection: every row has the same values, so none is anomalous`}},
		{"same values: annotate passes every row unchanged", ad(true, 0, "user", "count"), same,
			[]string{`{"user":"alice","count":3} <- [0]`, `{"user":"alice","count":3} <- [1]`}},
		{"no field list: every field", ad(true, 0), same[:1], []string{`{"user":"alice","count":3} <- [0]`}},
		// bob's probability is 1/4, alice's 3/4.
		{"pthresh filter keeps the rare value", ad(false, 0.5, "user"), users,
			[]string{`{"user":"bob"} <- [3]`,
				`drop 0: anomalydetection: probability 0.75 is not below pthresh=0.5`,
				`drop 1: anomalydetection: probability 0.75 is not below pthresh=0.5`,
				`drop 2: anomalydetection: probability 0.75 is not below pthresh=0.5`}},
		{"pthresh annotate with no anomaly", ad(true, 0.2, "user"), users,
			[]string{`{"user":"alice"} <- [0]`, `{"user":"alice"} <- [1]`, `{"user":"alice"} <- [2]`, `{"user":"bob"} <- [3]`}},
	})
	for _, tc := range []struct {
		note   string
		cmds   []ast.Command
		events []string
		want   string
	}{
		{"computed threshold", ad(true, 0, "user"), users, "rows differ in user; which are anomalous depends on the threshold Splunk computes"},
		{"numerical bins", ad(false, 0.5, "count"), []string{`{"count":1}`, `{"count":2}`}, "count is numerical and varies"},
		{"null counts", ad(false, 0.5, "user"), []string{`{"user":"a"}`, `{}`}, "user is null on some rows"},
		{"multivalue counts", ad(false, 0.5, "user"), []string{`{"user":["a","b"]}`, `{"user":"a"}`}, "user is multivalue on some rows"},
		{"annotation values", ad(true, 0.5, "user"), users, "action=annotate on an anomalous row"},
		{"probability at the threshold", ad(false, 0.25, "user"), users, "equals pthresh=0.25"},
	} {
		p, errs := CompilePipeline(tc.cmds)
		if errs != nil {
			t.Fatal(errs)
		}
		_, _, err := p.Run(rowsOf(t, tc.events...))
		if re, ok := err.(*RuntimeError); !ok || re.Code != ast.CodeUnsupported || !strings.Contains(re.Msg, tc.want) {
			t.Errorf("%s: got %v, want unsupported %q", tc.note, err, tc.want)
		}
	}
}
