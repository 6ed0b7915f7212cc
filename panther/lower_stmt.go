package panther

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther/internal/grammar"
)

// pendingBind is a name an assignment expression (:=) bound to a local.
type pendingBind struct {
	name, slot string
}

// newSlot names a fresh local for the Python name: the name itself the first
// time in the module, then name#2, name#3, ... so that an inlined helper's or a
// comprehension's locals never share a slot with the caller's.
func (l *lowerer) newSlot(name string) string {
	l.slots[name]++
	if n := l.slots[name]; n > 1 {
		return fmt.Sprintf("%s#%d", name, n)
	}
	return name
}

func (l *lowerer) newLabel(kind string) string {
	l.labels++
	return fmt.Sprintf("%s%d", kind, l.labels)
}

// globalSlot is the local that holds a module global some function rebinds.
func globalSlot(name string) string { return "global " + name }

// lowerFunction folds a function body into one expression, with the parameters
// bound to args (positional) and kwargs.
func (l *lowerer) lowerFunction(def *grammar.Def, args []val, kwargs map[string]val, at lexer.Position) ast.Expr {
	e := env{}
	var lets []*ast.Let
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
		if v.x != nil && !safe(v.x) {
			// Python evaluates every argument before the call, so one that raises
			// raises even when the function never reads it.
			slot := l.newSlot(name)
			lets = append(lets, &ast.Let{Span: ast.Span{From: v.x.Pos()}, Names: []string{slot}, X: v.x})
			v = val{x: &ast.Local{Span: ast.Span{From: v.x.Pos()}, Name: slot}, slot: slot}
		}
		e[name] = v
	}
	if len(args) > len(def.Params) {
		return l.unsupported(at, fmt.Sprintf("call of %s with too many arguments", def.Name)).x
	}
	saved := l.fnGlob
	l.fnGlob = declaredGlobals(def)
	body := l.fold(blockStmts(def.Body), e, nil)
	l.fnGlob = saved
	return wrapLets(lets, body)
}

// declaredGlobals lists the names a function's global statements declare.
func declaredGlobals(def *grammar.Def) map[string]bool {
	out := map[string]bool{}
	walkStmts(blockStmts(def.Body), func(sm *grammar.Small) {
		if sm.Global != nil && sm.Global.Keyword == "global" {
			for _, n := range sm.Global.Names {
				out[n] = true
			}
		}
	}, nil)
	return out
}

// walkStmts calls small for every simple statement and compound for every
// compound statement in stmts, nested blocks included (not nested functions).
func walkStmts(stmts []*grammar.Stmt, small func(*grammar.Small), compound func(*grammar.Stmt)) {
	var block func(b *grammar.Block)
	var walk func(st *grammar.Stmt)
	block = func(b *grammar.Block) {
		for _, s := range blockStmts(b) {
			walk(s)
		}
	}
	walk = func(st *grammar.Stmt) {
		if st.Simple != nil {
			if small != nil {
				for _, sm := range st.Simple.Smalls {
					small(sm)
				}
			}
			return
		}
		if compound != nil {
			compound(st)
		}
		switch {
		case st.If != nil:
			block(st.If.Body)
			for _, el := range st.If.Elifs {
				block(el.Body)
			}
			block(st.If.Else)
		case st.For != nil:
			block(st.For.Body)
			block(st.For.Else)
		case st.While != nil:
			block(st.While.Body)
			block(st.While.Else)
		case st.Try != nil:
			block(st.Try.Body)
			for _, ex := range st.Try.Excepts {
				block(ex.Body)
			}
			block(st.Try.Else)
			block(st.Try.Finally)
		case st.With != nil:
			block(st.With.Body)
		case st.Match != nil:
			for _, c := range st.Match.Cases {
				block(c.Body)
			}
		}
	}
	for _, st := range stmts {
		walk(st)
	}
}

// assignedNames lists, in first-seen order, the names statements bind: targets
// of assignments, for loops and :=, and names whose value a mutating method or
// item assignment changes.
func assignedNames(stmts []*grammar.Stmt) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	addList := func(t *grammar.ExprList) {
		if n, ok := singleName(t); ok {
			add(n)
			return
		}
		if n, _, ok := itemTarget(t); ok {
			add(n)
			return
		}
		for _, n := range targetNames(t) {
			add(n)
		}
	}
	walkStmts(stmts, func(sm *grammar.Small) {
		if sm.Expr == nil {
			return
		}
		es := sm.Expr
		if es.Rest == nil {
			if recv, _, ok := mutatingCall(es.Target); ok {
				add(recv)
			}
		} else {
			addList(es.Target)
			// Values holds the chained targets of a = b = v, then v itself.
			for _, v := range es.Rest.Values[:max(0, len(es.Rest.Values)-1)] {
				addList(v)
			}
		}
		for _, n := range walrusNames(sm) {
			add(n)
		}
	}, func(st *grammar.Stmt) {
		if st.While != nil {
			for _, n := range exprWalrus(st.While.Cond) {
				add(n)
			}
		}
		if st.For != nil {
			for _, t := range st.For.Targets {
				if n := binName(t.X); n != "" {
					add(n)
				}
			}
		}
		if st.If != nil {
			for _, n := range exprWalrus(st.If.Cond) {
				add(n)
			}
			for _, el := range st.If.Elifs {
				for _, n := range exprWalrus(el.Cond) {
					add(n)
				}
			}
		}
	})
	return out
}

