"""``corevar report`` on the command line: one library call, the terminal summary rendered from the view."""

from __future__ import annotations

from typer.testing import CliRunner

from corevar.cli import app

runner = CliRunner()


def _args(db, out, *extra: str) -> list[str]:
    return ["--db", str(db), "report", "--out", str(out), *extra]


def test_report_cli_writes_html_and_prints_the_bottom_line(report_db, tmp_path):
    result = runner.invoke(app, _args(report_db, tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "corevar-report.html").is_file()
    assert "Report written to" in result.output
    assert "Bottom line" in result.output
    assert "B1" in result.output


def test_report_cli_markdown(report_db, tmp_path):
    result = runner.invoke(app, _args(report_db, tmp_path, "--format", "md"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "corevar-report.md").is_file()


def test_report_cli_bad_theses_file_writes_nothing(report_db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("theses: 3\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(report_db), "report", "--out", str(tmp_path), "--theses", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output
    assert not (tmp_path / "corevar-report.html").exists()


def test_terminal_summary_mirrors_the_first_screen_tiles_and_chains(report_db, tmp_path):
    result = runner.invoke(app, _args(report_db, tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Key numbers" in result.output
    assert "Stock chains" in result.output and "corevar prices ingest" in result.output


def test_since_takes_a_date_and_says_so_for_a_dataset_version(report_db, tmp_path):
    import pytest

    from corevar.report import write_report

    with pytest.raises(ValueError, match=r"takes a date .*keeps no earlier versions"):
        write_report(tmp_path, db=report_db, since="f462fe10dc7d")
    assert not (tmp_path / "corevar-report.html").exists()
