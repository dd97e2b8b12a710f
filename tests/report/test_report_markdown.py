"""``--format md``: the same content as tables."""

from __future__ import annotations

from corevar.report import write_report
from corevar.report.markdown import md, md_link

from .conftest import PAYLOAD_IMG, PAYLOAD_SCRIPT


def test_report_markdown_has_every_section(report_db, tmp_path):
    path, view = write_report(tmp_path, fmt="md", db=report_db, theses=None)
    assert path.name == "corevar-report.md"
    text = path.read_text(encoding="utf-8")
    for heading in (
        "## The bottom line",
        "## Scorecard",
        "## Market structure",
        "## Inference price decline",
        "## Claims in detail",
        "## Data freshness",
        "## Sources",
    ):
        assert heading in text
    for section in view.sections:
        assert f"## {md(section.title)}" in text
    for card in view.verdicts:
        assert f"### {md(card.id)}: " in text
        assert md(card.sentence) in text  # the same sentence as the HTML page
    assert view.dataset_version in text
    assert "<script" not in text.lower()


def test_report_markdown_escapes_outside_text():
    assert "<" not in md(PAYLOAD_SCRIPT) and ">" not in md(PAYLOAD_IMG)
    assert md_link("x", "javascript:alert(1)") == "x"
    assert md_link("a [b]", "https://example.org/a") == "[a \\[b\\]](<https://example.org/a>)"
    assert md_link("x", "https://example.org/a b") == "x"
