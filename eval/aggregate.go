package eval

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// AggregateFunc computes one stats/eventstats/streamstats function over the
// rows of a group. field is the function's argument ("" for a bare count).
type AggregateFunc func(field string, rows []Row) ast.Value

type aggregator = AggregateFunc

// aggregators are the functions with fixed names (Search Reference,
// "Statistical and charting functions"); percentiles have their number in the
// name and are found by LookupAggregate.
var aggregators = map[string]aggregator{
	"count":          aggCount,
	"c":              aggCount,
	"dc":             aggDC,
	"distinct_count": aggDC,
	"estdc":          aggDC, // an exact count is a valid estimate
	"values":         aggValues,
	"list":           aggList,
	"min":            aggMinMax(-1),
	"max":            aggMinMax(1),
	"range":          aggRange,
	"sum":            aggSum,
	"sumsq":          aggSumsq,
	"avg":            aggAvg,
	"mean":           aggAvg,
	"stdev":          aggSpread(true, true),
	"stdevp":         aggSpread(true, false),
	"var":            aggSpread(false, true),
	"varp":           aggSpread(false, false),
	"median":         aggMedian,
	"mode":           aggMode,
	"first":          aggFirst,
	"last":           aggLast,
	"earliest":       aggByTime(-1, false),
	"latest":         aggByTime(1, false),
	"earliest_time":  aggByTime(-1, true),
	"latest_time":    aggByTime(1, true),
	"rate":           aggRate,
}

// LookupAggregate returns the aggregation function a stats call names (case-
// insensitively), including perc<N>, p<N>, exactperc<N> and upperperc<N>
// with N a number from 0 to 100 (p99.9).
func LookupAggregate(name string) (AggregateFunc, bool) {
	name = strings.ToLower(name)
	if f, ok := aggregators[name]; ok {
		return f, true
	}
	for _, prefix := range []string{"exactperc", "upperperc", "perc", "p"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			n, err := strconv.ParseFloat(rest, 64)
			if err != nil || n < 0 || n > 100 || rest == "" || rest[0] == '+' || rest[0] == '-' {
				return nil, false
			}
			return aggPercentile(n), true
		}
	}
	return nil, false
}

