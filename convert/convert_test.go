package convert

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// convertAndLoad converts, writes the tree to a temporary folder and loads
// the written rule back.
func convertAndLoad(t *testing.T, c *harness.Compiled, to Target) *harness.Compiled {
	t.Helper()
	res, _, err := Convert(c, Options{To: to})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	return compiled(t, filepath.Join(dir, res.Main))
}

// Round trips say the same thing as the original: Panther to Splunk to
// Panther, and Splunk to Panther to Splunk, lift to the same condition.
func TestRoundTrip(t *testing.T) {
	for _, c := range []struct {
		file    string
		via, to Target
	}{
		{paCT + "aws_s3_bucket_versioning_suspended.yml", ToSplunk, ToPanther},
		{paCT + "aws_guardduty_detector_deleted.yml", ToSplunk, ToPanther},
		{paCT + "aws_cloudtrail_logging_stopped_or_deleted.yml", ToSplunk, ToPanther},
		{scCloud + "aws_s3_bucket_versioning_suspended.yml", ToPanther, ToSplunk},
		{scCloud + "aws_console_login_without_mfa.yml", ToPanther, ToSplunk},
		// Tests of JSON arrays' elements, and the Panther printer's helpers.
		{scCloud + "aws_security_group_ingress_open_to_internet.yml", ToPanther, ToSplunk},
		{scCloud + "aws_s3_bucket_made_public.yml", ToPanther, ToSplunk},
		// An accumulator loop: a test of several fields of one element,
		// printed with mvmap and read back.
		{paCT + "aws_ec2_security_group_opened_to_internet.yml", ToSplunk, ToPanther},
	} {
		orig := compiled(t, c.file)
		back := convertAndLoad(t, convertAndLoad(t, orig, c.via), c.to)
		a, _, err := Condition(orig.Rule)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := Condition(back.Rule)
		if err != nil {
			t.Fatalf("%s round trip: %v", c.file, err)
		}
		if canon(a) != canon(b) {
			t.Errorf("%s via %s:\norig %s\nback %s", c.file, c.via, portable.String(a), portable.String(b))
		}
	}
}

// Converting to the rule's own platform is refused; an unknown target too.
func TestConvertRefused(t *testing.T) {
	c := compiled(t, paCT+"aws_s3_bucket_versioning_suspended.yml")
	if _, _, err := Convert(c, Options{To: ToPanther}); err == nil {
		t.Error("panther to panther")
	}
	if _, _, err := Convert(c, Options{To: "qradar"}); err == nil {
		t.Error("unknown target")
	}
}

// canon is a condition's text with folded values in lower case: their case
// does not change what they match.
func canon(x portable.Expr) string {
	switch x := x.(type) {
	case *portable.And:
		var xs []portable.Expr
		for _, y := range x.Xs {
			xs = append(xs, &portable.Atom{Field: []string{canon(y)}, Op: "sub"})
		}
		return portable.String(&portable.And{Xs: xs})
	case *portable.Or:
		var xs []portable.Expr
		for _, y := range x.Xs {
			xs = append(xs, &portable.Atom{Field: []string{canon(y)}, Op: "sub"})
		}
		return portable.String(&portable.Or{Xs: xs})
	case *portable.Not:
		return "not " + canon(x.X)
	case *portable.Any:
		return "any " + strings.Join(x.Path, ".") + " (" + canon(x.X) + ")"
	case *portable.Atom:
		a := *x
		if a.Fold {
			a.Values = nil
			for _, v := range x.Values {
				a.Values = append(a.Values, strings.ToLower(v))
			}
		}
		return portable.String(&a)
	}
	return portable.String(x)
}
