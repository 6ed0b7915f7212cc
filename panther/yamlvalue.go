package panther

import (
	"math"
	"regexp"
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

// panther_analysis_tool reads specs with PyYAML's CSafeLoader (_PATSafeLoader
// in analysis_utils.py): YAML 1.1 implicit resolvers decide what a plain scalar
// is, and its constructors keep YAML 1.2 values (true/false only as booleans,
// leading-zero integers as decimal, timestamps as strings). These are PyYAML's
// resolver patterns for numbers.
var (
	pyYAMLInt   = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	pyYAMLFloat = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
)

// pyYAMLNumber reads a plain scalar that yaml.v3 took for a number the way
// panther_analysis_tool does; ok is false when PyYAML reads it as a string.
func pyYAMLNumber(s string) (ast.Value, bool) {
	switch {
	case pyYAMLInt.MatchString(s):
		if strings.Contains(s, ":") {
			return ast.String(s), true // sexagesimal: a string in YAML 1.2
		}
		t := strings.ReplaceAll(s, "_", "")
		sign := int64(1)
		if t[0] == '-' || t[0] == '+' {
			if t[0] == '-' {
				sign = -1
			}
			t = t[1:]
		}
		base := 10
		switch {
		case strings.HasPrefix(t, "0x"):
			base, t = 16, t[2:]
		case strings.HasPrefix(t, "0b"):
			base, t = 2, t[2:]
		}
		if i, err := strconv.ParseInt(t, base, 64); err == nil {
			return ast.Int(sign * i), true
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil && base == 10 {
			return ast.Float(float64(sign) * f), true // beyond int64, as Python's int would hold it
		}
		return ast.String(s), true
	case pyYAMLFloat.MatchString(s):
		switch strings.ToLower(strings.TrimLeft(s, "+-")) {
		case ".inf":
			if strings.HasPrefix(s, "-") {
				return ast.Float(math.Inf(-1)), true
			}
			return ast.Float(math.Inf(1)), true
		case ".nan":
			return ast.Float(math.NaN()), true
		}
		if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
			return ast.Float(f), true
		}
	}
	return ast.Missing, false
}

// yamlScalar reads a scalar by its resolved tag (YAML 1.2 core schema), with
// plain numbers resolved as panther_analysis_tool resolves them.
func yamlScalar(n *yaml.Node) (ast.Value, string) {
	if plainNumber(n) {
		if v, ok := pyYAMLNumber(n.Value); ok {
			return v, ""
		}
		return ast.String(n.Value), ""
	}
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

// plainNumber reports an unquoted, untagged scalar that yaml.v3 resolved as a
// number.
func plainNumber(n *yaml.Node) bool {
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 {
		return false
	}
	t := n.ShortTag()
	return t == "!!int" || t == "!!float"
}
