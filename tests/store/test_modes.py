"""Opening to read never writes; the write path (migrations, registry seed, bundled data) runs only when needed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from corevar import registry as registry_module
from corevar import shipped
from corevar.errors import StoreError, StoreReadOnlyError
from corevar.load import ingest, ingest_records
from corevar.models import Entity, Product
from corevar.store import MIGRATIONS, Store
from tests.conftest import row, write_csv


def _digest(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_reading_never_writes(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    Store(db).close()
    before, mtime = _digest(db), db.stat().st_mtime_ns
    with Store(db, "r") as store:
        assert store.read_only and store.count() > 0
        store.frame()
        store.registry()
        store.sources()
        store.entities_listing()
        store.dataset_version()
    assert (_digest(db), db.stat().st_mtime_ns) == (before, mtime)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.duckdb"]  # no WAL, no owner file


def test_writes_on_a_read_only_store_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    Store(db, load_bundled=False).close()
    with Store(db, "r", load_bundled=False) as store:
        with pytest.raises(StoreReadOnlyError, match="opened read-only"):
            ingest(store, [write_csv(tmp_path / "a.csv", [row()])])
        with pytest.raises(StoreReadOnlyError):
            ingest_records(store, [row()])
        with pytest.raises(StoreReadOnlyError):
            store.add_entity(Entity(id="acme", name="Acme", kind="company"))
        assert store.count_all() == 0


def test_read_only_open_of_a_missing_store_creates_it_once(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.duckdb"
    with Store(db, "r") as store:
        assert store.read_only
        assert store.schema_version() == len(MIGRATIONS)
        assert store.count() > 400  # the bundled dataset


def test_read_only_open_upgrades_an_old_schema_through_the_write_path(tmp_path: Path) -> None:
    """A store written by schema 2 (built here with those migrations alone) is upgraded once, keeping its rows."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        con.execute(script)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
    con.execute("INSERT INTO entities (id, name, kind, tickers) VALUES ('openai', 'OpenAI', 'lab', [])")
    con.execute(
        "INSERT INTO observations SELECT 'x1', 'openai', NULL, 'weekly_active_users', 1e8, NULL, NULL, 'users', "
        "NULL, DATE '2023-11-06', DATE '2023-11-07', 'official', 'https://example.org/s', 'SYNTHETIC', NULL, NULL, "
        "'user', now()"
    )
    con.close()
    with Store(db, "r", load_bundled=False) as store:
        assert store.schema_version() == len(MIGRATIONS)
        got = store.frame()
        assert got["id"].tolist() == ["x1"]
        assert got["tier"].isna().all() and got["via_url"].isna().all()


def test_read_only_open_reloads_a_changed_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "b.duckdb"
    with Store(db) as store:
        loaded = store.count()
    files = registry_module.observation_files()
    smaller = tmp_path / "bundle"
    smaller.mkdir()
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (smaller / f.name).write_text("".join(lines[:-1]), encoding="utf-8")  # each file loses its last row
    monkeypatch.setattr(shipped, "observation_files", lambda: sorted(smaller.glob("*.csv")))
    with Store(db, "r") as store:
        assert store.read_only
        assert store.count() == loaded - len(files)  # the write path ran once and retracted the dropped rows
        assert store.count_all() == loaded


def test_newer_schema_is_refused_in_both_modes(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    with Store(db, load_bundled=False) as store:
        store.con.execute("INSERT INTO schema_migrations VALUES (?, now())", [len(MIGRATIONS) + 1])
    for mode in ("r", "w"):
        with pytest.raises(StoreError, match="newer than this corevar understands"):
            Store(db, mode, load_bundled=False)


def test_one_process_cannot_hold_the_store_both_ways(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with Store(db, load_bundled=False), pytest.raises(StoreError, match=r"already has .* open for writing"):
        Store(db, "r", load_bundled=False)


def test_registry_is_the_stores_own_with_user_entities(tmp_path: Path) -> None:
    db = tmp_path / "reg.duckdb"
    with Store(db, load_bundled=False) as store:
        store.add_entity(
            Entity(
                id="acme-ai",
                name="Acme AI",
                kind="lab",
                products=[Product(id="acme-chat", name="Acme Chat", kind="assistant")],
            )
        )
    with Store(db, "r", load_bundled=False) as store:
        reg = store.registry()
    bundled = registry_module.Registry.bundled()
    assert reg.entity_name("acme-ai") == "Acme AI"
    assert reg.product_name("acme-chat") == "Acme Chat" and reg.product_entity["acme-chat"] == "acme-ai"
    assert list(reg.metrics) == list(bundled.metrics)  # taxonomy order kept
    assert dict(reg.core_variables) == dict(bundled.core_variables)  # the questions too, read from the store
    assert dict(reg.units) == dict(bundled.units)
    assert reg.metrics["weekly_active_users"] == bundled.metrics["weekly_active_users"]
    assert reg.entities["openai"].name == bundled.entities["openai"].name


def test_prices_and_fx_append_skip_exact_repeats(tmp_path: Path) -> None:
    import pandas as pd

    prices = pd.DataFrame(
        {
            "ticker": ["NVDA", "NVDA"],
            "date": ["2025-01-02", "2025-01-03"],
            "close": [1.5, 2.5],
            "adj_close": [1.5, None],
            "currency": ["USD", "USD"],
            "source": ["SYNTHETIC", "SYNTHETIC"],
        }
    )
    fx = pd.DataFrame({"currency": ["EUR"], "date": ["2025-01-02"], "usd_per_unit": [1.1], "source": ["SYNTHETIC"]})
    db = tmp_path / "p.duckdb"
    with Store(db, load_bundled=False) as store:
        assert store.append_prices(prices) == 2
        assert store.append_prices(prices) == 0
        revised = prices.iloc[[0]].assign(close=1.75)
        assert store.append_prices(revised) == 1
        assert store.append_fx(fx) == 1 and store.append_fx(fx) == 0
    with Store(db, "r", load_bundled=False) as store:
        got = store.prices(["NVDA"])
        assert got["close"].tolist() == [1.75, 2.5]  # the latest ingested value wins
        assert store.fx()["usd_per_unit"].tolist() == [1.1]
        with pytest.raises(StoreReadOnlyError):
            store.append_prices(prices)
