"""The report as Markdown: the same sections as the HTML page, tables of numbers instead of charts.

Renders a :class:`~corevar.views.ReportView` and computes nothing. Outside text is escaped for Markdown
(metacharacters and ``<``/``>`` so no raw HTML gets through), and links are written only for http(s) URLs without
spaces or brackets.
"""

from __future__ import annotations

import re

from ..views.model import ChainsView, ChartView, KpiTile, ReportView
from .html import ARROWS, VERDICT_LABEL

__all__ = ["md", "md_link", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
LAST_POINTS = 6


def md(value: object) -> str:
    """Text safe in a Markdown table cell or paragraph."""
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", escaped).replace("\n", " ").replace("\r", " ")


def md_link(label: str, url: str) -> str:
    """``[label](<url>)`` for an http(s) URL, else the escaped label (or URL) as text."""
    if re.match(r"^https?://[^\s<>()\[\]]+$", url or "", re.IGNORECASE):
        return f"[{md(label or url)}](<{url}>)"
    return md(label or url)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def _chart(chart: ChartView) -> list[str]:
    rows = []
    for s in chart.series:
        for p in s.points[-LAST_POINTS:]:
            rows.append([md(p.label or s.label), p.text, p.as_of.isoformat(), md(p.kind), md_link(p.publisher, p.url)])
    out = [f"**{md(chart.title)}**", "", f"*{md(chart.subtitle)}*", ""]
    out += _table(["series", "value", "date", "kind", "source"], rows)
    out += [md(f.note) for f in chart.fits if f.note]
    out += [f"{md(t.text)}: {md(t.status_text)}" for t in chart.targets]
    return [*out, "", md(chart.source_line), ""]


def _tiles(tiles: tuple[KpiTile, ...]) -> list[str]:
    """The first screen's KPI tiles as one bullet each: "**900M** · ChatGPT weekly active users ... · Jun 2026"."""
    out = []
    for t in tiles:
        change = f" · {md(t.change)}" if t.change else ""
        out.append(
            f"- **{md(t.value)}** · {md(t.subject)} · {md(t.metric)} ({md(t.basis)}){change} · {md(t.month)} · "
            f"{md(t.kind)} ({md_link(t.publisher, t.url)})"
        )
    return [*out, ""] if out else []


def _chains(c: ChainsView) -> list[str]:
    out = [
        "## Stock chains",
        "",
        f"The seed post's year, {md(c.window)}" + (f"; judged in {', '.join(c.claims)}." if c.claims else "."),
        "",
    ]
    if c.mode == "prices":
        money = "US dollars" if c.currency == "USD" else "local currencies"
        out += [f"Baskets against {md(c.benchmark or 'each other')} (returns in {money}):", ""]
        out += _table(
            [
                "basket",
                "kind",
                "total return",
                "volatility (ann.)",
                "max drawdown",
                "vs benchmark",
                "window",
                "members",
            ],
            [
                [
                    md(row.name),
                    row.kind,
                    md(row.total_return.text),
                    md(row.volatility.text),
                    md(row.max_drawdown.text),
                    md(row.vs_benchmark or "—"),
                    f"{row.start} → {row.end}",
                    md(row.priced),
                ]
                for row in c.rows
            ],
        )
    else:
        out += [md(c.how_to), ""]
        out += [f"    {cmd}" for cmd in c.commands] + [""]
        if c.moves:
            out += ["Moves the dataset reports:", ""]
            out += _table(
                ["subject", "move", "window", "kind", "source"],
                [[md(m.subject), md(m.text), md(m.window), md(m.kind), md_link(m.publisher, m.url)] for m in c.moves],
            )
    out += [md(n) for n in c.notes] + ([""] if c.notes else [])
    out += _table(
        ["basket", "kind", "members", "weights", "claims"],
        [
            [
                f"{md(b.name)} (`{b.id}`)",
                b.kind,
                str(len(b.members)),
                f"{b.weights}, rebalanced {b.rebalancing}",
                md(", ".join(b.theses)),
            ]
            for b in c.baskets
        ],
    )
    return out


def render_markdown(view: ReportView) -> str:
    """The whole report as a Markdown document."""
    r = view
    out = [
        f"# {md(r.title)}",
        "",
        f"AI race core variables · data as of {r.as_of.isoformat() if r.as_of else '—'} (latest publication used) · "
        f"{r.observations:,} observations from {r.sources_total:,} sources · dataset `{r.dataset_version}` · "
        f"corevar {r.corevar_version}",
        "",
        "## The bottom line",
        "",
        f"{len(r.verdicts)} claims: " + ", ".join(f"{n} {VERDICT_LABEL.get(v, v)}" for v, n in r.counts.items()) + ".",
        "",
    ]
    out += _tiles(r.tiles)
    if r.since:
        out += [
            f"What changed since {r.since.isoformat()}: "
            + ("; ".join(md(c.text) for c in r.changes) if r.changes else "no verdict changed")
            + ".",
            "",
        ]
    for v in r.verdicts:
        grade = f" Robustness: {md(v.robustness or 'not assessed')}; confidence: {md(v.confidence or 'not assessed')}."
        out.append(f"- **{md(v.id)}** ({md(v.stance)}): {md(v.sentence)}{grade}")
    out += ["", "## Scorecard", ""]
    head = ["metric (basis)", *[md(lab.name) for lab in r.scorecard.labs]]
    rows = []
    for row in r.scorecard.rows:
        cells = [md(row.label)]
        for c in row.cells:
            if c.value is None:
                cells.append("—" + (f"<sup>{c.footnote}</sup>" if c.footnote else ""))
                continue
            bits = [f"**{md(c.text)}** {md(c.kind)} {c.as_of.isoformat() if c.as_of else ''}"]
            if c.what:
                bits.append(md(c.what))
            if c.growth:
                bits.append(f"{ARROWS.get(c.direction, '')} {md(c.growth)}")
            if c.stale:
                bits.append("stale")
            cells.append("<br>".join(bits))
        rows.append(cells)
    out += _table(head, rows)
    out += [f"‡{i} {md(f)}" for i, f in enumerate(r.scorecard.footnotes, 1)] + [""]
    for s in r.sections:
        out += [f"## {md(s.title)}", "", f"*{md(s.question)}*", ""]
        for chart in s.charts:
            out += _chart(chart)
        for title, points in s.tables:
            out += [f"**{md(title)}**", ""]
            out += _table(
                ["subject", "value", "date", "kind", "source"],
                [[md(p.label), p.text, p.as_of.isoformat(), md(p.kind), md_link(p.publisher, p.url)] for p in points],
            )
    out += ["## Market structure", ""]
    out += _table(
        ["market", "date", "shares", "coverage", "concentration", "equiv. firms"],
        [
            [
                md(m.label),
                m.as_of.isoformat(),
                "; ".join(f"{md(p.label)} {p.text}" for p in m.shares),
                m.coverage,
                md(m.hhi.text),
                m.equivalent_firms,
            ]
            for m in r.markets
        ],
    )
    out += ["## Inference price decline", ""]
    out += _table(
        ["tier", "tokens", "points", "window", "decline", "90% interval", "halving", "r²"],
        [
            [md(p.tier), p.basis, str(p.n), p.window, md(p.factor.text), md(p.interval), p.halving, p.r2]
            for p in r.prices
        ],
    )
    if r.chains is not None:
        out += _chains(r.chains)
    out += ["## Claims in detail", ""]
    for v in r.verdicts:
        out += [f"### {md(v.id)}: {md(v.verdict_label)}", "", md(v.claim), "", md(v.explanation), ""]
        out += _table(
            ["role", "subject", "metric", "value", "date", "kind", "source"],
            [
                [
                    md(e.role),
                    md(e.subject),
                    md(e.metric),
                    e.text,
                    e.as_of.isoformat(),
                    md(e.kind),
                    md_link(e.publisher, e.url),
                ]
                for e in v.evidence
            ],
        )
    out += [
        "## Data freshness",
        "",
        f"Days to the data's as-of ({r.freshness.as_of.isoformat()}); stale past {r.freshness.stale_days} days.",
        "",
    ]
    out += _table(
        ["lab", *[c.replace("_", " ") for c in r.freshness.cores]],
        [
            [md(lab.name), *["—" if a is None else f"{a} d" + (" stale" if st else "") for a, st in cells]]
            for lab, cells in r.freshness.rows
        ],
    )
    if r.freshness.today_line:
        out += [md(r.freshness.today_line), ""]
    out += [f"## Sources ({r.sources_total:,})", ""]
    out += _table(
        ["publisher", "first published", "title / link", "observations"],
        [
            [
                md(s.publisher),
                s.published.isoformat() if s.published else "",
                md_link(s.title or s.url, s.url),
                str(s.observations),
            ]
            for s in r.sources
        ],
    )
    return "\n".join(out) + "\n"
