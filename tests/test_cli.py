"""The command line: shared options, formats, exit codes, messages, a start-up that loads nothing heavy.

Every store built here holds SYNTHETIC rows (publisher "SYNTHETIC", example.org URLs), never real figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corevar.api import open as open_store
from corevar.cli import COMMANDS, app, load
from corevar.store import Store
from tests.conftest import row, write_csv

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "pydantic",
    "pandas",
    "duckdb",
    "numpy",
    "pyarrow",
    "scipy",
    "plotly",
    "jinja2",
    "yaml",
    "rich",
    "corevar.report",
    "corevar.theses",
    "corevar.api",
    "corevar.store",
    "corevar.cli.data",
    "corevar.cli.check",
)


def test_help_imports_only_typer() -> None:
    """`corevar --help` lists every command from the registration table without importing any command module."""
    code = (
        "import atexit, sys\n"
        f"heavy = {HEAVY!r}\n"
        "atexit.register(lambda: print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr))\n"
        "from corevar.cli import app\n"
        "app(['--help'], prog_name='corevar')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    for name in COMMANDS:
        assert f"  {name} " in done.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_has_help_and_its_summary_matches_its_docstring(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output, result.output
    first_line = (load(name).help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert COMMANDS[name][1] == first_line, f"update the summary of {name} in corevar/cli/__init__.py"


def _leaves(command: object, path: list[str]) -> list[tuple[str, object]]:
    found = [(" ".join(path), command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _leaves(sub, [*path, name])
    return found


def test_every_command_defines_the_shared_options_the_same_way() -> None:
    """--db, --as-of and --format come from cli/_common.py in every command, including the other packages' ones."""
    from corevar.cli._common import AsOfOption, DbOption

    db_help, as_of_help = DbOption.__metadata__[0].help, AsOfOption.__metadata__[0].help
    for name in COMMANDS:
        for where, command in _leaves(load(name), [name]):
            for param in command.params:  # type: ignore[attr-defined]
                opts = set(getattr(param, "opts", []))
                if "--db" in opts:
                    assert (param.help, param.metavar) == (db_help, "PATH"), where
                if "--as-of" in opts and where != "add":  # `add --as-of` is the observation's own date
                    assert (param.help, param.metavar) == (as_of_help, "YYYY-MM-DD"), where
                if "--format" in opts:
                    assert "-f" in opts and "|" in (param.metavar or ""), where  # format_option(...)


def test_entities_add_has_help() -> None:
    result = runner.invoke(app, ["entities", "add", "--help"])
    assert result.exit_code == 0 and "Register your own entity" in result.output


def test_an_error_a_command_lets_through_still_prints_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    """One policy even for a command that forgets `handled()`: the group prints its message and exit code."""
    from corevar.cli import data
    from corevar.errors import UnknownNameError

    def boom() -> None:
        """Fail on purpose."""
        raise UnknownNameError('unknown entity "x"')

    monkeypatch.setattr(data, "_boom", boom, raising=False)
    monkeypatch.setitem(COMMANDS, "boom", ("data:_boom", "Fail on purpose."))
    result = runner.invoke(app, ["boom"])
    assert result.exit_code == 2 and 'Error: unknown entity "x"' in result.output


def test_version() -> None:
    from corevar import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"corevar {__version__}\n"


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["shwo"])
    assert result.exit_code == 2 and "No such command 'shwo'" in result.output


# -- every command reads the store it is told to ------------------------------------------------------------------
SYNTH_URL = "https://example.org/synthetic-a0"


