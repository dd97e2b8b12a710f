"""Growth of a core variable: how fast, whether it is speeding up, and where the trend points.

The seed's first question is "is demand still growing, or has it peaked?". Answering it from a handful of
unevenly spaced observations needs growth measures that respect the calendar: the same +20 % means something
different over one month and over one year. Every rate here is annualised with ACT/365.25 (see
:mod:`corevar.analytics.timeline`), simple growth is ``v1 / v0 - 1`` and log growth is ``ln(v1 / v0)``.

Array functions (:func:`period_growth`, :func:`annualised_growth`, :func:`cagr_between`, :func:`log_growth`)
accept ``values`` of shape ``(n,)`` or ``(k, n)`` (k series sharing the same ``n`` dates) so that thousands
of series are handled in one vectorised pass.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import (
    DAYS_PER_YEAR,
    NAN,
    FloatArray,
    Points,
    as_days,
    as_floats,
    check_nonnegative,
    check_positive,
    clean,
    frame_points,
    interpolate_points,
    ols_rows,
    require_positive,
    row_blocks,
    scalar_or_array,
    to_date,
    trailing_rate,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Acceleration",
    "GrowthSummary",
    "Trend",
    "acceleration",
    "annualised_growth",
    "cagr",
    "cagr_between",
    "doubling_time",
    "log_growth",
    "period_growth",
    "summary",
    "trailing_growth",
    "trend",
]

Direction = Literal["up", "down", "flat"]


def _series_values(values: ArrayLike) -> FloatArray:
    v = as_floats(values, "values")
    if v.ndim not in (1, 2):
        raise ValueError(f"values must be a 1-D series or a 2-D array of series (rows), got shape {v.shape}")
    return v


def _shared_days(dates: ArrayLike, values: FloatArray) -> np.ndarray:
    days = as_days(dates, "dates")
    if days.ndim != 1:
        raise ValueError(f"dates must be one-dimensional, got shape {days.shape}")
    if values.shape[-1] != days.size:
        raise ValueError(
            f"values must have one entry per date along the last axis; got {values.shape[-1]} for {days.size} dates"
        )
    return days


def period_growth(values: ArrayLike) -> FloatArray:
    """Simple growth from each observation to the next, ``v[i] / v[i-1] - 1``.

    Parameters
    ----------
    values : array-like of float, shape (n,) or (k, n)
        Chronological observations in base units (rows are separate series).

    Returns
    -------
    ndarray, same shape as ``values``
        The first entry of each row is ``nan`` (no previous value), as is any entry whose previous value is
        missing or <= 0 (growth from zero or a negative level is undefined). Why same shape: the result
        lines up with the dates, like ``pandas.Series.pct_change``.
    """
    v = _series_values(values)
    v2 = np.atleast_2d(v)
    out = np.empty(v2.shape)
    out[:, :1] = np.nan
    for rows in row_blocks(*v2.shape):
        prev, cur = v2[rows, :-1], v2[rows, 1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[rows, 1:] = np.where(prev > 0, cur / prev - 1.0, np.nan)
    return out.reshape(v.shape)


def annualised_growth(dates: ArrayLike, values: ArrayLike) -> FloatArray:
    """Growth from each observation to the next, annualised over the days between them.

    ``(v[i] / v[i-1]) ** (365.25 / days) - 1`` with ``days = dates[i] - dates[i-1]``.

    Parameters
    ----------
    dates : array-like of dates, shape (n,)
        Observation dates in chronological order (shared by every row of ``values``).
    values : array-like of float, shape (n,) or (k, n)

    Returns
    -------
    ndarray, same shape as ``values``
        ``nan`` in the first column, where either value is missing or <= 0, and where the dates do not
        advance. Why: irregular reporting makes raw period growth incomparable; annualising puts a
        one-month jump and a one-year climb on the same scale (very short gaps can give huge numbers —
        that is the arithmetic, not an error).
    """
    v = _series_values(values)
    days = _shared_days(dates, v)
    gaps = np.diff(days).astype("timedelta64[D]")
    years = np.where(np.isnat(gaps), np.nan, gaps.astype(float)) / DAYS_PER_YEAR
    inverse_years = np.where(years > 0, 1.0 / np.where(years > 0, years, 1.0), np.nan)
    v2 = np.atleast_2d(v)
    out = np.empty(v2.shape)
    out[:, :1] = np.nan
    for rows in row_blocks(*v2.shape):
        prev, cur = v2[rows, :-1], v2[rows, 1:]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ok = (prev > 0) & (cur > 0)
            ratio = np.where(ok, cur / np.where(ok, prev, 1.0), np.nan)
            out[rows, 1:] = np.expm1(np.log(ratio) * inverse_years)
    return out.reshape(v.shape)


def cagr(values: ArrayLike, years: float) -> float:
    """Compound annual growth rate from first to last finite value.

    Parameters
    ----------
    values : array-like of float
        Chronological observations in base units.
    years : float
        Span between first and last observation; must be > 0.

    Returns
    -------
    float
        0.5 means +50 %/yr; ``nan`` if fewer than two finite values.
    """
    v = as_floats(values, "values").ravel()
    v = v[np.isfinite(v)]
    if v.size < 2:
        return NAN
    if not (isinstance(years, numbers.Real) and math.isfinite(years) and years > 0):
        raise ValueError(f"years must be > 0, got {years!r}")
    if v[0] <= 0:
        raise ValueError(f"values must start with a positive value for a growth rate; got first={v[0]!r}")
    if v[-1] < 0:
        raise ValueError(f"values must end with a value >= 0 for a growth rate; got last={v[-1]!r}")
    return float((v[-1] / v[0]) ** (1.0 / years) - 1.0)


def cagr_between(dates: ArrayLike, values: ArrayLike) -> float | FloatArray:
    """CAGR from the earliest to the latest finite observation, with the span taken from the dates.

    ``(v_last / v_first) ** (1 / years) - 1`` where ``years = (date_last - date_first) / 365.25``
    (ACT/365.25: calendar days over 365.25, so leap years need no special case).

    Parameters
    ----------
    dates : array-like of dates, shape (n,)
        Any order; shared by every row of ``values``.
    values : array-like of float, shape (n,) or (k, n)

    Returns
    -------
    float for one series, ndarray of shape (k,) for k rows
        ``nan`` with fewer than two finite observations or when they fall on the same day.

    Raises
    ------
    ValueError
        If the first finite value of a series is <= 0 or the last is < 0 (growth from a non-positive level
        is not a rate; growth to zero is -100 %).
    """
    v = _series_values(values)
    days = _shared_days(dates, v)
    order = np.argsort(days, kind="stable")
    in_order = bool(np.all(order == np.arange(order.size)))
    days = days[order]
    valid_day = ~np.isnat(days)
    v2 = np.atleast_2d(v)
    k = v2.shape[0]
    v0, v1 = np.full(k, np.nan), np.full(k, np.nan)
    first, last = np.zeros(k, dtype=np.intp), np.zeros(k, dtype=np.intp)
    has = np.zeros(k, dtype=bool)
    for rows in row_blocks(*v2.shape):
        block = v2[rows] if in_order else v2[rows][:, order]
        finite = np.isfinite(block) & valid_day
        has[rows] = finite.sum(axis=1) >= 2
        first[rows] = np.argmax(finite, axis=1)
        last[rows] = block.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
        idx = np.arange(block.shape[0])
        v0[rows], v1[rows] = block[idx, first[rows]], block[idx, last[rows]]
    bad_rows = has & ((v0 <= 0) | (v1 < 0))
    if np.any(bad_rows):
        bad = int(np.flatnonzero(bad_rows)[0])
        raise ValueError(
            "values must be > 0 at the first observation and >= 0 at the last for a growth rate; "
            f"got first={v0[bad]!r}, last={v1[bad]!r}" + (f" in row {bad}" if v.ndim == 2 else "")
        )
    span = days[last] - days[first]
    years = np.where(has, span.astype("timedelta64[D]").astype(float), np.nan) / DAYS_PER_YEAR
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(has & (years > 0), np.power(np.where(has, v1 / v0, 1.0), 1.0 / years) - 1.0, np.nan)
    return float(out[0]) if v.ndim == 1 else out


def log_growth(dates: ArrayLike, values: ArrayLike) -> float | FloatArray:
    """Annual log growth of the least-squares log-linear trend, ``b`` in ``ln v = a + b * years``.

    Why a fit and not two endpoints: one noisy or restated observation at either end moves an endpoint
    CAGR a lot; the fit uses every observation. ``exp(b) - 1`` is the equivalent simple annual growth.

    Parameters
    ----------
    dates : array-like of dates, shape (n,)
    values : array-like of float, shape (n,) or (k, n); every finite value must be > 0

    Returns
    -------
    float for one series, ndarray of shape (k,) for k rows
        ``nan`` with fewer than two finite observations on distinct days.
    """
    v = _series_values(values)
    days = _shared_days(dates, v)
    finite = v[np.isfinite(v)]
    require_positive(finite, "values", "for a log-linear trend")
    nat = np.isnat(days)
    base = days[~nat].min() if (~nat).any() else np.datetime64("1970-01-01")
    x = np.where(nat, 0.0, (days - base).astype(float)) / DAYS_PER_YEAR
    v2 = np.atleast_2d(v)
    slope = np.full(v2.shape[0], np.nan)
    for rows in row_blocks(*v2.shape):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(v2[rows])
        if nat.any():
            y[:, nat] = np.nan
        slope[rows] = ols_rows(x, y).slope
    return float(slope[0]) if v.ndim == 1 else slope


def doubling_time(growth: float | ArrayLike) -> float | FloatArray:
    """Years a quantity growing at simple annual rate ``growth`` takes to double: ``ln 2 / ln(1 + growth)``.

    Parameters
    ----------
    growth : float or array-like
        Simple annual growth (0.5 = +50 %/yr), e.g. from :func:`cagr_between`.

    Returns
    -------
    float or ndarray
        Years; ``nan`` where growth <= 0 (a series that is not growing never doubles) or is missing.

    Raises
    ------
    ValueError
        If any growth is <= -1 (a level cannot fall by 100 % or more and stay a level).
    """
    g = as_floats(growth, "growth")
    if np.any(g <= -1):
        raise ValueError(f"growth must be > -1 (a fraction, 0.5 = +50 %/yr), got {g[g <= -1].ravel()[0]!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(g > 0, math.log(2.0) / np.log1p(np.where(g > 0, g, 1.0)), np.nan)
    return scalar_or_array(out)


@dataclass(frozen=True)
class Trend:
    """A log-linear trend ``ln v = intercept + slope * years`` fitted by least squares.

    ``years`` counts from ``origin`` under ACT/365.25. ``slope`` is continuous annual log growth;
    :attr:`annual_growth` is the same as a simple rate.
    """

    slope: float
    intercept: float
    r2: float
    n: int
    origin: date | None
    end: date | None
    slope_stderr: float

    @property
    def annual_growth(self) -> float:
        """Simple annual growth implied by the slope, ``exp(slope) - 1``."""
        return math.expm1(self.slope) if math.isfinite(self.slope) else NAN

    @property
    def doubling_time(self) -> float:
        """Years to double at the trend's rate; ``nan`` when the trend is not rising."""
        return math.log(2.0) / self.slope if self.slope > 0 else NAN

    def project(self, when: Any) -> float | FloatArray:
        """The trend's value on ``when`` (a date or array of dates).

        This is a projection: unlike the rest of the module it extrapolates on purpose, before ``origin``
        and after ``end``. Callers that show it must label it as a projection.
        """
        if self.origin is None:
            days = as_days(when, "when")
            return scalar_or_array(np.full(days.shape, np.nan))
        days = as_days(when, "when")
        years = (days - np.datetime64(self.origin, "D")).astype("timedelta64[D]")
        t = np.where(np.isnat(years), np.nan, years.astype(float)) / DAYS_PER_YEAR
        with np.errstate(over="ignore"):
            return scalar_or_array(np.exp(self.intercept + self.slope * t))

    def years_to(self, level: float) -> float:
        """Years after ``origin`` at which the trend equals ``level`` (``nan`` if it never does)."""
        if not (level > 0 and math.isfinite(self.slope) and self.slope != 0):
            return NAN
        return (math.log(level) - self.intercept) / self.slope


