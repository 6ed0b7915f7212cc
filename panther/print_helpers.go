package panther

// The helpers a printed module defines, each only when a test uses it. Each
// never raises and is False (or None) for a value of the wrong type, so that
// a value test holds only for a string, as the portable semantics say, where
// str methods would raise (Panther reports a raised exception as an error,
// not a match). Written as black formats them.

var helperOrder = []string{
	"_items", "_lower", "_starts_with", "_ends_with", "_contains", "_matches", "_search", "_in_network",
	"_number", "_less_than", "_at_most", "_greater_than", "_at_least", "_same", "_json",
}

var helperSource = map[string]string{
	"_items": `def _items(value):
    """The value's elements when it is a list, else none (an object is no list)."""
    return value if isinstance(value, list) else []
`,
	"_lower": `def _lower(value):
    """The value in lower case (a long s as s, as case folding has it); None if not a string."""
    return value.lower().replace("\u017f", "s") if isinstance(value, str) else None
`,
	"_starts_with": `def _starts_with(value, prefixes):
    """Whether the value is a string starting with prefixes (a string, or a tuple: any)."""
    return isinstance(value, str) and value.startswith(prefixes)
`,
	"_ends_with": `def _ends_with(value, suffixes):
    """Whether the value is a string ending with suffixes (a string, or a tuple: any)."""
    return isinstance(value, str) and value.endswith(suffixes)
`,
	"_contains": `def _contains(value, parts):
    """Whether the value is a string containing parts (a string, or a tuple: any)."""
    if isinstance(parts, str):
        parts = (parts,)
    return isinstance(value, str) and any(part in value for part in parts)
`,
	"_matches": `def _matches(value, patterns):
    """Whether the value is a string matching patterns (* any text; a string, or a tuple: any)."""
    if isinstance(patterns, str):
        patterns = (patterns,)
    return isinstance(value, str) and any(fnmatchcase(value, pattern) for pattern in patterns)
`,
	"_search": `def _search(value, patterns):
    """Whether the value is a string where patterns (a regex, or a tuple: any) find a match."""
    if isinstance(patterns, str):
        patterns = (patterns,)
    return isinstance(value, str) and any(re.search(pattern, value) for pattern in patterns)
`,
	"_in_network": `def _in_network(value, networks):
    """Whether the value is an IP address string (without a %scope) in networks (one or a tuple)."""
    if isinstance(networks, str):
        networks = (networks,)
    if not isinstance(value, str) or "%" in value:
        return False
    try:
        return any(ipaddress.ip_address(value) in ipaddress.ip_network(n) for n in networks)
    except ValueError:
        return False
`,
	"_number": `def _number(value):
    """The value as a number when it is one (not a bool) or a string holding one, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value)
        return number if abs(number) < float("inf") else None
    return None
`,
	"_less_than": `def _less_than(value, bound):
    """Whether the value is a number (or a string holding one) less than bound."""
    number = _number(value)
    return number is not None and number < bound
`,
	"_at_most": `def _at_most(value, bound):
    """Whether the value is a number (or a string holding one) at most bound."""
    number = _number(value)
    return number is not None and number <= bound
`,
	"_greater_than": `def _greater_than(value, bound):
    """Whether the value is a number (or a string holding one) greater than bound."""
    number = _number(value)
    return number is not None and number > bound
`,
	"_same": `def _same(value, other):
    """Whether both values are strings and equal (a missing or non-string value equals nothing)."""
    return isinstance(value, str) and isinstance(other, str) and value == other
`,
	"_json": `def _json(value):
    """[the value JSON text spells] when the value is a string holding JSON text, else []."""
    if not isinstance(value, str):
        return []
    try:
        return [json.loads(value)]
    except ValueError:
        return []
`,
	"_at_least": `def _at_least(value, bound):
    """Whether the value is a number (or a string holding one) at least bound."""
    number = _number(value)
    return number is not None and number >= bound
`,
}
