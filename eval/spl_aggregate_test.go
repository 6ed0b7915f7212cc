package eval_test

import (
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

func aggRows(t *testing.T, events ...string) []eval.Row {
	t.Helper()
	rows := make([]eval.Row, len(events))
	for i, e := range events {
		v, err := ast.ParseJSON([]byte(e))
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = eval.Row{Fields: v.AsObject(), Src: []int{i}}
	}
	return rows
}

// Stats functions (Search Reference, "Statistical and charting functions" and
// its pages "Aggregate functions", "Event order functions", "Multivalue stats
// and chart functions", "Time functions").
func TestAggregates(t *testing.T) {
	rows := aggRows(t,
		`{"_time": 300, "x": "10", "u": "bob",   "mixed": "abc", "s": "b", "mv": ["q", "p"]}`,
		`{"_time": 100, "x": "9",  "u": "alice", "mixed": 5,     "s": "a"}`,
		`{"_time": 200, "x": 2.5,  "u": "bob",   "mixed": 50,    "s": "C", "mv": "p"}`,
		`{"_time": 400,            "u": "Carol", "mixed": "zz"}`,
		`{"_time": 250, "x": "1.0", "u": "bob"}`,
	)
	cases := []struct{ fn, field, want string }{
		// count counts rows; count(X) counts the values of X, each value of a
		// multivalue field once.
		{"count", "", "5"},
		{"c", "x", "4"},
		{"count", "mv", "3"},
		{"count", "nosuch", "0"},
		// dc and values process values as strings: "1.0" and "1" would differ;
		// values sorts lexicographically (uppercase before lowercase, "10" < "9").
		{"dc", "u", "3"},
		{"distinct_count", "mv", "2"},
		{"estdc", "u", "3"},
		{"values", "u", `["Carol", "alice", "bob"]`},
		{"values", "x", `["1.0", "10", 2.5, "9"]`},
		{"values", "nosuch", "null"},
		// list keeps event order and repeats.
		{"list", "u", `["bob", "alice", "bob", "Carol", "bob"]`},
		// min/max process values as numbers if possible: numbers decide over text;
		// text only is compared lexicographically.
		{"max", "x", `"10"`},
		{"min", "x", `"1.0"`},
		{"max", "mixed", "50"},
		{"min", "mixed", "5"},
		{"max", "s", `"b"`},
		{"min", "s", `"C"`},
		{"max", "nosuch", "null"},
		// Numeric functions ignore values that are not numbers.
		{"sum", "x", "22.5"},
		{"sum", "mixed", "55"},
		{"avg", "x", "5.625"},
		{"mean", "mixed", "27.5"},
		{"range", "x", "9"},
		{"sumsq", "mixed", "2525"},
		{"sum", "u", "null"},
		// stdev/var are the sample statistics, stdevp/varp the population ones.
		{"var", "mixed", "1012.5"},
		{"varp", "mixed", "506.25"},
		{"stdevp", "mixed", "22.5"},
		{"stdev", "s", "null"},
		// median: the middle-most value; percentiles interpolate between ranks.
		{"median", "x", "9"},
		{"perc50", "x", "5.75"},
		{"p100", "x", "10"},
		{"exactperc0", "x", "1"},
		{"upperperc75", "x", "9.25"},
		{"p90", "mixed", "45.5"},
		// mode: the most frequent value.
		{"mode", "u", `"bob"`},
		// first/last: in row order.
		{"first", "x", `"10"`},
		{"last", "x", `"1.0"`},
		{"last", "s", `"C"`},
		// earliest/latest: by _time, among the rows that have the field.
		{"earliest", "x", `"9"`},
		{"latest", "x", `"10"`},
		{"earliest", "mixed", "5"},
		{"latest", "u", `"Carol"`},
		{"earliest_time", "x", "100"},
		{"latest_time", "x", "300"},
		{"latest_time", "nosuch", "null"},
		// rate: (latest - earliest) / (latest_time - earliest_time), over the
		// numeric values.
		{"rate", "x", "0.005"},
		{"rate", "mixed", "0.45"},
		{"rate", "u", "null"},
	}
	for _, tc := range cases {
		t.Run(tc.fn+"("+tc.field+")", func(t *testing.T) {
			f, ok := eval.LookupAggregate(tc.fn)
			if !ok {
				t.Fatalf("%s is not an aggregate", tc.fn)
			}
			if got := render(f(tc.field, rows)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// list returns only the first 100 values ("Multivalue stats and chart
// functions").
func TestAggregateListLimit(t *testing.T) {
	events := make([]string, 150)
	for i := range events {
		events[i] = `{"x": 1}`
	}
	f, _ := eval.LookupAggregate("list")
	if got := len(f("x", aggRows(t, events...)).AsList()); got != 100 {
		t.Errorf("list kept %d values, want 100", got)
	}
}

// Without _time, earliest and latest fall back to row order.
func TestAggregateUntimed(t *testing.T) {
	rows := aggRows(t, `{"x": "a"}`, `{"x": "b"}`, `{"x": "c"}`)
	for fn, want := range map[string]string{"earliest": `"a"`, "latest": `"c"`, "earliest_time": "null"} {
		f, _ := eval.LookupAggregate(fn)
		if got := render(f("x", rows)); got != want {
			t.Errorf("%s = %s, want %s", fn, got, want)
		}
	}
}

func TestIsAggregate(t *testing.T) {
	for name, want := range map[string]bool{
		"count": true, "DC": true, "values": true, "perc95": true, "p99.9": true, "exactperc50": true,
		"upperperc1": true, "median": true, "latest_time": true, "stdevp": true,
		"perc": false, "p": false, "perc101": false, "p-1": false, "pfoo": false, "nosuch": false, "eval": false,
	} {
		if got := eval.IsAggregate(name); got != want {
			t.Errorf("IsAggregate(%q) = %v, want %v", name, got, want)
		}
	}
}
