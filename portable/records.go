package portable

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/concordsec/concord/ast"
)

// Log types whose events Splunk reads as text records, not JSON.
//
// AWS writes VPC flow log records as space-separated text, the fields in
// the order of the record format (default format, version 2: version
// account-id interface-id srcaddr dstaddr srcport dstport protocol packets
// bytes start end action log-status; "-" for a field that does not apply
// or could not be computed, as in NODATA and SKIPDATA records, which still
// carry start and end: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
// and flow-logs-records-examples.html). Panther parses them into its
// AWS.VPCFlow schema's keys (account, srcAddr, dstAddr, ...); the Splunk
// Add-on for AWS indexes the text as it is (sourcetype
// aws:cloudwatchlogs:vpcflow, no KV mode) and extracts the fields by
// position under its own names (src_ip, dest_ip, dest_port, vpcflow_action:
// concord's sourcetype/data/aws_cloudwatchlogs_vpcflow.yml; the add-on's
// CIM action, allowed or blocked, is computed from vpcflow_action).
//
// A rule over such a log type is written with Panther's keys in portable
// form: the Splunk printer renames each by the record's table, its attack
// data are records, and the cross-check feeds the Splunk side the record a
// JSON event spells (RenderRecord) and the Panther side the JSON a record
// spells (ParseRecord).

// RecordField is one field of a text record: its Panther key, the name
// AWS's record format gives it, and the Splunk field the add-on extracts.
// Number: Panther's schema types it as a number (the others are strings).
type RecordField struct {
	Panther, AWS, Splunk string
	Number               bool
}

// Records are the record fields of each text log type (by Panther name),
// in the record's order.
var Records = map[string][]RecordField{
	"AWS.VPCFlow": {
		{"version", "version", "version", true},
		{"account", "account-id", "account_id", false},
		{"interfaceId", "interface-id", "interface_id", false},
		{"srcAddr", "srcaddr", "src_ip", false},
		{"dstAddr", "dstaddr", "dest_ip", false},
		{"srcPort", "srcport", "src_port", true},
		{"dstPort", "dstport", "dest_port", true},
		{"protocol", "protocol", "protocol_code", true},
		{"packets", "packets", "packets", true},
		{"bytes", "bytes", "bytes", true},
		{"start", "start", "start", true},
		{"end", "end", "end", true},
		{"action", "action", "vpcflow_action", false},
		{"logStatus", "log-status", "log_status", false},
	},
}

// RecordVersion is the version field's value of the records concord writes
// (the default format).
const RecordVersion = "2"

// recordTimes fill start and end, which every record carries, when a JSON
// event has neither: a fixed capture window of one minute.
var recordTimes = map[string]string{"start": "1700000000", "end": "1700000060"}

// RecordOf is the record layout of a log type (a Panther log type, or any
// name LogTypeOf knows), if its events are text records.
func RecordOf(logType string) ([]RecordField, bool) {
	lt, ok := LogTypeOf(logType)
	if !ok {
		return nil, false
	}
	fs, ok := Records[lt.Panther]
	return fs, ok
}

// RecordFieldOf finds a record field by its Panther key.
func RecordFieldOf(fields []RecordField, key string) (RecordField, bool) {
	for _, f := range fields {
		if f.Panther == key {
			return f, true
		}
	}
	return RecordField{}, false
}

// RenderRecord writes a JSON event (Panther's keys) as the text record AWS
// would have written for it: each field's value by its text, "-" for a
// missing or null one (as AWS writes a field that does not apply), the
// version the default format's when the event has none, and a fixed capture
// window when it has no start or end (every record has them). A value the
// record cannot hold (empty text, text with white space, a boolean, a list
// or an object) is written "-"; keys outside the record are not written (the
// caller lists the ones a rule reads).
func RenderRecord(fields []RecordField, ev ast.Value) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		v := ev.At(f.Panther)
		s := recordText(v)
		if (f.Panther == "start" || f.Panther == "end") && v.Kind() == ast.KindString {
			// Panther writes its timestamps as text; the record has seconds.
			if t, err := time.Parse("2006-01-02 15:04:05.999999999", v.AsString()); err == nil {
				s = strconv.FormatInt(t.Unix(), 10)
			}
		}
		if s == "-" {
			switch {
			case f.Panther == "version":
				s = RecordVersion
			case recordTimes[f.Panther] != "":
				s = recordTimes[f.Panther]
			}
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}

// recordText is a value as one record field: "-" where the record cannot
// hold it, or where the value is missing or null. A text with white space
// would split (ParseRecord reads the fields as strings.Fields does).
func recordText(v ast.Value) string {
	switch v.Kind() {
	case ast.KindString:
		if s := v.AsString(); s != "" && !strings.ContainsFunc(s, unicode.IsSpace) {
			return s
		}
	case ast.KindInt, ast.KindFloat:
		return ast.JSON(v)
	}
	return "-"
}

// ParseRecord reads a text record as Panther's JSON event: the record's
// fields under Panther's keys, numbers where its schema has them, a "-"
// field left out. An error says why the line is not a record of the
// layout.
func ParseRecord(fields []RecordField, line string) (ast.Value, error) {
	parts := strings.Fields(line)
	if len(parts) != len(fields) {
		return ast.Missing, fmt.Errorf("a record has %d space-separated fields (%s), this line %d", len(fields), recordNames(fields), len(parts))
	}
	o := &ast.Object{}
	for i, f := range fields {
		s := parts[i]
		if s == "-" {
			continue
		}
		if f.Number {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				o.Set(f.Panther, ast.Int(n))
				continue
			}
		}
		o.Set(f.Panther, ast.String(s))
	}
	return ast.ObjectOf(o), nil
}

func recordNames(fields []RecordField) string {
	var names []string
	for _, f := range fields {
		names = append(names, f.AWS)
	}
	return strings.Join(names, " ")
}
