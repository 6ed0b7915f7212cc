// Package geoiptest writes small MaxMind DB files for tests, following the
// MaxMind DB File Format Specification 2.0, so readers are tested against the
// format rather than against a database from elsewhere.
package geoiptest

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/netip"
	"sort"
	"strings"
)

// writer encodes values of the data section.
type writer struct{ data bytes.Buffer }

func (w *writer) ctrl(typ, size int) {
	if typ > 7 {
		w.data.WriteByte(byte(size))
		w.data.WriteByte(byte(typ - 7))
		return
	}
	switch {
	case size < 29:
		w.data.WriteByte(byte(typ<<5 | size))
	case size < 285:
		w.data.WriteByte(byte(typ<<5 | 29))
		w.data.WriteByte(byte(size - 29))
	default:
		w.data.WriteByte(byte(typ<<5 | 30))
		binary.Write(&w.data, binary.BigEndian, uint16(size-285))
	}
}

func (w *writer) value(v any) {
	switch v := v.(type) {
	case string:
		w.ctrl(2, len(v))
		w.data.WriteString(v)
	case float64:
		w.ctrl(3, 8)
		binary.Write(&w.data, binary.BigEndian, math.Float64bits(v))
	case uint32:
		w.ctrl(6, 4)
		binary.Write(&w.data, binary.BigEndian, v)
	case bool:
		n := 0
		if v {
			n = 1
		}
		w.data.WriteByte(byte(n))
		w.data.WriteByte(byte(14 - 7))
	case []any:
		w.data.WriteByte(byte(len(v)))
		w.data.WriteByte(byte(11 - 7))
		for _, e := range v {
			w.value(e)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.ctrl(7, len(keys))
		for _, k := range keys {
			w.value(k)
			w.value(v[k])
		}
	}
}

type trieNode struct {
	kids [2]*trieNode
	data int // offset+1 into the data section, 0 when none
}

// Build returns a database (IPv4, 24-bit records) holding networks.
func Build(networks map[string]map[string]any) []byte {
	root := &trieNode{}
	w := &writer{}
	var nets []string
	for n := range networks {
		nets = append(nets, n)
	}
	sort.Strings(nets)
	for _, n := range nets {
		p := netip.MustParsePrefix(n)
		off := w.data.Len()
		w.value(networks[n])
		node, b := root, p.Addr().As4()
		for i := 0; i < p.Bits(); i++ {
			bit := (b[i/8] >> (7 - uint(i%8))) & 1
			if node.kids[bit] == nil {
				node.kids[bit] = &trieNode{}
			}
			node = node.kids[bit]
		}
		node.data = off + 1
	}
	var nodes []*trieNode
	var number func(n *trieNode)
	number = func(n *trieNode) {
		if n == nil || n.data != 0 {
			return
		}
		nodes = append(nodes, n)
		number(n.kids[0])
		number(n.kids[1])
	}
	number(root)
	index := map[*trieNode]int{}
	for i, n := range nodes {
		index[n] = i
	}
	var out bytes.Buffer
	rec := func(k *trieNode) uint32 {
		switch {
		case k == nil:
			return uint32(len(nodes))
		case k.data != 0:
			return uint32(len(nodes) + 16 + k.data - 1)
		}
		return uint32(index[k])
	}
	for _, n := range nodes {
		for _, k := range n.kids {
			r := rec(k)
			out.Write([]byte{byte(r >> 16), byte(r >> 8), byte(r)})
		}
	}
	out.Write(make([]byte, 16))
	out.Write(w.data.Bytes())
	out.WriteString("\xAB\xCD\xEFMaxMind.com")
	meta := &writer{}
	meta.value(map[string]any{"node_count": uint32(len(nodes)), "record_size": uint32(24), "ip_version": uint32(4),
		"database_type": "concord-test-City", "binary_format_major_version": uint32(2)})
	out.Write(meta.data.Bytes())
	return out.Bytes()
}

// City is a GeoLite2-City-shaped record.
func City(name, region, country string, lat, lon float64) map[string]any {
	return map[string]any{
		"city":         map[string]any{"names": map[string]any{"en": name}},
		"country":      map[string]any{"names": map[string]any{"en": country}, "iso_code": strings.ToUpper(country[:2])},
		"subdivisions": []any{map[string]any{"names": map[string]any{"en": region}}},
		"location":     map[string]any{"latitude": lat, "longitude": lon, "time_zone": "Etc/UTC", "metro_code": uint32(7)},
		"continent":    map[string]any{"names": map[string]any{"en": "Testland"}},
		"is_test":      true,
	}
}
