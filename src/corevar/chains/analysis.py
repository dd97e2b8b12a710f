"""Baskets priced: basket value series, returns over a window, metrics table, per-constituent contribution.

Everything here takes prices as a long DataFrame (``ticker, date, close[, adj_close][, currency]``, what
:meth:`corevar.store.Store.prices` returns and what :func:`corevar.chains.prices.read_price_file` validates) and
optionally FX rates (``currency, date, usd_per_unit``), and returns DataFrames. The arithmetic lives in
:mod:`corevar.analytics.returns` / :mod:`corevar.analytics.risk`; this module only aligns, weights and labels.

Basket arithmetic (documented in ``docs/chains.md``):

* the window opens on the first calendar day on or after ``start`` where prices exist; a constituent without a
  close then (not listed yet, or a gap) is left out and named in ``excluded`` -- its weight goes to the others;
* ``rebalancing: none`` is buy and hold from the opening weights: ``V_t = sum_i w_i * P_i,t / P_i,0``;
  ``monthly``/``quarterly`` resets the weights on the first trading day of each month/quarter;
* ``currency="USD"`` converts every close to dollars first (needs FX for non-dollar listings); ``"local"`` weights
  each constituent's own-currency return (a currency-hedged view);
* a day where any member has no close (a gap longer than the calendar allows) has no basket value; the move over
  the gap is counted when trading resumes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corevar.chains.baskets import Basket
from corevar.chains.prices import MAX_GAP_DAYS, Aligned, align, to_usd

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BasketSeries",
    "basket_prices",
    "basket_series",
    "compare",
    "event_table",
    "metrics",
    "returns_from_prices",
    "window_return",
]


@dataclass(frozen=True)
class BasketSeries:
    """A basket's value over a window (1.0 at the open) with the facts needed to read it honestly."""

    basket: str
    value: pd.Series
    weights: pd.Series  # opening weights of the members priced at the open
    contribution: pd.Series  # each member's share of the total return; sums to ``total``
    excluded: tuple[str, ...]  # members without a close at the open
    gaps: pd.DataFrame  # stretches without a close longer than the calendar allows
    currency: str
    field: str = "adj_close"
    notes: tuple[str, ...] = ()

    @property
    def start(self) -> Any:
        return self.value.index[0] if len(self.value) else None

    @property
    def end(self) -> Any:
        valid = self.value.dropna()
        return valid.index[-1] if len(valid) else None

    @property
    def total(self) -> float:
        valid = self.value.dropna()
        return float(valid.iloc[-1] - 1.0) if len(valid) else float("nan")


def _prepared(
    prices: pd.DataFrame,
    tickers: list[str],
    currencies: Mapping[str, str],
    *,
    fx: pd.DataFrame | None,
    currency: str,
    field: str,
    start: Any,
    end: Any,
    max_gap_days: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    aligned = align(prices, tickers, field=field, start=start, end=end, max_gap_days=max_gap_days)
    wide = aligned.prices
    if currency.upper() == "USD":
        wide = to_usd(wide, currencies, fx if fx is not None else _empty_fx(), max_gap_days=max_gap_days)
    elif currency != "local":
        raise ValueError(f"currency must be 'USD' or 'local', got {currency!r}")
    return wide, aligned.gaps


def basket_prices(
    basket: Basket,
    prices: pd.DataFrame,
    *,
    fx: pd.DataFrame | None = None,
    currency: str = "USD",
    field: str = "adj_close",
    max_gap_days: int = MAX_GAP_DAYS,
) -> Aligned:
    """A basket's member closes on one calendar over all the prices given, in ``currency`` (``USD`` or
    ``local``): what :func:`basket_series` windows. Pass it as ``aligned=`` to value many windows of one basket
    without aligning the prices again."""
    currencies = {c.ticker: c.currency for c in basket.constituents}
    wide, gaps = _prepared(
        prices,
        list(basket.tickers),
        currencies,
        fx=fx,
        currency=currency,
        field=field,
        start=None,
        end=None,
        max_gap_days=max_gap_days,
    )
    return Aligned(wide, gaps, max_gap_days)


def _window(aligned: Aligned, start: Any, end: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    wide, gaps = aligned.prices, aligned.gaps
    if start is not None:
        wide = wide[wide.index >= pd.Timestamp(start)]
        gaps = gaps[gaps["next"] >= pd.Timestamp(start)] if len(gaps) else gaps
    if end is not None:
        wide = wide[wide.index <= pd.Timestamp(end)]
        gaps = gaps[gaps["last"] <= pd.Timestamp(end)] if len(gaps) else gaps
    return wide, gaps.reset_index(drop=True)


def _empty_fx() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"currency": [], "date": [], "usd_per_unit": []})


