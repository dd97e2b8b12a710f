"""Numbers and names as a reader writes them: 850M, $13.1B, 36.8%, $2.50/M tokens, "ChatGPT WAU".

Names come from the :class:`~corevar.registry.Registry` the check was given (the store's), never from files, so
an entity a user registered is named like the shipped ones.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..units import DAYS_PER_YEAR, YEAR_DAYS, format_change, format_growth, format_range, format_value

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["change", "growth", "human", "interval", "metric_name", "pct", "points", "subject_name"]

_SHORT_METRICS = {
    "weekly_active_users": "WAU",
    "monthly_active_users": "MAU",
    "daily_active_users": "DAU",
    "arr": "ARR",
    "dau_mau_ratio": "DAU/MAU",
}


def human(value: float, unit: str) -> str:
    """``human(8.5e8, "users") == "850M"``; ``human(0.368, "fraction") == "36.8%"`` (prose style of
    :func:`corevar.units.format_value`, the one place units are formatted)."""
    return format_value(value, unit, prose=True)


def growth(annual: float, days: float) -> str:
    """An annual growth rate said over the window it was measured on: "+12% over 5 months", "10× over 5 months",
    "+42%/yr over 2 years" (annualised only for a year or more; :func:`corevar.units.format_growth`)."""
    if annual is None or not math.isfinite(annual) or annual <= -1 or not days or days <= 0:
        return "n/a"
    return format_growth((1 + annual) ** (days / DAYS_PER_YEAR), days)


def change(annual: float, days: float) -> str:
    """An annual rate as the change over a window: "+58%", "2.6×" under a year; "+42%/yr" for a year or more."""
    if annual is None or not math.isfinite(annual) or annual <= -1 or not days or days <= 0:
        return "n/a"
    if days >= YEAR_DAYS:
        return f"{format_change(annual)} per year" if annual >= 1 else f"{format_change(annual)}/yr"
    return format_change((1 + annual) ** (days / DAYS_PER_YEAR) - 1)


def interval(low: float, high: float, unit: str, level: float | None = None) -> str:
    """ "805M–985M (90%)"; an open upper end reads "at least 805M (no upper bound identified)"."""
    return format_range(low, high, unit, level, prose=True)


def pct(value: float | None, signed: bool = True) -> str:
    """0.146 -> "+14.6%"."""
    if value is None or not math.isfinite(value):
        return "n/a"
    spec = ",.0f" if abs(value) >= 10 else ".3g"
    return f"{value * 100:+{spec}}%" if signed else f"{value * 100:{spec}}%"


def points(value: float) -> str:
    """A change of share: 0.052 -> "+5.2 points"."""
    return f"{value * 100:+.1f} points"


def metric_name(metric: str) -> str:
    """WAU, MAU, ARR, DAU/MAU, else the id with spaces."""
    return _SHORT_METRICS.get(metric, metric.replace("_", " "))


def subject_name(
    registry: Registry | None,
    entity: str,
    product: str | None = None,
    metric: str | None = None,
    basis: str | None = None,
) -> str:
    """ "ChatGPT WAU", "OpenAI revenue (fy2025)", "Anthropic market share (enterprise_llm_api_spend)"."""
    if registry is None:
        who = product if product and product != "*" else entity
    else:
        who = registry.product_name(product) if product and product != "*" else registry.entity_name(entity)
    text = f"{who} {metric_name(metric)}" if metric else who
    return f"{text} ({basis})" if basis else text
