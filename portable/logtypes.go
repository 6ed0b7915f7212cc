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
// what concord runs today.
var LogTypes = []LogType{
	{Panther: "AWS.CloudTrail", SourceType: "aws:cloudtrail", Macro: "cloudtrail", DataSource: "AWS CloudTrail", SigmaProduct: "aws", SigmaService: "cloudtrail"},
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
