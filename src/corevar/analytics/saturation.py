"""Saturation: has a core variable peaked, or is it still far from its ceiling?

The bear case says demand has peaked; the rebuttal says a missed target is not a peak (R1). Both are claims
about a *ceiling*. We fit the two classic S-curves to the observations (time in years, ACT/365.25):

* logistic  ``v(t) = K / (1 + exp(-r (t - t0)))``   — symmetric; ``v(t0) = K / 2``
* Gompertz  ``v(t) = K * exp(-exp(-r (t - t0)))``   — slow approach to the ceiling; ``v(t0) = K / e``

and bootstrap the ceiling ``K`` to see whether the data pin it down. :func:`peaked` turns that into a
verdict that refuses to answer ("cannot_tell") when the data cannot support one, and that never calls a
series which is still making new highs "peaked".

Fits use a batched, bounded Levenberg–Marquardt solver written in NumPy that fits thousands of curves at once
(the bootstrap and :func:`saturation_fits`) or one; a single fit falls back to :func:`scipy.optimize.curve_fit`
(trust-region reflective, same bounds) when it does not converge. The tests check the two agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import (
    BLOCK_ELEMENTS,
    DAYS_PER_YEAR,
    NAN,
    FloatArray,
    Points,
    as_days,
    as_floats,
    check_level,
    check_nonnegative,
    check_positive,
    clean,
    frame_points,
    ols_rows,
    scalar_or_array,
    to_date,
    trailing_rate,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CeilingInterval",
    "PeakVerdict",
    "SaturationFit",
    "SaturationFits",
    "ceiling_interval",
    "gompertz_fit",
    "logistic_fit",
    "peaked",
    "saturation_fit",
    "saturation_fits",
    "summary",
]

Model = Literal["logistic", "gompertz"]
MODELS: tuple[str, ...] = ("logistic", "gompertz")

# Bounds in normalised coordinates: value / max(value), time / span of the data, from the first observation.
# The ceiling may sit between half and 100x the largest observation; a fit that runs into the upper bound
# has not found a ceiling (the data are still on the exponential part of the curve).
CEILING_BOUNDS = (0.5, 100.0)
RATE_BOUNDS = (1e-2, 1e3)
MIDPOINT_BOUNDS = (-10.0, 11.0)
_LOWER = np.array([CEILING_BOUNDS[0], RATE_BOUNDS[0], MIDPOINT_BOUNDS[0]])
_UPPER = np.array([CEILING_BOUNDS[1], RATE_BOUNDS[1], MIDPOINT_BOUNDS[1]])
_AT_BOUND = 0.98 * CEILING_BOUNDS[1]
_PIN = 1e-12 * (_UPPER - _LOWER)  # how close to a bound counts as on it, for the solver's active set
_MIN_FIT_POINTS = 4  # three parameters need at least one residual degree of freedom


def _check_model(model: str) -> Model:
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}; got {model!r}")
    return model  # type: ignore[return-value]


def _curve(model: Model, tau: FloatArray, P: FloatArray, jac: bool = True) -> tuple[FloatArray, FloatArray | None]:
    """Model values (k, m) and Jacobian (3, k, m) at parameters ``P`` (k, 3) in normalised coordinates."""
    K, r, c = P[:, 0:1], P[:, 1:2], P[:, 2:3]
    u = tau - c
    z = np.clip(-r * u, -700.0, 700.0)
    if model == "logistic":
        s = 1.0 / (1.0 + np.exp(z))
        f = K * s
        if not jac:
            return f, None
        ds = s * (1.0 - s)
        return f, np.stack(np.broadcast_arrays(s, K * ds * u, -K * ds * r))
    g = np.exp(z)
    e = np.exp(-g)
    f = K * e
    if not jac:
        return f, None
    fg = f * g
    return f, np.stack(np.broadcast_arrays(e, fg * u, -fg * r))


def _initial(model: Model, tau: FloatArray, Y: FloatArray) -> FloatArray:
    """Starting parameters per row: linearise the curve for a few trial ceilings, keep the best.

    For a trial ceiling ``K`` the logistic becomes ``logit(y / K) = r (tau - t0)`` and the Gompertz
    ``-ln(-ln(y / K)) = r (tau - t0)``, both straight lines fitted by least squares. Rows are normalised so
    their maximum is 1. Long series are thinned to at most 64 evenly spaced points for this step: a start
    point needs the shape, not every observation.
    """
    k, m = Y.shape
    if m > 64:
        keep = np.unique(np.linspace(0, m - 1, 64).round().astype(int))
        tau, Y = tau[keep], Y[:, keep]
    best = np.tile(np.array([2.0, 5.0, 0.5]), (k, 1))
    best_sse = np.full(k, np.inf)
    for K in (1.02, 1.1, 1.3, 1.7, 2.5, 5.0, 20.0):
        q = Y / K
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (q > 0) & (q < 1)
            z = np.log(q / (1 - q)) if model == "logistic" else -np.log(-np.log(q))
        fit = ols_rows(tau, np.where(ok, z, np.nan))
        good = np.isfinite(fit.slope) & (fit.slope > 0)
        r = np.where(good, fit.slope, 5.0)
        c = np.where(good, -fit.intercept / np.where(good, fit.slope, 1.0), 0.5)
        P = np.clip(np.column_stack([np.full(k, K), r, c]), _LOWER, _UPPER)
        f, _ = _curve(model, tau, P, jac=False)
        sse = np.nansum((Y - f) ** 2, axis=1)
        take = sse < best_sse
        best[take], best_sse[take] = P[take], sse[take]
    return best


class _Batch(NamedTuple):
    params: FloatArray  # (k, 3) normalised
    sse: FloatArray
    converged: np.ndarray


def _levenberg_marquardt(
    model: Model,
    tau: FloatArray,
    Y: FloatArray,
    W: FloatArray,
    P0: FloatArray,
    *,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> _Batch:
    """Bounded Levenberg–Marquardt for k independent curves at once (projected steps, per-row damping).

    Each iteration solves ``(JᵀWJ + λ diag(JᵀWJ)) δ = JᵀW r`` for every still-active row with one batched
    ``numpy.linalg.solve`` (holding a parameter that sits on a bound and is pushed outward: an active set), clips
    the step to the bounds, and accepts it where the weighted SSE falls
    (λ ÷ 10) or rejects it (λ × 10). A row stops when its relative improvement drops below ``tol`` or λ
    exceeds 1e12 (no descent left: a constrained minimum). Rows still moving after ``max_iter`` are
    reported as not converged.
    """
    k = Y.shape[0]
    P = np.clip(P0, _LOWER, _UPPER).astype(float)
    with np.errstate(all="ignore"):
        f, J = _curve(model, tau, P)
        assert J is not None
        J = np.ascontiguousarray(J)
        R = Y - f
        sse = np.sum(W * R * R, axis=1)
    lam = np.full(k, 1e-3)
    active = np.isfinite(sse)
    converged = np.zeros(k, dtype=bool)
    eye = np.eye(3)
    pairs = [(a, b) for a in range(3) for b in range(a, 3)]
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Ja, Wa, Ra = J[:, idx], W[idx], R[idx]
        WJ = Wa[None] * Ja
        A = np.empty((idx.size, 3, 3))
        for a, b in pairs:
            A[:, a, b] = A[:, b, a] = np.einsum("ij,ij->i", WJ[a], Ja[b])
        g = np.einsum("aij,ij->ia", WJ, Ra)
        # active set: a parameter on a bound whose descent direction points outside is held there this step
        # (its row and column become the identity, its gradient zero), so the others move freely instead of
        # creeping along a clipped step; flat series with the rate or midpoint on a bound needed ~1,000+ steps
        Pi = P[idx]
        pinned = ((Pi <= _LOWER + _PIN) & (g < 0)) | ((Pi >= _UPPER - _PIN) & (g > 0))
        if pinned.any():
            free = ~pinned
            A = A * (free[:, :, None] & free[:, None, :]) + pinned[:, :, None] * eye
            g = np.where(pinned, 0.0, g)
        diag = np.einsum("kii->ki", A)
        scale = np.maximum(diag, 1e-12 * (diag.max(axis=1, keepdims=True) + 1e-300))
        Ad = A + lam[idx, None, None] * scale[:, :, None] * eye
        with np.errstate(all="ignore"):
            try:
                delta = np.linalg.solve(Ad, g[..., None])[..., 0]
            except np.linalg.LinAlgError:
                delta = np.stack([_safe_solve(Ad[i], g[i]) for i in range(idx.size)])
        Pn = np.clip(Pi + delta, _LOWER, _UPPER)
        with np.errstate(all="ignore"):
            fn, _ = _curve(model, tau, Pn, jac=False)
            Rn = Y[idx] - fn
            ssen = np.sum(Wa * Rn * Rn, axis=1)
        better = np.isfinite(ssen) & (ssen < sse[idx])
        acc, rej = idx[better], idx[~better]
        gain = (sse[acc] - ssen[better]) / np.maximum(sse[acc], 1e-300)
        P[acc], R[acc], sse[acc] = Pn[better], Rn[better], ssen[better]
        if acc.size:
            with np.errstate(all="ignore"):
                Jn = _curve(model, tau, P[acc])[1]
            assert Jn is not None
            J[:, acc] = Jn
        lam[acc] = np.maximum(lam[acc] / 10.0, 1e-12)
        lam[rej] *= 10.0
        done = np.concatenate([acc[gain < tol], rej[lam[rej] > 1e12], idx[~np.isfinite(sse[idx])]])
        active[done] = False
        converged[done] = True
    converged &= np.isfinite(sse)
    return _Batch(P, sse, converged)


def _safe_solve(A: FloatArray, b: FloatArray) -> FloatArray:
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        return np.zeros_like(b)


@dataclass(frozen=True)
class SaturationFit:
    """One fitted S-curve. ``ceiling`` is K in base units; ``rate`` is r per year.

    ``midpoint_years`` is t0 in years after ``origin`` (the first observation); :attr:`midpoint` is that day
    (for the logistic the value there is ceiling / 2, for the Gompertz ceiling / e). ``at_bound`` means the
    ceiling ran into its upper bound (100x the largest observation): the data do not identify a ceiling.
    """

    model: str
    ceiling: float
    rate: float
    midpoint_years: float
    origin: date | None
    r2: float
    rmse: float
    n: int
    converged: bool
    at_bound: bool

    @property
    def midpoint(self) -> date | None:
        """Calendar day of the inflection point (may lie outside the data)."""
        if self.origin is None or not math.isfinite(self.midpoint_years):
            return None
        days = round(self.midpoint_years * DAYS_PER_YEAR)
        if abs(days) > 3_000_000:
            return None
        return to_date(np.datetime64(self.origin, "D") + np.timedelta64(days, "D"))

    def predict(self, when: Any) -> float | FloatArray:
        """The fitted curve's value on ``when``. Outside the observed dates this is a projection."""
        days = as_days(when, "when")
        if self.origin is None or not math.isfinite(self.ceiling):
            return scalar_or_array(np.full(days.shape, np.nan))
        delta = (days - np.datetime64(self.origin, "D")).astype("timedelta64[D]")
        t = np.where(np.isnat(delta), np.nan, delta.astype(float)) / DAYS_PER_YEAR
        z = np.clip(-self.rate * (t - self.midpoint_years), -700.0, 700.0)
        logistic = self.model == "logistic"
        out = self.ceiling / (1.0 + np.exp(z)) if logistic else self.ceiling * np.exp(-np.exp(z))
        return scalar_or_array(out)


