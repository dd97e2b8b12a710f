"""The store: migrations, content-hash identity, dataset version, retractions, crash safety, bounded memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synthetic import write_synthetic
from corevar.errors import StoreError
from corevar.load import ingest
from corevar.store import MIGRATIONS, Store
from tests.conftest import row, write_csv


def test_migrations_are_recorded_and_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path, load_bundled=False) as store:
        assert store.schema_version() == len(MIGRATIONS)
        store.con.execute("INSERT INTO schema_migrations VALUES (?, now())", [len(MIGRATIONS) + 1])
    with pytest.raises(StoreError, match="newer than this corevar understands"):
        Store(path, load_bundled=False)


def test_identity_ignores_wording_but_not_facts(store: Store, tmp_path: Path) -> None:
    ingest(store, [write_csv(tmp_path / "a.csv", [row()])])
    ingest(store, [write_csv(tmp_path / "b.csv", [row(note="reworded note", publisher="Another spelling")])])
    assert store.count() == 1
    ingest(store, [write_csv(tmp_path / "c.csv", [row(value="123456790")])])
    assert store.count() == 2


def test_conflicting_reports_are_all_kept(store: Store, tmp_path: Path) -> None:
    ingest(store, [write_csv(tmp_path / "a.csv", [row(kind="estimate"), row(kind="reported", value="1")])])
    assert store.count() == 2


def test_dataset_version_tracks_content(store: Store, tmp_path: Path) -> None:
    empty = store.dataset_version()
    ingest(store, [write_csv(tmp_path / "a.csv", [row()])])
    one = store.dataset_version()
    assert one != empty and len(one) == 12
    ingest(store, [write_csv(tmp_path / "a.csv", [row()])])
    assert store.dataset_version() == one


def test_dataset_version_is_the_set_of_ids_whatever_their_order_or_form(tmp_path: Path) -> None:
    """The version hashes the set of live ids without sorting them: the same rows in another order give the same
    version; one more row, a retraction, or an old store's id that is not 32 hex digits each change it."""
    rows = [row(value=str(v)) for v in (1, 2, 3, 4)]
    versions = []
    for name, order in (("a", rows), ("b", rows[::-1])):
        with Store(tmp_path / f"{name}.duckdb", load_bundled=False) as store:
            ingest(store, [write_csv(tmp_path / f"{name}.csv", order)])
            versions.append(store.dataset_version())
    assert versions[0] == versions[1]
    with Store(tmp_path / "a.duckdb", load_bundled=False) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM observations ORDER BY id").fetchall()]
        assert all(len(i) == 32 for i in ids)
        store.con.execute("INSERT INTO retractions SELECT ?, now(), 'test'", [ids[0]])
        retracted = store.dataset_version()
        assert retracted != versions[0]
        store.con.execute("UPDATE observations SET id = 'x1' WHERE id = ?", [ids[1]])
        assert store.dataset_version() not in (retracted, versions[0])


def test_bundled_data_loads_once_and_dropped_rows_are_retracted(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "b.duckdb"
    with Store(path) as store:
        loaded = store.count()
        version = store.dataset_version()
    assert loaded >= 400
    with Store(path) as store:  # second open: nothing re-read
        assert (store.count(), store.dataset_version()) == (loaded, version)

    from corevar import registry, shipped

    files = registry.observation_files()
    smaller = tmp_path / "bundle"
    smaller.mkdir()
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (smaller / f.name).write_text("".join(lines[:-1]), encoding="utf-8")  # drop each file's last row
    monkeypatch.setattr(shipped, "observation_files", lambda: sorted(smaller.glob("*.csv")))
    with Store(path) as store:
        assert store.count() == loaded - len(files)
        assert store.count_all() == loaded  # append-only: the rows stay, retracted
        retracted = store.con.execute("SELECT count(*) FROM retractions").fetchone()
        assert retracted == (len(files),)


def _ingest_process(db: Path, data: Path) -> subprocess.Popen[str]:
    """A real ingest in a child process: prints "started", then the rows read after every batch (every file for
    CSV, which DuckDB reads in one statement)."""
    code = (
        "import sys; from corevar.store import Store; from corevar.load import ingest; "
        "s = Store(sys.argv[1], load_bundled=False); print('started', flush=True); "
        "ingest(s, [sys.argv[2]], batch_rows=20_000, progress=lambda n: print(n, flush=True)); s.close()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _jsonl(path: Path, rows: int) -> Path:
    """SYNTHETIC rows as JSON Lines (read in 20k-row batches, so a kill can land between batches)."""
    import json

    with path.open("w", encoding="utf-8") as fh:
        for i in range(rows):
            fh.write(json.dumps(row(value=str(1_000_000 + i), source_url=f"https://example.org/s/{i}")) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("when", ["between batches", "mid-file", "after the last row"])
def test_killed_ingest_leaves_store_consistent(tmp_path: Path, when: str) -> None:
    """SIGKILL between Arrow batches, in the middle of DuckDB reading a CSV, and after the last row (racing the
    commit): the store holds all of the ingest or none of it, opens read-only at once, and takes writes again."""
    db = tmp_path / "k.duckdb"
    with Store(db, load_bundled=False) as store:
        ingest(store, [write_csv(tmp_path / "seed.csv", [row()])])
        before = (store.count(), store.dataset_version())
    rows = 100_000 if when == "between batches" else 400_000
    data = (
        _jsonl(tmp_path / "big.jsonl", rows)
        if when == "between batches"
        else write_synthetic(tmp_path / "big.csv", rows)
    )
    proc = _ingest_process(db, data)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    if when == "mid-file":
        time.sleep(0.15)
    else:
        proc.stdout.readline()  # the first progress line: 20k rows read (JSONL), or every row appended (CSV)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    with Store(db, "r", load_bundled=False, timeout=5) as store:
        count = store.count()
        assert count in (before[0], before[0] + rows)  # never a part of it
        if when == "between batches":
            assert (count, store.dataset_version()) == before
    with Store(db, load_bundled=False) as store:
        assert ingest(store, [data]).rows == rows  # and the store still takes writes
        assert store.count() == before[0] + rows


@pytest.mark.slow
def test_one_gigabyte_file_of_distinct_rows_ingests_in_bounded_memory(tmp_path: Path) -> None:
    """Regression: a 1 GB CSV of *distinct* SYNTHETIC rows peaked at 2.07 GB resident (the old test used identical
    rows, which hid it: every batch was de-duplicated against all ids appended so far). Now the file streams
    through DuckDB once and peak memory stays far below the file size."""
    data = write_synthetic(tmp_path / "1gb.csv", 7_000_000)
    assert data.stat().st_size >= 1_000_000_000
    # VmHWM is the peak of this process image alone; ru_maxrss would carry over the peak of the process that forked
    # it (Linux keeps it across exec), so under a large pytest process it read the test runner's own size.
    code = (
        "import sys; from corevar.store import Store; from corevar.load import ingest; "
        "s = Store(sys.argv[1], load_bundled=False); r = ingest(s, [sys.argv[2]]); "
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]; "
        "print(r.rows, r.added, hwm)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "g.duckdb"), str(data)], check=True, capture_output=True, text=True
    ).stdout.split()
    rows, added, peak_kib = int(out[0]), int(out[1]), int(out[2])
    assert rows == added == 7_000_000
    assert peak_kib < 1_000_000, f"peak RSS {peak_kib / 1024:.0f} MiB for a {data.stat().st_size / 2**30:.2f} GiB file"