// walrusNames finds `name :=` in a simple statement's expressions.
func walrusNames(sm *grammar.Small) []string {
	var out []string
	if sm.Expr != nil {
		out = append(out, exprListWalrus(sm.Expr.Target)...)
		if sm.Expr.Rest != nil {
			for _, v := range sm.Expr.Rest.Values {
				out = append(out, exprListWalrus(v)...)
			}
		}
	}
	if sm.Return != nil && sm.Return.Value != nil {
		out = append(out, exprListWalrus(sm.Return.Value)...)
	}
	return out
}

func exprListWalrus(xs *grammar.ExprList) []string {
	var out []string
	for _, it := range xs.Items {
		out = append(out, exprWalrus(it.X)...)
	}
	return out
}

// exprWalrus finds := targets anywhere in an expression by scanning its tokens'
// structure; only the forms rules write (`(name := value)`) are looked for.
func exprWalrus(x *grammar.Expr) []string {
	var out []string
	var visit func(x *grammar.Expr)
	visitOr := func(o *grammar.OrExpr) {
		for _, a := range o.Ands() {
			for _, n := range a.Xs {
				for n.Not != nil {
					n = n.Not
				}
				if n.X == nil {
					continue
				}
				bins := []*grammar.BinExpr{n.X.X}
				for _, t := range n.X.Tail {
					bins = append(bins, t.Y)
				}
				for _, b := range bins {
					us := []*grammar.Unary{b.X}
					for _, t := range b.Tail {
						us = append(us, t.Y)
					}
					for _, u := range us {
						atom := u.X.X.Atom
						if atom.Paren && atom.ParenIn != nil {
							for _, it := range atom.ParenIn.Items {
								visit(it.X)
							}
						}
					}
				}
			}
		}
	}
	visit = func(x *grammar.Expr) {
		switch {
		case x == nil:
		case x.Walrus != nil:
			out = append(out, x.Walrus.Name)
			visit(x.Walrus.Value)
		case x.Cond != nil:
			visitOr(x.Cond.Then)
			if x.Cond.If != nil {
				visitOr(x.Cond.If)
				visit(x.Cond.Else)
			}
		}
	}
	visit(x)
	return out
}

// binName is the name a loop target is, or "".
func binName(b *grammar.BinExpr) string {
	if b == nil || len(b.Tail) != 0 || len(b.X.Ops) != 0 || b.X.X.Exp != nil || b.X.X.Await {
		return ""
	}
	p := b.X.X.X
	if len(p.Trailers) != 0 {
		return ""
	}
	return p.Atom.Name
}

// cont is what runs after a block ends without returning: the rest of the
// enclosing blocks, innermost first, or a leaf (an ast.Exit ending a loop body
// or a try clause).
type cont struct {
	stmts []*grammar.Stmt
	next  *cont
	leaf  ast.Expr
}

// fold turns a statement sequence (and its continuation k) into the expression
// the function returns. `if c: return A` followed by R becomes Cond(c, A, R);
// assignments bind names in e (or store into locals with Let); falling off the
// end returns None.
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
		switch {
		case k == nil:
			return &ast.Lit{Val: ast.Null}
		case k.leaf != nil:
			return k.leaf
		}
		return l.fold(k.stmts, e, k.next)
	}
	st, rest := stmts[0], stmts[1:]
	switch {
	case st.Simple != nil:
		return l.foldSmalls(st.Simple.Smalls, e, &cont{stmts: rest, next: k})
	case st.If != nil:
		if e2, ok := l.ifAssigns(st.If, e); ok {
			return l.fold(rest, e2, k)
		}
		return l.foldIf(st.If, e, &cont{stmts: rest, next: k})
	case st.For != nil:
		return l.foldFor(st, e, &cont{stmts: rest, next: k})
	case st.Try != nil:
		return l.foldTry(st, e, &cont{stmts: rest, next: k})
	case st.While != nil:
		return l.foldWhile(st, e, &cont{stmts: rest, next: k})
	case st.Match != nil:
		return l.foldMatch(st, e, &cont{stmts: rest, next: k})
	}
	l.unsupported(st.Pos, stmtName(st))
	return l.fold(rest, e, k)
}

// takePending moves the names := bound while lowering a statement into e.
func (l *lowerer) takePending(e env) env {
	for _, p := range l.pending {
		e = e.with(p.name, val{x: &ast.Local{Name: p.slot}, slot: p.slot})
	}
	l.pending = nil
	return e
}

