"""Benchmark ``corevar report`` end to end: a fresh process per run, from process start to the file written.

Two cases: a **fresh store** (the database file does not exist yet, so the run also loads the bundled CSVs) and a
**warm store** (the file exists). Every run is a new ``corevar report`` subprocess, so imports are included.

    .venv/bin/python benchmarks/bench_report.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corevar_command() -> list[str]:
    script = Path(sys.executable).with_name("corevar")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corevar.cli"]


def run_once(db: Path, out: Path, fmt: str = "html") -> tuple[float, int]:
    """Seconds from process start to exit (the file is written before exit) and the file's size in bytes."""
    env = {**os.environ, "COREVAR_DB": str(db)}
    start = time.perf_counter()
    subprocess.run(
        [*corevar_command(), "report", "--out", str(out), "--format", fmt],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - start
    path = out / ("corevar-report.html" if fmt == "html" else "corevar-report.md")
    return elapsed, path.stat().st_size


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fresh, warm, md = [], [], []
        size = md_size = 0
        for i in range(args.runs):
            db = root / f"fresh-{i}.duckdb"
            seconds, size = run_once(db, root / f"out-fresh-{i}")
            fresh.append(seconds)
        db = root / "fresh-0.duckdb"
        for _ in range(args.runs):
            seconds, size = run_once(db, root / "out-warm")
            warm.append(seconds)
        for _ in range(args.runs):
            seconds, md_size = run_once(db, root / "out-md", "md")
            md.append(seconds)
    for name, times in (("fresh store (html)", fresh), ("warm store (html)", warm), ("warm store (md)", md)):
        print(
            f"{name:20s} median {statistics.median(times) * 1000:6.0f} ms  min {min(times) * 1000:6.0f} ms  "
            f"max {max(times) * 1000:6.0f} ms  ({len(times)} runs)"
        )
    print(
        f"html size {size / 1e6:.2f} MB ({size:,} bytes), of which plotly.js {_plotly_size() / 1e6:.2f} MB; "
        f"md size {md_size / 1e3:.0f} kB"
    )


def _plotly_size() -> int:
    from corevar.report.charts import plotly_js

    return len(plotly_js().encode("utf-8"))


if __name__ == "__main__":
    main()
