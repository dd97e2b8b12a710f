"""A market on one date: one value per competitor, each the nearest to a common date within a tolerance."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import Row


def nearest_each(rows: list[Row], day: date, within_days: int, key) -> dict[tuple[str, ...], Row]:
    """For each competitor (``key(row)``), its row nearest ``day`` within ``within_days`` (earlier preferred)."""
    best: dict[tuple[str, ...], tuple[tuple[int, bool, int], Row]] = {}
    for row in rows:
        gap = abs((row.as_of - day).days)
        if gap > within_days:
            continue
        rank = (gap, row.as_of > day, -row.published.toordinal())
        k = key(row)
        if k not in best or rank < best[k][0]:
            best[k] = (rank, row)
    return {k: v[1] for k, v in best.items()}
