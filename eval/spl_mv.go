package eval

import (
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Multivalue eval functions (Search Reference, "Multivalue eval functions").

func init() {
	for _, b := range []*Builtin{
		splFn("mvappend", 1, -1, "all values of all arguments, nulls skipped", splMvappend),
		splFn("mvcount", 1, 1, "number of values; null when there are none", splMvcount),
		splFn("mvdedup", 1, 1, "values without repeats, first occurrence kept", splMvdedup),
		splFn("mvfind", 2, 2, "index of the first value matching a regex, or null", splMvfind),
		splFn("mvindex", 2, 3, "value(s) by 0-based index, end inclusive; negative counts from the end", splMvindex),
		splFn("mvjoin", 2, 2, "join values with a delimiter", splMvjoin),
		splFn("mvrange", 2, 3, "numbers from start up to (not including) end by step (a number or a time span such as 7d)", splMvrange),
		splFn("mvsort", 1, 1, "values in lexicographic order", splMvsort),
		splFn("mvzip", 2, 3, "pairwise join of two multivalue fields (default delimiter ,)", splMvzip),
		splFn("mv_to_json_array", 1, 2, "JSON array text of the values", splMvToJSONArray),
	} {
		Builtins[b.Name] = b
	}
	specialCalls = map[string]func(*compiler, *ast.Call) fn{
		"spl.mvfilter":    compileMvfilter,
		"spl.mvmap":       compileMvmap,
		"spl.searchmatch": compileSearchmatch,
	}
}

// specialCalls are the builtins that compile their own arguments.
var specialCalls map[string]func(*compiler, *ast.Call) fn

func values(v ast.Value) []ast.Value { return ast.Multi(v) }

// mv is a result that may have several values: none is null, one is that value.
func mv(vs []ast.Value) ast.Value { return ast.MultiOf(vs) }

func splMvappend(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	var out []ast.Value
	for _, v := range a {
		out = append(out, values(v)...)
	}
	return mv(out), nil
}

func splMvcount(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	return ast.Int(int64(len(values(a[0])))), nil
}

func splMvdedup(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	seen := map[string]bool{}
	var out []ast.Value
	for _, v := range values(a[0]) {
		if t := v.Text(); !seen[t] {
			seen[t] = true
			out = append(out, v)
		}
	}
	return mv(out), nil
}

func splMvfind(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	re, err := cachedRegexp(first(a[1]).Text())
	if err != nil {
		return ast.Null, fail(pos, "mvfind: bad regex %q: %v", first(a[1]).Text(), err)
	}
	for i, v := range values(a[0]) {
		if re.MatchString(v.Text()) {
			return ast.Int(int64(i)), nil
		}
	}
	return ast.Null, nil
}

func splMvindex(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	vs := values(a[0])
	start, ok := intOf(first(a[1]))
	if !ok {
		f, fok := splNum(first(a[1]))
		if !fok {
			return ast.Null, nil
		}
		start = int64(f)
	}
	s := int(start)
	if s < 0 {
		s += len(vs)
	}
	e := s
	if len(a) == 3 {
		end, ok := splNum(first(a[2]))
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
	e = min(e, len(vs)-1)
	return mv(vs[s : e+1]), nil
}

func splMvjoin(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	vs := values(a[0])
	if len(vs) == 0 || a[1].IsNullish() {
		return ast.Null, nil
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Text()
	}
	return ast.String(strings.Join(parts, first(a[1]).Text())), nil
}

// mvrangeLimit bounds the values one call may produce.
const mvrangeLimit = 100000

func splMvrange(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if anyNull(a) {
		return ast.Null, nil
	}
	start, ok1 := splNum(first(a[0]))
	end, ok2 := splNum(first(a[1]))
	if !ok1 || !ok2 {
		return ast.Null, nil
	}
	var out []ast.Value
	if len(a) == 3 {
		if step, ok := splNum(first(a[2])); !ok {
			// A time span: start and end are epoch times.
			spec := "+" + strings.TrimPrefix(first(a[2]).Text(), "+")
			t, tEnd := epochTime(start), epochTime(end)
			for t.Before(tEnd) && len(out) < mvrangeLimit {
				out = append(out, epochValue(t))
				next, ok := RelativeTime(t, spec)
				if !ok || !next.After(t) {
					return ast.Null, nil
				}
				t = next
			}
			return mv(out), nil
		} else if step <= 0 {
			return ast.Null, nil
		} else {
			for x := start; x < end && len(out) < mvrangeLimit; x += step {
				out = append(out, number(x))
			}
			return mv(out), nil
		}
	}
	for x := start; x < end && len(out) < mvrangeLimit; x++ {
		out = append(out, number(x))
	}
	return mv(out), nil
}

// splMvsort sorts by the values' text: numbers are not sorted numerically
// (Search Manual, "Lexicographical order": 10 sorts before 9).
func splMvsort(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	vs := append([]ast.Value(nil), values(a[0])...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Text() < vs[j].Text() })
	return mv(vs), nil
}

func splMvzip(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() || a[1].IsNullish() {
		return ast.Null, nil
	}
	delim := ","
	if len(a) == 3 {
		if a[2].IsNullish() {
			return ast.Null, nil
		}
		delim = first(a[2]).Text()
	}
	x, y := values(a[0]), values(a[1])
	n := min(len(x), len(y))
	out := make([]ast.Value, n)
	for i := range n {
		out[i] = ast.String(x[i].Text() + delim + y[i].Text())
	}
	return mv(out), nil
}

func splMvToJSONArray(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].IsNullish() {
		return ast.Null, nil
	}
	infer := len(a) == 2 && first(a[1]).Truth()
	vs := values(a[0])
	out := make([]ast.Value, len(vs))
	for i, v := range vs {
		if infer {
			if j, err := ast.ParseJSON([]byte(v.Text())); err == nil {
				out[i] = j
				continue
			}
		}
		out[i] = ast.String(v.Text())
	}
	return ast.String(ast.JSON(ast.List(out...))), nil
}

