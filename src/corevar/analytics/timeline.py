"""Time on the calendar: the day count and the interpolation rule every other analytic uses.

Observations of the AI race arrive at uneven dates (a blog post in February, a leak in May, an earnings call
in July). To compare them we need one day count and one rule for "the value on day D". Both are fixed here so
that growth, targets and unit economics agree with each other:

* years between two dates = calendar days / 365.25 (ACT/365.25);
* the value on a day between two observations is interpolated log-linearly (geometrically), because users,
  revenue and prices move multiplicatively; the value outside the observed range is ``nan`` — never a silent
  extrapolation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import (
    DAYS_PER_YEAR,
    FloatArray,
    as_days,
    clean,
    interpolate_points,
    scalar_or_array,
)

__all__ = ["DAYS_PER_YEAR", "interpolate", "years_between"]


def years_between(start: Any, end: Any) -> float | FloatArray:
    """Years from ``start`` to ``end`` under ACT/365.25 (negative when ``end`` is earlier).

    Parameters
    ----------
    start, end : date-like or array of date-likes
        Anything ``numpy.asarray(..., "datetime64[D]")`` accepts; broadcast against each other.

    Returns
    -------
    float or ndarray
        ``(end - start)`` in days divided by 365.25; ``nan`` where either date is missing.
    """
    s = as_days(start, "start")
    e = as_days(end, "end")
    days = (e - s).astype("timedelta64[D]")
    out = np.where(np.isnat(days), np.nan, days.astype(float)) / DAYS_PER_YEAR
    return scalar_or_array(out)


def interpolate(dates: ArrayLike, values: ArrayLike, at: Any, *, log: bool = True) -> float | FloatArray:
    """The series' value on the day(s) ``at``, without extrapolating.

    Parameters
    ----------
    dates, values : array-like
        The observations, in any order; missing pairs are dropped, same-day duplicates averaged.
    at : date-like or array of date-likes
        The day(s) wanted.
    log : bool, default True
        Interpolate geometrically between two positive neighbours (linear otherwise). Why: a series that
        grew from 100 to 400 in two years was at 200 after one year if it grew at a steady rate.

    Returns
    -------
    float or ndarray
        The observed value on an observation day, the interpolated value between the first and last
        observation, and ``nan`` outside them.
    """
    points = clean(dates, values)
    out = interpolate_points(points, as_days(at, "at"), log=log)
    return scalar_or_array(out)
