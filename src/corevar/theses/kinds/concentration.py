"""``concentration``: is a market winner-takes-all? Leader and vendor counts over the unreported share."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ..model import DateOrLatest, RuleModel
from ..plugins import RuleKind, register
from ._common import C, N, S
from ._snapshot import nearest_each


class ConcentrationRule(RuleModel):
    """Concentration of a market on one date, with the unreported share carried as a range."""

    kind: Literal["concentration"]
    market: str = Field(min_length=1, description="the `market_share` basis naming the market")
    metric: str = Field(default="market_share", description="the share metric")
    expect: Literal["competitive", "concentrated"] = Field(
        description="`competitive` (not winner-takes-all) or `concentrated`"
    )
    at: DateOrLatest = Field(default="latest", description="`latest` (the newest share known) or a date")
    within_days: int = Field(default=90, ge=0, description="how far each vendor's share may be from that date")
    max_top_share: float = Field(default=0.5, gt=0, le=1, description="competitive: the leader holds less than this")
    min_share: float = Field(default=0.10, gt=0, le=1, description="a vendor with at least this share counts")
    min_vendors: int = Field(default=3, ge=1, description="competitive: at least this many vendors with `min_share`")
    min_coverage: float = Field(
        default=0.5, ge=0, le=1, description="the reported shares must cover at least this much of the market"
    )
    max_age: int | None = Field(default=None, ge=1, description="days after which the newest share is stale")


EXAMPLE = """\
kind: concentration
market: enterprise_llm_api_spend_menlo
expect: competitive
max_top_share: 0.5
min_share: 0.10
min_vendors: 3
"""

DOC = """\
"Not winner-takes-all" means: the leader holds less than `max_top_share` **and** at least `min_vendors`
vendors hold `min_share` or more. Each vendor's share is the one nearest the date (products summed per
entity unless the entity reports a total). The unreported rest `u = 1 − covered` is unknown, so each figure is
a range: the leader is between the largest reported share and `max(largest, u)`, the vendor count between
the reported count and that plus `floor(u / min_share)`, HHI between `Σs²` (the rest spread thin) and
`Σs² + u²` (the rest one vendor). The rule decides only when the whole range is on one side (S/C against
`expect`); otherwise N, saying what the unreported share could change. HHI and its DOJ/FTC band (2023: over
1800 highly concentrated) are reported as context, not as the test. N when the shares cover less than
`min_coverage`."""


def judge(rule: ConcentrationRule, ctx):
    from .._maths import concentration as hhi_of

    market = ctx.market(rule.metric, rule.market)
    if market.empty:
        known = ctx.metric_rows(rule.metric, known=False, basis=rule.market)
        reason = "not_published" if known else "no_data"
        text = f"no {rule.metric.replace('_', ' ')} observations of the {rule.market} market known on {ctx.today}."
        return ctx.result(rule, N, text, reason=reason)
    day = max(r.as_of for r in market.points) if rule.at == "latest" else rule.at
    snap = nearest_each(market.points, day, rule.within_days, lambda r: (r.entity, r.product))
    if not snap:
        return ctx.result(
            rule, N, f"no {rule.market} shares within {rule.within_days} days of {day}.", reason="outside_window"
        )
    newest = max(snap.values(), key=lambda r: r.as_of)
    if rule.at == "latest" and (stale := ctx.stale(newest, rule.max_age)):
        return ctx.result(rule, N, stale, reason="stale")
    shares: dict[str, float] = {}
    totals = {e for (e, p) in snap if p == ""}
    for (entity, product), row in snap.items():
        if entity in totals and product != "":
            continue  # the entity reports a total: its products are inside it
        shares[entity] = shares.get(entity, 0.0) + row.value
    evidence = [ctx.evidence(r, "share", market) for r in sorted(snap.values(), key=lambda r: -r.value)]
    covered = sum(shares.values())
    window = (min(r.as_of for r in snap.values()), max(r.as_of for r in snap.values()))
    if covered < rule.min_coverage:
        text = (
            f"the {rule.market} shares known cover only {ctx.human(covered, 'fraction')} of the market (at "
            f"least {ctx.human(rule.min_coverage, 'fraction')} needed to judge concentration)."
        )
        return ctx.result(rule, N, text, evidence, window=window, reason="too_few", covered=covered)
    rest = max(0.0, 1.0 - covered)
    ordered = sorted(shares.items(), key=lambda kv: -kv[1])
    top_min = ordered[0][1]
    top_max = max(top_min, rest)
    v_min = sum(1 for _, s in ordered if s >= rule.min_share)
    v_max = v_min + math.floor(rest / rule.min_share + 1e-9)
    sum_sq = sum(s * s for _, s in ordered)
    h_min, h_max = sum_sq * 10_000, (sum_sq + rest * rest) * 10_000
    band_min, band_max = hhi_of([s for _, s in ordered]).band, hhi_of([s for _, s in ordered] + [rest]).band
    surely_competitive = top_max < rule.max_top_share and v_min >= rule.min_vendors
    surely_concentrated = top_min >= rule.max_top_share or v_max < rule.min_vendors
    top = ", ".join(f"{ctx.entity_name(e)} {ctx.human(v, 'fraction')}" for e, v in ordered[:5])
    leader = (
        f"leader {ctx.human(top_min, 'fraction')}"
        if top_max == top_min
        else f"leader {ctx.human(top_min, 'fraction')}-{ctx.human(top_max, 'fraction')}"
    )
    vendors = f"{v_min}" if v_min == v_max else f"{v_min}-{v_max}"
    text = (
        f"{rule.market} ({window[0]}{' to ' + str(window[1]) if window[0] != window[1] else ''}): {top}; "
        f"{ctx.human(rest, 'fraction')} unreported. {leader} (limit {ctx.human(rule.max_top_share, 'fraction')}), "
        f"{vendors} vendor(s) with at least {ctx.human(rule.min_share, 'fraction')} (need {rule.min_vendors}); "
        f"HHI {h_min:.0f}-{h_max:.0f} ({band_min}{'' if band_min == band_max else ' to ' + band_max}, context)"
    )
    figures = dict(
        hhi_min=h_min,
        hhi_max=h_max,
        covered=covered,
        top_share_min=top_min,
        top_share_max=top_max,
        vendors_min=v_min,
        vendors_max=v_max,
    )
    if surely_competitive or surely_concentrated:
        state = "competitive" if surely_competitive else "concentrated"
        verdict = S if state == rule.expect else C
        text += f": {'not winner-takes-all' if surely_competitive else 'winner-takes-all by this criterion'}."
        return ctx.result(rule, verdict, text, evidence, window=window, **figures)
    text += ": the unreported share could put it on either side, so the criterion cannot decide."
    return ctx.result(rule, N, text, evidence, window=window, reason="undecided", **figures)


def label(rule: ConcentrationRule, ctx) -> str:
    return f"{rule.market} market: {rule.expect}"


KIND = register(
    RuleKind("concentration", ConcentrationRule, judge, EXAMPLE, DOC, label, section="is a market winner-takes-all?")
)
