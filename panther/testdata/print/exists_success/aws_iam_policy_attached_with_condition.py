from panther_aws_helpers import aws_cloudtrail_success, aws_rule_context


def rule(event):
    return (
        aws_cloudtrail_success(event)
        and event.deep_get("requestParameters", "policyDocument") is not None
        and event.deep_get("userIdentity", "invokedBy") is None
        and (event.get("eventName") == "PutUserPolicy" or event.get("eventName") == "PutRolePolicy")
    )


def alert_context(event):
    context = aws_rule_context(event)
    context["policyName"] = event.deep_get("requestParameters", "policyName")
    return context
