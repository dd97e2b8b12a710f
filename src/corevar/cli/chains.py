"""``corevar chains ...`` (baskets, returns, metrics, attribution, event studies) and ``corevar prices ...``.

Each command is one call into :mod:`corevar.chains` on prices read from the store (``corevar prices ingest``).
Baskets are the shipped ones plus any YAML in ``--baskets DIR`` (or ``$COREVAR_BASKETS``): a user's basket of the
same id replaces a shipped one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._common import DbOption, fail, format_option, handled, open_store, parse_day

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["app", "prices_app"]

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Stock chains: baskets, returns, risk, attribution, event studies.\n\n"
    "Prices come from `corevar prices ingest FILE` (or `corevar prices fetch`, with internet).",
)
prices_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Ingest daily prices and FX rates, or fetch them with a connector.\n\n"
    "Files are validated strictly: every problem with file, line and field, and nothing is "
    "written unless every row of every file is valid.",
)

Format = Annotated[str, format_option(("table", "csv", "json"))]
BasketsOption = Annotated[
    list[Path] | None,
    typer.Option("--baskets", metavar="DIR", help="Folder (or file) of your basket YAML; default $COREVAR_BASKETS."),
]
FromOption = Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="First day of the window.")]
ToOption = Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="Last day of the window.")]
CurrencyOption = Annotated[
    str, typer.Option("--currency", help="local (each member's own currency) or USD (needs FX rates).")
]


def _baskets(folders: list[Path] | None) -> dict[str, Any]:
    from corevar import chains

    extra = list(folders or [])
    env = os.environ.get("COREVAR_BASKETS")
    if not extra and env:
        extra = [Path(p) for p in env.split(os.pathsep) if p]
    with handled():
        return chains.load_baskets(extra)


def _pick(baskets: dict[str, Any], ids: list[str]) -> list[Any]:
    from corevar.registry import closest

    out = []
    for i in ids:
        if i not in baskets:
            near = closest(i, list(baskets))
            hint = f" Did you mean {', '.join(near)}?" if near else ""
            fail(f"unknown basket {i!r}; `corevar chains list` shows them.{hint}", 2)
        out.append(baskets[i])
    return out


def _emit(frame: pd.DataFrame, fmt: str, title: str) -> None:
    from ._common import emit

    emit(_rounded(frame) if fmt == "table" else frame, fmt, title=title, units=False)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Fractions as signed percentages, weights as percentages, counts as whole numbers, the rest to 3 places."""
    import pandas as pd

    signed = {
        "total_return",
        "annual_return",
        "annualised",
        "max_drawdown",
        "vs_first",
        "cum_returns_final",
        "alpha",
        "return",
        "contribution",
        "car",
    }
    plain = {"weight", "annual_volatility", "share"}
    whole = {"max_drawdown_duration", "estimation_days"}
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        fmt = (
            (lambda v: f"{v * 100:+.1f}%")
            if col in signed
            else (lambda v: f"{v * 100:.1f}%")
            if col in plain
            else (lambda v: f"{v:.0f}")
            if col in whole
            else (lambda v: f"{v:.3f}")
        )
        out[col] = ["" if v != v else fmt(v) for v in out[col]]
    return out


def _prices(ctx: typer.Context, db: str | None) -> tuple[Any, Any]:
    with open_store(ctx, db) as cv:
        store = cv.store
        prices, fx = store.prices(), store.fx()
    if prices.empty:
        fail("no prices in the store yet: `corevar prices ingest FILE` (CSV or Parquet, date,ticker,close).", 1)
    return prices, (fx if len(fx) else None)


@app.command("list")
def list_baskets(baskets: BasketsOption = None, fmt: Format = "table") -> None:
    """List the baskets: chains and benchmarks, members, weights and rebalancing.

    Example: corevar chains list
    """
    import pandas as pd

    rows = [
        {
            "id": b.id,
            "name": b.name,
            "kind": b.kind,
            "members": len(b.constituents),
            "weights": b.weights,
            "rebalancing": b.rebalancing,
            "theses": ", ".join(b.thesis),
        }
        for b in _baskets(baskets).values()
    ]
    _emit(pd.DataFrame(rows), fmt, "corevar chains")


