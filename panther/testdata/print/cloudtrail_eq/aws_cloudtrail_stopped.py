from panther_aws_helpers import aws_rule_context


def rule(event):
    return event.get("eventName") == "StopLogging"


def title(event):
    name = event.deep_get("requestParameters", "name", default="<UNKNOWN_NAME>")
    return f"CloudTrail [{name}] was stopped"


def alert_context(event):
    context = aws_rule_context(event)
    context["name"] = event.deep_get("requestParameters", "name")
    return context
