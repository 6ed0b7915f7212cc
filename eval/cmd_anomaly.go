package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
)

// anomalyStage runs the histogram method of anomalydetection where Splunk's
// documentation decides the result, and says "unsupported" where it does not.
// The Search Reference defines a row's probability as the product of its
// fields' value frequencies (a categorical value's count over the number of
// rows) and calls a row anomalous when that probability is unusually small:
// below pthresh= when given. It does not define the histogram bins of
// numerical fields, the threshold computed "for each data set" when pthresh
// is absent, how nulls and multivalues count, or the values of the fields
// action=annotate adds. So:
//   - rows that share the values of every field all have probability 1, the
//     largest there is, and none is anomalous whatever the threshold (the case
//     of one result row, e.g. a detection run on one event);
//   - with pthresh=, fields whose values are all single and non-numeric give
//     exact probabilities;
//   - anything else is an unsupported run, never a guess.
func anomalyStage(c *ast.AnomalyDetectionCmd) func([]Row, *runState) ([]Row, error) {
	return func(rows []Row, rs *runState) ([]Row, error) {
		if len(rows) == 0 {
			return rows, nil
		}
		unsupported := func(format string, a ...any) error {
			return &RuntimeError{Pos: c.Pos(), Code: ast.CodeUnsupported, Msg: "unsupported: anomalydetection: " + fmt.Sprintf(format, a...)}
		}
		fields := c.Fields
		if len(fields) == 0 {
			fields = fieldNames(rows)
			sort.Strings(fields)
		}
		prob := make([]float64, len(rows))
		for i := range prob {
			prob[i] = 1
		}
		var varying []string
		for _, f := range fields {
			keys := make([]string, len(rows))
			counts := map[string]int{}
			numeric, null, multi := false, false, false
			for i, r := range rows {
				v, _ := r.Fields.Get(f)
				vs := values(v)
				switch {
				case len(vs) == 0:
					null = true
					keys[i] = "\x00null"
				case len(vs) > 1:
					multi = true
					keys[i] = v.Text()
				default:
					_, isNum := splNum(vs[0])
					numeric = numeric || isNum
					keys[i] = vs[0].Text()
				}
				counts[keys[i]]++
			}
			if len(counts) == 1 {
				continue
			}
			varying = append(varying, f)
			if c.PThresh == 0 {
				continue
			}
			switch {
			case null:
				return nil, unsupported("%s is null on some rows; the Search Reference does not say how a missing value counts", f)
			case multi:
				return nil, unsupported("%s is multivalue on some rows; the Search Reference does not say how a multivalue counts", f)
			case numeric:
				return nil, unsupported("%s is numerical and varies; the Search Reference does not define its histogram bins", f)
			}
			for i, k := range keys {
				prob[i] *= float64(counts[k]) / float64(len(rows))
			}
		}
		if len(varying) == 0 {
			if !c.Annotate {
				dropRows(rows, rs, c.Pos(), "anomalydetection: every row has the same values, so none is anomalous")
				return rows[:0], nil
			}
			return rows, nil
		}
		if c.PThresh == 0 {
			return nil, unsupported("rows differ in %s; which are anomalous depends on the threshold Splunk computes from the data, which the Search Reference does not define (give pthresh=)", strings.Join(varying, ", "))
		}
		out := rows[:0:0]
		for i, r := range rows {
			switch {
			case prob[i] == c.PThresh:
				return nil, unsupported("a row's probability equals pthresh=%g; the Search Reference does not say whether that is anomalous", c.PThresh)
			case prob[i] > c.PThresh:
				if c.Annotate {
					out = append(out, r)
					continue
				}
				dropRows([]Row{r}, rs, c.Pos(), fmt.Sprintf("anomalydetection: probability %g is not below pthresh=%g", prob[i], c.PThresh))
			case c.Annotate:
				return nil, unsupported("action=annotate on an anomalous row; the Search Reference does not define the values of the fields it adds")
			default:
				out = append(out, r)
			}
		}
		return out, nil
	}
}

// fieldNames is every field name of the rows, in the order first seen.
func fieldNames(rows []Row) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		for _, k := range r.Fields.Keys {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
