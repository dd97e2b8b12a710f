"""The chain rule kinds judge from prices when there are some and from reported moves when not, and B7, R5 and
B8 move when a SYNTHETIC price file is ingested (end to end through the store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corevar import chains
from corevar.theses.engine import evaluate
from corevar.theses.parser import parse_theses
from corevar.theses.plugins import kinds
from tests.chains.synthetic import walk, write_csv

THESES = Path(__file__).with_name("chain_theses.yaml")
BASKETS = chains.bundled_baskets()
KNOWN = chains.known_tickers(BASKETS)
OPENAI = BASKETS["openai-chain"].tickers
GOOGLE = BASKETS["google-chain"].tickers
WSJ = "2026-04-28"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from corevar.store import Store

    path = tmp_path_factory.mktemp("chains") / "chains.duckdb"
    with Store(path, mode="w") as st:  # the bundled dataset: its reported basket returns are the fallback
        yield st


def _check(store, text: str | None = None, **extras):
    theses = parse_theses(text if text is not None else THESES.read_text(encoding="utf-8"), "chain_theses.yaml")
    got = evaluate(theses, store.frame(), store.registry(), extras=chains.engine_extras(store) | extras, robust=False)
    return {t.id: t for t in got.theses}


def _rules(result):
    return {r.kind + ":" + r.label: r for r in result.rules}


def test_the_three_kinds_are_registered_with_examples_that_parse():
    for name in ("chain_return", "chain_event", "chain_attribution"):
        kind = kinds()[name]
        assert kind.doc and kind.section == "stock chains"
        rule = kind.model.model_validate(__import__("yaml").safe_load(kind.example))
        assert rule.kind == name
        for field, info in kind.model.model_fields.items():
            assert field == "kind" or info.description, f"{name}.{field} needs a description"


def test_without_prices_the_verdicts_come_from_reported_moves(store):
    got = _check(store)
    b7 = got["B7"].rules[0]
    assert b7.explanation.startswith("reported: ") and b7.figures["from_prices"] == 0.0
    assert b7.verdict.value == "mixed"  # Bloomberg's +146% vs +74%: the direction holds, not the claimed +300%
    assert "claimed" in b7.explanation
    b8 = got["B8"].rules[0]
    assert b8.explanation.startswith("reported: ") and b8.verdict.value == "supported"
    assert b8.figures["mean_abnormal"] < -0.03
    r5 = _rules(got["R5"])
    assert r5["chain_return:OpenAI-linked stocks still beat the Nasdaq-100 over the same window"].verdict.value == (
        "supported"
    )  # +74% vs the Nasdaq-100's +22% (reported)
    assert got["R5"].verdict.value == "insufficient_data"  # the attribution has no reported fallback


def _ingest(store, tmp_path, frame, name="prices.csv"):
    path = tmp_path / name
    write_csv(frame, path)
    return chains.ingest_prices(store, [path], KNOWN)


def test_b7_r5_b8_move_when_a_price_file_is_ingested(tmp_path_factory):
    from corevar.store import Store

    with Store(tmp_path_factory.mktemp("e2e") / "e2e.duckdb", mode="w") as st:
        before = {k: v.verdict.value for k, v in _check(st).items()}
        # SYNTHETIC: over the year the OpenAI chain beats the Google chain, and nothing happens on the WSJ day.
        drift = {t: 0.6 for t in OPENAI} | {t: 0.1 for t in GOOGLE} | {"SPX": 0.05, "NDX": 0.05}
        result = _ingest(st, tmp_path_factory.mktemp("px"), walk(drift, seed=3, vol=0.005))
        assert result.added == result.rows > 0
        after = _check(st)
        moved = {k: (before[k], v.verdict.value) for k, v in after.items()}
        assert moved == {
            "B7": ("mixed", "contradicted"),
            "B8": ("supported", "contradicted"),
            "R5": ("insufficient_data", "supported"),
        }
        for thesis in after.values():
            for rule in thesis.rules:
                if rule.kind.startswith("chain_"):
                    assert rule.figures["from_prices"] == 1.0 and "prices.csv" in rule.explanation


def test_a_shock_on_the_news_day_supports_b8_from_prices(tmp_path_factory):
    from corevar.store import Store

    with Store(tmp_path_factory.mktemp("shock") / "s.duckdb", mode="w") as st:
        drift = {t: 0.3 for t in OPENAI + GOOGLE} | {"SPX": 0.05, "NDX": 0.05}
        shocks = {(t, WSJ): -0.08 for t in BASKETS["openai-bloomberg"].tickers}
        _ingest(st, tmp_path_factory.mktemp("px"), walk(drift, seed=5, shocks=shocks))
        b8 = _check(st)["B8"].rules[0]
        assert b8.verdict.value == "supported" and b8.figures["caar"] < -0.06 and b8.figures["t"] < -5


def test_prices_that_miss_the_window_or_the_members_fall_back_to_reported(store, tmp_path):
    short = walk({t: 0.2 for t in OPENAI + GOOGLE}, "2025-10-01", "2026-06-30", seed=1)
    only_market = walk({"SPX": 0.1, "NDX": 0.1}, seed=1)
    for frame, why in ((short, "not within 7 days"), (only_market, "prices cover 0%")):
        got = _check(store, prices=frame.assign(source="synthetic"))
        b7 = got["B7"].rules[0]
        assert b7.explanation.startswith("reported: ") and why in b7.explanation


def test_prices_published_after_the_as_of_date_are_not_used(store):
    frame = walk({t: 0.2 for t in OPENAI + GOOGLE} | {"SPX": 0.1, "NDX": 0.1}, seed=2).assign(source="synthetic")
    theses = parse_theses(THESES.read_text(encoding="utf-8"), "chain_theses.yaml")
    extras = chains.engine_extras(store) | {"prices": frame}
    got = evaluate(theses, store.frame(), store.registry(), as_of="2026-01-15", extras=extras, robust=False)
    b7 = {t.id: t for t in got.theses}["B7"].rules[0]
    assert b7.explanation.startswith("reported: ")  # the window ends 2026-04-28, after the as-of date


CUSTOM = """
version: 1
theses:
  - id: X1
    text: SYNTHETIC attribution checks
    stance: bear
    source: {title: test, publisher: test}
    rules:
      - kind: chain_attribution
        basket: alphabet-bloomberg
        start: 2025-04-28
        end: 2026-04-28
        by: earnings_growth
        op: ">="
        value: 0.5
