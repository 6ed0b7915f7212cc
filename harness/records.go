package harness

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// textSourceType reports whether events of the sourcetype are text lines
// (concord knows the sourcetype and it has no JSON extraction).
func textSourceType(name string) bool {
	if name == "" {
		return false
	}
	st, err := sourcetype.Lookup(name)
	return err == nil && st.TextEvents()
}

// parseTextEvents reads a file of text events, one a line (blank lines
// skipped), as Splunk indexes them.
func parseTextEvents(path string, data []byte, sourceType string) ([]Event, ast.ErrorList) {
	return eachLine(path, data, func(display string, line int, _, text []byte) (*Event, *ast.Error) {
		return &Event{Source: fmt.Sprintf("%s:%d", display, line), Raw: string(text), Value: ast.String(string(text)), SourceType: sourceType, Set: display}, nil
	})
}

// recordEvents gives the text records among events (a Splunk rule's attack
// data of a text log type) the JSON the record spells under Panther's keys,
// which a Panther rule reads and the Splunk view writes back as the same
// record; a line that is not a record of the layout is an error at its
// position and left out.
func recordEvents(events []Event) ([]Event, ast.ErrorList) {
	var errs ast.ErrorList
	out := events[:0:0]
	for _, ev := range events {
		fields, ok := portable.RecordOf(ev.SourceType)
		if !ok || ev.Value.Kind() != ast.KindString {
			out = append(out, ev)
			continue
		}
		v, err := portable.ParseRecord(fields, ev.Value.AsString())
		if err != nil {
			errs = append(errs, ast.Errorf(sourcePos(ev.Source), ast.CodeEvent, "not a record of sourcetype %s: %v", ev.SourceType, err))
			continue
		}
		ev.Value = v
		out = append(out, ev)
	}
	return out, errs
}

// sourcePos reads FILE:LINE (stream's Event.Source) back as a position
// (column 1).
func sourcePos(source string) ast.Pos {
	i := strings.LastIndexByte(source, ':')
	if i < 0 {
		return ast.Pos{File: source}
	}
	num, _, _ := strings.Cut(source[i+1:], "#") // FILE:LINE#ELEMENT
	line, err := strconv.Atoi(num)
	if err != nil {
		return ast.Pos{File: source}
	}
	return ast.Pos{File: source[:i], Line: line, Col: 1}
}
