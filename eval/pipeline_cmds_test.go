package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// runCmds pushes one row per event through cmds and renders the result as one
// line per row, `JSON <- [sources]`, and one line per drop, `drop N: reason`.
func runCmds(t *testing.T, cmds []ast.Command, events ...string) string {
	t.Helper()
	p, errs := CompilePipeline(cmds)
	if errs != nil {
		t.Fatalf("compile: %v", errs)
	}
	rows, drops, err := p.Run(rowsOf(t, events...))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var lines []string
	for _, r := range rows {
		lines = append(lines, fmt.Sprintf("%s <- %v", ast.JSON(ast.ObjectOf(r.Fields)), r.Src))
	}
	for _, d := range drops {
		lines = append(lines, fmt.Sprintf("drop %d: %s", d.Event, d.Reason))
	}
	return strings.Join(lines, "\n")
}

type cmdCase struct {
	note   string
	cmds   []ast.Command
	events []string
	want   []string
}

func runCmdCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.note, func(t *testing.T) {
			got := runCmds(t, c.cmds, c.events...)
			if want := strings.Join(c.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestRenameWildcards(t *testing.T) {
	runCmdCases(t, []cmdCase{
		// "rename EU* AS EMEA*" renames every field starting with EU (Search
		// Reference, rename); a renamed field replaces one of the same name.
		{"prefix stripped", []ast.Command{&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "requestParameters.*", To: "*"}}}},
			[]string{`{"eventName":"PutBucketPolicy","requestParameters.bucketName":"b1","requestParameters.policy":"{}","bucketName":"old"}`},
			[]string{`{"eventName":"PutBucketPolicy","bucketName":"b1","policy":"{}"} <- [0]`}},
		{"wildcard moves position", []ast.Command{&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "*_name", To: "name_*"}}}},
			[]string{`{"user_name":"bob","role_name":"admin","eventName":"AssumeRole"}`},
			[]string{`{"eventName":"AssumeRole","name_user":"bob","name_role":"admin"} <- [0]`}},
		// Field names are case-sensitive, so User* does not match user_name.
		{"case-sensitive", []ast.Command{&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "User*", To: "u*"}}}},
			[]string{`{"user_name":"bob"}`},
			[]string{`{"user_name":"bob"} <- [0]`}},
		// Without a match there is nothing to rename and nothing is blanked,
		// unlike a plain rename of an absent field.
		{"no match", []ast.Command{&ast.RenameCmd{Pairs: []ast.RenamePair{{From: "properties.*", To: "*"}}}},
			[]string{`{"user":"alice"}`},
			[]string{`{"user":"alice"} <- [0]`}},
	})
}

func TestEventstatsStreamstats(t *testing.T) {
	// Newest first, the order a Splunk search returns events in.
	events := []string{
		`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x"}`,
		`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y"}`,
		`{"eventName":"ConsoleLogin","_time":200,"src":"x"}`,
		`{"eventName":"ConsoleLogin","user":"alice","_time":100,"src":"x"}`,
	}
	runCmdCases(t, []cmdCase{
		// eventstats keeps every event and adds its group's statistics; a row
		// whose by-field is null is in no group and gets none (Search
		// Reference, eventstats: "Only those events that have fields pertinent
		// to the aggregation are used").
		{"eventstats by", []ast.Command{&ast.EventStatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "n"}, {Fn: "max", Arg: "_time", As: "last"}}, By: []string{"user"}}},
			events, []string{
				`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x","n":2,"last":400} <- [0]`,
				`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y","n":1,"last":300} <- [1]`,
				`{"eventName":"ConsoleLogin","_time":200,"src":"x"} <- [2]`,
				`{"eventName":"ConsoleLogin","user":"alice","_time":100,"src":"x","n":2,"last":400} <- [3]`,
			}},
		// ESCU's `eventstats max(enough_data) as enough_data`: the aggregate
		// over the incoming values overwrites the field on every row.
		{"eventstats overwrites its argument", []ast.Command{&ast.EventStatsCmd{Aggs: []ast.Agg{{Fn: "max", Arg: "enough_data", As: "enough_data"}}}},
			[]string{`{"enough_data":0}`, `{"enough_data":1}`, `{}`},
			[]string{`{"enough_data":1} <- [0]`, `{"enough_data":1} <- [1]`, `{"enough_data":1} <- [2]`}},
		// streamstats: a running count per group, the current row included
		// (Search Reference, streamstats: current defaults to true).
		{"streamstats running count", []ast.Command{&ast.StreamStatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "rank"}}, By: []string{"src"}, Current: true, Global: true}},
			events, []string{
				`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x","rank":1} <- [0]`,
				`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y","rank":1} <- [1]`,
				`{"eventName":"ConsoleLogin","_time":200,"src":"x","rank":2} <- [2]`,
				`{"eventName":"ConsoleLogin","user":"alice","_time":100,"src":"x","rank":3} <- [3]`,
			}},
		// current=false: the statistics of the rows before; the first row has none.
		{"streamstats previous row", []ast.Command{&ast.StreamStatsCmd{Aggs: []ast.Agg{{Fn: "last", Arg: "_time", As: "prev"}}, Window: 1, Global: true}},
			events[:3], []string{
				`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x"} <- [0]`,
				`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y","prev":400} <- [1]`,
				`{"eventName":"ConsoleLogin","_time":200,"src":"x","prev":300} <- [2]`,
			}},
		// global=true (the default): one window of the last 2 rows, of which the
		// row's group is counted; row 2's window (rows 1, 2) holds one x.
		{"streamstats global window", []ast.Command{&ast.StreamStatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "c"}}, By: []string{"src"}, Window: 2, Current: true, Global: true}},
			events, []string{
				`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x","c":1} <- [0]`,
				`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y","c":1} <- [1]`,
				`{"eventName":"ConsoleLogin","_time":200,"src":"x","c":1} <- [2]`,
				`{"eventName":"ConsoleLogin","user":"alice","_time":100,"src":"x","c":2} <- [3]`,
			}},
		// global=false: a window of 2 per group, so row 2 counts rows 0 and 2.
		{"streamstats window per group", []ast.Command{&ast.StreamStatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "c"}}, By: []string{"src"}, Window: 2, Current: true}},
			events, []string{
				`{"eventName":"ConsoleLogin","user":"alice","_time":400,"src":"x","c":1} <- [0]`,
				`{"eventName":"ConsoleLogin","user":"bob","_time":300,"src":"y","c":1} <- [1]`,
				`{"eventName":"ConsoleLogin","_time":200,"src":"x","c":2} <- [2]`,
				`{"eventName":"ConsoleLogin","user":"alice","_time":100,"src":"x","c":2} <- [3]`,
			}},
		// reset_on_change: a change of the by-field restarts every count.
		{"streamstats reset_on_change", []ast.Command{&ast.StreamStatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "c"}}, By: []string{"src"}, Current: true, Global: true, ResetOnChange: true}},
			[]string{`{"src":"a"}`, `{"src":"a"}`, `{"src":"b"}`, `{"src":"a"}`},
			[]string{`{"src":"a","c":1} <- [0]`, `{"src":"a","c":2} <- [1]`, `{"src":"b","c":1} <- [2]`, `{"src":"a","c":1} <- [3]`}},
	})
}

