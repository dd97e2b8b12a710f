"""Growth: golden tables, metamorphic properties and exact errors. All series are SYNTHETIC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corevar.analytics import growth
from corevar.analytics.growth import (
    acceleration,
    annualised_growth,
    cagr,
    cagr_between,
    doubling_time,
    log_growth,
    period_growth,
    trailing_growth,
    trend,
)

FAST = settings(max_examples=40, deadline=None, derandomize=True)
NAN = math.nan
LN2 = math.log(2.0)


def days(start: str, offsets: list[int]) -> np.ndarray:
    """SYNTHETIC dates: ``start`` plus day offsets. 1461 days is exactly four years under ACT/365.25."""
    return np.datetime64(start, "D") + np.asarray(offsets, dtype=int)


# Four-year steps (1461 days) make every span a whole number of years, so the expected values are exact.
D3 = days("2020-01-01", [0, 1461, 2922])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100.0, 110.0, 99.0], [NAN, 0.1, -0.1]),
        ([100.0, 0.0, 50.0], [NAN, -1.0, NAN]),  # growth from zero is undefined
        ([-10.0, 5.0], [NAN, NAN]),  # and from a negative level
        ([100.0, NAN, 120.0], [NAN, NAN, NAN]),
        ([5.0], [NAN]),  # too short
        ([[1.0, 2.0], [4.0, 1.0]], [[NAN, 1.0], [NAN, -0.75]]),  # rows are series
    ],
)
def test_period_growth_table(values, expected):
    np.testing.assert_allclose(period_growth(values), expected, equal_nan=True)


@pytest.mark.parametrize(
    ("dates", "values", "expected"),
    [
        (D3[:2], [100.0, 1600.0], [NAN, 1.0]),  # x16 over four years = +100 %/yr
        (D3, [100.0, 1600.0, 100.0], [NAN, 1.0, -0.5]),
        (days("2024-01-01", [0, 0]), [1.0, 2.0], [NAN, NAN]),  # no time between them
        (D3[:2], [0.0, 1.0], [NAN, NAN]),
    ],
)
def test_annualised_growth_table(dates, values, expected):
    np.testing.assert_allclose(annualised_growth(dates, values), expected, equal_nan=True)


def test_annualised_growth_puts_short_and_long_gaps_on_one_scale():
    # x1.1^4 over four years and x1.1 over one (2027-01-01 -> 2028-01-01 is 365 days, 0.99932 years).
    got = annualised_growth(days("2023-01-01", [0, 1461, 1826]), [100.0, 100.0 * 1.1**4, 100.0 * 1.1**5])
    assert got[1] == pytest.approx(0.1)
    assert got[2] == pytest.approx(1.1 ** (365.25 / 365) - 1.0)


@pytest.mark.parametrize(
    ("values", "years", "expected"),
    [
        ([100.0, 200.0], 1.0, 1.0),
        ([100.0, 121.0], 2.0, 0.1),
        ([100.0, NAN, 121.0], 2.0, 0.1),
        ([100.0], 1.0, NAN),  # too short -> nan, not an exception
    ],
)
def test_cagr_table(values, years, expected):
    assert cagr(values, years) == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    ("dates", "values", "expected"),
    [
        (D3[:2], [100.0, 1600.0], 1.0),
        (D3[:2][::-1], [1600.0, 100.0], 1.0),  # order of the input does not matter
        (D3, [100.0, NAN, 1600.0 * 16.0], 1.0),  # missing values are skipped
        (D3[:2], [1600.0, 100.0], -0.5),
        (D3[:2], [100.0, 0.0], -1.0),  # growth to zero is -100 %
        (D3, [100.0, 5.0, 100.0], 0.0),  # endpoints only
        (D3[:1], [100.0], NAN),
        (days("2024-01-01", [0, 0]), [100.0, 200.0], NAN),  # same day: no span
    ],
)
def test_cagr_between_table(dates, values, expected):
    assert cagr_between(dates, values) == pytest.approx(expected, nan_ok=True)


def test_cagr_between_uses_act_365_25():
    # 2024-01-01 -> 2025-01-01 is 366 days = 1.00205 years under ACT/365.25, not exactly one year.
    got = cagr_between(["2024-01-01", "2025-01-01"], [100.0, 200.0])
    assert got == pytest.approx(2.0 ** (365.25 / 366) - 1.0)


def test_cagr_between_rows_match_one_series_at_a_time():
    rng = np.random.default_rng(0)
    values = rng.uniform(1, 100, size=(5, 6))  # SYNTHETIC
    values[1, 0] = NAN
    values[2, -1] = NAN
    d = days("2021-03-01", [0, 40, 100, 300, 500, 900])
    rows = cagr_between(d, values)
    np.testing.assert_allclose(rows, [cagr_between(d, row) for row in values])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100.0, 100.0 * math.exp(2.0)], 0.5),  # two points: the slope through them
        ([100.0, 100.0 * math.exp(1.2), 100.0 * math.exp(2.4)], 0.3),
        ([100.0, 50.0, 25.0], -LN2 / 4.0),
        ([100.0, NAN, NAN], NAN),
    ],
)
def test_log_growth_table(values, expected):
    assert log_growth(D3[: len(values)], values) == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(1.0, 1.0), (3.0, 0.5), (0.0, NAN), (-0.5, NAN), (NAN, NAN)],
)
def test_doubling_time_table(rate, expected):
    assert doubling_time(rate) == pytest.approx(expected, nan_ok=True)


def test_trend_on_an_exact_exponential():
    values = 100.0 * np.exp(0.3 * np.array([0.0, 4.0, 8.0]))
    fit = trend(D3, values)
    assert fit.slope == pytest.approx(0.3)
    assert fit.intercept == pytest.approx(math.log(100.0))
    assert fit.r2 == pytest.approx(1.0)
    assert fit.n == 3
    assert fit.annual_growth == pytest.approx(math.expm1(0.3))
    assert fit.doubling_time == pytest.approx(LN2 / 0.3)
    # project extrapolates on purpose: 2032-01-01 is 12 years after the origin.
    assert fit.project("2032-01-01") == pytest.approx(100.0 * math.exp(3.6))
    np.testing.assert_allclose(fit.project(["2020-01-01", "2028-01-01"]), values[[0, 2]])


def test_trend_of_one_point_is_nan():
    fit = trend(["2024-01-01"], [5.0])
    assert math.isnan(fit.slope)
    assert math.isnan(fit.project("2025-01-01"))


@pytest.mark.parametrize(
    ("values", "earlier", "later", "direction"),
    [
        ([100.0, 1600.0, 1600.0 * 256], LN2, 2 * LN2, "speeding_up"),  # x16 then x256 per four years
        ([100.0, 1600.0, 3200.0], LN2, LN2 / 4, "slowing"),
        ([100.0, 1600.0, 25600.0], LN2, LN2, "steady"),
    ],
)
def test_acceleration_table(values, earlier, later, direction):
    got = acceleration(D3, values)
    assert got.earlier == pytest.approx(earlier)
    assert got.later == pytest.approx(later)
    assert got.change == pytest.approx(later - earlier)
    assert got.direction == direction
    assert str(got.midpoint) == "2024-01-01"


def test_acceleration_interpolates_the_midpoint():
    # No observation at the midpoint (2024-01-01); the value there is interpolated log-linearly.
    got = acceleration(days("2020-01-01", [0, 730, 2922]), [100.0, 400.0, 800.0])
    assert math.isfinite(got.change)
    assert got.direction == "slowing"


def test_acceleration_needs_three_points():
    got = acceleration(D3[:2], [1.0, 2.0])
    assert got.direction == "unknown" and math.isnan(got.change)


@pytest.mark.parametrize(
    ("window_days", "expected"),
    [
        (1461, 1.0),  # starts exactly on the 2024 observation
        (730, 1.0),  # starts between observations: log-linear interpolation keeps the steady rate
        (10_000, 1.0),  # longer than the data: starts at the first observation
    ],
)
def test_trailing_growth_table(window_days, expected):
    assert trailing_growth(D3, [100.0, 1600.0, 25600.0], window_days=window_days) == pytest.approx(expected)


def test_trailing_growth_of_one_point_is_nan():
    assert math.isnan(trailing_growth(["2024-01-01"], [1.0]))


@pytest.mark.parametrize(
    ("values", "direction"),
    [
        ([100.0, 1600.0, 25600.0], "up"),
        ([25600.0, 1600.0, 100.0], "down"),
        ([100.0, 100.0, 101.0], "flat"),
        ([100.0], "unknown"),
    ],
)
def test_summary_direction(values, direction):
    frame = pd.DataFrame({"as_of": pd.to_datetime(D3[: len(values)]), "value": values, "entity": "synthetic"})
    got = growth.summary(frame)
    assert got.direction == direction
    assert got.latest_value == values[-1]
    assert got.n == len(values)


def test_summary_of_a_frame():
    frame = pd.DataFrame({"as_of": ["2028-01-01", "2020-01-01", "2024-01-01"], "value": [25600.0, 100.0, 1600.0]})
    got = growth.summary(frame, window_days=1461)
    assert str(got.latest_date) == "2028-01-01" and str(got.first_date) == "2020-01-01"
    assert got.annual_growth == pytest.approx(1.0)
    assert str(got.window_start) == "2024-01-01"
    assert got.acceleration.direction == "steady"
    assert got.trend.slope == pytest.approx(LN2)


# --- properties ---------------------------------------------------------------------------------------

levels = st.lists(st.floats(1e-3, 1e9), min_size=2, max_size=12)
gaps = st.lists(st.integers(1, 400), min_size=11, max_size=11)


@FAST
@given(levels, gaps, st.floats(1e-3, 1e3))
def test_growth_is_unchanged_by_units(values, steps, k):
    # Users in millions or in units, dollars or cents: growth must not care.
    d = days("2020-01-01", np.cumsum([0, *steps])[: len(values)].tolist())
    v = np.array(values)
    assert cagr_between(d, v * k) == pytest.approx(cagr_between(d, v), rel=1e-9, abs=1e-12)
    assert log_growth(d, v * k) == pytest.approx(log_growth(d, v), rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(period_growth(v * k), period_growth(v), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(annualised_growth(d, v * k), annualised_growth(d, v), rtol=1e-9, atol=1e-12)


@FAST
@given(levels, gaps, st.integers(-5000, 5000))
def test_growth_is_unchanged_by_shifting_dates(values, steps, shift):
    d = days("2020-01-01", np.cumsum([0, *steps])[: len(values)].tolist())
    assert cagr_between(d + shift, values) == pytest.approx(cagr_between(d, values), nan_ok=True)
    assert log_growth(d + shift, values) == pytest.approx(log_growth(d, values), rel=1e-9, abs=1e-12)


@FAST
@given(st.lists(st.floats(1.0, 1e6), min_size=3, max_size=10))
def test_a_constant_rate_reads_steady(values):
    # Exact exponential over irregular SYNTHETIC dates: acceleration 0, steady.
    t = np.cumsum([0, *range(37, 37 * len(values), 37)])[: len(values)]
    d = days("2021-01-01", t.tolist())
    v = values[0] * np.exp(0.4 * t / 365.25)
    got = acceleration(d, v)
    assert got.change == pytest.approx(0.0, abs=1e-6)
    assert got.direction == "steady"


def test_inputs_are_not_mutated():
    d = days("2020-01-01", [900, 0, 400, 400])  # unordered, with a duplicate day
    v = np.array([4.0, 1.0, 2.0, 3.0])
    d0, v0 = d.copy(), v.copy()
    for call in (
        lambda: period_growth(v),
        lambda: annualised_growth(np.sort(d), v),
        lambda: cagr_between(d, v),
        lambda: log_growth(d, v),
        lambda: trend(d, v),
        lambda: acceleration(d, v),
        lambda: trailing_growth(d, v),
    ):
        call()
        np.testing.assert_array_equal(d, d0)
        np.testing.assert_array_equal(v, v0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cagr([100.0, 200.0], 0.0), "years must be > 0"),
        (lambda: cagr([-1.0, 2.0], 1.0), "values must start with a positive value"),
        (lambda: cagr_between(D3[:2], [0.0, 1.0]), "values must be > 0 at the first observation and >= 0 at the last"),
        (lambda: cagr_between(D3[:2], [1.0, -1.0]), "got first=np.float64\\(1.0\\), last=np.float64\\(-1.0\\)"),
        (lambda: cagr_between(D3, [1.0, 2.0]), "values must have one entry per date"),
        (lambda: cagr_between(["2020-01-01", "not a date"], [1.0, 2.0]), "dates must be dates"),
        (lambda: period_growth(5.0), "values must be a 1-D series"),
        (lambda: period_growth(["a", "b"]), "values must be numbers"),
        (lambda: log_growth(D3, [1.0, -2.0, 3.0]), "values must be > 0 for a log-linear trend"),
        (lambda: trend(D3, [1.0, 0.0, 3.0]), "values must be > 0 for a log-linear trend"),
        (lambda: doubling_time(-1.0), "growth must be > -1"),
        (lambda: acceleration(D3, [1.0, 2.0, 3.0], tolerance=-1), "tolerance must be a finite number >= 0"),
        (lambda: trailing_growth(D3, [1.0, 2.0, 3.0], window_days=0), "window_days must be a finite number > 0"),
        (lambda: growth.summary(pd.DataFrame({"value": [1.0]})), "frame must have columns 'as_of' and 'value'"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
