"""Market structure: per named market the latest date with two or more vendors, and its concentration (HHI).

A market a claim judged shows the engine's HHI (the same :class:`Num` as the verdict card); any other market is
computed here once with :func:`corevar.analytics.market.concentration`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .._data import Rec
from ..model import MarketView, Num
from .charts import point

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["MAX_MARKETS", "markets"]

MAX_MARKETS = 12


def markets(ctx: Ctx) -> tuple[MarketView, ...]:
    from ...analytics import market

    by_market: dict[str, list[Rec]] = {}
    for rec in ctx.data.of_metric("market_share"):
        by_market.setdefault(rec.basis, []).append(rec)
    out = []
    for basis, rows in by_market.items():
        per_date: dict[date, dict[str, Rec]] = {}
        for rec in rows:  # oldest publication first: the newest report of a vendor on a date wins
            per_date.setdefault(rec.as_of, {})[rec.entity] = rec
        multi = {d: v for d, v in per_date.items() if len(v) >= 2}
        if not multi:
            continue
        newest = max(multi)
        recent = {d: v for d, v in multi.items() if (newest - d).days <= 365}
        day = max(recent, key=lambda d: (len(recent[d]), d))
        snap = sorted(recent[day].values(), key=lambda r: -r.value)
        total = float(sum(r.value for r in snap))
        lower = total <= 1.0 + 1e-9
        judged = ctx.judged_markets.get(basis)
        if judged is not None:
            num, rule = judged
            band = num.text.split("(", 1)[-1].rstrip(")")
            by = next((t.id for t in ctx.check.theses for r in t.rules for n in r.walk() if n is rule), "")
            equiv = f"{10_000 / num.value:.1f}" if num.value else "—"
        else:
            conc = market.concentration([r.value for r in snap], normalise=not lower)
            plus = "+" if lower and total < 0.999 else ""
            band = str(conc.band or "")
            if lower and total < 0.999:
                top = market.concentration_band(conc.points + (1.0 - total) ** 2 * 10_000)
                if top != conc.band:
                    band = f"{band} to {top}"
            num = Num(conc.points, f"HHI {conc.points:,.0f}{plus} ({band})", f"hhi:{basis}")
            ctx.refs.setdefault(num.ref, num)
            by = ""
            equiv = f"{conc.equivalent_firms:.1f}"
        shares = tuple(point(ctx, r, label=ctx.names.entity(r.entity)) for r in snap)
        out.append(
            MarketView(basis, basis.replace("_", " "), day, shares, f"{min(total, 1.0):.0%}", num, band, equiv, by)
        )
    out.sort(key=lambda m: (-len(m.shares), m.market))
    return tuple(out[:MAX_MARKETS])
