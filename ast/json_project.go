package ast

import (
	"strings"

	"github.com/concordsec/concord/internal/ascii"
)

// Projection is the set of key paths a reader of an event needs; decoding with
// it builds only those parts of the document. A nil *Projection is the whole
// document.
type Projection struct {
	root projNode
}

// projNode is a key path's step: the keys that select it and what below it is
// wanted.
type projNode struct {
	seg   string
	ascii bool
	// full is a path's end: the value is wanted whole.
	full bool
	kids []*projNode
	// lengths has bit n set when a kid's step is ASCII of length n < 64;
	// unusual is set when a kid's step is not, so that most keys are turned
	// down by their length alone.
	lengths uint64
	unusual bool
}

// NewProjection is the projection onto paths, each a sequence of object keys
// from the top of the document. An empty path is the whole document; a path
// that extends another adds nothing to it.
func NewProjection(paths [][]string) *Projection {
	p := &Projection{}
	for _, path := range paths {
		n := &p.root
		for _, seg := range path {
			if n.full {
				break
			}
			n = n.kid(seg)
		}
		*n = projNode{seg: n.seg, ascii: n.ascii, full: true}
	}
	return p
}

// kid is the step for seg, added if missing. Segments equal under case
// folding are one step, since each key they match they all match.
func (n *projNode) kid(seg string) *projNode {
	for _, k := range n.kids {
		if strings.EqualFold(k.seg, seg) {
			return k
		}
	}
	k := &projNode{seg: seg, ascii: ascii.Is(seg)}
	n.kids = append(n.kids, k)
	if k.ascii && len(seg) < 64 {
		n.lengths |= 1 << len(seg)
	} else {
		n.unusual = true
	}
	return k
}

// ParseJSONProjected is ParseJSON keeping only the parts of the document on
// p's paths. The whole document is still checked: an input ParseJSON rejects
// is rejected with the same error.
//
// Keys match path steps under Unicode case folding (strings.EqualFold), as
// Panther's event.get and deep_get fall back to, and keep their spelling in
// the data. At a path's end the value is decoded whole. Before it, an object
// keeps only the keys on a path, an array keeps every element projected the
// same way (a step applies to each element, as Splunk's a{}.b and a Panther
// loop over a list read them), and any other value is kept as it is, so that
// what a rule finds on its paths has the same kind as in the full document.
// Everything else is skipped without being built.
func ParseJSONProjected(data []byte, p *Projection) (Value, error) {
	if p == nil || p.root.full {
		return parseJSON(data, nil)
	}
	return parseJSON(data, &p.root)
}

// project reads the value at i keeping what is under n.
func (d *decoder) project(i int, n *projNode) (Value, int, error) {
	switch d.data[i] {
	case '{':
		return d.projectObject(i+1, n)
	case '[':
		return d.projectArray(i+1, n)
	}
	return d.value(i)
}

func (d *decoder) projectObject(i int, n *projNode) (Value, int, error) {
	i, more, err := d.objectStart(i)
	if !more {
		return ObjectOf(&Object{}), i, err
	}
	m := d.startObject()
	for {
		end, flags, vi, err := d.key(i)
		if err != nil {
			return Missing, vi, err
		}
		var j int
		if k, key := d.step(n, i+1, end-1, flags); k == nil {
			j, err = d.skip(vi)
		} else {
			var v Value
			if k.full {
				v, j, err = d.value(vi)
			} else {
				v, j, err = d.project(vi, k)
			}
			if err == nil {
				d.add(&m, key, v)
			}
		}
		if err != nil {
			return Missing, j, err
		}
		if i, more, err = d.objectNext(j); !more {
			if err != nil {
				return Missing, i, err
			}
			return d.endObject(&m), i, nil
		}
	}
}

func (d *decoder) projectArray(i int, n *projNode) (Value, int, error) {
	i, more, err := d.arrayStart(i)
	if !more {
		return List([]Value{}...), i, err
	}
	vbase := len(d.vals)
	for {
		v, j, err := d.project(i, n)
		if err != nil {
			return Missing, j, err
		}
		d.vals = append(d.vals, v)
		if i, more, err = d.arrayNext(j); !more {
			if err != nil {
				return Missing, i, err
			}
			return d.endArray(vbase), i, nil
		}
	}
}

// step is n's kid that the key with the checked contents data[a:b] selects,
// with the key decoded; nil when no path goes through the key.
func (d *decoder) step(n *projNode, a, b int, flags uint8) (*projNode, string) {
	if flags == 0 {
		// A plain ASCII key can only fold to an ASCII step of its length, or
		// to a step with a non-ASCII letter such as the Kelvin sign.
		raw := d.data[a:b]
		if !n.unusual && (len(raw) >= 64 || n.lengths&(1<<len(raw)) == 0) {
			return nil, ""
		}
		for _, k := range n.kids {
			if k.ascii && len(k.seg) == len(raw) && asciiEqualFold(raw, k.seg) ||
				!k.ascii && strings.EqualFold(string(raw), k.seg) {
				if string(raw) == k.seg {
					return k, k.seg // spelled as in the path, which saves a copy
				}
				return k, d.stringAt(a, b, flags)
			}
		}
		return nil, ""
	}
	key := d.stringAt(a, b, flags)
	for _, k := range n.kids {
		if strings.EqualFold(key, k.seg) {
			return k, key
		}
	}
	return nil, ""
}

func asciiEqualFold(b []byte, s string) bool {
	for i := range b {
		x, y := b[i], s[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 || x|0x20-'a' > 'z'-'a' {
			return false
		}
	}
	return true
}
