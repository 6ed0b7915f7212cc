package sourcetype

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// macroFile maps security_content macros to the sourcetype they select, for the
// macros whose sourcetype has no knowledge file of its own (those list theirs
// under macros: in their file).
const macroFile = "macros.yml"

func loadMacros() (map[string]string, error) {
	src, err := dataFS.ReadFile("data/" + macroFile)
	if err != nil {
		return nil, err
	}
	var f struct {
		Macros map[string]string `yaml:"macros"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", macroFile, err)
	}
	return f.Macros, nil
}

// ForMacro returns the sourcetype a security_content macro (e.g. cloudtrail,
// o365_management_activity) selects, as the macro was defined when the table
// was written. Prefer FromDefinition on the macro file actually in use.
func ForMacro(name string) (string, bool) {
	r, err := Default()
	if err != nil {
		return "", false
	}
	st, ok := r.macros[name]
	return st, ok
}

// Macros lists the macro → sourcetype table ForMacro reads.
func Macros() map[string]string {
	r, err := Default()
	if err != nil {
		return nil
	}
	out := make(map[string]string, len(r.macros))
	for k, v := range r.macros {
		out[k] = v
	}
	return out
}

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