// AggregateNames lists the functions with fixed names, sorted; percentiles
// (perc<N>, p<N>, exactperc<N>, upperperc<N>) come on top of them.
func AggregateNames() []string {
	names := make([]string, 0, len(aggregators))
	for n := range aggregators {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsAggregate reports whether name is a stats function concord implements.
func IsAggregate(name string) bool {
	_, ok := LookupAggregate(name)
	return ok
}

func fieldValues(field string, rows []Row) []ast.Value {
	if len(rows) == 1 {
		// Most groups hold one row; a multivalue field's list is copied, below.
		if v, _ := rows[0].Fields.Get(field); v.Kind() != ast.KindList {
			return values(v)
		}
	}
	var out []ast.Value
	for _, r := range rows {
		v, _ := r.Fields.Get(field)
		out = append(out, values(v)...)
	}
	return out
}

// numericValues: "Most of the statistical and charting functions expect the
// field values to be numbers ... any non-numeric values are ignored".
func numericValues(field string, rows []Row) []float64 {
	var out []float64
	for _, v := range fieldValues(field, rows) {
		if f, ok := splNum(v); ok {
			out = append(out, f)
		}
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

// distinctSorted dedups by text and sorts lexicographically: values and dc
// process field values as strings, so "1" and "1.0" are distinct.
func distinctSorted(vs []ast.Value) []ast.Value {
	if len(vs) <= 1 {
		return vs
	}
	type texted struct {
		t string
		v ast.Value
	}
	ts := make([]texted, len(vs))
	for i, v := range vs {
		ts[i] = texted{v.Text(), v}
	}
	// Stable, so of equal texts the first value stays, as Splunk shows it.
	slices.SortStableFunc(ts, func(a, b texted) int { return strings.Compare(a.t, b.t) })
	ts = slices.CompactFunc(ts, func(a, b texted) bool { return a.t == b.t })
	out := make([]ast.Value, len(ts))
	for i, x := range ts {
		out[i] = x.v
	}
	return out
}

func aggDC(field string, rows []Row) ast.Value {
	return ast.Int(int64(len(distinctSorted(fieldValues(field, rows)))))
}

func aggValues(field string, rows []Row) ast.Value {
	return mv(distinctSorted(fieldValues(field, rows)))
}

// listLimit: "If more than 100 values are in a field, only the first 100 are
// returned" (Multivalue stats and chart functions, list).
const listLimit = 100

func aggList(field string, rows []Row) ast.Value {
	vs := fieldValues(field, rows)
	if len(vs) > listLimit {
		vs = vs[:listLimit]
	}
	return mv(vs)
}

// aggMinMax: min and max "process values as numbers if possible" (Statistical
// and charting functions): the numeric values decide when there are any, and
// only a field without numbers is compared lexicographically.
func aggMinMax(sign int) aggregator {
	return func(field string, rows []Row) ast.Value {
		vs := fieldValues(field, rows)
		var best ast.Value
		bestNum, found := 0.0, false
		for _, v := range vs {
			if f, ok := splNum(v); ok && (!found || cmpFloat(f, bestNum)*sign > 0) {
				best, bestNum, found = v, f, true
			}
		}
		if found {
			return best
		}
		for _, v := range vs {
			if !found || strings.Compare(v.Text(), best.Text())*sign > 0 {
				best, found = v, true
			}
		}
		if !found {
			return ast.Null
		}
		return best
	}
}

func aggRange(field string, rows []Row) ast.Value {
	ns := numericValues(field, rows)
	if len(ns) == 0 {
		return ast.Null
	}
	lo, hi := ns[0], ns[0]
	for _, n := range ns[1:] {
		lo, hi = math.Min(lo, n), math.Max(hi, n)
	}
	return number(hi - lo)
}

func aggSum(field string, rows []Row) ast.Value {
	ns := numericValues(field, rows)
	if len(ns) == 0 {
		return ast.Null
	}
	var s float64
	for _, n := range ns {
		s += n
	}
	return number(s)
}

func aggSumsq(field string, rows []Row) ast.Value {
	ns := numericValues(field, rows)
	if len(ns) == 0 {
		return ast.Null
	}
	var s float64
	for _, n := range ns {
		s += n * n
	}
	return number(s)
}

func aggAvg(field string, rows []Row) ast.Value {
	ns := numericValues(field, rows)
	if len(ns) == 0 {
		return ast.Null
	}
	var s float64
	for _, n := range ns {
		s += n
	}
	return number(s / float64(len(ns)))
}

// aggSpread is stdev/var (sample, n-1) and stdevp/varp (population, n). A
// sample of one value has no spread: 0.
func aggSpread(root, sample bool) aggregator {
	return func(field string, rows []Row) ast.Value {
		ns := numericValues(field, rows)
		if len(ns) == 0 {
			return ast.Null
		}
		var mean float64
		for _, n := range ns {
			mean += n
		}
		mean /= float64(len(ns))
		var ss float64
		for _, n := range ns {
			ss += (n - mean) * (n - mean)
		}
		d := float64(len(ns))
		if sample {
			d--
		}
		v := 0.0
		if d > 0 {
			v = ss / d
		}
		if root {
			v = math.Sqrt(v)
		}
		return number(v)
	}
}

// aggPercentile: the docs leave the interpolation of perc/exactperc/upperperc
// open (perc and upperperc are bounds of an approximation that is exact on
// small inputs); concord interpolates linearly between the closest ranks, the
// common "inclusive" definition: p of {1,...,10} at 25 is 3.25.
func aggPercentile(p float64) aggregator {
	return func(field string, rows []Row) ast.Value {
		ns := numericValues(field, rows)
		if len(ns) == 0 {
			return ast.Null
		}
		sort.Float64s(ns)
		rank := p / 100 * float64(len(ns)-1)
		lo := int(math.Floor(rank))
		hi := min(lo+1, len(ns)-1)
		return number(ns[lo] + (ns[hi]-ns[lo])*(rank-float64(lo)))
	}
}

// aggMedian is the middle-most value (Aggregate functions, median); of an even
// number of values concord takes the upper of the two middle ones, a value that
// occurs in the data as Splunk's approximate median does.
func aggMedian(field string, rows []Row) ast.Value {
	ns := numericValues(field, rows)
	if len(ns) == 0 {
		return ast.Null
	}
	sort.Float64s(ns)
	return number(ns[len(ns)/2])
}

// aggMode is the most frequent value as text; among equally frequent values
// the first seen wins.
func aggMode(field string, rows []Row) ast.Value {
	counts := map[string]int{}
	var best ast.Value
	bestN := 0
	for _, v := range fieldValues(field, rows) {
		t := v.Text()
		counts[t]++
		if counts[t] > bestN {
			best, bestN = v, counts[t]
		}
	}
	if bestN == 0 {
		return ast.Null
	}
	return best
}

// aggFirst and aggLast take the first and last value in row order. Splunk's
// rows arrive newest first, so over raw events first() is the latest one; over
// concord's input order they are the first and last events given.
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

// rowTime is a row's _time as epoch seconds.
func rowTime(r Row) (float64, bool) {
	v, ok := r.Fields.Get("_time")
	if !ok {
		return 0, false
	}
	return splNum(first(v))
}

// aggByTime is earliest/latest (the value of the field in the row with the
// lowest/highest _time among rows that have the field; Search Reference, "Time
// functions") and, with wantTime, earliest_time/latest_time (that row's _time).
// Equal times keep the row seen first. Without any _time, rows count in input
// order (earliest is the first, latest the last) and the *_time forms are null.
func aggByTime(sign int, wantTime bool) aggregator {
	return func(field string, rows []Row) ast.Value {
		var timed, untimed []Row
		for _, r := range rows {
			if v, ok := r.Fields.Get(field); !ok || v.IsNullish() {
				continue
			}
			if _, ok := rowTime(r); ok {
				timed = append(timed, r)
			} else {
				untimed = append(untimed, r)
			}
		}
		var best Row
		switch {
		case len(timed) > 0:
			best = timed[0]
			bestT, _ := rowTime(best)
			for _, r := range timed[1:] {
				if t, _ := rowTime(r); cmpFloat(t, bestT)*sign > 0 {
					best, bestT = r, t
				}
			}
			if wantTime {
				return number(bestT)
			}
		case len(untimed) > 0 && !wantTime:
			best = untimed[0]
			if sign > 0 {
				best = untimed[len(untimed)-1]
			}
		default:
			return ast.Null
		}
		v, _ := best.Fields.Get(field)
		return v
	}
}

// aggRate is (latest(X) - earliest(X)) / (latest_time(X) - earliest_time(X))
// over the rows where X is a number, as numeric functions ignore the others.
func aggRate(field string, rows []Row) ast.Value {
	var numeric []Row
	for _, r := range rows {
		if v, ok := r.Fields.Get(field); ok {
			if _, ok := splNum(first(v)); ok {
				numeric = append(numeric, r)
			}
		}
	}
	x0, _ := splNum(first(aggByTime(-1, false)(field, numeric)))
	x1, _ := splNum(first(aggByTime(1, false)(field, numeric)))
	t0, ok0 := splNum(aggByTime(-1, true)(field, numeric))
	t1, ok1 := splNum(aggByTime(1, true)(field, numeric))
	if !ok0 || !ok1 || t1 == t0 {
		return ast.Null
	}
	return number((x1 - x0) / (t1 - t0))
}
