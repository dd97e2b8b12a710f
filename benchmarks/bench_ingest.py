"""Ingest and `show` benchmark: corevar vs the naive way (pandas.read_csv + DataFrame.to_sql into SQLite).

Run: .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3]

Each side runs in its own child process so peak memory (VmHWM: this process image's own peak; ru_maxrss would
carry over the parent's across exec) is measured per side, and the sides alternate
``--repeat`` times so a busy machine slows both alike; the table shows medians and the ratio of medians. The data
is SYNTHETIC (benchmarks/synthetic.py). corevar validates every row (units, entities, dates, URLs, ...), computes
content ids and drops rows already stored, in one transaction; the pandas/SQLite side validates nothing, which is
what a user doing it by hand would get. Each side's clock covers what its user waits for: corevar opens an existing
store (made, with its schema and registry, before the clock starts), ingests and closes it; pandas connects, reads
the file, writes it into SQLite, builds its index and commits. A third line ingests the same rows handed over in
memory as a pandas DataFrame (``corevar.load.ingest_records``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import write_synthetic

COREVAR_INGEST = """
import json, os, resource, sys, time
from corevar.store import Store
from corevar.load import ingest
Store(sys.argv[1], load_bundled=False).close()  # the store exists (schema, registry) before the user ingests
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
hwm = lambda: int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM:")).split()[1]) / 1024
t, c = time.perf_counter(), cpu()
store = Store(sys.argv[1], load_bundled=False); result = ingest(store, [sys.argv[2]]); store.close()
elapsed, cpu_s = time.perf_counter() - t, cpu() - c
print(json.dumps({"seconds": elapsed, "cpu_s": cpu_s, "rows": result.rows, "added": result.added,
                  "peak_mib": hwm(), "store_mb": os.path.getsize(sys.argv[1]) / 1e6}))
"""

COREVAR_RECORDS = """
import json, resource, sys, time
import pandas as pd
from corevar.store import Store
from corevar.load import ingest_records
frame = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
Store(sys.argv[1], load_bundled=False).close()
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
hwm = lambda: int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM:")).split()[1]) / 1024
t, c = time.perf_counter(), cpu()
store = Store(sys.argv[1], load_bundled=False); result = ingest_records(store, frame); store.close()
elapsed, cpu_s = time.perf_counter() - t, cpu() - c
print(json.dumps({"seconds": elapsed, "cpu_s": cpu_s, "rows": result.rows, "added": result.added,
                  "peak_mib": hwm()}))
"""

# The ingest as it was before corevar.load (pyarrow batches, per-batch anti-join): run from a source tree given
# with --old-src, e.g. one made by `git archive <commit> src | tar -x -C /tmp/old`.
OLD_INGEST = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from corevar.store import Store
from corevar.ingest import ingest
Store(sys.argv[1], load_bundled=False).close()  # the store exists (schema, registry) before the user ingests
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
hwm = lambda: int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM:")).split()[1]) / 1024
t, c = time.perf_counter(), cpu()
store = Store(sys.argv[1], load_bundled=False); result = ingest(store, [sys.argv[2]]); store.close()
elapsed, cpu_s = time.perf_counter() - t, cpu() - c
print(json.dumps({"seconds": elapsed, "cpu_s": cpu_s, "rows": result.rows, "added": result.added,
                  "peak_mib": hwm()}))
"""

PANDAS_INGEST = """
import json, os, resource, sqlite3, sys, time
import pandas as pd
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
hwm = lambda: int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM:")).split()[1]) / 1024
t, c = time.perf_counter(), cpu()
con = sqlite3.connect(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
frame.to_sql("observations", con, index=False, if_exists="append", chunksize=100_000)
i = time.perf_counter()
con.execute("CREATE INDEX IF NOT EXISTS ix ON observations(entity, metric)")
con.commit()
end = time.perf_counter()
elapsed, index_s, cpu_s = end - t, end - i, cpu() - c
print(json.dumps({"seconds": elapsed, "cpu_s": cpu_s, "rows": len(frame), "added": len(frame),
                  "peak_mib": hwm(), "index_s": index_s, "store_mb": os.path.getsize(sys.argv[1]) / 1e6}))
"""

COREVAR_SHOW = """
import json, sys, time
from corevar.api import Corevar
from corevar.store import Store
cv = Corevar.__new__(Corevar); cv.store = Store(sys.argv[1], "r", load_bundled=False)
times = []
for _ in range(5):
    t = time.perf_counter()
    rows = cv.show("openai", "weekly_active_users", product="chatgpt")
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[2], "rows": len(rows)}))
"""

PANDAS_SHOW = """
import json, sqlite3, sys, time
import pandas as pd
con = sqlite3.connect(sys.argv[1])
times = []
for _ in range(5):
    t = time.perf_counter()
    rows = pd.read_sql("SELECT * FROM observations WHERE entity = ? AND metric = ? AND product = ? ORDER BY as_of",
                       con, params=["openai", "weekly_active_users", "chatgpt"])
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[2], "rows": len(rows)}))
"""


def child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load average {load:.1f}"


