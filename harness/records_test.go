package harness

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// VPC flow records reach Splunk as text (sourcetype aws:cloudwatchlogs:vpcflow):
// attack data are read a line an event; a JSON event (a Panther test's) is
// viewed as the record it spells, the add-on's fields extracted by position
// (AWS default format, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html);
// a record is given the JSON Panther's rule reads.
func TestTextRecordEvents(t *testing.T) {
	const st = "aws:cloudwatchlogs:vpcflow"
	data := "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n\n2 123 eni-1 ACCEPT OK\n"
	evs, errs := ParseEvents("flows.log", []byte(data), st)
	if len(errs) > 0 || len(evs) != 2 || evs[0].Value.Kind() != ast.KindString || evs[1].Source != "flows.log:3" {
		t.Fatalf("read %d events %v", len(evs), errs)
	}
	recs, errs := recordEvents(evs)
	if len(recs) != 1 || len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "flows.log:3:1: event: not a record of sourcetype aws:cloudwatchlogs:vpcflow: a record has 14 space-separated fields") {
		t.Fatalf("records %d, errors %v", len(recs), errs)
	}
	if got := ast.JSON(recs[0].Value); !strings.Contains(got, `"srcAddr":"172.31.16.139"`) || !strings.Contains(got, `"dstPort":22`) {
		t.Errorf("record as JSON: %s", got)
	}
	splunk := &ast.Rule{Platform: ast.Splunk, LogTypes: []string{st}}
	for _, tc := range []struct {
		name string
		ev   Event
		want map[string]string
	}{
		{"a record", evs[0], map[string]string{"src_ip": "172.31.16.139", "dest_port": "22", "vpcflow_action": "ACCEPT", "action": "allowed"}},
		{"the record's JSON", recs[0], map[string]string{"src_ip": "172.31.16.139", "dest_port": "22", "vpcflow_action": "ACCEPT", "action": "allowed"}},
		{"a test event", Event{Value: mustJSON(t, `{"action":"reject","dstAddr":"10.1.2.3","limits":[{"packets":10}]}`)},
			map[string]string{"dest_ip": "10.1.2.3", "vpcflow_action": "reject", "src_ip": "-", "action": "", "limits": "", "start": "1700000000"}},
	} {
		o, err := SplunkView(splunk, tc.ev)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for k, want := range tc.want {
			// "" is a field the view does not have.
			if v, ok := o.Get(k); v.Text() != want || ok != (want != "") {
				t.Errorf("%s: %s = %q (set %v), want %q", tc.name, k, v.Text(), ok, want)
			}
		}
	}
}
