"""Baskets load with a source for every member; price files are validated strictly, all-or-nothing; calendars
are aligned honestly. Every price here is SYNTHETIC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corevar import chains
from corevar.errors import IngestError
from tests.chains.synthetic import walk, write_csv

BASKETS = chains.bundled_baskets()
KNOWN = chains.known_tickers(BASKETS)
TODAY = dt.date(2026, 11, 30)


# -- baskets ---------------------------------------------------------------------------------------------------


def test_shipped_baskets_and_benchmarks():
    assert {"openai-chain", "google-chain", "anthropic-chain", "sp500", "nasdaq-100"} <= set(BASKETS)
    assert BASKETS["sp500"].kind == "benchmark" and BASKETS["google-chain"].kind == "chain"
    assert {"9984.T", "300308.SZ", "1729.HK", "000660.KS", "2454.TW"} <= set(KNOWN)  # listings as they are
    assert KNOWN["9984.T"] == "JPY" and KNOWN["300308.SZ"] == "CNY" and KNOWN["ORCL.US"] == "USD"


def test_every_member_has_a_membership_source():
    for basket in BASKETS.values():
        for c in basket.constituents:
            assert c.sources and all(s.url.startswith("http") and s.publisher for s in c.sources), c.ticker


def test_etf_proxies_are_not_members():
    assert "159381.SZ" not in BASKETS["google-chain"].tickers and "515050.SH" not in BASKETS["google-chain"].tickers


def _basket_yaml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(body, encoding="utf-8")
    return path


MEMBER = """
  - ticker: {t}
    exchange: NYSE
    company: Co {t}
    role: test
    {extra}
    sources: [{{url: https://example.org/synthetic, publisher: SYNTHETIC}}]"""


def test_weights_custom_and_market_cap(tmp_path):
    body = (
        "id: mine\nname: Mine\nweights: custom\nconstituents:"
        + MEMBER.format(t="ORCL.US", extra="weight: 3")
        + (MEMBER.format(t="AMD.US", extra="weight: 1"))
    )
    basket = chains.load_basket_file(_basket_yaml(tmp_path, body))
    np.testing.assert_allclose(basket.weight_vector(), [0.75, 0.25])
    body = body.replace("weights: custom", "weights: market_cap").replace("weight: 3", "market_cap: 1.0e12")
    with pytest.raises(IngestError, match=r"mine.yaml.*market_cap needs every constituent's market_cap; missing: AMD"):
        chains.load_basket_file(_basket_yaml(tmp_path, body))


def test_a_user_basket_replaces_a_shipped_one(tmp_path):
    body = "id: sp500\nname: Mine\nconstituents:" + MEMBER.format(t="ORCL.US", extra="")
    got = chains.load_baskets([_basket_yaml(tmp_path, body)])
    assert got["sp500"].name == "Mine" and "google-chain" in got


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("id: Not An Id", 'field "id"'),
        ("rebalancing: weekly", 'field "rebalancing"'),
        ("constituents: []", 'field "constituents"'),
    ],
)
def test_bad_baskets_name_file_and_field(tmp_path, change, message):
    body = "id: mine\nname: Mine\nconstituents:" + MEMBER.format(t="ORCL.US", extra="")
    key = change.split(":")[0]
    lines = [ln for ln in body.splitlines() if not ln.startswith(key + ":")] if key != "constituents" else []
    text = "\n".join([*lines, change]) if key != "constituents" else "id: mine\nname: Mine\n" + change
    with pytest.raises(IngestError, match=message):
        chains.load_basket_file(_basket_yaml(tmp_path, text))


# -- reading and validating price files ------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "px.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_long_csv_with_optional_columns(tmp_path):
    path = _write(
        tmp_path, "date,ticker,close,currency,adj_close\n2025-01-02,ORCL.US,100,USD,99.5\n2025-01-02,9984.T,9000,,\n"
    )
    got = chains.read_price_file(path, KNOWN, today=TODAY).prices
    assert list(got["currency"]) == ["USD", "JPY"]  # the basket's currency when the file leaves it empty
    assert got["adj_close"].iloc[0] == 99.5 and np.isnan(got["adj_close"].iloc[1])


def test_wide_csv_and_parquet_read_the_same(tmp_path):
    wide = _write(tmp_path, "date,ORCL.US,AMD.US\n2025-01-02,100,50\n2025-01-03,,51\n")
    got = chains.read_price_file(wide, KNOWN, today=TODAY).prices
    assert len(got) == 3 and set(got["ticker"]) == {"ORCL.US", "AMD.US"}
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-03"]),
            "ticker": ["AMD.US", "ORCL.US", "AMD.US"],
            "close": [50.0, 100.0, 51.0],
        }
    )
    frame.to_parquet(tmp_path / "px.parquet")
    pq = chains.read_price_file(tmp_path / "px.parquet", KNOWN, today=TODAY).prices
    key = ["ticker", "date"]
    pd.testing.assert_frame_equal(
        pq.sort_values(key).reset_index(drop=True)[[*key, "close"]],
        got.sort_values(key).reset_index(drop=True)[[*key, "close"]],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date,ticker,close\n2025-01-02,ORCL.US,100\n2025-01-02,ORCX.US,5\n",
            "px.csv:3: field \"ticker\": unknown ticker 'ORCX.US'",
        ),
        ("date,ticker,close\n2025-01-02,ORCL.US,-3\n", 'px.csv:2: field "close": close must be a positive number'),
        ("date,ticker,close\n2025-01-02,ORCL.US,0\n", 'px.csv:2: field "close"'),
        ("date,ticker,close\n2025-01-02,ORCL.US,abc\n", 'px.csv:2: field "close"'),
        ("date,ticker,close\n2025-02-30,ORCL.US,100\n", 'px.csv:2: field "date": 2025-02-30 is not a real calendar'),
        ("date,ticker,close\n02/01/2025,ORCL.US,100\n", "is not a date (expected YYYY-MM-DD)"),
        ("date,ticker,close\n2027-01-04,ORCL.US,100\n", "is after today"),
        (
            "date,ticker,close\n2025-01-02,ORCL.US,100\n2025-01-02,ORCL.US,101\n",
            'px.csv:3: field "date": duplicate date 2025-01-02 for ORCL.US (first on line 2)',
        ),
        ("date,ticker,close,currency\n2025-01-02,9984.T,9000,USD\n", "USD differs from JPY"),
        ("date,ticker,close,adj_close\n2025-01-02,ORCL.US,100,-1\n", 'field "adj_close"'),
        ("date,ORCL.US,AMD.US\n2025-01-02,100,-5\n", 'px.csv:2: field "AMD.US": close must be a positive number'),
        ("ticker,close\nORCL.US,100\n", 'px.csv:1: field "date": missing column'),
        ("date,currency,usd_per_unit\n2025-01-02,JPY,0\n", 'field "usd_per_unit"'),
    ],
)
def test_bad_price_files_name_file_line_and_field(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(IngestError) as err:
        chains.read_price_file(path, KNOWN, today=TODAY)
    assert expected in str(err.value)
    assert "Nothing was written" in str(err.value)


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    path = _write(tmp_path, "date,ticker,close\n2025-01-02,NOPE,1\n2025-13-01,ORCL.US,1\n2025-01-03,AMD.US,-1\n")
    with pytest.raises(IngestError) as err:
        chains.read_price_file(path, KNOWN, today=TODAY)
    assert [p.line for p in err.value.problems] == [2, 3, 4]


def test_ingest_is_all_or_nothing_and_idempotent(tmp_path):
    from corevar.store import Store

    good = tmp_path / "good.csv"
    write_csv(walk({"ORCL.US": 0.1, "SPX": 0.05}, "2025-01-02", "2025-03-31"), good)
    bad = _write(tmp_path, "date,ticker,close\n2025-01-02,ORCL.US,100\n2025-01-03,ORCL.US,-1\n", "bad.csv")
    fx = _write(tmp_path, "date,currency,usd_per_unit\n2025-01-02,JPY,0.0064\n", "fx.csv")
    with Store(tmp_path / "db.duckdb", mode="w", load_bundled=False) as store:
        with pytest.raises(IngestError, match=r"bad\.csv:3"):
            chains.ingest_prices(store, [good, bad], KNOWN, today=TODAY)
        assert len(store.prices()) == 0 and len(store.fx()) == 0  # the good file was not written either
        first = chains.ingest_prices(store, [good, fx], KNOWN, today=TODAY)
        again = chains.ingest_prices(store, [good], KNOWN, today=TODAY)
        assert first.added == first.rows == len(store.prices()) + 1 and again.added == 0
        assert set(store.prices()["source"]) == {"good.csv"}
        clash = _write(tmp_path, "date,ticker,close\n2025-01-02,ORCL.US,1\n", "clash.csv")
        with pytest.raises(IngestError, match=r"ORCL\.US on 2025-01-02"):
            chains.ingest_prices(store, [good, clash], KNOWN, today=TODAY)


# -- calendars -------------------------------------------------------------------------------------------------


def _long(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "ticker", "close"]).assign(date=lambda d: pd.to_datetime(d["date"]))


