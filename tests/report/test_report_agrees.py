"""What a reader sees in the report must be what `corevar check` and `corevar show` say."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from corevar.cli import app
from corevar.units import format_value

runner = CliRunner()


def test_claim_cards_match_corevar_check(rendered, report_db):
    _, html, report = rendered
    result = runner.invoke(app, ["--db", str(report_db), "check", "--format", "json"])
    assert result.exit_code == 0, result.output
    checked = json.loads(result.output)
    assert checked["dataset_version"] == report.dataset_version
    for thesis in checked["theses"]:
        card = re.search(rf'id="claim-{re.escape(thesis["id"])}" data-thesis="[^"]+" data-verdict="([a-z_]+)"', html)
        assert card and card.group(1) == thesis["verdict"], thesis["id"]


def test_scorecard_users_match_corevar_show(rendered, report_db):
    _, html, report = rendered
    result = runner.invoke(app, ["--db", str(report_db), "show", "openai", "weekly_active_users", "--product",
                                 "chatgpt", "--format", "json"])
    assert result.exit_code == 0, result.output
    actual = ("official", "reported", "estimate")  # show lists targets too, marked by their kind
    rows = [r for r in json.loads(result.output) if not r["basis"] and r["kind"] in actual]
    latest = max(rows, key=lambda r: (r["as_of"], r["published"]))
    cell = report.scorecard["openai"]["users"]
    assert cell.series is not None and cell.series.metric == "weekly_active_users"
    assert cell.series.latest.value == latest["value"]
    assert cell.series.latest.as_of.isoformat() == latest["as_of"][:10]
    assert format_value(latest["value"], "users") in html
