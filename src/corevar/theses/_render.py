"""A check result as a terminal table (rich), JSON or Markdown, always stamped with dataset version and as-of.

Text that came from outside (publishers, URLs, thesis text from a user's file) is escaped for the target format:
rich markup is escaped in tables, Markdown metacharacters in ``md``; JSON is JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._result import CheckResult, RuleResult, Verdict

__all__ = ["FORMATS", "render", "table"]

FORMATS: tuple[str, ...] = ("table", "json", "md")

_STYLE = {
    Verdict.supported: "green",
    Verdict.contradicted: "red",
    Verdict.mixed: "yellow",
    Verdict.insufficient_data: "dim",
}
_LABEL = {
    Verdict.supported: "supported",
    Verdict.contradicted: "contradicted",
    Verdict.mixed: "mixed",
    Verdict.insufficient_data: "insufficient data",
}


def _stamp(result: CheckResult) -> str:
    as_of = result.as_of.isoformat() if result.as_of else "all data (no as-of date)"
    through = f"; latest observation {result.data_through.isoformat()}" if result.data_through else ""
    version = result.dataset_version or "unknown"
    return f"dataset {version}; known on {as_of}{through}"


def render(result: CheckResult, fmt: str = "table", *, width: int = 120) -> str:
    """``result`` as text in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "md":
        return _markdown(result)
    if fmt == "table":
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        console = Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False)
        console.print(table(result))
        return buffer.getvalue()
    raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")


def table(result: CheckResult) -> Any:
    """A rich renderable: one row per thesis, its rules beneath it."""
    from rich.markup import escape
    from rich.table import Table

    counts = ", ".join(f"{n} {_LABEL[Verdict(v)]}" for v, n in result.counts().items() if n)
    grid = Table(
        title=f"Theses checked ({counts})",
        caption=escape(_stamp(result)),
        show_lines=True,
        expand=True,
    )
    grid.add_column("id", no_wrap=True)
    grid.add_column("stance", no_wrap=True)
    grid.add_column("verdict", no_wrap=True)
    grid.add_column("thesis and why", ratio=1)
    for thesis in result.theses:
        lines = [f"[bold]{escape(thesis.text)}[/bold]"]
        for rule in thesis.rules:
            lines.extend(_rule_lines(rule, 0, escape))
        sources = sorted({e.publisher for e in thesis.evidence()})
        if sources:
            lines.append("[dim]sources: " + escape(", ".join(sources)) + "[/dim]")
        style = _STYLE[thesis.verdict]
        grid.add_row(escape(thesis.id), thesis.stance, f"[{style}]{_LABEL[thesis.verdict]}[/{style}]", "\n".join(lines))
    return grid


def _rule_lines(rule: RuleResult, depth: int, escape: Any) -> list[str]:
    style = _STYLE[rule.verdict]
    pad = "  " * depth
    text = rule.label if rule.children else rule.explanation
    lines = [f"{pad}[{style}]{_LABEL[rule.verdict]}[/{style}]: {escape(text)}"]
    for child in rule.children:
        lines.extend(_rule_lines(child, depth + 1, escape))
    return lines


# Markdown metacharacters; "(" and "!" are harmless once "[" and "]" are escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _md_link(text: str, url: str) -> str:
    if re.match(r"^https?://[^\s<>()]+$", url or ""):
        return f"[{_md(text)}](<{url}>)"
    return _md(text)


def _markdown(result: CheckResult) -> str:
    counts = ", ".join(f"{n} {_LABEL[Verdict(v)]}" for v, n in result.counts().items() if n)
    out = ["# Thesis check", "", f"*{_md(_stamp(result))}* — {counts}.", ""]
    out += ["| id | stance | verdict | thesis |", "|---|---|---|---|"]
    for t in result.theses:
        out.append(f"| {_md(t.id)} | {t.stance} | **{_LABEL[t.verdict]}** | {_md(t.text)} |")
    for t in result.theses:
        out += ["", f"## {_md(t.id)}: {_LABEL[t.verdict]}", "", f"> {_md(t.text)}", ""]
        if len(t.rules) > 1:  # a single rule's line already says it all
            out += [_md(t.explanation), ""]
        for rule in t.rules:
            out.extend(_md_rule(rule, 0))
        evidence = t.evidence()
        if evidence:
            out += ["", "Evidence:", ""]
            for e in evidence:
                out.append(f"- {_md(e.describe())} — {e.kind}, {_md_link(e.publisher, e.source_url)}")
        source = t.source
        cites = "; ".join(source.get("cites", []))
        out += [
            "",
            f"Source: {_md_link(source.get('title', ''), source.get('url', ''))}"
            + (f" (cites {_md(cites)})" if cites else ""),
        ]
    return "\n".join(out) + "\n"


def _md_rule(rule: RuleResult, depth: int) -> list[str]:
    pad = "  " * depth
    text = rule.label if rule.children else rule.explanation
    lines = [f"{pad}- **{_LABEL[rule.verdict]}** ({rule.kind}): {_md(text)}"]
    for child in rule.children:
        lines.extend(_md_rule(child, depth + 1))
    return lines
