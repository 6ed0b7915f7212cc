package convert

import (
	"slices"
	"strings"
	"testing"

	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

const paRules = "../fixtures/panther-analysis/rules/"

// A simple detection's conditions lift to portable tests: IEquals folds
// without lowering the constant, IsNotNullOrEmpty is present and not ""
// (an empty list or object is a lossy point), Has is a substring or a list
// element, AnyElement over list[*].key and NoElement are tests of the
// elements, Equals true the JSON boolean, and a string condition (IEquals,
// StartsWith, ...) also holds on a list with a passing element. The portable condition gives
// each of the rule's tests the verdict Panther's own run gives it (package
// eval runs panther_analysis_tool's match-expression semantics).
func TestConditionSimpleDetectionGitHub(t *testing.T) {
	c := compiled(t, paRules+"github_rules/github_repo_made_public_simple.yml")
	got, lossy := lift(t, c)
	want := `(action eq "repo.access" and (visibility ieq "PUBLIC" or any visibility[] (ieq "PUBLIC")) and not org eq "sandbox-org"|"playground" and not (repo prefix "sandbox-org/" or any repo[] (prefix "sandbox-org/")) and not (repo isuffix "-DOCS" or any repo[] (isuffix "-DOCS")) and not (repo contains ".github.io" or any repo[] (contains ".github.io")) and not (not actor exists or actor eq "") and previous_visibility exists and (actor iprefix "ext-" or any actor[] (iprefix "ext-") or not actor_location.country_code eq "US"|"CA" or any reviewers[] (login icontains "bot")) and not (repo_topics contains "public-by-design" or any repo_topics[] (eq "public-by-design")) and not any reviewers[] (approved bool "true" and login eq "security-team"|"octo-admin"))`
	if s := portable.String(got); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	var reasons []string
	for _, l := range lossy {
		reasons = append(reasons, l.Reason)
	}
	for _, w := range []string{"empty list or object", "as a key of an object", "True equal to 1", "key holds null"} {
		if !strings.Contains(strings.Join(reasons, "\n"), w) {
			t.Errorf("no lossy point says %q:\n%s", w, strings.Join(reasons, "\n"))
		}
	}
	events, _ := harness.RuleEvents(c.Rule)
	res, err := c.Run(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		if h := portable.Holds(got, ev.Value); h != res.Verdicts[i].Hit {
			t.Errorf("%s: portable %v, Panther %v", ev.Source, h, res.Verdicts[i].Hit)
		}
	}
}

// The VPC flow rule's IP, number and OnlyOne conditions lift; its
// comparison of packets with a list element's reads limits, a field no VPC
// flow record has: the test is dropped, a lossy point in the conversion's
// direction, and the lifted condition differs from Panther on the one test
// event where that comparison decides (packets within the limit).
func TestConditionVPCFlow(t *testing.T) {
	c := compiled(t, paRules+"aws_vpc_flow_rules/aws_vpcflow_unexpected_inbound_simple.yml")
	got, lossy := lift(t, c)
	i := slices.IndexFunc(lossy, func(l portable.Lossy) bool { return strings.Contains(l.Reason, "the rule reads limits[0].packets") })
	if i < 0 || lossy[i].SourceHits || lossy[i].Either || !slices.Equal(lossy[i].Fields, []string{"packets", "limits[0].packets"}) {
		t.Fatalf("lossy points %+v", lossy)
	}
	events, _ := harness.RuleEvents(c.Rule)
	res, err := c.Run(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		h := portable.Holds(got, ev.Value)
		differs := strings.HasSuffix(ev.Source, "#Packets within the limit")
		if (h != res.Verdicts[i].Hit) != differs || differs && !h {
			t.Errorf("%s: portable %v, Panther %v", ev.Source, h, res.Verdicts[i].Hit)
		}
	}
}
