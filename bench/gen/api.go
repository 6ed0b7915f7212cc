package main

import (
	"regexp"
	"strings"
)

// api is one kind of CloudTrail record: an event name with its source and the
// shape of its parameters. Shapes follow the records AWS documents and the
// fixtures' test events; values come from the organisation's pools.
type api struct {
	source, name string
	weight       int // per ten thousand ordinary events
	readOnly     bool
	data         bool   // a data event (eventCategory Data)
	region       string // the region a global service records; "" for the caller's
	// host is the TLS host header; "" means <service>.<region>.amazonaws.com.
	host string
	// who weighs the callers: people, workloads, services through their
	// service-linked roles. Zero means the default for the kind of call.
	who [3]int
	// svc is the percentage of calls an AWS service makes in its own name
	// (userIdentity type AWSService), one of services.
	svc      int
	services []string
	// JSON templates; "" writes requestParameters and responseElements as
	// null and leaves additionalEventData and resources out.
	req, resp, extra, resources string
	errs                        []apiErr // nil: the service's usual denial

	// Compiled by init.
	reqT, respT, extraT, resourcesT, hostT tmpl
	action, cli                            string // IAM action, aws-cli command
	discovery                              bool   // List*, Describe*, Get*
	whoCum                                 []int
}

type apiErr struct {
	code, msg string
	msgT      tmpl
}

var (
	denied    = apiErr{code: "AccessDenied", msg: "User: {{arn}} is not authorized to perform: {{action}} because no identity-based policy allows the {{action}} action"}
	deniedExc = apiErr{code: "AccessDeniedException", msg: "User: {{arn}} is not authorized to perform: {{action}} because no identity-based policy allows the {{action}} action"}
	ec2Denied = apiErr{code: "Client.UnauthorizedOperation", msg: "You are not authorized to perform this operation. User: {{arn}} is not authorized to perform: {{action}} because no identity-based policy allows the {{action}} action"}
	s3Denied  = apiErr{code: "AccessDenied", msg: "Access Denied"}
	throttled = apiErr{code: "ThrottlingException", msg: "Rate exceeded"}
)

// S3 object keys, by kind of workload.
var objectKeys = []string{
	"raw/events/year={{year}}/month={{month}}/day={{day}}/part-{{n}}-{{hex8}}-c000.snappy.parquet",
	"exports/orders/{{ymd}}/orders-{{hex8}}.csv.gz",
	"static/js/app.{{hex8}}.js",
	"uploads/{{uuid}}/original.jpg",
	"AWSLogs/{{account}}/CloudTrail/{{region}}/{{year}}/{{month}}/{{day}}/{{account}}_CloudTrail_{{region}}_{{compact}}Z_{{hex16}}.json.gz",
	"env:/prod/terraform.tfstate",
}

var models = []string{"anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-haiku-20240307-v1:0", "amazon.titan-embed-text-v2:0", "meta.llama3-1-70b-instruct-v1:0"}

const (
	s3Host     = "{{bucket}}.s3.{{region}}.amazonaws.com"
	s3Req      = `{"bucketName":"{{bucket}}","Host":"` + s3Host + `","key":"{{object}}"}`
	s3Extra    = `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":"{{#bytesIn}}","AuthenticationMethod":"AuthHeader","x-amz-id-2":"{{amzID2}}","bytesTransferredOut":"{{#bytesOut}}"}`
	s3ObjRes   = `[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::{{bucket}}/{{object}}"},{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::{{bucket}}"}]`
	s3Bucket   = `{"bucketName":"{{bucket}}","Host":"` + s3Host + `"`
	s3BuckRes  = `[{"accountId":"{{account}}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::{{bucket}}"}]`
	kmsRes     = `[{"accountId":"{{account}}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:{{region}}:{{account}}:key/{{kmsKey}}"}]`
	kmsContext = `{"aws:s3:arn":"arn:aws:s3:::{{bucket}}/{{object}}"}`
	ec2Filter  = `{"items":[{"name":"tag:Environment","valueSet":{"items":[{"value":"prod"}]}}]}`
	assumedArn = `arn:aws:sts::{{account}}:assumed-role/{{role}}/{{session}}`
)