def _trend_points(points: Points) -> Trend:
    if points.values.size:
        require_positive(points.values, "values", "for a log-linear trend")
    if points.days.size < 2:
        origin = to_date(points.days[0]) if points.days.size else None
        return Trend(NAN, NAN, NAN, int(points.days.size), origin, origin, NAN)
    fit = ols_rows(points.years, np.log(points.values)[None, :])
    return Trend(
        slope=float(fit.slope[0]),
        intercept=float(fit.intercept[0]),
        r2=float(fit.r2[0]),
        n=int(fit.n[0]),
        origin=to_date(points.days[0]),
        end=to_date(points.days[-1]),
        slope_stderr=float(fit.slope_stderr[0]),
    )


def trend(dates: ArrayLike, values: ArrayLike) -> Trend:
    """Fit ``ln v = a + b * years`` to one series (years since its first observation, ACT/365.25).

    Parameters
    ----------
    dates, values : array-like, shape (n,)
        Observations in any order; missing pairs dropped, same-day duplicates averaged. Values must be > 0.

    Returns
    -------
    Trend
        slope/intercept/r2/n and a :meth:`Trend.project` method; fields are ``nan`` with fewer than two
        observations on distinct days. ``r2`` is ``nan`` when all values are equal.
    """
    return _trend_points(clean(dates, values))


