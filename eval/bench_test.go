package eval_test

import (
	"fmt"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

// BenchmarkStats runs the burst search's pipeline (bin, stats by three fields,
// where) over rows shaped like its kept CloudTrail events: most groups hold
// one row.
func BenchmarkStats(b *testing.B) {
	_, cmds, errs := spl.ParseSearch("bench", ast.Pos{}, `errorCode!=success
		| bin _time span=10m
		| stats count dc(eventName) as distinct_calls values(eventName) as calls min(_time) as firstTime by _time user_arn src_ip
		| where count >= 3`, nil)
	if errs != nil {
		b.Fatal(errs)
	}
	p, errs := eval.CompilePipeline(cmds)
	if errs != nil {
		b.Fatal(errs)
	}
	names := []string{"ListBuckets", "DescribeInstances", "GetObject", "ListRoles", "GetCallerIdentity", "DescribeVpcs"}
	rows := make([]eval.Row, 8600)
	for i := range rows {
		o := &ast.Object{}
		o.Set("_time", ast.Float(1.7e9+float64(i*37)))
		o.Set("user_arn", ast.String(fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/Role%d/user%d", i%13, i%97)))
		o.Set("src_ip", ast.String(fmt.Sprintf("198.51.100.%d", i%211)))
		o.Set("eventName", ast.String(names[i%len(names)]))
		rows[i] = eval.Row{Fields: o, Src: []int{i}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		in := make([]eval.Row, len(rows))
		for i, r := range rows {
			in[i] = eval.Row{Fields: r.Fields.Clone(), Src: r.Src}
		}
		if _, _, err := p.Run(in); err != nil {
			b.Fatal(err)
		}
	}
}
