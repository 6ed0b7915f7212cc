package main

import (
	"strconv"
	"strings"
	"time"
)

// template is a true positive: the events one fixture rule fires on, modelled
// on that rule's own true-positive test event (or its attack data), with the
// account, times and ids generated.
type template struct {
	name string
	// rule is the fixture rule it targets, relative to fixtures/.
	rule string
	// quiet are fixture rules that must not fire on it: the seed pair's
	// Panther rule on the denied call its Splunk search reports.
	quiet []string
	// spacing, when set, puts the events that far apart in one ten-minute
	// bin (a burst the Splunk search counts per bin).
	spacing time.Duration
	recs    []rec
	events  []tmpl
}

const (
	pantherDir = "panther-analysis/rules/aws_cloudtrail_rules/"
	splunkDir  = "security_content/detections/cloud/"
	seedRule   = pantherDir + "aws_bedrock_deletemodelinvocationloggingconfiguration.yml"
	seedSearch = splunkDir + "aws_bedrock_delete_model_invocation_logging_configuration.yml"
)

// Agents of the fixtures' events.
const (
	browserAgent   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	cliAgent       = "aws-cli/2.17.42 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#"
	boto3Agent     = "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
	terraformAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/"
	loginTo        = `"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_{{hex16}}"`
	s3Extra0       = `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":"{{#n}}","AuthenticationMethod":"AuthHeader","x-amz-id-2":"{{amzID2}}","bytesTransferredOut":0}`
)

