"""Benchmark ``corevar report``: speed against the floor of any Python data tool, and bounded at any scale.

Three measurements, each a fresh process per run (imports included), medians reported, ratios from the same run:

1. **Floor**: ``python -c "import duckdb, numpy"``; the report on a warm store (bundled data) as a ratio of it
   (issue 8 asks for at most 2.5x), built from scratch (``COREVAR_CACHE=off``) and repeated on unchanged inputs
   (served from the output cache, ``corevar.cache``).
2. **Where the time goes** (one process): imports, store snapshot, thesis evaluation, view model, rendering.
3. **Scale**: the bundled data plus N SYNTHETIC observations (default 1,000,000: daily points with four competing
   publishers on the bundled series); report time and file size against the bundled-only report (issue 10 asks
   for under 10 MB and at most 5x): ``corevar report`` end to end from scratch on each store in turn, and the same
   steps timed one by one in one process (imports included, no command line).

    .venv/bin/python benchmarks/bench_report.py --runs 5 --rows 1000000
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
REPORT = (
    "import sys; from corevar.report import write_report; write_report(sys.argv[2], db=sys.argv[1], fmt=sys.argv[3])"
)


def corevar_command() -> list[str] | None:
    """The ``corevar`` console script, if it exists and has a ``report`` command."""
    script = Path(sys.executable).with_name("corevar")
    if not script.exists():
        return None
    probe = subprocess.run([str(script), "report", "--help"], capture_output=True, text=True)
    return [str(script)] if probe.returncode == 0 else None


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def report_once(
    db: Path, out: Path, fmt: str = "html", cli: list[str] | None = None, cache: Path | None = None
) -> tuple[float, int]:
    """Seconds from process start to exit (the file is written before exit) and the file's size in bytes.

    Built from scratch (``COREVAR_CACHE=off``) unless ``cache`` names an output-cache folder to keep and reuse.
    """
    if cli:
        keep = {"COREVAR_CACHE_DIR": str(cache)} if cache else {"COREVAR_CACHE": "off"}
        env = {**os.environ, "COREVAR_DB": str(db), **keep}
        seconds = timed([*cli, "--db", str(db), "report", "--out", str(out), "--format", fmt], env)
    else:
        seconds = timed([sys.executable, "-c", REPORT, str(db), str(out), fmt])
    path = out / ("corevar-report.html" if fmt == "html" else "corevar-report.md")
    return seconds, path.stat().st_size


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def make_store(path: Path) -> None:
    import inspect

    from corevar.store import Store

    params = inspect.signature(Store).parameters
    (Store(path, mode="w") if "mode" in params else Store(path)).close()


def synthetic_csv(db: Path, rows: int, path: Path) -> int:
    """N SYNTHETIC observations on the bundled series (valid keys), daily, four publishers per day."""
    import numpy as np
    import pandas as pd

    from corevar.api import open as open_store
    from corevar.load import COLUMNS

    with open_store(db) as cv:
        frame = cv.frame()
    actual = frame[frame["kind"].isin(["official", "reported", "estimate"])]
    keys = (
        actual.assign(product=actual["product"].fillna(""), basis=actual["basis"].fillna(""))
        .groupby(["entity", "product", "metric", "unit", "basis"], as_index=False)["value"]
        .median()
    )
    keys = keys[~keys["basis"].str.match(r"^(fy|q[1-4]_|h[12]_|cy)\d")]  # period flows keep their own dates
    rng = np.random.default_rng(0)
    per_key = -(-rows // len(keys))
    days_per_key = -(-per_key // 4)
    out = []
    for key in keys.itertuples(index=False):
        n = min(per_key, rows - sum(len(o) for o in out))
        if n <= 0:
            break
        idx = np.arange(n)
        day = pd.Timestamp("2015-01-01") + pd.to_timedelta(idx // 4 % days_per_key, unit="D")
        scale = float(key.value)
        value = scale * np.exp(rng.normal(0, 0.05, n))
        if key.unit == "fraction":
            value = np.clip(value, 0.0, 1.0)
        out.append(
            pd.DataFrame(
                {
                    "entity": key.entity,
                    "product": key.product,
                    "metric": key.metric,
                    "value": value,
                    "low": "",
                    "high": "",
                    "unit": key.unit,
                    "basis": key.basis,
                    "as_of": day.strftime("%Y-%m-%d"),
                    "published": day.strftime("%Y-%m-%d"),
                    "kind": "estimate",
                    "source_url": [f"https://example.org/synthetic/{i % 997}" for i in idx],
                    "publisher": [f"SYNTHETIC publisher {i % 4}" for i in idx],
                    "title": "SYNTHETIC",
                    "note": "SYNTHETIC benchmark row",
                }
            )
        )
    data = pd.concat(out, ignore_index=True).reindex(columns=list(COLUMNS), fill_value="")
    data.to_csv(path, index=False)
    return len(data)


def ingest(db: Path, csv: Path) -> None:
    import inspect

    from corevar import api

    params = inspect.signature(api.open).parameters
    with api.open(db, write=True) if "write" in params else api.open(db) as cv:
        cv.ingest([csv])


def phases(db: Path, out: Path, timeout: float | None = None) -> dict[str, float]:
    """One fresh process that times each step of the report."""
    code = r"""
