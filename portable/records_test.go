package portable

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// A JSON event as the VPC flow record AWS writes (default format version
// 2, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html:
// "-" where a field does not apply, as in the NODATA example
// "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"),
// and back.
func TestRenderRecord(t *testing.T) {
	fields := Records["AWS.VPCFlow"]
	tests := []struct {
		name, event, want string
	}{
		{"full", `{"version":2,"account":"123456789010","interfaceId":"eni-1235b8ca123456789","srcAddr":"172.31.16.139","dstAddr":"172.31.16.21","srcPort":20641,"dstPort":22,"protocol":6,"packets":20,"bytes":4249,"start":1418530010,"end":1418530070,"action":"ACCEPT","logStatus":"OK"}`,
			"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"},
		{"nodata", `{"version":2,"account":"123456789010","interfaceId":"eni-1235b8ca123456789","start":1431280876,"end":1431280934,"logStatus":"NODATA"}`,
			"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"},
		{"a test event: version and window filled, limits not written", `{"action":"ACCEPT","dstPort":22,"limits":[{"packets":10}],"packets":"40"}`,
			"2 - - - - - 22 - 40 - 1700000000 1700000060 ACCEPT -"},
		{"Panther's timestamps", `{"start":"2014-12-14 04:06:50.000000000","end":"2014-12-14 04:07:50"}`,
			"2 - - - - - - - - - 1418530010 1418530070 - -"},
		{"values a record cannot hold", `{"action":"AC CEPT","srcAddr":"","dstPort":true,"account":null,"bytes":[1],"interfaceId":"eni\u00a0x"}`,
			"2 - - - - - - - - - 1700000000 1700000060 - -"},
	}
	for _, tt := range tests {
		ev, err := ast.ParseJSON([]byte(tt.event))
		if err != nil {
			t.Fatal(err)
		}
		if got := RenderRecord(fields, ev); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseRecord(t *testing.T) {
	fields := Records["AWS.VPCFlow"]
	for _, tt := range []struct{ line, want, err string }{
		{"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
			`{"version":2,"account":"123456789010","interfaceId":"eni-1235b8ca123456789","srcAddr":"172.31.16.139","dstAddr":"172.31.16.21","srcPort":20641,"dstPort":22,"protocol":6,"packets":20,"bytes":4249,"start":1418530010,"end":1418530070,"action":"ACCEPT","logStatus":"OK"}`, ""},
		{"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
			`{"version":2,"account":"123456789010","interfaceId":"eni-1235b8ca123456789","start":1431280876,"end":1431280934,"logStatus":"NODATA"}`, ""},
		{"2 123 eni-1 ACCEPT OK", "", "a record has 14 space-separated fields (version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status), this line 5"},
	} {
		v, err := ParseRecord(fields, tt.line)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %s", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || ast.JSON(v) != tt.want {
			t.Errorf("%q: %s %v, want %s", tt.line, ast.JSON(v), err, tt.want)
		}
		if back := RenderRecord(fields, v); back != tt.line {
			t.Errorf("round trip: %q, want %q", back, tt.line)
		}
	}
}
