"""``all`` and ``any``: combinators that nest other rules (see "Combining verdicts")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..model import RuleModel
from ..plugins import RuleKind, register


class AllRule(RuleModel):
    """Every nested rule must hold."""

    kind: Literal["all"]
    rules: list[Any] = Field(min_length=1, description="the nested rules")


class AnyRule(RuleModel):
    """At least one nested rule must hold."""

    kind: Literal["any"]
    rules: list[Any] = Field(min_length=1, description="the nested rules")


EXAMPLE_ALL = """\
kind: all
label: more than one lab loses money
rules:
  - {kind: threshold, subject: {entity: openai, metric: net_loss, basis: fy2025}, op: ">", value: 0}
  - {kind: threshold, subject: {entity: xai, metric: net_loss, basis: q3_2025}, op: ">", value: 0}
"""

EXAMPLE_ANY = """\
kind: any
label: a paid cohort loses more than a third within six months
rules:
  - {kind: threshold, subject: {entity: openai, product: chatgpt, metric: paid_retention, basis: month_6},
     op: "<", value: 0.67}
  - {kind: threshold, subject: {entity: google, product: gemini, metric: paid_retention, basis: month_6},
     op: "<", value: 0.67}
"""

DOC_ALL = "Combines its rules like a thesis with `combine: all` (see Combining verdicts); nests to any depth."
DOC_ANY = "Combines its rules like a thesis with `combine: any` (see Combining verdicts); nests to any depth."


def judge(rule: Any, ctx: Any) -> Any:
    from ..engine import combine, summary

    children = tuple(ctx.judge(child) for child in rule.rules)
    verdict = combine([c.verdict for c in children], rule.kind)
    from dataclasses import replace

    out = ctx.result(rule, verdict, summary(children, verdict, rule.kind))
    return replace(out, children=children, reason=None)


def label(rule: Any, ctx: Any) -> str:
    return f"{rule.kind} of {len(rule.rules)} rules"


register(RuleKind("all", AllRule, judge, EXAMPLE_ALL, DOC_ALL, label, section="every nested rule holds"))
register(RuleKind("any", AnyRule, judge, EXAMPLE_ANY, DOC_ANY, label, section="one nested rule suffices"))
