"""Thesis files: valid files parse; every malformed one is reported with file, line, field and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from corevar.errors import CorevarError
from corevar.theses import ThesisFileError, default_theses_path, load_theses, parse_theses
from corevar.theses.plugins import names

HEAD = """version: 1
theses:
  - id: T1
    text: SYNTHETIC thesis for a parser test.
    stance: bear
    source: {title: synthetic}
    rules:
"""


def write(tmp_path: Path, rules: str, name: str = "theses.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + rules, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ThesisFileError) as info:
        load_theses([path])
    return str(info.value)


def test_parse_valid_file_gives_theses_with_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """      - kind: threshold
        subject: {entity: openai, product: chatgpt, metric: weekly_active_users}
        op: ">="
        value: 1B
        at: 2025-12-31
""",
    )
    (thesis,) = load_theses([path])
    assert thesis.id == "T1"
    rule = thesis.rules[0]
    assert rule.kind == "threshold"
    assert rule.value == 1e9  # "1B" is read as a human number
    assert str(rule.at) == "2025-12-31"


def test_thesis_file_error_is_a_corevar_error() -> None:
    assert issubclass(ThesisFileError, CorevarError)
    assert ThesisFileError.exit_code == 2


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "      - kind: treshold\n        subject: {entity: openai, metric: arr}\n",
            f"theses.yaml:8: rule 'kind': expected one of {', '.join(names())}; got \"treshold\".",
        ),
        (
            "      - kind: threshold\n        subject: {entity: openai, metric: arr}\n"
            '        op: "=>"\n        value: 1\n',
            "theses.yaml:10: rule 'op': expected one of >, >=, <, <=; got \"=>\".",
        ),
        (
            "      - kind: threshold\n        subject: {entity: openai, metric: arr}\n"
            '        op: ">"\n        value: lots\n',
            "theses.yaml:11: rule 'value': expected a number (e.g. 1000000000, 1B, $13B or 12%); got \"lots\".",
        ),
        (
            "      - kind: threshold\n        subject: {entity: openai, metric: arr}\n"
            '        op: ">"\n        value: 1\n        at: 2025-13-01\n',
            'theses.yaml:12: rule \'at\': expected a date (YYYY-MM-DD) or "latest"; got "2025-13-01".',
        ),
        (
            "      - kind: trend\n        subject: {entity: openai}\n        expect: up\n",
            "theses.yaml:9: subject 'metric': missing; this field is required.",
        ),
        (
            "      - kind: trend\n        subject: {entity: openai, metric: arr}\n        expect: sideways\n",
            "theses.yaml:10: rule 'expect': expected one of up, down, flat; got \"sideways\".",
        ),
        (
            "      - kind: trend\n        subject: {entity: openai, metric: arr}\n        expect: up\n"
            "        colour: red\n",
            "theses.yaml:11: rule 'colour': unknown field; check its spelling against docs/theses.md.",
        ),
        (
            "      - kind: ratio\n        numerator: {entity: openai, metric: cash_burn}\n"
            '        denominator: {entity: openai, metric: revenue}\n        op: ">"\n',
            "theses.yaml:8: rule: give exactly one of value (a number) or versus (another ratio).",
        ),
        (
            "      - kind: all\n        rules:\n          - kind: trend\n"
            "            subject: {entity: openai, metric: arr}\n            expect: upward\n",
            "theses.yaml:12: rule 'expect': expected one of up, down, flat; got \"upward\".",
        ),
        (
            "      - kind: trend\n        subject: {entity: openai, metric: arr}\n        expect: up\n"
            "        expect: down\n",
            "theses.yaml:11: 'expect': appears twice in this mapping.",
        ),
        (
            "      - kind: trend\n        subject: {entity: openai, metric: arr\n",
            "theses.yaml:10: not valid YAML",
        ),
    ],
)
def test_parse_errors_name_file_line_field_and_expectation(tmp_path: Path, rules: str, expected: str) -> None:
    message = error_of(write(tmp_path, rules))
    assert expected.replace("theses.yaml", str(tmp_path / "theses.yaml")) in message


def test_parse_reports_every_problem_not_only_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "      - kind: treshold\n        subject: {entity: openai, metric: arr}\n"
        "      - kind: trend\n        subject: {entity: openai, metric: arr}\n        expect: sideways\n",
    )
    with pytest.raises(ThesisFileError) as info:
        load_theses([path])
    assert [p.line for p in info.value.problems] == [8, 12]
    assert str(info.value).endswith("See docs/theses.md for the thesis file format.")


def test_parse_rejects_duplicate_thesis_ids_with_both_lines() -> None:
    text = (
        HEAD
        + "      - {kind: pending, needs: x}\n"
        + HEAD.split("theses:\n")[1].replace("    rules:\n", "    rules:\n      - {kind: pending, needs: x}\n")
    )
    with pytest.raises(ThesisFileError, match=r"f.yaml:9: thesis 'id': \"T1\" is already used on line 3"):
        parse_theses(text, name="f.yaml")


def test_parse_bad_stance_and_unknown_source_field() -> None:
    text = HEAD.replace("stance: bear", "stance: bearish").replace("{title: synthetic}", "{title: s, foo: 1}")
    text += "      - {kind: pending, needs: x}\n"
    with pytest.raises(ThesisFileError) as info:
        parse_theses(text, name="f.yaml")
    message = str(info.value)
    assert "f.yaml:5: thesis 'stance': expected one of bull, bear, rebuttal, neutral; got \"bearish\"." in message
    assert "f.yaml:6: source 'foo': unknown field" in message


def test_parse_empty_and_non_mapping_files() -> None:
    with pytest.raises(ThesisFileError, match=r"e\.yaml:1: the file is empty"):
        parse_theses("", name="e.yaml")
    with pytest.raises(ThesisFileError, match=r"l\.yaml:1: expected a mapping with a 'theses' list"):
        parse_theses("- 1\n- 2\n", name="l.yaml")


@pytest.mark.parametrize(
    ("text", "line", "char"),
    [
        ('version: 1\ntheses:\n  - id: T1\n    text: "SYNTHETIC \x01 thesis"\n', 4, "U+0001"),
        # text before the character that is longer in UTF-8 than in characters: libyaml counts bytes
        ("version: 1\n# é — 😀\ntheses:\n  - id: T1\n\x7f\n", 5, "U+007F"),
        ("version: 1\r\ntheses:\r\n\x00\r\n", 3, "U+0000"),
        ("version: 1\ntheses: \ud800\n", 2, "U+D800"),  # a lone surrogate, as a JSON escape can decode to
    ],
)
def test_unreadable_characters_are_thesis_file_errors_with_their_line(text: str, line: int, char: str) -> None:
    """A control character is a YAML *reader* error (no mark, only a position); it still names file and line."""
    with pytest.raises(ThesisFileError) as info:
        parse_theses(text, name="c.yaml")
    assert (
        str(info.value).splitlines()[0]
        == f"c.yaml:{line}: not valid YAML: the character {char} is not allowed; remove it."
    )
    assert info.value.problems[0].line == line


def test_load_missing_file_is_a_thesis_file_error(tmp_path: Path) -> None:
    with pytest.raises(ThesisFileError, match="cannot read the file"):
        load_theses([tmp_path / "nope.yaml"])


def test_default_theses_cover_every_claim_of_the_seed() -> None:
    theses = load_theses([default_theses_path()])
    ids = [t.id for t in theses]
    expected = [f"B{i}" for i in range(1, 9)] + [f"R{i}" for i in (1, 2, 3, 5, 6, 7, 8, 9)]
    assert ids == expected
    assert {t.stance.value for t in theses if t.id.startswith("B")} == {"bear"}
    assert {t.stance.value for t in theses if t.id.startswith("R")} == {"rebuttal"}
    assert [t.model_dump() for t in load_theses(None)] == [t.model_dump() for t in theses]


def test_documented_error_example_matches_the_real_message() -> None:
    from corevar.theses.docs import builtin_kinds

    text = HEAD + "      - kind: treshold\n"
    with pytest.raises(ThesisFileError) as info:
        parse_theses(text, name="theses.yaml")
    docs = (Path(__file__).parents[2] / "docs" / "theses.md").read_text(encoding="utf-8")
    first = str(info.value).splitlines()[0]
    builtin = ", ".join(k.name for k in builtin_kinds())
    # kinds of installed optional packages (chains, news) follow the built-in ones in the real message
    assert first.startswith(f"theses.yaml:8: rule 'kind': expected one of {builtin}")
    assert f"theses.yaml:14: rule 'kind': expected one of {builtin}; got \"treshold\"." in docs
