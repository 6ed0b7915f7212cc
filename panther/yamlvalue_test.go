package panther

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// Plain scalars are read as panther_analysis_tool reads them: PyYAML's YAML 1.1
// resolvers with _PATSafeLoader's YAML 1.2 constructors (analysis_utils.py):
// leading-zero integers are decimal, 0o.. and exponents without a dot or a
// sign are strings, yes/no stay strings, True/False are booleans, timestamps
// are kept as written.
func TestYAMLScalarsAsPantherAnalysisTool(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0644", "644"},
		{"-012", "-12"},
		{"0x1F", "31"},
		{"0b11", "3"},
		{"1_000", "1000"},
		{"+5", "5"},
		{"0o17", "'0o17'"},
		{"089", "'089'"},
		{"1e3", "'1e3'"},
		{"1.0e+3", "1000.0"},
		{".5", "0.5"},
		{"-.inf", "-inf"},
		{"1:30:00", "'1:30:00'"},
		{"yes", "'yes'"},
		{"True", "True"},
		{"FALSE", "False"},
		{"~", "None"},
		{"2001-12-14", "'2001-12-14'"},
		{"'0644'", "'0644'"},
		{"!!int '7'", "7"},
	}
	for _, tt := range tests {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("a: "+tt.in), &doc); err != nil {
			t.Fatal(err)
		}
		v, msg := yamlValue(doc.Content[0].Content[1])
		if msg != "" || v.Repr() != tt.want {
			t.Errorf("%s: got %s %q, want %s", tt.in, v.Repr(), msg, tt.want)
		}
	}
}
