"""Fixtures for the web face: one store built from the bundled data (once per session) and a client over it.

Tests that write get their own copy of the store, so the read-only tests always see the bundled data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

TOKEN = "test-token-" + "x" * 40  # SYNTHETIC: a fixed token for tests that pass one explicitly
XSS_NOTE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
GOOD = {  # SYNTHETIC observation used by write tests (example.org source); never part of the bundled data
    "entity": "openai",
    "product": "chatgpt",
    "metric": "weekly_active_users",
    "value": "1.5B",
    "as_of": "2026-06-30",
    "published": "2026-07-01",
    "kind": "estimate",
    "source_url": "https://example.org/synthetic-test",
    "publisher": "SYNTHETIC test source",
    "note": "SYNTHETIC row written by the web tests",
}


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled data loaded, created once."""
    import corevar

    path = tmp_path_factory.mktemp("webdb") / "corevar.duckdb"
    try:
        cv = corevar.open(path, write=True)  # type: ignore[call-arg]
    except TypeError:
        cv = corevar.open(path)
    cv.close()
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled store, for tests that write."""
    path = tmp_path / "corevar.duckdb"
    shutil.copy(base_db, path)
    wal = base_db.with_name(base_db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, path.with_name(path.name + ".wal"))
    return path


@pytest.fixture(scope="session")
def app(base_db: Path):
    from corevar.web import create_app

    return create_app(base_db, token=TOKEN)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def write_client(db: Path):
    from fastapi.testclient import TestClient

    from corevar.web import create_app

    with TestClient(create_app(db, token=TOKEN), raise_server_exceptions=False) as c:
        yield c