var templates = []*template{
	{name: "bedrock-logging-deleted", rule: seedRule, recs: []rec{{
		identity: roleIdentity("AROAQWERQWERQWERQWER", "aws-reserved/sso.amazonaws.com/us-west-2/", "DevAdmin", "dr.evil"),
		source:   "bedrock.amazonaws.com", name: "DeleteModelInvocationLoggingConfiguration", region: "us-west-2",
		ip: "203.0.113.211", agent: browserAgent, console: true,
	}}},
	// The seed pair disagrees on a denied call: the Splunk search reports it,
	// the Panther rule (aws_cloudtrail_success) does not.
	{name: "bedrock-logging-delete-denied", rule: seedSearch, quiet: []string{seedRule}, recs: []rec{{
		identity: roleIdentity("AROAQWERQWERQWERQWER", "aws-reserved/sso.amazonaws.com/us-west-2/", "DevAdmin", "dr.evil"),
		source:   "bedrock.amazonaws.com", name: "DeleteModelInvocationLoggingConfiguration", region: "us-west-2",
		ip: "203.0.113.211", agent: browserAgent, console: true,
		errCode: "AccessDenied", errMsg: "User: arn:aws:sts::{{account}}:assumed-role/DevAdmin/dr.evil is not authorized to perform: bedrock:DeleteModelInvocationLoggingConfiguration",
	}}},
	{name: "bedrock-guardrail-deleted", rule: pantherDir + "aws_bedrock_guardrail_deleted.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPC6XRT2KJB", "", "MLPlatformEngineer", "d.achterberg"),
		source:   "bedrock.amazonaws.com", name: "DeleteGuardrail", region: "us-east-1",
		ip: "203.0.113.140", agent: cliAgent + "bedrock.delete-guardrail",
		req: `{"guardrailIdentifier":"k3v9q2x7w1pd"}`,
	}}},
	// The Splunk search reports attempts too, with their error code.
	{name: "bedrock-guardrail-delete-denied", rule: splunkDir + "aws_bedrock_delete_guardrail.yml", recs: []rec{{
		identity: userIdentity("AIDAYQ3LK7ZPR8DMW3FYU", "AKIAYQ3LK7ZPY7CJK5TS", "bedrock-sandbox"),
		source:   "bedrock.amazonaws.com", name: "DeleteGuardrail", region: "us-east-1",
		ip: "192.0.2.44", agent: boto3Agent,
		errCode: "AccessDenied", errMsg: "User: arn:aws:iam::{{account}}:user/bedrock-sandbox is not authorized to perform: bedrock:DeleteGuardrail on resource: arn:aws:bedrock:us-east-1:{{account}}:guardrail/k3v9q2x7w1pd because no identity-based policy allows the bedrock:DeleteGuardrail action",
		req: `{"guardrailIdentifier":"k3v9q2x7w1pd"}`,
	}}},
	{name: "cloudtrail-logging-stopped", rule: pantherDir + "aws_cloudtrail_logging_stopped_or_deleted.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPF8HBC2QNM", "", "DeveloperPowerUser", "j.marek"),
		source:   "cloudtrail.amazonaws.com", name: "StopLogging", region: "us-east-1",
		ip: "203.0.113.54", agent: cliAgent + "cloudtrail.stop-logging",
		req: `{"name":"arn:aws:cloudtrail:us-east-1:{{account}}:trail/org-audit-trail"}`,
	}}},
	{name: "cloudtrail-trail-deleted", rule: splunkDir + "aws_cloudtrail_logging_stopped_or_trail_deleted.yml", recs: []rec{{
		identity: userIdentity("AIDAYQ3LK7ZPT6VUE4GXS", "AKIAYQ3LK7ZPN5QWL7RH", "ops-automation"),
		source:   "cloudtrail.amazonaws.com", name: "DeleteTrail", region: "us-east-1",
		ip: "198.51.100.77", agent: boto3Agent,
		req: `{"name":"security-data-events"}`,
	}}},
	{name: "console-login-root-no-mfa", rule: pantherDir + "aws_console_login_no_mfa.yml", recs: []rec{{
		identity: `{"type":"Root","principalId":"{{account}}","arn":"arn:aws:iam::{{account}}:root","accountId":"{{account}}","accessKeyId":""}`,
		source:   "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", signIn: true,
		ip: "192.0.2.17", agent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
		resp: `{"ConsoleLogin":"Success"}`, extra: `{` + loginTo + `,"MobileVersion":"No","MFAUsed":"No"}`,
	}}},
	{name: "console-login-no-mfa", rule: splunkDir + "aws_console_login_without_mfa.yml", recs: []rec{{
		identity: `{"type":"IAMUser","principalId":"AIDAYQ3LK7ZPV6CNE2RJX","arn":"arn:aws:iam::{{account}}:user/ext-lucia.ferrante","accountId":"{{account}}","userName":"ext-lucia.ferrante"}`,
		source:   "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", signIn: true,
		ip: "203.0.113.66", agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		resp: `{"ConsoleLogin":"Success"}`, extra: `{` + loginTo + `,"MobileVersion":"No","MFAUsed":"No"}`,
	}}},
	{name: "console-login-odd-signals", rule: pantherDir + "aws_console_login_odd_signals.yml", recs: []rec{{
		identity: `{"type":"IAMUser","principalId":"AIDAYQ3LK7ZPM4LLRY7QX","arn":"arn:aws:iam::{{account}}:user/mallory","accountId":"{{account}}","userName":"mallory"}`,
		source:   "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", signIn: true,
		ip: "198.51.100.201", agent: "python-requests/2.31",
		resp: `{"ConsoleLogin":"Success"}`, extra: `{"LoginTo":"https://console.example.ONION/home","MobileVersion":"No","MFAUsed":"No"}`,
	}}},
	// The rule reads event.udm, which a Panther data-lake record carries
	// through p_log_type; raw CloudTrail has none, so this record adds it.
	{name: "root-console-login", rule: pantherDir + "aws_root_console_login_udm.yml", recs: []rec{{
		identity: `{"type":"Root","principalId":"{{account}}","arn":"arn:aws:iam::{{account}}:root","accountId":"{{account}}","accessKeyId":""}`,
		source:   "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", signIn: true,
		ip: "198.51.100.9", agent: browserAgent,
		resp: `{"ConsoleLogin":"Success"}`, extra: `{` + loginTo + `,"MobileVersion":"No","MFAIdentifier":"arn:aws:iam::{{account}}:mfa/root-account-mfa-device","MFAUsed":"Yes"}`,
		trailer: `"p_log_type":"AWS.CloudTrail"`,
	}}},
	{name: "sg-ssh-open", rule: pantherDir + "aws_ec2_security_group_opened_to_internet.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPT2GNW6HXB", "", "NetworkEngineer", "o.brandvold"),
		source:   "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", region: "eu-central-1",
		ip: "203.0.113.9", agent: cliAgent + "ec2.authorize-security-group-ingress",
		req:  `{"groupId":"sg-0c4e8a2f71d93b605","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"temporary debug access"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		resp: `{"requestId":"{{uuid}}","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"{{account}}","groupId":"sg-0c4e8a2f71d93b605","securityGroupRuleId":"sgr-0{{hex16}}","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0"}]}}`,
	}}},
	{name: "sg-rdp-open", rule: splunkDir + "aws_security_group_ingress_open_to_internet.yml", recs: []rec{{
		identity: userIdentity("AIDAYQ3LK7ZPW5HNK2TCE", "AKIAYQ3LK7ZPQ2XVB8JD", "net-admin"),
		source:   "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", region: "us-east-1",
		ip: "192.0.2.61", agent: cliAgent + "ec2.authorize-security-group-ingress",
		req:  `{"groupId":"sg-07b1d3e9f5a2c4680","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		resp: `{"requestId":"{{uuid}}","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"{{account}}","groupId":"sg-07b1d3e9f5a2c4680","securityGroupRuleId":"sgr-0{{hex16}}","isEgress":false,"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"cidrIpv4":"0.0.0.0/0"}]}}`,
	}}},
	{name: "guardduty-detector-deleted", rule: pantherDir + "aws_guardduty_detector_deleted.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZP2WNEXUV4H", "", "SecOpsBreakGlass", "k.okafor"),
		source:   "guardduty.amazonaws.com", name: "DeleteDetector", region: "eu-west-1",
		ip: "203.0.113.87", agent: cliAgent + "guardduty.delete-detector",
		req: `{"detectorId":"a91c4f0e7d2b4e6f8c3a5b1d9e0f2a47"}`,
	}}},
	{name: "guardduty-detector-deleted-terraform", rule: splunkDir + "aws_guardduty_detector_deleted.yml", recs: []rec{{
		identity: userIdentity("AIDAYQ3LK7ZPJXT5MB2CQ", "AKIAYQ3LK7ZPD4HS6NVR", "terraform-runner"),
		source:   "guardduty.amazonaws.com", name: "DeleteDetector", region: "eu-west-1",
		ip: "198.51.100.23", agent: terraformAgent + "guardduty#1.49.2",
		req: `{"detectorId":"3ec0aa51b7d94f2e8a1c6b0d5f4e3a29"}`,
	}}},
	{name: "iam-policy-grants-everything", rule: pantherDir + "aws_iam_policy_grants_everything.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPQ7LDV2CWN", "", "CloudPlatformAdmin", "r.halvorsen"),
		source:   "iam.amazonaws.com", name: "CreatePolicy", region: "us-east-1",
		ip: "203.0.113.33", agent: cliAgent + "iam.create-policy",
		req:  `{"policyName":"everything","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":[\"IAM:*\"],\"Resource\":\"*\"}]}"}`,
		resp: `{"policy":{"policyName":"everything","policyId":"ANPA{{id17}}","arn":"arn:aws:iam::{{account}}:policy/everything","path":"/","defaultVersionId":"v1","attachmentCount":0,"permissionsBoundaryUsageCount":0,"isAttachable":true,"createDate":"{{longDate}}","updateDate":"{{longDate}}"}}`,
	}}},
	{name: "iam-user-created", rule: pantherDir + "aws_iam_user_or_key_created.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPQ7LDV2CWN", "", "CloudPlatformAdmin", "r.halvorsen"),
		source:   "iam.amazonaws.com", name: "CreateUser", region: "us-east-1",
		ip: "203.0.113.33", agent: boto3Agent,
		req:  `{"userName":"svc-backup-sync","tags":[{"key":"team","value":"storage"}]}`,
		resp: `{"user":{"path":"/","userName":"svc-backup-sync","userId":"AIDA{{id17}}","arn":"arn:aws:iam::{{account}}:user/svc-backup-sync","createDate":"{{longDate}}","tags":[{"key":"team","value":"storage"}]}}`,
	}}},
	{name: "iam-access-key-created", rule: splunkDir + "aws_iam_user_or_access_key_created.yml", recs: []rec{{
		identity: userIdentity("AIDAYQ3LK7ZPH2SNQ6YBE", "AKIAYQ3LK7ZPB8GRW4MD", "ci-deployer"),
		source:   "iam.amazonaws.com", name: "CreateAccessKey", region: "us-east-1",
		ip: "198.51.100.90", agent: terraformAgent + "iam#1.37.3",
		req:  `{"userName":"break-glass-admin"}`,
		resp: `{"accessKey":{"userName":"break-glass-admin","accessKeyId":"AKIA{{id16}}","status":"Active","createDate":"{{longDate}}"}}`,
	}}},
	{name: "kms-key-deletion-scheduled", rule: pantherDir + "aws_kms_key_disabled_or_deletion_scheduled.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPV3CMD9LHQ", "", "DataPlatformAdmin", "svc-etl-migration"),
		source:   "kms.amazonaws.com", name: "ScheduleKeyDeletion", region: "us-east-2",
		ip: "203.0.113.201", agent: boto3Agent,
		req:       `{"keyId":"5f0c9e2a-7b41-4d8e-9c36-2a1e8b7d4f60","pendingWindowInDays":7}`,
		resp:      `{"keyId":"arn:aws:kms:us-east-2:{{account}}:key/5f0c9e2a-7b41-4d8e-9c36-2a1e8b7d4f60","deletionDate":"{{inAWeek}}","keyState":"PendingDeletion","pendingWindowInDays":7}`,
		resources: `[{"accountId":"{{account}}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-2:{{account}}:key/5f0c9e2a-7b41-4d8e-9c36-2a1e8b7d4f60"}]`,
	}}},
	{name: "kms-key-disabled", rule: splunkDir + "aws_kms_key_disabled_or_scheduled_for_deletion.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPV3CMD9LHQ", "", "DataPlatformAdmin", "svc-etl-migration"),
		source:   "kms.amazonaws.com", name: "DisableKey", region: "us-east-2",
		ip: "203.0.113.201", agent: boto3Agent,
		req:       `{"keyId":"b83d1f47-2c6e-4a95-8e0b-7d2c5a9f1e34"}`,
		resources: `[{"accountId":"{{account}}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-2:{{account}}:key/b83d1f47-2c6e-4a95-8e0b-7d2c5a9f1e34"}]`,
	}}},
	{name: "s3-bucket-policy-public", rule: pantherDir + "aws_s3_bucket_made_public.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPB5KHW9EQD", "", "WebPublishing", "ci-static-site"),
		source:   "s3.amazonaws.com", name: "PutBucketPolicy", region: "us-west-2",
		ip: "198.51.100.23", agent: cliAgent + "s3api.put-bucket-policy", host: "orbit-press-kit-assets.s3.us-west-2.amazonaws.com",
		req:       `{"bucketName":"orbit-press-kit-assets","Host":"orbit-press-kit-assets.s3.us-west-2.amazonaws.com","policy":[""],"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::orbit-press-kit-assets/*"}]}}`,
		extra:     s3Extra0,
		resources: `[{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::orbit-press-kit-assets"}]`,
	}}},
	{name: "s3-bucket-acl-public", rule: splunkDir + "aws_s3_bucket_made_public.yml", recs: []rec{{
		identity: roleIdentity("AROAYQ3LK7ZPU8DMC3YKG", "", "DataAnalyst", "h.nakamura"),
		source:   "s3.amazonaws.com", name: "PutBucketAcl", region: "us-west-2",
		ip: "203.0.113.118", agent: cliAgent + "s3api.put-bucket-acl", host: "analytics-exports-2025.s3.us-west-2.amazonaws.com",
		req:       `{"bucketName":"analytics-exports-2025","Host":"analytics-exports-2025.s3.us-west-2.amazonaws.com","acl":[""],"AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"xsi:type":"CanonicalUser","xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","ID":"7d3c9a1e5b2f84067c1d9e3a5b7f2c4e6a8d0b1c3e5f7a9b2d4c6e8f0a1b3c5d"},"Permission":"FULL_CONTROL"},{"Grantee":{"xsi:type":"Group","xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]},"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Owner":{"ID":"7d3c9a1e5b2f84067c1d9e3a5b7f2c4e6a8d0b1c3e5f7a9b2d4c6e8f0a1b3c5d"}}}`,
		extra:     s3Extra0,
		resources: `[{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::analytics-exports-2025"}]`,
	}}},
	{name: "s3-versioning-suspended", rule: pantherDir + "aws_s3_bucket_versioning_suspended.yml", recs: []rec{{
		identity: `{"type":"IAMUser","principalId":"AIDA6LQ2XW8RZKM3VNT7P","arn":"arn:aws:iam::{{account}}:user/storage-admin","accountId":"{{account}}","accessKeyId":"ASIAZ5MK8QW3TXLR2NPV","userName":"storage-admin","sessionContext":{"attributes":{"creationDate":"{{created}}","mfaAuthenticated":"true"}}}`,
		source:   "s3.amazonaws.com", name: "PutBucketVersioning", region: "eu-central-1",
		ip: "192.0.2.144", agent: "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.227-198.884.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.422-b05 java/1.8.0_422 vendor/Oracle_Corporation cfg/retry-mode/standard]",
		host:  "s3.eu-central-1.amazonaws.com",
		req:   `{"VersioningConfiguration":{"Status":"Suspended","xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},"versioning":"","bucketName":"finance-ledger-archive","Host":"s3.eu-central-1.amazonaws.com"}`,
		extra: s3Extra0, resources: `[{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::finance-ledger-archive"}]`,
	}}},
	// Both platforms report a denied suspension: someone reached for it.
	{name: "s3-versioning-suspend-denied", rule: splunkDir + "aws_s3_bucket_versioning_suspended.yml", recs: []rec{{
		identity: roleIdentity("AROA4XQ7LMZ2VDKE8RNW3", "", "DataPlatformAdmin", "d.moreau"),
		source:   "s3.amazonaws.com", name: "PutBucketVersioning", region: "eu-central-1",
		ip: "198.51.100.23", agent: cliAgent + "s3api.put-bucket-versioning", host: "finance-ledger-archive.s3.eu-central-1.amazonaws.com",
		errCode: "AccessDenied", errMsg: "Access Denied",
		req:   `{"VersioningConfiguration":{"Status":"Suspended","xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},"versioning":"","bucketName":"finance-ledger-archive","Host":"finance-ledger-archive.s3.eu-central-1.amazonaws.com"}`,
		extra: s3Extra0, resources: `[{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::finance-ledger-archive"}]`,
	}}},
	// One batch read of secrets: rule() holds on each (the rule's Threshold
	// counts them per caller; ordinary traffic makes none).
	{name: "secrets-batch-read", rule: pantherDir + "aws_secretsmanager_secret_harvesting.yml", recs: []rec{{
		identity: roleIdentity("AROA3KD8ZQ7TNB2WXLM4P", "", "BuildRunner", "ci-runner-17"),
		source:   "secretsmanager.amazonaws.com", name: "BatchGetSecretValue", region: "eu-central-1", readOnly: true,
		ip: "192.0.2.44", agent: cliAgent + "secretsmanager.batch-get-secret-value",
		req: `{"secretIdList":["prod/payments/db","prod/payments/stripe-key","prod/hr/ldap"]}`,
	}}},
	// Three failed discovery calls by one key from one address within ten
	// minutes: the search counts per ten-minute bin, by user_arn and src_ip.
	{name: "failed-discovery-burst", rule: splunkDir + "aws_burst_of_failed_discovery_calls.yml", spacing: 20 * time.Second, recs: []rec{
		probe("ec2.amazonaws.com", "DescribeInstances", "Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
		probe("s3.amazonaws.com", "ListBuckets", "AccessDenied", "Access Denied"),
		probe("iam.amazonaws.com", "ListRoles", "AccessDenied", "User: arn:aws:iam::{{account}}:user/probe is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::{{account}}:role/ because no identity-based policy allows the iam:ListRoles action"),
	}},
}

