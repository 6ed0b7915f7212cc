package eval

import (
	"net/netip"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Panther's global helpers (panther-analysis/global_helpers) that rules call
// and that concord runs natively, following the helper sources.

func init() {
	register(
		withKw("panther.deep_get", 1, -1, []string{"default"}, "panther_base_helpers.deep_get(d, *keys, default=None)", pantherDeepGet),
		withKw("panther.deep_walk", 1, -1, []string{"default", "return_val"}, "panther_base_helpers.deep_walk(obj, *keys, default=None, return_val='all')", pantherDeepWalk),
		fixed("panther.is_ip_in_network", 2, "panther_base_helpers.is_ip_in_network(ip, networks)", pantherIPInNetwork),
		fixed("panther.pattern_match", 2, "panther_base_helpers.pattern_match(s, pattern): fnmatch", pyFnmatch),
		fixed("panther.pattern_match_list", 2, "panther_base_helpers.pattern_match_list(s, patterns)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			pats, err := pyIter(pos, a[1])
			if err != nil {
				return ast.Null, err
			}
			for _, p := range pats {
				m, err := pyFnmatch(env, pos, []ast.Value{a[0], p})
				if err != nil || m.Truth() {
					return m, err
				}
			}
			return ast.False, nil
		}),
		fixed("panther.lookup_aws_account_name", 1, "panther_aws_helpers.lookup_aws_account_name: returns the id (the helper is deprecated to that)", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return a[0], nil
		}),
		fixed("panther.aws_cloudtrail_success", 1, "panther_aws_helpers.aws_cloudtrail_success(event)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			for _, k := range []string{"errorCode", "errorMessage"} {
				v, err := pyDictGet(env, pos, []ast.Value{a[0], ast.String(k), ast.String("")})
				if err != nil || v.Truth() {
					return ast.False, err
				}
			}
			return ast.True, nil
		}),
	)
}

// pantherDeepGet: reduce(lambda d, key: d.get(key, default) if isinstance(d,
// Mapping) else default, keys, dictionary), then None becomes default. Lists
// are not walked.
func pantherDeepGet(env *Env, _ ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	def, ok := kw["default"]
	if !ok {
		def = ast.Null
	}
	out := a[0]
	for _, k := range a[1:] {
		if out.Kind() != ast.KindObject {
			out = def
			continue
		}
		if k.Kind() != ast.KindString {
			out = def
			continue
		}
		v, found := objGet(env, out.AsObject(), k.AsString())
		if !found {
			v = def
		}
		out = v
	}
	if out.IsNullish() {
		return def, nil
	}
	return out, nil
}

// pantherDeepWalk follows deep_walk: like deep_get, but a list on the way is
// walked item by item and the distinct values found are collected.
func pantherDeepWalk(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	def, ok := kw["default"]
	if !ok {
		def = ast.Null
	}
	ret := "all"
	if r, ok := kw["return_val"]; ok {
		ret = r.Str()
	}
	var walk func(obj ast.Value, keys []ast.Value) (ast.Value, error)
	var emptyList func(v ast.Value) bool
	emptyList = func(v ast.Value) bool {
		if v.Kind() != ast.KindList {
			return false
		}
		for _, e := range v.AsList() {
			if !emptyList(e) {
				return false
			}
		}
		return true
	}
	walk = func(obj ast.Value, keys []ast.Value) (ast.Value, error) {
		if len(keys) == 0 {
			if emptyList(obj) {
				return def, nil
			}
			return obj, nil
		}
		switch obj.Kind() {
		case ast.KindObject:
			if keys[0].Kind() != ast.KindString {
				return ast.Null, unsupportedf(pos, "deep_walk with a key that is not a str")
			}
			next, found := objGet(env, obj.AsObject(), keys[0].AsString())
			if !found || next.IsNullish() {
				return def, nil
			}
			return walk(next, keys[1:])
		case ast.KindList:
			var found []ast.Value
			add := func(v ast.Value) error {
				if err := hashable(pos, v); err != nil {
					return err
				}
				if v.Kind() == ast.KindList {
					return unsupportedf(pos, "deep_walk collecting a list inside a list")
				}
				for _, f := range found {
					if ast.Equal(f, v) {
						return nil
					}
				}
				found = append(found, v)
				return nil
			}
			for _, item := range obj.AsList() {
				v, err := walk(item, keys)
				if err != nil {
					return ast.Null, err
				}
				if v.IsNullish() {
					continue
				}
				if v.Kind() == ast.KindList {
					for _, sub := range v.AsList() {
						if err := add(sub); err != nil {
							return ast.Null, err
						}
					}
				} else if err := add(v); err != nil {
					return ast.Null, err
				}
			}
			if len(found) == 0 {
				return def, nil
			}
			switch ret {
			case "first":
				return found[0], nil
			case "last":
				return found[len(found)-1], nil
			case "all":
				if len(found) == 1 {
					return found[0], nil
				}
				return ast.List(found...), nil
			}
			// {...}.get(return_val, "all") returns the string "all".
			return ast.String("all"), nil
		}
		// A str, number or None with keys left: nothing found.
		return def, nil
	}
	return walk(a[0], a[1:])
}

