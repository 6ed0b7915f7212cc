package eval

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/concordsec/concord/ast"
)

// foreachStage follows the foreach page of Splunk's Search Reference: for each
// field of a row whose name matches a pattern (in name order), the template
// runs on the row with <<FIELD>> as the field's name and <<MATCHSTR>> as the
// part the first wildcard matched. Each field's instance is compiled once.
func foreachStage(c *ast.ForeachCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	var pats []*regexp.Regexp
	for _, p := range c.Patterns {
		var b strings.Builder
		b.WriteString("^")
		for i, part := range strings.Split(p, "*") {
			if i > 0 {
				b.WriteString("(.*)")
			}
			b.WriteString(regexp.QuoteMeta(part))
		}
		b.WriteString("$")
		pats = append(pats, regexp.MustCompile(b.String()))
	}
	// The template must compile for some field; compiling it once up front
	// reports an unsupported function before any event is read.
	if _, errs := CompilePipeline(c.Template); errs != nil {
		return nil, errs
	}
	var mu sync.Mutex
	instances := map[string]*Pipeline{}
	instance := func(field, match string) (*Pipeline, error) {
		mu.Lock()
		defer mu.Unlock()
		key := field + "\x00" + match
		if p, ok := instances[key]; ok {
			return p, nil
		}
		r := strings.NewReplacer(c.FieldToken, field, c.MatchToken, match)
		p, errs := CompilePipeline(ast.Substitute(c.Template, r))
		if errs != nil {
			return nil, &RuntimeError{Pos: c.Pos(), Code: errs[0].Code, Msg: errs[0].Msg}
		}
		instances[key] = p
		return p, nil
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			type hit struct{ field, match string }
			var hits []hit
			for _, k := range r.Fields.Keys {
				for _, re := range pats {
					if m := re.FindStringSubmatch(k); m != nil {
						match := ""
						if len(m) > 1 {
							match = m[1]
						}
						hits = append(hits, hit{k, match})
						break
					}
				}
			}
			sort.Slice(hits, func(i, j int) bool { return hits[i].field < hits[j].field })
			for _, h := range hits {
				p, err := instance(h.field, h.match)
				if err != nil {
					return nil, err
				}
				if _, _, err := p.run(&runState{now: rs.now}, nil, []Row{r}); err != nil {
					return nil, err
				}
			}
		}
		return rows, nil
	}, nil
}