def trailing_growth(dates: ArrayLike, values: ArrayLike, *, window_days: float = 365) -> float:
    """Annualised growth over the last ``window_days`` up to the latest observation.

    The window's start value is interpolated log-linearly between the observations around
    ``latest - window_days``; if the data begin later, the window starts at the first observation (so
    a series younger than the window reports its growth since inception). Never extrapolated.

    Returns
    -------
    float
        Simple annual growth; ``nan`` with fewer than two observations or a non-positive endpoint.
    """
    check_positive(window_days, "window_days")
    return trailing_rate(clean(dates, values), window_days)[0]


@dataclass(frozen=True)
class Acceleration:
    """Is growth speeding up or slowing down?

    ``earlier`` and ``later`` are annual log growth rates over the first and second half of the window
    (split at the calendar midpoint); ``change = later - earlier`` in log points per year.
    """

    earlier: float
    later: float
    change: float
    direction: Literal["speeding_up", "slowing", "steady", "unknown"]
    midpoint: date | None
    n: int


def _acceleration(points: Points, tolerance: float) -> Acceleration:
    n = int(points.days.size)
    if n < 3:
        return Acceleration(NAN, NAN, NAN, "unknown", None, n)
    require_positive(points.values, "values", "for log growth")
    d0, d1 = points.days[0], points.days[-1]
    mid = d0 + (d1 - d0) // 2
    vm = float(interpolate_points(points, np.array([mid]))[0])
    t_early = float((mid - d0).astype(float)) / DAYS_PER_YEAR
    t_late = float((d1 - mid).astype(float)) / DAYS_PER_YEAR
    earlier = math.log(vm / float(points.values[0])) / t_early
    later = math.log(float(points.values[-1]) / vm) / t_late
    change = later - earlier
    direction: Literal["speeding_up", "slowing", "steady", "unknown"]
    if change > tolerance:
        direction = "speeding_up"
    elif change < -tolerance:
        direction = "slowing"
    else:
        direction = "steady"
    return Acceleration(earlier, later, change, direction, to_date(mid), n)


