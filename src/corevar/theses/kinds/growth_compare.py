"""``growth_compare``: annualised growth of series A versus series B over one shared window."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ...units import format_window
from .._format import change, pct
from ..model import RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import (
    MIN_POINTS,
    MIN_SPAN_DAYS,
    C,
    M,
    N,
    S,
    all_evidence,
    annual_growth,
    finite,
    span_days,
    too_few,
)


class GrowthCompareRule(RuleModel):
    """Annualised growth of series ``a`` versus series ``b``, both over the window they share."""

    kind: Literal["growth_compare"]
    a: Subject = Field(description="the first series")
    b: Subject = Field(description="the second series")
    expect: Literal["a_faster", "b_faster"] = Field(description="`a_faster` or `b_faster`")
    start: dt.date | None = Field(default=None, description="earliest day either series may start")
    end: dt.date | None = Field(default=None, description="latest day either series may end")
    margin: float = Field(
        default=0.0, ge=0, description="growth gap (0.1 = 10 points a year) within which it is a tie (M)"
    )
    min_points: int = Field(default=MIN_POINTS, ge=2, description="fewest points each series needs in the window")
    min_span_days: int = Field(default=MIN_SPAN_DAYS, ge=1, description="shortest shared window")


EXAMPLE = """\
kind: growth_compare
a: {entity: google, product: gemini, metric: monthly_active_users, basis: ""}
b: {entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}
expect: a_faster
start: 2025-01-01
margin: 0.1
"""

DOC = """\
Both series are cut to the window they share (the later first date to the earlier last date, within
`start`–`end`), so neither gets a head start; each needs `min_points` points there, spanning
`min_span_days`. S when the expected series grows faster by more than `margin`, C when it grows slower by more
than `margin`, M within it; N (saying which series and why) when the shared window is too thin."""


def judge(rule: GrowthCompareRule, ctx):
    sa = ctx.series(rule.a, rule.start, rule.end)
    sb = ctx.series(rule.b, rule.start, rule.end)
    need = f"growth needs at least {rule.min_points} points spanning {rule.min_span_days} days"
    for subject, series in ((rule.a, sa), (rule.b, sb)):
        if len(series) < rule.min_points or span_days(series.points) < rule.min_span_days:
            return too_few(ctx, rule, subject, series, rule.start, rule.end, need)
    lo = max(sa.points[0].as_of, sb.points[0].as_of)
    hi = min(sa.points[-1].as_of, sb.points[-1].as_of)
    pa = [p for p in sa.points if lo <= p.as_of <= hi]
    pb = [p for p in sb.points if lo <= p.as_of <= hi]
    for subject, pts, full in ((rule.a, pa, sa), (rule.b, pb, sb)):
        if len(pts) < rule.min_points or span_days(pts) < rule.min_span_days:
            text = (
                f"the shared window of the two series is {lo.isoformat()} to {hi.isoformat()}, where "
                f"{ctx.name(subject)} has {len(pts)} point(s) spanning {span_days(pts)} days; {need}."
            )
            return ctx.result(rule, N, text, all_evidence(ctx, full), reason="too_few", window=(lo, hi))
    ga, gb = annual_growth(pa), annual_growth(pb)
    evidence = all_evidence(ctx, sa, pa, "a ") + all_evidence(ctx, sb, pb, "b ")
    if not (finite(ga) and finite(gb)):
        return ctx.result(
            rule,
            N,
            "a growth rate cannot be fitted (values must be > 0).",
            evidence,
            reason="undecided",
            window=(lo, hi),
        )
    diff = ga - gb if rule.expect == "a_faster" else gb - ga
    verdict = S if diff > rule.margin else C if diff < -rule.margin else M
    faster = ctx.name(rule.a) if rule.expect == "a_faster" else ctx.name(rule.b)
    outcome = {
        S: f"{faster} grows faster",
        C: f"{faster} does not grow faster",
        M: f"the two rates are within {pct(rule.margin, signed=False)} of each other",
    }[verdict]
    days = (hi - lo).days  # both rates said over the shared window (annualised only for a year or more)
    text = (
        f"over the shared window {lo.isoformat()} to {hi.isoformat()} ({format_window(days)}): {ctx.name(rule.a)} "
        f"grew {change(ga, days)} ({len(pa)} points) vs "
        f"{ctx.name(rule.b)} {change(gb, days)} ({len(pb)} points), log-linear fits: {outcome}."
    )
    return ctx.result(rule, verdict, text, evidence, window=(lo, hi), growth_a=ga, growth_b=gb)


def label(rule: GrowthCompareRule, ctx) -> str:
    return f"{ctx.name(rule.a)} vs {ctx.name(rule.b)} growth: {rule.expect.replace('_', ' ')}"


KIND = register(
    RuleKind("growth_compare", GrowthCompareRule, judge, EXAMPLE, DOC, label, section="growth of A versus growth of B")
)
