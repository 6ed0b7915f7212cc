package sigma

import (
	"reflect"
	"strings"
	"testing"
)

// TestLoadErrors: every bad input is an error with its position and what was
// expected.
func TestLoadErrors(t *testing.T) {
	head := "title: T\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"empty file", "", []string{
			"r.yml:1:1: schema: the file is empty: expected a Sigma rule (a YAML mapping with title, logsource and detection)",
		}},
		{"not a mapping", "- a\n- b\n", []string{
			"r.yml:1:1: schema: a Sigma rule must be a YAML mapping with title, logsource and detection",
		}},
		{"yaml syntax", "title: [unclosed\n", []string{
			"r.yml:1:1: schema: invalid YAML: line 1: did not find expected ',' or ']'",
		}},
		{"missing keys", "id: x\n", []string{
			"r.yml:1:1: schema: missing title (a Sigma rule needs title, logsource and detection)",
			"r.yml:1:1: schema: missing logsource (a Sigma rule needs title, logsource and detection)",
			"r.yml:1:1: schema: missing detection (a Sigma rule needs title, logsource and detection)",
		}},
		{"bad meta", "title: [a]\nstatus: draft\nlevel: severe\ndate: 2024-13-01\ntags:\n    - Attack.T1234\n    - attack.t1234\nreferences: {a: b}\n" + "logsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    a:\n        f: x\n    condition: a\n", []string{
			"r.yml:1:8: schema: title must be a string",
			"r.yml:2:9: schema: status \"draft\" is not one of stable, test, experimental, deprecated, unsupported",
			"r.yml:3:8: schema: level \"severe\" is not one of informational, low, medium, high, critical",
			"r.yml:4:7: schema: date \"2024-13-01\" is not a date in the form YYYY-MM-DD",
			"r.yml:6:7: schema: tag \"Attack.T1234\" is not a namespaced tag (lower case `namespace.name`, e.g. attack.t1562.001)",
			"r.yml:8:13: schema: references must be a list of strings",
		}},
		{"log source", "title: T\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    a:\n        f: x\n    condition: a\n", []string{
			"r.yml:3:5: unsupported: log source (category process_creation, product windows): expected product aws, service cloudtrail at 3:5",
		}},
		{"log source none", "title: T\nlogsource: {}\ndetection:\n    a:\n        f: x\n    condition: a\n", []string{
			"r.yml:2:12: unsupported: log source (none given): expected product aws, service cloudtrail at 2:12",
		}},
		{"no condition", head + "    a:\n        f: x\n", []string{
			"r.yml:6:5: schema: detection has no condition",
		}},
		{"condition syntax", head + "    a:\n        f: x\n    condition: a and\n", []string{
			"r.yml:8:21: parse: condition: the condition ends early: expected a search identifier, `1 of`, `all of`, `not` or `(` after `and`",
		}},
		{"condition unexpected", head + "    a:\n        f: x\n    condition: a or or a\n", []string{
			"r.yml:8:24: parse: condition: unexpected \"a\": expected a search identifier, `1 of`, `all of`, `not` or `(` after `or`",
		}},
		{"condition quoted", head + "    a:\n        f: x\n    condition: 'a b'\n", []string{
			"r.yml:8:19: parse: condition: unexpected \"b\": expected `and`, `or` or the end of the condition",
		}},
		{"condition keyword", head + "    a:\n        f: x\n    condition: a and or\n", []string{
			"r.yml:8:22: parse: condition: unexpected \"or\": expected a search identifier, `1 of`, `all of`, `not` or `(`",
		}},
		{"condition block", head + "    a:\n        f: x\n    condition: |\n        a and\n        not b\n", []string{
			"r.yml:10:13: schema: condition: search identifier \"b\" is not defined in detection (defined: a)",
		}},
		{"undefined identifier", head + "    a:\n        f: x\n    condition: a and b\n", []string{
			"r.yml:8:22: schema: condition: search identifier \"b\" is not defined in detection (defined: a)",
		}},
		{"pattern without quantifier", head + "    a:\n        f: x\n    condition: sel*\n", []string{
			"r.yml:8:16: parse: condition: the pattern \"sel*\" needs a quantifier: expected `1 of sel*` or `all of sel*`",
		}},
		{"pattern matches nothing", head + "    a:\n        f: x\n    condition: 1 of sel*\n", []string{
			"r.yml:8:16: schema: condition: \"sel*\" matches no search identifier (defined: a)",
		}},
		{"quantifier", head + "    a:\n        f: x\n    condition: 2 of a\n", []string{
			"r.yml:8:16: parse: condition: quantifier `2 of` is not Sigma: expected `1 of` or `all of`",
		}},
		{"aggregation", head + "    a:\n        f: x\n    condition: a | count() by userIdentity.arn > 5\n", []string{
			"r.yml:8:18: unsupported: aggregation \"| count() by userIdentity.arn > 5\" (the deprecated `| count()` syntax; Sigma correlation rules replace it) at 8:18",
		}},
		{"timeframe", head + "    a:\n        f: x\n    timeframe: 5m\n    condition: a\n", []string{
			"r.yml:8:5: unsupported: timeframe (an aggregation window; Sigma correlation rules replace it) at 8:5",
		}},
		{"deep parentheses", head + "    a:\n        f: x\n    condition: " + strings.Repeat("(", 70) + "a" + strings.Repeat(")", 70) + "\n", []string{
			"r.yml:8:80: parse: condition: parentheses nest deeper than 64 levels",
		}},
		{"keywords", head + "    keywords:\n        - evil\n        - bad\n    condition: keywords\n", []string{
			"r.yml:7:11: unsupported: keyword search (a value not bound to a field) in \"keywords\" at 7:11",
		}},
		{"keyword all", head + "    keywords:\n        '|all':\n            - a\n            - b\n    condition: keywords\n", []string{
			"r.yml:7:10: unsupported: keyword search (the key \"|all\" names no field) at 7:10",
		}},
		{"empty identifier", head + "    a:\n    condition: a\n", []string{
			"r.yml:6:7: schema: search identifier \"a\" is empty: expected a map of fields or a list of maps",
		}},
		{"unsupported modifier", head + "    a:\n        CommandLine|windash|contains: x\n        b|base64offset|contains: y\n    condition: a\n", []string{
			"r.yml:7:21: unsupported: modifier \"windash\" (it expands dashes into all their Windows variants) at 7:21",
			"r.yml:8:11: unsupported: modifier \"base64offset\" (it matches the Base64 encodings of the value at every offset) at 8:11",
		}},
		{"unknown modifier", head + "    a:\n        f|containz: x\n        g|: y\n    condition: a\n", []string{
			"r.yml:7:11: schema: unknown modifier \"containz\": expected contains, startswith, endswith, all, re, cidr, exists, lt, lte, gt, gte, cased, neq",
			"r.yml:8:11: schema: empty modifier in \"g|\": expected a modifier name after |",
		}},
		{"modifier order", head + "    a:\n        f|contains|startswith: x\n        g|i: y\n        h|cased|re: z\n        i|contains|contains: w\n        j|re|cased: v\n    condition: a\n", []string{
			"r.yml:7:20: schema: modifier \"startswith\" after \"contains\": a value is compared one way (expected one of contains, startswith, endswith, re, cidr, exists, lt, lte, gt, gte)",
			"r.yml:8:11: schema: modifier \"i\" is a regular expression flag: expected it after re",
			"r.yml:9:17: schema: modifier \"re\" applies to the unmodified value: expected it first",
			"r.yml:10:20: schema: modifier \"contains\" appears twice",
			"r.yml:11:14: schema: modifier cased applies to string matching (plain values, contains, startswith, endswith), not to re",
		}},
		{"all with one value", head + "    a:\n        f|contains|all: x\n    condition: a\n", []string{
			"r.yml:7:25: schema: f|contains|all: the all modifier needs a list of two or more values",
		}},
		{"null in list", head + "    a:\n        f:\n            - x\n            - null\n    condition: a\n", []string{
			"r.yml:9:15: schema: f: null cannot be part of a list of values (write it as its own selection)",
		}},
		{"null with modifier", head + "    a:\n        f|contains: null\n    condition: a\n", []string{
			"r.yml:7:21: schema: f|contains: null takes no modifiers (it says the field is missing or null)",
		}},
		{"boolean", head + "    a:\n        f: true\n    condition: a\n", []string{
			"r.yml:7:12: unsupported: the boolean value true in f (portable tests compare strings; quote it to compare the text 'true') at 7:12",
		}},
		{"hex number", head + "    a:\n        f: 0x1F\n    condition: a\n", []string{
			"r.yml:7:12: unsupported: the number 0x1F in f (expected a decimal number, or a quoted string) at 7:12",
		}},
		{"number with contains", head + "    a:\n        f|contains: 5\n    condition: a\n", []string{
			"r.yml:7:21: schema: f|contains: modifier contains needs a string value, found the number 5 (quote it)",
		}},
		{"comparison of a string", head + "    a:\n        f|gt: 'five'\n    condition: a\n", []string{
			"r.yml:7:15: schema: f|gt: modifier gt needs a number, found the string \"five\"",
		}},
		{"exists of a string", head + "    a:\n        f|exists: 'yes'\n    condition: a\n", []string{
			"r.yml:7:19: schema: f|exists: expected true or false, found \"yes\"",
		}},
		{"bad cidr", head + "    a:\n        f|cidr: 10.0.0/8\n    condition: a\n", []string{
			"r.yml:7:17: schema: f|cidr: \"10.0.0/8\" is not a CIDR network (expected e.g. 10.0.0.0/8 or 2001:db8::/32)",
		}},
		{"pcre", head + "    a:\n        f|re: '(?<!x)y'\n    condition: a\n", []string{
			"r.yml:7:15: unsupported: regular expression \"(?<!x)y\" in f|re (RE2 cannot read it: invalid named capture: `(?<!x)y`) at 7:15",
		}},
		{"nested value", head + "    a:\n        f:\n            g: x\n    condition: a\n", []string{
			"r.yml:8:13: schema: f: expected a value or a list of values, found a map",
		}},
		{"empty value list", head + "    a:\n        f: []\n    condition: a\n", []string{
			"r.yml:7:12: schema: f: an empty list of values: expected at least one value",
		}},
		{"empty field key", head + "    a:\n        requestParameters..x: y\n    condition: a\n", []string{
			"r.yml:7:9: schema: field name \"requestParameters..x\" has an empty key between dots",
		}},
		{"duplicate key", head + "    a:\n        f: x\n        f: y\n    condition: a\n", []string{
			"r.yml:8:9: schema: duplicate key \"f\" in \"a\"",
		}},
		{"second document", head + "    a:\n        f: x\n    condition: a\n---\ntitle: U\n", []string{
			"r.yml:9:1: unsupported: a second YAML document (Sigma rule collections and `action: global` are not read) at 9:1",
		}},
		{"re then contains", head + "    a:\n        f|re|contains: x\n    condition: a\n", []string{
			"r.yml:7:14: unsupported: modifier \"contains\" after re at 7:14",
		}},
		{"merge key", head + "    a: &m\n        f: x\n    b:\n        <<: *m\n        g: y\n    condition: a and b\n", []string{
			"r.yml:9:9: unsupported: a YAML merge key (<<) in \"b\" at 9:9",
		}},
		{"fieldref", head + "    a:\n        f|fieldref: g\n    condition: a\n", []string{
			"r.yml:7:11: unsupported: modifier \"fieldref\" (it compares two fields) at 7:11",
		}},
		{"taxonomy", "taxonomy: custom\n" + head + "    a:\n        f: x\n    condition: a\n", []string{
			"r.yml:1:11: unsupported: taxonomy \"custom\" (only the default taxonomy, sigma, names fields as the log has them) at 1:11",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := LoadBytes("r.yml", []byte(tc.src))
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				if !e.Pos.IsValid() || e.Pos.File != "r.yml" {
					t.Errorf("%s: no position", e)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				for _, g := range got {
					t.Logf("WANT %q", g)
				}
			}
		})
	}
}
