"""Figure extraction: how news writes numbers, and which company and metric each belongs to.

Every sentence here is SYNTHETIC, written for the test; none is presented as a real figure.
"""

from __future__ import annotations

from datetime import date

import pytest

from corevar.news.figures import extract_figures
from corevar.news.lexicon import Lexicon

LEX = Lexicon.from_registry()
DAY = date(2025, 10, 6)


def figs(text: str, **kw: object) -> list[tuple[str, str, str, float, str]]:
    return [
        (f.entity, f.product, f.metric, round(f.value, 6), f.qualifier)
        for f in extract_figures(text, LEX, published=DAY, **kw)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OpenAI hits $13 billion in annualized revenue", ("openai", "", "arr", 13e9, "")),
        ("OpenAI revenue run-rate reached 13B dollars, $13B", ("openai", "", "arr", 13e9, "")),
        ("OpenAI's annualised revenue is $13bn", ("openai", "", "arr", 13e9, "")),
        ("OpenAI is valued at $1.2 trillion", ("openai", "", "valuation", 1.2e12, "")),
        ("ChatGPT has 800M weekly active users", ("openai", "chatgpt", "weekly_active_users", 8e8, "")),
        ("ChatGPT reaches 900 million weekly users", ("openai", "chatgpt", "weekly_active_users", 9e8, "")),
        ("Anthropic reached a run-rate of $5bn", ("anthropic", "", "arr", 5e9, "")),
        (
            "Gemini has more than 400 million monthly active users",
            ("google", "gemini", "monthly_active_users", 4e8, "more than"),
        ),
        (
            "ChatGPT nears nearly 1 billion weekly active users",
            ("openai", "chatgpt", "weekly_active_users", 1e9, "nearly"),
        ),
        ("OpenAI has roughly 5 million paying business users", ("openai", "", "business_users", 5e6, "about")),
        ("Anthropic holds a 32% share of enterprise LLM spending", ("anthropic", "", "market_share", 0.32, "")),
        ("xAI raised $6 billion in a funding round", ("xai", "", "funding_round", 6e9, "")),
        ("OpenAI's net loss was $5 billion in 2024", ("openai", "", "net_loss", 5e9, "")),
        (
            "Claude Code hit $2.5 billion in annualized revenue",
            ("anthropic", "claude-code", "coding_revenue", 2.5e9, ""),
        ),
        ("ChatGPT周活跃用户达到8亿", ("openai", "chatgpt", "weekly_active_users", 8e8, "")),
        ("OpenAI年化收入达到130亿美元", ("openai", "", "arr", 1.3e10, "")),
        ("GPT-4o costs $2.50 per million input tokens", ("openai", "gpt-4o", "inference_price", 2.5, "")),
        ("Oracle agreed to supply 4.5 gigawatts to OpenAI", ("openai", "", "compute_capacity", 4.5e9, "")),
        ("Oracle lands a $30 billion cloud deal with OpenAI", ("openai", "", "compute_commitments", 3e10, "")),
        ("Anthropic signs a $10 billion deal with CoreWeave", ("anthropic", "", "compute_commitments", 1e10, "")),
        ("Alphabet nears $4 trillion", ("google", "", "market_cap", 4e12, "nearly")),
        ("Codex passes 4 million active users", ("openai", "codex", "coding_usage", 4e6, "")),
        ("ChatGPT's 5.6% paid conversion rate", ("openai", "chatgpt", "paid_conversion", 0.056, "")),
        ("Nvidia projects $1 trillion in AI chip sales", ("nvidia", "", "revenue", 1e12, "")),
    ],
)
def test_one_figure(text: str, expected: tuple[str, str, str, float, str]) -> None:
    assert expected in figs(text)


def test_ranges_keep_low_and_high() -> None:
    (f,) = extract_figures("ChatGPT has 700–800 million weekly users", LEX, published=DAY)
    assert (f.qualifier, f.low, f.high, f.value) == ("range", 7e8, 8e8, 7.5e8)
    (g,) = extract_figures("OpenAI's annualized revenue is $12bn to $15bn", LEX, published=DAY)
    assert (g.low, g.high, g.metric) == (12e9, 15e9, "arr")


def test_several_companies_in_one_sentence() -> None:
    got = figs("OpenAI's revenue hit $13bn while Anthropic reached an annualised revenue of $5 billion")
    assert ("openai", "", "revenue", 13e9, "") in got
    assert ("anthropic", "", "arr", 5e9, "") in got
    got = figs("Anthropic's run-rate of $5bn trails OpenAI's $13bn")
    assert ("anthropic", "", "arr", 5e9, "") in got and ("openai", "", "arr", 13e9, "") in got
    got = figs("Anthropic holds a 32% share, while OpenAI's share fell to 25%")
    assert ("anthropic", "", "market_share", 0.32, "") in got and ("openai", "", "market_share", 0.25, "") in got


