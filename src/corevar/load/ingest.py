"""Ingest: readers -> one validation -> one append, all-or-nothing.

How it works, and why:

1. Each input becomes a source (:mod:`.readers`): a CSV file is read by DuckDB itself, everything else arrives as
   Arrow batches of text.
2. **Fast path.** Each source is validated and appended in a single ``INSERT ... SELECT`` per source (per batch
   for Arrow): the rows are typed, checked against every rule (:mod:`.validate`) and given their content ids in
   one streaming pass, and the statement raises the moment a rule fails. A valid file is therefore read once,
   never materialised, and memory stays bounded by DuckDB's memory limit whatever the file size. CSV cells are
   read as they are, untrimmed; a file with a cell that trimming would change is read a second time, trimmed
   (see :func:`corevar.load.validate.guarded_sql`), so the common clean file pays nothing for trimming.
3. **Diagnosis.** If any rule failed, the transaction is rolled back and every source is checked again, this time
   listing every problem with its file, line and field (the first 200, and a count of the rest). Bad input is the
   rare case, so it pays for the second pass.
4. The whole ingest is one transaction: it commits only when every row of every source is valid, after the rows
   already stored (by content id) have been dropped. A process killed mid-ingest never committed, so the store is
   exactly as it was.

Earlier versions streamed 100k-row batches through pyarrow and de-duplicated each batch against every id stored
so far: the ids of the growing uncommitted ingest were hashed again for every batch (that is why memory rose with
the number of *distinct* rows, to 2 GB for a 1 GB file) and the data crossed into Python and back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import IngestError, Problem
from .readers import (
    BATCH_ROWS,
    BatchSource,
    CsvSource,
    Problems,
    csv_batches,
    csv_error,
    humanised,
    open_file,
    records_source,
)
from .validate import GUARD_MESSAGE, UNTRIMMED_MESSAGE, guarded_sql, problems_sql

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = ["INGEST_MEMORY_LIMIT", "IngestResult", "Ledger", "ingest", "ingest_records"]

INGEST_MEMORY_LIMIT = "512MB"  # DuckDB's working memory during an ingest; beyond it, it spills to disk


class Ledger(Protocol):
    """What ingest needs from a store (:class:`corevar.store.Store` is one). Load sits below the store in the
    layers, so it names the methods it calls instead of importing the class."""

    con: duckdb.DuckDBPyConnection

    def transaction(self) -> Any: ...

    def abort(self) -> None: ...

    def append(
        self, rows_sql: str, params: list[Any], *, origin: str, ingested_at: datetime, batch: Any = None
    ) -> int: ...

    def drop_stored(self, ingested_at: datetime, *, remember: bool = False) -> int: ...


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: inputs read, rows read, rows added (the rest were already stored)."""

    files: int
    rows: int
    added: int

    @property
    def duplicates(self) -> int:
        return self.rows - self.added


def ingest(
    store: Ledger,
    paths: Sequence[str | Path],
    *,
    parse_human: bool = False,
    origin: str = "user",
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
    remember_ids: bool = False,
) -> IngestResult:
    """Validate every row of every file, then append them all in one transaction, or raise :class:`IngestError`.

    ``progress`` is called with the rows read so far after each source (each batch for non-CSV input).
    ``remember_ids`` also records the id of every row read in the temporary table ``ingest_ids`` (the store uses
    it to retract bundled rows a new release dropped).
    """
    if not paths:
        raise IngestError([Problem("(arguments)", None, None, "no files given; pass one or more files to ingest")])
    problems = Problems()
    sources = [open_file(Path(p), problems, batch_rows) for p in paths]
    return _run(
        store,
        [s for s in sources if s is not None],
        problems,
        files=len(paths),
        origin=origin,
        parse_human=parse_human,
        batch_rows=batch_rows,
        progress=progress,
        remember_ids=remember_ids,
    )