@app.command("show")
def show(
    basket: Annotated[str, typer.Argument(help="Basket id, e.g. openai-chain.")],
    baskets: BasketsOption = None,
    fmt: Format = "table",
) -> None:
    """Show a basket's members: listing, currency, role and the source of each membership.

    Example: corevar chains show google-chain
    """
    import pandas as pd

    (b,) = _pick(_baskets(baskets), [basket])
    weights = b.weight_vector()
    rows = [
        {
            "ticker": c.ticker,
            "exchange": c.exchange,
            "company": c.company,
            "currency": c.currency,
            "weight": float(w),
            "role": c.role,
            "source": c.sources[0].publisher,
            "url": c.sources[0].url,
            "sources": len(c.sources),
        }
        for c, w in zip(b.constituents, weights, strict=True)
    ]
    _emit(pd.DataFrame(rows), fmt, f"{b.name} ({b.id}): {b.description}")


@app.command("returns")
def returns(
    ctx: typer.Context,
    basket_ids: Annotated[list[str], typer.Argument(help="Basket ids; each is compared with the first.")],
    start: FromOption = None,
    end: ToOption = None,
    currency: CurrencyOption = "local",
    baskets: BasketsOption = None,
    fmt: Format = "table",
    db: DbOption = None,
) -> None:
    """Compare baskets' returns over one window, each against the first.

    vs_first is the wealth ratio to the first basket minus 1. Members without a close at the window's start are
    left out and named; gaps longer than the calendar allows are counted (see docs/chains.md).

    Example: corevar chains returns openai-chain google-chain --from 2025-04-28 --to 2026-04-28
    """
    from corevar import chains

    picked = _pick(_baskets(baskets), basket_ids)
    prices, fx = _prices(ctx, db)
    try:
        table = chains.compare(
            picked, prices, fx=fx, start=parse_day(start, "--from"), end=parse_day(end, "--to"), currency=currency
        )
    except ValueError as exc:
        fail(str(exc), 2)
    _emit(table, fmt, "corevar chains returns")


@app.command("metrics")
def metrics(
    ctx: typer.Context,
    basket_ids: Annotated[list[str], typer.Argument(help="Basket ids.")],
    benchmark: Annotated[str | None, typer.Option("--benchmark", help="Benchmark basket, e.g. sp500.")] = None,
    members: Annotated[bool, typer.Option("--members", help="Also one row per member.")] = False,
    start: FromOption = None,
    end: ToOption = None,
    currency: CurrencyOption = "local",
    baskets: BasketsOption = None,
    fmt: Format = "table",
    db: DbOption = None,
) -> None:
    """Risk and return metrics (empyrical's names) of baskets and, with --members, of each member.

    Example: corevar chains metrics openai-chain google-chain --benchmark sp500
    """
    import pandas as pd

    from corevar import chains

    known = _baskets(baskets)
    picked = _pick(known, basket_ids + ([benchmark] if benchmark else []))
    prices, fx = _prices(ctx, db)
    day0, day1 = parse_day(start, "--from"), parse_day(end, "--to")
    columns = {}
    try:
        for b in picked:
            columns[b.id] = chains.basket_series(b, prices, fx=fx, start=day0, end=day1, currency=currency).value
        if members:
            wide = chains.align(
                prices, [t for b in picked[: len(basket_ids)] for t in b.tickers], start=day0, end=day1
            ).prices
            for t in wide.columns:
                columns.setdefault(t, wide[t])
    except ValueError as exc:
        fail(str(exc), 2)
    levels = pd.DataFrame(columns)
    table = chains.metrics(levels, benchmark=benchmark)
    _emit(table.reset_index(), fmt, "corevar chains metrics")


