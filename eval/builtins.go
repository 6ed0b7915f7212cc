package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Builtin is a function the front ends may call by name (ast.Call.Fn). Names are
// namespaced by dialect: spl.* for Splunk eval functions, py.* for Python builtins
// and str methods (receiver first), panther.* for Panther's event methods and
// global helpers.
type Builtin struct {
	Name    string
	MinArgs int
	MaxArgs int // -1: variadic
	Doc     string
	Impl    func(env *Env, pos ast.Pos, args []ast.Value) (ast.Value, error)
	// Keywords are the keyword parameters a Python builtin accepts (default=,
	// maxsplit=, ...); KwImpl then replaces Impl and gets them by name.
	Keywords []string
	KwImpl   func(env *Env, pos ast.Pos, args []ast.Value, kw map[string]ast.Value) (ast.Value, error)
}

// impl is a Builtin's Impl.
type impl = func(*Env, ast.Pos, []ast.Value) (ast.Value, error)

// Builtins is the table Compile resolves calls against.
var Builtins = map[string]*Builtin{}

func init() {
	for _, b := range builtinList {
		Builtins[b.Name] = b
	}
}

var builtinList = []*Builtin{

	// Panther event methods and global helpers.
	{Name: "panther.aws_rule_context", MinArgs: 1, MaxArgs: 1, Doc: "panther_aws_helpers.aws_rule_context", Impl: pantherAwsRuleContext},
	{Name: "panther.pantherflow_investigation", MinArgs: 1, MaxArgs: 2, Doc: "panther_base_helpers.pantherflow_investigation", Impl: func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		interval := "30m"
		if len(a) > 1 {
			interval = a[1].Str()
		}
		if err := pantherflowCheck(ast.Pos{}, a[0]); err != nil {
			return ast.Null, err
		}
		return ast.String(pantherflowInvestigation(a[0], interval)), nil
	}},
}

func (c *compiler) call(n *ast.Call) fn {
	// Functions whose arguments are not plain values (an expression evaluated per
	// value of a field) compile themselves.
	if special, ok := specialCalls[n.Fn]; ok {
		return special(c, n)
	}
	args := c.exprs(n.Args)
	pos, name := n.Pos(), n.Fn
	b, ok := Builtins[n.Fn]
	npos := len(n.Args) - len(n.Keywords)
	if ok && (npos < b.MinArgs || (b.MaxArgs >= 0 && npos > b.MaxArgs)) {
		if strings.HasPrefix(n.Fn, "spl.") {
			// Splunk rejects the search; Python might accept what concord does not model.
			c.errorf(pos, ast.CodeParse, "%s takes %s, got %d", n.Fn, arity(b), npos)
		} else {
			c.errorf(pos, ast.CodeUnsupported, "unsupported: %s with %d positional arguments (takes %s)", n.Fn, npos, arity(b))
		}
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	}
	for _, k := range n.Keywords {
		if ok && !slices.Contains(b.Keywords, k) && !slices.Contains(b.Keywords, "*") {
			c.errorf(pos, ast.CodeUnsupported, "unsupported: keyword argument %s= to %s", k, n.Fn)
			return func(*Env) (ast.Value, error) { return ast.Null, nil }
		}
	}
	kwNames, fold := n.Keywords, c.keys == ast.KeysFold
	mockName, external := strings.CutPrefix(n.Fn, "panther.")
	objOK := pyObjectOK[n.Fn]
	enrichM, _ := strings.CutPrefix(n.Fn, "py.method.")
	if !enrichMethodNames[enrichM] {
		enrichM = ""
	}
	if !ok && !external {
		c.errorf(pos, ast.CodeUnsupported, "unsupported: function %s", n.Fn)
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	}
	return func(env *Env) (ast.Value, error) {
		// Python evaluates the arguments before calling, a mock included.
		vals := make([]ast.Value, len(args))
		for i, a := range args {
			v, err := a(env)
			if err != nil {
				return v, err
			}
			vals[i] = v
		}
		// A test's Mocks replace the named module function, as Panther's tool patches
		// the rule's module.
		if v, ok := env.Mocks[mockName]; external && ok {
			return v, nil
		}
		if b == nil {
			return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: needs " + mockName + " (external helper; mock it in the test)"}
		}
		if !objOK {
			refuse := refusePyObjects
			if pyObjectShallow[name] {
				refuse = refuseShallow
			}
			if err := refuse(pos, name, vals...); err != nil {
				return ast.Null, err
			}
		}
		if enrichM != "" {
			if v, ok, err := callEnrich(env, pos, enrichM, vals); ok {
				return v, err
			}
		}
		env.fold = fold
		var v ast.Value
		var err error
		if b.KwImpl != nil {
			kw := map[string]ast.Value{}
			for i, k := range kwNames {
				v := vals[len(vals)-len(kwNames)+i]
				if k != "**" {
					if _, dup := kw[k]; dup {
						return ast.Null, fail(pos, "TypeError: got multiple values for keyword argument '%s'", k)
					}
					kw[k] = v
					continue
				}
				if v.Kind() != ast.KindObject {
					return ast.Null, fail(pos, "TypeError: argument after ** must be a mapping, not %s", pyType(v))
				}
				for j, name := range v.AsObject().Keys {
					if _, dup := kw[name]; dup {
						return ast.Null, fail(pos, "TypeError: got multiple values for keyword argument '%s'", name)
					}
					kw[name] = v.AsObject().Vals[j]
				}
			}
			v, err = b.KwImpl(env, pos, vals[:len(vals)-len(kwNames)], kw)
		} else {
			v, err = b.Impl(env, pos, vals)
		}
		if err != nil {
			if _, ok := err.(*RuntimeError); !ok {
				err = fail(pos, "%s: %v", name, err)
			}
		}
		return v, err
	}
}

