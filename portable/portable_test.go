package portable

import "testing"

func TestString(t *testing.T) {
	x := &And{Xs: []Expr{
		&Atom{Field: []string{"eventSource"}, Op: Eq, Values: []string{"s3.amazonaws.com"}},
		&Atom{Field: []string{"eventName"}, Op: Eq, Values: []string{"putbucketacl", "putbucketpolicy"}, Fold: true},
		&Not{X: &Or{Xs: []Expr{&Atom{Op: Success}, &Atom{Field: []string{"userIdentity", "type"}, Op: Exists}}}},
	}}
	want := `(eventSource eq "s3.amazonaws.com" and eventName ieq "putbucketacl"|"putbucketpolicy" and not (success or userIdentity.type exists))`
	if got := String(x); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	fields := Fields(x)
	if len(fields) != 4 || fields[3][1] != "type" {
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