func (l *lowerer) foldSmalls(smalls []*grammar.Small, e env, k *cont) ast.Expr {
	for i, sm := range smalls {
		switch {
		case sm.Return != nil:
			if sm.Return.Value == nil {
				return &ast.Lit{Span: l.span(sm.Pos, sm.Pos), Val: ast.Null}
			}
			x := l.exprOf(l.lowerExprList(sm.Return.Value, e), sm.Return.Pos)
			l.pending = nil
			return x
		case sm.Break, sm.Continue:
			if len(l.loops) == 0 {
				return l.unsupported(sm.Pos, "break/continue outside a loop").x
			}
			return &ast.Exit{Span: l.span(sm.Pos, sm.Pos), Label: l.loops[len(l.loops)-1], Break: sm.Break}
		case sm.Expr != nil:
			e2, lets := l.assign(sm.Expr, e)
			e2 = l.takePending(e2)
			if len(lets) > 0 {
				return wrapLets(lets, l.foldSmalls(smalls[i+1:], e2, k))
			}
			e = e2
		default:
			e, _ = l.smallStmt(sm, e)
		}
	}
	return l.fold(nil, e, k)
}

// smallStmt applies a simple statement that is not an assignment, return or
// loop jump. It reports statements with effects concord cannot model.
func (l *lowerer) smallStmt(sm *grammar.Small, e env) (env, bool) {
	switch {
	case sm.Pass:
		return e, true
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
		if sm.Global.Keyword != "global" {
			l.unsupported(sm.Pos, sm.Global.Keyword+" statement")
		}
		return e, true // declaredGlobals made the names global for the whole function
	case sm.Del != nil:
		l.unsupported(sm.Pos, "del statement")
	case sm.Raise != nil:
		l.unsupported(sm.Pos, "raise statement")
	case sm.Assert != nil:
		l.unsupported(sm.Pos, "assert statement")
	case sm.Break, sm.Continue:
		l.unsupported(sm.Pos, "break/continue")
	}
	return e, false
}

// safe reports whether evaluating x can neither raise nor depend on a local
// that a later statement may change, so that a name bound to it may stand for
// x wherever it is used (which keeps rules readable in notation).
func safe(x ast.Expr) bool { return safeIn(x, nil) }

// safeIn is safe where the locals named in bound are known to be bound (a
// lambda's parameters inside its body).
func safeIn(x ast.Expr, bound map[string]bool) bool {
	switch n := x.(type) {
	case *ast.Lit, *ast.Field:
		return true
	case *ast.Local:
		return bound[n.Name]
	case *ast.Default:
		return safeIn(n.X, bound) && safeIn(n.Else, bound)
	case *ast.Not:
		return safeIn(n.X, bound)
	case *ast.Truth:
		return safeIn(n.X, bound)
	case *ast.IsNull:
		return safeIn(n.X, bound)
	case *ast.Exists:
		return safeIn(n.X, bound)
	case *ast.Logic:
		for _, c := range n.Xs {
			if !safeIn(c, bound) {
				return false
			}
		}
		return true
	case *ast.Compare:
		return (n.Op == ast.Eq || n.Op == ast.Ne) && safeIn(n.X, bound) && safeIn(n.Y, bound)
	case *ast.Cond:
		return safeIn(n.If, bound) && safeIn(n.Then, bound) && safeIn(n.Else, bound)
	case *ast.Concat:
		for _, c := range n.Parts {
			if !safeIn(c, bound) {
				return false
			}
		}
		return true
	case *ast.ListLit:
		for _, c := range n.Elems {
			if !safeIn(c, bound) {
				return false
			}
		}
		return true
	case *ast.DictLit:
		for i := range n.Keys {
			if k, ok := n.Keys[i].(*ast.Lit); !ok || k.Val.Kind() != ast.KindString || !safeIn(n.Vals[i], bound) {
				return false
			}
		}
		return true
	case *ast.Call:
		if n.Fn == "py.setitem" && len(n.Args) == 3 && isDict(n.Args[0]) {
			k, ok := n.Args[1].(*ast.Lit)
			return ok && k.Val.Kind() == ast.KindString && safeIn(n.Args[0], bound) && safeIn(n.Args[2], bound)
		}
		if !safeCalls[n.Fn] {
			return false
		}
		for _, c := range n.Args {
			if !safeIn(c, bound) {
				return false
			}
		}
		return true
	}
	return false
}

// isDict reports whether x always yields a dict.
func isDict(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.DictLit:
		return true
	case *ast.Call:
		return n.Fn == "py.setitem" || n.Fn == "panther.aws_rule_context"
	}
	return false
}

// safeCalls never raise a Python exception for any arguments (udm may be
// unsupported without a data model, which is not an exception the rule sees).
var safeCalls = map[string]bool{
	"panther.udm": true, "panther.deep_get": true, "py.str": true, "py.repr": true,
}

