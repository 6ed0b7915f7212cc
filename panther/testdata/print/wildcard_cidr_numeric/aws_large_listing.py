import ipaddress
import re
from fnmatch import fnmatchcase

from panther_aws_helpers import aws_rule_context

# The text of a number (after str.strip()), as numeric comparisons read strings.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _lower(value):
    """The value in lower case (a long s as s, as case folding has it); None if not a string."""
    return value.lower().replace("\u017f", "s") if isinstance(value, str) else None


def _starts_with(value, prefixes):
    """Whether the value is a string starting with prefixes (a string, or a tuple: any)."""
    return isinstance(value, str) and value.startswith(prefixes)


def _ends_with(value, suffixes):
    """Whether the value is a string ending with suffixes (a string, or a tuple: any)."""
    return isinstance(value, str) and value.endswith(suffixes)


def _contains(value, parts):
    """Whether the value is a string containing parts (a string, or a tuple: any)."""
    if isinstance(parts, str):
        parts = (parts,)
    return isinstance(value, str) and any(part in value for part in parts)


def _matches(value, patterns):
    """Whether the value is a string matching patterns (* any text; a string, or a tuple: any)."""
    if isinstance(patterns, str):
        patterns = (patterns,)
    return isinstance(value, str) and any(fnmatchcase(value, pattern) for pattern in patterns)


def _search(value, patterns):
    """Whether the value is a string where patterns (a regex, or a tuple: any) find a match."""
    if isinstance(patterns, str):
        patterns = (patterns,)
    return isinstance(value, str) and any(re.search(pattern, value) for pattern in patterns)


def _in_network(value, networks):
    """Whether the value is an IP address string (without a %scope) in networks (one or a tuple)."""
    if isinstance(networks, str):
        networks = (networks,)
    if not isinstance(value, str) or "%" in value:
        return False
    try:
        return any(ipaddress.ip_address(value) in ipaddress.ip_network(n) for n in networks)
    except ValueError:
        return False


def _number(value):
    """The value as a number when it is one (not a bool) or a string holding one, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value)
        return number if abs(number) < float("inf") else None
    return None


def _at_most(value, bound):
    """Whether the value is a number (or a string holding one) at most bound."""
    number = _number(value)
    return number is not None and number <= bound


def _greater_than(value, bound):
    """Whether the value is a number (or a string holding one) greater than bound."""
    number = _number(value)
    return number is not None and number > bound


def rule(event):
    return (
        _ends_with(_lower(event.get("eventSource")), ".amazonaws.com")
        and (
            event.get("eventName") == "SelectObjectContent"
            or _starts_with(event.get("eventName"), "List")
            or _contains(event.get("eventName"), "Objects")
            or _matches(event.get("eventName"), "Get*Object[?]Tagging")
        )
        and isinstance(event.get("userAgent"), str)
        and not _in_network(
            event.get("sourceIPAddress"), ("10.0.0.0/8", "192.168.0.0/16", "fd00::/8")
        )
        and _greater_than(event.deep_get("requestParameters", "max-keys"), 1000)
        and _at_most(event.deep_get("additionalEventData", "bytesTransferredOut"), 1000000000.0)
        and _search(
            event.deep_get("userIdentity", "arn"),
            r"^[Aa][Rr][Nn]:[Aa][Ww][Ssſ]:[Ii][Aa][Mm]::[0-9]{12}:[Uu][Ssſ][Ee][Rr]/[Ssſ][Vv][Cc]-[A-Za-zſK]+\Z",
        )
    )


def title(event):
    source_ip_address = event.get("sourceIPAddress", "<UNKNOWN_SOURCE_IP_ADDRESS>")
    return f"Large listing from {source_ip_address}"


def alert_context(event):
    return aws_rule_context(event)
