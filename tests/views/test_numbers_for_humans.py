"""Numbers for humans in the engine's explanations (what `corevar check` and the report show) and the shared
formatters behind them; the fitted S-curve the saturation chart draws. Every series here is SYNTHETIC."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from pydantic import TypeAdapter

from corevar.registry import Registry
from corevar.theses import Thesis, evaluate
from corevar.theses.model import thesis_file_model
from corevar.units import format_change, format_growth, format_range, format_window

from ..theses.synthetic import frame, wau

RULE = TypeAdapter(thesis_file_model()[1])
REG = Registry.bundled()
CHATGPT = {"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users"}


def _judge(rule: dict[str, Any], data):
    thesis = Thesis(
        id="T", text="synthetic", stance="bear", source={"title": "synthetic"}, rules=[RULE.validate_python(rule)]
    )
    return evaluate([thesis], data, REG).theses[0]


@pytest.mark.parametrize(
    ("ratio", "days", "text"),
    [
        (1.12, 152, "+12% over 5 months"),
        (3.5, 243, "3.5× over 8 months"),
        (10.87, 150, "11× over 5 months"),
        (0.95, 60, "-5% over 2 months"),
        (2.0, 730.5, "+41%/yr over 2 years"),
        (9.0, 730.5, "3× per year over 2 years"),
        (1.2, 365, "+20%/yr over 1 year"),  # a year's window is annualised (365 days counts)
        (float("nan"), 100, "—"),
        (1.5, 0, "—"),
    ],
)
def test_growth_is_said_over_its_window_and_annualised_only_from_a_year(ratio, days, text):
    assert format_growth(ratio, days) == text


def test_windows_changes_and_ranges():
    assert [format_window(d) for d in (10, 150, 365, 800)] == ["1 week", "5 months", "1 year", "2.2 years"]
    assert [format_change(x) for x in (0.123, -0.05, 0.004, 2.5)] == ["+12%", "-5%", "+0.4%", "3.5×"]
    assert format_range(804_476_958, 984_684_495, "users", 0.9) == "804M–985M (90%)"
    assert format_range(804_476_958, math.inf, "users", 0.9) == "at least 804M (no upper bound identified)"


def _short_steep():
    """SYNTHETIC: 500K to 5M in five months (the shape that used to read "+33,275%/yr")."""
    days = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-05-31"]
    values = [0.5e6, 0.8e6, 1.3e6, 2.1e6, 3.3e6, 5e6]
    return frame(*[wau(v, d) for v, d in zip(values, days, strict=True)])


def test_a_short_trend_reads_as_growth_over_its_window_not_an_annual_rate():
    thesis = _judge({"kind": "trend", "subject": CHATGPT, "expect": "up", "by_more_than": "100%"}, _short_steep())
    text = thesis.rules[0].explanation
    assert "over 5 months on a log-linear fit" in text, text
    assert "/yr" not in text.split("dead band")[0], text  # no annual rate from five months
    assert not re.search(r"\d,\d{3}%", text), text
    assert thesis.verdict.value == "supported"  # formatting only: the verdict is the same


def test_a_long_trend_is_annualised_and_says_its_window():
    days = [f"{y}-{m:02d}-01" for y in (2023, 2024, 2025) for m in (1, 7)]
    data = frame(*[wau(100e6 * 1.2**i, d) for i, d in enumerate(days)])
    text = _judge({"kind": "trend", "subject": CHATGPT, "expect": "up"}, data).rules[0].explanation
    assert re.search(r"\+\d+%/yr over 2\.\d years on a log-linear fit \([^)]+ over the window\)", text), text


def _logistic(ceiling: float, days: list[str]):
    import numpy as np
    import pandas as pd

    t = (pd.to_datetime(days) - pd.Timestamp(days[0])).days.to_numpy() / 365.25
    values = ceiling / (1 + np.exp(-3.0 * (t - 1.0)))
    return frame(*[wau(v, d) for v, d in zip(values, days, strict=True)])


MONTHS = [f"{y}-{m:02d}-01" for y in (2023, 2024, 2025) for m in (1, 4, 7, 10)]


def test_saturation_text_and_the_fitted_curve_it_carries():
    thesis = _judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, _logistic(1e9, MONTHS[:7]))
    rule = thesis.rules[0]
    text = rule.explanation
    assert "recently" not in text and "over the last 6 months" in text, text
    assert not re.search(r"\d{1,3}(,\d{3}){2,}", text), text  # never "804,476,958"
    f = rule.figures
    for name in ("rate", "midpoint_years", "origin_ordinal", "gompertz", "ceiling_identified"):
        assert name in f and math.isfinite(f[name]), name
    # the view draws the engine's own curve: it passes near every observation (SYNTHETIC, exactly logistic)
    from datetime import date

    from corevar.views.sections.charts import _curve

    days, values = _curve(f, date(2023, 1, 1), date(2024, 7, 1))
    assert len(days) == len(values) > 10
    assert values[0] == pytest.approx(1e9 / (1 + math.exp(3.0)), rel=0.05)
    assert values == tuple(sorted(values))  # an S-curve rises monotonically


def test_unbounded_reads_no_ceiling_identified_within_the_data():
    days = [f"{y}-{m:02d}-01" for y in (2023, 2024) for m in (1, 4, 7, 10)]
    data = frame(*[wau(100e6 * 1.3**i, d) for i, d in enumerate(days)])  # pure exponential: no ceiling
    thesis = _judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, data)
    text = thesis.rules[0].explanation
    assert "no ceiling identified within the data" in text, text
    assert "inf" not in text and "finite" not in text, text


def test_a_threshold_range_reads_with_an_en_dash():
    data = frame(wau(300e6, "2025-01-01", low=250e6, high=350e6))
    text = _judge({"kind": "threshold", "subject": CHATGPT, "op": ">=", "value": "320M"}, data).rules[0].explanation
    assert "250M–350M on both sides of the threshold" in text, text
