"""Reads from the store. Every function takes a connection (read-only or not) and never writes.

Filters run in DuckDB with parameters, so asking for one series never loads the whole ledger, and no text from a
caller is spliced into SQL (the only names interpolated come from fixed tuples checked here).
"""

from __future__ import annotations

import json
import warnings
from datetime import date
from typing import TYPE_CHECKING

from ..frame import COLUMNS

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from ..registry import Registry

__all__ = [
    "REGISTRY_TABLES",
    "columns",
    "count",
    "count_all",
    "dataset_version",
    "entities_listing",
    "frame",
    "fx",
    "meta",
    "prices",
    "registry",
    "sources",
    "table",
]

REGISTRY_TABLES = ("metrics", "entities", "products")
LIVE = "id NOT IN (SELECT id FROM retractions)"

# DuckDB advises that Arrow output of an ``execute`` result copies the rows once more than a relation's would; the
# copy is the price of working on a connection that holds an unfinished result (see :func:`frame`), and cheaper
# than ``.df()`` still. The advice is a warning on every call, so it is silenced here, for that message only.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of the ``meta`` table (hashes of the bundled data, registry extras), None when unset."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def count(con: duckdb.DuckDBPyConnection) -> int:
    """Live observations (retracted ones excluded)."""
    row = con.execute(f"SELECT count(*) FROM observations WHERE {LIVE}").fetchone()
    return int(row[0]) if row else 0


def count_all(con: duckdb.DuckDBPyConnection) -> int:
    """Every stored observation, retracted ones included (the ledger only grows)."""
    row = con.execute("SELECT count(*) FROM observations").fetchone()
    return int(row[0]) if row else 0


# The set of live ids as text, without sorting them: their number and the XOR of each id's two 64-bit halves. Ids are
# content hashes (32 hex digits), so their halves are read as numbers; any other id (an old store's) is hashed with
# MD5 first. Order-free and stable across DuckDB versions (no internal hash); sorting a million ids to concatenate
# them cost 0.43 s, this 0.16 s.
_ID_SET = f"""(
    SELECT concat_ws(':', count(*),
        bit_xor(coalesce(CASE WHEN length(id) = 32 THEN TRY_CAST('0x' || left(id, 16) AS UBIGINT) END,
                         md5_number_lower(id))),
        bit_xor(coalesce(CASE WHEN length(id) = 32 THEN TRY_CAST('0x' || right(id, 16) AS UBIGINT) END,
                         md5_number_upper(id))))
    FROM observations WHERE {LIVE}
)"""


def dataset_version(con: duckdb.DuckDBPyConnection) -> str:
    """A content hash of every live observation id: stamps every output with the data it came from."""
    row = con.execute(f"SELECT md5({_ID_SET})").fetchone()
    return str(row[0])[:12] if row else ""


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of everything a judgement or a page reads from the store: the live observations (their ids are
    content hashes, and retractions count through :data:`LIVE`), the registry tables, prices, exchange rates and
    ``meta``. Equal fingerprints mean equal inputs; the faces key their output cache on it (:mod:`corevar.cache`).
    """
    parts = [_ID_SET]
    for table in ("metrics", "entities", "products", "prices", "fx", "meta"):
        parts.append(
            f"(SELECT coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '') FROM {table} t)"
        )
    row = con.execute(f"SELECT md5(concat_ws('#', {', '.join(parts)}))").fetchone()
    return str(row[0]) if row else ""


def frame(
    con: duckdb.DuckDBPyConnection,
    *,
    entity: str | None = None,
    metric: str | None = None,
    product: str | None = None,
    known_on: date | str | None = None,
) -> pd.DataFrame:
    """Live observations (conflicts included) with the columns of :data:`corevar.frame.COLUMNS`."""
    cols = ", ".join(f"CAST({c} AS TIMESTAMP) AS {c}" if c in ("as_of", "published") else c for c in COLUMNS)
    where = [LIVE]
    params: list[object] = []
    for column, wanted in (("entity", entity), ("metric", metric), ("coalesce(product, '')", product)):
        if wanted is not None:
            where.append(f"{column} = ?")
            params.append(wanted)
    if known_on is not None:
        where.append("published <= CAST(? AS DATE)")
        params.append(str(known_on))
    # Through Arrow: DuckDB's ``.df()`` builds a Python object per text cell and pandas then packs them into its
    # Arrow-backed strings again; the Arrow table is handed over as is (the same frame, dtypes included, about 2.7x
    # faster: 0.8 s instead of 2.3 s for 1,000,000 rows). ``execute`` rather than ``con.sql``: a relation refuses to
    # run while the connection holds a result not fetched to the end, and callers do hold such results.
    return (
        con.execute(
            f"SELECT {cols} FROM observations WHERE {' AND '.join(where)} "
            "ORDER BY entity, product NULLS FIRST, metric, as_of, published, id",
            params,
        )
        .to_arrow_table()
        .to_pandas()
    )


def table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A registry table (metrics, entities, products) as a DataFrame, ordered by id."""
    if name not in REGISTRY_TABLES:
        raise ValueError(f"table must be one of {', '.join(REGISTRY_TABLES)}; got {name!r}")
    return con.execute(f"SELECT * FROM {name} ORDER BY id").df()


