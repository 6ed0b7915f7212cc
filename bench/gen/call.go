package main

import (
	"math"
	"strconv"
	"time"
)

// call is what one event's placeholders read: its caller and the resources it
// touches, drawn once so that a name repeated in the record is the same name.
type call struct {
	api    *api
	p      *principal // nil when an AWS service calls in its own name
	svc    string     // that service
	acct   *account
	region string
	ip     []byte
	obj    []byte // the S3 object key, once written
	agent  tmpl
	vpce   bool

	bucket, object, key, fn, logGroup, secret, param, table, role, user, trail, model, instance, sg int
}

// vars are the placeholders templates may use.
var vars = map[string]varFunc{
	"time":      func(g *Generator, b []byte) []byte { return append(b, g.eventTime()...) },
	"year":      func(g *Generator, b []byte) []byte { return append(b, g.eventTime()[0:4]...) },
	"month":     func(g *Generator, b []byte) []byte { return append(b, g.eventTime()[5:7]...) },
	"day":       func(g *Generator, b []byte) []byte { return append(b, g.eventTime()[8:10]...) },
	"ymd":       func(g *Generator, b []byte) []byte { return append(b, g.eventTime()[0:10]...) },
	"compact":   appendCompactTime,
	"created":   appendCreated,
	"uuid":      func(g *Generator, b []byte) []byte { return appendUUID(g.r, b) },
	"hex8":      func(g *Generator, b []byte) []byte { return appendRand(g.r, b, hexDigits, 8) },
	"hex16":     func(g *Generator, b []byte) []byte { return appendRand(g.r, b, hexDigits, 16) },
	"hex32":     func(g *Generator, b []byte) []byte { return appendRand(g.r, b, hexDigits, 32) },
	"id16":      func(g *Generator, b []byte) []byte { return appendRand(g.r, b, idChars, 16) },
	"id17":      func(g *Generator, b []byte) []byte { return appendRand(g.r, b, idChars, 17) },
	"accessKey": func(g *Generator, b []byte) []byte { return appendRand(g.r, append(b, "ASIA"...), idChars, 16) },
	"amzID2":    func(g *Generator, b []byte) []byte { return append(appendRand(g.r, b, b64, 75), '=') },
	// A session token is long; CloudTrail records it in AssumeRole responses.
	"token": func(g *Generator, b []byte) []byte {
		return appendRand(g.r, append(b, "IQoJb3JpZ2luX2VjE"...), b64, 220+g.r.IntN(80))
	},
	// Response elements write dates the way the AWS SDK for Java prints them.
	"expiration": func(g *Generator, b []byte) []byte { return appendLongDate(b, g.unix()+3600) },
	"longDate":   func(g *Generator, b []byte) []byte { return appendLongDate(b, g.unix()) },
	"inAWeek":    func(g *Generator, b []byte) []byte { return appendLongDate(b, g.unix()+7*86400) },
	"s3id":       func(g *Generator, b []byte) []byte { return appendRand(g.r, b, upperAlnum, 16) },
	"n":          func(g *Generator, b []byte) []byte { return strconv.AppendInt(b, int64(1+g.r.IntN(999)), 10) },
	"octet":      func(g *Generator, b []byte) []byte { return strconv.AppendInt(b, int64(1+g.r.IntN(254)), 10) },
	// Transfer sizes spread over orders of magnitude, from a few hundred bytes
	// to tens of megabytes.
	"bytesOut": func(g *Generator, b []byte) []byte {
		return strconv.AppendInt(b, int64(100*math.Exp(g.r.Float64()*12)), 10)
	},
	"bytesIn": func(g *Generator, b []byte) []byte {
		if g.c.api != nil && g.c.api.readOnly {
			return append(b, '0')
		}
		return strconv.AppendInt(b, int64(100*math.Exp(g.r.Float64()*12)), 10)
	},

	"account": func(g *Generator, b []byte) []byte { return append(b, g.c.acct.id...) },
	"region":  func(g *Generator, b []byte) []byte { return append(b, g.c.region...) },
	"ip":      func(g *Generator, b []byte) []byte { return append(b, g.c.ip...) },
	"arn": func(g *Generator, b []byte) []byte {
		if g.c.p == nil {
			return append(b, g.c.svc...)
		}
		return append(b, g.c.p.arn...)
	},
	"action":  func(g *Generator, b []byte) []byte { return append(b, g.c.api.action...) },
	"cli":     func(g *Generator, b []byte) []byte { return append(b, g.c.api.cli...) },
	"session": appendSession,

	"bucket": func(g *Generator, b []byte) []byte { return append(b, g.org.buckets[g.c.bucket]...) },
	"object": func(g *Generator, b []byte) []byte {
		if len(g.c.obj) == 0 {
			g.c.obj = objectKeyT[g.c.object].append(g, g.c.obj)
		}
		return append(b, g.c.obj...)
	},
	"kmsKey":   func(g *Generator, b []byte) []byte { return append(b, g.c.acct.keys[g.c.key]...) },
	"function": func(g *Generator, b []byte) []byte { return append(b, g.org.functions[g.c.fn]...) },
	"logGroup": func(g *Generator, b []byte) []byte { return append(b, g.org.logGroups[g.c.logGroup]...) },
	"secret":   func(g *Generator, b []byte) []byte { return append(b, g.org.secrets[g.c.secret]...) },
	"param":    func(g *Generator, b []byte) []byte { return append(b, g.org.params[g.c.param]...) },
	"table":    func(g *Generator, b []byte) []byte { return append(b, g.org.tables[g.c.table]...) },
	"role":     func(g *Generator, b []byte) []byte { return append(b, g.org.roles[g.c.role]...) },
	"iamUser":  func(g *Generator, b []byte) []byte { return append(b, g.org.iamUsers[g.c.user]...) },
	"trail":    func(g *Generator, b []byte) []byte { return append(b, g.org.trails[g.c.trail]...) },
	"model":    func(g *Generator, b []byte) []byte { return append(b, models[g.c.model]...) },
	"instance": func(g *Generator, b []byte) []byte { return append(b, g.c.acct.instances[g.c.instance]...) },
	"sg":       func(g *Generator, b []byte) []byte { return append(b, g.c.acct.groups[g.c.sg]...) },
}