def acceleration(dates: ArrayLike, values: ArrayLike, *, tolerance: float = 0.05) -> Acceleration:
    """Change in annual log growth between the earlier and the later half of the window.

    The window runs from the first to the last observation and is split at its calendar midpoint ``m``;
    the value on ``m`` is interpolated log-linearly. Then::

        earlier = ln(v(m) / v_first) / years(first, m)
        later   = ln(v_last / v(m)) / years(m, last)
        change  = later - earlier

    Why log rates: they add up over time, so ``change`` has a clean meaning (0.3 = growth is 30 log points
    per year faster in the second half), and a series growing at a steady rate scores exactly 0.

    Parameters
    ----------
    tolerance : float, default 0.05
        ``|change|`` at or below this reads as "steady".

    Returns
    -------
    Acceleration
        ``direction`` is "unknown" and the numbers ``nan`` with fewer than three observations (two points
        cannot show a change of pace).
    """
    check_nonnegative(tolerance, "tolerance")
    return _acceleration(clean(dates, values), tolerance)


@dataclass(frozen=True)
class GrowthSummary:
    """The growth scorecard of one series: where it is, how fast it moves, and whether it is speeding up."""

    latest_value: float
    latest_date: date | None
    first_date: date | None
    n: int
    annual_growth: float
    window_start: date | None
    direction: Direction | Literal["unknown"]
    acceleration: Acceleration
    trend: Trend


