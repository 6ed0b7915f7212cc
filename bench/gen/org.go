package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// org is the made-up organisation the trail belongs to: accounts, the people
// and workloads that call AWS, and the resources they touch. It is drawn from
// the generator's PRNG, so a seed is one organisation.
type org struct {
	accounts []*account
	// Callers by class (see api.who); each list is ordered busiest first.
	humans, machines, linked []*principal
	humanCum, machineCum     []int        // weights of the kinds within a class
	consoleUsers             []*principal // people who sign in to the console as IAM users

	buckets, functions, logGroups, secrets, params, tables []string
	roles                                                  []string // roles one assumes (AssumeRole, GetRole)
	iamUsers                                               []string
	trails                                                 []string
}

type account struct {
	id        string
	keys      []string // KMS key ids
	instances []string
	groups    []string // security groups
	vpce      string   // the VPC endpoint its workloads call through
	nat       []string // its NAT gateways' public addresses
}

// Principal kinds, as userIdentity.type says.
const (
	kindAssumedRole = "AssumedRole"
	kindIAMUser     = "IAMUser"
	kindFederated   = "FederatedUser"
	kindRoot        = "Root"
)

type principal struct {
	kind    string
	acct    *account
	arn     string
	id      string // principalId
	name    string // userName, or the role session's name
	human   bool
	console bool // works in the AWS console (browser user agent)
	// userIdentity, cut where the session's creationDate goes; tail is ""
	// when there is no session context.
	head, tail string
	invokedBy  string // a service acting through a service-linked role
	agents     []tmpl
	ips        []string
	region     string // where it mostly works
	vpce       bool   // calls through the account's VPC endpoint
}

var people = []string{
	"alice.nguyen", "bruno.schmidt", "carla.ruiz", "deepak.iyer", "emma.larsen",
	"farid.haddad", "grace.okafor", "hiro.tanaka", "ines.costa", "jakub.novak",
	"kate.obrien", "liam.walsh", "mei.chen", "noah.fischer", "olga.petrova",
	"paulo.silva", "quinn.adams", "rosa.marquez", "sam.cohen", "tara.singh",
}

