package ast

import "strconv"

// Node is anything lowered from source.
type Node interface {
	Pos() Pos
	End() Pos
}

// Expr is an expression node. The set is closed: only this package adds kinds.
type Expr interface {
	Node
	exprNode()
}

// Dialect says whose rules an operator follows where the platforms differ.
type Dialect uint8

const (
	// Python: Panther rules. == is type-strict and case-sensitive, None == None,
	// `and`/`or` yield operands, comparing str with int raises TypeError.
	Python Dialect = iota
	// SPLEval: Splunk eval/where. == compares numbers numerically when both sides
	// are numbers, strings case-sensitively; any null operand makes the result null
	// (which where treats as false).
	SPLEval
)

func (d Dialect) String() string {
	switch d {
	case Python:
		return "python"
	case SPLEval:
		return "spl_eval"
	}
	return "dialect(" + strconv.Itoa(int(d)) + ")"
}

// Lit is a constant.
type Lit struct {
	Span
	Val Value
}

// Field reads a field of the event or row being evaluated. How a name is found
// (Splunk: exact flat field name; Panther: case-insensitive key at every level)
// is a property of the Rule (Rule.Keys), not of each reference.
type Field struct {
	Span
	Path []string // Splunk: one element, the whole field name (may contain dots); Panther: nested keys
}

// Default yields Else when X is missing, or, when OnNull, also when X is null.
// Python's event.get(k, d) is Default{OnNull:false}; deep_get(..., default=d) is OnNull:true.
type Default struct {
	Span
	X, Else Expr
	OnNull  bool
}

// Not is boolean negation of X's truth (Python truthiness, SPL: null is false).
type Not struct {
	Span
	X Expr
}

// LogicOp is And or Or.
type LogicOp uint8

const (
	And LogicOp = iota
	Or
)

func (o LogicOp) String() string {
	if o == And {
		return "and"
	}
	return "or"
}

// Logic combines Xs left to right with short-circuit.
type Logic struct {
	Span
	Op LogicOp
	Xs []Expr
	// Operand: Python semantics, the result is the deciding operand (`a or b`
	// returns a when a is truthy). Otherwise the result is a bool.
	Operand bool
}

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	Eq CmpOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
)

var cmpNames = [...]string{"==", "!=", "<", "<=", ">", ">="}

func (o CmpOp) String() string { return cmpNames[o] }

// Compare is a binary comparison with the dialect's typing rules.
type Compare struct {
	Span
	Op      CmpOp
	X, Y    Expr
	Dialect Dialect
}

// MatchKind is how Match.Pattern is applied.
type MatchKind uint8

const (
	MatchExact    MatchKind = iota // whole value equals Pattern
	MatchWildcard                  // Pattern with * matching any run of characters (Splunk search, fnmatch-like)
	MatchPrefix                    // value starts with Pattern
	MatchSuffix                    // value ends with Pattern
	MatchContains                  // value contains Pattern
	MatchRegex                     // unanchored RE2 pattern
	MatchLike                      // SQL LIKE: % any run, _ one character (SPL like())
)

var matchNames = [...]string{"exact", "wildcard", "prefix", "suffix", "contains", "regex", "like"}

func (k MatchKind) String() string { return matchNames[k] }

// Match tests a value against a constant pattern.
type Match struct {
	Span
	X       Expr
	Kind    MatchKind
	Pattern string
	// Fold: compare case-insensitively (Splunk search terms, Panther I-conditions).
	Fold bool
	// Search: Splunk base-search term semantics. Numbers and booleans are matched by
	// their text, a multivalue field matches when any value matches, and a missing or
	// null field never matches. Without Search the value must be a string (Python
	// str methods raise on anything else, which evaluates to an error).
	Search bool
	// Dialect SPLEval (eval's like() and match()): null in, null out; other
	// values are matched by their text, a multivalue field by any value.
	Dialect Dialect
}

// In tests membership: Python `x in y` (list/set/tuple membership, substring of a
// str, key of a dict), SPL eval in(x, ...) (Y is a ListLit).
type In struct {
	Span
	X, Y    Expr
	Dialect Dialect
	// Hashed: Y is a Python set or dict, whose membership test hashes X, so a
	// list or dict X raises TypeError (x in a list does not).
	Hashed bool
}

// Truth is Python truthiness of X as a bool (`if x:`, `bool(x)`).
type Truth struct {
	Span
	X Expr
}

// IsNull is true when X is null or missing (Python `x is None`, SPL isnull(x)).
type IsNull struct {
	Span
	X Expr
}

// Exists is true when the field is present in the event with a non-null value
// (Splunk `field=*`); Missing and Null are both "not there".
type Exists struct {
	Span
	X Expr
}

// Cond is `Then if If else Else` (Python) / if(c, a, b) (SPL). If is tested for truth.
type Cond struct {
	Span
	If, Then, Else Expr
}

// Call calls a builtin function by name. Names are resolved against the builtins
// table when the rule is compiled; an unknown name is a compile error.
type Call struct {
	Span
	Fn   string
	Args []Expr
	// Keywords names Python keyword arguments: the last len(Keywords) Args are
	// passed as name=value, in this order (deep_walk(..., default=""),
	// re.compile(p, flags=...)). Empty for positional-only calls and for SPL.
	Keywords []string
}

// Concat joins the string forms of Parts: Python f-strings and str concatenation
// (str() of each part) or SPL's `.` operator (null when any part is null).
type Concat struct {
	Span
	Parts   []Expr
	Dialect Dialect
}

