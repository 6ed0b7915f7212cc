package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Limits that keep hostile macro sets (and fuzzing) from exhausting memory.
const (
	maxMacroDepth   = 64
	maxExpandedSize = 1 << 20
)

// Expand replaces every macro call of text and removes ```comments```. It
// returns the expanded text and a source map from it back to src: text written
// in the detection maps to itself, everything a macro produced maps to the
// position of the call. A macro whose name ends in "_filter" and that is not
// defined expands to `search *` (ESCU generates those macros; they are never
// stored in the repository).
func Expand(src *Source, m Macros) (string, *SourceMap, ast.ErrorList) {
	x := &expander{macros: m, src: src}
	var out strings.Builder
	sm := &SourceMap{src: src}
	text := src.Text
	literalStart := 0 // start in text of the pending literal run
	flush := func(end int) {
		if end > literalStart {
			sm.segs = append(sm.segs, segment{start: out.Len(), end: out.Len() + end - literalStart, orig: literalStart})
			out.WriteString(text[literalStart:end])
		}
	}
	for i := 0; i < len(text); {
		i = nextBacktick(text, i)
		if i < 0 {
			break
		}
		flush(i)
		if strings.HasPrefix(text[i:], "```") {
			end := strings.Index(text[i+3:], "```")
			if end < 0 {
				x.errs.Add(src.PosAt(i), ast.CodeParse, "unterminated ``` comment")
				literalStart = len(text)
				break
			}
			i += 3 + end + 3
			literalStart = i
			continue
		}
		end := strings.IndexByte(text[i+1:], '`')
		if end < 0 {
			x.errs.Add(src.PosAt(i), ast.CodeMacro, "unterminated macro call (no closing `)")
			literalStart = len(text)
			break
		}
		call := text[i+1 : i+1+end]
		body, name := x.expandCall(call, nil, src.PosAt(i))
		if body != "" {
			// Expansion is purely textual, as in Splunk: `index=`idx`` is valid.
			sm.segs = append(sm.segs, segment{start: out.Len(), end: out.Len() + len(body), orig: i, macro: name})
			out.WriteString(body)
		}
		i += end + 2
		literalStart = i
		if out.Len() > maxExpandedSize {
			x.errs.Add(src.PosAt(i), ast.CodeMacro, "macro expansion is too large")
			return out.String(), sm, x.errs
		}
	}
	flush(len(text))
	return out.String(), sm, x.errs
}

// externalMacros are macros that detections call and that ship with a Splunk
// app whose definitions concord does not have; a call is unsupported, not an
// unknown macro.
var externalMacros = map[string]string{
	"get_asset":    "Splunk Enterprise Security (SA-IdentityManagement)",
	"get_identity": "Splunk Enterprise Security (SA-IdentityManagement)",
}

type expander struct {
	macros Macros
	src    *Source
	errs   ast.ErrorList
	size   int
}

// expandCall expands one call (the text between backticks) fully. chain holds
// the macros being expanded around it, for cycle detection; every error is
// reported at pos, the position of the outermost call in the detection. It
// returns the text and the name of the called macro.
func (x *expander) expandCall(call string, chain []string, pos ast.Pos) (string, string) {
	name, args, err := splitCall(call)
	if err != "" {
		x.errs.Add(pos, ast.CodeMacro, fmt.Sprintf("bad macro call `%s`: %s%s", call, err, via(chain)))
		return "", name
	}
	for i, c := range chain {
		if c == name {
			cycle := append(append([]string{}, chain[i:]...), name)
			x.errs.Add(pos, ast.CodeMacro, "macro cycle: "+strings.Join(cycle, " -> "))
			return "", name
		}
	}
	if len(chain) >= maxMacroDepth {
		x.errs.Add(pos, ast.CodeMacro, fmt.Sprintf("macros nested deeper than %d%s", maxMacroDepth, via(chain)))
		return "", name
	}
	m := x.macros[MacroKey(name, len(args))]
	if m == nil {
		m = cimMacros[MacroKey(name, len(args))]
	}
	if m == nil {
		if strings.HasSuffix(name, "_filter") && len(args) == 0 {
			return "search *", name
		}
		if app := externalMacros[name]; app != "" {
			x.errs.Add(pos, ast.CodeUnsupported, fmt.Sprintf("unsupported: needs macro `%s` from %s%s", MacroKey(name, len(args)), app, via(chain)))
			return "", name
		}
		x.errs.Add(pos, ast.CodeMacro, x.unknown(name, len(args))+via(chain))
		return "", name
	}
	def := stripComments(m.Definition)
	for i, a := range m.Args {
		def = strings.ReplaceAll(def, "$"+a+"$", args[i])
	}
	return x.expandNested(def, append(chain, name), pos), name
}

