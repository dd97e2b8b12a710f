"""Basket series (buy and hold, rebalanced), contributions, the metrics table and basket comparison.
Every price here is SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corevar import chains
from corevar.analytics import risk
from tests.chains.synthetic import walk


def _basket(rebalancing: str = "none", weights: str = "equal", **extra) -> chains.Basket:
    members = [
        {
            "ticker": t,
            "exchange": "X",
            "company": t,
            "role": "test",
            "currency": cur,
            "sources": [{"url": "https://example.org/synthetic", "publisher": "SYNTHETIC"}],
            **extra.get(t, {}),
        }
        for t, cur in (("A.US", "USD"), ("B.US", "USD"), ("C.T", "JPY"))
    ]
    return chains.Basket.model_validate(
        {"id": "test", "name": "Test", "weights": weights, "rebalancing": rebalancing, "constituents": members}
    )


def _prices() -> pd.DataFrame:
    return walk({"A.US": 0.5, "B.US": -0.2, "C.T": 1.0}, "2025-01-01", "2025-12-31", seed=4)


def test_buy_and_hold_value_and_contributions():
    px = _prices()
    got = chains.basket_series(_basket(), px, currency="local")
    wide = px.pivot(index="date", columns="ticker", values="close")
    manual = (wide / wide.iloc[0]).mean(axis=1)
    np.testing.assert_allclose(got.value.to_numpy(), manual.to_numpy(), rtol=1e-12)
    assert got.contribution.sum() == pytest.approx(got.total, rel=1e-12)
    assert got.contribution["C.T"] == pytest.approx((wide["C.T"].iloc[-1] / wide["C.T"].iloc[0] - 1) / 3)


@pytest.mark.parametrize("rebalancing", ["monthly", "quarterly"])
def test_rebalancing_resets_weights_and_contributions_still_add_up(rebalancing):
    px = _prices()
    got = chains.basket_series(_basket(rebalancing), px, currency="local")
    wide = px.pivot(index="date", columns="ticker", values="close")
    rets = wide.pct_change().iloc[1:]
    per = wide.index.to_period("M" if rebalancing == "monthly" else "Q")
    # manual: back to equal weights at the close of each period's first trading day, buy and hold in between
    level, value = 1.0, [1.0]
    prev = wide.iloc[0]
    weights = pd.Series(1 / 3, index=wide.columns)
    holdings = weights / prev
    for i, day in enumerate(rets.index):
        now = wide.loc[day]
        v = float((holdings * now).sum()) * level
        value.append(v)
        if per[i + 1] != per[i]:
            level, holdings = v, weights / now
    np.testing.assert_allclose(got.value.to_numpy(), value, rtol=1e-10)
    assert got.contribution.sum() == pytest.approx(got.total, rel=1e-10)
    assert got.total != pytest.approx(chains.basket_series(_basket(), px, currency="local").total)


def test_custom_weights_usd_and_members_missing_at_the_open():
    px = _prices()
    px = px[~((px["ticker"] == "B.US") & (px["date"] < "2025-03-01"))]  # B lists later
    fx = pd.DataFrame({"currency": "JPY", "date": pd.bdate_range("2025-01-01", "2025-12-31"), "usd_per_unit": 0.0065})
    basket = _basket(weights="custom", **{"A.US": {"weight": 3}, "B.US": {"weight": 1}, "C.T": {"weight": 1}})
    got = chains.basket_series(basket, px, fx=fx, currency="USD")
    assert got.excluded == ("B.US",)
    assert got.weights.to_dict() == pytest.approx({"A.US": 0.75, "C.T": 0.25})
    local = chains.basket_series(basket, px, currency="local")
    assert got.total == pytest.approx(local.total)  # a constant FX rate changes no return
    with pytest.raises(ValueError, match="no FX series for JPY"):
        chains.basket_series(basket, px, currency="USD")


def test_metrics_table_matches_the_analytics_one_pass():
    px = walk({"A.US": 0.5, "B.US": -0.2, "SPX": 0.1}, "2025-01-01", "2025-12-31", seed=9)
    wide = chains.align(px).prices
    table = chains.metrics(wide, benchmark="SPX")
    assert list(table.columns) == ["start", "end", *risk.METRICS]
    rets = wide.pct_change().iloc[1:]
    expected = risk.performance(rets[["A.US"]].to_numpy(), rets["SPX"].to_numpy())
    for name, values in expected.items():
        assert table.loc["A.US", name] == pytest.approx(values[0], rel=1e-12, nan_ok=True)
    assert table.loc["SPX", "beta"] == pytest.approx(1.0)
    long = chains.metrics(px)  # long input is aligned first; no benchmark, no alpha/beta
    assert "beta" not in long.columns and long.loc["A.US", "sharpe_ratio"] == pytest.approx(
        table.loc["A.US", "sharpe_ratio"]
    )


def test_metrics_trims_each_series_to_its_own_life():
    px = walk({"A.US": 0.5, "B.US": 0.3}, "2025-01-01", "2025-12-31", seed=2)
    px = px[~((px["ticker"] == "B.US") & (px["date"] < "2025-07-01"))]
    table = chains.metrics(chains.align(px).prices)
    b = px[px["ticker"] == "B.US"]["close"].to_numpy()
    rets = b[1:] / b[:-1] - 1
    assert table.loc["B.US", "annual_return"] == pytest.approx(risk.annual_return(rets), rel=1e-12)
    assert str(table.loc["B.US", "start"]) >= "2025-07-01"


def test_compare_two_baskets_over_a_window():
    px = _prices()
    other = chains.Basket.model_validate(
        {**_basket().model_dump(), "id": "other", "name": "Other", "constituents": [_basket().constituents[0]]}
    )
    table = chains.compare([_basket(), other], px, start="2025-04-01", end="2025-10-31", currency="local")
    assert list(table["basket"]) == ["test", "other"]
    first, second = table.iloc[0], table.iloc[1]
    assert second["vs_first"] == pytest.approx((1 + second["total_return"]) / (1 + first["total_return"]) - 1)
    assert str(first["start"]) >= "2025-04-01" and str(first["end"]) <= "2025-10-31"


@pytest.mark.parametrize("window", [(None, None), ("2025-03-03", "2025-09-30"), ("2025-06-15", None)])
def test_a_pre_aligned_basket_values_every_window_like_the_prices(window):
    px = _prices()
    px = px[~((px["ticker"] == "C.T") & px["date"].between("2025-05-01", "2025-05-20"))]  # a reported gap
    fx = pd.DataFrame({"currency": "JPY", "date": pd.bdate_range("2025-01-01", "2025-12-31"), "usd_per_unit": 0.0065})
    basket = _basket("monthly")
    full = chains.basket_prices(basket, px, fx=fx, currency="USD")
    start, end = window
    direct = chains.basket_series(basket, px, fx=fx, start=start, end=end, currency="USD")
    reused = chains.basket_series(basket, px, start=start, end=end, currency="USD", aligned=full)
    pd.testing.assert_series_equal(direct.value, reused.value)
    pd.testing.assert_frame_equal(direct.gaps, reused.gaps)
    assert direct.total == reused.total
