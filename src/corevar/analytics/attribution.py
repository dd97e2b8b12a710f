"""Return attribution: how much of a stock's (or basket's) return is earnings growth, re-rating and dividends.

The identity. A share price is its earnings per share times its price/earnings multiple, ``P = EPS x PE``. Over a
window from 0 to 1 with dividends ``D`` per share paid in it, the total return is

    1 + R = (P1 + D) / P0 = (EPS1 / EPS0) x (PE1 / PE0) x (1 + D / P1)

so, in logarithms, exactly

    ln(1 + R) = ln(EPS1 / EPS0)  +  ln(PE1 / PE0)  +  ln(1 + D / P1)
                earnings growth     re-rating          dividends

Each part's share of the return is its log term over ``ln(1 + R)``; in return units a part is ``R x share``, so
the three parts add up to ``R`` exactly (tested), whatever the order in which one imagines them happening --
the reason to allocate in logs rather than by differences, which depend on that order. Net income can stand in
for EPS when the share count did not change much over the window (say so when you do). A loss (EPS <= 0) has no
P/E, and this split is then undefined: such inputs are rejected rather than given a meaningless share.

For a basket held from weights ``w`` the return is ``sum_i w_i R_i`` and each constituent's parts are scaled by
its weight, so the basket's parts add up to the basket's return as well (:func:`basket_attribution`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = ["Attribution", "attribute", "basket_attribution"]


@dataclass(frozen=True)
class Attribution:
    """Parts of a total return (arrays, one entry per stock; 0-d for one stock).

    ``earnings_growth + rerating + dividends == total`` to rounding; ``*_share`` are the same parts as fractions
    of the total (NaN when the total is 0, where shares are undefined).
    """

    total: FloatArray
    earnings_growth: FloatArray
    rerating: FloatArray
    dividends: FloatArray

    @property
    def earnings_share(self) -> FloatArray:
        return self._share(self.earnings_growth)

    @property
    def rerating_share(self) -> FloatArray:
        return self._share(self.rerating)

    @property
    def dividends_share(self) -> FloatArray:
        return self._share(self.dividends)

    def _share(self, part: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.total != 0, part / self.total, np.nan)


def _positive(x: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if np.any(~np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(
            f"{name} must be positive numbers (a P/E split of a return is undefined for losses or missing values)"
        )
    return arr


def attribute(
    eps_start: ArrayLike,
    eps_end: ArrayLike,
    *,
    price_start: ArrayLike | None = None,
    price_end: ArrayLike | None = None,
    pe_start: ArrayLike | None = None,
    pe_end: ArrayLike | None = None,
    dividends: ArrayLike = 0.0,
) -> Attribution:
    """Split a total return into earnings growth, re-rating and dividends (identity in the module docstring).

    Give prices (the P/E is then ``price / eps``) or P/E multiples (the price ratio is then
    ``pe_end * eps_end / (pe_start * eps_start)``); with both, prices win and the P/E is implied. ``dividends``
    is per share over the window, in the price's currency; with P/E only it must be 0 (no price to scale it).
    """
    e0, e1 = _positive(eps_start, "eps_start"), _positive(eps_end, "eps_end")
    div = np.asarray(dividends, dtype=np.float64)
    if np.any(~np.isfinite(div)) or np.any(div < 0):
        raise ValueError("dividends must be numbers >= 0 (per share, over the window)")
    if price_start is not None and price_end is not None:
        p0, p1 = _positive(price_start, "price_start"), _positive(price_end, "price_end")
        pe_ratio = (p1 / e1) / (p0 / e0)
        div_yield = div / p1
    elif pe_start is not None and pe_end is not None:
        pe_ratio = _positive(pe_end, "pe_end") / _positive(pe_start, "pe_start")
        if np.any(div != 0):
            raise ValueError("dividends need prices (price_start, price_end) to be expressed as a yield")
        div_yield = np.zeros_like(pe_ratio)
    else:
        raise ValueError("give price_start and price_end, or pe_start and pe_end")
    log_e = np.log(e1 / e0)
    log_pe = np.log(pe_ratio)
    log_d = np.log1p(div_yield)
    log_total = log_e + log_pe + log_d
    total = np.expm1(log_total)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(log_total != 0, total / log_total, 1.0)
    return Attribution(total=total, earnings_growth=log_e * scale, rerating=log_pe * scale, dividends=log_d * scale)


def basket_attribution(parts: Attribution, weights: ArrayLike) -> Attribution:
    """A buy-and-hold basket's attribution from its constituents': each part weighted by the opening weights."""
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != np.shape(parts.total):
        raise ValueError(f"weights must have one entry per constituent ({np.shape(parts.total)}), got {w.shape}")
    w = w / w.sum()
    return Attribution(
        total=np.asarray(w @ parts.total),
        earnings_growth=np.asarray(w @ parts.earnings_growth),
        rerating=np.asarray(w @ parts.rerating),
        dividends=np.asarray(w @ parts.dividends),
    )