var apis = []*api{
	// S3 data events: the bulk of a trail that records them.
	{source: "s3.amazonaws.com", name: "GetObject", weight: 850, readOnly: true, data: true, host: s3Host, req: s3Req, extra: s3Extra, resources: s3ObjRes,
		errs: []apiErr{s3Denied, {code: "NoSuchKey", msg: "The specified key does not exist."}}},
	{source: "s3.amazonaws.com", name: "PutObject", weight: 350, data: true, host: s3Host, req: s3Req, extra: s3Extra, resources: s3ObjRes, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "HeadObject", weight: 220, readOnly: true, data: true, host: s3Host, req: s3Req, extra: s3Extra, resources: s3ObjRes,
		errs: []apiErr{s3Denied, {code: "NoSuchKey", msg: "The specified key does not exist."}}},
	{source: "s3.amazonaws.com", name: "ListObjects", weight: 140, readOnly: true, data: true, host: s3Host,
		req: s3Bucket + `,"list-type":"2","prefix":"exports/orders/{{ymd}}/","delimiter":"/","encoding-type":"url"}`, extra: s3Extra, resources: s3BuckRes, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "DeleteObject", weight: 60, data: true, host: s3Host, req: s3Req, extra: s3Extra, resources: s3ObjRes, errs: []apiErr{s3Denied}},
	// S3 management events.
	{source: "s3.amazonaws.com", name: "ListBuckets", weight: 80, readOnly: true, host: "s3.amazonaws.com", req: `{"Host":"s3.amazonaws.com"}`, extra: s3Extra, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "GetBucketLocation", weight: 160, readOnly: true, host: s3Host, req: s3Bucket + `,"location":""}`, extra: s3Extra, resources: s3BuckRes, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "GetBucketAcl", weight: 60, readOnly: true, host: s3Host, req: s3Bucket + `,"acl":""}`, extra: s3Extra, resources: s3BuckRes, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "GetBucketVersioning", weight: 40, readOnly: true, host: s3Host, req: s3Bucket + `,"versioning":""}`, extra: s3Extra, resources: s3BuckRes, errs: []apiErr{s3Denied}},
	{source: "s3.amazonaws.com", name: "GetBucketPolicy", weight: 40, readOnly: true, host: s3Host, req: s3Bucket + `,"policy":""}`, extra: s3Extra, resources: s3BuckRes,
		errs: []apiErr{s3Denied, {code: "NoSuchBucketPolicy", msg: "The bucket policy does not exist"}}},

	// EC2: read-only calls answer with responseElements null in CloudTrail.
	{source: "ec2.amazonaws.com", name: "DescribeInstances", weight: 400, readOnly: true, req: `{"instancesSet":{"items":[{"instanceId":"{{instance}}"}]},"filterSet":{}}`},
	{source: "ec2.amazonaws.com", name: "DescribeNetworkInterfaces", weight: 150, readOnly: true, req: `{"networkInterfaceIdSet":{},"filterSet":{"items":[{"name":"attachment.instance-id","valueSet":{"items":[{"value":"{{instance}}"}]}}]}}`},
	{source: "ec2.amazonaws.com", name: "DescribeSecurityGroups", weight: 120, readOnly: true, req: `{"securityGroupSet":{},"securityGroupIdSet":{"items":[{"groupId":"{{sg}}"}]},"filterSet":{}}`},
	{source: "ec2.amazonaws.com", name: "DescribeVolumes", weight: 100, readOnly: true, req: `{"volumeSet":{},"filterSet":{"items":[{"name":"attachment.instance-id","valueSet":{"items":[{"value":"{{instance}}"}]}}]}}`},
	{source: "ec2.amazonaws.com", name: "DescribeSubnets", weight: 80, readOnly: true, req: `{"subnetSet":{},"filterSet":` + ec2Filter + `}`},
	{source: "ec2.amazonaws.com", name: "DescribeVpcs", weight: 60, readOnly: true, req: `{"vpcSet":{},"filterSet":` + ec2Filter + `}`},
	{source: "ec2.amazonaws.com", name: "DescribeImages", weight: 60, readOnly: true, req: `{"executableBySet":{},"imagesSet":{"items":[{"imageId":"ami-0{{hex16}}"}]},"ownersSet":{"items":[{"owner":"amazon"}]},"includeDeprecated":false}`},
	{source: "ec2.amazonaws.com", name: "DescribeRegions", weight: 40, readOnly: true, req: `{"regionSet":{},"allRegions":false}`},
	{source: "ec2.amazonaws.com", name: "CreateTags", weight: 30, req: `{"resourcesSet":{"items":[{"resourceId":"{{instance}}"}]},"tagSet":{"items":[{"key":"karpenter.sh/nodepool","value":"default"},{"key":"Name","value":"prod-node-{{hex8}}"}]}}`,
		resp: `{"requestId":"{{uuid}}","_return":true}`},
	{source: "ec2.amazonaws.com", name: "RunInstances", weight: 8,
		req:  `{"instancesSet":{"items":[{"imageId":"ami-0{{hex16}}","minCount":1,"maxCount":1}]},"instanceType":"m6i.xlarge","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"{{uuid}}","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"prod-node-{{hex8}}"}]}]},"launchTemplate":{"launchTemplateId":"lt-0{{hex16}}","version":"7"}}`,
		resp: `{"requestId":"{{uuid}}","reservationId":"r-0{{hex16}}","ownerId":"{{account}}","groupSet":{},"instancesSet":{"items":[{"instanceId":"i-0{{hex16}}","imageId":"ami-0{{hex16}}","currentInstanceBootMode":"uefi","instanceState":{"code":0,"name":"pending"},"privateDnsName":"ip-10-20-{{octet}}-{{octet}}.{{region}}.compute.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"m6i.xlarge","launchTime":1762128000000,"placement":{"availabilityZone":"{{region}}a","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"subnet-0{{hex16}}","vpcId":"vpc-0{{hex16}}","privateIpAddress":"10.20.{{octet}}.{{octet}}","stateReason":{"code":"pending","message":"pending"},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda","blockDeviceMapping":{},"virtualizationType":"hvm","hypervisor":"xen","groupSet":{"items":[{"groupId":"{{sg}}","groupName":"eks-nodes"}]},"sourceDestCheck":true,"networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0{{hex16}}","subnetId":"subnet-0{{hex16}}","vpcId":"vpc-0{{hex16}}","ownerId":"{{account}}","status":"in-use","privateIpAddress":"10.20.{{octet}}.{{octet}}","sourceDestCheck":true,"interfaceType":"interface"}]},"ebsOptimized":true,"enaSupport":true}]}}`},
	{source: "ec2.amazonaws.com", name: "TerminateInstances", weight: 6, req: `{"instancesSet":{"items":[{"instanceId":"{{instance}}"}]}}`,
		resp: `{"requestId":"{{uuid}}","instancesSet":{"items":[{"instanceId":"{{instance}}","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}}`},
	// Opened to the VPC's own range only: the fixture rules look for the internet.
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", weight: 3,
		req:  `{"groupId":"{{sg}}","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"groups":{},"ipRanges":{"items":[{"cidrIp":"10.20.0.0/16","description":"vpc"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		resp: `{"requestId":"{{uuid}}","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"{{account}}","groupId":"{{sg}}","securityGroupRuleId":"sgr-0{{hex16}}","isEgress":false,"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"cidrIpv4":"10.20.0.0/16"}]}}`},

	// STS: most AssumeRole calls are services fetching a workload's credentials.
	{source: "sts.amazonaws.com", name: "AssumeRole", weight: 900, readOnly: true, host: "sts.{{region}}.amazonaws.com",
		svc: 60, services: []string{"lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"},
		req:       `{"roleArn":"arn:aws:iam::{{account}}:role/{{role}}","roleSessionName":"{{session}}","durationSeconds":3600}`,
		resp:      `{"credentials":{"accessKeyId":"{{accessKey}}","sessionToken":"{{token}}","expiration":"{{expiration}}"},"assumedRoleUser":{"assumedRoleId":"AROA{{id17}}:{{session}}","arn":"` + assumedArn + `"}}`,
		resources: `[{"accountId":"{{account}}","type":"AWS::IAM::Role","ARN":"arn:aws:iam::{{account}}:role/{{role}}"}]`},
	{source: "sts.amazonaws.com", name: "GetCallerIdentity", weight: 250, readOnly: true, host: "sts.{{region}}.amazonaws.com", who: [3]int{30, 70, 0}},
	{source: "sts.amazonaws.com", name: "GetSessionToken", weight: 15, readOnly: true, host: "sts.{{region}}.amazonaws.com", who: [3]int{100, 0, 0},
		req:  `{"durationSeconds":43200}`,
		resp: `{"credentials":{"accessKeyId":"{{accessKey}}","sessionToken":"{{token}}","expiration":"{{expiration}}"}}`},

	// IAM is global: recorded in us-east-1.
	{source: "iam.amazonaws.com", name: "GetRole", weight: 100, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"roleName":"{{role}}"}`,
		errs: []apiErr{denied, {code: "NoSuchEntityException", msg: "The role with name {{role}} cannot be found."}}},
	{source: "iam.amazonaws.com", name: "ListRoles", weight: 60, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"maxItems":1000}`},
	{source: "iam.amazonaws.com", name: "ListAttachedRolePolicies", weight: 60, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"roleName":"{{role}}"}`},
	{source: "iam.amazonaws.com", name: "GetPolicy", weight: 40, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}`},
	{source: "iam.amazonaws.com", name: "GetPolicyVersion", weight: 40, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"policyArn":"arn:aws:iam::{{account}}:policy/{{role}}-policy","versionId":"v3"}`},
	{source: "iam.amazonaws.com", name: "ListPolicies", weight: 30, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"scope":"Local","onlyAttached":false,"maxItems":100}`},
	{source: "iam.amazonaws.com", name: "ListUsers", weight: 20, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com"},
	{source: "iam.amazonaws.com", name: "ListAccessKeys", weight: 20, readOnly: true, region: "us-east-1", host: "iam.amazonaws.com", req: `{"userName":"{{iamUser}}"}`},

	// KMS: every encrypted S3 object, secret and volume read or written.
	{source: "kms.amazonaws.com", name: "Decrypt", weight: 950, readOnly: true, svc: 20, services: []string{"s3.amazonaws.com", "secretsmanager.amazonaws.com", "ebs.amazonaws.com"},
		req: `{"encryptionContext":` + kmsContext + `,"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`, resources: kmsRes,
		errs: []apiErr{deniedExc, {code: "InvalidCiphertextException", msg: "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access."}}},
	{source: "kms.amazonaws.com", name: "GenerateDataKey", weight: 450, readOnly: true, svc: 30, services: []string{"s3.amazonaws.com", "cloudtrail.amazonaws.com", "logs.amazonaws.com"},
		req: `{"keyId":"arn:aws:kms:{{region}}:{{account}}:key/{{kmsKey}}","encryptionContext":` + kmsContext + `,"keySpec":"AES_256"}`, resources: kmsRes, errs: []apiErr{deniedExc}},
	{source: "kms.amazonaws.com", name: "Encrypt", weight: 60, readOnly: true, req: `{"keyId":"alias/app-secrets","encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`, resources: kmsRes, errs: []apiErr{deniedExc}},
	{source: "kms.amazonaws.com", name: "DescribeKey", weight: 50, readOnly: true, req: `{"keyId":"{{kmsKey}}"}`, resources: kmsRes, errs: []apiErr{deniedExc}},

	// CloudWatch Logs.
	{source: "logs.amazonaws.com", name: "CreateLogStream", weight: 250, who: [3]int{2, 98, 0}, req: `{"logGroupName":"{{logGroup}}","logStreamName":"{{year}}/{{month}}/{{day}}/[$LATEST]{{hex32}}"}`,
		errs: []apiErr{deniedExc, {code: "ResourceAlreadyExistsException", msg: "The specified log stream already exists"}}},
	{source: "logs.amazonaws.com", name: "DescribeLogGroups", weight: 60, readOnly: true, req: `{"logGroupNamePrefix":"/aws/lambda/","limit":50}`, errs: []apiErr{deniedExc, throttled}},
	{source: "logs.amazonaws.com", name: "DescribeLogStreams", weight: 60, readOnly: true, req: `{"logGroupName":"{{logGroup}}","orderBy":"LastEventTime","descending":true,"limit":5}`, errs: []apiErr{deniedExc, throttled}},
	{source: "logs.amazonaws.com", name: "FilterLogEvents", weight: 30, readOnly: true, who: [3]int{80, 20, 0}, req: `{"logGroupName":"{{logGroup}}","filterPattern":"ERROR","startTime":1762128000000,"interleaved":true}`, errs: []apiErr{deniedExc, throttled}},

	// Lambda's API names carry their version.
	{source: "lambda.amazonaws.com", name: "Invoke", weight: 150, data: true, who: [3]int{2, 98, 0}, req: `{"functionName":"arn:aws:lambda:{{region}}:{{account}}:function:{{function}}","invocationType":"RequestResponse"}`,
		extra:     `{"functionVersion":"arn:aws:lambda:{{region}}:{{account}}:function:{{function}}:$LATEST"}`,
		resources: `[{"accountId":"{{account}}","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:{{region}}:{{account}}:function:{{function}}"}]`,
		errs:      []apiErr{deniedExc, {code: "ResourceNotFoundException", msg: "Function not found: arn:aws:lambda:{{region}}:{{account}}:function:{{function}}"}}},
	{source: "lambda.amazonaws.com", name: "ListFunctions20150331", weight: 40, readOnly: true, errs: []apiErr{deniedExc}},
	{source: "lambda.amazonaws.com", name: "GetFunction20150331v2", weight: 40, readOnly: true, req: `{"functionName":"{{function}}"}`, errs: []apiErr{deniedExc}},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", weight: 5, who: [3]int{20, 80, 0},
		req:  `{"functionName":"{{function}}","s3Bucket":"{{bucket}}","s3Key":"lambda/{{function}}-{{hex8}}.zip","publish":true,"dryRun":false}`,
		resp: `{"functionName":"{{function}}","functionArn":"arn:aws:lambda:{{region}}:{{account}}:function:{{function}}:42","runtime":"python3.12","role":"arn:aws:iam::{{account}}:role/lambda-{{function}}","handler":"app.handler","codeSize":"{{#bytesIn}}","description":"","timeout":30,"memorySize":512,"lastModified":"{{time}}","codeSha256":"{{amzID2}}","version":"42","tracingConfig":{"mode":"PassThrough"},"revisionId":"{{uuid}}","state":"Active","lastUpdateStatus":"InProgress","packageType":"Zip","architectures":["arm64"],"ephemeralStorage":{"size":512}}`,
		errs: []apiErr{deniedExc}},

	// CloudTrail's own read API.
	{source: "cloudtrail.amazonaws.com", name: "LookupEvents", weight: 60, readOnly: true, who: [3]int{60, 40, 0},
		req: `{"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"ConsoleLogin"}],"startTime":"{{time}}","maxResults":50}`, errs: []apiErr{deniedExc, throttled}},
	{source: "cloudtrail.amazonaws.com", name: "DescribeTrails", weight: 30, readOnly: true, req: `{"trailNameList":[],"includeShadowTrails":true}`, errs: []apiErr{deniedExc}},
	{source: "cloudtrail.amazonaws.com", name: "GetTrailStatus", weight: 20, readOnly: true, req: `{"name":"arn:aws:cloudtrail:us-east-1:{{account}}:trail/{{trail}}"}`, errs: []apiErr{deniedExc}},

	// Console sign-in has a writer of its own (writeConsoleLogin).
	{source: "signin.amazonaws.com", name: "ConsoleLogin", weight: 30, region: "us-east-1", host: "signin.aws.amazon.com", who: [3]int{100, 0, 0}},

	// Bedrock.
	{source: "bedrock.amazonaws.com", name: "InvokeModel", weight: 150, readOnly: true, who: [3]int{5, 95, 0}, host: "bedrock-runtime.{{region}}.amazonaws.com",
		req: `{"modelId":"{{model}}"}`, extra: `{"inputTokens":"{{#n}}","outputTokens":"{{#n}}"}`,
		errs: []apiErr{deniedExc, throttled, {code: "ValidationException", msg: "Input is too long for requested model."}}},
	{source: "bedrock.amazonaws.com", name: "ListFoundationModels", weight: 20, readOnly: true, errs: []apiErr{deniedExc}},
	{source: "bedrock.amazonaws.com", name: "GetModelInvocationLoggingConfiguration", weight: 10, readOnly: true, errs: []apiErr{deniedExc}},
	{source: "bedrock.amazonaws.com", name: "ListGuardrails", weight: 10, readOnly: true, req: `{"maxResults":100}`, errs: []apiErr{deniedExc}},

	// Secrets and parameters.
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", weight: 200, readOnly: true, who: [3]int{5, 95, 0},
		req: `{"secretId":"arn:aws:secretsmanager:{{region}}:{{account}}:secret:{{secret}}"}`, errs: []apiErr{deniedExc, {code: "ResourceNotFoundException", msg: "Secrets Manager can't find the specified secret."}}},
	{source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", weight: 200, who: [3]int{0, 100, 0},
		req:  `{"instanceId":"{{instance}}","agentVersion":"3.3.1142.0","agentName":"amazon-ssm-agent","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"10.20.{{octet}}.{{octet}}","computerName":"ip-10-20-{{octet}}-{{octet}}.{{region}}.compute.internal","agentStatus":"Active","availabilityZone":"{{region}}b","availabilityZoneId":"use1-az2","SSMConnectionChannel":"ssmmessages"}`,
		errs: []apiErr{deniedExc}},
	{source: "ssm.amazonaws.com", name: "GetParameter", weight: 150, readOnly: true, req: `{"name":"{{param}}","withDecryption":true}`,
		errs: []apiErr{deniedExc, {code: "ParameterNotFound", msg: "Parameter {{param}} not found."}}},
	{source: "ssm.amazonaws.com", name: "GetParameters", weight: 60, readOnly: true, req: `{"names":["{{param}}","/prod/api/log-level"],"withDecryption":false}`, errs: []apiErr{deniedExc}},
	{source: "ssm.amazonaws.com", name: "DescribeInstanceInformation", weight: 40, readOnly: true, req: `{"maxResults":50}`, errs: []apiErr{deniedExc, throttled}},

	// Everything else a workload polls.
	{source: "monitoring.amazonaws.com", name: "GetMetricData", weight: 150, readOnly: true,
		req:  `{"metricDataQueries":[{"id":"m1","metricStat":{"metric":{"namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":[{"name":"InstanceId","value":"{{instance}}"}]},"period":300,"stat":"Average"},"returnData":true}],"startTime":"{{time}}","endTime":"{{time}}"}`,
		errs: []apiErr{deniedExc, throttled}},
	{source: "ecr.amazonaws.com", name: "GetAuthorizationToken", weight: 100, readOnly: true, who: [3]int{5, 95, 0}, host: "api.ecr.{{region}}.amazonaws.com", errs: []apiErr{deniedExc}},
	{source: "dynamodb.amazonaws.com", name: "DescribeTable", weight: 60, readOnly: true, req: `{"tableName":"{{table}}"}`, errs: []apiErr{deniedExc}},
	{source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth", weight: 60, readOnly: true,
		req: `{"targetGroupArn":"arn:aws:elasticloadbalancing:{{region}}:{{account}}:targetgroup/k8s-prod-api-{{hex8}}/{{hex16}}"}`, errs: []apiErr{denied, throttled}},
	{source: "elasticloadbalancing.amazonaws.com", name: "DescribeLoadBalancers", weight: 40, readOnly: true, req: `{"pageSize":400}`, errs: []apiErr{denied, throttled}},
	{source: "autoscaling.amazonaws.com", name: "DescribeAutoScalingGroups", weight: 50, readOnly: true, req: `{"maxRecords":100}`, errs: []apiErr{denied, throttled}},
}

