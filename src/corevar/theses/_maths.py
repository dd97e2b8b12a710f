"""The analytics the engine calls, in one place: thin adapters over ``corevar.analytics``.

The engine never does growth, interpolation, ceiling or concentration maths itself; it calls these, which
forward to the analytics layer (imported lazily so ``import corevar.theses`` stays light).
"""

from __future__ import annotations

import functools
import math
from typing import Any

__all__ = ["annualised_growth", "concentration", "peaked", "point_fit", "value_at"]


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


def concentration(shares: Any) -> Any:
    """HHI (points scale), DOJ/FTC band and top share of shares given as fractions of the whole market."""
    from ..analytics.market import concentration as _concentration

    return _concentration(shares, normalise=False)


def peaked(dates: Any, values: Any, model: str = "logistic", **options: Any) -> Any:
    """Has the series peaked? (analytics.saturation.peaked: answer, reason, ceiling with its interval).

    Fits are cached on their exact inputs: robustness re-judges a rule many times, and a perturbation that
    leaves a series unchanged must not pay for a second bootstrap.
    """
    days = tuple(str(d) for d in dates)
    vals = tuple(float(v) for v in values)
    return _peaked_cached(days, vals, model, tuple(sorted(options.items())))


@functools.lru_cache(maxsize=256)
def _peaked_cached(days: tuple[str, ...], vals: tuple[float, ...], model: str, options: tuple[Any, ...]) -> Any:
    import numpy as np

    from ..analytics.saturation import peaked as _peaked

    return _peaked(np.array(days, dtype="datetime64[D]"), np.array(vals), model=model, **dict(options))


def value_at(dates: Any, values: Any, day: Any) -> float:
    """Value on ``day``: observed, or interpolated log-linearly between neighbours (analytics.targets)."""
    from ..analytics.targets import target_gap

    return float(target_gap(dates, values, day, 1.0).actual)


@functools.lru_cache(maxsize=512)
def _point_fit(days: tuple[str, ...], vals: tuple[float, ...], model: str, window_days: float) -> tuple[Any, float]:
    import numpy as np

    from ..analytics.growth import trailing_growth
    from ..analytics.saturation import saturation_fit

    d = np.array(days, dtype="datetime64[D]")
    v = np.array(vals)
    return saturation_fit(d, v, model=model), float(trailing_growth(d, v, window_days=window_days))


def point_fit(dates: Any, values: Any, model: str, window_days: float) -> tuple[Any, float]:
    """(the fitted curve without a bootstrap, simple annual growth over the trailing ``window_days``); cached."""
    return _point_fit(tuple(str(d) for d in dates), tuple(float(v) for v in values), model, float(window_days))