def _failed_fit(model: str, origin: date | None, n: int) -> SaturationFit:
    return SaturationFit(model, NAN, NAN, NAN, origin, NAN, NAN, n, False, False)


class _Normalised(NamedTuple):
    tau: FloatArray
    y: FloatArray
    scale: float
    span: float
    points: Points


def _normalise(points: Points) -> _Normalised:
    years = points.years
    span = float(years[-1]) if years.size else 0.0
    scale = float(points.values.max()) if points.values.size else 0.0
    tau = years / span if span > 0 else years
    y = points.values / scale if scale > 0 else points.values
    return _Normalised(tau, y, scale, span, points)


def _to_fit(model: str, norm: _Normalised, P: FloatArray, converged: bool) -> SaturationFit:
    f, _ = _curve(model, norm.tau, P[None, :], jac=False)  # type: ignore[arg-type]
    resid = norm.y - f[0]
    sse = float(np.sum(resid**2))
    sst = float(np.sum((norm.y - norm.y.mean()) ** 2))
    return SaturationFit(
        model=model,
        ceiling=float(P[0] * norm.scale),
        rate=float(P[1] / norm.span),
        midpoint_years=float(P[2] * norm.span),
        origin=to_date(norm.points.days[0]),
        r2=1.0 - sse / sst if sst > 0 else NAN,
        rmse=math.sqrt(sse / norm.y.size) * norm.scale,
        n=int(norm.y.size),
        converged=converged,
        at_bound=bool(P[0] >= _AT_BOUND),
    )


