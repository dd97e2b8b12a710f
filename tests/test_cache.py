"""The output cache: a repeated ``check`` or ``report`` on unchanged inputs prints and writes the same bytes without
judging again, and any change to the inputs (data, registry, theses, options, code) computes afresh.

Stores here hold the bundled data plus SYNTHETIC rows (publisher "SYNTHETIC", example.org URLs), never real figures.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corevar import cache
from corevar.api import Corevar
from corevar.cli import app

runner = CliRunner()

THESES = """\
theses:
  - id: T1
    text: SYNTHETIC claim about weekly users
    stance: bull
    source: {{title: synthetic}}
    rules:
      - kind: threshold
        subject: {{entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}}
        op: ">="
        value: {value}
"""


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _entries() -> list[Path]:
    return sorted(cache.cache_dir().glob("*.json"))


# -- the cache itself ------------------------------------------------------------------------------------------
def test_round_trip_and_keys_distinguish_their_parts(tmp_path: Path) -> None:
    assert cache.key("a", "b") != cache.key("ab") != cache.key("a", None, "b")
    assert cache.key("a", None) != cache.key("a", "")
    entry = cache.key("x")
    assert cache.get(entry, tmp_path) is None
    assert cache.put(entry, {"stdout": "héllo\n", "file": "<p>"}, tmp_path)
    assert cache.get(entry, tmp_path) == {"stdout": "héllo\n", "file": "<p>"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[: len(t) // 2],  # a torn write
        lambda t: t.replace("hello", "HELLO"),  # content changed behind the checksum's back
        lambda t: "[1, 2]",  # valid JSON, wrong shape
        lambda t: "\x00\xff not json",
        lambda t: json.dumps({**json.loads(t), "format": 99}),  # a later corevar's format
    ],
)
def test_a_damaged_entry_is_a_miss_never_an_error(tmp_path: Path, damage) -> None:
    entry = cache.key("y")
    cache.put(entry, {"stdout": "hello"}, tmp_path)
    path = tmp_path / f"{entry}.json"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert cache.get(entry, tmp_path) is None


def test_off_switch_and_an_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = cache.key("z")
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    assert not cache.put(entry, {"stdout": "x"}, tmp_path)
    assert cache.get(entry, tmp_path) is None and not list(tmp_path.iterdir())
    monkeypatch.delenv(cache.ENV_CACHE)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cache.put(entry, {"stdout": "x"}, blocker / "sub") is False  # no exception


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    for i in range(cache.MAX_ENTRIES + 5):
        cache.put(cache.key(str(i)), {"stdout": str(i)}, tmp_path)
        os.utime(tmp_path / f"{cache.key(str(i))}.json", ns=(i * 10**9, i * 10**9))
    cache.put(cache.key("last"), {"stdout": "last"}, tmp_path)
    kept = list(tmp_path.glob("*.json"))
    assert len(kept) == cache.MAX_ENTRIES
    assert cache.get(cache.key("last"), tmp_path) == {"stdout": "last"}
    assert cache.get(cache.key("0"), tmp_path) is None


def test_the_code_fingerprint_follows_any_file_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    module = tmp_path / "sub" / "m.py"
    module.write_text("x = 1\n")
    before = cache.code_fingerprint(tmp_path)
    assert cache.code_fingerprint(tmp_path) == before
    module.write_text("x = 22\n")
    assert cache.code_fingerprint(tmp_path) != before
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"compiled")
    after = cache.code_fingerprint(tmp_path)
    (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"compiled again")
    assert cache.code_fingerprint(tmp_path) == after  # bytecode is not code we ship


# -- check and report through it --------------------------------------------------------------------------------
def test_a_repeated_check_prints_the_kept_bytes_without_judging(bundled_db: Path, monkeypatch) -> None:
    first = _run("check", "--format", "md")
    assert len(_entries()) == 1

    def must_not_judge(*args: object, **kwargs: object) -> None:
        raise AssertionError("judged again although nothing changed")

    monkeypatch.setattr(Corevar, "check", must_not_judge)
    assert _run("check", "--format", "md") == first
    with pytest.raises(AssertionError):  # another format is another output
        runner.invoke(app, ["check", "--format", "json"], catch_exceptions=False)


def test_any_change_to_the_inputs_is_judged_afresh(bundled_db: Path, tmp_path: Path, monkeypatch) -> None:
    theses = tmp_path / "mine.yaml"
    theses.write_text(THESES.format(value=100), encoding="utf-8")
    first = _run("check", str(theses), "--format", "json")
    assert json.loads(first)["theses"][0]["verdict"] == "supported"
    # the theses file's bytes
    theses.write_text(THESES.format(value=10**12), encoding="utf-8")
    changed = json.loads(_run("check", str(theses), "--format", "json"))
    assert changed["theses"][0]["verdict"] == "contradicted"
    # the as-of option
    early = json.loads(_run("check", str(theses), "--format", "json", "--as-of", "2023-01-01"))
    assert early["as_of"] == "2023-01-01"
    # the data: a new SYNTHETIC observation changes the dataset version every output is stamped with
    version = changed["dataset_version"]
    _run(
        "add",
        "openai",
        "weekly_active_users",
        "2000000000000",
        "--product",
        "chatgpt",
        "--as-of",
        "2026-11-30",
        "--published",
        "2026-11-30",
        "--source-url",
        "https://example.org/synthetic-cache",
        "--publisher",
        "SYNTHETIC",
        "--kind",
        "estimate",
    )
    after = json.loads(_run("check", str(theses), "--format", "json"))
    assert after["dataset_version"] != version
    assert after["theses"][0]["verdict"] == "supported"
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    assert json.loads(_run("check", str(theses), "--format", "json")) == after  # the same as computing it now


def test_the_registry_is_part_of_the_key(bundled_db: Path) -> None:
    with Corevar(bundled_db) as cv:
        before = cv.output_key("check")
    _run("entities", "add", "synthlab", "--name", "SYNTHETIC Lab", "--kind", "lab")
    with Corevar(bundled_db) as cv:
        assert cv.output_key("check") != before
        assert cv.output_key("check", ["/no/such/file.yaml"]) is None  # the computation reports the missing file


@pytest.mark.extras
def test_a_repeated_report_writes_the_same_page_and_summary(bundled_db: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("jinja2")
    first = _run("report", "--out", str(tmp_path / "a"))
    page = (tmp_path / "a" / "corevar-report.html").read_bytes()
    (tmp_path / "a" / "corevar-report.html").unlink()

    def must_not_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again although nothing changed")

    monkeypatch.setattr(Corevar, "report", must_not_build)
    assert _run("report", "--out", str(tmp_path / "a")) == first
    assert (tmp_path / "a" / "corevar-report.html").read_bytes() == page
    # another folder prints another path: built again
    with pytest.raises(AssertionError):
        runner.invoke(app, ["report", "--out", str(tmp_path / "b")], catch_exceptions=False)