// setName binds name to v. A name that lives in a local, is declared global, or
// gets a value that may raise is stored with a Let (returned; the caller puts
// the rest of the function in its Body); otherwise the name stands for v.
func (l *lowerer) setName(name string, v val, e env, at lexer.Position) (env, []*ast.Let) {
	sp := ast.Span{From: l.pos(at)}
	if l.fnGlob[name] {
		return e, []*ast.Let{{Span: sp, Names: []string{globalSlot(name)}, X: l.exprOf(v, at)}}
	}
	if old, ok := e[name]; ok && old.slot != "" {
		return e, []*ast.Let{{Span: sp, Names: []string{old.slot}, X: l.exprOf(v, at)}}
	}
	if v.x == nil || safe(v.x) {
		return e.with(name, v), nil
	}
	slot := l.newSlot(name)
	return e.with(name, val{x: &ast.Local{Span: sp, Name: slot}, slot: slot, lams: v.lams}), []*ast.Let{{Span: sp, Names: []string{slot}, X: v.x}}
}

// assign applies an assignment or expression statement. A non-nil Let must
// wrap the rest of the function.
func (l *lowerer) assign(es *grammar.ExprStmt, e env) (env, []*ast.Let) {
	r := es.Rest
	if r == nil {
		if isStringConst(es.Target) {
			return e, nil // a docstring
		}
		if recv, method, ok := mutatingCall(es.Target); ok {
			return l.mutate(recv, method, es, e)
		}
		// A call for its effect: concord's calls have none but raising, so the
		// statement is evaluated for that and its value dropped.
		x := l.exprOf(l.lowerExprList(es.Target, e), es.Pos)
		return e, []*ast.Let{{Span: l.span(es.Pos, es.EndPos), Names: []string{"-"}, X: x}}
	}
	switch {
	case r.Annot != nil:
		if r.Annot.Value == nil {
			return e, nil // a bare annotation binds nothing
		}
		return l.bindTargets([]*grammar.ExprList{es.Target}, r.Annot.Value, e, es.Pos)
	case r.Aug != nil:
		name, ok := singleName(es.Target)
		if !ok {
			l.unsupported(es.Pos, "augmented assignment to "+targetKind(es.Target))
			return e, nil
		}
		old := l.readName(name, e, es.Pos)
		y := l.lowerExprList(r.Aug.Value, e)
		op := strings.TrimSuffix(r.Aug.Op, "=")
		return l.setName(name, val{x: l.binary(op, l.exprOf(old, es.Pos), l.exprOf(y, es.Pos), l.span(es.Pos, es.EndPos))}, e, es.Pos)
	}
	targets := append([]*grammar.ExprList{es.Target}, r.Values[:len(r.Values)-1]...)
	return l.bindTargets(targets, r.Values[len(r.Values)-1], e, es.Pos)
}

// readName is lookup for a name an assignment is about to change: a global the
// function declares reads the global's current value.
func (l *lowerer) readName(name string, e env, at lexer.Position) val {
	if l.fnGlob[name] {
		if _, local := e[name]; !local {
			return l.globalRead(name, at)
		}
	}
	return l.lookup(name, e, at)
}

// mutatingMethods change their receiver in place and return None.
var mutatingMethods = map[string]bool{
	"append": true, "extend": true, "add": true, "update": true, "insert": true,
	"remove": true, "discard": true, "clear": true, "sort": true, "reverse": true,
}

// mutatingCall matches `name[k]....method(args)` with a mutating method.
func mutatingCall(t *grammar.ExprList) (string, string, bool) {
	if len(t.Items) != 1 || t.Trailing || t.Items[0].Star {
		return "", "", false
	}
	p := primaryOf(t.Items[0].X)
	n := 0
	if p != nil {
		n = len(p.Trailers)
	}
	if p == nil || p.Atom.Name == "" || n < 2 || p.Trailers[n-2].Attr == "" || !p.Trailers[n-1].Call {
		return "", "", false
	}
	for _, tr := range p.Trailers[:n-2] {
		if !tr.Index || len(tr.Subs) != 1 || tr.Subs[0].Slice || tr.Subs[0].Lower == nil {
			return "", "", false
		}
	}
	if !mutatingMethods[p.Trailers[n-2].Attr] {
		return "", "", false
	}
	return p.Atom.Name, p.Trailers[n-2].Attr, true
}

// indexKeys are the subscripts of `name[k1][k2]...` trailers.
func indexKeys(trs []*grammar.Trailer) []*grammar.Expr {
	var keys []*grammar.Expr
	for _, tr := range trs {
		keys = append(keys, tr.Subs[0].Lower)
	}
	return keys
}

