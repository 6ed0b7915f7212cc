package panther

import (
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
)

// yamlValue converts a YAML node into a Value, keeping mapping key order (a
// test's Log is an event; its key order shows up in titles and reports).
func yamlValue(n *yaml.Node) (ast.Value, string) {
	return yamlValueDepth(n, 0)
}

func yamlValueDepth(n *yaml.Node, depth int) (ast.Value, string) {
	if depth > 200 {
		return ast.Missing, "value nested too deeply"
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ast.Null, ""
		}
		return yamlValueDepth(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return ast.Missing, "unresolved alias"
		}
		return yamlValueDepth(n.Alias, depth+1)
	case yaml.SequenceNode:
		vs := make([]ast.Value, 0, len(n.Content))
		for _, c := range n.Content {
			v, msg := yamlValueDepth(c, depth+1)
			if msg != "" {
				return ast.Missing, msg
			}
			vs = append(vs, v)
		}
		return ast.List(vs...), ""
	case yaml.MappingNode:
		o := &ast.Object{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return ast.Missing, "mapping key is not a scalar"
			}
			val, msg := yamlValueDepth(v, depth+1)
			if msg != "" {
				return ast.Missing, msg
			}
			o.Set(k.Value, val)
		}
		return ast.ObjectOf(o), ""
	case yaml.ScalarNode:
		return yamlScalar(n)
	}
	return ast.Missing, "unknown YAML node"
}

// yamlScalar reads a scalar by its resolved tag (YAML 1.2 core schema).
func yamlScalar(n *yaml.Node) (ast.Value, string) {
	switch n.ShortTag() {
	case "!!null":
		return ast.Null, ""
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return ast.Missing, err.Error()
		}
		return ast.Bool(b), ""
	case "!!int":
		s := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return ast.Int(i), ""
		}
		var f float64
		if err := n.Decode(&f); err == nil {
			return ast.Float(f), ""
		}
		return ast.String(n.Value), ""
	case "!!float":
		switch strings.ToLower(n.Value) {
		case ".inf", "+.inf":
			return ast.Float(math.Inf(1)), ""
		case "-.inf":
			return ast.Float(math.Inf(-1)), ""
		case ".nan":
			return ast.Float(math.NaN()), ""
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			return ast.Missing, err.Error()
		}
		return ast.Float(f), ""
	}
	// !!str, !!timestamp (kept as written) and custom tags.
	return ast.String(n.Value), ""
}
