"""Helpers shared by the built-in rule kinds: comparisons, nearest points, windows, growth, evidence lists."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..result import Evidence, Verdict

if TYPE_CHECKING:
    from ..context import Context, Row, Series

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
OP_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}

# Documented defaults (docs/theses.md, "Guards").
DEAD_BAND = 0.05  # |annual growth| at or below 5%/yr reads as flat
MIN_POINTS = 3  # growth needs at least three points ...
MIN_SPAN_DAYS = 90  # ... spanning at least 90 days


def nearest(series: Series, at: date | str, within_days: int) -> Row | None:
    """The point nearest ``at`` within ``within_days`` (the latest for "latest"); ties prefer the earlier date."""
    if series.empty:
        return None
    if at == "latest":
        return series.points[-1]
    assert isinstance(at, date)
    best = None
    best_key: tuple[int, bool, int] | None = None
    for row in series.points:
        gap = abs((row.as_of - at).days)
        if gap > within_days:
            continue
        key = (gap, row.as_of > at, -row.published.toordinal())
        if best_key is None or key < best_key:
            best, best_key = row, key
    return best


def window_text(points: Sequence[Row]) -> str:
    return f"{points[0].as_of.isoformat()} to {points[-1].as_of.isoformat()}"


def span_days(points: Sequence[Row]) -> int:
    return (points[-1].as_of - points[0].as_of).days if points else 0


def annual_growth(points: Sequence[Row]) -> float:
    """Simple annual growth of the least-squares log-linear trend (analytics.growth.log_growth)."""
    from .. import _maths as maths

    return maths.annualised_growth([p.as_of for p in points], [p.value for p in points])


def all_evidence(ctx: Context, series: Series, points: Sequence[Row] | None = None, prefix: str = "") -> list[Evidence]:
    """Every point used, roles first/point/last, each with its competing reports.

    Empty in a perturbed context: robustness reads only the verdicts of its re-judgements, and listing a
    thousand-point series' evidence for each of hundreds of them was a fifth of a check on a million rows."""
    if ctx.perturbed:
        return []
    pts = list(series.points if points is None else points)
    out = []
    for i, row in enumerate(pts):
        role = "first" if i == 0 else "last" if i == len(pts) - 1 else "point"
        out.append(ctx.evidence(row, f"{prefix}{role}", series))
    return out


def too_few(ctx: Context, rule: Any, subject: Any, series: Series, start: Any, end: Any, need: str) -> Any:
    """The insufficient-data result for a series with no points (which reason) or too few (how many)."""
    if series.empty:
        reason, text = ctx.missing(subject, start, end)
        return ctx.result(rule, N, f"{text.rstrip('.')}; {need}.", reason=reason, window=(start, end))
    pts = series.points
    text = (
        f"only {len(pts)} observation(s) of {ctx.name(subject)} spanning {span_days(pts)} days "
        f"({window_text(pts)}); {need}."
    )
    return ctx.result(rule, N, text, all_evidence(ctx, series), reason="too_few", window=(start, end))


def finite(x: float) -> bool:
    return x is not None and math.isfinite(x)


def fraction_or_factor(value: float | str) -> tuple[str, float]:
    """("factor", 10.0) for "10x", else ("fraction", value)."""
    if isinstance(value, str) and value.endswith("x"):
        return "factor", float(value[:-1])
    return "fraction", float(value)
