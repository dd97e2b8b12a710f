"""``rank``: where a subject ranks among its competitors on a common date, ties within measurement error."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..model import DateOrLatest, Number, Op, RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import OPS, C, M, N, S
from ._snapshot import nearest_each


class RankRule(RuleModel):
    """Rank of a subject among all competitors with the same metric and basis on one date (1 = best)."""

    kind: Literal["rank"]
    subject: Subject = Field(description="the subject ranked (its metric and basis define the field)")
    op: Op = Field(description="`>`, `>=`, `<` or `<=` on the rank")
    value: int = Field(ge=1, description="the rank compared with (1 = best by the metric's `higher_is_better`)")
    per: Literal["entity", "product"] = Field(
        default="entity",
        description="`entity`: one value per company, its best product (cheapest price, top score); "
        "`product`: every product ranked on its own",
    )
    at: DateOrLatest = Field(default="latest", description="`latest` (the subject's latest date) or a date")
    within_days: int = Field(default=90, ge=0, description="how far each competitor's value may be from that date")
    tie_within: Number = Field(
        default=0.0,
        ge=0,
        description="values this close (in the metric's unit) count as tied; `low`–`high` "
        "ranges that overlap always tie",
    )
    max_age: int | None = Field(default=None, ge=1, description="days after which the subject's latest is stale")


EXAMPLE = """\
kind: rank
subject: {entity: openai, metric: leaderboard_score, basis: lmarena_text}
op: ">"
value: 1
tie_within: 10           # Arena scores this close are within their confidence intervals
"""

DOC = """\
The common date is `at`, or the subject's latest observation. Each competitor contributes one value: its
observation nearest that date within `within_days` — per entity its best product (with `tier` in the subject,
only products of that tier), or every product with `per: product` (products are never summed). Two values tie
when they differ by at most `tie_within` or their `low`–`high` ranges (e.g. leaderboard confidence intervals)
overlap. The rank is then a range, from 1 + the competitors clearly better to that plus the ties; S when the
comparison holds for the whole range, C when it fails for all of it, M when ties decide it. N when the subject
has no value (or a stale one)."""


def _better(higher: bool, a: float, b: float) -> bool:
    return a > b if higher else a < b


def judge(rule: RankRule, ctx):
    subject = rule.subject
    basis = subject.basis or ""
    market = ctx.market(subject.metric, basis)
    rows = market.points
    if subject.tier is not None:
        rows = [r for r in rows if r.product in set(ctx.registry.tier_products(r.entity, subject.tier))]
    if rule.per == "product":
        mine = [
            r
            for r in rows
            if r.entity == subject.entity and (subject.product in (None, "*") or r.product == subject.product)
        ]
    else:
        mine = [r for r in rows if r.entity == subject.entity]
    if not mine:
        reason, text = ctx.missing(
            subject.model_copy(update={"product": "*"}) if subject.product is None else subject,
            what="ranked observations",
        )
        return ctx.result(rule, N, text, reason=reason)
    day = max(r.as_of for r in mine) if rule.at == "latest" else rule.at
    snap = nearest_each(rows, day, rule.within_days, lambda r: (r.entity, r.product))
    higher = ctx.registry.higher_is_better(subject.metric)
    # one value per competitor: per entity its best product
    chosen: dict[tuple[str, ...], object] = {}
    for k, row in snap.items():
        comp = k if rule.per == "product" else (k[0],)
        if comp not in chosen or _better(higher, row.value, chosen[comp].value):  # type: ignore[attr-defined]
            chosen[comp] = row
    me_key = (
        (subject.entity,)
        if rule.per == "entity"
        else next(
            (
                k
                for k in chosen
                if k[0] == subject.entity and (subject.product in (None, "*") or k[1] == subject.product)
            ),
            None,
        )
    )
    if me_key is None or me_key not in chosen:
        text = f"{ctx.name(subject)} has no value within {rule.within_days} days of {day}."
        return ctx.result(rule, N, text, reason="outside_window")
    me = chosen[me_key]
    evidence = [ctx.evidence(r, "ranked", market) for r in sorted(chosen.values(), key=lambda r: -r.value)]
    if rule.at == "latest" and (stale := ctx.stale(me, rule.max_age)):  # type: ignore[arg-type]
        return ctx.result(rule, N, stale, evidence, reason="stale")

    def bounds(r) -> tuple[float, float]:
        return (r.low if r.low is not None else r.value, r.high if r.high is not None else r.value)

    mlo, mhi = bounds(me)
    better = tied = 0
    for k, row in chosen.items():
        if k == me_key:
            continue
        lo, hi = bounds(row)
        overlap = lo <= mhi and mlo <= hi
        if abs(row.value - me.value) <= rule.tie_within or overlap:
            tied += 1
        elif _better(higher, row.value, me.value):
            better += 1
    best, worst = 1 + better, 1 + better + tied
    ok_best, ok_worst = OPS[rule.op](best, rule.value), OPS[rule.op](worst, rule.value)
    verdict = S if ok_best and ok_worst else C if not (ok_best or ok_worst) else M
    unit = me.unit
    order = sorted(chosen.items(), key=lambda kv: kv[1].value, reverse=higher)
    listing = ", ".join(
        f"{ctx.registry.name(k[-1] if rule.per == 'product' and k[-1] else k[0])} {ctx.human(r.value, unit)}"
        for k, r in order[:6]
    )
    rank = (
        f"#{best}"
        if best == worst
        else f"#{best}-#{worst} ({tied} tied within {ctx.human(rule.tie_within, unit)} or overlapping ranges)"
    )
    dates = sorted({r.as_of for r in chosen.values()})
    when = dates[0].isoformat() if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    text = (
        f"{ctx.name(subject)} ranks {rank} of {len(chosen)} near {day} (values {when}; {listing}): "
        f"{'' if verdict is S else 'not ' if verdict is C else 'maybe '}rank {rule.op} {rule.value}."
    )
    return ctx.result(
        rule, verdict, text, evidence, window=(dates[0], dates[-1]), rank_best=best, rank_worst=worst, of=len(chosen)
    )


def label(rule: RankRule, ctx) -> str:
    return f"{ctx.name(rule.subject)} rank {rule.op} {rule.value}"


KIND = register(RuleKind("rank", RankRule, judge, EXAMPLE, DOC, label, section="where a subject ranks"))
