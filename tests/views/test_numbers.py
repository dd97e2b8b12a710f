"""Numbers for humans: three significant figures, units, ranges with their level, growth over the real window."""

from __future__ import annotations

import math

import pytest

from corevar.views.numbers import fmt, fmt_growth, fmt_months, fmt_range, sig


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (804_476_958, "users", "804M"),
        (984_684_495, "users", "985M"),
        (999_900_000, "users", "1B"),
        (1.31e10, "usd", "$13.1B"),
        (2.5e10, "usd_per_year", "$25B/yr"),
        (0.368, "fraction", "36.8%"),
        (0.004, "fraction", "0.4%"),
        (5.0, "fraction", "500%"),
        (0.075, "usd_per_million_tokens", "$0.075/Mtok"),
        (2.5, "usd_per_million_tokens", "$2.50/Mtok"),
        (1283.4, "points", "1,283"),
        (10.0, "multiple_per_year", "÷10 per year"),
        (3e9, "watts", "3 GW"),
        (12_345, "count", "12.3k"),
        (math.nan, "users", "—"),
        (None, "users", "—"),
    ],
)
def test_fmt_table(value, unit, expected):
    assert fmt(value, unit) == expected


def test_range_names_its_level_and_open_ends():
    assert fmt_range(805e6, 985e6, "users", 0.9) == "805M–985M (90%)"
    assert fmt_range(804e6, math.inf, "users", 0.9) == "at least 804M (no upper bound identified)"


@pytest.mark.parametrize(
    ("first", "last", "days", "expected"),
    [
        (100, 112, 150, "+12% over 5 months"),
        (100, 350, 240, "3.5× over 8 months"),  # above +100%: a multiple, never "+33,275%/yr"
        (100, 141, 730.5, "+19%/yr over 2 years"),  # annualised only over a year or more
        (100, 100.5, 400, "+0.5%/yr over 1.1 years"),
        (100, 95, 61, "-5% over 2 months"),
        (0, 5, 100, "—"),
    ],
)
def test_growth_over_the_actual_window(first, last, days, expected):
    assert fmt_growth(first, last, days) == expected


def test_short_windows_are_never_annualised():
    for days in (30, 90, 150, 364):
        assert "/yr" not in fmt_growth(100, 300, days) and "per year" not in fmt_growth(100, 300, days)


@pytest.mark.parametrize("k", [1e-3, 1.0, 7.0, 1e6])
def test_sig_keeps_three_significant_figures_at_any_scale(k):
    text = sig(123.456 * k)
    assert sum(ch.isdigit() for ch in text) <= 3 + (text.count(",") == 0 and text.startswith("0")) * 3


def test_months_and_years():
    assert fmt_months(150) == "5 months"
    assert fmt_months(365.25) == "1 year"
    assert fmt_months(14) == "2 weeks"
