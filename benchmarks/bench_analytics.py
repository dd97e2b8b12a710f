"""Benchmark: corevar.analytics' vectorised growth and saturation against a straightforward per-series loop.

Data are SYNTHETIC: ``--series`` logistic curves (random ceiling, rate and midpoint, 2 % multiplicative noise)
observed on ``--points`` shared, irregularly spaced dates (gaps of 1–3 days). Both sides compute the same
numbers and the script checks that they agree before it prints the ratio.

* growth — vectorised: ``period_growth``, ``annualised_growth``, ``cagr_between`` and ``log_growth`` on the
  whole (series x points) array. Loop: per series, ``pandas.Series.pct_change``, the annualised version with
  ``shift``, the endpoint CAGR and ``numpy.polyfit`` of the log.
* saturation — vectorised: ``saturation_fits`` (batched Levenberg–Marquardt). Loop: per series,
  ``scipy.optimize.curve_fit`` of the same bounded logistic. The loop is slow, so by default it runs on a
  sample of ``--loop-sample`` series and its time is scaled to all series (the output says so).

Usage::

    .venv/bin/python benchmarks/bench_analytics.py                       # 10,000 series x 1,000 points
    .venv/bin/python benchmarks/bench_analytics.py --series 500 --points 200 --loop-sample 0   # 0: full loop
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy
from scipy.optimize import curve_fit

from corevar.analytics import annualised_growth, cagr_between, log_growth, period_growth, saturation_fits


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}; nproc {os.cpu_count()}; Python {platform.python_version()}; numpy {np.__version__}, "
        f"scipy {scipy.__version__}, pandas {pd.__version__}; {platform.system()} {platform.release()}"
    )


def synthetic(series: int, points: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """SYNTHETIC shared irregular dates and (series x points) logistic values with noise."""
    rng = np.random.default_rng(seed)
    dates = np.datetime64("2022-11-30", "D") + np.cumsum(np.r_[0, rng.integers(1, 4, points - 1)])
    t = (dates - dates[0]).astype(float) / 365.25
    span = t[-1]
    K = rng.uniform(1e6, 1e9, (series, 1))
    r = rng.uniform(2.0, 6.0, (series, 1)) / span
    t0 = rng.uniform(0.3, 0.7, (series, 1)) * span
    values = K / (1.0 + np.exp(-r * (t - t0))) * (1.0 + 0.02 * rng.standard_normal((series, points)))
    return dates, values


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs (the machine is shared and noisy) and the last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def growth_vectorised(dates: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "pct": period_growth(values),
        "ann": annualised_growth(dates, values),
        "cagr": np.asarray(cagr_between(dates, values)),
        "slope": np.asarray(log_growth(dates, values)),
    }


def growth_loop(dates: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
    index = pd.DatetimeIndex(dates)
    gap_years = index.to_series().diff().dt.days.to_numpy() / 365.25
    t = (dates - dates[0]).astype(float) / 365.25
    out: dict[str, list[Any]] = {"pct": [], "ann": [], "cagr": [], "slope": []}
    for row in values:
        s = pd.Series(row, index=index)
        out["pct"].append(s.pct_change().to_numpy())
        out["ann"].append(((s / s.shift(1)) ** (1.0 / gap_years) - 1.0).to_numpy())
        out["cagr"].append((s.iloc[-1] / s.iloc[0]) ** (1.0 / t[-1]) - 1.0)
        out["slope"].append(np.polyfit(t, np.log(row), 1)[0])
    return {k: np.asarray(v) for k, v in out.items()}


def logistic(t: np.ndarray, K: float, r: float, t0: float) -> np.ndarray:
    return K / (1.0 + np.exp(-r * (t - t0)))


def saturation_loop(dates: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Straightforward per-series curve_fit: normalised values, same bounds as corevar, a plain start point."""
    t = (dates - dates[0]).astype(float) / 365.25
    span = t[-1]
    lower, upper = [0.5, 1e-2 / span, -10 * span], [100.0, 1e3 / span, 11 * span]
    ceilings = np.full(values.shape[0], np.nan)
    for i, row in enumerate(values):
        scale = row.max()
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                p, _ = curve_fit(logistic, t, row / scale, p0=[1.2, 4.0 / span, span / 2], bounds=(lower, upper))
            ceilings[i] = p[0] * scale
        except RuntimeError:
            pass
    return ceilings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=10_000, help="number of series (default 10,000)")
    parser.add_argument("--points", type=int, default=1_000, help="points per series (default 1,000)")
    parser.add_argument(
        "--loop-sample",
        type=int,
        default=200,
        help="series the curve_fit loop runs on, scaled to all series (0 = all; default 200)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing, median reported (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.series < 1 or args.points < 10 or args.repeat < 1:
        parser.error("--series and --repeat must be >= 1 and --points >= 10")

    print(f"machine: {machine()}")
    print(f"data: {args.series:,} SYNTHETIC logistic series x {args.points:,} irregular dates (seed {args.seed})")
    print(f"times: median of {args.repeat} run(s) each")
    dates, values = synthetic(args.series, args.points, args.seed)

    t_vec, vec = timed(lambda: growth_vectorised(dates, values), args.repeat)
    t_loop, loop = timed(lambda: growth_loop(dates, values), args.repeat)
    worst = max(float(np.nanmax(np.abs(vec[k] - loop[k]) / np.maximum(np.abs(loop[k]), 1e-12))) for k in vec)
    print("\ngrowth (period, annualised, CAGR, log-trend slope)")
    print(f"  vectorised corevar.analytics : {t_vec:9.3f} s")
    print(f"  pandas/numpy loop            : {t_loop:9.3f} s")
    print(f"  ratio loop / vectorised      : {t_loop / t_vec:9.1f}x   (max relative difference {worst:.1e})")

    t_fit, fits = timed(lambda: saturation_fits(dates, values), args.repeat)
    n_loop = args.series if args.loop_sample <= 0 else min(args.loop_sample, args.series)
    sample = np.linspace(0, args.series - 1, n_loop).astype(int)
    t_sample, loop_k = timed(lambda: saturation_loop(dates, values[sample]), args.repeat)
    t_loop_all = t_sample * args.series / n_loop
    rel = np.abs(fits.ceiling[sample] - loop_k) / loop_k
    print("\nsaturation (bounded logistic fit per series)")
    print(f"  vectorised saturation_fits   : {t_fit:9.3f} s   ({fits.converged.mean():.1%} converged)")
    scaled = "" if n_loop == args.series else f"   (timed on {n_loop:,} series, scaled x{args.series / n_loop:g})"
    print(f"  scipy curve_fit loop         : {t_loop_all:9.3f} s{scaled}")
    print(f"  ratio loop / vectorised      : {t_loop_all / t_fit:9.1f}x")
    print(
        f"  ceilings vs curve_fit        : median relative difference {np.nanmedian(rel):.1e}, "
        f"{np.mean(rel < 1e-3):.1%} within 0.1 %"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
