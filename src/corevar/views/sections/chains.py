"""Stock chains: the shipped baskets and how they moved over the seed post's year (2025-04-28 to 2026-04-28).

With prices in the store (``corevar prices ingest`` / ``corevar prices fetch``) the section compares the baskets
and their benchmarks over that window: total return, annualised volatility and maximum drawdown, each basket
against the first benchmark. The maths is :mod:`corevar.chains`' own (``basket_series`` and ``metrics``, the same
functions the chain rule kinds and ``corevar chains returns`` use), called once here; the faces only print the
result. Without prices, the section lists the moves the dataset reports (metric ``basket_return``), so a reader
sees what the chain verdicts were judged from, and says how to add prices.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from .._data import safe_url
from ..model import BasketView, ChainMoveView, ChainRowView, ChainsView, MemberView, Num
from ..numbers import fmt

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["END", "MAX_MOVES", "START", "chains"]

START, END = date(2025, 4, 28), date(2026, 4, 28)  # the seed post's "over the past year"
# the seed post's baskets first, then the Bloomberg ones, then any other; benchmarks last, the S&P 500 first
ORDER = (
    "openai-chain",
    "google-chain",
    "anthropic-chain",
    "openai-bloomberg",
    "alphabet-bloomberg",
    "sp500",
    "nasdaq-100",
)


def _ordered(baskets: dict[str, Any]) -> list[Any]:
    rank = {b: i for i, b in enumerate(ORDER)}
    return sorted(baskets.values(), key=lambda b: (b.kind != "chain", rank.get(b.id, len(ORDER)), b.id))


MAX_MOVES = 40
HOW_TO = (
    "No stock prices in the store, so the chain claims are judged from the moves the dataset reports (below). To "
    "judge them from prices, fetch daily closes (needs internet and the connectors extra) or bring your own CSV or "
    "Parquet file, then ingest it:"
)
COMMANDS = (
    "corevar prices fetch openai-chain google-chain anthropic-chain sp500 nasdaq-100 "
    "--from 2025-01-01 --to 2026-04-30 --out px.csv",
    "corevar prices ingest px.csv px.fx.csv",
)


def _pct(x: float) -> str:
    """A return as a signed percentage: "+146%", "-4%", "+0.5%" (3 significant figures at most)."""
    if not (isinstance(x, int | float) and math.isfinite(x)):
        return "—"
    pct = x * 100
    text = f"{pct:+.0f}%" if abs(pct) >= 10 else f"{pct:+.1f}%".replace(".0%", "%")
    return text.replace("-", "−")


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") else value


def _basket_views(baskets: dict[str, Any]) -> tuple[BasketView, ...]:
    ordered = _ordered(baskets)
    return tuple(
        BasketView(
            b.id,
            b.name,
            b.kind,
            tuple(b.thesis),
            b.weights,
            b.rebalancing,
            b.description,
            tuple(
                MemberView(c.ticker, c.exchange, c.company, c.role, c.currency, len(c.sources)) for c in b.constituents
            ),
        )
        for b in ordered
    )


def _claims(ctx: Ctx) -> tuple[str, ...]:
    out = []
    for thesis in getattr(ctx.check, "theses", ()) or ():
        if any(node.kind.startswith("chain_") for rule in thesis.rules for node in rule.walk()):
            out.append(thesis.id)
    return tuple(out)


def _compare(
    ctx: Ctx, baskets: dict[str, Any], prices: Any, fx: Any, end: date
) -> tuple[list[ChainRowView], str, str, list[str]]:
    """Each basket over the window from prices: total return, volatility, max drawdown, vs the first benchmark."""
    import pandas as pd

    from ... import chains

    currency = "USD" if fx is not None and len(fx) else "local"
    ordered = _ordered(baskets)
    levels: dict[str, Any] = {}
    series: dict[str, Any] = {}
    notes: list[str] = []
    for b in ordered:
        try:
            bs = chains.basket_series(b, prices, fx=fx, start=START, end=end, currency=currency)
        except (ValueError, KeyError, LookupError) as exc:  # a basket the prices cannot value is said, not fatal
            notes.append(f"{b.name}: not valued ({exc})")
            continue
        if bs.value.dropna().size >= 2:
            levels[b.id] = bs.value
            series[b.id] = bs
    if not levels:
        return [], "", currency, notes
    bench = next((b.id for b in ordered if b.kind == "benchmark" and b.id in levels), None)
    table = chains.metrics(pd.DataFrame(levels), benchmark=bench)
    rows = []
    bench_total = series[bench].total if bench else math.nan
    for b in ordered:
        if b.id not in series:
            continue
        bs, m = series[b.id], table.loc[b.id]
        total = bs.total
        vs = ""
        if bench and b.id != bench and math.isfinite(bench_total) and math.isfinite(total):
            gap = f"{(total - bench_total) * 100:+.0f}".replace("-", "−")
            vs = f"{gap} pp vs {baskets[bench].name}"
        priced = f"{len(bs.weights)}/{len(b.constituents)} priced"
        row_notes = "; ".join(bs.notes)
        if len(bs.gaps):
            row_notes = "; ".join(
                filter(None, [row_notes, f"{len(bs.gaps)} price gap(s) longer than the calendar allows"])
            )
        rows.append(
            ChainRowView(
                b.id,
                b.name,
                b.kind,
                _day(bs.start),
                _day(bs.end),
                Num(total, _pct(total), f"chain-return:{b.id}"),
                Num(float(m["annual_volatility"]), fmt(float(m["annual_volatility"]), "fraction"), f"chain-vol:{b.id}"),
                Num(float(m["max_drawdown"]), _pct(float(m["max_drawdown"])), f"chain-mdd:{b.id}"),
                vs,
                priced,
                row_notes,
            )
        )
    return rows, (baskets[bench].name if bench else ""), currency, notes


def _moves(ctx: Ctx, baskets: dict[str, Any]) -> tuple[ChainMoveView, ...]:
    """The dataset's reported moves: baskets first, then benchmarks, then single members, newest first."""
    chain_entities = {b.entity for b in baskets.values() if b.kind == "chain" and b.entity}
    bench_entities = {b.entity for b in baskets.values() if b.kind == "benchmark" and b.entity}
    out = []
    for rec in ctx.data.of_metric("basket_return"):
        start = None
        if rec.basis.startswith("from "):
            try:
                start = date.fromisoformat(rec.basis[5:].strip())
            except ValueError:
                start = None
        level = (
            "basket"
            if rec.entity in chain_entities
            else "benchmark"
            if rec.entity in bench_entities or ctx.names.kind(rec.entity) == "index"
            else "member"
        )
        window = f"{start.isoformat() if start else '?'} → {rec.as_of.isoformat()}"
        out.append(
            ChainMoveView(
                rec.entity,
                ctx.names.entity(rec.entity),
                _pct(rec.value),
                rec.value,
                start,
                rec.as_of,
                window,
                rec.kind,
                rec.publisher,
                safe_url(rec.url),
                rec.note,
                level,
            )
        )
    rank = {"basket": 0, "benchmark": 1, "member": 2}
    out.sort(key=lambda m: (rank[m.level], -m.end.toordinal(), m.subject))
    return tuple(out[:MAX_MOVES])


