"""Benchmark: the full default thesis check on the bundled data (load the store + evaluate), several runs.

Run: .venv/bin/python benchmarks/bench_check.py [--runs 7]

Three timings per run, in milliseconds: ``open+frame`` (open the store, read every observation), ``evaluate``
(judge the 16 default theses: parse the YAML, filter, resolve, fit) and ``total``. The first run includes the
one-off creation of the temporary store from the bundled CSVs and is reported apart ("cold").
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs after the cold one (default 7)")
    args = parser.parse_args()

    from corevar.api import open as open_store
    from corevar.theses import evaluate, load_theses

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        rows: list[tuple[float, float, float]] = []
        verdicts: dict[str, int] = {}
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            with open_store(db) as store:
                frame = store.frame()
                version = store.dataset_version()
            t1 = time.perf_counter()
            result = evaluate(load_theses(), frame, dataset_version=version)
            t2 = time.perf_counter()
            rows.append(((t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - t0) * 1e3))
            verdicts = result.counts()
        cold, warm = rows[0], rows[1:]

    def med(i: int) -> float:
        return statistics.median(r[i] for r in warm)

    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )
    print(f"observations: {len(frame)}, dataset {version}, theses: {sum(verdicts.values())} -> {verdicts}")
    print(
        f"cold run (creates the store): open+frame {cold[0]:.0f} ms, evaluate {cold[1]:.0f} ms, total {cold[2]:.0f} ms"
    )
    print(
        f"warm runs (n={len(warm)}), median: open+frame {med(0):.0f} ms, evaluate {med(1):.0f} ms, "
        f"total {med(2):.0f} ms (min {min(r[2] for r in warm):.0f}, max {max(r[2] for r in warm):.0f})"
    )


if __name__ == "__main__":
    main()
