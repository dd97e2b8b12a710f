"""Benchmark: chain metrics for thousands of tickers against empyrical, a quantstats loop and a NumPy floor.

Data are SYNTHETIC daily returns: ``--tickers`` series over ``--years`` x 252 days (normal, 2% daily volatility,
a small drift), a fifth of them listed late (NaN before their first day) and 1% of the other values missing,
plus one benchmark series. Every side computes the same metrics on the same array, in the same process:

* **corevar** -- ``corevar.analytics.risk.performance(returns, benchmark, duration=False)``: cum_returns_final,
  annual_return, annual_volatility, max_drawdown, sharpe_ratio, sortino_ratio, calmar_ratio, alpha, beta and
  correlation, in one blocked pass (and timed again with max_drawdown_duration, which empyrical lacks);
* **empyrical** (``empyrical-reloaded``) on the whole DataFrame: each metric function called once on the
  DataFrame (alpha/beta through ``alpha_beta_aligned`` on the arrays, since its DataFrame path expects one series;
  correlation with pandas' ``corrwith``); ``calmar_ratio`` takes one series only, so it runs in a loop over the
  columns and is timed apart;
* **quantstats** per ticker (a loop over Series, the way it is used): comp, cagr, volatility, max_drawdown,
  sharpe, sortino, calmar, greeks (alpha, beta); it runs on ``--qs-sample`` tickers and its time is scaled to all;
* **plain NumPy** -- corevar's own one-metric functions (``analytics.returns``/``risk``), each over the whole
  array: the straightforward vectorised version, without the blocked single pass;
* **NumPy floor** -- one reduction that reads every value once (``returns.sum(axis=0)``): no metric can be
  computed faster than the array can be read.

Before timing, corevar's numbers are checked against empyrical's on a sample of columns (they must agree to 1e-9).
Peak memory is the peak of traced allocations (tracemalloc, which NumPy and pandas report to) above the input
arrays, measured in a separate untimed call of each side.

Usage::

    .venv/bin/python benchmarks/bench_chains.py                       # 5,000 tickers x 25 years
    .venv/bin/python benchmarks/bench_chains.py --tickers 500 --years 5 --qs-sample 20
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from corevar.analytics import risk

PERIODS = 252


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
        f"pandas {pd.__version__}; {platform.system()} {platform.release()}"
    )


def synthetic(tickers: int, years: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """SYNTHETIC (days x tickers) daily returns with late listings and gaps, and a benchmark series."""
    rng = np.random.default_rng(seed)
    days = years * PERIODS
    r = rng.normal(3e-4, 0.02, (days, tickers))
    late = rng.random(tickers) < 0.2
    starts = rng.integers(1, days // 2, tickers)
    for j in np.nonzero(late)[0]:
        r[: starts[j], j] = np.nan
    r[rng.random((days, tickers)) < 0.01] = np.nan
    bench = rng.normal(3e-4, 0.011, days)
    return r, bench


def corevar_side(r: np.ndarray, f: np.ndarray, duration: bool = False) -> dict[str, np.ndarray]:
    """The metrics empyrical computes (``duration=True`` adds max_drawdown_duration, which empyrical lacks)."""
    return risk.performance(r, f, duration=duration)


def empyrical_side(frame: pd.DataFrame, bench: pd.Series) -> dict[str, Any]:
    import empyrical as ep

    values, f = frame.to_numpy(), bench.to_numpy()
    ab = ep.alpha_beta_aligned(values, f[:, None])
    return {
        "cum_returns_final": ep.cum_returns_final(frame),
        "annual_return": ep.annual_return(frame),
        "annual_volatility": ep.annual_volatility(frame),
        "max_drawdown": ep.max_drawdown(frame),
        "sharpe_ratio": ep.sharpe_ratio(frame),
        "sortino_ratio": ep.sortino_ratio(frame),
        "alpha": ab[:, 0],
        "beta": ab[:, 1],
        "correlation": frame.corrwith(bench),
    }


def empyrical_calmar(frame: pd.DataFrame) -> list[float]:
    import empyrical as ep

    return [ep.calmar_ratio(frame[c]) for c in frame.columns]


def quantstats_loop(frame: pd.DataFrame, bench: pd.Series) -> list[tuple[float, ...]]:
    import quantstats as qs

    out = []
    for c in frame.columns:
        s = frame[c]
        g = qs.stats.greeks(s, bench)
        out.append(
            (
                qs.stats.comp(s),
                qs.stats.cagr(s),
                qs.stats.volatility(s),
                qs.stats.max_drawdown(s),
                qs.stats.sharpe(s),
                qs.stats.sortino(s),
                qs.stats.calmar(s),
                g["alpha"],
                g["beta"],
            )
        )
    return out


def plain_numpy_side(r: np.ndarray, f: np.ndarray) -> dict[str, Any]:
    """The same metrics with corevar's one-metric functions, each over the whole array (no blocking)."""
    from corevar.analytics import returns as R

    return {
        "cum_returns_final": R.cum_returns_final(r),
        "annual_return": R.annual_return(r),
        "annual_volatility": R.annual_volatility(r),
        "max_drawdown": risk.max_drawdown(r),
        "max_drawdown_duration": risk.max_drawdown_duration(r),
        "sharpe_ratio": risk.sharpe_ratio(r),
        "sortino_ratio": risk.sortino_ratio(r),
        "calmar_ratio": risk.calmar_ratio(r),
        "alpha_beta": risk.alpha_beta(r, f),
        "correlation": risk.correlation(r, f),
    }


