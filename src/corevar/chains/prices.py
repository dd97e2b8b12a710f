"""Prices and exchange rates: read a file, validate it strictly, store it, and align tickers on one calendar.

Formats (CSV or Parquet; the columns decide):

* **long** -- ``date,ticker,close[,currency][,adj_close]``, one row per ticker and day;
* **wide** -- ``date,<ticker>,<ticker>,...``, one row per day, one close per ticker (an empty cell: no price);
* **fx** -- ``date,currency,usd_per_unit``, US dollars per one unit of the currency.

Validation is as strict as for observations: every problem is reported with file, line and field, and if there is
one, nothing is written. A price file may only name tickers that some basket or benchmark lists (a typo must not
create a new series), closes must be positive, dates real calendar dates not after today, and a ticker may have one
close a day. ``currency`` defaults to the currency its basket lists and must agree with it when given.

Calendars: tickers listed on different exchanges trade on different days. :func:`align` puts them on the union of
their trading days and carries a close forward over at most ``max_gap_days`` calendar days (default
:data:`MAX_GAP_DAYS` = 5, enough for a weekend plus a holiday or two); a longer stretch without a price (a
suspension, a missing file, the Lunar New Year week) is left empty and reported in ``gaps``, never filled. The
return across such a gap is kept whole on the day trading resumes, so totals are right and volatility is not
understated by invented flat days.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corevar.errors import IngestError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_GAP_DAYS",
    "Aligned",
    "PriceFile",
    "PriceIngestResult",
    "align",
    "ingest_prices",
    "read_price_file",
    "to_usd",
    "validate_fx",
    "validate_prices",
]

MAX_GAP_DAYS = 5
"""Calendar days a close may be carried forward on the aligned calendar (a weekend plus up to three holidays)."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_PROBLEMS = 50


@dataclass(frozen=True)
class PriceFile:
    """A validated file: ``prices`` (ticker, date, close, adj_close, currency) or ``fx`` (currency, date,
    usd_per_unit); the other is ``None``."""

    path: str
    prices: pd.DataFrame | None
    fx: pd.DataFrame | None

    @property
    def rows(self) -> int:
        frame = self.prices if self.prices is not None else self.fx
        return 0 if frame is None else len(frame)


@dataclass(frozen=True)
class PriceIngestResult:
    files: int
    rows: int
    added: int


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as text columns, and the line number of its first data row (2 for CSV, 1 for Parquet rows)."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            frame = table.to_pandas()
            for col in frame.columns:
                if pd.api.types.is_datetime64_any_dtype(frame[col]):
                    frame[col] = frame[col].dt.strftime("%Y-%m-%d")
                elif frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], dt.date):
                    frame[col] = frame[col].map(lambda d: d.isoformat() if d is not None else "")
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
            return frame, 1
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig")
        return frame, 2
    except FileNotFoundError:
        raise IngestError([Problem(str(path), None, None, "no such file")]) from None
    except Exception as exc:  # a malformed CSV or Parquet file: say so with the reader's own words
        raise IngestError([Problem(str(path), None, None, f"cannot read {suffix or 'file'}: {exc}")]) from None


