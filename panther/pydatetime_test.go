package panther

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

// TestDatetime runs rules using datetime and timedelta. Each want is what
// CPython 3.11.7 printed for the same expression with TZ=UTC (docs:
// https://docs.python.org/3.11/library/datetime.html); "unsupported" marks
// what concord refuses rather than guesses.
func TestDatetime(t *testing.T) {
	iso := "dt.datetime.fromisoformat"
	tests := []struct{ expr, want string }{
		// The SSM rules' cache key: timestamp() of a naive time is local (UTC) time.
		{iso + "('2025-02-14 19:43:09.000000000').timestamp() // 3600 * 3600", "1739559600.0"},
		{iso + "('2025-02-14T19:43:09.123Z').timestamp()", "1739562189.123"},
		{iso + "('1969-12-31 23:59:59.5').timestamp()", "-0.5"},
		{iso + "('2025-02-14 19:43:09,12345678').timestamp()", "1739562189.123456"},
		// strftime("%s") is glibc's mktime of the fields in local time (UTC).
		{"(" + iso + "('2021-05-20 15:53:47') + timedelta(days=3)).strftime('%s')", "'1621785227'"},
		{"(" + iso + "('2021-05-20 15:53:47') + timedelta(days=3)).strftime('%Y-%m-%dT%H:%M:%S.%f%%')", "'2021-05-23T15:53:47.000000%'"},
		{"(" + iso + "('2021-05-20 15:53:47Z') - " + iso + "('2021-05-20T15:53:40+00:00')).total_seconds()", "7.0"},
		// A naive and an aware datetime are unequal, and ordering them raises.
		{iso + "('2021-05-20 15:53:47Z') == " + iso + "('2021-05-20 15:53:47')", "False"},
		{iso + "('2021-05-20 15:53:47Z') == " + iso + "('2021-05-20 15:53:47+00:00')", "True"},
		{iso + "('2021-05-20') < " + iso + "('2021-05-20 00:00:01')", "True"},
		{iso + "('2021-05-20 15:53:47Z') < " + iso + "('2021-05-20 15:53:47')", "raise TypeError"},
		{iso + "('2021-05-20') + " + iso + "('2021-05-20')", "raise TypeError"},
		{iso + "('2021-05-20') + 1", "raise TypeError"},
		{iso + "('9999-12-31') + timedelta(days=1)", "raise OverflowError"},
		{iso + "(5)", "raise TypeError"},
		{"timedelta(1, 2, 3, 4, 5, 6, 7).total_seconds()", "4341902.004003"},
		{"timedelta(hours=2) > timedelta(minutes=119)", "True"},
		{"timedelta(1, days=2)", "raise TypeError"},
		{"timedelta(days='1')", "raise TypeError"},
		{"(dt.datetime(year=2030, month=6, day=2) - dt.datetime(2030, 6, 1, 12)).total_seconds()", "43200.0"},
		{"dt.datetime(2021, 2, 29)", "raise ValueError"},
		{"dt.datetime(2021, 2)", "raise TypeError"},
		// A dict holding datetimes is still a dict; the module has no now().
		{"{'a': {'b': dt.datetime(2030, 1, 1)}}['a']['b'] > dt.datetime(2029, 1, 1)", "True"},
		{"[x for x in dt.datetime(2030, 1, 1)]", "raise TypeError"},
		{"[x for x in dt.datetime(2030, 1, 1).timetuple()]", "unsupported"},
		{"[len({'a': dt.datetime(2030, 1, 1)}), [k for k, v in {'a': dt.datetime(2030, 1, 1)}.items() if v > dt.datetime(2029, 1, 1)]]", "[1, ['a']]"},
		{"dt.now()", "compile: t.py:5:12: unsupported: function py.datetime.now"},
		// Not modelled: other offsets, a zero timedelta (falsy), float parts,
		// and every use of these values as something else.
		{iso + "('2021-05-20T10:00:00+02:00')", "unsupported"},
		{iso + "('2021-05-20Z')", "unsupported"},
		{"timedelta(0)", "unsupported"},
		{"timedelta(days=1.5)", "unsupported"},
		{"len(" + iso + "('2021-05-20'))", "unsupported"},
		{"str(" + iso + "('2021-05-20'))", "unsupported"},
		{"f\"{" + iso + "('2021-05-20')}\"", "unsupported"},
		{"[" + iso + "('2021-05-20')][0].get('us')", "unsupported"},
		{iso + "('2021-05-20')['us']", "unsupported"},
		{"'us' in " + iso + "('2021-05-20')", "unsupported"},
		{"{" + iso + "('2021-05-20')}", "unsupported"},
		{"'%s' % " + iso + "('2021-05-20')", "unsupported"},
		{"timedelta(days=1) * 2", "unsupported"},
		{iso + "('2021-05-20')", "unsupported"},
		{"[timedelta(days=1)]", "unsupported"},
		{iso + "('2021-05-20').timetuple() == " + iso + "('2021-05-20').timetuple()", "unsupported"},
	}
	for _, tt := range tests {
		src := "import datetime as dt\nfrom datetime import timedelta\n\ndef rule(event):\n    return " + tt.expr + "\n"
		if got, _ := runPy(t, src, `{}`, nil); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
}

// TestDatetimeNow: now() and utcnow() are naive and come from Env.Now.
func TestDatetimeNow(t *testing.T) {
	src := "from datetime import datetime, timedelta\n\ndef rule(event):\n    return (datetime.now() - timedelta(hours=1)).strftime('%Y-%m-%d %H:%M:%S')\n"
	prog, errs := ParsePython("t.py", []byte(src))
	if len(errs) > 0 || len(prog.Unsupported) > 0 {
		t.Fatalf("%v %v", errs, prog.Unsupported)
	}
	p, cerrs := eval.Compile(prog.Match, ast.KeysFold)
	if len(cerrs) > 0 {
		t.Fatal(cerrs)
	}
	now := time.Date(2024, 3, 1, 0, 30, 0, 0, time.UTC)
	v, err := p.Eval(&eval.Env{Record: ast.ObjectOf(&ast.Object{}), Now: func() time.Time { return now }})
	if err != nil || v.Repr() != "'2024-02-29 23:30:00'" {
		t.Errorf("got %s %v", v.Repr(), err)
	}
}

// TestResolveTimestampString: panther_base_helpers.resolve_timestamp_string
// through its strptime formats; each want is CPython 3.11.7's
// result.strftime('%Y-%m-%d %H:%M:%S.%f%z') with TZ=UTC. Strings that reach
// dateutil (or raise there) are unsupported.
func TestResolveTimestampString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2021-06-27 00:08:28.792Z", "'2021-06-27 00:08:28.792000+0000'"},
		{"2021-08-31 15:46:02.000000000", "unsupported"},
		{"2021-06-04 09:59:53.650807", "'2021-06-04 09:59:53.650807'"},
		{"2021-05-20 15:53:47Z", "'2021-05-20 15:53:47.000000+0000'"},
		{"2021-06-04 09:59:53", "'2021-06-04 09:59:53.000000'"},
		{"2021-06-04 '09:59:53'", "'2021-06-04 09:59:53.000000'"},
		// The literal Z of "%Y-%m-%dT%H:%M:%SZ" comes first: naive.
		{"2021-06-04T09:59:53Z", "'2021-06-04 09:59:53.000000'"},
		{"2021-02-30 10:00:00", "unsupported"},
		{"2021 Jan 05 10:00:00.5 UTC", "'2021-01-05 10:00:00.500000'"},
		{"Jan 05 10:00:00", "'1900-01-05 10:00:00.000000'"},
		{"FEB 29 10:00:00", "unsupported"},
		{"jan 5, 2021 12:30:00 am", "'2021-01-05 00:30:00.000000'"},
		{"Jan 5, 2021 12:30:00 PM", "'2021-01-05 12:30:00.000000'"},
		{"05/Jan/2021:10:00:00 +0000", "'2021-01-05 10:00:00.000000+0000'"},
		{"2021-06-04T09:59:53+02:00", "unsupported"},
		{"2021-06-04 09:59:60", "unsupported"},
		{"21-06-04 09:59:53", "'2021-06-04 09:59:53.000000'"},
		{"69-06-04 09:59:53", "'1969-06-04 09:59:53.000000'"},
		{"2021-06-04T09:59:53+00:0000", "unsupported"},
		{"2021-06-04T09:59:53+0000:00", "unsupported"},
		{"2021-06-04 09:59:53 -00:00", "'2021-06-04 09:59:53.000000+0000'"},
		{"10:11:12", "'1900-01-01 10:11:12.000000'"},
		{"2021-06-04  09:59:53", "'2021-06-04 09:59:53.000000'"},
		{"2021-6-4 9:5:3", "'2021-06-04 09:05:03.000000'"},
	}
	src := "from panther_base_helpers import resolve_timestamp_string\n\ndef rule(event):\n    return resolve_timestamp_string(event.get('t')).strftime('%Y-%m-%d %H:%M:%S.%f%z')\n"
	for _, tt := range tests {
		ev, _ := json.Marshal(map[string]string{"t": tt.in})
		if got, _ := runPy(t, src, string(ev), nil); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
	}
	src = "from panther_base_helpers import resolve_timestamp_string\n\ndef rule(event):\n    return resolve_timestamp_string(event.get('t'))\n"
	if got, _ := runPy(t, src, `{"t": ""}`, nil); got != "None" {
		t.Errorf("empty: got %s", got)
	}
}

