"""`corevar news triage` and `corevar news ingest` end to end on a SYNTHETIC feed and a temporary store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corevar.cli import app
from corevar.store import Store

pytest.importorskip("sklearn")
runner = CliRunner()

FEED = [
    {"id": "s1", "title": "SYNTHETIC: OpenAI hits $99 billion in annualized revenue", "published": "2025-10-06",
     "source": "Synthetic Wire", "url": "https://example.org/s1"},
    {"id": "s2", "title": "SYNTHETIC: Musk and Altman trade insults on X", "published": "2025-10-07",
     "source": "Synthetic Wire", "url": "https://example.org/s2"},
    {"title": ""},
]  # fmt: skip


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in FEED) + "\n", encoding="utf-8")
    return path


def test_triage_jsonl_keeps_id_and_url_and_reports_bad_items(feed: Path, bundled_db: Path) -> None:
    result = runner.invoke(app, ["news", "triage", str(feed), "--tiers", "lexical"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [(x["id"], x["url"]) for x in lines] == [("s1", "https://example.org/s1"), ("s2", "https://example.org/s2")]
    first = lines[0]
    assert first["signal"] in ("core", "context", "noise") and 0 < first["confidence"] <= 1
    assert first["entities"] == ["openai"]
    (f,) = first["figures"]
    assert (f["entity"], f["metric"], f["value"]) == ("openai", "arr", 99e9)
    assert f["status"] in ("new", "conflict")  # new, or in conflict with a bundled report near that day
    assert ":3:" in result.stderr and "Skipped 1" in result.stderr


def test_triage_table_csv_out_and_strict(feed: Path, bundled_db: Path, tmp_path: Path) -> None:
    table = runner.invoke(app, ["news", "triage", str(feed), "--format", "table", "--tiers", "lexical"])
    assert table.exit_code == 0 and "SYNTHETIC" in table.stdout
    out = tmp_path / "out.csv"
    csv_run = runner.invoke(app, ["news", "triage", str(feed), "-f", "csv", "--out", str(out), "--tiers", "lexical"])
    assert csv_run.exit_code == 0 and "Triaged 2 item(s)" in csv_run.stdout
    assert out.read_text().splitlines()[0].startswith("position,id,published")
    strict = runner.invoke(app, ["news", "triage", str(feed), "--strict"])
    assert strict.exit_code == 2 and "rejected (--strict)" in strict.stderr
    bad = runner.invoke(app, ["news", "triage", str(feed), "--tiers", "fast"])
    assert bad.exit_code == 2


def test_ingest_accept_new_adds_once(tmp_path: Path, bundled_db: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"title": "SYNTHETIC: Replit reaches $77 billion valuation", "published": "2019-06-03",
                                "source": "Synthetic Wire", "url": "https://example.org/r"}) + "\n")  # fmt: skip
    with Store(bundled_db, mode="r") as s:
        before = s.count_all()
    first = runner.invoke(app, ["news", "ingest", str(path), "--accept", "new"])
    assert first.exit_code == 0, first.output
    assert "1 added" in first.stdout
    again = runner.invoke(app, ["news", "ingest", str(path), "--accept", "new"])
    assert again.exit_code == 0
    with Store(bundled_db, mode="r") as s:
        assert s.count_all() == before + 1
        rows = s.frame(entity="replit", metric="valuation")
    (row,) = rows[rows["source_url"] == "https://example.org/r"].to_dict("records")
    assert row["kind"] == "reported" and row["value"] == 77e9 and row["publisher"] == "Synthetic Wire"


def test_ingest_needs_a_source_url_and_writes_nothing_otherwise(tmp_path: Path, bundled_db: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"title": "SYNTHETIC: Replit reaches $77 billion valuation", "published": "2019-06-03"}))
    with Store(bundled_db, mode="r") as s:
        before = s.count_all()
    result = runner.invoke(app, ["news", "ingest", str(path), "--accept", "new"])
    assert result.exit_code == 2 and "no http(s) URL" in result.stderr
    with Store(bundled_db, mode="r") as s:
        assert s.count_all() == before


def test_ingest_review_flow_and_argument_errors(feed: Path, bundled_db: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.jsonl"
    wrote = runner.invoke(app, ["news", "ingest", str(feed), "--review", str(review)])
    assert wrote.exit_code == 0 and review.exists()
    nothing = runner.invoke(app, ["news", "ingest", str(feed), "--review", str(review)])
    assert nothing.exit_code == 0 and "nothing was written" in nothing.stdout
    assert runner.invoke(app, ["news", "ingest", str(feed)]).exit_code == 2
    assert runner.invoke(app, ["news", "ingest", str(feed), "--accept", "everything"]).exit_code == 2
