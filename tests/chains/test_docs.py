"""docs/chains.md carries the generated reference of the chain rule kinds, down to every field."""

from __future__ import annotations

from corevar.chains import docs
from corevar.theses.plugins import kinds


def test_the_kind_reference_in_docs_chains_md_is_current():
    text = docs.DOC.read_text(encoding="utf-8")
    assert docs.render_into(text) == text, "docs/chains.md is out of date: run `python -m corevar.chains.docs`"
    assert docs.main([str(docs.DOC), "--check"]) == 0


def test_every_field_is_in_the_reference():
    text = docs.DOC.read_text(encoding="utf-8")
    for name in docs.NAMES:
        for field in kinds()[name].model.model_fields:
            if field != "kind":
                assert f"| `{field}` |" in text, f"{name}.{field}"


def test_the_worked_example_and_every_chains_command_are_documented():
    text = docs.DOC.read_text(encoding="utf-8")
    assert "corevar chains returns openai-chain google-chain --from 2025-04-28 --to 2026-04-28" in text
    for command in ("list", "show", "returns", "metrics", "attribute", "event"):
        assert f"corevar chains {command}" in text
