"""Each rule kind on SYNTHETIC frames, made to give each verdict it can give. No number here is real data."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from pydantic import TypeAdapter

from corevar.registry import Registry
from corevar.theses import Thesis, ThesisFileError, Verdict, evaluate
from corevar.theses.model import thesis_file_model

from .synthetic import frame, obs, wau

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data
RULE = TypeAdapter(thesis_file_model()[1])

REG = Registry.bundled()


def judge(rule: dict[str, Any], data: pd.DataFrame, as_of: str | None = None):
    thesis = Thesis(
        id="T", text="synthetic", stance="bear", source={"title": "synthetic"}, rules=[RULE.validate_python(rule)]
    )
    return evaluate([thesis], data, REG, as_of=as_of).theses[0].rules[0]


CHATGPT = {"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users"}
GROWING = frame(wau(100e6, "2024-01-01"), wau(200e6, "2024-07-01"), wau(400e6, "2025-01-01"))
FLAT = frame(wau(100e6, "2024-01-01"), wau(100e6, "2024-07-01"), wau(100e6, "2025-01-01"))
SHRINKING = frame(wau(400e6, "2024-01-01"), wau(200e6, "2024-07-01"), wau(100e6, "2025-01-01"))
EMPTY = frame()


# -- threshold -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "rule", "verdict"),
    [
        (GROWING, {"op": ">=", "value": "300M"}, S),
        (GROWING, {"op": ">=", "value": "500M"}, C),
        (GROWING, {"op": ">=", "value": "200M", "at": "2024-07-10", "within_days": 30}, S),
        (GROWING, {"op": ">=", "value": "200M", "at": "2023-01-01", "within_days": 30}, N),
        (EMPTY, {"op": ">=", "value": 1}, N),
        (frame(wau(300e6, "2025-01-01", low=250e6, high=350e6)), {"op": ">=", "value": "320M"}, M),
    ],
)
def test_threshold_verdicts(data: pd.DataFrame, rule: dict, verdict: Verdict) -> None:
    result = judge({"kind": "threshold", "subject": CHATGPT, **rule}, data)
    assert result.verdict is verdict, result.explanation


def test_threshold_explanation_names_value_date_and_publisher() -> None:
    result = judge({"kind": "threshold", "subject": CHATGPT, "op": ">=", "value": "1B"}, GROWING)
    assert result.explanation == "ChatGPT WAU was 400M on 2025-01-01 (SYNTHETIC): not at or above 1B."
    assert result.evidence[0].source_url == "https://example.org/synthetic"


# -- trend -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "expect", "verdict"),
    [
        (GROWING, "up", S),
        (SHRINKING, "up", C),
        (FLAT, "up", M),
        (FLAT, "flat", S),
        (GROWING, "flat", C),
        (SHRINKING, "down", S),
        (frame(wau(1e6, "2024-01-01")), "up", N),
    ],
)
def test_trend_verdicts(data: pd.DataFrame, expect: str, verdict: Verdict) -> None:
    result = judge({"kind": "trend", "subject": CHATGPT, "expect": expect}, data)
    assert result.verdict is verdict, result.explanation


def test_trend_growth_figure_is_annualised_log_linear() -> None:
    result = judge({"kind": "trend", "subject": CHATGPT, "expect": "up"}, GROWING)
    assert result.figures["growth"] == pytest.approx(3.0, rel=0.01)  # x4 in one year = +300 %/yr


# -- growth_compare --------------------------------------------------------------------------------------------
GEMINI = {"entity": "google", "product": "gemini", "metric": "monthly_active_users"}


def two(a_end: float) -> pd.DataFrame:
    return frame(
        wau(100e6, "2024-01-01"),
        wau(141e6, "2024-07-01"),
        wau(200e6, "2025-01-01"),
        obs("google", "monthly_active_users", 100e6, "2024-01-01", product="gemini"),
        obs("google", "monthly_active_users", (100e6 * a_end) ** 0.5, "2024-07-01", product="gemini"),
        obs("google", "monthly_active_users", a_end, "2025-01-01", product="gemini"),
    )


@pytest.mark.parametrize(("a_end", "verdict"), [(400e6, S), (150e6, C), (205e6, M)])
def test_growth_compare_verdicts(a_end: float, verdict: Verdict) -> None:
    rule = {"kind": "growth_compare", "a": GEMINI, "b": CHATGPT, "expect": "a_faster", "margin": 0.1}
    assert judge(rule, two(a_end)).verdict is verdict


def test_growth_compare_without_b_is_insufficient() -> None:
    data = frame(
        *[
            obs("google", "monthly_active_users", v, d, product="gemini")
            for v, d in ((1e6, "2024-01-01"), (1.4e6, "2024-07-01"), (2e6, "2025-01-01"))
        ]
    )
    result = judge({"kind": "growth_compare", "a": GEMINI, "b": CHATGPT, "expect": "a_faster"}, data)
    assert result.verdict is N
    assert result.reason == "no_data"
    assert "no observations of ChatGPT WAU at all" in result.explanation


# -- share_change ----------------------------------------------------------------------------------------------
def shares(*values: float) -> pd.DataFrame:
    days = ["2024-01-01", "2024-07-01", "2025-01-01"]
    return frame(
        *[
            obs("anthropic", "market_share", v, d, unit="fraction", basis="m")
            for v, d in zip(values, days[: len(values)], strict=True)
        ]
    )


SHARE = {"entity": "anthropic", "metric": "market_share", "basis": "m"}


@pytest.mark.parametrize(
    ("data", "expect", "verdict"),
    [
        (shares(0.1, 0.2, 0.3), "gain", S),
        (shares(0.3, 0.2, 0.1), "gain", C),
        (shares(0.3, 0.3, 0.305), "gain", M),
        (shares(0.3, 0.3, 0.305), "stable", S),
        (shares(0.3), "gain", N),
    ],
)
def test_share_change_verdicts(data: pd.DataFrame, expect: str, verdict: Verdict) -> None:
    result = judge({"kind": "share_change", "subject": SHARE, "expect": expect}, data)
    assert result.verdict is verdict, result.explanation


def test_share_change_reports_points() -> None:
    result = judge({"kind": "share_change", "subject": SHARE, "expect": "gain"}, shares(0.1, 0.2, 0.3))
    assert result.figures["change"] == pytest.approx(0.2)
    assert "+20.0 points" in result.explanation


# -- saturation ------------------------------------------------------------------------------------------------
def logistic_series(ceiling: float, days: list[str]) -> pd.DataFrame:
    import numpy as np

    t = (pd.to_datetime(days) - pd.Timestamp(days[0])).days.to_numpy() / 365.25
    values = ceiling / (1 + np.exp(-3.0 * (t - 1.0)))
    return frame(*[wau(v, d) for v, d in zip(values, days, strict=True)])


MONTHS = [f"{y}-{m:02d}-01" for y in (2023, 2024, 2025) for m in (1, 4, 7, 10)]


def test_saturation_not_peaked_on_a_rising_series() -> None:
    data = logistic_series(1e9, MONTHS[:7])  # still well below the ceiling, making new highs
    result = judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, data)
    assert result.verdict is S, result.explanation


def test_saturation_peaked_on_a_declining_series() -> None:
    values = [100e6, 300e6, 500e6, 600e6, 620e6, 600e6, 560e6, 500e6]
    data = frame(*[wau(v, d) for v, d in zip(values, MONTHS[: len(values)], strict=True)])
    result = judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, data)
    assert result.verdict is C, result.explanation


def test_saturation_needs_five_points() -> None:
    result = judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, GROWING)
    assert result.verdict is N
    assert "needs at least 5" in result.explanation


# -- ratio -----------------------------------------------------------------------------------------------------
def money(metric: str, value: float, basis: str = "fy2025", day: str = "2025-12-31", entity: str = "openai") -> dict:
    return obs(entity, metric, value, day, "2026-01-15", unit="usd", basis=basis)


BURN = {"entity": "openai", "metric": "cash_burn", "basis": "fy2025"}
REVENUE = {"entity": "openai", "metric": "revenue", "basis": "fy2025"}


@pytest.mark.parametrize(("burn", "verdict"), [(20e9, S), (5e9, C)])
def test_ratio_against_a_value(burn: float, verdict: Verdict) -> None:
    data = frame(money("cash_burn", burn), money("revenue", 10e9))
    result = judge({"kind": "ratio", "numerator": BURN, "denominator": REVENUE, "op": ">", "value": 1}, data)
    assert result.verdict is verdict
    assert result.figures["ratio"] == pytest.approx(burn / 10e9)


def test_ratio_missing_denominator_is_insufficient() -> None:
    result = judge(
        {"kind": "ratio", "numerator": BURN, "denominator": REVENUE, "op": ">", "value": 1},
        frame(money("cash_burn", 1e9)),
    )
    assert result.verdict is N
    assert "OpenAI revenue (fy2025)" in result.explanation


@pytest.mark.parametrize(("gemini_dau", "verdict"), [(20e6, S), (80e6, C)])
def test_ratio_versus_another_ratio(gemini_dau: float, verdict: Verdict) -> None:
    day = "2025-06-30"
    data = frame(
        obs("google", "daily_active_users", gemini_dau, day, product="gemini"),
        obs("google", "monthly_active_users", 100e6, day, product="gemini"),
        obs("openai", "daily_active_users", 50e6, day, product="chatgpt"),
        obs("openai", "monthly_active_users", 100e6, day, product="chatgpt"),
    )
    side = {
        "numerator": {"entity": "google", "product": "gemini", "metric": "daily_active_users"},
        "denominator": {"entity": "google", "product": "gemini", "metric": "monthly_active_users"},
    }
    versus = {
        "numerator": {"entity": "openai", "product": "chatgpt", "metric": "daily_active_users"},
        "denominator": {"entity": "openai", "product": "chatgpt", "metric": "monthly_active_users"},
    }
    result = judge({"kind": "ratio", **side, "versus": versus, "op": "<"}, data)
    assert result.verdict is verdict
    assert result.figures["versus"] == pytest.approx(0.5)


# -- target ----------------------------------------------------------------------------------------------------
TARGET = wau(1e9, "2025-12-31", "2024-11-30", kind="target")


@pytest.mark.parametrize(
    ("rows", "expect", "verdict"),
    [
        ([wau(800e6, "2025-10-06"), wau(900e6, "2026-02-27")], "missed", S),  # both sides short: missed
        ([wau(800e6, "2025-10-06"), wau(900e6, "2026-02-27")], "met", C),
        ([wau(1.1e9, "2025-12-01")], "met", S),  # already above before the due date
        ([wau(800e6, "2025-12-01")], "missed", N),  # short before, nothing after: cannot tell
        ([wau(950e6, "2026-03-01")], "missed", S),  # still short after the due date
        ([], "missed", N),
    ],
)
def test_target_verdicts(rows: list[dict], expect: str, verdict: Verdict) -> None:
    result = judge({"kind": "target", "subject": CHATGPT, "due": "2025-12-31", "expect": expect}, frame(TARGET, *rows))
    assert result.verdict is verdict, result.explanation


def test_target_explanation_reads_as_a_sentence() -> None:
    data = frame(TARGET, wau(850e6, "2025-12-31", "2026-01-05"))
    result = judge({"kind": "target", "subject": CHATGPT, "expect": "missed"}, data)
    assert result.explanation == (
        "ChatGPT WAU was 850M on 2025-12-31 (SYNTHETIC), below the 1B target due 2025-12-31 (SYNTHETIC): "
        "target missed by 15%."
    )
    assert result.figures["gap"] == pytest.approx(-0.15)


def test_target_not_yet_due_is_insufficient() -> None:
    data = frame(TARGET, wau(800e6, "2025-10-06"))
    result = judge({"kind": "target", "subject": CHATGPT, "expect": "missed"}, data, as_of="2025-11-01")
    assert result.verdict is N
    assert "is due 2025-12-31, after 2025-11-01: not judged yet" in result.explanation


def test_target_for_lower_is_better_metric() -> None:
    burn = {"entity": "openai", "metric": "cash_burn", "basis": "fy2025"}
    data = frame(money("cash_burn", 8e9) | {"kind": "target", "published": "2025-01-01"}, money("cash_burn", 9e9))
    result = judge({"kind": "target", "subject": burn, "expect": "missed"}, data)
    assert result.verdict is S, result.explanation
    assert "above the $8B target" in result.explanation


# -- compare ---------------------------------------------------------------------------------------------------
def ret(entity: str, value: float, start: str = "2024-12-31", end: str = "2025-12-05", **kw) -> dict:
    return obs(entity, "basket_return", value, end, unit="fraction", basis=f"from {start}", **kw)


CHAINS = {
    "kind": "compare",
    "a": {"entity": "google_chain", "metric": "basket_return", "basis": "from 2024-12-31"},
    "b": {"entity": "openai_chain", "metric": "basket_return", "basis": "from 2024-12-31"},
    "expect": "a_above_b",
    "by_more_than": 0.25,
}


@pytest.mark.parametrize(
    ("rows", "verdict"),
    [
        ([ret("google_chain", 1.46), ret("openai_chain", 0.74)], S),
        ([ret("google_chain", 0.5), ret("openai_chain", 0.74)], C),
        ([ret("google_chain", 0.9), ret("openai_chain", 0.74)], M),  # ahead, by less than the margin
        ([ret("google_chain", 1.46, low=0.6, high=1.6), ret("openai_chain", 0.74)], M),  # ranges overlap
        ([ret("google_chain", 1.46), ret("openai_chain", 0.74, end="2025-02-05")], N),  # not on a common date
        ([ret("google_chain", 1.46)], N),
    ],
)
def test_compare_verdicts(rows: list[dict], verdict: Verdict) -> None:
    result = judge(CHAINS, frame(*rows))
    assert result.verdict is verdict, result.explanation


# -- concentration and rank ------------------------------------------------------------------------------------
def market(**values: float) -> pd.DataFrame:
    return frame(*[obs(e, "market_share", v, "2025-12-31", unit="fraction", basis="m") for e, v in values.items()])


@pytest.mark.parametrize(
    ("data", "verdict"),
    [
        (market(openai=0.3, anthropic=0.3, google=0.3), S),  # leader 30-30%, 3 vendors at 10%+
        (market(openai=0.9, anthropic=0.05), C),  # leader above 50% whatever the rest is
        (market(openai=0.45, anthropic=0.2, google=0.1), S),  # 25% unreported: could be a 4th vendor, not a leader
        (market(openai=0.4, anthropic=0.15), N),  # 45% unreported could be one leader or three more vendors
        (market(openai=0.2), N),  # covers too little of the market
        (market(openai=0.35, anthropic=0.3, google=0.25, xai=0.1), S),  # a three-vendor market is not a failure
    ],
)
def test_concentration_verdicts(data: pd.DataFrame, verdict: Verdict) -> None:
    rule = {"kind": "concentration", "market": "m", "expect": "competitive"}
    result = judge(rule, data)
    assert result.verdict is verdict, result.explanation


def test_concentration_hhi_is_a_range_over_the_unreported_share() -> None:
    result = judge({"kind": "concentration", "market": "m", "expect": "competitive"}, market(openai=0.6, anthropic=0.3))
    assert result.figures["hhi_min"] == pytest.approx(4500)
    assert result.figures["hhi_max"] == pytest.approx(4600)
    assert "highly concentrated" in result.explanation


def test_rank_takes_one_value_per_competitor_never_a_sum() -> None:
    prices = frame(
        *[
            obs("openai", "inference_price", v, "2025-06-01", product=p, unit="usd_per_million_tokens", basis="output")
            for p, v in (("gpt-4o", 10.0), ("gpt-4o-mini", 0.6), ("o1", 60.0))
        ],
        obs(
            "anthropic",
            "inference_price",
            1.25,
            "2025-06-01",
            product="claude-3-haiku",
            unit="usd_per_million_tokens",
            basis="output",
        ),
    )
    rule = {
        "kind": "rank",
        "subject": {"entity": "openai", "metric": "inference_price", "basis": "output"},
        "op": "<=",
        "value": 1,
    }
    result = judge(rule, prices)  # OpenAI's cheapest (0.6) beats Anthropic's cheapest (1.25); no sum of 70.6
    assert result.verdict is S, result.explanation


def test_rank_keeps_older_values_within_the_tolerance_and_ties_within_error() -> None:
    scores = frame(
        obs("openai", "leaderboard_score", 1488, "2026-05-21", unit="points", basis="arena"),
        obs("google", "leaderboard_score", 1493, "2026-04-11", unit="points", basis="arena"),  # 40 days older
        obs("anthropic", "leaderboard_score", 1530, "2026-05-21", unit="points", basis="arena"),
    )
    subject = {"entity": "openai", "metric": "leaderboard_score", "basis": "arena"}
    result = judge({"kind": "rank", "subject": subject, "op": "<=", "value": 2, "tie_within": 10}, scores)
    assert result.figures["of"] == 3  # Google's older score is kept
    assert (result.figures["rank_best"], result.figures["rank_worst"]) == (2, 3)
    assert result.verdict is M  # rank 2 or 3: the 5-point gap to Google is within the stated error
    ci = scores.assign(low=[1480.0, 1489.0, 1525.0], high=[1496.0, 1497.0, 1535.0])
    assert judge({"kind": "rank", "subject": subject, "op": "<=", "value": 2}, ci).verdict is M  # CIs overlap


@pytest.mark.parametrize(("op", "value", "verdict"), [("<=", 1, S), (">", 1, C)])
def test_rank_verdicts(op: str, value: int, verdict: Verdict) -> None:
    rule = {
        "kind": "rank",
        "subject": {"entity": "openai", "metric": "market_share", "basis": "m"},
        "op": op,
        "value": value,
    }
    assert judge(rule, market(openai=0.6, anthropic=0.3)).verdict is verdict


def test_rank_on_a_metric_outside_the_taxonomy_is_an_error() -> None:
    rule = {"kind": "rank", "subject": {"entity": "openai", "metric": "benchmark_score"}, "op": ">", "value": 1}
    with pytest.raises(ThesisFileError, match=r'unknown metric "benchmark_score"; closest known: .*leaderboard_score'):
        judge(rule, market(openai=0.6))


# -- combinators -----------------------------------------------------------------------------------------------
UP = {"kind": "trend", "subject": CHATGPT, "expect": "up"}
DOWN = {"kind": "trend", "subject": CHATGPT, "expect": "down"}
NEWS = {"kind": "pending", "needs": "news triage"}


@pytest.mark.parametrize(
    ("kind", "rules", "verdict"),
    [
        ("all", [UP, UP], S),
        ("all", [UP, DOWN], M),
        ("all", [DOWN, DOWN], C),
        ("all", [DOWN, NEWS], C),
        ("all", [UP, NEWS], N),
        ("any", [UP, DOWN], S),
        ("any", [DOWN, NEWS], N),
        ("any", [DOWN, DOWN], C),
        ("all", [{"kind": "any", "rules": [DOWN, UP]}, UP], S),  # nested
    ],
)
def test_combinators(kind: str, rules: list[dict], verdict: Verdict) -> None:
    result = judge({"kind": kind, "rules": rules}, GROWING)
    assert result.verdict is verdict
    assert len(result.children) == len(rules)