func arity(b *Builtin) string {
	plural := func(n int) string {
		if n == 1 {
			return ""
		}
		return "s"
	}
	switch {
	case b.MaxArgs < 0:
		return fmt.Sprintf("at least %d argument%s", b.MinArgs, plural(b.MinArgs))
	case b.MinArgs == b.MaxArgs:
		return strconv.Itoa(b.MinArgs) + " argument" + plural(b.MinArgs)
	}
	return fmt.Sprintf("%d to %d arguments", b.MinArgs, b.MaxArgs)
}

func pyLen(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	switch v := a[0]; v.Kind() {
	case ast.KindString:
		return ast.Int(int64(len([]rune(v.AsString())))), nil
	case ast.KindList:
		return ast.Int(int64(len(v.AsList()))), nil
	case ast.KindObject:
		return ast.Int(int64(v.AsObject().Len())), nil
	default:
		return ast.Null, fail(pos, "TypeError: object of type '%s' has no len()", pyType(v))
	}
}

func pyStrMethod(f func(string) string) func(*Env, ast.Pos, []ast.Value) (ast.Value, error) {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].Kind() != ast.KindString {
			return ast.Null, fail(pos, "AttributeError: '%s' object has no such str method", pyType(a[0]))
		}
		return ast.String(f(a[0].AsString())), nil
	}
}

// awsRuleContextFields are the keys panther_aws_helpers.aws_rule_context copies
// from the event, in its order, with the default each gets when missing.
var awsRuleContextFields = []struct{ key, def string }{
	{"eventName", "<MISSING_EVENT_NAME>"},
	{"eventSource", "<MISSING_ACCOUNT_ID>"},
	{"awsRegion", "<MISSING_AWS_REGION>"},
	{"recipientAccountId", "<MISSING_ACCOUNT_ID>"},
	{"sourceIPAddress", "<MISSING_SOURCE_IP>"},
	{"userAgent", "<MISSING_USER_AGENT>"},
	{"userIdentity", "<MISSING_USER_IDENTITY>"},
}

// pantherAwsRuleContext mirrors panther_aws_helpers.aws_rule_context.
func pantherAwsRuleContext(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	ev := a[0]
	if err := pantherflowCheck(pos, ev); err != nil {
		return ast.Null, err
	}
	o := &ast.Object{}
	for _, f := range awsRuleContextFields {
		v, ok := getFold(ev, f.key)
		if !ok {
			v = ast.String(f.def)
		}
		o.Set(f.key, v)
	}
	o.Set("PantherFlow Investigation", ast.String(pantherflowInvestigation(ev, "30m")))
	return ast.ObjectOf(o), nil
}

func getFold(ev ast.Value, k string) (ast.Value, bool) {
	if ev.Kind() != ast.KindObject {
		return ast.Missing, false
	}
	return ev.AsObject().GetFold(k)
}

// pantherflowInvestigation mirrors panther_base_helpers.pantherflow_investigation:
// a PantherFlow query around the event's time over its p_any_* indicator fields.
func pantherflowInvestigation(ev ast.Value, interval string) string {
	str := func(k string) string {
		if v, ok := getFold(ev, k); ok {
			return v.Str()
		}
		return ""
	}
	logtype := strings.ReplaceAll(strings.ToLower(str("p_log_type")), ".", "_")
	ts := str("p_event_time")
	var b strings.Builder
	fmt.Fprintf(&b, "union panther_signals.public.correlation_signals\n    , panther_logs.public.%s\n", logtype)
	fmt.Fprintf(&b, "| where p_event_time between time.parse_timestamp('%s') - time.parse_timespan('%s') .. time.parse_timestamp('%s') + time.parse_timespan('%s')\n", ts, interval, ts, interval)
	first := true
	if ev.Kind() == ast.KindObject {
		o := ev.AsObject()
		for i, k := range o.Keys {
			if !strings.HasPrefix(k, "p_any_") || k == "p_any_aws_account_ids" {
				continue
			}
			if first {
				fmt.Fprintf(&b, "| where arrays.overlap(%s, %s)\n", k, o.Vals[i].Repr())
				first = false
			} else {
				fmt.Fprintf(&b, "     or arrays.overlap(%s, %s)\n", k, o.Vals[i].Repr())
			}
		}
	}
	b.WriteString("| sort p_event_time")
	return b.String()
}
