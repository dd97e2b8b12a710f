"""Run the app with uvicorn: 127.0.0.1 by default, a clear warning for any other address, the token announced."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["LOOPBACK_NAMES", "bind_warning", "serve"]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def bind_warning(host: str) -> str | None:
    """The warning to print when ``host`` is reachable from other machines (None for loopback)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return (
        f"WARNING: binding to {host} makes the dashboard and the API reachable from other machines on the network. "
        "Reads need no authentication and the write token travels in clear text over HTTP. "
        "Use --host 127.0.0.1 (the default) unless you put a TLS proxy in front."
    )


def serve(
    db: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8321,
    log_level: str = "warning",
    out: TextIO | None = None,
) -> None:
    """Serve the store at ``db`` until interrupted."""
    import uvicorn

    from .app import create_app
    from .security import load_or_create_token
    from .snapshot import resolve_db

    out = out or sys.stderr
    path = resolve_db(db)
    token, token_file, created = load_or_create_token(path)
    warning = bind_warning(host)
    if warning:
        print(warning, file=out)
    # On loopback, answer only to loopback names: a web page whose domain was re-pointed at 127.0.0.1 (DNS
    # rebinding) gets 421. Bound elsewhere the Host cannot be known in advance, so any is accepted.
    hosts = LOOPBACK_NAMES if bind_warning(host) is None else None
    app = create_app(path, token=token, hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    print(f"corevar serve: http://{shown}:{port}/  (API: /api/v1, schema: /api/v1/openapi.json)", file=out)
    print(f"store: {path}", file=out)
    verb = "created" if created else "in"
    print(f"write token {verb} {token_file} (mode 0600); send it as `Authorization: Bearer <token>`", file=out)
    out.flush()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=5,  # a verdict still being computed does not hold up Ctrl-C
        timeout_keep_alive=75,  # a client reusing a pooled connection must not race its closing
    )
