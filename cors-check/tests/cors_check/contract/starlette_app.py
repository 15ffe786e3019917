"""An API behind Starlette's CORSMiddleware, for cors-check's policy tests.

Usage: python3 starlette_app.py '<CORSMiddleware keyword arguments as JSON>'

Serves /api/data (any method) on 127.0.0.1, on a free port that it prints
on its first line of output; every other path is the router's 404, inside
the middleware. Stops when its standard input closes (the test ends).
"""

import json
import socket
import sys
import threading
import os

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route


async def data(request):
    return JSONResponse({"ok": True})


def main():
    options = json.loads(sys.argv[1])
    app = Starlette(
        routes=[Route("/api/data", data, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])],
        middleware=[Middleware(CORSMiddleware, **options)],
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    # Listening before the port is printed: connections queue until
    # uvicorn accepts them.
    sock.listen(128)
    print(sock.getsockname()[1], flush=True)

    def stop_with_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=stop_with_stdin, daemon=True).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
