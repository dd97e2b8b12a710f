"""End to end through the real store and CLI: new data moves a verdict, and every output carries the new stamp."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corevar.cli import app
from tests.conftest import row, write_csv

runner = CliRunner()


def _verdicts() -> tuple[dict[str, str], str]:
    result = runner.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    return {t["id"]: t["verdict"] for t in doc["theses"]}, doc["dataset_version"]


def test_ingesting_claude_code_usage_moves_r7(bundled_db: Path, tmp_path: Path) -> None:
    before, version = _verdicts()
    assert before["R7"] == "insufficient_data"  # the bundled data has no Claude Code user count
    usage = write_csv(
        tmp_path / "claude_code.csv",
        [
            row(
                entity="anthropic",
                product="claude-code",
                metric="coding_usage",
                value=value,
                as_of=day,
                published=day,
                note="SYNTHETIC Claude Code weekly users for this test",
            )
            for value, day in (("1000000", "2026-01-01"), ("1050000", "2026-03-31"), ("1100000", "2026-05-31"))
        ],
    )
    assert runner.invoke(app, ["ingest", str(usage)]).exit_code == 0
    after, new_version = _verdicts()
    assert after["R7"] == "supported"  # Codex's weekly users grew far faster than +10% in five months
    assert new_version != version
    assert {k: v for k, v in after.items() if k != "R7"} == {k: v for k, v in before.items() if k != "R7"}


def test_as_of_reads_only_what_was_published_then(bundled_db: Path) -> None:
    now = json.loads(runner.invoke(app, ["check", "-f", "json"]).output)
    early = json.loads(runner.invoke(app, ["check", "-f", "json", "--as-of", "2024-06-30"]).output)
    assert early["as_of"].startswith("2024-06-30")
    b1_now = next(t for t in now["theses"] if t["id"] == "B1")
    b1_early = next(t for t in early["theses"] if t["id"] == "B1")
    assert b1_now["verdict"] == "supported"
    assert b1_early["verdict"] == "insufficient_data"  # the 1B target was only reported in 2026
