package panther

import (
	"regexp"
	"strings"
)

// Panther reports MITRE ATT&CK as TACTIC:TECHNIQUE pairs ("TA0005:T1562.001");
// Splunk names the technique alone. The tables below give each technique's
// tactics and names as MITRE ATT&CK Enterprise (v15, attack.mitre.org)
// lists them, for the techniques detections commonly cite; a sub-technique
// has its parent's tactics. A technique not in the table is reported alone.

var mitreTactics = map[string]string{
	"TA0043": "Reconnaissance", "TA0042": "Resource Development", "TA0001": "Initial Access",
	"TA0002": "Execution", "TA0003": "Persistence", "TA0004": "Privilege Escalation",
	"TA0005": "Defense Evasion", "TA0006": "Credential Access", "TA0007": "Discovery",
	"TA0008": "Lateral Movement", "TA0009": "Collection", "TA0011": "Command and Control",
	"TA0010": "Exfiltration", "TA0040": "Impact",
}

type mitreTechnique struct {
	name    string
	tactics []string
}

var mitreTechniques = map[string]mitreTechnique{
	"T1001": {"Data Obfuscation", []string{"TA0011"}},
	"T1003": {"OS Credential Dumping", []string{"TA0006"}},
	"T1005": {"Data from Local System", []string{"TA0009"}},
	"T1016": {"System Network Configuration Discovery", []string{"TA0007"}},
	"T1018": {"Remote System Discovery", []string{"TA0007"}},
	"T1020": {"Automated Exfiltration", []string{"TA0010"}},
	"T1021": {"Remote Services", []string{"TA0008"}},
	"T1027": {"Obfuscated Files or Information", []string{"TA0005"}},
	"T1029": {"Scheduled Transfer", []string{"TA0010"}},
	"T1030": {"Data Transfer Size Limits", []string{"TA0010"}},
	"T1033": {"System Owner/User Discovery", []string{"TA0007"}},
	"T1036": {"Masquerading", []string{"TA0005"}},
	"T1040": {"Network Sniffing", []string{"TA0006", "TA0007"}},
	"T1041": {"Exfiltration Over C2 Channel", []string{"TA0010"}},
	"T1046": {"Network Service Discovery", []string{"TA0007"}},
	"T1048": {"Exfiltration Over Alternative Protocol", []string{"TA0010"}},
	"T1049": {"System Network Connections Discovery", []string{"TA0007"}},
	"T1053": {"Scheduled Task/Job", []string{"TA0002", "TA0003", "TA0004"}},
	"T1057": {"Process Discovery", []string{"TA0007"}},
	"T1059": {"Command and Scripting Interpreter", []string{"TA0002"}},
	"T1068": {"Exploitation for Privilege Escalation", []string{"TA0004"}},
	"T1069": {"Permission Groups Discovery", []string{"TA0007"}},
	"T1070": {"Indicator Removal", []string{"TA0005"}},
	"T1071": {"Application Layer Protocol", []string{"TA0011"}},
	"T1074": {"Data Staged", []string{"TA0009"}},
	"T1078": {"Valid Accounts", []string{"TA0005", "TA0003", "TA0004", "TA0001"}},
	"T1082": {"System Information Discovery", []string{"TA0007"}},
	"T1083": {"File and Directory Discovery", []string{"TA0007"}},
	"T1087": {"Account Discovery", []string{"TA0007"}},
	"T1090": {"Proxy", []string{"TA0011"}},
	"T1098": {"Account Manipulation", []string{"TA0003", "TA0004"}},
	"T1102": {"Web Service", []string{"TA0011"}},
	"T1105": {"Ingress Tool Transfer", []string{"TA0011"}},
	"T1110": {"Brute Force", []string{"TA0006"}},
	"T1114": {"Email Collection", []string{"TA0009"}},
	"T1119": {"Automated Collection", []string{"TA0009"}},
	"T1133": {"External Remote Services", []string{"TA0003", "TA0001"}},
	"T1134": {"Access Token Manipulation", []string{"TA0005", "TA0004"}},
	"T1136": {"Create Account", []string{"TA0003"}},
	"T1140": {"Deobfuscate/Decode Files or Information", []string{"TA0005"}},
	"T1185": {"Browser Session Hijacking", []string{"TA0009"}},
	"T1189": {"Drive-by Compromise", []string{"TA0001"}},
	"T1190": {"Exploit Public-Facing Application", []string{"TA0001"}},
	"T1195": {"Supply Chain Compromise", []string{"TA0001"}},
	"T1199": {"Trusted Relationship", []string{"TA0001"}},
	"T1201": {"Password Policy Discovery", []string{"TA0007"}},
	"T1203": {"Exploitation for Client Execution", []string{"TA0002"}},
	"T1204": {"User Execution", []string{"TA0002"}},
	"T1210": {"Exploitation of Remote Services", []string{"TA0008"}},
	"T1211": {"Exploitation for Defense Evasion", []string{"TA0005"}},
	"T1212": {"Exploitation for Credential Access", []string{"TA0006"}},
	"T1213": {"Data from Information Repositories", []string{"TA0009"}},
	"T1222": {"File and Directory Permissions Modification", []string{"TA0005"}},
	"T1484": {"Domain or Tenant Policy Modification", []string{"TA0005", "TA0004"}},
	"T1485": {"Data Destruction", []string{"TA0040"}},
	"T1486": {"Data Encrypted for Impact", []string{"TA0040"}},
	"T1489": {"Service Stop", []string{"TA0040"}},
	"T1490": {"Inhibit System Recovery", []string{"TA0040"}},
	"T1491": {"Defacement", []string{"TA0040"}},
	"T1496": {"Resource Hijacking", []string{"TA0040"}},
	"T1498": {"Network Denial of Service", []string{"TA0040"}},
	"T1499": {"Endpoint Denial of Service", []string{"TA0040"}},
	"T1505": {"Server Software Component", []string{"TA0003"}},
	"T1518": {"Software Discovery", []string{"TA0007"}},
	"T1525": {"Implant Internal Image", []string{"TA0003"}},
	"T1526": {"Cloud Service Discovery", []string{"TA0007"}},
	"T1528": {"Steal Application Access Token", []string{"TA0006"}},
	"T1529": {"System Shutdown/Reboot", []string{"TA0040"}},
	"T1530": {"Data from Cloud Storage", []string{"TA0009"}},
	"T1531": {"Account Access Removal", []string{"TA0040"}},
	"T1534": {"Internal Spearphishing", []string{"TA0008"}},
	"T1535": {"Unused/Unsupported Cloud Regions", []string{"TA0005"}},
	"T1537": {"Transfer Data to Cloud Account", []string{"TA0010"}},
	"T1538": {"Cloud Service Dashboard", []string{"TA0007"}},
	"T1539": {"Steal Web Session Cookie", []string{"TA0006"}},
	"T1543": {"Create or Modify System Process", []string{"TA0003", "TA0004"}},
	"T1546": {"Event Triggered Execution", []string{"TA0004", "TA0003"}},
	"T1547": {"Boot or Logon Autostart Execution", []string{"TA0003", "TA0004"}},
	"T1548": {"Abuse Elevation Control Mechanism", []string{"TA0004", "TA0005"}},
	"T1550": {"Use Alternate Authentication Material", []string{"TA0005", "TA0008"}},
	"T1552": {"Unsecured Credentials", []string{"TA0006"}},
	"T1553": {"Subvert Trust Controls", []string{"TA0005"}},
	"T1554": {"Compromise Host Software Binary", []string{"TA0003"}},
	"T1555": {"Credentials from Password Stores", []string{"TA0006"}},
	"T1556": {"Modify Authentication Process", []string{"TA0006", "TA0005", "TA0003"}},
	"T1557": {"Adversary-in-the-Middle", []string{"TA0006", "TA0009"}},
	"T1558": {"Steal or Forge Kerberos Tickets", []string{"TA0006"}},
	"T1560": {"Archive Collected Data", []string{"TA0009"}},
	"T1562": {"Impair Defenses", []string{"TA0005"}},
	"T1564": {"Hide Artifacts", []string{"TA0005"}},
	"T1565": {"Data Manipulation", []string{"TA0040"}},
	"T1566": {"Phishing", []string{"TA0001"}},
	"T1567": {"Exfiltration Over Web Service", []string{"TA0010"}},
	"T1568": {"Dynamic Resolution", []string{"TA0011"}},
	"T1569": {"System Services", []string{"TA0002"}},
	"T1570": {"Lateral Tool Transfer", []string{"TA0008"}},
	"T1571": {"Non-Standard Port", []string{"TA0011"}},
	"T1572": {"Protocol Tunneling", []string{"TA0011"}},
	"T1573": {"Encrypted Channel", []string{"TA0011"}},
	"T1578": {"Modify Cloud Compute Infrastructure", []string{"TA0005"}},
	"T1580": {"Cloud Infrastructure Discovery", []string{"TA0007"}},
	"T1583": {"Acquire Infrastructure", []string{"TA0042"}},
	"T1584": {"Compromise Infrastructure", []string{"TA0042"}},
	"T1585": {"Establish Accounts", []string{"TA0042"}},
	"T1586": {"Compromise Accounts", []string{"TA0042"}},
	"T1587": {"Develop Capabilities", []string{"TA0042"}},
	"T1588": {"Obtain Capabilities", []string{"TA0042"}},
	"T1589": {"Gather Victim Identity Information", []string{"TA0043"}},
	"T1590": {"Gather Victim Network Information", []string{"TA0043"}},
	"T1595": {"Active Scanning", []string{"TA0043"}},
	"T1598": {"Phishing for Information", []string{"TA0043"}},
	"T1606": {"Forge Web Credentials", []string{"TA0006"}},
	"T1608": {"Stage Capabilities", []string{"TA0042"}},
	"T1609": {"Container Administration Command", []string{"TA0002"}},
	"T1610": {"Deploy Container", []string{"TA0005", "TA0002"}},
	"T1611": {"Escape to Host", []string{"TA0004"}},
	"T1612": {"Build Image on Host", []string{"TA0005"}},
	"T1613": {"Container and Resource Discovery", []string{"TA0007"}},
	"T1619": {"Cloud Storage Object Discovery", []string{"TA0007"}},
	"T1621": {"Multi-Factor Authentication Request Generation", []string{"TA0006"}},
	"T1648": {"Serverless Execution", []string{"TA0002"}},
	"T1649": {"Steal or Forge Authentication Certificates", []string{"TA0006"}},
	"T1651": {"Cloud Administration Command", []string{"TA0002"}},
	"T1654": {"Log Enumeration", []string{"TA0007"}},
	"T1656": {"Impersonation", []string{"TA0005"}},
	"T1657": {"Financial Theft", []string{"TA0040"}},
}