@app.command("attribute")
def attribute(
    ctx: typer.Context,
    basket: Annotated[str, typer.Argument(help="Basket id.")],
    start: FromOption = None,
    end: ToOption = None,
    currency: CurrencyOption = "local",
    baskets: BasketsOption = None,
    fmt: Format = "table",
    db: DbOption = None,
) -> None:
    """Split a basket's return into each member's contribution (they add up to the total).

    Buy and hold from the opening weights: contribution = weight x the member's return. The P/E split of each
    member (earnings growth, re-rating, dividends) is `corevar.analytics.attribution` and the chain_attribution
    rule kind; it needs EPS observations.

    Example: corevar chains attribute google-chain --from 2025-04-28 --to 2026-04-28
    """
    import pandas as pd

    from corevar import chains

    (b,) = _pick(_baskets(baskets), [basket])
    prices, fx = _prices(ctx, db)
    try:
        bs = chains.basket_series(
            b, prices, fx=fx, start=parse_day(start, "--from"), end=parse_day(end, "--to"), currency=currency
        )
    except ValueError as exc:
        fail(str(exc), 2)
    rows = [
        {
            "ticker": t,
            "company": b.constituent(t).company,
            "weight": float(bs.weights[t]),
            "return": float(bs.contribution[t] / bs.weights[t]),
            "contribution": float(bs.contribution[t]),
            "share": float(bs.contribution[t] / bs.total) if bs.total else float("nan"),
        }
        for t in bs.contribution.index
    ]
    rows.append(
        {
            "ticker": "TOTAL",
            "company": b.name,
            "weight": 1.0,
            "return": bs.total,
            "contribution": float(bs.contribution.sum()),
            "share": 1.0,
        }
    )
    title = (
        f"{b.name} from {bs.start.date() if bs.start is not None else '?'} to "
        f"{bs.end.date() if bs.end is not None else '?'}"
    )
    if bs.excluded:
        title += f" (left out, no close at the open: {', '.join(bs.excluded)})"
    _emit(pd.DataFrame(rows), fmt, title)


@app.command("event")
def event(
    ctx: typer.Context,
    basket: Annotated[str, typer.Argument(help="Basket id whose members are tested.")],
    dates: Annotated[
        list[str] | None, typer.Option("--date", metavar="YYYY-MM-DD", help="A news day (day 0); repeatable.")
    ] = None,
    events_file: Annotated[
        Path | None, typer.Option("--events", help="CSV with a date column (one event per row).")
    ] = None,
    ledger: Annotated[
        str | None,
        typer.Option(
            "--ledger",
            metavar="ENTITY[:METRIC]",
            help="Events = days the ledger's observations of "
            "ENTITY (and METRIC) were published, e.g. openai:weekly_active_users.",
        ),
    ] = None,
    market: Annotated[str, typer.Option("--market", help="Benchmark basket for the market model.")] = "sp500",
    window: Annotated[str, typer.Option("--window", help="Event window in trading days, e.g. -1,1.")] = "0,0",
    estimation: Annotated[str, typer.Option("--estimation", help="Estimation window, e.g. -250,-11.")] = "-250,-11",
    baskets: BasketsOption = None,
    fmt: Format = "table",
    db: DbOption = None,
) -> None:
    """Event study: abnormal returns of a basket's members around news days (market model, CAR, t, sign, rank).

    Events come from --date (repeatable), a CSV file (--events, a date column) or the ledger (--ledger: the days
    observations of an entity were published). Day 0 is the market's first trading day on or after each date.

    Example: corevar chains event openai-bloomberg --date 2026-04-28 --market sp500
    """
    import pandas as pd

    from corevar import chains

    known = _baskets(baskets)
    b, m = _pick(known, [basket, market])
    w, e = _pair(window, "--window"), _pair(estimation, "--estimation")
    days = [parse_day(d, "--date") for d in dates or []]
    if events_file is not None:
        days += _file_dates(events_file)
    if ledger:
        days += _ledger_dates(ctx, db, ledger)
    if not days:
        fail("give the events: --date YYYY-MM-DD, --events FILE or --ledger ENTITY[:METRIC].", 2)
    prices, _ = _prices(ctx, db)
    try:
        table, study = chains.event_table(b, prices, m.tickers[0], sorted(set(days)), window=w, estimation=e)
    except ValueError as exc:
        fail(str(exc), 1)
    if study is None:
        fail("no member has enough price history before the events for a market model.", 1)
    summary = {
        "ticker": "ALL",
        "car": study.caar,
        "t": study.t,
        "note": f"{study.n} events: {study.negative} fell, {study.positive} rose; sign p={study.sign_p:.3f}; "
        f"rank p={study.rank_p:.3f}",
    }
    _emit(pd.concat([table, pd.DataFrame([summary])], ignore_index=True), fmt, f"{b.name} against {m.name}")