def test_short_holidays_are_carried_long_gaps_are_left_empty_and_reported():
    frame = _long(
        [
            ("2025-01-02", "A.US", 10),
            ("2025-01-03", "A.US", 11),
            ("2025-01-06", "A.US", 12),
            ("2025-01-02", "B.T", 100),
            ("2025-01-06", "B.T", 110),  # a Friday holiday: carried over 4 days
            ("2025-01-02", "C.SZ", 5),
            ("2025-01-20", "C.SZ", 6),
        ]  # 18 days without a close: a gap
        + [(d.strftime("%Y-%m-%d"), "A.US", 12) for d in pd.bdate_range("2025-01-07", "2025-01-20")]
    )
    got = chains.align(frame, ["A.US", "B.T", "C.SZ"], field="close")
    assert got.prices.loc["2025-01-03", "B.T"] == 100  # carried
    assert np.isnan(got.prices.loc["2025-01-08", "C.SZ"])  # beyond the 5-day limit: empty
    assert got.prices.loc["2025-01-06", "C.SZ"] == 5  # within 4 days of the last close
    gap = got.gaps.iloc[0]
    assert (gap["ticker"], gap["days"]) == ("C.SZ", 18) and len(got.gaps) == 1
    rets = chains.returns_from_prices(got.prices)
    assert rets.loc["2025-01-20", "C.SZ"] == pytest.approx(0.2)  # the move over the gap is kept whole


