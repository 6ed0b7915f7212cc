package eval

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
)

// OTX and GreyNoise V3 enrichment objects (panther_otx_helpers,
// panther_greynoise_helpers): like the IPinfo objects, an object is the
// event's p_enrichment.<lut> mapping marked with its class, and its methods
// are LookupTableMatches._lookup with the class's key path.

type enrichMethod struct {
	path []string
	kind byte // 0: the value; 'b': bool(); 'l': [] when falsy, [s] for a str; 'L': [] when falsy; 'd': a dateutil date, min or max of a list
	max  bool // for 'd': the latest of a list
}

var enrichClasses = map[string]map[string]enrichMethod{
	"OTXPulseIntelligence": {
		"indicator": {path: []string{"indicator"}}, "indicator_type": {path: []string{"indicator_type"}},
		"pulse_id": {path: []string{"id"}}, "name": {path: []string{"name"}}, "description": {path: []string{"description"}},
		"tlp": {path: []string{"tlp"}}, "adversary": {path: []string{"adversary"}},
		"tags": {path: []string{"tags"}, kind: 'l'}, "industries": {path: []string{"industries"}, kind: 'l'},
		"malware_families": {path: []string{"malware_families"}, kind: 'l'}, "references": {path: []string{"references"}, kind: 'l'},
		"target_countries": {path: []string{"target_countries"}, kind: 'l'}, "attack_ids": {path: []string{"attack_ids"}, kind: 'l'},
		"indicator_created": {path: []string{"indicator_created"}, kind: 'd'}, "indicator_expiration": {path: []string{"indicator_expiration"}, kind: 'd', max: true},
		"created": {path: []string{"created"}, kind: 'd'}, "modified": {path: []string{"modified"}, kind: 'd', max: true},
	},
	"GreyNoiseV3ScannerIntelligence": {
		"ip_address": {path: []string{"ip"}},
		"actor":      {path: []string{"internet_scanner_intelligence", "actor"}}, "classification": {path: []string{"internet_scanner_intelligence", "classification"}},
		"is_bot": {path: []string{"internet_scanner_intelligence", "bot"}, kind: 'b'}, "found": {path: []string{"internet_scanner_intelligence", "found"}, kind: 'b'},
		"is_spoofable": {path: []string{"internet_scanner_intelligence", "spoofable"}, kind: 'b'}, "is_tor": {path: []string{"internet_scanner_intelligence", "tor"}, kind: 'b'},
		"is_vpn": {path: []string{"internet_scanner_intelligence", "vpn"}, kind: 'b'}, "vpn_service": {path: []string{"internet_scanner_intelligence", "vpn_service"}},
		"cve_list":   {path: []string{"internet_scanner_intelligence", "cves"}, kind: 'l'},
		"tags":       {path: []string{"internet_scanner_intelligence", "tags"}, kind: 'L'},
		"metadata":   {path: []string{"internet_scanner_intelligence", "metadata"}},
		"first_seen": {path: []string{"internet_scanner_intelligence", "first_seen"}, kind: 'd'},
		"last_seen":  {path: []string{"internet_scanner_intelligence", "last_seen_timestamp"}, kind: 'd', max: true},
	},
	"GreyNoiseV3BusinessService": {
		"ip_address": {path: []string{"ip"}},
		"found":      {path: []string{"business_service_intelligence", "found"}, kind: 'b'},
		"category":   {path: []string{"business_service_intelligence", "category"}}, "description": {path: []string{"business_service_intelligence", "description"}},
		"explanation": {path: []string{"business_service_intelligence", "explanation"}}, "name": {path: []string{"business_service_intelligence", "name"}},
		"reference": {path: []string{"business_service_intelligence", "reference"}}, "trust_level": {path: []string{"business_service_intelligence", "trust_level"}},
		"last_updated": {path: []string{"business_service_intelligence", "last_updated"}, kind: 'd', max: true},
	},
}

