"""``ratio``: numerator / denominator at a date, against a number or another ratio."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..model import DateOrLatest, Number, Op, RuleModel, Subject, _Strict
from ..plugins import RuleKind, register
from ._common import OP_WORDS, OPS, C, N, S, nearest


class RatioSide(_Strict):
    """The other ratio of a ``versus`` comparison."""

    numerator: Subject = Field(description="the numerator series")
    denominator: Subject = Field(description="the denominator series")


class RatioRule(RuleModel):
    """numerator / denominator at a date, against a number (``value``) or another ratio (``versus``)."""

    kind: Literal["ratio"]
    numerator: Subject = Field(description="the numerator series")
    denominator: Subject = Field(description="the denominator series")
    op: Op = Field(description="`>`, `>=`, `<` or `<=`")
    value: Number | None = Field(default=None, description="the number the ratio is compared with")
    versus: RatioSide | None = Field(default=None, description="or another ratio (`numerator`, `denominator`)")
    at: DateOrLatest = Field(default="latest", description="`latest` or a date (the numerator nearest it)")
    within_days: int = Field(default=60, ge=0, description="how far the sides' dates may be apart")
    align: Literal["same_date", "latest_each"] = Field(
        default="same_date",
        description="`same_date`: the denominator nearest the numerator's date; `latest_each`: each side's latest",
    )
    max_age: int | None = Field(
        default=None, ge=1, description="days after which a `latest` side is stale (default: the metric's)"
    )

    @model_validator(mode="after")
    def _value_or_versus(self) -> RatioRule:
        if (self.value is None) == (self.versus is None):
            raise ValueError("give exactly one of value (a number) or versus (another ratio)")
        return self


EXAMPLE = """\
kind: ratio
numerator: {entity: openai, metric: cash_burn, basis: fy2025}
denominator: {entity: openai, metric: revenue, basis: fy2025}
op: ">"
value: 1
"""

DOC = """\
Give exactly one of `value` or `versus`. `at` and `within_days` pick the numerator as in `threshold`;
`align: same_date` (default) takes the denominator nearest the numerator's date, `latest_each` takes each
side's latest (for list prices, which stay valid until changed). N when a side is missing, stale or zero."""


def _side(side, rule, ctx):
    """(ratio, evidence, problem, reason)."""
    ns = ctx.series(side.numerator)
    num = nearest(ns, rule.at, rule.within_days)
    if num is None:
        if ns.empty:
            reason, text = ctx.missing(side.numerator)
            return float("nan"), [], text, reason
        return (
            float("nan"),
            [],
            f"no {ctx.name(side.numerator)} within {rule.within_days} days of {rule.at}.",
            "outside_window",
        )
    evidence = [ctx.evidence(num, "numerator", ns)]
    if rule.at == "latest" and (stale := ctx.stale(num, rule.max_age)):
        return float("nan"), evidence, stale, "stale"
    ds = ctx.series(side.denominator)
    latest_each = rule.align == "latest_each" and rule.at == "latest"
    den = nearest(ds, "latest" if latest_each else num.as_of, rule.within_days)
    if den is None:
        if ds.empty:
            reason, text = ctx.missing(side.denominator)
            return float("nan"), evidence, text, reason
        return (
            float("nan"),
            evidence,
            (f"no {ctx.name(side.denominator)} within {rule.within_days} days of {num.as_of.isoformat()}."),
            "outside_window",
        )
    evidence.append(ctx.evidence(den, "denominator", ds))
    if latest_each and (stale := ctx.stale(den, rule.max_age)):
        return float("nan"), evidence, stale, "stale"
    if den.value == 0:
        return float("nan"), evidence, f"{ctx.name(side.denominator)} is zero.", "undecided"
    return num.value / den.value, evidence, "", None


def _name(side, ctx) -> str:
    return f"{ctx.name(side.numerator)} / {ctx.name(side.denominator)}"


def judge(rule: RatioRule, ctx):
    ratio, evidence, problem, reason = _side(rule, rule, ctx)
    if problem:
        return ctx.result(rule, N, problem, evidence, reason=reason)
    left = f"{_name(rule, ctx)} = {ratio:.3g} ({evidence[0].describe()} / {evidence[1].describe()})"
    if rule.versus is not None:
        other, more, problem, reason = _side(rule.versus, rule, ctx)
        from dataclasses import replace

        evidence += [replace(e, role="versus " + e.role) for e in more]
        if problem:
            return ctx.result(rule, N, problem, evidence, reason=reason, ratio=ratio)
        holds = OPS[rule.op](ratio, other)
        text = f"{left} is {'' if holds else 'not '}{OP_WORDS[rule.op]} {_name(rule.versus, ctx)} = {other:.3g}."
        return ctx.result(rule, S if holds else C, text, evidence, ratio=ratio, versus=other)
    assert rule.value is not None
    holds = OPS[rule.op](ratio, rule.value)
    text = f"{left}: {'' if holds else 'not '}{OP_WORDS[rule.op]} {rule.value:.3g}."
    return ctx.result(rule, S if holds else C, text, evidence, ratio=ratio, threshold=rule.value)


def label(rule: RatioRule, ctx) -> str:
    right = f"{rule.value:.3g}" if rule.versus is None else _name(rule.versus, ctx)
    return f"{_name(rule, ctx)} {rule.op} {right}"


KIND = register(
    RuleKind("ratio", RatioRule, judge, EXAMPLE, DOC, label, section="numerator / denominator against a number")
)
