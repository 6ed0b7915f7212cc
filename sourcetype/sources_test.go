package sourcetype

import (
	"fmt"
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
