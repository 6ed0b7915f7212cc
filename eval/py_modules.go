package eval

import (
	"bytes"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// The standard library modules rules import (json, re, fnmatch, ipaddress) as
// far as rules use them. A compiled re pattern is its pattern text (flags as an
// inline prefix) and a re.Match is the list of its groups: str and list have no
// match/search/group methods, so the method calls that reach them can only be
// the pattern's or the match's. An ipaddress address is its canonical text.

func init() {
	register(
		fixed("py.json.loads", 1, "json.loads(s)", pyJSONLoads),
		withKw("py.json.dumps", 1, 1, []string{"sort_keys"}, "json.dumps(v, sort_keys=False)", pyJSONDumps),
		fixed("py.fnmatch.fnmatch", 2, "fnmatch.fnmatch(name, pattern) (posix: case-sensitive)", pyFnmatch),
		fixed("py.fnmatch.fnmatchcase", 2, "fnmatch.fnmatchcase(name, pattern)", pyFnmatch),
		flagsKw(ranged("py.re.compile", 1, 2, "re.compile(pattern, flags=0)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			p, _, err := rePattern(pos, a)
			return ast.String(p), err
		})),
		flagsKw(ranged("py.re.match", 2, 3, "re.match(pattern, string, flags=0)", reCall("match"))),
		flagsKw(ranged("py.re.search", 2, 3, "re.search(pattern, string, flags=0)", reCall("search"))),
		flagsKw(ranged("py.re.fullmatch", 2, 3, "re.fullmatch(pattern, string, flags=0)", reCall("fullmatch"))),
		flagsKw(ranged("py.re.findall", 2, 3, "re.findall(pattern, string, flags=0)", reCall("findall"))),
		withKw("py.ipaddress.in_network", 2, 3, []string{"strict"}, "ip_address(a) in ip_network(n, strict=True)", pyInNetwork),
		withKw("py.ipaddress.ip_network", 1, 2, []string{"strict"}, "ipaddress.ip_network() (only as the right side of in)", func(_ *Env, pos ast.Pos, _ []ast.Value, _ map[string]ast.Value) (ast.Value, error) {
			return ast.Null, unsupportedf(pos, "ip_network() other than in `ip_address(x) in ip_network(n)`")
		}),
		ranged("py.re.sub", 3, 3, "re.sub(pattern, repl, string)", reSub),
		fixed("py.re.IGNORECASE", 0, "re.IGNORECASE", reFlag(2)),
		fixed("py.re.I", 0, "re.I", reFlag(2)),
		fixed("py.re.MULTILINE", 0, "re.MULTILINE", reFlag(8)),
		fixed("py.re.M", 0, "re.M", reFlag(8)),
		fixed("py.re.DOTALL", 0, "re.DOTALL", reFlag(16)),
		fixed("py.re.S", 0, "re.S", reFlag(16)),
		fixed("py.method.match", 2, "Pattern.match(string)", reMethod("match")),
		fixed("py.method.search", 2, "Pattern.search(string)", reMethod("search")),
		fixed("py.method.fullmatch", 2, "Pattern.fullmatch(string)", reMethod("fullmatch")),
		fixed("py.method.findall", 2, "Pattern.findall(string)", reMethod("findall")),
		ranged("py.method.group", 1, 2, "Match.group([n])", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList {
				return ast.Null, noAttr(pos, a[0], "group")
			}
			n := int64(0)
			if len(a) == 2 {
				if a[1].Kind() != ast.KindInt {
					return ast.Null, unsupportedf(pos, "Match.group() by name")
				}
				n = a[1].AsInt()
			}
			gs := a[0].AsList()
			if n < 0 || n >= int64(len(gs)) {
				return ast.Null, fail(pos, "IndexError: no such group")
			}
			return gs[n], nil
		}),
		fixed("py.method.groups", 1, "Match.groups()", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindList || len(a[0].AsList()) == 0 {
				return ast.Null, noAttr(pos, a[0], "groups")
			}
			return ast.List(a[0].AsList()[1:]...), nil
		}),
		fixed("py.ipaddress.ip_address", 1, "ipaddress.ip_address(s): its canonical text", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			addr, err := ipAddr(pos, a[0])
			if err != nil {
				return ast.Null, err
			}
			return ast.String(addr.String()), nil
		}),
	)
	for _, attr := range []string{"is_private", "is_global", "is_loopback", "is_multicast", "is_link_local", "is_unspecified", "is_reserved", "version"} {
		register(fixed("py.attr."+attr, 1, "IPv4Address/IPv6Address."+attr, func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindString {
				return ast.Null, noAttr(pos, a[0], attr)
			}
			addr, err := netip.ParseAddr(a[0].AsString())
			if err != nil {
				// A str has no such attribute; only ip_address() results reach here.
				return ast.Null, noAttr(pos, a[0], attr)
			}
			return ipAttr(pos, addr, attr)
		}))
	}
}

