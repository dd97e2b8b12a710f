"""Shared plumbing for the analytics modules: argument checking, cleaning and the small OLS core.

Everything here is private. The public conventions it enforces are documented once in ``docs/formulas.md``:

* dates are calendar days (``datetime64[D]``); time in years is ``days / 365.25`` (ACT/365.25);
* a series is cleaned by dropping pairs whose date is missing or whose value is not finite, sorting by date
  (stable) and collapsing observations that share a date to their arithmetic mean;
* a wrong argument raises ``ValueError`` whose message starts with the argument's name.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

DAYS_PER_YEAR = 365.25
"""Day count used everywhere: ACT/365.25, so a leap cycle of four years is exactly 4.0 years."""

NAN = float("nan")

FloatArray = NDArray[np.float64]
DayArray = NDArray[np.datetime64]


BLOCK_ELEMENTS = 1 << 16
"""Elements per block when a function walks a (series x points) array: the temporaries of one block stay in
the CPU cache, which makes row-wise arithmetic several times faster than one pass over a large array."""


def row_blocks(rows: int, cols: int) -> Iterator[slice]:
    """Slices of consecutive rows holding about :data:`BLOCK_ELEMENTS` elements each."""
    step = max(1, BLOCK_ELEMENTS // max(cols, 1))
    for lo in range(0, rows, step):
        yield slice(lo, min(lo + step, rows))


def as_days(dates: ArrayLike, name: str = "dates") -> DayArray:
    """``dates`` as a ``datetime64[D]`` array (any shape); a clear ``ValueError`` naming ``name`` otherwise."""
    try:
        days = np.asarray(dates, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be dates (datetime64, ISO 'YYYY-MM-DD' strings, date or Timestamp objects); {exc}"
        ) from None
    return days


def as_day(when: Any, name: str) -> np.datetime64:
    """One date as ``datetime64[D]``; ``ValueError`` naming ``name`` when it is not a single valid date."""
    day = as_days(when, name)
    if day.ndim != 0 or np.isnat(day):
        raise ValueError(f"{name} must be a single date, got {when!r}")
    return day[()]


def as_floats(values: ArrayLike, name: str = "values") -> FloatArray:
    """``values`` as a float64 array (a copy is never written to); ``ValueError`` naming ``name`` otherwise."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers; {exc}") from None
    return arr


