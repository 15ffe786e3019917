"""Conformance adapter: Starlette's CORSMiddleware under uvicorn.

Configured from the suite's neutral policy the way Starlette's middleware docs
show: ``Starlette(middleware=[Middleware(CORSMiddleware, ...)])``.
"""

import socket
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-common"))
from adapter import Unsupported, main, options_or_exit, pattern_regex  # noqa: E402


def middleware_options(policy):
    """CORSMiddleware's keyword arguments for a neutral policy."""
    if policy.get("write_guard"):
        raise Unsupported("CORSMiddleware has no write guard (it refuses no actual request)")
    options = {
        "allow_origins": policy.get("origins", []),
        "allow_methods": policy.get("methods", []),
        # "*" makes the middleware reflect the requested headers.
        "allow_headers": policy.get("headers", []),
        "expose_headers": policy.get("expose_headers", []),
        "allow_credentials": bool(policy.get("credentials")),
        "allow_private_network": bool(policy.get("private_network")),
    }
    patterns = policy.get("origin_patterns", [])
    if patterns:
        # One regex only: several patterns become alternatives.
        options["allow_origin_regex"] = "|".join(f"(?:{pattern_regex(p)})" for p in patterns)
    if policy.get("max_age") is not None:
        options["max_age"] = policy["max_age"]
    return options


async def app_behind(scope, receive, send):
    """The app behind CORS: 200 "ok" on every path, except /status/404 and /status/500."""
    from starlette.responses import PlainTextResponse

    status = {"/status/404": 404, "/status/500": 500}.get(scope["path"], 200)
    response = PlainTextResponse("ok" if status == 200 else str(status), status_code=status)
    await response(scope, receive, send)


def serve(policy_file):
    import uvicorn
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Mount

    options = options_or_exit(policy_file, middleware_options)
    app = Starlette(
        routes=[Mount("/", app=app_behind)],
        middleware=[Middleware(CORSMiddleware, **options)],
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
    print(f"LISTENING {sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def about():
    return {
        "name": "starlette",
        "version": version("starlette"),
        "language": "Python",
        "server": f"uvicorn {version('uvicorn')}",
    }


if __name__ == "__main__":
    main(about, serve)