def read_price_file(
    path: Path | str, known: Mapping[str, str], *, today: dt.date | None = None, frame: pd.DataFrame | None = None
) -> PriceFile:
    """Read and validate one price or FX file; ``IngestError`` with every problem found (nothing returned then).

    ``known`` maps each ticker some basket or benchmark lists to its currency (see
    :func:`corevar.chains.baskets.known_tickers`). ``frame`` lets a connector hand over records already in
    memory (text or typed columns), validated exactly like a file.
    """
    name = str(path)
    first_line = 2
    if frame is None:
        frame, first_line = _read_table(Path(path))
    else:
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
        first_line = 1
    frame = frame.rename(columns={c: str(c).strip() for c in frame.columns})
    cols = [c.lower() for c in frame.columns]
    frame.columns = [
        c.lower() if c.lower() in {"date", "ticker", "close", "adj_close", "currency", "usd_per_unit"} else c
        for c in frame.columns
    ]
    if "date" not in cols:
        raise IngestError([Problem(name, 1, "date", "missing column: a price file needs a date column")])
    if "usd_per_unit" in cols:
        return PriceFile(name, None, validate_fx(frame, name, first_line=first_line, today=today))
    if "ticker" in cols:
        if "close" not in cols:
            raise IngestError([Problem(name, 1, "close", "missing column: a long price file needs date,ticker,close")])
        long = frame
    else:
        long = _melt_wide(frame, name)
        first_line = -1  # line numbers travel in the melted frame
    return PriceFile(name, validate_prices(long, name, known, first_line=first_line, today=today), None)