def basket_series(
    basket: Basket,
    prices: pd.DataFrame,
    *,
    fx: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    currency: str = "USD",
    field: str = "adj_close",
    max_gap_days: int = MAX_GAP_DAYS,
    aligned: Aligned | None = None,
) -> BasketSeries:
    """The basket's value from ``start`` to ``end`` (see the module docstring for the rules).

    ``aligned`` (from :func:`basket_prices` with the same ``currency``) skips aligning ``prices`` again.
    """
    import pandas as pd

    tickers = list(basket.tickers)
    currencies = {c.ticker: c.currency for c in basket.constituents}
    if aligned is not None:
        wide, gaps = _window(aligned, start, end)
    else:
        wide, gaps = _prepared(
            prices,
            tickers,
            currencies,
            fx=fx,
            currency=currency,
            field=field,
            start=start,
            end=end,
            max_gap_days=max_gap_days,
        )
    target = pd.Series(basket.weight_vector(), index=tickers)
    empty = pd.Series(dtype=float)
    rows = wide.dropna(how="all")
    if rows.empty:
        return BasketSeries(
            basket.id,
            empty,
            empty,
            empty,
            tuple(tickers),
            gaps,
            currency,
            field,
            ("no prices for any member in the window",),
        )
    wide = wide.loc[rows.index[0] :]
    opening = wide.iloc[0]
    members = [t for t in tickers if pd.notna(opening[t])]
    excluded = tuple(t for t in tickers if t not in members)
    w = target[members] / target[members].sum()
    p = wide[members].to_numpy(dtype=float)
    dates = wide.index
    if basket.rebalancing == "none":
        starts = [0]
    else:
        per = dates.to_period("M" if basket.rebalancing == "monthly" else "Q")
        starts = [0, *list(np.nonzero(per[1:] != per[:-1])[0] + 1)]
    value = np.full(len(dates), np.nan)
    contrib = np.zeros(len(members))
    level = 1.0
    weights = w.to_numpy()
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(dates) - 1  # the rebalancing day closes the segment
        base = p[s]
        live = ~np.isnan(base)
        seg_w = np.where(live, weights, 0.0)
        seg_w = seg_w / seg_w.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = p[s : e + 1][:, live] / base[live]
        value[s : e + 1] = level * (rel @ seg_w[live])  # NaN on a day any member has no close
        end_rel = np.ones(len(members))
        end_rel[live] = _last_valid_rows(rel)
        contrib += level * seg_w * (end_rel - 1.0)
        level *= float(seg_w @ end_rel)
    notes = []
    if excluded:
        notes.append(f"{len(excluded)} member(s) without a close at the open left out: {', '.join(excluded)}")
    series = pd.Series(value, index=dates, name=basket.id)
    return BasketSeries(
        basket=basket.id,
        value=series,
        weights=w,
        contribution=pd.Series(contrib, index=members),
        excluded=excluded,
        gaps=gaps,
        currency=currency,
        field=field,
        notes=tuple(notes),
    )


def _last_valid_rows(rel: np.ndarray) -> np.ndarray:
    """Each column's last non-NaN value (1.0 when a column has none)."""
    out = np.ones(rel.shape[1])
    for j in range(rel.shape[1]):
        col = rel[:, j]
        ok = np.nonzero(~np.isnan(col))[0]
        if ok.size:
            out[j] = col[ok[-1]]
    return out


