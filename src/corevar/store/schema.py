"""The store's schema: numbered migrations, applied in order on the write path, and the observation identity.

A migration is never edited once released; a change is a new migration. ``schema_migrations`` records which ran,
so opening a store written by an older corevar upgrades it (on the write path only: a read-only open that finds an
older schema asks the write path to run once, see :class:`corevar.store.Store`), and a store written by a newer
corevar is refused rather than misread.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..frame import ID_FIELDS, OBSERVATION_FIELDS

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "ENV_DB",
    "ID_FIELDS",
    "MIGRATIONS",
    "OBSERVATION_FIELDS",
    "TIERS",
    "default_path",
    "id_sql",
    "migrate",
    "schema_version",
]

ENV_DB = "COREVAR_DB"

# ID_FIELDS (the factual fields that make an observation's identity) and OBSERVATION_FIELDS (every field, in file
# order) are defined once, in corevar.frame, and shared by the loader, the ledger and every frame.

# How much a source is trusted, best first; NULL means unrated. Used by the conflict rule (corevar.frame.resolve).
TIERS = ("primary", "major", "secondary")

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
    # 3: how far a source is trusted (primary|major|secondary, NULL = unrated) and the copy actually read when
    #    source_url names the original. Neither is part of an observation's identity (see ID_FIELDS).
    """
    ALTER TABLE observations ADD COLUMN tier VARCHAR;
    ALTER TABLE observations ADD COLUMN via_url VARCHAR;
    """,
    # 4: daily prices and exchange rates for stock chains, appended by corevar.chains (validated there).
    """
    CREATE TABLE prices (
        ticker VARCHAR NOT NULL, date DATE NOT NULL, close DOUBLE NOT NULL, adj_close DOUBLE,
        currency VARCHAR NOT NULL, source VARCHAR NOT NULL, origin VARCHAR NOT NULL, ingested_at TIMESTAMP NOT NULL
    );
    CREATE TABLE fx (
        currency VARCHAR NOT NULL, date DATE NOT NULL, usd_per_unit DOUBLE NOT NULL, source VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL
    );
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
    """SQL expression computing an observation id from typed columns (value/low/high DOUBLE, dates DATE).

    The MD5 of the identity fields' text joined by ``|``; unchanged since the first release, so ingesting a file
    into a store made by any earlier corevar recognises the rows it already holds.
    """
    p = f"{alias}." if alias else ""
    parts = [f"coalesce(CAST({p}{name} AS VARCHAR), '')" for name in ID_FIELDS]
    return "md5(concat_ws('|', " + ", ".join(parts) + "))"


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied (0 for a new or foreign file)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not row or row[0] == 0:
        return 0
    got = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(got[0] or 0) if got else 0


def check_not_newer(version: int, path: Path) -> None:
    """Refuse a store written by a newer corevar: reading it could silently misread columns we do not know."""
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{path} has schema version {version}, newer than this corevar understands ({len(MIGRATIONS)}); "
            "upgrade corevar."
        )


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Apply every migration not yet applied, each in its own transaction; returns how many ran."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    current = schema_version(con)
    check_not_newer(current, path)
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(script)
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    return len(MIGRATIONS) - current
