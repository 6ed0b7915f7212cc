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
	if _, ok := LogTypeOf("okta"); ok {
		t.Error("okta is not known")
	}
}
