package panther

import (
	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

// helperLowering says what concord does with a call of a Panther global helper
// (a function of panther-analysis/global_helpers, imported by name).
type helperLowering uint8

const (
	// helperPassThrough keeps Call{Fn: "panther.<name>", Args}: the evaluator
	// implements the helper natively, or reports it as unknown. A test's Mocks
	// replace such calls by name.
	helperPassThrough helperLowering = iota
	// helperExpand replaces the call by the helper's logic in shared AST, wrapped
	// in a Helper node that keeps the name (mocks match Helper.Name too).
	helperExpand
)

// globalHelper describes one known helper.
type globalHelper struct {
	Module  string
	Lowered helperLowering
	// expand builds the helper's body from the call's arguments; nil when it
	// cannot be expanded for these arguments (the call then passes through).
	expand func(l *lowerer, a callArgs, sp ast.Span) ast.Expr
}

// globalHelpers is the table of helpers concord knows by name. Helpers not in
// the table pass through as Call{"panther.<name>"} as well, unless the
// evaluator lacks them and their module's source can be inlined (helperFunc);
// the entries here document the ones rules use most and say which are expanded.
var globalHelpers = map[string]globalHelper{
	// panther_aws_helpers
	"aws_cloudtrail_success": {Module: "panther_aws_helpers", Lowered: helperExpand},
	"aws_rule_context":       {Module: "panther_aws_helpers"},
	"aws_guardduty_context":  {Module: "panther_aws_helpers"},
	"aws_rds_context":        {Module: "panther_aws_helpers"},
	"aws_event_tense":        {Module: "panther_aws_helpers"},
	"aws_regions":            {Module: "panther_aws_helpers"},
	"eks_panther_obj_ref":    {Module: "panther_aws_helpers"},
	// panther_base_helpers
	"deep_get":                  {Module: "panther_base_helpers", Lowered: helperExpand},
	"deep_walk":                 {Module: "panther_base_helpers"},
	"pantherflow_investigation": {Module: "panther_base_helpers"},
	"is_ip_in_network":          {Module: "panther_base_helpers"},
	"pattern_match":             {Module: "panther_base_helpers"},
	"pattern_match_list":        {Module: "panther_base_helpers"},
	"is_base64":                 {Module: "panther_base_helpers"},
	"key_value_list_to_dict":    {Module: "panther_base_helpers"},
	"get_val_from_list":         {Module: "panther_base_helpers"},
	"resolve_timestamp_string":  {Module: "panther_base_helpers"},
	"defang_ioc":                {Module: "panther_base_helpers"},
	"add_parse_delay":           {Module: "panther_base_helpers"},
	// panther_ipinfo_helpers
	"geoinfo_from_ip":           {Module: "panther_ipinfo_helpers"},
	"geoinfo_from_ip_formatted": {Module: "panther_ipinfo_helpers"},
}

// The expanders lower expressions, which may reach globalHelper again: they
// are set here to keep the table's initialization free of that cycle.
func init() {
	for name, expand := range map[string]func(*lowerer, callArgs, ast.Span) ast.Expr{
		"aws_cloudtrail_success": expandCloudTrailSuccess,
		"deep_get":               expandDeepGet,
	} {
		h := globalHelpers[name]
		h.expand = expand
		globalHelpers[name] = h
	}
}

// globalHelper lowers a call of an imported Panther helper.
func (l *lowerer) globalHelper(module, name string, a callArgs, sp ast.Span) val {
	if h, ok := globalHelpers[name]; ok && h.expand != nil {
		if body := h.expand(l, a, sp); body != nil {
			if name == "deep_get" {
				// deep_get's lowering is itself the shared-AST form (Default).
				return val{x: body}
			}
			return val{x: &ast.Helper{Span: sp, Name: name, Args: a.exprs(l), Body: body}}
		}
	}
	if _, native := eval.Builtins["panther."+name]; !native {
		if x := l.helperFunc(module, name, a, sp); x != nil {
			return val{x: x}
		}
	}
	return val{x: l.passThrough(name, a.pos, a, sp)}
}

// expandCloudTrailSuccess is aws_cloudtrail_success(event):
//
//	if event.get("errorCode", "") or event.get("errorMessage", ""):
//	    return False
//	return True
//
// The "" defaults are falsy like a missing key, so Truth of the field suffices.
func expandCloudTrailSuccess(l *lowerer, a callArgs, sp ast.Span) ast.Expr {
	if len(a.pos) != 1 || len(a.kw) != 0 || !a.pos[0].event {
		return nil
	}
	truth := func(key string) ast.Expr {
		return &ast.Truth{Span: sp, X: &ast.Field{Span: sp, Path: []string{key}}}
	}
	return &ast.Not{Span: sp, X: &ast.Logic{
		Span: sp, Op: ast.Or, Operand: true,
		Xs: []ast.Expr{truth("errorCode"), truth("errorMessage")},
	}}
}

// expandDeepGet is deep_get(event, "a", "b", default=d) from panther_base_helpers.
func expandDeepGet(l *lowerer, a callArgs, sp ast.Span) ast.Expr {
	if len(a.pos) < 2 || a.pos[0].x == nil {
		return nil
	}
	return l.deepGet(a.pos[0].x, a.pos[1:], a, sp)
}