def test_changes_are_not_levels() -> None:
    text = "OpenAI's revenue doubled to $10bn; Nvidia shares fell 5.3% and Gemini users were up 12%"
    out = extract_figures(text, LEX, published=DAY)
    changes = {(f.entity, f.metric, round(f.value, 4)) for f in out if f.relation == "change"}
    assert ("openai", "revenue", 1.0) in changes
    assert ("nvidia", "close_price", -0.053) in changes
    assert ("openai", "revenue", 1e10) in {(f.entity, f.metric, f.value) for f in out if f.relation == "level"}


def test_earlier_values_years_versions_and_ratios_are_skipped() -> None:
    assert figs("ChatGPT has 800M weekly active users, up from 700 million in August") == [
        ("openai", "chatgpt", "weekly_active_users", 8e8, "")
    ]
    assert figs("OpenAI released GPT-4 in 2023 and GPT-5 in 2025") == []
    assert [f[2] for f in figs("OpenAI hits $25B revenue but loses $1.69 per dollar")] == ["revenue"]


def test_forward_looking_and_fiscal_years() -> None:
    (f,) = extract_figures("OpenAI expects revenue of $30 billion in 2026", LEX, published=DAY)
    assert (f.kind, f.basis, f.as_of) == ("projection", "fy2026", "2026-12-31")
    (g,) = extract_figures("OpenAI's revenue was $3.7 billion in 2024", LEX, published=DAY)
    assert (g.kind, g.basis, g.as_of) == ("reported", "fy2024", "2024-12-31")


def test_no_subject_no_figure() -> None:
    assert figs("The market reached $200 billion in annualized revenue") == []


def test_thresholds_increments_and_unstated_user_counts_are_not_levels() -> None:
    assert figs("Alphabet is $150 billion away from joining the $4 trillion market cap club") == []
    assert figs("OpenAI added 1 million new paid users") == []
    assert figs("Meta AI has 1 billion users") == []  # weekly or monthly is not said
    assert figs("Nvidia unveils a $1 trillion chip roadmap") == []  # a vendor's chips are not its commitments
    assert figs("OpenAI signs a $5 billion licensing deal with a publisher") == []  # no compute vendor named


def test_title_gives_the_subject_of_a_summary() -> None:
    out = extract_figures("It now has 800 million weekly users.", LEX, published=DAY, title="ChatGPT keeps growing")
    assert [(f.entity, f.product, f.metric) for f in out] == [("openai", "chatgpt", "weekly_active_users")]


def test_lexicon_uses_registry_ids_and_case() -> None:
    got = [
        (m.entity, m.product) for m in LEX.mentions("Alphabet and the ChatGPT maker; meta is a word, Meta a company")
    ]
    assert got == [("google", ""), ("openai", ""), ("meta", "")]
    assert [(m.entity, m.product) for m in LEX.mentions("Claude Code beats Claude")] == [
        ("anthropic", "claude-code"),
        ("anthropic", "claude"),
    ]


def levels(text: str) -> list[tuple[str, str, float, str]]:
    return [
        (f.entity, f.metric, round(f.value, 6), f.kind)
        for f in extract_figures(text, LEX, published=DAY)
        if f.relation == "level"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Oracle, SoftBank & OpenAI plan a $500B data center push",  # several companies' figure together
        "Former Google researcher’s AI startup raises $2 billion",  # someone else's (curly apostrophe too)
        "Zeta valued at $14 billion in an Nvidia-backed round",  # Nvidia is the investor, not the subject
        "Amazon's $8 billion Anthropic investment is now worth more",  # an investor's stake
        "OpenAI launches a consulting unit with $4 billion investment",  # spending, not a round
        "Salesforce stake in Anthropic reaches $5 billion",  # "Salesforce" is not sales
    ],
)
def test_figures_left_unattributed_rather_than_guessed(text: str) -> None:
    assert levels(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anthropic overtook OpenAI with a $1 trillion valuation", [("anthropic", "valuation", 1e12, "reported")]),
        ("Anthropic secures $25 billion investment", [("anthropic", "funding_round", 25e9, "reported")]),
        (
            "Anthropic raising $10 billion at $350 billion value",
            [("anthropic", "funding_round", 1e10, "reported"), ("anthropic", "valuation", 3.5e11, "reported")],
        ),
        (
            "Anthropic announces $50 billion data center investment",
            [("anthropic", "compute_commitments", 5e10, "reported")],
        ),
        ("Meta is raising $13bn for one Texas data centre", [("meta", "capex", 1.3e10, "reported")]),
        ("OpenAI in talks for $50 billion funding", [("openai", "funding_round", 5e10, "projection")]),
        ("OpenAI to deploy 10 gigawatts of chips", [("openai", "compute_capacity", 1e10, "projection")]),
        ("Amazon eyes OpenAI stake in $830B valuation push", [("openai", "valuation", 8.3e11, "target")]),
    ],
)
def test_subject_metric_and_kind(text: str, expected: list[tuple[str, str, float, str]]) -> None:
    assert levels(text) == expected
