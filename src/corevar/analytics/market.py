"""Market structure: is it winner-takes-all?

R3 says enterprise and coding are not winner-takes-all; B5 says Anthropic is taking share. Both are claims
about shares and concentration. The Herfindahl–Hirschman index (HHI) is the sum of squared shares:

* on fractions (shares in [0, 1] summing to 1): ``HHI = sum(s_i ** 2)``, in ``[1/n, 1]``;
* on the antitrust "points" scale (shares in percent): ``10,000 * HHI``, in ``[10,000/n, 10,000]``.

The bands follow the U.S. DOJ/FTC Merger Guidelines (see ``docs/formulas.md`` for the sources): below 1,000
points "unconcentrated", 1,000 to 1,800 "moderately concentrated", above 1,800 "highly concentrated" — the
2023 Merger Guidelines presume a market with HHI above 1,800 is highly concentrated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike

from corevar.analytics._common import NAN, FloatArray, as_floats, scalar_or_array

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HIGHLY_CONCENTRATED",
    "MODERATELY_CONCENTRATED",
    "Concentration",
    "concentration",
    "concentration_band",
    "hhi",
    "share_change",
    "shares",
    "summary",
]

MODERATELY_CONCENTRATED = 1000.0
"""HHI points from which a market is "moderately concentrated" (1992/1997 DOJ/FTC Horizontal Merger Guidelines)."""
HIGHLY_CONCENTRATED = 1800.0
"""HHI points above which a market is "highly concentrated" (2023 DOJ/FTC Merger Guidelines, Guideline 1)."""

Band = Literal["unconcentrated", "moderately concentrated", "highly concentrated"]


def shares(values: ArrayLike) -> FloatArray:
    """Normalise sizes (revenue, users, tokens, or shares in percent) to fractions that sum to 1.

    Missing values (``nan``) stay ``nan`` and are left out of the total. Why normalise: reported shares
    rarely add up (rounding, "others" omitted, different sources); fractions of the covered total are what
    HHI needs. Note this treats the listed firms as the whole market.

    Raises
    ------
    ValueError
        If any value is negative.

    Returns
    -------
    ndarray
        Same shape as ``values``; all ``nan`` when the total is 0.
    """
    v = as_floats(values, "values")
    if v.ndim != 1:
        raise ValueError(f"values must be one-dimensional (one entry per firm), got shape {v.shape}")
    if np.any(v < 0):
        raise ValueError(f"values must be >= 0, got {v[v < 0][0]!r}")
    total = np.nansum(v)
    if not total > 0:
        return np.full(v.shape, np.nan)
    return v / total


def _fractions(values: ArrayLike, normalise: bool) -> FloatArray:
    if normalise:
        s = shares(values)
        return s[np.isfinite(s)]
    s = as_floats(values, "shares")
    if s.ndim != 1:
        raise ValueError(f"shares must be one-dimensional (one entry per firm), got shape {s.shape}")
    s = s[np.isfinite(s)]
    if np.any((s < 0) | (s > 1)) or s.sum() > 1 + 1e-9:
        raise ValueError(
            f"shares must be fractions in [0, 1] summing to at most 1 when normalise=False; got sum {s.sum()!r}"
        )
    return s


def hhi(shares: ArrayLike, *, normalise: bool = True) -> float:
    """Herfindahl–Hirschman index on fractions: ``sum(s_i ** 2)``, in ``[1/n, 1]``.

    Parameters
    ----------
    shares : array-like of float
        One entry per firm. With ``normalise=True`` (default) any non-negative sizes or percentages, scaled
        to sum to 1 first. With ``normalise=False`` fractions in [0, 1] summing to at most 1, used as given
        (when they cover only part of the market the result is a lower bound).

    Returns
    -------
    float
        ``nan`` when no firm has a positive share. Multiply by 10,000 for the points scale.
    """
    s = _fractions(shares, normalise)
    if s.size == 0 or not s.sum() > 0:
        return NAN
    return float(np.sum(s * s))


def concentration_band(points: float) -> Band:
    """The DOJ/FTC band of an HHI on the points scale (0–10,000).

    < 1,000 "unconcentrated"; 1,000 to 1,800 inclusive "moderately concentrated"; > 1,800 "highly
    concentrated".
    """
    if not (isinstance(points, int | float | np.floating) and math.isfinite(points) and 0 <= points <= 10_000):
        raise ValueError(f"points must be an HHI between 0 and 10,000, got {points!r}")
    if points < MODERATELY_CONCENTRATED:
        return "unconcentrated"
    if points <= HIGHLY_CONCENTRATED:
        return "moderately concentrated"
    return "highly concentrated"


@dataclass(frozen=True)
class Concentration:
    """How concentrated one market is.

    ``hhi`` on fractions ([1/n, 1]), ``points`` = 10,000 x hhi, ``band`` per DOJ/FTC, ``n`` firms with a
    share, ``equivalent_firms`` = 1 / hhi (the number of equal-sized firms with the same HHI), ``top_share``
    the largest fraction.
    """

    hhi: float
    points: float
    band: Band | None
    n: int
    equivalent_firms: float
    top_share: float


def concentration(shares: ArrayLike, *, normalise: bool = True) -> Concentration:
    """HHI on both scales, its band, and the equivalent number of equal firms (see :func:`hhi`)."""
    s = _fractions(shares, normalise)
    h = hhi(s, normalise=False) if s.size and s.sum() > 0 else NAN
    if not math.isfinite(h):
        return Concentration(NAN, NAN, None, 0, NAN, NAN)
    points = 10_000.0 * h
    return Concentration(h, points, concentration_band(points), int(np.sum(s > 0)), 1.0 / h, float(s.max()))


def share_change(before: ArrayLike, after: ArrayLike, *, percent: bool = False) -> float | FloatArray:
    """Change in share, in percentage points: ``100 * (after - before)`` for fractions.

    Parameters
    ----------
    before, after : float or array-like
        Shares as fractions in [0, 1], or in percent [0, 100] with ``percent=True``.

    Returns
    -------
    float or ndarray
        +3.0 means the share rose by three percentage points (not by 3 %).
    """
    b = as_floats(before, "before")
    a = as_floats(after, "after")
    top = 100.0 if percent else 1.0
    for arr, name in ((b, "before"), (a, "after")):
        bad = arr[(arr < 0) | (arr > top)]
        if bad.size:
            unit = "percent in [0, 100]" if percent else "fractions in [0, 1] (pass percent=True for percent)"
            raise ValueError(f"{name} must be {unit}, got {bad.ravel()[0]!r}")
    diff = (a - b) * (1.0 if percent else 100.0)
    return scalar_or_array(diff)


def summary(frame: pd.DataFrame, *, by: str = "entity") -> pd.DataFrame:
    """Concentration per date of a market-share frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Observation rows of one market (columns ``as_of``, ``value`` and ``by``), shares in any unit; each
        date's shares are normalised among the firms reported on that date.
    by : str, default "entity"
        The column naming the firm.

    Returns
    -------
    pandas.DataFrame
        Columns ``as_of``, ``hhi``, ``points``, ``band``, ``n``, ``equivalent_firms``, ``top_share``,
        ``leader``; one row per date, oldest first.
    """
    import pandas as pd

    missing = [c for c in ("as_of", "value", by) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame must have columns 'as_of', 'value' and {by!r}; missing {missing}")
    rows = []
    clean = frame[[by, "as_of", "value"]].dropna(subset=["as_of", "value"])
    for as_of, group in clean.groupby("as_of", sort=True):
        sizes = group.groupby(by, sort=True)["value"].mean()
        c = concentration(sizes.to_numpy(dtype=float))
        leader = str(sizes.idxmax()) if c.n else None
        rows.append(
            {
                "as_of": as_of,
                "hhi": c.hhi,
                "points": c.points,
                "band": c.band,
                "n": c.n,
                "equivalent_firms": c.equivalent_firms,
                "top_share": c.top_share,
                "leader": leader,
            }
        )
    columns = ["as_of", "hhi", "points", "band", "n", "equivalent_firms", "top_share", "leader"]
    return pd.DataFrame(rows, columns=columns)
