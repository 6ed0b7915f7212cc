package panther

import (
	"strings"
	"testing"
)

// lowerRule parses src and returns the dump of rule() and the unsupported list.
func lowerRule(t *testing.T, src string) (string, []string) {
	t.Helper()
	prog, errs := ParsePython("r.py", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var unsup []string
	for _, e := range prog.Unsupported {
		unsup = append(unsup, e.Msg)
	}
	return dump(prog.Match), unsup
}

func TestLower_rule(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"single boolean expression",
			"def rule(event):\n    return event.get('eventName') == 'ConsoleLogin' and event.deep_get('userIdentity', 'type') == 'Root'\n",
			`(and (== $eventName 'ConsoleLogin') (== (default-null $userIdentity.type None) 'Root'))`},
		{"early returns fold into Cond",
			"def rule(event):\n    if event.get('a'):\n        return False\n    if event.get('b') != 'x':\n        return True\n    return event.get('c') in ['p', 'q']\n",
			`(if $a False (if (!= $b 'x') True (in $c ['p' 'q'])))`},
		{"if elif else",
			"def rule(event):\n    if a(event):\n        return 1\n    elif event.get('x'):\n        return 2\n    else:\n        return 3\n\ndef a(e):\n    return e.get('y')\n",
			`(if (helper a [$] $y) 1 (if $x 2 3))`},
		{"falling off the end returns None",
			"def rule(event):\n    if event.get('a'):\n        return True\n",
			`(if $a True None)`},
		{"locals are substituted",
			"def rule(event):\n    name = event.get('eventName', '')\n    src = event.deep_get('a', 'b', default='<none>')\n    return name.startswith('Delete') and src != 'x'\n",
			`(and (prefix (default $eventName '') "Delete") (!= (default-null $a.b '<none>') 'x'))`},
		{"module constants are substituted",
			"EVENTS = {'A', 'B'}\nPREFIX = 'arn:'\ndef rule(event):\n    return event.get('eventName') in EVENTS and event.get('arn', '').endswith(PREFIX)\n",
			`(and (in $eventName ['A' 'B']) (suffix (default $arn '') "arn:"))`},
		{"frozenset of a literal is the literal",
			"S = frozenset(['a'])\ndef rule(event):\n    return event.get('x') not in S\n",
			`(not (in $x ['a']))`},
		{"assignments in branches merge into Cond",
			"def rule(event):\n    if event.get('a'):\n        x = 'yes'\n    else:\n        x = 'no'\n    return x == 'yes'\n",
			`(== (if $a 'yes' 'no') 'yes')`},
		{"helper inlined with parameters substituted",
			"def is_admin(ev, role='admin'):\n    return ev.get('role') == role\ndef rule(event):\n    return is_admin(event) or is_admin(event, 'root')\n",
			`(or (helper is_admin [$] (== $role 'admin')) (helper is_admin [$ 'root'] (== $role 'root')))`},
		{"is None and is not None",
			"def rule(event):\n    return event.get('a') is None or event.get('b') is not None\n",
			`(or (isnull $a) (not (isnull $b)))`},
		{"not, bool and conditional expression",
			"def rule(event):\n    return not bool(event.get('a')) if event.get('b') else False\n",
			`(if $b (not (truth $a)) False)`},
		{"subscript of the event",
			"def rule(event):\n    return event['requestParameters']['name'] == 'x'\n",
			`(== (index (index $ 'requestParameters') 'name') 'x')`},
		{"udm",
			"def rule(event):\n    return event.udm('actor_user') == 'root'\n",
			`(== (panther.udm 'actor_user') 'root')`},
		{"deep_get helper with default",
			"from panther_base_helpers import deep_get\ndef rule(event):\n    return deep_get(event, 'a', 'b', default='') == 'x'\n",
			`(== (default-null $a.b '') 'x')`},
		{"deep_get helper without default",
			"from panther_base_helpers import deep_get\ndef rule(event):\n    return deep_get(event, 'a') == 'x'\n",
			`(== (default-null $a None) 'x')`},
		{"aws_cloudtrail_success is expanded",
			"from panther_aws_helpers import aws_cloudtrail_success\ndef rule(event):\n    return aws_cloudtrail_success(event) and event.get('eventName') == 'X'\n",
			`(and (helper aws_cloudtrail_success [$] (not (or (truth $errorCode) (truth $errorMessage)))) (== $eventName 'X'))`},
		{"other helpers pass through with keywords",
			"from panther_base_helpers import deep_walk\nfrom panther_x import check\ndef rule(event):\n    return check(event) and deep_walk(event, 'a', default='') == 'b'\n",
			`(and (panther.check $) (== (panther.deep_walk $ 'a' default='') 'b'))`},
		{"str methods and builtins",
			"import re\ndef rule(event):\n    return len(event.get('x', '').lower().split('.')) > 2 and re.match(r'\\d+', event.get('y'))\n",
			`(and (> (py.len (py.str.split (py.str.lower (default $x '')) '.')) 2) (py.re.match '\\d+' $y))`},
		{"startswith with a tuple",
			"def rule(event):\n    return event.get('x').startswith(('a', 'b'))\n",
			`(or (prefix $x "a") (prefix $x "b"))`},
		{"startswith with a non-constant",
			"def rule(event):\n    return event.get('x').startswith(event.get('y'))\n",
			`(py.str.startswith $x $y)`},
		{"comparison chain",
			"def rule(event):\n    return 1 < event.get('n') <= 5\n",
			`(and (< 1 $n) (<= $n 5))`},
		{"flattened or chain",
			"def rule(event):\n    return (event.get('a') or event.get('b')) or event.get('c')\n",
			`(or $a $b $c)`},
		{"arithmetic precedence",
			"def rule(event):\n    return event.get('a') + 2 * 3 - 1 > -4\n",
			`(> (py.sub (py.add $a (py.mul 2 3)) 1) -4)`},
		{"dict setitem rebinds",
			"def rule(event):\n    d = {'a': 1}\n    d['b'] = event.get('x')\n    return d\n",
			`(py.setitem {'a': 1} 'b' $x)`},
		{"isinstance type names",
			"def rule(event):\n    return isinstance(event.get('x'), (list, tuple))\n",
			`(py.isinstance $x ['list' 'tuple'])`},
		{"mocked-style imported call kept",
			"from panther_ipinfo_helpers import geoinfo_from_ip_formatted\ndef rule(event):\n    return geoinfo_from_ip_formatted(event, 'ip') != ''\n",
			`(!= (panther.geoinfo_from_ip_formatted $ 'ip') '')`},
		{"event parameter with another name",
			"def rule(_):\n    return _.get('a') == 1\n",
			`(== $a 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unsup := lowerRule(t, tt.src)
			if len(unsup) > 0 {
				t.Fatalf("unexpected unsupported: %v", unsup)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestLower_strings(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"f-string with nested expression and conversion",
			`return f"user {event.get('name')!r} in [{event.deep_get('a', 'b')}] {{x}}"`,
			`(concat 'user ' (py.repr $name) ' in [' (default-null $a.b None) '] {x}')`},
		{"format spec", `return f"{event.get('n'):>5}"`, `(concat (py.format $n '>5'))`},
		{"str + str is concat", `return "a-" + f"{event.get('x')}" + "-b"`, `(concat 'a-' $x '-b')`},
		// str + a value of unknown type raises TypeError unless it is a str.
		{"str + value is py.add", `return "a-" + event.get('x') + "-b"`, `(py.add (py.add 'a-' $x) '-b')`},
		{"implicit concatenation and escapes", `return "a\tb" 'c' r"\d"`, `'a\tbc\\d'`},
		{"f-string and literal", `return "x: " f"{event.get('a')}"`, `(concat 'x: ' $a)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unsup := lowerRule(t, "def rule(event):\n    "+tt.src+"\n")
			if len(unsup) > 0 {
				t.Fatalf("unexpected unsupported: %v", unsup)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestLower_outputs(t *testing.T) {
	src := "def title(event):\n    return f\"x {event.get('a')}\"\n\ndef rule(event):\n    return True\n\ndef helper(e):\n    return 1\n\ndef alert_context(event):\n    return {'a': event.get('a')}\n"
	prog, errs := ParsePython("r.py", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, o := range prog.Outputs {
		got = append(got, o.Name+"="+dump(o.X))
	}
	want := []string{`title=(concat 'x ' $a)`, `alert_context={'a': $a}`}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got %v, want %v", got, want)
	}
	if dump(prog.Match) != "True" {
		t.Errorf("match = %s", dump(prog.Match))
	}
}

func TestLower_unsupported(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"try/finally", "    try:\n        return 1\n    finally:\n        pass", "unsupported: try/finally at 2:5"},
		{"except of an unknown class", "    try:\n        return 1\n    except MyError:\n        return 2", `unsupported: except of "MyError" (an exception class concord does not raise) at 4:12`},
		{"loop target that is not a name", "    for x.y in []:\n        pass\n    return 1", "unsupported: for loop target that is not a name at 2:9"},
		{"mutation of a module constant", "    L.append(1)\n    return 1\nL = []", "unsupported: mutation of module-level L (a name the function does not own) at 2:5"},
		{"lambda", "    f = lambda x: x\n    return f", "unsupported: lambda used as a value at 3:5"},
		{"with", "    with open('x') as f:\n        return 1", "unsupported: with statement at 2:5"},
		{"nonlocal", "    nonlocal CACHE\n    return 1", "unsupported: nonlocal statement at 2:5"},
		{"raise", "    raise ValueError('x')", "unsupported: raise statement at 2:5"},
		{"match capture pattern", "    match event.get('a'):\n        case x:\n            return x", "unsupported: match pattern other than a literal, _ or an or-pattern of literals at 3:14"},
		{"nested def", "    def inner():\n        return 1\n    return 2", "unsupported: nested function definition at 2:5"},
		{"mutating a computed value", "    event.get('a').append(1)\n    return 1", "unsupported: list method .append() (mutation) at 2:26"},
		{"recursion", "    return rule(event)", "unsupported: recursive call of rule at 2:16"},
		{"undefined name", "    return nope", `unsupported: a name "nope" that is not defined at 2:12`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, unsup := lowerRule(t, "def rule(event):\n"+tt.body+"\n")
			if len(unsup) == 0 || !containsPrefix(unsup, strings.Split(tt.want, " at ")[0]) {
				t.Fatalf("got %v, want %q", unsup, tt.want)
			}
			if !contains(unsup, tt.want) {
				t.Errorf("position: got %v, want %q", unsup, tt.want)
			}
		})
	}
}