def known(con: duckdb.DuckDBPyConnection, name: str, ident: str) -> bool:
    """Whether a registry table (metrics, entities, products) has this id."""
    if name not in REGISTRY_TABLES:
        raise ValueError(f"table must be one of {', '.join(REGISTRY_TABLES)}; got {name!r}")
    return con.execute(f"SELECT count(*) FROM {name} WHERE id = ?", [ident]).fetchone() != (0,)


def registry(con: duckdb.DuckDBPyConnection) -> Registry:
    """The store's registry (shipped entries plus the user's) as one value object, in the taxonomy's order.

    Read as plain rows (no pandas): a few hundred rows, and every light command reads it.
    """
    from ..registry import Registry

    order = json.loads(meta(con, "metric_order") or "[]")
    metrics = _records(
        con,
        "SELECT * FROM metrics ORDER BY coalesce(list_position(CAST(? AS VARCHAR[]), id), 1000000), id",
        [order],
    )
    return Registry.from_frames(
        metrics,
        _records(con, "SELECT id, name, kind, tickers, origin FROM entities ORDER BY id"),
        _records(con, "SELECT id, entity, name, kind, tier, released FROM products ORDER BY entity, id"),
        core_variables=json.loads(meta(con, "core_variables") or "null"),
        units=json.loads(meta(con, "units") or "null"),
    )


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def columns(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every live observation as NumPy columns (``fetchnumpy``), no pandas: what the thesis engine reads.

    The same rows and columns as :func:`frame` (``as_of``/``published`` as dates), for the light commands that
    judge theses but show no table.
    """
    cols = ", ".join(COLUMNS)
    return con.execute(
        f"SELECT {cols} FROM observations WHERE {LIVE} "
        "ORDER BY entity, product NULLS FIRST, metric, as_of, published, id"
    ).fetchnumpy()


def entities_listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Entities with their products, one row per product (entities without products get one row)."""
    return con.execute(
        """
        SELECT e.id AS entity, e.name, e.kind, array_to_string(e.tickers, ' ') AS tickers,
               p.id AS product, p.name AS product_name, p.kind AS product_kind, p.tier, e.origin
        FROM entities e LEFT JOIN products p ON p.entity = e.id ORDER BY e.id, p.id NULLS FIRST
        """
    ).df()


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every source behind a live observation: url, publisher, first publication date, title, tier, rows."""
    return con.execute(
        f"""
        SELECT source_url AS url, any_value(publisher) AS publisher, min(published) AS published,
               any_value(title) AS title, min(tier) AS tier, count(*) AS observations
        FROM observations WHERE {LIVE}
        GROUP BY source_url ORDER BY publisher, url
        """
    ).df()


def prices(con: duckdb.DuckDBPyConnection, tickers: list[str] | None = None) -> pd.DataFrame:
    """Daily prices, one row per (ticker, date, source): the most recently ingested value wins."""
    where, params = ("WHERE list_contains(?, ticker)", [tickers]) if tickers is not None else ("", [])
    return con.execute(
        f"""
        SELECT ticker, date, close, adj_close, currency, source, origin, ingested_at FROM prices {where}
        QUALIFY row_number() OVER (PARTITION BY ticker, date, source ORDER BY ingested_at DESC) = 1
        ORDER BY ticker, date, source
        """,
        params,
    ).df()


def fx(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Exchange rates, one row per (currency, date, source): the most recently ingested value wins."""
    return con.execute(
        """
        SELECT currency, date, usd_per_unit, source, ingested_at FROM fx
        QUALIFY row_number() OVER (PARTITION BY currency, date, source ORDER BY ingested_at DESC) = 1
        ORDER BY currency, date, source
        """
    ).df()