def _fit_points(points: Points, model: Model) -> tuple[SaturationFit, FloatArray | None, _Normalised]:
    """One fit: the batched bounded Levenberg–Marquardt first, ``scipy.optimize.curve_fit`` only if it fails.

    Both minimise the same bounded least-squares problem from the same start (the benchmark shows they agree to
    about 1e-9 relative); going to SciPy only when needed keeps its import (~0.3 s) out of `corevar report`.
    """
    n = int(points.days.size)
    origin = to_date(points.days[0]) if n else None
    norm = _normalise(points)
    if n < _MIN_FIT_POINTS or norm.scale <= 0 or norm.span <= 0:
        return _failed_fit(model, origin, n), None, norm
    p0 = _initial(model, norm.tau, norm.y[None, :])[0]
    eps = 1e-9 * (_UPPER - _LOWER)
    p0 = np.clip(p0, _LOWER + eps, _UPPER - eps)
    batch = _levenberg_marquardt(model, norm.tau, norm.y[None, :], np.ones((1, n)), p0[None, :], max_iter=2000)
    popt, converged = batch.params[0], bool(batch.converged[0])
    if not (converged and np.all(np.isfinite(popt))):
        popt, converged = _curve_fit(model, norm, p0)
    if not np.all(np.isfinite(popt)):
        return _failed_fit(model, origin, n), None, norm
    return _to_fit(model, norm, popt, converged), popt, norm


