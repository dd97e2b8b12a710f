"""Numbers for humans: one formatter for every figure the views hand to a face.

Data hold base units (users, USD, fractions); these functions turn them into text once, in the view model, so
the HTML page, the Markdown file, the terminal and the web API all print the same string for the same number.
Conventions (docs/report.md): three significant figures, k/M/B/T letters, ranges with an en dash and the level
("805M–985M (90%)"), growth over the window actually observed ("+12% over 5 months") and annualised only when
the window is a year or more, "—" for missing.
"""

from __future__ import annotations

import math
from datetime import date

__all__ = [
    "DAYS_PER_MONTH",
    "fmt",
    "fmt_factor",
    "fmt_growth",
    "fmt_month",
    "fmt_months",
    "fmt_range",
    "pct_points",
    "sig",
]

DAYS_PER_MONTH = 365.25 / 12
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def sig(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures with a k/M/B/T letter: 804476958 -> "804M", 0.075 -> "0.075"."""
    if not _finite(value):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    for scale, letter in _SCALES:
        if v >= scale * 0.9995:
            scaled = v / scale
            if round(scaled, max(digits - 1 - math.floor(math.log10(scaled)), 0)) >= 1000 and letter != "T":
                continue
            return sign + _digits(scaled, digits) + letter
    return sign + _digits(v, digits)


def _digits(v: float, digits: int) -> str:
    if v == 0:
        return "0"
    exponent = math.floor(math.log10(v))
    decimals = max(digits - 1 - exponent, 0)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt(value: float | None, unit: str) -> str:
    """A base-unit value as a reader writes it: "800M", "$13.1B", "$13.1B/yr", "36.8%", "$0.075/Mtok", "1,283"."""
    if value is None or not _finite(value):
        return "—"
    if unit == "fraction":
        pct = value * 100
        sign = "-" if pct < 0 else ""
        return f"{sign}{_digits(abs(pct), 3 if abs(pct) >= 1 else 2)}%"
    if unit == "usd_per_million_tokens":
        return f"${value:,.2f}/Mtok" if value >= 1 else f"${_digits(value, 2)}/Mtok"
    if unit == "multiple_per_year":
        return f"÷{sig(value)} per year" if value >= 1 else f"×{sig(1 / value)} per year" if value > 0 else "—"
    if unit == "points":
        return f"{value:,.0f}"
    if unit == "watts":
        return f"{sig(value / 1e9)} GW" if value >= 1e8 else f"{sig(value / 1e6)} MW"
    if unit == "minutes":
        return sig(value) + " min"
    if unit in ("usd", "usd_per_year"):
        sign = "-" if value < 0 else ""
        return f"{sign}${sig(abs(value))}" + ("/yr" if unit == "usd_per_year" else "")
    return sig(value)


def fmt_range(low: float, high: float, unit: str, level: float | None = None) -> str:
    """ "805M–985M (90%)"; an open end reads "no upper bound identified"."""
    if not _finite(low) and not _finite(high):
        return "—"
    if not _finite(high):
        return f"at least {fmt(low, unit)} (no upper bound identified)"
    text = f"{fmt(low, unit)}–{fmt(high, unit)}"
    return f"{text} ({level:.0%})" if level is not None else text


def fmt_months(days: float) -> str:
    """A window length: "5 months", "2.1 years", "3 weeks" (:func:`corevar.units.format_window`)."""
    from ..units import format_window

    return format_window(days) if _finite(days) else "—"


def fmt_month(day: date | None) -> str:
    """ "Oct 2025" (charts and tiles); ISO dates stay in tables."""
    return day.strftime("%b %Y") if day is not None else "—"


def fmt_growth(first: float, last: float, days: float) -> str:
    """Growth over the actual window: "+12% over 5 months", "3.5× over 8 months", "+41%/yr over 2.1 years".

    Annualised only when the window is a year or more (a few months compounded to a year reads as absurd);
    above +100% the change is a multiple. The engine's explanations use the same words
    (:func:`corevar.units.format_growth`).
    """
    from ..units import format_growth

    if not (_finite(first) and _finite(last)) or first <= 0 or last <= 0 or not _finite(days) or days <= 0:
        return "—"
    return format_growth(last / first, days)


def fmt_factor(value: float) -> str:
    """A decline factor: "÷10 per year"."""
    return fmt(value, "multiple_per_year")


def pct_points(change: float) -> str:
    """A change in a share: "−9 pp"."""
    if not _finite(change):
        return "—"
    return f"{change * 100:+.0f} pp".replace("-", "−")