// rebind rebinds name to a copy of its value in which name[k1]...[kn] is
// replaced by inner(old name[k1]...[kn]) (the whole value when there are no
// keys): item assignment and mutating methods on what a local holds.
func (l *lowerer) rebind(name string, keys []*grammar.Expr, e env, pos, endPos lexer.Position, inner func(old ast.Expr) ast.Expr) (env, []*ast.Let) {
	cur, local := e[name]
	if !local && !l.fnGlob[name] {
		l.unsupported(pos, "mutation of module-level "+name+" (a name the function does not own)")
		return e, nil
	}
	if !local {
		cur = l.globalRead(name, pos)
	}
	sp := l.span(pos, endPos)
	// containers[i] is name[k0]...[k(i-1)], read before the change.
	containers := []ast.Expr{l.exprOf(cur, pos)}
	ks := make([]ast.Expr, len(keys))
	for i, key := range keys {
		ks[i] = l.exprOf(l.lowerExpr(key, e), key.Pos)
		containers = append(containers, &ast.Index{Span: sp, X: containers[i], Key: ks[i]})
	}
	x := inner(containers[len(keys)])
	for i := len(keys) - 1; i >= 0; i-- {
		x = &ast.Call{Span: sp, Fn: "py.setitem", Args: []ast.Expr{containers[i], ks[i], x}}
	}
	return l.setName(name, val{x: x}, e, pos)
}

// mutate lowers `name.append(x)` and its kin as rebinding name to the changed
// copy: exact while no other name shares the object, which is how rules use
// the lists, sets and dicts they build.
func (l *lowerer) mutate(name, method string, es *grammar.ExprStmt, e env) (env, []*ast.Let) {
	p := primaryOf(es.Target.Items[0].X)
	n := len(p.Trailers)
	a := l.lowerArgs(p.Trailers[n-1], e)
	if a.failed {
		return e, nil
	}
	return l.rebind(name, indexKeys(p.Trailers[:n-2]), e, es.Pos, es.EndPos, func(old ast.Expr) ast.Expr {
		return l.mkCall("py.mutate."+method, []ast.Expr{old}, a, l.span(es.Pos, es.EndPos))
	})
}

func (l *lowerer) bindTargets(targets []*grammar.ExprList, value *grammar.ExprList, e env, at lexer.Position) (env, []*ast.Let) {
	v := l.lowerExprList(value, e)
	e = l.takePending(e)
	var lets []*ast.Let
	if len(targets) > 1 && v.x != nil && !safe(v.x) {
		// a = b = v: evaluate v once, then bind each name to it.
		slot := l.newSlot("_")
		lets = append(lets, &ast.Let{Span: ast.Span{From: l.pos(at)}, Names: []string{slot}, X: v.x})
		v = val{x: &ast.Local{Name: slot}, slot: slot}
	}
	for _, t := range targets {
		var lt []*ast.Let
		e, lt = l.bindTarget(t, v, e, at)
		lets = append(lets, lt...)
	}
	return e, lets
}

func (l *lowerer) bindTarget(t *grammar.ExprList, v val, e env, at lexer.Position) (env, []*ast.Let) {
	if name, ok := singleName(t); ok {
		return l.setName(name, v, e, at)
	}
	if name, keys, ok := itemTarget(t); ok {
		// `ctx["k"] = v` (alert_context building a dict) rebinds ctx to a copy
		// with the key set, and ctx["a"]["b"] = v to a copy whose ctx["a"] is
		// such a copy: exact while no other name shares those dicts.
		last := keys[len(keys)-1]
		return l.rebind(name, keys[:len(keys)-1], e, t.Pos, t.EndPos, func(old ast.Expr) ast.Expr {
			k := l.exprOf(l.lowerExpr(last, e), last.Pos)
			return &ast.Call{Span: l.span(t.Pos, t.EndPos), Fn: "py.setitem", Args: []ast.Expr{old, k, l.exprOf(v, at)}}
		})
	}
	names := targetNames(t)
	if len(names) == len(t.Items) && len(names) > 1 {
		// a, b = v: unpack into fresh locals (or the names' locals).
		slots := make([]string, len(names))
		for i, n := range names {
			if l.fnGlob[n] {
				slots[i] = globalSlot(n)
				continue
			}
			if old, ok := e[n]; ok && old.slot != "" {
				slots[i] = old.slot
				continue
			}
			slots[i] = l.newSlot(n)
			e = e.with(n, val{x: &ast.Local{Span: ast.Span{From: l.pos(at)}, Name: slots[i]}, slot: slots[i]})
		}
		return e, []*ast.Let{{Span: ast.Span{From: l.pos(at)}, Names: slots, X: l.exprOf(v, at)}}
	}
	l.unsupported(t.Pos, "assignment to "+targetKind(t))
	for _, n := range targetNames(t) {
		e = e.with(n, val{bad: "bound by an unsupported assignment"})
	}
	return e, nil
}