"""


def test_attribution_without_prices_or_eps_is_insufficient(store):
    got = _check(store, CUSTOM)["X1"].rules[0]
    assert got.verdict.value == "insufficient_data" and "needs prices" in got.explanation
    frame = walk({t: 0.2 for t in GOOGLE}, seed=2).assign(source="synthetic")
    got = _check(store, CUSTOM, prices=frame)["X1"].rules[0]
    assert got.verdict.value == "insufficient_data" and "needs eps observations" in got.explanation


def test_unknown_baskets_are_named(store):
    text = CUSTOM.replace("basket: alphabet-bloomberg", "basket: no-such-basket")
    got = _check(store, text)["X1"].rules[0]
    assert got.verdict.value == "insufficient_data" and "unknown basket no-such-basket" in got.explanation


def test_attribution_by_earnings_growth_uses_eps_observations(store):
    """SYNTHETIC EPS rows: earnings double over the window for every Alphabet-basket member."""
    import pandas as pd

    ents = {"GOOGL.US": "google", "AVGO.US": "broadcom", "LITE.US": "lumentum", "CLS.US": "celestica"}
    base = store.frame()
    rows = []
    for i, ent in enumerate(ents.values()):
        for day, eps in (("2025-04-25", 2.0), ("2026-04-24", 4.0)):
            rows.append(
                {
                    **{c: None for c in base.columns},
                    "id": f"synthetic-eps-{i}-{day}",
                    "entity": ent,
                    "metric": "eps",
                    "value": eps,
                    "unit": "usd",
                    "as_of": pd.Timestamp(day),
                    "published": pd.Timestamp(day),
                    "kind": "reported",
                    "source_url": "https://example.org/x",
                    "publisher": "SYNTHETIC",
                }
            )
    frame = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    members = [*ents, "TTMI.US"]
    prices = walk({t: 1.0 for t in members}, seed=8, vol=0.004).assign(source="synthetic")
    theses = parse_theses(CUSTOM.replace("value: 0.5", "value: 0.9"), "x.yaml")
    extras = chains.engine_extras(store) | {"prices": prices}
    got = evaluate(theses, frame, store.registry(), extras=extras, robust=False).theses[0].rules[0]
    # EPS x2 explains ln 2 / ln(1 + R_i) of member i's return R_i (identity in analytics.attribution)
    import math

    bs = chains.basket_series(
        chains.bundled_baskets()["alphabet-bloomberg"], prices, start="2025-04-28", end="2026-04-28", currency="local"
    )
    parts = {t: c for t, c in bs.contribution.items() if t in ents}
    expected = sum(c * math.log(2) / math.log1p(c / bs.weights[t]) for t, c in parts.items()) / sum(parts.values())
    assert got.figures["share"] == pytest.approx(expected, rel=1e-9)
    assert got.verdict.value == ("supported" if expected >= 0.9 else "contradicted"), got.explanation
    assert "80% of its weight" in got.explanation and len(got.evidence) == 8
