"""Inference prices: how fast does serving a fixed level of capability get cheaper?

We follow Epoch AI's method ("LLM inference prices have fallen rapidly but unequally across tasks", 12 March
2025, https://epoch.ai/data-insights/llm-inference-price-trends; code:
https://github.com/epoch-research/llm-benchmark-efficiency). For one capability tier (models at or above a
benchmark threshold):

1. take the frontier of cheapest prices over time — walking forward in release order, keep a model only if it
   is cheaper than every earlier one (if two frontier points share a date, keep the cheaper);
2. fit ``ln(price) = a + b * years`` by ordinary least squares;
3. the price falls by ``exp(-b)`` times per year; it halves every ``ln 2 / -b`` years; the confidence
   interval comes from the slope's standard error and Student's t with ``n - 2`` degrees of freedom.

Epoch report declines from 9x to 900x per year depending on the threshold (their per-threshold results have a
median near 50x) and use a 90 % interval, which is our default too. Epoch count 365 days a year; we use
365.25 like the rest of corevar (a 0.07 % difference in the exponent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import (
    DAYS_PER_YEAR,
    NAN,
    DayArray,
    FloatArray,
    check_level,
    ols_rows,
    paired,
    to_date,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Frontier", "PriceDecline", "frontier_prices", "price_decline", "summary"]


class Frontier(NamedTuple):
    """The cheapest-at-the-time points: their dates, prices, and positions in the input arrays."""

    dates: DayArray
    prices: FloatArray
    index: np.ndarray


def _prices(dates: ArrayLike, prices: ArrayLike) -> tuple[DayArray, FloatArray, np.ndarray]:
    days, p, keep = paired(dates, prices, "prices")
    bad = p[keep & (p <= 0)]
    if bad.size:
        raise ValueError(f"prices must be > 0 (a log-linear fit needs positive prices), got {bad[0]!r}")
    idx = np.flatnonzero(keep)
    order = np.argsort(days[idx], kind="stable")
    idx = idx[order]
    return days[idx], p[idx], idx


def frontier_prices(dates: ArrayLike, prices: ArrayLike) -> Frontier:
    """The points that set a new lowest price, in date order (Epoch AI's "cheapest model" selection).

    Parameters
    ----------
    dates, prices : array-like
        Release (or price-change) dates and prices of every model in one capability tier, in any order.
        Prices must be > 0; missing pairs are ignored.

    Returns
    -------
    Frontier
        A point is kept when its price is strictly below every earlier price; among kept points that share
        a date, only the last (cheapest) stays. ``index`` maps back to the input positions (to name models).
    """
    days, p, idx = _prices(dates, prices)
    if p.size == 0:
        return Frontier(days, p, idx)
    prior_min = np.minimum.accumulate(np.concatenate([[np.inf], p[:-1]]))
    new_low = p < prior_min
    days, p, idx = days[new_low], p[new_low], idx[new_low]
    last_of_day = np.append(days[1:] != days[:-1], True)
    return Frontier(days[last_of_day], p[last_of_day], idx[last_of_day])


@dataclass(frozen=True)
class PriceDecline:
    """Rate at which a price falls, from a log-linear fit.

    ``factor_per_year`` = ``exp(-slope)`` (10 means ten times cheaper each year); ``ci`` its interval at
    ``level``. ``halving_time_days`` = ``365.25 * ln 2 / -slope`` and ``halving_time_ci`` (days; the upper
    end is ``inf`` when the interval admits no decline). With two points the estimate exists but the
    intervals are ``nan``; with fewer, everything is ``nan``. Fields for prices that rise are still
    reported (factor < 1, halving time ``nan``).
    """

    factor_per_year: float
    ci: tuple[float, float]
    halving_time_days: float
    halving_time_ci: tuple[float, float]
    slope: float
    slope_stderr: float
    r2: float
    n: int
    level: float
    start: date | None
    end: date | None
    frontier: bool


def _factor(slope: float) -> float:
    """``exp(-slope)`` without overflowing: prices that fall by e^700 a year are simply ``inf``x cheaper."""
    return math.exp(-slope) if -slope < 700 else math.inf


def _halving_days(slope: float) -> float:
    return DAYS_PER_YEAR * math.log(2.0) / -slope if slope < 0 else (math.inf if slope == 0 else NAN)


def price_decline(dates: ArrayLike, prices: ArrayLike, *, frontier: bool = True, level: float = 0.9) -> PriceDecline:
    """Decline factor per year and halving time of a price, with confidence intervals.

    Parameters
    ----------
    dates, prices : array-like
        Models of one capability tier (dates of release or of the price), any order; prices > 0 in a
        consistent unit (e.g. USD per million tokens, blended 3:1 input:output).
    frontier : bool, default True
        Fit only the cheapest-at-the-time points (:func:`frontier_prices`), as Epoch AI does. With False,
        every point is fitted (e.g. one model's price over time).
    level : float, default 0.9
        Confidence level of the intervals (Epoch AI report 90 %).

    Returns
    -------
    PriceDecline
        Fit ``ln p = a + b * years``; the interval for ``b`` is ``b ± t(1 - (1 - level) / 2, n - 2) * se(b)``
        and maps to ``factor`` = ``exp(-b)`` and halving time monotonically.
    """
    lv = check_level(level)
    if frontier:
        pts = frontier_prices(dates, prices)
        days, p = pts.dates, pts.prices
    else:
        days, p, _ = _prices(dates, prices)
    n = int(days.size)
    start, end = (to_date(days[0]), to_date(days[-1])) if n else (None, None)
    nan2 = (NAN, NAN)
    if n < 2 or days[0] == days[-1]:
        return PriceDecline(NAN, nan2, NAN, nan2, NAN, NAN, NAN, n, lv, start, end, frontier)
    years = (days - days[0]).astype(float) / DAYS_PER_YEAR
    fit = ols_rows(years, np.log(p)[None, :])
    b, se, r2 = float(fit.slope[0]), float(fit.slope_stderr[0]), float(fit.r2[0])
    factor = _factor(b)
    halving = _halving_days(b)
    if n >= 3 and math.isfinite(se):
        q = t_quantile_two_sided(lv, n - 2)
        b_lo, b_hi = b - q * se, b + q * se
        ci = (_factor(b_hi), _factor(b_lo))
        # A steeper slope (b_lo) halves faster; a slope at or above zero never halves.
        h_lo = _halving_days(b_lo)
        h_hi = _halving_days(b_hi) if b_hi < 0 else math.inf
        halving_ci = (h_lo, h_hi)
    else:
        ci, halving_ci = nan2, nan2
    return PriceDecline(factor, ci, halving, halving_ci, b, se, r2, n, lv, start, end, frontier)


def summary(frame: pd.DataFrame, *, frontier: bool = True, level: float = 0.9) -> PriceDecline:
    """:func:`price_decline` on an observation frame of prices (columns ``as_of`` and ``value``).

    Rows with a missing value are ignored. Pass one capability tier at a time.
    """
    missing = [c for c in ("as_of", "value") if c not in frame.columns]
    if missing:
        raise ValueError(f"frame must have columns 'as_of' and 'value'; missing {missing}")
    return price_decline(
        frame["as_of"].to_numpy(),
        frame["value"].to_numpy(dtype=float, na_value=np.nan),
        frontier=frontier,
        level=level,
    )


def _t_central(theta: float, df: int) -> float:
    """P(|T| <= sqrt(df) tan(theta)) for Student's t with a whole number of degrees of freedom.

    The finite sums of Abramowitz & Stegun 26.7.3-4 in ``c = cos(theta)``: for odd ``df``,
    ``(2/pi) (theta + sin(theta) (c + (2/3) c^3 + (2*4)/(3*5) c^5 + ...))`` with ``(df - 1) / 2`` terms after
    ``theta``; for even ``df``, ``sin(theta) (1 + (1/2) c^2 + (1*3)/(2*4) c^4 + ...)`` with ``df / 2`` terms. The
    terms only shrink, so the sum stops once they no longer change it.
    """
    s, c = math.sin(theta), math.cos(theta)
    c2 = c * c
    if df % 2:
        if df == 1:
            return 2.0 * theta / math.pi
        term = total = c
        for k in range(1, (df - 1) // 2):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
            if term < 1e-17 * total:
                break
        return 2.0 / math.pi * (theta + s * total)
    term = total = 1.0
    for k in range(1, df // 2):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
        if term < 1e-17 * total:
            break
    return s * total


def t_quantile_two_sided(level: float, df: int) -> float:
    """The ``t`` with P(|T| <= t) = ``level`` for Student's t with ``df`` (a whole number >= 1) degrees of freedom.

    This is ``scipy.stats.t.ppf(1 - (1 - level) / 2, df)``, computed without SciPy (whose import cost a quarter of a
    second of `corevar report`'s start-up for one number): the central probability is a finite sum in
    ``theta = atan(t / sqrt(df))`` (:func:`_t_central`), increasing in ``theta``, solved by bisection to the last
    bit. Agrees with SciPy to about 1e-12 relative (tested).
    """
    if not (0.0 < level < 1.0) or df < 1:
        raise ValueError(f"level must be in (0, 1) and df >= 1; got {level}, {df}")
    lo, hi = 0.0, math.pi / 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _t_central(mid, df) < level:
            lo = mid
        else:
            hi = mid
    return math.sqrt(df) * math.tan(0.5 * (lo + hi))
