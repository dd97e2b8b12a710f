"""The sources behind the numbers, one row per URL; bounded (the most used first) whatever the store holds."""

from __future__ import annotations

from typing import Any

from .._data import safe_url, text
from ..model import SourceView

__all__ = ["MAX_SOURCES", "sources"]

MAX_SOURCES = 400


def sources(frame: Any, con: Any = None) -> tuple[tuple[SourceView, ...], int]:
    """(the most cited sources, sorted by publisher; the total number of distinct sources), counted in DuckDB
    (on the build's shared in-memory connection ``con`` when given). A source's publisher and title are those of
    its first publication (smallest id on a tie), so a page built twice is the same page."""
    if frame is None or len(frame) == 0:
        return (), 0
    import duckdb

    own = con is None
    con = duckdb.connect() if own else con
    try:
        con.register("frame", frame)
        total = con.execute("SELECT count(DISTINCT source_url) FROM frame").fetchone()[0]
        rows = con.execute(
            """
            SELECT source_url, arg_min(publisher, struct_pack(p := published, i := id)),
                   arg_min(title, struct_pack(p := published, i := id)), min(CAST(published AS DATE)), count(*) AS n
            FROM frame GROUP BY source_url ORDER BY n DESC, source_url LIMIT ?
            """,
            [MAX_SOURCES],
        ).fetchall()
    finally:
        if own:
            con.close()
    rows.sort(key=lambda r: (text(r[1]).lower(), text(r[0]).lower()))
    out = [
        SourceView(text(publisher), text(title), text(url), safe_url(text(url)), published, int(n))
        for url, publisher, title, published, n in rows
    ]
    return tuple(out), int(total)