var (
	techniquePattern = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
	pairPattern      = regexp.MustCompile(`^TA[0-9]{4}:T[0-9]{4}(\.[0-9]{3})?$`)
)

type mitreEntry struct{ id, comment string }

// mitreReports turns the rule's ATT&CK ids into Panther's pairs, each with
// a comment naming the tactic and technique when the table knows them.
func mitreReports(ids []string) []mitreEntry {
	var out []mitreEntry
	seen := map[string]bool{}
	add := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		e := mitreEntry{id: id}
		if tactic, tech, ok := strings.Cut(id, ":"); ok {
			if t, ok := mitreTechniques[strings.SplitN(tech, ".", 2)[0]]; ok && mitreTactics[tactic] != "" {
				e.comment = " # " + mitreTactics[tactic] + ": " + t.name
			}
		}
		out = append(out, e)
	}
	for _, raw := range ids {
		id := strings.ToUpper(strings.TrimSpace(raw))
		switch {
		case pairPattern.MatchString(id):
			add(id)
		case techniquePattern.MatchString(id):
			t, ok := mitreTechniques[id[:5]]
			if !ok {
				add(id)
				continue
			}
			for _, tactic := range t.tactics {
				add(tactic + ":" + id)
			}
		case id != "":
			add(strings.TrimSpace(raw))
		}
	}
	return out
}
