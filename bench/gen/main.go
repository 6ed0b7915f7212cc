// Command gen writes deterministic, realistic AWS CloudTrail data for
// benchmarks: one JSON record a line (NDJSON), keys in CloudTrail's order,
// about 1.5 KB a record.
//
//	go run ./bench/gen -size 1GB -seed 1 -o cloudtrail.ndjson
//	go run ./bench/gen -events 100000 -o - | head
//
// The same flags write the same bytes: everything is drawn from one PCG
// generator seeded by -seed, and the clock starts at a fixed date.
//
// # Ordinary events
//
// A made-up organisation of four accounts: people working through IAM
// Identity Center roles (most), IAM users, a federated user and the root
// user, and workloads (EKS nodes, Lambda functions, ECS tasks, CI, an
// integration) through their roles, services through their service-linked
// roles, and services calling in their own name (AWSService with invokedBy).
// About sixty event names from the services a trail is full of (S3 data
// events, EC2 Describe*, STS, IAM reads, KMS, CloudWatch Logs, Lambda,
// CloudTrail, console sign-in, Bedrock, Secrets Manager, SSM, ...), weighted
// like a real trail, each with its eventSource, its requestParameters and
// responseElements, user agents of the caller's SDK, addresses from the
// documentation ranges (or the AWS service's host name, or a private address
// behind a VPC endpoint), tlsDetails, and about 3% failed calls (AccessDenied
// and the service's usual errors). Events are about 40 ms apart.
//
// Ordinary events fire none of the fixture rules: console sign-ins use MFA,
// security groups open to the VPC only, the destructive calls the rules look
// for are absent, and no caller fails more than two discovery calls from one
// address in a ten-minute bin (the Splunk burst detection needs three).
//
// # True positives
//
// With probability -tp-rate an event is instead a true positive: the next of
// the templates below, in turn, each modelled on its rule's true-positive
// test event or attack data, with the account, times and ids generated.
// Rules are under fixtures/; P is panther-analysis/rules/aws_cloudtrail_rules,
// S is security_content/detections/cloud.
//
//	bedrock-logging-deleted               P aws_bedrock_deletemodelinvocationloggingconfiguration (the seed rule; S's too)
//	bedrock-logging-delete-denied         S aws_bedrock_delete_model_invocation_logging_configuration (a denied call: not P's)
//	bedrock-guardrail-deleted             P aws_bedrock_guardrail_deleted
//	bedrock-guardrail-delete-denied       S aws_bedrock_delete_guardrail
//	cloudtrail-logging-stopped            P aws_cloudtrail_logging_stopped_or_deleted
//	cloudtrail-trail-deleted              S aws_cloudtrail_logging_stopped_or_trail_deleted
//	console-login-root-no-mfa             P aws_console_login_no_mfa
//	console-login-no-mfa                  S aws_console_login_without_mfa
//	console-login-odd-signals             P aws_console_login_odd_signals
//	root-console-login                    P aws_root_console_login_udm (carries p_log_type, for event.udm)
//	sg-ssh-open                           P aws_ec2_security_group_opened_to_internet
//	sg-rdp-open                           S aws_security_group_ingress_open_to_internet
//	guardduty-detector-deleted            P aws_guardduty_detector_deleted
//	guardduty-detector-deleted-terraform  S aws_guardduty_detector_deleted
//	iam-policy-grants-everything          P aws_iam_policy_grants_everything
//	iam-user-created                      P aws_iam_user_or_key_created
//	iam-access-key-created                S aws_iam_user_or_access_key_created
//	kms-key-deletion-scheduled            P aws_kms_key_disabled_or_deletion_scheduled
//	kms-key-disabled                      S aws_kms_key_disabled_or_scheduled_for_deletion
//	s3-bucket-policy-public               P aws_s3_bucket_made_public
//	s3-bucket-acl-public                  S aws_s3_bucket_made_public
//	s3-versioning-suspended               P aws_s3_bucket_versioning_suspended
//	s3-versioning-suspend-denied          S aws_s3_bucket_versioning_suspended
//	secrets-batch-read                    P aws_secretsmanager_secret_harvesting (one of the Threshold's events)
//	failed-discovery-burst                S aws_burst_of_failed_discovery_calls (three events)
//
// A template often fires its pair's rule too. The fixtures' GitHub and VPC
// flow rules read other logs and have none.
//
// On exit gen prints what it wrote on stderr; -stats FILE writes it as JSON,
// with the instances of each template (the seed rule's expected hits are the
// bedrock-logging-deleted count).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizeFlag := fs.String("size", "", "stop after this many bytes: 1GB, 200MB, 512KiB, 1000 (decimal units; KiB, MiB, GiB binary)")
	events := fs.Int64("events", 0, "stop after this many events (lines)")
	seed := fs.Uint64("seed", 1, "PRNG seed: the same seed and flags give the same bytes")
	tpRate := fs.Float64("tp-rate", 1e-4, "share of events that are true positives of a fixture rule")
	out := fs.String("o", "-", "output file, - for stdout")
	statsFile := fs.String("stats", "", "write counts (events, bytes, true positives per template) as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var size int64
	if *sizeFlag != "" {
		var err error
		if size, err = parseSize(*sizeFlag); err != nil {
			return err
		}
	}
	if size == 0 && *events == 0 {
		return fmt.Errorf("give -size or -events")
	}
	if *tpRate < 0 || *tpRate > 1 {
		return fmt.Errorf("-tp-rate %v: want a probability", *tpRate)
	}

	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	g := New(*seed, *tpRate)
	if err := g.Write(w, size, *events); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && *out != "-" {
		if err := f.Close(); err != nil {
			return err
		}
	}
	s := g.Stats
	fmt.Fprintf(stderr, "gen: %d events, %d bytes (%.0f a line), %d failed calls, %d true-positive events (seed rule: %d)\n",
		s.Events, s.Bytes, float64(s.Bytes)/float64(max(s.Events, 1)), s.Errors, s.TPEvents, s.Templates[templates[0].name])
	if *statsFile != "" {
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*statsFile, append(data, '\n'), 0o644)
	}
	return nil
}

// parseSize reads 1GB, 200MB, 64KiB or a plain byte count.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units { // binary units first: "GiB" must not read as "B"
		if strings.HasSuffix(strings.ToLower(t), strings.ToLower(u.suffix)) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.n
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("size %q: want a positive number with an optional unit (KB, MB, GB, KiB, MiB, GiB)", s)
	}
	return int64(f * float64(mult)), nil
}