def _prepare(db: Path, tmp: Path) -> str:
    """A store with a SYNTHETIC entity, two disagreeing SYNTHETIC reports of one number; returns its version."""
    with open_store(db, write=True) as cv:
        cv.add_entity(
            {
                "id": "synthco",
                "name": "Synthetic Co",
                "kind": "lab",
                "products": [{"id": "synthchat", "name": "SynthChat", "kind": "assistant"}],
            }
        )
        base = {"entity": "synthco", "product": "synthchat", "source_url": SYNTH_URL, "as_of": "2025-03-01"}
        rows = [
            row(**base, value="1000", published="2025-03-02"),
            row(**base, value="2000", published="2025-03-05", kind="reported"),
        ]
        cv.ingest([write_csv(tmp / "synthetic.csv", rows)])
        return cv.dataset_version()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The non-default store every read-only command must use (it is never written by these tests)."""
    tmp = tmp_path_factory.mktemp("target")
    db = tmp / "target.duckdb"
    return db, _prepare(db, tmp)


# (arguments after the command name, check of (output, store version, work folder))
Check = Callable[[str, str, Path], None]
READERS: dict[str, tuple[list[str], Check]] = {
    "metrics": (["-f", "csv"], lambda out, v, w: _assert("weekly_active_users" in out, out)),
    "entities": (["-f", "csv"], lambda out, v, w: _assert("Synthetic Co" in out, out)),
    "show": (
        ["synthco", "weekly_active_users", "--all", "-f", "json"],
        lambda out, v, w: _assert(len(json.loads(out)) == 2, out),
    ),
    "sources": (["-f", "csv"], lambda out, v, w: _assert(SYNTH_URL in out, out)),
    "conflicts": (
        ["-f", "json"],
        lambda out, v, w: _assert({r["entity"] for r in json.loads(out)} >= {"synthco"}, out),
    ),
    "check": (["-f", "json"], lambda out, v, w: _assert(json.loads(out)["dataset_version"] == v, out)),
    "report": (
        ["-f", "md", "--out", "{work}"],
        lambda out, v, w: _assert(v in (w / "corevar-report.md").read_text(encoding="utf-8"), out),
    ),
}


def _assert(condition: bool, output: str) -> None:
    assert condition, output


def _invoke(how: str, db: Path, command: list[str], env: dict[str, str]) -> str:
    args = {"before": ["--db", str(db), *command], "after": [*command, "--db", str(db)], "env": command}[how]
    if how == "env":
        env = {**env, "COREVAR_DB": str(db)}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _fingerprint(db: Path) -> tuple[str, list[str]]:
    """The store file's bytes and the files beside it: a read-only command changes neither."""
    import hashlib

    return hashlib.md5(db.read_bytes()).hexdigest(), sorted(p.name for p in db.parent.iterdir() if p != db)


def _isolated(tmp: Path) -> tuple[dict[str, str], list[Path]]:
    """Environment pointing $COREVAR_DB and the data directory at decoys; the decoys must stay untouched."""
    decoy, data_home = tmp / "decoy.duckdb", tmp / "xdg"
    return {"COREVAR_DB": str(decoy), "XDG_DATA_HOME": str(data_home)}, [decoy, data_home]


@pytest.mark.parametrize("how", ["before", "after", "env"])
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.extras) if n == "report" else n for n in READERS])
def test_read_command_uses_the_named_store(name: str, how: str, target: tuple[Path, str], tmp_path: Path) -> None:
    """Regression: `corevar --db X check` judged the default store, not X."""
    db, version = target
    env, decoys = _isolated(tmp_path)
    extra, check = READERS[name]
    before = _fingerprint(db)
    output = _invoke(how, db, [name, *(a.replace("{work}", str(tmp_path)) for a in extra)], env)
    check(output, version, tmp_path)
    assert not any(d.exists() for d in decoys), f"{name} touched the default store"
    assert _fingerprint(db) == before, f"{name} wrote to the store it only reads"


WRITERS: dict[str, list[str]] = {
    "ingest": ["ingest", "{csv}"],
    "add": [
        "add",
        "synthco",
        "weekly_active_users",
        "3k",
        "--product",
        "synthchat",
        "--as-of",
        "2025-04-01",
        "--published",
        "2025-04-02",
        "--kind",
        "estimate",
        "--publisher",
        "SYNTHETIC",
        "--source-url",
        SYNTH_URL,
    ],
    "entities add": ["entities", "add", "synthco2", "--name", "Synthetic Two", "--kind", "company"],
}


