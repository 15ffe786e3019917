"""What the Python conformance adapters share: the protocol's edges.

Reading the neutral policy and answering ``UNSUPPORTED`` (exit 3), the
command line (``serve <policy.json>`` or ``serve --about``), and a neutral
origin pattern as a regex. Each adapter keeps only its library's mapping
and its server. Python 3 standard library only.
"""

import json
import re
import sys


class Unsupported(Exception):
    """The policy uses something the library cannot express."""


# "*" in a neutral origin pattern stands for one or more DNS labels.
LABELS = r"[a-z0-9-]+(?:\.[a-z0-9-]+)*"


def pattern_regex(pattern):
    """A neutral origin pattern as an anchored regex, as a string."""
    return "^" + LABELS.join(re.escape(part) for part in pattern.split("*")) + "$"


def options_or_exit(policy_file, to_options):
    """The library's options for the policy in ``policy_file``; when the
    library cannot express it, prints ``UNSUPPORTED <why>`` and exits 3."""
    with open(policy_file, encoding="utf-8") as f:
        policy = json.load(f)
    try:
        return to_options(policy)
    except Unsupported as e:
        print(f"UNSUPPORTED {e}", flush=True)
        sys.exit(3)


def main(about, serve):
    """``--about`` prints ``about()`` as one JSON line; one argument is the
    policy file ``serve`` serves until killed."""
    if sys.argv[1:] == ["--about"]:
        print(json.dumps(about()))
    elif len(sys.argv) == 2:
        serve(sys.argv[1])
    else:
        sys.exit("usage: serve <policy.json> | serve --about")
