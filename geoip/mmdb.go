// Package geoip looks IP addresses up in a MaxMind DB file (.mmdb, the format
// of GeoLite2-City and of the database Splunk ships for iplocation), read from
// the MaxMind DB File Format Specification 2.0. concord ships no database: the
// user gives one (--geoip), as Splunk's iplocation needs one installed.
package geoip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"sync"

	"github.com/concordsec/concord/ast"
)

// DB is an open database, held in memory.
type DB struct {
	Path       string
	buf        []byte
	nodeCount  uint64
	recordSize uint64
	ipVersion  uint64
	treeSize   uint64
	dataStart  uint64
	Type       string // database_type, e.g. GeoLite2-City
}

var metadataMarker = []byte("\xAB\xCD\xEFMaxMind.com")

// Open reads a database file.
func Open(path string) (*DB, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	db, err := New(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	db.Path = path
	return db, nil
}

// New reads a database from its bytes.
func New(buf []byte) (*DB, error) {
	at := bytes.LastIndex(buf, metadataMarker)
	if at < 0 {
		return nil, errors.New("not a MaxMind DB file (no metadata marker)")
	}
	d := &decoder{buf: buf[at+len(metadataMarker):]}
	meta, _, err := d.decode(0, 0)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	if meta.Kind() != ast.KindObject {
		return nil, errors.New("metadata is not a map")
	}
	db := &DB{buf: buf}
	for _, f := range []struct {
		key string
		dst *uint64
	}{{"node_count", &db.nodeCount}, {"record_size", &db.recordSize}, {"ip_version", &db.ipVersion}} {
		v, ok := meta.AsObject().Get(f.key)
		if !ok || v.Kind() != ast.KindInt {
			return nil, fmt.Errorf("metadata lacks %s", f.key)
		}
		*f.dst = uint64(v.AsInt())
	}
	if t, ok := meta.AsObject().Get("database_type"); ok {
		db.Type = t.Text()
	}
	if db.recordSize != 24 && db.recordSize != 28 && db.recordSize != 32 {
		return nil, fmt.Errorf("record size %d is not 24, 28 or 32", db.recordSize)
	}
	db.treeSize = db.nodeCount * db.recordSize / 4
	db.dataStart = db.treeSize + 16
	if db.dataStart > uint64(at) {
		return nil, errors.New("search tree is larger than the file")
	}
	return db, nil
}

// Lookup returns the record of the network containing ip, or Missing when
// the database has none.
func (db *DB) Lookup(ip netip.Addr) (ast.Value, error) {
	ip = ip.Unmap()
	bits := ip.AsSlice()
	node := uint64(0)
	depth := 0
	if ip.Is4() && db.ipVersion == 6 {
		// IPv4 addresses live in the IPv6 tree at ::a.b.c.d.
		for ; depth < 96 && node < db.nodeCount; depth++ {
			node = db.record(node, 0)
		}
	} else if ip.Is6() && db.ipVersion == 4 {
		return ast.Missing, nil
	}
	for i := 0; i < len(bits)*8 && node < db.nodeCount; i++ {
		bit := (bits[i/8] >> (7 - uint(i%8))) & 1
		node = db.record(node, bit)
	}
	switch {
	case node == db.nodeCount:
		return ast.Missing, nil
	case node < db.nodeCount:
		return ast.Missing, errors.New("search tree deeper than the address")
	}
	offset := node - db.nodeCount - 16
	d := &decoder{buf: db.buf[db.dataStart:]}
	v, _, err := d.decode(offset, 0)
	return v, err
}

// record is the left (bit 0) or right record of a node.
func (db *DB) record(node uint64, bit byte) uint64 {
	size := db.recordSize / 4 // bytes per node
	b := db.buf[node*size : node*size+size]
	switch db.recordSize {
	case 24:
		if bit == 0 {
			return uint64(b[0])<<16 | uint64(b[1])<<8 | uint64(b[2])
		}
		return uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
	case 28:
		if bit == 0 {
			return uint64(b[3]>>4)<<24 | uint64(b[0])<<16 | uint64(b[1])<<8 | uint64(b[2])
		}
		return uint64(b[3]&0x0f)<<24 | uint64(b[4])<<16 | uint64(b[5])<<8 | uint64(b[6])
	}
	if bit == 0 {
		return uint64(binary.BigEndian.Uint32(b[0:4]))
	}
	return uint64(binary.BigEndian.Uint32(b[4:8]))
}

// decoder reads the data section's values.
type decoder struct{ buf []byte }

const maxDepth = 64

func (d *decoder) byteAt(off uint64) (byte, error) {
	if off >= uint64(len(d.buf)) {
		return 0, errors.New("data offset past the end")
	}
	return d.buf[off], nil
}

func (d *decoder) bytes(off, n uint64) ([]byte, error) {
	if off+n > uint64(len(d.buf)) || off+n < off {
		return nil, errors.New("data runs past the end")
	}
	return d.buf[off : off+n], nil
}

// decode returns the value at off and the offset after it.
func (d *decoder) decode(off uint64, depth int) (ast.Value, uint64, error) {
	if depth > maxDepth {
		return ast.Missing, 0, errors.New("data nested too deeply")
	}
	ctrl, err := d.byteAt(off)
	if err != nil {
		return ast.Missing, 0, err
	}
	off++
	typ := uint64(ctrl >> 5)
	if typ == 1 { // pointer: its own size encoding
		ss, vvv := uint64(ctrl>>3)&3, uint64(ctrl&7)
		b, err := d.bytes(off, ss+1)
		if err != nil {
			return ast.Missing, 0, err
		}
		var p uint64
		switch ss {
		case 0:
			p = vvv<<8 | uint64(b[0])
		case 1:
			p = (vvv<<16 | uint64(b[0])<<8 | uint64(b[1])) + 2048
		case 2:
			p = (vvv<<24 | uint64(b[0])<<16 | uint64(b[1])<<8 | uint64(b[2])) + 526336
		default:
			p = uint64(binary.BigEndian.Uint32(b))
		}
		v, _, err := d.decode(p, depth+1)
		return v, off + ss + 1, err
	}
	if typ == 0 { // extended type
		b, err := d.byteAt(off)
		if err != nil {
			return ast.Missing, 0, err
		}
		typ, off = 7+uint64(b), off+1
	}
	size := uint64(ctrl & 0x1f)
	if size >= 29 {
		n := size - 28
		b, err := d.bytes(off, n)
		if err != nil {
			return ast.Missing, 0, err
		}
		off += n
		switch n {
		case 1:
			size = 29 + uint64(b[0])
		case 2:
			size = 285 + (uint64(b[0])<<8 | uint64(b[1]))
		default:
			size = 65821 + (uint64(b[0])<<16 | uint64(b[1])<<8 | uint64(b[2]))
		}
	}
	switch typ {
	case 2, 4: // UTF-8 string, bytes
		b, err := d.bytes(off, size)
		return ast.String(string(b)), off + size, err
	case 3: // double
		b, err := d.bytes(off, 8)
		if err != nil {
			return ast.Missing, 0, err
		}
		return ast.Float(math.Float64frombits(binary.BigEndian.Uint64(b))), off + 8, nil
	case 15: // float
		b, err := d.bytes(off, 4)
		if err != nil {
			return ast.Missing, 0, err
		}
		return ast.Float(float64(math.Float32frombits(binary.BigEndian.Uint32(b)))), off + 4, nil
	case 5, 6, 8, 9, 10: // unsigned and signed integers, big-endian in size bytes
		b, err := d.bytes(off, size)
		if err != nil || size > 8 {
			if err == nil {
				err = errors.New("integer wider than 64 bits")
			}
			return ast.Missing, 0, err
		}
		var n uint64
		for _, c := range b {
			n = n<<8 | uint64(c)
		}
		if typ == 8 && size == 4 {
			return ast.Int(int64(int32(n))), off + size, nil
		}
		return ast.Int(int64(n)), off + size, nil
	case 14: // boolean: the size is the value
		return ast.Bool(size != 0), off, nil
	case 7: // map
		o := &ast.Object{}
		for i := uint64(0); i < size; i++ {
			k, next, err := d.decode(off, depth+1)
			if err != nil {
				return ast.Missing, 0, err
			}
			v, after, err := d.decode(next, depth+1)
			if err != nil {
				return ast.Missing, 0, err
			}
			o.Set(k.Text(), v)
			off = after
		}
		return ast.ObjectOf(o), off, nil
	case 11: // array
		vals := make([]ast.Value, 0, min(size, 1024))
		for i := uint64(0); i < size; i++ {
			v, next, err := d.decode(off, depth+1)
			if err != nil {
				return ast.Missing, 0, err
			}
			vals = append(vals, v)
			off = next
		}
		return ast.List(vals...), off, nil
	}
	return ast.Missing, 0, fmt.Errorf("data type %d is not a value", typ)
}

var (
	defaultMu sync.RWMutex
	defaultDB *DB
)

// SetDefault makes db the database iplocation uses (the CLI's --geoip).
func SetDefault(db *DB) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	defaultDB = db
}

// Default is the database set with SetDefault, or nil.
func Default() *DB {
	defaultMu.RLock()
	defer defaultMu.RUnlock()
	return defaultDB
}
