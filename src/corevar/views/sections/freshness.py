"""Freshness against the data's as-of (the cut), and against today only as one separate, clearly worded line."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..model import FreshnessView

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["freshness"]


def freshness(ctx: Ctx, stale_days: int) -> FreshnessView:
    newest: dict[tuple[str, str], date] = {}
    for rec in ctx.data.actuals:  # sorted by as_of: the last one seen is the newest
        core = ctx.names.core(rec.metric)
        newest[(rec.entity, core)] = rec.as_of
    cut = ctx.cut
    rows = []
    for head in ctx.lab_heads():
        cells = []
        for core in ctx.cores:
            day = newest.get((head.id, core))
            age = (cut - day).days if day is not None and cut is not None else None
            cells.append((age, age is not None and age > stale_days))
        rows.append((head, tuple(cells)))
    last = ctx.data.newest()
    today_line = ""
    if ctx.today is not None and cut is not None:
        today_line = (
            f"Measured against today ({ctx.today.isoformat()}) instead: the data were cut on {cut.isoformat()}, "
            f"{(ctx.today - cut).days} days ago"
            + (f"; the newest observation describes {last.isoformat()}" if last else "")
            + "."
        )
    return FreshnessView(cut or date.min, stale_days, tuple(ctx.cores), tuple(rows), today_line)
