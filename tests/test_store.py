"""The store: migrations, content-hash identity, dataset version, retractions, crash safety, bounded memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


def test_bundled_data_loads_once_and_dropped_rows_are_retracted(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "b.duckdb"
    with Store(path) as store:
        loaded = store.count()
        version = store.dataset_version()
    assert loaded >= 400
    with Store(path) as store:  # second open: nothing re-read
        assert (store.count(), store.dataset_version()) == (loaded, version)

    from corevar import registry

    files = registry.observation_files()
    smaller = tmp_path / "bundle"
    smaller.mkdir()
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (smaller / f.name).write_text("".join(lines[:-1]), encoding="utf-8")  # drop each file's last row
    monkeypatch.setattr(registry, "observation_files", lambda: sorted(smaller.glob("*.csv")))
    with Store(path) as store:
        assert store.count() == loaded - len(files)
        assert store.count_all() == loaded  # append-only: the rows stay, retracted
        retracted = store.con.execute("SELECT count(*) FROM retractions").fetchone()
        assert retracted == (len(files),)


def _ingest_process(db: Path, data: Path) -> subprocess.Popen[str]:
    """A real ingest in a child process that prints the rows read after every batch."""
    code = (
        "import sys; from corevar.store import Store; from corevar.load import ingest; "
        "s = Store(sys.argv[1], load_bundled=False); "
        "ingest(s, [sys.argv[2]], batch_rows=20_000, progress=lambda n: print(n, flush=True)); s.close()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_rows", [20_000, 200_000, 400_000])
def test_killed_ingest_leaves_store_consistent(tmp_path: Path, kill_after_rows: int) -> None:
    """SIGKILL after the first batch, mid-file, and after the last batch (racing the commit): all or nothing."""
    db = tmp_path / "k.duckdb"
    with Store(db, load_bundled=False) as store:
        ingest(store, [write_csv(tmp_path / "seed.csv", [row()])])
        before = (store.count(), store.dataset_version())
    data = write_synthetic(tmp_path / "big.csv", 400_000)
    proc = _ingest_process(db, data)
    assert proc.stdout is not None
    for text in proc.stdout:
        if int(text) >= kill_after_rows:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    with Store(db, load_bundled=False) as store:
        count = store.count()
        if kill_after_rows < 400_000:
            assert (count, store.dataset_version()) == before
        else:
            assert count in (before[0], before[0] + 400_000)  # the kill may land before or after COMMIT
        assert ingest(store, [data]).rows == 400_000  # and the store still takes writes
        assert store.count() == before[0] + 400_000


@pytest.mark.slow
def test_one_gigabyte_file_of_distinct_rows_ingests_in_bounded_memory(tmp_path: Path) -> None:
    """Regression: a 1 GB CSV of *distinct* SYNTHETIC rows peaked at 2.07 GB resident (the old test used identical
    rows, which hid it: every batch was de-duplicated against all ids appended so far). Now the file streams
    through DuckDB once and peak memory stays far below the file size."""
    data = write_synthetic(tmp_path / "1gb.csv", 7_000_000)
    assert data.stat().st_size >= 1_000_000_000
    code = (
        "import resource, sys; from corevar.store import Store; from corevar.load import ingest; "
        "s = Store(sys.argv[1], load_bundled=False); r = ingest(s, [sys.argv[2]]); "
        "print(r.rows, r.added, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "g.duckdb"), str(data)], check=True, capture_output=True, text=True
    ).stdout.split()
    rows, added, peak_kib = int(out[0]), int(out[1]), int(out[2])
    assert rows == added == 7_000_000
    assert peak_kib < 1_000_000, f"peak RSS {peak_kib / 1024:.0f} MiB for a {data.stat().st_size / 2**30:.2f} GiB file"
