package spl

import (
	"regexp"
	"strconv"

	"github.com/concordsec/concord/ast"
)

// yamlLine finds the "line N" yaml.v3 puts in its error messages.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError turns a yaml.v3 error into a positioned schema error.
func yamlError(file string, err error) *ast.Error {
	pos := ast.Pos{File: file}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		pos.Col = 1
	}
	return ast.Errorf(pos, ast.CodeSchema, "invalid YAML: %v", err)
}
