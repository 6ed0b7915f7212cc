package sourcetype

import "testing"

// The fixture's record shape (an SSO role session calling Bedrock), trimmed.
const roleSessionCall = `{"awsRegion":"us-west-2","eventName":"DeleteModelInvocationLoggingConfiguration","eventSource":"bedrock.amazonaws.com","eventTime":"2025-01-21T17:49:47Z","eventType":"AwsApiCall","recipientAccountId":"123123123123","sourceIPAddress":"161.97.249.211","userAgent":"Mozilla/5.0","userIdentity":{"accessKeyId":"ASIAEXAMPLE","accountId":"123123123123","arn":"arn:aws:sts::123123123123:assumed-role/DevAdmin/dr.evil","principalId":"AROAEXAMPLE:dr.evil","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::123123123123:role/DevAdmin","principalId":"AROAEXAMPLE","type":"Role","userName":"DevAdmin"}},"type":"AssumedRole"},"readOnly":false,"requestParameters":null,"tags":[{"k":"a"},{"k":"b"}]}`

// concord's own CloudTrail knowledge (data/aws_cloudtrail.yml).
func TestBuiltinCloudTrail(t *testing.T) {
	runViewCases(t, nil, []viewCase{{
		name:       "role session API call",
		sourcetype: "aws:cloudtrail",
		raw:        roleSessionCall,
		want: map[string]string{
			"src": "161.97.249.211", "src_ip": "161.97.249.211",
			"signature": "DeleteModelInvocationLoggingConfiguration", "command": "DeleteModelInvocationLoggingConfiguration",
			"vendor_region": "us-west-2", "vendor_account": "123123123123",
			"user_agent": "Mozilla/5.0",
			"user_arn":   "arn:aws:sts::123123123123:assumed-role/DevAdmin/dr.evil",
			"user_type":  "AssumedRole", "user_id": "AROAEXAMPLE:dr.evil",
			"user_name": "DevAdmin", // the role, from the session issuer
			"user":      "dr.evil",  // the session
			"dest":      "bedrock.amazonaws.com",
			"errorCode": "success", "status": "success",
			"action":         "deleted", // Delete* row
			"vendor_product": "AWS CloudTrail", "vendor": "Amazon Web Services", "product": "CloudTrail",
			// KV_MODE=json names, JSON literals as text
			"userIdentity.sessionContext.sessionIssuer.userName": "DevAdmin",
			"readOnly": "false", "requestParameters": "null", "tags{}.k": "a|b",
		},
	}, {
		name:       "failed console sign-in of an IAM user",
		sourcetype: "aws:cloudtrail",
		raw:        `{"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"},"eventTime":"2024-03-02T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"203.0.113.9","responseElements":{"ConsoleLogin":"Failure"},"eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`,
		want: map[string]string{
			"user": "bob", "user_name": "bob",
			"errorCode": "failure", "status": "failure", "action": "failure",
		},
	}, {
		name:       "denied call keeps CloudTrail's errorCode",
		sourcetype: "aws:cloudtrail",
		raw:        `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory"},"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","errorCode":"AccessDenied","recipientAccountId":"111122223333"}`,
		want: map[string]string{
			"errorCode": "AccessDenied", "status": "failure",
			"action": "stopped", // explicit row before the prefixes
		},
	}, {
		name:       "AWS service caller and an event name outside the table",
		sourcetype: "aws:cloudtrail",
		raw:        `{"userIdentity":{"type":"AWSService","invokedBy":"guardduty.amazonaws.com"},"eventName":"AssumeRole","eventSource":"sts.amazonaws.com","recipientAccountId":"777788889999"}`,
		want: map[string]string{
			"user": "guardduty.amazonaws.com", "user_name": absent, "user_type": "AWSService",
			"vendor_account": "777788889999", "action": absent,
		},
	}, {
		name:       "root caller is named by its ARN",
		sourcetype: "aws:cloudtrail",
		raw:        `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com"}`,
		want: map[string]string{
			"user_name": "root", "user": absent, "vendor_account": "111122223333", "action": "read",
		},
	}})
}

// The default VPC flow log format (data/aws_cloudwatchlogs_vpcflow.yml).
func TestBuiltinVPCFlow(t *testing.T) {
	runViewCases(t, nil, []viewCase{{
		name:       "rejected TCP flow",
		sourcetype: "aws:cloudwatchlogs:vpcflow",
		raw:        `2 123456789012 eni-0a1b2c3d 10.0.1.30 203.0.113.80 47254 443 6 3 180 1697608042 1697608070 REJECT OK`,
		want: map[string]string{
			"src_ip": "10.0.1.30", "src": "10.0.1.30", "dest_ip": "203.0.113.80", "dest": "203.0.113.80",
			"src_port": "47254", "dest_port": "443", "protocol_code": "6",
			"vendor_account": "123456789012", "dvc": "eni-0a1b2c3d",
			"vpcflow_action": "REJECT", "action": "blocked", "log_status": "OK",
			"_time": "1697608042",
		},
	}, {
		name:       "a custom-format line is not the default format",
		sourcetype: "aws:cloudwatchlogs:vpcflow",
		raw:        `5 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 17 1 1 1697608042 1697608070 ACCEPT OK vpc-1`,
		want:       map[string]string{"src_ip": absent, "action": absent},
	}})
	if st, _ := Lookup("aws:cloudwatchlogs:vpcflow"); !st.TextEvents() {
		t.Error("vpcflow events are text lines")
	}
	if st, _ := Lookup("aws:cloudtrail"); st.TextEvents() {
		t.Error("CloudTrail events are JSON")
	}
}

// The sourcetypes known by name only get their JSON keys and _time, nothing more.
func TestBuiltinNameOnly(t *testing.T) {
	runViewCases(t, nil, []viewCase{{
		name:       "o365 record",
		sourcetype: "o365:management:activity",
		raw:        `{"CreationTime":"2024-05-01T12:00:00","Operation":"UserLoginFailed","ClientIP":"198.51.100.20","UserId":"alice@contoso.com"}`,
		want:       map[string]string{"Operation": "UserLoginFailed", "_time": "1714564800", "src": absent, "user": absent},
	}})
	for _, n := range []string{"o365:management:activity", "azure:monitor:aad", "mscs:azure:audit", "aws:securityhub:finding"} {
		if !IsKnown(n) {
			t.Errorf("%s not known", n)
		}
	}
}

// Pairing reads Splunk field names back to CloudTrail's: only a field that is
// exactly one alias's copy counts; calculated fields and raw keys do not.
func TestAliasOf(t *testing.T) {
	st, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	ct := st.Lookup("aws:cloudtrail")
	cases := []struct {
		field, want string
		ok          bool
	}{
		{"signature", "eventName", true},
		{"dest", "eventSource", true},
		{"user_arn", "userIdentity.arn", true},
		{"eventName", "", false},      // a raw key, not an alias
		{"vendor_account", "", false}, // calculated
		{"user", "", false},           // calculated
		{"errorCode", "", false},      // raw key overwritten by a calculated field
	}
	for _, c := range cases {
		got, ok := ct.AliasOf(c.field)
		if got != c.want || ok != c.ok {
			t.Errorf("AliasOf(%q) = %q, %v; want %q, %v", c.field, got, ok, c.want, c.ok)
		}
	}
}