def _file_dates(path: Path) -> list[Any]:
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        fail(f"{path}: cannot read events: {exc}", 2)
    if "date" not in frame.columns:
        fail(f'{path}:1: field "date": missing column: an events file needs a date column.', 2)
    out = []
    for line, text in enumerate(frame["date"], start=2):
        try:
            out.append(pd.Timestamp(str(text).strip()).date())
        except ValueError:
            fail(f'{path}:{line}: field "date": "{text}" is not a date (expected YYYY-MM-DD).', 2)
    return out


def _ledger_dates(ctx: typer.Context, db: str | None, spec: str) -> list[Any]:
    entity, _, metric = spec.partition(":")
    with open_store(ctx, db) as cv:
        frame = cv.frame()
    rows = frame[frame["entity"] == entity]
    if metric:
        rows = rows[rows["metric"] == metric]
    if rows.empty:
        fail(f"no observations of {spec} in the ledger.", 2)
    import pandas as pd

    return sorted({pd.Timestamp(d).date() for d in rows["published"]})


def _pair(text: str, option: str) -> tuple[int, int]:
    try:
        lo, hi = (int(x) for x in text.split(","))
    except ValueError:
        fail(f'{option} "{text}" is not two whole numbers like -1,1.', 2)
    return lo, hi


@prices_app.command("ingest")
def ingest(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV or Parquet: date,ticker,close[,currency][,adj_close], "
            "wide (date + one column per ticker), or date,currency,usd_per_unit."
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Source recorded on every row (default: file name).")
    ] = None,
    baskets: BasketsOption = None,
    db: DbOption = None,
) -> None:
    """Validate price and FX files and store them all, or nothing.

    A ticker must be listed by some basket or benchmark; closes must be positive, dates real and not in the future,
    one close per ticker and day. Every problem is reported with file, line and field (exit code 2).

    Example: corevar prices ingest prices.csv fx.csv
    """
    from corevar import chains

    known = chains.known_tickers(_baskets(baskets))
    with open_store(ctx, db, write=True) as cv, handled():
        result = chains.ingest_prices(cv.store, files, known, source=source)
    typer.echo(f"Read {result.rows} rows from {result.files} file(s): {result.added} added.")


@prices_app.command("fetch")
def fetch(
    basket_ids: Annotated[list[str], typer.Argument(help="Baskets whose members (and FX) to fetch.")],
    start: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="First day.")],
    end: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="Last day.")],
    out: Annotated[Path, typer.Option("--out", help="CSV to write the closes to (FX goes to OUT.fx.csv).")],
    baskets: BasketsOption = None,
) -> None:
    """Fetch daily closes and FX from Yahoo Finance into CSV files to ingest (needs internet).

    Needs the connectors extra (pip install 'corevar[connectors]'). The files are then checked like any other by
    `corevar prices ingest`.

    Example: corevar prices fetch openai-chain google-chain sp500 --from 2025-01-01 --to 2026-04-30 --out px.csv
    """
    from ._common import require_extra

    require_extra("connectors", "yfinance")
    from corevar.connectors import yfinance as yc

    known = _baskets(baskets)
    picked = _pick(known, basket_ids)
    currencies = {c.ticker: c.currency for b in picked for c in b.constituents}
    day0, day1 = parse_day(start, "--from"), parse_day(end, "--to")
    try:
        closes = yc.fetch_prices(list(currencies), day0, day1, currencies)
        fx = yc.fetch_fx(sorted(set(currencies.values())), day0, day1)
    except Exception as exc:  # the network or the provider: say so plainly
        fail(f"fetching from Yahoo Finance failed: {exc}", 1)
    closes.to_csv(out, index=False)
    typer.echo(f"Wrote {len(closes)} closes of {closes['ticker'].nunique() if len(closes) else 0} tickers to {out}.")
    if len(fx):
        fx_path = out.with_suffix(".fx.csv")
        fx.to_csv(fx_path, index=False)
        typer.echo(f"Wrote {len(fx)} exchange rates to {fx_path}.")
