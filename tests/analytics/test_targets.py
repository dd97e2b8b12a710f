"""Targets: gap at the due date, growth required, date reached. All series are SYNTHETIC."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from corevar.analytics import targets
from corevar.analytics.targets import reach_date, required_growth, target_gap

# 2020-01-01 -> 2024-01-01 -> 2028-01-01: 1461-day steps, exactly four years each (ACT/365.25).
DATES = np.array(["2020-01-01", "2028-01-01"], dtype="datetime64[D]")
VALUES = np.array([100.0, 10_000.0])  # x100 in eight years: x10 per four years


@pytest.mark.parametrize(
    ("due", "target", "actual", "basis", "met"),
    [
        ("2024-01-01", 1200.0, 1000.0, "interpolated", False),  # geometric midpoint of 100 and 10,000
        ("2024-01-01", 900.0, 1000.0, "interpolated", True),
        ("2028-01-01", 10_000.0, 10_000.0, "observed", True),
        ("2029-06-30", 20_000.0, 10_000.0, "latest_before", False),  # nothing observed after the due date
        ("2019-12-31", 50.0, math.nan, "no_data", None),
    ],
)
def test_target_gap_table(due, target, actual, basis, met):
    got = target_gap(DATES, VALUES, due, target)
    assert got.actual == pytest.approx(actual, nan_ok=True)
    assert got.basis == basis
    assert got.met is met
    assert got.gap == pytest.approx(actual - target, nan_ok=True)
    assert got.gap_ratio == pytest.approx(actual / target - 1.0, nan_ok=True)
    assert str(got.due) == due


def test_target_gap_says_when_it_falls_back_to_the_latest_observation():
    got = target_gap(DATES, VALUES, "2028-12-31", 20_000.0)
    assert str(got.actual_date) == "2028-01-01"
    assert got.note == (
        "no observation after the due date; using the latest observation, 2028-01-01 (365 days before the due date)"
    )


@pytest.mark.parametrize(
    ("due", "target", "base_date", "rate", "base", "achieved"),
    [
        ("2024-01-01", 1600.0, None, 1.0, "2020-01-01", 10**0.25 - 1),  # x16 in four years needed
        ("2028-01-01", 100.0 * 2**8, "2020-06-01", 1.0, "2020-01-01", 100 ** (1 / 8) - 1),  # x100 in 8 yrs
        ("2030-01-01", 1.0, "2019-01-01", math.nan, None, math.nan),  # no observation before the base date
    ],
)
def test_required_growth_table(due, target, base_date, rate, base, achieved):
    got = required_growth(DATES, VALUES, due, target, base_date=base_date)
    assert got.rate == pytest.approx(rate, nan_ok=True)
    assert (str(got.base_date) if got.base_date else None) == base
    assert got.achieved == pytest.approx(achieved, nan_ok=True)


def test_required_growth_defaults_to_the_latest_observation_before_due():
    got = required_growth(DATES, VALUES, "2032-01-01", 1_000_000.0)
    assert str(got.base_date) == "2028-01-01"
    assert got.years == pytest.approx(4.0)
    assert got.rate == pytest.approx(100**0.25 - 1)
    assert math.isnan(got.achieved)  # the actual on 2032-01-01 is unknown


EXP_DATES = np.array(["2020-01-01", "2024-01-01", "2028-01-01"], dtype="datetime64[D]")
EXP_VALUES = np.array([100.0, 200.0, 400.0])  # doubling every four years


@pytest.mark.parametrize(
    ("values", "target", "day", "basis", "projection"),
    [
        (EXP_VALUES, 800.0, "2032-01-01", "projection", True),  # trend continues: twelve years after 2020
        (EXP_VALUES, 150.0, "2024-01-01", "observed", False),  # first observation at or above the target
        (EXP_VALUES[::-1], 800.0, None, "never", False),  # falling trend
        (EXP_VALUES[:1], 800.0, None, "no_data", False),
    ],
)
def test_reach_date_table(values, target, day, basis, projection):
    got = reach_date(EXP_DATES[: len(values)], values, target)
    assert (str(got.date) if got.date else None) == day
    assert got.basis == basis
    assert got.projection is projection


def test_reach_date_labels_the_projection():
    got = reach_date(EXP_DATES, EXP_VALUES, 800.0, window_days=None)
    assert got.note == (
        "projection: at the log-linear trend's +18.9%/yr (fitted over 2020-01-01–2028-01-01, r2 1.00) from the "
        "latest observation (2028-01-01), the target is reached on 2032-01-01"
    )
    assert got.years_after_latest == pytest.approx(4.0)


def test_reach_date_projects_forward_from_the_latest_observation():
    # Growth slowed: the line fitted to all five points runs above the last observations and crosses 1,000
    # before 2026; continuing its rate from the latest value (800) cannot land on a day already observed.
    d = np.array(["2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"], dtype="datetime64[D]")
    v = np.array([10.0, 100.0, 400.0, 700.0, 800.0])
    fitted = reach_date(d, v, 1000.0, window_days=None)
    assert fitted.trend.years_to(1000.0) < 4.0  # the line itself would say "before 2026"
    assert fitted.date > dt.date(2026, 1, 1)
    assert fitted.years_after_latest == pytest.approx(math.log(1000 / 800) / fitted.trend.slope)


def test_reach_date_window_uses_recent_observations():
    # Fast early growth, slow lately; a two-year window sees only the slow part.
    d = np.array(["2020-01-01", "2024-01-01", "2025-01-01", "2026-01-01"], dtype="datetime64[D]")
    v = np.array([1.0, 100.0, 110.0, 121.0])
    late = reach_date(d, v, 1000.0, window_days=800)
    full = reach_date(d, v, 1000.0)
    assert late.trend.n == 3
    assert late.date > full.date


def test_summary_of_a_frame():
    frame = pd.DataFrame({"as_of": pd.to_datetime(DATES), "value": VALUES})
    got = targets.summary(frame, "2024-01-01", 1200.0, base_date="2020-01-01")
    assert got.gap.basis == "interpolated"
    assert got.required.rate == pytest.approx(12**0.25 - 1)
    assert got.reach.basis == "observed"


def test_inputs_are_not_mutated():
    d, v = EXP_DATES[::-1].copy(), EXP_VALUES[::-1].copy()
    d0, v0 = d.copy(), v.copy()
    target_gap(d, v, "2025-01-01", 300.0)
    required_growth(d, v, "2025-01-01", 300.0)
    reach_date(d, v, 1e6)
    np.testing.assert_array_equal(d, d0)
    np.testing.assert_array_equal(v, v0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: target_gap(DATES, VALUES, "2024-01-01", 0.0), "target must be a finite number > 0"),
        (lambda: target_gap(DATES, VALUES, "end of year", 1.0), "due must be dates"),
        (lambda: target_gap(DATES, VALUES, ["2024-01-01", "2025-01-01"], 1.0), "due must be a single date"),
        (lambda: required_growth(DATES, VALUES, "2024-01-01", math.nan), "target must be a finite number > 0"),
        (lambda: required_growth(DATES, VALUES, "2024-01-01", 1.0, base_date="x"), "base_date must be dates"),
        (lambda: reach_date(DATES, VALUES, 5.0, window_days=-1), "window_days must be a finite number > 0"),
        (lambda: reach_date(DATES, [1.0, 2.0, 3.0], 5.0), "values must have one entry per date"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
