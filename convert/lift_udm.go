package convert

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// A Panther rule reads event.udm(NAME) through the data model of its log type
// (data_models/*.yml beside the rules, as panther_analysis_tool finds them):
// a Path mapping is a field of the event, a Method mapping the result of a
// Python function of the event, which the Python front end has lowered.

// Panther's pipeline sets p_log_type on every event, so the data model always
// applies there; panther_analysis_tool attaches it to a test's Log only when
// the Log carries p_log_type, and otherwise udm() reads p_udm, then the
// event's own key of that name (panther_core's PantherEvent.udm; concord's
// eval/panther_datamodel.go). A conversion is for the pipeline: a rule that
// reads the data model is run, for its test verdicts and in verification, on
// its events with p_log_type set as the pipeline sets it (withLogType).

// withLogType gives each event that lacks p_log_type the rule's log type,
// when the rule is a Panther rule reading event.udm and the log type has a
// data model; other rules' events are returned as they are.
func withLogType(r *ast.Rule, evs []harness.Event) []harness.Event {
	if r.Platform != ast.Panther || r.Scheduled || !readsUDM(r) {
		return evs
	}
	lt, m := modelOf(r)
	if m == nil {
		return evs
	}
	out := make([]harness.Event, len(evs))
	for i, ev := range evs {
		out[i] = ev
		if ev.Value.Kind() != ast.KindObject {
			continue
		}
		if _, ok := ev.Value.AsObject().Get("p_log_type"); ok {
			continue
		}
		o := ev.Value.AsObject().Clone()
		o.Set("p_log_type", ast.String(lt))
		out[i].Value = ast.ObjectOf(o)
		out[i].Raw = ast.JSON(out[i].Value)
	}
	return out
}

// readsUDM: the rule's verdict reads event.udm (what a title or an alert
// context shows does not change which events match).
func readsUDM(r *ast.Rule) bool {
	return ast.Contains(r.Match, func(y ast.Expr) bool {
		c, ok := y.(*ast.Call)
		return ok && (c.Fn == "panther.udm" || c.Fn == "py.dict.udm_path")
	})
}

// dataModel is the enabled data model of the rule's log type, nil when none.
func (l *lifter) dataModel() *eval.DataModel {
	_, m := modelOf(l.rule)
	return m
}

// modelOf is the data model of a Panther rule's first log type that has
// one, with that log type.
func modelOf(r *ast.Rule) (string, *eval.DataModel) {
	if r.Platform != ast.Panther {
		return "", nil
	}
	dms := harness.DataModelsFor(r.File)
	if dms == nil {
		return "", nil
	}
	for _, lt := range r.LogTypes {
		if m := dms.ByLogType[lt]; m != nil {
			return lt, m
		}
	}
	return "", nil
}

// udmName reads event.udm("NAME") with one constant key.
func udmName(x ast.Expr) (string, bool) {
	c, ok := x.(*ast.Call)
	if !ok || c.Fn != "panther.udm" || len(c.Args) != 1 {
		return "", false
	}
	return str(c.Args[0])
}

// udmMapping finds the mapping of udm(NAME), or says why there is none.
func (l *lifter) udmMapping(name string) (*eval.UDMMapping, error) {
	dm := l.dataModel()
	if dm == nil {
		return nil, fmt.Errorf("event.udm(%q) with no enabled data model for log types %v", name, l.rule.LogTypes)
	}
	m, ok := dm.Mappings[name]
	if !ok {
		// Panther falls back to p_udm and the event's own key: no field of
		// the data model.
		return nil, fmt.Errorf("event.udm(%q): data model %s does not map it", name, dm.ID)
	}
	if m.Err != nil {
		return nil, fmt.Errorf("event.udm(%q): %v", name, m.Err)
	}
	return m, nil
}

// udmPath is the field a Path mapping reads: plain keys only (an index or
// [*] reads a list, which no portable field names).
func udmPath(m *eval.UDMMapping) ([]string, bool) {
	if m.Method != nil || len(m.Path) == 0 {
		return nil, false
	}
	for _, k := range m.Path {
		if strings.HasPrefix(k, "[") {
			return nil, false
		}
	}
	return m.Path, true
}