@pytest.mark.parametrize("how", ["before", "after", "env"])
@pytest.mark.parametrize("name", list(WRITERS))
def test_write_command_uses_the_named_store(name: str, how: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _prepare(db, tmp_path)
    with Store(db, load_bundled=False) as store:
        before = (store.count_all(), store.con.execute("SELECT count(*) FROM entities").fetchone())
    csv = write_csv(tmp_path / "more.csv", [row(entity="synthco", product="synthchat", value="5")])
    env, decoys = _isolated(tmp_path)
    _invoke(how, db, [a.replace("{csv}", str(csv)) for a in WRITERS[name]], env)
    with Store(db, load_bundled=False) as store:
        after = (store.count_all(), store.con.execute("SELECT count(*) FROM entities").fetchone())
    assert after != before
    assert not any(d.exists() for d in decoys)


def test_db_after_the_command_wins_over_db_before(target: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = target
    other = tmp_path / "other" / "x.duckdb"
    result = runner.invoke(app, ["--db", str(other), "sources", "-f", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert SYNTH_URL in result.output and not other.parent.exists()


def test_readme_pipe_with_real_processes(target: tuple[Path, str], tmp_path: Path) -> None:
    """`corevar metrics | corevar entities | corevar sources`, a line of the README: three readers at once."""
    db, _ = target
    bindir = Path(sys.executable).parent
    corevar = bindir / "corevar"
    assert corevar.exists(), f"{corevar}: the corevar console script is not installed (pip install -e .)"
    script = f'"{corevar}" metrics | "{corevar}" entities | "{corevar}" sources >/dev/null; echo "${{PIPESTATUS[@]}}"'
    env = {**os.environ, "COREVAR_DB": str(db)}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "0 0 0", done.stderr  # it was "1 1 0" with DuckDB's raw lock error


@pytest.mark.parametrize("args", [["metrics"], ["sources", "--format", "json"], ["entities", "--format", "csv"]])
def test_a_reader_that_leaves_early_is_not_an_error(target: tuple[Path, str], args: list[str]) -> None:
    """The README pipe exited "1 0 0" in a full CI run: `corevar entities` does not read its input, so it can close the
    pipe while `corevar metrics` still writes, and Click/rich turned the EPIPE into exit 1. `| true` closes the pipe
    at once, every time: the writer must end with exit 0 and say nothing."""
    db, _ = target
    corevar = Path(sys.executable).parent / "corevar"
    script = " ".join(f'"{a}"' for a in (corevar, *args)) + ' | true; echo "${PIPESTATUS[@]}"'
    env = {**os.environ, "COREVAR_DB": str(db)}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "0 0", done.stderr
    assert done.stderr == ""


# -- formats, messages and exit codes -----------------------------------------------------------------------------
def test_show_chatgpt_users_with_sources(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "openai", "weekly_active_users", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) >= 8
    assert all(r["source_url"].startswith("http") and r["publisher"] for r in rows)
    chatgpt = [r for r in rows if r["product"] == "chatgpt"]
    assert chatgpt[0]["as_of"] < chatgpt[-1]["as_of"]


def test_as_of_hides_later_publications_in_every_dated_listing(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "openai", "weekly_active_users", "--as-of", "2024-12-31", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert all(r["published"][:10] <= "2024-12-31" for r in json.loads(result.output))
    for command in ("sources", "conflicts"):
        everything = json.loads(runner.invoke(app, [command, "-f", "json"]).output)
        early = json.loads(runner.invoke(app, [command, "--as-of", "2024-12-31", "-f", "json"]).output)
        assert early and len(early) < len(everything)
        assert all(r["published"][:10] <= "2024-12-31" for r in early)


def test_user_input_errors_exit_2(bundled_db: Path) -> None:
    result = runner.invoke(app, ["show", "acme"])
    assert result.exit_code == 2
    assert 'Error: unknown entity "acme"; known:' in result.output
    result = runner.invoke(app, ["show", "openai", "users"])
    assert result.exit_code == 2 and 'unknown metric "users"' in result.output
    for command in (["show", "openai"], ["sources"], ["conflicts"], ["check"], ["report"]):
        result = runner.invoke(app, [*command, "--as-of", "2025-02-30"])
        assert result.exit_code == 2, command
        assert 'Error: --as-of "2025-02-30" is not a date; expected YYYY-MM-DD' in result.output
    for command, formats in (("metrics", "table, csv, json"), ("check", "table, json, md"), ("report", "html, md")):
        result = runner.invoke(app, [command, "--format", "pdf"])
        assert result.exit_code == 2
        assert f'Error: --format "pdf" is not one of {formats}.' in result.output


def test_other_failures_exit_1(bundled_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "openai", "weekly_active_users", "--as-of", "2001-01-01"])
    assert result.exit_code == 1 and "Error: no observations for openai weekly_active_users." in result.output
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("not a database\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(not_a_store), "metrics"])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_a_missing_extra_is_named_with_its_install_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)  # as if the report extra were not installed
    result = runner.invoke(app, ["--db", str(tmp_path / "x.duckdb"), "report", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error: this command needs the report extra (" in result.output  # names jinja2 or plotly
    assert "is not installed): pip install 'corevar[report]'" in result.output
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.extras
def test_report_since_judges_the_default_theses_then_and_now(bundled_db: Path, tmp_path: Path) -> None:
    """Regression: --since judged a pre-cut frame, so bases published later read as unknown and it failed."""
    result = runner.invoke(app, ["report", "--since", "2026-01-01", "-f", "md", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "What changed since 2026-01-01" in (tmp_path / "corevar-report.md").read_text(encoding="utf-8")


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


def test_check_a_thesis_file_with_a_control_character_exits_2_naming_file_and_line(
    tmp_path: Path, target: tuple[Path, str]
) -> None:
    """A character YAML cannot read (here \\x01) is an input error like any other: no traceback."""
    db, _ = target
    bad = tmp_path / "bad.yaml"
    bad.write_text('version: 1\ntheses:\n  - id: T1\n    text: "SYNTHETIC \x01 thesis"\n', encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db), "check", str(bad)])
    assert result.exit_code == 2, result.output
    assert f"Error: {bad}:4: not valid YAML: the character U+0001 is not allowed" in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output


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
    base = [
        "--db",
        db,
        "add",
        "openai",
        "weekly_active_users",
        "800M",
        "--product",
        "chatgpt",
        "--as-of",
        "2025-10-06",
        "--published",
        "2025-10-06",
        "--kind",
        "official",
        "--publisher",
        "SYNTHETIC",
        "--source-url",
        "https://example.org/synthetic",
    ]
    assert runner.invoke(app, base).exit_code == 0
    again = runner.invoke(app, base)
    assert "Already stored" in again.output
    bad = runner.invoke(app, [*base[:5], "lots", *base[6:]])
    assert bad.exit_code == 2
    assert 'corevar add:1: field "value": "lots" is not a number' in bad.output


def test_writing_commands_answer_in_json(tmp_path: Path) -> None:
    db = str(tmp_path / "j.duckdb")
    csv = write_csv(tmp_path / "one.csv", [row()])
    result = runner.invoke(app, ["--db", db, "ingest", str(csv), "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert (answer["rows"], answer["added"], answer["duplicates"]) == (1, 1, 0) and answer["dataset_version"]
    result = runner.invoke(app, ["--db", db, "entities", "add", "acme", "--name", "Acme", "-f", "json"])
    assert json.loads(result.output) == {"entity": "acme", "products": []}


def test_entities_add_rejects_a_malformed_product(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", str(tmp_path / "e.duckdb"), "entities", "add", "acme", "--name", "Acme", "--product", "acme-chat"]
    )
    assert result.exit_code == 2 and 'Error: --product "acme-chat" is not ID=NAME or ID=NAME:KIND.' in result.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"corevar {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_cli_reference_is_current() -> None:
    """docs/cli-reference.md is rendered from --help; regenerate it with `python -m corevar.clidoc`."""
    from corevar.clidoc import render

    path = ROOT / "docs" / "cli-reference.md"
    stale = "stale: run python -m corevar.clidoc > docs/cli-reference.md"
    assert path.read_text(encoding="utf-8") == render() + "\n", stale
