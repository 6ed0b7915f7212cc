package sigma

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// ruleWith is a minimal rule around a detection block (its lines indented by
// 4, as under `detection:`).
func ruleWith(detection string) string {
	return "title: T\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n" + detection
}

func mustLoad(t *testing.T, src string) *portable.Rule {
	t.Helper()
	r, errs := LoadBytes("r.yml", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("errors: %v\n%s", errs, src)
	}
	return r
}

func TestLoadDetection(t *testing.T) {
	for _, tc := range []struct {
		name, det, want string
	}{
		{"map is and", `
    selection:
        eventSource: s3.amazonaws.com
        eventName: PutBucketVersioning
    condition: selection`, `(eventSource ieq "s3.amazonaws.com" and eventName ieq "PutBucketVersioning")`},
		{"list of values is or", `
    selection:
        eventName:
            - StopLogging
            - DeleteTrail
    condition: selection`, `eventName ieq "StopLogging"|"DeleteTrail"`},
		{"list of maps is or", `
    selection:
        - eventSource: a
        - eventName: b
          userAgent: c
    condition: selection`, `(eventSource ieq "a" or (eventName ieq "b" and userAgent ieq "c"))`},
		{"dotted field", `
    sel:
        requestParameters.VersioningConfiguration.Status: Suspended
    condition: sel`, `requestParameters.VersioningConfiguration.Status ieq "Suspended"`},
		{"cased", `
    sel:
        eventName|cased: DeleteTrail
    condition: sel`, `eventName eq "DeleteTrail"`},
		{"contains startswith endswith", `
    sel:
        a|contains: x
        b|startswith: y
        c|endswith: z
        d|contains|cased: W
    condition: sel`, `(a icontains "x" and b iprefix "y" and c isuffix "z" and d contains "W")`},
		{"contains keeps existing stars", `
    sel:
        a|contains: '*x'
        b|startswith: 'y*'
    condition: sel`, `(a icontains "x" and b iprefix "y")`},
		{"all", `
    sel:
        userAgent|contains|all:
            - aws-cli
            - boto
    condition: sel`, `(userAgent icontains "aws-cli" and userAgent icontains "boto")`},
		{"wildcards", `
    sel:
        a: 'x*'
        b: '*x'
        c: '*x*'
        d: 'x*y'
        e: '*'
        f: 'x?y'
        g: 'x**'
    condition: sel`, `(a iprefix "x" and b isuffix "x" and c icontains "x" and d iwildcard "x*y" and e iwildcard "*" and f iregex "(?s)^x.y$" and g iprefix "x")`},
		{"escapes", `
    sel:
        a: 'x\*y'
        b: 'C:\Windows\x'
        c: 'x\\*'
        d: 'x\\\*'
        e: 'a\?'
        f: 'trailing\'
        g: 'x\*y*'
        h: '*x\*y*z'
    condition: sel`, `(a ieq "x*y" and b ieq "C:\\Windows\\x" and c iprefix "x\\" and d ieq "x\\*" and e ieq "a?" and f ieq "trailing\\" and g iprefix "x*y" and h iregex "(?s)^.*x\\*y.*z$")`},
		{"mixed value shapes", `
    sel:
        eventName:
            - Get*
            - List*
            - DescribeTrails
    condition: sel`, `(eventName iprefix "Get"|"List" or eventName ieq "DescribeTrails")`},
		{"null", `
    sel:
        errorCode: null
    condition: sel`, `not errorCode exists`},
		{"empty value is null", `
    sel:
        errorCode:
    condition: sel`, `not errorCode exists`},
		{"empty string", `
    sel:
        errorCode: ''
    condition: sel`, `errorCode eq ""`},
		{"exists", `
    sel:
        a|exists: true
        b|exists: false
    condition: sel`, `(a exists and not b exists)`},
		{"re", `
    sel:
        a|re: '^arn:aws:iam::\d+:root$'
        b|re|i: 'admin'
        c|re|m|s: 'x.y'
    condition: sel`, `(a regex "^arn:aws:iam::\\d+:root$" and b icontains "admin" and c regex "(?m)(?s)x.y")`},
		{"cidr", `
    sel:
        sourceIPAddress|cidr:
            - 10.0.0.0/8
            - 192.168.1.7
            - 172.16.5.4/12
    condition: sel`, `sourceIPAddress cidr "10.0.0.0/8"|"192.168.1.7/32"|"172.16.0.0/12"`},
		{"numbers", `
    sel:
        a|gt: 5
        b|lte: 2.5
        c: 404
    condition: sel`, `(a gt "5" and b le "2.5" and c ge "404" and c le "404")`},
		{"number list", `
    sel:
        c:
            - 1
            - 2
    condition: sel`, `((c ge "1" and c le "1") or (c ge "2" and c le "2"))`},
		{"neq", `
    sel:
        eventName|neq:
            - A
            - B
    condition: sel`, `not eventName ieq "A"|"B"`},
		{"timestamp-looking value is text", `
    sel:
        a: 2024-01-02
    condition: sel`, `a eq "2024-01-02"`},
		{"not", `
    sel:
        a: x
    filter:
        b: y
    condition: sel and not filter`, `(a ieq "x" and not b ieq "y")`},
		{"precedence", `
    a:
        f: a
    b:
        f: b
    c:
        f: c
    condition: a or b and not c`, `(f ieq "a" or (f ieq "b" and not f ieq "c"))`},
		{"parentheses", `
    a:
        f: a
    b:
        f: b
    c:
        f: c
    condition: (a or b) and c`, `(f ieq "a"|"b" and f ieq "c")`},
		{"1 of pattern", `
    selection_a:
        f: a
    selection_b:
        f: b
    filter:
        f: c
    condition: 1 of selection_* and not filter`, `(f ieq "a"|"b" and not f ieq "c")`},
		{"all of pattern", `
    sel_a:
        f: a
    sel_b:
        g: b
    condition: all of sel*`, `(f ieq "a" and g ieq "b")`},
		{"them skips underscore", `
    a:
        f: a
    _b:
        f: b
    condition: 1 of them`, `f ieq "a"`},
		{"underscore pattern", `
    a:
        f: a
    _b:
        f: b
    condition: all of _*`, `f ieq "b"`},
		{"any of", `
    a:
        f: a
    b:
        f: b
    condition: any of them`, `f ieq "a"|"b"`},
		{"double not", `
    a:
        f: a
    condition: not not a`, `f ieq "a"`},
		{"condition list is or", `
    a:
        f: a
    b:
        f: b
    condition:
        - a
        - b`, `f ieq "a"|"b"`},
		{"quoted keys and anchors", `
    a: &m
        'f|contains': x
    b: *m
    condition: a and b`, `f icontains "x"`},
		{"literal block condition", `
    a:
        f: a
    b:
        f: b
    condition: |
        a and
        not b`, `(f ieq "a" and not f ieq "b")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustLoad(t, ruleWith(strings.TrimPrefix(tc.det, "\n")+"\n"))
			if got := portable.String(r.Cond); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLoadLossy(t *testing.T) {
	for _, tc := range []struct {
		name, det string
		want      []string // "fields kinds direction"
	}{
		{"none", "    a:\n        f: x\n    condition: a\n", nil},
		{"exists positive", "    a:\n        f|exists: true\n    condition: a\n", []string{"f [null] source"}},
		{"exists negated", "    a:\n        f|exists: true\n    condition: not a\n", []string{"f [null] conversion"}},
		{"exists false", "    a:\n        f|exists: false\n    condition: a\n", []string{"f [null] conversion"}},
		{"exists both", "    a:\n        f|exists: true\n    b:\n        g: x\n    condition: a or (b and not a)\n", []string{"f [null] either"}},
		{"numeric string", "    a:\n        f: '404'\n    condition: a\n", []string{"f [string-as-number] source"}},
		{"boolean string", "    a:\n        f: 'false'\n    condition: not a\n", []string{"f [] conversion"}},
		{"null is exact", "    a:\n        f: null\n    condition: a\n", nil},
		{"number is exact", "    a:\n        f: 404\n    condition: a\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustLoad(t, ruleWith(tc.det))
			var got []string
			for _, l := range r.Lossy {
				got = append(got, describeLossy(l))
				if l.Reason == "" {
					t.Errorf("lossy without a reason: %+v", l)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func describeLossy(l portable.Lossy) string {
	dir := "conversion"
	switch {
	case l.Either:
		dir = "either"
	case l.SourceHits:
		dir = "source"
	}
	return fmt.Sprintf("%s %v %s", strings.Join(l.Fields, ","), l.Kinds, dir)
}

func TestLoadMeta(t *testing.T) {
	src := `title: AWS Example Rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
description: |
    Line one.
    Line two.
references:
    - https://example.com/a
    - https://example.com/b
author: Someone, Someone Else
date: 2023/10/28
modified: 2024-01-02
tags:
    - attack.defense-evasion
    - attack.t1562.001
    - attack.t1562
    - cve.2021-44228
logsource:
    product: aws
    service: cloudtrail
    definition: all management events
detection:
    selection:
        eventName: X
    condition: selection
fields:
    - userIdentity.arn
    - sourceIPAddress
falsepositives:
    - Admins
    - Automation
level: informational
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
license: DRL-1.1
custom_field: anything
`
	r := mustLoad(t, src)
	want := &portable.Rule{
		Name:    "AWS Example Rule",
		ID:      "929a690e-bef0-4204-a928-ef5e620d6fcc",
		LogType: "AWS.CloudTrail",
		Meta: ast.Meta{
			Description:         "Line one.\nLine two.",
			References:          []string{"https://example.com/a", "https://example.com/b"},
			Author:              "Someone, Someone Else",
			Date:                "2023-10-28",
			KnownFalsePositives: "Admins\nAutomation",
			MITRE:               []string{"T1562.001", "T1562"},
			Tags:                []string{"attack.defense-evasion", "cve.2021-44228"},
			Severity:            "Info",
		},
		Cond:   r.Cond,
		Output: [][]string{{"userIdentity", "arn"}, {"sourceIPAddress"}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
	for lv, sev := range map[string]string{"informational": "Info", "low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"} {
		r := mustLoad(t, ruleWith("    a:\n        f: x\n    condition: a\n")+"level: "+lv+"\n")
		if r.Meta.Severity != sev {
			t.Errorf("level %s: severity %q", lv, r.Meta.Severity)
		}
	}
}
