package sourcetype

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/concordsec/concord/ast"
)

// TestNarrow views every CloudTrail event of the fixtures' attack data with
// aws:cloudtrail and with it narrowed to a few fields: those fields are the
// same in both, and the narrowed view computes nothing it was not asked for.
func TestNarrow(t *testing.T) {
	st, err := Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../fixtures/attack_data/datasets/attack_techniques/*/*/cloudtrail.json")
	if len(files) == 0 {
		t.Fatal("no attack data")
	}
	fieldSets := [][]string{
		{"user_arn", "src_ip", "errorCode", "eventName", "_time"},
		{"action"}, // a lookup's output, read from eventName, and a calculated field's
		{"user"},   // computed from userIdentity.*
		{"vendor_account", "status", "dest"},
		{"eventName"},  // extracted only
		{"tag", "src"}, // no tagging for this sourcetype: nothing to keep
		{"_raw", "eventName"},
	}
	never := []string{"vendor_product", "user_agent", "signature"}
	events := 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			v, err := ast.ParseJSON(sc.Bytes())
			if err != nil || v.Kind() != ast.KindObject {
				continue
			}
			events++
			meta := Meta{Raw: sc.Text()}
			full, err := st.View(v, meta)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			for _, fields := range fieldSets {
				n := st.Narrow(fields)
				// Eventtype searches (read for tag) may read _raw.
				if wantRaw := slices.Contains(fields, "_raw"); n.ReadsRaw() != wantRaw && !slices.ContainsFunc(fields, isTagging) {
					t.Fatalf("narrowed to %v: ReadsRaw = %v", fields, n.ReadsRaw())
				}
				narrow, err := n.View(v, meta)
				if err != nil {
					t.Fatalf("%s: narrowed to %v: %v", file, fields, err)
				}
				for _, f := range fields {
					want, _ := full.Get(f)
					got, _ := narrow.Get(f)
					if !ast.Equal(got, want) || got.Kind() != want.Kind() {
						t.Errorf("%s: %s narrowed to %v = %v, want %v", file, f, fields, got, want)
					}
				}
				if _, ok := narrow.Get("_raw"); ok != n.ReadsRaw() {
					t.Errorf("narrowed to %v: has _raw %v, ReadsRaw %v", fields, ok, n.ReadsRaw())
				}
				for _, f := range never {
					if _, ok := narrow.Get(f); ok && !slices.Contains(fields, f) {
						t.Errorf("%s: narrowed to %v, the view still computes %s", file, fields, f)
					}
				}
			}
		}
		f.Close()
	}
	if events < 50 {
		t.Errorf("only %d events", events)
	}
}

// TestNarrowChain: a lookup matching on an alias keeps the alias.
func TestNarrowChain(t *testing.T) {
	base, err := Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	st := *base
	st.lookups = nil
	for _, lk := range base.lookups {
		c := *lk
		c.match = []colField{{Col: lk.match[0].Col, Field: "command"}} // FIELDALIAS eventName AS command
		st.lookups = append(st.lookups, &c)
	}
	if len(st.lookups) == 0 {
		t.Fatal("aws:cloudtrail has no lookup")
	}
	v, err := ast.ParseJSON([]byte(`{"eventName":"DeleteTrail","eventSource":"cloudtrail.amazonaws.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	full, err := st.View(v, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := st.Narrow([]string{"action"}).View(v, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := full.Get("action")
	got, _ := narrow.Get("action")
	if want.Kind() == ast.KindMissing || !ast.Equal(got, want) {
		t.Errorf("action = %v, want %v (full view)", got, want)
	}
}
