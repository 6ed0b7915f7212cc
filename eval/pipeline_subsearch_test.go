package eval

import (
	"strings"
	"testing"
	"time"

	"github.com/concordsec/concord/ast"
)

// events builds one row per JSON object, as the harness does (Src = index).
func events(t *testing.T, objs ...string) []Row {
	t.Helper()
	var rows []Row
	for i, js := range objs {
		rows = append(rows, Row{Fields: record(t, js).AsObject(), Src: []int{i}})
	}
	return rows
}

func eq(f, v string) ast.Expr {
	return &ast.Match{X: field(f), Kind: ast.MatchExact, Pattern: v, Fold: true, Search: true}
}

func rowsText(rows []Row) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, ast.JSON(ast.ObjectOf(r.Fields))+srcText(r.Src))
	}
	return strings.Join(parts, " ")
}

func srcText(src []int) string {
	var b strings.Builder
	b.WriteString("@")
	for i, e := range src {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteByte(byte('0' + e))
	}
	return b.String()
}

// The join page of Splunk's Search Reference: type=inner by default (rows
// without a match are dropped), type=left|outer keeps them, max=1 by default,
// overwrite=true by default; join fields that are null never match.
func TestJoinAndAppend(t *testing.T) {
	all := events(t,
		`{"eventName":"CreateLoginProfile","user":"bob","src":"1.1.1.1"}`,
		`{"eventName":"ConsoleLogin","user":"bob","src":"1.1.1.1","mfa":"no"}`,
		`{"eventName":"ConsoleLogin","user":"bob","src":"1.1.1.1","mfa":"yes"}`,
		`{"eventName":"CreateLoginProfile","user":"eve","src":"2.2.2.2"}`,
		`{"eventName":"CreateLoginProfile","src":"3.3.3.3"}`,
	)
	logins := &ast.Subsearch{Match: eq("eventName", "ConsoleLogin")}
	base := func() []Row { // rows the outer base search keeps, as copies
		var out []Row
		for _, r := range all {
			if v, _ := r.Fields.Get("eventName"); v.AsString() == "CreateLoginProfile" {
				out = append(out, Row{Fields: r.Fields.Clone(), Src: r.Src})
			}
		}
		return out
	}
	tests := []struct {
		note  string
		cmd   ast.Command
		want  string
		drops string
	}{
		{"inner join, max=1 takes the first match",
			&ast.JoinCmd{Type: "inner", Max: 1, Overwrite: true, Fields: []string{"user", "src"}, Sub: logins},
			`{"eventName":"ConsoleLogin","user":"bob","src":"1.1.1.1","mfa":"no"}@0,1`,
			"3: join: no subsearch row has the same user, src; 4: join: the row lacks a join field (user, src)"},
		{"max=0 takes all, overwrite=false keeps the row's values",
			&ast.JoinCmd{Type: "inner", Max: 0, Overwrite: false, Fields: []string{"user"}, Sub: logins},
			`{"eventName":"CreateLoginProfile","user":"bob","src":"1.1.1.1","mfa":"no"}@0,1 {"eventName":"CreateLoginProfile","user":"bob","src":"1.1.1.1","mfa":"yes"}@0,2`,
			"3: join: no subsearch row has the same user; 4: join: the row lacks a join field (user)"},
		{"left join keeps rows without a match",
			&ast.JoinCmd{Type: "left", Max: 1, Overwrite: true, Fields: []string{"user"}, Sub: logins},
			`{"eventName":"ConsoleLogin","user":"bob","src":"1.1.1.1","mfa":"no"}@0,1 {"eventName":"CreateLoginProfile","user":"eve","src":"2.2.2.2"}@3 {"eventName":"CreateLoginProfile","src":"3.3.3.3"}@4`,
			""},
		{"append adds the subsearch rows after",
			&ast.AppendCmd{Sub: &ast.Subsearch{Match: eq("mfa", "YES")}},
			`{"eventName":"CreateLoginProfile","user":"bob","src":"1.1.1.1"}@0 {"eventName":"CreateLoginProfile","user":"eve","src":"2.2.2.2"}@3 {"eventName":"CreateLoginProfile","src":"3.3.3.3"}@4 {"eventName":"ConsoleLogin","user":"bob","src":"1.1.1.1","mfa":"yes"}@2`,
			""},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			p, errs := CompilePipeline([]ast.Command{tc.cmd})
			if errs != nil {
				t.Fatal(errs)
			}
			out, drops, err := p.RunAll(all, base())
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsText(out); got != tc.want {
				t.Errorf("rows\n got %s\nwant %s", got, tc.want)
			}
			var ds []string
			for _, d := range drops {
				ds = append(ds, srcText([]int{d.Event})[1:]+": "+d.Reason)
			}
			if got := strings.Join(ds, "; "); got != tc.drops {
				t.Errorf("drops\n got %s\nwant %s", got, tc.drops)
			}
		})
	}
	// The subsearch saw the events unchanged by the outer rows.
	if v, _ := all[0].Fields.Get("mfa"); !v.IsMissing() {
		t.Errorf("join changed an input event: %s", ast.JSON(ast.ObjectOf(all[0].Fields)))
	}
}

