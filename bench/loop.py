"""The seed Panther rule as a plain Python loop: json.loads each line, test
the rule's condition, print the matching lines. bench/compare.sh times it.

The condition is rule() of
fixtures/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.py
with aws_cloudtrail_success inlined: neither errorCode nor errorMessage is truthy.
"""

import json
import sys


def main(path):
    out = sys.stdout.buffer
    with open(path, "rb") as f:
        for line in f:
            e = json.loads(line)
            if (
                e.get("eventSource") == "bedrock.amazonaws.com"
                and e.get("eventName") == "DeleteModelInvocationLoggingConfiguration"
                and not e.get("errorCode")
                and not e.get("errorMessage")
            ):
                out.write(line)


if __name__ == "__main__":
    main(sys.argv[1])
