from panther_aws_helpers import aws_rule_context

# In lower case: compared with the value lowered.
EVENT_NAMES = (
    "putbucketacl",
    "putbucketpolicy",
    "deletebucketpolicy",
    "putbucketcors",
    "deletebucketcors",
)


def _lower(value):
    """The value in lower case (a long s as s, as case folding has it); None if not a string."""
    return value.lower().replace("\u017f", "s") if isinstance(value, str) else None


def rule(event):
    return (
        _lower(event.get("eventSource")) == "s3.amazonaws.com"
        and _lower(event.get("eventName")) in EVENT_NAMES
    )


def title(event):
    bucket_name = event.deep_get("requestParameters", "bucketName", default="<UNKNOWN_BUCKET_NAME>")
    arn = event.deep_get("userIdentity", "arn", default="<UNKNOWN_ARN>")
    return f"S3 bucket [{bucket_name}] access changed by {arn}"


def alert_context(event):
    context = aws_rule_context(event)
    context["bucketName"] = event.deep_get("requestParameters", "bucketName")
    return context
