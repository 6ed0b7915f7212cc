package eval

import (
	"sort"

	"github.com/concordsec/concord/ast"
)

// aggregator computes one stats function over the rows of a group.
type aggregator func(field string, rows []Row) ast.Value

var aggregators = map[string]aggregator{
	"count":  aggCount,
	"dc":     aggDC,
	"values": aggValues,
	"list":   aggList,
	"min":    aggMinMax(-1),
	"max":    aggMinMax(1),
	"sum":    aggSum(false),
	"avg":    aggSum(true),
	"first":  aggFirst,
	"last":   aggLast,
}

func fieldValues(field string, rows []Row) []ast.Value {
	var out []ast.Value
	for _, r := range rows {
		v, _ := r.Fields.Get(field)
		out = append(out, values(v)...)
	}
	return out
}

// aggCount: bare count counts rows; count(f) counts values of f (each value of a
// multivalue field counts).
func aggCount(field string, rows []Row) ast.Value {
	if field == "" {
		return ast.Int(int64(len(rows)))
	}
	return ast.Int(int64(len(fieldValues(field, rows))))
}

func distinctSorted(vs []ast.Value) []ast.Value {
	seen := map[string]bool{}
	var out []ast.Value
	for _, v := range vs {
		t := v.Text()
		if !seen[t] {
			seen[t] = true
			out = append(out, v)
		}
	}
	// values() sorts lexicographically (Search Reference, "values").
	sort.SliceStable(out, func(i, j int) bool { return out[i].Text() < out[j].Text() })
	return out
}

func aggDC(field string, rows []Row) ast.Value {
	return ast.Int(int64(len(distinctSorted(fieldValues(field, rows)))))
}

func aggValues(field string, rows []Row) ast.Value {
	return mv(distinctSorted(fieldValues(field, rows)))
}

func aggList(field string, rows []Row) ast.Value { return mv(fieldValues(field, rows)) }

// aggMinMax: numeric comparison when every value is a number, otherwise
// lexicographic (Search Reference, "min"/"max").
func aggMinMax(sign int) aggregator {
	return func(field string, rows []Row) ast.Value {
		vs := fieldValues(field, rows)
		if len(vs) == 0 {
			return ast.Null
		}
		numeric := true
		for _, v := range vs {
			if _, ok := splNum(v); !ok {
				numeric = false
			}
		}
		best := vs[0]
		for _, v := range vs[1:] {
			var c int
			if numeric {
				a, _ := splNum(v)
				b, _ := splNum(best)
				c = cmpFloat(a, b)
			} else if v.Text() < best.Text() {
				c = -1
			} else if v.Text() > best.Text() {
				c = 1
			}
			if c*sign > 0 {
				best = v
			}
		}
		return best
	}
}

func aggSum(avg bool) aggregator {
	return func(field string, rows []Row) ast.Value {
		var sum float64
		n := 0
		for _, v := range fieldValues(field, rows) {
			if f, ok := splNum(v); ok {
				sum += f
				n++
			}
		}
		if n == 0 {
			return ast.Null
		}
		if avg {
			return ast.Float(sum / float64(n))
		}
		if sum == float64(int64(sum)) {
			return ast.Int(int64(sum))
		}
		return ast.Float(sum)
	}
}

func aggFirst(field string, rows []Row) ast.Value {
	vs := fieldValues(field, rows)
	if len(vs) == 0 {
		return ast.Null
	}
	return vs[0]
}

func aggLast(field string, rows []Row) ast.Value {
	vs := fieldValues(field, rows)
	if len(vs) == 0 {
		return ast.Null
	}
	return vs[len(vs)-1]
}
