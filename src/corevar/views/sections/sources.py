"""The sources behind the numbers, one row per URL; bounded (the most used first) whatever the store holds."""

from __future__ import annotations

from typing import Any

from .._data import safe_url, text
from ..model import SourceView

__all__ = ["MAX_SOURCES", "sources"]

MAX_SOURCES = 400


def sources(frame: Any) -> tuple[tuple[SourceView, ...], int]:
    """(the most cited sources, sorted by publisher; the total number of distinct sources)."""
    if frame is None or len(frame) == 0:
        return (), 0
    grouped = frame.groupby("source_url", sort=False).agg(
        publisher=("publisher", "first"),
        title=("title", "first"),
        published=("published", "min"),
        observations=("id", "size"),
    )
    total = len(grouped)
    grouped = grouped.nlargest(MAX_SOURCES, "observations", keep="first").reset_index()
    grouped = grouped.sort_values(
        ["publisher", "source_url"], key=lambda s: s.astype(str).str.lower(), kind="mergesort"
    )
    out = []
    for r in grouped.to_dict(orient="records"):
        url = text(r["source_url"])
        published = r["published"]
        day = published.date() if hasattr(published, "date") and published == published else None
        out.append(SourceView(text(r["publisher"]), text(r["title"]), url, safe_url(url), day, int(r["observations"])))
    return tuple(out), total
