package panther

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// ruleFunctions are the functions Panther calls on a rule module: rule() decides
// the match, the others shape the alert.
var ruleFunctions = map[string]bool{
	"rule": true, "title": true, "alert_context": true, "dedup": true, "severity": true,
	"description": true, "reference": true, "runbook": true, "destinations": true, "unique": true,
}

// foldBudget caps how many statements one function may fold into. Folding
// duplicates the statements after an if whose branch sometimes returns; the cap
// keeps a pathological file from growing an exponential expression.
const foldBudget = 20000

// val is what a Python name or expression stands for while lowering. Most are
// plain expressions; the event, in-file functions and imported modules/names are
// kept apart because calls on them lower differently.
type val struct {
	x        ast.Expr
	event    bool         // the event argument (x is the whole-event Field)
	fn       *grammar.Def // an in-file function
	module   string       // an imported module, dotted ("re", "panther_event_type_helpers")
	imported string       // a name imported from module (from m import imported)
	bad      string       // a name that cannot be used; why
	failed   bool         // stands in for a construct already reported unsupported
	slot     string       // x is Local{slot}: the name lives in a function local
	constant string       // x is the module constant of this name
	lams     []*lambdaFn  // x is the tag of one of these lambdas (or None, or a dict of them)
}

// env maps local names to values. It is copied on write so that the branches of
// an if see independent bindings.
type env map[string]val

func (e env) with(name string, v val) env {
	out := make(env, len(e)+1)
	for k, x := range e {
		out[k] = x
	}
	out[name] = v
	return out
}

// moduleConst is a module-level assignment, lowered on first use.
type moduleConst struct {
	value   *grammar.ExprList
	bad     string // set when the binding is not a plain `NAME = expr`
	pos     lexer.Position
	state   int // 0 not lowered, 1 lowering (cycle guard), 2 done
	lowered val
}

// lowerer turns one parsed module into shared AST expressions.
type lowerer struct {
	// selfModule is the global helper module this lowerer reads ("" for a rule):
	// its functions that the evaluator implements are called, not inlined.
	selfModule string
	file       string
	consts     map[string]*moduleConst
	funcs      map[string]*grammar.Def
	imports    map[string]val
	defs       []*grammar.Def // in source order

	inlining []string // in-file functions being inlined (recursion guard)
	budget   int

	slots   map[string]int    // how many locals of each Python name were made (for unique names)
	labels  int               // loops and trys made (for unique labels)
	loops   []string          // labels of the loops being lowered, innermost last
	globals map[string]bool   // names some function rebinds with a global statement
	fnGlob  map[string]bool   // names the function being lowered declares global
	pending []pendingBind     // names bound by := while lowering the current statement
	sets    map[ast.Expr]bool // expressions that are Python sets (set literals, set(), set comprehensions)
	tuples  map[ast.Expr]bool // tuple displays
	unsup   ast.ErrorList
	errs    ast.ErrorList
	seen    map[string]bool // unsupported messages already reported
	nUnsup  int             // unsupported constructs met, repeats included
	helpers *helperModules  // global helper modules the module imports; nil: none known
}

func newLowerer(file string) *lowerer {
	return &lowerer{
		file:    file,
		consts:  map[string]*moduleConst{},
		funcs:   map[string]*grammar.Def{},
		imports: map[string]val{},
		seen:    map[string]bool{},
		slots:   map[string]int{},
		globals: map[string]bool{},
		sets:    map[ast.Expr]bool{},
		tuples:  map[ast.Expr]bool{},
	}
}

func (l *lowerer) pos(p lexer.Position) ast.Pos { return toPos(l.file, p) }

func (l *lowerer) span(from, to lexer.Position) ast.Span { return spanOf(l.file, from, to) }

// unsupported records a construct concord cannot run yet and returns a
// placeholder so lowering can go on and report further constructs.
func (l *lowerer) unsupported(p lexer.Position, construct string) val {
	pos := l.pos(p)
	msg := fmt.Sprintf("unsupported: %s at %s", construct, posString(pos))
	l.nUnsup++
	if !l.seen[msg] {
		l.seen[msg] = true
		l.unsup.Add(pos, ast.CodeUnsupported, msg)
	}
	return val{x: &ast.Lit{Span: ast.Span{From: pos}, Val: ast.Null}, failed: true}
}

// scanModule records imports, constants and functions of the top level.
// Statements with effects at import time (loops, try, ...) are reported.
func (l *lowerer) scanModule(mod *grammar.Module) {
	for _, st := range mod.Stmts {
		switch {
		case st.Def != nil:
			l.funcs[st.Def.Name] = st.Def
			l.defs = append(l.defs, st.Def)
			for name := range declaredGlobals(st.Def) {
				l.globals[name] = true
			}
		case st.Simple != nil:
			for _, sm := range st.Simple.Smalls {
				l.scanModuleSmall(sm)
			}
		default:
			l.unsupported(st.Pos, "top-level "+stmtName(st))
		}
	}
}

func (l *lowerer) scanModuleSmall(sm *grammar.Small) {
	switch {
	case sm.Import != nil:
		for _, d := range sm.Import.Names {
			l.bindImport(d)
		}
	case sm.From != nil:
		l.bindFrom(sm.From)
	case sm.Expr != nil:
		es := sm.Expr
		if es.Rest == nil {
			return // docstring or a bare expression: no binding
		}
		switch r := es.Rest; {
		case r.Annot != nil:
			if name, ok := singleName(es.Target); ok && r.Annot.Value != nil {
				l.consts[name] = &moduleConst{value: r.Annot.Value, pos: es.Pos}
			}
		case r.Aug != nil:
			if name, ok := singleName(es.Target); ok {
				l.consts[name] = &moduleConst{bad: "module constant changed with " + r.Aug.Op, pos: es.Pos}
			}
		default:
			targets := append([]*grammar.ExprList{es.Target}, r.Values[:len(r.Values)-1]...)
			value := r.Values[len(r.Values)-1]
			for _, t := range targets {
				if name, ok := singleName(t); ok {
					l.consts[name] = &moduleConst{value: value, pos: es.Pos}
					continue
				}
				for _, n := range targetNames(t) {
					l.consts[n] = &moduleConst{bad: "tuple unpacking at module level", pos: es.Pos}
				}
			}
		}
	}
}

