"""corevar.analytics: pure, vectorised metrics over irregular time series of the AI race's core variables.

Modules (nouns): :mod:`~corevar.analytics.timeline` (day count, interpolation), :mod:`~corevar.analytics.growth`,
:mod:`~corevar.analytics.targets`, :mod:`~corevar.analytics.saturation`, :mod:`~corevar.analytics.unit_economics`,
:mod:`~corevar.analytics.market`, :mod:`~corevar.analytics.prices`, and for stock prices
:mod:`~corevar.analytics.returns`, :mod:`~corevar.analytics.risk` (empyrical's names and conventions; reached
through the module, e.g. ``analytics.risk.sharpe_ratio``, because ``alpha``/``beta``/``cagr`` would be ambiguous
at this level), :mod:`~corevar.analytics.attribution` and :mod:`~corevar.analytics.events`. Each module also has a
``summary(frame)`` helper over an observation frame (columns ``as_of`` and ``value``); those are reached through the
module, e.g. ``analytics.growth.summary(frame)``. Every formula is written out in ``docs/formulas.md``.

Importing this package imports NumPy only; SciPy and pandas are imported by the functions that need them.
"""

from __future__ import annotations

from corevar.analytics import (
    attribution,
    events,
    growth,
    market,
    prices,
    returns,
    risk,
    saturation,
    targets,
    timeline,
    unit_economics,
)
from corevar.analytics.growth import (
    Acceleration,
    GrowthSummary,
    Trend,
    acceleration,
    annualised_growth,
    cagr,
    cagr_between,
    doubling_time,
    log_growth,
    period_growth,
    trailing_growth,
    trend,
)
from corevar.analytics.market import (
    HIGHLY_CONCENTRATED,
    MODERATELY_CONCENTRATED,
    Concentration,
    concentration,
    concentration_band,
    hhi,
    share_change,
    shares,
)
from corevar.analytics.prices import (
    Frontier,
    PriceDecline,
    frontier_prices,
    price_decline,
)
from corevar.analytics.saturation import (
    CeilingInterval,
    PeakVerdict,
    SaturationFit,
    SaturationFits,
    ceiling_interval,
    gompertz_fit,
    logistic_fit,
    peaked,
    saturation_fit,
    saturation_fits,
)
from corevar.analytics.targets import (
    RequiredGrowth,
    TargetGap,
    TargetReach,
    TargetReport,
    reach_date,
    required_growth,
    target_gap,
)
from corevar.analytics.timeline import (
    DAYS_PER_YEAR,
    interpolate,
    years_between,
)
from corevar.analytics.unit_economics import (
    aligned_ratio,
    burn_multiple,
    commitment_coverage,
    paid_conversion,
    revenue_per_compute_dollar,
    revenue_per_user,
)

__all__ = [
    "DAYS_PER_YEAR",
    "HIGHLY_CONCENTRATED",
    "MODERATELY_CONCENTRATED",
    "Acceleration",
    "CeilingInterval",
    "Concentration",
    "Frontier",
    "GrowthSummary",
    "PeakVerdict",
    "PriceDecline",
    "RequiredGrowth",
    "SaturationFit",
    "SaturationFits",
    "TargetGap",
    "TargetReach",
    "TargetReport",
    "Trend",
    "acceleration",
    "aligned_ratio",
    "annualised_growth",
    "attribution",
    "burn_multiple",
    "cagr",
    "cagr_between",
    "ceiling_interval",
    "commitment_coverage",
    "concentration",
    "concentration_band",
    "doubling_time",
    "events",
    "frontier_prices",
    "gompertz_fit",
    "growth",
    "hhi",
    "interpolate",
    "log_growth",
    "logistic_fit",
    "market",
    "paid_conversion",
    "peaked",
    "period_growth",
    "price_decline",
    "prices",
    "reach_date",
    "required_growth",
    "returns",
    "revenue_per_compute_dollar",
    "revenue_per_user",
    "risk",
    "saturation",
    "saturation_fit",
    "saturation_fits",
    "share_change",
    "shares",
    "target_gap",
    "targets",
    "timeline",
    "trailing_growth",
    "trend",
    "unit_economics",
    "years_between",
]