// foldIf lowers an if statement whose branches cannot be merged into bindings:
// each branch continues with the rest of the function.
func (l *lowerer) foldIf(st *grammar.If, e env, k *cont) ast.Expr {
	cond := l.exprOf(l.lowerExpr(st.Cond, e), st.Pos)
	e = l.takePending(e)
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

// ifAssigns runs an if statement that only binds names to safe values over the
// bindings: each name a branch assigns becomes Cond(c, then-value, else-value).
// ok is false when the statement does more (returns, loops, stores locals),
// and the caller folds it with foldIf instead.
func (l *lowerer) ifAssigns(st *grammar.If, e env) (env, bool) {
	if !onlyAssigns([]*grammar.Stmt{{If: st}}) {
		return e, false
	}
	cond := l.lowerExpr(st.Cond, e)
	if len(l.pending) > 0 {
		l.pending = nil
		return e, false
	}
	thenEnv, ok := l.blockAssigns(blockStmts(st.Body), e)
	if !ok {
		return e, false
	}
	var elseEnv env
	switch {
	case len(st.Elifs) > 0:
		elif := st.Elifs[0]
		elseEnv, ok = l.ifAssigns(&grammar.If{Pos: elif.Pos, Cond: elif.Cond, Body: elif.Body, Elifs: st.Elifs[1:], Else: st.Else}, e)
	case st.Else != nil:
		elseEnv, ok = l.blockAssigns(blockStmts(st.Else), e)
	default:
		elseEnv = e
	}
	if !ok {
		return e, false
	}
	c := l.exprOf(cond, st.Pos)
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
				out[name] = val{x: &ast.Cond{Span: l.span(st.Pos, st.Pos), If: c, Then: a.x, Else: b.x}}
			default:
				out[name] = val{bad: "assigned in only some branches of the if at " + posString(l.pos(st.Pos))}
			}
		}
	}
	return out, true
}