// expandNested expands the calls inside a macro definition.
func (x *expander) expandNested(def string, chain []string, pos ast.Pos) string {
	var b strings.Builder
	for {
		i := nextBacktick(def, 0)
		if i < 0 {
			b.WriteString(def)
			break
		}
		b.WriteString(def[:i])
		end := strings.IndexByte(def[i+1:], '`')
		if end < 0 {
			x.errs.Add(pos, ast.CodeMacro, "unterminated macro call in macro "+chain[len(chain)-1])
			break
		}
		body, _ := x.expandCall(def[i+1:i+1+end], chain, pos)
		b.WriteString(body)
		x.size += len(body)
		if x.size > maxExpandedSize {
			x.errs.Add(pos, ast.CodeMacro, "macro expansion is too large"+via(chain))
			break
		}
		def = def[i+1+end+1:]
	}
	return b.String()
}

// unknown explains a missing macro, mentioning a definition with another
// number of arguments when there is one.
func (x *expander) unknown(name string, nargs int) string {
	msg := fmt.Sprintf("unknown macro `%s`", MacroKey(name, nargs))
	for _, m := range x.macros {
		if m.Name == name {
			return fmt.Sprintf("%s: macro %s takes %d argument(s), called with %d", msg, name, len(m.Args), nargs)
		}
	}
	return msg
}

func via(chain []string) string {
	if len(chain) == 0 {
		return ""
	}
	return " (in macro " + strings.Join(chain, " -> ") + ")"
}

// nextBacktick is the index of the first backtick of s at or after from that
// is outside a double-quoted string, or -1. Splunk does not expand macros in
// quoted strings: security_content's own macros rely on it, e.g.
// potentially_malicious_code_on_cmdline_tokenize_score has
// `replace(lower(process), "`", "")`, and detections quote macro calls inside
// `map search="..."` for the map command to expand later.
func nextBacktick(s string, from int) int {
	quoted := false
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case '`':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// stripComments removes ```comments``` from a macro definition; an
// unterminated comment runs to the end.
func stripComments(s string) string {
	for {
		i := strings.Index(s, "```")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+3:], "```")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+3+j+3:]
	}
}

// splitCall splits `name(a, "b, c")` into its name and arguments. Arguments
// are separated by commas outside quotes and parentheses and trimmed; a
// double-quoted argument loses its quotes and backslash escapes.
func splitCall(call string) (string, []string, string) {
	call = strings.TrimSpace(call)
	open := strings.IndexByte(call, '(')
	if open < 0 {
		if call == "" {
			return "", nil, "empty macro name"
		}
		return call, nil, ""
	}
	name := strings.TrimSpace(call[:open])
	if name == "" {
		return "", nil, "empty macro name"
	}
	if !strings.HasSuffix(call, ")") {
		return name, nil, "missing ) after the arguments"
	}
	inner := call[open+1 : len(call)-1]
	if strings.TrimSpace(inner) == "" {
		return name, nil, ""
	}
	var args []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			args = append(args, macroArg(inner[start:i]))
			start = i + 1
		}
	}
	if quoted {
		return name, nil, "unterminated string in the arguments"
	}
	args = append(args, macroArg(inner[start:]))
	return name, args, ""
}

func macroArg(s string) string { return unquoteWord(strings.TrimSpace(s)) }
