"""Ingest and `show` benchmark: corevar vs the naive way (pandas.read_csv + DataFrame.to_sql into SQLite).

Run: .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000]

Each side runs in its own child process so peak memory (ru_maxrss) is measured per side. The data is SYNTHETIC
(benchmarks/synthetic.py). corevar validates every row (units, entities, dates, URLs, ...) and computes content
ids; the pandas/SQLite side validates nothing, which is what a user doing it by hand would get.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import write_synthetic

COREVAR_INGEST = """
import json, resource, sys, time
from corevar.store import Store
from corevar.ingest import ingest
store = Store(sys.argv[1], load_bundled=False)
t = time.perf_counter(); result = ingest(store, [sys.argv[2]]); elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": result.rows, "added": result.added,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS_INGEST = """
import json, resource, sqlite3, sys, time
import pandas as pd
t = time.perf_counter()
con = sqlite3.connect(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
frame.to_sql("observations", con, index=False, if_exists="append", chunksize=100_000)
con.execute("CREATE INDEX IF NOT EXISTS ix ON observations(entity, metric)")
con.commit()
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": len(frame), "added": len(frame),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

COREVAR_SHOW = """
import json, sys, time
from corevar.api import Corevar
from corevar.store import Store
cv = Corevar.__new__(Corevar); cv.store = Store(sys.argv[1], load_bundled=False)
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
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import os

    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_synthetic(Path(tmp) / "obs.csv", args.rows)
        cv = child(COREVAR_INGEST, str(Path(tmp) / "cv.duckdb"), str(data))
        pd_ = child(PANDAS_INGEST, str(Path(tmp) / "pd.sqlite"), str(data))
        cv_show = child(COREVAR_SHOW, str(Path(tmp) / "cv.duckdb"))
        pd_show = child(PANDAS_SHOW, str(Path(tmp) / "pd.sqlite"))
    print(f"machine: {machine()}")
    print(f"rows: {args.rows:,} SYNTHETIC observations")
    print("| step | corevar (DuckDB, validated) | pandas to_sql (SQLite, unvalidated) | ratio |")
    print("|---|---|---|---|")
    print(f"| ingest time | {cv['seconds']:.2f} s ({cv['rows'] / cv['seconds']:,.0f} rows/s) | "
          f"{pd_['seconds']:.2f} s ({pd_['rows'] / pd_['seconds']:,.0f} rows/s) | "
          f"{pd_['seconds'] / cv['seconds']:.2f}x |")
    print(f"| ingest peak memory | {cv['peak_mib']:.0f} MiB | {pd_['peak_mib']:.0f} MiB | "
          f"{pd_['peak_mib'] / cv['peak_mib']:.2f}x |")
    print(f"| show one series ({pd_show['rows']:,.0f} observations, {cv_show['rows']:,.0f} dates after the conflict "
          f"rule; median of 5) | {cv_show['seconds'] * 1e3:.0f} ms | "
          f"{pd_show['seconds'] * 1e3:.0f} ms | {pd_show['seconds'] / cv_show['seconds']:.2f}x |")


if __name__ == "__main__":
    main()
