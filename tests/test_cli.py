"""The command line: formats, exit codes, messages, and a start-up that does not load the heavy stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from corevar.cli import app
from corevar.store import Store
from tests.conftest import row, write_csv

runner = CliRunner()


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from corevar.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('duckdb', 'pandas', 'pyarrow', 'plotly', 'numpy', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_every_command_has_help_with_an_explanation() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("metrics", "entities", "show", "sources", "conflicts", "ingest", "add"):
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Usage" in sub.output


def test_show_chatgpt_users_with_sources(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "openai", "weekly_active_users", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) >= 8
    assert all(r["source_url"].startswith("http") and r["publisher"] for r in rows)
    chatgpt = [r for r in rows if r["product"] == "chatgpt"]
    assert chatgpt[0]["as_of"] < chatgpt[-1]["as_of"]


def test_show_as_of_hides_later_publications(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "openai", "weekly_active_users", "--as-of", "2024-12-31", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert all(r["published"][:10] <= "2024-12-31" for r in json.loads(result.output))


def test_show_unknown_names_and_bad_dates(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "acme"])
    assert result.exit_code == 2
    assert 'Error: unknown entity "acme"; known:' in result.output
    result = runner.invoke(app, ["show", "openai", "users"])
    assert result.exit_code == 2 and 'unknown metric "users"' in result.output
    result = runner.invoke(app, ["show", "openai", "--as-of", "2025-02-30"])
    assert result.exit_code == 2 and 'Error: --as-of "2025-02-30" is not a date; expected YYYY-MM-DD' in result.output


def test_csv_format_and_metrics(bundled_db: Path) -> None:
    result = runner.invoke(app, ["metrics", "--format", "csv"])
    assert result.exit_code == 0
    header = result.output.splitlines()[0].split(",")
    assert header[:4] == ["id", "core_variable", "unit", "higher_is_better"]
    assert "weekly_active_users" in result.output


def test_sources_and_conflicts(bundled_db: Path) -> None:
    sources = json.loads(runner.invoke(app, ["sources", "-f", "json"]).output)
    assert len(sources) > 50 and all(s["url"].startswith("http") for s in sources)
    clashes = json.loads(runner.invoke(app, ["conflicts", "-f", "json"]).output)
    keys = {(c["entity"], c["product"], c["metric"], c["basis"], c["as_of"]) for c in clashes}
    assert clashes and sum(c["shown"] for c in clashes) == len(keys)  # exactly one shown per disagreement


def test_ingest_bad_file_exit_code_and_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    Store(db, load_bundled=False).close()
    bad = write_csv(tmp_path / "obs.csv", [row(), row(value="13B")])
    result = runner.invoke(app, ["--db", str(db), "ingest", str(bad)])
    assert result.exit_code == 2
    assert f'Error: {bad}:3: field "value": value "13B" is not a number' in result.output
    with Store(db, load_bundled=False) as store:
        before = store.count()
    good = write_csv(tmp_path / "good.csv", [row()])
    result = runner.invoke(app, ["--db", str(db), "ingest", str(good)])
    assert result.exit_code == 0 and "1 added, 0 already stored" in result.output
    with Store(db, load_bundled=False) as store:
        assert store.count() == before + 1


def test_add_uses_human_numbers_and_validation(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    base = ["--db", db, "add", "openai", "weekly_active_users", "800M", "--product", "chatgpt", "--as-of",
            "2025-10-06", "--published", "2025-10-06", "--kind", "official", "--publisher", "SYNTHETIC",
            "--source-url", "https://example.org/synthetic"]
    assert runner.invoke(app, base).exit_code == 0
    again = runner.invoke(app, base)
    assert "Already stored" in again.output
    bad = runner.invoke(app, [*base[:5], "lots", *base[6:]])
    assert bad.exit_code == 2
    assert 'corevar add:2: field "value": "lots" is not a number' in bad.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback is not None]
    missing = [name for name in names if f"corevar {name.removesuffix('_command')}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_cli_reference_is_current() -> None:
    """docs/cli-reference.md is rendered from --help; regenerate it with `python -m corevar.clidoc`."""
    from corevar.clidoc import render

    path = Path(__file__).resolve().parent.parent / "docs" / "cli-reference.md"
    stale = "stale: run python -m corevar.clidoc > docs/cli-reference.md"
    assert path.read_text(encoding="utf-8") == render() + "\n", stale
