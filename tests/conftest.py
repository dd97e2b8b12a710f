"""Shared fixtures. Every input built here is SYNTHETIC test data, never presented as real figures."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from corevar.load import COLUMNS
from corevar.store import Store

GOOD_ROW: dict[str, str] = {
    "entity": "openai",
    "product": "chatgpt",
    "metric": "weekly_active_users",
    "value": "123456789",
    "low": "",
    "high": "",
    "unit": "users",
    "basis": "",
    "as_of": "2025-01-01",
    "published": "2025-01-02",
    "kind": "estimate",
    "source_url": "https://example.org/synthetic",
    "publisher": "SYNTHETIC",
    "title": "",
    "note": "synthetic test row",
}


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    """Write SYNTHETIC rows as CSV with the given header (default: every column)."""
    columns = columns or list(COLUMNS)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**changes: str) -> dict[str, str]:
    """A valid SYNTHETIC row with some fields changed."""
    return {**GOOD_ROW, **changes}


@pytest.fixture(autouse=True)
def _own_output_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test keeps its own output cache (:mod:`corevar.cache`): none reads another's outputs or the user's."""
    monkeypatch.setenv("COREVAR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store (registries only, no bundled data) in a temporary file."""
    with Store(tmp_path / "test.duckdb", load_bundled=False) as s:
        yield s


@pytest.fixture
def bundled_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store path with the bundled dataset, also set as $COREVAR_DB for CLI tests."""
    path = tmp_path / "bundled.duckdb"
    Store(path).close()
    monkeypatch.setenv("COREVAR_DB", str(path))
    return path