def _melt_wide(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    tickers = [c for c in frame.columns if c != "date"]
    if not tickers:
        raise IngestError([Problem(name, 1, None, "a wide price file needs one column per ticker after date")])
    frame = frame.assign(_line=range(2, len(frame) + 2))
    long = frame.melt(id_vars=["date", "_line"], value_vars=tickers, var_name="ticker", value_name="close")
    long = long[long["close"].astype(str).str.strip() != ""]
    return long.sort_values(["_line", "ticker"], kind="stable").reset_index(drop=True)


def _lines(frame: pd.DataFrame, first_line: int) -> list[int]:
    if "_line" in frame.columns:
        return [int(x) for x in frame["_line"]]
    return list(range(first_line, first_line + len(frame)))


def _dates(values: Iterable[str], lines: list[int], name: str, today: dt.date, problems: list[Problem]) -> list:
    out: list[dt.date | None] = []
    for text, line in zip(values, lines, strict=True):
        text = str(text).strip()
        day = None
        if not _DATE.match(text):
            problems.append(Problem(name, line, "date", f"{text!r} is not a date (expected YYYY-MM-DD)"))
        else:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(Problem(name, line, "date", f"{text} is not a real calendar date"))
            else:
                if day > today:
                    problems.append(Problem(name, line, "date", f"{text} is after today ({today}): no close yet"))
                    day = None
        out.append(day)
    return out


def _positive(text: str) -> float | None:
    try:
        value = float(str(text).replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def validate_prices(
    frame: pd.DataFrame,
    name: str,
    known: Mapping[str, str],
    *,
    first_line: int = 2,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Long price rows (text columns) checked row by row; the typed frame, or ``IngestError`` listing problems."""
    import pandas as pd

    today = today or dt.date.today()
    problems: list[Problem] = []
    lines = _lines(frame, first_line)
    days = _dates(frame["date"], lines, name, today, problems)
    tickers = [str(t).strip() for t in frame["ticker"]]
    has_currency = "currency" in frame.columns
    has_adj = "adj_close" in frame.columns
    closes: list[float | None] = []
    adjs: list[float | None] = []
    currencies: list[str | None] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for i, (ticker, line) in enumerate(zip(tickers, lines, strict=True)):
        field = "close" if "_line" not in frame.columns else ticker
        if not ticker:
            problems.append(Problem(name, line, "ticker", "empty ticker"))
        elif ticker not in known:
            near = difflib.get_close_matches(ticker, list(known), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(
                Problem(
                    name,
                    line,
                    "ticker",
                    f"unknown ticker {ticker!r}: no basket or benchmark lists it (add it to a basket first){hint}",
                )
            )
        raw = str(frame["close"].iat[i]).strip()
        close = _positive(raw)
        if close is None:
            problems.append(Problem(name, line, field, f"close must be a positive number, got {raw!r}"))
        closes.append(close)
        adj = None
        if has_adj:
            raw_adj = str(frame["adj_close"].iat[i]).strip()
            if raw_adj:
                adj = _positive(raw_adj)
                if adj is None:
                    problems.append(
                        Problem(name, line, "adj_close", f"adj_close must be a positive number, got {raw_adj!r}")
                    )
        adjs.append(adj)
        currency = known.get(ticker)
        if has_currency:
            given = str(frame["currency"].iat[i]).strip().upper()
            if given and not _CURRENCY.match(given):
                problems.append(Problem(name, line, "currency", f"{given!r} is not a three-letter currency code"))
            elif given and currency and given != currency:
                problems.append(
                    Problem(
                        name,
                        line,
                        "currency",
                        f"{given} differs from {currency}, the currency the baskets list for {ticker}",
                    )
                )
            currency = given or currency
        currencies.append(currency)
        day = days[i]
        if day is not None and ticker:
            key = (ticker, day)
            if key in seen:
                problems.append(
                    Problem(name, line, "date", f"duplicate date {day} for {ticker} (first on line {seen[key]})")
                )
            else:
                seen[key] = line
        if len(problems) > _MAX_PROBLEMS * 4:
            break
    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: a line's problems keep their column order
        raise IngestError(problems[:_MAX_PROBLEMS], total=len(problems))
    out = pd.DataFrame(
        {
            "ticker": tickers,
            "date": pd.to_datetime(pd.Series(days, dtype=object)).astype("datetime64[s]"),
            "close": pd.Series(closes, dtype="float64"),
            "adj_close": pd.Series(adjs, dtype="float64"),
            "currency": currencies,
        }
    )
    return out


def validate_fx(frame: pd.DataFrame, name: str, *, first_line: int = 2, today: dt.date | None = None) -> pd.DataFrame:
    """FX rows (``date,currency,usd_per_unit``) checked like prices; the typed frame or ``IngestError``."""
    import pandas as pd

    today = today or dt.date.today()
    problems: list[Problem] = []
    for col in ("currency", "usd_per_unit"):
        if col not in frame.columns:
            raise IngestError([Problem(name, 1, col, "missing column: an FX file needs date,currency,usd_per_unit")])
    lines = _lines(frame, first_line)
    days = _dates(frame["date"], lines, name, today, problems)
    rates: list[float | None] = []
    currencies: list[str] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for i, line in enumerate(lines):
        cur = str(frame["currency"].iat[i]).strip().upper()
        if not _CURRENCY.match(cur):
            problems.append(Problem(name, line, "currency", f"{cur!r} is not a three-letter currency code"))
        raw = str(frame["usd_per_unit"].iat[i]).strip()
        rate = _positive(raw)
        if rate is None:
            problems.append(Problem(name, line, "usd_per_unit", f"usd_per_unit must be a positive number, got {raw!r}"))
        rates.append(rate)
        currencies.append(cur)
        if days[i] is not None:
            key = (cur, days[i])
            if key in seen:
                problems.append(
                    Problem(name, line, "date", f"duplicate date {days[i]} for {cur} (first on line {seen[key]})")
                )
            else:
                seen[key] = line
    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: a line's problems keep their column order
        raise IngestError(problems[:_MAX_PROBLEMS], total=len(problems))
    return pd.DataFrame(
        {
            "currency": currencies,
            "date": pd.to_datetime(pd.Series(days, dtype=object)).astype("datetime64[s]"),
            "usd_per_unit": pd.Series(rates, dtype="float64"),
        }
    )


def ingest_prices(
    store: Any,
    paths: Iterable[Path | str],
    known: Mapping[str, str],
    *,
    source: str | None = None,
    origin: str = "user",
    today: dt.date | None = None,
) -> PriceIngestResult:
    """Validate every file first, then append them all in one transaction: all files or none.

    ``store`` is a write-mode :class:`corevar.store.Store` (its ``append_prices``/``append_fx``); ``source`` is
    recorded on every row (default: the file name), so a price can always be traced to the file it came from.
    """
    files = [read_price_file(p, known, today=today) for p in paths]
    problems: list[Problem] = []
    seen: dict[tuple[str, Any], tuple[str, float]] = {}
    for f in files:  # the same close twice across files is fine (skipped); two different closes are not
        if f.prices is None:
            continue
        if f.prices.empty:
            problems.append(Problem(f.path, None, None, "no prices in the file"))
        for ticker, day, close in zip(f.prices["ticker"], f.prices["date"], f.prices["close"], strict=True):
            prior = seen.setdefault((ticker, day), (f.path, close))
            if prior[1] != close:
                text = f"{ticker} on {day.date()}: {close} here but {prior[1]} in {prior[0]}"
                problems.append(Problem(f.path, None, "close", text))
    if problems:
        raise IngestError(problems)
    added = 0
    with store.transaction():
        for f in files:
            label = source or Path(f.path).name
            if f.prices is not None:
                table = f.prices.assign(source=label)
                added += int(store.append_prices(table, origin=origin) or 0)
            if f.fx is not None:
                added += int(store.append_fx(f.fx.assign(source=label)) or 0)
    return PriceIngestResult(files=len(files), rows=sum(f.rows for f in files), added=added)


@dataclass(frozen=True)
class Aligned:
    """Closes of several tickers on one calendar (index: dates; columns: tickers) and the gaps left empty.

    ``gaps`` has one row per stretch longer than ``max_gap_days`` without a close inside a ticker's own life:
    ticker, last (the last close before it), next (the first close after it), days (calendar days between).
    """

    prices: pd.DataFrame
    gaps: pd.DataFrame
    max_gap_days: int


def align(
    prices: pd.DataFrame,
    tickers: Iterable[str] | None = None,
    *,
    field: str = "adj_close",
    start: Any = None,
    end: Any = None,
    max_gap_days: int = MAX_GAP_DAYS,
    calendar: Any = None,
) -> Aligned:
    """Pivot long prices to one calendar, carrying a close forward over at most ``max_gap_days`` calendar days.

    ``field="adj_close"`` uses the adjusted close where a row has one and the close otherwise (adjusted closes
    include dividends and splits; say which you used when you quote a return). The calendar is the union of the
    tickers' trading days in ``[start, end]`` unless ``calendar`` (dates) is given. Before a ticker's first close
    and after its last the column is empty: nothing is extrapolated.
    """
    import numpy as np
    import pandas as pd

    frame = prices
    if tickers is not None:
        wanted = list(dict.fromkeys(tickers))
        frame = frame[frame["ticker"].isin(wanted)]
    else:
        wanted = sorted(frame["ticker"].unique())
    value = frame["close"].to_numpy(dtype=float)
    if field == "adj_close" and "adj_close" in frame.columns:
        adj = frame["adj_close"].to_numpy(dtype=float)
        value = np.where(np.isnan(adj), value, adj)
    elif field not in ("close", "adj_close"):
        raise ValueError(f"field must be 'close' or 'adj_close', got {field!r}")
    # NumPy rather than pivot/ffill: the rule kinds align prices many times per check.
    days = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]")
    cal = np.unique(days)
    if calendar is not None:
        extra = pd.DatetimeIndex(pd.to_datetime(list(calendar))).to_numpy().astype("datetime64[D]")
        cal = np.union1d(cal, extra)
    if cal.size == 0:  # none of the tickers has a price
        empty = pd.DataFrame(
            index=pd.DatetimeIndex([], name="date"), columns=pd.Index(wanted, name="ticker"), dtype=float
        )
        return Aligned(empty, pd.DataFrame(columns=["ticker", "last", "next", "days"]), max_gap_days)
    col = pd.Categorical(frame["ticker"], categories=wanted).codes
    wide = np.full((cal.size, len(wanted)), np.nan)
    wide[np.searchsorted(cal, days), col] = value  # a repeated (ticker, day) keeps its last row
    observed = ~np.isnan(wide)
    rows = np.arange(cal.size)[:, None]
    last = np.maximum.accumulate(np.where(observed, rows, -1), axis=0)  # last row with a close, -1 before any
    cols = np.arange(len(wanted))[None, :]
    filled = np.where(last >= 0, wide[np.maximum(last, 0), cols], np.nan)
    age = (cal[:, None] - cal[np.maximum(last, 0)]).astype(float)
    final = np.where(observed.any(axis=0), cal.size - 1 - np.argmax(observed[::-1], axis=0), -1)
    keep = observed | ((last >= 0) & (age <= max_gap_days))
    keep &= rows <= final[None, :]  # nothing after a ticker's last close
    filled = np.where(keep, filled, np.nan)
    gaps = _gaps(cal, observed, wanted, max_gap_days)
    index = pd.DatetimeIndex(cal.astype("datetime64[ns]"), name="date")
    out = pd.DataFrame(filled, index=index, columns=pd.Index(wanted, name="ticker"))
    if calendar is not None:
        out = out.reindex(pd.DatetimeIndex(np.unique(extra).astype("datetime64[ns]"), name="date"))
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    if lo is not None:
        out = out[out.index >= lo]
    if hi is not None:
        out = out[out.index <= hi]
    if not gaps.empty and (lo is not None or hi is not None):
        mask = np.ones(len(gaps), dtype=bool)
        if lo is not None:
            mask &= gaps["next"] >= lo
        if hi is not None:
            mask &= gaps["last"] <= hi
        gaps = gaps[mask].reset_index(drop=True)
    return Aligned(out, gaps, max_gap_days)


def _gaps(cal: Any, observed: Any, tickers: list[str], max_gap_days: int) -> pd.DataFrame:
    """Stretches longer than ``max_gap_days`` between a ticker's consecutive closes."""
    import numpy as np
    import pandas as pd

    col, row = np.nonzero(observed.T)  # sorted by ticker, then by day
    same = col[1:] == col[:-1]
    step = (cal[row[1:]] - cal[row[:-1]]).astype(int)
    hit = np.nonzero(same & (step > max_gap_days))[0]
    return pd.DataFrame(
        {
            "ticker": [tickers[c] for c in col[hit]],
            "last": pd.to_datetime(cal[row[hit]]),
            "next": pd.to_datetime(cal[row[hit + 1]]),
            "days": step[hit].astype(int),
        },
        columns=["ticker", "last", "next", "days"],
    )


def to_usd(
    aligned: pd.DataFrame, currencies: Mapping[str, str], fx: pd.DataFrame, *, max_gap_days: int = MAX_GAP_DAYS
) -> pd.DataFrame:
    """Aligned local closes converted to US dollars with the FX rate of the same day (carried over at most
    ``max_gap_days`` days, like prices). Raises ``ValueError`` naming a currency with no FX series."""
    import pandas as pd

    out = aligned.copy()
    needed = sorted({currencies[t] for t in aligned.columns if currencies.get(t, "USD") != "USD"})
    have = set(fx["currency"].unique()) if fx is not None and len(fx) else set()
    missing = [c for c in needed if c not in have]
    if missing:
        raise ValueError(
            f"no FX series for {', '.join(missing)}: ingest a file of date,currency,usd_per_unit, or ask for "
            "returns in local currency"
        )
    for cur in needed:
        rows = fx[fx["currency"] == cur]
        series = pd.Series(rows["usd_per_unit"].to_numpy(), index=pd.to_datetime(rows["date"])).sort_index()
        rate = align(
            pd.DataFrame({"ticker": cur, "date": series.index, "close": series.to_numpy()}),
            [cur],
            field="close",
            calendar=aligned.index,
            max_gap_days=max_gap_days,
        ).prices[cur]
        cols = [t for t in aligned.columns if currencies.get(t) == cur]
        out[cols] = aligned[cols].mul(rate.reindex(aligned.index), axis=0)
    return out
