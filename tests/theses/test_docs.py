"""docs/theses.md is generated from the registered rule kinds and kept in step, down to every field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from corevar.registry import Registry
from corevar.theses import Thesis, evaluate
from corevar.theses.docs import builtin_kinds, kind_markdown, main, render_into
from corevar.theses.model import thesis_file_model
from corevar.theses.plugins import kinds

DOCS = Path(__file__).parents[2] / "docs" / "theses.md"


def test_docs_theses_md_is_generated_from_the_registered_kinds() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert render_into(text) == text, "docs/theses.md is out of date: run `python -m corevar.theses.docs`"
    assert main([str(DOCS), "--check"]) == 0


@pytest.mark.parametrize("kind", builtin_kinds(), ids=lambda k: k.name)
def test_every_field_of_every_kind_is_described_and_documented(kind) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = kind_markdown(kind)
    assert section in text
    for name, field in kind.model.model_fields.items():
        if name == "kind":
            continue
        assert field.description, f"{kind.name}.{name} has no description"
        assert f"| `{name}` |" in section
    assert kind.example.strip() and kind.doc.strip() and kind.section


def test_the_parser_accepts_exactly_the_registered_kinds() -> None:
    _, rule_type = thesis_file_model()
    from typing import get_args

    union = get_args(get_args(rule_type)[0])
    tags = {get_args(m.model_fields["kind"].annotation)[0] for m in union}
    assert tags == set(kinds())


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory):
    import corevar

    with corevar.open(tmp_path_factory.mktemp("db") / "docs.duckdb") as cv:
        return cv.frame(), cv.store.registry()


@pytest.mark.parametrize("kind", builtin_kinds(), ids=lambda k: k.name)
def test_every_documented_example_parses_and_judges_on_the_bundled_data(kind, bundled) -> None:
    frame, registry = bundled
    rule = thesis_file_model()[1]
    from pydantic import TypeAdapter

    parsed = TypeAdapter(rule).validate_python(yaml.safe_load(kind.example))
    thesis = Thesis(id="EX", text="example", stance="neutral", source={"title": "docs"}, rules=[parsed])
    result = evaluate([thesis], frame, registry or Registry.bundled())
    assert result.theses[0].rules[0].explanation


def test_the_sceptic_theses_in_the_docs_load_and_are_judged(bundled) -> None:
    from corevar.theses import load_theses

    frame, registry = bundled
    result = evaluate(load_theses([DOCS.parent / "sceptic_theses.yaml"]), frame, registry)
    assert [t.id for t in result.theses] == ["S1", "S2", "S3", "S4", "S5"]
    assert all(t.explanation for t in result.theses)
