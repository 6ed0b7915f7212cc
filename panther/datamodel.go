package panther

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
)

// DataModel is a Panther data model file (AnalysisType: datamodel): the unified
// names event.udm() resolves for events of its LogTypes.
type DataModel struct {
	File     string
	ID       string
	Enabled  bool
	LogTypes []string
	Mappings []Mapping
}

// Mapping is one entry of Mappings: a JSONPath (Path) or the name of a function
// of the data model's Python module (Method), lowered to Expr (the function's
// result on the event). Err says why a method cannot run; it is raised only when
// a rule asks for that name.
type Mapping struct {
	Name   string
	Path   string
	Method string
	Expr   ast.Expr
	Err    *ast.Error
}

// dataModelKeys are DATA_MODEL_SCHEMA's keys (panther_analysis_tool/schemas.py,
// ignore_extra_keys=False).
var dataModelKeys = map[string]fieldType{
	"AnalysisType": typeStr, "DataModelID": typeStr, "Enabled": typeBool, "LogTypes": typeStrList,
	"Mappings": typeList, "DisplayName": typeStr, "Filename": typeStr, "BaseVersion": typeInt,
}

// LoadDataModel reads a data model YAML and lowers its method mappings through
// the Python front end. Errors carry file:line:col; the model is returned
// whenever the YAML could be read.
func LoadDataModel(path string) (*DataModel, ast.ErrorList) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: path}, ast.CodeIO, "%v", err)}
	}
	return loadDataModelYAML(path, src, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(filepath.Dir(path), name))
	}, func(module string) (string, []byte) {
		return findGlobalHelper(filepath.Dir(path), module)
	})
}

// findGlobalHelper reads global_helpers/MODULE.py from the nearest folder at or
// above dir that has it (panther-analysis keeps global_helpers/ beside
// data_models/).
func findGlobalHelper(dir, module string) (string, []byte) {
	if !isPyIdent(module) {
		return "", nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil
	}
	for d := abs; ; {
		p := filepath.Join(d, "global_helpers", module+".py")
		if src, err := os.ReadFile(p); err == nil {
			return p, src
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}

func loadDataModelYAML(file string, src []byte, readPy func(string) ([]byte, error), readHelper func(module string) (string, []byte)) (*DataModel, ast.ErrorList) {
	r := &ruleLoader{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, ast.ErrorList{yamlError(file, err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeSchema, "a data model file must be a YAML mapping")}
	}
	root := doc.Content[0]
	keys := r.checkMapping(root, dataModelKeys, "")
	r.required(root, keys, "AnalysisType", "DataModelID", "Enabled", "LogTypes", "Mappings")
	dm := &DataModel{File: file}
	if n := keys["AnalysisType"]; n != nil && n.Value != "datamodel" {
		r.schemaf(n, "AnalysisType %q is not datamodel", n.Value)
	}
	if n := keys["DataModelID"]; n != nil {
		dm.ID = n.Value
		if !nameIDPattern.MatchString(n.Value) {
			r.schemaf(n, "DataModelID %q must not be empty or contain <, >, &, \" or %%", n.Value)
		}
	}
	if n := keys["Enabled"]; n != nil {
		_ = n.Decode(&dm.Enabled)
	}
	if n := keys["LogTypes"]; n != nil {
		for _, c := range n.Content {
			dm.LogTypes = append(dm.LogTypes, c.Value)
		}
	}
	var pySrc []byte
	var pyFile string
	if n := keys["Filename"]; n != nil && n.Kind == yaml.ScalarNode {
		pyFile = filepath.Join(filepath.Dir(file), n.Value)
		var err error
		if pySrc, err = readPy(n.Value); err != nil {
			r.errs = append(r.errs, ast.Errorf(r.at(n), ast.CodeIO, "Filename %q: %v", n.Value, err))
		}
	}
	if n := keys["Mappings"]; n != nil && n.Kind == yaml.SequenceNode {
		for i, mn := range n.Content {
			where := fmt.Sprintf(" in mapping %d", i+1)
			if mn.Kind != yaml.MappingNode {
				r.schemaf(mn, "mapping %d must be a mapping of Name and Path or Method", i+1)
				continue
			}
			mk := r.checkMapping(mn, map[string]fieldType{"Name": typeStr, "Path": typeStr, "Method": typeStr}, where)
			r.required(mn, mk, "Name")
			r.exactlyOne(mn, mk, "Path", "Method")
			if mk["Name"] == nil || (mk["Path"] == nil) == (mk["Method"] == nil) {
				continue
			}
			m := Mapping{Name: mk["Name"].Value}
			if p := mk["Path"]; p != nil {
				m.Path = p.Value
			} else {
				m.Method = mk["Method"].Value
				m.Expr, m.Err = lowerMethod(pyFile, pySrc, m.Method, r.at(mk["Method"]), readHelper)
			}
			dm.Mappings = append(dm.Mappings, m)
		}
	}
	r.errs.Sort()
	return dm, r.errs
}

// lowerMethod lowers METHOD(event) of a data model module. The Python front end
// lowers a module's rule(); a rule() that returns METHOD(event) is appended to
// the source (after the last line, so positions in the file stay true). A
// method the module imports from a global helper (`from panther_aws_helpers
// import get_actor_user`) is lowered from that helper's module the same way.
func lowerMethod(pyFile string, src []byte, method string, at ast.Pos, readHelper func(string) (string, []byte)) (ast.Expr, *ast.Error) {
	if src == nil {
		return nil, ast.Errorf(at, ast.CodeSchema, "Method %q needs the data model's Filename (its Python module)", method)
	}
	if !isPyIdent(method) {
		return nil, ast.Errorf(at, ast.CodeSchema, "Method %q is not a Python function name", method)
	}
	helperModule := false
	if !definesFunction(src, method) {
		if module, name := importedFrom(src, method); module != "" && readHelper != nil {
			if path, hsrc := readHelper(module); hsrc != nil {
				pyFile, src, method, helperModule = path, hsrc, name, true
			}
		}
	}
	wrapped := append(append([]byte{}, src...), []byte("\n\ndef rule(event):\n    return "+method+"(event)\n")...)
	prog, errs := ParsePythonWith(pyFile, wrapped, readHelper)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	for _, u := range prog.Unsupported {
		// A helper module's other top-level definitions (classes, ...) do not
		// matter to this one function; anything it reaches is reported in it.
		if helperModule && strings.Contains(u.Msg, "top-level") {
			continue
		}
		return nil, u
	}
	return prog.Match, nil
}

var (
	defPattern  = regexp.MustCompile(`(?m)^def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(`)
	fromPattern = regexp.MustCompile(`(?m)^from\s+([A-Za-z_][A-Za-z0-9_.]*)\s+import\s+\(?([^)\n#]*)`)
)

func definesFunction(src []byte, name string) bool {
	for _, m := range defPattern.FindAllSubmatch(src, -1) {
		if string(m[1]) == name {
			return true
		}
	}
	return false
}

// importedFrom finds `from MODULE import NAME [as ALIAS]` binding alias; it
// returns the module and the name in it.
func importedFrom(src []byte, alias string) (string, string) {
	for _, m := range fromPattern.FindAllSubmatch(src, -1) {
		for _, item := range strings.Split(string(m[2]), ",") {
			f := strings.Fields(item)
			switch {
			case len(f) == 1 && f[0] == alias:
				return string(m[1]), f[0]
			case len(f) == 3 && f[1] == "as" && f[2] == alias:
				return string(m[1]), f[0]
			}
		}
	}
	return "", ""
}

func isPyIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
