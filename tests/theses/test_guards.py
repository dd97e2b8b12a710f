"""Issue 9's classes, each pinned: hidden choices, stale "latest", names checked, reasons, whole evidence,
robustness and confidence. SYNTHETIC data only; no number here is a real figure."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from pydantic import TypeAdapter

from corevar.registry import Registry
from corevar.theses import Thesis, ThesisFileError, Verdict, evaluate, parse_theses, render
from corevar.theses.model import thesis_file_model

from .synthetic import frame, obs, wau

REG = Registry.bundled()
S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data
RULE = TypeAdapter(thesis_file_model()[1])
CHATGPT = {"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users"}


def thesis(*rules: dict, combine: str = "all") -> Thesis:
    return Thesis(
        id="T",
        text="synthetic",
        stance="neutral",
        source={"title": "synthetic"},
        rules=[RULE.validate_python(r) for r in rules],
        combine=combine,
    )


def judge(rule: dict, data: pd.DataFrame, as_of: str | None = None) -> Any:
    return evaluate([thesis(rule)], data, REG, as_of=as_of).theses[0].rules[0]


def rev(value: float, as_of: str, basis: str, **kw: Any) -> dict:
    return obs("openai", "revenue", value, as_of, unit="usd", basis=basis, **kw)


# -- hidden choices ------------------------------------------------------------------------------------------------
HEAD = """version: 1
theses:
  - id: T1
    text: synthetic
    stance: bear
    source: {title: synthetic}
    rules:
