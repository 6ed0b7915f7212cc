package convert

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// Log types whose events Splunk reads as text records, not JSON (AWS VPC
// flow logs: portable.Records has the record's fields, their Panther keys
// and the Splunk Add-on for AWS's names for them). A Panther rule names
// Panther's keys, which the portable rule keeps; the Splunk printer renames
// them and writes attack data as records (spl/print_record.go). A Splunk
// rule names the add-on's fields, which the lift reads back as Panther's
// keys (recordKey). The cross-check gives the Splunk side the record a JSON
// event spells and the Panther side the JSON a record spells (harness).

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
	// A Splunk rule names the add-on's fields, which recordKey reads.
	if l.rule.Platform != ast.Panther {
		return nil, false
	}
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
	l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: names,
		Reason: fmt.Sprintf("the rule reads %s, which %s records as Splunk reads them do not have (not a field of the record); the conversion drops that test (%s), so it alerts where the source's comparison fails",
			strings.Join(outside, " and "), lt, strings.Join(names, " "+n.Op.String()+" "))})
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
		if n.Fn != "yaml.path" || len(n.Args) == 0 {
			return "", "", false
		}
		base, ok := n.Args[0].(*ast.Field)
		if !ok || len(base.Path) == 0 {
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

// recordKey reads a Splunk field of a text record log type as the record
// field's Panther key (src_ip is srcAddr); a field the add-on does not
// extract from the record (its CIM action, computed from vpcflow_action,
// or an alias) is refused by name. ok: the rule's log type has records.
func recordKey(r *ast.Rule, name string) ([]string, bool, error) {
	if r.Platform != ast.Splunk {
		return nil, false, nil
	}
	fields, ok := recordOfRule(r)
	if !ok {
		return nil, false, nil
	}
	for _, f := range fields {
		if f.Splunk == name {
			return []string{f.Panther}, true, nil
		}
	}
	var names []string
	for _, f := range fields {
		names = append(names, f.Splunk)
	}
	return nil, true, fmt.Errorf("%s is not a field the Splunk Add-on for AWS extracts from the record as it is written (those are %s)", name, strings.Join(names, ", "))
}
