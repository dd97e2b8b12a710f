"""The :class:`Store`: one corevar database file, opened to read (shared) or to write (exclusive)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import shipped
from ..errors import StoreError, StoreReadOnlyError
from ..shipped import DATASET
from . import ledger, lock, queries
from .schema import MIGRATIONS, check_not_newer, default_path, migrate, schema_version

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from ..models import Entity
    from ..registry import Registry

__all__ = ["Store"]

# Bumped when the way the registry is seeded changes, so stores seeded the old way are seeded again once.
_SEED_FORMAT = b"registry-seed-2"


def _registry_hash() -> str:
    digest = hashlib.md5(_SEED_FORMAT)
    for name in ("taxonomy.yaml", "entities.yaml"):
        digest.update((DATASET / name).read_bytes())
    return digest.hexdigest()


def _bundle_files() -> list[Path]:
    return shipped.observation_files()


def _bundle_hash() -> str:
    digest = hashlib.md5()
    for path in _bundle_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_stamp() -> str:
    """A cheap fingerprint of the shipped files the two hashes above read: corevar's version and each file's name,
    size and modification time (a ``stat`` each, no reading).

    A read-only open compares it (combined with the hashes the store holds, see :func:`_open_stamp`) instead of
    reading and hashing every bundled CSV on every open; when it differs, the real hashes decide.
    """
    from .. import __version__

    parts = [__version__, _SEED_FORMAT.decode()]
    for path in [DATASET / "taxonomy.yaml", DATASET / "entities.yaml", *_bundle_files()]:
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def _open_stamp(files: str, registry_hash: str | None, bundle_hash: str | None) -> str:
    """The stamp a write stores: the files' fingerprint bound to the hashes synchronised from exactly those files."""
    return hashlib.md5(f"{files}\n{registry_hash}\n{bundle_hash}".encode()).hexdigest()


