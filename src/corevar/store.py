"""The embedded DuckDB store: schema migrations, registries, the append-only observation ledger.

Rules the store keeps:

* Observations are append-only. Nothing is updated in place; an observation's id is the MD5 of its factual
  content (see :data:`ID_SQL`), so ingesting the same file twice adds nothing.
* A bundled row that a later corevar release drops or corrects is *retracted*: its id is appended to the
  ``retractions`` table and views stop showing it. The row itself stays, so history can be audited.
* Registries (metrics, entities, products) are reference data shipped with the package and refreshed from it.
* All SQL is parameterised; no text from a data file is ever spliced into a statement.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import registry
from .errors import RegistryError, StoreError
from .frame import COLUMNS

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from .models import Entity

ENV_DB = "COREVAR_DB"

# Factual fields that make an observation's identity (publisher spelling, title and note do not).
ID_FIELDS = ("entity", "product", "metric", "value", "low", "high", "unit", "basis", "as_of", "published",
             "kind", "source_url")


MIGRATIONS: tuple[str, ...] = (
    # 1: the ledger and the registries.
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    CREATE TABLE metrics (
        id VARCHAR PRIMARY KEY, core_variable VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        higher_is_better BOOLEAN NOT NULL, description VARCHAR NOT NULL,
        basis VARCHAR[], basis_required BOOLEAN NOT NULL
    );
    CREATE TABLE entities (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                           tickers VARCHAR[]);
    CREATE TABLE products (id VARCHAR PRIMARY KEY, entity VARCHAR NOT NULL, name VARCHAR NOT NULL,
                           kind VARCHAR NOT NULL, tier VARCHAR, released DATE);
    CREATE TABLE observations (
        id VARCHAR NOT NULL,
        entity VARCHAR NOT NULL, product VARCHAR, metric VARCHAR NOT NULL,
        value DOUBLE NOT NULL, low DOUBLE, high DOUBLE, unit VARCHAR NOT NULL, basis VARCHAR,
        as_of DATE NOT NULL, published DATE NOT NULL, kind VARCHAR NOT NULL,
        source_url VARCHAR NOT NULL, publisher VARCHAR NOT NULL, title VARCHAR, note VARCHAR,
        origin VARCHAR NOT NULL, ingested_at TIMESTAMP NOT NULL
    );
    CREATE TABLE retractions (id VARCHAR NOT NULL, retracted_at TIMESTAMP NOT NULL, reason VARCHAR NOT NULL);
    """,
    # 2: users may register their own entities and products; a registry refresh replaces only the bundled ones.
    """
    ALTER TABLE entities ADD COLUMN origin VARCHAR DEFAULT 'bundled';
    ALTER TABLE products ADD COLUMN origin VARCHAR DEFAULT 'bundled';
    """,
)


