package portable

import (
	"fmt"
	"testing"
)

func TestString(t *testing.T) {
	x := &And{Xs: []Expr{
		&Atom{Field: []string{"eventSource"}, Op: Eq, Values: []string{"s3.amazonaws.com"}},
		&Atom{Field: []string{"eventName"}, Op: Eq, Values: []string{"putbucketacl", "putbucketpolicy"}, Fold: true},
		&Not{X: &Or{Xs: []Expr{&Atom{Op: Success}, &Atom{Field: []string{"userIdentity", "type"}, Op: Exists}}}},
		&Any{Path: []string{"a", "items"}, X: &Any{Path: []string{"b"}, X: &Atom{Field: []string{"c"}, Op: Eq, Values: []string{"x"}}}},
	}}
	want := `(eventSource eq "s3.amazonaws.com" and eventName ieq "putbucketacl"|"putbucketpolicy" and not (success or userIdentity.type exists) and any a.items[] (any b[] (c eq "x")))`
	if got := String(x); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	fields := Fields(x)
	// The successful call reads no field of its own; elements' fields are
	// reached through "[]".
	if got := fmt.Sprint(fields); got != "[[eventSource] [eventName] [userIdentity type] [a items [] b [] c]]" {
		t.Errorf("fields %v", fields)
	}
}

func TestLogTypeOf(t *testing.T) {
	for _, name := range []string{"AWS.CloudTrail", "aws:cloudtrail", "cloudtrail"} {
		if l, ok := LogTypeOf(name); !ok || l.Panther != "AWS.CloudTrail" {
			t.Errorf("%s: %+v %v", name, l, ok)
		}
	}
	for _, name := range []string{"GitHub.Audit", "github:cloud:audit", "github_organizations"} {
		if l, ok := LogTypeOf(name); !ok || l.Panther != "GitHub.Audit" {
			t.Errorf("%s: %+v %v", name, l, ok)
		}
	}
	for _, name := range []string{"AWS.VPCFlow", "aws:cloudwatchlogs:vpcflow", "cloudwatchlogs_vpcflow", "vpcflow"} {
		if l, ok := LogTypeOf(name); !ok || l.Panther != "AWS.VPCFlow" {
			t.Errorf("%s: %+v %v", name, l, ok)
		}
	}
	if _, ok := LogTypeOf("okta"); ok {
		t.Error("okta is not known")
	}
}

// Simplify says a wildcard or regex test that only tests literal strings as
// that string test; anything else it leaves as written.
func TestSimplifyPlainTests(t *testing.T) {
	for _, c := range []struct {
		op   Op
		fold bool
		vals []string
		want string
	}{
		{Wildcard, true, []string{"*/AllUsers", "*/Authenticated"}, `f isuffix "/AllUsers"|"/Authenticated"`},
		{Wildcard, false, []string{"Get*", "List*"}, `f prefix "Get"|"List"`},
		{Wildcard, false, []string{"*admin*"}, `f contains "admin"`},
		{Wildcard, false, []string{"Get*", "*Policy"}, `f wildcard "Get*"|"*Policy"`}, // two shapes
		{Wildcard, false, []string{"a*b"}, `f wildcard "a*b"`},
		{Wildcard, false, []string{"*"}, `f wildcard "*"`}, // any string
		{Regex, false, []string{`^0\.0\.0\.0/0\z`}, `f eq "0.0.0.0/0"`},
		{Regex, false, []string{`^\*$`}, `f eq "*"`},
		{Regex, false, []string{`(?i)(?:/a\.b|/c)\z`}, `f isuffix "/a.b"|"/c"`},
		{Regex, false, []string{`^arn:aws:iam::`}, `f prefix "arn:aws:iam::"`},
		{Regex, false, []string{`x\x{7f}y`}, `f contains "x\x7fy"`},
		{Regex, false, []string{`^a.*b\z`}, `f regex "^a.*b\\z"`},
		{Regex, false, []string{`^\d+$`}, `f regex "^\\d+$"`},
		{Regex, false, []string{`(?m)^a$`}, `f regex "(?m)^a$"`},
	} {
		got := String(Simplify(&Atom{Field: []string{"f"}, Op: c.op, Values: c.vals, Fold: c.fold}))
		if got != c.want {
			t.Errorf("%s %v: got %s, want %s", c.op, c.vals, got, c.want)
		}
	}
}

// Same names both its fields, and two Same tests of one field in an or stay
// two tests (they compare with different fields).
func TestSame(t *testing.T) {
	a := &Atom{Field: []string{"a"}, Op: Same, Ref: []string{"b", "c"}}
	b := &Atom{Field: []string{"a"}, Op: Same, Ref: []string{"d"}, Fold: true}
	x := Simplify(&Or{Xs: []Expr{a, b}})
	if got := String(x); got != "(a same b.c or a isame d)" {
		t.Errorf("got %s", got)
	}
	if got := fmt.Sprint(Fields(x)); got != "[[a] [b c] [d]]" {
		t.Errorf("fields %s", got)
	}
}
