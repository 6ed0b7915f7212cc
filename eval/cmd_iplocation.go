package eval

import (
	"net/netip"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/geoip"
)

// iplocationStage follows the iplocation page of Splunk's Search Reference:
// City, Country, Region, lat and lon (with allfields also Continent,
// MetroCode and Timezone) from the database record of the address; a value
// the record lacks is empty; an address without a location adds nothing.
func iplocationStage(c *ast.IplocationCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	db := geoip.Default()
	if db == nil {
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: iplocation needs a GeoIP database (--geoip FILE) at %d:%d", c.Pos().Line, c.Pos().Col)}
	}
	type out struct {
		name string
		path []string
	}
	fields := []out{
		{"City", []string{"city", "names", c.Lang}},
		{"Country", []string{"country", "names", c.Lang}},
		{"Region", []string{"subdivisions", "names", c.Lang}},
		{"lat", []string{"location", "latitude"}},
		{"lon", []string{"location", "longitude"}},
	}
	if c.AllFields {
		fields = append(fields,
			out{"Continent", []string{"continent", "names", c.Lang}},
			out{"MetroCode", []string{"location", "metro_code"}},
			out{"Timezone", []string{"location", "time_zone"}})
	}
	return func(rows []Row, _ *runState) ([]Row, error) {
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			vs := values(v)
			if len(vs) == 0 {
				continue
			}
			text := vs[0].Text()
			if p, err := netip.ParsePrefix(text); err == nil {
				text = p.Addr().String()
			}
			ip, err := netip.ParseAddr(strings.TrimSpace(text))
			if err != nil {
				continue
			}
			rec, err := db.Lookup(ip)
			if err != nil {
				return nil, &RuntimeError{Pos: c.Pos(), Code: ast.CodeEval, Msg: "iplocation: " + db.Path + ": " + err.Error()}
			}
			if rec.IsMissing() {
				continue
			}
			for _, f := range fields {
				val := ast.String("")
				if x := recordPath(rec, f.path); !x.IsNullish() {
					val = x
				}
				r.Fields.Set(c.Prefix+f.name, val)
			}
		}
		return rows, nil
	}, nil
}

// recordPath walks a database record; a list step takes its first element
// (the most specific subdivision).
func recordPath(v ast.Value, path []string) ast.Value {
	for _, p := range path {
		if v.Kind() == ast.KindList {
			if len(v.AsList()) == 0 {
				return ast.Missing
			}
			v = v.AsList()[0]
		}
		if v.Kind() != ast.KindObject {
			return ast.Missing
		}
		v, _ = v.AsObject().Get(p)
	}
	return v
}
