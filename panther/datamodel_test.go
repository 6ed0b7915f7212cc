package panther

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestLoadDataModel_fixture(t *testing.T) {
	path := filepath.Join("..", "fixtures", "panther-analysis", "data_models", "aws_cloudtrail_data_model.yml")
	dm, errs := LoadDataModel(path)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if dm.ID != "Concord.AWS.CloudTrail" || !dm.Enabled || strings.Join(dm.LogTypes, ",") != "AWS.CloudTrail" || len(dm.Mappings) != 3 {
		t.Fatalf("got %+v", dm)
	}
	if m := dm.Mappings[0]; m.Name != "source_ip" || m.Path != "$.sourceIPAddress" || m.Expr != nil {
		t.Errorf("path mapping: %+v", m)
	}
	// The method is lowered through the Python front end, positions in its own file.
	m := dm.Mappings[2]
	if m.Err != nil || m.Expr == nil || !strings.HasSuffix(m.Expr.Pos().File, "aws_cloudtrail_data_model.py") {
		t.Fatalf("method mapping: %+v", m)
	}
	if got := dump(m.Expr); !strings.Contains(got, "$eventName") || !strings.Contains(got, "'root_login'") {
		t.Errorf("method lowered to %s", got)
	}
}

// DATA_MODEL_SCHEMA (panther_analysis_tool/schemas.py): required keys, Path or
// Method but not both, no unknown keys; a method that cannot be lowered stays
// on its mapping, to be raised only when a rule asks for it.
func TestLoadDataModel_schema(t *testing.T) {
	const head = "AnalysisType: datamodel\nDataModelID: M\nEnabled: true\nLogTypes: [A.B]\n"
	py := func(src string) func(string) ([]byte, error) {
		return func(string) ([]byte, error) { return []byte(src), nil }
	}
	tests := []struct {
		name, yml, py, wantErr, wantMappingErr string
	}{
		{"missing Mappings", "AnalysisType: datamodel\nDataModelID: M\nEnabled: true\nLogTypes: [A.B]\n", "", `1:1: schema: missing required key "Mappings"`, ""},
		{"Path and Method", head + "Mappings:\n  - Name: x\n    Path: a\n    Method: f\n", "", `8:13: schema: "Path" and "Method" are mutually exclusive`, ""},
		{"neither", head + "Mappings:\n  - Name: x\n", "", `6:5: schema: missing required key "Path" (or "Method")`, ""},
		{"unknown key", head + "Mapping: []\nMappings: []\n", "", `5:1: schema: unknown key "Mapping"`, ""},
		{"wrong type", head + "Mappings:\n  - Name: x\n    Path: [a]\n", "", "7:11: schema: Path in mapping 1 must be a string", ""},
		{"not a datamodel", "AnalysisType: rule\nDataModelID: M\nEnabled: true\nLogTypes: [A.B]\nMappings: []\n", "", `1:15: schema: AnalysisType "rule" is not datamodel`, ""},
		{"method without Filename", head + "Mappings:\n  - Name: x\n    Method: f\n", "", "", `Method "f" needs the data model's Filename`},
		{"unsupported method", head + "Filename: m.py\nMappings:\n  - Name: x\n    Method: f\n", "def f(event):\n    with open('x') as fh:\n        return fh\n", "", "unsupported: "},
		{"good method", head + "Filename: m.py\nMappings:\n  - Name: x\n    Method: f\n", "def f(event):\n    return event.get('a')\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dm, errs := loadDataModelYAML("dm.yml", []byte(tt.yml), py(tt.py), noHelpers)
			if tt.wantErr == "" && len(errs) > 0 || tt.wantErr != "" && !strings.Contains(errs.Error(), tt.wantErr) {
				t.Fatalf("errors %v, want %q", errs, tt.wantErr)
			}
			if tt.wantMappingErr == "" || dm == nil {
				return
			}
			var got string
			for _, m := range dm.Mappings {
				if m.Err != nil {
					got = m.Err.Error()
				}
			}
			if !strings.Contains(got, tt.wantMappingErr) {
				t.Errorf("mapping error %q, want %q", got, tt.wantMappingErr)
			}
		})
	}
	// Bad YAML is a parse error with a line, never a panic.
	if _, errs := loadDataModelYAML("dm.yml", []byte("Mappings: [\n"), py(""), noHelpers); !errs.Has(ast.CodeParse) {
		t.Errorf("got %v", errs)
	}
}

func noHelpers(string) (string, []byte) { return "", nil }

// A method the data model imports from a global helper is lowered from the
// helper's module; the helper module's unrelated top-level classes do not
// make it unsupported.
func TestLoadDataModel_methodFromGlobalHelper(t *testing.T) {
	yml := "AnalysisType: datamodel\nDataModelID: M\nEnabled: true\nLogTypes: [A.B]\nFilename: m.py\nMappings:\n  - Name: actor\n    Method: actor_name\n"
	model := "from my_helpers import get_actor as actor_name, other\n"
	helper := "class Unrelated:\n    pass\n\n\ndef get_actor(event):\n    return event.get('actor', 'nobody')\n"
	var asked string
	dm, errs := loadDataModelYAML("dm.yml", []byte(yml), func(string) ([]byte, error) { return []byte(model), nil },
		func(module string) (string, []byte) { asked = module; return "my_helpers.py", []byte(helper) })
	if len(errs) > 0 || asked != "my_helpers" || len(dm.Mappings) != 1 {
		t.Fatalf("errs %v, asked %q, %+v", errs, asked, dm)
	}
	m := dm.Mappings[0]
	if m.Err != nil || dump(m.Expr) != "(helper get_actor [$] (default $actor 'nobody'))" || m.Expr.Pos().File != "my_helpers.py" {
		t.Errorf("got %v %s", m.Err, dump(m.Expr))
	}
}

// FuzzLoadDataModel checks that no data model file (YAML or the Python of its
// methods) makes loading panic.
func FuzzLoadDataModel(f *testing.F) {
	f.Add("AnalysisType: datamodel\nDataModelID: M\nEnabled: true\nLogTypes: [A]\nFilename: m.py\nMappings:\n  - Name: x\n    Method: f\n  - Name: y\n    Path: $.a[0].b\n",
		"from h import g as f\n")
	f.Add("Mappings: [{Name: x, Method: f, Path: p}]\n", "def f(event):\n    return event.get('a')\n")
	f.Add("[", "def")
	f.Fuzz(func(t *testing.T, yml, py string) {
		_, _ = loadDataModelYAML("f.yml", []byte(yml), func(string) ([]byte, error) { return []byte(py), nil },
			func(string) (string, []byte) { return "h.py", []byte(py) })
	})
}
