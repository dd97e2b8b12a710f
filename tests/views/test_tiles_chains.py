"""The first screen's KPI tiles and the stock-chain section of the view model.

Frames and prices here are SYNTHETIC (publisher "SYNTHETIC", random-walk closes), never real figures.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from corevar.views import Snapshot, build
from corevar.views.sections.chains import END, START

from .conftest import empty_check, frame, series


def _view(rows, registry, extras=None, **kw):
    return build(Snapshot(frame(rows), registry, "synthetic", (), extras), empty_check(), **kw)


def _lab_rows():
    start = date(2024, 1, 1)
    rows = []
    for lab, product in (("openai", "chatgpt"), ("anthropic", "claude"), ("google", "gemini")):
        rows += series(lab, "weekly_active_users", "users", start, 5, product=product)
        rows += series(lab, "monthly_active_users", "users", start, 5, product=product)
    return rows


def test_tiles_are_four_to_six_scorecard_cells_with_value_metric_change_date_and_kind(registry):
    view = _view(_lab_rows(), registry)
    assert 4 <= len(view.tiles) <= 6
    cells = {
        (lab.id, row.label, cell.text, cell.kind, cell.as_of)
        for row in view.scorecard.rows
        for lab, cell in zip(view.scorecard.labs, row.cells, strict=True)
        if cell.value is not None
    }
    for tile in view.tiles:
        assert tile.value and tile.metric and tile.kind and tile.month
        # a tile is a scorecard cell lifted up: the same text, kind and date, never recomputed
        assert any(
            t[0] == tile.entity and t[2] == tile.value and t[3] == tile.kind and t[4] == tile.as_of for t in cells
        )
    first = view.tiles[0]
    assert (first.entity, first.subject, first.metric) == ("openai", "ChatGPT", "Weekly active users")
    assert first.change.endswith("months")  # growth over the actual window, not annualised


def test_no_tiles_without_data(registry):
    view = _view([], registry)
    assert view.tiles == ()


def _reported_rows():
    common = {"metric": "basket_return", "unit": "fraction", "kind": "reported", "as_of": date(2025, 12, 5)}
    return [
        {**common, "entity": "google_chain", "value": 1.5, "basis": "from 2024-12-31"},
        {**common, "entity": "openai_chain", "value": 0.7, "basis": "from 2024-12-31"},
        {**common, "entity": "sp500", "value": 0.2, "basis": "from 2024-12-31"},
        {**common, "entity": "oracle", "value": -0.04, "basis": "from 2026-04-27", "as_of": date(2026, 4, 28)},
    ]


def test_chains_without_prices_list_the_reported_moves_and_say_how_to_add_prices(registry):
    view = _view(_reported_rows(), registry)
    c = view.chains
    assert c is not None and c.mode == "reported"
    assert (c.start, c.end) == (START, END)
    assert {"openai-chain", "google-chain", "sp500"} <= {b.id for b in c.baskets}
    chain = next(b for b in c.baskets if b.id == "google-chain")
    assert chain.kind == "chain" and chain.members and all(m.role for m in chain.members)
    assert [m.level for m in c.moves][:3] == ["basket", "basket", "benchmark"]
    google = next(m for m in c.moves if m.entity == "google_chain")
    assert (google.text, google.window, google.kind) == ("+150%", "2024-12-31 → 2025-12-05", "reported")
    assert "corevar prices ingest" in " ".join(c.commands) and "corevar prices fetch" in " ".join(c.commands)
    assert c.rows == ()


def _synthetic_prices():
    """SYNTHETIC closes: the Google chain drifts up 3x, the OpenAI chain +50%, the benchmarks +10%."""
    import numpy as np
    import pandas as pd

    from corevar.chains import bundled_baskets

    baskets = bundled_baskets()
    drift = {t: 0.5 for t in baskets["openai-chain"].tickers}
    drift |= {t: 2.0 for t in baskets["google-chain"].tickers}
    drift |= {t: 0.1 for b in ("sp500", "nasdaq-100") for t in baskets[b].tickers}
    days = pd.bdate_range("2025-01-02", "2026-06-30")
    rng = np.random.default_rng(7)
    frames = []
    for ticker, d in drift.items():
        daily = np.log1p(d) / len(days) + rng.normal(0, 0.01, len(days))
        close = 100.0 * np.exp(np.cumsum(daily))
        frames.append(pd.DataFrame({"ticker": ticker, "date": days, "close": close, "adj_close": close}))
    return pd.concat(frames, ignore_index=True), baskets


def test_chains_with_prices_compare_baskets_over_the_seed_posts_year(registry):
    prices, baskets = _synthetic_prices()
    extras = {"baskets": {k: baskets[k] for k in ("openai-chain", "google-chain", "sp500", "nasdaq-100")}}
    extras["prices"] = prices
    view = _view(_reported_rows(), registry, extras=extras)
    c = view.chains
    assert c is not None and c.mode == "prices" and c.moves == ()
    rows = {r.basket: r for r in c.rows}
    assert [r.kind for r in c.rows] == ["chain", "chain", "benchmark", "benchmark"]
    assert c.benchmark == "S&P 500"  # the first benchmark shown
    g, o = rows["google-chain"], rows["openai-chain"]
    assert g.total_return.value > o.total_return.value > rows["sp500"].total_return.value
    assert g.start >= START and g.end <= END
    for r in c.rows:
        assert math.isfinite(r.volatility.value) and r.volatility.value > 0
        assert -1 < r.max_drawdown.value <= 0
        assert r.total_return.text.endswith("%")
    assert "pp vs S&P 500" in g.vs_benchmark and rows["sp500"].vs_benchmark == ""
    # the same figure the chains package gives for the same window
    from corevar import chains

    bs = chains.basket_series(baskets["google-chain"], prices, start=START, end=END, currency="local")
    assert g.total_return.value == pytest.approx(bs.total, rel=1e-12)


def test_chain_window_ends_at_the_data_cut(registry):
    rows = [r for r in _reported_rows() if r["as_of"] < date(2026, 1, 1)]
    view = _view(rows, registry, as_of=date(2025, 12, 31))
    assert view.chains.end == date(2025, 12, 5)  # the newest publication actually used
