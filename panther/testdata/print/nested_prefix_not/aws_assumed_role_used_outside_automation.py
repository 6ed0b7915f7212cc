from panther_aws_helpers import aws_rule_context


def _lower(value):
    """The value in lower case (a long s as s, as case folding has it); None if not a string."""
    return value.lower().replace("\u017f", "s") if isinstance(value, str) else None


def _starts_with(value, prefixes):
    """Whether the value is a string starting with prefixes (a string, or a tuple: any)."""
    return isinstance(value, str) and value.startswith(prefixes)


def _contains(value, parts):
    """Whether the value is a string containing parts (a string, or a tuple: any)."""
    if isinstance(parts, str):
        parts = (parts,)
    return isinstance(value, str) and any(part in value for part in parts)


def rule(event):
    return (
        _starts_with(
            event.deep_get("userIdentity", "sessionContext", "sessionIssuer", "arn"),
            "arn:aws:iam::123456789012:role/admin-",
        )
        and event.deep_get("userIdentity", "sessionContext", "sessionIssuer", "type") != "Role"
        and not _contains(_lower(event.get("userAgent")), ("terraform", "aws-sdk-go"))
        and not (
            _starts_with(event.get("eventName"), ("Get", "List", "Describe"))
            or event.get("readOnly") == "true"
        )
    )


def title(event):
    arn = event.deep_get(
        "userIdentity", "sessionContext", "sessionIssuer", "arn", default="<UNKNOWN_ARN>"
    )
    user_agent = event.get("userAgent", "<UNKNOWN_USER_AGENT>")
    source_ip_address = event.get("sourceIPAddress", "<UNKNOWN_SOURCE_IP_ADDRESS>")
    recipient_account_id = event.get("recipientAccountId", "<UNKNOWN_RECIPIENT_ACCOUNT_ID>")
    return (
        f"Role {arn} used by {user_agent} from {source_ip_address} in account "
        f"{recipient_account_id}"
    )


def alert_context(event):
    return aws_rule_context(event)
