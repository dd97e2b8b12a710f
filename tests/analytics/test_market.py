"""Market structure: shares, HHI and the DOJ/FTC bands. All shares are SYNTHETIC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corevar.analytics import market
from corevar.analytics.market import concentration, concentration_band, hhi, share_change, shares

FAST = settings(max_examples=60, deadline=None, derandomize=True)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([40.0, 30.0, 20.0, 10.0], [0.4, 0.3, 0.2, 0.1]),  # percent
        ([2.0, 2.0], [0.5, 0.5]),  # any size measure
        ([3.0, math.nan, 1.0], [0.75, math.nan, 0.25]),  # missing stays missing
        ([0.0, 0.0], [math.nan, math.nan]),  # nothing to share
    ],
)
def test_shares_table(values, expected):
    np.testing.assert_allclose(shares(values), expected, equal_nan=True)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.4, 0.3, 0.2, 0.1], 0.30),  # .16 + .09 + .04 + .01
        ([40.0, 30.0, 20.0, 10.0], 0.30),  # percent is normalised first
        ([1.0], 1.0),  # monopoly
        ([1.0] * 10, 0.1),  # ten equal firms: 1/n
        ([0.5, 0.5, 0.0], 0.5),
        ([], math.nan),
    ],
)
def test_hhi_table(values, expected):
    assert hhi(values) == pytest.approx(expected, nan_ok=True)


def test_hhi_without_normalising_is_a_lower_bound_on_partial_coverage():
    # Top three firms only, covering 80 % of the market.
    assert hhi([0.4, 0.3, 0.1], normalise=False) == pytest.approx(0.26)
    assert hhi([0.4, 0.3, 0.1]) == pytest.approx((0.16 + 0.09 + 0.01) / 0.64)


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0.0, "unconcentrated"),
        (999.99, "unconcentrated"),
        (1000.0, "moderately concentrated"),
        (1800.0, "moderately concentrated"),
        (1800.01, "highly concentrated"),
        (10_000.0, "highly concentrated"),
    ],
)
def test_concentration_band_table(points, band):
    assert concentration_band(points) == band


def test_concentration_reports_both_scales():
    got = concentration([40.0, 30.0, 20.0, 10.0])
    assert got.hhi == pytest.approx(0.30)
    assert got.points == pytest.approx(3000.0)
    assert got.band == "highly concentrated"
    assert got.n == 4
    assert got.equivalent_firms == pytest.approx(1 / 0.3)
    assert got.top_share == pytest.approx(0.4)
    assert concentration([]).band is None


@pytest.mark.parametrize(
    ("before", "after", "percent", "expected"),
    [
        (0.10, 0.13, False, 3.0),
        (0.50, 0.25, False, -25.0),
        (12.3, 46.3, True, 34.0),
        ([0.1, 0.2], [0.2, 0.1], False, [10.0, -10.0]),
    ],
)
def test_share_change_table(before, after, percent, expected):
    np.testing.assert_allclose(share_change(before, after, percent=percent), expected)


def test_summary_per_date():
    frame = pd.DataFrame(
        {
            "entity": ["a", "b", "c", "a", "b", "c"],
            "as_of": pd.to_datetime(["2025-06-30"] * 3 + ["2024-06-30"] * 3),
            "value": [50.0, 30.0, 20.0, 80.0, 15.0, 5.0],
            "unit": "percent",
        }
    )
    got = market.summary(frame)
    assert list(got["as_of"].dt.year) == [2024, 2025]
    np.testing.assert_allclose(got["points"], [6400 + 225 + 25, 2500 + 900 + 400])
    assert list(got["band"]) == ["highly concentrated", "highly concentrated"]
    assert list(got["leader"]) == ["a", "a"]


@FAST
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=30).filter(lambda v: sum(v) > 0))
def test_hhi_lies_between_one_over_n_and_one(values):
    n = sum(1 for v in values if v > 0)
    h = hhi(values)
    assert 1.0 / n - 1e-12 <= h <= 1.0 + 1e-12


@FAST
@given(st.lists(st.floats(1e-3, 1e6), min_size=1, max_size=30), st.floats(1e-3, 1e3))
def test_hhi_is_unchanged_by_units_and_order(values, k):
    h = hhi(values)
    assert hhi([v * k for v in values]) == pytest.approx(h)
    assert hhi(values[::-1]) == pytest.approx(h)


def test_inputs_are_not_mutated():
    v = np.array([40.0, 30.0, math.nan, 30.0])
    v0 = v.copy()
    shares(v)
    hhi(v)
    concentration(v)
    share_change(v[:2] / 100, v[:2] / 100)
    np.testing.assert_array_equal(v, v0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shares([0.5, -0.1]), "values must be >= 0"),
        (lambda: hhi([0.7, 0.6], normalise=False), "shares must be fractions in \\[0, 1\\] summing to at most 1"),
        (lambda: concentration_band(12_000), "points must be an HHI between 0 and 10,000"),
        (lambda: share_change(12.0, 13.0), "before must be fractions in \\[0, 1\\]"),
        (lambda: share_change(0.1, 130.0, percent=True), "after must be percent in \\[0, 100\\]"),
        (lambda: market.summary(pd.DataFrame({"as_of": [], "value": []})), "frame must have columns"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