def returns_from_prices(levels: pd.DataFrame) -> pd.DataFrame:
    """Simple returns per column measured between each column's own consecutive prices.

    A column's return on a day with a price is the change since its previous price, however far back (so the
    move over a reported gap is kept whole); a day without a price has no return (NaN).
    """
    carried = levels.ffill()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = levels / carried.shift(1) - 1.0
    return out.where(levels.notna())


def metrics(
    prices: pd.DataFrame | pd.Series,
    benchmark: str | pd.Series | None = None,
    risk_free: float = 0.0,
    period: str = "daily",
) -> pd.DataFrame:
    """One row per ticker or basket, one column per metric (empyrical's names), from price levels.

    ``prices``: levels, wide (index dates, one column per ticker or basket: what :func:`basket_series` values or
    :func:`corevar.chains.prices.align` give) or long (``ticker, date, close``). ``benchmark``: a column of
    ``prices`` or a Series of levels; with it ``alpha``, ``beta`` and ``correlation`` are added. ``risk_free`` is
    per period, as in empyrical. Each column's returns run from its first price to its last.
    """
    import pandas as pd

    from corevar.analytics import risk

    if isinstance(prices, pd.Series):
        prices = prices.to_frame(prices.name or "series")
    if "ticker" in prices.columns and "date" in prices.columns:
        prices = align(prices, max_gap_days=MAX_GAP_DAYS).prices
    levels = prices.sort_index()
    bench = None
    if isinstance(benchmark, str):
        if benchmark not in levels.columns:
            raise ValueError(f"benchmark {benchmark!r} is not a column of prices")
        bench = levels[benchmark]
    elif benchmark is not None:
        bench = benchmark.sort_index()
        levels = levels.reindex(levels.index.union(bench.index))
        bench = bench.reindex(levels.index)
    rets = returns_from_prices(levels).iloc[1:]
    factor = returns_from_prices(bench.to_frame()).iloc[1:, 0].to_numpy() if bench is not None else None
    names = list(rets.columns)
    table: dict[str, Any] = {}
    firsts = [levels[c].first_valid_index() for c in names]
    lasts = [levels[c].last_valid_index() for c in names]
    # Trim each column to its own life: empyrical's annual_return counts every row, NaN rows included.
    groups: dict[tuple[Any, Any], list[int]] = {}
    for j, (a, b) in enumerate(zip(firsts, lasts, strict=True)):
        groups.setdefault((a, b), []).append(j)
    cols_out = (
        list(risk.METRICS)
        if factor is not None
        else [m for m in risk.METRICS if m not in ("alpha", "beta", "correlation")]
    )
    result = np.full((len(names), len(cols_out)), np.nan)
    for (a, b), idx in groups.items():
        if a is None:
            continue
        window = (rets.index > a) & (rets.index <= b)
        block = rets.iloc[window, idx].to_numpy(dtype=float)
        f = factor[window] if factor is not None else None
        with np.errstate(all="ignore"):
            got = risk.performance(block, f, risk_free=risk_free, period=period)
        for k, m in enumerate(cols_out):
            result[idx, k] = got[m]
    table = pd.DataFrame(result, index=pd.Index(names, name="name"), columns=cols_out)
    table.insert(0, "end", [None if b is None else pd.Timestamp(b).date() for b in lasts])
    table.insert(0, "start", [None if a is None else pd.Timestamp(a).date() for a in firsts])
    return table


def window_return(levels: pd.Series, start: Any = None, end: Any = None) -> tuple[float, Any, Any]:
    """Total return of a level series from the first value on/after ``start`` to the last on/before ``end``."""
    import pandas as pd

    s = levels.dropna().sort_index()
    if start is not None:
        s = s[s.index >= pd.Timestamp(start)]
    if end is not None:
        s = s[s.index <= pd.Timestamp(end)]
    if len(s) < 2:
        return float("nan"), None, None
    return float(s.iloc[-1] / s.iloc[0] - 1.0), s.index[0], s.index[-1]


