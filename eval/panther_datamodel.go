package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// DataModel is a Panther data model as event.udm() sees it: mappings from a
// unified name to a JSONPath into the event or to a method of the data model's
// Python module (lowered and compiled). panther_analysis_tool attaches one to a
// rule test's event only when the Log carries p_log_type and the log type has an
// enabled data model, and never for scheduled rules.
type DataModel struct {
	ID       string
	Mappings map[string]*UDMMapping
}

// UDMMapping is one Mappings entry: exactly one of Path and Method is set, or
// Err says why the mapping cannot run (raised when a rule uses it, so rules that
// do not are unaffected).
type UDMMapping struct {
	Path       []string // JSONPath steps: keys, "[N]" indexes, "[*]"
	Method     *Program
	MethodName string // the Python function's name, for udm_path
	Err        error
}

// ParseJSONPath reads the JSONPath subset data models use: an optional "$."
// root, dot-separated keys, [N], [*] and ['key'].
func ParseJSONPath(s string) ([]string, error) {
	rest := strings.TrimSpace(s)
	if rest == "$" {
		return nil, nil
	}
	rest = strings.TrimPrefix(rest, "$.")
	rest = strings.TrimPrefix(rest, "$")
	var out []string
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("JSONPath %q: unclosed [", s)
			}
			in := rest[1:end]
			switch {
			case in == "*":
				out = append(out, "[*]")
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				out = append(out, in[1:len(in)-1])
			default:
				if _, err := strconv.Atoi(in); err != nil {
					return nil, fmt.Errorf("JSONPath %q: expected an index, * or a quoted key inside []", s)
				}
				out = append(out, "["+in+"]")
			}
			rest = strings.TrimPrefix(rest[end+1:], ".")
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			key := rest[:end]
			if key == "" || strings.ContainsAny(key, " ()?@*$") {
				return nil, fmt.Errorf("JSONPath %q: unsupported step %q", s, key)
			}
			out = append(out, key)
			rest = strings.TrimPrefix(rest[end:], ".")
		}
	}
	return out, nil
}

// findPath returns every value the path matches, as jsonpath_ng's find does on
// the raw event (exact keys: the JSONPath does not go through PantherEvent's
// case-insensitive lookup).
func findPath(v ast.Value, path []string) []ast.Value {
	cur := []ast.Value{v}
	for _, step := range path {
		var next []ast.Value
		for _, c := range cur {
			switch {
			case step == "[*]":
				if c.Kind() == ast.KindList {
					next = append(next, c.AsList()...)
				}
			case strings.HasPrefix(step, "[") && strings.HasSuffix(step, "]"):
				i, _ := strconv.Atoi(step[1 : len(step)-1])
				if c.Kind() == ast.KindList {
					l := c.AsList()
					if i < 0 {
						i += len(l)
					}
					if i >= 0 && i < len(l) {
						next = append(next, l[i])
					}
				}
			default:
				if c.Kind() == ast.KindObject {
					if w, ok := c.AsObject().Get(step); ok {
						next = append(next, w)
					}
				}
			}
		}
		cur = next
	}
	return cur
}

// maxUDMDepth bounds data model methods that call event.udm themselves.
const maxUDMDepth = 16

