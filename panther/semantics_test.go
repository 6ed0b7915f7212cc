package panther

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

// runPy lowers src, runs rule() (and then the outputs, in one Env as Panther
// calls them on one module) on the JSON event and returns repr(rule()) or the
// error, then each output's repr.
func runPy(t *testing.T, src, event string, mocks map[string]ast.Value) (string, []string) {
	t.Helper()
	prog, errs := ParsePython("t.py", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(prog.Unsupported) > 0 {
		t.Fatalf("unsupported: %v", prog.Unsupported)
	}
	ev, err := ast.ParseJSON([]byte(event))
	if err != nil {
		t.Fatal(err)
	}
	env := &eval.Env{Record: ev, Mocks: mocks}
	run := func(x ast.Expr) string {
		p, errs := eval.Compile(x, ast.KeysFold)
		if len(errs) > 0 {
			return "compile: " + errs.Error()
		}
		v, err := p.Eval(env)
		if err != nil {
			re, ok := err.(*eval.RuntimeError)
			if ok && re.Code == ast.CodeUnsupported {
				return "unsupported"
			}
			if ok {
				return "raise " + strings.SplitN(re.Msg, ":", 2)[0]
			}
			return "error " + err.Error()
		}
		return v.Repr()
	}
	got := run(prog.Match)
	var outs []string
	for _, o := range prog.Outputs {
		outs = append(outs, o.Name+"="+run(o.X))
	}
	return got, outs
}

// TestPythonSemantics runs small rules and states what CPython 3.11 returns for
// them (each expectation was worked out from the language reference; the
// helper cases from panther-analysis/global_helpers' sources).
func TestPythonSemantics(t *testing.T) {
	tests := []struct {
		name, body, event, want string
	}{
		// Loops: early return, break, continue, for-else, loop variables after the loop.
		{"return inside a loop", "for x in event.get('xs', []):\n        if x > 2:\n            return True\n    return False", `{"xs":[1,3]}`, "True"},
		{"loop exhausted", "for x in event.get('xs', []):\n        if x > 2:\n            return True\n    return False", `{"xs":[1,2]}`, "False"},
		{"break keeps the last value", "found = None\n    for x in event.get('xs'):\n        found = x\n        if x == 'b':\n            break\n    return found", `{"xs":["a","b","c"]}`, "'b'"},
		{"continue skips", "n = 0\n    for x in event.get('xs'):\n        if not x:\n            continue\n        n += x\n    return n", `{"xs":[1,0,5]}`, "6"},
		{"for else runs on exhaustion only", "for x in [1, 2]:\n        if x == event.get('stop'):\n            break\n    else:\n        return 'done'\n    return 'broke'", `{"stop":2}`, "'broke'"},
		{"for else on exhaustion", "for x in [1, 2]:\n        if x == event.get('stop'):\n            break\n    else:\n        return 'done'\n    return 'broke'", `{"stop":9}`, "'done'"},
		{"nested loops break only the inner", "out = []\n    for a in [1, 2]:\n        for b in [1, 2, 3]:\n            if b == 2:\n                break\n            out.append([a, b])\n    return out", `{}`, "[[1, 1], [2, 1]]"},
		{"tuple targets over items()", "s = ''\n    for k, v in event.get('d').items():\n        s += k + v\n    return s", `{"d":{"a":"1","b":"2"}}`, "'a1b2'"},
		{"while loop", "j = 0\n    xs = event.get('xs')\n    while j < len(xs) and xs[j] == '':\n        j += 1\n    return j", `{"xs":["","","a"]}`, "2"},
		{"while with break and else", "n = 0\n    while True:\n        n += 1\n        if n > 3:\n            break\n    else:\n        return -1\n    return n", `{}`, "4"},
		{"match with literals and _", "match event.get('r'):\n        case 'low' | 'info':\n            return 1\n        case 'high':\n            return 2\n        case _:\n            return 0", `{"r":"info"}`, "1"},
		{"match falls through to what follows", "n = 5\n    match event.get('r'):\n        case None:\n            n = 1\n        case 'x' if event.get('g'):\n            n = 2\n    return n", `{"r":"x","g":false}`, "5"},
		{"match None uses is", "match event.get('r'):\n        case None:\n            return 'none'\n    return 'some'", `{}`, "'none'"},
		{"iterating a dict yields keys", "return [k for k in event.get('d')]", `{"d":{"a":1,"b":2}}`, "['a', 'b']"},
		{"iterating None raises", "for x in event.get('nope'):\n        return True\n    return False", `{}`, "raise TypeError"},
		{"unpacking the wrong number raises", "a, b = event.get('xs')\n    return a", `{"xs":[1,2,3]}`, "raise ValueError"},

		// try/except: each operation's exception class, handlers in order, else.
		{"KeyError caught", "try:\n        return event['a']['missing']\n    except KeyError:\n        return 'k'", `{"a":{}}`, "'k'"},
		{"LookupError catches IndexError", "try:\n        return event.get('xs')[5]\n    except LookupError:\n        return 'l'", `{"xs":[1]}`, "'l'"},
		{"int() raises ValueError", "try:\n        n = int(event.get('n'))\n    except ValueError:\n        return -1\n    return n", `{"n":"12x"}`, "-1"},
		{"try else runs after success", "try:\n        n = int(event.get('n'))\n    except ValueError:\n        return -1\n    else:\n        n += 1\n    return n", `{"n":" 41 "}`, "42"},
		{"unmatched handler lets it through", "try:\n        return event.get('s').lower()\n    except (KeyError, IndexError):\n        return 'x'", `{}`, "raise AttributeError"},
		{"AttributeError on None", "try:\n        return event.get('s').lower()\n    except AttributeError:\n        return 'none'", `{}`, "'none'"},
		{"bare except catches TypeError", "try:\n        return len(event.get('n'))\n    except:\n        return 0", `{"n":5}`, "0"},
		{"exception after the try is not caught", "try:\n        x = event.get('a')\n    except TypeError:\n        return 'caught'\n    return x + 1", `{"a":"s"}`, "raise TypeError"},
		{"a statement evaluated for its exception", "try:\n        int(event.get('n'))\n    except ValueError:\n        return False\n    return True", `{"n":"abc"}`, "False"},
		{"json.loads raises JSONDecodeError, a ValueError", "try:\n        return json.loads(event.get('j'))\n    except ValueError:\n        return {}", `{"j":"{bad"}`, "{}"},
		{"unsupported is never caught", "try:\n        return re.match('(?=x)', event.get('s'))\n    except Exception:\n        return False", `{"s":"x"}`, "unsupported"},

		// Comprehensions and generators.
		{"any stops at the first truthy", "return any(x.startswith('a') for x in event.get('xs'))", `{"xs":["ab", 1]}`, "True"},
		{"any raises before a later truthy", "return any(x.startswith('a') for x in event.get('xs'))", `{"xs":[1, "ab"]}`, "raise AttributeError"},
		{"all of empty", "return all(x for x in [])", `{}`, "True"},
		{"list comprehension with if", "return [x * 2 for x in event.get('xs') if x % 2]", `{"xs":[1,2,3]}`, "[2, 6]"},
		{"set comprehension drops duplicates", "return len({x.lower() for x in event.get('xs')})", `{"xs":["A","a","b"]}`, "2"},
		{"dict comprehension", "return {k: len(k) for k in event.get('xs')}", `{"xs":["ab","c"]}`, "{'ab': 2, 'c': 1}"},
		{"next with a default", "return next((x for x in event.get('xs') if x > 5), 'none')", `{"xs":[1,2]}`, "'none'"},
		{"two for clauses", "return [a + b for a in ['x', 'y'] for b in ['1', '2']]", `{}`, "['x1', 'x2', 'y1', 'y2']"},
		{"comprehension variable does not leak", "x = 'outer'\n    ys = [x for x in ['inner']]\n    return x", `{}`, "'outer'"},

		// Assignment forms.
		{"walrus binds for later statements", "if (n := len(event.get('xs'))) > 1:\n        return n\n    return 0", `{"xs":[1,2,3]}`, "3"},
		{"augmented assignment on a list", "xs = ['a']\n    xs += ['b']\n    return xs", `{}`, "['a', 'b']"},
		{"dict item assignment", "d = {}\n    d['k'] = event.get('v')\n    return d", `{"v":1}`, "{'k': 1}"},
		{"append to a list inside a dict", "ctx = {'xs': []}\n    for x in event.get('a'):\n        ctx['xs'].append(x * 2)\n    return ctx", `{"a":[1,2]}`, "{'xs': [2, 4]}"},
		{"chained assignment", "a = b = event.get('v')\n    return [a, b]", `{"v":2}`, "[2, 2]"},

		{"nested item assignment", "d = {'a': {}}\n    d['a']['b'] = 1\n    return d", `{}`, "{'a': {'b': 1}}"},
		{"nested item assignment of a missing key", "d = {}\n    d['a']['b'] = 1\n    return d", `{}`, "raise KeyError"},
		{"dict unpacking merges left to right", "return {**event.get('d'), 'b': 3, **{'c': 4}}", `{"d":{"a":1,"b":2}}`, "{'a': 1, 'b': 3, 'c': 4}"},
		{"dict unpacking of a list raises", "return {**event.get('xs')}", `{"xs":[1]}`, "raise TypeError"},
		{"enumerate with start", "return [i for i, x in enumerate(event.get('xs'), 1) if x == 'b']", `{"xs":["a","b"]}`, "[2]"},
		{"str.format with ** of a dict", "d = {'who': event.get('u')}\n    return '{who} did it'.format(**d)", `{"u":"bob"}`, "'bob did it'"},
		{"** and a keyword of the same name", "return '{a}'.format(a=1, **{'a': 2})", `{}`, "raise TypeError"},
		{"to_dict is the event", "return event.to_dict().get('a')", `{"a":1}`, "1"},

		// Sets and dicts hash what is looked up; lists do not.
		{"a list in a set is unsupported", "return event.get('n') in {'a', 'b'}", `{"n":[]}`, "unsupported"},
		{"a dict in a module set raises", "return event.get('n') in NAMES", `{"n":{}}`, "raise TypeError"},
		{"a tuple in a set of tuples", "return (event.get('a'), 'x') in {('p', 'x'), ('q', 'y')}", `{"a":"p"}`, "True"},
		{"a list in a list does not", "return event.get('n') in ['a', []]", `{"n":[]}`, "True"},
		{"a dict in a dict raises", "return event.get('n') in event.get('d')", `{"n":{},"d":{}}`, "raise TypeError"},
		{"a dict in keys() raises", "return event.get('n') in {'a': 1}.keys()", `{"n":{}}`, "raise TypeError"},
		{"a dict in a set inside a dict raises", "return event.get('n') in {'k': {'a'}}['k']", `{"n":{}}`, "raise TypeError"},
		{"a list in values() does not", "return event.get('n') in {'a': 1}.values()", `{"n":[]}`, "False"},
		{"set literal duplicates collapse", "return len({'a', 'a', event.get('x')})", `{"x":"a"}`, "1"},

		// str methods and operators.
		{"split on whitespace runs", "return ' a  b\\t'.split()", `{}`, "['a', 'b']"},
		{"rsplit with maxsplit", "return 'a/b/c'.rsplit('/', 1)", `{}`, "['a/b', 'c']"},
		{"split with maxsplit keyword", "return 'a,b,c'.split(',', maxsplit=1)", `{}`, "['a', 'b,c']"},
		{"strip characters", "return 'xxhixx'.strip('x')", `{}`, "'hi'"},
		{"join of non-str raises", "return ','.join(event.get('xs'))", `{"xs":["a",1]}`, "raise TypeError"},
		{"negative slice", "return event.get('s')[-3:]", `{"s":"abcdef"}`, "'def'"},
		{"reverse slice", "return event.get('xs')[::-1]", `{"xs":[1,2,3]}`, "[3, 2, 1]"},
		{"endswith a tuple, non-constant", "return event.get('s').endswith(tuple(event.get('suffixes')))", `{"s":"file.txt","suffixes":[".exe",".txt"]}`, "True"},
		{"str + a non-str field raises", "return 'ip:' + event.get('ip')", `{"ip":null}`, "raise TypeError"},
		{"str + str field", "return 'ip:' + event.get('ip')", `{"ip":"1.2.3.4"}`, "'ip:1.2.3.4'"},
		{"str + int raises", "return event.get('s') + 1", `{"s":"a"}`, "raise TypeError"},
		{"floor division rounds down", "return -7 // 2", `{}`, "-4"},
		{"true division", "return 7 / 2", `{}`, "3.5"},
		{"list.index", "return ['a', 'b'].index(event.get('v'))", `{"v":"b"}`, "1"},
		{"sorted and max", "return [sorted(event.get('xs')), max(event.get('xs'))]", `{"xs":[3,1,2]}`, "[[1, 2, 3], 3]"},
		{"sorted of mixed types raises", "return sorted(event.get('xs'))", `{"xs":[1,"a"]}`, "raise TypeError"},

		// Panther's event and helpers.
		{"event keys are case-insensitive at every level", "return event.get('A').get('B')", `{"a":{"b":1}}`, "1"},
		{"deep_get returns the default for None", "return event.deep_get('a', 'b', default='d')", `{"a":{"b":null}}`, "'d'"},
		{"deep_get does not walk lists", "return deep_get(event, 'a', 'b', default='d')", `{"a":[{"b":1}]}`, "'d'"},
		{"deep_get with computed keys", "k = event.get('k')\n    return deep_get(event, 'a', k)", `{"k":"b","a":{"b":5}}`, "5"},
		{"deep_walk collects through lists", "return deep_walk(event, 'a', 'b')", `{"a":[{"b":1},{"b":2},{"b":1}]}`, "[1, 2]"},
		// deep_walk keeps a default that is not None: the helper tests `value is not None`.
		{"deep_walk keeps a non-None default", "return deep_walk(event, 'a', 'b', default='')", `{"a":[{"b":1},{"c":2}]}`, "[1, '']"},
		{"deep_walk first", "return deep_walk(event, 'a', 'b', return_val='first')", `{"a":[{"b":"x"},{"b":"y"}]}`, "'x'"},
		{"is_ip_in_network", "return is_ip_in_network(event.get('ip'), ['10.0.0.0/8', '192.168.0.0/16'])", `{"ip":"192.168.1.4"}`, "True"},
		{"is_ip_in_network bad address", "return is_ip_in_network(event.get('ip'), ['10.0.0.0/8'])", `{"ip":"nope"}`, "raise ValueError"},
		{"pattern_match_list is fnmatch", "return pattern_match_list(event.get('n'), ['*.exe', 'cmd?'])", `{"n":"cmd1"}`, "True"},
		{"fnmatch is case-sensitive on posix", "return fnmatch(event.get('n'), '*.EXE')", `{"n":"a.exe"}`, "False"},
		{"aws_cloudtrail_success", "return aws_cloudtrail_success(event)", `{"errorCode":"AccessDenied"}`, "False"},
		{"lookup_aws_account_name returns the id", "return lookup_aws_account_name(event.get('a'))", `{"a":"123"}`, "'123'"},

		// Modules.
		{"re.search with a group", "m = re.search(r'user/(\\w+)', event.get('arn'))\n    return m.group(1) if m else None", `{"arn":"arn:aws:iam::1:user/bob"}`, "'bob'"},
		{"re.match anchors at the start", "return bool(re.match('b', 'ab'))", `{}`, "False"},
		{"compiled pattern methods", "return bool(PAT.search(event.get('s')))", `{"s":"xx-123"}`, "True"},
		{"python $ matches before a final newline", "return bool(re.search('a$', 'a\\n'))", `{}`, "True"},
		{"json.dumps spacing", "return json.dumps({'a': [1, True, None]})", `{}`, `'{"a": [1, true, null]}'`},
		{"re flags by name", "return bool(re.compile('ab', flags=re.I).match('AB'))", `{}`, "True"},
		{"ip_address in ip_network", "return ipaddress.ip_address(event.get('ip')) in ipaddress.ip_network('10.0.0.0/8')", `{"ip":"10.2.3.4"}`, "True"},
		{"ip versions never contain each other", "return ipaddress.ip_address(event.get('ip')) not in ipaddress.ip_network('10.0.0.0/8')", `{"ip":"::1"}`, "True"},
		{"ip_network with host bits raises", "return ipaddress.ip_address(event.get('ip')) in ipaddress.ip_network('10.0.0.1/8')", `{"ip":"10.0.0.1"}`, "raise ValueError"},
		{"ip_network strict=False", "return ipaddress.ip_address(event.get('ip')) in ipaddress.ip_network('10.0.0.1/8', strict=False)", `{"ip":"10.0.0.1"}`, "True"},
		{"ip_address is_private", "return ipaddress.ip_address(event.get('ip')).is_private", `{"ip":"10.1.2.3"}`, "True"},
		{"ip_address of a name raises ValueError", "try:\n        ipaddress.ip_address(event.get('ip'))\n    except ValueError:\n        return 'bad'\n    return 'ok'", `{"ip":"AWS Internal"}`, "'bad'"},
	}
	header := "import json\nimport re\nimport ipaddress\nfrom fnmatch import fnmatch\n" +
		"from panther_base_helpers import deep_get, deep_walk, is_ip_in_network, pattern_match_list\n" +
		"from panther_aws_helpers import aws_cloudtrail_success, lookup_aws_account_name\n" +
		"PAT = re.compile(r'-\\d+$')\nNAMES = frozenset({'a'})\n\ndef rule(event):\n    "
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runPy(t, header+tt.body+"\n", tt.event, nil)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestGlobals follows Panther's one module instance per rule: a global that
// rule() rebinds is what title() then reads, and a test's Mocks replace a
// module constant with a MagicMock whose return value the rule reads.
func TestGlobals(t *testing.T) {
	src := `import json
from unittest.mock import MagicMock

ALLOW = []
SEEN = None

def rule(event):
    global ALLOW, SEEN
    if isinstance(ALLOW, MagicMock):
        ALLOW = json.loads(ALLOW())
    SEEN = event.get('name')
    return event.get('name') not in ALLOW

def title(event):
    return f"saw {SEEN}"
`
	got, outs := runPy(t, src, `{"name":"bob"}`, nil)
	if got != "True" || strings.Join(outs, ";") != "title='saw bob'" {
		t.Errorf("unmocked: got %s %v", got, outs)
	}
	got, _ = runPy(t, src, `{"name":"bob"}`, map[string]ast.Value{"ALLOW": ast.String(`["bob"]`)})
	if got != "False" {
		t.Errorf("mocked: got %s, want False", got)
	}
}

// TestContextHelpers runs helpers that build dicts from the event, as the
// panther-analysis sources write them.
func TestContextHelpers(t *testing.T) {
	src := `from panther_databricks_helpers import databricks_alert_context
from panther_zscaler_helpers import zia_success
from panther_snyk_helpers import snyk_alert_context

def rule(event):
    return zia_success(event)

def alert_context(event):
    return [databricks_alert_context(event, {"extra": 1}), snyk_alert_context(event)]
`
	got, outs := runPy(t, src, `{"event":{"errorcode":"None","result":"SUCCESS"},"actionName":"login","userId":"u","groupId":"g"}`, nil)
	want := `alert_context=[{'action': 'login', 'extra': 1}, {'actor': 'u', 'action': {'errorcode': 'None', 'result': 'SUCCESS'}, 'orgId': '<NO_ORGID>', 'groupId': 'g', 'actor_link': 'https://app.snyk.io/group/g/manage/member/u'}]`
	if got != "True" || strings.Join(outs, ";") != want {
		t.Errorf("got %s %v\nwant True %s", got, outs, want)
	}
}

// TestIPInfo follows panther_ipinfo_helpers: no enrichment gives None, a
// match gives the field's value, a list of matches a list.
func TestIPInfo(t *testing.T) {
	src := `from panther_ipinfo_helpers import get_ipinfo_asn

def rule(event):
    asn = get_ipinfo_asn(event)
    if not asn:
        return False
    return asn.domain("sourceIPAddress") == "amazon.com"

def alert_context(event):
    return get_ipinfo_asn(event).context("ips")
`
	ev := `{"p_enrichment":{"ipinfo_asn":{"sourceIPAddress":{"domain":"amazon.com"},"ips":[{"asn":"AS1"},null]}}}`
	got, outs := runPy(t, src, ev, nil)
	want := "alert_context={'ASN': ['AS1', None], 'Domain': [None, None], 'Name': [None, None], 'Route': [None, None], 'Type': [None, None]}"
	if got != "True" || strings.Join(outs, ";") != want {
		t.Errorf("got %s %v", got, outs)
	}
	if got, _ := runPy(t, src, `{}`, nil); got != "False" {
		t.Errorf("no enrichment: got %s", got)
	}
}