def _fresh(*paths: Path) -> None:
    for path in paths:
        for extra in (path, path.with_name(path.name + ".wal")):
            extra.unlink(missing_ok=True)


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per side (medians are shown)")
    parser.add_argument("--no-records", action="store_true", help="skip the in-memory DataFrame ingest")
    parser.add_argument("--old-src", help="a source tree (its src/ folder) of an older corevar to time as well")
    args = parser.parse_args()
    print(f"machine before: {machine()}")
    cv_runs: list[dict[str, float]] = []
    pd_runs: list[dict[str, float]] = []
    rec_runs: list[dict[str, float]] = []
    old_runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = write_synthetic(Path(tmp) / "obs.csv", args.rows)
        cv_db, pd_db, rec_db = Path(tmp) / "cv.duckdb", Path(tmp) / "pd.sqlite", Path(tmp) / "rec.duckdb"
        old_db = Path(tmp) / "old.duckdb"
        for _ in range(args.repeat):
            _fresh(cv_db, pd_db, rec_db, old_db)
            cv_runs.append(child(COREVAR_INGEST, str(cv_db), str(data)))
            pd_runs.append(child(PANDAS_INGEST, str(pd_db), str(data)))
            if not args.no_records:
                rec_runs.append(child(COREVAR_RECORDS, str(rec_db), str(data)))
            if args.old_src:
                old_runs.append(child(OLD_INGEST, str(old_db), str(data), args.old_src))
        cv_show = child(COREVAR_SHOW, str(cv_db))
        pd_show = child(PANDAS_SHOW, str(pd_db))
    print(f"machine after: {machine()}")
    print(f"rows: {args.rows:,} SYNTHETIC observations; medians of {args.repeat} alternating runs")
    print("| step | corevar (DuckDB, validated) | pandas to_sql (SQLite, unvalidated) | ratio |")
    print("|---|---|---|---|")
    cv_s, pd_s = _median(cv_runs, "seconds"), _median(pd_runs, "seconds")
    print(
        f"| ingest time (CSV file) | {cv_s:.2f} s ({args.rows / cv_s:,.0f} rows/s) | "
        f"{pd_s:.2f} s ({args.rows / pd_s:,.0f} rows/s) | **{pd_s / cv_s:.2f}x** |"
    )
    cv_c, pd_c = _median(cv_runs, "cpu_s"), _median(pd_runs, "cpu_s")
    print(f"| ingest CPU time (all threads) | {cv_c:.2f} s | {pd_c:.2f} s | {pd_c / cv_c:.2f}x |")
    cv_m, pd_m = _median(cv_runs, "peak_mib"), _median(pd_runs, "peak_mib")
    print(f"| ingest peak memory | {cv_m:.0f} MiB | {pd_m:.0f} MiB | {pd_m / cv_m:.2f}x |")
    cv_b, pd_b = _median(cv_runs, "store_mb"), _median(pd_runs, "store_mb")
    print(f"| store size on disk | {cv_b:.1f} MB | {pd_b:.1f} MB | {pd_b / cv_b:.2f}x |")
    # The pandas side builds an index so that its `show` below is not a full scan; corevar builds none. Its share of
    # the pandas time is shown so the ratio can also be read without it.
    pd_ix = statistics.median(r["seconds"] - r["index_s"] for r in pd_runs)
    print(
        f"| ingest time, pandas without its CREATE INDEX | {cv_s:.2f} s | {pd_ix:.2f} s "
        f"(the index took {_median(pd_runs, 'index_s'):.2f} s) | {pd_ix / cv_s:.2f}x |"
    )
    if rec_runs:
        rec_s, rec_c = _median(rec_runs, "seconds"), _median(rec_runs, "cpu_s")
        print(
            f"| ingest time (same rows as a DataFrame, `ingest_records`) | {rec_s:.2f} s, CPU {rec_c:.2f} s | "
            f"{pd_s:.2f} s, CPU {pd_c:.2f} s | {pd_s / rec_s:.2f}x (CPU {pd_c / rec_c:.2f}x) |"
        )
    if old_runs:
        old_s, old_c, old_m = (_median(old_runs, k) for k in ("seconds", "cpu_s", "peak_mib"))
        print(
            f"| ingest time, the previous corevar ({args.old_src}) | {old_s:.2f} s, CPU {old_c:.2f} s, "
            f"{old_m:.0f} MiB | {pd_s:.2f} s, CPU {pd_c:.2f} s | {pd_s / old_s:.2f}x (CPU {pd_c / old_c:.2f}x) |"
        )
    print(
        f"| show one series ({pd_show['rows']:,.0f} observations, {cv_show['rows']:,.0f} dates after the conflict "
        f"rule; median of 5) | {cv_show['seconds'] * 1e3:.0f} ms | "
        f"{pd_show['seconds'] * 1e3:.0f} ms | {pd_show['seconds'] / cv_show['seconds']:.2f}x |"
    )
    print(
        "all runs (s): corevar "
        + ", ".join(f"{r['seconds']:.2f}" for r in cv_runs)
        + "; pandas "
        + ", ".join(f"{r['seconds']:.2f}" for r in pd_runs)
        + ("; records " + ", ".join(f"{r['seconds']:.2f}" for r in rec_runs) if rec_runs else "")
        + ("; previous " + ", ".join(f"{r['seconds']:.2f}" for r in old_runs) if old_runs else "")
    )
    print(
        "CPU (s): corevar "
        + ", ".join(f"{r['cpu_s']:.2f}" for r in cv_runs)
        + "; pandas "
        + ", ".join(f"{r['cpu_s']:.2f}" for r in pd_runs)
        + ("; previous " + ", ".join(f"{r['cpu_s']:.2f}" for r in old_runs) if old_runs else "")
    )


if __name__ == "__main__":
    main()
