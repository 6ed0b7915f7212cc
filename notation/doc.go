// Package notation is concord's human-readable condition notation: the text that
// `concord parse --ast` prints for any rule and that parses back into the same
// AST. It extends the notation of the Panther detection catalog, e.g.
//
//	eventSource eq "bedrock.amazonaws.com"
//	eventName eq "DeleteModelInvocationLoggingConfiguration"
//	not (errorCode is_not_null or errorMessage is_not_null)
//
// Lines at the top level are ANDed (a non-operand ast.Logic And). Inside (), []
// and {} line breaks are insignificant; `#` starts a comment that runs to the end
// of the line.
//
// Every ast.Expr round-trips: Parse(Print(x)) is Equal to x (spans aside), and
// Print has exactly one spelling for each node kind and combination of semantic
// flags. The parser accepts a few redundant forms (see "Aliases").
//
// # Operands
//
//	event                      ast.Field{Path: nil} (the whole event)
//	userIdentity.arn           ast.Field{Path: [userIdentity arn]}
//	'userIdentity.arn'         ast.Field{Path: ["userIdentity.arn"]} (one Splunk field)
//	a.'b c'.d                  path elements that are not identifiers
//	                           ([A-Za-z_@$][A-Za-z0-9_@$-]*) are single-quoted; so is a
//	                           first element that is a reserved word ('event', 'not', ...)
//	"text"                     string (Go escapes; \' is not an escape inside "...")
//	42  -7                     int (int64)
//	1.0  2.5e-07  +inf -inf nan float (always with '.', an exponent, or a special)
//	true false null missing    bool, null, and ast.Missing
//	const [1, "a"]             ast.Lit holding a list value
//	const {"k": [1, null]}     ast.Lit holding an object value (key order kept)
//	[a, b]                     ast.ListLit
//	{"k": v, x: y}             ast.DictLit (keys are expressions)
//	x[k]                       ast.Index
//	spl.coalesce(a, b)         ast.Call; the name is dotted identifiers, or one
//	'odd name'(a)              single-quoted string when it is not
//	f(a, default="")           ast.Call with Keywords: the last len(Keywords)
//	                           arguments are written name=value (any name; quoted
//	                           when not an identifier, reserved words allowed)
//	if(c, a, b)                ast.Cond
//	concat(a, b)               ast.Concat, Python dialect (str() of each part)
//	concat_spl(a, b)           ast.Concat, SPLEval dialect (SPL's `.`)
//	helper name(args) { body } ast.Helper (name spelled like a Call name)
//	any_element(x) { pred }    ast.Elements (also all_elements, no_element,
//	                           only_one_element); inside pred, `event` and
//	                           field paths are the element's
//	local("x")  let("x", v, body)  comp(...)  loop(...)  while(...)  next("l")
//	break("l")  try(...)        Python's locals, loops and try (see pyforms.go)
//	and(x)  or()  and*(x)      ast.Logic with fewer than two operands
//	(x)                        grouping
//
// # Operators, loosest first
//
//	a or b or c      ast.Logic{Or}                  a or* b    ast.Logic{Or, Operand}
//	a and b and c    ast.Logic{And}                 a and* b   ast.Logic{And, Operand}
//	not x            ast.Not
//	comparisons and tests (do not chain; write (a eq b) eq c):
//	  x eq y   ne lt le gt ge      ast.Compare, Python dialect
//	  x == y   != <  <= >  >=      ast.Compare, SPLEval dialect
//	  x in y                       ast.In, Python dialect
//	  x in_spl [a, b]              ast.In, SPLEval dialect
//	  x in_set y                   ast.In, Python, Y a set or dict (X must be hashable)
//	  x truthy                     ast.Truth
//	  x is_null                    ast.IsNull
//	  x is_not_null                ast.Not{ast.IsNull}
//	  x exists                     ast.Exists
//	  x <match> "pattern"          ast.Match, see below
//	x default y      ast.Default (left-associative: a default b default c)
//	x default_null y ast.Default{OnNull: true}
//	x[k]             ast.Index (postfix)
//
// An or-chain or and-chain is one n-ary ast.Logic; nested Logic of the same
// operator is parenthesised, and `and` and `and*` (or `or` and `or*`) cannot be
// mixed in one chain without parentheses. The starred forms are Python's and/or
// that yield the deciding operand rather than a bool.
//
// # Match operators
//
// The keyword is [~][i]<kind>: `i` means Fold (case-insensitive), a leading `~`
// means Search (Splunk base-search term semantics: any value of a multivalue
// field, numbers and booleans by their text, missing/null never matches).
//
//	Kind            plain        Fold          Search        Search+Fold
//	MatchExact      equals       iequals       ~equals       ~iequals
//	MatchWildcard   wildcard     iwildcard     ~wildcard     ~iwildcard
//	MatchPrefix     starts_with  istarts_with  ~starts_with  ~istarts_with
//	MatchSuffix     ends_with    iends_with    ~ends_with    ~iends_with
//	MatchContains   contains     icontains     ~contains     ~icontains
//	MatchRegex      regex        iregex        ~regex        ~iregex
//	MatchLike       like         ilike         ~like         ~ilike
//
// The pattern is always a double-quoted string.
//
// # Reserved words
//
// The keywords above (not and or eq ne lt le gt ge in in_spl in_set default
// default_null truthy is_null is_not_null exists, the match words, if concat
// concat_spl helper const event true false null missing nan any_element
// all_elements no_element only_one_element, and the Python forms local let comp
// for val loop loop_else while next break try except try_else) cannot start a
// field path or name a call unquoted; Print quotes them ('exists').
//
// # Aliases
//
// The parser also accepts `not x is_null` for `x is_not_null`, a call name
// single-quoted even when it needs no quotes, `and(a, b)` for `a and b`, a
// leading `+` on numbers, and comments. Print never produces them.
package notation