func (l *lowerer) bindImport(d *grammar.DottedAs) {
	path := strings.Join(d.Path, ".")
	if d.As != "" {
		l.imports[d.As] = val{module: path}
		return
	}
	// `import a.b` binds a; attribute access walks on from there.
	l.imports[d.Path[0]] = val{module: d.Path[0]}
}

func (l *lowerer) bindFrom(f *grammar.FromImport) {
	module := strings.Join(f.Dots, "") + strings.Join(f.Module, ".")
	if f.Star {
		l.unsupported(f.Pos, "from "+module+" import *")
		return
	}
	for _, n := range append(f.Paren, f.Names...) {
		name := n.Name
		if n.As != "" {
			name = n.As
		}
		l.imports[name] = val{module: module, imported: n.Name}
	}
}

func sameVal(a, b val) bool {
	return a.x == b.x && a.event == b.event && a.fn == b.fn && a.module == b.module && a.imported == b.imported && a.bad == b.bad
}

func blockStmts(b *grammar.Block) []*grammar.Stmt {
	if b == nil {
		return nil
	}
	if b.Simple != nil {
		return []*grammar.Stmt{{Pos: b.Simple.Pos, Simple: b.Simple}}
	}
	return b.Stmts
}

// stmtName names a compound statement for unsupported messages.
func stmtName(st *grammar.Stmt) string {
	switch {
	case st.If != nil:
		return "if statement"
	case st.For != nil:
		return "for loop"
	case st.While != nil:
		return "while loop"
	case st.Try != nil:
		return "try/except"
	case st.With != nil:
		return "with statement"
	case st.Def != nil:
		return "nested function definition"
	case st.Class != nil:
		return "class definition"
	case st.Decorated != nil:
		return "decorator"
	case st.Match != nil:
		return "match statement"
	}
	return "statement"
}

// singleName returns NAME when the list is exactly one bare name.
func singleName(t *grammar.ExprList) (string, bool) {
	if t == nil || len(t.Items) != 1 || t.Trailing || t.Items[0].Star {
		return "", false
	}
	a := atomOf(t.Items[0].X)
	if a == nil || a.Name == "" {
		return "", false
	}
	return a.Name, true
}

// targetNames lists the bare names among a target list (for tuple targets).
func targetNames(t *grammar.ExprList) []string {
	var out []string
	for _, it := range t.Items {
		if a := atomOf(it.X); a != nil && a.Name != "" {
			out = append(out, a.Name)
		}
	}
	return out
}

// itemTarget matches `name[k1][k2]...` as an assignment target.
func itemTarget(t *grammar.ExprList) (string, []*grammar.Expr, bool) {
	if len(t.Items) != 1 || t.Trailing || t.Items[0].Star {
		return "", nil, false
	}
	p := primaryOf(t.Items[0].X)
	if p == nil || p.Atom.Name == "" || len(p.Trailers) == 0 {
		return "", nil, false
	}
	var keys []*grammar.Expr
	for _, tr := range p.Trailers {
		if !tr.Index || len(tr.Subs) != 1 || tr.Subs[0].Slice || tr.Subs[0].Lower == nil {
			return "", nil, false
		}
		keys = append(keys, tr.Subs[0].Lower)
	}
	return p.Atom.Name, keys, true
}

func targetKind(t *grammar.ExprList) string {
	if len(t.Items) != 1 || t.Trailing {
		return "a tuple (unpacking)"
	}
	if p := primaryOf(t.Items[0].X); p != nil && len(p.Trailers) > 0 {
		last := p.Trailers[len(p.Trailers)-1]
		if last.Attr != "" {
			return "an attribute"
		}
		return "a subscript"
	}
	return "an expression"
}

func isStringConst(t *grammar.ExprList) bool {
	if t == nil || len(t.Items) != 1 {
		return false
	}
	a := atomOf(t.Items[0].X)
	return a != nil && len(a.Strings) > 0
}

// comparisonOf returns the Comparison when x is nothing more than one (no
// conditional, boolean operator or `not`).
func comparisonOf(x *grammar.Expr) *grammar.Comparison {
	if x == nil || x.Cond == nil || x.Cond.If != nil {
		return nil
	}
	ands := x.Cond.Then.Ands()
	if len(ands) != 1 || len(ands[0].Xs) != 1 {
		return nil
	}
	return ands[0].Xs[0].X
}

// primaryOf returns the Primary when x is nothing more than one.
func primaryOf(x *grammar.Expr) *grammar.Primary {
	c := comparisonOf(x)
	if c == nil || len(c.Tail) != 0 {
		return nil
	}
	b := c.X
	if len(b.Tail) != 0 || len(b.X.Ops) != 0 || b.X.X.Exp != nil || b.X.X.Await {
		return nil
	}
	return b.X.X.X
}

// atomOf returns the Atom when x is a bare atom (no trailers).
func atomOf(x *grammar.Expr) *grammar.Atom {
	p := primaryOf(x)
	if p == nil || len(p.Trailers) != 0 {
		return nil
	}
	return p.Atom
}
