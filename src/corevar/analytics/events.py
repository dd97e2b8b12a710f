"""Event study: did a piece of news move a stock or basket more than the market explains?

Method (MacKinlay, "Event Studies in Economics and Finance", Journal of Economic Literature 35(1), 1997):

1. **Market model** on an estimation window before the event (default trading days -250 to -11, relative to
   event day 0): ``r_t = a + b * m_t + e_t`` by ordinary least squares over the days both returns exist;
   ``s^2`` is the residual variance with ``n - 2`` degrees of freedom.
2. **Abnormal returns** in the event window (default -1 to +1): ``AR_t = r_t - (a + b * m_t)``; the cumulative
   abnormal return ``CAR`` is their sum.
3. **t-statistic** of a CAR: ``CAR / sqrt(var)`` with the exact prediction variance
   ``var = s^2 * (L + g' (X'X)^-1 g)`` where ``L`` is the number of event days, ``X`` the estimation design
   matrix ``[1, m]`` and ``g = [L, sum of m over the event days]`` -- the second term is the uncertainty of the
   fitted ``a`` and ``b``, which matters for short estimation windows.
4. Across several events (tickers of a basket on one news day, or one ticker on several days): the mean CAR
   (CAAR) with ``t = CAAR / (sqrt(sum var_i) / N)`` (events assumed independent -- not true for stocks sharing
   one news day, so read it with the rank test), the **sign test** (how many CARs are negative or positive
   against a fair coin; exact binomial p-value), and **Corrado's rank test** (ranks of each event's abnormal
   returns over estimation plus event days; robust to fat tails and valid for a single event).

Arrays in, dataclasses of arrays out; positions are row indices into the return arrays (mapping dates to rows is
the caller's: ``corevar.chains`` uses the first trading day on or after the event date).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = ["EventResult", "EventStudy", "event_study", "market_model"]


@dataclass(frozen=True)
class EventResult:
    """One event: the market model fitted before it and the abnormal returns around it."""

    column: int
    day: int  # row of event day 0
    alpha: float
    beta: float
    sigma: float  # residual standard deviation of the market model
    estimation_days: int  # days with both returns in the estimation window
    abnormal: FloatArray  # AR for each event-window day (NaN where a return is missing)
    car: float
    car_se: float
    t: float
    rank_t: float  # Corrado rank statistic of this event alone


@dataclass(frozen=True)
class EventStudy:
    """Every event and their aggregate."""

    events: tuple[EventResult, ...]
    window: tuple[int, int]
    estimation: tuple[int, int]
    caar: float
    t: float
    positive: int
    negative: int
    sign_p: float  # exact two-sided binomial p-value of the sign test
    rank_t: float  # Corrado rank statistic over all events
    rank_p: float  # two-sided normal p-value of rank_t

    @property
    def n(self) -> int:
        return len(self.events)


def market_model(returns: ArrayLike, market: ArrayLike) -> tuple[float, float, float, int, FloatArray]:
    """OLS of ``returns`` on ``market`` over the rows both have: alpha, beta, residual std (ddof 2), n, and the
    inverse of ``X'X`` (for prediction variances). NaN estimates with fewer than three pairs."""
    r = np.asarray(returns, dtype=np.float64)
    m = np.asarray(market, dtype=np.float64)
    ok = ~np.isnan(r) & ~np.isnan(m)
    r, m = r[ok], m[ok]
    n = int(r.size)
    nan = float("nan")
    if n < 3 or np.ptp(m) == 0:
        return nan, nan, nan, n, np.full((2, 2), nan)
    x = np.column_stack([np.ones(n), m])
    xtx_inv = np.linalg.inv(x.T @ x)
    a, b = xtx_inv @ (x.T @ r)
    resid = r - a - b * m
    sigma = float(np.sqrt(resid @ resid / (n - 2)))
    return float(a), float(b), sigma, n, xtx_inv


def _normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0)) if math.isfinite(z) else float("nan")


def _sign_p(k: int, n: int) -> float:
    """Exact two-sided binomial p-value of ``k`` successes in ``n`` fair trials."""
    if n == 0:
        return float("nan")
    lo = min(k, n - k)
    tail = sum(math.comb(n, i) for i in range(lo + 1)) / 2.0**n
    return min(1.0, 2.0 * tail)


