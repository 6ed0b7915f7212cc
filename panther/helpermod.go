package panther

import (
	"sync"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// HelperSource finds the source of a Panther global helper module
// (global_helpers/MODULE.py); it returns the file's path and contents, or a nil
// source when there is none.
type HelperSource func(module string) (path string, src []byte)

// helperModules is shared by a lowerer and the lowerers of the helper modules
// it reaches, so each module is parsed once per ParsePython.
type helperModules struct {
	read HelperSource
	mods map[string]*helperModule
}

type helperModule struct {
	l *lowerer // nil when the module cannot be read or parsed
	// simple is false when a top-level statement other than def and class may
	// bind names (if, try, for, ...): the last plain assignment of a name is then
	// not necessarily its value.
	simple bool
	consts map[string]*ast.Expr // resolved constants; nil entry: not usable
}

// module returns the lowerer of a helper module, parsing it on first use.
func (l *lowerer) helperModule(module string) *helperModule {
	if l.helpers == nil || l.helpers.read == nil {
		return nil
	}
	if m, ok := l.helpers.mods[module]; ok {
		return m
	}
	m := &helperModule{consts: map[string]*ast.Expr{}}
	l.helpers.mods[module] = m
	path, src := l.helpers.read(module)
	if src == nil {
		return m
	}
	mod := parseHelper(path, src)
	if mod == nil {
		return m
	}
	h := newLowerer(path)
	h.helpers, h.selfModule = l.helpers, module
	// Constants of the helper end up in the rule's expression: they share its
	// bookkeeping (unique local names, which expressions are sets and tuples).
	h.slots, h.sets, h.tuples = l.slots, l.sets, l.tuples
	m.simple = true
	for _, st := range mod.Stmts {
		if st.Simple == nil && st.Def == nil && st.Class == nil {
			m.simple = false
		}
	}
	h.scanModule(mod)
	m.l = h
	return m
}

// helperConst is the value of NAME, a module-level constant of a global helper
// module, wrapped in a Helper node named NAME so that a test's Mocks still
// replace it as they replace the pass-through call. nil when the helper module
// is not available or NAME is not a constant concord can lower without
// anything unsupported; the caller then keeps the pass-through call.
func (l *lowerer) helperConst(module, name string, at lexer.Position) ast.Expr {
	m := l.helperModule(module)
	if m == nil || m.l == nil || !m.simple {
		return nil
	}
	body, done := m.consts[name]
	if !done {
		body = m.resolve(name)
		m.consts[name] = body
	}
	if body == nil {
		return nil
	}
	return &ast.Helper{Span: ast.Span{From: l.pos(at)}, Name: name, Body: *body}
}

func (m *helperModule) resolve(name string) *ast.Expr {
	h := m.l
	c, ok := h.consts[name]
	if !ok || c.bad != "" || h.funcs[name] != nil || h.globals[name] {
		return nil
	}
	if _, ok := h.imports[name]; ok {
		return nil
	}
	before := h.nUnsup
	v := h.constVal(name, c, c.pos)
	if h.nUnsup > before || v.failed || v.x == nil || len(v.lams) > 0 || !compiles(v.x) {
		return nil
	}
	return &v.x
}

// helperFunc inlines a call of NAME, a function of a global helper module that
// the evaluator does not implement, from the module's source, as an in-file
// function is inlined (a Helper node named NAME, which a test's Mocks replace).
// nil when the module is not available or the function's body uses anything
// concord cannot lower: the call then passes through and stays unsupported
// unless mocked, at run time and only where it is reached.
func (l *lowerer) helperFunc(module, name string, a callArgs, sp ast.Span) ast.Expr {
	m := l.helperModule(module)
	if m == nil || m.l == nil || !m.simple || len(m.l.globals) > 0 {
		// A helper's global statements would share py.global's names with the
		// rule's.
		return nil
	}
	h := m.l
	def := h.funcs[name]
	if def == nil || h.consts[name] != nil || h.imports[name].module != "" {
		return nil
	}
	// Loop and try labels and lambda tags must stay unique in the rule's
	// expression.
	h.labels = l.labels
	before := h.nUnsup
	budget := h.budget
	h.budget = l.budget
	v := h.inline(def, a, sp)
	l.labels, l.budget, h.budget = h.labels, h.budget, budget
	if h.nUnsup > before || v.failed || v.x == nil || !compiles(v.x) {
		return nil
	}
	return v.x
}

// compiles reports whether the evaluator accepts x. A helper's source may call
// what concord lowers but does not run (a method it lacks): inlined, that
// would make the whole rule unsupported, where the pass-through call is
// unsupported only in the tests that reach it.
func compiles(x ast.Expr) bool {
	_, errs := eval.Compile(x, ast.KeysFold)
	return len(errs) == 0
}

// parsedHelpers caches the parse of each helper module: every rule that imports
// panther_base_helpers would parse it again. Lowering only reads the tree.
var parsedHelpers struct {
	sync.Mutex
	m map[string]*grammar.Module // by path and source
}

// parseHelper parses a helper module; nil when it has syntax errors.
func parseHelper(path string, src []byte) *grammar.Module {
	key := path + "\x00" + string(src)
	parsedHelpers.Lock()
	mod, ok := parsedHelpers.m[key]
	parsedHelpers.Unlock()
	if ok {
		return mod
	}
	mod, errs := parseModule(path, src)
	if len(errs) > 0 {
		mod = nil
	}
	parsedHelpers.Lock()
	if parsedHelpers.m == nil {
		parsedHelpers.m = map[string]*grammar.Module{}
	}
	parsedHelpers.m[key] = mod
	parsedHelpers.Unlock()
	return mod
}
