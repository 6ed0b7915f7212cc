package eval

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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

// Builtins is the table Compile resolves calls against.
var Builtins = map[string]*Builtin{}

func init() {
	for _, b := range builtinList {
		Builtins[b.Name] = b
	}
}

var builtinList = []*Builtin{
	// Splunk eval functions (Search Reference, "Evaluation functions").
	{Name: "spl.coalesce", MinArgs: 1, MaxArgs: -1, Doc: "first argument that is not null", Impl: splCoalesce},
	{Name: "spl.mvindex", MinArgs: 2, MaxArgs: 3, Doc: "value(s) of a multivalue field by index; negative counts from the end", Impl: splMvindex},
	{Name: "spl.split", MinArgs: 2, MaxArgs: 2, Doc: "split a string into a multivalue field", Impl: splSplit},
	{Name: "spl.lower", MinArgs: 1, MaxArgs: 1, Doc: "lowercase", Impl: splString(strings.ToLower)},
	{Name: "spl.upper", MinArgs: 1, MaxArgs: 1, Doc: "uppercase", Impl: splString(strings.ToUpper)},
	{Name: "spl.trim", MinArgs: 1, MaxArgs: 1, Doc: "strip spaces", Impl: splString(strings.TrimSpace)},
	{Name: "spl.len", MinArgs: 1, MaxArgs: 1, Doc: "length in characters", Impl: splLen},
	{Name: "spl.mvcount", MinArgs: 1, MaxArgs: 1, Doc: "number of values", Impl: splMvcount},
	{Name: "spl.mvjoin", MinArgs: 2, MaxArgs: 2, Doc: "join values with a delimiter", Impl: splMvjoin},
	{Name: "spl.tostring", MinArgs: 1, MaxArgs: 2, Doc: "value as a string", Impl: splTostring},
	{Name: "spl.tonumber", MinArgs: 1, MaxArgs: 2, Doc: "string as a number, null when it is not one", Impl: splTonumber},
	{Name: "spl.replace", MinArgs: 3, MaxArgs: 3, Doc: "regex replace", Impl: splReplace},
	{Name: "spl.substr", MinArgs: 2, MaxArgs: 3, Doc: "substring, 1-based start", Impl: splSubstr},
	{Name: "spl.strftime", MinArgs: 2, MaxArgs: 2, Doc: "format epoch seconds (UTC)", Impl: splStrftime},
	{Name: "spl.+", MinArgs: 2, MaxArgs: 2, Doc: "addition, or string concatenation when both are strings", Impl: splArith('+')},
	{Name: "spl.-", MinArgs: 2, MaxArgs: 2, Doc: "subtraction", Impl: splArith('-')},
	{Name: "spl.*", MinArgs: 2, MaxArgs: 2, Doc: "multiplication", Impl: splArith('*')},
	{Name: "spl./", MinArgs: 2, MaxArgs: 2, Doc: "division", Impl: splArith('/')},

	// Panther event methods and global helpers.
	{Name: "panther.udm", MinArgs: 1, MaxArgs: 1, Doc: "event.udm(name): data model path, then p_udm, then the raw key", Impl: pantherUdm},
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
	args := c.exprs(n.Args)
	pos, name := n.Pos(), n.Fn
	b, ok := Builtins[n.Fn]
	npos := len(n.Args) - len(n.Keywords)
	if ok && (npos < b.MinArgs || (b.MaxArgs >= 0 && npos > b.MaxArgs)) {
		c.errorf(pos, ast.CodeUnsupported, "unsupported: %s with %d positional arguments (takes %s)", n.Fn, npos, arity(b))
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
	switch {
	case b.MaxArgs < 0:
		return fmt.Sprintf("at least %d", b.MinArgs)
	case b.MinArgs == b.MaxArgs:
		return strconv.Itoa(b.MinArgs)
	}
	return fmt.Sprintf("%d to %d", b.MinArgs, b.MaxArgs)
}

func splCoalesce(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	for _, v := range a {
		if !v.IsNullish() {
			return v, nil
		}
	}
	return ast.Null, nil
}

func values(v ast.Value) []ast.Value {
	switch v.Kind() {
	case ast.KindMissing, ast.KindNull:
		return nil
	case ast.KindList:
		return v.AsList()
	}
	return []ast.Value{v}
}

func mv(vs []ast.Value) ast.Value {
	switch len(vs) {
	case 0:
		return ast.Null
	case 1:
		return vs[0]
	}
	return ast.List(vs...)
}

func splMvindex(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	vs := values(a[0])
	start, ok := splNum(a[1])
	if !ok || len(vs) == 0 {
		return ast.Null, nil
	}
	s := int(start)
	if s < 0 {
		s += len(vs)
	}
	e := s
	if len(a) == 3 {
		end, ok := splNum(a[2])
		if !ok {
			return ast.Null, nil
		}
		e = int(end)
		if e < 0 {
			e += len(vs)
		}
	}
	if s < 0 || s >= len(vs) || e < s {
		return ast.Null, nil
	}
	if e >= len(vs) {
		e = len(vs) - 1
	}
	return mv(vs[s : e+1]), nil
}

func splSplit(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	parts := strings.Split(a[0].Text(), a[1].Text())
	vs := make([]ast.Value, len(parts))
	for i, p := range parts {
		vs[i] = ast.String(p)
	}
	return mv(vs), nil
}

func splString(f func(string) string) func(*Env, ast.Pos, []ast.Value) (ast.Value, error) {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].IsNullish() {
			return ast.Null, nil
		}
		vs := values(a[0])
		out := make([]ast.Value, len(vs))
		for i, v := range vs {
			out[i] = ast.String(f(v.Text()))
		}
		return mv(out), nil
	}
}

