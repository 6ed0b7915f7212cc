// Package datamodel reads Splunk data models (the JSON files of an app's
// default/data/models/, such as Splunk_SA_CIM's Change.json) so that tstats
// searches can run over the events a data model would accelerate.
//
// concord ships no data model: the CIM's definitions belong to Splunk. A user
// points concord at installed apps (--addons), and Load reads theirs.
package datamodel

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/concordsec/concord/ast"
)

// Model is one data model.
type Model struct {
	Name     string
	File     string
	Datasets map[string]*Dataset // by object name
}

// Dataset is one object of a model. Root datasets have Parent "" (the JSON's
// BaseEvent).
type Dataset struct {
	Name        string
	Parent      string
	Constraints []string // search terms an event must match, in the JSON's order
	Fields      []string // the dataset's own fields (inherited ones are on the parents)
	Calcs       []Calc   // its Eval and Rex calculations, in order
	Skipped     []Calc   // calculations of other types (Lookup, GeoIP): their outputs cannot be derived
}

// Calc is a calculation: Eval (`Outputs[0] = Expr`) or Rex (Expr, a PCRE
// with named groups, applied to the field Input).
type Calc struct {
	ID, Type, Expr, Input string
	Outputs               []string
}

// Chain is the dataset and its parents, root first.
func (m *Model) Chain(name string) ([]*Dataset, error) {
	var chain []*Dataset
	for d := m.Datasets[name]; d != nil; d = m.Datasets[d.Parent] {
		chain = append([]*Dataset{d}, chain...)
		if len(chain) > len(m.Datasets) {
			return nil, fmt.Errorf("data model %s: datasets form a cycle at %s", m.Name, name)
		}
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("data model %s has no dataset %s", m.Name, name)
	}
	return chain, nil
}

// Path is the dotted name tstats gives a dataset's fields: All_Changes,
// All_Changes.Instance_Changes.
func (m *Model) Path(name string) string {
	chain, err := m.Chain(name)
	if err != nil {
		return name
	}
	names := make([]string, len(chain))
	for i, d := range chain {
		names[i] = d.Name
	}
	return strings.Join(names, ".")
}

// Roots are the datasets without a parent, sorted.
func (m *Model) Roots() []string {
	var out []string
	for n, d := range m.Datasets {
		if d.Parent == "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// modelJSON is the data model file format.
type modelJSON struct {
	ModelName string `json:"modelName"`
	Objects   []struct {
		ObjectName  string `json:"objectName"`
		ParentName  string `json:"parentName"`
		Fields      []fieldJSON
		Constraints []struct {
			Search string `json:"search"`
		} `json:"constraints"`
		Calculations []struct {
			CalculationID   string      `json:"calculationID"`
			CalculationType string      `json:"calculationType"`
			Expression      string      `json:"expression"`
			InputField      string      `json:"inputField"`
			OutputFields    []fieldJSON `json:"outputFields"`
		} `json:"calculations"`
	} `json:"objects"`
}

type fieldJSON struct {
	FieldName string `json:"fieldName"`
}

// baseFields are what every event dataset has (Splunk's BaseEvent).
var baseFields = map[string]bool{"_time": true, "host": true, "source": true, "sourcetype": true}

// Parse reads one data model file.
func Parse(file string, data []byte) (*Model, error) {
	var mj modelJSON
	if err := json.Unmarshal(data, &mj); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if mj.ModelName == "" {
		return nil, fmt.Errorf("%s: no modelName", file)
	}
	m := &Model{Name: mj.ModelName, File: file, Datasets: map[string]*Dataset{}}
	for _, o := range mj.Objects {
		d := &Dataset{Name: o.ObjectName, Parent: o.ParentName}
		if d.Parent == "BaseEvent" || d.Parent == "BaseSearch" || d.Parent == "BaseTransaction" {
			d.Parent = ""
		}
		for _, c := range o.Constraints {
			if s := strings.TrimSpace(c.Search); s != "" {
				d.Constraints = append(d.Constraints, s)
			}
		}
		for _, f := range o.Fields {
			if !baseFields[f.FieldName] {
				d.Fields = append(d.Fields, f.FieldName)
			}
		}
		for _, c := range o.Calculations {
			ok := (c.CalculationType == "Eval" && len(c.OutputFields) == 1) ||
				(c.CalculationType == "Rex" && c.InputField != "" && len(c.OutputFields) > 0)
			calc := Calc{ID: c.CalculationID, Type: c.CalculationType, Expr: c.Expression, Input: c.InputField}
			for _, f := range c.OutputFields {
				calc.Outputs = append(calc.Outputs, f.FieldName)
			}
			if !ok {
				d.Skipped = append(d.Skipped, calc)
				continue
			}
			d.Fields = append(d.Fields, calc.Outputs...)
			d.Calcs = append(d.Calcs, calc)
		}
		m.Datasets[d.Name] = d
	}
	return m, nil
}

// Registry holds the data models read so far, by name.
type Registry struct {
	mu     sync.Mutex
	models map[string]*Model
}

// Default is the registry the CLI fills from --addons.
var Default = &Registry{}

// LoadDir reads every data model of an app directory
// (default/data/models/*.json, then local/ ones, which replace them). A
// directory without data models is not an error.
func (r *Registry) LoadDir(dir string) ([]string, ast.ErrorList) {
	var names []string
	var errs ast.ErrorList
	for _, layer := range []string{"default", "local"} {
		files, _ := filepath.Glob(filepath.Join(dir, layer, "data", "models", "*.json"))
		sort.Strings(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				errs.Add(ast.Pos{File: f}, ast.CodeIO, err.Error())
				continue
			}
			m, err := Parse(f, data)
			if err != nil {
				errs.Add(ast.Pos{File: f}, ast.CodeSchema, err.Error())
				continue
			}
			r.Add(m)
			names = append(names, m.Name)
		}
	}
	return names, errs
}

// Add registers m, replacing a model of the same name.
func (r *Registry) Add(m *Model) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.models == nil {
		r.models = map[string]*Model{}
	}
	r.models[m.Name] = m
}

// Get returns the named model, or nil.
func (r *Registry) Get(name string) *Model {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.models[name]
}
