package eval

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// CPython 3.11: divmod(-7, 2) == (-4, 1); divmod(7, -2) == (-4, -1);
// divmod(True, 2) == (0, 1); timedelta(days=-1, seconds=5).days == -1 and
// .seconds == 5; timedelta(seconds=330).seconds == 330.
func TestDivmodAndTimedeltaAttributes(t *testing.T) {
	call := func(name string, args ...ast.Value) (string, error) {
		v, err := Builtins[name].Impl(&Env{}, ast.Pos{}, args)
		return v.Repr(), err
	}
	for _, tc := range []struct {
		a, b ast.Value
		want string
	}{{ast.Int(-7), ast.Int(2), "[-4, 1]"}, {ast.Int(7), ast.Int(-2), "[-4, -1]"}, {ast.True, ast.Int(2), "[0, 1]"}} {
		if got, err := call("py.divmod", tc.a, tc.b); err != nil || got != tc.want {
			t.Errorf("divmod(%s, %s) = %s, %v; want %s", tc.a.Repr(), tc.b.Repr(), got, err, tc.want)
		}
	}
	if _, err := call("py.divmod", ast.Int(1), ast.Int(0)); err == nil || !strings.Contains(err.Error(), "ZeroDivisionError") {
		t.Errorf("divmod by zero: %v", err)
	}
	if _, err := call("py.divmod", ast.Float(1.5), ast.Int(1)); !isUnsupported(err) {
		t.Errorf("divmod of floats: %v", err)
	}
	td := func(kw map[string]ast.Value) ast.Value {
		v, err := Builtins["py.datetime.timedelta"].KwImpl(&Env{}, ast.Pos{}, nil, kw)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	neg := td(map[string]ast.Value{"days": ast.Int(-1), "seconds": ast.Int(5)})
	for name, want := range map[string]string{"py.attr.days": "-1", "py.attr.seconds": "5", "py.attr.microseconds": "0"} {
		if got, err := call(name, neg); err != nil || got != want {
			t.Errorf("%s = %s, %v; want %s", name, got, err, want)
		}
	}
	if got, _ := call("py.attr.seconds", td(map[string]ast.Value{"seconds": ast.Int(330)})); got != "330" {
		t.Errorf("seconds = %s", got)
	}
}

func isUnsupported(err error) bool {
	re, ok := err.(*RuntimeError)
	return ok && re.Code == ast.CodeUnsupported
}
