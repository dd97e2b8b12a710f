"""corevar's return and risk metrics agree with empyrical to 1e-9 on the same inputs, NaN handling included.

Table-driven on the kinds of series empyrical's own tests use (flat, rising, falling, mixed with a NaN, one
return, empty, noise and its mirror), each on 1-D input, on 2-D input (the cases as columns side by side) and
through the one-pass ``performance``. Every series here is SYNTHETIC.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from corevar.analytics import returns as R
from corevar.analytics import risk as K

ep = pytest.importorskip("empyrical")

RTOL, ATOL = 1e-9, 1e-12
nan = np.nan

_rng = np.random.default_rng(20260428)
_noise = _rng.normal(0.0, 0.001, 9)

CASES: dict[str, np.ndarray] = {
    "benchmark": np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]) / 100,
    "positive": np.array([1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]) / 100,
    "negative": np.array([0.0, -6.0, -7.0, -1.0, -9.0, -2.0, -6.0, -8.0, -5.0]) / 100,
    "all_negative": np.array([-2.0, -6.0, -7.0, -1.0, -9.0, -2.0, -6.0, -8.0, -5.0]) / 100,
    "mixed_nan": np.array([nan, 1.0, 10.0, -4.0, 2.0, 3.0, 2.0, 1.0, -10.0]) / 100,
    "nan_inside": np.array([1.0, nan, 3.0, nan, -2.0, 4.0, nan, 1.0, -1.0]) / 100,
    "flat_1pct": np.full(9, 0.01),
    "flat_0": np.zeros(9),
    "noise": _noise,
    "inverse_noise": -_noise,
    "crash": np.array([0.05, -1.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0]),
}
SHORT: dict[str, np.ndarray] = {"one": np.array([0.01]), "empty": np.array([], dtype=float), "all_nan": np.full(3, nan)}

FACTOR = CASES["benchmark"]
FACTOR_NAN = np.array([0.01, 0.0, nan, 0.02, -0.01, 0.0, 0.01, nan, 0.0])

# (our function, empyrical's function, keyword arguments) -- the same keywords go to both.
UNARY = [
    (R.cum_returns_final, ep.cum_returns_final, {}),
    (R.cum_returns_final, ep.cum_returns_final, {"starting_value": 100}),
    (R.annual_return, ep.annual_return, {}),
    (R.annual_return, ep.annual_return, {"period": "monthly"}),
    (R.annual_return, ep.annual_return, {"annualization": 365}),
    (R.cagr, ep.cagr, {"period": "weekly"}),
    (R.annual_volatility, ep.annual_volatility, {}),
    (R.annual_volatility, ep.annual_volatility, {"period": "quarterly", "alpha": 3.0}),
    (K.max_drawdown, ep.max_drawdown, {}),
    (K.sharpe_ratio, ep.sharpe_ratio, {}),
    (K.sharpe_ratio, ep.sharpe_ratio, {"risk_free": 0.001, "period": "monthly"}),
    (K.sortino_ratio, ep.sortino_ratio, {}),
    (K.sortino_ratio, ep.sortino_ratio, {"required_return": 0.002, "period": "weekly"}),
    (K.downside_risk, ep.downside_risk, {}),
    (K.downside_risk, ep.downside_risk, {"required_return": 0.01, "period": "yearly"}),
    (K.calmar_ratio, ep.calmar_ratio, {}),
    (K.calmar_ratio, ep.calmar_ratio, {"period": "monthly"}),
]
BINARY = [
    (K.beta, ep.beta, {}),
    (K.beta, ep.beta, {"risk_free": 0.01}),
    (K.alpha, ep.alpha, {}),
    (K.alpha, ep.alpha, {"risk_free": 0.001, "period": "monthly"}),
]


def _theirs(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return np.asarray(fn(*args, **kwargs), dtype=float)


def _close(ours, theirs) -> None:
    np.testing.assert_allclose(np.asarray(ours, dtype=float), theirs, rtol=RTOL, atol=ATOL, equal_nan=True)


def _id(entry) -> str:
    ours, _, kwargs = entry
    return ours.__name__ + ("-" + "-".join(f"{k}={v}" for k, v in kwargs.items()) if kwargs else "")


@pytest.mark.parametrize("case", list(CASES) + list(SHORT))
@pytest.mark.parametrize("entry", UNARY, ids=_id)
def test_one_series_agrees_with_empyrical(entry, case):
    ours, theirs, kwargs = entry
    series = {**CASES, **SHORT}[case]
    with np.errstate(all="ignore"):
        got = ours(series, **kwargs)
    assert isinstance(got, float)
    _close(got, _theirs(theirs, series.copy(), **kwargs))


@pytest.mark.parametrize("entry", [e for e in UNARY if e[0] is not K.calmar_ratio], ids=_id)
def test_side_by_side_columns_agree_with_empyrical_on_the_whole_array(entry):
    ours, theirs, kwargs = entry
    table = np.column_stack(list(CASES.values()))
    with np.errstate(all="ignore"):
        got = ours(table, **kwargs)
    assert got.shape == (table.shape[1],)
    _close(got, _theirs(theirs, table.copy(), **kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"period": "monthly"}])
def test_calmar_takes_columns_where_empyrical_takes_one_series(kwargs):
    table = np.column_stack(list(CASES.values()))
    expected = [_theirs(ep.calmar_ratio, table[:, j].copy(), **kwargs) for j in range(table.shape[1])]
    with np.errstate(all="ignore"):
        _close(K.calmar_ratio(table, **kwargs), np.array(expected))


@pytest.mark.parametrize("factor", [FACTOR, FACTOR_NAN], ids=["factor", "factor_with_nan"])
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("entry", BINARY, ids=_id)
def test_against_a_benchmark_agrees_with_empyrical(entry, case, factor):
    ours, theirs, kwargs = entry
    series = CASES[case]
    with np.errstate(all="ignore"):
        got = ours(series, factor, **kwargs)
    _close(got, _theirs(theirs, series.copy(), factor.copy(), **kwargs))


@pytest.mark.parametrize("factor", [FACTOR, FACTOR_NAN], ids=["factor", "factor_with_nan"])
def test_alpha_beta_on_columns_agrees_with_empyrical_aligned(factor):
    table = np.column_stack(list(CASES.values()))
    expected = _theirs(ep.alpha_beta_aligned, table.copy(), factor.copy()[:, None], risk_free=0.0005)
    with np.errstate(all="ignore"):
        got = K.alpha_beta(table, factor, risk_free=0.0005)
    assert got.shape == (table.shape[1], 2)
    _close(got, expected)


def test_correlation_is_pandas_pairwise_pearson():
    pd = pytest.importorskip("pandas")
    table = np.column_stack(list(CASES.values()))
    expected = pd.DataFrame(table).corrwith(pd.Series(FACTOR_NAN)).to_numpy()
    with np.errstate(all="ignore"):
        _close(K.correlation(table, FACTOR_NAN), expected)
    assert np.isnan(K.correlation(CASES["flat_1pct"], FACTOR))  # a constant series has no correlation


def _wide_panel(rows: int = 700, cols: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """SYNTHETIC daily returns: late listings (leading NaN), scattered gaps, flat columns and an empty one."""
    rng = np.random.default_rng(7)
    r = rng.normal(4e-4, 0.02, (rows, cols))
    r[rng.random((rows, cols)) < 0.03] = nan
    for j in range(0, cols, 7):
        r[: rng.integers(1, rows // 2), j] = nan
    r[:, 1] = 0.002
    r[:, 2] = nan
    r[:, 3] = nan  # listed late and flat since: zero dispersion must still be exact
    r[rows // 2 :, 3] = 0.001
    f = rng.normal(3e-4, 0.01, rows)
    f[rng.random(rows) < 0.02] = nan
    return r, f


@pytest.mark.parametrize("block_elements", [1, 97, 1 << 16])
def test_one_pass_performance_equals_empyrical_metric_by_metric(block_elements):
    r, f = _wide_panel()
    rf, req = 0.0001, 0.0002
    with np.errstate(all="ignore"):
        got = K.performance(r, f, risk_free=rf, required_return=req, block_elements=block_elements)
    assert list(got) == list(K.METRICS)
    expected = {
        "cum_returns_final": _theirs(ep.cum_returns_final, r),
        "annual_return": _theirs(ep.annual_return, r),
        "annual_volatility": _theirs(ep.annual_volatility, r),
        "max_drawdown": _theirs(ep.max_drawdown, r),
        "sharpe_ratio": _theirs(ep.sharpe_ratio, r, risk_free=rf),
        "sortino_ratio": _theirs(ep.sortino_ratio, r, required_return=req),
        "calmar_ratio": np.array([_theirs(ep.calmar_ratio, r[:, j].copy()) for j in range(r.shape[1])]),
        "alpha": _theirs(ep.alpha_aligned, r, f[:, None], risk_free=rf),
        "beta": _theirs(ep.beta_aligned, r, f[:, None]),
    }
    for name, want in expected.items():
        _close(got[name], want)
    with np.errstate(all="ignore"):
        _close(got["correlation"], K.correlation(r, f))
        _close(got["max_drawdown_duration"], K.max_drawdown_duration(r))


def test_one_pass_performance_without_benchmark_and_on_one_series():
    r, _ = _wide_panel(200, 5)
    with np.errstate(all="ignore"):
        got = K.performance(r[:, 0])
    assert set(got) == set(K.METRICS) - {"alpha", "beta", "correlation"}
    assert got["sharpe_ratio"].shape == (1,)
    _close(got["sharpe_ratio"][0], K.sharpe_ratio(r[:, 0]))
    with np.errstate(all="ignore"):
        short = K.performance(np.array([[0.01, nan]]), np.array([0.0]))
    assert np.isnan(short["annual_volatility"]).all() and np.isnan(short["beta"]).all()


@pytest.mark.parametrize(
    ("series", "duration"),
    [
        (np.array([0.1, -0.1, 0.05, 0.06, -0.01]), 2.0),  # under water two periods, then a new high, then one
        (np.array([-0.1, 0.0, 0.0, 0.0]), 4.0),  # a first-period loss never recovered: to the end
        (np.array([0.01, 0.02]), 0.0),
        (np.array([0.1, nan, -0.1, nan, 0.2]), 2.0),  # a NaN period is flat: at the peak, or under water
    ],
)
def test_max_drawdown_duration_counts_periods_under_water(series, duration):
    assert K.max_drawdown_duration(series) == duration


def test_relative_performance_is_a_wealth_ratio():
    a = np.array([1.0, 0.0])  # +100% then flat: wealth 2
    b = np.array([0.0, 0.25])  # flat then +25%: wealth 1.25
    _close(R.relative_performance(a, b), np.array([1.0, 0.6]))
    two = np.column_stack([a, b])
    assert R.relative_performance(two, b).shape == (2, 2)
    with pytest.raises(ValueError, match="one return per period"):
        R.relative_performance(a, np.zeros(3))


def test_contributions_add_up_to_the_basket_total():
    r, _ = _wide_panel(120, 6)
    r = np.nan_to_num(r[:, 3:6])
    w = np.array([0.5, 0.3, 0.2])
    parts = R.contribution(r, w)
    basket = (w * np.prod(1 + r, axis=0)).sum() - 1
    assert parts.sum() == pytest.approx(basket, rel=1e-12)


def test_simple_returns_and_cum_returns_match_empyrical():
    prices = np.array([[10.0, 5.0], [11.0, nan], [12.1, 5.5], [9.68, 6.05]])
    _close(R.simple_returns(prices), _theirs(ep.simple_returns, prices))
    rets = np.column_stack([CASES["mixed_nan"], CASES["noise"]])
    _close(R.cum_returns(rets), _theirs(ep.cum_returns, rets.copy()))
    _close(R.cum_returns(rets, 100), _theirs(ep.cum_returns, rets.copy(), 100))


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="period cannot be 'hourly'"):
        R.annual_return(CASES["positive"], period="hourly")
    with pytest.raises(ValueError, match="returns must be one series"):
        R.annual_return(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="factor_returns must have one return per period"):
        K.beta(CASES["positive"], np.zeros(3))
    with pytest.raises(ValueError, match="annualization must be"):
        R.annual_return(CASES["positive"], annualization=0)


def test_drawdowns_of_many_columns_are_walked_and_equal_the_full_array_path():
    r, _ = _wide_panel(300, 130)  # above the 64-column threshold: the blocked walk
    with np.errstate(all="ignore"):
        _close(K.max_drawdown(r), _theirs(ep.max_drawdown, r))
        by_column = [K.max_drawdown_duration(r[:, j]) for j in range(r.shape[1])]
        _close(K.max_drawdown_duration(r), np.array(by_column))
