"""``target``: a target (a kind=target observation, as_of = due date) met or missed by the actuals."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .. import _maths as maths
from .._format import pct
from ..model import RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import C, N, S


class TargetRule(RuleModel):
    """A target (kind=target observation, as_of = due date) against the actuals around its due date."""

    kind: Literal["target"]
    subject: Subject = Field(description="the series the target is set on")
    expect: Literal["met", "missed"] = Field(description="`met` or `missed`")
    due: dt.date | None = Field(default=None, description="the due date (default: the subject's latest target)")
    within_days: int = Field(default=120, ge=0, description="how far from the due date actuals may be")


EXAMPLE = """\
kind: target
subject: {entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}
due: 2025-12-31
expect: missed
"""

DOC = """\
Targets are observations with `kind: target` whose `as_of` is the due date. The actual on the due date is
observed, or interpolated log-linearly between the observations either side (`analytics.targets`).
Direction follows the metric's `higher_is_better`. Only one side known: a value already past the target
before the due date proves *met*; one still short after it proves *missed*; anything else is N. A target not
yet due (after the as-of date) is N — unless the latest actual already meets it."""


def judge(rule: TargetRule, ctx):
    targets = ctx.series(rule.subject, kinds=("target",))
    points = [t for t in targets.points if rule.due is None or t.as_of == rule.due]
    name = ctx.name(rule.subject)
    if not points:
        due = f" due {rule.due}" if rule.due else ""
        reason, _ = ctx.missing(rule.subject, rule.due, rule.due, kinds=("target",), what="targets")
        return ctx.result(rule, N, f"no target{due} for {name} is known on {ctx.today}.", reason=reason)
    target = points[-1]
    due, goal, unit = target.as_of, target.value, target.unit
    tev = ctx.evidence(target, "target", targets)
    actual = ctx.series(rule.subject)
    higher = ctx.registry.higher_is_better(rule.subject.metric)

    def met_at(v: float) -> bool:
        return v >= goal if higher else v <= goal

    goal_text = ctx.human(goal, unit)
    if due > ctx.today:
        latest = actual.points[-1] if actual.points else None
        if latest is not None and met_at(latest.value):
            early = ctx.evidence(latest, "before due", actual)
            text = (
                f"{name} was already {early.describe()}, reaching the {goal_text} target due {due} early: target met."
            )
            return ctx.result(
                rule, S if rule.expect == "met" else C, text, [tev, early], target=goal, value=early.value
            )
        ev = [tev] + ([ctx.evidence(latest, "latest", actual)] if latest is not None else [])
        so_far = f"; latest {ev[-1].describe()}" if latest is not None else ""
        text = f"the {goal_text} target for {name} is due {due}, after {ctx.today}: not judged yet{so_far}."
        return ctx.result(rule, N, text, ev, reason="not_published", target=goal)
    window = [p for p in actual.points if abs((p.as_of - due).days) <= rule.within_days]
    before = [p for p in window if p.as_of <= due]
    after = [p for p in window if p.as_of >= due]
    if not window:
        reason = "outside_window" if actual.points else ctx.missing(rule.subject)[0]
        text = f"no {name} observation within {rule.within_days} days of the {due} due date of the {goal_text} target."
        return ctx.result(rule, N, text, [tev], reason=reason, target=goal)
    evidence = [tev]
    if before and after:
        b, a = before[-1], after[0]
        value = maths.value_at([b.as_of, a.as_of], [b.value, a.value], due)
        eb, ea = ctx.evidence(b, "before due", actual), ctx.evidence(a, "after due", actual)
        evidence += [eb, ea] if b.id != a.id else [eb]
        how = (
            f"{ctx.human(value, unit)} on {due} (between {eb.describe()} and {ea.describe()})"
            if b.as_of != a.as_of
            else eb.describe()
        )
        met = met_at(value)
    elif before:
        b = before[-1]
        value = b.value
        eb = ctx.evidence(b, "before due", actual)
        evidence.append(eb)
        if not met_at(value):
            text = (
                f"{name} was {eb.describe()}, short of the {goal_text} target due {due}, and no later figure is "
                "known: cannot tell whether it was met."
            )
            return ctx.result(rule, N, text, evidence, reason="outside_window", target=goal, value=value)
        met, how = True, f"already {eb.describe()} before the due date"
    else:
        a = after[0]
        value = a.value
        ea = ctx.evidence(a, "after due", actual)
        evidence.append(ea)
        if met_at(value):
            text = (
                f"{name} was {ea.describe()}, past the {goal_text} target due {due}, but no earlier figure is "
                "known: cannot tell whether it was met on time."
            )
            return ctx.result(rule, N, text, evidence, reason="outside_window", target=goal, value=value)
        met, how = False, f"still {ea.describe()} after the due date"
    gap = (value - goal) / goal if goal else float("nan")
    outcome = "met" if met else "missed"
    by = f" by {pct(abs(gap), signed=False)}" if gap == gap and gap != 0 else ""
    side = ("at or above" if met else "below") if higher else ("at or below" if met else "above")
    text = f"{name} was {how}, {side} the {goal_text} target due {due} ({tev.publisher}): target {outcome}{by}."
    return ctx.result(
        rule, S if outcome == rule.expect else C, text, evidence, window=(due, due), target=goal, value=value, gap=gap
    )


def label(rule: TargetRule, ctx) -> str:
    due = f" due {rule.due}" if rule.due else ""
    return f"{ctx.name(rule.subject)} target{due}: {rule.expect}"


KIND = register(RuleKind("target", TargetRule, judge, EXAMPLE, DOC, label, section="a target met or missed"))
