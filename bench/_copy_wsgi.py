"""The node's WSGI application with one more path for bench/assistance_transfer.py's baseline:
``PUT /bench-copy/`` streams the body to ``$BENCH_COPY_TARGET`` in 1 MiB pieces, as plainly as
a file copy over HTTP can be, in the same gunicorn worker that serves the node."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from tracebridge.node.wsgi import application as node

PIECE = 1 << 20


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") != "/bench-copy/":
        return node(environ, start_response)  # type: ignore[no-any-return]
    stream, remaining = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0)
    with open(os.environ["BENCH_COPY_TARGET"], "wb") as out:
        while remaining:
            piece = stream.read(min(PIECE, remaining))
            if not piece:
                break
            out.write(piece)
            remaining -= len(piece)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"copied"]
