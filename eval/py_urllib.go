package eval

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// urllib.parse as rules use it (CPython 3.11 Lib/urllib/parse.py): urlparse
// results are objects whose attributes py.attr.* read, unquote/unquote_plus and
// parse_qs with the default keep_blank_values=False.

const urlMarker = "__concord_urlparse__"

var urlFields = []string{"scheme", "netloc", "path", "params", "query", "fragment"}

const schemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."

// urlparse follows urlsplit and then splits ;params off the last path segment.
func urlparse(u string) [6]string {
	var scheme, netloc, query, fragment string
	if i := strings.IndexByte(u, ':'); i > 0 && strings.IndexFunc(u[:i], func(r rune) bool { return !strings.ContainsRune(schemeChars, r) }) < 0 &&
		((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z')) {
		scheme, u = strings.ToLower(u[:i]), u[i+1:]
	}
	if strings.HasPrefix(u, "//") {
		rest := u[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, u = rest[:end], rest[end:]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u, fragment = u[:i], u[i+1:]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	path, params := u, ""
	if usesParams[scheme] && strings.Contains(path, ";") {
		seg := strings.LastIndexByte(path, '/')
		if i := strings.IndexByte(path[seg+1:], ';'); i >= 0 {
			i += seg + 1
			path, params = path[:i], path[i+1:]
		}
	}
	return [6]string{scheme, netloc, path, params, query, fragment}
}

// usesParams are the schemes urlparse splits ;params off for.
var usesParams = map[string]bool{"": true, "ftp": true, "hdl": true, "prospero": true, "http": true, "imap": true,
	"https": true, "shttp": true, "rtsp": true, "rtspu": true, "sip": true, "sips": true, "mms": true, "sftp": true, "tel": true}

func urlObject(v ast.Value) (*ast.Object, bool) {
	if v.Kind() != ast.KindObject {
		return nil, false
	}
	o := v.AsObject()
	if o.Len() == 0 || o.Keys[0] != urlMarker {
		return nil, false
	}
	return o, true
}

// unquote decodes %XX escapes as UTF-8 with errors="replace".
func unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var raw []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				raw = append(raw, byte(b))
				i += 2
				continue
			}
		}
		raw = append(raw, s[i])
	}
	var b strings.Builder
	for len(raw) > 0 {
		r, n := utf8.DecodeRune(raw)
		if r == utf8.RuneError && n <= 1 {
			b.WriteRune(utf8.RuneError)
			raw = raw[1:]
			continue
		}
		b.WriteRune(r)
		raw = raw[n:]
	}
	return b.String()
}

func init() {
	register(
		fixed("py.urllib.parse.urlparse", 1, "urllib.parse.urlparse(url)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindString {
				return ast.Null, unsupportedf(pos, "urlparse() of a %s", pyType(a[0]))
			}
			parts := urlparse(a[0].AsString())
			o := &ast.Object{}
			o.Set(urlMarker, ast.True)
			for i, f := range urlFields {
				o.Set(f, ast.String(parts[i]))
			}
			return ast.ObjectOf(o), nil
		}),
		fixed("py.urllib.parse.unquote", 1, "urllib.parse.unquote(s)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindString {
				return ast.Null, fail(pos, "TypeError: a bytes-like object is required, not '%s'", pyType(a[0]))
			}
			return ast.String(unquote(a[0].AsString())), nil
		}),
		fixed("py.urllib.parse.unquote_plus", 1, "urllib.parse.unquote_plus(s)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindString {
				return ast.Null, fail(pos, "TypeError: a bytes-like object is required, not '%s'", pyType(a[0]))
			}
			return ast.String(unquote(strings.ReplaceAll(a[0].AsString(), "+", " "))), nil
		}),
		fixed("py.urllib.parse.parse_qs", 1, "urllib.parse.parse_qs(qs)", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			if a[0].Kind() != ast.KindString {
				return ast.Null, unsupportedf(pos, "parse_qs() of a %s", pyType(a[0]))
			}
			o := &ast.Object{}
			for _, field := range strings.Split(a[0].AsString(), "&") {
				name, value, ok := strings.Cut(field, "=")
				if !ok || value == "" {
					continue // keep_blank_values=False drops both
				}
				k := unquote(strings.ReplaceAll(name, "+", " "))
				v := ast.String(unquote(strings.ReplaceAll(value, "+", " ")))
				old, _ := o.Get(k)
				o.Set(k, ast.List(append(append([]ast.Value{}, old.AsList()...), v)...))
			}
			return ast.ObjectOf(o), nil
		}),
	)
	for i, f := range urlFields {
		i, f := i, f
		register(fixed("py.attr."+f, 1, "ParseResult."+f, func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			o, ok := urlObject(a[0])
			if !ok {
				return ast.Null, noAttr(pos, a[0], f)
			}
			return o.Vals[i+1], nil
		}))
	}
	register(fixed("py.attr.hostname", 1, "ParseResult.hostname", func(_ *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		o, ok := urlObject(a[0])
		if !ok {
			return ast.Null, noAttr(pos, a[0], "hostname")
		}
		netloc := o.Vals[2].AsString()
		if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
			netloc = netloc[i+1:]
		}
		host := netloc
		if strings.HasPrefix(netloc, "[") {
			if end := strings.IndexByte(netloc, ']'); end >= 0 {
				host = netloc[1:end]
			}
		} else if i := strings.IndexByte(netloc, ':'); i >= 0 {
			host = netloc[:i]
		}
		if host == "" {
			return ast.Null, nil
		}
		return ast.String(strings.ToLower(host)), nil
	}))
}