var ssoRoles = []string{"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "DataScientist", "NetworkAdministrator", "SecurityAudit"}

// machineRole is a workload's role: how its sessions are named and which
// SDK it speaks.
type machineRole struct {
	role     string
	sessions func(r *rand.Rand) string
	agents   []string // agent names (see agentTexts)
	sessionN int      // concurrent sessions (instances, tasks)
}

func instanceSession(r *rand.Rand) string { return "i-0" + randString(r, hexDigits, 16) }
func epochSession(prefix string) func(r *rand.Rand) string {
	return func(r *rand.Rand) string { return fmt.Sprintf("%s%d", prefix, 1762128000+r.IntN(86400)) }
}
func fixedSession(s string) func(r *rand.Rand) string { return func(*rand.Rand) string { return s } }

var machineRoles = []machineRole{
	{"eks-node-group-prod", instanceSession, []string{"go1"}, 6},
	{"lambda-orders-processor", fixedSession("orders-processor"), []string{"lambda-python"}, 1},
	{"ecs-task-api-gateway", func(r *rand.Rand) string { return randString(r, hexDigits, 32) }, []string{"java"}, 4},
	{"ssm-managed-instance", instanceSession, []string{"go1"}, 5},
	{"karpenter-controller", epochSession("aws-go-sdk-"), []string{"go2"}, 1},
	{"glue-etl-jobs", fixedSession("GlueJobRunnerSession"), []string{"java"}, 2},
	{"lambda-thumbnailer", fixedSession("thumbnailer"), []string{"lambda-js"}, 1},
	{"DatadogIntegrationRole", fixedSession("DatadogAWSIntegration"), []string{"go1"}, 1},
	{"github-actions-deploy", fixedSession("GitHubActions"), []string{"terraform", "cli"}, 2},
	{"bedrock-chat-backend", epochSession("botocore-session-"), []string{"boto3"}, 3},
	{"SecurityScannerRole", epochSession("prowler-"), []string{"boto3"}, 1},
}

// Service-linked roles: the service calls in its own name (invokedBy).
var linkedRoles = []struct{ role, session, service string }{
	{"AWSServiceRoleForConfig", "AWSConfig-Describe", "config.amazonaws.com"},
	{"AWSServiceRoleForAmazonGuardDuty", "GuardDuty", "guardduty.amazonaws.com"},
	{"AWSServiceRoleForAutoScaling", "AutoScaling", "autoscaling.amazonaws.com"},
	{"AWSServiceRoleForAccessAnalyzer", "access-analyzer", "access-analyzer.amazonaws.com"},
}

var machineUsers = []struct{ name, agent string }{
	{"ci-deploy", "terraform"}, {"jenkins", "cli"}, {"svc-reporting", "java"},
	{"svc-backup", "boto3"}, {"legacy-etl", "boto3"},
}

var regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"}
var regionCum = cumulative([]int{50, 20, 14, 9, 4, 3})

func newOrg(r *rand.Rand) *org {
	o := &org{}
	for range 4 {
		a := &account{id: fmt.Sprintf("%012d", 100000000000+r.Int64N(899999999999))}
		for range 6 {
			a.keys = append(a.keys, uuid(r))
		}
		for range 40 {
			a.instances = append(a.instances, "i-0"+randString(r, hexDigits, 16))
		}
		for range 12 {
			a.groups = append(a.groups, "sg-0"+randString(r, hexDigits, 16))
		}
		a.vpce = "vpce-0" + randString(r, hexDigits, 16)
		for range 2 {
			a.nat = append(a.nat, fmt.Sprintf("198.51.100.%d", 1+r.IntN(254)))
		}
		o.accounts = append(o.accounts, a)
	}
	o.resources(r)

	var sso, iamHumans, federated, roots, machineSessions, machineIAM []*principal
	for _, a := range o.accounts {
		for _, person := range people {
			if r.IntN(2) == 0 {
				role := ssoRoles[r.IntN(len(ssoRoles))]
				full := "AWSReservedSSO_" + role + "_" + randString(r, hexDigits, 16)
				issuer := "arn:aws:iam::" + a.id + ":role/aws-reserved/sso.amazonaws.com/" + regions[0] + "/" + full
				p := assumedRole(r, a, full, issuer, person, "")
				p.human, p.console = true, r.IntN(2) == 0
				sso = append(sso, p)
			}
		}
		for _, m := range machineRoles {
			for range m.sessionN {
				p := assumedRole(r, a, m.role, "arn:aws:iam::"+a.id+":role/"+m.role, m.sessions(r), "")
				p.agents = agentList(m.agents...)
				p.vpce = r.IntN(3) == 0
				machineSessions = append(machineSessions, p)
			}
		}
		for _, l := range linkedRoles {
			issuer := "arn:aws:iam::" + a.id + ":role/aws-service-role/" + l.service + "/" + l.role
			p := assumedRole(r, a, l.role, issuer, l.session, l.service)
			p.agents = []tmpl{textTmpl(l.service)}
			p.ips = []string{l.service}
			o.linked = append(o.linked, p)
		}
		for _, m := range machineUsers {
			p := iamUser(r, a, m.name, false)
			p.agents = agentList(m.agent)
			machineIAM = append(machineIAM, p)
		}
		for _, person := range people[:5] {
			iamHumans = append(iamHumans, iamUser(r, a, person, true))
		}
		federated = append(federated, federatedUser(r, a, "partner-portal", people[r.IntN(len(people))]))
		roots = append(roots, rootUser(r, a))
	}
	for _, p := range append(append(append(sso, iamHumans...), federated...), roots...) {
		p.human = true
		if p.agents == nil {
			if p.console {
				p.agents = agentList("browser")
			} else {
				p.agents = agentList("cli", "boto3")
			}
		}
		p.ips = []string{humanIP(r), humanIP(r)}
	}
	for _, p := range append(machineSessions, machineIAM...) {
		p.ips = p.acct.nat
	}
	for _, p := range append(append(sso, iamHumans...), append(federated, roots...)...) {
		p.region = regions[pick(r, regionCum)]
	}
	for _, p := range append(append(machineSessions, machineIAM...), o.linked...) {
		p.region = regions[pick(r, regionCum)]
	}
	shuffle(r, sso)
	shuffle(r, machineSessions)
	shuffle(r, o.linked)
	// Within a class the kinds are weighted: role sessions are most of any
	// trail, the root user is rare.
	o.consoleUsers = iamHumans
	o.humans = concat(sso, iamHumans, federated, roots)
	o.humanCum = kindCum(len(sso), 70, len(iamHumans), 17, len(federated), 11, len(roots), 2)
	o.machines = concat(machineSessions, machineIAM)
	o.machineCum = kindCum(len(machineSessions), 88, len(machineIAM), 12)
	return o
}

// kindCum gives each group of principals (count, weight) its weight, cut
// into the group's members busiest first, as cumulative integer weights.
func kindCum(groups ...int) []int {
	var w []int
	for i := 0; i < len(groups); i += 2 {
		n, weight := groups[i], groups[i+1]
		// Member k of n gets weight proportional to 1/(k+1), scaled so the
		// group totals weight*1000.
		h := 0.0
		for k := range n {
			h += 1 / float64(k+1)
		}
		for k := range n {
			w = append(w, max(1, int(float64(weight)*1000/(float64(k+1)*h))))
		}
	}
	return cumulative(w)
}

func concat(lists ...[]*principal) []*principal {
	var out []*principal
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func shuffle(r *rand.Rand, ps []*principal) {
	r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
}

func humanIP(r *rand.Rand) string {
	// Documentation ranges only (RFC 5737): the data must not name real hosts.
	nets := []string{"192.0.2.", "203.0.113."}
	return fmt.Sprintf("%s%d", nets[r.IntN(2)], 1+r.IntN(254))
}

func assumedRole(r *rand.Rand, a *account, role, issuerARN, session, invokedBy string) *principal {
	roleID := "AROA" + randString(r, idChars, 17)
	arn := "arn:aws:sts::" + a.id + ":assumed-role/" + role + "/" + session
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"AssumedRole","principalId":"%s:%s","arn":"%s","accountId":"%s","accessKeyId":"ASIA%s",`,
		roleID, session, arn, a.id, randString(r, idChars, 16))
	fmt.Fprintf(&b, `"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"%s","arn":"%s","accountId":"%s","userName":"%s"},"webIdFederationData":{},"attributes":{"creationDate":"`,
		roleID, issuerARN, a.id, role)
	tail := `","mfaAuthenticated":"false"}}`
	if invokedBy != "" {
		tail += `,"invokedBy":"` + invokedBy + `"`
	}
	return &principal{kind: kindAssumedRole, acct: a, arn: arn, name: session, head: b.String(), tail: tail + "}", invokedBy: invokedBy}
}

func iamUser(r *rand.Rand, a *account, name string, human bool) *principal {
	arn := "arn:aws:iam::" + a.id + ":user/" + name
	id := "AIDA" + randString(r, idChars, 17)
	p := &principal{kind: kindIAMUser, acct: a, arn: arn, id: id, name: name, human: human}
	if human {
		// A console session: temporary keys and a session context.
		p.console = true
		p.head = fmt.Sprintf(`{"type":"IAMUser","principalId":"%s","arn":"%s","accountId":"%s","accessKeyId":"ASIA%s","userName":"%s","sessionContext":{"attributes":{"creationDate":"`,
			id, arn, a.id, randString(r, idChars, 16), name)
		p.tail = `","mfaAuthenticated":"true"}}}`
		return p
	}
	p.head = fmt.Sprintf(`{"type":"IAMUser","principalId":"%s","arn":"%s","accountId":"%s","accessKeyId":"AKIA%s","userName":"%s"}`,
		id, arn, a.id, randString(r, idChars, 16), name)
	return p
}

func federatedUser(r *rand.Rand, a *account, issuer, name string) *principal {
	arn := "arn:aws:sts::" + a.id + ":federated-user/" + name
	head := fmt.Sprintf(`{"type":"FederatedUser","principalId":"%s:%s","arn":"%s","accountId":"%s","accessKeyId":"ASIA%s",`,
		a.id, name, arn, a.id, randString(r, idChars, 16))
	head += fmt.Sprintf(`"sessionContext":{"sessionIssuer":{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","userName":"%s"},"webIdFederationData":{},"attributes":{"creationDate":"`,
		randString(r, idChars, 17), a.id, issuer, a.id, issuer)
	return &principal{kind: kindFederated, acct: a, arn: arn, name: name, console: true, head: head, tail: `","mfaAuthenticated":"false"}}}`}
}

func rootUser(r *rand.Rand, a *account) *principal {
	arn := "arn:aws:iam::" + a.id + ":root"
	head := fmt.Sprintf(`{"type":"Root","principalId":"%s","arn":"%s","accountId":"%s","accessKeyId":"ASIA%s","sessionContext":{"attributes":{"creationDate":"`,
		a.id, arn, a.id, randString(r, idChars, 16))
	return &principal{kind: kindRoot, acct: a, arn: arn, console: true, head: head, tail: `","mfaAuthenticated":"true"}}}`}
}

var bucketWords = []string{"data-lake-raw", "data-lake-curated", "athena-results", "terraform-state", "web-assets", "ml-training-data", "backups", "build-artifacts", "cloudtrail-archive", "customer-exports", "invoices", "media-uploads"}

func (o *org) resources(r *rand.Rand) {
	for _, w := range bucketWords {
		o.buckets = append(o.buckets, "northwind-"+w+"-"+randString(r, hexDigits, 6))
	}
	for _, f := range []string{"orders-processor", "thumbnailer", "invoice-mailer", "auth-token-refresh", "s3-object-indexer", "slack-notifier", "nightly-report", "webhook-ingest"} {
		o.functions = append(o.functions, f)
		o.logGroups = append(o.logGroups, "/aws/lambda/"+f)
	}
	o.logGroups = append(o.logGroups, "/aws/eks/prod/cluster", "/ecs/api-gateway", "/aws/rds/instance/orders-db/postgresql", "/aws/vpc/flow-logs")
	for _, s := range []string{"prod/orders-db/credentials", "prod/stripe/api-key", "staging/orders-db/credentials", "prod/datadog/api-key", "prod/github/app-key"} {
		o.secrets = append(o.secrets, s+"-"+randString(r, upperAlnum[:26]+"abcdefghijklmnopqrstuvwxyz", 6))
	}
	o.params = []string{"/prod/api/feature-flags", "/prod/api/db-host", "/prod/orders/queue-url", "/staging/api/db-host", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "/prod/eks/cluster-endpoint"}
	o.tables = []string{"orders", "sessions", "inventory", "terraform-locks", "feature-flags"}
	o.roles = []string{"OrganizationAccountAccessRole", "terraform-apply", "ReadOnlyCrossAccount", "lambda-orders-processor", "eks-node-group-prod", "ecs-task-api-gateway", "DatadogIntegrationRole", "bedrock-chat-backend"}
	o.iamUsers = []string{"ci-deploy", "jenkins", "svc-reporting", "svc-backup", "legacy-etl", "alice.nguyen", "bruno.schmidt"}
	o.trails = []string{"org-audit-trail", "security-data-events"}
}

func (o *org) consoleUser(r *rand.Rand) *principal {
	return o.consoleUsers[skewed(r, len(o.consoleUsers))]
}
