package plan

import (
	"strings"

	"github.com/concordsec/concord/ast"
)

// Project keeps of v what paths reach, with the semantics of the projecting
// decoder: keys are matched case-insensitively (strings.EqualFold), a path
// crossing a list applies to every element, and everything below a path's end
// is kept. Values on the way that are neither objects nor lists are kept as
// they are: no path reads into them, so they change nothing a match reads. A
// match evaluated on Project(v, p.Paths) gives the verdict it gives on v.
func Project(v ast.Value, paths [][]string) ast.Value {
	return newTrie(paths).project(v)
}

// Project is Project(v, p.Paths), v itself when p reads everything.
func (p *Plan) Project(v ast.Value) ast.Value {
	if p.All {
		return v
	}
	p.trieOnce.Do(func() { p.trie = newTrie(p.Paths) })
	return p.trie.project(v)
}

// Project is Project(v, u.Paths), v itself when u reads everything.
func (u *Projection) Project(v ast.Value) ast.Value {
	if u.All {
		return v
	}
	u.trieOnce.Do(func() { u.trie = newTrie(u.Paths) })
	return u.trie.project(v)
}

// trie is a set of paths by key; keys equal under case folding share a node.
type trie struct {
	end  bool
	keys []string
	kids []*trie
}

func newTrie(paths [][]string) *trie {
	t := &trie{}
	for _, p := range paths {
		n := t
		for _, k := range p {
			if n.end {
				break
			}
			n = n.child(k)
		}
		n.end, n.keys, n.kids = true, nil, nil
	}
	return t
}

func (t *trie) child(k string) *trie {
	for i, have := range t.keys {
		if strings.EqualFold(have, k) {
			return t.kids[i]
		}
	}
	c := &trie{}
	t.keys = append(t.keys, k)
	t.kids = append(t.kids, c)
	return c
}

func (t *trie) project(v ast.Value) ast.Value {
	if t.end {
		return v
	}
	switch v.Kind() {
	case ast.KindObject:
		o := v.AsObject()
		out := &ast.Object{}
		for i, k := range o.Keys {
			for j, have := range t.keys {
				if strings.EqualFold(k, have) {
					out.Keys = append(out.Keys, k)
					out.Vals = append(out.Vals, t.kids[j].project(o.Vals[i]))
					break
				}
			}
		}
		return ast.ObjectOf(out)
	case ast.KindList:
		l := v.AsList()
		out := make([]ast.Value, len(l))
		for i, e := range l {
			out[i] = t.project(e)
		}
		return ast.List(out...)
	}
	return v
}
