// Package panther is concord's front end for Panther detections: it reads the
// rule YAML (LoadRule) and lowers the rule's Python module into the shared AST
// (ParsePython), so that rules run natively, without a Python runtime.
package panther

import (
	"fmt"

	"github.com/concordsec/concord/ast"
)

// Program is a Panther rule module lowered to the shared AST.
type Program struct {
	// Match is rule(event) as one expression; nil when the module has no rule().
	Match ast.Expr
	// Outputs are title, alert_context, dedup, ... in source order.
	Outputs []ast.Output
	// Unsupported lists constructs the module uses that concord cannot run yet
	// (CodeUnsupported); only constructs reachable from the rule functions and
	// top-level statements are reported.
	Unsupported ast.ErrorList
}

// ParsePython parses a rule's Python source and lowers its rule functions. The
// error list holds syntax errors (CodeParse, FILE:LINE:COL and what was
// expected) and a missing rule() (CodeSchema); unsupported constructs are in
// Program.Unsupported. It never panics.
func ParsePython(file string, src []byte) (prog *Program, errs ast.ErrorList) {
	return ParsePythonWith(file, src, nil)
}

// ParsePythonWith is ParsePython where the constants of imported global helper
// modules (event_type.FAILED_LOGIN, from panther_iocs import XZ_AMIS) are read
// from the modules helpers finds; helpers may be nil.
func ParsePythonWith(file string, src []byte, helpers HelperSource) (prog *Program, errs ast.ErrorList) {
	mod, errs := parseModule(file, src)
	if len(errs) > 0 {
		return nil, errs
	}
	l := newLowerer(file)
	l.helpers = &helperModules{read: helpers, mods: map[string]*helperModule{}}
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			errs = append(l.errs, ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "internal error while lowering: %v", r))
		}
	}()
	l.scanModule(mod)
	prog = &Program{}
	event := val{x: &ast.Field{}, event: true}
	for _, def := range l.defs {
		if !ruleFunctions[def.Name] || l.funcs[def.Name] != def {
			continue // a helper, or a definition a later one replaces
		}
		l.budget = 0
		x := l.lowerFunction(def, []val{event}, nil, def.Pos)
		if def.Name == "rule" {
			prog.Match = x
		} else {
			prog.Outputs = append(prog.Outputs, ast.Output{Name: def.Name, X: x})
		}
	}
	if prog.Match == nil {
		l.errs.Add(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeSchema, "the module defines no rule(event) function")
	}
	prog.Unsupported = l.unsup
	prog.Unsupported.Sort()
	return prog, l.errs
}

// String summarises a program for debugging.
func (p *Program) String() string {
	return fmt.Sprintf("Program{match: %T, outputs: %d, unsupported: %d}", p.Match, len(p.Outputs), len(p.Unsupported))
}
