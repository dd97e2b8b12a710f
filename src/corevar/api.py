"""The Python API: everything the CLI does, returning pandas DataFrames. Each CLI command is one call here.

>>> import corevar
>>> cv = corevar.open()                         # read-only; the bundled data is loaded on first use
>>> cv.show("openai", "weekly_active_users")    # the resolved series with its sources
>>> cv.check()                                  # the default theses judged (the same call the report uses)
>>> with corevar.open(write=True) as cv:        # the write path: ingest, add, add_entity
...     cv.ingest(["my_numbers.csv"])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import frame as fr
from .errors import UnknownNameError
from .store import Store

if TYPE_CHECKING:
    import pandas as pd

    from .load import IngestResult
    from .models import Entity
    from .registry import Registry
    from .theses import CheckResult
    from .views import ReportView


class Corevar:
    """An open corevar store with the views every interface shares. Close it, or use it in a ``with`` block."""

    def __init__(self, db: str | Path | None = None, *, write: bool = False, timeout: float | None = None) -> None:
        self.store = Store(db, mode="w" if write else "r", timeout=timeout)
        self._registry: Registry | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corevar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- data ------------------------------------------------------------------------------------------------
    def dataset_version(self) -> str:
        """Content hash of the live observations; every output is stamped with it."""
        return self.store.dataset_version()

    def frame(self, known_on: date | str | None = None) -> pd.DataFrame:
        """Every live observation (conflicts included), optionally as known on a date."""
        return self.store.frame(known_on=known_on)

    def ingest(self, paths: Sequence[str | Path], *, parse_human: bool = False) -> IngestResult:
        """Validate and append observation files all-or-nothing (see :func:`corevar.load.ingest`)."""
        from .load import ingest

        return ingest(self.store, paths, parse_human=parse_human)

    # -- registries ------------------------------------------------------------------------------------------
    def registry(self) -> Registry:
        """The store's registry (shipped entities and metrics plus the user's own), read once per open store."""
        if self._registry is None:
            self._registry = self.store.registry()
        return self._registry

    def metrics(self) -> pd.DataFrame:
        """The taxonomy: id, core variable, unit, description, whether higher is better, basis rules."""
        return self.store.table("metrics")

    def entities(self) -> pd.DataFrame:
        """Entities with their products (one row per product; entities without products have one row)."""
        return self.store.entities_listing()

    # -- views -----------------------------------------------------------------------------------------------
    def show(
        self,
        entity: str,
        metric: str | None = None,
        *,
        product: str | None = None,
        known_on: date | str | None = None,
        include_superseded: bool = False,
    ) -> pd.DataFrame:
        """The series of one entity (one metric, or all), each value with its source.

        By default one value per date as the conflict rule picks it (column ``shown``); with
        ``include_superseded`` every conflicting report is listed too.
        """
        self._known(entity=entity, metric=metric, product=product)
        rows = self.store.frame(entity=entity, metric=metric, product=product, known_on=known_on)
        chosen = set(fr.resolve(rows)["id"])
        rows = rows.assign(shown=rows["id"].isin(chosen))
        if not include_superseded:
            rows = rows[rows["shown"]]
        return rows.sort_values(
            ["metric", "product", "basis", "as_of", "published"], na_position="first", kind="mergesort"
        ).reset_index(drop=True)

    def sources(self, known_on: date | str | None = None) -> pd.DataFrame:
        """Every source behind a live observation (published by ``known_on``): url, publisher, first publication
        date, title, rows."""
        day = date.fromisoformat(known_on) if isinstance(known_on, str) else known_on
        return self.store.con.execute(
            """
            SELECT source_url AS url, any_value(publisher) AS publisher, min(published) AS published,
                   any_value(title) AS title, count(*) AS observations
            FROM observations
            WHERE id NOT IN (SELECT id FROM retractions) AND (CAST(? AS DATE) IS NULL OR published <= ?)
            GROUP BY source_url ORDER BY publisher, url
            """,
            [day, day],
        ).df()

    def conflicts(self, known_on: date | str | None = None) -> pd.DataFrame:
        """Observations that disagree about the same subject, metric, basis and date (all kept), and the pick;
        optionally as known on a date."""
        data = self.frame(known_on=known_on)
        clash = fr.conflicts(data)
        chosen = set(fr.resolve(clash)["id"]) if not clash.empty else set()
        return clash.assign(shown=clash["id"].isin(chosen))

    def check(self, theses: Sequence[str | Path] | None = None, *, as_of: date | str | None = None) -> CheckResult:
        """Evaluate theses (default: the shipped ones) against the data; see :mod:`corevar.theses`.

        Theses are judged here for every face (``corevar check``, :meth:`report`, the web API), so a verdict is the
        same wherever it is shown. The store's registry names the subjects; the chain rule kinds read the stock
        baskets and any ingested prices from the engine's extras.
        """
        from .theses import load_theses

        loaded = load_theses(list(theses) if theses else None)  # a bad theses file fails before any data is read
        return self._judge(loaded, self.frame(), _day(as_of))

    def report(
        self,
        theses: Sequence[str | Path] | None = None,
        *,
        as_of: date | str | None = None,
        since: date | str | None = None,
        today: date | None = None,
    ) -> ReportView:
        """The report's view model: every figure a page shows, computed once (:func:`corevar.views.build`).

        ``since`` adds what changed: the verdicts as the data stood on that day against the verdicts now. Render it
        with :func:`corevar.report.write.write` (HTML or Markdown) or :func:`corevar.report.terminal.summary`.
        """
        from concurrent.futures import ThreadPoolExecutor
        from datetime import UTC, datetime

        from .theses import load_theses
        from .views import Snapshot, build, prepare

        day, before = _day(as_of), _day(since)
        loaded = load_theses(list(theses) if theses else None)
        # The engine takes every observation and applies the as-of cut itself, so names published later (a basis,
        # a market) are still known; the page shows what was known on the day.
        everything = self.frame()
        extras = self.extras()  # read once: the chain kinds judge from it and the chains section shows it
        version = self.dataset_version()
        files = tuple(str(p) for p in theses or ())
        snapshot = Snapshot(fr.known_on(everything, day), self.registry(), version, files, extras)
        # The view's DuckDB work (resolving and capping the observations) needs no verdicts: it runs on a second
        # thread while the theses are judged (DuckDB releases the GIL while it works; 0.3-0.5 s of a 1M-row report)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="corevar-view") as pool:
            pending = pool.submit(prepare, snapshot, as_of=day)
            check = self._judge(loaded, everything, day, extras, version)
            previous = self._judge(loaded, everything, before, extras, version) if before is not None else None
            prepared = pending.result()
        when = today or datetime.now(UTC).date()
        return build(snapshot, check, as_of=day, today=when, previous=previous, since=before, prepared=prepared)

    def extras(self) -> dict[str, Any]:
        """What rule kinds outside the core engine read from ``ctx.extras``: the stock baskets, ingested prices and
        exchange rates (chain kinds) and the shipped, dated news coverage (the news kind).

        :meth:`check` and :meth:`report` build it once per call; a caller that keeps the data after closing the
        store (the web server's in-memory snapshot) reads it here once and passes it as
        ``corevar.theses.evaluate(..., extras=...)`` itself, so every face judges with the same inputs.
        """
        from .chains import engine_extras
        from .news.kinds import news_extras

        return {**engine_extras(self.store), **news_extras(self.store)}

    def _judge(
        self,
        loaded: Any,
        frame: pd.DataFrame,
        as_of: date | None,
        extras: dict[str, Any] | None = None,
        version: str | None = None,
    ) -> CheckResult:
        from .theses import evaluate

        return evaluate(
            loaded,
            frame,
            self.registry(),
            as_of=as_of,
            dataset_version=version if version is not None else self.dataset_version(),
            extras=extras if extras is not None else self.extras(),
        )

    def output_key(self, command: str, theses: Sequence[str | Path] | None = None, **options: object) -> str | None:
        """The key under which a face keeps the finished output of ``command`` (:mod:`corevar.cache`).

        It hashes everything the output depends on: the code and shipped data, the store's content
        (:meth:`corevar.store.Store.fingerprint`), each theses file's name and bytes, and ``options`` (whatever
        else the face's output depends on: format, dates, terminal). None when a theses file cannot be read: the
        computation then reports that file as it always does, and nothing is kept.
        """
        import json

        from . import cache

        try:
            files = [x for p in theses or () for x in (str(p), Path(p).read_bytes())]
        except OSError:
            return None
        opts = json.dumps({k: None if v is None else str(v) for k, v in options.items()}, sort_keys=True)
        return cache.key(command, cache.code_fingerprint(), self.store.fingerprint(), opts, *files)

    def add(self, record: dict[str, Any]) -> IngestResult:
        """Add one observation (a dict of the ingest columns) through the same validation as :meth:`ingest`.

        Human numbers ("800M", "$13B", "12%") are accepted; a missing unit defaults to the metric's unit. Problems
        are reported as ``corevar add:1: field ...``. Needs a store opened with ``write=True``.
        """
        from .load import ingest_records

        record = dict(record)
        if not record.get("unit"):
            units = self.store.con.execute("SELECT unit FROM metrics WHERE id = ?", [record.get("metric")]).fetchone()
            record["unit"] = units[0] if units else ""
        return ingest_records(self.store, [record], source_name="corevar add", parse_human=True)

    # -- helpers ---------------------------------------------------------------------------------------------
    def add_entity(self, entity: Entity | dict[str, Any]) -> Entity:
        """Register your own entity (and its products), validated like the shipped registry."""
        from pydantic import ValidationError

        from .errors import RegistryError
        from .models import Entity

        try:
            model = entity if isinstance(entity, Entity) else Entity.model_validate(entity)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
            )
            raise RegistryError(f"invalid entity: {problems}") from exc
        self.store.add_entity(model)
        self._registry = None
        return model

    def _known(self, *, entity: str | None = None, metric: str | None = None, product: str | None = None) -> None:
        if entity is not None and not self.store.known("entities", entity):
            names = self.store.con.execute("SELECT string_agg(id, ', ' ORDER BY id) FROM entities").fetchone()
            raise UnknownNameError(f'unknown entity "{entity}"; known: {names[0] if names else ""}')
        if metric is not None and not self.store.known("metrics", metric):
            raise UnknownNameError(f'unknown metric "{metric}"; run `corevar metrics` for the list')
        if product is not None and not self.store.known("products", product):
            raise UnknownNameError(f'unknown product "{product}"; run `corevar entities` for the list')


def open(db: str | Path | None = None, *, write: bool = False, timeout: float | None = None) -> Corevar:
    """Open the corevar store at ``db`` (default: ``$COREVAR_DB`` or the user's data directory).

    Read-only by default: any number of readers may share a store, and reading never writes. ``write=True`` opens
    the write path (migrations, bundled-data sync, ingest, new entities) and holds the store until closed. A store
    that is missing or out of date is brought up to date once, on either path. While another process holds the
    file, opening waits up to ``timeout`` seconds (default ``$COREVAR_LOCK_TIMEOUT`` or 10) and then raises
    :class:`~corevar.errors.StoreBusyError`.
    """
    return Corevar(db, write=write, timeout=timeout)


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
