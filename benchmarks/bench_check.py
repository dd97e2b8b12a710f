"""Benchmark: the default thesis check, as ratios measured in the same run.

Run: .venv/bin/python benchmarks/bench_check.py [--runs 7]

1. Whole processes (imports included, warm store, median of ``--runs``):
   - baseline ``python -c "import duckdb, numpy"`` (issue 8: ``corevar check`` within 2x of it);
   - ``corevar check`` and ``corevar report`` as a user runs them again on an unchanged store: the output comes
     from the output cache (``corevar.cache``; the warm-up run fills it);
   - the same with ``COREVAR_CACHE=off``: judged and built from scratch, as on the first run after any change;
   - the engine path alone: open the store, fetch the observation columns (no pandas), the chain kinds' extras
     (``corevar.chains.engine_extras``), parse and judge the 16 default theses with robustness, render Markdown.
2. In one process, warm (median): judging the defaults without robustness, and with it (the cost of re-judging
   every thesis under the window, leave-one-source-out and competing-report perturbations).
3. ``--old-src DIR``: the same whole-process timings for another corevar source tree (e.g. ``git archive`` of an
   earlier commit), interleaved in the same run, so "before" and "after" are ratios of one run.
4. ``--rows N``: the scale case: the bundled data plus N SYNTHETIC observations (``bench_report.synthetic_csv``:
   daily points from four SYNTHETIC publishers on every bundled series), then one evaluation of the default
   theses with robustness, in its own process, against the same on the bundled data.

Python writes its bytecode caches on the first run (a warm-up run per side), as an installed package has them;
``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment for that.
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


EVALUATE = """
import sys, time
import corevar
from corevar.theses import evaluate, load_theses
from corevar.chains import engine_extras
with corevar.open(sys.argv[1]) as cv:
    t0 = time.perf_counter()
    cols = cv.store.columns()
    registry = cv.store.registry()
    extras = engine_extras(cv.store)
    t1 = time.perf_counter()
theses = load_theses()
t2 = time.perf_counter()
result = evaluate(theses, cols, registry, extras=extras)
t3 = time.perf_counter()
print(len(cols["id"]), t1 - t0, t3 - t2, sum(t.robustness.checks for t in result.theses if t.robustness))
"""


def _env(base: dict[str, str] | None = None, src: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in (base or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src:
        env["PYTHONPATH"] = src
    return env


def _time(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[list[float], list[str]]:
    out, printed = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env or _env())
        out.append(time.perf_counter() - t0)
        printed.append(done.stdout)
    return out, printed


def _cpu(cmd: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one child process: steadier than wall time on a shared machine."""
    before = os.times()
    subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def interleaved(sides: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each side, the sides run in turn ``runs`` times after one warm-up each."""
    for cmd, env in sides.values():
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    wall: dict[str, list[float]] = {k: [] for k in sides}
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    for _ in range(runs):
        for name, (cmd, env) in sides.items():
            t0 = time.perf_counter()
            cpu[name].append(_cpu(cmd, env))
            wall[name].append(time.perf_counter() - t0)
    return {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in sides}


def old_cli() -> list[str]:
    """The command line of another source tree (its ``corevar.cli.app``), run by this interpreter."""
    code = "from corevar.cli import app; app(prog_name='corevar')"
    return [sys.executable, "-c", code]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each whole-process timing (default 7)")
    parser.add_argument("--old-src", help="another corevar source tree (its src/) to time beside this one")
    parser.add_argument("--rows", type=int, default=0, help="SYNTHETIC observations for the scale case (e.g. 1000000)")
    parser.add_argument(
        "--db", help="reuse this store for the scale case (bundled + synthetic rows) instead of building"
    )
    args = parser.parse_args()
    py = sys.executable
    corevar_cli = str(Path(py).with_name("corevar"))

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        import corevar

        with corevar.open(db, write=True) as cv:  # creates the store from the bundled data
            count = cv.store.count()
        env = _env({**os.environ, "COREVAR_DB": db, "COREVAR_CACHE_DIR": str(Path(tmp) / "cache")})
        cold = {**env, "COREVAR_CACHE": "off"}
        report = [corevar_cli, "report", "--out", str(Path(tmp) / "out")]
        sides = {
            "import duckdb, numpy": ([py, "-c", "import duckdb, numpy"], _env()),
            "corevar check": ([corevar_cli, "check"], env),
            "corevar report (html)": (report, env),
            "corevar check, no cache": ([corevar_cli, "check"], cold),
            "corevar report (html), no cache": (report, cold),
        }
        if args.old_src:
            old_env = _env(env, args.old_src)
            sides["corevar check, --old-src"] = ([*old_cli(), "check"], old_env)
            sides["corevar report (html), --old-src"] = (
                [*old_cli(), "report", "--out", str(Path(tmp) / "out-old")],
                old_env,
            )
        medians = interleaved(sides, args.runs)
        base_wall, base_cpu = medians["import duckdb, numpy"]
        print(f"{'':38} {'wall':>8} {'ratio':>6} {'CPU':>8} {'ratio':>6}")
        for name, (wall, cpu) in medians.items():
            print(f"{name:38} {wall * 1e3:6.0f}ms {wall / base_wall:5.2f}x {cpu * 1e3:6.0f}ms {cpu / base_cpu:5.2f}x")
        baseline, _ = _time([py, "-c", "import duckdb, numpy"], args.runs)
        cli, _ = _time([corevar_cli, "check"], args.runs, cold)
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
    print(f"corevar check (CLI, no cache)      {med(cli):7.0f} ms  {med(cli) / med(baseline):.2f}x")
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
    if args.rows or args.db:
        scale(args, py)


def scale(args: argparse.Namespace, py: str) -> None:
    """The bundled data against the bundled data plus ``--rows`` SYNTHETIC observations: one evaluation each."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.bench_report import ingest, make_store, synthetic_csv

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.duckdb"
        make_store(small)
        big = Path(args.db) if args.db else Path(tmp) / "big.duckdb"
        if not args.db:
            make_store(big)
            csv = Path(tmp) / "synthetic.csv"
            synthetic_csv(big, args.rows, csv)
            ingest(big, csv)
        results = {}
        for name, db in (("bundled", small), ("scale", big)):
            done = subprocess.run([py, "-c", EVALUATE, str(db)], check=True, capture_output=True, text=True, env=_env())
            n, read, judged, checks = done.stdout.split()
            results[name] = (int(n), float(read), float(judged), int(checks))
            print(
                f"{name}: {int(n):,} observations; read columns + registry {float(read):.2f} s; evaluate with "
                f"robustness {float(judged):.2f} s ({checks} perturbed re-judgements)"
            )
        print(f"scale / bundled, evaluate: {results['scale'][2] / results['bundled'][2]:.1f}x")


if __name__ == "__main__":
    main()