func TestStatsLikeErrors(t *testing.T) {
	// An aggregation the evaluator lacks is reported when the pipeline is
	// compiled, with its position.
	at := ast.Span{From: ast.Pos{File: "d.yml", Line: 3, Col: 20}}
	_, errs := CompilePipeline([]ast.Command{&ast.EventStatsCmd{Aggs: []ast.Agg{{Span: at, Fn: "nosuch", Arg: "x"}}}})
	if len(errs) != 1 || errs[0].Error() != "d.yml:3:20: unsupported: eventstats function nosuch at 3:20" {
		t.Errorf("errors: %v", errs)
	}
	_, errs = CompilePipeline([]ast.Command{&ast.StatsCmd{Aggs: []ast.Agg{{Span: at, Fn: "nosuch", Arg: "x"}}}})
	if len(errs) != 1 || errs[0].Error() != "d.yml:3:20: unsupported: stats function nosuch at 3:20" {
		t.Errorf("stats errors: %v", errs)
	}
	// A multivalue by-field has no single group to report on the row.
	p, _ := CompilePipeline([]ast.Command{&ast.EventStatsCmd{Aggs: []ast.Agg{{Fn: "count"}}, By: []string{"mv"}}})
	_, _, err := p.Run(rowsOf(t, `{"mv":["a","b"]}`))
	if re, ok := err.(*RuntimeError); !ok || re.Code != ast.CodeUnsupported {
		t.Errorf("multivalue by-field: %v", err)
	}
}

func TestBin(t *testing.T) {
	ev := `{"eventName":"GetObject","_time":1737481787,"bytes":1234,"note":"n/a"}`
	runCmdCases(t, []cmdCase{
		// `bin _time span=1h`: the time becomes the start of its hour (Search
		// Reference, bin: "adjusting the value of <field> so that all of the
		// items in a particular set have the same value").
		{"hour", []ast.Command{&ast.BinCmd{Field: "_time", Size: 3600, Time: true}}, []string{ev},
			[]string{`{"eventName":"GetObject","_time":1737478800,"bytes":1234,"note":"n/a"} <- [0]`}},
		{"5m as new field", []ast.Command{&ast.BinCmd{Field: "_time", As: "bin_time", Size: 300, Time: true}}, []string{ev},
			[]string{`{"eventName":"GetObject","_time":1737481787,"bytes":1234,"note":"n/a","bin_time":1737481500} <- [0]`}},
		// A numeric span gives the bin as a range.
		{"numeric range", []ast.Command{&ast.BinCmd{Field: "bytes", Size: 100}}, []string{ev},
			[]string{`{"eventName":"GetObject","_time":1737481787,"bytes":"1200-1300","note":"n/a"} <- [0]`}},
		{"not a number is kept", []ast.Command{&ast.BinCmd{Field: "note", Size: 10}}, []string{ev},
			[]string{`{"eventName":"GetObject","_time":1737481787,"bytes":1234,"note":"n/a"} <- [0]`}},
		// Events in the same 5 minutes fall into one stats group.
		{"bin then stats", []ast.Command{&ast.BinCmd{Field: "_time", Size: 300, Time: true},
			&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "count"}}, By: []string{"_time"}}},
			[]string{`{"_time":1737481501}`, `{"_time":1737481799}`, `{"_time":1737481800}`},
			[]string{`{"_time":1737481500,"count":2} <- [0 1]`, `{"_time":1737481800,"count":1} <- [2]`}},
	})
}

