package notation

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Token rules, tried in order (first match wins).
var lexDef = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `#[^\n]*`},
	{Name: "NL", Pattern: `\n`},
	{Name: "Whitespace", Pattern: `[ \t\r]+`},
	{Name: "String", Pattern: `"(?:[^"\\\n]|\\[^\n])*"`},
	{Name: "Quoted", Pattern: `'(?:[^'\\\n]|\\[^\n])*'`},
	{Name: "LogicStar", Pattern: `(?:and|or)\*`},
	{Name: "SearchOp", Pattern: `~[A-Za-z_]+`},
	{Name: "Number", Pattern: `[-+]inf|[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`},
	{Name: "Ident", Pattern: `[A-Za-z_@$][A-Za-z0-9_@$-]*`},
	{Name: "Op", Pattern: `==|!=|<=|>=|<|>`},
	{Name: "Punct", Pattern: `[()\[\]{},:.=]`},
	// Keyword never matches: lex retypes reserved identifiers to it (except
	// after "."), so that a keyword can never be read as a field and the
	// grammar's alternatives never need to backtrack.
	{Name: "Keyword", Pattern: `[^\x00-\x{10FFFF}]`},
	// KwArg never matches either: lex retypes a name followed by "=" to it (a
	// keyword argument of a call, which may be a reserved word: default="").
	{Name: "KwArg", Pattern: `[^\x00-\x{10FFFF}]`},
})

var (
	symbols   = lexDef.Symbols()
	tokNL     = symbols["NL"]
	tokWS     = symbols["Whitespace"]
	tokCmt    = symbols["Comment"]
	tokPunct  = symbols["Punct"]
	tokIdent  = symbols["Ident"]
	tokKw     = symbols["Keyword"]
	tokOp     = symbols["Op"]
	tokStar   = symbols["LogicStar"]
	tokSearch = symbols["SearchOp"]
	tokQuoted = symbols["Quoted"]
	tokKwArg  = symbols["KwArg"]
)

var parser = participle.MustBuild[gFile](
	participle.Lexer(lexDef),
	participle.Elide("Whitespace", "Comment"),
)

// The grammar. Participle fills in the Pos and EndPos fields (EndPos is the
// position just after the node's last token).

type gFile struct {
	Lines []*gOr `parser:"@@ ( NL @@ )*"`
}

type gOr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *gAnd      `parser:"@@"`
	Tail   []*gOrTail `parser:"@@*"`
}

type gOrTail struct {
	Pos lexer.Position
	Op  string `parser:"@( \"or\" | \"or*\" )"`
	X   *gAnd  `parser:"@@"`
}

type gAnd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *gNot       `parser:"@@"`
	Tail   []*gAndTail `parser:"@@*"`
}

type gAndTail struct {
	Pos lexer.Position
	Op  string `parser:"@( \"and\" | \"and*\" )"`
	X   *gNot  `parser:"@@"`
}

type gNot struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *gNot `parser:"  \"not\" @@"`
	X      *gCmp `parser:"| @@"`
}

type gCmp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *gDefault `parser:"@@"`
	Tail   *gCmpTail `parser:"@@?"`
}

type gCmpTail struct {
	Pos     lexer.Position
	Postfix string    `parser:"  @( \"truthy\" | \"is_null\" | \"is_not_null\" | \"exists\" )"`
	Bin     string    `parser:"| ( @( \"eq\" | \"ne\" | \"lt\" | \"le\" | \"gt\" | \"ge\" | \"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"in\" | \"in_spl\" | \"in_set\" )"`
	Y       *gDefault `parser:"    @@ )"`
	Match   string    `parser:"| ( @( SearchOp | \"equals\" | \"iequals\" | \"wildcard\" | \"iwildcard\" | \"starts_with\" | \"istarts_with\" | \"ends_with\" | \"iends_with\" | \"contains\" | \"icontains\" | \"regex\" | \"iregex\" | \"like\" | \"ilike\" | \"regex_spl\" | \"like_spl\" )"`
	Pattern *gToken   `parser:"    @@ )"`
}

type gToken struct {
	Pos   lexer.Position
	Value string `parser:"@String"`
}