def test_nothing_before_the_first_close_or_after_the_last():
    frame = _long([("2025-01-02", "A.US", 10), ("2025-01-03", "A.US", 11), ("2025-01-03", "B.US", 7)])
    got = chains.align(frame, field="close").prices
    assert np.isnan(got.loc["2025-01-02", "B.US"])
    frame = _long([("2025-01-02", "A.US", 10), ("2025-01-06", "A.US", 11), ("2025-01-02", "B.US", 7)])
    assert np.isnan(chains.align(frame, field="close").prices.loc["2025-01-06", "B.US"])


def test_usd_conversion_uses_the_same_days_rate_and_names_missing_currencies():
    frame = _long([("2025-01-02", "9984.T", 10000), ("2025-01-03", "9984.T", 11000)])
    fx = pd.DataFrame(
        {
            "currency": ["JPY", "JPY"],
            "date": pd.to_datetime(["2025-01-02", "2025-01-03"]),
            "usd_per_unit": [0.0060, 0.0066],
        }
    )
    wide = chains.align(frame, field="close").prices
    usd = chains.to_usd(wide, KNOWN, fx)
    assert usd["9984.T"].tolist() == pytest.approx([60.0, 72.6])
    with pytest.raises(ValueError, match="no FX series for JPY"):
        chains.to_usd(wide, KNOWN, fx.iloc[0:0])