func TestSpath(t *testing.T) {
	raw := `{"eventName":"RunInstances","userIdentity":{"arn":"arn:aws:iam::111122223333:user/bob","sessionContext":{"mfa":true}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"}]}}}`
	ev := fmt.Sprintf(`{"eventName":"RunInstances","_raw":%q}`, raw)
	policy := `{"eventName":"PutKeyPolicy","requestParameters.policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\"},{\"Effect\":\"Deny\",\"Action\":[\"kms:Decrypt\"]}]}"}`
	rawField := fmt.Sprintf("%q", raw)
	runCmdCases(t, []cmdCase{
		// `spath output=user userIdentity.arn` (ESCU): the first unlabeled
		// argument is the path, read from _raw (Search Reference, spath).
		{"path from _raw", []ast.Command{&ast.SpathCmd{Input: "_raw", Output: "user", Path: "userIdentity.arn"}}, []string{ev},
			[]string{`{"eventName":"RunInstances","_raw":` + rawField + `,"user":"arn:aws:iam::111122223333:user/bob"} <- [0]`}},
		// {} walks every element of an array: one value each, multivalue.
		{"array path", []ast.Command{&ast.SpathCmd{Input: "_raw", Output: "dest", Path: "responseElements.instancesSet.items{}.instanceId"}}, []string{ev},
			[]string{`{"eventName":"RunInstances","_raw":` + rawField + `,"dest":["i-1","i-2"]} <- [0]`}},
		// Without output= the path names the field; a JSON true is the text true.
		{"default output name", []ast.Command{&ast.SpathCmd{Input: "_raw", Path: "userIdentity.sessionContext.mfa"}}, []string{ev},
			[]string{`{"eventName":"RunInstances","_raw":` + rawField + `,"userIdentity.sessionContext.mfa":"true"} <- [0]`}},
		// A subtree is extracted as JSON, ready for a later spath input=.
		{"subtree as JSON then expanded", []ast.Command{
			&ast.SpathCmd{Input: "requestParameters.policy", Output: "statements", Path: "Statement{}"},
			&ast.MvexpandCmd{Field: "statements"},
			&ast.SpathCmd{Input: "statements", Output: "action", Path: "Action"},
			&ast.TableCmd{Fields: []string{"action"}}},
			[]string{policy},
			[]string{`{"action":"kms:*"} <- [0]`, `{"action":"[\"kms:Decrypt\"]"} <- [0]`}},
		// Auto-extract: every leaf under its flattened name (a{}.b), repeats
		// multivalue; an array one statement has and another not gets its own {}.
		{"auto-extract", []ast.Command{&ast.SpathCmd{Input: "requestParameters.policy"}, &ast.TableCmd{Fields: []string{"Statement*"}}}, []string{policy},
			[]string{`{"Statement{}.Effect":["Allow","Deny"],"Statement{}.Action":"kms:*","Statement{}.Action{}":"kms:Decrypt"} <- [0]`}},
		// A path that is not there extracts nothing: the output keeps its value.
		{"missing path", []ast.Command{&ast.SpathCmd{Input: "requestParameters.policy", Output: "eventName", Path: "Nope.nothing"},
			&ast.SpathCmd{Input: "requestParameters.policy", Output: "x", Path: "Nope"}, &ast.TableCmd{Fields: []string{"eventName", "x"}}},
			[]string{policy}, []string{`{"eventName":"PutKeyPolicy"} <- [0]`}},
		// Input that is not JSON extracts nothing.
		{"not JSON", []ast.Command{&ast.SpathCmd{Input: "eventName", Output: "x", Path: "a"}}, []string{`{"eventName":"ConsoleLogin"}`},
			[]string{`{"eventName":"ConsoleLogin"} <- [0]`}},
	})
	// XML input is something Splunk's spath reads and concord does not.
	p, _ := CompilePipeline([]ast.Command{&ast.SpathCmd{Input: "UserData_Xml", Path: "a"}})
	_, _, err := p.Run(rowsOf(t, `{"UserData_Xml":"<a>1</a>"}`))
	if re, ok := err.(*RuntimeError); !ok || re.Code != ast.CodeUnsupported {
		t.Errorf("XML input: %v", err)
	}
}

