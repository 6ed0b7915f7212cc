package sourcetype

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

// The add-ons' calculated fields call a few multivalue eval functions that the
// eval package does not provide (yet). They are registered under a prefix of
// their own, and only calls in calculated fields (built-in or from a loaded
// add-on) are pointed at them, so detection searches see exactly eval's table. If eval gains a function of the
// same name, calculated fields use eval's.
const prefix = "sourcetype."

var extra = map[string]*eval.Builtin{
	// mvappend(x, ...): every value of every argument, nulls dropped.
	"mvappend": {MinArgs: 1, MaxArgs: -1, Doc: "all values of all arguments", Impl: func(_ *eval.Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		var out []ast.Value
		for _, v := range a {
			out = append(out, values(v)...)
		}
		return mvOf(out), nil
	}},
	// mvfind(mv, regex): index of the first value matching, else null.
	"mvfind": {MinArgs: 2, MaxArgs: 2, Doc: "index of the first value matching a regex", Impl: func(_ *eval.Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		re, err := regexp.Compile(a[1].Text())
		if err != nil {
			return ast.Null, err
		}
		for i, v := range values(a[0]) {
			if re.MatchString(v.Text()) {
				return ast.Int(int64(i)), nil
			}
		}
		return ast.Null, nil
	}},
	// mvdedup(mv): values with duplicates removed, first occurrence kept.
	"mvdedup": {MinArgs: 1, MaxArgs: 1, Doc: "distinct values", Impl: func(_ *eval.Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		seen := map[string]bool{}
		var out []ast.Value
		for _, v := range values(a[0]) {
			if !seen[v.Text()] {
				seen[v.Text()] = true
				out = append(out, v)
			}
		}
		return mvOf(out), nil
	}},
}

func init() {
	for name, b := range extra {
		b.Name = prefix + name
		if _, taken := eval.Builtins[b.Name]; !taken {
			eval.Builtins[b.Name] = b
		}
	}
}

// evalNullMatch gives like() and match() in the add-ons' expressions Splunk's
// eval behaviour on a null or missing field: no match (Splunk returns null, which
// case() and if() take as false), where the spl front end lowers them to a
// Python-style string test that fails on anything but a string. Add-on EVALs
// routinely call like(eventName, ...) or like('responseElements.ConsoleLogin', ...)
// on events that lack the field.
func evalNullMatch(x ast.Expr) {
	ast.Inspect(x, func(e ast.Expr) bool {
		if m, ok := e.(*ast.Match); ok {
			m.Search = true
		}
		return true
	})
}

// privateBuiltins points the calls in x that eval lacks at this package's own.
func privateBuiltins(x ast.Expr) {
	ast.Inspect(x, func(e ast.Expr) bool {
		c, ok := e.(*ast.Call)
		if !ok {
			return true
		}
		if name, ok := strings.CutPrefix(c.Fn, "spl."); ok && extra[name] != nil && eval.Builtins[c.Fn] == nil {
			c.Fn = prefix + name
		}
		return true
	})
}

func mvOf(vs []ast.Value) ast.Value {
	switch len(vs) {
	case 0:
		return ast.Null
	case 1:
		return vs[0]
	}
	return ast.List(vs...)
}
