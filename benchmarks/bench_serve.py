"""Benchmark: `corevar serve` under load, side by side with `datasette serve` on the same observations in SQLite.

Run: .venv/bin/python benchmarks/bench_serve.py [--rows 0] [--seconds 30] [--concurrency 50] [--no-datasette]

Everything runs on 127.0.0.1 only. The server is the real `corevar serve` process; the load is an asyncio httpx
client with ``--concurrency`` keep-alive connections, each sending its next request as soon as the last one
answered, for ``--seconds`` per endpoint group:

* **series**: ``/api/v1/series`` for a handful of real series (with their competing reports);
* **observations**: ``/api/v1/observations`` filtered by entity and metric, one page of 100, several filters;
* **verdicts**: ``/api/v1/verdicts`` (every default thesis with its evidence) and ``/api/v1/verdicts/<id>``;
* **varied**: observations with a random ``offset`` and ``known_on`` on every request, so most miss the response
  cache and filter the whole ledger (the honest worst case of a read).

``--rows N`` adds N SYNTHETIC observations (benchmarks/synthetic.py) to the bundled data first. With
datasette, the same observations are exported to SQLite (indexed on entity, metric) and the series and
observations groups are repeated against its JSON API (``/db/observations.json?entity=..&metric=..``); datasette
has no verdicts. Latency is per request, client-side (the client shares the machine: on two cores it costs as much
CPU as the server, so treat figures as an upper bound). Errors = non-2xx answers or transport failures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SERIES = [
    ("openai", "weekly_active_users"),
    ("anthropic", "arr"),
    ("openai", "arr"),
    ("google", "monthly_active_users"),
    ("anthropic", "market_share"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen, seconds: float = 600) -> float:
    import httpx

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(url, timeout=120).status_code == 200:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


async def _load(base: str, urls: Any, seconds: float, concurrency: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            url = urls(rng) if callable(urls) else rng.choice(urls)
            t0 = time.perf_counter()
            try:
                r = await client.get(base + url)
                await r.aread()
                if r.status_code >= 300:
                    errors += 1
                    kinds[str(r.status_code)] = kinds.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as exc:
                errors += 1
                kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
            latencies.append(time.perf_counter() - t0)

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client, i) for i in range(concurrency)))
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50_ms": 1000 * latencies[n // 2] if n else float("nan"),
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else float("nan"),
        "max_ms": 1000 * latencies[-1] if n else float("nan"),
        "errors": errors,
        "error_kinds": kinds,
    }


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc), to state the server's own cost per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sequential(base: str, urls: list[str], n: int = 300) -> str:
    """One client, one request at a time: the latency of a cached answer without queueing behind 49 others."""
    import httpx

    took = []
    failed = 0
    with httpx.Client(timeout=60) as client:
        for i in range(n):
            t0 = time.perf_counter()
            failed += client.get(base + urls[i % len(urls)]).status_code >= 300
            took.append(time.perf_counter() - t0)
    took.sort()
    errors = f", {failed} non-2xx" if failed else ""
    return (
        f"one client, {n} requests: p50 {took[n // 2] * 1000:.1f} ms, p99 {took[int(n * 0.99)] * 1000:.1f} ms{errors}"
    )


def _corevar() -> list[str]:
    exe = shutil.which("corevar", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "corevar.cli"]


def _prepare(db: Path, rows: int, tmp: Path) -> tuple[int, float]:
    """The store: bundled data, plus ``rows`` SYNTHETIC observations ingested through the CLI."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    subprocess.run([*_corevar(), "--db", str(db), "metrics", "--format", "csv"], check=True, capture_output=True)
    took = 0.0
    if rows:
        from synthetic import write_synthetic

        data = write_synthetic(tmp / "synthetic.csv", rows)
        t0 = time.perf_counter()
        subprocess.run([*_corevar(), "--db", str(db), "ingest", str(data)], check=True, capture_output=True)
        took = time.perf_counter() - t0
    import corevar

    try:
        cv = corevar.open(db, write=False)  # type: ignore[call-arg]
    except TypeError:
        cv = corevar.open(db)
    with cv:
        total = len(cv.frame())
    return total, took


def _export_sqlite(db: Path, out: Path) -> None:
    import corevar

    try:
        cv = corevar.open(db, write=False)  # type: ignore[call-arg]
    except TypeError:
        cv = corevar.open(db)
    with cv:
        frame = cv.frame()
    frame["as_of"] = frame["as_of"].dt.strftime("%Y-%m-%d")
    frame["published"] = frame["published"].dt.strftime("%Y-%m-%d")
    with sqlite3.connect(out) as con:
        frame.to_sql("observations", con, index=False, chunksize=50_000)
        con.execute("CREATE INDEX obs_entity_metric ON observations(entity, metric)")


def _corevar_groups() -> dict[str, object]:
    series = [f"/api/v1/series?entity={e}&metric={m}" for e, m in SERIES]
    observations = [f"/api/v1/observations?entity={e}&metric={m}&limit=100" for e, m in SERIES]
    verdicts = ["/api/v1/verdicts", "/api/v1/verdicts/B1", "/api/v1/verdicts/R1", "/api/v1/verdicts/B3"]

    def varied(rng: random.Random) -> str:
        e, _ = rng.choice(SERIES)
        day = f"20{rng.randint(20, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return f"/api/v1/observations?entity={e}&known_on={day}&offset={rng.randint(0, 50)}&limit=100"

    return {"series": series, "observations": observations, "varied": varied, "verdicts": verdicts}


