package portable

// LogType names one kind of events on every platform.
type LogType struct {
	Panther      string // Panther log type
	SourceType   string // Splunk sourcetype
	Macro        string // the security_content macro that selects it
	DataSource   string // security_content data_source prefix ("AWS CloudTrail" + " " + eventName)
	SigmaProduct string // Sigma logsource product and service
	SigmaService string
}

// LogTypes are the log types conversion knows. CloudTrail comes first: it is
// what concord runs today. The Splunk names are security_content's: its
// macros cloudtrail (sourcetype=aws:cloudtrail), github_organizations
// (sourcetype=github:cloud:audit, the Splunk Add-on for GitHub's audit log,
// data source "GitHub Organizations Audit Logs") and cloudwatchlogs_vpcflow
// (sourcetype=aws:cloudwatchlogs:vpcflow, data source "AWS CloudWatchLogs
// VPCflow"). Sigma has no taxonomy entry for the last two; rules write
// product github, service audit and product aws, service vpcflow.
var LogTypes = []LogType{
	{Panther: "AWS.CloudTrail", SourceType: "aws:cloudtrail", Macro: "cloudtrail", DataSource: "AWS CloudTrail", SigmaProduct: "aws", SigmaService: "cloudtrail"},
	{Panther: "GitHub.Audit", SourceType: "github:cloud:audit", Macro: "github_organizations", DataSource: "GitHub Organizations Audit Logs", SigmaProduct: "github", SigmaService: "audit"},
	{Panther: "AWS.VPCFlow", SourceType: "aws:cloudwatchlogs:vpcflow", Macro: "cloudwatchlogs_vpcflow", DataSource: "AWS CloudWatchLogs VPCflow", SigmaProduct: "aws", SigmaService: "vpcflow"},
}

// LogTypeOf finds a log type by any of its names (Panther log type, Splunk
// sourcetype or macro, Sigma service).
func LogTypeOf(name string) (LogType, bool) {
	for _, l := range LogTypes {
		if name == l.Panther || name == l.SourceType || name == l.Macro || name == l.SigmaService {
			return l, true
		}
	}
	return LogType{}, false
}