// TestTimeModule: time.time() from Env.Now and time.mktime of a timetuple(),
// as CPython 3.11.7 gives them with TZ=UTC.
func TestTimeModule(t *testing.T) {
	for _, tt := range []struct {
		expr string
		now  time.Time
		want string
	}{
		{"time.time()", time.Unix(1700000000, 0), "1700000000.0"},
		// (double)ns / 1e9, as _PyTime_AsSecondsDouble: python3 -c "print(1700000000250000000/1e9)".
		{"time.time()", time.Unix(1700000000, 250_000_000), "1700000000.2499998"},
		{"time.mktime(datetime.datetime.fromisoformat('2023-03-01T10:20:30.999').timetuple())", time.Time{}, "1677666030.0"},
		{"time.mktime(datetime.datetime.fromisoformat('1969-12-31T23:59:59.5').timetuple())", time.Time{}, "-1.0"},
		{"time.mktime(event.get('t'))", time.Time{}, "unsupported"},
	} {
		src := "import datetime\nimport time\n\ndef rule(event):\n    return " + tt.expr + "\n"
		prog, errs := ParsePython("t.py", []byte(src))
		if len(errs) > 0 || len(prog.Unsupported) > 0 {
			t.Fatalf("%v %v", errs, prog.Unsupported)
		}
		p, cerrs := eval.Compile(prog.Match, ast.KeysFold)
		if len(cerrs) > 0 {
			t.Fatal(cerrs)
		}
		now := tt.now
		v, err := p.Eval(&eval.Env{Record: ast.ObjectOf(&ast.Object{}), Now: func() time.Time { return now }})
		got := v.Repr()
		if re, ok := err.(*eval.RuntimeError); ok && re.Code == ast.CodeUnsupported {
			got = "unsupported"
		} else if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
}

// TestNanotime: the panther_base_helpers nanotime parsers and repr() of what
// they give, as CPython 3.11.7 printed them.
func TestNanotime(t *testing.T) {
	imp := "from panther_base_helpers import panther_nanotime_to_python_datetime as p, golang_nanotime_to_python_datetime as g\n\n"
	for _, tt := range []struct{ expr, want string }{
		{"repr(g('2043-09-17T22:00:00.444444428Z') - p('2023-09-17 21:00:00.000000000'))", "'datetime.timedelta(days=7305, seconds=3600, microseconds=444444)'"},
		{"repr(p('2023-09-17 21:00:00.5'))", "'datetime.datetime(2023, 9, 17, 21, 0, 0, 500000)'"},
		{"repr(p('2023-09-17 21:00:05.0'))", "'datetime.datetime(2023, 9, 17, 21, 0, 5)'"},
		{"p('2023-09-17 21:00:00')", "raise AttributeError"},
		{"g('2023-09-17T21:00:00.5')", "raise AttributeError"},
		{"p('2023-09-17T21:00:00.5')", "raise ValueError"},
		{"p('2023-09-17 21:00:00.1234567 x.9')", "raise ValueError"},
		{"repr(p('2023-09-17 21:00:00.1') - p('2023-09-17 21:00:01.0'))", "'datetime.timedelta(days=-1, seconds=86399, microseconds=100000)'"},
	} {
		if got, _ := runPy(t, imp+"def rule(event):\n    return "+tt.expr+"\n", `{}`, nil); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
}
