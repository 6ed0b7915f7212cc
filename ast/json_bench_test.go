package ast

import "testing"

// benchEvent is a CloudTrail management event of the usual size and shape.
const benchEvent = `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAXXH4EXAMPLEROLEID:alice@example.com","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com","accountId":"123456789012","accessKeyId":"ASIAXXH4EXAMPLEKEYID","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAXXH4EXAMPLEROLEID","arn":"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef","accountId":"123456789012","userName":"AWSReservedSSO_Admin_0123456789abcdef"},"attributes":{"creationDate":"2024-05-14T09:12:43Z","mfaAuthenticated":"false"}}},"eventTime":"2024-05-14T09:31:07Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"[aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 command/s3api.put-bucket-policy]","requestParameters":{"bucketName":"example-logs-bucket","Host":"example-logs-bucket.s3.eu-west-1.amazonaws.com","policy":{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::example-logs-bucket","arn:aws:s3:::example-logs-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]},"x-amz-expected-bucket-owner":"123456789012"},"responseElements":null,"requestID":"7QK3M9X2B1V8C4ZA","eventID":"a3c1f0d2-6b9e-4f57-8e2d-0c4b7a9e1f63","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"example-logs-bucket.s3.eu-west-1.amazonaws.com"}}`

func BenchmarkParseJSONReference(b *testing.B) {
	data := []byte(benchEvent)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseJSONReference(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSON(b *testing.B) {
	data := []byte(benchEvent)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSONProjected(b *testing.B) {
	data := []byte(benchEvent)
	p := NewProjection([][]string{{"eventName"}, {"eventSource"}, {"errorCode"}, {"userIdentity", "type"}})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSONProjected(data, p); err != nil {
			b.Fatal(err)
		}
	}
}
