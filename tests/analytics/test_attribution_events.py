"""Return attribution (the parts add up) and the market-model event study, on SYNTHETIC inputs only."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corevar.analytics import attribution, events


def test_earnings_growth_alone_is_all_of_the_return():
    got = attribute_one(eps=(2.0, 4.0), price=(40.0, 80.0))
    assert got.total == pytest.approx(1.0)
    assert got.earnings_growth == pytest.approx(1.0) and got.rerating == pytest.approx(0.0, abs=1e-15)
    assert got.earnings_share == pytest.approx(1.0)


def attribute_one(eps, price=None, pe=None, dividends=0.0):
    kw = {"price_start": price[0], "price_end": price[1]} if price else {"pe_start": pe[0], "pe_end": pe[1]}
    return attribution.attribute(eps[0], eps[1], dividends=dividends, **kw)


def test_log_shares_split_a_tripling_between_earnings_and_multiple():
    got = attribute_one(eps=(1.0, 2.0), pe=(10.0, 15.0))  # price 10 -> 30
    assert got.total == pytest.approx(2.0)
    assert got.earnings_share == pytest.approx(math.log(2) / math.log(3))
    assert got.rerating_share == pytest.approx(math.log(1.5) / math.log(3))
    assert got.dividends == 0


def test_parts_add_up_to_the_total_for_many_stocks_and_for_the_basket():
    rng = np.random.default_rng(5)
    n = 500
    e0, e1 = rng.uniform(0.5, 5, n), rng.uniform(0.5, 5, n)
    p0, p1 = rng.uniform(10, 300, n), rng.uniform(10, 300, n)
    d = rng.uniform(0, 3, n)
    got = attribution.attribute(e0, e1, price_start=p0, price_end=p1, dividends=d)
    np.testing.assert_allclose(got.total, (p1 + d) / p0 - 1, rtol=1e-12)
    np.testing.assert_allclose(got.earnings_growth + got.rerating + got.dividends, got.total, rtol=1e-12, atol=1e-14)
    shares = got.earnings_share + got.rerating_share + got.dividends_share
    np.testing.assert_allclose(shares[got.total != 0], 1.0, rtol=1e-9)
    w = rng.uniform(0, 1, n)
    basket = attribution.basket_attribution(got, w)
    assert float(basket.total) == pytest.approx(float((w / w.sum()) @ got.total), rel=1e-12)
    parts = basket.earnings_growth + basket.rerating + basket.dividends
    assert float(parts) == pytest.approx(float(basket.total), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps_start": -1.0, "eps_end": 2.0, "price_start": 1.0, "price_end": 2.0}, "eps_start must be positive"),
        ({"eps_start": 1.0, "eps_end": 2.0}, "give price_start and price_end"),
        ({"eps_start": 1.0, "eps_end": 2.0, "pe_start": 5.0, "pe_end": 6.0, "dividends": 1.0}, "need prices"),
    ],
)
def test_undefined_splits_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        attribution.attribute(**kwargs)


def _market_and_stock(rows=400, shock_day=300, shock=-0.10, seed=11):
    rng = np.random.default_rng(seed)
    m = rng.normal(3e-4, 0.01, rows)
    r = 2e-4 + 1.3 * m + rng.normal(0, 0.004, rows)
    r[shock_day] += shock
    return r, m


def test_a_shock_shows_as_a_significant_negative_car():
    r, m = _market_and_stock()
    study = events.event_study(r, m, [300])
    one = study.events[0]
    assert one.beta == pytest.approx(1.3, abs=0.1)
    assert one.car == pytest.approx(-0.10, abs=0.02)
    assert one.t < -8 and study.t == pytest.approx(one.t)
    day0 = events.event_study(r, m, [300], window=(0, 0))
    assert day0.rank_t == pytest.approx(-0.5 / math.sqrt(1 / 12), rel=0.05)  # the lowest rank of ~250 uniform ranks
    assert study.negative == 1 and study.sign_p == 1.0  # one event: a sign test cannot be significant


def test_car_variance_is_the_exact_ols_prediction_variance():
    r, m = _market_and_stock(shock=0.0)
    study = events.event_study(r, m, [300], window=(0, 0), estimation=(-200, -1))
    a, b, s, n, xtx_inv = events.market_model(r[100:300], m[100:300])
    x0 = np.array([1.0, m[300]])
    assert study.events[0].car == pytest.approx(r[300] - a - b * m[300])
    assert study.events[0].car_se == pytest.approx(s * math.sqrt(1 + x0 @ xtx_inv @ x0))
    resid = r[100:300] - a - b * m[100:300]
    assert s == pytest.approx(float(np.sqrt(resid @ resid / (n - 2))))


def test_many_events_aggregate_with_sign_and_rank_tests():
    rng = np.random.default_rng(3)
    m = rng.normal(0, 0.01, 500)
    r = np.column_stack([0.9 * m + rng.normal(0, 0.005, 500) for _ in range(8)])
    r[400, :] -= 0.05  # every member of the SYNTHETIC basket falls on day 400
    study = events.event_study(r, m, [(j, 400) for j in range(8)], window=(0, 1))
    assert study.n == 8 and study.negative == 8
    assert study.sign_p == pytest.approx(2 / 2**8)
    assert study.caar < -0.04 and study.t < -5 and study.rank_p < 0.01


def test_missing_days_are_skipped_and_short_histories_refused():
    r, m = _market_and_stock()
    r[250:260] = np.nan
    assert math.isfinite(events.event_study(r, m, [300]).events[0].car)
    with pytest.raises(ValueError, match="need rows"):
        events.event_study(r, m, [100])
    r[:290] = np.nan
    with pytest.raises(ValueError, match="only 0 days"):
        events.event_study(r, m, [300])
    with pytest.raises(ValueError, match="must end before"):
        events.event_study(r, m, [300], estimation=(-10, 0))
