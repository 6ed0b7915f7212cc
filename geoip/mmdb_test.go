package geoip

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/geoip/geoiptest"
)

func TestLookup(t *testing.T) {
	db, err := New(geoiptest.Build(map[string]map[string]any{
		"198.51.100.0/24": geoiptest.City("Springfield", "Illinois", "United States", 39.8, -89.6),
		"203.0.113.0/25":  geoiptest.City("Lyon", "Auvergne", "France", 45.76, 4.83),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if db.Type != "concord-test-City" {
		t.Errorf("type %q", db.Type)
	}
	for _, tc := range []struct{ ip, want string }{
		{"198.51.100.7", "Springfield|Illinois|United States|39.8|-89.6|true"},
		{"203.0.113.1", "Lyon|Auvergne|France|45.76|4.83|true"},
		{"203.0.113.200", "missing"},
		{"192.0.2.1", "missing"},
		{"::ffff:198.51.100.9", "Springfield|Illinois|United States|39.8|-89.6|true"},
	} {
		v, err := db.Lookup(netip.MustParseAddr(tc.ip))
		if err != nil {
			t.Fatalf("%s: %v", tc.ip, err)
		}
		got := "missing"
		if !v.IsMissing() {
			o := v.AsObject()
			get := func(path ...string) string {
				x := ast.ObjectOf(o)
				for _, p := range path {
					if x.Kind() == ast.KindList {
						x = x.AsList()[0]
					}
					x, _ = x.AsObject().Get(p)
				}
				return x.Text()
			}
			got = strings.Join([]string{get("city", "names", "en"), get("subdivisions", "names", "en"), get("country", "names", "en"),
				get("location", "latitude"), get("location", "longitude"), get("is_test")}, "|")
		}
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.ip, got, tc.want)
		}
	}
}

func TestNewRejectsBadFiles(t *testing.T) {
	for _, buf := range [][]byte{nil, []byte("not a database"), append([]byte("\xAB\xCD\xEFMaxMind.com"), 0xe0)} {
		if _, err := New(buf); err == nil {
			t.Errorf("%q: no error", buf)
		}
	}
}

func FuzzNew(f *testing.F) {
	f.Add(append([]byte("\xAB\xCD\xEFMaxMind.com"), 0xe0))
	f.Fuzz(func(t *testing.T, buf []byte) {
		db, err := New(buf)
		if err == nil {
			db.Lookup(netip.MustParseAddr("198.51.100.7"))
		}
	})
}
