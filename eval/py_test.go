package eval

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// TestPyBuiltins calls builtins directly with what CPython 3.11 returns or
// raises for the same arguments.
func TestPyBuiltins(t *testing.T) {
	s, i, l := ast.String, ast.Int, ast.List
	tests := []struct {
		fn   string
		args []ast.Value
		kw   map[string]ast.Value
		want string // repr, or "raise Class", or "unsupported"
	}{
		{"py.int", []ast.Value{s(" -1_000 ")}, nil, "-1000"},
		{"py.int", []ast.Value{s("1.5")}, nil, "raise ValueError"},
		{"py.int", []ast.Value{s("_1")}, nil, "raise ValueError"},
		{"py.int", []ast.Value{ast.Float(-2.7)}, nil, "-2"},
		{"py.int", []ast.Value{ast.Null}, nil, "raise TypeError"},
		{"py.int", []ast.Value{s("ff"), i(16)}, nil, "255"},
		{"py.float", []ast.Value{s("1e3")}, nil, "1000.0"},
		{"py.slice", []ast.Value{s("hello"), i(1), ast.Null, i(2)}, nil, "'el'"},
		{"py.slice", []ast.Value{l(i(1), i(2), i(3)), i(-10), i(10), ast.Null}, nil, "[1, 2, 3]"},
		{"py.slice", []ast.Value{s("abc"), ast.Null, ast.Null, i(0)}, nil, "raise ValueError"},
		{"py.mod", []ast.Value{i(-7), i(3)}, nil, "2"},
		{"py.mod", []ast.Value{ast.Float(-7), i(3)}, nil, "2.0"},
		{"py.truediv", []ast.Value{i(1), i(0)}, nil, "raise ZeroDivisionError"},
		{"py.add", []ast.Value{ast.True, i(1)}, nil, "2"},
		{"py.sub", []ast.Value{l(s("a"), s("b")), l(s("b"))}, nil, "['a']"},
		{"py.str.split", []ast.Value{s("a,,b"), s(",")}, nil, "['a', '', 'b']"},
		{"py.str.split", []ast.Value{s("a b c")}, map[string]ast.Value{"maxsplit": i(1)}, "['a', 'b c']"},
		{"py.str.split", []ast.Value{s("x"), s("")}, nil, "raise ValueError"},
		{"py.str.rsplit", []ast.Value{s("  a b  c ")}, map[string]ast.Value{"maxsplit": i(1)}, "['  a b', 'c']"},
		{"py.str.title", []ast.Value{s("hello wORLD-x")}, nil, "'Hello World-X'"},
		{"py.str.index", []ast.Value{s("abc"), s("z")}, nil, "raise ValueError"},
		{"py.str.lower", []ast.Value{ast.Null}, nil, "raise AttributeError"},
		{"py.str.zfill", []ast.Value{s("-42"), i(5)}, nil, "'-0042'"},
		{"py.str.partition", []ast.Value{s("a=b=c"), s("=")}, nil, "['a', '=', 'b=c']"},
		{"py.json.dumps", []ast.Value{s("é\n")}, nil, `'"\\u00e9\\n"'`},
		{"py.json.dumps", []ast.Value{ast.ObjectOf(&ast.Object{Keys: []string{"b", "a"}, Vals: []ast.Value{i(1), ast.Float(2)}})}, map[string]ast.Value{"sort_keys": ast.True}, `'{"a": 2.0, "b": 1}'`},
		{"py.json.loads", []ast.Value{i(1)}, nil, "raise TypeError"},
		{"py.fnmatch.fnmatch", []ast.Value{s("a1"), s("a[!0-9]")}, nil, "False"},
		{"py.fnmatch.fnmatch", []ast.Value{s("a["), s("a[")}, nil, "True"},
		{"py.re.fullmatch", []ast.Value{s(`\d+`), s("123x")}, nil, "None"},
		// findall with groups gives tuples; concord has one list kind.
		{"py.re.findall", []ast.Value{s(`(\w)=(\d)`), s("a=1 b=2")}, nil, "[['a', '1'], ['b', '2']]"},
		{"py.re.search", []ast.Value{s(`(a)(?=b)`), s("ab")}, nil, "unsupported"},
		{"py.attr.is_global", []ast.Value{s("100.64.0.1")}, nil, "False"},
		{"py.attr.is_private", []ast.Value{s("8.8.8.8")}, nil, "False"},
		{"py.isinstance", []ast.Value{ast.True, s("int")}, nil, "True"},
		{"py.isinstance", []ast.Value{l(), s("tuple")}, nil, "unsupported"},
		{"py.set", []ast.Value{l(s("a"), s("a"), s("b"))}, nil, "['a', 'b']"},
		{"py.min", []ast.Value{l()}, nil, "raise ValueError"},
		{"py.sorted", []ast.Value{l(i(1), i(3), i(2))}, map[string]ast.Value{"reverse": ast.True}, "[3, 2, 1]"},
		{"py.setitem", []ast.Value{s("x"), i(0), i(1)}, nil, "raise TypeError"},
		{"py.format", []ast.Value{i(1234567), s(",")}, nil, "'1,234,567'"},
		{"py.format", []ast.Value{ast.Float(0.256), s(".1%")}, nil, "'25.6%'"},
		{"py.format", []ast.Value{s("ab"), s("*^6")}, nil, "'**ab**'"},
		{"py.format", []ast.Value{i(-5), s("05d")}, nil, "'-0005'"},
		{"py.format", []ast.Value{ast.True, s(">3")}, nil, "'  1'"},
		{"py.format", []ast.Value{s("x"), s("d")}, nil, "raise ValueError"},
		{"py.format", []ast.Value{ast.Float(1.5), s("g")}, nil, "unsupported"},
		{"py.str.format", []ast.Value{s("{} {x!r} {{}} {0:>3}"), i(7)}, map[string]ast.Value{"x": s("q")}, "raise ValueError"},
		{"py.str.format", []ast.Value{s("{0}-{0:>3}-{x!r}-{{}}"), i(7)}, map[string]ast.Value{"x": s("q")}, "\"7-  7-'q'-{}\""},
		{"py.str.format", []ast.Value{s("{} {}"), i(1)}, nil, "raise IndexError"},
		{"py.str.format", []ast.Value{s("{name}")}, nil, "raise KeyError"},
		{"py.dict", []ast.Value{l(l(s("a"), i(1)))}, map[string]ast.Value{"b": i(2)}, "{'a': 1, 'b': 2}"},
		{"py.method.intersection", []ast.Value{l(s("a"), s("b")), l(s("b"), s("c"))}, nil, "['b']"},
		// {"a"}.intersection([["a"]]): each item is hashed, and a list is not hashable.
		{"py.method.intersection", []ast.Value{l(s("a")), l(l(s("a")), s("a"))}, nil, "raise TypeError"},
		{"py.method.issubset", []ast.Value{l(s("a")), l(ast.ObjectOf(&ast.Object{}))}, nil, "raise TypeError"},
		{"py.method.issubset", []ast.Value{l(s("a")), l(s("b"), s("a"))}, nil, "True"},
		{"py.urllib.parse.unquote", []ast.Value{s("a%20b%zz%e2%82%ac%")}, nil, "'a b%zz€%'"},
		{"py.urllib.parse.parse_qs", []ast.Value{s("a=1&b=&c&a=x+y%21")}, nil, "{'a': ['1', 'x y!']}"},
		{"py.attr.query", []ast.Value{urlp("https://u@Host:8/p;x?q=1#f")}, nil, "'q=1'"},
		{"py.attr.params", []ast.Value{urlp("https://u@Host:8/p;x?q=1#f")}, nil, "'x'"},
		{"py.attr.hostname", []ast.Value{urlp("https://u@Host:8/p;x?q=1#f")}, nil, "'host'"},
		{"py.attr.netloc", []ast.Value{urlp("/just/a/path")}, nil, "''"},
		{"py.attr.query", []ast.Value{s("not parsed")}, nil, "raise AttributeError"},
		{"py.zip", []ast.Value{l(i(1), i(2), i(3)), s("ab")}, nil, "[[1, 'a'], [2, 'b']]"},
		{"panther.deep_get", []ast.Value{ast.Null, s("a")}, map[string]ast.Value{"default": s("d")}, "'d'"},
		{"panther.pattern_match", []ast.Value{ast.Null, s("*")}, nil, "raise TypeError"},
	}
	for _, tt := range tests {
		b := Builtins[tt.fn]
		if b == nil {
			t.Errorf("%s: not registered", tt.fn)
			continue
		}
		env := &Env{}
		var v ast.Value
		var err error
		if b.KwImpl != nil {
			kw := tt.kw
			if kw == nil {
				kw = map[string]ast.Value{}
			}
			v, err = b.KwImpl(env, ast.Pos{}, tt.args, kw)
		} else {
			v, err = b.Impl(env, ast.Pos{}, tt.args)
		}
		got := v.Repr()
		if err != nil {
			re := err.(*RuntimeError)
			if re.Code == ast.CodeUnsupported {
				got = "unsupported"
			} else {
				got = "raise " + strings.SplitN(re.Msg, ":", 2)[0]
			}
		}
		if got != tt.want {
			t.Errorf("%s%v: got %s, want %s", tt.fn, tt.args, got, tt.want)
		}
	}
}

func urlp(u string) ast.Value {
	v, _ := Builtins["py.urllib.parse.urlparse"].Impl(nil, ast.Pos{}, []ast.Value{ast.String(u)})
	return v
}

func TestExcMatches(t *testing.T) {
	for _, tc := range []struct {
		class string
		types []string
		want  bool
	}{
		{"KeyError", []string{"LookupError"}, true},
		{"IndexError", []string{"KeyError"}, false},
		{"JSONDecodeError", []string{"ValueError"}, true},
		{"ZeroDivisionError", []string{"ArithmeticError"}, true},
		{"StopIteration", []string{"Exception"}, true},
		{"TypeError", nil, true},
	} {
		if got := excMatches(tc.class, tc.types); got != tc.want {
			t.Errorf("%s in %v: got %v", tc.class, tc.types, got)
		}
	}
	if _, ok := pyException(&RuntimeError{Code: ast.CodeUnsupported, Msg: "KeyError: x"}); ok {
		t.Error("an unsupported error must not be a Python exception")
	}
	if _, ok := pyException(&RuntimeError{Code: ast.CodeEval, Msg: "internal error: x"}); ok {
		t.Error("an internal error must not be a Python exception")
	}
}