func probe(source, name, code, msg string) rec {
	return rec{
		identity: userIdentity("AIDAEXAMPLEPROBE7ZQ2K", "AKIAEXAMPLEPROBE7ZQ2", "probe"),
		source:   source, name: name, region: "us-east-1", readOnly: true,
		ip: "198.51.100.7", agent: "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22",
		errCode: code, errMsg: msg,
	}
}

func init() {
	for _, t := range templates {
		for _, r := range t.recs {
			t.events = append(t.events, jsonTmpl(r.json()))
		}
	}
}

// roleIdentity is a role session; issuerPath is the role's path (the
// Identity Center roles live under aws-reserved/).
func roleIdentity(roleID, issuerPath, role, session string) string {
	return `{"type":"AssumedRole","principalId":"` + roleID + `:` + session + `","arn":"arn:aws:sts::{{account}}:assumed-role/` + role + `/` + session +
		`","accountId":"{{account}}","accessKeyId":"{{accessKey}}","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"` + roleID +
		`","arn":"arn:aws:iam::{{account}}:role/` + issuerPath + role + `","accountId":"{{account}}","userName":"` + role +
		`"},"webIdFederationData":{},"attributes":{"creationDate":"{{created}}","mfaAuthenticated":"false"}}}`
}

// userIdentity is an IAM user calling with its long-term key.
func userIdentity(id, key, name string) string {
	return `{"type":"IAMUser","principalId":"` + id + `","arn":"arn:aws:iam::{{account}}:user/` + name +
		`","accountId":"{{account}}","accessKeyId":"` + key + `","userName":"` + name + `"}`
}

