"""The news_noise rule kind (R6) on SYNTHETIC triaged news."""

from __future__ import annotations

import pandas as pd
import pytest

from corevar.frame import COLUMNS
from corevar.news.kinds import EXAMPLE, news_extras
from corevar.registry import Registry
from corevar.theses import evaluate, parse_theses
from corevar.theses.plugins import kinds

THESIS = """
version: 1
theses:
  - id: R6
    text: SYNTHETIC feud thesis
    stance: rebuttal
    source: {{title: synthetic, url: "https://example.org"}}
    rules:
      - {rule}
"""


def judge(rule: str, news: object) -> tuple[str, str]:
    theses = parse_theses(THESIS.format(rule=rule))
    extras = None if news is None else {"news": news}
    result = evaluate(theses, pd.DataFrame(columns=list(COLUMNS)), Registry.bundled(), extras=extras)
    (r,) = result.theses[0].rules
    return r.verdict.value, r.explanation


def news(signals: list[str], topic: str = "Musk and Altman feud") -> pd.DataFrame:
    rows = [{"title": f"SYNTHETIC {topic} {i}", "published": f"2025-01-{i + 1:02d}", "signal": s,
             "category": {"noise": "noise", "core": "revenue", "context": "capital_markets"}[s]}
            for i, s in enumerate(signals)]  # fmt: skip
    rows.append(
        {"title": "SYNTHETIC other core news", "published": "2025-01-20", "signal": "core", "category": "users"}
    )
    return pd.DataFrame(rows)


RULE = "{kind: news_noise, topic: [Musk, Altman], noise_share: 0.6, min_items: 3}"


def test_registered_and_example_parses() -> None:
    assert "news_noise" in kinds()
    parse_theses(THESIS.format(rule="{" + ", ".join(EXAMPLE.strip().splitlines()) + "}"))


@pytest.mark.parametrize(
    "signals",
    [["noise"] * 4, ["noise", "noise", "core", "noise", "core"], ["noise", "core", "noise", "core"],
     ["noise", "core", "noise", "core", "context"], ["core", "core", "core", "noise"]],
)  # fmt: skip
def test_noise_share_verdicts(signals: list[str]) -> None:
    got, text = judge(RULE, news(signals))
    share = signals.count("noise") / len(signals)
    expected = "supported" if share >= 0.6 else "mixed" if share >= 0.45 else "contradicted"
    assert got == expected, text
    assert f"{signals.count('noise')} of {len(signals)} items" in text


def test_insufficient_without_news_or_with_too_few_items() -> None:
    assert judge(RULE, None)[0] == "insufficient_data"
    verdict, text = judge(RULE, news(["noise"]))
    assert verdict == "insufficient_data" and "only 1" in text


def test_window_and_any_match() -> None:
    rule = "{kind: news_noise, topic: [Musk, Altman], match: any, start: 2025-01-03, min_items: 2}"
    verdict, text = judge(rule, news(["core", "core", "noise", "noise"]))
    assert verdict == "supported" and "2 of 2 items" in text


def test_reaction_without_prices_is_said() -> None:
    rule = "{kind: news_noise, topic: [Musk, Altman], min_items: 1, basket: openai-bloomberg, market: sp500}"
    assert "not measured: no prices" in judge(rule, news(["noise"]))[1]


def test_news_extras_from_the_labelled_set() -> None:
    frame = news_extras(None)["news"]
    assert {"title", "published", "signal", "category"} <= set(frame.columns)
    assert frame["published"].notna().all() and (frame["tier"] == "label").all()
    verdict, text = judge(RULE.replace("min_items: 3", "min_items: 2"), frame)
    assert verdict in ("supported", "mixed", "contradicted"), text


def test_news_extras_needs_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """R6's bundled coverage is the stored labels: it must work where scikit-learn and torch are absent."""
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "torch", None)
    frame = news_extras(None)["news"]
    assert len(frame) > 100 and set(frame["signal"]) <= {"core", "context", "noise"}
    verdict, text = judge(RULE.replace("min_items: 3", "min_items: 5"), frame)
    assert verdict == "supported", text
