"""A read-only open checks the shipped files by a cheap stamp (version, sizes, times), and stays correct.

Reading and hashing every bundled CSV on each open made every light command pay for the whole dataset; the stamp
binds the files' fingerprint to the hashes the last write synchronised, and anything that differs falls back to
the real hashes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corevar.store import Store, core


def _no_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> str:
        raise AssertionError("a fresh store was re-hashed on a read-only open")

    monkeypatch.setattr(core, "_bundle_hash", boom)
    monkeypatch.setattr(core, "_registry_hash", boom)


def test_fresh_store_opens_without_hashing_the_bundled_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.duckdb"
    Store(db, "w").close()
    _no_hashing(monkeypatch)
    with Store(db, "r") as store:
        assert store.count() > 0


def test_changed_files_fall_back_to_the_real_hashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.duckdb"
    Store(db, "w").close()
    calls: list[str] = []
    real = core._bundle_hash

    def counted() -> str:
        calls.append("bundle")
        return real()

    monkeypatch.setattr(core, "_files_stamp", lambda: "another version of the shipped files")
    monkeypatch.setattr(core, "_bundle_hash", counted)
    with Store(db, "r") as store:  # same contents: the hashes agree, nothing is rewritten
        assert store.count() > 0
    assert calls == ["bundle"]


def test_a_store_missing_its_registry_hash_is_still_seen_as_stale(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db, "w").close()
    with Store(db, "w") as store:
        store.con.execute("DELETE FROM meta WHERE key = 'registry_hash'")
    with Store(db, "r") as store:  # the stamp no longer matches what the store holds: the write path ran again
        assert store.meta("registry_hash")


def test_writer_without_bundled_sync_leaves_no_stamp_for_a_bundle_it_did_not_check(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db, "w", load_bundled=False).close()
    with Store(db, "r", load_bundled=False) as store:
        assert store.meta("open_stamp") is None
