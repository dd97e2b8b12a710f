"""Unit economics: is usage turning into money, and is compute turning into cash?

The rebuttal's second point (R2) is that the whole industry burns cash and what differs is compute-to-cash
conversion. These ratios make that comparable across labs. All functions are element-wise: scalars give a
float, arrays (broadcast against each other) give an array. A ratio with a zero denominator is ``nan``
(undefined), never ``inf``; a negative count or spend is a wrong argument and raises ``ValueError``.

To combine two series observed on different days (revenue in June, users in August), use
:func:`aligned_ratio`, which interpolates the denominator log-linearly between its observations and never
extrapolates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import FloatArray, as_floats, frame_points, interpolate_points, scalar_or_array

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "aligned_ratio",
    "burn_multiple",
    "commitment_coverage",
    "paid_conversion",
    "revenue_per_compute_dollar",
    "revenue_per_user",
]


def _nonnegative(x: ArrayLike, name: str) -> FloatArray:
    arr = as_floats(x, name)
    bad = arr[arr < 0]
    if bad.size:
        raise ValueError(f"{name} must be >= 0, got {bad.ravel()[0]!r}")
    return arr


def _ratio(num: FloatArray, den: FloatArray) -> float | FloatArray:
    num, den = np.broadcast_arrays(num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
    return scalar_or_array(out)


def revenue_per_user(revenue: ArrayLike, users: ArrayLike) -> float | FloatArray:
    """Revenue divided by users, e.g. annualised revenue per weekly active user (ARPU).

    Why: user counts and revenue tell opposite stories in the seed; their ratio says whether each user is
    worth more or less over time. Units follow the inputs (USD/yr per user for ARR and WAU).
    """
    return _ratio(as_floats(revenue, "revenue"), _nonnegative(users, "users"))


def paid_conversion(paying: ArrayLike, users: ArrayLike) -> float | FloatArray:
    """Share of users who pay, ``paying / users`` (0.05 = 5 %).

    Not capped at 1: paying accounts and active users are counted differently by different sources, and a
    value above 1 is a signal to check the definitions, not something to hide.
    """
    return _ratio(_nonnegative(paying, "paying"), _nonnegative(users, "users"))


def burn_multiple(net_burn: ArrayLike, net_new_arr: ArrayLike) -> float | FloatArray:
    """Cash burned per dollar of new annual recurring revenue, ``net_burn / net_new_arr`` (D. Sacks).

    Both over the same period; ``net_burn`` positive when cash goes out. Below 1 is efficient growth, above 2
    is expensive. A negative result means the company generated cash while adding ARR. ``nan`` when net new ARR
    is <= 0: the multiple only describes burning to *grow*.
    """
    burn = as_floats(net_burn, "net_burn")
    new = as_floats(net_new_arr, "net_new_arr")
    burn, new = np.broadcast_arrays(burn, new)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(new > 0, burn / np.where(new > 0, new, 1.0), np.nan)
    return scalar_or_array(out)


def revenue_per_compute_dollar(revenue: ArrayLike, compute_spend: ArrayLike) -> float | FloatArray:
    """Revenue per dollar spent on compute over the same period (1.0 = compute cost equals revenue)."""
    return _ratio(as_floats(revenue, "revenue"), _nonnegative(compute_spend, "compute_spend"))


def commitment_coverage(commitments: ArrayLike, arr: ArrayLike) -> float | FloatArray:
    """Compute commitments over annual recurring revenue: years of today's ARR the commitments would consume.

    Why: multi-year compute contracts are fixed; revenue is not. 10 means the commitments equal ten years of
    current ARR.
    """
    return _ratio(_nonnegative(commitments, "commitments"), _nonnegative(arr, "arr"))


def aligned_ratio(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    """``numerator / denominator`` on the numerator's dates, denominator interpolated, never extrapolated.

    Parameters
    ----------
    numerator, denominator : pandas.DataFrame
        Observation frames (columns ``as_of`` and ``value``), e.g. revenue and weekly active users.

    Returns
    -------
    pandas.DataFrame
        Columns ``as_of``, ``value`` (the ratio), ``numerator``, ``denominator``; one row per numerator
        observation that lies within the denominator's observed dates (others are dropped, because the
        denominator is unknown there). The denominator is interpolated log-linearly between its observations.
    """
    import pandas as pd

    num = frame_points(numerator)
    den = frame_points(denominator)
    den_at = interpolate_points(den, num.days)
    keep = np.isfinite(den_at)
    days, n_vals, d_vals = num.days[keep], num.values[keep], den_at[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d_vals != 0, n_vals / np.where(d_vals != 0, d_vals, 1.0), np.nan)
    return pd.DataFrame(
        {"as_of": days.astype("datetime64[ns]"), "value": ratio, "numerator": n_vals, "denominator": d_vals}
    )