var objectKeyT []tmpl

// Agents by name; {{cli}} is the aws-cli command of the call.
var agentTexts = map[string]string{
	"browser":       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"cli":           "aws-cli/2.17.42 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#{{cli}}",
	"boto3":         "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36",
	"lambda-python": "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145",
	"lambda-js":     "aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.225-191.878.amzn2.x86_64 lang/js md/nodejs#20.17.0 exec-env/AWS_Lambda_nodejs20.x api/s3#3.637.0",
	"go1":           "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)",
	"go2":           "aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.177.0",
	"java":          "aws-sdk-java/2.25.60 Linux/5.10.223-211.872.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
	"terraform":     "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.67.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.5 ua/2.1 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.177.3",
}

var agentT = map[string]tmpl{}

func init() {
	for _, k := range objectKeys {
		objectKeyT = append(objectKeyT, textTmpl(k))
	}
	for name, text := range agentTexts {
		agentT[name] = textTmpl(text)
	}
}

func agentList(names ...string) []tmpl {
	var out []tmpl
	for _, n := range names {
		t, ok := agentT[n]
		if !ok {
			panic("unknown agent " + n)
		}
		out = append(out, t)
	}
	return out
}

func appendLongDate(b []byte, unix int64) []byte {
	return time.Unix(unix, 0).UTC().AppendFormat(b, "Jan 2, 2006, 3:04:05 PM")
}

func appendCompactTime(g *Generator, b []byte) []byte {
	t := g.eventTime() // 2025-11-03T14:05:07Z -> 20251103T1405
	b = append(b, t[0:4]...)
	b = append(b, t[5:7]...)
	b = append(b, t[8:10]...)
	b = append(b, 'T')
	b = append(b, t[11:13]...)
	return append(b, t[14:16]...)
}

// appendCreated is when the caller's session began: up to a few hours before.
func appendCreated(g *Generator, b []byte) []byte {
	return time.Unix(g.unix()-g.r.Int64N(4*3600), 0).UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
}

// appendSession names the session AssumeRole opens: the function or task a
// service fetches credentials for, else the caller's own name.
func appendSession(g *Generator, b []byte) []byte {
	switch g.c.svc {
	case "lambda.amazonaws.com":
		return append(b, g.org.functions[g.c.fn]...)
	case "ec2.amazonaws.com":
		return append(b, g.c.acct.instances[g.c.instance]...)
	case "":
		if g.c.p.name != "" {
			return append(b, g.c.p.name...)
		}
		return append(b, "session"...)
	}
	return appendRand(g.r, b, hexDigits, 32)
}

