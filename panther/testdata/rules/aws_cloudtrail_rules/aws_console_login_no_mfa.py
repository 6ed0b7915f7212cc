from panther_aws_helpers import aws_cloudtrail_success, aws_rule_context

# Console logins without MFA by IAM users.
IGNORED_TYPES = {"AssumedRole", "FederatedUser"}


def rule(event):
    if event.get("eventName") != "ConsoleLogin":
        return False
    if event.deep_get("userIdentity", "type") in IGNORED_TYPES:
        return False
    mfa = event.deep_get("additionalEventData", "MFAUsed", default="No")
    return aws_cloudtrail_success(event) and mfa == "No"


def title(event):
    return f"Console login without MFA by [{event.deep_get('userIdentity', 'arn')}]"


def alert_context(event):
    return aws_rule_context(event)
