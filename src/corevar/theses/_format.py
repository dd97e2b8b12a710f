"""Numbers and names as a reader writes them: 850M, $13.1B, 36.8%, $2.50/M tokens, "ChatGPT WAU"."""

from __future__ import annotations

import functools
import math

__all__ = ["human", "metric_name", "pct", "points", "subject_name"]

_SHORT_METRICS = {
    "weekly_active_users": "WAU",
    "monthly_active_users": "MAU",
    "daily_active_users": "DAU",
    "arr": "ARR",
    "dau_mau_ratio": "DAU/MAU",
}


def _scaled(value: float) -> str:
    magnitude = abs(value)
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def human(value: float, unit: str) -> str:
    """``human(8.5e8, "users") == "850M"``; ``human(0.368, "fraction") == "36.8%"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "fraction":
        return f"{value * 100:.3g}%"
    if unit == "usd":
        return ("-" if value < 0 else "") + "$" + _scaled(abs(value))
    if unit == "usd_per_year":
        return ("-" if value < 0 else "") + "$" + _scaled(abs(value)) + "/yr"
    if unit == "usd_per_million_tokens":
        return f"${value:.2f}/M tokens" if value >= 0.1 else f"${value:.3g}/M tokens"
    if unit == "multiple_per_year":
        return f"{value:.3g}x/yr"
    if unit == "watts":
        return _scaled(value) + "W"
    if unit == "minutes":
        return f"{value:.3g} min"
    if unit == "points":  # leaderboard scores are read as whole numbers, never "1.5K"
        return f"{value:,.0f}"
    return _scaled(value)


def pct(value: float, signed: bool = True) -> str:
    """0.146 -> "+14.6%"."""
    if value is None or not math.isfinite(value):
        return "n/a"
    spec = ",.0f" if abs(value) >= 10 else ".3g"
    return f"{value * 100:+{spec}}%" if signed else f"{value * 100:{spec}}%"


def points(value: float) -> str:
    """A change of share: 0.052 -> "+5.2 points"."""
    return f"{value * 100:+.1f} points"


@functools.cache
def _names() -> dict[str, str]:
    try:
        from ..registry import entities

        out: dict[str, str] = {}
        for entity in entities().values():
            out[entity.id] = entity.name
            for product in entity.products:
                out[product.id] = product.name
        return out
    except Exception:  # a broken registry must not stop a check; fall back to ids
        return {}


def metric_name(metric: str) -> str:
    return _SHORT_METRICS.get(metric, metric.replace("_", " "))


def subject_name(entity: str, product: str | None = None, metric: str | None = None, basis: str | None = None) -> str:
    """ "ChatGPT WAU", "OpenAI revenue (fy2025)", "Anthropic market share (enterprise_llm_api_spend)"."""
    names = _names()
    who = names.get(product, product) if product and product != "*" else names.get(entity, entity)
    parts = [who]
    if metric:
        parts.append(metric_name(metric))
    text = " ".join(parts)
    return f"{text} ({basis})" if basis else text
