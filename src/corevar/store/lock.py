"""Opening the DuckDB file when other processes may hold it: a bounded wait, then a clear error.

DuckDB locks the database file per process: one process opened for writing excludes every other process, and
processes reading (``read_only=True``) exclude writers but not each other. A second process that tries anyway gets
``IO Error: Could not set lock on file ...``. corevar never shows that text. Instead :func:`connect` retries for up
to ``timeout`` seconds (default :data:`DEFAULT_TIMEOUT`, or ``$COREVAR_LOCK_TIMEOUT``), says once on stderr that it
is waiting and for whom, and raises :class:`~corevar.errors.StoreBusyError` (exit code 2) if the store is still
held when the time is up.

"For whom": DuckDB's message names the holding process id. A writer also leaves an *owner file* next to the
database (``<db>.owner``: pid, command line, since when) for as long as it holds the store, so the message can say
``pid 4242: corevar ingest big.csv, writing since 14:02:11``. Readers write nothing (a read never writes), so a
reader holding up a writer is described from the process table where the system has one (``/proc``), else by pid.
An owner file left by a killed writer is recognised as stale (its pid is not the holder) and ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreBusyError, StoreError

if TYPE_CHECKING:
    import duckdb

__all__ = ["DEFAULT_TIMEOUT", "ENV_TIMEOUT", "connect", "lock_timeout", "owner_path"]

ENV_TIMEOUT = "COREVAR_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 10.0  # seconds; long enough to outwait an `add` or a small ingest, short enough to not hang a shell
_RETRY_EVERY = 0.05
_RETRY_MAX = 0.5
_PID = re.compile(r"PID (\d+)")


def lock_timeout(timeout: float | None = None) -> float:
    """The wait in seconds: ``timeout`` if given, else ``$COREVAR_LOCK_TIMEOUT``, else :data:`DEFAULT_TIMEOUT`."""
    if timeout is not None:
        return max(0.0, float(timeout))
    text = os.environ.get(ENV_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        return max(0.0, float(text))
    except ValueError:
        raise StoreError(f"{ENV_TIMEOUT}={text!r} is not a number of seconds") from None


def owner_path(path: Path) -> Path:
    """Where a writer describes itself while it holds ``path``."""
    return path.with_name(path.name + ".owner")


def write_owner(path: Path) -> None:
    """Record this process as the store's writer (best effort: a read-only directory just loses the detail)."""
    record = {
        "pid": os.getpid(),
        "command": _command_line(os.getpid()) or " ".join(sys.argv),
        "since": datetime.now().isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):
        owner_path(path).write_text(json.dumps(record), encoding="utf-8")


def clear_owner(path: Path) -> None:
    """Remove the owner file if this process wrote it."""
    target = owner_path(path)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(target.read_text(encoding="utf-8")).get("pid") == os.getpid():
            target.unlink()


def _command_line(pid: int) -> str:
    """The command line of ``pid`` where the system exposes it (Linux ``/proc``), shortened for a message."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    parts = [p for p in raw.decode("utf-8", "replace").split("\0") if p]
    if len(parts) >= 2 and Path(parts[0]).name.startswith("python") and Path(parts[1]).name == "corevar":
        parts = parts[1:]  # `python .../bin/corevar ingest x` reads as `corevar ingest x`
    if parts:
        parts[0] = Path(parts[0]).name
    text = " ".join(parts)
    return text if len(text) <= 120 else text[:117] + "..."


def describe_holder(path: Path, message: str) -> str:
    """Who holds ``path``, from DuckDB's lock message and the owner file: e.g. ``pid 42 (corevar ingest x.csv,
    writing since 2026-12-01T14:02:11)``; empty when nothing can be told."""
    found = _PID.search(message)
    pid = int(found.group(1)) if found else None
    try:
        owner = json.loads(owner_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        owner = None
    if owner and (pid is None or owner.get("pid") == pid) and _alive(int(owner.get("pid", -1))):
        return f"pid {owner['pid']} ({owner.get('command', '?')}, writing since {owner.get('since', '?')})"
    if pid is None:
        return ""
    command = _command_line(pid)
    return f"pid {pid} ({command})" if command else f"pid {pid}"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 1 else f"{value:.1f}"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def connect(
    path: Path,
    *,
    read_only: bool,
    timeout: float | None = None,
    notify: Callable[[str], None] | None = _stderr,
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` with DuckDB, waiting up to ``timeout`` seconds while another process holds it.

    ``notify`` receives one line when the wait starts (default: printed on stderr; None stays silent). Raises
    :class:`StoreBusyError` when the wait runs out, :class:`StoreError` for any other failure to open.
    """
    import duckdb

    limit = lock_timeout(timeout)
    start = time.monotonic()
    pause = _RETRY_EVERY
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.ConnectionException as exc:
            if "different configuration" in str(exc):
                how = "read-only" if not read_only else "for writing"
                raise StoreError(
                    f"this process already has {path} open {how}; close that handle first (a process opens "
                    "one store one way at a time)"
                ) from None
            raise StoreError(f"cannot open the corevar database {path}: {exc}") from None
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                raise StoreError(f"cannot open the corevar database {path}: {exc}") from None
            holder = describe_holder(path, str(exc))
            waited = time.monotonic() - start
            what = "writing to it" if read_only else "using it"
            who = f"{holder} is {what}" if holder else f"another process is {what}"
            if waited >= limit:
                raise StoreBusyError(
                    f"the corevar database {path} is busy: {who}. Gave up after {_seconds(waited)} s; try again "
                    f"when it has finished, or wait longer with {ENV_TIMEOUT}=<seconds>.",
                    holder=holder,
                    waited=waited,
                ) from None
            if not told and notify is not None:
                notify(f"corevar: {path} is busy ({who}); waiting up to {limit:.0f} s ({ENV_TIMEOUT} to change)")
                told = True
            time.sleep(min(pause, max(0.0, limit - waited)))
            pause = min(pause * 2, _RETRY_MAX)
            continue
        con.execute("SET enable_progress_bar = false")  # a library never draws on the user's terminal
        return con
