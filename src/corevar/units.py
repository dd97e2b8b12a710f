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
        raise ValueError(
            f'"{text}" is not a number; write e.g. 800000000, 800M, $13B, 1.5k or 12%'
        )
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
