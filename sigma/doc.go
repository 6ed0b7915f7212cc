// Package sigma reads and writes Sigma rules (the Sigma rules specification,
// SigmaHQ/sigma-specification v2.1.0: specification/sigma-rules-specification.md
// and the appendices on modifiers and tags) for the subset concord converts:
// field conditions on AWS CloudTrail, in the portable form (package
// portable), whose semantics are stated there.
//
// Load reads a rule file; Print writes a portable rule in SigmaHQ's layout
// (sigmahq/sigmahq-rule-convention.md). Load(Print(r)) has r's condition
// (up to the order of ANDed parts, De Morgan's `not 1 of filter_main_*`, and
// the forms listed under Print).
//
// # Reading (Load)
//
// Keys: title (Name), id (ID), description, references, author, date
// (YYYY-MM-DD; the YYYY/MM/DD of older rules is read as well), tags
// (attack.t1562.001 becomes the MITRE technique id T1562.001; every other
// tag, tactics such as attack.defense-evasion included, is kept in
// Meta.Tags), logsource (product aws and service cloudtrail: LogType
// AWS.CloudTrail; any other log source, or a category, is unsupported),
// detection, falsepositives (one line each in Meta.KnownFalsePositives),
// level (Meta.Severity: informational Info, low Low, medium Medium, high
// High, critical Critical) and fields (Output, split at dots). status and
// modified are checked; related, name, license, scope and custom keys are
// allowed and ignored. A taxonomy other than sigma, correlation rules,
// filters and multi-document rule collections are unsupported.
//
// Detection (spec, "Detection"):
//   - A search identifier is a map (the AND of its entries) or a list of
//     maps (the OR of them). A list of plain values, a scalar, or a key with
//     no field (`'|all':`) is a keyword search: unsupported.
//   - A field name is a path of JSON keys separated by dots
//     (requestParameters.bucketName), as SigmaHQ's CloudTrail rules write
//     them.
//   - A list of values is their OR; with |all, their AND (a single value
//     with |all is an error, as the modifiers appendix says).
//   - Values match case-insensitively ("All values are treated as
//     case-insensitive strings"): Fold is set, unless |cased.
//   - `*` matches any run of characters and `?` one character; a backslash
//     escapes `*`, `?` and itself, and is a plain backslash before anything
//     else (section "Escape Character"; pySigma's SigmaString reads it so).
//     A value reads as the narrowest portable test that says it exactly:
//     eq, prefix (`abc*`), suffix, contains (`*abc*`), wildcard; a `?`, or
//     a literal `*` among wildcards, gives an anchored regex.
//   - contains, startswith and endswith add the `*` the value lacks
//     (pySigma); re takes the value as a regular expression, case-sensitive
//     unless |i (the appendix: "Regex is matched case-sensitive by
//     default"; |i sets Fold), with |m and |s as (?m) and (?s), unanchored
//     (the appendix lists ^ and $ as anchors); a pattern RE2 cannot compile
//     (lookaround, backreferences) is unsupported. cidr takes a network
//     (a bare address is its /32 or /128). lt, lte, gt and gte take a
//     number. neq negates the entry.
//   - `field: null` is "missing or null" (section "Special Field Values"),
//     portable's not-exists exactly. null inside a list is an error (the
//     spec says it cannot be).
//   - `field|exists: true` is portable exists (false: not exists). The
//     appendix says exists checks presence only, "be it empty or null";
//     portable exists is false on null: a lossy point (kind null).
//   - A number (unquoted, decimal) compares to the field's value as a
//     number ("the value is a string or integer value", section "Maps"):
//     `field: 5` reads as `field ge 5 and field le 5`, the exact portable
//     form for a number and for a string that holds it. Numbers in other
//     spellings (hex, exponents) are unsupported, and so are booleans
//     (portable cannot test a JSON boolean; quote the value to compare the
//     text).
//   - A quoted value that looks like a JSON number ('5') is a string test:
//     Sigma treats values as strings, so a backend may also match the
//     number 5, which portable does not (lossy, kind string-as-number);
//     'true' and 'false' likewise (lossy on the field).
//   - Unsupported modifiers: windash, base64, base64offset, utf16le,
//     utf16be, utf16, wide, expand, fieldref and the time parts (minute ...
//     year); each error names the modifier and its position.
//
// Condition (spec, "Condition"): and, or, not, parentheses, `1 of pattern`
// (pySigma also reads `any of`), `all of pattern`, `1 of them`, `all of
// them`; `*` in a pattern matches any run of characters, and identifiers
// starting with `_` are left out unless the pattern starts with `_`. The
// precedence is or, and, not (loosest first). A list of conditions is their
// OR. The deprecated aggregations (`| count() by x > 5`) and timeframe are
// unsupported.
//
// Every problem is an ast.Error with file:line:col (yaml.v3 gives lines only
// for YAML syntax errors): CodeSchema for input that is not a valid Sigma
// rule, CodeParse for condition syntax, CodeUnsupported for valid Sigma that
// portable cannot say, CodeIO for an unreadable file.
//
// # Writing (Print)
//
// title, id (the rule's id when it is a UUID, else a name-based UUID,
// version 5 from SHA-1, of "concord:" and the id, or of the name), status
// test, description (a literal block when it has several lines),
// references, author, date (YYYY-MM-DD), tags (attack.<tactic> for the 14
// Enterprise tactic ids, attack.t1562.001 for techniques, then the tags that
// are Sigma tags already), logsource, detection, fields, falsepositives
// (one item a line; Unknown, SigmaHQ's word, when there are none) and
// level. Values are single-quoted; `*` and `?` in literal text are escaped.
//
// The condition: the plain field tests of the top-level AND are `selection`
// (one map; several single values of one field and comparison join as
// |all), the negated parts are `filter_main_*` identifiers
// (`selection and not filter_main_x`, or `not 1 of filter_main_*`), and
// other structure becomes the condition, with an identifier for each part a
// map or a list of maps can hold. Fold false is |cased (left out when no
// value has a letter with another case); Regex with Fold is |re|i; a
// comparison's value is written as a YAML number.
//
// Forms that come back different but equal from Load: exists is written
// `not filter` of `field: null`; wildcard values of the shape `abc*`,
// `*abc`, `*abc*` come back as prefix, suffix, contains; contains,
// prefix or suffix of the empty string comes back as the wildcard `*`.
//
// Success (Panther's aws_cloudtrail_success: errorCode and errorMessage both
// falsy) is written as errorCode null or the empty string, and errorMessage
// null or the empty string: exact for every string and missing value; a
// falsy value that is not a string (0, false, [], {}) is the lossy point. eq constants that look like
// numbers or booleans are lossy as when reading. A field key holding a dot
// or a |, a test with no values, an always-true or always-false condition,
// or a log type with no Sigma log source is an error.
package sigma
