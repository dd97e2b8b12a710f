"""Unit economics ratios. All figures are SYNTHETIC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corevar.analytics.unit_economics import (
    aligned_ratio,
    burn_multiple,
    commitment_coverage,
    paid_conversion,
    revenue_per_compute_dollar,
    revenue_per_user,
)


@pytest.mark.parametrize(
    ("func", "a", "b", "expected"),
    [
        (revenue_per_user, 10e9, 500e6, 20.0),
        (revenue_per_user, 10e9, 0.0, math.nan),  # no users: undefined, not infinite
        (paid_conversion, 20e6, 500e6, 0.04),
        (paid_conversion, 600.0, 500.0, 1.2),  # not capped: a sign to check definitions
        (burn_multiple, 8e9, 4e9, 2.0),
        (burn_multiple, -1e9, 4e9, -0.25),  # generated cash while growing
        (burn_multiple, 8e9, 0.0, math.nan),  # no new ARR: the multiple is undefined
        (burn_multiple, 8e9, -1e9, math.nan),
        (revenue_per_compute_dollar, 4e9, 5e9, 0.8),
        (commitment_coverage, 300e9, 20e9, 15.0),
        (commitment_coverage, 300e9, 0.0, math.nan),
    ],
)
def test_ratio_table(func, a, b, expected):
    assert func(a, b) == pytest.approx(expected, nan_ok=True)


def test_ratios_are_elementwise():
    np.testing.assert_allclose(revenue_per_user([10.0, 20.0], [2.0, 0.0]), [5.0, math.nan])
    np.testing.assert_allclose(burn_multiple([2.0, 2.0], 1.0), [2.0, 2.0])
    assert isinstance(revenue_per_user(1.0, 2.0), float)


def test_aligned_ratio_interpolates_the_denominator_and_never_extrapolates():
    revenue = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2023-06-01", "2024-01-01", "2025-01-01", "2026-06-01"]),
            "value": [1.0, 2.0, 4.0, 8.0],
        }
    )
    users = pd.DataFrame({"as_of": pd.to_datetime(["2024-01-01", "2026-01-01"]), "value": [100.0, 400.0]})
    got = aligned_ratio(revenue, users)
    assert [str(d.date()) for d in got["as_of"]] == ["2024-01-01", "2025-01-01"]
    users_2025 = 100.0 * 4.0 ** (366 / 731)  # log-linear between the two user counts
    np.testing.assert_allclose(got["denominator"], [100.0, users_2025])
    np.testing.assert_allclose(got["value"], [0.02, 4.0 / users_2025])


def test_inputs_are_not_mutated():
    a, b = np.array([1.0, 2.0]), np.array([0.0, 4.0])
    a0, b0 = a.copy(), b.copy()
    for func in (revenue_per_user, paid_conversion, burn_multiple, revenue_per_compute_dollar, commitment_coverage):
        func(a, b)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: revenue_per_user(1.0, -5.0), "users must be >= 0"),
        (lambda: paid_conversion(-1.0, 5.0), "paying must be >= 0"),
        (lambda: revenue_per_compute_dollar(1.0, -1.0), "compute_spend must be >= 0"),
        (lambda: commitment_coverage(-1.0, 1.0), "commitments must be >= 0"),
        (lambda: burn_multiple("a lot", 1.0), "net_burn must be numbers"),
        (lambda: aligned_ratio(pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]})), "frame must have columns"),
    ],
)
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
