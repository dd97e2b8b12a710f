"""Benchmark: the light commands as a user runs them (new processes), as ratios to a bare import, in one run.

Run: .venv/bin/python benchmarks/bench_cli.py [--runs 7]

Absolute times vary 3-4x between machines, so each command is compared with a baseline measured in the same run,
interleaved with it (baseline, command, baseline, command, ...), and the medians are divided:

* ``corevar --help``  against ``python -c "import typer"``  (target: within 1.5x);
* ``corevar check``   against ``python -c "import duckdb, numpy"`` (target: within 2x), on a warm store;
* ``corevar report``  against the same baseline (target: within 2.5x), writing HTML into a temporary folder;
* both again with ``COREVAR_CACHE=off``: judged and built from scratch, as on the first run after any change (the
  timed runs above repeat an unchanged command, so they are served from the output cache, ``corevar.cache``);
* ``corevar metrics`` and ``corevar show openai weekly_active_users`` for reference.

"Warm store" means the store already exists and is current (made once, before timing), as after a first use. The
output cache lives in the run's temporary folder; the untimed warm-up run of each command fills it.
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

PYTHON = sys.executable
COREVAR = str(Path(sys.executable).with_name("corevar"))
IMPORT_TYPER = [PYTHON, "-c", "import typer"]
IMPORT_DUCKDB_NUMPY = [PYTHON, "-c", "import duckdb, numpy"]


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one run of ``command``; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed


def compare(name: str, command: list[str], baseline: list[str], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds of ``command`` and of ``baseline``, interleaved, after one untimed run of each."""
    timed(baseline, env)
    timed(command, env)
    ours, theirs = [], []
    for _ in range(runs):
        theirs.append(timed(baseline, env))
        ours.append(timed(command, env))
    result = {"command": statistics.median(ours), "baseline": statistics.median(theirs)}
    result["ratio"] = result["command"] / result["baseline"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command and baseline (default 7)")
    args = parser.parse_args()
    if not Path(COREVAR).exists():
        raise SystemExit(f"{COREVAR} not found: install corevar into this environment first (make install)")

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "COREVAR_DB": str(Path(tmp) / "bench.duckdb"),
            "COREVAR_CACHE_DIR": str(Path(tmp) / "cache"),
            "NO_COLOR": "1",
        }
        cold = {**env, "COREVAR_CACHE": "off"}
        subprocess.run([COREVAR, "metrics", "-f", "csv"], env=env, check=True, capture_output=True)  # warm store
        cases = [
            ("corevar --help", [COREVAR, "--help"], IMPORT_TYPER, 1.5),
            ("corevar check", [COREVAR, "check"], IMPORT_DUCKDB_NUMPY, 2.0),
            ("corevar report", [COREVAR, "report", "--out", str(Path(tmp) / "out")], IMPORT_DUCKDB_NUMPY, 2.5),
            ("corevar check, no cache", [COREVAR, "check"], IMPORT_DUCKDB_NUMPY, None),
            ("corevar report, no cache", [COREVAR, "report", "--out", str(Path(tmp) / "out")], IMPORT_DUCKDB_NUMPY,
             None),
            ("corevar metrics", [COREVAR, "metrics"], IMPORT_DUCKDB_NUMPY, None),
            ("corevar show openai weekly_active_users", [COREVAR, "show", "openai", "weekly_active_users"],
             IMPORT_DUCKDB_NUMPY, None),
        ]  # fmt: skip
        results = [
            (name, target, compare(name, cmd, base, args.runs, cold if "no cache" in name else env))
            for name, cmd, base, target in cases
        ]

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; median of {args.runs} interleaved runs"
    )
    print(f"{'command':42} {'ms':>7} {'baseline':>22} {'ms':>7} {'ratio':>6} {'target':>7}")
    for (name, target, r), (_, _, baseline, _) in zip(results, cases, strict=True):
        base_name = "import typer" if baseline is IMPORT_TYPER else "import duckdb, numpy"
        goal = f"<= {target}x" if target else ""
        print(
            f"{name:42} {r['command'] * 1e3:7.0f} {base_name:>22} {r['baseline'] * 1e3:7.0f} {r['ratio']:5.2f}x "
            f"{goal:>7}"
        )


if __name__ == "__main__":
    main()
