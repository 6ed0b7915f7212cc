package spl

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// The searches are the forms ESCU detections use; each case names the Search
// Reference page whose syntax it follows.
func TestLowerPipelineCommands(t *testing.T) {
	tests := []struct {
		note, search, want string
	}{
		// rename: <wc-field> AS <wc-field> (Search Reference, rename).
		{"rename wildcard", "| rename properties.* as *", "rename properties.*->*"},
		{"rename wildcards and plain pairs", "| rename RuleAndFileData.* as *, TargetUser as user", "rename RuleAndFileData.*->* TargetUser->user"},
		// eventstats [allnum=<bool>] <stats-agg-term>... [<by-clause>] (Search Reference, eventstats).
		{"eventstats", "| eventstats avg(count) as avg, stdev(count) as stdev by src",
			"eventstats avg(count)->avg stdev(count)->stdev by src"},
		{"eventstats allnum=false is the default", "| eventstats allnum=f count by src", "eventstats count()->count by src"},
		{"eventstats default names", "| eventstats max(enough_data) count", "eventstats max(enough_data)->max(enough_data) count()->count by "},
		// streamstats options (Search Reference, streamstats); current=1 is a
		// Splunk boolean.
		{"streamstats", "| streamstats window=2 current=1 range(_time) as TimeDelta by session_id",
			"streamstats current=true window=2 global=true reset_on_change=false range(_time)->TimeDelta by session_id"},
		{"streamstats defaults", "| streamstats count as rank by src query",
			"streamstats current=true window=0 global=true reset_on_change=false count()->rank by src,query"},
		{"streamstats options", "| streamstats current=f global=false reset_on_change=true last(_time) as prev",
			"streamstats current=false window=0 global=false reset_on_change=true last(_time)->prev by "},
		// bin [<bin-options>...] <field> [AS <newfield>] (Search Reference, bin); bucket is its alias.
		{"bucket span first", "| bucket span=5m _time", "bin _time-> span=5m size=300 time=true"},
		{"bin span after field", "| bin _time span=1h", "bin _time-> span=1h size=3600 time=true"},
		{"bin as", "| bin _time as bin_time span=10m", "bin _time->bin_time span=10m size=600 time=true"},
		{"bin seconds", "|bin _time span=30s", "bin _time-> span=30s size=30 time=true"},
		{"bin numeric", "| bin bytes span=100", "bin bytes-> span=100 size=100 time=false"},
		{"bin day", "| bin _time span=1d", "bin _time-> span=1d size=86400 time=true"},
		// spath [input=<field>] [output=<field>] [path=<datapath> | <datapath>] (Search Reference, spath).
		{"spath bare", "| spath", "spath input=_raw output= path="},
		{"spath input", "| spath input=properties.log", "spath input=properties.log output= path="},
		{"spath output positional path", "| spath output=user userIdentity.arn", "spath input=_raw output=user path=userIdentity.arn"},
		{"spath path= array", "| spath path=requestParameters{}.bucketName output=bucket_name",
			"spath input=_raw output=bucket_name path=requestParameters{}.bucketName"},
		{"spath all three", "| spath input=requestParameters.policy output=key_policy_statements path=Statement{}",
			"spath input=requestParameters.policy output=key_policy_statements path=Statement{}"},
		// mvexpand <field> [limit=<int>] (Search Reference, mvexpand).
		{"mvexpand", "| mvexpand new_ace", "mvexpand new_ace limit=0"},
		{"mvexpand limit", "| mvexpand limit=10 findings", "mvexpand findings limit=10"},
		// makemv [delim=<string> | tokenizer=<string>] [allowempty=<bool>] [setsv=<bool>] <field> (Search Reference, makemv).
		{"makemv default delim", "| makemv current_answer", `makemv current_answer delim=" " tokenizer="" allowempty=false setsv=false`},
		{"makemv delim", `| makemv delim="," allowempty=true Scope`, `makemv Scope delim="," tokenizer="" allowempty=true setsv=false`},
		{"makemv tokenizer", `| makemv tokenizer="([\w\d\-]+)" process`, `makemv process delim=" " tokenizer="([\\w\\d\\-]+)" allowempty=false setsv=false`},
		// fillnull [value=<string>] [<field-list>] (Search Reference, fillnull; default 0).
		{"fillnull bare", "| fillnull", `fillnull value="0" `},
		{"fillnull value fields", "| fillnull value=0 unique_accounts, unique_src", `fillnull value="0" unique_accounts,unique_src`},
		{"fillnull quoted value", `| fillnull value="m1.small" requestParameters.instanceType`, `fillnull value="m1.small" requestParameters.instanceType`},
		// sort [<count>] <sort-by-clause>... [desc] (Search Reference, sort; default limit 10000).
		{"sort minus attached", "| sort -count", "sort limit=10000 -auto(count) reverse=false"},
		{"sort minus apart, commas", "| sort - _time,src, query", "sort limit=10000 -auto(_time),+auto(src),+auto(query) reverse=false"},
		{"sort 0 and types", "| sort 0 num(bytes), -str(user) +ip(src)", "sort limit=0 +num(bytes),-str(user),+ip(src) reverse=false"},
		{"sort limit= and desc", "| sort limit=5 user desc", "sort limit=5 +auto(user) reverse=true"},
		// dedup [<int>] <field-list> [keepevents] [keepempty] [consecutive] [sortby] (Search Reference, dedup).
		{"dedup fields", "| dedup src_ip src_user", "dedup 1 src_ip,src_user keepempty=false consecutive=false keepevents=false sortby="},
		{"dedup count and options", "| dedup 3 source, host keepempty=true consecutive=t sortby -_time",
			"dedup 3 source,host keepempty=true consecutive=true keepevents=false sortby=-auto(_time)"},
		{"dedup array field", "| dedup user.username user.groups{}", "dedup 1 user.username,user.groups{} keepempty=false consecutive=false keepevents=false sortby="},
		// head [<N> | limit=<int>], tail [<N>] (Search Reference, head, tail; default 10).
		{"head", "| head 5", "head 5 tail=false"},
		{"head default", "| head", "head 10 tail=false"},
		{"head limit", "| head limit=3", "head 3 tail=false"},
		{"tail", "| tail 2", "head 2 tail=true"},
		// rex [field=<field>] (<regex> [max_match=<int>] [offset_field=<string>]) | (mode=sed <sed-expression>) (Search Reference, rex).
		{"rex named group", `| rex field=permissions "Scope: (?<Scope>[^,]+)"`, `rex field=permissions max_match=1 offset_field= "Scope: (?P<Scope>[^,]+)"`},
		{"rex python-style group, max_match", `| rex field=old_value max_match=10000 "\((?P<old_values>.*?)\)"`,
			`rex field=old_value max_match=10000 offset_field= "\\((?P<old_values>.*?)\\)"`},
		// SPL strings resolve \\ to \, so ".*\\\(" is the regex .*\\( (a literal backslash, then a group).
		{"rex escaped backslash", `| rex field=app ".*\\\(?<process_name>.*)$"`, `rex field=app max_match=1 offset_field= ".*\\\\(?P<process_name>.*)$"`},
		{"rex default field", `| rex "user=(?<user>\w+)"`, `rex field=_raw max_match=1 offset_field= "user=(?P<user>\\w+)"`},
		{"rex sed s///g", `| rex field=ccnumber mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g"`,
			`rex field=ccnumber sed=s "(\\d{4}-){3}" "XXXX-XXXX-XXXX-" g=true n=0`},
		{"rex sed backreference", `| rex field=src mode=sed "s/^::ffff:(.*)/\1 $x/"`, `rex field=src sed=s "^::ffff:(.*)" "${1} $$x" g=false n=0`},
		{"rex sed y", `| rex field=x mode=sed "y/abc/xyz/"`, `rex field=x sed=y "abc" "xyz" g=false n=0`},
		// regex <field>=<regex> | <field>!=<regex> | <regex> (Search Reference, regex).
		{"regex field", `| regex process="(?i)(rundll32\.exe.{0,4}$)"`, `regex process negate=false "(?i)(rundll32\\.exe.{0,4}$)"`},
		{"regex negated with blanks", `| regex process != "(/d\s+2)"`, `regex process negate=true "(/d\\s+2)"`},
		{"regex _raw", `| regex "^x"`, `regex _raw negate=false "^x"`},
		// replace (<wc-string> WITH <wc-string>)... [IN <field-list>] (Search Reference, replace).
		{"replace wildcard", `| replace "::ffff:*" with * in src`, `replace ::ffff:*->* in src`},
		{"replace pairs and fields", `| replace "%%14674" with "Value Added", "%%14675" WITH "Value Deleted" IN OperationType, x`,
			`replace %%14674->Value Added %%14675->Value Deleted in OperationType,x`},
		// fromjson <string> [prefix=<string>] (Search Reference, fromjson).
		{"fromjson", "| fromjson Data", "fromjson Data prefix="},
		{"fromjson prefix", "| fromjson Data prefix=d_", "fromjson Data prefix=d_"},
		// addtotals [row=<bool>] [col=<bool>] [labelfield=<field>] [label=<string>] [fieldname=<field>] [<field-list>] (Search Reference, addtotals).
		{"addtotals", "| addtotals fieldname=Score is_autodiscover, powershell, mapi", "addtotals Score is_autodiscover,powershell,mapi"},
		{"addtotals defaults", "| addtotals row=t col=f", "addtotals Total "},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.search, testMacros())
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(pipe) != 1 {
				t.Fatalf("pipeline has %d commands", len(pipe))
			}
			if got := showCmd(pipe[0]); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Arguments concord cannot honour are reported unsupported, never ignored;
// arguments Splunk itself would reject are syntax errors naming what was
// expected.
func TestLowerPipelineCommands_errors(t *testing.T) {
	at := ast.Pos{Line: 2, Col: 9}
	tests := []struct {
		note, search string
		code, want   string // want is a prefix of the first error
	}{
		{"rename wildcard mismatch", "| rename a* as b", ast.CodeParse,
			"d.yml:2:24: parse: syntax error in rename: wildcard mismatch: a* AS b"},
		{"eventstats allnum", "| eventstats allnum=true count", ast.CodeUnsupported, "d.yml:2:22: unsupported: eventstats allnum at 2:22"},
		{"makemv setsv", "| makemv setsv=true x", ast.CodeUnsupported, "d.yml:2:18: unsupported: makemv setsv at 2:18"},
		{"streamstats time_window", "| streamstats time_window=1h count", ast.CodeUnsupported, "d.yml:2:23: unsupported: streamstats time_window at 2:23"},
		{"streamstats bad window", "| streamstats window=x count", ast.CodeParse, "d.yml:2:30: parse: syntax error in streamstats: window=x: expected a non-negative integer"},
		{"streamstats bad option", "| streamstats foo=1 count", ast.CodeParse, "d.yml:2:23: parse: syntax error in streamstats: unknown option foo"},
		{"bin bins", "| bin bins=10 size", ast.CodeUnsupported, "d.yml:2:15: unsupported: bin bins at 2:15"},
		{"bin without span", "| bucket _time", ast.CodeUnsupported, "d.yml:2:11: unsupported: bucket without span= at 2:11"},
		{"bin month", "| bin span=1mon _time", ast.CodeUnsupported, "d.yml:2:15: unsupported: bin span=1mon (calendar unit)"},
		{"bin log span", "| bin span=log2 x", ast.CodeUnsupported, "d.yml:2:15: unsupported: bin span=log2 (logarithmic span)"},
		{"bin bad unit", "| bin span=5parsecs _time", ast.CodeParse, `d.yml:2:20: parse: syntax error in bin: span=5parsecs: unknown time unit "parsecs"`},
		{"option with !=", "| bin span!=5m _time", ast.CodeParse, `d.yml:2:15: parse: syntax error in bin: unexpected "span!=5m" (expected span=...)`},
		{"bin no field", "| bucket span=10m", ast.CodeParse, "d.yml:2:26: parse: syntax error in bucket: expected a field to put into bins"},
		{"bin two fields", "| bin span=1h a b", ast.CodeParse, `d.yml:2:25: parse: syntax error in bin: unexpected "b" (expected span=<span>, one field and an optional AS <name>)`},
		{"spath index step", "| spath path=a{1}.b", ast.CodeUnsupported, "d.yml:2:22: unsupported: spath path a{1}.b"},
		{"spath unknown option", "| spath inptu=x", ast.CodeParse, "d.yml:2:17: parse: syntax error in spath: unknown option inptu"},
		{"mvexpand two fields", "| mvexpand a b", ast.CodeParse, `d.yml:2:22: parse: syntax error in mvexpand: unexpected "b"`},
		{"makemv no field", `| makemv delim=","`, ast.CodeParse, "d.yml:2:27: parse: syntax error in makemv: expected a field"},
		{"sort bad type", "| sort hex(x)", ast.CodeParse, "d.yml:2:16: parse: syntax error in sort: unknown sort type hex()"},
		{"sort nothing", "| sort", ast.CodeParse, "d.yml:2:15: parse: syntax error in sort: expected a field to sort by"},
		{"dedup bad bool", "| dedup x keepempty=maybe", ast.CodeParse, "d.yml:2:29: parse: syntax error in dedup: keepempty=maybe: expected true or false"},
		{"head expression", "| head (count>10)", ast.CodeUnsupported, "d.yml:2:11: unsupported: head <eval-expression>"},
		{"head keeplast", "| head 5 keeplast=true", ast.CodeUnsupported, "d.yml:2:18: unsupported: head keeplast at 2:18"},
		{"rex lookbehind", `| rex field=f "(?<!x)(?<y>a)"`, ast.CodeUnsupported, `d.yml:2:23: unsupported: rex pattern "(?<!x)(?<y>a)": lookaround (?<! is not supported by RE2`},
		{"rex backreference", `| rex "(?<q>['\"])(?<v>.*)\1"`, ast.CodeUnsupported, `d.yml:2:15: unsupported: rex pattern "(?<q>['\"])(?<v>.*)\\1": backreference \1 is not supported`},
		{"rex possessive", `| rex "(?<d>\d++)"`, ast.CodeUnsupported, `d.yml:2:15: unsupported: rex pattern "(?<d>\\d++)": possessive quantifier ++`},
		{"rex unquoted regex", `| rex field=x y`, ast.CodeParse, `d.yml:2:23: parse: syntax error in rex: unexpected "y" (expected options and one quoted regular expression)`},
		{"rex no regex", `| rex field=x`, ast.CodeParse, `d.yml:2:22: parse: syntax error in rex: expected a quoted regular expression`},
		{"rex bad mode", `| rex mode=perl "x"`, ast.CodeParse, `d.yml:2:20: parse: syntax error in rex: mode=perl: expected mode=sed`},
		{"rex sed flags", `| rex mode=sed "s/a/b/i"`, ast.CodeUnsupported, `d.yml:2:24: unsupported: rex sed expression "s/a/b/i": flags must be g or a number`},
		{"regex lookahead", `| regex TargetFilename="(?!x)y"`, ast.CodeUnsupported, `d.yml:2:32: unsupported: regex pattern "(?!x)y": lookaround (?! is not supported by RE2`},
		{"grammar error names the position", "| dedup (x", ast.CodeParse,
			`d.yml:2:17: parse: syntax error in dedup: unexpected token "(" (expected name=value options, field names and quoted strings)`},
		{"grammar error says what was expected", "| sort num(x", ast.CodeParse, `d.yml:2:21: parse: syntax error in sort: unexpected token "<EOF>" (expected ")")`},
		{"unterminated string", `| rex field="x`, ast.CodeParse, `d.yml:2:21: parse: syntax error in search: lexer: invalid input text`},
		{"replace without IN", `| replace a with b`, ast.CodeUnsupported, "d.yml:2:11: unsupported: replace without IN <fields> at 2:11"},
		{"replace wildcard count", `| replace a* with b**`, ast.CodeParse, "d.yml:2:27: parse: syntax error in replace: a* WITH b**: the replacement needs as many * as the value, or none"},
		{"replace missing WITH", `| replace a b in c`, ast.CodeParse, `d.yml:2:19: parse: syntax error in replace: unexpected "a" (expected <string> WITH <string>)`},
		{"fromjson two fields", `| fromjson a b`, ast.CodeParse, `d.yml:2:22: parse: syntax error in fromjson: unexpected "b"`},
		{"addtotals col", "| addtotals col=true x", ast.CodeUnsupported, "d.yml:2:21: unsupported: addtotals col=true at 2:21"},
		// Commands other work covers stay unsupported.
		{"tstats stays unsupported", "| tstats count", ast.CodeUnsupported, "d.yml:2:11: unsupported: tstats"},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, _, errs := ParseSearch("d.yml", at, tc.search, testMacros())
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.Code != tc.code || !strings.HasPrefix(e.Error(), tc.want) {
				t.Errorf("got  %s\nwant %s...", e, tc.want)
			}
		})
	}
}
