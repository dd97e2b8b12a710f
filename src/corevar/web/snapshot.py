"""What the web app reads: an in-memory snapshot of the store, reloaded only when the database file changes.

Why a snapshot and not an open connection: DuckDB lets one process write a database file, and an open connection
in the server would lock every ``corevar ingest`` out of the store for as long as the server runs. So the app
never holds the store open. Each request looks at the database file (``os.stat`` of the file and its write-ahead
log, a few microseconds); when nothing changed it answers from the snapshot in memory; when the file changed it
opens the store read-only, reads the live observations and registries, closes it, and builds a new snapshot.
Everything derived from a snapshot (the verdicts as of a day, the report, a rendered response) is cached under
the snapshot's dataset version, so repeated calls are cheap and a new ingest is visible on the next call.

While a writer holds the store (an ingest in another terminal) a reload cannot open it: the app keeps answering
from the last snapshot and marks the response ``X-Corevar-Stale``; the next call after the write reloads. With no
snapshot yet it waits a bounded time and then answers 503 with a message naming the cause.

This module is the only place in the web face that opens the store (through the :func:`corevar.open` facade), runs
the thesis engine or builds the report's view model.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreBusyError

if TYPE_CHECKING:
    import pandas as pd

    from ..registry import Registry

__all__ = ["Snapshot", "SnapshotCache", "cache_key", "etag", "ingest_records", "resolve_db"]

OPEN_WAIT_S = 10.0  # how long a first load (or a write) waits for a writer to let go of the store
DERIVED_SLOTS = 32  # cached verdicts/reports per snapshot (one per as-of day asked for)
RESPONSE_BYTES = 256 * 2**20  # rendered responses kept per snapshot


def cache_key(scope: Mapping[str, Any]) -> str:
    """The response-cache key of a request: its path and its query parameters in a fixed order."""
    query = scope.get("query_string", b"").decode("latin-1")
    return scope["path"] + "?" + "&".join(sorted(query.split("&")))


def etag(version: str) -> str:
    """The ETag of every read of one dataset version (the corevar version too: a new release may answer anew)."""
    from .. import __version__

    return f'"{version}-{__version__}"'


def resolve_db(db: str | Path | None) -> Path:
    """The database path the CLI would use for ``db`` (``$COREVAR_DB`` or the user's data directory)."""
    if db is not None:
        return Path(db).expanduser().resolve()
    from ..store import default_path

    return default_path().resolve()


def fingerprint(path: Path) -> tuple[int, ...]:
    """Size and modification time of the database file and its WAL: changes whenever a writer commits."""
    out: list[int] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            out += [-1, -1]
        else:
            out += [st.st_size, st.st_mtime_ns]
    return tuple(out)


@dataclass
class Snapshot:
    """The live observations and registries of one dataset version, plus caches of what is derived from them."""

    version: str
    frame: pd.DataFrame  # every live observation (conflicts included), as_of/published as Timestamps
    metrics: pd.DataFrame
    entities: pd.DataFrame
    registry: Registry
    extras: dict[str, Any]  # what rule kinds outside the core read (baskets, prices, news): Corevar.extras()
    loaded_at: float = field(default_factory=time.time)
    responses: OrderedDict[str, tuple[bytes, str]] = field(default_factory=OrderedDict, repr=False)
    response_bytes: int = 0
    _derived: OrderedDict[Any, Any] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per key for this snapshot (bounded LRU); concurrent callers of one key wait for one."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = make()
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > DERIVED_SLOTS:
                self._derived.popitem(last=False)
        return value

    def remember(self, key: str, hit: tuple[bytes, str]) -> None:
        """Keep a rendered response (call from the event loop), oldest dropped past :data:`RESPONSE_BYTES`."""
        if key in self.responses or len(hit[0]) > RESPONSE_BYTES // 8:
            return
        self.responses[key] = hit
        self.response_bytes += len(hit[0])
        while self.response_bytes > RESPONSE_BYTES and self.responses:
            _, (body, _) = self.responses.popitem(last=False)
            self.response_bytes -= len(body)

    # -- names -----------------------------------------------------------------------------------------------
    def entity_names(self) -> dict[str, str]:
        return self.derived(
            "entity_names", lambda: dict(zip(self.entities["entity"], self.entities["name"], strict=False))
        )

    def product_names(self) -> dict[str, str]:
        def make() -> dict[str, str]:
            rows = self.entities.dropna(subset=["product"])
            return dict(zip(rows["product"], rows["product_name"], strict=False))

        return self.derived("product_names", make)

    def data_through(self) -> date | None:
        if self.frame.empty:
            return None
        return self.frame["published"].max().date()

    # -- views -----------------------------------------------------------------------------------------------
    def known(self, known_on: date | None) -> pd.DataFrame:
        """The live observations as known on a day (published on or before it), conflicts included."""
        if known_on is None:
            return self.frame
        import pandas as pd

        return self.frame[self.frame["published"] <= pd.Timestamp(known_on)]  # not cached: frame-sized

    def frame_sized(self, key: Any, known_on: date | None, make: Callable[[], Any]) -> Any:
        """Cache a frame-sized derivation for the whole ledger only; for a past day compute it on demand (the
        response built from it is cached, so a bounded number of whole-ledger copies stay in memory)."""
        if known_on is None:
            return self.derived(key, make)
        return make()

    def marked(self, known_on: date | None) -> pd.DataFrame:
        """:meth:`known` with a ``shown`` column: whether the conflict rule picks the row (among what was known)."""

        def make() -> pd.DataFrame:

            return mark(self.known(known_on))

        return self.frame_sized(("marked", known_on), known_on, make)

    def conflicts(self, known_on: date | None) -> pd.DataFrame:
        """Observations that disagree about one subject, metric, basis and date, with the conflict rule's pick."""

        def make() -> pd.DataFrame:
            from .. import frame as fr

            rows = self.known(known_on)
            clash = fr.conflicts(rows)
            chosen = set(fr.resolve(clash)["id"]) if not clash.empty else set()
            return clash.assign(shown=clash["id"].isin(chosen))

        return self.frame_sized(("conflicts", known_on), known_on, make)

    def sources(self, known_on: date | None) -> pd.DataFrame:
        """Every source behind a live observation: url, publisher, first publication, title, observation count."""

        def make() -> pd.DataFrame:
            rows = self.known(known_on)
            grouped = rows.groupby("source_url", sort=False).agg(
                publisher=("publisher", "first"),
                published=("published", "min"),
                title=("title", "first"),
                observations=("id", "size"),
            )
            out = grouped.reset_index().rename(columns={"source_url": "url"})
            return out.sort_values(["publisher", "url"], kind="mergesort").reset_index(drop=True)[
                ["url", "publisher", "published", "title", "observations"]
            ]

        return self.frame_sized(("sources", known_on), known_on, make)

    def check(self, as_of: date | None, theses_text: str | None = None) -> Any:
        """The thesis check as of a day (default theses, or the given YAML text, parsed but never stored), judged as
        `corevar check --as-of` judges: the whole ledger handed to the engine, which keeps what was known then."""

        def make() -> Any:
            from ..theses import evaluate, load_theses, parse_theses

            theses = parse_theses(theses_text, name="request") if theses_text is not None else load_theses()
            return evaluate(
                theses, self.frame, self.registry, as_of=as_of, dataset_version=self.version, extras=self.extras
            )

        if theses_text is not None:  # judged on request, not cached: the text is the caller's
            return make()
        return self.derived(("check", as_of), make)

    def report(self, as_of: date | None) -> Any:
        """The report's view model as of a day: what the dashboard's variable pages draw, as the report does."""

        def make() -> Any:
            return _build_report(self, as_of)

        return self.derived(("report", as_of), make)

    def report_html(self, as_of: date | None) -> str:
        def make() -> str:
            from ..report.html import render_html

            return render_html(self.report(as_of))

        return self.derived(("report_html", as_of), make)


def mark(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with a ``shown`` column: whether the conflict rule picks each. Rows must hold whole conflict groups
    (every row of a subject, metric, basis and date), e.g. all rows of some entities or metrics."""
    from .. import frame as fr

    chosen = set(fr.resolve(rows)["id"]) if not rows.empty else set()
    return rows.assign(shown=rows["id"].isin(chosen))


def _build_report(snap: Snapshot, as_of: date | None) -> Any:
    """The report's view model (:func:`corevar.views.build`, the one the report renders) as known on ``as_of``."""
    from ..views import Snapshot as ViewSnapshot
    from ..views import build

    view = ViewSnapshot(snap.known(as_of), snap.registry, snap.version, extras=snap.extras)
    return build(view, snap.check(as_of), as_of=as_of)


def _load(db: Path, *, wait_s: float) -> Snapshot:
    """Read everything a snapshot holds through a read-only open of the store, closed again before returning.

    A read-only open never writes, and while a writer holds the file it waits at most ``wait_s`` seconds before
    raising :class:`~corevar.errors.StoreBusyError` (naming who holds it).
    """
    from .. import api

    with api.open(db, timeout=wait_s) as cv:
        return Snapshot(
            version=cv.dataset_version(),
            frame=cv.frame(),
            metrics=cv.metrics(),
            entities=cv.entities(),
            registry=cv.registry(),
            extras=cv.extras(),
        )


class SnapshotCache:
    """Hands out the current :class:`Snapshot` of one database file, reloading it only when the file changed."""

    def __init__(self, db: str | Path | None = None, *, wait_s: float = OPEN_WAIT_S) -> None:
        self.db = resolve_db(db)
        self.wait_s = wait_s
        self._snap: Snapshot | None = None
        self._fp: tuple[int, ...] | None = None
        self._lock = threading.Lock()
        self.stale = False  # the last get() answered from an older snapshot because a writer held the store

    def current(self) -> Snapshot | None:
        """The snapshot in memory, without looking at the file (None before the first load)."""
        return self._snap

    def unchanged(self) -> bool:
        """Whether the file is as it was when the snapshot in memory was read (one stat, no lock)."""
        return self._snap is not None and self._fp == fingerprint(self.db)

    def get(self) -> Snapshot:
        """The snapshot of the file as it is now (reloaded if it changed; the last one while a writer holds it)."""
        before = fingerprint(self.db)
        snap = self._snap
        if snap is not None and before == self._fp:
            self.stale = False
            return snap
        with self._lock:
            before = fingerprint(self.db)
            if self._snap is not None and before == self._fp:
                self.stale = False
                return self._snap
            try:
                fresh = _load(self.db, wait_s=0.0 if self._snap is not None else self.wait_s)
            except StoreBusyError:
                if self._snap is None:
                    raise
                self.stale = True  # a writer holds the store: answer from what we have, reload next time
                return self._snap
            self._fp = before  # a read-only open never writes: the state before it is the one we read
            if self._snap is not None and fresh.version == self._snap.version:
                fresh = self._snap  # nothing live changed (e.g. a checkpoint): keep the caches
            self._snap = fresh
            self.stale = False
            return fresh

    def invalidate(self) -> None:
        """Forget the file's state so the next get() reloads (after this process wrote to the store)."""
        self._fp = None


# -- writes ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WriteResult:
    rows: int
    added: int


def ingest_records(db: Path, records: Iterable[Mapping[str, Any]], *, wait_s: float = OPEN_WAIT_S) -> WriteResult:
    """Validate and append records all-or-nothing (:func:`corevar.load.ingest_records`, human numbers accepted);
    raises :class:`~corevar.errors.IngestError` or, past ``wait_s``, :class:`~corevar.errors.StoreBusyError`.

    Problems name the record as ``request:<n>`` (n counts records from 1).
    """
    from .. import api
    from ..load import ingest_records as load_ingest

    with api.open(db, write=True, timeout=wait_s) as cv:
        result = load_ingest(cv.store, records, source_name="request", origin="user", parse_human=True)
    return WriteResult(rows=result.rows, added=result.added)
