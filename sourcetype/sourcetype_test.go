package sourcetype

import (
	"testing"

	"github.com/concordsec/concord/ast"
)

// A CloudTrail record as the CloudTrail service writes it (assumed-role caller).
const assumedRoleEvent = `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"}}},"eventTime":"2025-01-21T17:49:47Z","eventSource":"bedrock.amazonaws.com","eventName":"DeleteModelInvocationLoggingConfiguration","awsRegion":"us-west-2","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","tags":[{"k":"a"},{"k":"b"}]}`

func view(t *testing.T, raw string) *ast.Object {
	t.Helper()
	v, err := ast.ParseJSON([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	st, err := Lookup("aws:cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.View(v, Meta{Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Each add-on field the seed search's stats uses, computed from a raw event.
func TestCloudTrailSeedFields(t *testing.T) {
	o := view(t, assumedRoleEvent)
	want := map[string]string{
		"src":            "198.51.100.7",                              // FIELDALIAS sourceIPAddress
		"user_name":      "Admin",                                     // sessionIssuer.userName for assumed roles
		"user_agent":     "aws-cli/2.15.0",                            // coalesce(userAgent, userAgent{})
		"vendor_account": "111122223333",                              // coalesce(userIdentity.accountId, recipientAccountId)
		"vendor_product": "AWS CloudTrail",                            // constant
		"dest":           "bedrock.amazonaws.com",                     // eventSource
		"signature":      "DeleteModelInvocationLoggingConfiguration", // FIELDALIAS eventName
		"vendor_region":  "us-west-2",                                 // FIELDALIAS awsRegion
		"errorCode":      "success",                                   // no errorCode: the add-on fills "success"
		"action":         "deleted",                                   // lookup by eventName + errorCode
		"status":         "success",                                   // lookup
		"user_arn":       "arn:aws:sts::111122223333:assumed-role/Admin/alice",
		"userIdentity.sessionContext.sessionIssuer.userName": "Admin", // KV_MODE=json dotted names
		"readOnly":         "false", // JSON booleans extract as text
		"responseElements": "null",
	}
	for f, w := range want {
		v, ok := o.Get(f)
		if !ok || v.Text() != w {
			t.Errorf("%s = %q (present %v), want %q", f, v.Text(), ok, w)
		}
	}
	if v, _ := o.Get("_time"); v.AsInt() != 1737481787 {
		t.Errorf("_time = %v, want 1737481787", v.Text())
	}
	// `user` is the add-on's own user field (userIdentity.userName), absent for roles.
	if v, ok := o.Get("user"); ok {
		t.Errorf("user = %q, want absent for an assumed role", v.Text())
	}
	if v, _ := o.Get("tags{}.k"); v.Kind() != ast.KindList || len(v.AsList()) != 2 {
		t.Errorf("tags{}.k = %v, want a multivalue field of 2", v.Text())
	}
}

func TestCloudTrailFailedCallAndIAMUser(t *testing.T) {
	o := view(t, `{"eventTime":"2022-07-13T19:03:51Z","eventName":"DeleteModelInvocationLoggingConfiguration","eventSource":"bedrock.amazonaws.com","errorCode":"AccessDenied","errorMessage":"denied","userIdentity":{"type":"IAMUser","userName":"bob","arn":"arn:aws:iam::111122223333:user/bob"},"recipientAccountId":"444455556666"}`)
	for f, w := range map[string]string{
		"errorCode": "AccessDenied", "result_id": "AccessDenied", "reason": "denied",
		"user_name": "bob", "user": "bob", "vendor_account": "444455556666",
		"action": "deleted", "status": "failure",
	} {
		if v, _ := o.Get(f); v.Text() != w {
			t.Errorf("%s = %q, want %q", f, v.Text(), w)
		}
	}
	if _, ok := o.Get("src"); ok {
		t.Error("src present without sourceIPAddress")
	}
}

func TestUserNameFromArnWhenNoUserName(t *testing.T) {
	o := view(t, `{"eventName":"GetCallerIdentity","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/session-x"}}`)
	if v, _ := o.Get("user_name"); v.Text() != "session-x" {
		t.Errorf("user_name = %q, want the last / segment of the arn", v.Text())
	}
	if _, ok := o.Get("action"); ok {
		t.Error("an eventName the lookup does not list must get no action")
	}
}

func TestUnknownSourceTypeRawFieldsOnly(t *testing.T) {
	st, err := Lookup("vendor:unknown")
	if err != nil || st.Known {
		t.Fatalf("Known = %v, err %v", st.Known, err)
	}
	v, _ := ast.ParseJSON([]byte(`{"a":{"b":1}}`))
	o, _ := st.View(v, Meta{})
	if x, _ := o.Get("a.b"); x.AsInt() != 1 {
		t.Errorf("a.b = %v", x.Text())
	}
	if _, ok := o.Get("src"); ok {
		t.Error("no add-on fields for an unknown sourcetype")
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]float64{
		"2025-01-21T17:49:47Z":          1737481787,
		"2025-01-21 17:49:47.000000000": 1737481787,
		"2025-01-21 17:49:47.5":         1737481787.5,
	} {
		v, ok := ParseTime(in)
		if f, _ := v.Number(); !ok || f != want {
			t.Errorf("ParseTime(%q) = %v, want %v", in, v.Text(), want)
		}
	}
}
