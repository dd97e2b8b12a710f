"""SYNTHETIC prices for tests: random walks with chosen drifts. Never real quotes, never presented as such."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def walk(
    tickers: Mapping[str, float],
    start: str = "2024-06-03",
    end: str = "2026-06-30",
    *,
    vol: float = 0.015,
    seed: int = 0,
    shocks: Mapping[tuple[str, str], float] | None = None,
    skip: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Long SYNTHETIC closes (``date, ticker, close, currency``) on business days.

    ``tickers`` maps each ticker to its total drift over the period (0.5 = ends about 50% higher);
    ``shocks`` adds a one-day return on a date; ``skip`` leaves a ticker without closes between two dates.
    """
    days = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    rows = []
    for i, (ticker, drift) in enumerate(tickers.items()):
        daily = np.log1p(drift) / len(days) + rng.normal(0, vol, len(days))
        for (t, day), move in (shocks or {}).items():
            if t == ticker:
                daily[days.get_indexer([pd.Timestamp(day)])[0]] += np.log1p(move)
        close = 50.0 * (1 + i % 5) * np.exp(np.cumsum(daily))
        keep = np.ones(len(days), dtype=bool)
        if skip and ticker in skip:
            a, b = skip[ticker]
            keep &= ~((days >= pd.Timestamp(a)) & (days <= pd.Timestamp(b)))
        rows.append(pd.DataFrame({"date": days[keep], "ticker": ticker, "close": close[keep]}))
    return pd.concat(rows, ignore_index=True)


def write_csv(frame: pd.DataFrame, path) -> None:
    out = frame.assign(date=pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d"))
    out.to_csv(path, index=False, float_format="%.6f")