// enrichMethodNames are the method names call() offers to callEnrich first
// (some are also IPinfo methods).
var enrichMethodNames = map[string]bool{"context": true, "url": true, "tag_names": true}

func init() {
	addScannerMetadata()
	for _, ms := range enrichClasses {
		for m := range ms {
			enrichMethodNames[m] = true
		}
	}
	for m := range enrichMethodNames {
		if Builtins["py.method."+m] != nil {
			continue
		}
		register(fixed("py.method."+m, 2, "OTX/GreyNoise enrichment ."+m+"(match_field)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.Null, noAttr(pos, a[0], m)
		}))
	}
}

// addScannerMetadata adds the scanner's metadata accessors.
func addScannerMetadata() {
	scanner := enrichClasses["GreyNoiseV3ScannerIntelligence"]
	for _, m := range []string{"asn", "carrier", "category", "datacenter", "domain", "latitude", "longitude", "organization",
		"region", "sensor_count", "sensor_hits", "source_city", "source_country", "source_country_code", "destination_countries"} {
		scanner[m] = enrichMethod{path: []string{"internet_scanner_intelligence", "metadata", m}}
	}
	scanner["is_mobile"] = enrichMethod{path: []string{"internet_scanner_intelligence", "metadata", "mobile"}, kind: 'b'}
	scanner["operating_system"] = enrichMethod{path: []string{"internet_scanner_intelligence", "metadata", "os"}}
	scanner["rev_dns"] = enrichMethod{path: []string{"internet_scanner_intelligence", "metadata", "rdns"}}
	scanner["rev_dns_parent"] = enrichMethod{path: []string{"internet_scanner_intelligence", "metadata", "rdns_parent"}}
}

func enrichObject(class string, lut ast.Value) ast.Value {
	return ast.ObjectOf(&ast.Object{Keys: []string{lutMarker, "matches"}, Vals: []ast.Value{ast.String(class), lut}})
}

// enrichReceiver is the class and lut_matches of an OTX or GreyNoise object.
func enrichReceiver(v ast.Value) (string, ast.Value, bool) {
	class, matches, ok := lutObject(v)
	if !ok || enrichClasses[class] == nil {
		return "", ast.Null, false
	}
	return class, matches, true
}

// findLut is _find_otx_lut_name / _find_greynoise_v3_lut_name.
func findLut(env *Env, pos ast.Pos, ev ast.Value, suffix, marker string) (string, error) {
	enr := evDeep(env, ev, ast.ObjectOf(&ast.Object{}), "p_enrichment")
	if enr.Kind() != ast.KindObject {
		return "", unsupportedf(pos, "p_enrichment that is not a mapping")
	}
	o := enr.AsObject()
	for i, name := range o.Keys {
		if !strings.HasSuffix(name, suffix) {
			continue
		}
		if o.Vals[i].Kind() != ast.KindObject {
			return "", unsupportedf(pos, "enrichment %s that is not a mapping", name)
		}
		for _, m := range o.Vals[i].AsObject().Vals {
			if m.Kind() != ast.KindObject {
				continue
			}
			if v, _ := objGet(env, m.AsObject(), marker); v.Truth() {
				return name, nil
			}
		}
	}
	return "", nil
}

// lookupPath is LookupTableMatches._lookup(match_field, *keys).
func lookupPath(env *Env, pos ast.Pos, matches, field ast.Value, path []string) (ast.Value, error) {
	if field.Kind() != ast.KindString {
		return ast.Null, unsupportedf(pos, "an enrichment lookup by a %s", pyType(field))
	}
	deep := func(v ast.Value) (ast.Value, error) {
		args := []ast.Value{v}
		for _, k := range path {
			args = append(args, ast.String(k))
		}
		return pantherDeepGet(env, pos, args, map[string]ast.Value{})
	}
	m, err := deep2(env, pos, matches, field)
	if err != nil || !m.Truth() {
		return ast.Null, err
	}
	if m.Kind() == ast.KindList {
		out := make([]ast.Value, len(m.AsList()))
		for i, x := range m.AsList() {
			out[i] = ast.Null
			if x.Truth() {
				if out[i], err = deep(x); err != nil {
					return ast.Null, err
				}
			}
		}
		return ast.List(out...), nil
	}
	return deep(m)
}

