"""Concurrency is part of the store's contract, tested with real processes (DuckDB's lock is per process).

Many readers at once all succeed; a reader during a write and a second writer wait (bounded, saying on stderr who
holds the store) or exit 2 with a clear message; never a raw DuckDB lock error, never a half-written store.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corevar.errors import StoreBusyError
from corevar.store import Store
from tests.conftest import row, write_csv

CLI = [str(Path(sys.executable).parent / "corevar")]

# A process that opens the store, says "ready", and holds it until its stdin closes (or it is killed).
HOLD = (
    "import sys; from corevar.store import Store; "
    "s = Store(sys.argv[1], sys.argv[2], load_bundled=False); print('ready', flush=True); sys.stdin.read(); s.close()"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COREVAR_LOCK_TIMEOUT"}
    env.update(extra)
    return env


def _hold(db: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shared.duckdb"
    with Store(path, load_bundled=False) as store:
        from corevar.load import ingest

        ingest(store, [write_csv(tmp_path / "seed.csv", [row()])])
    return path


def test_readme_pipe_of_three_readers_exits_0_0_0(tmp_path: Path) -> None:
    """Regression: `corevar metrics | corevar entities | corevar sources` exited 1 1 0 with DuckDB's lock text."""
    env = _env(COREVAR_DB=str(tmp_path / "pipe.duckdb"))
    subprocess.run([*CLI, "metrics"], env=env, check=True, capture_output=True)  # the store exists (bundled data)
    for _ in range(2):  # twice: once more in case the first ordering happened not to overlap
        done = subprocess.run(
            ["bash", "-c", 'corevar metrics | corevar entities | corevar sources >/dev/null; echo "${PIPESTATUS[@]}"'],
            env={**env, "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.stdout.split() == ["0", "0", "0"], done.stderr
        assert "Could not set lock" not in done.stderr and "Traceback" not in done.stderr


def test_many_readers_hold_the_store_at_once(db: Path) -> None:
    readers = [_hold(db, "r") for _ in range(4)]  # all four are open at the same moment
    try:
        code = (
            "import sys; from corevar.store import Store; s = Store(sys.argv[1], 'r', load_bundled=False); "
            "print(s.count())"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=_env(), timeout=60
        )
        assert (out.returncode, out.stdout.strip()) == (0, "1"), out.stderr
        assert "busy" not in out.stderr
    finally:
        for proc in readers:
            _release(proc)


def test_reader_waits_for_a_writer_and_says_who_it_is(db: Path) -> None:
    writer = _hold(db, "w")
    code = (
        "import sys; from corevar.store import Store; s = Store(sys.argv[1], 'r', load_bundled=False); print(s.count())"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(COREVAR_LOCK_TIMEOUT="60"),
    )
    time.sleep(1.0)
    assert reader.poll() is None  # still waiting
    _release(writer)
    out, err = reader.communicate(timeout=60)
    assert (reader.returncode, out.strip()) == (0, "1"), err
    assert f"is busy (pid {writer.pid} (" in err and "writing since" in err, err
    assert "waiting up to 60 s" in err


def test_reader_gives_up_with_exit_2_and_a_clear_message(db: Path) -> None:
    """Regression: a reader during a write printed DuckDB's "Could not set lock" text and exited 1."""
    writer = _hold(db, "w")
    try:
        done = subprocess.run(
            [*CLI, "--db", str(db), "sources"],
            capture_output=True,
            text=True,
            timeout=60,
            env=_env(COREVAR_LOCK_TIMEOUT="1"),
        )
    finally:
        _release(writer)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"corevar: {db} is busy"), done.stderr
    assert f"Error: the corevar database {db} is busy: pid {writer.pid} (" in done.stderr
    assert "Gave up after 1 s" in done.stderr and "COREVAR_LOCK_TIMEOUT" in done.stderr
    assert "Could not set lock" not in done.stderr and "Traceback" not in done.stderr


def test_second_writer_gives_up_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    reader = _hold(db, "r")  # a reader blocks writers too
    data = write_csv(tmp_path / "more.csv", [row(value="987654321")])
    try:
        done = subprocess.run(
            [*CLI, "--db", str(db), "ingest", str(data)],
            capture_output=True,
            text=True,
            timeout=60,
            env=_env(COREVAR_LOCK_TIMEOUT="0.5"),
        )
        with pytest.raises(StoreBusyError, match=f"is busy: pid {reader.pid} "):
            Store(db, "w", load_bundled=False, timeout=0.2)
    finally:
        _release(reader)
    assert done.returncode == 2, done.stderr
    assert "is busy" in done.stderr and "Could not set lock" not in done.stderr
    with Store(db, "r", load_bundled=False) as store:
        assert store.count() == 1  # nothing written by the writer that gave up


def test_second_writer_waits_then_writes(db: Path, tmp_path: Path) -> None:
    first = _hold(db, "w")
    code = (
        "import sys; from corevar.store import Store; from corevar.load import ingest; "
        "s = Store(sys.argv[1], 'w', load_bundled=False); print(ingest(s, [sys.argv[2]]).added); s.close()"
    )
    data = write_csv(tmp_path / "more.csv", [row(value="987654321")])
    second = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(COREVAR_LOCK_TIMEOUT="60"),
    )
    time.sleep(1.0)
    assert second.poll() is None
    _release(first)
    out, err = second.communicate(timeout=60)
    assert (second.returncode, out.strip()) == (0, "1"), err
    assert "is busy" in err
    with Store(db, "r", load_bundled=False) as store:
        assert store.count() == 2


def test_killed_writer_leaves_a_readable_store_and_a_stale_owner_file_is_ignored(db: Path) -> None:
    writer = _hold(db, "w")
    owner = db.with_name(db.name + ".owner")
    assert owner.exists()
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert owner.exists()  # left behind by the killed process
    with Store(db, "r", load_bundled=False, timeout=5) as store:
        assert store.count() == 1
    with Store(db, "w", load_bundled=False, timeout=5) as store:  # and it takes writes again
        assert store.count() == 1
    assert not owner.exists()  # the new writer replaced it and removed it on close
