"""The analytics the engine calls, in one place: corevar.analytics when it has them, small stand-ins otherwise.

Every function here forwards to ``corevar.analytics``; the stand-ins below exist only until the analytics
package ships the named function (see .coord/theses_needs.md) and are deleted then.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

__all__ = ["Ceiling", "annualised_growth", "ceiling", "hhi", "hhi_band", "value_at"]

DAYS_PER_YEAR = 365.25


class Ceiling(NamedTuple):
    """A fitted saturation level with its interval; ``nan`` when no fit could be made."""

    value: float
    low: float
    high: float
    model: str


def _analytics(module: str, name: str) -> Any:
    try:
        mod = __import__(f"corevar.analytics.{module}", fromlist=[name])
    except ImportError:
        return None
    return getattr(mod, name, None)


def annualised_growth(dates: Any, values: Any) -> float:
    """Simple annual growth of the log-linear trend (0.5 = +50 %/yr); nan with < 2 positive points.

    Non-positive values cannot enter a log fit and are left out.
    """
    import numpy as np

    from ..analytics.growth import log_growth

    days = np.asarray(dates, dtype="datetime64[D]")
    vals = np.asarray(values, dtype=float)
    keep = np.isfinite(vals) & (vals > 0) & ~np.isnat(days)
    slope = float(log_growth(days[keep], vals[keep]))
    return math.expm1(slope) if math.isfinite(slope) else float("nan")


def value_at(dates: Any, values: Any, day: Any) -> float:
    """Value on ``day``: exact, or log-linear between the two neighbouring observations; nan outside."""
    import numpy as np

    days = np.asarray(dates, dtype="datetime64[D]")
    vals = np.asarray(values, dtype=float)
    order = np.argsort(days, kind="stable")
    days, vals = days[order], vals[order]
    target = np.datetime64(day, "D")
    if days.size == 0 or target < days[0] or target > days[-1]:
        return float("nan")
    exact = vals[days == target]
    if exact.size:
        return float(exact[-1])
    j = int(np.searchsorted(days, target)) - 1
    x0, x1 = days[j], days[j + 1]
    y0, y1 = vals[j], vals[j + 1]
    w = float((target - x0).astype(float) / (x1 - x0).astype(float))
    if y0 > 0 and y1 > 0:
        return float(y0 * (y1 / y0) ** w)
    return float(y0 + w * (y1 - y0))


def hhi(shares: Any) -> float:
    """Herfindahl-Hirschman index of shares given as fractions (0..1), on the 0..10000 scale."""
    fn = _analytics("market", "hhi")
    if fn is not None:
        return float(fn(shares))
    import numpy as np

    arr = np.asarray(shares, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(np.sum((arr * 100.0) ** 2)) if arr.size else float("nan")


def hhi_band(value: float) -> str:
    """DOJ/FTC 2023 Merger Guidelines band of an HHI."""
    fn = _analytics("market", "hhi_band")
    if fn is not None:
        return str(fn(value))
    if not math.isfinite(value):
        return "unknown"
    if value > 1800:
        return "highly concentrated"
    if value >= 1000:
        return "moderately concentrated"
    return "unconcentrated"


def ceiling(dates: Any, values: Any, model: str = "logistic") -> Ceiling:
    """Logistic fit of a growing series: the ceiling it approaches, with a rough 90% interval."""
    from scipy.optimize import curve_fit
    import numpy as np

    days = np.asarray(dates, dtype="datetime64[D]")
    vals = np.asarray(values, dtype=float)
    keep = np.isfinite(vals) & ~np.isnat(days)
    days, vals = days[keep], vals[keep]
    nan = Ceiling(float("nan"), float("nan"), float("nan"), model)
    if days.size < 4:
        return nan
    t = (days - days.min()).astype(float) / DAYS_PER_YEAR
    top = float(vals.max())

    def logistic(x: Any, k: float, r: float, t0: float) -> Any:
        return k / (1.0 + np.exp(-r * (x - t0)))

    try:
        params, cov = curve_fit(
            logistic, t, vals, p0=(top * 1.5, 2.0, float(t.mean())), bounds=([top * 0.5, 0.0, -50], [top * 100, 50, 50]),
            maxfev=20000,
        )
    except (RuntimeError, ValueError):
        return nan
    k = float(params[0])
    err = float(np.sqrt(cov[0, 0])) if np.isfinite(cov[0, 0]) else float("inf")
    return Ceiling(k, max(k - 1.645 * err, 0.0), k + 1.645 * err, model)