// writeCall appends one ordinary event.
func (g *Generator) writeCall(b []byte) []byte {
	g.tick()
	r := g.r
	a := apis[pick(r, apiCum)]
	c := &g.c
	*c = call{api: a, ip: c.ip[:0], obj: c.obj[:0]}
	if a.svc > 0 && r.IntN(100) < a.svc {
		c.svc = a.services[r.IntN(len(a.services))]
		c.acct = g.org.accounts[skewed(r, len(g.org.accounts))]
		c.ip = append(c.ip, c.svc...)
		c.agent = nil
		c.region = g.region(a, regions[pick(r, regionCum)])
	} else {
		p := g.caller(a)
		c.p, c.acct = p, p.acct
		c.agent = p.agents[r.IntN(len(p.agents))]
		c.region = g.region(a, p.region)
		if p.vpce && r.IntN(2) == 0 && a.source != "iam.amazonaws.com" {
			// Through the VPC endpoint CloudTrail records the private address.
			c.vpce = true
			c.ip = append(c.ip, "10.20."...)
			c.ip = strconv.AppendInt(c.ip, int64(r.IntN(256)), 10)
			c.ip = append(c.ip, '.')
			c.ip = strconv.AppendInt(c.ip, int64(1+r.IntN(254)), 10)
		} else {
			c.ip = append(c.ip, p.ips[r.IntN(len(p.ips))]...)
		}
	}
	o := g.org
	c.bucket, c.object = skewed(r, len(o.buckets)), r.IntN(len(objectKeyT))
	c.key, c.fn, c.logGroup = r.IntN(len(c.acct.keys)), skewed(r, len(o.functions)), r.IntN(len(o.logGroups))
	c.secret, c.param, c.table = r.IntN(len(o.secrets)), r.IntN(len(o.params)), r.IntN(len(o.tables))
	c.role, c.user, c.trail = r.IntN(len(o.roles)), r.IntN(len(o.iamUsers)), r.IntN(len(o.trails))
	c.model, c.instance, c.sg = skewed(r, len(models)), skewed(r, len(c.acct.instances)), r.IntN(len(c.acct.groups))

	var fail *apiErr
	// AWS services, in their own name or through service-linked roles, hold
	// the permissions they need.
	if c.svc == "" && c.p.invokedBy == "" && r.Float64() < errorRate && g.mayFail(a) {
		fail = &a.errs[r.IntN(len(a.errs))]
		g.Stats.Errors++
	}
	if a.name == "ConsoleLogin" {
		return g.writeConsoleLogin(b, fail != nil)
	}

	b = append(b, `{"eventVersion":"1.09","userIdentity":`...)
	b = g.appendIdentity(b)
	b = g.appendHead(b, a)
	if fail != nil {
		b = append(b, `"errorCode":"`...)
		b = append(b, fail.code...)
		b = append(b, `","errorMessage":"`...)
		b = fail.msgT.append(g, b)
		b = append(b, `",`...)
	}
	b = appendObject(g, b, "requestParameters", a.reqT, true)
	if fail != nil {
		b = append(b, `"responseElements":null,`...)
	} else {
		b = appendObject(g, b, "responseElements", a.respT, true)
	}
	b = appendObject(g, b, "additionalEventData", a.extraT, false)
	b = append(b, `"requestID":"`...)
	if a.source == "s3.amazonaws.com" {
		b = appendRand(r, b, upperAlnum, 16)
	} else {
		b = appendUUID(r, b)
	}
	b = append(b, `","eventID":"`...)
	b = appendUUID(r, b)
	b = append(b, `","readOnly":`...)
	b = strconv.AppendBool(b, a.readOnly)
	b = append(b, ',')
	b = appendObject(g, b, "resources", a.resourcesT, false)
	b = append(b, `"eventType":"AwsApiCall","managementEvent":`...)
	b = strconv.AppendBool(b, !a.data)
	b = append(b, `,"recipientAccountId":"`...)
	b = append(b, c.acct.id...)
	b = append(b, '"')
	if c.svc != "" && a.source == "sts.amazonaws.com" {
		b = append(b, `,"sharedEventID":"`...)
		b = appendUUID(r, b)
		b = append(b, '"')
	}
	if c.vpce {
		b = append(b, `,"vpcEndpointId":"`...)
		b = append(b, c.acct.vpce...)
		b = append(b, `","vpcEndpointAccountId":"`...)
		b = append(b, c.acct.id...)
		b = append(b, '"')
	}
	if a.data {
		b = append(b, `,"eventCategory":"Data"`...)
	} else {
		b = append(b, `,"eventCategory":"Management"`...)
	}
	b = g.appendTLS(b, a)
	if c.p != nil && c.p.console {
		b = append(b, `,"sessionCredentialFromConsole":"true"`...)
	}
	return append(b, "}\n"...)
}

// caller picks who makes a call of a.
func (g *Generator) caller(a *api) *principal {
	o := g.org
	switch pick(g.r, a.whoCum) {
	case 0:
		for {
			// The root user cannot assume a role and runs no workload.
			p := o.humans[pick(g.r, o.humanCum)]
			if p.kind != kindRoot || !(a.data || a.source == "sts.amazonaws.com") {
				return p
			}
		}
	case 1:
		return o.machines[pick(g.r, o.machineCum)]
	}
	return o.linked[skewed(g.r, len(o.linked))]
}

