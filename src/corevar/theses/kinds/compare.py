"""``compare``: the values of two series on (about) the same date, one against the other."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._format import human
from ..model import DateOrLatest, Number, RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import C, M, N, S, nearest


class CompareRule(RuleModel):
    """Series ``a`` against series ``b`` on a common date: is ``a`` above (or below) ``b`` by more than a margin?"""

    kind: Literal["compare"]
    a: Subject = Field(description="the first series")
    b: Subject = Field(description="the second series, in the same unit")
    expect: Literal["a_above_b", "b_above_a"] = Field(description="`a_above_b` or `b_above_a`")
    by_more_than: Number = Field(default=0.0, ge=0, description="the gap must exceed this (in the series' unit)")
    at: DateOrLatest = Field(default="latest", description="`latest` (a's latest) or a date")
    within_days: int = Field(default=30, ge=0, description="how far each side's date may be from the common date")
    max_age: int | None = Field(default=None, ge=1, description="days after which `latest` is stale")


EXAMPLE = """\
kind: compare
label: SoftBank fell at least 3 points more than the S&P 500 on 2026-04-28
a: {entity: sp500, metric: basket_return, basis: from 2026-04-27}
b: {entity: softbank, metric: basket_return, basis: from 2026-04-27}
expect: a_above_b
by_more_than: 3%
at: 2026-04-28
within_days: 0
"""

DOC = """\
Takes `a` at `at` (its latest for `latest`) and `b` nearest that date within `within_days`. S when the
expected side leads by more than `by_more_than`, C when it does not lead at all, M when it leads by less than
`by_more_than` or when the sides' `low`–`high` ranges make the order uncertain. N when a side is missing or
stale. Reported basket returns (`basket_return`, basis `from YYYY-MM-DD`) compare with this kind until the
chains package registers kinds over prices."""


def judge(rule: CompareRule, ctx):
    sa = ctx.series(rule.a)
    ra = nearest(sa, rule.at, rule.within_days)
    if ra is None:
        reason, text = (
            ctx.missing(rule.a)
            if sa.empty
            else ("outside_window", f"no {ctx.name(rule.a)} within {rule.within_days} days of {rule.at}.")
        )
        return ctx.result(rule, N, text, reason=reason)
    ea = ctx.evidence(ra, "a", sa)
    if rule.at == "latest" and (stale := ctx.stale(ra, rule.max_age)):
        return ctx.result(rule, N, stale, [ea], reason="stale")
    sb = ctx.series(rule.b)
    rb = nearest(sb, ra.as_of, rule.within_days)
    if rb is None:
        reason, text = (
            ctx.missing(rule.b)
            if sb.empty
            else ("outside_window", f"no {ctx.name(rule.b)} within {rule.within_days} days of {ra.as_of.isoformat()}.")
        )
        return ctx.result(rule, N, text, [ea], reason=reason)
    eb = ctx.evidence(rb, "b", sb)
    sign = 1 if rule.expect == "a_above_b" else -1
    gap = sign * (ra.value - rb.value)
    # the least and most favourable gaps given the reported ranges
    a_lo, a_hi = ra.low if ra.low is not None else ra.value, ra.high if ra.high is not None else ra.value
    b_lo, b_hi = rb.low if rb.low is not None else rb.value, rb.high if rb.high is not None else rb.value
    best = (a_hi - b_lo) if sign == 1 else (b_hi - a_lo)
    worst = (a_lo - b_hi) if sign == 1 else (b_lo - a_hi)
    unit = ra.unit
    lead, other = (rule.a, rule.b) if sign == 1 else (rule.b, rule.a)
    verdict = S if worst > rule.by_more_than else C if best <= 0 else M
    margin = f" (more than {human(rule.by_more_than, unit)} needed)" if rule.by_more_than else ""
    text = (
        f"{ctx.name(rule.a)} {ea.describe()} vs {ctx.name(rule.b)} {eb.describe()}: {ctx.name(lead)} "
        f"{'ahead of' if gap > 0 else 'not ahead of'} {ctx.name(other)} by {human(abs(gap), unit)}{margin}."
    )
    return ctx.result(
        rule,
        verdict,
        text,
        [ea, eb],
        window=(min(ra.as_of, rb.as_of), max(ra.as_of, rb.as_of)),
        a=ra.value,
        b=rb.value,
        gap=gap,
    )


def label(rule: CompareRule, ctx) -> str:
    return f"{ctx.name(rule.a)} vs {ctx.name(rule.b)}: {rule.expect.replace('_', ' ')}"


KIND = register(RuleKind("compare", CompareRule, judge, EXAMPLE, DOC, label, section="one series against another"))
