// Package ast is the shared representation that both front ends (spl, panther) lower
// into and that the evaluator runs. It imports nothing else from the project and no
// parser library: semantics that differ between the platforms are fields of the nodes,
// never guesses made by the evaluator.
package ast

import "fmt"

// Pos is a position in a source file. Line and Col are 1-based; the zero Pos is
// "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	switch {
	case !p.IsValid() && p.File == "":
		return "-"
	case !p.IsValid():
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Span is the source range a node was lowered from. Nodes embed it, which gives
// them Pos and End.
type Span struct {
	From, To Pos
}

// Pos is where the node starts.
func (s Span) Pos() Pos { return s.From }

// End is where the node ends.
func (s Span) End() Pos { return s.To }
