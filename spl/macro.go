package spl

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/concordsec/concord/ast"
	"gopkg.in/yaml.v3"
)

// Macro is one search macro (an ESCU macros/*.yml file).
type Macro struct {
	Name       string
	Definition string
	Args       []string // argument names, substituted as $name$
	File       string
	Line       int
}

// Macros holds macros by call key: "name" for a macro without arguments and
// "name(N)" for one with N arguments, the names Splunk's macros.conf uses.
// A call `name(a, b)` looks up "name(2)"; `name` and `name()` look up "name".
type Macros map[string]*Macro

// MacroKey is the Macros key of a macro called with nargs arguments.
func MacroKey(name string, nargs int) string {
	if nargs == 0 {
		return name
	}
	return name + "(" + strconv.Itoa(nargs) + ")"
}

// Add registers m under its key, replacing a macro of the same name and arity.
func (ms Macros) Add(m *Macro) { ms[MacroKey(m.Name, len(m.Args))] = m }

// macroFile is the ESCU macro schema.
type macroFile struct {
	Name        string   `yaml:"name"`
	Definition  string   `yaml:"definition"`
	Arguments   []string `yaml:"arguments"`
	Description string   `yaml:"description"`
}

// LoadMacros reads every *.yml file of dir. A file that cannot be read or
// decoded is reported and skipped; the others are still returned.
func LoadMacros(dir string) (Macros, ast.ErrorList) {
	var errs ast.ErrorList
	ms := Macros{}
	paths, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		errs.Add(ast.Pos{File: dir}, ast.CodeIO, fmt.Sprintf("listing macros: %v", err))
		return ms, errs
	}
	sort.Strings(paths)
	for _, path := range paths {
		m, err := loadMacro(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ms.Add(m)
	}
	return ms, errs
}

func loadMacro(path string) (*Macro, *ast.Error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ast.Errorf(ast.Pos{File: path}, ast.CodeIO, "reading macro: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	var mf macroFile
	if err := doc.Decode(&mf); err != nil {
		return nil, yamlError(path, err)
	}
	line := 1
	if len(doc.Content) > 0 {
		line = doc.Content[0].Line
	}
	if mf.Name == "" {
		return nil, ast.Errorf(ast.Pos{File: path, Line: line, Col: 1}, ast.CodeSchema, "macro has no name")
	}
	return &Macro{Name: mf.Name, Definition: mf.Definition, Args: mf.Arguments, File: path, Line: line}, nil
}
