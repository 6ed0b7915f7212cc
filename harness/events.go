// Package harness loads rules and events, runs compiled rules over events, runs
// the rules' own tests, compares Splunk/Panther pairs and renders reports.
package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"unicode"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/stream"
)

// Event is one raw event with where it came from.
type Event struct {
	// Source is FILE:LINE (1-based) for an event read from a file and
	// RULEFILE#TEST NAME for a rule's test event.
	Source     string
	Raw        string
	Value      ast.Value
	SourceType string // Splunk sourcetype it is read as; "" means the rule's own
	// Set names the group the event came in (a file, a rule's tests): where a
	// verdict is only defined on a set of events, comparisons run each set whole.
	Set string

	// view is the Splunk view a scan made of the event already, on which
	// the rule's base search passed it.
	view *ast.Object
}

// LogTypeSourceTypes maps Panther log types to the Splunk sourcetype of the same data.
var LogTypeSourceTypes = map[string]string{
	"AWS.CloudTrail": "aws:cloudtrail",
	"GitHub.Audit":   "github:cloud:audit",
	"AWS.VPCFlow":    "aws:cloudwatchlogs:vpcflow",
}

// ReadsLogType reports whether the rule sees events of the given log type (a
// Panther log type or a Splunk sourcetype): Panther gives a rule only the
// events of its LogTypes, and a Splunk search selects its sourcetype (the
// cloudtrail macro is sourcetype=aws:cloudtrail), the first of the rule's log
// types here.
func ReadsLogType(r *ast.Rule, logType string) bool {
	want := logType
	if st, ok := LogTypeSourceTypes[logType]; ok {
		want = st
	}
	if r.Platform == ast.Splunk {
		return sourceTypeName(r, "") == want
	}
	for _, lt := range r.LogTypes {
		if lt == logType || LogTypeSourceTypes[lt] == want {
			return true
		}
	}
	return false
}

// LoadEvents reads a file of JSON events, one per line. A malformed line is
// reported with its line and column and skipped; the rest of the file is read.
func LoadEvents(path, sourceType string) ([]Event, ast.ErrorList) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: path}, ast.CodeIO, "%v", err)}
	}
	return ParseEvents(path, data, sourceType)
}

// ParseEvents is LoadEvents on bytes already read. Events of a sourcetype
// whose events are text (a VPC flow log's records) are its lines.
func ParseEvents(path string, data []byte, sourceType string) ([]Event, ast.ErrorList) {
	if textSourceType(sourceType) {
		return parseTextEvents(path, data, sourceType)
	}
	return eachLine(path, data, func(display string, line int, raw, text []byte) (*Event, *ast.Error) {
		v, err := ast.ParseJSON(text)
		if err == nil && v.Kind() != ast.KindObject {
			err = fmt.Errorf("expected a JSON object, found %s", v.Kind())
		}
		if err != nil {
			// The decoder's offset counts the bytes before the bad one, in the
			// trimmed line; columns count from 1 in the line as written.
			col := len(raw) - len(bytes.TrimLeftFunc(raw, unicode.IsSpace)) + 1
			var se *json.SyntaxError
			if errors.As(err, &se) {
				col += int(se.Offset)
			}
			return nil, ast.Errorf(ast.Pos{File: display, Line: line, Col: col}, ast.CodeEvent, "malformed JSON event: %v", err)
		}
		return &Event{Source: fmt.Sprintf("%s:%d", display, line), Raw: string(text), Value: v, SourceType: sourceType, Set: display}, nil
	})
}

// eachLine calls fn with each line of data that is not blank (its 1-based
// number, the line as written and trimmed) and gathers the events it makes
// and the errors it and reading meet.
func eachLine(path string, data []byte, fn func(display string, line int, raw, text []byte) (*Event, *ast.Error)) ([]Event, ast.ErrorList) {
	var events []Event
	var errs ast.ErrorList
	display := stream.DisplayPath(path)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		text := bytes.TrimSpace(raw)
		if len(text) == 0 {
			continue
		}
		ev, err := fn(display, line, raw, text)
		if err != nil {
			errs = append(errs, err)
		}
		if ev != nil {
			events = append(events, *ev)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, ast.Errorf(ast.Pos{File: display, Line: line + 1}, ast.CodeIO, "%v", err))
	}
	return events, errs
}
