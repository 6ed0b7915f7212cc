def rule(event):
    if not event.get("errorCode"):
        return False
    name = event.get("eventName", "")
    return name.startswith("List") or name.startswith("Describe") or name.startswith("Get")


def dedup(event):
    return event.deep_get("userIdentity", "arn", default="")
