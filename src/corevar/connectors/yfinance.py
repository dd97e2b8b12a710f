"""Daily closes and exchange rates from Yahoo Finance through the ``yfinance`` package (``connectors`` extra).

Three steps, as in OpenBB's fetchers, so that only one of them ever touches the network:

1. :func:`transform_query` -- corevar tickers (``ORCL.US``, ``9984.T``, ``601138.SH``, ``SPX``) to Yahoo symbols
   (``ORCL``, ``9984.T``, ``601138.SS``, ``^GSPC``) and the date range to Yahoo's (``end`` is exclusive there);
2. :func:`extract_data` -- one ``yfinance.download`` call (never run in CI; needs internet);
3. :func:`transform_data` -- Yahoo's frame (columns ``(Price, Ticker)``: ``Adj Close``, ``Close``, ...) to long
   records ``date, ticker, close, adj_close, currency`` in corevar's tickers, dropping empty rows.

The records then go through :func:`corevar.chains.read_price_file` like any file (same checks, same errors), and
are written with the source ``yahoo-finance`` so every stored price says where it came from. Yahoo's adjusted close
includes dividends and splits; its data is for personal use under Yahoo's terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SOURCE",
    "YahooQuery",
    "extract_data",
    "fetch_fx",
    "fetch_prices",
    "fx_symbol",
    "to_yahoo",
    "transform_data",
    "transform_fx",
    "transform_query",
]

SOURCE = "yahoo-finance"

# corevar's index tickers (registry entities' tickers) -> Yahoo's index symbols
_INDICES = {
    "SPX": "^GSPC",
    "NDX": "^NDX",
    "IXIC": "^IXIC",
    "SOX": "^SOX",
    "399006.SZ": "399006.SZ",
    "000001.SH": "000001.SS",
    "399001.SZ": "399001.SZ",
}


def to_yahoo(ticker: str) -> str:
    """A corevar ticker as Yahoo spells it: ``.US`` dropped, Shanghai's ``.SH`` as ``.SS``, indices as ``^...``."""
    if ticker in _INDICES:
        return _INDICES[ticker]
    if ticker.endswith(".US"):
        return ticker[:-3].replace(".", "-")  # BRK.B.US -> BRK-B
    if ticker.endswith(".SH"):
        return ticker[:-3] + ".SS"
    return ticker


def fx_symbol(currency: str) -> str:
    """Yahoo's symbol for the dollar price of ``currency`` (``JPY=X`` quotes yen per dollar)."""
    return f"{currency}=X"


@dataclass(frozen=True)
class YahooQuery:
    symbols: tuple[str, ...]
    back: Mapping[str, str]  # Yahoo symbol -> corevar ticker
    start: str
    end: str  # exclusive, as Yahoo takes it


def transform_query(tickers: Iterable[str], start: dt.date | str, end: dt.date | str) -> YahooQuery:
    """corevar's request as Yahoo's: symbols, and ``end`` moved one day on (Yahoo's end is exclusive)."""
    wanted = list(dict.fromkeys(tickers))
    if not wanted:
        raise ValueError("tickers must name at least one ticker")
    first, last = dt.date.fromisoformat(str(start)), dt.date.fromisoformat(str(end))
    if last < first:
        raise ValueError(f"end {last} is before start {first}")
    back = {to_yahoo(t): t for t in wanted}
    return YahooQuery(tuple(back), back, first.isoformat(), (last + dt.timedelta(days=1)).isoformat())


def extract_data(query: YahooQuery) -> pd.DataFrame:
    """The raw ``yfinance.download`` frame (network). Not called by corevar's tests."""
    import yfinance

    return yfinance.download(
        list(query.symbols),
        start=query.start,
        end=query.end,
        auto_adjust=False,
        actions=False,
        group_by="column",
        progress=False,
        threads=True,
        multi_level_index=True,
    )


def _field(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """One price field as a (date x symbol) frame, for both of yfinance's column layouts."""
    import pandas as pd

    cols = raw.columns
    if isinstance(cols, pd.MultiIndex):
        names = list(cols.names)
        level = names.index("Price") if "Price" in names else 0
        if name not in cols.get_level_values(level):
            return pd.DataFrame(index=raw.index)
        return raw.xs(name, axis=1, level=level)
    return raw[[name]] if name in cols else pd.DataFrame(index=raw.index)


def transform_data(query: YahooQuery, raw: pd.DataFrame, currencies: Mapping[str, str]) -> pd.DataFrame:
    """Yahoo's frame as long records in corevar's tickers: ``date, ticker, close, adj_close, currency``.

    Rows without a close (Yahoo pads the union of all symbols' trading days with NaN) are dropped: an empty cell
    is "no trade that day", never a price. A flat (one-ticker) frame is read as the query's only symbol.
    """
    import pandas as pd

    if raw is None or raw.empty:
        return pd.DataFrame(columns=["date", "ticker", "close", "adj_close", "currency"])
    close, adj = _field(raw, "Close"), _field(raw, "Adj Close")
    if not isinstance(raw.columns, pd.MultiIndex):
        close.columns = adj.columns = list(query.symbols[:1]) * len(close.columns)
    index = pd.DatetimeIndex(raw.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    days = index.normalize()
    frames = []
    for symbol in close.columns:
        ticker = query.back.get(symbol, symbol)
        c = pd.to_numeric(close[symbol], errors="coerce").to_numpy()
        a = pd.to_numeric(adj[symbol], errors="coerce").to_numpy() if symbol in adj.columns else None
        part = pd.DataFrame({"date": days, "ticker": ticker, "close": c, "adj_close": a})
        frames.append(part[part["close"].notna()])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["currency"] = out["ticker"].map(lambda t: currencies.get(t, ""))
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out.sort_values(["ticker", "date"], kind="stable").reset_index(drop=True)


def transform_fx(raw: pd.DataFrame, currencies: Iterable[str]) -> pd.DataFrame:
    """Yahoo's ``XXX=X`` closes (units per dollar) as ``date, currency, usd_per_unit`` (dollars per unit)."""
    import pandas as pd

    wanted = [c for c in dict.fromkeys(currencies) if c != "USD"]
    query = YahooQuery(tuple(fx_symbol(c) for c in wanted), {fx_symbol(c): c for c in wanted}, "", "")
    long = transform_data(query, raw, {})
    if long.empty:
        return pd.DataFrame(columns=["date", "currency", "usd_per_unit"])
    return pd.DataFrame(
        {"date": long["date"], "currency": long["ticker"], "usd_per_unit": 1.0 / long["close"].astype(float)}
    )


def fetch_prices(tickers: Iterable[str], start: Any, end: Any, currencies: Mapping[str, str]) -> pd.DataFrame:
    """fetch -> transform -> records for closes (needs internet and the ``connectors`` extra)."""
    query = transform_query(tickers, start, end)
    return transform_data(query, extract_data(query), currencies)


def fetch_fx(currencies: Iterable[str], start: Any, end: Any) -> pd.DataFrame:
    """fetch -> transform -> records for dollar exchange rates of ``currencies`` (needs internet)."""
    wanted = [c for c in dict.fromkeys(currencies) if c != "USD"]
    if not wanted:
        import pandas as pd

        return pd.DataFrame(columns=["date", "currency", "usd_per_unit"])
    query = transform_query([fx_symbol(c) for c in wanted], start, end)
    return transform_fx(extract_data(query), wanted)