func TestMvexpandMakemvFillnull(t *testing.T) {
	runCmdCases(t, []cmdCase{
		// One row per value, each with the event's provenance (Search Reference,
		// mvexpand); limit=2 uses the first two values.
		{"mvexpand limit", []ast.Command{&ast.MvexpandCmd{Field: "findings", Limit: 2}},
			[]string{`{"eventName":"DescribeImageScanFindings","findings":["CVE-1","CVE-2","CVE-3"]}`, `{"eventName":"DescribeImageScanFindings","findings":"CVE-9"}`, `{"eventName":"DescribeImageScanFindings"}`},
			[]string{
				`{"eventName":"DescribeImageScanFindings","findings":"CVE-1"} <- [0]`,
				`{"eventName":"DescribeImageScanFindings","findings":"CVE-2"} <- [0]`,
				`{"eventName":"DescribeImageScanFindings","findings":"CVE-9"} <- [1]`,
				`drop 2: mvexpand findings: the field is null, so there is no value to expand`,
			}},
		// An expanded event that survives in any row is still a hit: stats
		// after mvexpand unions the rows' sources.
		{"mvexpand then where then stats", []ast.Command{&ast.MvexpandCmd{Field: "grantees"},
			&ast.WhereCmd{Cond: &ast.Compare{Op: ast.Eq, X: field("grantees"), Y: str("AllUsers"), Dialect: ast.SPLEval}},
			&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "count", As: "count"}}, By: []string{"bucket"}}},
			[]string{`{"bucket":"b1","grantees":["Owner","AllUsers"]}`, `{"bucket":"b2","grantees":["Owner"]}`},
			[]string{`{"bucket":"b1","count":1} <- [0]`, `drop 0: where condition is false`, `drop 1: where condition is false`}},
		// makemv splits on delim (default a space); empty values are dropped
		// unless allowempty=true (Search Reference, makemv).
		{"makemv delim", []ast.Command{&ast.MakemvCmd{Field: "Scope", Delim: " "}}, []string{`{"Scope":"openid  profile email"}`},
			[]string{`{"Scope":["openid","profile","email"]} <- [0]`}},
		{"makemv allowempty", []ast.Command{&ast.MakemvCmd{Field: "x", Delim: ",", AllowEmpty: true}}, []string{`{"x":"a,,b"}`},
			[]string{`{"x":["a","","b"]} <- [0]`}},
		// tokenizer: each match's first group is a value.
		{"makemv tokenizer", []ast.Command{&ast.MakemvCmd{Field: "process", Tokenizer: `([\w\d\-]+)`}}, []string{`{"process":"cmd.exe /c whoami"}`},
			[]string{`{"process":["cmd","exe","c","whoami"]} <- [0]`}},
		// fillnull without fields fills what other rows have; the default value is 0
		// (Search Reference, fillnull). An empty string is a value.
		{"fillnull all", []ast.Command{&ast.FillnullCmd{Value: "0"}}, []string{`{"a":1,"s":""}`, `{"b":2}`},
			[]string{`{"a":1,"s":"","b":"0"} <- [0]`, `{"b":2,"a":"0","s":"0"} <- [1]`}},
		// With fields only those are filled, and a field no row has is created.
		{"fillnull listed", []ast.Command{&ast.FillnullCmd{Value: "NULL", Fields: []string{"user", "src"}}}, []string{`{"user":"bob","other":null}`},
			[]string{`{"user":"bob","other":null,"src":"NULL"} <- [0]`}},
	})
}

