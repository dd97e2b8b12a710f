"""``saturation``: a fitted growth ceiling against the latest value — has the series peaked or plateaued?"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ...units import format_window
from .. import _maths as maths
from .._format import change, interval, pct
from ..model import RuleModel, Subject
from ..plugins import RuleKind, register
from ._common import C, M, N, S, all_evidence, finite, too_few, window_text

LEVEL = 0.9  # the ceiling interval's level (analytics.saturation.peaked's default)
N_BOOT = 100  # bootstrap draws for the ceiling interval shown (display only; the report shows the same figure)


class SaturationRule(RuleModel):
    """A fitted ceiling (logistic or Gompertz) against the latest value and recent growth: peaked or not?"""

    kind: Literal["saturation"]
    subject: Subject = Field(description="the series (see Subjects)")
    expect: Literal["not_peaked", "peaked"] = Field(description="`not_peaked` or `peaked` (a plateau counts)")
    model: Literal["logistic", "gompertz"] = Field(default="logistic", description="the curve fitted")
    margin: float = Field(
        default=0.05, ge=0, lt=1, description="latest within this fraction of the fitted ceiling is at the ceiling"
    )
    plateau_rate: float = Field(
        default=0.05, ge=0, description="recent annual growth at or below this is a plateau (0.05 = 5%/yr)"
    )
    recent_days: int = Field(default=180, ge=30, description="trailing window for recent growth")
    start: dt.date | None = Field(default=None, description="first day of the data fitted")
    end: dt.date | None = Field(default=None, description="last day of the data fitted")
    min_points: int = Field(default=5, ge=5, description="fewest observations to fit")


EXAMPLE = """\
kind: saturation
subject: {entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}
expect: not_peaked
margin: 0.05
plateau_rate: 0.05
"""

DOC = """\
Fits the curve on its point estimate (`analytics.saturation`; the ceiling's 100-draw bootstrap interval is shown,
never decides). Then, in order (`L` latest, `P` the series peak, `g` simple annual growth over the last
`recent_days`, `K` the fitted ceiling, identified when finite, not at a fitting bound and at most 10x `P`):
**peaked** when `L` is 5% or more below `P` and `g < 0` (a decline), or when `g <= plateau_rate` and
`L >= (1 - margin) K` (a plateau at the ceiling); **stalled** (M) when `g <= plateau_rate` below the ceiling or
with no ceiling identified; **not peaked** when `g > plateau_rate` and `L < (1 - margin) K` (or no ceiling);
**near the ceiling** (M) when still growing but already within `margin` of it. S/C against `expect`; N with
fewer than `min_points` points."""


def judge(rule: SaturationRule, ctx):
    series = ctx.series(rule.subject, rule.start, rule.end)
    pts = series.points
    if len(pts) < rule.min_points:
        need = f"a ceiling fit needs at least {rule.min_points}"
        return too_few(ctx, rule, rule.subject, series, rule.start, rule.end, need)
    dates, values = [p.as_of for p in pts], [p.value for p in pts]
    curve, g = maths.point_fit(dates, values, rule.model, rule.recent_days)
    evidence = all_evidence(ctx, series)
    window = (pts[0].as_of, pts[-1].as_of)
    latest, peak, k = values[-1], max(values), curve.ceiling
    has_ceiling = finite(k) and not curve.at_bound and k <= 10 * peak
    figures = {"ceiling": k, "latest": latest, "recent_growth": g}
    # the fitted curve itself, so a chart can draw it (display only; nothing below reads these)
    origin = curve.origin.toordinal() if curve.origin is not None else float("nan")
    figures |= {"rate": curve.rate, "midpoint_years": curve.midpoint_years, "origin_ordinal": float(origin)}
    figures |= {"gompertz": 1.0 if rule.model == "gompertz" else 0.0}
    figures |= {"ceiling_identified": 1.0 if has_ceiling else 0.0}
    k_low = k_high = float("nan")
    if not ctx.perturbed and has_ceiling:
        # the bootstrap interval is shown, never decides: robustness re-judges on the point fit alone
        fit = maths.peaked(
            dates,
            values,
            rule.model,
            n_boot=N_BOOT,
            tolerance=rule.margin,
            flat=rule.plateau_rate,
            window_days=float(rule.recent_days),
        )
        k_low, k_high = fit.ceiling_low, fit.ceiling_high
        figures |= {"ceiling_low": k_low, "ceiling_high": k_high}
    unit = pts[-1].unit
    near = has_ceiling and latest >= (1 - rule.margin) * k
    if not finite(g):
        return ctx.result(
            rule,
            N,
            f"no recent growth can be measured for {ctx.name(rule.subject)}.",
            evidence,
            window=window,
            reason="undecided",
            **figures,
        )
    recent = f"{change(g, rule.recent_days)} over the last {format_window(rule.recent_days)}"
    if latest <= 0.95 * peak and g < 0:
        state, why = (
            "peaked",
            f"{ctx.human(latest, unit)} is {pct(latest / peak - 1)} below the peak of "
            f"{ctx.human(peak, unit)} and falling",
        )
    elif g <= rule.plateau_rate and near:
        state, why = (
            "peaked",
            f"a plateau: {ctx.human(latest, unit)} is within {pct(rule.margin, signed=False)} "
            f"of the fitted ceiling {ctx.human(k, unit)} and grew {recent}",
        )
    elif g <= rule.plateau_rate:
        state, why = (
            "stalled",
            f"growth stalled ({recent}) "
            + (
                f"below the fitted ceiling {ctx.human(k, unit)}"
                if has_ceiling
                else "with no ceiling identified within the data"
            ),
        )
    elif not near:
        band = f" ({interval(k_low, k_high, unit, LEVEL)})" if finite(k_low) else ""
        ceiling = (
            f"the fitted ceiling {ctx.human(k, unit)}{band}" if has_ceiling else "no ceiling identified within the data"
        )
        state, why = "not_peaked", f"still growing ({recent}); {ctx.human(latest, unit)} vs {ceiling}"
    else:
        state, why = (
            "near_ceiling",
            f"still growing ({recent}) but within {pct(rule.margin, signed=False)} of "
            f"the fitted ceiling {ctx.human(k, unit)}",
        )
    verdict = (S if state == rule.expect else C) if state in ("peaked", "not_peaked") else M
    text = f"{ctx.name(rule.subject)} ({len(pts)} points, {window_text(pts)}): {state.replace('_', ' ')} — {why}."
    return ctx.result(rule, verdict, text, evidence, window=window, **figures)


def label(rule: SaturationRule, ctx) -> str:
    return f"{ctx.name(rule.subject)}: {rule.expect.replace('_', ' ')}"


KIND = register(
    RuleKind("saturation", SaturationRule, judge, EXAMPLE, DOC, label, section="has the series peaked or plateaued?")
)
