package indicator

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
)

// fieldStep is what one Splunk command did to field names, read backwards from
// a later condition to the field the event had.
type fieldStep struct {
	renames  []ast.RenamePair // in command order
	computed map[string]bool  // fields the command wrote
}

// pipelineFacts reads the filters of a Splunk pipeline that still see single
// events: search, where and regex before the first aggregation, with their
// field names mapped back through renames. A condition on a field an earlier
// command computed (eval, rex, lookup, ...) is about that computation, not
// about the event, and is left out. The walk stops at the first command that
// aggregates or whose effect on fields concord does not track.
func pipelineFacts(cmds []ast.Command) facts {
	var steps []fieldStep
	var f facts
	computed := func(names ...string) {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		steps = append(steps, fieldStep{computed: m})
	}
	for _, c := range cmds {
		switch n := c.(type) {
		case *ast.SearchCmd:
			f = f.and(throughSteps(conj(n.Cond, false, nil), steps))
		case *ast.WhereCmd:
			f = f.and(throughSteps(conj(n.Cond, false, nil), steps))
		case *ast.RegexCmd:
			field := n.Field
			if field == "" {
				field = "_raw"
			}
			a := Atom{Field: field, Op: Regex, Values: []string{n.Pattern}}
			if n.Negate {
				f = f.and(throughSteps(facts{excl: []Atom{a}}, steps))
			} else {
				f = f.and(throughSteps(facts{req: []Atom{a}}, steps))
			}
		case *ast.TstatsCmd:
			// Its where clause filters the events (data model fields) before
			// it aggregates them.
			if n.Where != nil {
				f = f.and(throughSteps(conj(n.Where, false, nil), steps))
			}
			return f
		case *ast.RenameCmd:
			steps = append(steps, fieldStep{renames: n.Pairs})
		case *ast.EvalCmd:
			var names []string
			for _, a := range n.Assigns {
				names = append(names, a.Field)
			}
			computed(names...)
		case *ast.ConvertCmd:
			var names []string
			for _, cv := range n.Conversions {
				names = append(names, orName(cv.As, cv.Field))
			}
			computed(names...)
		case *ast.BinCmd:
			computed(orName(n.As, n.Field))
		case *ast.FillnullCmd:
			if len(n.Fields) == 0 {
				return f // every field may have been filled
			}
			computed(n.Fields...)
		case *ast.ReplaceCmd:
			computed(n.Fields...)
		case *ast.MakemvCmd:
			computed(n.Field)
		case *ast.RexCmd:
			if n.Sed != nil {
				computed(orName(n.Field, "_raw"))
			} else {
				computed(groupNames(n.Pattern)...)
			}
		case *ast.SpathCmd:
			switch {
			case n.Output != "":
				computed(n.Output)
			case n.Path != "":
				computed(n.Path)
			case n.Input != "" && n.Input != "_raw":
				return f // names taken from the JSON in a field
			}
		case *ast.LookupCmd:
			computed(lookupOutputs(n)...)
		case *ast.MvexpandCmd, *ast.SortCmd, *ast.DedupCmd, *ast.HeadCmd, *ast.TableCmd,
			*ast.FieldsCmd, *ast.OutputlookupCmd, *ast.SubsearchFilterCmd:
			// Rows are dropped or reordered, values are left alone.
		default:
			return f
		}
	}
	return f
}

func orName(name, otherwise string) string {
	if name != "" {
		return name
	}
	return otherwise
}

// groupNames are the fields a rex pattern's named groups write.
func groupNames(pattern string) []string {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range re.SubexpNames() {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// lookupOutputs are the fields a lookup writes: its OUTPUT list, or without
// one every table column it does not match on.
func lookupOutputs(n *ast.LookupCmd) []string {
	var out []string
	for _, o := range n.Output {
		out = append(out, orName(o.Event, o.Table))
	}
	if len(n.Output) > 0 || n.Table == nil {
		return out
	}
	matched := map[string]bool{}
	for _, m := range n.Match {
		matched[m.Table] = true
	}
	for _, col := range n.Table.Fields {
		if !matched[col] {
			out = append(out, col)
		}
	}
	return out
}

// throughSteps maps each atom's field back to the event's field name, and
// drops the atoms on computed fields.
func throughSteps(f facts, steps []fieldStep) facts {
	back := func(as []Atom) []Atom {
		var out []Atom
		for _, a := range as {
			if name, ok := origin(a.Field, steps); ok {
				a.Field = name
				out = append(out, a)
			}
		}
		return out
	}
	return facts{req: back(f.req), excl: back(f.excl)}
}

// origin is the name a field had before the steps, false when a step computed it.
func origin(name string, steps []fieldStep) (string, bool) {
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if s.computed[name] {
			return "", false
		}
		for j := len(s.renames) - 1; j >= 0; j-- {
			p := s.renames[j]
			if caps, ok := globMatch(p.To, name); ok {
				name = globFill(p.From, caps)
			}
		}
	}
	return name, true
}

// globMatch matches name against a rename pattern whose * stand for any run of
// characters, returning what each * matched.
func globMatch(pattern, name string) ([]string, bool) {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return nil, pattern == name
	}
	if !strings.HasPrefix(name, pattern[:star]) {
		return nil, false
	}
	rest := pattern[star+1:]
	for i := len(name); i >= star; i-- {
		if caps, ok := globMatch(rest, name[i:]); ok {
			return append([]string{name[star:i]}, caps...), true
		}
	}
	return nil, false
}

// globFill puts the captured texts in place of a pattern's * in order.
func globFill(pattern string, caps []string) string {
	var b strings.Builder
	for _, part := range strings.Split(pattern, "*") {
		b.WriteString(part)
		if len(caps) > 0 {
			b.WriteString(caps[0])
			caps = caps[1:]
		}
	}
	return b.String()
}