// region is where a call is recorded: a global service's own region, else
// mostly where the caller works.
func (g *Generator) region(a *api, home string) string {
	if a.region != "" {
		return a.region
	}
	if g.r.IntN(5) == 0 {
		return regions[pick(g.r, regionCum)]
	}
	return home
}

// mayFail keeps ordinary data below the burst detection: at most two failed
// discovery calls per caller and address in a ten-minute bin.
func (g *Generator) mayFail(a *api) bool {
	if !a.discovery || g.c.p == nil {
		return true
	}
	if bin := g.unix() / burstWindow; bin != g.burstBin {
		clear(g.burstSeen)
		g.burstBin = bin
	}
	k := burstKey{g.c.p.arn, string(g.c.ip)}
	if g.burstSeen[k] >= 2 {
		return false
	}
	g.burstSeen[k]++
	return true
}

func (g *Generator) appendIdentity(b []byte) []byte {
	c := &g.c
	if c.p == nil {
		b = append(b, `{"type":"AWSService","invokedBy":"`...)
		b = append(b, c.svc...)
		return append(b, `"}`...)
	}
	b = append(b, c.p.head...)
	if c.p.tail == "" {
		return b
	}
	return append(appendCreated(g, b), c.p.tail...)
}

// appendHead writes eventTime through userAgent.
func (g *Generator) appendHead(b []byte, a *api) []byte {
	b = append(b, `,"eventTime":"`...)
	b = append(b, g.eventTime()...)
	b = append(b, `","eventSource":"`...)
	b = append(b, a.source...)
	b = append(b, `","eventName":"`...)
	b = append(b, a.name...)
	b = append(b, `","awsRegion":"`...)
	b = append(b, g.c.region...)
	b = append(b, `","sourceIPAddress":"`...)
	b = append(b, g.c.ip...)
	b = append(b, `","userAgent":"`...)
	if g.c.agent == nil {
		b = append(b, g.c.svc...)
	} else {
		b = g.c.agent.append(g, b)
	}
	return append(b, `",`...)
}

// appendTLS writes tlsDetails; a service calling in its own name, inside
// AWS, records none.
func (g *Generator) appendTLS(b []byte, a *api) []byte {
	if g.c.svc != "" || (g.c.p != nil && g.c.p.invokedBy != "") {
		return b
	}
	if g.r.IntN(8) == 0 {
		b = append(b, `,"tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"`...)
	} else {
		b = append(b, `,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`...)
	}
	b = a.hostT.append(g, b)
	return append(b, `"}`...)
}

// appendObject writes "key":value, (null when orNull and there is no template).
func appendObject(g *Generator, b []byte, key string, t tmpl, orNull bool) []byte {
	if t == nil && !orNull {
		return b
	}
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `":`...)
	if t == nil {
		b = append(b, "null"...)
	} else {
		b = t.append(g, b)
	}
	return append(b, ',')
}

// writeConsoleLogin writes a console sign-in by a person with an IAM user:
// always with MFA, as the fixture rules expect of ordinary sign-ins. A failed
// one carries no errorCode, only its response and message.
func (g *Generator) writeConsoleLogin(b []byte, failed bool) []byte {
	c := &g.c
	p := g.org.consoleUser(g.r)
	c.p, c.acct, c.agent = p, p.acct, agentT["browser"]
	c.ip = append(c.ip[:0], p.ips[g.r.IntN(len(p.ips))]...)
	b = append(b, `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"`...)
	b = append(b, p.id...)
	b = append(b, `","arn":"`...)
	b = append(b, p.arn...)
	b = append(b, `","accountId":"`...)
	b = append(b, p.acct.id...)
	b = append(b, `","userName":"`...)
	b = append(b, p.name...)
	b = append(b, `"}`...)
	b = g.appendHead(b, c.api)
	if failed {
		b = append(b, `"errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},`...)
	} else {
		b = append(b, `"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},`...)
	}
	b = append(b, `"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_`...)
	b = appendRand(g.r, b, hexDigits, 16)
	b = append(b, `","MobileVersion":"No",`...)
	if failed {
		b = append(b, `"MFAUsed":"No"},`...)
	} else {
		b = append(b, `"MFAIdentifier":"arn:aws:iam::`...)
		b = append(b, p.acct.id...)
		b = append(b, `:mfa/`...)
		b = append(b, p.name...)
		b = append(b, `","MFAUsed":"Yes"},`...)
	}
	b = append(b, `"eventID":"`...)
	b = appendUUID(g.r, b)
	b = append(b, `","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"`...)
	b = append(b, p.acct.id...)
	b = append(b, `","eventCategory":"Management"`...)
	b = g.appendTLS(b, c.api)
	return append(b, "}\n"...)
}
