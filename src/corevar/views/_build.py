"""Build the view model: (store snapshot, judged theses, as-of) -> :class:`ReportView`. Pure: no I/O, no clock.

Everything a face shows is computed here, once. The engine's fits, HHIs and target judgements are reused (the
verdict section registers them in the context before any chart or table is built), never recomputed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..gcpause import paused
from ._data import Data
from ._registry import Names
from .colours import colour
from .model import LabHead, ReportView

__all__ = ["FIRST_LABS", "MAX_LABS", "STALE_DAYS", "Ctx", "Snapshot", "build"]

STALE_DAYS = 180
FIRST_LABS: tuple[str, ...] = ("openai", "anthropic", "google")
MAX_LABS = 10
CONTEXT_CORES = ("capital_markets",)  # context, shown by the chains pages, not in the scorecard


@dataclass(frozen=True)
class Snapshot:
    """What the views read from the store: the observations known on the cut, the registry, the dataset version.

    The store may hand out its own snapshot type; any object with ``frame``, ``registry`` and ``dataset_version``
    attributes will do.
    """

    frame: Any
    registry: Any
    dataset_version: str = ""
    theses_files: tuple[str, ...] = ()
    extras: dict[str, Any] | None = None  # the engine's extras: ``baskets``, and ``prices``/``fx`` when ingested


@dataclass
class Ctx:
    """Shared state of one build: the data, names, colours, and every statistic already computed (by ``ref``)."""

    check: Any
    previous: Any
    since: date | None
    names: Names
    data: Data
    cut: date | None
    today: date | None
    refs: dict[str, Any] = field(default_factory=dict)
    fits: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)
    judged_targets: dict[tuple[str, str, str, date], Any] = field(default_factory=dict)
    judged_markets: dict[str, Any] = field(default_factory=dict)
    assigned: dict[str, str] = field(default_factory=dict)
    labs: list[str] = field(default_factory=list)

    def colour(self, entity: str) -> str:
        return colour(entity, self.assigned)

    def lab_heads(self) -> tuple[LabHead, ...]:
        return tuple(LabHead(lab, self.names.entity(lab), self.colour(lab)) for lab in self.labs)

    @property
    def cores(self) -> list[str]:
        return [c for c in self.names.core_questions if c not in CONTEXT_CORES]


def _labs(ctx: Ctx) -> list[str]:
    """OpenAI, Anthropic and Google first, then labs with data on 2+ core variables (companies: 4+), at most 10."""
    cores = set(ctx.cores)
    coverage: dict[str, set[str]] = {}
    for rec in ctx.data.actuals:
        core = ctx.names.core(rec.metric)
        if core in cores:
            coverage.setdefault(rec.entity, set()).add(core)
    others = [
        e
        for e in sorted(coverage, key=lambda e: (-len(coverage[e]), e))
        if e not in FIRST_LABS
        and (
            (ctx.names.kind(e) in ("lab", "") and len(coverage[e]) >= 2)
            or (ctx.names.kind(e) == "company" and len(coverage[e]) >= 4)
        )
    ]
    first = [lab for lab in FIRST_LABS if lab in coverage or lab in ctx.names.entities]
    return [*first, *others][:MAX_LABS]


def _cut(frame: Any, as_of: date | None) -> date | None:
    """The latest publication date actually used: the newest ``published`` on or before ``as_of``."""
    if frame is None or len(frame) == 0 or "published" not in frame:
        return as_of
    newest = frame["published"].max()
    if newest is None or newest != newest:
        return as_of
    day = newest.date() if hasattr(newest, "date") else newest
    return min(day, as_of) if as_of is not None else day


@dataclass(frozen=True)
class Prepared:
    """The part of a view model that needs no judged theses: the resolved, capped observations of a snapshot.

    :func:`prepare` makes it; ``build(..., prepared=...)`` uses it. It exists so a caller with a second core can run
    this DuckDB work while the theses are judged (``Corevar.report`` does)."""

    data: Data
    cut: date | None
    as_of: date | None


def prepare(snapshot: Any, *, as_of: date | None = None) -> Prepared:
    """Resolve and cap the snapshot's observations for :func:`build` (pure; safe to run in a worker thread: it uses
    its own in-memory DuckDB connection and only reads the frame)."""
    import duckdb

    cut = _cut(snapshot.frame, as_of)
    con = duckdb.connect()
    try:
        with paused():
            return Prepared(Data(snapshot.frame, cut, con), cut, as_of)
    finally:
        con.close()


def build(
    snapshot: Any,
    check_result: Any,
    *,
    as_of: date | None = None,
    today: date | None = None,
    previous: Any = None,
    since: date | None = None,
    prepared: Prepared | None = None,
) -> ReportView:
    """The report's view model of ``snapshot`` (observations known on ``as_of``) and ``check_result``.

    ``today`` is only used for the separate "days old today" line (the caller passes the clock; this stays pure).
    ``previous`` is the check as of ``since``, for the "what changed" list. ``prepared``: :func:`prepare` of the
    same snapshot and ``as_of``, made beforehand (else it is made here).
    """
    frame = snapshot.frame
    cut = _cut(frame, as_of)
    if prepared is not None and (prepared.as_of, prepared.cut) != (as_of, cut):
        raise ValueError(f"prepared for as_of {prepared.as_of}, not {as_of}")
    con = None
    if frame is not None and len(frame):
        import duckdb

        con = duckdb.connect()  # one in-memory connection for every section's query (each connect costs ~25 ms)
    try:
        with paused():  # many small acyclic records: see corevar.gcpause
            data = prepared.data if prepared is not None else Data(frame, cut, con)
            return _build(
                snapshot, check_result, frame, cut, con, data, as_of=as_of, today=today, previous=previous, since=since
            )
    finally:
        if con is not None:
            con.close()


def _build(
    snapshot: Any,
    check_result: Any,
    frame: Any,
    cut: date | None,
    con: Any,
    data: Data,
    *,
    as_of: date | None,
    today: date | None,
    previous: Any,
    since: date | None,
) -> ReportView:
    from .. import __version__
    from .sections import chains, charts, freshness, markets, prices, scorecard, sources, tiles, verdicts

    ctx = Ctx(check_result, previous, since, Names(snapshot.registry), data, cut, today)
    ctx.labs = _labs(ctx)
    for lab in ctx.labs:
        ctx.colour(lab)
    cards = verdicts.verdicts(ctx)  # first: registers the engine's figures for every later section
    cards, moved = verdicts.changes(ctx, cards)
    board = scorecard.scorecard(ctx)
    kpis = tiles.tiles(ctx, board)
    chain_view = chains.chains(ctx, getattr(snapshot, "extras", None))
    declines, price_charts = prices.prices(ctx)
    sections = charts.sections(ctx, price_charts)
    market_rows = markets.markets(ctx)
    counts = {v: 0 for v in verdicts.LABELS}
    for card in cards:
        counts[card.verdict] = counts.get(card.verdict, 0) + 1
    srcs, total = sources.sources(frame, con)
    return ReportView(
        title="corevar report: the core variables of the AI race",
        dataset_version=getattr(snapshot, "dataset_version", "") or getattr(check_result, "dataset_version", ""),
        corevar_version=__version__,
        as_of=cut,
        requested_as_of=as_of,
        today=today,
        since=since,
        observations=ctx.data.total,
        sources_total=total,
        theses_files=tuple(getattr(snapshot, "theses_files", ()) or ()),
        counts=counts,
        verdicts=cards,
        changes=moved,
        scorecard=board,
        sections=sections,
        markets=market_rows,
        prices=declines,
        freshness=freshness.freshness(ctx, STALE_DAYS),
        sources=srcs,
        colours={**{lab: ctx.colour(lab) for lab in ctx.labs}, **ctx.assigned},
        tiles=kpis,
        chains=chain_view,
    )


def finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)
