"""``share_change``: gain or loss of market share, in points, over a window."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .._format import points as fmt_points
from ..model import RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import C, M, S, all_evidence, too_few, window_text


class ShareChangeRule(RuleModel):
    """Change of a market share, in points, between the first and last observation of a window."""

    kind: Literal["share_change"]
    subject: Subject = Field(description="a `market_share` series (its basis names the market)")
    expect: Literal["gain", "loss", "stable"] = Field(description="`gain`, `loss` or `stable`")
    start: dt.date | None = Field(default=None, description="first day of the window")
    end: dt.date | None = Field(default=None, description="last day of the window")
    min_change: float = Field(default=0.01, ge=0, description="points as a fraction: 0.01 = one point")
    min_span_days: int = Field(default=90, ge=1, description="shortest span between first and last observation")


EXAMPLE = """\
kind: share_change
subject: {entity: anthropic, metric: market_share, basis: enterprise_llm_api_spend_menlo}
expect: gain
min_change: 0.01
"""

DOC = """\
Compares the first and last observation in the window: S/C beyond `min_change` either way, M within it
(`stable`: S within, C beyond). N with fewer than two observations or a span under `min_span_days`."""


def judge(rule: ShareChangeRule, ctx):
    series = ctx.series(rule.subject, rule.start, rule.end)
    pts = series.points
    if len(pts) < 2 or (pts[-1].as_of - pts[0].as_of).days < rule.min_span_days:
        need = f"a share change needs two observations at least {rule.min_span_days} days apart"
        return too_few(ctx, rule, rule.subject, series, rule.start, rule.end, need)
    first, last = pts[0], pts[-1]
    change = last.value - first.value
    if rule.expect == "stable":
        verdict = S if abs(change) < rule.min_change else C
    else:
        sign = 1 if rule.expect == "gain" else -1
        verdict = S if sign * change >= rule.min_change else C if sign * change <= -rule.min_change else M
    text = (
        f"{ctx.name(rule.subject)} went from {ctx.human(first.value, 'fraction')} to "
        f"{ctx.human(last.value, 'fraction')} ({window_text(pts)}, {len(pts)} points): {fmt_points(change)} "
        f"(at least {fmt_points(rule.min_change).lstrip('+')} counts)."
    )
    return ctx.result(rule, verdict, text, all_evidence(ctx, series), window=(first.as_of, last.as_of), change=change)


def label(rule: ShareChangeRule, ctx) -> str:
    return f"{ctx.name(rule.subject)}: {rule.expect}"


KIND = register(
    RuleKind("share_change", ShareChangeRule, judge, EXAMPLE, DOC, label, section="gain or loss of market share")
)
