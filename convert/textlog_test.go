package convert

import (
	"fmt"
	"os"
	"path/filepath"
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

// A rule over a text log type is refused with what is missing: a field
// the record does not have is named at its position; a rule over record
// fields only is refused for what concord lacks (renaming, text attack
// data, verification on text records). Sigma output is not concerned.
func TestConvertTextLogType(t *testing.T) {
	c := compiled(t, paRules+"aws_vpc_flow_rules/aws_vpcflow_unexpected_inbound_simple.yml")
	_, _, err := Convert(c, Options{To: ToSplunk})
	if err == nil || !strings.Contains(err.Error(), "aws_vpcflow_unexpected_inbound_simple.yml:41:18: cannot convert: limits is not a field of an AWS.VPCFlow record") ||
		!strings.Contains(err.Error(), "dstAddr=dest_ip") {
		t.Errorf("fixture: %v", err)
	}
	dir := t.TempDir()
	rule := filepath.Join(dir, "rules", "inbound.yml")
	if err := os.MkdirAll(filepath.Dir(rule), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "AnalysisType: rule\nRuleID: Test.Inbound\nEnabled: true\nLogTypes: [AWS.VPCFlow]\nSeverity: Low\n" +
		"Detection:\n  - Key: srcAddr\n    Condition: IsIPAddressPublic\n  - Key: dstPort\n    Condition: Equals\n    Value: 22\n" +
		"Tests:\n  - Name: ssh\n    ExpectedResult: true\n    Log: {srcAddr: 203.0.113.7, dstPort: 22}\n"
	if err := os.WriteFile(rule, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c = compiled(t, rule)
	for _, to := range []Target{ToSplunk, ToSigma} {
		_, _, err = Convert(c, Options{To: to})
		refused := err != nil && strings.Contains(err.Error(), "Missing in concord: the Splunk printer writes JSON field paths")
		if refused != (to == ToSplunk) {
			t.Errorf("record fields only, to %s: %v", to, err)
		}
	}
	if err := textLogError(c.Rule, ToSplunk); err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("%s: cannot convert: AWS.VPCFlow events reach Splunk as the text records", rule)) {
		t.Errorf("position: %v", err)
	}
}
