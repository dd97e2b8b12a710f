"""The inference price decline: per capability tier and basis, a log-linear fit of the prices that set a new low
when they appeared (:func:`corevar.analytics.prices.price_decline`), computed once; the chart draws the same fit.

An interval from fewer than :data:`MIN_INTERVAL_POINTS` frontier points is not shown (three points give intervals
like "0.0x – 21669.9x" that mean nothing).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..colours import GREY
from ..model import ChartView, FitView, Num, PriceDeclineView, SeriesView
from ..numbers import fmt, fmt_months, sig
from .charts import _source_line, point

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["MIN_INTERVAL_POINTS", "prices"]

MIN_INTERVAL_POINTS = 5
TIERS = ("gpt4_class", "frontier", "small", "frontier_premium")
TIER_NAMES = {
    "gpt4_class": "GPT-4 class",
    "frontier": "frontier",
    "small": "small models",
    "frontier_premium": "frontier premium",
}
CHART_BASIS = "output"


def prices(ctx: Ctx) -> tuple[tuple[PriceDeclineView, ...], tuple[ChartView, ...]]:
    import numpy as np

    from ...analytics import growth
    from ...analytics import prices as analytics_prices

    rows = ctx.data.of_metric("inference_price")
    out: list[PriceDeclineView] = []
    charts: list[ChartView] = []
    for tier in TIERS:
        for basis in ("input", "output"):
            sub = [r for r in rows if r.basis == basis and ctx.names.tier(r.product) == tier]
            if len(sub) < 2:
                continue
            dates = np.array([r.as_of for r in sub], dtype="datetime64[D]")
            values = np.array([r.value for r in sub])
            decline = analytics_prices.price_decline(dates, values, frontier=True, level=0.9)
            if not math.isfinite(decline.slope) or decline.start is None or decline.end is None:
                continue
            n = decline.n
            factor = Num(
                decline.factor_per_year,
                fmt(decline.factor_per_year, "multiple_per_year"),
                f"price-decline:{tier}/{basis}",
            )
            ctx.refs[factor.ref] = factor
            interval = (
                f"÷{sig(decline.ci[0])}–÷{sig(decline.ci[1])} per year (90%)"
                if n >= MIN_INTERVAL_POINTS and all(math.isfinite(c) for c in decline.ci)
                else f"no interval ({n} frontier points; {MIN_INTERVAL_POINTS} needed)"
            )
            halving = decline.halving_time_days
            out.append(
                PriceDeclineView(
                    TIER_NAMES.get(tier, tier),
                    basis,
                    n,
                    f"{decline.start.isoformat()} – {decline.end.isoformat()} "
                    f"({fmt_months((decline.end - decline.start).days)})",
                    factor,
                    interval,
                    f"halving every {fmt_months(halving)}" if math.isfinite(halving) and halving > 0 else "—",
                    f"{decline.r2:.2f}" if math.isfinite(decline.r2) else "—",
                )
            )
            if basis == CHART_BASIS and tier in ("gpt4_class", "frontier") and len(sub) >= 3:
                tier_series = []
                for entity in dict.fromkeys(r.entity for r in sorted(sub, key=lambda r: r.as_of)):
                    pts = tuple(
                        point(ctx, r, label=f"{ctx.names.product(r.product)} ({ctx.names.entity(r.entity)})")
                        for r in sorted(sub, key=lambda r: r.as_of)
                        if r.entity == entity
                    )
                    tier_series.append(
                        SeriesView(
                            f"tier/{tier}/{basis}/{entity}",
                            entity,
                            "",
                            "inference_price",
                            basis,
                            ctx.names.entity(entity),
                            ctx.colour(entity) if entity in ctx.labs else GREY,
                            "usd_per_million_tokens",
                            pts,
                        )
                    )
                # the line of the same fit: the trend through the frontier points the decline was fitted on
                front = analytics_prices.frontier_prices(dates, values)
                line = growth.trend(front.dates, front.prices)
                grid = [decline.start, decline.end]
                ys = np.asarray(line.project(np.array(grid, dtype="datetime64[D]")), dtype=float).tolist()
                fit = FitView(
                    f"{TIER_NAMES[tier]} trend: {factor.text}",
                    "#333333",
                    tuple(grid),
                    tuple(ys),
                    note=f"{TIER_NAMES[tier]} ({basis}): {factor.text}",
                    ref=factor.ref,
                )
                charts.append(
                    ChartView(
                        f"chart-price-decline-{tier}",
                        "price",
                        f"{TIER_NAMES[tier].capitalize()} list prices fall {factor.text} (output tokens)",
                        f"Each dot is one {TIER_NAMES[tier]} model's output list price, in its lab's colour; the "
                        "dotted line is the log-linear fit through the prices that set a new low when they appeared. "
                        "Unit: US$ per million output tokens; log scale.",
                        "US$ per million tokens (log scale)",
                        "usd_per_million_tokens",
                        tuple(tier_series),
                        log=True,
                        fits=(fit,),
                        source_line=_source_line(ctx, tier_series),
                    )
                )
    return tuple(out), tuple(charts)