def event_study(
    returns: ArrayLike,
    market: ArrayLike,
    events: list[tuple[int, int]] | list[int],
    *,
    window: tuple[int, int] = (-1, 1),
    estimation: tuple[int, int] = (-250, -11),
    min_estimation_days: int = 30,
) -> EventStudy:
    """Market-model event study of ``returns`` (``(T,)`` or ``(T, N)``) against ``market`` (``(T,)``).

    ``events`` lists ``(column, row)`` pairs (or rows alone for 1-D returns): the event day 0 of each event.
    ``window`` and ``estimation`` are inclusive ranges of days relative to day 0; the estimation window must end
    before the event window starts. An event whose estimation window has fewer than ``min_estimation_days``
    usable days, or whose window runs off the data, raises ``ValueError`` naming it: a CAR without a model is
    not an abnormal return.
    """
    r = np.asarray(returns, dtype=np.float64)
    if r.ndim == 1:
        r = r[:, None]
    m = np.asarray(market, dtype=np.float64)
    if m.shape != (r.shape[0],):
        raise ValueError(f"market must be one return per row of returns ({r.shape[0]}), got shape {m.shape}")
    w0, w1 = window
    e0, e1 = estimation
    if not (e0 <= e1 < w0 <= w1):
        raise ValueError(f"estimation {estimation} must end before the event window {window} starts")
    pairs = [(0, int(e)) if np.ndim(e) == 0 else (int(e[0]), int(e[1])) for e in events]
    if not pairs:
        raise ValueError("events must name at least one event day")
    results: list[EventResult] = []
    length = w1 - w0 + 1
    rank_rows: list[FloatArray] = []  # per event: U - 0.5 over estimation + event days (NaN where missing)
    for col, day in pairs:
        if not (0 <= col < r.shape[1]):
            raise ValueError(f"event column {col} is outside the {r.shape[1]} series")
        if day + e0 < 0 or day + w1 >= r.shape[0]:
            raise ValueError(
                f"event on row {day}: the estimation window {estimation} and event window {window} need rows "
                f"{day + e0} to {day + w1}, but the data has rows 0 to {r.shape[0] - 1}"
            )
        est = slice(day + e0, day + e1 + 1)
        evt = slice(day + w0, day + w1 + 1)
        a, b, s, n, xtx_inv = market_model(r[est, col], m[est])
        if n < min_estimation_days or not math.isfinite(s):
            raise ValueError(
                f"event on row {day} (series {col}): only {n} days with both returns in the estimation window "
                f"(at least {min_estimation_days} needed)"
            )
        ar = r[evt, col] - (a + b * m[evt])
        used = ~np.isnan(ar)
        g = np.array([used.sum(), np.nansum(np.where(used, m[evt], np.nan))])
        var = s * s * (used.sum() + g @ xtx_inv @ g)
        car = float(np.nansum(ar))
        se = float(math.sqrt(var)) if var > 0 else float("nan")
        # Corrado: ranks of all abnormal returns (estimation residuals and event prediction errors) of this event
        span = np.concatenate([r[est, col] - (a + b * m[est]), ar])
        ok = ~np.isnan(span)
        dev = np.full(span.shape, np.nan)
        ranks = np.argsort(np.argsort(span[ok], kind="stable"), kind="stable") + 1.0
        dev[ok] = ranks / (ok.sum() + 1.0) - 0.5
        rank_rows.append(dev)
        results.append(
            EventResult(col, day, a, b, s, n, ar, car, se, car / se if se else float("nan"), _rank_stat([dev], length))
        )
    cars = np.array([e.car for e in results])
    variances = np.array([e.car_se**2 for e in results])
    caar = float(cars.mean())
    t = caar / (math.sqrt(variances.sum()) / len(results))
    positive, negative = int((cars > 0).sum()), int((cars < 0).sum())
    rank_t = _rank_stat(rank_rows, length)
    return EventStudy(
        events=tuple(results),
        window=window,
        estimation=estimation,
        caar=caar,
        t=t,
        positive=positive,
        negative=negative,
        sign_p=_sign_p(positive, positive + negative),
        rank_t=rank_t,
        rank_p=_normal_p(rank_t),
    )


def _rank_stat(rows: list[FloatArray], length: int) -> float:
    """Corrado's statistic: the event days' mean rank deviation over its standard deviation across all days."""
    stack = np.vstack(rows)
    with np.errstate(invalid="ignore"):
        mean_dev = np.nanmean(stack, axis=0) if stack.shape[0] > 1 else stack[0]
    spread = math.sqrt(np.nanmean(mean_dev * mean_dev))
    event_part = mean_dev[-length:]
    if spread == 0 or np.all(np.isnan(event_part)):
        return float("nan")
    return float(np.nansum(event_part) / (math.sqrt(np.sum(~np.isnan(event_part))) * spread))
