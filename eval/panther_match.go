package eval

import (
	"net/netip"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Builtins of Panther's YAML match-expression language (simple detections,
// InlineFilters), namespaced yaml.*. They cover what the shared nodes cannot say
// directly: list paths with indexes and [*], "is the key absent" (filters pass
// on absent keys), IP address tests and counting true operands (OnlyOne). None of
// them raises on a value of the wrong type: match expressions are total.
func init() {
	for _, b := range []*Builtin{
		{Name: "yaml.path", MinArgs: 1, MaxArgs: -1, Doc: "walk from a value by keys (case-insensitive), list indexes (ints) and \"[*]\" (every element, results flattened)", Impl: yamlPath},
		{Name: "yaml.is_missing", MinArgs: 1, MaxArgs: 1, Doc: "the key is absent from the event (null is present)", Impl: func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.Bool(a[0].IsMissing()), nil
		}},
		{Name: "yaml.ip", MinArgs: 2, MaxArgs: 2, Doc: "the value is an IP address of the kind: any, v4, v6, private, public", Impl: yamlIP},
		{Name: "yaml.in_cidr", MinArgs: 2, MaxArgs: 2, Doc: "the value is an IP address inside the CIDR block", Impl: yamlInCIDR},
		{Name: "yaml.count_true", MinArgs: 0, MaxArgs: -1, Doc: "how many arguments are truthy", Impl: func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			n := 0
			for _, v := range a {
				if v.Truth() {
					n++
				}
			}
			return ast.Int(int64(n)), nil
		}},
		{Name: "yaml.has", MinArgs: 3, MaxArgs: 3, Doc: "Python's `value in field` made total: substring of a string, element of a list, key of an object; the third argument asks for case-insensitive", Impl: yamlHas},
		{Name: "yaml.text", MinArgs: 3, MaxArgs: 3, Doc: "string test between two values: equals, starts_with, ends_with, contains, with a leading i for case-insensitive; false unless both are strings", Impl: yamlText},
	} {
		Builtins[b.Name] = b
	}
}

// yamlPathAll is the wildcard step of yaml.path.
const yamlPathAll = "[*]"

func yamlPath(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	cur := []ast.Value{a[0]}
	fanned := false
	for _, step := range a[1:] {
		var next []ast.Value
		for _, v := range cur {
			switch {
			case step.Kind() == ast.KindString && step.AsString() == yamlPathAll:
				if v.Kind() == ast.KindList {
					next = append(next, v.AsList()...)
				}
			case step.Kind() == ast.KindInt:
				if v.Kind() == ast.KindList {
					l, i := v.AsList(), int(step.AsInt())
					if i < 0 {
						i += len(l)
					}
					if i >= 0 && i < len(l) {
						next = append(next, l[i])
					}
				}
			default:
				if w := Lookup(v, []string{step.Str()}, ast.KeysFold); !w.IsMissing() {
					next = append(next, w)
				}
			}
		}
		if step.Kind() == ast.KindString && step.AsString() == yamlPathAll {
			fanned = true
		}
		cur = next
	}
	if fanned {
		return ast.List(cur...), nil
	}
	if len(cur) == 0 {
		return ast.Missing, nil
	}
	return cur[0], nil
}

func parseIP(v ast.Value) (netip.Addr, bool) {
	if v.Kind() != ast.KindString {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(v.AsString()))
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// yamlIP follows Python's ipaddress module, which the Panther helpers use:
// is_private covers RFC 1918, loopback, link-local, and the other reserved
// blocks Go's IsPrivate leaves out; public means a global unicast address.
func yamlIP(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	ip, ok := parseIP(a[0])
	if !ok {
		return ast.False, nil
	}
	switch a[1].Str() {
	case "v4":
		return ast.Bool(ip.Is4()), nil
	case "v6":
		return ast.Bool(ip.Is6()), nil
	case "private":
		return ast.Bool(isPrivateIP(ip)), nil
	case "public":
		return ast.Bool(!isPrivateIP(ip) && ip.IsGlobalUnicast()), nil
	}
	return ast.True, nil
}

var privateBlocks = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
		"fc00::/7", "fe80::/10",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// PrivateIPBlocks are the blocks yaml.ip calls private (IsIPAddressPrivate),
// as CIDR text.
func PrivateIPBlocks() []string {
	out := make([]string, len(privateBlocks))
	for i, p := range privateBlocks {
		out[i] = p.String()
	}
	return out
}

func isPrivateIP(ip netip.Addr) bool {
	for _, p := range privateBlocks {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func yamlInCIDR(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	ip, ok := parseIP(a[0])
	if !ok {
		return ast.False, nil
	}
	p, err := netip.ParsePrefix(a[1].Str())
	if err != nil {
		return ast.False, nil
	}
	return ast.Bool(p.Masked().Contains(ip)), nil
}

func yamlText(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	x, y, op := a[0], a[1], a[2].Str()
	if x.Kind() != ast.KindString || y.Kind() != ast.KindString {
		return ast.False, nil
	}
	s, p := x.AsString(), y.AsString()
	if f, ok := strings.CutPrefix(op, "i"); ok {
		op, s, p = f, strings.ToLower(s), strings.ToLower(p)
	}
	switch op {
	case "equals":
		return ast.Bool(s == p), nil
	case "starts_with":
		return ast.Bool(strings.HasPrefix(s, p)), nil
	case "ends_with":
		return ast.Bool(strings.HasSuffix(s, p)), nil
	case "contains":
		return ast.Bool(strings.Contains(s, p)), nil
	}
	return ast.False, nil
}

// elements evaluates ast.Elements: Pred once per list element, with the element
// as the record and everything else (mocks, data model) unchanged.
func (c *compiler) elements(n *ast.Elements) fn {
	x, pred, q := c.expr(n.X), c.expr(n.Pred), n.Quant
	return func(env *Env) (ast.Value, error) {
		v, err := x(env)
		if err != nil {
			return v, err
		}
		if v.Kind() != ast.KindList {
			return ast.Bool(q == ast.NoElement), nil
		}
		sub := *env
		count := 0
		for _, e := range v.AsList() {
			sub.Record = e
			r, err := pred(&sub)
			if err != nil {
				return r, err
			}
			if r.Truth() {
				count++
				if q == ast.AnyElement || q == ast.NoElement {
					break
				}
			} else if q == ast.AllElements {
				return ast.False, nil
			}
		}
		switch q {
		case ast.AnyElement:
			return ast.Bool(count > 0), nil
		case ast.NoElement:
			return ast.Bool(count == 0), nil
		case ast.OnlyOneElement:
			return ast.Bool(count == 1), nil
		}
		return ast.True, nil
	}
}

func yamlHas(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
	field, v, fold := a[0], a[1], a[2].Truth()
	same := func(x ast.Value) bool {
		if fold && x.Kind() == ast.KindString && v.Kind() == ast.KindString {
			return strings.EqualFold(x.AsString(), v.AsString())
		}
		return ast.Equal(x, v)
	}
	switch field.Kind() {
	case ast.KindString:
		if v.Kind() != ast.KindString {
			return ast.False, nil
		}
		if fold {
			return ast.Bool(strings.Contains(strings.ToLower(field.AsString()), strings.ToLower(v.AsString()))), nil
		}
		return ast.Bool(strings.Contains(field.AsString(), v.AsString())), nil
	case ast.KindList:
		for _, e := range field.AsList() {
			if same(e) {
				return ast.True, nil
			}
		}
	case ast.KindObject:
		for _, k := range field.AsObject().Keys {
			if same(ast.String(k)) {
				return ast.True, nil
			}
		}
	}
	return ast.False, nil
}