func splLen(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	return ast.Int(int64(len([]rune(a[0].Text())))), nil
}

func splMvcount(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	return ast.Int(int64(len(values(a[0])))), nil
}

func splMvjoin(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	vs := values(a[0])
	if len(vs) == 0 {
		return ast.Null, nil
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Text()
	}
	return ast.String(strings.Join(parts, a[1].Text())), nil
}

func splTostring(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	return ast.String(a[0].Text()), nil
}

func splTonumber(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	s := strings.TrimSpace(a[0].Text())
	base := 10
	if len(a) == 2 {
		if b, ok := splNum(a[1]); ok {
			base = int(b)
		}
	}
	if n, err := strconv.ParseInt(s, base, 64); err == nil {
		return ast.Int(n), nil
	}
	if base == 10 {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return ast.Float(f), nil
		}
	}
	return ast.Null, nil
}

func splReplace(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	re, err := regexp.Compile(a[1].Text())
	if err != nil {
		return ast.Null, fail(pos, "replace: bad regex %q: %v", a[1].Text(), err)
	}
	// Splunk's replacement uses \1 for groups; Go's uses ${1}.
	repl := regexp.MustCompile(`\\(\d)`).ReplaceAllString(a[2].Text(), "$${$1}")
	return ast.String(re.ReplaceAllString(a[0].Text(), repl)), nil
}

func splSubstr(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	rs := []rune(a[0].Text())
	start, ok := splNum(a[1])
	if !ok {
		return ast.Null, nil
	}
	s := int(start)
	if s < 0 {
		s += len(rs)
	} else if s > 0 {
		s-- // 1-based
	}
	if s < 0 {
		s = 0
	}
	if s > len(rs) {
		return ast.String(""), nil
	}
	e := len(rs)
	if len(a) == 3 {
		n, ok := splNum(a[2])
		if !ok {
			return ast.Null, nil
		}
		e = min(len(rs), s+int(n))
	}
	return ast.String(string(rs[s:e])), nil
}

func splStrftime(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	t, ok := splNum(a[0])
	if !ok {
		return ast.Null, nil
	}
	return ast.String(Strftime(t, a[1].Text())), nil
}

func splArith(op byte) func(*Env, ast.Pos, []ast.Value) (ast.Value, error) {
	return func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].IsNullish() || a[1].IsNullish() {
			return ast.Null, nil
		}
		x, xok := splNum(a[0])
		y, yok := splNum(a[1])
		if !xok || !yok {
			if op == '+' {
				return ast.String(a[0].Text() + a[1].Text()), nil
			}
			return ast.Null, nil
		}
		var r float64
		switch op {
		case '+':
			r = x + y
		case '-':
			r = x - y
		case '*':
			r = x * y
		case '/':
			if y == 0 {
				return ast.Null, nil
			}
			r = x / y
		}
		if r == math.Trunc(r) && math.Abs(r) < 1<<53 && op != '/' {
			return ast.Int(int64(r)), nil
		}
		return ast.Float(r), nil
	}
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

// pantherUdm follows panther_core's PantherEvent.udm: the data model's mapping
// when one is attached, then the p_udm object, then the key itself; None when
// nothing is found.
func pantherUdm(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	name := a[0].Str()
	if env.DataModel == nil {
		if lt := Lookup(env.Record, []string{"p_log_type"}, ast.KeysFold); lt.Kind() == ast.KindString {
			// Panther attaches the log type's data model; without it the answer
			// would be a guess (panther_core raises when a log type has none).
			if v := Lookup(env.Record, []string{"p_udm", name}, ast.KeysFold); !v.IsMissing() {
				return v, nil
			}
			return ast.Null, unsupportedf(pos, "needs the %s data model for event.udm(%q)", lt.AsString(), name)
		}
	}
	if path, ok := env.DataModel[name]; ok {
		return Lookup(env.Record, path, ast.KeysFold), nil
	}
	if v := Lookup(env.Record, []string{"p_udm", name}, ast.KeysFold); !v.IsMissing() {
		return v, nil
	}
	if v := Lookup(env.Record, []string{name}, ast.KeysFold); !v.IsMissing() {
		return v, nil
	}
	return ast.Null, nil
}

// pantherAwsRuleContext mirrors panther_aws_helpers.aws_rule_context.
func pantherAwsRuleContext(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	ev := a[0]
	if err := pantherflowCheck(pos, ev); err != nil {
		return ast.Null, err
	}
	get := func(k, def string) ast.Value {
		if v, ok := getFold(ev, k); ok {
			return v
		}
		return ast.String(def)
	}
	o := &ast.Object{}
	o.Set("eventName", get("eventName", "<MISSING_EVENT_NAME>"))
	o.Set("eventSource", get("eventSource", "<MISSING_ACCOUNT_ID>"))
	o.Set("awsRegion", get("awsRegion", "<MISSING_AWS_REGION>"))
	o.Set("recipientAccountId", get("recipientAccountId", "<MISSING_ACCOUNT_ID>"))
	o.Set("sourceIPAddress", get("sourceIPAddress", "<MISSING_SOURCE_IP>"))
	o.Set("userAgent", get("userAgent", "<MISSING_USER_AGENT>"))
	o.Set("userIdentity", get("userIdentity", "<MISSING_USER_IDENTITY>"))
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

// Strftime formats epoch seconds in UTC with the strftime directives Splunk's
// time formats use.
func Strftime(epoch float64, format string) string {
	sec, frac := math.Modf(epoch)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch != '%' || i+1 == len(format) {
			b.WriteByte(ch)
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'b':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'z':
			b.WriteString("+0000")
		case 'Z':
			b.WriteString("UTC")
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}
