package spl

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// FormatCommand's output parses back to the same command (ast.Dump leaves
// positions out). The commands here carry no expressions, so the expression
// printer is never asked.
func TestFormatCommandRoundTrip(t *testing.T) {
	noExpr := func(x ast.Expr) string { t.Fatalf("unexpected expression %T", x); return "" }
	for _, src := range []string{
		`| rename user_name AS user, "a b" AS c, X.* AS *`,
		`| stats count min(_time) AS firstTime values(eventName) dc(src) AS n by user "src ip"`,
		`| eventstats avg(count) AS avg by user`,
		`| streamstats current=false window=5 count by user`,
		`| convert timeformat="%Y" ctime(firstTime) ctime(lastTime) AS last`,
		`| table a b* "c d"`,
		`| fields - _raw x`,
		`| bin _time span=10m AS bucket`,
		`| spath input=requestParameters output=policy path=Statement{}.Effect`,
		`| mvexpand cidr limit=3`,
		`| makemv delim="," allowempty=true ips`,
		`| fillnull value="n/a" user src`,
		`| sort 0 -num(count) +str(user)`,
		`| dedup 2 user src keepempty=true sortby -_time`,
		`| head 5`,
		`| tail 3`,
		`| rex field=userAgent max_match=0 "(?<tool>aws-cli|boto3)"`,
		`| rex field=x mode=sed "s/a/b/g"`,
		`| regex user!="^svc-"`,
		`| replace "*.local" WITH "internal" IN dest`,
		`| fromjson payload prefix="p_"`,
		`| addtotals fieldname=total a b`,
		`| iplocation prefix="src_" allfields=true lang=fr src_ip`,
		`| xmlkv Message`,
		`| anomalydetection action=annotate pthresh=0.01 cutoff=false "count" user_type`,
	} {
		_, first, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, src, nil)
		if len(errs) > 0 {
			t.Errorf("%s: %v", src, errs)
			continue
		}
		text := "| " + FormatCommand(first[0], noExpr)
		_, again, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, text, nil)
		if len(errs) > 0 {
			t.Errorf("%s\nprinted %s\nwhich does not parse: %v", src, text, errs)
			continue
		}
		if strings.Contains(text, `("")`) {
			t.Errorf("%s: printed an empty argument: %s", src, text)
		}
		if a, b := ast.Dump(first[0]), ast.Dump(again[0]); a != b {
			t.Errorf("%s\nprinted %s\nparsed back:\n%s\nwant:\n%s", src, text, b, a)
		}
	}
}
