package spl

import "sort"

// PrintKnowledge exposes, to the external tests, the field knowledge the
// printer has of a log type: the names the add-on (or Splunk) sets, and the
// raw fields it copies to readable names.
func PrintKnowledge(logType string) (overridden []string, aliases map[string]string) {
	slt := splunkLogTypes[logType]
	if slt == nil {
		return nil, nil
	}
	for n := range slt.overridden {
		overridden = append(overridden, n)
	}
	sort.Strings(overridden)
	aliases = map[string]string{}
	for _, a := range slt.aliases {
		aliases[a.From] = a.To
	}
	return overridden, aliases
}

// SplunkDefaultFields are the fields Splunk sets on every event.
var SplunkDefaultFields = splunkDefaultFields