func TestLower_unsupportedClassAtTopLevel(t *testing.T) {
	prog, errs := ParsePython("r.py", []byte("class A:\n    pass\n\ndef rule(event):\n    return True\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(prog.Unsupported) != 1 || prog.Unsupported[0].Error() != "r.py:1:1: unsupported: top-level class definition at 1:1" {
		t.Errorf("got %v", prog.Unsupported)
	}
}

func TestLower_missingRule(t *testing.T) {
	_, errs := ParsePython("r.py", []byte("def title(event):\n    return 'x'\n"))
	if len(errs) != 1 || errs[0].Code != "schema" {
		t.Errorf("got %v, want one schema error", errs)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func containsPrefix(xs []string, p string) bool {
	for _, x := range xs {
		if strings.HasPrefix(x, p) {
			return true
		}
	}
	return false
}

// TestLower_statements shows the shapes loops, try, locals and comprehensions
// lower to: Let stores a local, Loop/Try bodies end in Exit leaves, and the
// rest of the function follows in Then.
func TestLower_statements(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"a raising value is stored where it is assigned",
			"    n = int(event.get('n'))\n    return n > 1",
			`(let n (py.int $n) (> @n 1))`},
		{"for with an early return",
			"    for x in event.get('xs', []):\n        if x == 1:\n            return True\n    return False",
			`(loop loop1 x in (default $xs []) (if (== @x 1) True (next loop1)) then False)`},
		{"try with a handler and what follows",
			"    try:\n        v = event['a']\n    except KeyError:\n        return False\n    return v",
			`(try try1 (let v (index $ 'a') (next try1)) except[KeyError] False then @v)`},
		{"any over a generator",
			"    return any(x.startswith('a') for x in event.get('xs'))",
			`(any (prefix @x "a") for x in $xs)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unsup := lowerRule(t, "def rule(event):\n"+tt.body+"\n")
			if len(unsup) > 0 {
				t.Fatalf("unexpected unsupported: %v", unsup)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
