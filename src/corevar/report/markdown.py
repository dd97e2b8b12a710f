"""The report as Markdown: the same sections as the HTML page, tables instead of charts.

Outside text is escaped for Markdown (metacharacters and ``<``/``>`` so no raw HTML gets through), and links are
written only for http(s) URLs without spaces or brackets.
"""

from __future__ import annotations

import re

from ..units import format_value
from .build import Chart, Report
from .html import ARROWS, VERDICT_LABEL, growth_text, ratio

__all__ = ["md", "md_link", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md(value: object) -> str:
    """Text safe in a Markdown table cell or paragraph."""
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", escaped).replace("\n", " ").replace("\r", " ")


def md_link(label: str, url: str) -> str:
    """``[label](<url>)`` for an http(s) URL, else the escaped label (or URL) as text."""
    if re.match(r"^https?://[^\s<>()\[\]]+$", url or "", re.IGNORECASE):
        return f"[{md(label or url)}](<{url}>)"
    return md(label or url)


def _verdict(v: object) -> str:
    return VERDICT_LABEL.get(getattr(v, "value", str(v)), str(v))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def _chart_table(chart: Chart) -> list[str]:
    rows = []
    for s in chart.series:
        for p in s.points[-6:] if chart.kind in ("line", "scatter") else s.points:
            rows.append(
                [
                    md(p.basis if chart.kind in ("scatter", "stacked", "grouped") else s.label),
                    md(s.label) if chart.kind in ("stacked", "grouped", "scatter") else md(s.metric),
                    format_value(p.value, p.unit or s.unit),
                    p.as_of.isoformat(),
                    md(p.kind),
                    md_link(p.publisher, p.url),
                ]
            )
    for s in chart.targets:
        for p in s.points:
            rows.append(
                [
                    md(s.label),
                    "target",
                    format_value(p.value, p.unit or s.unit),
                    p.as_of.isoformat(),
                    md(p.kind),
                    md_link(p.publisher, p.url),
                ]
            )
    out = [f"**{md(chart.title)}**" + (" (last 6 points per series)" if chart.kind in ("line", "scatter") else ""), ""]
    out += _table(["series", "what", "value", "date", "kind", "source"], rows)
    out += [f"*{md(fit.note)}*" for fit in chart.fits if fit.note]
    return out + ([""] if chart.fits else [])


def render_markdown(report: Report) -> str:
    """The whole report as a Markdown document."""
    r = report
    as_of = r.as_of.isoformat() if r.as_of else f"all data (reference {r.reference.isoformat()})"
    out = [
        f"# {md(r.title)}",
        "",
        f"Dataset `{r.dataset_version}` · corevar {r.corevar_version} · as of {as_of} · theses "
        f"{md(', '.join(r.theses_files)) if r.theses_files else 'shipped defaults'} · built "
        f"{r.built_at.strftime('%Y-%m-%d %H:%M:%S')} UTC · {r.observations} observations",
        "",
        "## The claims, judged against the data",
        "",
    ]
    counts = ", ".join(f"{n} {VERDICT_LABEL[v]}" for v, n in r.check.counts().items())
    out += [f"{len(r.check.theses)} claims: {counts}.", ""]
    out += _table(
        ["id", "stance", "verdict", "claim", "evidence"],
        [[md(t.id), md(t.stance), f"**{_verdict(t.verdict)}**", md(t.text), md(t.explanation)] for t in r.check.theses],
    )

    out += ["## Scorecard", "", "Latest value (date), growth over the last year (annualised), nearest target.", ""]
    rows = []
    for core in next(iter(r.scorecard.values())):
        row = [md(core.replace("_", " "))]
        for lab in r.labs:
            c = r.scorecard[lab][core]
            if c.empty or c.series is None:
                row.append("—")
                continue
            bits = [
                f"**{format_value(c.series.latest.value, c.series.unit)}** {md(c.series.label)} "
                f"({c.series.latest.as_of.isoformat()})"
            ]
            if growth_text(c.growth):
                bits.append(f"{ARROWS.get(c.direction, '')} {growth_text(c.growth, c.growth_months)}")
            if c.target:
                bits.append(md(c.target))
            row.append("<br>".join(bits))
        rows.append(row)
    out += _table(["core variable", *[md(r.name(lab)) for lab in r.labs]], rows)

    for s in r.sections:
        out += [f"## {md(s.core.replace('_', ' ').capitalize())}", "", f"*{md(s.question)}*", ""]
        for chart in s.charts:
            out += _chart_table(chart)

    out += [
        "## Market structure",
        "",
        "HHI per named market on its latest date with two or more vendors (DOJ/FTC 2023 bands).",
        "",
    ]
    out += _table(
        ["market", "date", "shares", "coverage", "HHI", "band", "equiv. firms"],
        [
            [
                md(m.market),
                m.as_of.isoformat(),
                "; ".join(
                    f"{md(r.name(e))} {format_value(v, 'fraction')} ({md_link(pub, url)})"
                    for e, v, pub, url in m.shares
                ),
                format_value(m.coverage, "fraction"),
                f"{m.hhi_points:,.0f}" + ("+" if m.lower_bound and m.coverage < 0.999 else ""),
                md(m.band),
                ratio(m.equivalent_firms, 1, ""),
            ]
            for m in r.markets
        ],
    )

    out += ["## Inference price decline", ""]
    out += _table(
        ["tier", "basis", "frontier points", "span", "cheaper per year", "90% interval", "halving time", "r²"],
        [
            [
                md(f.tier),
                md(f.basis),
                str(f.n),
                f"{f.start} – {f.end}",
                ratio(f.factor_per_year),
                f"{ratio(f.factor_low)} – {ratio(f.factor_high)}",
                ratio(f.halving_months, 1, " months"),
                ratio(f.r2, 2, ""),
            ]
            for f in r.prices
        ],
    )
    for p in r.price_estimates:
        out.append(
            f"- {format_value(p.value, p.unit)} ({md(p.basis)}, {p.as_of.isoformat()}) — {md_link(p.publisher, p.url)}"
        )
    out += [*(f"*{md(n)}*" for n in r.notes), ""]

    out += ["## Compute finance", ""]

    def cell(p: object) -> str:
        if p is None:
            return "—"
        return (
            f"{format_value(p.value, p.unit)} ({md(p.basis)}, {p.as_of.isoformat()}, "  # type: ignore[attr-defined]
            f"{md_link(p.publisher, p.url)})"
        )  # type: ignore[attr-defined]

    out += _table(
        ["lab", "ARR", "revenue (FY)", "cash burn (FY)", "burn / revenue", "compute commitments", "commitments / ARR"],
        [
            [
                md(r.name(f.entity)),
                cell(f.arr),
                cell(f.revenue),
                cell(f.burn),
                ratio(f.burn_to_revenue, 2),
                cell(f.commitments),
                ratio(f.commitments_to_arr, 1, " yrs"),
            ]
            for f in r.finance
        ],
    )

    out += ["## Theses: rules, verdicts and evidence", ""]
    for t in r.check.theses:
        out += [
            f"### {md(t.id)} · {md(t.stance)} · {_verdict(t.verdict)}",
            "",
            f"> {md(t.text)}",
            "",
            md(t.explanation),
            "",
        ]
        for rule in t.rules:
            out.extend(_rule_lines(rule, 0))
        evidence = t.evidence()
        if evidence:
            out += [""]
            out += _table(
                ["role", "subject", "metric", "basis", "value", "date", "kind", "source"],
                [
                    [
                        md(e.role),
                        md(e.entity + (f" / {e.product}" if e.product else "")),
                        md(e.metric),
                        md(e.basis or ""),
                        format_value(e.value, e.unit),
                        e.as_of.isoformat(),
                        md(e.kind),
                        md_link(e.publisher, e.source_url),
                    ]
                    for e in evidence
                ],
            )
        else:
            out.append("")

    out += [
        "## Data freshness",
        "",
        f"Days from the newest observation to {r.reference.isoformat()}; over 180 days is **stale**.",
        "",
    ]
    cores = list(next(iter(r.freshness.values())))
    out += _table(
        ["lab", *[c.replace("_", " ") for c in cores]],
        [[md(r.name(lab)), *[_age(r.freshness[lab][c]) for c in cores]] for lab in r.labs],
    )

    out += [f"## Sources ({len(r.sources)})", ""]
    out += _table(
        ["publisher", "first published", "title / link", "observations"],
        [
            [
                md(s["publisher"]),
                s["published"].isoformat() if s["published"] else "",
                md_link(s["title"] or s["url"], s["url"]),
                str(s["observations"]),
            ]
            for s in r.sources
        ],
    )
    return "\n".join(out)


def _age(age: int | None) -> str:
    from .build import STALE_DAYS

    if age is None:
        return "—"
    return f"**{age} d stale**" if age > STALE_DAYS else f"{age} d"


def _rule_lines(rule: object, depth: int) -> list[str]:
    pad = "  " * depth
    r = rule
    label = getattr(r, "label", "")
    lines = [f"{pad}- **{_verdict(r.verdict)}** `{md(r.kind)}` {md(label)}: {md(r.explanation)}"]  # type: ignore[attr-defined]
    for child in getattr(r, "children", ()):
        lines.extend(_rule_lines(child, depth + 1))
    return lines