// pantherUDM follows panther_core's PantherEvent.udm(*key, default=None):
// with one key and a data model, a mapped path's single match (a path matching
// several fields raises), else a mapped method's result, else — the name being
// mapped — None; otherwise deep_get(p_udm, *key), falling back to
// deep_get(*key) when that is falsy, and None when both are.
func pantherUDM(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if len(a) == 1 && env.UDM != nil {
		name := a[0].Str()
		if m, ok := env.UDM.Mappings[name]; ok {
			switch {
			case m.Err != nil:
				if re, ok := m.Err.(*RuntimeError); ok {
					return ast.Null, re
				}
				return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: m.Err.Error()}
			case m.Method != nil:
				if env.udmDepth >= maxUDMDepth {
					return ast.Null, fail(pos, "RecursionError: data model method for %q calls udm too deeply", name)
				}
				sub := *env
				sub.udmDepth++
				return m.Method.Eval(&sub)
			}
			switch found := findPath(env.Record, m.Path); len(found) {
			case 0:
				return ast.Null, nil
			case 1:
				return found[0], nil
			default:
				return ast.Null, fail(pos, "Exception: JSONPath [%s] in DataModel [%s], matched multiple fields.", strings.Join(m.Path, "."), env.UDM.ID)
			}
		}
	}
	if len(a) == 1 && env.UDM == nil {
		// The older paths-only form of a data model (Env.DataModel).
		if path, ok := env.DataModel[a[0].Str()]; ok {
			return Lookup(env.Record, path, ast.KeysFold), nil
		}
	}
	keys := make([]string, len(a))
	for i, k := range a {
		keys[i] = k.Str()
	}
	if env.UDM == nil && env.DataModel == nil {
		// The event names a log type whose data model was not found: Panther
		// would use that model, so any answer but p_udm's would be a guess.
		if lt := Lookup(env.Record, []string{"p_log_type"}, ast.KeysFold); lt.Kind() == ast.KindString {
			if v := Lookup(env.Record, append([]string{"p_udm"}, keys...), ast.KeysFold); v.Truth() {
				return v, nil
			}
			return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: fmt.Sprintf("unsupported: needs the %s data model for event.udm(%q)", lt.AsString(), strings.Join(keys, ", "))}
		}
	}
	if v := Lookup(env.Record, append([]string{"p_udm"}, keys...), ast.KeysFold); v.Truth() {
		return v, nil
	}
	if v := Lookup(env.Record, keys, ast.KeysFold); v.Truth() {
		return v, nil
	}
	return ast.Null, nil
}

// pantherUDMPath follows panther_analysis_tool's PantherEvent.udm_path(key):
// the matched JSONPath as text (a.b) or the mapped method's name, None when the
// key is not mapped or its path matches nothing; without a data model the tool
// raises PantherError (no data model found).
func pantherUDMPath(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if env.UDM == nil {
		return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: event.udm_path without a data model (panther_analysis_tool raises PantherError)"}
	}
	m, ok := env.UDM.Mappings[a[1].Str()]
	switch {
	case !ok:
		return ast.Null, nil
	case m.Err != nil:
		return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: m.Err.Error()}
	case m.Method != nil:
		return ast.String(m.MethodName), nil
	}
	for _, step := range m.Path {
		if strings.HasPrefix(step, "[") {
			// jsonpath_ng prints the index it matched; concord's match does not keep it.
			return ast.Null, &RuntimeError{Pos: pos, Code: ast.CodeUnsupported, Msg: "unsupported: udm_path of a JSONPath with an index"}
		}
	}
	switch found := findPath(env.Record, m.Path); len(found) {
	case 0:
		return ast.Null, nil
	case 1:
		return ast.String(strings.Join(m.Path, ".")), nil
	}
	return ast.Null, fail(pos, "Exception: JSONPath [%s] in DataModel [%s], matched multiple fields.", strings.Join(m.Path, "."), env.UDM.ID)
}

func init() {
	Builtins["py.dict.udm_path"] = &Builtin{Name: "py.dict.udm_path", MinArgs: 2, MaxArgs: 2,
		Doc: "event.udm_path(key): the mapped JSONPath or method name", Impl: pantherUDMPath}
	// event.udm takes several keys (udm("a", "b") reads p_udm.a.b) and knows
	// method mappings.
	Builtins["panther.udm"] = &Builtin{Name: "panther.udm", MinArgs: 1, MaxArgs: -1,
		Doc: "event.udm(*key): data model mapping (JSONPath or method), then p_udm, then the event's own key", Impl: pantherUDM}
}
