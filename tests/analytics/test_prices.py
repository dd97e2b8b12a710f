"""Inference price decline, Epoch AI's method. All series are SYNTHETIC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corevar.analytics import prices
from corevar.analytics.prices import frontier_prices, price_decline

FAST = settings(max_examples=50, deadline=None, derandomize=True)

# SYNTHETIC series assembled from publicly announced API list prices, blended 3:1 input:output in USD per
# million tokens (the convention of Artificial Analysis, whose data Epoch AI used). These are not dataset rows;
# they stand in for "the cheapest model at or above GPT-4 (March 2023) on GPQA Diamond" over time.
GPT4_TIER = pd.DataFrame(
    [
        ("2023-03-14", "GPT-4 ($30 in / $60 out)", 37.50),
        ("2023-11-06", "GPT-4 Turbo ($10 / $30)", 15.00),
        ("2024-03-04", "Claude 3 Opus ($15 / $75)", 30.00),  # not cheaper than GPT-4 Turbo: off the frontier
        ("2024-05-13", "GPT-4o ($5 / $15)", 7.50),
        ("2024-07-18", "GPT-4o mini ($0.15 / $0.60)", 0.2625),
        ("2025-02-05", "Gemini 2.0 Flash ($0.10 / $0.40)", 0.175),
    ],
    columns=["as_of", "model", "value"],
)

# Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03-12): the price to
# reach a fixed capability fell between 9x and 900x per year depending on the threshold.
EPOCH_RANGE = (9.0, 900.0)


def test_gpt4_level_decline_lands_inside_epochs_range():
    got = prices.summary(GPT4_TIER)
    assert got.n == 5  # Claude 3 Opus is not on the frontier
    low, high = EPOCH_RANGE
    assert low <= got.factor_per_year <= high
    assert got.factor_per_year == pytest.approx(21.04, rel=1e-3)  # hand check: exp(3.0464)
    assert got.ci[0] < got.factor_per_year < got.ci[1]
    assert got.halving_time_days == pytest.approx(365.25 * math.log(2) / 3.0464, rel=1e-3)
    assert str(got.start) == "2023-03-14" and str(got.end) == "2025-02-05"


def test_frontier_keeps_new_lows_only():
    got = frontier_prices(GPT4_TIER["as_of"], GPT4_TIER["value"])
    kept = GPT4_TIER["model"].iloc[got.index].str.split(" (", regex=False).str[0]
    assert list(kept) == ["GPT-4", "GPT-4 Turbo", "GPT-4o", "GPT-4o mini", "Gemini 2.0 Flash"]
    assert np.all(np.diff(got.prices) < 0)


@pytest.mark.parametrize(
    ("dates", "values", "kept_dates", "kept_prices"),
    [
        (
            ["2024-01-01", "2023-01-01", "2025-01-01"],
            [5.0, 10.0, 1.0],
            ["2023-01-01", "2024-01-01", "2025-01-01"],
            [10.0, 5.0, 1.0],
        ),  # any input order
        # a tie is not a new low
        (["2023-01-01", "2024-01-01", "2025-01-01"], [10.0, 10.0, 12.0], ["2023-01-01"], [10.0]),
        (["2023-01-01", "2024-01-01", "2024-01-01"], [10.0, 8.0, 6.0], ["2023-01-01", "2024-01-01"], [10.0, 6.0]),
        (["2023-01-01", "2024-01-01"], [10.0, math.nan], ["2023-01-01"], [10.0]),
        ([], [], [], []),
    ],
)
def test_frontier_table(dates, values, kept_dates, kept_prices):
    got = frontier_prices(dates, values)
    assert [str(d) for d in got.dates] == kept_dates
    np.testing.assert_allclose(got.prices, kept_prices)


EXACT = np.array(["2020-01-01", "2024-01-01", "2028-01-01"], dtype="datetime64[D]")  # four-year steps


@pytest.mark.parametrize(
    ("values", "factor", "halving_days"),
    [
        ([1e4, 1.0, 1e-4], 10.0, 365.25 * math.log(2) / math.log(10)),  # 10x per year
        ([16.0, 1.0, 1 / 16], 2.0, 365.25),  # halves every year
        ([1.0, 1.0, 1.0], 1.0, math.inf),  # flat: never halves
    ],
)
def test_price_decline_table(values, factor, halving_days):
    got = price_decline(EXACT, values, frontier=False)
    assert got.factor_per_year == pytest.approx(factor)
    assert got.halving_time_days == pytest.approx(halving_days)
    assert got.n == 3


def test_rising_prices_have_no_halving_time():
    got = price_decline(EXACT, [1.0, 2.0, 4.0], frontier=False)
    assert got.factor_per_year == pytest.approx(2**-0.25)
    assert math.isnan(got.halving_time_days)


def test_interval_uses_student_t_on_the_slope():
    from scipy.stats import t as student_t

    d = np.array(["2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01"], dtype="datetime64[D]")
    p = np.array([20.0, 9.0, 2.5, 1.4, 0.3])
    got = price_decline(d, p, frontier=False, level=0.95)
    years = (d - d[0]).astype(float) / 365.25
    slope, _ = np.polyfit(years, np.log(p), 1)
    resid = np.log(p) - np.polyval([slope, _], years)
    se = math.sqrt(resid @ resid / 3 / np.sum((years - years.mean()) ** 2))
    q = student_t.ppf(0.975, 3)
    assert got.slope == pytest.approx(slope)
    assert got.slope_stderr == pytest.approx(se)
    assert got.ci == pytest.approx((math.exp(-slope - q * se), math.exp(-slope + q * se)))
    assert got.halving_time_ci[0] == pytest.approx(365.25 * math.log(2) / (-slope + q * se))


def test_two_points_give_an_estimate_without_an_interval():
    got = price_decline(EXACT[:2], [100.0, 1.0])
    assert got.factor_per_year == pytest.approx(100**0.25)
    assert all(math.isnan(x) for x in got.ci)


@pytest.mark.parametrize("values", [[5.0], [], [5.0, 7.0]])  # the last: 7 is no new low, one frontier point
def test_too_short_is_nan(values):
    got = price_decline(EXACT[: len(values)], values)
    assert math.isnan(got.factor_per_year) and math.isnan(got.halving_time_days)


@FAST
@given(
    st.lists(st.floats(1e-4, 1e3), min_size=3, max_size=15),
    st.lists(st.integers(1, 300), min_size=15, max_size=15),
    st.floats(1e-3, 1e3),
)
def test_decline_is_unchanged_by_units(values, gaps, k):
    # Dollars per million tokens or cents per thousand: the rate of decline is the same.
    d = np.datetime64("2023-01-01") + np.cumsum([0, *gaps])[: len(values)]
    p = np.array(values)
    a, b = price_decline(d, p, frontier=False), price_decline(d, p * k, frontier=False)
    assert b.factor_per_year == pytest.approx(a.factor_per_year, rel=1e-6)
    front = frontier_prices(d, p)
    assert np.all(np.diff(front.prices) < 0) and np.all(np.diff(front.dates.astype(int)) > 0)
    np.testing.assert_array_equal(frontier_prices(d, p * k).index, front.index)


def test_inputs_are_not_mutated():
    d = GPT4_TIER["as_of"].to_numpy()[::-1].copy()
    p = GPT4_TIER["value"].to_numpy()[::-1].copy()
    d0, p0 = d.copy(), p.copy()
    frontier_prices(d, p)
    price_decline(d, p)
    np.testing.assert_array_equal(d, d0)
    np.testing.assert_array_equal(p, p0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: price_decline(EXACT, [1.0, 0.0, 2.0]), "prices must be > 0"),
        (lambda: price_decline(EXACT, [1.0, 2.0]), "prices must have one entry per date"),
        (lambda: price_decline(EXACT, [3.0, 2.0, 1.0], level=90), "level must be between 0 and 1"),
        (lambda: frontier_prices(["2024-13-01"], [1.0]), "dates must be dates"),
        (lambda: prices.summary(pd.DataFrame({"as_of": []})), "frame must have columns 'as_of' and 'value'"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
