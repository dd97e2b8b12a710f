"""Benchmark: the default thesis check, as ratios measured in the same run.

Run: .venv/bin/python benchmarks/bench_check.py [--runs 7]

1. Whole processes (imports included, warm store, median of ``--runs``):
   - baseline ``python -c "import duckdb, numpy"`` (issue 8: ``corevar check`` within 2x of it);
   - ``corevar check`` as a user runs it (the CLI, table output);
   - the engine path alone: open the store, fetch the observation columns (no pandas), the chain kinds' extras
     (``corevar.chains.engine_extras``), parse and judge the 16 default theses with robustness, render Markdown.
2. In one process, warm (median): judging the defaults without robustness, and with it (the cost of re-judging
   every thesis under the window, leave-one-source-out and competing-report perturbations).
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

ENGINE = """
import sys, time
t0 = time.perf_counter()
import corevar
from corevar.theses import evaluate, load_theses, render
t1 = time.perf_counter()
with corevar.open(sys.argv[1]) as cv:
    cols = cv.store.con.execute(
        "SELECT * FROM observations WHERE id NOT IN (SELECT id FROM retractions)").fetchnumpy()
    registry = cv.store.registry()
    from corevar.chains import engine_extras
    extras = engine_extras(cv.store)
t2 = time.perf_counter()
theses = load_theses()
t3 = time.perf_counter()
result = evaluate(theses, cols, registry, extras=extras)
t4 = time.perf_counter()
render(result, "md")
t5 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, "pandas" in sys.modules)
"""


def _time(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[list[float], list[str]]:
    out, printed = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        out.append(time.perf_counter() - t0)
        printed.append(done.stdout)
    return out, printed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each whole-process timing (default 7)")
    args = parser.parse_args()
    py = sys.executable
    corevar_cli = str(Path(py).with_name("corevar"))

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        import corevar

        with corevar.open(db, write=True) as cv:  # creates the store from the bundled data
            count = cv.store.count()
        env = {**os.environ, "COREVAR_DB": db}
        baseline, _ = _time([py, "-c", "import duckdb, numpy"], args.runs)
        cli, _ = _time([corevar_cli, "check"], args.runs, env)
        engine, printed = _time([py, "-c", ENGINE, db], args.runs)
        phases = [[float(x) for x in line.split()[:5]] for line in printed]
        pandas_loaded = any(line.split()[5] == "True" for line in printed)

        from corevar.theses import evaluate, load_theses

        with corevar.open(db) as cv:
            cols = cv.store.con.execute(
                "SELECT * FROM observations WHERE id NOT IN (SELECT id FROM retractions)"
            ).fetchnumpy()
            registry = cv.store.registry()
            from corevar.chains import engine_extras

            extras = engine_extras(cv.store)  # the baskets (and prices, if any) the chain kinds read, once
        theses = load_theses()
        evaluate(theses, cols, registry, extras=extras)  # warm: imports and the one bootstrap fit
        plain, robust = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            evaluate(theses, cols, registry, robust=False, extras=extras)
            t1 = time.perf_counter()
            result = evaluate(theses, cols, registry, extras=extras)
            t2 = time.perf_counter()
            plain.append(t1 - t0)
            robust.append(t2 - t1)
        checks = sum(t.robustness.checks for t in result.theses if t.robustness)

    def med(xs: list[float]) -> float:
        return statistics.median(xs) * 1e3

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; {count} observations; runs: {args.runs}"
    )
    print(f"python -c 'import duckdb, numpy'   {med(baseline):7.0f} ms  1.00x")
    print(f"corevar check (CLI, table)          {med(cli):7.0f} ms  {med(cli) / med(baseline):.2f}x")
    print(f"engine path (columns, md, no CLI)   {med(engine):7.0f} ms  {med(engine) / med(baseline):.2f}x")
    names = (
        "import corevar.theses",
        "open store + columns + registry",
        "parse theses (kinds, models)",
        "evaluate (cold, with robustness)",
        "render md",
    )
    print(
        "  engine path, median per phase: "
        + "; ".join(f"{n} {statistics.median(p[i] for p in phases) * 1e3:.0f} ms" for i, n in enumerate(names))
        + f"; pandas imported: {pandas_loaded}"
    )
    print(f"evaluate, warm, no robustness       {med(plain):7.1f} ms")
    print(
        f"evaluate, warm, with robustness     {med(robust):7.1f} ms  ({checks} perturbed re-judgements, "
        f"{med(robust) / med(plain):.1f}x the plain pass)"
    )
    print(f"verdicts: {result.counts()}")


if __name__ == "__main__":
    main()
