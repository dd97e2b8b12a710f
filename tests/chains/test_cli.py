"""``corevar chains ...`` and ``corevar prices ...`` on a store holding SYNTHETIC prices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corevar import chains
from corevar.cli.chains import app, prices_app
from tests.chains.synthetic import walk, write_csv

runner = CliRunner()
BASKETS = chains.bundled_baskets()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("cli")
    drift = {t: 0.5 for t in BASKETS["openai-chain"].tickers} | {t: 2.0 for t in BASKETS["google-chain"].tickers}
    drift |= {"SPX": 0.1, "NDX": 0.15}
    shocks = {(t, "2026-04-28"): -0.08 for t in BASKETS["openai-bloomberg"].tickers}
    write_csv(walk(drift, vol=0.005, shocks=shocks), folder / "px.csv")
    path = str(folder / "cli.duckdb")
    got = runner.invoke(prices_app, ["ingest", str(folder / "px.csv"), "--db", path])
    assert got.exit_code == 0, got.output
    assert "added" in got.output
    return path


def _json(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_list_and_show():
    rows = _json(runner.invoke(app, ["list", "-f", "json"]))
    assert {"openai-chain", "google-chain", "anthropic-chain", "sp500", "nasdaq-100"} <= {r["id"] for r in rows}
    members = _json(runner.invoke(app, ["show", "anthropic-chain", "-f", "json"]))
    assert [m["ticker"] for m in members][:2] == ["AMZN.US", "GOOGL.US"] and all(m["url"] for m in members)


def test_the_worked_example_compares_the_two_chains(db):
    args = ["returns", "openai-chain", "google-chain", "--from", "2025-04-28", "--to", "2026-04-28", "--db", db]
    rows = _json(runner.invoke(app, [*args, "-f", "json"]))
    assert [r["basket"] for r in rows] == ["openai-chain", "google-chain"]
    assert rows[1]["total_return"] > rows[0]["total_return"] and rows[0]["vs_first"] == 0
    assert rows[0]["start"].startswith("2025-04-28") and rows[0]["end"].startswith("2026-04-28")
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "Google chain" in table.output


def test_metrics_attribute_and_event(db):
    rows = _json(
        runner.invoke(
            app, ["metrics", "openai-bloomberg", "--benchmark", "sp500", "--members", "--db", db, "-f", "json"]
        )
    )
    names = [r["name"] for r in rows]
    assert names[:2] == ["openai-bloomberg", "sp500"] and "ORCL.US" in names
    assert {"sharpe_ratio", "max_drawdown", "beta", "correlation"} <= set(rows[0])
    parts = _json(
        runner.invoke(
            app,
            ["attribute", "alphabet-bloomberg", "--from", "2025-04-28", "--to", "2026-04-28", "--db", db, "-f", "json"],
        )
    )
    total = parts[-1]
    assert total["ticker"] == "TOTAL"
    assert sum(p["contribution"] for p in parts[:-1]) == pytest.approx(total["return"])
    study = _json(runner.invoke(app, ["event", "openai-bloomberg", "--date", "2026-04-28", "--db", db, "-f", "json"]))
    assert study[-1]["ticker"] == "ALL" and study[-1]["car"] < -0.06


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["returns", "opnai-chain"], 2, "unknown basket 'opnai-chain'"),
        (["returns", "openai-chain", "--from", "2025-13-01"], 2, '--from "2025-13-01" is not a date'),
        (["returns", "openai-chain", "--currency", "USD"], 2, "no FX series for CNY, JPY, TWD"),
        (["event", "openai-chain", "--date", "2026-04-28", "--window", "a,b"], 2, "--window"),
    ],
)
def test_errors_are_one_line_with_exit_codes(db, args, code, message):
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == code and message in result.output, result.output


def test_an_empty_store_says_how_to_get_prices(tmp_path):
    result = runner.invoke(app, ["returns", "openai-chain", "--db", str(tmp_path / "empty.duckdb")])
    assert result.exit_code == 1 and "corevar prices ingest" in result.output


def test_a_bad_price_file_is_refused_whole(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,ticker,close\n2025-01-02,ORCL.US,100\n2025-01-03,ORCL.US,0\n", encoding="utf-8")
    path = str(tmp_path / "b.duckdb")
    result = runner.invoke(prices_app, ["ingest", str(bad), "--db", path])
    assert result.exit_code == 2 and 'bad.csv:3: field "close"' in result.output
    assert runner.invoke(app, ["returns", "openai-chain", "--db", path]).exit_code == 1  # still no prices


def test_events_from_a_file_and_from_the_ledger(db, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,label\n2026-04-28,WSJ report (SYNTHETIC shock in this test)\n2026-02-02,another day\n", encoding="utf-8"
    )
    rows = _json(runner.invoke(app, ["event", "openai-bloomberg", "--events", str(events), "--db", db, "-f", "json"]))
    assert {r["date"][:10] for r in rows[:-1]} == {"2026-02-02", "2026-04-28"}
    assert rows[-1]["note"].startswith("12 events")  # 6 members x 2 days
    ledger = runner.invoke(app, ["event", "openai-bloomberg", "--ledger", "softbank", "--db", db, "-f", "json"])
    assert ledger.exit_code in (0, 1), ledger.output  # the ledger's dates may fall outside the SYNTHETIC prices
    bad = tmp_path / "bad.csv"
    bad.write_text("when\n2026-04-28\n", encoding="utf-8")
    result = runner.invoke(app, ["event", "openai-bloomberg", "--events", str(bad), "--db", db])
    assert result.exit_code == 2 and 'bad.csv:1: field "date"' in result.output
    assert runner.invoke(app, ["event", "openai-bloomberg", "--db", db]).exit_code == 2


def test_corevar_check_judges_b7_r5_b8_from_ingested_prices(tmp_path):
    """End to end through the installed command table: `corevar prices ingest`, then `corevar check`."""
    from corevar.cli import app as corevar

    path = str(tmp_path / "e2e.duckdb")

    def verdicts() -> dict[str, str]:
        got = runner.invoke(corevar, ["--db", path, "check", "-f", "json"])
        assert got.exit_code == 0, got.output
        data = json.loads(got.output)
        theses = data["theses"] if isinstance(data, dict) else data
        return {t["id"]: t["verdict"] for t in theses if t["id"] in ("B7", "B8", "R5")}

    before = verdicts()
    drift = {t: 0.6 for t in BASKETS["openai-chain"].tickers} | {t: 0.1 for t in BASKETS["google-chain"].tickers}
    write_csv(walk(drift | {"SPX": 0.05, "NDX": 0.05}, seed=3, vol=0.005), tmp_path / "px.csv")  # SYNTHETIC
    assert runner.invoke(corevar, ["--db", path, "prices", "ingest", str(tmp_path / "px.csv")]).exit_code == 0
    after = verdicts()
    assert before == {"B7": "mixed", "B8": "supported", "R5": "insufficient_data"}
    assert after == {"B7": "contradicted", "B8": "contradicted", "R5": "supported"}