// pantherIPInNetwork: any(ip_address(ip) in ip_network(n) for n in networks).
// ip_network is strict: host bits set raise ValueError.
func pantherIPInNetwork(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	nets, err := pyIter(pos, a[1])
	if err != nil {
		return ast.Null, err
	}
	var addr netip.Addr
	for i, n := range nets {
		if i == 0 {
			if addr, err = ipAddr(pos, a[0]); err != nil {
				return ast.Null, err
			}
		}
		if n.Kind() != ast.KindString {
			return ast.Null, unsupportedf(pos, "ip_network() of a %s", pyType(n))
		}
		s := n.AsString()
		if !strings.Contains(s, "/") {
			if addr.Is4() {
				s += "/32"
			} else {
				s += "/128"
			}
		}
		p, perr := netip.ParsePrefix(s)
		if perr != nil {
			return ast.Null, fail(pos, "ValueError: %s does not appear to be an IPv4 or IPv6 network", n.Repr())
		}
		if p.Masked() != p {
			return ast.Null, fail(pos, "ValueError: %s has host bits set", n.Repr())
		}
		if p.Addr().Is4() == addr.Is4() && p.Contains(addr) {
			return ast.True, nil
		}
	}
	return ast.False, nil
}

// evGet is event.get(key, def) on Panther's case-insensitive event.
func evGet(env *Env, ev ast.Value, key string, def ast.Value) ast.Value {
	if ev.Kind() != ast.KindObject {
		return def
	}
	if v, ok := objGet(env, ev.AsObject(), key); ok {
		return v
	}
	return def
}

// evDeep is event.deep_get(keys..., default=def).
func evDeep(env *Env, ev ast.Value, def ast.Value, keys ...string) ast.Value {
	args := []ast.Value{ev}
	for _, k := range keys {
		args = append(args, ast.String(k))
	}
	v, _ := pantherDeepGet(env, ast.Pos{}, args, map[string]ast.Value{"default": def})
	return v
}

func orValue(a, b ast.Value) ast.Value {
	if a.Truth() {
		return a
	}
	return b
}

