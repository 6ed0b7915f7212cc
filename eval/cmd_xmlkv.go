package eval

import (
	"regexp"

	"github.com/concordsec/concord/ast"
)

// xmlLeaf is an element whose content is text: <key attrs>value</key>. RE2
// has no backreference, so the closing tag is compared after the match.
var xmlLeaf = regexp.MustCompile(`<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]*)</([A-Za-z_][\w.:-]*)\s*>`)

// xmlkvStage follows the xmlkv page of Splunk's Search Reference: for
// <foo>bar</foo> the row gets foo=bar. The value is the text as written; a
// key seen twice gets both values (the docs do not say; concord keeps all).
func xmlkvStage(c *ast.XmlkvCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	return func(rows []Row, _ *runState) ([]Row, error) {
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			vs := values(v)
			if len(vs) == 0 {
				continue
			}
			found := &ast.Object{}
			for _, m := range xmlLeaf.FindAllStringSubmatch(vs[0].Text(), -1) {
				if m[1] != m[3] {
					continue
				}
				if old, ok := found.Get(m[1]); ok {
					found.Set(m[1], ast.List(append(values(old), ast.String(m[2]))...))
					continue
				}
				found.Set(m[1], ast.String(m[2]))
			}
			for i, k := range found.Keys {
				r.Fields.Set(k, found.Vals[i])
			}
		}
		return rows, nil
	}, nil
}