var apiCum []int

// cliNames are the aws-cli's names of services whose endpoint is named otherwise.
var cliNames = map[string]string{"s3": "s3api", "monitoring": "cloudwatch", "elasticloadbalancing": "elbv2", "signin": "signin"}

var apiVersion = regexp.MustCompile(`\d{8}(v\d)?$`)
var wordStart = regexp.MustCompile(`([a-z0-9])([A-Z])`)

func init() {
	weights := make([]int, len(apis))
	for i, a := range apis {
		weights[i] = a.weight
		compileAPI(a)
	}
	apiCum = cumulative(weights)
}

func compileAPI(a *api) {
	service := strings.TrimSuffix(a.source, ".amazonaws.com")
	name := apiVersion.ReplaceAllString(a.name, "")
	prefix := service
	if service == "monitoring" {
		prefix = "cloudwatch"
	}
	a.action = prefix + ":" + name
	cli := service
	if c, ok := cliNames[service]; ok {
		cli = c
	}
	a.cli = cli + "." + strings.ToLower(wordStart.ReplaceAllString(name, "$1-$2"))
	a.discovery = strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Describe") || strings.HasPrefix(name, "Get")
	for _, s := range []struct {
		src string
		dst *tmpl
	}{{a.req, &a.reqT}, {a.resp, &a.respT}, {a.extra, &a.extraT}, {a.resources, &a.resourcesT}} {
		if s.src != "" {
			*s.dst = jsonTmpl(s.src)
		}
	}
	host := a.host
	if host == "" {
		host = service + ".{{region}}.amazonaws.com"
	}
	a.hostT = textTmpl(host)
	if a.errs == nil {
		a.errs = []apiErr{deniedExc}
		if service == "ec2" {
			a.errs = []apiErr{ec2Denied}
		} else if service == "sts" || service == "iam" {
			a.errs = []apiErr{denied}
		}
	}
	for i := range a.errs {
		a.errs[i].msgT = textTmpl(a.errs[i].msg)
	}
	who := a.who
	if who == [3]int{} {
		switch {
		case a.data:
			who = [3]int{5, 95, 0}
		case a.readOnly:
			who = [3]int{25, 55, 20}
		default:
			who = [3]int{30, 70, 0}
		}
	}
	if !a.discovery {
		who[2] = 0 // service-linked roles only take inventory
	}
	a.whoCum = cumulative(who[:])
}
