"""Conformance adapter: a one-file Django project with django-cors-headers.

Configured from the suite's neutral policy the way django-cors-headers' README
shows: "corsheaders" in INSTALLED_APPS, CorsMiddleware above CommonMiddleware,
and the CORS_* settings. Served by Django's own development server classes.
"""

import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-common"))
from adapter import Unsupported, main, options_or_exit, pattern_regex  # noqa: E402


def listed(policy, field, setting):
    """A methods/headers list; "*" is sent verbatim, a wildcard only without credentials."""
    values = policy.get(field, [])
    if "*" in values and policy.get("credentials"):
        raise Unsupported(
            f"{setting} is sent verbatim: django-cors-headers cannot allow any "
            f"{field[:-1]} on credentialed requests (no reflection, and browsers read '*' literally there)"
        )
    return values


def cors_settings(policy):
    """The CORS_* settings for a neutral policy."""
    if policy.get("write_guard"):
        raise Unsupported("django-cors-headers has no write guard (it only adds headers; it refuses no request)")
    origins = policy.get("origins", [])
    settings = {
        "CORS_ALLOW_ALL_ORIGINS": "*" in origins,
        "CORS_ALLOWED_ORIGINS": [o for o in origins if o != "*"],
        "CORS_ALLOWED_ORIGIN_REGEXES": [pattern_regex(p) for p in policy.get("origin_patterns", [])],
        "CORS_ALLOW_METHODS": listed(policy, "methods", "CORS_ALLOW_METHODS"),
        "CORS_ALLOW_HEADERS": listed(policy, "headers", "CORS_ALLOW_HEADERS"),
        "CORS_EXPOSE_HEADERS": policy.get("expose_headers", []),
        "CORS_ALLOW_CREDENTIALS": bool(policy.get("credentials")),
        "CORS_ALLOW_PRIVATE_NETWORK": bool(policy.get("private_network")),
    }
    if policy.get("max_age") == 0:
        raise Unsupported("django-cors-headers sends no Access-Control-Max-Age when CORS_PREFLIGHT_MAX_AGE is 0")
    if policy.get("max_age") is not None:
        settings["CORS_PREFLIGHT_MAX_AGE"] = policy["max_age"]
    return settings


def answer(request, path=""):
    """The app behind CORS: 200 "ok" on every path, except /status/404 and /status/500."""
    from django.http import HttpResponse

    status = {"/status/404": 404, "/status/500": 500}.get(request.path, 200)
    return HttpResponse("ok" if status == 200 else str(status), status=status, content_type="text/plain")


def configure(cors):
    """Settings and URLconf of the one-file project."""
    import django
    from django.conf import settings
    from django.urls import re_path

    settings.configure(
        DEBUG=False,
        SECRET_KEY="conformance-adapter-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=[
            "corsheaders.middleware.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        **cors,
    )
    django.setup()
    global urlpatterns
    urlpatterns = [re_path(r"^(?P<path>.*)$", answer)]


def serve(policy_file):
    cors = options_or_exit(policy_file, cors_settings)
    configure(cors)
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


def about():
    return {
        "name": "django-cors-headers",
        "version": version("django-cors-headers"),
        "language": "Python",
        "framework": f"django {version('django')}",
    }


if __name__ == "__main__":
    main(about, serve)