def default_path() -> Path:
    """``$COREVAR_DB`` if set, else ``corevar.duckdb`` in the user's data directory."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("corevar", appauthor=False) / "corevar.duckdb"


def id_sql(alias: str = "") -> str:
    """SQL expression computing an observation id from typed columns (value/low/high DOUBLE, dates DATE)."""
    p = f"{alias}." if alias else ""
    parts = [f"coalesce(CAST({p}{name} AS VARCHAR), '')" for name in ID_FIELDS]
    return "md5(concat_ws('|', " + ", ".join(parts) + "))"


class Store:
    """An open corevar database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None, *, load_bundled: bool = True) -> None:
        import duckdb

        self.path = Path(path).expanduser() if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the corevar database {self.path}: {exc}") from exc
        self.con.execute("SET preserve_insertion_order = false")
        self._migrate()
        self._sync_registry()
        if load_bundled:
            self.ensure_bundled()

    # -- lifecycle -------------------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not row or row[0] == 0:
            return 0
        got = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(got[0] or 0) if got else 0

    def _migrate(self) -> None:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
        )
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this corevar understands "
                f"({len(MIGRATIONS)}); upgrade corevar."
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            self._transaction(lambda script=script, version=version: self._apply(script, version))

    def _apply(self, script: str, version: int) -> None:
        self.con.execute(script)
        self.con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])

    def _transaction(self, work: Callable[[], Any]) -> Any:
        self.con.execute("BEGIN TRANSACTION")
        try:
            result = work()
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")
        return result

    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # -- registries ------------------------------------------------------------------------------------------
    def _registry_hash(self) -> str:
        digest = hashlib.md5()
        for name in ("taxonomy.yaml", "entities.yaml"):
            digest.update((registry.DATASET / name).read_bytes())
        return digest.hexdigest()

    def _sync_registry(self) -> None:
        wanted = self._registry_hash()
        if self.meta("registry_hash") == wanted:
            return

        def work() -> None:
            ents = list(registry.entities().values())
            bundled_products = [p.id for e in ents for p in e.products]
            self.con.execute("DELETE FROM metrics")
            self.con.execute("DELETE FROM products WHERE origin = 'bundled' OR id IN (SELECT unnest(?))",
                             [bundled_products])  # a user product that corevar now ships becomes the shipped one
            self.con.execute("DELETE FROM entities WHERE origin = 'bundled' OR id IN (SELECT unnest(?))",
                             [[e.id for e in ents]])
            self.con.executemany(
                "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[m.id, m.core_variable, m.unit, m.higher_is_better, m.description, m.basis, m.basis_required]
                 for m in registry.metrics().values()],
            )
            self.con.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, 'bundled')",
                                 [[e.id, e.name, e.kind, e.tickers] for e in ents])
            self.con.executemany(
                "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, 'bundled')",
                [[p.id, e.id, p.name, p.kind, p.tier, p.released] for e in ents for p in e.products],
            )
            self._set_meta("registry_hash", wanted)

        self._transaction(work)

    def add_entity(self, entity: Entity) -> None:
        """Register a user entity (with its products) so observations about it can be ingested.

        Raises :class:`RegistryError` when the entity id, or a product id, is already taken.
        """
        taken = self.con.execute("SELECT origin FROM entities WHERE id = ?", [entity.id]).fetchone()
        if taken:
            raise RegistryError(f'entity "{entity.id}" already exists ({taken[0]}); choose another id')
        for product in entity.products:
            owner = self.con.execute("SELECT entity FROM products WHERE id = ?", [product.id]).fetchone()
            if owner:
                raise RegistryError(f'product "{product.id}" already exists (it belongs to {owner[0]}); '
                                    "product ids are unique across entities")

        def work() -> None:
            self.con.execute("INSERT INTO entities VALUES (?, ?, ?, ?, 'user')",
                             [entity.id, entity.name, entity.kind, entity.tickers])
            for p in entity.products:
                self.con.execute("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, 'user')",
                                 [p.id, entity.id, p.name, p.kind, p.tier, p.released])

        self._transaction(work)

    def known(self, table: str, name: str) -> bool:
        """Whether a registry table (metrics, entities, products) has this id."""
        if table not in ("metrics", "entities", "products"):
            raise ValueError(f"table must be one of metrics, entities, products; got {table!r}")
        return self.con.execute(f"SELECT count(*) FROM {table} WHERE id = ?", [name]).fetchone() != (0,)

    # -- bundled data ----------------------------------------------------------------------------------------
    def _bundle_hash(self) -> str:
        digest = hashlib.md5()
        for path in registry.observation_files():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def ensure_bundled(self) -> None:
        """Load the dataset shipped in the package on first use, and again whenever it changed.

        Rows of an earlier bundle that the current one no longer contains are retracted, not deleted.
        """
        wanted = self._bundle_hash()
        if self.meta("bundle_hash") == wanted:
            return
        from .ingest import ingest

        ingest(self, registry.observation_files(), origin="bundled", before_commit=self._retract_dropped,
               meta={"bundle_hash": wanted})

    def _retract_dropped(self) -> None:
        """Inside the ingest transaction: retract bundled rows absent from the bundle being loaded (``ingest_ids``)."""
        self.con.execute(
            """
            INSERT INTO retractions
            SELECT o.id, now(), 'dropped from the bundled dataset' FROM observations o
            WHERE o.origin = 'bundled' AND o.id NOT IN (SELECT id FROM ingest_ids)
              AND o.id NOT IN (SELECT id FROM retractions)
            """
        )

    # -- reads -----------------------------------------------------------------------------------------------
    def count(self) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM observations WHERE id NOT IN (SELECT id FROM retractions)"
        ).fetchone()
        return int(row[0]) if row else 0

    def count_all(self) -> int:
        """Every stored observation, retracted ones included (the ledger only grows)."""
        row = self.con.execute("SELECT count(*) FROM observations").fetchone()
        return int(row[0]) if row else 0

    def dataset_version(self) -> str:
        """A content hash of every live observation id: stamps every output with the data it came from."""
        row = self.con.execute(
            "SELECT md5(coalesce(string_agg(id, ',' ORDER BY id), '')) FROM observations "
            "WHERE id NOT IN (SELECT id FROM retractions)"
        ).fetchone()
        return str(row[0])[:12] if row else ""

    def frame(
        self,
        *,
        entity: str | None = None,
        metric: str | None = None,
        product: str | None = None,
        known_on: date | str | None = None,
    ) -> pd.DataFrame:
        """Live observations (conflicts included) with the columns of :mod:`corevar.frame`.

        Filters run in DuckDB (parameterised), so asking for one series never loads the whole ledger.
        """
        cols = ", ".join(
            f"CAST({c} AS TIMESTAMP) AS {c}" if c in ("as_of", "published") else c for c in COLUMNS
        )
        where = ["id NOT IN (SELECT id FROM retractions)"]
        params: list[object] = []
        for column, wanted in (("entity", entity), ("metric", metric), ("coalesce(product, '')", product)):
            if wanted is not None:
                where.append(f"{column} = ?")
                params.append(wanted)
        if known_on is not None:
            where.append("published <= CAST(? AS DATE)")
            params.append(str(known_on))
        return self.con.execute(
            f"SELECT {cols} FROM observations WHERE {' AND '.join(where)} "
            "ORDER BY entity, product NULLS FIRST, metric, as_of, published, id",
            params,
        ).df()

    def table(self, name: str) -> pd.DataFrame:
        """A registry table (metrics, entities, products) as a DataFrame."""
        if name not in ("metrics", "entities", "products"):
            raise ValueError(f"table must be one of metrics, entities, products; got {name!r}")
        return self.con.execute(f"SELECT * FROM {name} ORDER BY id").df()