def chains(ctx: Ctx, extras: dict[str, Any] | None) -> ChainsView | None:
    """The chain section of the report, or ``None`` when no basket is known."""
    extras = extras or {}
    baskets = extras.get("baskets")
    if baskets is None:
        from ...chains import bundled_baskets

        baskets = bundled_baskets()
    if not baskets:
        return None
    end = min(END, ctx.cut) if ctx.cut is not None else END
    window = f"{START.isoformat()} → {end.isoformat()}"
    views = _basket_views(baskets)
    claims = _claims(ctx)
    prices = extras.get("prices")
    if prices is not None and len(prices):
        rows, bench, currency, notes = _compare(ctx, baskets, prices, extras.get("fx"), end)
        if rows:
            if currency == "local":
                notes.append("No FX series in the store: each member's return is in its own currency.")
            return ChainsView(
                START,
                end,
                window,
                "prices",
                views,
                tuple(rows),
                benchmark=bench,
                currency=currency,
                notes=tuple(notes),
                claims=claims,
            )
    moves = _moves(ctx, baskets)
    notes = [] if moves else ["The dataset reports no basket or stock moves yet."]
    return ChainsView(
        START,
        end,
        window,
        "reported",
        views,
        moves=moves,
        how_to=HOW_TO,
        commands=COMMANDS,
        notes=tuple(notes),
        claims=claims,
    )
