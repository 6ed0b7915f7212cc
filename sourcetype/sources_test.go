package sourcetype

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sources follows data/aws_cloudtrail.yml backwards; each want is read off
// that file.
func TestSourcesCloudTrail(t *testing.T) {
	st, err := Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field, raw, consts string
		computed, ok       bool
	}{
		{"eventName", "eventName", "[]", false, true},
		{"src", "sourceIPAddress src", "[]", false, true}, // the alias, or src itself when sourceIPAddress is absent
		{"user", "userIdentity.arn userIdentity.invokedBy userIdentity.type userIdentity.userName", `["" "AssumedRole" "^.*/"]`, true, true},
		{"vendor_account", "recipientAccountId userIdentity.accountId", "[]", true, true},
		{"errorCode", "errorCode responseElements.ConsoleLogin", `["Failure" "failure" "success"]`, true, true},
		{"vendor_product", "", `["AWS CloudTrail"]`, true, true},
		{"sourcetype", "", "[]", false, true},
		{"host", "", "[]", false, true}, // Splunk metadata, never a JSON key
		{"_time", "eventTime", "[]", false, true},
		{"_raw", "", "[]", false, false},
	} {
		o := st.Sources(tc.field)
		got := strings.Join(o.Raw, " ")
		consts := fmt.Sprintf("%q", o.Consts)
		if got != tc.raw || consts != tc.consts || o.Computed != tc.computed || o.OK != tc.ok {
			t.Errorf("%s: got %q %q computed %v ok %v, want %q %q %v %v", tc.field, got, consts, o.Computed, o.OK, tc.raw, tc.consts, tc.computed, tc.ok)
		}
	}
	// action comes from the eventName table and, for sign-ins, the outcome.
	if o := st.Sources("action"); !o.OK || !o.Computed || o.ByClass || !strings.Contains(strings.Join(o.Raw, " "), "eventName") {
		t.Errorf("action: %+v", o)
	}
	// errorCode is coalesce and if over raw values and constants; user takes
	// the tail of an ARN with replace().
	if o := st.Sources("errorCode"); !o.ByClass {
		t.Errorf("errorCode: %+v", o)
	}
	if o := st.Sources("user"); o.ByClass {
		t.Errorf("user: %+v", o)
	}
}

// A value a REPORT's FORMAT writes need not occur in the event as written
// (here it is a constant); a named group's value always does.
func TestSourcesFormatted(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"default/app.conf":        "[launcher]\nversion = 1.0.0\n",
		"default/props.conf":      "[temp:json]\nKV_MODE = json\nREPORT-verb = temp_verb\nEXTRACT-code = (?<code>\\d+) in msg\n",
		"default/transforms.conf": "[temp_verb]\nSOURCE_KEY = msg\nREGEX = ^(\\w+)\nFORMAT = verb::blocked\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := r.LoadAddon(dir); errs != nil {
		t.Fatal(errs)
	}
	st := r.Lookup("temp:json")
	// Each may also be a JSON key of the event itself.
	if o := st.Sources("verb"); !o.OK || !o.Formatted || strings.Join(o.Raw, " ") != "msg verb" {
		t.Errorf("verb: %+v", o)
	}
	if o := st.Sources("code"); !o.OK || o.Formatted || strings.Join(o.Raw, " ") != "code msg" {
		t.Errorf("code: %+v", o)
	}
}

// Computations are the calculated fields' expressions, then the eventtypes'.
func TestComputations(t *testing.T) {
	st, err := Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	// data/aws_cloudtrail.yml has nine calculated fields and no eventtypes.
	if n := len(st.Computations()); n != 9 {
		t.Errorf("%d computations, want 9", n)
	}
	r, _ := loadAddons(t, "TA-fabrikam")
	if n := len(r.Lookup("fabrikam:audit").Computations()); n != 4 {
		t.Errorf("fabrikam:audit: %d computations, want 4", n)
	}
}
