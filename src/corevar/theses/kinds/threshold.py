"""``threshold``: the value of a series at (or near) a date, compared with a fixed number."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._format import interval
from ..model import DateOrLatest, Number, Op, RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import OP_WORDS, OPS, C, M, N, S, nearest


class ThresholdRule(RuleModel):
    """The value of a series at (or near) a date, compared with a fixed number."""

    kind: Literal["threshold"]
    subject: Subject = Field(description="the series (see Subjects)")
    op: Op = Field(description="`>`, `>=`, `<` or `<=`")
    value: Number = Field(description="the number to compare with (`1B`, `$13B`, `12%` allowed)")
    at: DateOrLatest = Field(
        default="latest", description="`latest`, or a date: the observation nearest it within `within_days`"
    )
    within_days: int = Field(default=60, ge=0, description="how far from `at` an observation may be")
    max_age: int | None = Field(
        default=None, ge=1, description="days after which `latest` is stale (default: the metric's, see Guards)"
    )


EXAMPLE = """\
kind: threshold
subject: {entity: openai, product: codex, metric: coding_revenue}
op: ">="
value: 1B
at: latest
"""

DOC = """\
S if the comparison holds, C if not, M if the observation's `low`–`high` range lies on both sides of the
threshold, N if there is no observation (near the date), or when `at: latest` and the latest is older than
`max_age` (stale)."""


def judge(rule: ThresholdRule, ctx):
    series = ctx.series(rule.subject)
    row = nearest(series, rule.at, rule.within_days)
    if row is None:
        if series.empty:
            reason, text = ctx.missing(rule.subject)
            return ctx.result(rule, N, text, reason=reason)
        text = f"no observation of {ctx.name(rule.subject)} within {rule.within_days} days of {rule.at}."
        return ctx.result(rule, N, text, reason="outside_window")
    ev = ctx.evidence(row, "value", series)
    if rule.at == "latest":
        stale = ctx.stale(row, rule.max_age)
        if stale:
            return ctx.result(rule, N, stale, [ev], reason="stale")
    unit = row.unit
    bound = f"{OP_WORDS[rule.op]} {ctx.human(rule.value, unit)}"
    low = row.low if row.low is not None else row.value
    high = row.high if row.high is not None else row.value
    if OPS[rule.op](low, rule.value) != OPS[rule.op](high, rule.value):
        text = (
            f"{ctx.name(rule.subject)} was {ev.describe()}, with a reported range of "
            f"{interval(low, high, unit)} on both sides of the threshold ({bound})."
        )
        return ctx.result(rule, M, text, [ev], value=row.value, threshold=rule.value)
    holds = OPS[rule.op](row.value, rule.value)
    text = f"{ctx.name(rule.subject)} was {ev.describe()}: {'' if holds else 'not '}{bound}."
    return ctx.result(rule, S if holds else C, text, [ev], value=row.value, threshold=rule.value)


def label(rule: ThresholdRule, ctx) -> str:
    at = "latest" if rule.at == "latest" else f"on {rule.at}"
    return f"{ctx.name(rule.subject)} {rule.op} {ctx.human(rule.value, ctx.unit(rule.subject.metric))} ({at})"


KIND = register(
    RuleKind("threshold", ThresholdRule, judge, EXAMPLE, DOC, label, section="a value at a date against a number")
)
