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
	if to == ToSigma {
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
