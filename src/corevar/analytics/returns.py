"""Returns of prices and baskets: simple returns, cumulative returns, annualised return and volatility.

Names, parameters and conventions follow empyrical (the reference library of this field, ``empyrical-reloaded``
on PyPI) so that a user who knows one knows the other and the two agree to 1e-9 on the same inputs (tested):

* ``returns`` are simple (not log) returns per period, NumPy arrays of shape ``(T,)`` (one series) or ``(T, N)``
  (N series side by side, one per column). A 1-D input gives a ``float``; a 2-D input one value per column.
* NaN means "no return that period": cumulative returns treat it as 0 (flat), means and deviations skip it, but
  the number of *years* in :func:`annual_return` counts every row, NaN or not (empyrical's convention).
* ``period`` is ``"daily"`` (252 periods a year), ``"weekly"`` (52), ``"monthly"`` (12), ``"quarterly"`` (4) or
  ``"yearly"`` (1); ``annualization`` overrides it with any number of periods per year.

Beyond empyrical: :func:`relative_performance` (basket A against basket B as a wealth ratio) and
:func:`contribution` (each constituent's share of a weighted basket's return). Everything is pure: arrays in,
arrays out; pandas inputs are read through ``numpy.asarray`` and never modified.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
YEARLY = "yearly"

ANNUALIZATION_FACTORS: dict[str, int] = {DAILY: 252, WEEKLY: 52, MONTHLY: 12, QUARTERLY: 4, YEARLY: 1}
"""Periods per year for each ``period`` name (empyrical's table: 252 trading days a year)."""

__all__ = [
    "ANNUALIZATION_FACTORS",
    "DAILY",
    "MONTHLY",
    "QUARTERLY",
    "WEEKLY",
    "YEARLY",
    "annual_return",
    "annual_volatility",
    "annualization_factor",
    "as_returns",
    "cagr",
    "contribution",
    "cum_returns",
    "cum_returns_final",
    "relative_performance",
    "simple_returns",
]


def annualization_factor(period: str = DAILY, annualization: float | None = None) -> float:
    """Periods per year: ``annualization`` when given, else the factor of ``period``.

    Raises ``ValueError`` naming the accepted periods for an unknown ``period``.
    """
    if annualization is not None:
        if not np.isfinite(annualization) or annualization <= 0:
            raise ValueError(f"annualization must be a number of periods per year > 0, got {annualization!r}")
        return float(annualization)
    try:
        return float(ANNUALIZATION_FACTORS[period])
    except (KeyError, TypeError):
        names = "', '".join(ANNUALIZATION_FACTORS)
        raise ValueError(f"period cannot be {period!r}; it can be '{names}'") from None


def as_returns(returns: ArrayLike, name: str = "returns") -> FloatArray:
    """``returns`` as a float64 array of one or two dimensions (pandas objects are read, never modified)."""
    try:
        arr = np.asarray(returns, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers; {exc}") from None
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be one series (1-D) or series side by side (2-D), got shape {arr.shape}")
    return arr


def _out(values: FloatArray | np.floating, ndim: int) -> Any:
    """A float for 1-D input, an array (one value per column) for 2-D input."""
    return float(values) if ndim == 1 else np.asarray(values, dtype=np.float64)


def _nan_result(arr: FloatArray) -> Any:
    return float("nan") if arr.ndim == 1 else np.full(arr.shape[1:], np.nan)


def simple_returns(prices: ArrayLike) -> FloatArray:
    """Period-over-period simple returns ``p[t] / p[t-1] - 1`` along the first axis (one row shorter).

    A missing price (NaN) makes the two returns that touch it NaN; nothing is filled here, because whether a gap
    may be bridged is a calendar decision taken where prices are aligned (``corevar.chains.prices``).
    """
    p = as_returns(prices, "prices")
    with np.errstate(divide="ignore", invalid="ignore"):
        return p[1:] / p[:-1] - 1.0


def cum_returns(returns: ArrayLike, starting_value: float = 0.0) -> FloatArray:
    """Compounded returns up to each period: ``prod(1 + r) - 1``, or wealth ``starting_value * prod(1 + r)``.

    NaN returns count as 0 (the value stays flat that period), as in empyrical.
    """
    r = as_returns(returns)
    if r.shape[0] < 1:
        return r.copy()
    out = np.where(np.isnan(r), 0.0, r)
    out += 1.0
    np.cumprod(out, axis=0, out=out)
    if starting_value == 0:
        out -= 1.0
    else:
        out *= starting_value
    return out


def cum_returns_final(returns: ArrayLike, starting_value: float = 0.0) -> Any:
    """Total compounded return over the whole series (NaN periods count as 0); NaN for an empty series."""
    r = as_returns(returns)
    if r.shape[0] == 0:
        return _nan_result(r)
    result = np.nanprod(r + 1.0, axis=0)
    result = result - 1.0 if starting_value == 0 else result * starting_value
    return _out(result, r.ndim)


def annual_return(returns: ArrayLike, period: str = DAILY, annualization: float | None = None) -> Any:
    """Compound annual growth rate: ``(1 + total) ** (1 / years) - 1`` with ``years = rows / periods per year``.

    ``years`` counts every row, NaN ones included (empyrical's convention), so a series padded with NaN before
    a listing date is annualised over the padded length: trim a series to its own life first if that matters.
    """
    r = as_returns(returns)
    if r.shape[0] < 1:
        return _nan_result(r)
    years = r.shape[0] / annualization_factor(period, annualization)
    ending = np.nanprod(r + 1.0, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(ending ** (1.0 / years) - 1.0, r.ndim)


def cagr(returns: ArrayLike, period: str = DAILY, annualization: float | None = None) -> Any:
    """Alias of :func:`annual_return` (empyrical keeps both names)."""
    return annual_return(returns, period, annualization)


def annual_volatility(
    returns: ArrayLike, period: str = DAILY, alpha: float = 2.0, annualization: float | None = None
) -> Any:
    """Annualised standard deviation: sample std (``ddof=1``, NaN skipped) times ``periods ** (1 / alpha)``.

    ``alpha`` is the scaling exponent (2 for Brownian scaling). Fewer than two rows gives NaN, as does a column
    with fewer than two non-NaN returns.
    """
    r = as_returns(returns)
    if r.shape[0] < 2:
        return _nan_result(r)
    factor = annualization_factor(period, annualization)
    return _out(_nanstd(r) * factor ** (1.0 / alpha), r.ndim)


def _nanstd(r: FloatArray, ddof: int = 1) -> FloatArray:
    """NaN-skipping standard deviation along axis 0, two-pass (mean first), NaN when ``count <= ddof``."""
    valid = ~np.isnan(r)
    n = valid.sum(axis=0)
    total = np.where(valid, r, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        dev = np.where(valid, r - mean, 0.0)
        var = (dev * dev).sum(axis=0) / (n - ddof)
    return np.where(n > ddof, np.sqrt(var), np.nan)


def _nanmean(r: FloatArray) -> FloatArray:
    valid = ~np.isnan(r)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid, r, 0.0).sum(axis=0) / n


def relative_performance(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """Wealth of A relative to B after each period: ``(1 + cum_returns(a)) / (1 + cum_returns(b)) - 1``.

    Why a ratio rather than a difference of returns: +300% against +75% means A's holder ends with
    4.0 / 1.75 = 2.29 times B's holder's wealth (+129%), which is the comparison the "capital moved" claim makes.
    ``a`` and ``b`` are aligned returns of the same shape (or ``b`` 1-D against a 2-D ``a``).
    """
    ra, rb = as_returns(a, "a"), as_returns(b, "b")
    if rb.ndim == 1 and ra.ndim == 2:
        rb = rb[:, None]
    if ra.shape[0] != rb.shape[0]:
        raise ValueError(f"a and b must have one return per period each; got {ra.shape[0]} and {rb.shape[0]} rows")
    wa, wb = cum_returns(ra, 1.0), cum_returns(rb, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wa / wb - 1.0


def contribution(returns: ArrayLike, weights: ArrayLike) -> FloatArray:
    """Each constituent's contribution to a buy-and-hold basket's total return, one value per column.

    With start weights ``w`` (summing to 1) and constituent totals ``R_i`` the basket returns ``sum(w_i * R_i)``,
    so constituent ``i`` contributes exactly ``w_i * R_i`` and the contributions add up to the basket's total
    (tested). NaN returns count as 0, as in :func:`cum_returns_final`.
    """
    r = as_returns(returns)
    if r.ndim != 2:
        raise ValueError("returns must be 2-D: one column per constituent")
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (r.shape[1],):
        raise ValueError(f"weights must have one entry per column ({r.shape[1]}), got shape {w.shape}")
    if r.shape[0] == 0:
        return np.full(r.shape[1], np.nan)
    return w * (np.nanprod(r + 1.0, axis=0) - 1.0)
