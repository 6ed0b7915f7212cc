package convert

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// Verification accepts the differences lossy points name and no other: the
// S3 versioning pair differs only in key case; the KMS pair also differs where
// the Splunk search drops events and folds case, which key case does not cover.
func TestVerify(t *testing.T) {
	pa := compiled(t, paCT+"aws_s3_bucket_versioning_suspended.yml")
	sc := compiled(t, scCloud+"aws_s3_bucket_versioning_suspended.yml")
	v, _, err := Verify(pa, sc, []portable.Lossy{KeyCase}, nil, harness.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Unaccepted != 0 || v.Comparison.Disagreements() == 0 || v.Pair.Splunk != sc.Rule.File {
		t.Errorf("S3: %d unaccepted of %d disagreeing, pair %+v", v.Unaccepted, v.Comparison.Disagreements(), v.Pair)
	}
	v, _, err = Verify(pa, sc, nil, nil, harness.CompareOptions{})
	if err != nil || v.Unaccepted != v.Comparison.Disagreements() {
		t.Errorf("S3 without lossy points: %v, %d unaccepted", err, v.Unaccepted)
	}
	kms := compiled(t, paCT+"aws_kms_key_disabled_or_deletion_scheduled.yml")
	kmsSPL := compiled(t, scCloud+"aws_kms_key_disabled_or_scheduled_for_deletion.yml")
	v, _, err = Verify(kmsSPL, kms, []portable.Lossy{KeyCase}, nil, harness.CompareOptions{})
	if err != nil || v.Unaccepted == 0 {
		t.Errorf("KMS: %v, %d unaccepted", err, v.Unaccepted)
	}
	if _, _, err := Verify(pa, kms, nil, nil, harness.CompareOptions{}); err == nil {
		t.Error("two Panther rules verified")
	}
}

// A lossy point allows one direction, or both with Either, in terms of the
// platforms: the source's hits or the conversion's.
func TestAccepts(t *testing.T) {
	a := accepts(portable.Lossy{Fields: []string{"dest"}, SourceHits: false}, "splunk")
	if len(a) != 1 || a[0].Splunk || !a[0].Panther {
		t.Errorf("splunk source, conversion hits: %+v", a)
	}
	a = accepts(portable.Lossy{Fields: []string{"x"}, SourceHits: true}, "panther")
	if len(a) != 1 || a[0].Splunk || !a[0].Panther {
		t.Errorf("panther source hits: %+v", a)
	}
	if a = accepts(KeyCase, "splunk"); len(a) != 2 || a[0].Splunk == a[1].Splunk {
		t.Errorf("either: %+v", a)
	}
}

// An event that spells a key the search reads in another case (a rule's
// own test written with lower-case keys) disagrees as a key-case mutant
// does; with KeyCase listed, verification takes it for one when the rules
// agree on the event spelled as the search spells its fields, and only
// then.
func TestVerifyKeyCaseOfGivenEvents(t *testing.T) {
	pa := compiled(t, paCT+"aws_s3_bucket_versioning_suspended.yml")
	sc := compiled(t, scCloud+"aws_s3_bucket_versioning_suspended.yml")
	evs, _ := harness.RuleEvents(pa.Rule)
	var tp ast.Value
	for _, e := range evs {
		if strings.Contains(e.Source, "Versioning suspended from the console") {
			tp = e.Value
		}
	}
	if tp.Kind() != ast.KindObject {
		t.Fatal("no true positive test")
	}
	// eventname instead of eventName: Panther finds it, Splunk does not.
	o := tp.AsObject().Clone()
	for i, k := range o.Keys {
		if k == "eventName" {
			o.Keys[i] = "eventname"
		}
	}
	v := ast.ObjectOf(o)
	extra := []harness.Event{{Source: "lower-case key", Raw: ast.JSON(v), Value: v}}
	ver, _, err := Verify(pa, sc, []portable.Lossy{KeyCase}, extra, harness.CompareOptions{NoMutants: true})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range ver.Comparison.Events {
		if e.Source == "lower-case key" {
			found = true
			if e.Agree || e.Kind != "key-case" {
				t.Errorf("lower-case key: agree %v, kind %q", e.Agree, e.Kind)
			}
		}
	}
	if !found || ver.Unaccepted != 0 {
		t.Errorf("found %v, %d unaccepted", found, ver.Unaccepted)
	}
	ver, _, err = Verify(pa, sc, nil, extra, harness.CompareOptions{NoMutants: true})
	if err != nil || ver.Unaccepted == 0 {
		t.Errorf("without KeyCase: %v, %d unaccepted", err, ver.Unaccepted)
	}
}