"""


def test_a_subject_must_pin_its_basis_when_the_data_has_several() -> None:
    text = HEAD + "      - {kind: threshold, subject: {entity: openai, metric: revenue}, op: '>', value: 1}\n"
    data = frame(rev(10, "2025-12-31", "fy2025"), rev(3, "2026-03-31", "q1_2026"))
    with pytest.raises(ThesisFileError) as info:
        evaluate(parse_theses(text, name="t.yaml"), data, REG)
    message = str(info.value)
    assert message.startswith("t.yaml:8: subject 'basis': revenue of this subject has several bases")
    assert '"fy2025", "q1_2026"' in message
    pinned = parse_theses(text.replace("metric: revenue}", "metric: revenue, basis: fy2025}"), name="t.yaml")
    assert evaluate(pinned, data, REG).theses[0].verdict is S


def test_a_trend_inside_the_dead_band_is_flat_not_up() -> None:
    flat = frame(wau(900e6, "2025-09-01"), wau(901e6, "2025-12-01"), wau(902e6, "2026-03-01"))  # ~+0.5%/yr
    result = judge({"kind": "trend", "subject": CHATGPT, "expect": "up"}, flat)
    assert result.verdict is M and "trending flat" in result.explanation


def test_growth_needs_a_span_and_points() -> None:
    close = frame(wau(100e6, "2025-06-22"), wau(120e6, "2025-06-30"))  # two points 8 days apart
    result = judge({"kind": "trend", "subject": CHATGPT, "expect": "up"}, close)
    assert result.verdict is N and result.reason == "too_few"
    assert "spanning 8 days" in result.explanation


def test_compared_growth_shares_one_window() -> None:
    gem = {"entity": "google", "product": "gemini", "metric": "monthly_active_users"}
    data = frame(
        wau(100e6, "2024-01-01"),
        wau(400e6, "2024-07-01"),  # ChatGPT's explosive early half-year ...
        wau(410e6, "2025-01-01"),
        wau(420e6, "2025-07-01"),
        wau(430e6, "2026-01-01"),
        *[
            obs("google", "monthly_active_users", v, d, product="gemini")
            for v, d in ((100e6, "2025-01-01"), (150e6, "2025-07-01"), (220e6, "2026-01-01"))
        ],
    )
    result = judge({"kind": "growth_compare", "a": gem, "b": CHATGPT, "expect": "a_faster"}, data)
    assert result.window[0].isoformat() == "2025-01-01"  # ... is outside the shared window
    assert result.verdict is S, result.explanation


@pytest.mark.parametrize(
    ("by", "per", "verdict"),
    [("10x", "year", S), ("20x", "year", C), ("90%", "year", S), ("99%", "year", C), ("50%", "window", S)],
)
def test_fell_by_more_than_a_factor_or_a_fraction(by: str, per: str, verdict: Verdict) -> None:
    price = {"entity": "openai", "product": "gpt-4o", "metric": "inference_price", "basis": "output"}
    data = frame(
        *[
            obs("openai", "inference_price", v, d, product="gpt-4o", unit="usd_per_million_tokens", basis="output")
            for v, d in ((60.0, "2024-01-01"), (15.0, "2024-07-01"), (4.0, "2025-01-01"))
        ]
    )
    rule = {"kind": "trend", "subject": price, "expect": "down", "by_more_than": by, "per": per}
    result = judge(rule, data)  # 60 -> 4 in a year: about 15x cheaper
    assert result.verdict is verdict, result.explanation


def test_saturation_reads_a_plateau_under_the_ceiling_as_peaked_and_honours_margin() -> None:
    values = [100, 300, 600, 800, 880, 905, 910, 908, 910]
    days = [
        "2023-01-01",
        "2023-05-01",
        "2023-09-01",
        "2024-01-01",
        "2024-05-01",
        "2024-09-01",
        "2025-01-01",
        "2025-05-01",
        "2025-09-01",
    ]
    data = frame(*[wau(v * 1e6, d) for v, d in zip(values, days, strict=True)])
    result = judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked"}, data)
    assert result.verdict is C and "plateau" in result.explanation
    strict = judge({"kind": "saturation", "subject": CHATGPT, "expect": "not_peaked", "margin": 0.0}, data)
    assert strict.verdict is M  # no slack under the ceiling: a stall, not a plateau


# -- stale "latest" and the reasons for insufficient data -------------------------------------------------------
def test_latest_goes_stale_after_max_age() -> None:
    ret = {"entity": "openai", "product": "chatgpt", "metric": "paid_retention", "basis": "month_6"}
    data = frame(
        obs("openai", "paid_retention", 0.7, "2024-12-31", product="chatgpt", unit="fraction", basis="month_6"),
        wau(900e6, "2026-06-01"),
    )
    rule = {"kind": "threshold", "subject": ret, "op": "<", "value": 0.8}
    assert judge(rule, data, as_of="2025-03-01").verdict is S
    stale = judge(rule, data)
    assert stale.verdict is N and stale.reason == "stale" and "max_age" in stale.explanation
    assert judge({**rule, "max_age": 730}, data).verdict is S


def test_insufficient_data_says_which_reason() -> None:
    data = frame(
        wau(100e6, "2024-01-01", "2024-02-01"),
        wau(200e6, "2024-07-01", "2024-08-01"),
        wau(300e6, "2025-01-01", "2025-02-01"),
    )
    up = {"kind": "trend", "subject": CHATGPT, "expect": "up"}
    assert judge(up, frame()).reason == "no_data"
    assert judge(up, data, as_of="2023-06-01").reason == "not_published"
    outside = judge({**up, "start": "2025-06-01"}, data)
    assert outside.reason == "outside_window" and "the 3 known run from 2024-01-01" in outside.explanation


# -- names ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{kind: threshold, subject: {entity: opnai, metric: arr, basis: run_rate}, op: '>', value: 1}",
            "t.yaml:8: subject 'entity': unknown entity \"opnai\"; closest known: openai",
        ),
        (
            "{kind: threshold, subject: {entity: openai, product: chatgtp, metric: arr}, op: '>', value: 1}",
            "subject 'product': unknown product \"chatgtp\"; closest known: chatgpt",
        ),
        (
            "{kind: threshold, subject: {entity: google, product: chatgpt, metric: arr}, op: '>', value: 1}",
            'product "chatgpt" belongs to "openai", not "google"',
        ),
        (
            "{kind: threshold, subject: {entity: openai, metric: revenue, basis: fy25}, op: '>', value: 1}",
            'unknown basis "fy25" for revenue; closest known: fy2025',
        ),
        (
            "{kind: concentration, market: enterprise_spend, expect: competitive}",
            "rule 'market': unknown market \"enterprise_spend\"",
        ),
    ],
)
def test_unknown_names_are_errors_with_line_and_closest_names(rule: str, message: str) -> None:
    data = frame(
        rev(10, "2025-12-31", "fy2025"),
        obs("openai", "market_share", 0.5, "2025-12-31", unit="fraction", basis="enterprise_llm_api_spend"),
    )
    with pytest.raises(ThesisFileError) as info:
        evaluate(parse_theses(HEAD + f"      - {rule}\n", name="t.yaml"), data, REG)
    assert message in str(info.value)
    assert info.value.problems[0].line == 8


def test_unknown_rebuts_id_is_an_error() -> None:
    text = HEAD.replace("    rules:\n", "    rebuts: [B9]\n    rules:\n") + "      - {kind: pending, needs: x}\n"
    with pytest.raises(ThesisFileError, match=r"t\.yaml:7: thesis 'rebuts': unknown thesis id \"B9\""):
        evaluate(parse_theses(text, name="t.yaml"), frame(), REG)


def test_a_user_entity_in_the_registry_is_known_and_named() -> None:
    from corevar.models import Entity

    reg = REG.with_entity(Entity(id="acme", name="Acme AI", kind="lab"))
    data = frame(obs("acme", "arr", 2e9, "2026-01-01", unit="usd_per_year", basis="run_rate"))
    t = thesis(
        {
            "kind": "threshold",
            "subject": {"entity": "acme", "metric": "arr", "basis": "run_rate"},
            "op": ">",
            "value": "1B",
        }
    )
    result = evaluate([t], data, reg)
    assert result.theses[0].verdict is S and "Acme AI ARR" in result.theses[0].explanation
    with pytest.raises(ThesisFileError, match="unknown entity"):
        evaluate([t], data, REG)


# -- evidence, robustness, confidence --------------------------------------------------------------------------
ARR = {"entity": "anthropic", "metric": "arr", "basis": "run_rate"}


def arr(value: float, as_of: str, published: str, publisher: str, kind: str = "reported") -> dict:
    return obs(
        "anthropic",
        "arr",
        value,
        as_of,
        published,
        unit="usd_per_year",
        basis="run_rate",
        publisher=publisher,
        kind=kind,
        source_url=f"https://example.org/{publisher.lower()}",
    )


CONFLICT = frame(
    arr(19e9, "2026-03-31", "2026-04-02", "Alpha"),
    arr(22e9, "2026-03-31", "2026-04-05", "Beta"),
    arr(30e9, "2026-03-31", "2026-04-10", "Gamma"),
)


def test_evidence_lists_competing_reports_and_why_one_was_chosen() -> None:
    result = judge({"kind": "threshold", "subject": ARR, "op": ">=", "value": "25B"}, CONFLICT)
    ev = result.evidence[0]
    assert ev.publisher == "Gamma" and ev.published.isoformat() == "2026-04-10"
    assert sorted(c.value for c in ev.competing) == [19e9, 22e9]
    assert ev.chosen_because.startswith("newest published")


def test_every_point_of_a_trend_is_evidence() -> None:
    data = frame(wau(100e6, "2024-01-01"), wau(150e6, "2024-05-01"), wau(200e6, "2024-09-01"), wau(260e6, "2025-01-01"))
    result = judge({"kind": "trend", "subject": CHATGPT, "expect": "up"}, data)
    assert [e.value for e in result.evidence] == [100e6, 150e6, 200e6, 260e6]


def test_a_verdict_that_hangs_on_one_report_is_fragile_and_says_which() -> None:
    result = evaluate([thesis({"kind": "threshold", "subject": ARR, "op": ">=", "value": "25B"})], CONFLICT, REG)
    t = result.theses[0]
    assert t.verdict is S and t.robustness.label == "fragile"
    flips = [f.describe() for f in t.robustness.flips]
    assert any("without Gamma" in f and f.startswith("contradicted") for f in flips)
    assert any(
        "Anthropic ARR (run_rate) on 2026-03-31 read $19B/yr (Alpha) instead of $30B/yr (Gamma)" in f for f in flips
    )


def test_a_verdict_far_from_its_line_is_robust() -> None:
    result = evaluate([thesis({"kind": "threshold", "subject": ARR, "op": ">=", "value": "10B"})], CONFLICT, REG)
    t = result.theses[0]
    assert t.robustness.label == "robust" and t.robustness.checks == 3  # the chosen source out + 2 competing reports


def test_window_edges_are_moved() -> None:
    data = frame(
        wau(100e6, "2024-01-01"),
        wau(50e6, "2024-04-01"),
        wau(60e6, "2024-08-01"),
        wau(70e6, "2024-12-01"),
        wau(80e6, "2025-04-01"),
    )
    result = evaluate([thesis({"kind": "trend", "subject": CHATGPT, "expect": "up", "start": "2023-12-01"})], data, REG)
    t = result.theses[0]
    assert "start moved +90 days" in " ".join(f.perturbation for f in t.robustness.flips) or t.verdict is not S


def test_confidence_tier_counts_sources_age_and_tier() -> None:
    one = evaluate(
        [thesis({"kind": "threshold", "subject": ARR, "op": ">=", "value": "10B"})],
        frame(arr(30e9, "2026-03-31", "2026-04-10", "Gamma", kind="estimate")),
        REG,
        as_of="2026-09-01",
    )
    assert one.theses[0].confidence.tier == "low"
    many = evaluate(
        [thesis({"kind": "threshold", "subject": ARR, "op": ">=", "value": "10B"})],
        frame(
            arr(30e9, "2026-03-31", "2026-04-10", "Gamma", kind="official"),
            arr(29e9, "2026-03-31", "2026-04-09", "Beta"),
            arr(28e9, "2026-03-31", "2026-04-08", "Alpha"),
        ),
        REG,
        as_of="2026-05-01",
    )
    assert many.theses[0].confidence.tier == "high"


def test_markdown_shows_published_dates_robustness_and_competing_reports_and_json_carries_all() -> None:
    result = evaluate([thesis({"kind": "threshold", "subject": ARR, "op": ">=", "value": "25B"})], CONFLICT, REG)
    md = render(result, "md")
    assert "published 2026-04-10" in md and "| fragile |" in md and "chosen over" in md
    table = render(result, "table", width=200)
    assert "published 2026-04-10" in table and "fragile" in table
    data = json.loads(render(result, "json"))
    ev = data["theses"][0]["rules"][0]["evidence"][0]
    assert ev["published"] == "2026-04-10" and len(ev["competing"]) == 2
    assert data["theses"][0]["robustness"]["label"] == "fragile"


def test_a_well_formed_period_not_yet_in_the_data_is_no_data_not_an_error() -> None:
    rule = "      - {kind: threshold, subject: {entity: openai, metric: revenue, basis: q3_2027}, op: '>', value: 1}\n"
    result = evaluate(parse_theses(HEAD + rule, name="t.yaml"), frame(rev(10, "2025-12-31", "fy2025")), REG)
    assert result.theses[0].rules[0].reason == "no_data"
