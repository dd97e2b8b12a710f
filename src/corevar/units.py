"""Human-friendly numbers for the command line: "800M", "$13B", "12%", "1.5k" -> base units."""

from __future__ import annotations

import re

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12, "tn": 1e12}
_PATTERN = re.compile(
    r"^\s*(?P<sign>-)?\s*(?P<cur>\$|usd\s*)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    r"\s*(?P<suffix>k|m|bn|b|tn|t)?\s*(?P<pct>%)?\s*$",
    re.IGNORECASE,
)


def parse_human(text: str) -> float:
    """Parse "800M" (8e8), "$13B" (1.3e10), "12%" (0.12), "1,200" (1200.0) into a float in base units.

    Percentages become fractions because corevar stores shares and rates as fractions. Raises ``ValueError``
    with the accepted forms when the text is not a number.
    """
    match = _PATTERN.match(text)
    if not match or (match["pct"] and match["suffix"]):
        raise ValueError(f'"{text}" is not a number; write e.g. 800000000, 800M, $13B, 1.5k or 12%')
    value = float(match["num"].replace(",", "")) * _SUFFIX[(match["suffix"] or "").lower()]
    if match["pct"]:
        value /= 100.0
    return -value if match["sign"] else value


def format_value(value: float | None, unit: str, *, prose: bool = False) -> str:
    """A base-unit value as a reader writes it.

    Tables (default) use fixed decimals so columns line up: 800M, $13.0B/yr, 12.5%, $2.50/Mtok, 3.0 GW.
    ``prose=True`` is for sentences (thesis explanations): three significant digits and no trailing zeros,
    1B, $13.1B/yr, 36.8%, $2.50/M tokens, 3GW. Both live here so a unit is formatted in one place.
    """
    if value is None or value != value:
        return "n/a" if prose else "—"
    if unit == "fraction":
        return f"{value * 100:.3g}%" if prose else f"{value * 100:.1f}%"
    if unit == "usd_per_million_tokens":
        if prose:
            return f"${value:.2f}/M tokens" if value >= 0.1 else f"${value:.3g}/M tokens"
        return f"${value:,.2f}/Mtok" if value >= 0.1 else f"${value:,.3f}/Mtok"
    if unit == "multiple_per_year":
        return f"{value:.3g}x/yr" if prose else f"{value:,.1f}x/yr"
    if unit == "points":  # leaderboard scores are read as whole numbers, never "1.5K"
        return f"{value:,.0f}"
    if prose and unit == "minutes":
        return f"{value:.3g} min"
    sign = "-" if value < 0 else ""
    text = _significant(abs(value)) if prose else _short(abs(value))
    if unit == "watts":
        return f"{sign}{text}W" if prose else f"{value / 1e9:,.1f} GW"
    if unit == "usd":
        return f"{sign}${text}"
    if unit == "usd_per_year":
        return f"{sign}${text}/yr"
    return sign + text


def _short(value: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:,.{1 if value / scale < 100 else 0}f}{suffix}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _significant(value: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


# -- windows, growth and ranges: the one place a change or an interval becomes words -----------------------------

DAYS_PER_YEAR = 365.25
YEAR_DAYS = 365  # a window this long or longer is "a year" (a calendar year has 365 days)


def _digits(value: float, digits: int) -> str:
    """``value`` (>= 0) to ``digits`` significant figures, thousands separated, no trailing zeros: 2.5, 10, 1,283."""
    import math

    if value == 0:
        return "0"
    decimals = max(digits - 1 - math.floor(math.log10(value)), 0)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_window(days: float) -> str:
    """A window's length as a reader says it: "3 weeks", "5 months", "1 year", "2.1 years"."""
    if days != days or days in (float("inf"), float("-inf")):
        return "—"
    if days >= YEAR_DAYS:
        years = days / DAYS_PER_YEAR
        return "1 year" if round(years, 1) == 1 else f"{_digits(years, 2)} years"
    months = days / (DAYS_PER_YEAR / 12)
    if months >= 1:
        n = round(months)
        return f"{n} month" + ("s" if n != 1 else "")
    weeks = max(1, round(days / 7))
    return f"{weeks} week" + ("s" if weeks != 1 else "")


def format_change(change: float) -> str:
    """A change as a signed percentage, or a multiple above +100%: "+12%", "-5%", "+0.5%", "3.5×"."""
    if change != change or change in (float("inf"), float("-inf")):
        return "—"
    if change >= 1:
        return f"{_digits(1 + change, 2)}×"
    pct = change * 100
    if abs(pct) >= 10:
        return f"{pct:+.0f}%"
    return f"{pct:+.1f}".rstrip("0").rstrip(".") + "%"


def format_growth(ratio: float, days: float) -> str:
    """Growth over the window actually observed, from ``ratio`` = last / first (fitted or observed).

    "+12% over 5 months", "3.5× over 8 months"; annualised only when the window is a year or more ("+41%/yr over
    2.1 years", "2.4× per year over 3 years"): a few months compounded into a year read as absurd ("+33,275%/yr").
    """
    ok = ratio == ratio and days == days and ratio > 0 and days > 0 and ratio != float("inf")
    if not ok:
        return "—"
    window = format_window(days)
    if days >= YEAR_DAYS:
        annual = ratio ** (DAYS_PER_YEAR / days) - 1
        if annual >= 1:
            return f"{_digits(1 + annual, 2)}× per year over {window}"
        return f"{format_change(annual)}/yr over {window}"
    return f"{format_change(ratio - 1)} over {window}"


def format_range(low: float, high: float, unit: str, level: float | None = None, *, prose: bool = True) -> str:
    """An interval: "805M–985M (90%)"; an open upper end reads "at least 805M (no upper bound identified)"."""
    inf = float("inf")
    low_ok = low == low and low not in (inf, -inf)
    high_ok = high == high and high not in (inf, -inf)
    if not low_ok and not high_ok:
        return "—"
    if not high_ok:
        return f"at least {format_value(low, unit, prose=prose)} (no upper bound identified)"
    text = f"{format_value(low, unit, prose=prose)}–{format_value(high, unit, prose=prose)}"
    return f"{text} ({level:.0%})" if level is not None else text
