"""A check result as a terminal table (rich), JSON or Markdown, always stamped with dataset version and as-of.

Every format shows each verdict's robustness and confidence tier and its evidence with publication dates (an
as-of replay needs them); JSON carries everything (every point, its competing reports, the window).

Text that came from outside (publishers, URLs, thesis text from a user's file) is escaped for the target format:
rich markup is escaped in tables, Markdown metacharacters in ``md``; JSON is JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._format import human
from .result import CheckResult, Evidence, RuleResult, ThesisResult, Verdict

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
    as_of = result.as_of.isoformat() if result.as_of else "all data (no as-of date"
    if result.as_of is None:
        as_of += f"; latest publication {result.today.isoformat()})" if result.today else ")"
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
    grid.add_column("robustness / confidence", max_width=24)
    grid.add_column("thesis and why", ratio=1)
    for thesis in result.theses:
        lines = [f"[bold]{escape(thesis.text)}[/bold]"]
        for rule in thesis.rules:
            lines.extend(_rule_lines(rule, 0, escape))
        evidence = thesis.evidence()
        for ev in evidence[:_TABLE_EVIDENCE]:
            lines.append("[dim]" + escape(evidence_line(ev)) + "[/dim]")
        if len(evidence) > _TABLE_EVIDENCE:
            more = len(evidence) - _TABLE_EVIDENCE
            lines.append(f"[dim]... and {more} more points (--format md or json lists every one)[/dim]")
        if thesis.robustness and thesis.robustness.flips:
            lines.append("[yellow]" + escape(thesis.robustness.describe()) + "[/yellow]")
        style = _STYLE[thesis.verdict]
        grid.add_row(
            escape(thesis.id),
            thesis.stance,
            f"[{style}]{_LABEL[thesis.verdict]}[/{style}]",
            escape(_rob_conf(thesis)),
            "\n".join(lines),
        )
    return grid


_TABLE_EVIDENCE = 6


def _rob_conf(thesis: ThesisResult) -> str:
    rob = thesis.robustness.label if thesis.robustness else "n/a"
    conf = thesis.confidence.tier if thesis.confidence else "-"
    return f"{rob} / {conf}"


def evidence_line(ev: Evidence) -> str:
    """``900M on 2026-02-27 (OpenAI, official, published 2026-02-28; over 2 other reports: newest published)``."""
    pub = f", published {ev.published.isoformat()}" if ev.published else ""
    tier = f", {ev.tier}" if ev.tier else ""
    line = f"{ev.describe()[:-1]}, {ev.kind}{tier}{pub})"
    if ev.competing:
        others = "; ".join(
            f"{human(c.value, ev.unit)} {c.publisher} ({c.kind}, published {c.published})" for c in ev.competing[:3]
        )
        more = f" +{len(ev.competing) - 3}" if len(ev.competing) > 3 else ""
        line += f" — chosen over {others}{more} ({ev.chosen_because})"
    return line


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
    out += ["| id | stance | verdict | robustness | confidence | thesis |", "|---|---|---|---|---|---|"]
    for t in result.theses:
        rob = t.robustness.label if t.robustness else "n/a"
        conf = t.confidence.tier if t.confidence else "-"
        out.append(f"| {_md(t.id)} | {t.stance} | **{_LABEL[t.verdict]}** | {rob} | {conf} | {_md(t.text)} |")
    for t in result.theses:
        out += ["", f"## {_md(t.id)}: {_LABEL[t.verdict]}", "", f"> {_md(t.text)}", ""]
        if len(t.rules) > 1:  # a single rule's line already says it all
            out += [_md(t.explanation), ""]
        for rule in t.rules:
            out.extend(_md_rule(rule, 0))
        if t.robustness is not None:
            out += ["", f"Robustness: **{t.robustness.label}** ({t.robustness.checks} perturbations)."]
            for flip in t.robustness.flips:
                out.append(f"- flips to {_LABEL[flip.verdict]} {_md(flip.perturbation)}")
            for what in t.robustness.rests_on:
                out.append(f"- no longer decided {_md(what)}")
        if t.confidence is not None:
            out += ["", f"Confidence: **{_md(t.confidence.describe())}**."]
        evidence = t.evidence()
        if evidence:
            out += ["", "Evidence (value, date described, kind, source, published):", ""]
            for e in evidence:
                pub = e.published.isoformat() if e.published else "unknown"
                tier = f", tier {e.tier}" if e.tier else ""
                line = f"- {_md(e.describe())} — {e.kind}{tier}, {_md_link(e.publisher, e.source_url)}, published {pub}"
                if e.competing:
                    others = "; ".join(
                        f"{_md(human(c.value, e.unit))} ({_md_link(c.publisher, c.source_url)}, {c.kind}, "
                        f"published {c.published})"
                        for c in e.competing
                    )
                    line += f"; chosen over {others} — {_md(e.chosen_because)}"
                out.append(line)
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
    window = ""
    if rule.window is not None and not rule.children and any(rule.window):
        start, end = rule.window
        window = f" *(window {start or '...'} to {end or '...'})*"
    lines = [f"{pad}- **{_LABEL[rule.verdict]}** ({rule.kind}): {_md(text)}{window}"]
    for child in rule.children:
        lines.extend(_md_rule(child, depth + 1))
    return lines