def _curve_fit(model: Model, norm: _Normalised, p0: FloatArray) -> tuple[FloatArray, bool]:
    """SciPy's trust-region fit of one normalised series (the fallback of :func:`_fit_points`)."""
    from scipy.optimize import curve_fit

    def f(tau: FloatArray, K: float, r: float, c: float) -> FloatArray:
        return _curve(model, tau, np.array([[K, r, c]]), jac=False)[0][0]

    def jac(tau: FloatArray, K: float, r: float, c: float) -> FloatArray:
        J = _curve(model, tau, np.array([[K, r, c]]))[1]
        assert J is not None
        return J[:, 0, :].T

    try:
        with np.errstate(all="ignore"):
            popt, _ = curve_fit(
                f, norm.tau, norm.y, p0=p0, bounds=(_LOWER, _UPPER), jac=jac, method="trf", max_nfev=2000
            )
        return popt, True
    except (RuntimeError, ValueError):
        return np.full(3, np.nan), False


def saturation_fit(dates: ArrayLike, values: ArrayLike, *, model: str = "logistic") -> SaturationFit:
    """Fit a logistic or Gompertz curve to one series (bounded least squares; see the module docstring).

    Values are divided by their maximum and time by the span of the data before fitting, and the
    parameters are bounded: ceiling in [0.5, 100] x max(value), rate in [0.01, 1000] / span, midpoint within
    10 spans of the data. The start point is the best of several linearised fits (see ``docs/formulas.md``).

    Returns
    -------
    SaturationFit
        All-``nan`` (``converged=False``) with fewer than 4 observations, no positive value, or all
        observations on one day.
    """
    return _fit_points(clean(dates, values), _check_model(model))[0]