// rec is one CloudTrail record of a template, written in CloudTrail's key
// order; its strings may hold placeholders.
type rec struct {
	identity                    string
	source, name, region        string
	ip, agent                   string
	errCode, errMsg             string
	req, resp, extra, resources string // JSON; "" is null (req, resp) or absent
	readOnly                    bool
	signIn                      bool   // a console sign-in: AwsConsoleSignIn, no requestID
	host                        string // TLS host; "" is <service>.<region>.amazonaws.com
	console                     bool   // sessionCredentialFromConsole
	trailer                     string // members after CloudTrail's own
}

func (r rec) json() string {
	var b strings.Builder
	str := func(k, v string) { b.WriteString(`,"` + k + `":` + strconv.Quote(v)) }
	raw := func(k, v string) {
		if v == "" {
			v = "null"
		}
		b.WriteString(`,"` + k + `":` + v)
	}
	b.WriteString(`{"eventVersion":"1.10"`)
	raw("userIdentity", r.identity)
	str("eventTime", "{{time}}")
	str("eventSource", r.source)
	str("eventName", r.name)
	str("awsRegion", r.region)
	str("sourceIPAddress", r.ip)
	str("userAgent", r.agent)
	if r.errCode != "" {
		str("errorCode", r.errCode)
		str("errorMessage", r.errMsg)
	}
	raw("requestParameters", r.req)
	raw("responseElements", r.resp)
	if r.extra != "" {
		raw("additionalEventData", r.extra)
	}
	switch {
	case r.signIn:
	case r.source == "s3.amazonaws.com":
		str("requestID", "{{s3id}}")
	default:
		str("requestID", "{{uuid}}")
	}
	str("eventID", "{{uuid}}")
	raw("readOnly", strconv.FormatBool(r.readOnly))
	if r.resources != "" {
		raw("resources", r.resources)
	}
	if r.signIn {
		str("eventType", "AwsConsoleSignIn")
	} else {
		str("eventType", "AwsApiCall")
	}
	raw("managementEvent", "true")
	str("recipientAccountId", "{{account}}")
	str("eventCategory", "Management")
	host := r.host
	switch {
	case host != "":
	case r.signIn:
		host = "signin.aws.amazon.com"
	case r.source == "iam.amazonaws.com":
		host = "iam.amazonaws.com"
	default:
		host = strings.TrimSuffix(r.source, ".amazonaws.com") + "." + r.region + ".amazonaws.com"
	}
	raw("tlsDetails", `{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`+host+`"}`)
	if r.console {
		str("sessionCredentialFromConsole", "true")
	}
	if r.trailer != "" {
		b.WriteString("," + r.trailer)
	}
	b.WriteString("}")
	return b.String()
}

// writeTemplate appends one instance of a template, in an account of the
// organisation.
func (g *Generator) writeTemplate(b []byte, t *template) []byte {
	c := &g.c
	*c = call{ip: c.ip[:0], obj: c.obj[:0]}
	c.acct = g.org.accounts[skewed(g.r, len(g.org.accounts))]
	g.tick()
	if t.spacing > 0 {
		span := t.spacing * time.Duration(len(t.events)-1)
		if bin := g.unix() / burstWindow; (g.now+int64(span))/int64(time.Second)/burstWindow != bin {
			g.now = (bin + 1) * burstWindow * int64(time.Second)
		}
	}
	for i, e := range t.events {
		if i > 0 {
			if t.spacing > 0 {
				g.now += int64(t.spacing)
			} else {
				g.tick()
			}
		}
		b = e.append(g, b)
		b = append(b, '\n')
	}
	return b
}