func TestSortDedupHeadTail(t *testing.T) {
	counts := []string{`{"src":"10.0.0.9","count":9}`, `{"src":"10.0.0.10","count":10}`, `{"src":"a"}`, `{"src":"10.0.0.1","count":"100"}`}
	sk := func(f, as string, desc bool) ast.SortKey { return ast.SortKey{Field: f, As: as, Desc: desc} }
	runCmdCases(t, []cmdCase{
		// `sort - count`: numbers compare numerically; a row missing the field
		// comes last whatever the order (Search Reference, sort).
		{"sort desc numeric", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("count", "auto", true)}, Limit: 10000}}, counts,
			[]string{`{"src":"10.0.0.1","count":"100"} <- [3]`, `{"src":"10.0.0.10","count":10} <- [1]`, `{"src":"10.0.0.9","count":9} <- [0]`, `{"src":"a"} <- [2]`}},
		{"sort asc missing last", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("count", "auto", false)}}}, counts,
			[]string{`{"src":"10.0.0.9","count":9} <- [0]`, `{"src":"10.0.0.10","count":10} <- [1]`, `{"src":"10.0.0.1","count":"100"} <- [3]`, `{"src":"a"} <- [2]`}},
		// str(): lexicographic, so "10" < "9" (Search Manual, "Lexicographical order").
		{"sort str", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("count", "str", false)}}}, counts,
			[]string{`{"src":"10.0.0.10","count":10} <- [1]`, `{"src":"10.0.0.1","count":"100"} <- [3]`, `{"src":"10.0.0.9","count":9} <- [0]`, `{"src":"a"} <- [2]`}},
		// auto: a string starting with a number sorts by that number alone
		// (9.1 < 10.0 < 100), before strings; num() sorts only real numbers
		// as numbers (Search Reference, sort).
		{"sort auto leading numbers", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("v", "auto", false)}}},
			[]string{`{"v":"abc"}`, `{"v":"100x"}`, `{"v":"10.0.0.9"}`, `{"v":"9.1.1.1"}`, `{"v":"Zed"}`},
			[]string{`{"v":"9.1.1.1"} <- [3]`, `{"v":"10.0.0.9"} <- [2]`, `{"v":"100x"} <- [1]`, `{"v":"Zed"} <- [4]`, `{"v":"abc"} <- [0]`}},
		{"sort num", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("v", "num", false)}}},
			[]string{`{"v":"100x"}`, `{"v":"20"}`, `{"v":"3"}`},
			[]string{`{"v":"3"} <- [2]`, `{"v":"20"} <- [1]`, `{"v":"100x"} <- [0]`}},
		// ip(): addresses in numeric order, other values after them; limit drops the rest.
		{"sort ip with limit", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("src", "ip", false)}, Limit: 2}}, counts,
			[]string{`{"src":"10.0.0.1","count":"100"} <- [3]`, `{"src":"10.0.0.9","count":9} <- [0]`,
				`drop 1: sort keeps only the first 2 rows`, `drop 2: sort keeps only the first 2 rows`}},
		{"sort reverse", []ast.Command{&ast.SortCmd{Keys: []ast.SortKey{sk("src", "str", false)}, Reverse: true}}, counts[:2],
			[]string{`{"src":"10.0.0.9","count":9} <- [0]`, `{"src":"10.0.0.10","count":10} <- [1]`}},
	})
	// Newest first, the order a Splunk search returns events in.
	logins := []string{
		`{"src_ip":"1.1.1.1","src_user":"alice","_time":5}`,
		`{"src_ip":"1.1.1.1","src_user":"alice","_time":4}`,
		`{"src_ip":"2.2.2.2","src_user":"alice","_time":3}`,
		`{"src_ip":"1.1.1.1","_time":2}`,
		`{"src_ip":"1.1.1.1","src_user":"alice","_time":1}`,
	}
	runCmdCases(t, []cmdCase{
		// dedup keeps the first row of each combination in search order; a row
		// missing a field is dropped (keepempty defaults to false) (Search
		// Reference, dedup).
		{"dedup", []ast.Command{&ast.DedupCmd{Count: 1, Fields: []string{"src_ip", "src_user"}}}, logins,
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":5} <- [0]`, `{"src_ip":"2.2.2.2","src_user":"alice","_time":3} <- [2]`,
				`drop 1: dedup src_ip, src_user: an earlier row has the same value`,
				`drop 3: dedup src_user: the field is null, so dedup drops the row (keepempty=false)`,
				`drop 4: dedup src_ip, src_user: an earlier row has the same value`}},
		{"dedup 2 keepempty", []ast.Command{&ast.DedupCmd{Count: 2, Fields: []string{"src_ip", "src_user"}, KeepEmpty: true}}, logins,
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":5} <- [0]`, `{"src_ip":"1.1.1.1","src_user":"alice","_time":4} <- [1]`,
				`{"src_ip":"2.2.2.2","src_user":"alice","_time":3} <- [2]`, `{"src_ip":"1.1.1.1","_time":2} <- [3]`,
				`drop 4: dedup src_ip, src_user: an earlier row has the same value`}},
		// consecutive=true: only a run of equal values is reduced; 1.1.1.1 comes back after 2.2.2.2.
		{"dedup consecutive", []ast.Command{&ast.DedupCmd{Count: 1, Fields: []string{"src_ip"}, Consecutive: true}}, logins,
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":5} <- [0]`, `{"src_ip":"2.2.2.2","src_user":"alice","_time":3} <- [2]`,
				`{"src_ip":"1.1.1.1","_time":2} <- [3]`, `drop 1: dedup src_ip: an earlier row has the same value`,
				`drop 4: dedup src_ip: an earlier row has the same value`}},
		// sortby decides which row is kept: the oldest here.
		{"dedup sortby", []ast.Command{&ast.DedupCmd{Count: 1, Fields: []string{"src_ip"}, SortBy: []ast.SortKey{sk("_time", "auto", false)}}}, logins,
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":1} <- [4]`, `{"src_ip":"2.2.2.2","src_user":"alice","_time":3} <- [2]`,
				`drop 3: dedup src_ip: an earlier row has the same value`, `drop 1: dedup src_ip: an earlier row has the same value`,
				`drop 0: dedup src_ip: an earlier row has the same value`}},
		// keepevents=true keeps duplicates without the deduplicated fields.
		{"dedup keepevents", []ast.Command{&ast.DedupCmd{Count: 1, Fields: []string{"src_user"}, KeepEvents: true}}, logins[:2],
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":5} <- [0]`, `{"src_ip":"1.1.1.1","_time":4} <- [1]`}},
		// head N keeps the first N; tail N the last N, last first (Search Reference, head, tail).
		{"head", []ast.Command{&ast.HeadCmd{Count: 1}}, logins[:2],
			[]string{`{"src_ip":"1.1.1.1","src_user":"alice","_time":5} <- [0]`, `drop 1: head keeps only the first 1 rows`}},
		{"tail", []ast.Command{&ast.HeadCmd{Count: 2, Tail: true}}, logins[:3],
			[]string{`{"src_ip":"2.2.2.2","src_user":"alice","_time":3} <- [2]`, `{"src_ip":"1.1.1.1","src_user":"alice","_time":4} <- [1]`,
				`drop 0: tail keeps only the last 2 rows`}},
	})
}