def floor_side(r: np.ndarray) -> np.ndarray:
    return r.sum(axis=0)


CPU: dict[int, float] = {}


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall-clock seconds; the median CPU seconds of this process go to ``CPU[id(fn)]``.

    CPU time is printed too because a shared machine's other work stretches wall-clock time unevenly between
    sides run one after the other; CPU time is what each side itself spent.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    CPU[id(fn)] = statistics.median(cpus)
    return statistics.median(walls)


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def check(got: dict[str, np.ndarray], frame: pd.DataFrame, bench: pd.Series, sample: int = 200) -> None:
    """corevar against empyrical on a sample of columns: the benchmark compares equal numbers or stops."""
    import empyrical as ep

    cols = np.linspace(0, frame.shape[1] - 1, min(sample, frame.shape[1])).astype(int)
    sub = frame.iloc[:, cols]
    want = empyrical_side(sub, bench)
    want["calmar_ratio"] = empyrical_calmar(sub)
    for name, values in want.items():
        np.testing.assert_allclose(
            got[name][cols], np.asarray(values, dtype=float), rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=name
        )
    del ep


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickers", type=int, default=5000)
    parser.add_argument("--years", type=int, default=25)
    parser.add_argument("--qs-sample", type=int, default=50, help="tickers the quantstats loop runs on (scaled)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per fast side (median)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")

    r, f = synthetic(args.tickers, args.years)
    index = pd.bdate_range("2000-01-03", periods=r.shape[0])
    frame = pd.DataFrame(r, index=index, columns=[f"T{j:05d}" for j in range(r.shape[1])])
    bench = pd.Series(f, index=index, name="bench")
    print(f"machine: {machine()}")
    print(f"data: {r.shape[1]:,} tickers x {r.shape[0]:,} days ({r.nbytes / 2**20:,.0f} MiB of float64), SYNTHETIC")

    got = corevar_side(r, f)
    check(got, frame, bench)
    print("check: corevar equals empyrical to 1e-9 on a sample of 200 columns (every metric)")

    sides = {
        "core": (lambda: corevar_side(r, f), args.repeat),
        "core_dur": (lambda: corevar_side(r, f, duration=True), args.repeat),
        "floor": (lambda: floor_side(r), max(args.repeat, 5)),
        "plain": (lambda: plain_numpy_side(r, f), 1),
        "emp": (lambda: empyrical_side(frame, bench), 1),
        "cal": (lambda: empyrical_calmar(frame), 1),
    }
    n_qs = min(args.qs_sample, frame.shape[1])
    sides["qs"] = (lambda: quantstats_loop(frame.iloc[:, :n_qs], bench), 1)
    wall, cpu = {}, {}
    for key, (fn, repeat) in sides.items():
        wall[key] = timed(fn, repeat)
        cpu[key] = CPU[id(fn)]
    scale = frame.shape[1] / n_qs
    wall["qs"], cpu["qs"] = wall["qs"] * scale, cpu["qs"] * scale
    t_core, t_floor, t_plain, t_emp, t_cal, t_qs = (wall[k] for k in ("core", "floor", "plain", "emp", "cal", "qs"))
    t_dur = wall["core_dur"]

    m_core = peak_mib(lambda: corevar_side(r, f))
    m_emp = peak_mib(lambda: empyrical_side(frame, bench))
    m_floor = peak_mib(lambda: floor_side(r))
    m_plain = peak_mib(lambda: plain_numpy_side(r, f))

    c = cpu
    rows = [
        ("corevar risk.performance (the same metrics, one pass)", t_core, m_core, "1.0x"),
        ("corevar, with max_drawdown_duration too", t_dur, float("nan"), f"{t_dur / t_core:.2f}x"),
        ("empyrical on the DataFrame (all but calmar)", t_emp, m_emp, f"{t_emp / t_core:.1f}x slower"),
        (
            "empyrical incl. calmar_ratio column loop",
            t_emp + t_cal,
            float("nan"),
            f"{(t_emp + t_cal) / t_core:.1f}x slower",
        ),
        (f"quantstats per-ticker loop (scaled from {n_qs})", t_qs, float("nan"), f"{t_qs / t_core:.0f}x slower"),
        (
            "plain NumPy: the one-metric functions, whole array each",
            t_plain,
            m_plain,
            f"{t_plain / t_core:.1f}x slower",
        ),
        ("NumPy floor: returns.sum(axis=0)", t_floor, m_floor, f"corevar is {t_core / t_floor:.1f}x the floor"),
    ]
    print()
    spent = [c["core"], c["core_dur"], c["emp"], c["emp"] + c["cal"], c["qs"], c["plain"], c["floor"]]
    cpu_of = dict(zip([row[0] for row in rows], spent, strict=True))
    print("| side | wall time | CPU time | peak memory above input | wall ratio | CPU ratio to corevar |")
    print("|---|---|---|---|---|---|")
    for name, t, m, ratio in rows:
        mem = "—" if m != m else f"{m:,.0f} MiB"
        print(f"| {name} | {t:.3f} s | {cpu_of[name]:.3f} s | {mem} | {ratio} | {cpu_of[name] / c['core']:.2f} |")


if __name__ == "__main__":
    main()