// onlyAssigns reports whether stmts are ifs and plain `name = value`
// assignments only.
func onlyAssigns(stmts []*grammar.Stmt) bool {
	for _, st := range stmts {
		switch {
		case st.Simple != nil:
			for _, sm := range st.Simple.Smalls {
				switch {
				case sm.Pass:
				case sm.Expr != nil && sm.Expr.Rest != nil && sm.Expr.Rest.Aug == nil && len(sm.Expr.Rest.Values) == 1:
					if _, ok := singleName(sm.Expr.Target); !ok {
						return false
					}
					if len(walrusNames(sm)) > 0 {
						return false
					}
				default:
					return false
				}
			}
		case st.If != nil:
			if !onlyAssigns(blockStmts(st.If.Body)) || !onlyAssigns(blockStmts(st.If.Else)) {
				return false
			}
			for _, el := range st.If.Elifs {
				if !onlyAssigns(blockStmts(el.Body)) {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// blockAssigns runs an onlyAssigns block over the bindings; ok is false when an
// assignment needs a Let.
func (l *lowerer) blockAssigns(stmts []*grammar.Stmt, e env) (env, bool) {
	for _, st := range stmts {
		switch {
		case st.Simple != nil:
			for _, sm := range st.Simple.Smalls {
				if sm.Expr == nil {
					continue
				}
				e2, lt := l.assign(sm.Expr, e)
				if len(lt) > 0 {
					return e, false
				}
				e = e2
			}
		case st.If != nil:
			var ok bool
			if e, ok = l.ifAssigns(st.If, e); !ok {
				return e, false
			}
		}
	}
	return e, true
}

// materialize moves the names a block assigns into locals before the block runs,
// so that a loop's iterations and a try's clauses store into the same places and
// what follows reads their last values. It returns the bindings to use inside
// and after the block and the Lets that copy names already bound.
func (l *lowerer) materialize(names []string, e env, at lexer.Position) (env, []*ast.Let) {
	var lets []*ast.Let
	sp := ast.Span{From: l.pos(at)}
	for _, n := range names {
		if l.fnGlob[n] {
			continue
		}
		old, bound := e[n]
		if bound && old.slot != "" {
			continue
		}
		slot := l.newSlot(n)
		if bound && old.x != nil {
			lets = append(lets, &ast.Let{Span: sp, Names: []string{slot}, X: old.x})
		}
		e = e.with(n, val{x: &ast.Local{Span: sp, Name: slot}, slot: slot})
	}
	return e, lets
}

func wrapLets(lets []*ast.Let, body ast.Expr) ast.Expr {
	for i := len(lets) - 1; i >= 0; i-- {
		lets[i].Body = body
		body = lets[i]
	}
	return body
}

// foldFor lowers a for statement and what follows it into a Loop.
func (l *lowerer) foldFor(st *grammar.Stmt, e env, k *cont) ast.Expr {
	f := st.For
	if f.Async {
		l.unsupported(st.Pos, "async for")
		return l.fold(nil, e, k)
	}
	var vars []string
	for _, t := range f.Targets {
		n := binName(t.X)
		if n == "" || t.Star {
			l.unsupported(t.Pos, "for loop target that is not a name")
			return l.fold(nil, e, k)
		}
		vars = append(vars, n)
	}
	iter := l.exprOf(l.lowerExprList(f.Iter, e), f.Pos)
	e = l.takePending(e)
	names := assignedNames(blockStmts(f.Body))
	names = append(append([]string{}, vars...), names...)
	e, lets := l.materialize(names, e, st.Pos)
	slots := make([]string, len(vars))
	for i, v := range vars {
		if l.fnGlob[v] {
			slots[i] = globalSlot(v)
		} else {
			slots[i] = e[v].slot
		}
	}
	label := l.newLabel("loop")
	l.loops = append(l.loops, label)
	body := l.fold(blockStmts(f.Body), e, &cont{leaf: &ast.Exit{Span: l.span(st.Pos, st.Pos), Label: label}})
	l.loops = l.loops[:len(l.loops)-1]
	loop := &ast.Loop{Span: l.span(st.Pos, st.EndPos), Label: label, Vars: slots, Iter: iter, Body: body}
	if f.Else != nil {
		loop.Else = l.fold(blockStmts(f.Else), e, k)
	}
	loop.Then = l.fold(nil, e, k)
	return wrapLets(lets, loop)
}

// foldWhile lowers a while statement and what follows it into a Loop with
// Cond. The condition is lowered after the names the body assigns moved into
// locals, so that each test reads their current values.
func (l *lowerer) foldWhile(st *grammar.Stmt, e env, k *cont) ast.Expr {
	w := st.While
	names := append(exprWalrus(w.Cond), assignedNames(blockStmts(w.Body))...)
	e, lets := l.materialize(names, e, st.Pos)
	cond := l.exprOf(l.lowerExpr(w.Cond, e), w.Pos)
	e = l.takePending(e)
	label := l.newLabel("loop")
	l.loops = append(l.loops, label)
	body := l.fold(blockStmts(w.Body), e, &cont{leaf: &ast.Exit{Span: l.span(st.Pos, st.Pos), Label: label}})
	l.loops = l.loops[:len(l.loops)-1]
	loop := &ast.Loop{Span: l.span(st.Pos, st.EndPos), Label: label, Cond: cond, Body: body}
	if w.Else != nil {
		loop.Else = l.fold(blockStmts(w.Else), e, k)
	}
	loop.Then = l.fold(nil, e, k)
	return wrapLets(lets, loop)
}

// foldMatch lowers a match statement whose patterns are literals, `_` and
// or-patterns of literals: a chain of Conds over the subject, evaluated once.
// Literal patterns compare with ==, None/True/False with `is` (PEP 634).
func (l *lowerer) foldMatch(st *grammar.Stmt, e env, k *cont) ast.Expr {
	m := st.Match
	subject := l.exprOf(l.lowerExprList(m.Subject, e), m.Pos)
	e = l.takePending(e)
	var lets []*ast.Let
	if !safe(subject) {
		slot := l.newSlot("match")
		lets = append(lets, &ast.Let{Span: ast.Span{From: l.pos(m.Pos)}, Names: []string{slot}, X: subject})
		subject = &ast.Local{Span: ast.Span{From: l.pos(m.Pos)}, Name: slot}
	}
	var tests []ast.Expr
	for _, c := range m.Cases {
		test, ok := l.casePattern(c, subject, e)
		if !ok {
			return l.fold(nil, e, k)
		}
		tests = append(tests, test)
	}
	out := l.fold(nil, e, k) // no case matched: go on after the statement
	for i := len(m.Cases) - 1; i >= 0; i-- {
		c := m.Cases[i]
		body := l.fold(blockStmts(c.Body), e, k)
		if tests[i] == nil {
			out = body // `case _:` matches everything
			continue
		}
		out = &ast.Cond{Span: l.span(c.Pos, c.Pos), If: tests[i], Then: body, Else: out}
	}
	return wrapLets(lets, out)
}

// casePattern is the test for one case (nil: always matches).
func (l *lowerer) casePattern(c *grammar.Case, subject ast.Expr, e env) (ast.Expr, bool) {
	if len(c.Pattern.Items) != 1 || c.Pattern.Trailing || c.Pattern.Items[0].Star {
		l.unsupported(c.Pos, "match pattern of this form")
		return nil, false
	}
	x := c.Pattern.Items[0].X
	var test ast.Expr
	if a := atomOf(x); a != nil && a.Name == "_" {
		test = nil
	} else {
		var alts []*grammar.Unary
		if cmp := comparisonOf(x); cmp != nil && len(cmp.Tail) == 0 {
			alts = append(alts, cmp.X.X)
			for _, t := range cmp.X.Tail {
				if t.Op != "|" {
					alts = nil
					break
				}
				alts = append(alts, t.Y)
			}
		}
		if alts == nil {
			l.unsupported(c.Pos, "match pattern of this form")
			return nil, false
		}
		or := &ast.Logic{Span: l.span(c.Pos, c.Pos), Op: ast.Or}
		for _, u := range alts {
			var lit *ast.Lit
			ok := u.X.X.Atom.Name == "" && len(u.X.X.Trailers) == 0
			if ok {
				lit, ok = l.lowerUnary(u, env{}).x.(*ast.Lit)
			}
			if !ok || lit.Val.Kind() == ast.KindList || lit.Val.Kind() == ast.KindObject {
				l.unsupported(u.Pos, "match pattern other than a literal, _ or an or-pattern of literals")
				return nil, false
			}
			sp := l.span(u.Pos, u.EndPos)
			switch lit.Val.Kind() {
			case ast.KindNull:
				or.Xs = append(or.Xs, &ast.IsNull{Span: sp, X: subject})
			case ast.KindBool:
				or.Xs = append(or.Xs, &ast.Call{Span: sp, Fn: "py.is", Args: []ast.Expr{subject, lit}})
			default:
				or.Xs = append(or.Xs, &ast.Compare{Span: sp, Op: ast.Eq, X: subject, Y: lit, Dialect: ast.Python})
			}
		}
		test = or
		if len(or.Xs) == 1 {
			test = or.Xs[0]
		}
	}
	if c.Guard != nil {
		g := l.exprOf(l.lowerExpr(c.Guard, e), c.Guard.Pos)
		if test == nil {
			return g, true
		}
		return &ast.Logic{Span: l.span(c.Pos, c.Pos), Op: ast.And, Xs: []ast.Expr{test, g}}, true
	}
	return test, true
}

// exceptionNames are the exception classes concord raises and catches.
var exceptionNames = map[string]bool{
	"Exception": true, "BaseException": true, "LookupError": true, "KeyError": true,
	"IndexError": true, "ValueError": true, "TypeError": true, "AttributeError": true,
	"JSONDecodeError": true, "ArithmeticError": true, "ZeroDivisionError": true,
	"NameError": true, "StopIteration": true, "UnicodeDecodeError": true,
	"AddressValueError": true, "Error": true,
}

// foldTry lowers a try statement and what follows it into a Try.
func (l *lowerer) foldTry(st *grammar.Stmt, e env, k *cont) ast.Expr {
	t := st.Try
	if t.Finally != nil {
		l.unsupported(st.Pos, "try/finally")
		return l.fold(nil, e, k)
	}
	blocks := blockStmts(t.Body)
	for _, ex := range t.Excepts {
		blocks = append(blocks, blockStmts(ex.Body)...)
	}
	blocks = append(blocks, blockStmts(t.Else)...)
	e, lets := l.materialize(assignedNames(blocks), e, st.Pos)
	label := l.newLabel("try")
	done := func() *cont { return &cont{leaf: &ast.Exit{Span: l.span(st.Pos, st.Pos), Label: label}} }
	n := &ast.Try{Span: l.span(st.Pos, st.EndPos), Label: label, Body: l.fold(blockStmts(t.Body), e, done())}
	for _, ex := range t.Excepts {
		if ex.Star {
			l.unsupported(ex.Pos, "except*")
			return l.fold(nil, e, k)
		}
		types, ok := l.exceptTypes(ex.Type)
		if !ok {
			return l.fold(nil, e, k)
		}
		he := e
		if ex.As != "" {
			he = e.with(ex.As, val{bad: "bound to an exception object"})
		}
		n.Handlers = append(n.Handlers, ast.Handler{Types: types, Body: l.fold(blockStmts(ex.Body), he, done())})
	}
	if t.Else != nil {
		n.Else = l.fold(blockStmts(t.Else), e, done())
	}
	n.Then = l.fold(nil, e, k)
	return wrapLets(lets, n)
}

// exceptTypes reads an except clause's class or tuple of classes.
func (l *lowerer) exceptTypes(x *grammar.Expr) ([]string, bool) {
	if x == nil {
		return nil, true
	}
	var exprs []*grammar.Expr
	if a := atomOf(x); a != nil && a.Paren && a.ParenIn != nil && a.ParenIn.Comp == nil {
		for _, it := range a.ParenIn.Items {
			exprs = append(exprs, it.X)
		}
	} else {
		exprs = []*grammar.Expr{x}
	}
	var out []string
	for _, ex := range exprs {
		p := primaryOf(ex)
		name := ""
		if p != nil {
			name = p.Atom.Name
			for _, tr := range p.Trailers {
				if tr.Attr == "" {
					name = ""
					break
				}
				name = tr.Attr
			}
		}
		if v, ok := l.imports[name]; ok && isHelperModule(v.module) {
			// An exception class of a Panther helper (PantherIPInfoException): only
			// that helper raises it, and concord runs none of those that do, so
			// the clause never matches what concord raises.
			out = append(out, name)
			continue
		}
		if !exceptionNames[name] {
			l.unsupported(ex.Pos, "except of "+fmt.Sprintf("%q", name)+" (an exception class concord does not raise)")
			return nil, false
		}
		out = append(out, name)
	}
	return out, true
}
