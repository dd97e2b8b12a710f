"""Targets: did a company hit the number it aimed for, what would it have taken, and when will it get there?

The bear thesis starts from missed targets ("ChatGPT missed its internal goal of 1 billion weekly active users
by end-2025"). Judging that needs three numbers, each computed without inventing data:

* the gap at the due date — the actual on that day, interpolated only between observations on both sides;
  if nothing was observed after the due date we use the latest observation before it and say so;
* the growth that would have been needed — annualised from a base observation to the target;
* the date the current log-linear trend reaches the target — a projection, labelled as one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import (
    DAYS_PER_YEAR,
    NAN,
    Points,
    as_day,
    check_positive,
    clean,
    frame_points,
    interpolate_points,
    to_date,
)
from corevar.analytics.growth import Trend, _trend_points

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RequiredGrowth",
    "TargetGap",
    "TargetReach",
    "TargetReport",
    "reach_date",
    "required_growth",
    "summary",
    "target_gap",
]

GapBasis = Literal["observed", "interpolated", "latest_before", "no_data"]


def _check_target(target: float) -> float:
    if not (isinstance(target, int | float | np.floating | np.integer) and math.isfinite(target) and target > 0):
        raise ValueError(f"target must be a finite number > 0 (in base units), got {target!r}")
    return float(target)


@dataclass(frozen=True)
class TargetGap:
    """The actual against the target on the due date.

    ``gap = actual - target`` (negative: missed); ``gap_ratio = actual / target - 1``. ``basis`` says where
    ``actual`` comes from: "observed" on the due date, "interpolated" between observations on both sides,
    "latest_before" (nothing observed after the due date yet — ``actual_date`` is earlier), or "no_data"
    (nothing observed on or before the due date; ``actual`` is ``nan``). ``met`` is ``None`` when unknown.
    """

    due: date
    target: float
    actual: float
    actual_date: date | None
    basis: GapBasis
    gap: float
    gap_ratio: float
    met: bool | None
    note: str


def _gap(points: Points, due: np.datetime64, target: float) -> TargetGap:
    due_date = to_date(due)
    assert due_date is not None
    d = points.days
    before = d[d <= due]
    if before.size == 0:
        return TargetGap(
            due_date, target, NAN, None, "no_data", NAN, NAN, None, "no observation on or before the due date"
        )
    basis: GapBasis
    if np.any(d == due):
        actual = float(points.values[d == due][0])
        actual_day, basis, note = due, "observed", "observed on the due date"
    elif due < d[-1]:
        actual = float(interpolate_points(points, np.array([due]))[0])
        lo, hi = before[-1], d[d > due][0]
        actual_day, basis = due, "interpolated"
        note = f"interpolated log-linearly between the observations of {to_date(lo)} and {to_date(hi)}"
    else:
        actual_day = before[-1]
        actual = float(points.values[d == actual_day][0])
        basis = "latest_before"
        lag = int((due - actual_day).astype(int))
        note = (
            f"no observation after the due date; using the latest observation, {to_date(actual_day)} "
            f"({lag} days before the due date)"
        )
    gap = actual - target
    # A "latest before" actual that already meets the target proves it was met; one that falls short
    # does not prove a miss, but it is the best evidence there is and the note says so.
    return TargetGap(
        due_date, target, actual, to_date(actual_day), basis, gap, actual / target - 1.0, bool(actual >= target), note
    )


def target_gap(dates: ArrayLike, values: ArrayLike, due: Any, target: float) -> TargetGap:
    """The gap between the actual and ``target`` on the ``due`` date.

    Parameters
    ----------
    dates, values : array-like
        The actuals (any order; missing pairs dropped; same-day duplicates averaged).
    due : date-like
        The day the target was due (e.g. "2025-12-31").
    target : float
        The target level in base units, > 0.

    Returns
    -------
    TargetGap
        See the class for ``basis``; nothing is extrapolated.
    """
    return _gap(clean(dates, values), as_day(due, "due"), _check_target(target))


@dataclass(frozen=True)
class RequiredGrowth:
    """Annualised growth needed from the base observation to reach the target by the due date.

    ``rate = (target / base_value) ** (1 / years) - 1`` with ``years = (due - base_date) / 365.25``.
    ``achieved`` is the growth actually delivered from the base to the due-date actual (``nan`` when the
    actual on the due date is not known by interpolation or observation).
    """

    rate: float
    base_date: date | None
    base_value: float
    due: date
    target: float
    years: float
    achieved: float


def _required(points: Points, due: np.datetime64, target: float, base: np.datetime64 | None) -> RequiredGrowth:
    due_date = to_date(due)
    assert due_date is not None
    limit = due if base is None else min(base, due)
    mask = points.days < due if base is None else points.days <= limit
    if not mask.any():
        return RequiredGrowth(NAN, None, NAN, due_date, target, NAN, NAN)
    i = int(np.flatnonzero(mask)[-1])
    d0, v0 = points.days[i], float(points.values[i])
    years = float((due - d0).astype(float)) / DAYS_PER_YEAR
    if years <= 0 or v0 <= 0:
        return RequiredGrowth(NAN, to_date(d0), v0, due_date, target, years, NAN)
    rate = (target / v0) ** (1.0 / years) - 1.0
    gap = _gap(points, due, target)
    achieved = NAN
    if gap.basis in ("observed", "interpolated") and gap.actual > 0:
        achieved = (gap.actual / v0) ** (1.0 / years) - 1.0
    return RequiredGrowth(rate, to_date(d0), v0, due_date, target, years, achieved)


def required_growth(
    dates: ArrayLike, values: ArrayLike, due: Any, target: float, *, base_date: Any = None
) -> RequiredGrowth:
    """The annualised growth that reaching ``target`` by ``due`` required from a base observation.

    Parameters
    ----------
    base_date : date-like, optional
        The base is the latest observation on or before this day — pass the day the target was set or
        published to ask "what did the plan require?". By default the base is the latest observation
        strictly before ``due`` ("what is still required?").

    Returns
    -------
    RequiredGrowth
        ``nan`` rate when there is no observation before the base/due date.
    """
    base = None if base_date is None else as_day(base_date, "base_date")
    return _required(clean(dates, values), as_day(due, "due"), _check_target(target), base)


@dataclass(frozen=True)
class TargetReach:
    """When does the series reach the target?

    ``basis`` is "observed" (an observation already reached it: ``date`` is the first such day),
    "projection" (the recent log-linear growth rate, continued from the latest observation, reaches it on
    ``date`` — an extrapolation, to be shown as such), "never" (the trend is flat or falling) or "no_data"
    (fewer than two observations).
    ``years_after_latest`` counts from the latest observation.
    """

    date: date | None
    basis: Literal["observed", "projection", "never", "no_data"]
    projection: bool
    years_after_latest: float
    trend: Trend
    note: str


_MAX_PROJECTION_YEARS = 1000.0


def _reach(points: Points, target: float, window_days: float | None) -> TargetReach:
    empty = Trend(NAN, NAN, NAN, int(points.days.size), None, None, NAN)
    if points.days.size and np.any(points.values >= target):
        i = int(np.flatnonzero(points.values >= target)[0])
        years = float((points.days[i] - points.days[-1]).astype(float)) / DAYS_PER_YEAR
        return TargetReach(
            to_date(points.days[i]),
            "observed",
            False,
            years,
            empty,
            f"first observed at or above the target on {to_date(points.days[i])}",
        )
    window = points
    if window_days is not None and points.days.size:
        keep = points.days >= points.days[-1] - np.timedelta64(round(window_days), "D")
        keep[-2:] = True  # a trend needs two points: widen a window that holds fewer
        window = Points(points.days[keep], points.values[keep])
    if window.days.size < 2:
        return TargetReach(None, "no_data", False, NAN, empty, "fewer than two observations")
    fitted = _trend_points(window)
    if not (fitted.slope > 0):
        return TargetReach(
            None,
            "never",
            False,
            NAN,
            fitted,
            f"the log-linear trend is not rising ({fitted.annual_growth:+.1%}/yr); it never reaches the target",
        )
    latest = float(points.values[-1])
    years = math.log(target / latest) / fitted.slope
    if years > _MAX_PROJECTION_YEARS:
        return TargetReach(
            None,
            "never",
            True,
            years,
            fitted,
            f"the trend reaches the target only after more than {_MAX_PROJECTION_YEARS:g} years",
        )
    day = points.days[-1] + np.timedelta64(round(years * DAYS_PER_YEAR), "D")
    return TargetReach(
        to_date(day),
        "projection",
        True,
        years,
        fitted,
        f"projection: at the log-linear trend's {fitted.annual_growth:+.1%}/yr (fitted over "
        f"{to_date(window.days[0])}–{to_date(window.days[-1])}, r2 {fitted.r2:.2f}) from the latest "
        f"observation ({to_date(points.days[-1])}), the target is reached on {to_date(day)}",
    )


def reach_date(dates: ArrayLike, values: ArrayLike, target: float, *, window_days: float | None = 365) -> TargetReach:
    """The day the series reaches ``target``: observed if it already has, else projected by its current trend.

    The "current trend" is the log-linear fit ``ln v = a + b * years`` over the observations within
    ``window_days`` of the latest one (365 by default; at least the last two observations; ``None`` = all).
    The projection continues that growth rate ``b`` from the latest observation ``(d_last, v_last)``:
    ``d_last + ln(target / v_last) / b`` years. Why from the latest value and not from the fitted line: when
    growth slows the line runs above the data and would "reach" the target on a day already observed below
    it. It is an extrapolation by design and is labelled ``projection=True``.
    """
    t = _check_target(target)
    if window_days is not None:
        check_positive(window_days, "window_days")
    return _reach(clean(dates, values), t, window_days)


@dataclass(frozen=True)
class TargetReport:
    """Everything about one target: the gap, the growth required, and when the trend gets there."""

    gap: TargetGap
    required: RequiredGrowth
    reach: TargetReach


def summary(
    frame: pd.DataFrame,
    due: Any,
    target: float,
    *,
    base_date: Any = None,
    window_days: float | None = 365,
) -> TargetReport:
    """:func:`target_gap`, :func:`required_growth` and :func:`reach_date` on an observation frame."""
    points = frame_points(frame)
    day = as_day(due, "due")
    t = _check_target(target)
    base = None if base_date is None else as_day(base_date, "base_date")
    if window_days is not None:
        check_positive(window_days, "window_days")
    return TargetReport(_gap(points, day, t), _required(points, day, t, base), _reach(points, t, window_days))
