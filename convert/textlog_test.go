package convert

import (
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// The translation table agrees with the sourcetype concord runs: a VPC flow
// record in AWS's default format (version 2, fields in the documented
// order, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html)
// viewed as aws:cloudwatchlogs:vpcflow gives each Splunk field the value at
// its record field's position.
func TestTextRecordsTable(t *testing.T) {
	st, err := sourcetype.Lookup("aws:cloudwatchlogs:vpcflow")
	if err != nil || !st.TextEvents() {
		t.Fatalf("vpcflow: %v, text events %v", err, st != nil && st.TextEvents())
	}
	fields := portable.Records["AWS.VPCFlow"]
	values := map[string]string{"version": "2", "account-id": "123456789012", "interface-id": "eni-1235b8ca123456789",
		"srcaddr": "203.0.113.7", "dstaddr": "10.1.2.3", "srcport": "49152", "dstport": "22", "protocol": "6",
		"packets": "40", "bytes": "5000", "start": "1700000000", "end": "1700000060", "action": "ACCEPT", "log-status": "OK"}
	var line []string
	for _, f := range fields {
		line = append(line, values[f.AWS])
	}
	o, err := st.View(ast.String(strings.Join(line, " ")), sourcetype.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if v, _ := o.Get(f.Splunk); v.Text() != values[f.AWS] {
			t.Errorf("%s (%s): Splunk field %s is %q, want %q", f.Panther, f.AWS, f.Splunk, v.Text(), values[f.AWS])
		}
	}
}

// A Panther rule over VPC flow records converts to Splunk with the add-on's
// field names (Splunk Add-on for AWS, aws:cloudwatchlogs:vpcflow: src_ip,
// dest_ip, dest_port, vpcflow_action, ...) and attack data written as
// records; the fixture's comparison with limits[0].packets, a field no
// record has, is a lossy point. A Splunk rule over the records is refused
// for Panther with what is missing.
func TestConvertTextLogType(t *testing.T) {
	c := compiled(t, paRules+"aws_vpc_flow_rules/aws_vpcflow_unexpected_inbound_simple.yml")
	res, _, err := Convert(c, Options{To: ToSplunk, BaseName: "aws_vpcflow_unexpected_inbound_simple"})
	if err != nil {
		t.Fatal(err)
	}
	det := string(res.Files[res.Main])
	for _, want := range []string{"`cloudwatchlogs_vpcflow`", `lower(vpcflow_action)=="accept"`, `cidrmatch("10.0.0.0/8", dest_ip)`,
		"isnum(dest_port) AND dest_port<1024", "isnum(bytes) AND bytes>=1000", `NOT (isnotnull(account_id) AND account_id!="-")`,
		"sourcetype: aws:cloudwatchlogs:vpcflow", "- field: dest\n      type: system"} {
		if !strings.Contains(det, strings.ReplaceAll(want, `\n`, "\n")) {
			t.Errorf("the detection lacks %s:\n%s", want, det)
		}
	}
	if strings.Contains(det, "limits") || strings.Contains(det, "srcAddr") || strings.Contains(det, "spath") {
		t.Errorf("the detection reads a Panther key:\n%s", det)
	}
	data := string(res.Files["attack_data/datasets/concord/aws_vpcflow_unexpected_inbound_simple/vpcflow.log"])
	want := "2 222222222222 - 203.0.114.7 10.1.2.3 - 22 6 40 5000 1700000000 1700000060 ACCEPT -\n" +
		"2 - - 203.0.114.7 10.1.2.3 - 22 17 40 1000 1700000000 1700000060 accept -\n"
	if data != want {
		t.Errorf("attack data %q, want %q", data, want)
	}
	var reasons []string
	for _, l := range res.Lossy {
		reasons = append(reasons, l.Reason)
	}
	for _, want := range []string{"the rule reads limits[0].packets, which AWS.VPCFlow records as Splunk reads them do not have",
		"any action[] (ieq \"accept\"): Splunk's AWS.VPCFlow records hold one text per field"} {
		if !slices.ContainsFunc(reasons, func(r string) bool { return strings.HasPrefix(r, want) }) {
			t.Errorf("no lossy point %q in %q", want, reasons)
		}
	}
}

// A Splunk rule over VPC flow records reads the add-on's field names, which
// lift to Panther's keys; a field the add-on computes (the CIM action,
// allowed or blocked) or that no record has is refused by name. A Panther
// rule's keys are left alone.
func TestRecordKey(t *testing.T) {
	splunk := &ast.Rule{Platform: ast.Splunk, LogTypes: []string{"aws:cloudwatchlogs:vpcflow"}}
	for _, tt := range []struct {
		r         *ast.Rule
		field     string
		want      string
		ok        bool
		errPrefix string
	}{
		{splunk, "src_ip", "srcAddr", true, ""},
		{splunk, "vpcflow_action", "action", true, ""},
		{splunk, "protocol_code", "protocol", true, ""},
		{splunk, "action", "", true, "action is not a field the Splunk Add-on for AWS extracts from the record as it is written (those are version, account_id"},
		{splunk, "limits", "", true, "limits is not a field"},
		{&ast.Rule{Platform: ast.Splunk, LogTypes: []string{"aws:cloudtrail"}}, "src_ip", "", false, ""},
		{&ast.Rule{Platform: ast.Panther, LogTypes: []string{"AWS.VPCFlow"}}, "srcAddr", "", false, ""},
	} {
		key, ok, err := recordKey(tt.r, tt.field)
		if ok != tt.ok || strings.Join(key, ".") != tt.want || (err == nil) != (tt.errPrefix == "") || err != nil && !strings.HasPrefix(err.Error(), tt.errPrefix) {
			t.Errorf("%v %s: %v %v %v", tt.r.LogTypes, tt.field, key, ok, err)
		}
	}
}

// Only a Panther rule's comparison can read a field outside the record: a
// Splunk rule's fields are the add-on's names (recordKey reads them), and a
// call with no arguments is no field.
func TestOutsideRecord(t *testing.T) {
	f := func(path ...string) ast.Expr { return &ast.Field{Path: path} }
	for _, tt := range []struct {
		platform ast.Platform
		logType  string
		x, y     ast.Expr
		want     bool
	}{
		{ast.Panther, "AWS.VPCFlow", f("packets"), &ast.Call{Fn: "yaml.path", Args: []ast.Expr{f("limits"), &ast.Lit{Val: ast.Int(0)}, &ast.Lit{Val: ast.String("packets")}}}, true},
		{ast.Panther, "AWS.VPCFlow", f("dstPort"), f("srcPort"), false},
		{ast.Splunk, "aws:cloudwatchlogs:vpcflow", f("dest_port"), f("src_port"), false},
		{ast.Panther, "AWS.VPCFlow", f("end"), &ast.Call{Fn: "now"}, false},
	} {
		l := &lifter{rule: &ast.Rule{Platform: tt.platform, LogTypes: []string{tt.logType}}}
		_, got := l.outsideRecord(&ast.Compare{Op: ast.Gt, X: tt.x, Y: tt.y})
		if got != tt.want || (len(l.lossy) > 0) != tt.want {
			t.Errorf("%s %v > %v: outside %v, lossy %v", tt.platform, tt.x, tt.y, got, l.lossy)
		}
	}
	l := &lifter{rule: &ast.Rule{Platform: ast.Panther, LogTypes: []string{"AWS.VPCFlow"}}}
	l.outsideRecord(&ast.Compare{Op: ast.Ge, X: f("bytes"), Y: f("limits", "bytes")})
	if len(l.lossy) != 1 || !strings.Contains(l.lossy[0].Reason, "(bytes >= limits.bytes)") {
		t.Errorf("lossy %v", l.lossy)
	}
}
