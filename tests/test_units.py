"""Human-friendly numbers at the command line, and how values are shown."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corevar.units import format_value, parse_human

FAST = settings(max_examples=80, deadline=None, derandomize=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("800M", 8e8),
        ("$13B", 1.3e10),
        ("12%", 0.12),
        ("1,200", 1200.0),
        ("1.5k", 1500.0),
        ("2T", 2e12),
        ("usd 3bn", 3e9),
        ("-4%", -0.04),
        (".5", 0.5),
    ],
)
def test_parse_human_table(text: str, expected: float) -> None:
    assert parse_human(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["13 billion", "12%M", "", "abc", "1.2.3", "$-"])
def test_parse_human_rejects_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a number; write e\.g\. 800000000, 800M, \$13B, 1\.5k or 12%"):
        parse_human(text)


@FAST
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.sampled_from([("k", 1e3), ("M", 1e6), ("B", 1e9)]))
def test_suffix_scales_the_plain_number(number: float, suffix: tuple[str, float]) -> None:
    text = f"{number:.6f}"
    assert parse_human(text + suffix[0]) == pytest.approx(parse_human(text) * suffix[1], rel=1e-12)


@FAST
@given(st.floats(min_value=0, max_value=1e4, allow_nan=False))
def test_percent_is_a_fraction(number: float) -> None:
    assert parse_human(f"{number:.4f}%") == pytest.approx(float(f"{number:.4f}") / 100)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (8e8, "users", "800M"),
        (1.3e10, "usd_per_year", "$13.0B/yr"),
        (0.125, "fraction", "12.5%"),
        (2.5, "usd_per_million_tokens", "$2.50/Mtok"),
        (3e9, "watts", "3.0 GW"),
        (-2e9, "usd", "-$2.0B"),
        (math.nan, "usd", "—"),
        (None, "users", "—"),
    ],
)
def test_format_value(value: float | None, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (8.5e8, "users", "850M"),
        (1e9, "users", "1B"),
        (1.31e10, "usd_per_year", "$13.1B/yr"),
        (0.368, "fraction", "36.8%"),
        (2.5, "usd_per_million_tokens", "$2.50/M tokens"),
        (1504, "points", "1,504"),
        (math.nan, "usd", "n/a"),
    ],
)
def test_format_value_prose(value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit, prose=True) == shown
