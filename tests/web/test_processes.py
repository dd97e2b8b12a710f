"""`corevar serve` as a real process beside `corevar ingest` from a terminal: the ingest works while the server
runs, and the next API call shows the new data under a new dataset version."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HEADER = "entity,product,metric,value,unit,as_of,published,kind,source_url,publisher,note\n"
ROW = (
    "openai,chatgpt,weekly_active_users,1234567890,users,2026-06-30,2026-07-01,estimate,"
    "https://example.org/synthetic-process-test,SYNTHETIC process test,SYNTHETIC row\n"
)


def _corevar() -> list[str]:
    exe = shutil.which("corevar", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "corevar.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"corevar serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("corevar serve did not answer in time")


def test_ingest_while_serving_shows_new_data(base_db, tmp_path):
    import httpx

    db = tmp_path / "corevar.duckdb"
    shutil.copy(base_db, db)
    port = _free_port()
    env = {**os.environ, "COREVAR_LOCK_TIMEOUT": "30"}
    server = subprocess.Popen(
        [*_corevar(), "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    statuses: list[int] = []
    stop = threading.Event()

    def poll() -> None:  # a reader hammering the API during the ingest: it must never see a 5xx
        with httpx.Client(timeout=30) as c:
            while not stop.is_set():
                try:
                    statuses.append(c.get(f"{base}/api/v1/observations", params={"limit": 5}).status_code)
                except httpx.HTTPError:
                    statuses.append(-1)

    try:
        _wait_up(f"{base}/api/v1/version", server)
        before = httpx.get(f"{base}/api/v1/version").json()
        reader = threading.Thread(target=poll)
        reader.start()
        data = tmp_path / "new.csv"
        data.write_text(HEADER + ROW, encoding="utf-8")
        done = subprocess.run(
            [*_corevar(), "--db", str(db), "ingest", str(data)], env=env, capture_output=True, text=True, timeout=120
        )
        stop.set()
        reader.join(timeout=60)
        assert done.returncode == 0, done.stderr
        after = httpx.get(f"{base}/api/v1/version").json()
        assert after["dataset_version"] != before["dataset_version"]
        assert after["observations"] >= before["observations"] + 1  # (+ any bundled rows the ingest synced)
        rows = httpx.get(
            f"{base}/api/v1/observations",
            params={"as_of": "2026-06-30", "kind": "estimate", "entity": "openai", "limit": 1000},
        ).json()["rows"]
        assert any(r["source_url"] == "https://example.org/synthetic-process-test" for r in rows)
        assert statuses and all(0 < s < 500 for s in statuses), sorted(set(statuses))
        token_file = db.with_name(db.name + ".token")
        assert token_file.exists() and (token_file.stat().st_mode & 0o077) == 0
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def test_binding_elsewhere_warns(monkeypatch, tmp_path, capsys):
    import uvicorn

    from corevar.web.server import bind_warning, serve

    assert bind_warning("127.0.0.1") is None and bind_warning("::1") is None and bind_warning("localhost") is None
    assert "reachable from other machines" in (bind_warning("0.0.0.0") or "")
    assert bind_warning("192.168.1.10") and bind_warning("example.com")
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))  # never actually bind elsewhere
    serve(tmp_path / "x.duckdb", host="0.0.0.0", port=9)
    err = capsys.readouterr().err
    assert err.startswith("WARNING: binding to 0.0.0.0") and seen["host"] == "0.0.0.0"
    serve(tmp_path / "x.duckdb")
    assert "WARNING" not in capsys.readouterr().err and seen["host"] == "127.0.0.1"


HOLD = """
import sys, time
import corevar
from corevar.load import ingest_records
cv = corevar.open(sys.argv[1], write=True)
ingest_records(cv.store, [dict(entity="openai", product="chatgpt", metric="weekly_active_users", value=1e9,
    unit="users", as_of="2026-06-29", published="2026-07-01", kind="estimate", publisher="SYNTHETIC hold test",
    source_url="https://example.org/synthetic-hold")], source_name="hold")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
cv.close()
"""


def test_a_writer_holding_the_store_gets_a_stale_answer_not_an_error(db):
    """While another process holds the store for writing, reads answer from the last version read (marked
    X-Corevar-Stale); once it lets go, the next read shows its data."""
    from fastapi.testclient import TestClient

    pytest.importorskip("corevar.load", reason="needs the store's ingest_records")
    from corevar.web import create_app

    client = TestClient(create_app(db, token="t" * 40), raise_server_exceptions=False)
    before = client.get("/api/v1/version").json()["dataset_version"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "6"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        during = client.get("/api/v1/version")
        assert during.status_code == 200
        assert during.json()["dataset_version"] == before
        assert "x-corevar-stale" in during.headers and during.json()["stale"] is True
    finally:
        holder.wait(timeout=60)
    after = client.get("/api/v1/version")
    assert after.status_code == 200 and "x-corevar-stale" not in after.headers
    assert after.json()["dataset_version"] != before