func pyJSONLoads(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].Kind() != ast.KindString {
		return ast.Null, fail(pos, "TypeError: the JSON object must be str, bytes or bytearray, not %s", pyType(a[0]))
	}
	s := a[0].AsString()
	v, err := ast.ParseJSON([]byte(s))
	if err != nil {
		if strings.ContainsAny(s, "NI") && (strings.Contains(s, "NaN") || strings.Contains(s, "Infinity")) {
			return ast.Null, unsupportedf(pos, "json.loads of NaN/Infinity")
		}
		return ast.Null, fail(pos, "JSONDecodeError: %v", err)
	}
	return v, nil
}

// pyJSONDumps follows json.dumps' defaults: ", " and ": " separators,
// ensure_ascii, and Python's float and constant spellings.
func pyJSONDumps(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	sortKeys := kw["sort_keys"].Truth()
	var b strings.Builder
	var enc func(v ast.Value) error
	enc = func(v ast.Value) error {
		switch v.Kind() {
		case ast.KindMissing, ast.KindNull:
			b.WriteString("null")
		case ast.KindBool:
			b.WriteString(strconv.FormatBool(v.AsBool()))
		case ast.KindInt:
			b.WriteString(strconv.FormatInt(v.AsInt(), 10))
		case ast.KindFloat:
			f := v.AsFloat()
			switch {
			case math.IsNaN(f):
				b.WriteString("NaN")
			case math.IsInf(f, 1):
				b.WriteString("Infinity")
			case math.IsInf(f, -1):
				b.WriteString("-Infinity")
			default:
				b.WriteString(ast.Float(f).Repr())
			}
		case ast.KindString:
			b.WriteString(jsonQuote(v.AsString()))
		case ast.KindList:
			b.WriteByte('[')
			for i, e := range v.AsList() {
				if i > 0 {
					b.WriteString(", ")
				}
				if err := enc(e); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case ast.KindObject:
			o := v.AsObject()
			idx := make([]int, o.Len())
			for i := range idx {
				idx[i] = i
			}
			if sortKeys {
				sort.SliceStable(idx, func(i, j int) bool { return o.Keys[idx[i]] < o.Keys[idx[j]] })
			}
			b.WriteByte('{')
			for n, i := range idx {
				if n > 0 {
					b.WriteString(", ")
				}
				b.WriteString(jsonQuote(o.Keys[i]))
				b.WriteString(": ")
				if err := enc(o.Vals[i]); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		}
		return nil
	}
	if err := enc(a[0]); err != nil {
		return ast.Null, err
	}
	return ast.String(b.String()), nil
}

// jsonQuote is json's ensure_ascii string encoding.
func jsonQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (r >= 0x7f && r < 0x10000):
				if r < 0x7f {
					b.WriteString(`\u00` + strconv.FormatInt(int64(r)+0x100, 16)[1:])
				} else {
					b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(r), 16), 4))
				}
			case r >= 0x10000:
				r -= 0x10000
				b.WriteString(`\u` + strconv.FormatInt(int64(0xd800+(r>>10)), 16))
				b.WriteString(`\u` + strconv.FormatInt(int64(0xdc00+(r&0x3ff)), 16))
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// fnmatchRegexp translates a shell pattern as fnmatch.translate does: * any
// run, ? one character, [seq] and [!seq] classes, everything else literal.
func fnmatchRegexp(pat string) string {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			stuff := string(rs[i+1 : j])
			i = j
			neg := strings.HasPrefix(stuff, "!")
			if neg {
				stuff = stuff[1:]
			}
			stuff = strings.ReplaceAll(stuff, `\`, `\\`)
			b.WriteByte('[')
			if neg {
				b.WriteByte('^')
			} else if strings.HasPrefix(stuff, "^") {
				b.WriteByte('\\')
			}
			b.WriteString(stuff)
			b.WriteByte(']')
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return b.String()
}

func pyFnmatch(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[0].Kind() != ast.KindString || a[1].Kind() != ast.KindString {
		bad := a[0]
		if a[0].Kind() == ast.KindString {
			bad = a[1]
		}
		return ast.Null, fail(pos, "TypeError: expected str, got %s", pyType(bad))
	}
	re, err := cachedRegexp(fnmatchRegexp(a[1].AsString()))
	if err != nil {
		return ast.Null, unsupportedf(pos, "fnmatch pattern %q", a[1].AsString())
	}
	return ast.Bool(re.MatchString(a[0].AsString())), nil
}

func reFlag(n int64) impl {
	return func(*Env, ast.Pos, []ast.Value) (ast.Value, error) { return ast.Int(n), nil }
}

// rePattern reads (pattern[, flags]) into pattern text with inline flags.
func rePattern(pos ast.Pos, a []ast.Value) (string, int, error) {
	if a[0].Kind() != ast.KindString {
		return "", 0, fail(pos, "TypeError: first argument must be string or compiled pattern")
	}
	p := a[0].AsString()
	if len(a) < 2 {
		return p, 1, nil
	}
	if a[len(a)-1].Kind() != ast.KindInt {
		return "", 0, fail(pos, "TypeError: flags must be an int")
	}
	f := a[len(a)-1].AsInt()
	prefix := ""
	if f&2 != 0 {
		prefix += "i"
	}
	if f&8 != 0 {
		prefix += "m"
	}
	if f&16 != 0 {
		prefix += "s"
	}
	if f&^(2|8|16|32|256) != 0 {
		return "", 0, unsupportedf(pos, "re flags %d", f)
	}
	if prefix != "" {
		p = "(?" + prefix + ")" + p
	}
	return p, 1, nil
}

var (
	pyPatterns   regexpMemo
	multiline    = regexp.MustCompile(`\(\?[a-z]*m`)
	leadingFlags = regexp.MustCompile(`^\^\(\?:(\(\?[imsx]+\))`)
)

// goRegexp compiles a Python pattern with RE2. Python's \Z is RE2's \z; a
// pattern RE2 cannot run (lookaround, backreferences) is unsupported, never
// a silent non-match.
// PythonRegexp rewrites a pattern of Python's re module in RE2's syntax where
// the two read the same text differently (\Z; $ before a final newline).
func PythonRegexp(p string) (string, error) {
	src := strings.ReplaceAll(p, `\Z`, `\z`)
	if strings.Contains(src, "$") && !strings.Contains(src, `\$`) && !multiline.MatchString(src) {
		// Python's $ also matches before a final newline; RE2's only at the end.
		src = strings.ReplaceAll(src, "$", `(?:\n?\z)`)
		if strings.Contains(p, "[") && strings.Contains(p, "$]") {
			return "", fmt.Errorf("regex with $ inside a class")
		}
	}
	return src, nil
}

func goRegexp(pos ast.Pos, p, anchor string) (*regexp.Regexp, error) {
	return pyPatterns.get(anchor+"\x00"+p, func() (*regexp.Regexp, error) {
		src, err := PythonRegexp(p)
		if err != nil {
			return nil, unsupportedf(pos, "%v", err)
		}
		switch anchor {
		case "match":
			src = `^(?:` + src + `)`
		case "fullmatch":
			src = `^(?:` + src + `)\z`
		}
		// Inline flags at the very start stay in front of the anchor.
		if m := leadingFlags.FindStringSubmatch(src); m != nil {
			src = m[1] + "^(?:" + src[len(m[0]):]
		}
		re, err := regexp.Compile(src)
		if err != nil {
			return nil, unsupportedf(pos, "regular expression %q (RE2 cannot run it: %v)", p, err)
		}
		return re, nil
	})
}

func reRun(pos ast.Pos, kind, p string, s ast.Value) (ast.Value, error) {
	if s.Kind() != ast.KindString {
		return ast.Null, fail(pos, "TypeError: expected string or bytes-like object, got '%s'", pyType(s))
	}
	anchor := kind
	if kind == "findall" || kind == "search" {
		anchor = ""
	}
	re, err := goRegexp(pos, p, anchor)
	if err != nil {
		return ast.Null, err
	}
	str := s.AsString()
	if kind == "findall" {
		var out []ast.Value
		for _, m := range re.FindAllStringSubmatch(str, -1) {
			switch len(m) {
			case 1:
				out = append(out, ast.String(m[0]))
			case 2:
				out = append(out, ast.String(m[1]))
			default:
				out = append(out, strList(m[1:]))
			}
		}
		return ast.List(out...), nil
	}
	idx := re.FindStringSubmatchIndex(str)
	if idx == nil {
		return ast.Null, nil
	}
	groups := make([]ast.Value, len(idx)/2)
	for i := range groups {
		if idx[2*i] < 0 {
			groups[i] = ast.Null
		} else {
			groups[i] = ast.String(str[idx[2*i]:idx[2*i+1]])
		}
	}
	return ast.List(groups...), nil
}

func reCall(kind string) impl {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		args := []ast.Value{a[0]}
		if len(a) == 3 {
			args = append(args, a[2])
		}
		p, _, err := rePattern(pos, args)
		if err != nil {
			return ast.Null, err
		}
		return reRun(pos, kind, p, a[1])
	}
}

func reMethod(kind string) impl {
	return func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		if a[0].Kind() != ast.KindString {
			return ast.Null, noAttr(pos, a[0], kind)
		}
		return reRun(pos, kind, a[0].AsString(), a[1])
	}
}

func reSub(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	if a[1].Kind() != ast.KindString || strings.Contains(a[1].AsString(), `\`) {
		return ast.Null, unsupportedf(pos, "re.sub with this replacement")
	}
	if a[2].Kind() != ast.KindString || a[0].Kind() != ast.KindString {
		return ast.Null, fail(pos, "TypeError: expected string or bytes-like object")
	}
	re, err := goRegexp(pos, a[0].AsString(), "")
	if err != nil {
		return ast.Null, err
	}
	return ast.String(re.ReplaceAllLiteralString(a[2].AsString(), a[1].AsString())), nil
}

func ipAddr(pos ast.Pos, v ast.Value) (netip.Addr, error) {
	if v.Kind() != ast.KindString {
		if v.Kind() == ast.KindInt {
			return netip.Addr{}, unsupportedf(pos, "ip_address() of an int")
		}
		return netip.Addr{}, fail(pos, "ValueError: %s does not appear to be an IPv4 or IPv6 address", v.Repr())
	}
	s := v.AsString()
	addr, err := netip.ParseAddr(s)
	if err != nil || !utf8.ValidString(s) {
		return netip.Addr{}, fail(pos, "ValueError: %s does not appear to be an IPv4 or IPv6 address", v.Repr())
	}
	if addr.Is4In6() && !strings.Contains(s, ".") {
		return addr, nil
	}
	return addr, nil
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// The special-purpose ranges of Python 3.11's ipaddress module (_private_networks
// and friends), before 3.11.10 narrowed is_private.
var (
	ipv4Private = prefixes("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32")
	ipv6Private = prefixes("::1/128", "::/128", "::ffff:0:0/96", "100::/64", "2001::/23", "2001:2::/48",
		"2001:db8::/32", "2001:10::/28", "fc00::/7", "fe80::/10")
	ipv4Shared = netip.MustParsePrefix("100.64.0.0/10")
)

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func ipAttr(pos ast.Pos, a netip.Addr, attr string) (ast.Value, error) {
	switch attr {
	case "version":
		if a.Is4() {
			return ast.Int(4), nil
		}
		return ast.Int(6), nil
	case "is_loopback":
		return ast.Bool(a.IsLoopback()), nil
	case "is_multicast":
		return ast.Bool(a.IsMulticast()), nil
	case "is_link_local":
		return ast.Bool(a.IsLinkLocalUnicast()), nil
	case "is_unspecified":
		return ast.Bool(a.IsUnspecified()), nil
	}
	if a.Is4In6() {
		return ast.Null, unsupportedf(pos, "%s of an IPv4-mapped IPv6 address", attr)
	}
	private := inAny(a, ipv4Private)
	if a.Is6() {
		private = inAny(a, ipv6Private)
	}
	switch attr {
	case "is_private":
		return ast.Bool(private), nil
	case "is_global":
		if a.Is4() {
			return ast.Bool(!ipv4Shared.Contains(a) && !private), nil
		}
		return ast.Bool(!private), nil
	}
	return ast.Null, unsupportedf(pos, "ipaddress attribute %s", attr)
}

// flagsKw lets a re function take its last parameter, flags, by name.
func flagsKw(b *Builtin) *Builtin {
	f := b.Impl
	b.Keywords = []string{"flags"}
	b.KwImpl = func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
		if fl, ok := kw["flags"]; ok {
			if len(a) == b.MaxArgs {
				return ast.Null, fail(pos, "TypeError: argument for %s() given by name ('flags') and position", b.Name[6:])
			}
			a = append(a, fl)
		}
		return f(env, pos, a)
	}
	return b
}

// pyInNetwork is `ip_address(a) in ip_network(n, strict)`: networks and
// addresses of different versions never contain each other.
func pyInNetwork(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
	addr, err := ipAddr(pos, a[0])
	if err != nil {
		return ast.Null, err
	}
	strict := true
	if len(a) == 3 {
		strict = a[2].Truth()
	} else if v, ok := kw["strict"]; ok {
		strict = v.Truth()
	}
	n := a[1]
	if n.Kind() != ast.KindString {
		return ast.Null, unsupportedf(pos, "ip_network() of a %s", pyType(n))
	}
	s := n.AsString()
	if !strings.Contains(s, "/") {
		if bare, err := netip.ParseAddr(s); err == nil {
			s = netip.PrefixFrom(bare, bare.BitLen()).String()
		}
	}
	p, perr := netip.ParsePrefix(s)
	if perr != nil {
		return ast.Null, fail(pos, "ValueError: %s does not appear to be an IPv4 or IPv6 network", n.Repr())
	}
	if p.Masked() != p {
		if strict {
			return ast.Null, fail(pos, "ValueError: %s has host bits set", n.Repr())
		}
		p = p.Masked()
	}
	if p.Addr().Is4() != addr.Is4() {
		return ast.False, nil
	}
	return ast.Bool(p.Contains(addr)), nil
}