import json, sys, time
t0 = time.perf_counter()
from corevar import api
from corevar.chains import engine_extras
from corevar.report.write import write
from corevar.theses import evaluate, load_theses
from corevar.views import Snapshot, build
import pandas, duckdb, numpy
t1 = time.perf_counter()
with api.open(sys.argv[1]) as cv:  # the steps of Corevar.report, timed one by one
    frame, version, registry, extras = cv.frame(), cv.dataset_version(), cv.registry(), engine_extras(cv.store)
t2 = time.perf_counter()
check = evaluate(load_theses(None), frame, registry, as_of=None, dataset_version=version, extras=extras)
t3 = time.perf_counter()
view = build(Snapshot(frame, registry, version, (), extras), check)
t4 = time.perf_counter()
path = write(view, sys.argv[2])
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "snapshot": t2 - t1, "evaluate": t3 - t2, "view": t4 - t3, "render": t5 - t4,
                  "total": t5 - t0, "bytes": path.stat().st_size, "rows": len(frame)}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(db), str(out)], check=True, capture_output=True, text=True, timeout=timeout
    )
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000, help="SYNTHETIC observations for the scale case")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one scale-case report")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    cli = corevar_command()
    print(f"report via: {'the corevar console script' if cli else 'python -c write_report(...)'}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "bundled.duckdb"
        make_store(db)
        report_once(db, root / "warmup", cli=cli)
        report_once(db, root / "out-kept", cli=cli, cache=root / "cache")  # fills the output cache
        floor, warm, md, kept = [], [], [], []
        size = md_size = 0
        for _ in range(args.runs):  # interleaved, so drift on a shared machine hits both sides alike
            floor.append(timed([sys.executable, "-c", "import duckdb, numpy"]))
            seconds, size = report_once(db, root / "out-warm", cli=cli)
            warm.append(seconds)
            seconds, md_size = report_once(db, root / "out-md", "md", cli=cli)
            md.append(seconds)
            if cli:
                kept.append(report_once(db, root / "out-kept", cli=cli, cache=root / "cache")[0])
        steps = phases(db, root / "out-phases")
        print(f"import duckdb, numpy   median {median(floor) * 1000:6.0f} ms")
        print(
            f"report, warm (html)   median {median(warm) * 1000:6.0f} ms  ({median(warm) / median(floor):.1f}x the "
            f"floor)  size {size / 1e6:.2f} MB"
        )
        print(f"report, warm (md)     median {median(md) * 1000:6.0f} ms  size {md_size / 1e3:.0f} kB")
        if kept:
            print(
                f"report, repeated (html, from the output cache) median {median(kept) * 1000:6.0f} ms  "
                f"({median(kept) / median(floor):.1f}x the floor)"
            )
        print("phases (one process): " + _phases_text(steps))
        if args.rows > 0:
            big = root / "big.duckdb"
            make_store(big)
            csv = root / "synthetic.csv"
            n = synthetic_csv(big, args.rows, csv)
            start = time.perf_counter()
            ingest(big, csv)
            print(f"scale: {n:,} SYNTHETIC observations ingested in {time.perf_counter() - start:.1f} s")
            # `corevar report` as a user runs it (a new process, from scratch: no output cache), on both stores in
            # turn, and the same steps timed one by one in one process each; medians of --runs
            small_cli, big_cli, small_steps, big_steps_all, small_lib, big_lib = [], [], [], [], [], []
            for _ in range(args.runs):
                small_steps.append(phases(db, root / "out-phases"))
                big_steps_all.append(phases(big, root / "out-big", timeout=args.timeout))
                small_lib.append(report_once(db, root / "out-small-lib")[0])
                big_lib.append(report_once(big, root / "out-big-lib")[0])
                if cli:
                    small_cli.append(report_once(db, root / "out-small-cli", cli=cli)[0])
                    big_cli.append(report_once(big, root / "out-big-cli", cli=cli)[0])
            steps = {k: median([s[k] for s in small_steps]) for k in small_steps[0]}
            big_steps = {k: median([s[k] for s in big_steps_all]) for k in big_steps_all[0]}
            print(f"bundled, one process (median of {args.runs}): " + _phases_text(steps))
            print(f"scale, one process, {big_steps['rows']:,.0f} observations: " + _phases_text(big_steps))
            if cli:
                print(
                    f"scale: `corevar report` from scratch, median of {args.runs}: bundled "
                    f"{median(small_cli) * 1000:.0f} ms, {big_steps['rows']:,.0f} observations "
                    f"{median(big_cli) * 1000:.0f} ms: **{median(big_cli) / median(small_cli):.1f}x**"
                )
            print(
                f"scale: the library's write_report in a new process (no command line), median of {args.runs}: "
                f"bundled {median(small_lib) * 1000:.0f} ms, scale {median(big_lib) * 1000:.0f} ms: "
                f"{median(big_lib) / median(small_lib):.1f}x"
            )
            print(
                f"scale ratios (same run): the steps one by one in one process "
                f"{big_steps['total'] / steps['total']:.1f}x the bundled one; the report's own part (view + render) "
                f"{(big_steps['view'] + big_steps['render']) / (steps['view'] + steps['render']):.1f}x; "
                f"file {big_steps['bytes'] / 1e6:.2f} MB"
            )


def _phases_text(steps: dict[str, float]) -> str:
    keys = ("imports", "snapshot", "evaluate", "view", "render", "total")
    return ", ".join(f"{k} {steps[k] * 1000:.0f} ms" for k in keys) + f", file {steps['bytes'] / 1e6:.2f} MB"


if __name__ == "__main__":
    main()