func init() {
	str := ast.String
	register(
		fixed("panther.aws_rds_context", 1, "panther_aws_helpers.aws_rds_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ctx, err := pantherAwsRuleContext(env, pos, a)
			if err != nil {
				return ctx, err
			}
			o := copyObject(ctx.AsObject())
			ev := a[0]
			o.Set("db_identifier", orValue(evDeep(env, ev, ast.Null, "requestParameters", "dBInstanceIdentifier"),
				evDeep(env, ev, str("N/A"), "requestParameters", "dBClusterIdentifier")))
			o.Set("db_instance_arn", orValue(evDeep(env, ev, ast.Null, "responseElements", "dBInstanceArn"),
				evDeep(env, ev, str("N/A"), "responseElements", "dBClusterArn")))
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.aws_guardduty_context", 1, "panther_aws_helpers.aws_guardduty_context", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			ev, o := a[0], &ast.Object{}
			empty := ast.ObjectOf(&ast.Object{})
			o.Set("description", evGet(env, ev, "description", str("<MISSING DESCRIPTION>")))
			o.Set("severity", evGet(env, ev, "severity", str("<MISSING SEVERITY>")))
			o.Set("id", evGet(env, ev, "id", str("<MISSING ID>")))
			o.Set("type", evGet(env, ev, "type", str("<MISSING TYPE>")))
			o.Set("resource", evGet(env, ev, "resource", empty))
			o.Set("service", evGet(env, ev, "service", empty))
			o.Set("accountId", evGet(env, ev, "accountId", str("<MISSING ACCOUNT ID>")))
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.eks_panther_obj_ref", 1, "panther_aws_helpers.eks_panther_obj_ref", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ev, o := a[0], &ast.Object{}
			res := evDeep(env, ev, str("<NO_OBJECT_RESOURCE>"), "objectRef", "resource")
			sub := evDeep(env, ev, str(""), "objectRef", "subresource")
			if sub.Truth() {
				joined, err := Builtins["py.str.join"].Impl(env, pos, []ast.Value{str("/"), ast.List(res, sub)})
				if err != nil {
					return ast.Null, err
				}
				res = joined
			}
			o.Set("actor", evDeep(env, ev, str("<NO_USERNAME>"), "user", "username"))
			o.Set("ns", evDeep(env, ev, str("<NO_OBJECT_NAMESPACE>"), "objectRef", "namespace"))
			o.Set("object", evDeep(env, ev, str("<NO_OBJECT_NAME>"), "objectRef", "name"))
			o.Set("resource", res)
			o.Set("sourceIPs", evGet(env, ev, "sourceIPs", ast.List(str("0.0.0.0"))))
			o.Set("verb", evGet(env, ev, "verb", str("<NO_VERB>")))
			o.Set("p_source_label", evGet(env, ev, "p_source_label", str("<NO_P_SOURCE_LABEL>")))
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.aws_event_tense", 1, "panther_aws_helpers.aws_event_tense", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			for _, p := range [][2]string{{"Create", "created"}, {"Delete", "deleted"}, {"Start", "started"}, {"Stop", "stopped"}, {"Update", "updated"}} {
				if a[0].Kind() != ast.KindString {
					return ast.Null, noAttr(pos, a[0], "startswith")
				}
				if strings.HasPrefix(a[0].AsString(), p[0]) {
					return str(p[1]), nil
				}
			}
			return a[0], nil
		}),
		fixed("panther.aws_regions", 0, "panther_aws_helpers.aws_regions", func(*Env, ast.Pos, []ast.Value) (ast.Value, error) {
			return strList(strings.Fields(`ap-east-1 ap-northeast-1 ap-northeast-1 ap-northeast-2 ap-northeast-3
				ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ca-central-1
				ca-central-1 eu-central-1 eu-central-1 eu-central-2 eu-north-1 eu-north-1 eu-south-1 eu-south-2
				eu-west-1 eu-west-1 eu-west-2 eu-west-2 eu-west-3 eu-west-3 il-central-1 me-central-1 me-south-1
				sa-east-1 us-east-1 us-east-2 us-west-1 us-west-2`)), nil
		}),
	)
}

// IPinfo enrichment objects (panther_ipinfo_helpers, LookupTableMatches): an
// object is the event's p_enrichment.<table> mapping marked with the table's
// name; its methods look a field's match up as _lookup does.
const lutMarker = "__concord_lookup_table__"

var lutMethods = map[string]map[string]string{
	"ipinfo_location": {"city": "city", "country": "country", "latitude": "lat", "longitude": "lng",
		"postal_code": "postal_code", "region": "region", "region_code": "region_code", "timezone": "timezone"},
	"ipinfo_asn":         {"asn": "asn", "domain": "domain", "name": "name", "route": "route", "type": "type"},
	"ipinfo_privacy":     {"hosting": "hosting", "proxy": "proxy", "tor": "tor", "vpn": "vpn", "relay": "relay", "service": "service"},
	"misp_warning_lists": {"warning_lists": "warning_lists", "cidr": "cidr"},
}

func lutObject(v ast.Value) (string, ast.Value, bool) {
	if v.Kind() != ast.KindObject {
		return "", ast.Null, false
	}
	o := v.AsObject()
	if len(o.Keys) != 2 || o.Keys[0] != lutMarker {
		return "", ast.Null, false
	}
	return o.Vals[0].AsString(), o.Vals[1], true
}

// lutLookup is LookupTableMatches._lookup(match_field, key).
func lutLookup(env *Env, matches, field ast.Value, key string) ast.Value {
	m := evDeep(env, matches, ast.Null, field.Str())
	if field.Kind() != ast.KindString {
		m = ast.Null
	}
	if !m.Truth() {
		return ast.Null
	}
	if m.Kind() == ast.KindList {
		out := make([]ast.Value, len(m.AsList()))
		for i, x := range m.AsList() {
			if x.Truth() {
				out[i] = evDeep(env, x, ast.Null, key)
			} else {
				out[i] = ast.Null
			}
		}
		return ast.List(out...)
	}
	return evDeep(env, m, ast.Null, key)
}

