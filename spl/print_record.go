package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// A log type whose events are text records (portable.Records: AWS VPC flow
// logs) is written with the Splunk add-on's field names: the portable rule
// names Panther's keys (srcAddr, dstPort, action), the Splunk Add-on for AWS
// extracts the record's fields by position as src_ip, dest_port,
// vpcflow_action (sourcetype aws:cloudwatchlogs:vpcflow; concord's
// sourcetype/data/aws_cloudwatchlogs_vpcflow.yml). The raw vpcflow_action
// is read, not the CIM action the add-on computes from it (allowed or
// blocked): the source compares ACCEPT and REJECT. A record holds one text
// per field, so a test of a list's elements never holds, and a field
// outside the record is never set; both are lossy points. Attack data are
// records, one a line.

// recordRule is the rule as the record log type lets Splunk read it: a
// test of a list's elements (no record field holds a list) never holds.
func (p *printer) recordRule() *portable.Rule {
	r := *p.rule
	r.Cond = portable.Simplify(p.recordCond(r.Cond, false))
	return &r
}

func (p *printer) recordCond(x portable.Expr, neg bool) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		out := &portable.And{}
		for _, y := range x.Xs {
			out.Xs = append(out.Xs, p.recordCond(y, neg))
		}
		return out
	case *portable.Or:
		out := &portable.Or{}
		for _, y := range x.Xs {
			out.Xs = append(out.Xs, p.recordCond(y, neg))
		}
		return out
	case *portable.Not:
		return &portable.Not{X: p.recordCond(x.X, !neg)}
	case *portable.Any, *portable.Parse:
		var fields []string
		for _, f := range portable.Fields(x) {
			fields = append(fields, strings.Join(f, "."))
		}
		if len(fields) > 0 {
			fields = append(fields, strings.Split(fields[0], ".")[0])
		}
		p.lose(fields, []string{kindArray}, false, false, neg,
			fmt.Sprintf("%s: Splunk's %s records hold one text per field, never a list or JSON text, so the search never finds %s; an event holding one is written with \"-\" there",
				portable.String(x), p.lt.Panther, portable.String(x)))
		return &portable.Or{}
	}
	return x
}

// recordRef names a record field as the add-on extracts it; a field
// outside the record names the key itself, which Splunk never sets.
func (p *printer) recordRef(f []string) string {
	dotted := strings.Join(f, ".")
	if len(f) == 1 {
		if rf, ok := portable.RecordFieldOf(p.record, f[0]); ok {
			return rf.Splunk
		}
	}
	p.lose([]string{dotted}, nil, false, true, false,
		fmt.Sprintf("Splunk's %s records have no field %s (the record's fields: %s), so the search never reads one", p.lt.Panther, dotted, recordKeys(p.record)))
	return whereField(dotted)
}

func recordKeys(fields []portable.RecordField) string {
	var keys []string
	for _, f := range fields {
		keys = append(keys, f.Panther)
	}
	return strings.Join(keys, " ")
}

// recordLoss lists what the records cannot carry of the fields the rule
// reads: values a record field cannot hold, which are written "-".
func (p *printer) recordLoss() {
	for _, f := range portable.Fields(p.rule.Cond) {
		if len(f) != 1 {
			continue
		}
		rf, ok := portable.RecordFieldOf(p.record, f[0])
		if !ok {
			continue
		}
		p.lose([]string{f[0]}, []string{kindArray, "empty", kindNull, "wildcard"}, false, true, false,
			fmt.Sprintf("%s: a record field holds one text without white space (%s, \"-\" when the value is missing); an event holding a list, a boolean, an object, empty text or text with a space there is written with \"-\", and a JSON null is missing", f[0], rf.AWS))
		if f[0] == "start" || f[0] == "end" || f[0] == "version" {
			p.lose([]string{f[0]}, []string{"missing"}, false, true, false,
				fmt.Sprintf("%s: every record has a version and a capture window; an event without %s is written with the default format's version 2 and a fixed window (1700000000 to 1700000060)", f[0], f[0]))
		}
	}
}

// attackLine is one attack data line: the event's JSON, or the record it
// spells for a log type of text records.
func (p *printer) attackLine(ev ast.Value) string {
	if p.record != nil {
		text := portable.RenderRecord(p.record, ev)
		return text
	}
	return ast.JSON(ev)
}

// termField names a raw field in a search term.
func (p *printer) termField(dotted string) string {
	if p.record != nil {
		return p.recordRef(strings.Split(dotted, "."))
	}
	return dotted
}
