"""The analytics the engine calls, in one place: thin adapters over ``corevar.analytics``.

The engine never does growth, interpolation, ceiling or concentration maths itself; it calls these, which
forward to the analytics layer (imported lazily so ``import corevar.theses`` stays light).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["annualised_growth", "concentration", "peaked", "value_at"]


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


def peaked(dates: Any, values: Any, model: str = "logistic") -> Any:
    """Has the series peaked? (analytics.saturation.peaked: answer, reason, ceiling with its interval)."""
    from ..analytics.saturation import peaked as _peaked

    return _peaked(dates, values, model=model)


def value_at(dates: Any, values: Any, day: Any) -> float:
    """Value on ``day``: observed, or interpolated log-linearly between neighbours (analytics.targets)."""
    from ..analytics.targets import target_gap

    return float(target_gap(dates, values, day, 1.0).actual)