type gDefault struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *gPostfix       `parser:"@@"`
	Tail   []*gDefaultTail `parser:"@@*"`
}

type gDefaultTail struct {
	EndPos lexer.Position
	Op     string    `parser:"@( \"default\" | \"default_null\" )"`
	Else   *gPostfix `parser:"@@"`
}

type gPostfix struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *gPrimary `parser:"@@"`
	Index  []*gIndex `parser:"@@*"`
}

type gIndex struct {
	EndPos lexer.Position
	Key    *gOr `parser:"\"[\" @@ \"]\""`
}

type gPrimary struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Paren    *gOr       `parser:"  \"(\" @@ \")\""`
	Fn       string     `parser:"| ( @( \"if\" | \"concat\" | \"concat_spl\" | \"and\" | \"or\" | LogicStar | \"local\" | \"let\" | \"comp\" | \"for\" | \"val\" | \"loop\" | \"loop_else\" | \"next\" | \"break\" | \"try\" | \"except\" | \"try_else\" | \"while\" )"`
	FnArgs   *gArgs     `parser:"    @@ )"`
	Helper   *gHelper   `parser:"| \"helper\" @@"`
	Elements *gElements `parser:"| @@"`
	Const    *gConst    `parser:"| \"const\" @@"`
	List     *gList     `parser:"| @@"`
	Dict     *gDict     `parser:"| @@"`
	Scalar   *gScalar   `parser:"| @@"`
	Event    bool       `parser:"| @\"event\""`
	Path     *gPath     `parser:"| @@"`
}

type gArgs struct {
	Pos  lexer.Position
	Args []*gArg `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
}

type gArg struct {
	Pos     lexer.Position
	Keyword string `parser:"( @KwArg \"=\" )?"`
	X       *gOr   `parser:"@@"`
}

// gElements is ast.Elements: any_element(list) { predicate on each element }.
type gElements struct {
	Quant string `parser:"@( \"any_element\" | \"all_elements\" | \"no_element\" | \"only_one_element\" )"`
	X     *gOr   `parser:"\"(\" @@ \")\""`
	Pred  *gOr   `parser:"\"{\" @@ \"}\""`
}

type gHelper struct {
	Name *gPath `parser:"@@"`
	Body *gOr   `parser:"\"{\" @@ \"}\""`
}

// gPath is a field path, or a call when Args is present.
type gPath struct {
	Pos   lexer.Position
	Elems []*gElem `parser:"@@ ( \".\" @@ )*"`
	Args  *gArgs   `parser:"@@?"`
}

type gElem struct {
	Pos    lexer.Position
	Ident  string `parser:"  @Ident"`
	Quoted string `parser:"| @Quoted"`
}

type gList struct {
	Open  bool   `parser:"@\"[\""`
	Elems []*gOr `parser:"( @@ ( \",\" @@ )* )? \"]\""`
}

type gDict struct {
	Open    bool         `parser:"@\"{\""`
	Entries []*gDictItem `parser:"( @@ ( \",\" @@ )* )? \"}\""`
}

type gDictItem struct {
	Key *gOr `parser:"@@ \":\""`
	Val *gOr `parser:"@@"`
}

type gScalar struct {
	Pos    lexer.Position
	String *string `parser:"  @String"`
	Number *string `parser:"| @Number"`
	Word   *string `parser:"| @( \"true\" | \"false\" | \"null\" | \"missing\" | \"nan\" )"`
}

type gConst struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Scalar *gScalar      `parser:"  @@"`
	List   *gConstList   `parser:"| @@"`
	Object *gConstObject `parser:"| @@"`
}

type gConstList struct {
	Open  bool      `parser:"@\"[\""`
	Elems []*gConst `parser:"( @@ ( \",\" @@ )* )? \"]\""`
}

type gConstObject struct {
	Open    bool          `parser:"@\"{\""`
	Entries []*gConstItem `parser:"( @@ ( \",\" @@ )* )? \"}\""`
}

type gConstItem struct {
	Key *gToken `parser:"@@ \":\""`
	Val *gConst `parser:"@@"`
}
