"""User entities: registered with validation, usable by ingest and show, kept across registry refreshes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corevar import store as store_module
from corevar.api import Corevar
from corevar.cli import app
from corevar.errors import RegistryError
from corevar.store import Store
from tests.conftest import row, write_csv

runner = CliRunner()


def test_user_entity_can_be_ingested_and_shown(tmp_path: Path) -> None:
    db = str(tmp_path / "e.duckdb")
    added = runner.invoke(
        app,
        [
            "--db",
            db,
            "entities",
            "add",
            "acme",
            "--name",
            "Acme AI",
            "--kind",
            "lab",
            "--product",
            "acme-chat=AcmeChat:assistant",
        ],
    )
    assert added.exit_code == 0, added.output
    data = write_csv(tmp_path / "acme.csv", [row(entity="acme", product="acme-chat")])
    assert runner.invoke(app, ["--db", db, "ingest", str(data)]).exit_code == 0
    shown = runner.invoke(app, ["--db", db, "show", "acme", "weekly_active_users", "-f", "csv"])
    assert shown.exit_code == 0 and "acme-chat" in shown.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["openai", "--name", "Again"], 'Error: entity "openai" already exists (bundled); choose another id'),
        (["Bad Id", "--name", "x"], "Error: invalid entity: id: String should match pattern"),
        (["zz", "--name", "x", "--kind", "planet"], "kind: Input should be 'lab', 'company', 'chain' or 'index'"),
        (
            ["zz", "--name", "x", "--product", "chatgpt=Dup"],
            'Error: product "chatgpt" already exists (it belongs to openai)',
        ),
        (["zz", "--name", "x", "--product", "nameless"], 'Error: --product "nameless" is not ID=NAME or ID=NAME:KIND'),
    ],
)
def test_bad_entities_are_refused_and_nothing_is_registered(tmp_path: Path, args: list[str], message: str) -> None:
    db = str(tmp_path / "e.duckdb")
    with Store(db, load_bundled=False) as store:
        before = store.table("entities").shape[0], store.table("products").shape[0]
    result = runner.invoke(app, ["--db", db, "entities", "add", *args])
    assert result.exit_code == 2
    assert message in result.output
    with Store(db, load_bundled=False) as store:
        assert (store.table("entities").shape[0], store.table("products").shape[0]) == before


def test_user_entities_survive_a_registry_refresh(tmp_path: Path) -> None:
    path = tmp_path / "e.duckdb"
    with Store(path, load_bundled=False) as store:
        cv = Corevar.__new__(Corevar)
        cv.store = store
        cv.add_entity({"id": "acme", "name": "Acme", "kind": "lab"})
        with pytest.raises(RegistryError, match="already exists"):
            cv.add_entity({"id": "acme", "name": "Acme", "kind": "lab"})
        store.con.execute("DELETE FROM meta WHERE key = 'registry_hash'")  # as if corevar shipped a new registry
    with Store(path, load_bundled=False) as store:
        assert store.known("entities", "acme") and store.known("entities", "openai")


def test_migration_from_schema_1_keeps_data(tmp_path: Path) -> None:
    """A database written by schema 1 (built here with that migration alone) upgrades in place."""
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    con.execute(store_module.MIGRATIONS[0])
    con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    con.execute("INSERT INTO entities VALUES ('openai', 'OpenAI', 'lab', [])")
    con.execute(
        "INSERT INTO observations SELECT 'x1', 'openai', NULL, 'weekly_active_users', 1e8, NULL, NULL, "
        "'users', NULL, DATE '2023-11-06', DATE '2023-11-07', 'official', 'https://example.org/s', "
        "'SYNTHETIC', NULL, NULL, 'user', now()"
    )
    con.close()
    with Store(path, load_bundled=False) as new:
        assert new.schema_version() == len(store_module.MIGRATIONS) == 4
        assert new.con.execute("SELECT DISTINCT origin FROM entities").fetchall() == [("bundled",)]
        assert new.count() == 1
