package convert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// Log types whose events Splunk reads as text records, not JSON.
//
// AWS writes VPC flow log records as space-separated text, the fields in
// the order of the record format (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html,
// default format version 2: version account-id interface-id srcaddr
// dstaddr srcport dstport protocol packets bytes start end action
// log-status). Panther parses them into its AWS.VPCFlow schema's keys
// (account, srcAddr, dstAddr, ...); the Splunk Add-on for AWS indexes the
// text as it is (sourcetype aws:cloudwatchlogs:vpcflow, no KV mode) and
// extracts the fields by position under its own names (src_ip, dest_ip,
// dest_port, ...: concord's sourcetype/data/aws_cloudwatchlogs_vpcflow.yml;
// security_content's VPC flow searches use them: `cloudwatchlogs_vpcflow`
// action=blocked src_ip=... dest_ip!=...). A conversion between the two
// must rename every field by this table, write its test events as text
// records, and verify the Splunk side on those records: concord's Splunk
// printer and cross-check read JSON only, so such a rule is refused with
// what is missing, and a field outside the record is named.

// textLogType finds the rule's log type when Splunk reads its events as
// text (the sourcetype known, without JSON extraction).
func textLogType(logTypes []string) (portable.LogType, bool) {
	for _, name := range logTypes {
		lt, ok := portable.LogTypeOf(name)
		if !ok {
			continue
		}
		st, err := sourcetype.Lookup(lt.SourceType)
		if err != nil || !st.TextEvents() {
			continue
		}
		return lt, true
	}
	return portable.LogType{}, false
}

// textLogError refuses a conversion between Splunk and Panther of a rule
// over a text log type: it names a field the record does not have (at its
// position), or else what the conversion would need.
func textLogError(r *ast.Rule, to Target) error {
	if to == ToSigma || r.Platform == ast.Panther && to == ToSplunk {
		return nil
	}
	lt, ok := textLogType(r.LogTypes)
	if !ok {
		return nil
	}
	fields := portable.Records[lt.Panther]
	var table []string
	for _, f := range fields {
		table = append(table, f.Panther+"="+f.Splunk)
	}
	head := fmt.Sprintf("%s events reach Splunk as the text records AWS writes (sourcetype %s, no KV mode): the Splunk Add-on for AWS extracts the record's space-separated fields by position under its own names (Panther key=Splunk field: %s)",
		lt.Panther, lt.SourceType, strings.Join(table, ", "))
	missing := "Missing in concord: the Splunk printer writes JSON field paths and JSON attack data, and the cross-check feeds both rules the same JSON events; converting this rule needs the field renaming above, its test events written as text records, and verification feeding the Splunk side those records"
	if r.Platform == ast.Panther {
		var bad *ast.Field
		ast.Inspect(r.Match, func(e ast.Expr) bool {
			f, ok := e.(*ast.Field)
			if !ok || bad != nil || len(f.Path) == 0 {
				return bad == nil
			}
			known := slices.ContainsFunc(fields, func(rf portable.RecordField) bool { return strings.EqualFold(rf.Panther, f.Path[0]) })
			if !known {
				bad = f
			}
			return true
		})
		if bad != nil {
			pos := bad.Pos()
			if pos.File == "" {
				pos.File = r.File
			}
			return &Error{Pos: pos, Reason: fmt.Sprintf("%s is not a field of an %s record, so no Splunk search can read it. %s. Test only the record's fields; even then: %s",
				strings.Join(bad.Path, "."), lt.Panther, head, missing)}
		}
	}
	return &Error{Pos: ast.Pos{File: r.File}, Reason: head + ". " + missing}
}

// outsideRecord lifts a comparison of two fields of which one is outside
// the record of the rule's text log type (a simple detection's multi-key
// IsGreaterThan of packets and limits[0].packets): no record has that
// field, so Splunk can never read it, and the source (which compares with
// a missing value: false) never matches a real record either. The
// conversion drops the test, so that it still alerts on what the source
// alerts on; the events that differ (the source's test events carry the
// field, and the source does not match where the comparison fails) are a
// lossy point in the conversion's direction.
func (l *lifter) outsideRecord(n *ast.Compare) (portable.Expr, bool) {
	fields, ok := recordOfRule(l.rule)
	if !ok {
		return nil, false
	}
	var outside, names []string
	for _, side := range []ast.Expr{n.X, n.Y} {
		root, path, ok := sidePath(side)
		if !ok {
			return nil, false
		}
		names = append(names, path)
		if _, in := portable.RecordFieldOf(fields, root); !in {
			outside = append(outside, path)
		}
	}
	if len(outside) == 0 {
		return nil, false
	}
	lt := l.rule.LogTypes[0]
	l.lossy = append(l.lossy, portable.Lossy{Fields: names,
		Reason: fmt.Sprintf("the rule reads %s, which %s records as Splunk reads them do not have (not a field of the record); the conversion drops that test (%s), so it alerts where the source's comparison fails",
			strings.Join(outside, " and "), lt, strings.Join(names, " "+map[ast.CmpOp]string{ast.Lt: "<", ast.Le: "<=", ast.Gt: ">", ast.Ge: ">="}[n.Op]+" "))})
	return &portable.And{}, true
}

// recordOfRule is the record layout of the rule's log type, when its
// events are text records.
func recordOfRule(r *ast.Rule) ([]portable.RecordField, bool) {
	for _, lt := range r.LogTypes {
		if fs, ok := portable.RecordOf(lt); ok {
			return fs, true
		}
	}
	return nil, false
}

// sidePath is a comparison side's first key and its path as text
// (limits[0].packets), for a field or a simple detection's path.
func sidePath(x ast.Expr) (string, string, bool) {
	switch n := x.(type) {
	case *ast.Field:
		if len(n.Path) > 0 {
			return n.Path[0], strings.Join(n.Path, "."), true
		}
	case *ast.Call:
		base, ok := n.Args[0].(*ast.Field)
		if n.Fn != "yaml.path" || !ok || len(base.Path) == 0 {
			return "", "", false
		}
		path := strings.Join(base.Path, ".")
		for _, a := range n.Args[1:] {
			lit, ok := a.(*ast.Lit)
			if !ok {
				return "", "", false
			}
			if lit.Val.Kind() == ast.KindInt {
				path += fmt.Sprintf("[%d]", lit.Val.AsInt())
			} else {
				path += "." + lit.Val.Text()
			}
		}
		return base.Path[0], path, true
	}
	return "", "", false
}