// udmField resolves udm(NAME) read as a value: the mapped path.
func (l *lifter) udmField(n *ast.Call) ([]string, error) {
	name, ok := udmName(n)
	if !ok {
		return nil, fmt.Errorf("event.udm with a key that is not one constant")
	}
	m, err := l.udmMapping(name)
	if err != nil {
		return nil, err
	}
	p, ok := udmPath(m)
	if !ok {
		if m.Method != nil {
			return nil, fmt.Errorf("event.udm(%q) is data model method %s, which is compared with a constant only", name, m.MethodName)
		}
		return nil, fmt.Errorf("event.udm(%q) is JSONPath %s, which reads a list", name, strings.Join(m.Path, "."))
	}
	return p, nil
}

// udmCompare lifts udm(NAME) == "C" (or !=) when NAME is a data model
// method: the condition on which the method returns C. ok is false when
// the comparison is not of that shape (a Path mapping is a field, which
// compare reads through field).
func (l *lifter) udmCompare(n *ast.Compare) (portable.Expr, bool, error) {
	x, y := n.X, n.Y
	if _, isLit := x.(*ast.Lit); isLit {
		x, y = y, x
	}
	name, ok := udmName(x)
	if !ok || (n.Op != ast.Eq && n.Op != ast.Ne) {
		return nil, false, nil
	}
	c, ok := str(y)
	if !ok {
		return nil, false, nil
	}
	m, err := l.udmMapping(name)
	if err != nil {
		return nil, true, l.fail(n, err.Error())
	}
	if m.Method == nil {
		return nil, false, nil
	}
	got, err := l.returns(m.Method.Expr, c)
	if err != nil {
		return nil, true, err
	}
	if n.Op == ast.Ne {
		return &portable.Not{X: got}, true, nil
	}
	return got, true, nil
}

// returns lifts "the function's result equals the string c" from the
// lowered body of a data model method: an if/return chain becomes the
// conditions under which the branch returning c is taken, a returned field
// a test of the field, a returned constant true or false.
func (l *lifter) returns(x ast.Expr, c string) (portable.Expr, error) {
	switch n := x.(type) {
	case *ast.Helper:
		return l.returns(n.Body, c)
	case *ast.Lit:
		if n.Val.Kind() == ast.KindString && n.Val.AsString() == c {
			return &portable.And{}, nil
		}
		if n.Val.Kind() == ast.KindString || n.Val.IsNull() || n.Val.Kind() == ast.KindBool || n.Val.Kind() == ast.KindInt || n.Val.Kind() == ast.KindFloat {
			return &portable.Or{}, nil // Python: a str equals no other constant
		}
	case *ast.Cond:
		cond, err := l.lift(n.If)
		if err != nil {
			return nil, err
		}
		a, err := l.returns(n.Then, c)
		if err != nil {
			return nil, err
		}
		b, err := l.returns(n.Else, c)
		if err != nil {
			return nil, err
		}
		return portable.Simplify(&portable.Or{Xs: []portable.Expr{
			&portable.And{Xs: []portable.Expr{cond, a}},
			&portable.And{Xs: []portable.Expr{&portable.Not{X: cond}, b}},
		}}), nil
	case *ast.Field, *ast.Default:
		return l.compare(&ast.Compare{Span: spanOf(x), X: x, Y: &ast.Lit{Span: spanOf(x), Val: ast.String(c)}, Op: ast.Eq, Dialect: ast.Python})
	}
	return nil, l.fail(x, fmt.Sprintf("a data model method returning something other than constants and fields (for %q)", c))
}

func spanOf(x ast.Expr) ast.Span {
	p := x.Pos()
	return ast.Span{From: p, To: p}
}

// udmTitle is the field a title's udm(NAME) shows: a Path mapping's.
func udmTitle(r *ast.Rule, c *ast.Call) ([]string, bool) {
	name, ok := udmName(c)
	if !ok {
		return nil, false
	}
	l := &lifter{rule: r}
	m, err := l.udmMapping(name)
	if err != nil {
		return nil, false
	}
	return udmPath(m)
}