def summary(
    frame: pd.DataFrame,
    *,
    window_days: float = 365,
    flat: float = 0.02,
    tolerance: float = 0.05,
) -> GrowthSummary:
    """Growth scorecard of an observation frame (columns ``as_of`` and ``value``; other columns ignored).

    Parameters
    ----------
    frame : pandas.DataFrame
        One resolved series, e.g. from :func:`corevar.frame.series`.
    window_days : float, default 365
        Trailing window for ``annual_growth`` (see :func:`trailing_growth`).
    flat : float, default 0.02
        ``|annual_growth| <= flat`` reads as direction "flat" (±2 %/yr).
    tolerance : float, default 0.05
        Passed to :func:`acceleration`.

    Returns
    -------
    GrowthSummary
        ``direction`` is "unknown" and the rates ``nan`` with fewer than two observations.
    """
    check_positive(window_days, "window_days")
    check_nonnegative(flat, "flat")
    check_nonnegative(tolerance, "tolerance")
    points = frame_points(frame)
    n = int(points.days.size)
    if n == 0:
        return GrowthSummary(
            NAN,
            None,
            None,
            0,
            NAN,
            None,
            "unknown",
            Acceleration(NAN, NAN, NAN, "unknown", None, 0),
            Trend(NAN, NAN, NAN, 0, None, None, NAN),
        )
    rate, start = trailing_rate(points, window_days)
    direction: Direction | Literal["unknown"]
    if not math.isfinite(rate):
        direction = "unknown"
    elif rate > flat:
        direction = "up"
    elif rate < -flat:
        direction = "down"
    else:
        direction = "flat"
    positive = bool(np.all(points.values > 0))
    accel = _acceleration(points, tolerance) if positive else Acceleration(NAN, NAN, NAN, "unknown", None, n)
    fitted = _trend_points(points) if positive else Trend(NAN, NAN, NAN, n, None, None, NAN)
    return GrowthSummary(
        latest_value=float(points.values[-1]),
        latest_date=to_date(points.days[-1]),
        first_date=to_date(points.days[0]),
        n=n,
        annual_growth=rate,
        window_start=start,
        direction=direction,
        acceleration=accel,
        trend=fitted,
    )
