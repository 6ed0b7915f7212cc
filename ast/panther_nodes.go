package ast

// Quantifier says how many elements of a list must satisfy Elements.Pred.
type Quantifier uint8

const (
	AnyElement     Quantifier = iota // at least one
	AllElements                      // every one (a list with no elements qualifies)
	NoElement                        // none
	OnlyOneElement                   // exactly one
)

var quantifierNames = [...]string{"any_element", "all_elements", "no_element", "only_one_element"}

func (q Quantifier) String() string {
	if int(q) < len(quantifierNames) {
		return quantifierNames[q]
	}
	return "quantifier?"
}

// Elements is Panther's list comprehension match expression (Condition:
// AnyElement, AllElements, NoElement, OnlyOneElement with Expressions): Pred is
// evaluated with each element of the list X as the record, so the Field paths
// inside Pred are relative to the element. It is needed because no other node
// rebinds the record. When X is not a list (missing, null, a scalar) there is
// nothing to quantify over: the result is false, except NoElement, which is true.
type Elements struct {
	Span
	X     Expr
	Quant Quantifier
	Pred  Expr
}

func (*Elements) exprNode() {}
