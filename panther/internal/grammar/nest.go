package grammar

// Ands is o read with Python's precedence, loosest first: `or`, `and`, `not`,
// the comparisons, then the binary operators (whose own precedence lowering
// applies, see BinExpr). Each operand's positions are those a grammar with a
// struct per level would have given it.
func (o *OrExpr) Ands() []*AndExpr {
	if o.ands == nil {
		o.ands = o.nest()
	}
	return o.ands
}

func (o *OrExpr) nest() []*AndExpr {
	var (
		ors []*AndExpr
		xs  []*NotExpr // the operands of the `and` being read
		// The comparison being read, the `not`s before it, its operand being
		// read and the comparison operator before that (nil for the first).
		nots = o.Nots
		cmp  = &Comparison{}
		bin  = binOf(o.X)
		op   *OpTail
	)
	endBin := func() {
		if op == nil {
			cmp.X = bin
		} else {
			cmp.Tail = append(cmp.Tail, &CompTail{Pos: op.Pos, Op: op.Op, Y: bin})
		}
		cmp.Pos, cmp.EndPos = cmp.X.Pos, bin.EndPos
	}
	endNot := func() {
		endBin()
		n := &NotExpr{Pos: cmp.Pos, EndPos: cmp.EndPos, X: cmp}
		for i := len(nots) - 1; i >= 0; i-- {
			n = &NotExpr{Pos: nots[i].Pos, EndPos: cmp.EndPos, Not: n}
		}
		xs = append(xs, n)
	}
	endAnd := func() {
		endNot()
		ors = append(ors, &AndExpr{Pos: xs[0].Pos, EndPos: xs[len(xs)-1].EndPos, Xs: xs})
		xs = nil
	}
	for _, t := range o.Tail {
		switch {
		case t.Bool == "and":
			endNot()
		case t.Bool == "or":
			endAnd()
		case comparisons[t.Op[0]]:
			endBin()
			op, bin = t, binOf(t.Y)
			continue
		default:
			bin.Tail = append(bin.Tail, &BinTail{Pos: t.Pos, Op: t.Op[0], Y: t.Y})
			bin.EndPos = t.Y.EndPos
			continue
		}
		nots, cmp, bin, op = t.Nots, &Comparison{}, binOf(t.Y), nil
	}
	endAnd()
	return ors
}

// comparisons are the first words of the comparison operators.
var comparisons = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "in": true, "not": true, "is": true}

func binOf(u *Unary) *BinExpr { return &BinExpr{Pos: u.Pos, EndPos: u.EndPos, X: u} }