func TestRexRegex(t *testing.T) {
	ev := `{"eventName":"AssumeRole","userIdentity.arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","new_value":"(A;;RP;;;S-1)(A;;WP;;;S-2)","user":"keep"}`
	runCmdCases(t, []cmdCase{
		// Named groups become fields (Search Reference, rex).
		{"named groups", []ast.Command{&ast.RexCmd{Field: "userIdentity.arn", MaxMatch: 1, Pattern: `assumed-role/(?P<role>[^/]+)/(?P<session>.+)$`},
			&ast.TableCmd{Fields: []string{"role", "session"}}}, []string{ev},
			[]string{`{"role":"Admin","session":"bob"} <- [0]`}},
		// max_match=0 (no limit): every match, multivalue.
		{"max_match", []ast.Command{&ast.RexCmd{Field: "new_value", MaxMatch: 0, Pattern: `\((?P<new_ace>.*?)\)`}, &ast.TableCmd{Fields: []string{"new_ace"}}}, []string{ev},
			[]string{`{"new_ace":["A;;RP;;;S-1","A;;WP;;;S-2"]} <- [0]`}},
		// The default max_match=1 takes the first match only.
		{"first match", []ast.Command{&ast.RexCmd{Field: "new_value", MaxMatch: 1, Pattern: `\((?P<new_ace>.*?)\)`}, &ast.TableCmd{Fields: []string{"new_ace"}}}, []string{ev},
			[]string{`{"new_ace":"A;;RP;;;S-1"} <- [0]`}},
		// No match: the field keeps its value.
		{"no match keeps field", []ast.Command{&ast.RexCmd{Field: "eventName", MaxMatch: 1, Pattern: `^Get(?P<user>.*)`}, &ast.TableCmd{Fields: []string{"user"}}}, []string{ev},
			[]string{`{"user":"keep"} <- [0]`}},
		// offset_field holds the endpoints of each group's match, zero-based and
		// inclusive ("0-9" for ten characters, Search Reference, rex).
		{"offset_field", []ast.Command{&ast.RexCmd{Field: "eventName", MaxMatch: 1, OffsetField: "off", Pattern: `(?P<verb>Assume)(?P<what>Role)`}, &ast.TableCmd{Fields: []string{"off"}}}, []string{ev},
			[]string{`{"off":"verb=0-5\u0026what=6-9"} <- [0]`}},
		// mode=sed: s/regex/replacement/g with \N backreferences; y/// maps characters.
		{"sed global", []ast.Command{&ast.RexCmd{Field: "new_value", Sed: &ast.SedExpr{Kind: 's', Pattern: `S-(\d)`, Replacement: `SID${1}`, Global: true}}, &ast.TableCmd{Fields: []string{"new_value"}}}, []string{ev},
			[]string{`{"new_value":"(A;;RP;;;SID1)(A;;WP;;;SID2)"} <- [0]`}},
		{"sed first only", []ast.Command{&ast.RexCmd{Field: "new_value", Sed: &ast.SedExpr{Kind: 's', Pattern: `;;`, Replacement: `|`}}, &ast.TableCmd{Fields: []string{"new_value"}}}, []string{ev},
			[]string{`{"new_value":"(A|RP;;;S-1)(A;;WP;;;S-2)"} <- [0]`}},
		{"sed nth", []ast.Command{&ast.RexCmd{Field: "new_value", Sed: &ast.SedExpr{Kind: 's', Pattern: `;;`, Replacement: `|`, Nth: 2}}, &ast.TableCmd{Fields: []string{"new_value"}}}, []string{ev},
			[]string{`{"new_value":"(A;;RP|;S-1)(A;;WP;;;S-2)"} <- [0]`}},
		{"sed y", []ast.Command{&ast.RexCmd{Field: "eventName", Sed: &ast.SedExpr{Kind: 'y', Pattern: "AR", Replacement: "ar"}}, &ast.TableCmd{Fields: []string{"eventName"}}}, []string{ev},
			[]string{`{"eventName":"assumerole"} <- [0]`}},
		// regex keeps matching rows and drops the others with a reason (Search Reference, regex).
		{"regex", []ast.Command{&ast.RegexCmd{Field: "process", Pattern: `(?i)(rundll32\.exe.{0,4}$)`}},
			[]string{`{"process":"C:\\Windows\\RUNDLL32.EXE"}`, `{"process":"cmd.exe"}`, `{}`},
			[]string{`{"process":"C:\\Windows\\RUNDLL32.EXE"} <- [0]`, `drop 1: regex process="(?i)(rundll32\\.exe.{0,4}$)" is false`,
				`drop 2: regex process="(?i)(rundll32\\.exe.{0,4}$)" is false`}},
		{"regex negated", []ast.Command{&ast.RegexCmd{Field: "process", Negate: true, Pattern: `cmd`}},
			[]string{`{"process":"cmd.exe"}`, `{"process":"powershell.exe"}`},
			[]string{`{"process":"powershell.exe"} <- [1]`, `drop 0: regex process!="cmd" is false`}},
	})
}

