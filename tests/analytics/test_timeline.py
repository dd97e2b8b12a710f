"""Day count and interpolation rule. All series are SYNTHETIC."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from corevar.analytics.timeline import DAYS_PER_YEAR, interpolate, years_between


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2020-01-01", "2024-01-01", 4.0),  # 1461 days: a full leap cycle
        ("2024-01-01", "2025-01-01", 366 / 365.25),
        ("2025-01-01", "2024-01-01", -366 / 365.25),
        (pd.Timestamp("2024-03-01 18:30"), dt.date(2024, 3, 2), 1 / 365.25),  # times of day are dropped
    ],
)
def test_years_between_table(start, end, expected):
    assert years_between(start, end) == pytest.approx(expected)
    assert DAYS_PER_YEAR == 365.25


def test_years_between_broadcasts():
    got = years_between("2020-01-01", ["2020-01-01", "2024-01-01", None])
    np.testing.assert_allclose(got, [0.0, 4.0, math.nan])


DATES = ["2024-01-01", "2026-01-01"]  # 731 days apart


@pytest.mark.parametrize(
    ("values", "at", "log", "expected"),
    [
        ([100.0, 400.0], "2024-01-01", True, 100.0),  # on an observation: the observation
        ([100.0, 400.0], "2026-01-01", True, 400.0),
        ([100.0, 400.0], "2024-12-31", True, 100.0 * 4.0 ** (365 / 731)),  # geometric in between
        ([100.0, 400.0], "2024-12-31", False, 100.0 + 300.0 * 365 / 731),
        ([0.0, 400.0], "2024-12-31", True, 400.0 * 365 / 731),  # a zero neighbour falls back to linear
        ([100.0, 400.0], "2023-12-31", True, math.nan),  # before the data: no extrapolation
        ([100.0, 400.0], "2026-01-02", True, math.nan),  # after the data: none either
    ],
)
def test_interpolate_table(values, at, log, expected):
    assert interpolate(DATES, values, at, log=log) == pytest.approx(expected, nan_ok=True)


def test_interpolate_cleans_its_input():
    # Unordered, a missing value and a duplicated day (averaged).
    dates = ["2026-01-01", "2024-01-01", "2025-01-01", "2024-01-01"]
    values = [400.0, 50.0, math.nan, 150.0]
    got = interpolate(dates, values, ["2024-01-01", "2026-01-01"])
    np.testing.assert_allclose(got, [100.0, 400.0])


def test_interpolate_accepts_pandas_and_dates():
    dates = pd.Series(pd.to_datetime(DATES))
    assert interpolate(dates, [1.0, 4.0], dt.date(2024, 1, 1)) == 1.0
    assert math.isnan(interpolate([], [], "2024-01-01"))
    assert interpolate(["2024-01-01"], [7.0], "2024-01-01") == 7.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: years_between("soon", "2024-01-01"), "start must be dates"),
        (lambda: interpolate(DATES, [1.0], "2024-01-01"), "values must have one entry per date"),
        (lambda: interpolate(DATES, [1.0, 2.0], "someday"), "at must be dates"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