class Store:
    """An open corevar database. Use as a context manager or call :meth:`close`.

    ``mode="r"`` opens read-only (DuckDB ``read_only=True``): it never writes, and any number of processes may
    read at once. If the file does not exist yet, or was written by an older corevar, or the shipped registry or
    bundled data changed since it was last synchronised, the write path runs once first (as ``mode="w"`` would)
    and the store is then reopened read-only.

    ``mode="w"`` (the default) is the write path: it applies migrations, seeds the registry from
    :meth:`corevar.registry.Registry.bundled` and loads the bundled observations when they changed
    (``load_bundled=False`` skips the last, for tests and benchmarks). A writer excludes every other process
    until :meth:`close`, so write handles should be short-lived.

    Either way, while another process holds the file, opening waits up to ``timeout`` seconds (default
    ``$COREVAR_LOCK_TIMEOUT`` or 10) and then raises :class:`~corevar.errors.StoreBusyError`; see
    :mod:`corevar.store.lock`.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        mode: Literal["r", "w"] = "w",
        *,
        load_bundled: bool = True,
        timeout: float | None = None,
    ) -> None:
        if mode not in ("r", "w"):
            raise ValueError(f'mode must be "r" or "w", got {mode!r}')
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.mode = mode
        self.load_bundled = load_bundled
        self._timeout = timeout
        self._depth = 0
        self._aborted = False
        if mode == "w":
            self.con = self._open_writer()
        else:
            self.con = self._open_reader()

    # -- opening ---------------------------------------------------------------------------------------------
    def _open_writer(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = lock.connect(self.path, read_only=False, timeout=self._timeout)
        self.con = con
        lock.write_owner(self.path)
        try:
            migrate(con, self.path)
            self._sync_registry()
            if self.load_bundled:
                self.ensure_bundled()
                self._write_stamp()  # only when both hashes were just synchronised
        except BaseException:
            self.close()
            raise
        return con

    def _open_reader(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            self._write_path()
        con = lock.connect(self.path, read_only=True, timeout=self._timeout)
        stale = self._stale(con)
        if not stale:
            return con
        con.close()
        self._write_path()
        con = lock.connect(self.path, read_only=True, timeout=self._timeout)
        still = self._stale(con)
        if still:
            con.close()
            raise StoreError(
                f"{self.path} is still out of date ({still}) after an upgrade; another corevar "
                "version may be writing to it"
            )
        return con

    def _write_path(self) -> None:
        Store(self.path, "w", load_bundled=self.load_bundled, timeout=self._timeout).close()

    def _stale(self, con: duckdb.DuckDBPyConnection) -> str:
        """Why a read-only connection cannot be used as is ("" when it can)."""
        version = schema_version(con)
        check_not_newer(version, self.path)
        if version < len(MIGRATIONS):
            return f"schema version {version}, this corevar needs {len(MIGRATIONS)}"
        stored = dict(
            con.execute(
                "SELECT key, value FROM meta WHERE key IN ('registry_hash', 'bundle_hash', 'open_stamp')"
            ).fetchall()
        )
        if stored.get("open_stamp") == _open_stamp(
            _files_stamp(), stored.get("registry_hash"), stored.get("bundle_hash")
        ):
            return ""  # synchronised from these very files (same version, sizes and times): nothing to re-hash
        if stored.get("registry_hash") != _registry_hash():
            return "the shipped registry changed"
        if self.load_bundled and stored.get("bundle_hash") != _bundle_hash():
            return "the bundled dataset changed"
        return ""

    def _write_stamp(self) -> None:
        """Record the shipped files' fingerprint next to the hashes just synchronised (see :meth:`_stale`)."""
        registry_hash, bundle_hash = self.meta("registry_hash"), self.meta("bundle_hash")
        stamp = _open_stamp(_files_stamp(), registry_hash, bundle_hash)
        if self.meta("open_stamp") != stamp:
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('open_stamp', ?)", [stamp])

    # -- lifecycle -------------------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.mode == "r"

    def close(self) -> None:
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
        if self.mode == "w":
            lock.clear_owner(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_write(self, what: str) -> None:
        if self.read_only:
            raise StoreReadOnlyError(
                f"cannot {what}: {self.path} was opened read-only (mode='r'); open it with mode='w' to write"
            )

    # -- transactions ----------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction around the block: committed if it finishes, rolled back if it raises.

        Nested use joins the outer transaction (so a bundled-data sync and the ingest it runs are one unit).
        """
        self._require_write("write")
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth, self._aborted = 1, False
        try:
            yield
        except BaseException:
            if not self._aborted:
                self.con.execute("ROLLBACK")
            raise
        else:
            if self._aborted:
                raise StoreError("the transaction was rolled back; nothing was written")
            self.con.execute("COMMIT")
        finally:
            self._depth, self._aborted = 0, False

    def abort(self) -> None:
        """Roll the open transaction back now (after a failed statement); the enclosing block must then raise."""
        if self._depth and not self._aborted:
            self.con.execute("ROLLBACK")
            self._aborted = True

    # -- ledger writes ---------------------------------------------------------------------------------------
    def append(self, rows_sql: str, params: list[Any], *, origin: str, ingested_at: datetime, batch: Any = None) -> int:
        """Append validated rows inside a transaction (see :func:`corevar.store.ledger.append`)."""
        self._require_write("append observations")
        return ledger.append(self.con, rows_sql, params, origin=origin, ingested_at=ingested_at, batch=batch)

    def drop_stored(self, ingested_at: datetime, *, remember: bool = False) -> int:
        """Finish an ingest: drop rows already stored (see :func:`corevar.store.ledger.drop_stored`).

        ``remember`` first copies the id of every row read into the temporary table ``ingest_ids``.
        """
        self._require_write("append observations")
        if remember:
            self.con.execute("INSERT INTO ingest_ids SELECT id FROM observations WHERE ingested_at = ?", [ingested_at])
        return ledger.drop_stored(self.con, ingested_at)

    def add_entity(self, entity: Entity) -> None:
        """Register a user entity (with its products) so observations about it can be ingested.

        Raises :class:`~corevar.errors.RegistryError` when the entity id, or a product id, is already taken.
        """
        self._require_write("register an entity")
        with self.transaction():
            ledger.add_entity(self.con, entity)

    def append_prices(self, table: Any, *, origin: str = "user") -> int:
        """Append validated daily prices (pandas DataFrame or pyarrow Table with ``ticker, date, close,
        adj_close, currency, source``); exact repeats are skipped. Returns the rows added."""
        self._require_write("append prices")
        with self.transaction():
            return ledger.append_prices(self.con, table, origin=origin, ingested_at=_now())

    def append_fx(self, table: Any) -> int:
        """Append validated exchange rates (``currency, date, usd_per_unit, source``); returns the rows added."""
        self._require_write("append exchange rates")
        with self.transaction():
            return ledger.append_fx(self.con, table, ingested_at=_now())

    # -- registry and bundled data ---------------------------------------------------------------------------
    def _sync_registry(self) -> None:
        wanted = _registry_hash()
        if queries.meta(self.con, "registry_hash") == wanted:
            return
        from ..registry import Registry

        with self.transaction():
            ledger.seed_registry(self.con, Registry.bundled())
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('registry_hash', ?)", [wanted])

    def ensure_bundled(self) -> None:
        """Load the dataset shipped in the package on first use, and again whenever it changed.

        Rows of an earlier bundle that the current one no longer contains are retracted, not deleted.
        """
        self._require_write("load the bundled dataset")
        wanted = _bundle_hash()
        if queries.meta(self.con, "bundle_hash") == wanted:
            return
        from ..load import ingest

        self.con.execute("CREATE OR REPLACE TEMP TABLE ingest_ids (id VARCHAR)")
        try:
            with self.transaction():
                ingest(self, _bundle_files(), origin="bundled", remember_ids=True)
                ledger.retract(
                    self.con,
                    "SELECT id FROM observations WHERE origin = 'bundled' AND id NOT IN (SELECT id FROM ingest_ids)",
                    [],
                    "dropped from the bundled dataset",
                )
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('bundle_hash', ?)", [wanted])
        finally:
            self.con.execute("DROP TABLE IF EXISTS ingest_ids")

    # -- reads -----------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        return schema_version(self.con)

    def meta(self, key: str) -> str | None:
        return queries.meta(self.con, key)

    def registry(self) -> Registry:
        """The store's registry (shipped plus user entities) as a :class:`corevar.registry.Registry`."""
        return queries.registry(self.con)

    def known(self, table: str, name: str) -> bool:
        """Whether a registry table (metrics, entities, products) has this id."""
        return queries.known(self.con, table, name)

    def count(self) -> int:
        return queries.count(self.con)

    def count_all(self) -> int:
        """Every stored observation, retracted ones included (the ledger only grows)."""
        return queries.count_all(self.con)

    def dataset_version(self) -> str:
        """A content hash of every live observation id: stamps every output with the data it came from."""
        return queries.dataset_version(self.con)

    def fingerprint(self) -> str:
        """A hash of every table a judgement or a page reads (see :func:`corevar.store.queries.fingerprint`)."""
        return queries.fingerprint(self.con)

    def frame(
        self,
        *,
        entity: str | None = None,
        metric: str | None = None,
        product: str | None = None,
        known_on: date | str | None = None,
    ) -> pd.DataFrame:
        """Live observations (conflicts included) with the columns of :mod:`corevar.frame`."""
        return queries.frame(self.con, entity=entity, metric=metric, product=product, known_on=known_on)

    def columns(self) -> dict[str, Any]:
        """Every live observation as NumPy columns, without pandas (what :func:`corevar.theses.evaluate` accepts
        in place of :meth:`frame`; the light commands read this)."""
        return queries.columns(self.con)

    def table(self, name: str) -> pd.DataFrame:
        """A registry table (metrics, entities, products) as a DataFrame."""
        return queries.table(self.con, name)

    def entities_listing(self) -> pd.DataFrame:
        """Entities with their products, one row per product (what ``corevar entities`` lists)."""
        return queries.entities_listing(self.con)

    def sources(self) -> pd.DataFrame:
        """Every source behind a live observation (what ``corevar sources`` lists)."""
        return queries.sources(self.con)

    def prices(self, tickers: list[str] | None = None) -> pd.DataFrame:
        """Daily prices (latest ingested value per ticker, date and source)."""
        return queries.prices(self.con, tickers)

    def fx(self) -> pd.DataFrame:
        """Exchange rates (latest ingested value per currency, date and source)."""
        return queries.fx(self.con)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
