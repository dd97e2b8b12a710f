"""``trend``: the direction (and, optionally, the size) of a series' growth over a window."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from ...units import YEAR_DAYS, format_change
from .._format import growth as fmt_growth
from .._format import pct
from ..model import Change, RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import (
    DEAD_BAND,
    MIN_POINTS,
    MIN_SPAN_DAYS,
    C,
    M,
    N,
    S,
    all_evidence,
    annual_growth,
    finite,
    fraction_or_factor,
    span_days,
    too_few,
    window_text,
)


class TrendRule(RuleModel):
    """The sign of a series' annualised growth over a window (log-linear fit), optionally by more than X."""

    kind: Literal["trend"]
    subject: Subject = Field(description="the series (see Subjects)")
    expect: Literal["up", "down", "flat"] = Field(description="`up`, `down` or `flat`")
    start: dt.date | None = Field(default=None, description="first day of the window (default: all data)")
    end: dt.date | None = Field(default=None, description="last day of the window (default: all data)")
    tolerance: float = Field(
        default=DEAD_BAND, ge=0, description="dead band: annual growth within ±this reads as flat (0.05 = 5%/yr)"
    )
    by_more_than: Change | None = Field(
        default=None,
        description="for `up`/`down`: the move must exceed this — a fraction (`50%`) or a factor (`10x`)",
    )
    per: Literal["year", "window"] = Field(
        default="year", description="`by_more_than` per year (annualised) or over the whole window"
    )
    min_points: int = Field(default=MIN_POINTS, ge=2, description="fewest observations in the window")
    min_span_days: int = Field(default=MIN_SPAN_DAYS, ge=1, description="shortest window the points may span")

    @model_validator(mode="after")
    def _direction(self) -> TrendRule:
        if self.by_more_than is not None and self.expect == "flat":
            raise ValueError("by_more_than needs expect up or down")
        return self


EXAMPLE = """\
kind: trend
subject: {entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}
expect: up
start: 2025-06-01
by_more_than: 20%        # grew by more than 20% a year
"""

DOC = """\
Growth is the simple annual growth of the least-squares log-linear trend (`analytics.growth.log_growth`).
Without `by_more_than`: S in the expected direction, C in the other, M inside the dead band (`tolerance`);
for `flat`, S inside the band and C outside it. With `by_more_than` the claim is a size: S when growth
(per year, or over the window with `per: window`) exceeds it in the expected direction — `10x` down means
the value fell to a tenth or less — and C otherwise. N with fewer than `min_points` points or a span under
`min_span_days` in the window, saying which."""


def judge(rule: TrendRule, ctx):
    series = ctx.series(rule.subject, rule.start, rule.end)
    pts = series.points
    need = f"a trend needs at least {rule.min_points} points spanning {rule.min_span_days} days"
    if len(pts) < rule.min_points or span_days(pts) < rule.min_span_days:
        return too_few(ctx, rule, rule.subject, series, rule.start, rule.end, need)
    growth = annual_growth(pts)
    evidence = all_evidence(ctx, series)
    window = (pts[0].as_of, pts[-1].as_of)
    if not finite(growth):
        text = f"no growth rate can be fitted to {ctx.name(rule.subject)} (values must be > 0)."
        return ctx.result(rule, N, text, evidence, window=window, reason="undecided")
    years = span_days(pts) / 365.25
    over_window = (1 + growth) ** years - 1
    tol = rule.tolerance
    direction = "up" if growth > tol else "down" if growth < -tol else "flat"
    first, last = pts[0], pts[-1]
    unit = last.unit
    # growth said over the window it was measured on; annualised only for a year or more (never "+33,275%/yr")
    whole = f" ({format_change(over_window)} over the window)" if span_days(pts) >= YEAR_DAYS else ""
    text = (
        f"{ctx.name(rule.subject)} went from {ctx.human(first.value, unit)} to {ctx.human(last.value, unit)} "
        f"({window_text(pts)}, {len(pts)} points): {fmt_growth(growth, span_days(pts))} on a log-linear fit"
        f"{whole}, trending {direction} (dead band ±{pct(tol, signed=False)}/yr)"
    )
    if rule.by_more_than is not None:
        how, size = fraction_or_factor(rule.by_more_than)
        change = growth if rule.per == "year" else over_window
        period = "a year" if rule.per == "year" else "over the window"
        verb = {"up": ("rose", "rise"), "down": ("fell", "fall")}[rule.expect]
        if how == "factor":
            factor = 1 + change
            holds = factor > size if rule.expect == "up" else factor < 1 / size
            amount = f"more than {size:g}x {period}"
        else:
            holds = change > size if rule.expect == "up" else change < -size
            amount = f"by more than {pct(size, signed=False)} {period}"
        text += f": it {verb[0]} {amount}." if holds else f": it did not {verb[1]} {amount}."
        return ctx.result(
            rule,
            S if holds else C,
            text,
            evidence,
            window=window,
            growth=growth,
            change_over_window=over_window,
            points=len(pts),
        )
    if rule.expect == "flat":
        verdict = S if direction == "flat" else C
    else:
        verdict = M if direction == "flat" else S if direction == rule.expect else C
    return ctx.result(
        rule,
        verdict,
        text + ".",
        evidence,
        window=window,
        growth=growth,
        change_over_window=over_window,
        points=len(pts),
    )


def label(rule: TrendRule, ctx) -> str:
    extra = ""
    if rule.by_more_than is not None:
        how, size = fraction_or_factor(rule.by_more_than)
        amount = f"{size:g}x" if how == "factor" else pct(size, signed=False)
        extra = f" by more than {amount} {'a year' if rule.per == 'year' else 'over the window'}"
    return f"{ctx.name(rule.subject)} trending {rule.expect}{extra}"


KIND = register(
    RuleKind("trend", TrendRule, judge, EXAMPLE, DOC, label, section="the direction of growth over a window")
)
