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
	file    string
	consts  map[string]*moduleConst
	funcs   map[string]*grammar.Def
	imports map[string]val
	defs    []*grammar.Def // in source order

	inlining []string // in-file functions being inlined (recursion guard)
	budget   int
	unsup    ast.ErrorList
	errs     ast.ErrorList
	seen     map[string]bool // unsupported messages already reported
}

func newLowerer(file string) *lowerer {
	return &lowerer{
		file:    file,
		consts:  map[string]*moduleConst{},
		funcs:   map[string]*grammar.Def{},
		imports: map[string]val{},
		seen:    map[string]bool{},
	}
}

func (l *lowerer) pos(p lexer.Position) ast.Pos { return toPos(l.file, p) }

func (l *lowerer) span(from, to lexer.Position) ast.Span { return spanOf(l.file, from, to) }

// unsupported records a construct concord cannot run yet and returns a
// placeholder so lowering can go on and report further constructs.
func (l *lowerer) unsupported(p lexer.Position, construct string) val {
	pos := l.pos(p)
	msg := fmt.Sprintf("unsupported: %s at %s", construct, posString(pos))
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

// lowerFunction folds a function body into one expression, with the parameters
// bound to args (positional) and kwargs.
func (l *lowerer) lowerFunction(def *grammar.Def, args []val, kwargs map[string]val, at lexer.Position) ast.Expr {
	e := env{}
	for i, p := range def.Params {
		switch {
		case p.Slash, p.Star == "*" && p.Name == "":
			continue // positional-only / keyword-only markers
		case p.Star != "":
			return l.unsupported(p.Pos, "*args/**kwargs parameters").x
		}
		name := p.Named
		v, ok := val{}, false
		if i < len(args) {
			v, ok = args[i], true
		} else if kv, found := kwargs[name]; found {
			v, ok = kv, true
		} else if p.Default != nil {
			v, ok = l.lowerExpr(p.Default, env{}), true
		}
		if !ok {
			return l.unsupported(at, fmt.Sprintf("call of %s without argument %q", def.Name, name)).x
		}
		e[name] = v
	}
	if len(args) > len(def.Params) {
		return l.unsupported(at, fmt.Sprintf("call of %s with too many arguments", def.Name)).x
	}
	return l.fold(blockStmts(def.Body), e, nil)
}

// cont is what runs after a block ends without returning: the rest of the
// enclosing blocks, innermost first.
type cont struct {
	stmts []*grammar.Stmt
	next  *cont
}

// fold turns a statement sequence (and its continuation k) into the expression
// the function returns. `if c: return A` followed by R becomes Cond(c, A, R);
// assignments bind names in e; falling off the end returns None.
func (l *lowerer) fold(stmts []*grammar.Stmt, e env, k *cont) ast.Expr {
	l.budget++
	if l.budget > foldBudget {
		pos := lexer.Position{Line: 1, Column: 1}
		if len(stmts) > 0 {
			pos = stmts[0].Pos
		}
		return l.unsupported(pos, "function too large to fold into one expression").x
	}
	if len(stmts) == 0 {
		if k == nil {
			return &ast.Lit{Val: ast.Null}
		}
		return l.fold(k.stmts, e, k.next)
	}
	st, rest := stmts[0], stmts[1:]
	switch {
	case st.Simple != nil:
		return l.foldSimple(st.Simple.Smalls, e, &cont{rest, k})
	case st.If != nil:
		if !containsReturn(st) {
			// Assignments only: merge the branches' bindings, no duplication.
			return l.fold(rest, l.ifAssigns(st.If, e), k)
		}
		return l.foldIf(st.If, e, &cont{rest, k})
	}
	l.unsupported(st.Pos, stmtName(st))
	return l.fold(rest, e, k)
}

func (l *lowerer) foldSimple(smalls []*grammar.Small, e env, k *cont) ast.Expr {
	for _, sm := range smalls {
		if sm.Return != nil {
			if sm.Return.Value == nil {
				return &ast.Lit{Span: l.span(sm.Pos, sm.Pos), Val: ast.Null}
			}
			return l.exprOf(l.lowerExprList(sm.Return.Value, e), sm.Return.Pos)
		}
		e, _ = l.smallAssign(sm, e)
	}
	return l.fold(nil, e, k)
}

// smallAssign applies a non-return simple statement to the bindings. It reports
// statements with effects concord cannot model.
func (l *lowerer) smallAssign(sm *grammar.Small, e env) (env, bool) {
	switch {
	case sm.Pass:
		return e, true
	case sm.Break, sm.Continue:
		l.unsupported(sm.Pos, "break/continue")
	case sm.Import != nil:
		for _, d := range sm.Import.Names {
			path := strings.Join(d.Path, ".")
			name := d.Path[0]
			if d.As != "" {
				name = d.As
			} else {
				path = name
			}
			e = e.with(name, val{module: path})
		}
		return e, true
	case sm.From != nil:
		module := strings.Join(sm.From.Dots, "") + strings.Join(sm.From.Module, ".")
		for _, n := range append(sm.From.Paren, sm.From.Names...) {
			name := n.Name
			if n.As != "" {
				name = n.As
			}
			e = e.with(name, val{module: module, imported: n.Name})
		}
		if sm.From.Star {
			l.unsupported(sm.Pos, "from "+module+" import *")
		}
		return e, true
	case sm.Global != nil:
		l.unsupported(sm.Pos, sm.Global.Keyword+" statement")
	case sm.Del != nil:
		l.unsupported(sm.Pos, "del statement")
	case sm.Raise != nil:
		l.unsupported(sm.Pos, "raise statement")
	case sm.Assert != nil:
		l.unsupported(sm.Pos, "assert statement")
	case sm.Expr != nil:
		return l.assign(sm.Expr, e), true
	}
	return e, false
}

// assign binds the names of an assignment statement.
func (l *lowerer) assign(es *grammar.ExprStmt, e env) env {
	r := es.Rest
	if r == nil {
		if isStringConst(es.Target) {
			return e // a docstring
		}
		l.unsupported(es.Pos, "expression statement (a call for its side effects)")
		return e
	}
	switch {
	case r.Annot != nil:
		if r.Annot.Value == nil {
			return e // a bare annotation binds nothing
		}
		return l.bindTargets([]*grammar.ExprList{es.Target}, r.Annot.Value, e, es.Pos)
	case r.Aug != nil:
		name, ok := singleName(es.Target)
		if !ok {
			l.unsupported(es.Pos, "augmented assignment to "+targetKind(es.Target))
			return e
		}
		old := l.lookup(name, e, es.Pos)
		y := l.lowerExprList(r.Aug.Value, e)
		op := strings.TrimSuffix(r.Aug.Op, "=")
		return e.with(name, val{x: l.binary(op, l.exprOf(old, es.Pos), l.exprOf(y, es.Pos), l.span(es.Pos, es.EndPos))})
	}
	targets := append([]*grammar.ExprList{es.Target}, r.Values[:len(r.Values)-1]...)
	return l.bindTargets(targets, r.Values[len(r.Values)-1], e, es.Pos)
}

func (l *lowerer) bindTargets(targets []*grammar.ExprList, value *grammar.ExprList, e env, at lexer.Position) env {
	v := l.lowerExprList(value, e)
	for _, t := range targets {
		if name, ok := singleName(t); ok {
			e = e.with(name, v)
			continue
		}
		if name, key, ok := itemTarget(t); ok {
			// `ctx["k"] = v` (alert_context building a dict) rebinds ctx to a copy
			// with the key set: exact while no other name shares that dict.
			old := l.exprOf(l.lookup(name, e, t.Pos), t.Pos)
			k := l.exprOf(l.lowerExpr(key, e), key.Pos)
			e = e.with(name, val{x: &ast.Call{Span: l.span(t.Pos, t.EndPos), Fn: "py.setitem", Args: []ast.Expr{old, k, l.exprOf(v, at)}}})
			continue
		}
		l.unsupported(t.Pos, "assignment to "+targetKind(t))
		for _, n := range targetNames(t) {
			e = e.with(n, val{bad: "bound by an unsupported assignment"})
		}
	}
	return e
}

// foldIf lowers an if statement some of whose branches return.
func (l *lowerer) foldIf(st *grammar.If, e env, k *cont) ast.Expr {
	cond := l.exprOf(l.lowerExpr(st.Cond, e), st.Pos)
	then := l.fold(blockStmts(st.Body), e, k)
	var otherwise ast.Expr
	switch {
	case len(st.Elifs) > 0:
		elif := st.Elifs[0]
		otherwise = l.foldIf(&grammar.If{Pos: elif.Pos, Cond: elif.Cond, Body: elif.Body, Elifs: st.Elifs[1:], Else: st.Else}, e, k)
	case st.Else != nil:
		otherwise = l.fold(blockStmts(st.Else), e, k)
	default:
		otherwise = l.fold(nil, e, k)
	}
	return &ast.Cond{Span: l.span(st.Pos, st.Pos), If: cond, Then: then, Else: otherwise}
}

// ifAssigns runs an if statement without returns over the bindings: each name a
// branch assigns becomes Cond(c, then-value, else-value).
func (l *lowerer) ifAssigns(st *grammar.If, e env) env {
	cond := l.exprOf(l.lowerExpr(st.Cond, e), st.Pos)
	thenEnv := l.blockAssigns(blockStmts(st.Body), e)
	var elseEnv env
	switch {
	case len(st.Elifs) > 0:
		elif := st.Elifs[0]
		elseEnv = l.ifAssigns(&grammar.If{Pos: elif.Pos, Cond: elif.Cond, Body: elif.Body, Elifs: st.Elifs[1:], Else: st.Else}, e)
	case st.Else != nil:
		elseEnv = l.blockAssigns(blockStmts(st.Else), e)
	default:
		elseEnv = e
	}
	out := make(env, len(e))
	for k, v := range e {
		out[k] = v
	}
	for _, names := range []env{thenEnv, elseEnv} {
		for name := range names {
			a, aok := thenEnv[name]
			b, bok := elseEnv[name]
			switch {
			case aok && bok && sameVal(a, b):
				out[name] = a
			case aok && bok && a.x != nil && b.x != nil && !a.event && !b.event:
				out[name] = val{x: &ast.Cond{Span: l.span(st.Pos, st.Pos), If: cond, Then: a.x, Else: b.x}}
			default:
				out[name] = val{bad: "assigned in only some branches of the if at " + posString(l.pos(st.Pos))}
			}
		}
	}
	return out
}

// blockAssigns runs a return-free block over the bindings.
func (l *lowerer) blockAssigns(stmts []*grammar.Stmt, e env) env {
	for _, st := range stmts {
		switch {
		case st.Simple != nil:
			for _, sm := range st.Simple.Smalls {
				e, _ = l.smallAssign(sm, e)
			}
		case st.If != nil:
			e = l.ifAssigns(st.If, e)
		default:
			l.unsupported(st.Pos, stmtName(st))
		}
	}
	return e
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

// containsReturn reports whether a return statement appears anywhere in st.
func containsReturn(st *grammar.Stmt) bool {
	found := false
	var walkBlock func(b *grammar.Block)
	var walk func(st *grammar.Stmt)
	walkBlock = func(b *grammar.Block) {
		for _, s := range blockStmts(b) {
			walk(s)
		}
	}
	walk = func(st *grammar.Stmt) {
		switch {
		case st.Simple != nil:
			for _, sm := range st.Simple.Smalls {
				if sm.Return != nil {
					found = true
				}
			}
		case st.If != nil:
			walkBlock(st.If.Body)
			for _, el := range st.If.Elifs {
				walkBlock(el.Body)
			}
			walkBlock(st.If.Else)
		case st.For != nil:
			walkBlock(st.For.Body)
			walkBlock(st.For.Else)
		case st.While != nil:
			walkBlock(st.While.Body)
			walkBlock(st.While.Else)
		case st.Try != nil:
			walkBlock(st.Try.Body)
			for _, ex := range st.Try.Excepts {
				walkBlock(ex.Body)
			}
			walkBlock(st.Try.Else)
			walkBlock(st.Try.Finally)
		case st.With != nil:
			walkBlock(st.With.Body)
		case st.Match != nil:
			for _, c := range st.Match.Cases {
				walkBlock(c.Body)
			}
		}
	}
	walk(st)
	return found
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

// itemTarget matches `name[key]` as an assignment target.
func itemTarget(t *grammar.ExprList) (string, *grammar.Expr, bool) {
	if len(t.Items) != 1 || t.Trailing || t.Items[0].Star {
		return "", nil, false
	}
	p := primaryOf(t.Items[0].X)
	if p == nil || p.Atom.Name == "" || len(p.Trailers) != 1 {
		return "", nil, false
	}
	tr := p.Trailers[0]
	if !tr.Index || len(tr.Subs) != 1 || tr.Subs[0].Slice || tr.Subs[0].Lower == nil {
		return "", nil, false
	}
	return p.Atom.Name, tr.Subs[0].Lower, true
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

// primaryOf returns the Primary when x is nothing more than one.
func primaryOf(x *grammar.Expr) *grammar.Primary {
	if x == nil || x.Cond == nil || x.Cond.If != nil {
		return nil
	}
	or := x.Cond.Then
	if len(or.Xs) != 1 || len(or.Xs[0].Xs) != 1 {
		return nil
	}
	n := or.Xs[0].Xs[0]
	if n.X == nil || len(n.X.Tail) != 0 {
		return nil
	}
	b := n.X.X
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