// count(eval(cond)) counts the rows where cond holds; other functions
// aggregate the expression's values (Search Manual, "Use the stats command
// and functions").
func TestStatsOfEval(t *testing.T) {
	rows := events(t,
		`{"op":"Challenge","u":"a","_time":1}`,
		`{"op":"Authenticate","u":"b","_time":2}`,
		`{"op":"Challenge","u":"c","_time":3}`,
		`{"u":"d","_time":4}`,
	)
	isChallenge := &ast.Compare{Op: ast.Eq, X: field("op"), Y: str("Challenge"), Dialect: ast.SPLEval}
	cmd := &ast.StatsCmd{Aggs: []ast.Agg{
		{Fn: "count", X: isChallenge, As: "challenges"},
		{Fn: "values", X: &ast.Cond{If: isChallenge, Then: field("u"), Else: lit(ast.Null)}, As: "users"},
		{Fn: "sum", X: &ast.Cond{If: isChallenge, Then: lit(ast.Int(1)), Else: lit(ast.Int(0))}, As: "n"},
		{Fn: "latest", X: field("u"), As: "last_user"},
	}}
	p, errs := CompilePipeline([]ast.Command{cmd})
	if errs != nil {
		t.Fatal(errs)
	}
	out, _, err := p.Run(rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := ast.JSON(ast.ObjectOf(out[0].Fields)); got != `{"challenges":2,"users":["a","c"],"n":2,"last_user":"d"}` {
		t.Errorf("got %s", got)
	}
}

// now() is the search's time, fixed for the whole run, subsearches included.
func TestRunAtFixesNow(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	nowCall := &ast.Call{Fn: "spl.now"}
	cmds := []ast.Command{
		&ast.EvalCmd{Assigns: []ast.Assign{{Field: "t", X: nowCall}}},
		&ast.AppendCmd{Sub: &ast.Subsearch{Match: lit(ast.True), Pipeline: []ast.Command{
			&ast.EvalCmd{Assigns: []ast.Assign{{Field: "t", X: nowCall}}},
		}}},
	}
	p, errs := CompilePipeline(cmds)
	if errs != nil {
		t.Fatal(errs)
	}
	rows := events(t, `{"a":1}`)
	out, _, err := p.RunAt(at, rows, rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if v, _ := r.Fields.Get("t"); v.Text() != "1795168800" {
			t.Errorf("now() = %s, want 1795168800", v.Text())
		}
	}
}

// A base-search subsearch keeps the events matching one of its rows on every
// field of the row, as format writes them: case-insensitive, wildcards,
// multivalue as OR, _fields left out; no rows match nothing (emptystr NOT ()).
func TestSubsearchFilter(t *testing.T) {
	all := events(t,
		`{"eventName":"DeleteBucket","arn":"arn:aws:iam::1:user/Alice","_time":5}`,
		`{"eventName":"DeleteBucket","arn":"arn:aws:iam::1:user/bob","_time":4}`,
		`{"eventName":"DeleteBucket","arn":"arn:aws:iam::1:user/carol","_time":3}`,
		`{"eventName":"Spike","arn":["arn:aws:iam::1:user/alice","arn:aws:iam::1:user/car*"],"_time":2}`,
	)
	spikes := &ast.Subsearch{Match: eq("eventName", "Spike"), Pipeline: []ast.Command{&ast.TableCmd{Fields: []string{"arn", "_time"}}}}
	p, errs := CompilePipeline([]ast.Command{&ast.SubsearchFilterCmd{Sub: spikes}})
	if errs != nil {
		t.Fatal(errs)
	}
	base := all[:3]
	out, drops, err := p.RunAll(all, base)
	if err != nil {
		t.Fatal(err)
	}
	if got := srcText(mergeSrc(out[0].Src, out[1].Src)); len(out) != 2 || got != "@0,2" {
		t.Errorf("kept %s", rowsText(out))
	}
	if len(drops) != 1 || drops[0].Event != 1 {
		t.Errorf("drops %+v", drops)
	}
	none := &ast.Subsearch{Match: eq("eventName", "Nothing")}
	p, _ = CompilePipeline([]ast.Command{&ast.SubsearchFilterCmd{Sub: none}})
	if out, _, _ := p.RunAll(all, base); len(out) != 0 {
		t.Errorf("an empty subsearch kept %s", rowsText(out))
	}
}