func TestFieldsTable(t *testing.T) {
	ev := `{"_time":1737481787,"_raw":"{}","eventName":"GetObject","requestParameters.bucketName":"b1","requestParameters.key":"k","user?":"q"}`
	runCmdCases(t, []cmdCase{
		// fields keeps _raw and _time unless they are removed explicitly
		// (Search Reference, fields); * is a wildcard.
		{"fields keeps internal fields", []ast.Command{&ast.FieldsCmd{Fields: []string{"requestParameters.*"}}}, []string{ev},
			[]string{`{"requestParameters.bucketName":"b1","requestParameters.key":"k","_raw":"{}","_time":1737481787} <- [0]`}},
		{"fields - _raw", []ast.Command{&ast.FieldsCmd{Remove: true, Fields: []string{"_raw", "requestParameters.*"}}}, []string{ev},
			[]string{`{"_time":1737481787,"eventName":"GetObject","user?":"q"} <- [0]`}},
		// table shows only what it lists, in its order.
		{"table", []ast.Command{&ast.TableCmd{Fields: []string{"eventName", "requestParameters.b*"}}}, []string{ev},
			[]string{`{"eventName":"GetObject","requestParameters.bucketName":"b1"} <- [0]`}},
		// Only * is a wildcard: ? is an ordinary character of a field name.
		{"question mark literal", []ast.Command{&ast.TableCmd{Fields: []string{"use?", "user?"}}}, []string{ev},
			[]string{`{"user?":"q"} <- [0]`}},
	})
}

func TestReplaceFromjson(t *testing.T) {
	runCmdCases(t, []cmdCase{
		// `replace "::ffff:*" with * in src` (ESCU): the * of the replacement is
		// what the * of the value matched; only whole values are replaced
		// (Search Reference, replace).
		{"wildcard", []ast.Command{&ast.ReplaceCmd{Pairs: []ast.ReplacePair{{From: "::ffff:*", To: "*"}}, Fields: []string{"src"}}},
			[]string{`{"src":"::ffff:10.0.0.1"}`, `{"src":"10.0.0.2"}`, `{"src":["::ffff:10.0.0.3","fe80::1"]}`, `{}`},
			[]string{`{"src":"10.0.0.1"} <- [0]`, `{"src":"10.0.0.2"} <- [1]`, `{"src":["10.0.0.3","fe80::1"]} <- [2]`, `{} <- [3]`}},
		// Exact pairs replace only an equal value; a later pair wins over an earlier one.
		{"exact pairs", []ast.Command{&ast.ReplaceCmd{Pairs: []ast.ReplacePair{{From: "%%8448", To: "Success removed"}, {From: "%%8448", To: "later"}, {From: "%%8450", To: "Failure removed"}},
			Fields: []string{"AuditPolicyChanges"}}},
			[]string{`{"AuditPolicyChanges":"%%8448"}`, `{"AuditPolicyChanges":"%%8450"}`, `{"AuditPolicyChanges":"%%8448, %%8450"}`},
			[]string{`{"AuditPolicyChanges":"later"} <- [0]`, `{"AuditPolicyChanges":"Failure removed"} <- [1]`, `{"AuditPolicyChanges":"%%8448, %%8450"} <- [2]`}},
		// A fuller wildcard match wins over a lesser one.
		{"fuller wildcard", []ast.Command{&ast.ReplaceCmd{Pairs: []ast.ReplacePair{{From: "*", To: "other"}, {From: "*localhost", To: "localhost"}}, Fields: []string{"host"}}},
			[]string{`{"host":"www.localhost"}`, `{"host":"web01"}`},
			[]string{`{"host":"localhost"} <- [0]`, `{"host":"other"} <- [1]`}},
		// fromjson: top-level keys become fields, arrays multivalue, objects JSON text (Search Reference, fromjson).
		{"fromjson", []ast.Command{&ast.FromjsonCmd{Field: "Data", Prefix: "d_"}, &ast.FieldsCmd{Remove: true, Fields: []string{"Data"}}},
			[]string{`{"Data":"{\"name\":\"Albert\",\"age\":63,\"tags\":[\"a\",\"b\"],\"ok\":true,\"sub\":{\"k\":1}}"}`, `{"Data":"not json"}`},
			[]string{`{"d_name":"Albert","d_age":63,"d_tags":["a","b"],"d_ok":"true","d_sub":"{\"k\":1}"} <- [0]`, `{} <- [1]`}},
	})
}