// ListLit is a list (Python list, tuple or set literal; SPL multivalue).
type ListLit struct {
	Span
	Elems []Expr
}

// DictLit is a Python dict literal.
type DictLit struct {
	Span
	Keys, Vals []Expr
}

// Index is Python subscription x[i] (list index, dict key); a missing key raises.
type Index struct {
	Span
	X, Key Expr
}

// Helper is a named piece of logic that was expanded in place (a Panther global
// helper such as aws_cloudtrail_success, an in-file helper function, a Splunk
// macro). Evaluation runs Body; reports and explanations use Name.
type Helper struct {
	Span
	Name string
	Args []Expr // the arguments as written, for display
	Body Expr
}

func (*Lit) exprNode()     {}
func (*Field) exprNode()   {}
func (*Default) exprNode() {}
func (*Not) exprNode()     {}
func (*Logic) exprNode()   {}
func (*Compare) exprNode() {}
func (*Match) exprNode()   {}
func (*In) exprNode()      {}
func (*Truth) exprNode()   {}
func (*IsNull) exprNode()  {}
func (*Exists) exprNode()  {}
func (*Cond) exprNode()    {}
func (*Call) exprNode()    {}
func (*Concat) exprNode()  {}
func (*ListLit) exprNode() {}
func (*DictLit) exprNode() {}
func (*Index) exprNode()   {}
func (*Helper) exprNode()  {}

// The nodes below carry Python's statement semantics inside one expression. A
// Panther function is folded into a tree whose leaves are the values it returns;
// Let, Loop and Try sit on that tree's spine, and an Exit leaf hands control back
// to the Loop or Try with its Label instead of returning. Locals live in one
// frame per evaluation (the lowerer gives every binding of an inlined helper or
// comprehension its own name), so Let overwrites and Loop bodies see the values
// earlier iterations stored.

// Local reads a local variable of the function being evaluated. Reading one that
// no Let, Loop or Comp has bound raises NameError (Python's UnboundLocalError).
type Local struct {
	Span
	Name string
}

// Let stores X into the local Name (into Names, unpacking an iterable of exactly
// that many items, when Names has more than one) and then evaluates Body. X is
// evaluated before Body, so an exception it raises happens where Python raises it.
type Let struct {
	Span
	Names []string
	X     Expr
	Body  Expr
}

// CompKind is what a comprehension builds.
type CompKind uint8

const (
	CompList  CompKind = iota // [elem for ...], list(...) of a generator
	CompSet                   // {elem for ...}: a list without duplicates, in first-seen order
	CompDict                  // {key: val for ...}: Elem is the key, Val the value
	CompAny                   // any(elem for ...): stops at the first truthy elem
	CompAll                   // all(elem for ...): stops at the first falsy elem
	CompFirst                 // next(elem for ..., Val): the first elem; Val when there is none (Val nil raises StopIteration)
)

var compNames = [...]string{"list", "set", "dict", "any", "all", "first"}

func (k CompKind) String() string { return compNames[k] }

// CompFor is one `for Vars in Iter if Ifs...` clause of a comprehension.
type CompFor struct {
	Vars []string // more than one unpacks each item
	Iter Expr
	Ifs  []Expr
}

// Comp is a Python comprehension or generator expression consumed by
// list/set/dict/any/all/next. Iterating a dict yields its keys, a str its
// characters; anything else that is not a list raises TypeError.
type Comp struct {
	Span
	Kind    CompKind
	Clauses []CompFor // outermost first
	Elem    Expr
	Val     Expr // CompDict: the value; CompFirst: the default (nil: none)
}

// Loop is a Python for statement with what follows it: for each item of Iter it
// stores the item into Vars and evaluates Body. A Body value that is not an Exit
// for this Label is the function's return value and ends the loop. Exit{Label}
// goes on with the next item, Exit{Label, Break} leaves the loop. After the loop
// ends (exhausted or broken) Then is evaluated; Else, when not nil, replaces Then
// on exhaustion (for ... else).
//
// A while loop has Cond instead of Vars and Iter: Body runs while Cond is truthy.
type Loop struct {
	Span
	Label string
	Vars  []string
	Iter  Expr
	Cond  Expr
	Body  Expr
	Else  Expr
	Then  Expr
}

// Exit is the leaf where control leaves a Loop body (Break false: continue or the
// body's end; true: break) or completes a Try's body or handler (Break false).
type Exit struct {
	Span
	Label string
	Break bool
}

// Handler is one except clause: Types are Python exception class names (empty:
// a bare except, which catches every Python exception).
type Handler struct {
	Types []string
	Body  Expr
}

// Try is Python's try statement with what follows it. An exception Body raises is
// matched against the Handlers in order (by Python's class hierarchy: LookupError
// covers KeyError and IndexError, Exception covers them all); the first that
// matches is evaluated instead. Body or a handler reaching Exit{Label} goes on to
// Then (Body through Else first, when Else is not nil). Errors that are not
// Python exceptions (concord lacking a construct or a helper) are never caught.
type Try struct {
	Span
	Label    string
	Body     Expr
	Handlers []Handler
	Else     Expr
	Then     Expr
}

func (*Local) exprNode() {}
func (*Let) exprNode()   {}
func (*Comp) exprNode()  {}
func (*Loop) exprNode()  {}
func (*Exit) exprNode()  {}
func (*Try) exprNode()   {}
