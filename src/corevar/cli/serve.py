"""``corevar serve``: the dashboard and JSON API over the store, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import DbOption, db_path, fail

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; anything but 127.0.0.1 or ::1 is reachable from the network."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8321,
    db: DbOption = None,
) -> None:
    """Serve a live dashboard and a JSON API over the store (needs the web extra).

    Reading needs nothing; adding observations needs the token generated on first use and stored beside the
    database with user-only permissions. The server never holds the store open, so `corevar ingest` keeps working
    while it runs; the next page load shows the new data.

    Examples: corevar serve · corevar serve --port 9000 · corevar --db my.duckdb serve
    """
    try:
        from ..web.server import serve as run
    except ImportError as exc:
        fail(f"corevar serve needs the web extra: pip install 'corevar[web]' ({exc.name} is missing)", 1)
    run(db_path(ctx, db), host=host, port=port)