def check_level(level: float, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1."""
    if not (isinstance(level, numbers.Real) and 0.0 < float(level) < 1.0):
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {level!r}")
    return float(level)


def check_positive(x: float, name: str) -> float:
    """A finite number > 0."""
    if not (isinstance(x, numbers.Real) and math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return float(x)


def check_nonnegative(x: float, name: str) -> float:
    """A finite number >= 0."""
    if not (isinstance(x, numbers.Real) and math.isfinite(x) and x >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


def to_date(day: np.datetime64 | None) -> date | None:
    """A ``datetime64[D]`` scalar as ``datetime.date`` (``None`` for NaT/None) for result objects."""
    if day is None or np.isnat(day):
        return None
    return day.astype("datetime64[D]").astype(date)


class Points(NamedTuple):
    """A cleaned series: strictly increasing dates and their finite values."""

    days: DayArray
    values: FloatArray

    @property
    def years(self) -> FloatArray:
        """Years since the first observation (ACT/365.25)."""
        if self.days.size == 0:
            return np.empty(0)
        return (self.days - self.days[0]).astype(float) / DAYS_PER_YEAR


def paired(dates: ArrayLike, values: ArrayLike, name: str) -> tuple[DayArray, FloatArray, np.ndarray]:
    """``dates`` and ``values`` as 1-D arrays of equal length, and the mask of pairs with both present.

    Raises ``ValueError`` naming ``name`` when the shapes do not pair up.
    """
    days = as_days(dates, "dates")
    vals = as_floats(values, name)
    if days.ndim != 1:
        raise ValueError(f"dates must be one-dimensional, got shape {days.shape}")
    if vals.shape != days.shape:
        raise ValueError(f"{name} must have one entry per date; got {vals.size} {name} for {days.size} dates")
    return days, vals, ~np.isnat(days) & np.isfinite(vals)


def clean(dates: ArrayLike, values: ArrayLike) -> Points:
    """Pair ``dates`` with ``values``, drop missing pairs, sort by date and average same-day duplicates.

    Why: observations arrive unordered and sometimes twice for a day (two sources after conflict resolution);
    every series function needs one value per day in order. The inputs are never modified.
    """
    days, vals, keep = paired(dates, values, "values")
    days, vals = days[keep], vals[keep]
    order = np.argsort(days, kind="stable")
    days, vals = days[order], vals[order]
    if days.size > 1 and np.any(days[1:] == days[:-1]):
        uniq, inverse, counts = np.unique(days, return_inverse=True, return_counts=True)
        sums = np.zeros(uniq.size)
        np.add.at(sums, inverse, vals)
        days, vals = uniq, sums / counts
    return Points(days, vals)


def require_positive(values: FloatArray, name: str, why: str) -> None:
    """``ValueError`` naming ``name`` when any value is <= 0 (growth and log fits need positive levels)."""
    bad = values[values <= 0]
    if bad.size:
        raise ValueError(f"{name} must be > 0 {why}; got {bad[0]!r}")


def frame_points(frame: pd.DataFrame) -> Points:
    """The ``as_of``/``value`` columns of an observation frame as cleaned :class:`Points`."""
    missing = [c for c in ("as_of", "value") if c not in getattr(frame, "columns", ())]
    if missing:
        raise ValueError(f"frame must have columns 'as_of' and 'value'; missing {missing}")
    return clean(frame["as_of"].to_numpy(), frame["value"].to_numpy(dtype=float, na_value=np.nan))


class OLS(NamedTuple):
    """Ordinary least squares of y on x, row by row. Fields are arrays of shape ``(rows,)``."""

    slope: FloatArray
    intercept: FloatArray
    slope_stderr: FloatArray
    r2: FloatArray
    n: NDArray[np.int64]


def ols_rows(x: FloatArray, y: FloatArray) -> OLS:
    """Simple linear regression of each row of ``y`` (shape ``(k, m)``) on ``x`` (shape ``(m,)``).

    Non-finite ``y`` entries are left out of their row. Why vectorised: the benchmark and the bootstrap fit
    thousands of rows at once; one pass of array arithmetic beats a Python loop by orders of magnitude.
    ``slope`` and ``intercept`` are ``nan`` with fewer than two points or no spread in ``x``; ``slope_stderr``
    is ``nan`` with fewer than three points (no residual degree of freedom); ``r2`` is ``nan`` when ``y`` has
    no spread.
    """
    y = np.atleast_2d(y)
    mask = np.isfinite(y)
    w = mask.astype(float)
    n = mask.sum(axis=1)
    yz = np.where(mask, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = (w * x).sum(axis=1) / n
        ym = yz.sum(axis=1) / n
        dx = (x[None, :] - xm[:, None]) * w
        dy = (yz - ym[:, None]) * w
        sxx = (dx * dx).sum(axis=1)
        sxy = (dx * dy).sum(axis=1)
        syy = (dy * dy).sum(axis=1)
        ok = (n >= 2) & (sxx > 0)
        slope = np.where(ok, sxy / np.where(ok, sxx, 1.0), np.nan)
        intercept = np.where(ok, ym - slope * xm, np.nan)
        sse = np.maximum(syy - slope * sxy, 0.0)
        dof = n - 2
        stderr = np.where(ok & (dof > 0), np.sqrt(sse / np.maximum(dof, 1) / np.where(ok, sxx, 1.0)), np.nan)
        r2 = np.where(ok & (syy > 0), 1.0 - sse / np.where(syy > 0, syy, 1.0), np.nan)
    return OLS(slope, intercept, stderr, r2, n.astype(np.int64))


def interpolate_points(points: Points, at: DayArray, *, log: bool = True) -> FloatArray:
    """Values of ``points`` at the days ``at``: exact on an observation, interpolated between two, nan outside.

    Interpolation is log-linear (geometric) between two positive neighbours, because the quantities we track
    grow multiplicatively; it falls back to linear when either neighbour is <= 0 or ``log`` is False. Nothing
    is extrapolated: a day before the first or after the last observation gives ``nan``.
    """
    at = np.asarray(at, dtype="datetime64[D]")
    out = np.full(at.shape, np.nan)
    d, v = points.days, points.values
    if d.size == 0:
        return out
    valid = ~np.isnat(at)
    inside = valid & (at >= d[0]) & (at <= d[-1])
    if d.size == 1:
        out[inside] = v[0]
        return out
    x = (at[inside] - d[0]).astype(float)
    xs = (d - d[0]).astype(float)
    j = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, d.size - 2)
    x0, x1, y0, y1 = xs[j], xs[j + 1], v[j], v[j + 1]
    w = (x - x0) / (x1 - x0)
    with np.errstate(invalid="ignore", divide="ignore"):
        geometric = log & (y0 > 0) & (y1 > 0)
        res = np.where(geometric, y0 * np.power(np.where(geometric, y1 / y0, 1.0), w), y0 + w * (y1 - y0))
    res = np.where(w == 0.0, y0, np.where(w == 1.0, y1, res))
    out[inside] = res
    return out


def trailing_rate(points: Points, window_days: float) -> tuple[float, date | None]:
    """Annualised simple growth from ``latest - window_days`` to the latest observation, and the start day.

    The start value is interpolated (log-linearly) ``window_days`` before the latest observation when that
    day lies inside the data; otherwise the window is shortened to start at the first observation.
    Returns ``(nan, None)`` with fewer than two observations and ``nan`` when an endpoint is <= 0.
    """
    if points.days.size < 2:
        return NAN, None
    end = points.days[-1]
    start = end - np.timedelta64(round(window_days), "D")
    if start >= points.days[0]:
        v0 = float(interpolate_points(points, np.array([start]))[0])
    else:
        start, v0 = points.days[0], float(points.values[0])
    v1 = float(points.values[-1])
    years = float((end - start).astype(float)) / DAYS_PER_YEAR
    if years <= 0 or not (v0 > 0 and v1 > 0):
        return NAN, to_date(start)
    log_rate = math.log(v1 / v0) / years
    return (math.expm1(log_rate) if log_rate < 700 else math.inf), to_date(start)


def scalar_or_array(arr: FloatArray) -> float | FloatArray:
    """A 0-d result as a Python float, anything else unchanged."""
    return float(arr) if np.ndim(arr) == 0 else arr
