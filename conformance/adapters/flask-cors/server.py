"""Conformance adapter: Flask with Flask-CORS, served by Werkzeug.

Configured from the suite's neutral policy the way Flask-CORS's docs show:
``CORS(app, origins=[...], ...)`` on the whole application.
"""

import re
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-common"))
from adapter import Unsupported, main, options_or_exit, pattern_regex  # noqa: E402


def cors_options(policy):
    """Flask-CORS's keyword arguments for a neutral policy."""
    if policy.get("write_guard"):
        raise Unsupported("Flask-CORS has no write guard (it only adds headers; it refuses no request)")
    origins = policy.get("origins", [])
    options = {
        # Flask-CORS takes "*", or a list of exact strings and compiled regexes.
        "origins": "*" if "*" in origins else origins + [re.compile(pattern_regex(p)) for p in policy.get("origin_patterns", [])],
        "expose_headers": policy.get("expose_headers") or None,
        "supports_credentials": bool(policy.get("credentials")),
        "allow_private_network": bool(policy.get("private_network")),
    }
    methods = policy.get("methods", [])
    if "*" in methods:
        # Its default is a fixed list of seven methods, not a wildcard.
        raise Unsupported("Flask-CORS has no method wildcard (it compares the requested method with a list)")
    options["methods"] = methods
    headers = policy.get("headers", [])
    # "*" (the default) makes Flask-CORS reflect every requested header.
    options["allow_headers"] = "*" if "*" in headers else headers
    if policy.get("max_age") == 0:
        raise Unsupported("Flask-CORS sends no Access-Control-Max-Age for 0 (it drops every empty or zero value)")
    if policy.get("max_age") is not None:
        options["max_age"] = policy["max_age"]
    return options


def make_app(options):
    from flask import Flask, request
    from flask_cors import CORS
    from werkzeug.routing import Rule

    app = Flask(__name__)

    def answer(path=""):
        status = {"/status/404": 404, "/status/500": 500}.get(request.path, 200)
        return ("ok" if status == 200 else str(status)), status, {"Content-Type": "text/plain"}

    # Rules without a method list match every method, so the app behind CORS
    # answers any method on any path (Flask's route() would ask for a list).
    # Like every route() rule, they keep Flask's automatic OPTIONS answer,
    # which Flask-CORS decorates for preflights.
    for path in ("/", "/<path:path>"):
        rule = Rule(path, endpoint="answer")
        rule.provide_automatic_options = True
        app.url_map.add(rule)
    app.view_functions["answer"] = answer
    CORS(app, **options)
    return app


def serve(policy_file):
    from werkzeug.serving import make_server

    options = options_or_exit(policy_file, cors_options)
    server = make_server("127.0.0.1", 0, make_app(options), threaded=True)
    print(f"LISTENING {server.server_port}", flush=True)
    server.serve_forever()


def about():
    return {
        "name": "flask-cors",
        "version": version("flask-cors"),
        "language": "Python",
        "framework": f"flask {version('flask')}, werkzeug {version('werkzeug')}",
    }


if __name__ == "__main__":
    main(about, serve)
