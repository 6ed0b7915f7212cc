package spl

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// Source is a search or expression string and where it sits in its file.
type Source struct {
	File string
	At   ast.Pos // position of Text's first byte in File
	Text string
	// Indent is the column (1-based) at which continuation lines start, for text
	// from a YAML block scalar; 0 means column 1.
	Indent int
}

// PosAt is the file position of byte offset off of Text (columns count runes).
func (s *Source) PosAt(off int) ast.Pos {
	off = min(max(off, 0), len(s.Text))
	before := s.Text[:off]
	nl := strings.LastIndexByte(before, '\n')
	if nl < 0 {
		return ast.Pos{File: s.File, Line: s.At.Line, Col: s.At.Col + utf8.RuneCountInString(before)}
	}
	base := max(s.Indent, 1)
	return ast.Pos{
		File: s.File,
		Line: s.At.Line + strings.Count(before, "\n"),
		Col:  base + utf8.RuneCountInString(before[nl+1:]),
	}
}

// segment says where a run of the expanded text came from.
type segment struct {
	start, end int    // byte range in the expanded text
	orig       int    // offset in the original text of start (or of the macro call)
	macro      string // non-empty: the run is the expansion of this macro, called at orig
}

// SourceMap maps offsets in expanded text back to the original text.
type SourceMap struct {
	src  *Source
	segs []segment // sorted by start, non-overlapping
}

// Origin is where an offset of the expanded text came from: the original
// position and, for macro output, the outermost macro called there.
func (m *SourceMap) Origin(off int) (ast.Pos, string) {
	i := sort.Search(len(m.segs), func(i int) bool { return m.segs[i].end > off })
	if i == len(m.segs) {
		if len(m.segs) == 0 {
			return m.src.PosAt(off), ""
		}
		// Past the end: the end of the last segment.
		last := m.segs[len(m.segs)-1]
		if last.macro != "" {
			return m.src.PosAt(last.orig), last.macro
		}
		return m.src.PosAt(last.orig + off - last.start), ""
	}
	s := m.segs[i]
	if s.macro != "" {
		return m.src.PosAt(s.orig), s.macro
	}
	return m.src.PosAt(s.orig + max(off-s.start, 0)), ""
}

// Pos is Origin without the macro name.
func (m *SourceMap) Pos(off int) ast.Pos {
	p, _ := m.Origin(off)
	return p
}
