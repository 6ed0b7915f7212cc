package sourcetype

import "regexp"

var sourcetypeTerm = regexp.MustCompile(`(?i)\bsourcetype\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s()]+))`)

// FromDefinition returns the sourcetype a search or macro definition selects
// with sourcetype=X (quoted or not), when it names exactly one. A definition
// such as `source="kubernetes"` names none; ok is false then, and the caller
// takes the sourcetype from the data source (its sourcetype: key) or the test's
// attack_data.
func FromDefinition(def string) (string, bool) {
	var found string
	for _, m := range sourcetypeTerm.FindAllStringSubmatch(def, -1) {
		st := m[1] + m[2] + m[3]
		if found != "" && found != st {
			return "", false
		}
		found = st
	}
	return found, found != ""
}
