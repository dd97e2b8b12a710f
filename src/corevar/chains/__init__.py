"""corevar.chains: thematic baskets of stocks, their prices, returns, risk, attribution and event studies.

The Python API (each returns plain values or pandas DataFrames; nothing here prints)::

    from corevar import chains
    baskets = chains.load_baskets()                      # shipped baskets (+ your folders)
    frame = chains.read_price_file("prices.csv", chains.known_tickers(baskets)).prices
    chains.compare([baskets["openai-chain"], baskets["google-chain"]], frame, start="2025-04-28",
                   end="2026-04-28", currency="local")
    chains.metrics(chains.align(frame).prices, benchmark="SPX")

The maths lives in :mod:`corevar.analytics` (returns, risk, attribution, events); this package loads baskets,
validates and aligns prices, weights baskets and registers the chain rule kinds (:mod:`corevar.chains.kinds`,
imported by the thesis engine).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corevar.chains.analysis import (
        BasketSeries,
        basket_prices,
        basket_series,
        compare,
        event_table,
        metrics,
        returns_from_prices,
        window_return,
    )
    from corevar.chains.baskets import (
        Basket,
        Constituent,
        MembershipSource,
        bundled_baskets,
        known_tickers,
        load_basket_file,
        load_baskets,
    )
    from corevar.chains.prices import (
        MAX_GAP_DAYS,
        Aligned,
        PriceFile,
        PriceIngestResult,
        align,
        ingest_prices,
        read_price_file,
        to_usd,
    )

# Names are imported from their modules on first use (PEP 562), so that the thesis engine importing
# corevar.chains.kinds does not pay for pydantic basket models, pandas-facing code or the price reader.
_WHERE = {
    **dict.fromkeys(
        (
            "BasketSeries",
            "basket_prices",
            "basket_series",
            "compare",
            "event_table",
            "metrics",
            "returns_from_prices",
            "window_return",
        ),
        "analysis",
    ),
    **dict.fromkeys(
        (
            "Basket",
            "Constituent",
            "MembershipSource",
            "bundled_baskets",
            "known_tickers",
            "load_basket_file",
            "load_baskets",
        ),
        "baskets",
    ),
    **dict.fromkeys(
        (
            "MAX_GAP_DAYS",
            "Aligned",
            "PriceFile",
            "PriceIngestResult",
            "align",
            "ingest_prices",
            "read_price_file",
            "to_usd",
        ),
        "prices",
    ),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'corevar.chains' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"corevar.chains.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "MAX_GAP_DAYS",
    "Aligned",
    "Basket",
    "BasketSeries",
    "Constituent",
    "MembershipSource",
    "PriceFile",
    "PriceIngestResult",
    "align",
    "basket_prices",
    "basket_series",
    "bundled_baskets",
    "compare",
    "engine_extras",
    "event_table",
    "ingest_prices",
    "known_tickers",
    "load_basket_file",
    "load_baskets",
    "metrics",
    "read_price_file",
    "returns_from_prices",
    "to_usd",
    "window_return",
]


def engine_extras(store: Any, baskets: dict[str, Basket] | None = None) -> dict[str, Any]:
    """What the chain rule kinds read from ``ctx.extras``: ``prices`` and ``fx`` from the store (only when it
    holds some) and ``baskets``. Pass the result as ``extras=`` to ``corevar.theses.evaluate``.

    Cheap when no prices were ingested (two COUNT-sized queries), so a check may always call it.
    """
    from corevar.chains.baskets import bundled_baskets

    out: dict[str, Any] = {"baskets": baskets if baskets is not None else bundled_baskets()}
    prices = getattr(store, "prices", None)
    if prices is not None:
        frame = prices()
        if len(frame):
            out["prices"] = frame
            fx = store.fx()
            if len(fx):
                out["fx"] = fx
    return out