// rebind is env with one field of the record replaced; mvfilter and mvmap
// evaluate their expression once per value this way.
func rebind(env *Env, path []string, v ast.Value) *Env {
	sub := *env
	o := &ast.Object{}
	if env.Record.Kind() == ast.KindObject {
		src := env.Record.AsObject()
		o.Keys = append([]string(nil), src.Keys...)
		o.Vals = append([]ast.Value(nil), src.Vals...)
	}
	o.Set(path[0], v)
	sub.Record = ast.ObjectOf(o)
	return &sub
}

func arityError(c *compiler, n *ast.Call, want string) fn {
	c.errorf(n.Pos(), ast.CodeParse, "%s takes %s, got %d", n.Fn, want, len(n.Args))
	return func(*Env) (ast.Value, error) { return ast.Null, nil }
}

// compileMvfilter: mvfilter(X) keeps the values of the one field X refers to for
// which X is true, evaluating X with the field bound to each value in turn
// ("Multivalue eval functions": X "can reference only one field at a time").
// No value kept is null.
func compileMvfilter(c *compiler, n *ast.Call) fn {
	if len(n.Args) != 1 {
		return arityError(c, n, "1 argument")
	}
	fields := ast.Fields(n.Args[0])
	if len(fields) != 1 || len(fields[0]) != 1 {
		c.errorf(n.Pos(), ast.CodeParse, "mvfilter: the expression must refer to exactly one field, it refers to %d", len(fields))
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	}
	path, keys := fields[0], c.keys
	cond := c.expr(n.Args[0])
	return func(env *Env) (ast.Value, error) {
		var keep []ast.Value
		for _, v := range values(Lookup(env.Record, path, keys)) {
			r, err := cond(rebind(env, path, v))
			if err != nil {
				return r, err
			}
			if r.Truth() {
				keep = append(keep, v)
			}
		}
		return mv(keep), nil
	}
}

// compileMvmap: mvmap(X, Y) evaluates Y once per value of the field X with X
// bound to that value and collects the non-null results.
func compileMvmap(c *compiler, n *ast.Call) fn {
	if len(n.Args) != 2 {
		return arityError(c, n, "2 arguments")
	}
	f, ok := n.Args[0].(*ast.Field)
	if !ok || len(f.Path) != 1 {
		c.errorf(n.Pos(), ast.CodeUnsupported, "unsupported: mvmap over an expression (its first argument must be a field)")
		return func(*Env) (ast.Value, error) { return ast.Null, nil }
	}
	path, keys := f.Path, c.keys
	body := c.expr(n.Args[1])
	return func(env *Env) (ast.Value, error) {
		var out []ast.Value
		for _, v := range values(Lookup(env.Record, path, keys)) {
			r, err := body(rebind(env, path, v))
			if err != nil {
				return r, err
			}
			out = append(out, values(r)...)
		}
		return mv(out), nil
	}
}

// compileSearchmatch: the front end turns searchmatch("constant terms") into a
// search expression; terms computed per event would need the search parser at
// run time.
func compileSearchmatch(c *compiler, n *ast.Call) fn {
	if len(n.Args) != 1 {
		return arityError(c, n, "1 argument")
	}
	c.errorf(n.Pos(), ast.CodeUnsupported, "unsupported: searchmatch with a computed search string")
	return func(*Env) (ast.Value, error) { return ast.Null, nil }
}
