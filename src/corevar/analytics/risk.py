"""Risk and risk-adjusted return: drawdowns, Sharpe, Sortino, Calmar, alpha, beta, correlation to a benchmark.

Same names, parameters and conventions as empyrical (see :mod:`corevar.analytics.returns` for the shared ones),
agreeing with it to 1e-9 on the same inputs (tested on 1-D and 2-D input, NaN included). Two conventions worth
knowing because they surprise people:

* :func:`beta` accepts ``risk_free`` but, like empyrical, does not use it (a constant shift does not change a
  covariance); :func:`alpha` subtracts it from both series before taking the mean residual.
* :func:`sharpe_ratio` of a series with zero dispersion (every return equal) divides by exactly 0: ``inf`` for a
  positive mean, ``nan`` for zero.

Beyond empyrical: :func:`max_drawdown_duration` (the longest spell under water, in periods),
:func:`correlation` (Pearson over the periods both series have), and :func:`performance`, which computes every
metric for thousands of series in one blocked pass over the array -- the function ``corevar.chains.metrics`` and
the benchmark use. It gives the same numbers as the one-metric functions (tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics.returns import (
    DAILY,
    FloatArray,
    _nan_result,
    _nanmean,
    _nanstd,
    _out,
    annual_return,
    annualization_factor,
    as_returns,
)

__all__ = [
    "METRICS",
    "alpha",
    "alpha_beta",
    "beta",
    "calmar_ratio",
    "correlation",
    "downside_risk",
    "drawdown_series",
    "max_drawdown",
    "max_drawdown_duration",
    "performance",
    "sharpe_ratio",
    "sortino_ratio",
]

METRICS: tuple[str, ...] = (
    "cum_returns_final",
    "annual_return",
    "annual_volatility",
    "max_drawdown",
    "max_drawdown_duration",
    "sharpe_ratio",
    "sortino_ratio",
    "calmar_ratio",
    "alpha",
    "beta",
    "correlation",
)
"""Metrics :func:`performance` returns, in this order (the last three only with a benchmark)."""

_VARIANCE_FLOOR = 1.0e-30
"""Benchmark variances below this are treated as zero, so beta is NaN rather than a huge number (empyrical)."""


class _Walk:
    """The wealth path walked block by block: wealth, running peak, lowest wealth/peak, periods under water.

    Why walk rows: NumPy's ``cumprod`` and ``maximum.accumulate`` along the first axis of a C-ordered
    ``(periods, series)`` array are several times slower than multiplying one cache-resident row into the next.
    """

    def __init__(self, cols: int, runs: bool = True) -> None:
        self.track_runs = runs
        self.wealth = np.ones(cols)
        self.peak = np.ones(cols)
        self.worst = np.ones(cols)  # lowest wealth / peak so far
        self.run = np.zeros(cols)  # periods under water so far in the current spell
        self.longest = np.zeros(cols)

    def feed(self, block: FloatArray, missing: np.ndarray | None) -> None:
        """Advance over ``block`` (periods x series); ``missing`` marks NaN returns (flat periods), if any."""
        size = block.shape[0]
        path = block + 1.0
        if missing is not None:
            np.copyto(path, 1.0, where=missing)
        peaks = np.empty_like(path)
        np.multiply(self.wealth, path[0], out=path[0])
        np.maximum(self.peak, path[0], out=peaks[0])
        for i in range(1, size):
            np.multiply(path[i - 1], path[i], out=path[i])
            np.maximum(peaks[i - 1], path[i], out=peaks[i])
        np.fmin(self.worst, np.fmin.reduce(path / peaks, axis=0), out=self.worst)
        self.wealth, self.peak = path[-1].copy(), peaks[-1].copy()
        if not self.track_runs:
            return
        under = path < peaks
        runs = np.empty_like(path)  # periods under water up to each row: (previous + 1) if under water, else 0
        np.add(self.run, 1.0, out=runs[0])
        np.multiply(runs[0], under[0], out=runs[0])
        for i in range(1, size):
            np.add(runs[i - 1], 1.0, out=runs[i])
            np.multiply(runs[i], under[i], out=runs[i])
        np.maximum(self.longest, runs.max(axis=0), out=self.longest)
        self.run = runs[-1].copy()


def _walked(r: FloatArray, block_elements: int = 1 << 16) -> _Walk:
    walk = _Walk(r.shape[1])
    step = max(1, block_elements // max(r.shape[1], 1))
    for lo in range(0, r.shape[0], step):
        block = r[lo : lo + step]
        missing = np.isnan(block)
        walk.feed(block, missing if missing.any() else None)
    return walk


_WALK_MIN_COLUMNS = 64
"""From this many series on, drawdowns are walked row by row in blocks instead of via full-array cumprod."""


def drawdown_series(returns: ArrayLike) -> FloatArray:
    """Drawdown after each period: wealth over its running peak minus 1 (0 at a new high, -0.25 25% below it).

    The peak starts at the initial wealth, so a first-period loss is already a drawdown. NaN returns are flat.
    """
    r = as_returns(returns)
    if r.shape[0] < 1:
        return r.copy()
    wealth = np.where(np.isnan(r), 0.0, r) + 1.0
    np.cumprod(wealth, axis=0, out=wealth)
    peak = np.fmax.accumulate(wealth, axis=0)
    np.maximum(peak, 1.0, out=peak)
    return (wealth - peak) / peak


def max_drawdown(returns: ArrayLike) -> Any:
    """Worst peak-to-trough loss (a negative fraction, 0 if the series never fell); NaN for an empty series."""
    r = as_returns(returns)
    if r.shape[0] < 1:
        return _nan_result(r)
    if r.ndim == 2 and r.shape[1] >= _WALK_MIN_COLUMNS:
        return _walked(r).worst - 1.0
    return _out(np.fmin.reduce(drawdown_series(r), axis=0), r.ndim)


def max_drawdown_duration(returns: ArrayLike) -> Any:
    """Longest run of consecutive periods spent below an earlier peak (an unrecovered run counts to the end).

    Why periods, not days: the input is a series of returns without dates; multiply by the period length (or
    read the dates of the run from :func:`drawdown_series`) for calendar time. 0 if the series never fell.
    """
    r = as_returns(returns)
    if r.shape[0] < 1:
        return _nan_result(r)
    if r.ndim == 2 and r.shape[1] >= _WALK_MIN_COLUMNS:
        return _walked(r).longest.copy()
    dd = drawdown_series(r)
    t = np.arange(1, r.shape[0] + 1).reshape((-1,) + (1,) * (r.ndim - 1))
    last_peak = np.maximum.accumulate(np.where(dd >= 0, t, 0), axis=0)
    return _out((t - last_peak).max(axis=0).astype(np.float64), r.ndim)


def _adjust(r: FloatArray, by: Any) -> FloatArray:
    if isinstance(by, (int, float)) and by == 0:
        return r
    return r - np.asarray(by, dtype=np.float64)


def downside_risk(
    returns: ArrayLike, required_return: Any = 0.0, period: str = DAILY, annualization: float | None = None
) -> Any:
    """Annualised root-mean-square of the returns below ``required_return`` (those above count as 0)."""
    r = as_returns(returns)
    if r.shape[0] < 1:
        return _nan_result(r)
    factor = annualization_factor(period, annualization)
    below = np.minimum(_adjust(r, required_return), 0.0)  # NaN stays NaN and is skipped by the mean
    return _out(np.sqrt(_nanmean(below * below)) * np.sqrt(factor), r.ndim)


def _zero_dispersion(r: FloatArray, std: FloatArray) -> FloatArray:
    """``std`` set to exactly 0 where every non-NaN value of a column is equal (empyrical's rule)."""
    with np.errstate(invalid="ignore"):
        constant = (np.fmax.reduce(r, axis=0) == np.fmin.reduce(r, axis=0)) & np.isfinite(std)
    return np.where(constant, 0.0, std)


def sharpe_ratio(
    returns: ArrayLike, risk_free: Any = 0.0, period: str = DAILY, annualization: float | None = None
) -> Any:
    """Annualised Sharpe ratio: mean excess return over its sample std (``ddof=1``) times ``sqrt(periods)``."""
    r = as_returns(returns)
    if r.shape[0] < 2:
        return _nan_result(r)
    adj = _adjust(r, risk_free)
    factor = annualization_factor(period, annualization)
    std = _zero_dispersion(adj, _nanstd(adj))
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(_nanmean(adj) / std * np.sqrt(factor), r.ndim)


def sortino_ratio(
    returns: ArrayLike, required_return: Any = 0.0, period: str = DAILY, annualization: float | None = None
) -> Any:
    """Annualised mean return above ``required_return`` over the annualised :func:`downside_risk`."""
    r = as_returns(returns)
    if r.shape[0] < 2:
        return _nan_result(r)
    factor = annualization_factor(period, annualization)
    mean = _nanmean(_adjust(r, required_return)) * factor
    risk = np.asarray(downside_risk(r, required_return, period, annualization), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(mean / risk, r.ndim)


def calmar_ratio(returns: ArrayLike, period: str = DAILY, annualization: float | None = None) -> Any:
    """Annual return over the absolute max drawdown; NaN when the series never fell or the ratio is infinite.

    Unlike empyrical's (which takes one series), this one also takes 2-D input, column by column.
    """
    r = as_returns(returns)
    if r.shape[0] < 1:
        return _nan_result(r)
    mdd = np.asarray(max_drawdown(r), dtype=np.float64)
    ann = np.asarray(annual_return(r, period, annualization), dtype=np.float64)
    return _out(_calmar(ann, mdd), r.ndim)


def _calmar(ann: FloatArray, mdd: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mdd < 0, ann / np.abs(mdd), np.nan)
    return np.where(np.isinf(ratio), np.nan, ratio)


def _pair(returns: ArrayLike, factor_returns: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r = as_returns(returns)
    f = as_returns(factor_returns, "factor_returns")
    if f.shape[0] != r.shape[0]:
        raise ValueError(
            f"factor_returns must have one return per period of returns; got {f.shape[0]} and {r.shape[0]} rows"
        )
    if r.ndim == 2 and f.ndim == 1:
        f = f[:, None]
    return r, f


def beta(returns: ArrayLike, factor_returns: ArrayLike, risk_free: Any = 0.0) -> Any:
    """Slope of returns on benchmark returns over the periods both have: ``cov(r, f) / var(f)``.

    Population moments (divide by the number of pairs), NaN pairs skipped, NaN when the benchmark's variance is
    below 1e-30. ``risk_free`` is accepted for empyrical's signature and, as there, unused.
    """
    del risk_free
    r, f = _pair(returns, factor_returns)
    if r.shape[0] < 1 or f.shape[0] < 2:
        return _nan_result(r)
    return _out(_beta(r, f), r.ndim)


def _beta(r: FloatArray, f: FloatArray) -> FloatArray:
    independent = np.where(np.isnan(r), np.nan, f)
    residual = independent - _nanmean(independent)
    cov = _nanmean(residual * r)
    var = _nanmean(residual * residual)
    var = np.where(var < _VARIANCE_FLOOR, np.nan, var)
    return cov / var


def alpha(
    returns: ArrayLike,
    factor_returns: ArrayLike,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: float | None = None,
) -> Any:
    """Annualised Jensen's alpha: ``(1 + mean(r - rf - beta * (f - rf))) ** periods - 1``."""
    r, f = _pair(returns, factor_returns)
    if r.shape[0] < 2:
        return _nan_result(r)
    factor = annualization_factor(period, annualization)
    b = _beta(r, f) if f.shape[0] >= 2 else np.full(r.shape[1:], np.nan)
    residual = _adjust(r, risk_free) - b * _adjust(f, risk_free)
    return _out((_nanmean(residual) + 1.0) ** factor - 1.0, r.ndim)


def alpha_beta(
    returns: ArrayLike,
    factor_returns: ArrayLike,
    risk_free: Any = 0.0,
    period: str = DAILY,
    annualization: float | None = None,
) -> FloatArray:
    """Alpha and beta together: shape ``(2,)`` for one series, ``(N, 2)`` for N columns (empyrical's layout)."""
    a = np.asarray(alpha(returns, factor_returns, risk_free, period, annualization), dtype=np.float64)
    b = np.asarray(beta(returns, factor_returns, risk_free), dtype=np.float64)
    return np.stack([a, b], axis=-1)


def correlation(returns: ArrayLike, factor_returns: ArrayLike) -> Any:
    """Pearson correlation with the benchmark over the periods both have (pairwise-complete, like pandas).

    NaN with fewer than two pairs or when either side is constant over them.
    """
    r, f = _pair(returns, factor_returns)
    both = ~np.isnan(r) & ~np.isnan(f)
    n = both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rr = np.where(both, r, 0.0)
        ff = np.where(both, f, 0.0)
        dr = np.where(both, r - rr.sum(axis=0) / n, 0.0)
        df = np.where(both, f - ff.sum(axis=0) / n, 0.0)
        var_r, var_f = (dr * dr).sum(axis=0) / n, (df * df).sum(axis=0) / n
        c = (dr * df).sum(axis=0) / n / np.sqrt(var_r * var_f)
    return _out(_corr_or_nan(c, n, var_r, var_f), r.ndim)


def _corr_or_nan(c: Any, n: Any, var_r: Any, var_f: Any) -> FloatArray:
    """NaN where fewer than two pairs or either side is constant (variance below the floor); else clipped."""
    ok = (n >= 2) & (var_r >= _VARIANCE_FLOOR) & (var_f >= _VARIANCE_FLOOR)
    return np.where(ok, np.clip(c, -1.0, 1.0), np.nan)


def performance(
    returns: ArrayLike,
    factor_returns: ArrayLike | None = None,
    *,
    risk_free: float = 0.0,
    required_return: float = 0.0,
    period: str = DAILY,
    annualization: float | None = None,
    block_elements: int = 1 << 16,
    duration: bool = True,
) -> dict[str, FloatArray]:
    """Every metric of :data:`METRICS` for each column of ``returns``, in one blocked pass over the array.

    Why one pass: the one-metric functions each walk the whole ``(T, N)`` array several times and allocate
    full-size temporaries; for 5,000 tickers over 25 years that is gigabytes of memory traffic. Here the array
    is read in blocks of consecutive periods small enough to stay in the CPU cache, and every metric's running
    sums (count, shifted first and second moments, wealth, peak, periods under water, benchmark cross-moments)
    are carried from block to block. Moments are shifted by each column's first return so that the one-pass
    variance keeps full precision and a constant column has exactly zero dispersion. Results equal the
    one-metric functions to within rounding (tested to 1e-9 against empyrical). ``factor_returns`` is one
    benchmark series (1-D, aligned with the rows); without it ``alpha``, ``beta`` and ``correlation`` are left
    out. ``returns`` may be 1-D (one column). ``duration=False`` skips ``max_drawdown_duration`` (the one metric
    here that empyrical lacks; about a sixth of the time).
    """
    r = as_returns(returns)
    if r.ndim == 1:
        r = r[:, None]
    rows, cols = r.shape
    factor = annualization_factor(period, annualization)
    f = None
    if factor_returns is not None:
        f = as_returns(factor_returns, "factor_returns")
        if f.ndim != 1 or f.shape[0] != rows:
            raise ValueError(f"factor_returns must be one series with {rows} returns, got shape {f.shape}")
    rf, req = float(risk_free), float(required_return)

    count = np.zeros(cols)  # periods with a return (float: counts come out of BLAS matrix-vector products)
    s1 = np.zeros(cols)  # sum of (r - shift)
    s2 = np.zeros(cols)  # sum of (r - shift) ** 2; exactly 0 for a constant column (its shift is its value)
    down = np.zeros(cols)  # sum of min(r - required, 0) ** 2
    walk = _Walk(cols, runs=duration)
    # Each column's moments are shifted by its first return (set when the column first has one; until then its
    # sums are all zero, so no correction is needed). Near the mean, so the one-pass variance keeps precision.
    shift = np.zeros(cols)
    unset = np.ones(cols, dtype=bool)
    n_unset = cols
    if f is not None:
        f_shift = float(np.nanmean(f)) if np.any(~np.isnan(f)) else 0.0
        n_pair = np.zeros(cols)
        p_r = np.zeros(cols)  # sums over the periods both have: r - shift, (r - shift)^2, f - f_shift, ...
        p_rr = np.zeros(cols)
        p_f = np.zeros(cols)
        p_ff = np.zeros(cols)
        p_fr = np.zeros(cols)

    step = max(1, block_elements // max(cols, 1))
    for lo in range(0, rows, step):
        block = r[lo : lo + step]
        size = block.shape[0]
        ones = np.ones(size)
        missing = np.isnan(block)
        gaps = bool(missing.any())
        missing_f = missing.astype(np.float64) if gaps else None
        if n_unset:  # columns still without a first return (late listings): look at those columns only
            todo = np.nonzero(unset)[0]
            seen = ~missing[:, todo] if gaps else np.ones((size, todo.size), dtype=bool)
            first = np.argmax(seen, axis=0)
            found = seen[first, np.arange(todo.size)]
            where = todo[found]
            shift[where] = block[first[found], where]
            unset[where] = False
            n_unset -= where.size
        count += size - ones @ missing_f if gaps else size
        dev = block - shift
        if gaps:
            np.copyto(dev, 0.0, where=missing)
        block_s1, block_s2 = ones @ dev, np.einsum("ij,ij->j", dev, dev)
        s1 += block_s1
        s2 += block_s2
        below = np.fmin(block - req, 0.0) if req else np.fmin(block, 0.0)  # fmin turns a missing return into 0
        down += np.einsum("ij,ij->j", below, below)
        walk.feed(block, missing if gaps else None)
        if f is not None:
            fb = f[lo : lo + size]
            fdev = fb - f_shift
            if not np.isnan(fb).any():  # the benchmark has every period: its sums need only the member's gaps
                p_r += block_s1
                p_rr += block_s2
                p_fr += fdev @ dev
                if gaps:
                    n_pair += size - ones @ missing_f
                    p_f += fdev.sum() - fdev @ missing_f
                    p_ff += fdev @ fdev - (fdev * fdev) @ missing_f
                else:
                    n_pair += size
                    p_f += fdev.sum()
                    p_ff += fdev @ fdev
                continue
            pair = ~missing & ~np.isnan(fb)[:, None]
            fcol = np.where(pair, fdev[:, None], 0.0)
            rdev = np.where(pair, dev, 0.0)
            n_pair += pair.sum(axis=0)
            p_r += rdev.sum(axis=0)
            p_f += fcol.sum(axis=0)
            p_rr += np.einsum("ij,ij->j", rdev, rdev)
            p_ff += np.einsum("ij,ij->j", fcol, fcol)
            p_fr += np.einsum("ij,ij->j", fcol, rdev)

    out: dict[str, FloatArray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        n = count
        mean = shift + s1 / n
        var = np.maximum(s2 - s1 * s1 / n, 0.0) / (n - 1.0)
        std = np.where(count > 1, np.sqrt(var), np.nan)
        empty = np.full(cols, np.nan)
        few = rows < 2
        out["cum_returns_final"] = walk.wealth - 1.0 if rows else empty
        ann = walk.wealth ** (factor / rows) - 1.0 if rows else empty
        out["annual_return"] = ann
        out["annual_volatility"] = empty if few else std * np.sqrt(factor)
        mdd = walk.worst - 1.0 if rows else empty
        out["max_drawdown"] = mdd
        if duration:
            out["max_drawdown_duration"] = walk.longest if rows else empty
        excess_std = np.where((s2 == 0) & np.isfinite(std), 0.0, std)  # empyrical's zero-dispersion rule
        out["sharpe_ratio"] = empty if few else (mean - rf) / excess_std * np.sqrt(factor)
        risk = np.sqrt(down / n) * np.sqrt(factor)
        out["sortino_ratio"] = empty if few else (mean - req) * factor / risk
        out["calmar_ratio"] = _calmar(ann, mdd)
        if f is not None:
            m = n_pair
            f_mean_dev = p_f / m
            var_f = (p_ff - p_f * f_mean_dev) / m
            cov = (p_fr - f_mean_dev * p_r) / m
            b = cov / np.where(var_f < _VARIANCE_FLOOR, np.nan, var_f)
            b = b if rows >= 2 else empty
            r_pair_mean = shift + p_r / m
            f_pair_mean = f_shift + f_mean_dev
            resid = (r_pair_mean - rf) - b * (f_pair_mean - rf)
            out["alpha"] = empty if few else (resid + 1.0) ** factor - 1.0
            out["beta"] = b
            var_r = (p_rr - p_r * p_r / m) / m
            out["correlation"] = _corr_or_nan(cov / np.sqrt(var_r * var_f), m, var_r, var_f)
    return out
