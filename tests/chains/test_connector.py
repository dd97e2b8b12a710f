"""The Yahoo Finance connector against the response shapes yfinance returns, with sockets disabled.

The frames below are SYNTHETIC numbers laid out exactly as ``yfinance.download(..., group_by="column",
auto_adjust=False, multi_level_index=True)`` lays them out (columns ``(Price, Ticker)``, a ``Date`` index, NaN where
one symbol did not trade), and as the flat one-ticker layout (``multi_level_index=False``). No test reaches Yahoo.
"""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest

from corevar import chains
from corevar.connectors import yfinance as yc

KNOWN = chains.known_tickers(chains.bundled_baskets())
FIELDS = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a connector test tried to open a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def recorded(symbols: list[str], days: list[str], closes: dict[str, list[float]]) -> pd.DataFrame:
    """A frame in yfinance's multi-level ``group_by="column"`` layout (SYNTHETIC values)."""
    cols = pd.MultiIndex.from_product([FIELDS, symbols], names=["Price", "Ticker"])
    index = pd.DatetimeIndex(pd.to_datetime(days), name="Date")
    data = np.full((len(days), len(cols)), np.nan)
    frame = pd.DataFrame(data, index=index, columns=cols)
    for s in symbols:
        c = np.array(closes[s], dtype=float)
        frame[("Close", s)] = c
        frame[("Adj Close", s)] = c * 0.99
        frame[("Open", s)], frame[("High", s)], frame[("Low", s)] = c, c * 1.01, c * 0.98
        frame[("Volume", s)] = np.where(np.isnan(c), np.nan, 1000.0)
    return frame


def test_symbols_map_to_yahoo_and_back():
    q = yc.transform_query(["ORCL.US", "9984.T", "601138.SH", "SPX", "1729.HK"], "2025-04-28", "2026-04-28")
    assert q.symbols == ("ORCL", "9984.T", "601138.SS", "^GSPC", "1729.HK")
    assert q.end == "2026-04-29"  # Yahoo's end is exclusive
    assert q.back["601138.SS"] == "601138.SH"
    with pytest.raises(ValueError, match="before start"):
        yc.transform_query(["ORCL.US"], "2026-01-02", "2025-01-02")


def test_multi_level_frame_becomes_records_that_pass_validation():
    q = yc.transform_query(["ORCL.US", "9984.T"], "2025-01-02", "2025-01-06")
    raw = recorded(
        ["9984.T", "ORCL"],
        ["2025-01-02", "2025-01-03", "2025-01-06"],
        {"ORCL": [100.0, 101.0, 102.0], "9984.T": [np.nan, 9000.0, 9100.0]},
    )  # Tokyo shut on 01-02
    got = yc.transform_data(q, raw, KNOWN)
    assert list(got.columns) == ["date", "ticker", "close", "adj_close", "currency"]
    assert len(got) == 5 and set(got["ticker"]) == {"ORCL.US", "9984.T"}
    assert got.loc[got["ticker"] == "9984.T", "currency"].unique().tolist() == ["JPY"]
    checked = chains.read_price_file("yahoo-finance", KNOWN, frame=got).prices
    assert checked["adj_close"].iloc[0] == pytest.approx(checked["close"].iloc[0] * 0.99)


def test_flat_single_ticker_frame_and_tz_aware_index():
    q = yc.transform_query(["NVDA.US"], "2025-01-02", "2025-01-03")
    raw = recorded(["NVDA"], ["2025-01-02", "2025-01-03"], {"NVDA": [140.0, 144.0]})
    flat = raw.droplevel(1, axis=1).rename_axis(None, axis=1)
    flat.index = flat.index.tz_localize("America/New_York")
    got = yc.transform_data(q, flat, KNOWN)
    assert got["ticker"].tolist() == ["NVDA.US", "NVDA.US"] and got["date"].tolist() == ["2025-01-02", "2025-01-03"]


def test_fx_quotes_are_inverted_to_dollars_per_unit():
    raw = recorded(["JPY=X"], ["2025-01-02"], {"JPY=X": [160.0]})
    got = yc.transform_fx(raw, ["JPY", "USD"])
    assert got.to_dict("records") == [{"date": "2025-01-02", "currency": "JPY", "usd_per_unit": 1 / 160.0}]


def test_fetch_calls_download_once_with_unadjusted_columns(monkeypatch):
    yfinance = pytest.importorskip("yfinance")
    calls = []

    def fake_download(symbols, **kwargs):
        calls.append((symbols, kwargs))
        return recorded(["AMD"], ["2025-01-02"], {"AMD": [120.0]})

    monkeypatch.setattr(yfinance, "download", fake_download)
    got = yc.fetch_prices(["AMD.US"], "2025-01-02", "2025-01-02", KNOWN)
    assert got["ticker"].tolist() == ["AMD.US"]
    symbols, kwargs = calls[0]
    assert symbols == ["AMD"] and kwargs["auto_adjust"] is False and kwargs["end"] == "2025-01-03"


def test_an_empty_response_gives_no_records():
    q = yc.transform_query(["AMD.US"], "2025-01-02", "2025-01-02")
    assert yc.transform_data(q, pd.DataFrame(), KNOWN).empty


def test_prices_fetch_writes_files_that_ingest_cleanly(monkeypatch, tmp_path):
    yfinance = pytest.importorskip("yfinance")
    from typer.testing import CliRunner

    from corevar.cli.chains import prices_app

    def fake_download(symbols, **kwargs):  # Yahoo's layout, SYNTHETIC closes
        days = ["2025-01-02", "2025-01-03"]
        if symbols == ["JPY=X"]:
            return recorded(["JPY=X"], days, {"JPY=X": [157.0, 158.0]})
        return recorded(symbols, days, {s: [100.0, 101.0] for s in symbols})

    monkeypatch.setattr(yfinance, "download", fake_download)
    out = tmp_path / "px.csv"
    runner = CliRunner()
    got = runner.invoke(
        prices_app, ["fetch", "openai-bloomberg", "--from", "2025-01-02", "--to", "2025-01-03", "--out", str(out)]
    )
    assert got.exit_code == 0, got.output
    assert "Wrote 12 closes of 6 tickers" in got.output and (tmp_path / "px.fx.csv").exists()
    db = str(tmp_path / "f.duckdb")
    done = runner.invoke(prices_app, ["ingest", str(out), str(tmp_path / "px.fx.csv"), "--db", db])
    assert done.exit_code == 0 and "14 added" in done.output, done.output