def logistic_fit(dates: ArrayLike, values: ArrayLike) -> SaturationFit:
    """:func:`saturation_fit` with ``model="logistic"``: ``v = K / (1 + exp(-r (t - t0)))``."""
    return saturation_fit(dates, values, model="logistic")


def gompertz_fit(dates: ArrayLike, values: ArrayLike) -> SaturationFit:
    """:func:`saturation_fit` with ``model="gompertz"``: ``v = K exp(-exp(-r (t - t0)))``."""
    return saturation_fit(dates, values, model="gompertz")


class SaturationFits(NamedTuple):
    """Fits of k series at once; every field has shape ``(k,)`` (ceiling in base units, rate per year)."""

    ceiling: FloatArray
    rate: FloatArray
    midpoint_years: FloatArray
    rmse: FloatArray
    converged: np.ndarray
    at_bound: np.ndarray


def saturation_fits(
    dates: ArrayLike,
    values: ArrayLike,
    *,
    model: str = "logistic",
    max_iter: int = 200,
    chunk: int | None = None,
) -> SaturationFits:
    """Fit the same S-curve to every row of ``values`` (k series sharing ``dates``), vectorised.

    Same model, normalisation and bounds as :func:`saturation_fit`, solved by a batched Levenberg–Marquardt
    in chunks of ``chunk`` rows (default: about 65,000 values per chunk, so the working arrays stay in the CPU
    cache). Missing values are given zero weight. ``midpoint_years`` counts from the earliest date. Rows with
    fewer than 4 finite values or no positive value give ``nan``.
    """
    m = _check_model(model)
    v = np.atleast_2d(as_floats(values, "values"))
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-D array of series (rows), got shape {v.shape}")
    days = as_days(dates, "dates")
    if days.ndim != 1 or days.size != v.shape[1] or np.isnat(days).any():
        raise ValueError(f"dates must be {v.shape[1]} valid dates, one per column of values")
    if chunk is None:
        chunk = max(8, BLOCK_ELEMENTS // max(v.shape[1], 1))
    if not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer, got {chunk!r}")
    years = (days - days.min()).astype(float) / DAYS_PER_YEAR
    span = float(years.max())
    k = v.shape[0]
    out = np.full((k, 3), np.nan)
    rmse = np.full(k, np.nan)
    conv = np.zeros(k, dtype=bool)
    if span <= 0:
        return SaturationFits(out[:, 0], out[:, 1], out[:, 2], rmse, conv, np.zeros(k, dtype=bool))
    tau = years / span
    for lo in range(0, k, chunk):
        block = v[lo : lo + chunk]
        finite = np.isfinite(block)
        with np.errstate(all="ignore"):
            scale = np.nanmax(np.where(finite, block, np.nan), axis=1)
        usable = (finite.sum(axis=1) >= _MIN_FIT_POINTS) & (scale > 0)
        if not usable.any():
            continue
        rows = np.flatnonzero(usable)
        Y = np.where(finite[rows], block[rows], 0.0) / scale[rows, None]
        W = finite[rows].astype(float)
        P0 = _initial(m, tau, np.where(W > 0, Y, np.nan))
        batch = _levenberg_marquardt(m, tau, Y, W, P0, max_iter=max_iter)
        out[lo + rows, 0] = batch.params[:, 0] * scale[rows]
        out[lo + rows, 1] = batch.params[:, 1] / span
        out[lo + rows, 2] = batch.params[:, 2] * span
        rmse[lo + rows] = np.sqrt(batch.sse / W.sum(axis=1)) * scale[rows]
        conv[lo + rows] = batch.converged
    at_bound = np.zeros(k, dtype=bool)
    with np.errstate(invalid="ignore"):
        scale_all = np.nanmax(np.where(np.isfinite(v), v, np.nan), axis=1) if v.size else np.zeros(k)
        at_bound = out[:, 0] >= _AT_BOUND * scale_all
    return SaturationFits(out[:, 0], out[:, 1], out[:, 2], rmse, conv, at_bound)


@dataclass(frozen=True)
class CeilingInterval:
    """Bootstrap percentile interval for the ceiling K (base units).

    ``high`` is ``inf`` when more than ``(1 - level) / 2`` of the replicates found no ceiling (ran into the
    upper bound or failed): the interval is unbounded and the ceiling is not identified.
    """

    estimate: float
    low: float
    high: float
    level: float
    n_boot: int
    n_unbounded: int
    method: str
    model: str
    fit: SaturationFit

    @property
    def bounded(self) -> bool:
        """Whether the interval has a finite upper end."""
        return math.isfinite(self.high)


def _bootstrap(
    fit: SaturationFit,
    popt: FloatArray,
    norm: _Normalised,
    *,
    n_boot: int,
    seed: int | None,
    method: str,
) -> FloatArray:
    """Ceilings (normalised) of ``n_boot`` bootstrap replicates; ``inf`` for replicates without a ceiling."""
    model: Model = fit.model  # type: ignore[assignment]
    rng = np.random.default_rng(seed)
    m = norm.y.size
    fhat, _ = _curve(model, norm.tau, popt[None, :], jac=False)
    if method == "residual":
        # Multiplicative residuals: reported figures are off by a share of their size, not a fixed amount.
        with np.errstate(divide="ignore", invalid="ignore"):
            resid = np.log(norm.y / fhat[0])
        resid = np.where(np.isfinite(resid), resid, 0.0)
        resid = (resid - resid.mean()) * math.sqrt(m / (m - 3))
        Y = fhat * np.exp(resid[rng.integers(0, m, size=(n_boot, m))])
        W = np.ones_like(Y)
        ok = np.ones(n_boot, dtype=bool)
    else:  # case bootstrap: resampling observations is the same as giving them multinomial weights
        W = rng.multinomial(m, np.full(m, 1.0 / m), size=n_boot).astype(float)
        Y = np.broadcast_to(norm.y, W.shape).copy()
        ok = (W > 0).sum(axis=1) >= _MIN_FIT_POINTS
    batch = _levenberg_marquardt(model, norm.tau, Y, W, np.tile(popt, (n_boot, 1)))
    K = batch.params[:, 0].copy()
    K[~ok | ~np.isfinite(batch.sse) | (K >= _AT_BOUND)] = np.inf
    return K


def _check_method(method: str) -> str:
    if method not in ("residual", "case"):
        raise ValueError(f"method must be 'residual' or 'case', got {method!r}")
    return method


def _check_n_boot(n_boot: int) -> int:
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 20:
        raise ValueError(f"n_boot must be an integer >= 20, got {n_boot!r}")
    return n_boot


def _interval(
    points: Points,
    model: Model,
    *,
    n_boot: int,
    level: float,
    seed: int | None,
    method: str,
) -> tuple[CeilingInterval, FloatArray]:
    fit, popt, norm = _fit_points(points, model)
    if popt is None or not math.isfinite(fit.ceiling):
        empty = CeilingInterval(NAN, NAN, NAN, level, 0, 0, method, model, fit)
        return empty, np.empty(0)
    K = _bootstrap(fit, popt, norm, n_boot=n_boot, seed=seed, method=method) * norm.scale
    alpha = (1.0 - level) / 2.0
    low = float(np.quantile(K, alpha, method="inverted_cdf"))
    high = float(np.quantile(K, 1.0 - alpha, method="inverted_cdf"))
    n_unb = int(np.sum(~np.isfinite(K)))
    if fit.at_bound:
        high = math.inf
    return CeilingInterval(fit.ceiling, low, high, level, n_boot, n_unb, method, model, fit), K


def ceiling_interval(
    dates: ArrayLike,
    values: ArrayLike,
    *,
    model: str = "logistic",
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int | None = 0,
    method: str = "residual",
) -> CeilingInterval:
    """Bootstrap percentile interval for the fitted ceiling.

    ``method="residual"`` (default): refit ``n_boot`` series ``fitted * exp(e*)`` where ``e*`` resamples the
    centred log residuals ``ln(value / fitted)`` inflated by ``sqrt(n / (n - 3))`` — multiplicative, because
    reported figures are off by a share of their size; dates stay fixed, which suits the short series we
    have. ``method="case"``: resample the observations themselves (as multinomial weights). All replicates are
    fitted in one vectorised pass, started from the point estimate. Seeded, so results are reproducible.

    Returns
    -------
    CeilingInterval
        ``nan`` throughout when the point fit fails (fewer than 4 observations, ...).
    """
    interval, _ = _interval(
        clean(dates, values),
        _check_model(model),
        n_boot=_check_n_boot(n_boot),
        level=check_level(level),
        seed=seed,
        method=_check_method(method),
    )
    return interval


Answer = Literal["peaked", "not_peaked", "cannot_tell"]


@dataclass(frozen=True)
class PeakVerdict:
    """Has the series peaked? The answer, how sure, and the numbers behind it.

    ``confidence`` is in [0, 1] (0 for "cannot_tell"); see ``docs/formulas.md`` for how each answer sets it.
    ``recent_growth`` is simple annual growth over the trailing window; the ceiling fields are ``nan`` when
    no curve was fitted.
    """

    answer: Answer
    confidence: float
    reason: str
    latest_value: float
    latest_date: date | None
    peak_value: float
    peak_date: date | None
    recent_growth: float
    ceiling: float
    ceiling_low: float
    ceiling_high: float
    level: float
    model: str
    n: int


def _num(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def _peaked_points(
    points: Points,
    *,
    model: Model,
    n_boot: int,
    level: float,
    seed: int | None,
    tolerance: float,
    flat: float,
    decline: float,
    far: float,
    min_points: int,
    window_days: float,
) -> PeakVerdict:
    n = int(points.days.size)
    latest = float(points.values[-1]) if n else NAN
    latest_date = to_date(points.days[-1]) if n else None
    ipeak = int(np.argmax(points.values)) if n else 0
    peak = float(points.values[ipeak]) if n else NAN
    peak_date = to_date(points.days[ipeak]) if n else None
    growth, _ = trailing_rate(points, window_days)

    def verdict(answer: Answer, confidence: float, reason: str, interval: CeilingInterval | None = None) -> PeakVerdict:
        c = interval or CeilingInterval(NAN, NAN, NAN, level, 0, 0, "residual", model, _failed_fit(model, None, n))
        return PeakVerdict(
            answer,
            float(confidence),
            reason,
            latest,
            latest_date,
            peak,
            peak_date,
            growth,
            c.estimate,
            c.low,
            c.high,
            level,
            model,
            n,
        )

    if n < min_points:
        return verdict("cannot_tell", 0.0, f"only {n} observation(s); at least {min_points} are needed")
    if np.any(points.values <= 0):
        return verdict("cannot_tell", 0.0, "the series has values <= 0; a ceiling needs a positive level")

    drop = 1.0 - latest / peak
    if drop >= decline and growth < 0:
        conf = min(1.0, drop / (2.0 * decline))
        return verdict(
            "peaked",
            conf,
            f"declined: latest {_num(latest)} on {latest_date} is {drop:.1%} below the peak {_num(peak)} on "
            f"{peak_date}, and growth over the trailing window is {_pct(growth)}/yr",
        )

    interval, K = _interval(points, model, n_boot=n_boot, level=level, seed=seed, method="residual")
    if not math.isfinite(interval.estimate):
        return verdict("cannot_tell", 0.0, f"the {model} curve could not be fitted to these observations")
    if not interval.bounded or interval.high > far * peak:
        return verdict(
            "cannot_tell",
            0.0,
            f"the ceiling is not identified: the {level:.0%} bootstrap interval for the {model} ceiling is "
            f"[{_num(interval.low)}, {_num(interval.high)}], unbounded or beyond {far:g}x the largest "
            f"observation; growth over the trailing window is {_pct(growth)}/yr",
            interval,
        )
    room = latest < (1.0 - tolerance) * K  # replicates that leave room to grow
    at_ceiling = latest >= (1.0 - tolerance) * interval.low
    ceiling_text = (
        f"{model} ceiling {_num(interval.estimate)} ({level:.0%} interval {_num(interval.low)}–{_num(interval.high)})"
    )
    earlier_max = float(points.values[:-1].max())
    if latest > earlier_max:
        return verdict(
            "not_peaked",
            float(room.mean()),
            f"still making new highs: latest {_num(latest)} on {latest_date} is above every earlier "
            f"observation; growth {_pct(growth)}/yr; {ceiling_text}"
            + ("; close to the ceiling, so growth is saturating" if at_ceiling else ""),
            interval,
        )
    if at_ceiling and growth <= flat:
        return verdict(
            "peaked",
            float((~room).mean()),
            f"plateau at the ceiling: latest {_num(latest)} is within {tolerance:.0%} of the lower end of the "
            f"{ceiling_text}, no new high since {peak_date}, growth {_pct(growth)}/yr",
            interval,
        )
    if growth > flat:
        return verdict(
            "not_peaked",
            float(room.mean()),
            f"growing {_pct(growth)}/yr over the trailing window; {ceiling_text}",
            interval,
        )
    return verdict(
        "cannot_tell",
        0.0,
        f"growth has stalled ({_pct(growth)}/yr) below the fitted ceiling ({ceiling_text}); a stall is not a "
        "ceiling and not yet a decline",
        interval,
    )


def peaked(
    dates: ArrayLike,
    values: ArrayLike,
    *,
    model: str = "logistic",
    n_boot: int = 500,
    level: float = 0.9,
    seed: int | None = 0,
    tolerance: float = 0.05,
    flat: float = 0.02,
    decline: float = 0.05,
    far: float = 10.0,
    min_points: int = 5,
    window_days: float = 365,
) -> PeakVerdict:
    """Has the series peaked? "peaked", "not_peaked" or "cannot_tell", with the evidence.

    The rule, in order (``L`` latest value, ``P`` the series maximum, ``g`` simple annual growth over the
    trailing ``window_days``, ``[lo, hi]`` the ``level`` bootstrap interval of the ceiling):

    1. fewer than ``min_points`` observations, or any value <= 0 → cannot_tell;
    2. ``L <= (1 - decline) * P`` and ``g < 0`` → peaked (it has declined from its peak);
    3. no curve fits, or ``hi`` is unbounded or above ``far * P`` → cannot_tell (ceiling not identified);
    4. ``L`` above every earlier observation → not_peaked (a series making new highs has not peaked);
    5. ``L >= (1 - tolerance) * lo`` and ``g <= flat`` → peaked (plateau at the ceiling);
    6. ``g > flat`` → not_peaked;
    7. otherwise → cannot_tell (stalled below the ceiling).

    Rule 4 comes before rule 5, so a strictly growing series can never read "peaked".

    Parameters
    ----------
    model : "logistic" or "gompertz"
    n_boot, level, seed : bootstrap size, interval level and seed (see :func:`ceiling_interval`)
    tolerance : how close to the ceiling's lower bound counts as "at the ceiling" (0.05 = within 5 %)
    flat : annual growth at or below this counts as "about zero" (0.02 = 2 %/yr)
    decline : drop from the peak that counts as a decline (0.05 = 5 %)
    far : a ceiling interval reaching beyond ``far`` x the largest observation is "not identified"
    min_points : fewest observations to judge at all
    window_days : trailing window for ``g``
    """
    m = _check_model(model)
    _check_n_boot(n_boot)
    check_level(level)
    check_nonnegative(tolerance, "tolerance")
    check_nonnegative(flat, "flat")
    check_positive(decline, "decline")
    check_positive(far, "far")
    check_positive(window_days, "window_days")
    if not isinstance(min_points, int) or min_points < _MIN_FIT_POINTS:
        raise ValueError(f"min_points must be an integer >= {_MIN_FIT_POINTS}, got {min_points!r}")
    return _peaked_points(
        clean(dates, values),
        model=m,
        n_boot=n_boot,
        level=level,
        seed=seed,
        tolerance=tolerance,
        flat=flat,
        decline=decline,
        far=far,
        min_points=min_points,
        window_days=window_days,
    )


def summary(frame: pd.DataFrame, **options: Any) -> PeakVerdict:
    """:func:`peaked` on an observation frame (columns ``as_of`` and ``value``); ``options`` as there."""
    points = frame_points(frame)
    return peaked(points.days, points.values, **options)