def _datasette_groups() -> dict[str, object]:
    series = [f"/bench/observations.json?entity={e}&metric={m}&_size=max&_shape=objects" for e, m in SERIES]
    observations = [f"/bench/observations.json?entity={e}&metric={m}&_size=100&_shape=objects" for e, m in SERIES]
    return {"series": series, "observations": observations}


def _run_server(cmd: list[str], health: str, env: dict[str, str]) -> tuple[subprocess.Popen, float]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, _wait(health, proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="SYNTHETIC observations to add (default 0)")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per endpoint group (default 30)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--no-datasette", action="store_true", help="skip the datasette comparison")
    parser.add_argument(
        "--groups",
        type=lambda t: set(t.split(",")),
        default={"series", "observations", "varied", "verdicts"},
        help="comma-separated endpoint groups (default: all)",
    )
    parser.add_argument(
        "--first-timeout",
        type=float,
        default=300.0,
        help="seconds allowed for the first (uncached) answer of a group before it is skipped",
    )
    args = parser.parse_args()

    env = {**os.environ, "COREVAR_LOCK_TIMEOUT": "60"}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.duckdb"
        total, ingest_s = _prepare(db, args.rows, tmp)
        print(
            f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}; {total:,} observations ({args.rows:,} SYNTHETIC added"
            f"{f' in {ingest_s:.1f} s' if args.rows else ''}); {args.concurrency} connections, "
            f"{args.seconds:.0f} s per group"
        )
        port = _port()
        base = f"http://127.0.0.1:{port}"
        proc, up = _run_server(
            [*_corevar(), "--db", str(db), "serve", "--port", str(port)], base + "/api/v1/version", env
        )
        results: list[tuple[str, str, dict[str, float]]] = []
        try:
            import httpx

            print(f"corevar serve: first answer {up:.1f} s after start (the snapshot load)", flush=True)
            # One group after the other: its first (uncached) pass, timed, then the load. The verdicts come last:
            # a first computation the client gives up on keeps the server busy, and must not slow other groups.
            for name, urls in _corevar_groups().items():
                if name not in args.groups:
                    continue
                if not callable(urls):
                    t0 = time.perf_counter()
                    try:
                        for url in urls:
                            httpx.get(base + url, timeout=args.first_timeout).raise_for_status()
                    except httpx.TimeoutException:
                        print(
                            f"corevar serve    {name:13} first computation over {args.first_timeout:.0f} s: "
                            "group skipped",
                            flush=True,
                        )
                        results.append(("corevar serve", name, {"skipped": args.first_timeout}))
                        continue
                    first = time.perf_counter() - t0
                    print(
                        f"corevar serve    {name:13} first pass over {len(urls)} URLs: {first * 1000:.0f} ms; "
                        + _sequential(base, urls),
                        flush=True,
                    )
                before = _cpu_s(proc.pid)
                stats = asyncio.run(_load(base, urls, args.seconds, args.concurrency))
                stats["cpu_ms"] = 1000 * (_cpu_s(proc.pid) - before) / max(stats["requests"], 1)
                results.append(("corevar serve", name, stats))
                _print(results[-1])
        finally:
            _stop(proc)
        if not args.no_datasette and shutil.which("datasette", path=str(Path(sys.executable).parent)):
            sqlite = tmp / "bench.db"
            _export_sqlite(db, sqlite)
            port = _port()
            base = f"http://127.0.0.1:{port}"
            exe = shutil.which("datasette", path=str(Path(sys.executable).parent))
            proc, up = _run_server(
                [
                    exe,
                    "serve",
                    str(sqlite),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--setting",
                    "max_returned_rows",
                    "100000",
                ],
                base + "/-/versions.json",
                env,
            )
            try:
                for name, urls in _datasette_groups().items():
                    if name not in args.groups:
                        continue
                    for url in urls:  # the same first pass (SQLite's page cache warms)
                        httpx.get(base + url, timeout=args.first_timeout)
                    print(f"datasette serve  {name:13} " + _sequential(base, urls), flush=True)
                    before = _cpu_s(proc.pid)
                    stats = asyncio.run(_load(base, urls, args.seconds, args.concurrency))
                    stats["cpu_ms"] = 1000 * (_cpu_s(proc.pid) - before) / max(stats["requests"], 1)
                    results.append(("datasette serve", name, stats))
                    _print(results[-1])
            finally:
                _stop(proc)
        print()
        print("| server | endpoints | requests | req/s | p50 | p99 | max | errors | server CPU/request |")
        print("|---|---|---|---|---|---|---|---|---|")
        for server, name, s in results:
            if "skipped" in s:
                print(f"| {server} | {name} | first computation over {s['skipped']:.0f} s: not measured |||||||")
                continue
            print(
                f"| {server} | {name} | {s['requests']:,} | {s['rps']:.0f} | {s['p50_ms']:.1f} ms | "
                f"{s['p99_ms']:.1f} ms | {s['max_ms']:.0f} ms | {s['errors']} | {s['cpu_ms']:.2f} ms |"
            )
        measured = [s["p99_ms"] for _, _, s in results if "skipped" not in s]
        print(f"(median p99 over groups: {statistics.median(measured):.1f} ms)")


def _print(row: tuple[str, str, dict[str, float]]) -> None:
    server, name, s = row
    print(
        f"{server:16} {name:13} {s['requests']:7,} req {s['rps']:7.0f}/s  p50 {s['p50_ms']:7.1f} ms  "
        f"p99 {s['p99_ms']:7.1f} ms  max {s['max_ms']:6.0f} ms  errors {s['errors']} {s['error_kinds'] or ''}  "
        f"server CPU {s['cpu_ms']:.2f} ms/request",
        flush=True,
    )


if __name__ == "__main__":
    main()