func TestAddtotals(t *testing.T) {
	runCmdCases(t, []cmdCase{
		// ESCU's `addtotals fieldname=Score is_autodiscover, powershell, mapi`:
		// the listed numeric fields are summed, "1" read as a number (Search
		// Reference, addtotals).
		{"listed fields", []ast.Command{&ast.AddtotalsCmd{FieldName: "Score", Fields: []string{"is_autodiscover", "powershell", "mapi"}}},
			[]string{`{"src":"10.0.0.5","is_autodiscover":1,"powershell":"1","mapi":0}`},
			[]string{`{"src":"10.0.0.5","is_autodiscover":1,"powershell":"1","mapi":0,"Score":2} <- [0]`}},
		// Without a list every numeric field but the internal ones; wildcards select by name.
		{"all numeric fields", []ast.Command{&ast.AddtotalsCmd{FieldName: "Total"}},
			[]string{`{"_time":1737481787,"bytes_in":10.5,"bytes_out":4,"user":"bob"}`},
			[]string{`{"_time":1737481787,"bytes_in":10.5,"bytes_out":4,"user":"bob","Total":14.5} <- [0]`}},
		{"wildcard", []ast.Command{&ast.AddtotalsCmd{FieldName: "Total", Fields: []string{"bytes_*"}}},
			[]string{`{"bytes_in":10,"bytes_out":4,"count":100}`, `{"user":"bob"}`},
			[]string{`{"bytes_in":10,"bytes_out":4,"count":100,"Total":14} <- [0]`, `{"user":"bob"} <- [1]`}},
	})
}

func TestSpathAutoExtractCutoff(t *testing.T) {
	// "By default, the spath command extracts all the fields from the first
	// 5,000 characters in the input field" (Search Reference, spath): a field
	// that starts after character 5000 of a long CloudTrail event is not
	// extracted, one before it is, and a value cut by the limit is dropped.
	pad := strings.Repeat("x", 4920) // bucketName's value ends just past character 5000
	long := fmt.Sprintf(`{"eventName":"PutBucketPolicy","requestParameters":{"policy":"%s","bucketName":"b1"},"awsRegion":"us-east-1"}`, pad)
	cutNumber := fmt.Sprintf(`{"a":"%s","n":123456}`, strings.Repeat("y", 4986))
	if n := len(cutNumber[:strings.Index(cutNumber, "123")+2]); n != 5000 {
		t.Fatalf("the cutoff must fall inside the number (at %d)", n)
	}
	for _, c := range []struct{ raw, want string }{
		{long, `["eventName","requestParameters.policy"]`},
		{cutNumber, `["a"]`},
		{`{"a":{"b":[1,{"c":true}]},"d":null}`, `["a.b{}","a.b{}.c","d"]`},
	} {
		p, errs := CompilePipeline([]ast.Command{&ast.SpathCmd{Input: "_raw"}, &ast.FieldsCmd{Remove: true, Fields: []string{"_raw"}}})
		if errs != nil {
			t.Fatal(errs)
		}
		rows, _, err := p.Run([]Row{{Fields: &ast.Object{Keys: []string{"_raw"}, Vals: []ast.Value{ast.String(c.raw)}}, Src: []int{0}}})
		if err != nil {
			t.Fatal(err)
		}
		var keys []ast.Value
		for _, k := range rows[0].Fields.Keys {
			keys = append(keys, ast.String(k))
		}
		if got := ast.JSON(ast.List(keys...)); got != c.want {
			t.Errorf("fields %s, want %s", got, c.want)
		}
	}
}

func TestSearchOrder(t *testing.T) {
	// Events come in file order (oldest first, as attack data is written), but
	// "for historical searches, the most recent events are searched first"
	// (Search Reference, dedup): dedup keeps the newest event, head takes it,
	// and stats first() sees it first.
	events := []string{
		`{"src_ip":"1.1.1.1","user":"old","_time":1737481000}`,
		`{"src_ip":"1.1.1.1","user":"new","_time":1737482000}`,
		`{"src_ip":"1.1.1.1","user":"notime"}`,
	}
	runCmdCases(t, []cmdCase{
		{"dedup keeps the newest", []ast.Command{&ast.DedupCmd{Count: 1, Fields: []string{"src_ip"}}}, events,
			[]string{`{"src_ip":"1.1.1.1","user":"new","_time":1737482000} <- [1]`,
				`drop 0: dedup src_ip: an earlier row has the same value`, `drop 2: dedup src_ip: an earlier row has the same value`}},
		{"head 1 is the newest", []ast.Command{&ast.HeadCmd{Count: 1}}, events,
			[]string{`{"src_ip":"1.1.1.1","user":"new","_time":1737482000} <- [1]`,
				`drop 0: head keeps only the first 1 rows`, `drop 2: head keeps only the first 1 rows`}},
		{"stats first", []ast.Command{&ast.StatsCmd{Aggs: []ast.Agg{{Fn: "first", Arg: "user", As: "u"}}, By: []string{"src_ip"}}}, events,
			[]string{`{"src_ip":"1.1.1.1","u":"new"} <- [0 1 2]`}},
	})
}