def compare(
    baskets: Iterable[Basket],
    prices: pd.DataFrame,
    *,
    fx: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    currency: str = "USD",
    field: str = "adj_close",
) -> pd.DataFrame:
    """Side-by-side returns of several baskets over one window: one row per basket, plus each against the first.

    Columns: basket, name, start, end, total_return, annualised (calendar CAGR, ACT/365.25), max_drawdown,
    members, priced, excluded, gaps, vs_first (wealth ratio to the first basket minus 1, see
    :func:`corevar.analytics.returns.relative_performance`).
    """
    import pandas as pd

    from corevar.analytics import returns as R
    from corevar.analytics import risk

    rows = []
    first_total = None
    for b in baskets:
        bs = basket_series(b, prices, fx=fx, start=start, end=end, currency=currency, field=field)
        valid = bs.value.dropna()
        rets = valid.pct_change().iloc[1:].to_numpy() if len(valid) > 1 else np.array([])
        total = bs.total
        if first_total is None:
            first_total = total
        rows.append(
            {
                "basket": b.id,
                "name": b.name,
                "start": None if bs.start is None else pd.Timestamp(bs.start).date(),
                "end": None if bs.end is None else pd.Timestamp(bs.end).date(),
                "total_return": total,
                "annualised": _annualised(total, bs.start, bs.end),
                "max_drawdown": risk.max_drawdown(rets) if rets.size else float("nan"),
                "members": len(b.constituents),
                "priced": len(bs.weights),
                "excluded": ", ".join(bs.excluded),
                "gaps": len(bs.gaps),
                "vs_first": float(R.relative_performance(np.array([total]), np.array([first_total]))[-1]),
            }
        )
    return pd.DataFrame(rows)


def _annualised(total: float, start: Any, end: Any) -> float:
    """Calendar-time CAGR (ACT/365.25) of a total return: the window's own length, not a count of rows."""
    import pandas as pd

    if start is None or end is None or not np.isfinite(total):
        return float("nan")
    years = (pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25
    return float((1.0 + total) ** (1.0 / years) - 1.0) if years > 0 else float("nan")


def event_table(
    basket: Basket,
    prices: pd.DataFrame,
    market: str,
    dates: Iterable[Any],
    *,
    window: tuple[int, int] = (0, 0),
    estimation: tuple[int, int] = (-250, -11),
    members: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, Any]:
    """Market-model event study of a basket's members around each date (see :mod:`corevar.analytics.events`).

    ``market`` is the market's ticker. Day 0 of an event is the market's first trading day on or after its date.
    Returns one row per (date, member) -- beta, CAR, t, or a note saying why the member was left out -- and the
    aggregate :class:`~corevar.analytics.events.EventStudy` over every fitted (date, member), or ``None`` when
    nothing could be fitted. Raises ``ValueError`` when the market has no prices on or after a date.
    """
    import pandas as pd

    from corevar.analytics.events import event_study

    wanted = [t for t in basket.tickers if members is None or t in set(members)]
    wide = align(prices, [market, *wanted]).prices
    rets = returns_from_prices(wide).iloc[1:]
    if market not in rets.columns or rets[market].notna().sum() < 3:
        raise ValueError(f"no prices for the market ({market})")
    market_days = rets.index[rets[market].notna()]
    m = rets[market].to_numpy(dtype=float)
    rows: list[dict[str, Any]] = []
    columns: list[np.ndarray] = []
    events: list[tuple[int, int]] = []
    for when in dates:
        after = market_days[market_days >= pd.Timestamp(when)]
        if after.empty:
            raise ValueError(f"the market's prices end before {pd.Timestamp(when).date()}")
        day0 = int(rets.index.get_loc(after[0]))
        for t in wanted:
            base = {"date": after[0].date(), "ticker": t}
            if t not in rets.columns or rets[t].notna().sum() == 0:
                rows.append({**base, "note": "no prices"})
                continue
            series = rets[t].to_numpy(dtype=float)
            try:
                one = event_study(series, m, [day0], window=window, estimation=estimation).events[0]
            except ValueError as exc:
                rows.append({**base, "note": str(exc)})
                continue
            rows.append({**base, "beta": one.beta, "car": one.car, "t": one.t, "estimation_days": one.estimation_days})
            events.append((len(columns), day0))
            columns.append(series)
    study = None
    if columns:
        study = event_study(np.column_stack(columns), m, events, window=window, estimation=estimation)
    return pd.DataFrame(rows), study