def ingest_records(
    store: Ledger,
    records: Iterable[dict[str, Any]] | Any,
    *,
    source_name: str = "records",
    origin: str = "user",
    parse_human: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> IngestResult:
    """Validate and append in-memory observations all-or-nothing: the door for `corevar add`, connectors, news
    figures and anything else that holds rows rather than files.

    ``records`` is an iterable of dicts, a pandas DataFrame or a pyarrow Table with the observation columns
    (:data:`corevar.load.COLUMNS`; values may be text, numbers, dates or None). Problems name the record by its
    1-based position: ``<source_name>:<n>: field "x": ...``.
    """
    problems = Problems()
    source = records_source(records, source_name, problems, batch_rows)
    return _run(
        store,
        [source],
        problems,
        files=1,
        origin=origin,
        parse_human=parse_human,
        batch_rows=batch_rows,
        progress=None,
        remember_ids=False,
    )


# ---------------------------------------------------------------------------------------------------------------
@contextmanager
def _settings(con: duckdb.DuckDBPyConnection, **wanted: object) -> Iterator[None]:
    """DuckDB settings for the duration of the block (names from this module only, values as literals)."""
    before = {name: con.execute(f"SELECT current_setting('{name}')").fetchone() for name in wanted}
    for name, value in wanted.items():
        con.execute(f"SET {name} = {value!r}" if isinstance(value, str) else f"SET {name} = {value}")
    try:
        yield
    finally:
        for name, old in before.items():
            if old is not None:
                value = old[0]
                con.execute(f"SET {name} = {value!r}" if isinstance(value, str) else f"SET {name} = {value}")


def _run(
    store: Ledger,
    sources: list[CsvSource | BatchSource],
    problems: Problems,
    *,
    files: int,
    origin: str,
    parse_human: bool,
    batch_rows: int,
    progress: Callable[[int], None] | None,
    remember_ids: bool,
) -> IngestResult:
    # Cells are first read as they are (the clean fast path); input with a cell to trim is read again, trimmed.
    # Only files and tables held in memory can be read twice (iterables of dicts and --parse-human batches stream
    # by once), and only when this ingest owns its transaction: inside another one (the store's bundled-data sync)
    # a failed statement rolls the outer work back too, so there would be nothing to retry into.
    rereadable = not parse_human and all(isinstance(s, CsvSource) or s.reopen is not None for s in sources)
    if rereadable and not problems and getattr(store, "_depth", None) == 0:
        try:
            return _attempt(
                store, sources, problems, files, origin, parse_human, batch_rows, progress, remember_ids, clean=True
            )
        except _Untrimmed:
            for source in sources:
                if isinstance(source, BatchSource) and source.reopen is not None:
                    source.batches = source.reopen()
    return _attempt(
        store, sources, problems, files, origin, parse_human, batch_rows, progress, remember_ids, clean=False
    )


class _Untrimmed(Exception):
    """The clean fast path met a cell that trimming would change; the ingest starts again, trimming."""


def _attempt(
    store: Ledger,
    sources: list[CsvSource | BatchSource],
    problems: Problems,
    files: int,
    origin: str,
    parse_human: bool,
    batch_rows: int,
    progress: Callable[[int], None] | None,
    remember_ids: bool,
    *,
    clean: bool,
) -> IngestResult:
    import duckdb

    con = store.con
    stamp = datetime.now(UTC).replace(tzinfo=None)
    state = _State(diagnosing=bool(problems))
    # Insertion order is not needed while appending (ids are content hashes) and keeping it costs time and memory;
    # the diagnosis turns it back on, because its line numbers count rows in file order.
    with _settings(con, memory_limit=INGEST_MEMORY_LIMIT, preserve_insertion_order=False), store.transaction():
        for source in sources:
            for sql, params, batch, label, csv in _units(con, source, problems, parse_human, batch_rows):
                if problems and not state.diagnosing:  # a reader found a problem before this unit was appended
                    store.abort()
                    state.diagnosing = True
                if state.diagnosing:
                    _diagnose(con, sql, params, batch, label, csv, problems)
                    continue
                try:
                    state.rows += store.append(
                        guarded_sql(sql, clean=clean), params, origin=origin, ingested_at=stamp, batch=batch
                    )
                except duckdb.Error as exc:
                    if clean and UNTRIMMED_MESSAGE in str(exc):
                        raise _Untrimmed from exc  # the transaction rolls back; _run reads again, trimming
                    store.abort()
                    state.diagnosing = True
                    _explain(con, exc, sql, params, batch, label, csv, problems)
                if problems and not state.diagnosing:  # a reader found a problem in this batch
                    store.abort()
                    state.diagnosing = True
                if progress and not state.diagnosing:
                    progress(state.rows)
        if problems or state.diagnosing:
            if not problems:  # cannot happen: a failed append always explains itself
                problems.add(Problem(", ".join(s.label for s in sources), None, None, "failed validation"))
            raise IngestError(problems.items, total=problems.total)
        stored = store.drop_stored(stamp, remember=remember_ids)
    return IngestResult(files=files, rows=state.rows, added=state.rows - stored)


@dataclass
class _State:
    diagnosing: bool
    rows: int = 0


Unit = tuple[str, list[Any], "pa.Table | None", str, "CsvSource | None"]


def _units(
    con: duckdb.DuckDBPyConnection,
    source: CsvSource | BatchSource,
    problems: Problems,
    parse_human: bool,
    batch_rows: int,
) -> Iterator[Unit]:
    """(guarded SQL, params, Arrow batch bound as `batch`, label, csv source) for each unit of work."""
    if isinstance(source, CsvSource) and not parse_human:
        sql, params = source.relation(line=False)
        yield sql, params, None, source.label, source
        return
    if isinstance(source, CsvSource):
        reading = con.cursor()  # a second connection: the streaming read must not be interrupted by the appends
        try:
            batches: Iterator[pa.Table] = csv_batches(reading, source, batch_rows)
            for batch in humanised(_csv_guard(batches, source, problems), source.label, problems):
                yield "SELECT * EXCLUDE (_line) FROM batch", [], batch, source.label, None
        finally:
            reading.close()
        return
    batches = source.batches
    if parse_human:
        batches = humanised(batches, source.label, problems)
    for batch in batches:
        yield "SELECT * EXCLUDE (_line) FROM batch", [], batch, source.label, None


def _csv_guard(batches: Iterator[pa.Table], source: CsvSource, problems: Problems) -> Iterator[pa.Table]:
    import duckdb

    try:
        yield from batches
    except duckdb.Error as exc:
        problems.add(csv_error(source.label, str(exc), len(source.header)))


def _explain(
    con: duckdb.DuckDBPyConnection,
    exc: Exception,
    sql: str,
    params: list[Any],
    batch: pa.Table | None,
    label: str,
    csv: CsvSource | None,
    problems: Problems,
) -> None:
    """After the fast path failed: say why, with every problem of this unit."""
    text = str(exc)
    if csv is not None and "CSV Error" in text:
        problems.add(csv_error(label, text, len(csv.header)))
        return
    if GUARD_MESSAGE in text:
        _diagnose(con, sql, params, batch, label, csv, problems)
        if problems:
            return
    problems.add(Problem(label, None, None, f"database error: {text.splitlines()[0]}"))


def _diagnose(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    batch: pa.Table | None,
    label: str,
    csv: CsvSource | None,
    problems: Problems,
) -> None:
    """Add every problem of one unit (file or batch) to ``problems``, with file lines."""
    import duckdb

    if csv is not None:
        sql, params = csv.relation(line=True)
    else:
        sql = "SELECT * FROM batch"
    top, counts = problems_sql(sql, limit=max(problems.room, 1))
    try:
        with _settings(con, preserve_insertion_order=True):
            found = con.execute(top, params).fetchall()
            _, total = con.execute(counts, params).fetchone() or (0, 0)
            rows = int(con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]) if csv else 0
    except duckdb.Error as exc:
        if csv is not None and "CSV Error" in str(exc):
            problems.add(csv_error(label, str(exc), len(csv.header)))
            return
        raise
    lines = csv.lines([int(r) for r, _ in found], rows) if csv is not None else None
    listed = 0
    for line, errs in found:
        where = lines[int(line)] if lines is not None else int(line)
        for err in errs:
            listed += 1
            if (label, where, err["field"]) in problems.settled:  # e.g. "800x" already explained by --parse-human
                continue
            problems.add(Problem(label, where, err["field"], err["msg"]))
    problems.count_more(int(total) - listed)