func init() {
	for table, fn := range map[string]string{"ipinfo_location": "get_ipinfo_location", "ipinfo_asn": "get_ipinfo_asn",
		"ipinfo_privacy": "get_ipinfo_privacy", "misp_warning_lists": "get_misp_warning_lists"} {
		register(fixed("panther."+fn, 1, "panther_ipinfo_helpers."+fn, func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			lut := evDeep(env, a[0], ast.Null, "p_enrichment", table)
			if !lut.Truth() {
				return ast.Null, nil
			}
			return ast.ObjectOf(&ast.Object{Keys: []string{lutMarker, "matches"}, Vals: []ast.Value{ast.String(table), lut}}), nil
		}))
	}
	// MISPWarningLists.has_warning_list_id(source_ip, warning_list_id).
	register(fixed("py.method.has_warning_list_id", 3, "MISPWarningLists.has_warning_list_id", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		table, matches, ok := lutObject(a[0])
		if !ok || table != "misp_warning_lists" {
			return ast.Null, noAttr(pos, a[0], "has_warning_list_id")
		}
		// _lookup("p_any_ip_addresses") without keys: the match itself, or for
		// a list each truthy item (None for the others).
		m := evDeep(env, matches, ast.Null, "p_any_ip_addresses")
		if !m.Truth() {
			return ast.False, nil
		}
		items := []ast.Value{m}
		if m.Kind() == ast.KindList {
			items = nil
			for _, x := range m.AsList() {
				if !x.Truth() {
					x = ast.Null
				}
				items = append(items, x)
			}
		}
		for _, ipm := range items {
			pm, err := objMethodGet(env, pos, ipm, "p_match", ast.Null)
			if err != nil {
				return ast.Null, err
			}
			if !ast.Equal(pm, a[1]) {
				continue
			}
			wls, err := objMethodGet(env, pos, ipm, "warning_lists", ast.List())
			if err != nil {
				return ast.Null, err
			}
			list, err := pyIter(pos, wls)
			if err != nil {
				return ast.Null, err
			}
			for _, wl := range list {
				id, err := objMethodGet(env, pos, wl, "id", ast.Null)
				if err != nil {
					return ast.Null, err
				}
				if ast.Equal(id, a[2]) {
					return ast.True, nil
				}
			}
		}
		return ast.False, nil
	}))
	methods := map[string]bool{"context": true}
	for _, ms := range lutMethods {
		for m := range ms {
			methods[m] = true
		}
	}
	for m := range methods {
		register(fixed("py.method."+m, 2, "IPInfo "+m+"(match_field)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			table, matches, ok := lutObject(a[0])
			if !ok {
				return ast.Null, noAttr(pos, a[0], m)
			}
			fields := lutMethods[table]
			if m == "context" && strings.HasPrefix(table, "ipinfo_") {
				o := &ast.Object{}
				names := map[string][]string{
					"ipinfo_location": {"City:city", "Country:country", "Latitude:lat", "Longitude:lng", "PostalCode:postal_code", "Region:region", "RegionCode:region_code", "Timezone:timezone"},
					"ipinfo_asn":      {"ASN:asn", "Domain:domain", "Name:name", "Route:route", "Type:type"},
					"ipinfo_privacy":  {"Hosting:hosting", "Proxy:proxy", "Tor:tor", "VPN:vpn", "Relay:relay", "Service:service"},
				}[table]
				for _, n := range names {
					k, key, _ := strings.Cut(n, ":")
					o.Set(k, lutLookup(env, matches, a[1], key))
				}
				return ast.ObjectOf(o), nil
			}
			key, ok := fields[m]
			if !ok {
				return ast.Null, fail(pos, "AttributeError: '%s' object has no attribute '%s'", table, m)
			}
			return lutLookup(env, matches, a[1], key), nil
		}))
	}
}

// pantherflowCheck raises what panther_base_helpers.pantherflow_investigation
// raises before building its text: p_log_type must be a str when present
// (.lower()), and every p_any_* value but p_any_aws_account_ids must have
// .copy() (a list or dict).
func pantherflowCheck(pos ast.Pos, ev ast.Value) error {
	if lt, ok := getFold(ev, "p_log_type"); ok && lt.Kind() != ast.KindString {
		return noAttr(pos, lt, "lower")
	}
	if ev.Kind() != ast.KindObject {
		return nil
	}
	o := ev.AsObject()
	for i, k := range o.Keys {
		if strings.HasPrefix(k, "p_any_") && k != "p_any_aws_account_ids" {
			if v := o.Vals[i]; v.Kind() != ast.KindList && v.Kind() != ast.KindObject {
				return noAttr(pos, v, "copy")
			}
		}
	}
	return nil
}