func deep2(env *Env, pos ast.Pos, matches, field ast.Value) (ast.Value, error) {
	return pantherDeepGet(env, pos, []ast.Value{matches, field}, map[string]ast.Value{})
}

// isoSeconds are the timestamps whose dateutil parse concord is sure of:
// parser.parse gives the naive datetime, and str() of it replaces the T.
var isoSeconds = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$`)

// enrichDate is the dateutil-parsed date methods followed by str(), as the
// alert-context helpers use them: None, or the text of the earliest (latest)
// date.
func enrichDate(pos ast.Pos, v ast.Value, latest bool) (ast.Value, error) {
	if !v.Truth() {
		return ast.Null, nil
	}
	items := []ast.Value{v}
	if v.Kind() == ast.KindList {
		items = v.AsList()
	}
	best := ""
	for _, it := range items {
		s := it.Str()
		if it.Kind() != ast.KindString || !isoSeconds.MatchString(s) || daysIn(atoi(s[:4]), atoi(s[5:7])) < atoi(s[8:10]) {
			return ast.Null, unsupportedf(pos, "dateutil parser.parse(%s)", it.Repr())
		}
		if best == "" || (latest && s > best) || (!latest && s < best) {
			best = s
		}
	}
	return ast.String(strings.Replace(best, "T", " ", 1)), nil
}

func atoi(s string) int {
	n, _ := digits(s, len(s))
	return n
}

// callEnrich runs a method of an enrichment object; ok is false when the
// receiver is not one.
func callEnrich(env *Env, pos ast.Pos, method string, a []ast.Value) (ast.Value, bool, error) {
	class, matches, ok := enrichReceiver(a[0])
	if !ok {
		return ast.Null, false, nil
	}
	if method == "context" || method == "url" || method == "tag_names" {
		if len(a) != 2 {
			return ast.Null, true, unsupportedf(pos, "%s.%s with %d arguments", class, method, len(a)-1)
		}
		v, err := enrichSpecial(env, pos, class, matches, method, a[1])
		return v, true, err
	}
	m, ok := enrichClasses[class][method]
	if !ok {
		return ast.Null, true, fail(pos, "AttributeError: '%s' object has no attribute '%s'", class, method)
	}
	if len(a) != 2 {
		return ast.Null, true, unsupportedf(pos, "%s.%s with %d arguments", class, method, len(a)-1)
	}
	v, err := lookupPath(env, pos, matches, a[1], m.path)
	if err != nil {
		return ast.Null, true, err
	}
	switch m.kind {
	case 'b':
		return ast.Bool(v.Truth()), true, nil
	case 'l', 'L':
		if !v.Truth() {
			return ast.List(), true, nil
		}
		if m.kind == 'l' && v.Kind() == ast.KindString {
			return ast.List(v), true, nil
		}
	case 'd':
		// The method returns a datetime, which concord keeps only as the
		// text str() makes of it; the helpers below are its users.
		return ast.Null, true, unsupportedf(pos, "%s.%s (a dateutil-parsed datetime)", class, method)
	}
	return v, true, nil
}

func enrichSpecial(env *Env, pos ast.Pos, class string, matches ast.Value, method string, field ast.Value) (ast.Value, error) {
	call := func(m string) (ast.Value, error) {
		v, _, err := callEnrich(env, pos, m, []ast.Value{enrichObject(class, matches), field})
		return v, err
	}
	var out ast.Value
	err := func() error {
		switch method {
		case "url":
			base := "https://otx.alienvault.com/pulse/"
			key := []string{"id"}
			if class != "OTXPulseIntelligence" {
				base, key = "https://www.greynoise.io/viz/ip/", []string{"ip"}
			}
			id, err := lookupPath(env, pos, matches, field, key)
			if err != nil {
				return err
			}
			switch {
			case !id.Truth():
				out = ast.Null
			case id.Kind() == ast.KindList:
				var us []ast.Value
				for _, x := range id.AsList() {
					if err := refusePyObjects(pos, "f-string", x); err != nil {
						return err
					}
					us = append(us, ast.String(base+x.Str()))
				}
				out = ast.List(us...)
			case id.Kind() == ast.KindObject:
				return unsupportedf(pos, "%s.url of a mapping", class)
			default:
				out = ast.String(base + id.Str())
			}
		case "tag_names":
			if class != "GreyNoiseV3ScannerIntelligence" {
				return fail(pos, "AttributeError: '%s' object has no attribute 'tag_names'", class)
			}
			tags, err := call("tags")
			if err != nil {
				return err
			}
			out = ast.List()
			if tags.Kind() == ast.KindList {
				var names []ast.Value
				for _, t := range tags.AsList() {
					if err := refusePyObjects(pos, "str()", t); err != nil {
						return err
					}
					if t.Kind() == ast.KindObject {
						v, _ := objGet(env, t.AsObject(), "name")
						if v.IsMissing() {
							v = ast.String("")
						}
						t = v
					}
					names = append(names, ast.String(t.Str()))
				}
				out = ast.List(names...)
			}
		case "context":
			o := &ast.Object{}
			var fields [][2]string
			switch class {
			case "OTXPulseIntelligence":
				fields = [][2]string{{"Indicator", "indicator"}, {"IndicatorType", "indicator_type"}, {"PulseName", "name"},
					{"Adversary", "adversary"}, {"MalwareFamilies", "malware_families"}, {"Tags", "tags"}, {"Industries", "industries"},
					{"TargetCountries", "target_countries"}, {"AttackIDs", "attack_ids"}, {"TLP", "tlp"}, {"OTX_URL", "url"}}
			case "GreyNoiseV3ScannerIntelligence":
				fields = [][2]string{{"IP", "ip_address"}, {"Classification", "classification"}, {"Actor", "actor"},
					{"GreyNoise_URL", "url"}, {"VPN", "vpn_service"}, {"Tor", "is_tor"}, {"Bot", "is_bot"}, {"Metadata", "metadata"},
					{"Tags", "tag_names"}, {"CVEs", "cve_list"}}
			case "GreyNoiseV3BusinessService":
				fields = [][2]string{{"Found", "found"}, {"IP", "ip_address"}, {"Name", "name"}, {"Category", "category"},
					{"TrustLevel", "trust_level"}, {"GreyNoise_URL", "url"}}
			default:
				return unsupportedf(pos, "%s.context", class)
			}
			for _, f := range fields {
				if f[1] == "url" || f[1] == "tag_names" {
					v, err := enrichSpecial(env, pos, class, matches, f[1], field)
					if err != nil {
						return err
					}
					o.Set(f[0], v)
					continue
				}
				v, err := call(f[1])
				if err != nil {
					return err
				}
				o.Set(f[0], v)
			}
			out = ast.ObjectOf(o)
		}
		return nil
	}()
	return out, err
}

var severityLevels = map[string]int{"INFO": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

func severityRank(v ast.Value) int {
	if v.Kind() == ast.KindString {
		if n, ok := severityLevels[v.AsString()]; ok {
			return n
		}
	}
	return -1
}

// otxSeverityFromPulse is otx_severity_from_pulse.
func otxSeverityFromPulse(adversary, families, def ast.Value) ast.Value {
	switch adv, mal := adversary.Truth(), families.Truth(); {
	case adv && mal:
		return ast.String("CRITICAL")
	case adv || mal:
		return ast.String("HIGH")
	}
	return def
}

func init() {
	getter := func(name, class, suffix, marker string) *Builtin {
		return fixed("panther."+name, 1, name+" (panther-analysis global helper)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			lut, err := findLut(env, pos, a[0], suffix, marker)
			if err != nil || lut == "" {
				return ast.Null, err
			}
			return enrichObject(class, evDeep(env, a[0], ast.Null, "p_enrichment", lut)), nil
		})
	}
	def := func(a []ast.Value, i int, kw map[string]ast.Value, d string) ast.Value {
		if i < len(a) {
			return a[i]
		}
		if v, ok := kw["default"]; ok {
			return v
		}
		return ast.String(d)
	}
	register(
		getter("get_otx_object", "OTXPulseIntelligence", "_otx", "indicator_type"),
		getter("get_greynoise_v3_object", "GreyNoiseV3ScannerIntelligence", "_noise", "internet_scanner_intelligence"),
		getter("GetGreyNoiseV3Object", "GreyNoiseV3ScannerIntelligence", "_noise", "internet_scanner_intelligence"),
		getter("get_greynoise_v3_business_service_object", "GreyNoiseV3BusinessService", "_noise", "internet_scanner_intelligence"),
		getter("GetGreyNoiseV3BusinessServiceObject", "GreyNoiseV3BusinessService", "_noise", "internet_scanner_intelligence"),
		fixed("panther.severity_greater_than", 2, "panther_base_helpers.severity_greater_than", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			for _, v := range a {
				if v.Kind() == ast.KindList || v.Kind() == ast.KindObject {
					return ast.Null, fail(pos, "TypeError: unhashable type: '%s'", pyType(v))
				}
			}
			return ast.Bool(severityRank(a[0]) > severityRank(a[1])), nil
		}),
		fixed("panther.greynoise_severity_decode", 2, "greynoise_severity_decode(classification, default)", func(_ *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return greynoiseDecode(a[0], a[1]), nil
		}),
		withKw("panther.otx_severity", 2, 3, []string{"default"}, "otx_severity(event, field, default='MEDIUM')", func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
			d := def(a, 2, kw, "MEDIUM")
			lut, err := findLut(env, pos, a[0], "_otx", "indicator_type")
			if err != nil || lut == "" {
				return d, err
			}
			obj := enrichObject("OTXPulseIntelligence", evDeep(env, a[0], ast.Null, "p_enrichment", lut))
			adv, _, err := callEnrich(env, pos, "adversary", []ast.Value{obj, a[1]})
			if err != nil {
				return ast.Null, err
			}
			mal, _, err := callEnrich(env, pos, "malware_families", []ast.Value{obj, a[1]})
			if err != nil {
				return ast.Null, err
			}
			if adv.Kind() == ast.KindList {
				highest := ast.String("INFO")
				advs, mals := adv.AsList(), mal.AsList()
				if mal.Kind() != ast.KindList {
					return ast.Null, unsupportedf(pos, "otx_severity zipping with a %s", pyType(mal))
				}
				for i := 0; i < len(advs) && i < len(mals); i++ {
					if sev := otxSeverityFromPulse(advs[i], mals[i], d); severityRank(sev) > severityRank(highest) {
						highest = sev
					}
				}
				return highest, nil
			}
			return otxSeverityFromPulse(adv, mal, d), nil
		}),
		fixed("panther.greynoise_v3_alert_context", 2, "greynoise_v3_alert_context(event, field)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			lut, err := findLut(env, pos, a[0], "_noise", "internet_scanner_intelligence")
			if err != nil || lut == "" {
				return ast.ObjectOf(&ast.Object{}), err
			}
			matches := evDeep(env, a[0], ast.Null, "p_enrichment", lut)
			const sc = "GreyNoiseV3ScannerIntelligence"
			ctxV, err := enrichSpecial(env, pos, sc, matches, "context", a[1])
			if err != nil {
				return ast.Null, err
			}
			ctx := ctxV.AsObject()
			for _, f := range [][2]string{{"FirstSeen", "first_seen"}, {"LastSeen", "last_seen"}} {
				m := enrichClasses[sc][f[1]]
				raw, err := lookupPath(env, pos, matches, a[1], m.path)
				if err != nil {
					return ast.Null, err
				}
				v, err := enrichDate(pos, raw, m.max)
				if err != nil {
					return ast.Null, err
				}
				ctx.Set(f[0], v)
			}
			for _, f := range [][2]string{{"Spoofable", "is_spoofable"}, {"Organization", "organization"}, {"SourceCountry", "source_country"},
				{"ASN", "asn"}, {"OperatingSystem", "operating_system"}, {"ReverseDNS", "rev_dns"}} {
				v, _, err := callEnrich(env, pos, f[1], []ast.Value{enrichObject(sc, matches), a[1]})
				if err != nil {
					return ast.Null, err
				}
				ctx.Set(f[0], v)
			}
			bsi := enrichObject("GreyNoiseV3BusinessService", matches)
			found, _, err := callEnrich(env, pos, "found", []ast.Value{bsi, a[1]})
			if err != nil {
				return ast.Null, err
			}
			if found.Truth() {
				v, err := enrichSpecial(env, pos, "GreyNoiseV3BusinessService", matches, "context", a[1])
				if err != nil {
					return ast.Null, err
				}
				ctx.Set("BusinessService", v)
			}
			return ctxV, nil
		}),
		fixed("panther.otx_alert_context", 2, "otx_alert_context(event, field)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			lut, err := findLut(env, pos, a[0], "_otx", "indicator_type")
			if err != nil || lut == "" {
				return ast.ObjectOf(&ast.Object{}), err
			}
			matches := evDeep(env, a[0], ast.Null, "p_enrichment", lut)
			ctxV, err := enrichSpecial(env, pos, "OTXPulseIntelligence", matches, "context", a[1])
			if err != nil {
				return ast.Null, err
			}
			ctx := ctxV.AsObject()
			for _, f := range [][2]string{{"PulseID", "pulse_id"}, {"Description", "description"}, {"References", "references"}} {
				v, _, err := callEnrich(env, pos, f[1], []ast.Value{enrichObject("OTXPulseIntelligence", matches), a[1]})
				if err != nil {
					return ast.Null, err
				}
				ctx.Set(f[0], v)
			}
			for _, f := range [][2]string{{"IndicatorCreated", "indicator_created"}, {"IndicatorExpiration", "indicator_expiration"},
				{"PulseCreated", "created"}, {"PulseModified", "modified"}} {
				m := enrichClasses["OTXPulseIntelligence"][f[1]]
				raw, err := lookupPath(env, pos, matches, a[1], m.path)
				if err != nil {
					return ast.Null, err
				}
				v, err := enrichDate(pos, raw, m.max)
				if err != nil {
					return ast.Null, err
				}
				ctx.Set(f[0], v)
			}
			return ctxV, nil
		}),
	)
}

func greynoiseDecode(class, def ast.Value) ast.Value {
	switch {
	case ast.Equal(class, ast.String("malicious")):
		return ast.String("CRITICAL")
	case ast.Equal(class, ast.String("benign")):
		return ast.String("LOW")
	}
	return def
}

// The IPinfo classes' constructors: unlike get_ipinfo_*, an object even
// without the table (its lookups then give None).
func init() {
	for class, table := range map[string]string{"IPInfoLocation": "ipinfo_location", "IPInfoASN": "ipinfo_asn", "IPInfoPrivacy": "ipinfo_privacy"} {
		register(fixed("panther."+class, 1, "panther_ipinfo_helpers."+class+"(event)", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			lut := evDeep(env, a[0], ast.Null, "p_enrichment", table)
			return ast.ObjectOf(&ast.Object{Keys: []string{lutMarker, "matches"}, Vals: []ast.Value{ast.String(table), lut}}), nil
		}))
	}
}
