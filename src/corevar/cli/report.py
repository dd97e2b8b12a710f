"""``corevar report``: write the report (HTML or Markdown) and print its summary on the terminal.

One library call, :func:`corevar.report.write.write_report`, builds and writes the page; :func:`summary` only prints
figures the report already holds (it computes nothing). Only Typer is imported at load time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import AsOfOption, DbOption, db_path, fail, format_option, handled, require_extra

if TYPE_CHECKING:
    from ..report.build import Report

__all__ = ["report", "summary"]

_STYLE = {"supported": "green", "contradicted": "red", "mixed": "yellow", "insufficient_data": "dim"}


_SHORT = {
    "weekly_active_users": "WAU",
    "monthly_active_users": "MAU",
    "daily_active_users": "DAU",
    "arr": "ARR",
    "paying_subscribers": "subscribers",
    "dau_mau_ratio": "DAU/MAU",
    "net_dollar_retention": "NDR",
    "enterprise_penetration": "adoption",
    "business_users": "seats",
    "coding_usage": "users",
    "coding_revenue": "ARR",
    "inference_price": "price",
    "compute_commitments": "commitments",
    "market_share": "share",
    "cash_burn": "burn",
    "paid_retention": "retention",
}


def report(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write corevar-report.html (or .md) into.", file_okay=False)
    ] = Path("report"),
    open_browser: Annotated[bool, typer.Option("--open", help="Open the report in your web browser.")] = False,
    theses: Annotated[
        list[Path] | None,
        typer.Option(
            "--theses",
            "-t",
            help="A YAML file of your own theses (repeatable) instead of the shipped claims of the seed post. "
            "See docs/theses.md.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        str, format_option(("html", "md"), help="html (one self-contained page) or md (Markdown).")
    ] = "html",
    db: DbOption = None,
) -> None:
    """Write the report: verdicts, scorecards, charts and sources.

    The claims judged, a scorecard per lab, charts per core variable and every source.

    The HTML file is self-contained (CSS, JavaScript and charts inline) and opens with no network.

    Examples: corevar report · corevar report --open · corevar report --format md --out notes
    · corevar report --theses mine.yaml --as-of 2026-04-27
    """
    require_extra("report", "jinja2", "plotly")
    from ..report.write import write_report

    with handled():
        try:
            path, built = write_report(out, fmt=fmt, db=db_path(ctx, db), theses=theses or None, as_of=as_of)
        except OSError as exc:
            fail(f"cannot write the report to {out}: {exc.strerror or exc}", 1)
    summary(built, path)
    if open_browser:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


def summary(report: Report, path: Path) -> None:
    """Verdict per claim, the scorecard headline, the file and the dataset version, on the terminal."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..report.html import ARROWS, VERDICT_LABEL, growth_text
    from ..units import format_value

    console = Console(highlight=False)
    claims = Table(title="Claims of the seed post, judged", show_lines=False, title_justify="left")
    claims.add_column("id")
    claims.add_column("verdict")
    claims.add_column("claim", overflow="fold")
    for t in report.check.theses:
        claims.add_row(Text(t.id), Text(VERDICT_LABEL[t.verdict.value], style=_STYLE[t.verdict.value]), Text(t.text))
    console.print(claims)

    board = Table(title="Scorecard (latest value, growth per year)", title_justify="left")
    board.add_column("core variable")
    for lab in report.labs[:5]:
        board.add_column(report.name(lab), overflow="fold")
    for core in next(iter(report.scorecard.values())):
        cells = []
        for lab in report.labs[:5]:
            c = report.scorecard[lab][core]
            if c.series is None:
                cells.append(Text("—", style="dim"))
                continue
            line = format_value(c.series.latest.value, c.series.unit)
            if growth_text(c.growth):
                line += f" {ARROWS.get(c.direction, '')}{growth_text(c.growth, c.growth_months)}"
            style = "green" if c.good else ("red" if c.good is False else "")
            cell = Text(line, style=style)
            # Which number this is and when: cells of one row can measure different things (the HTML says more).
            what = _SHORT.get(c.series.metric, c.series.metric.replace("_", " "))
            cell.append(f"\n{what} · {c.series.latest.as_of.isoformat()[:7]}", style="dim")
            cells.append(cell)
        board.add_row(Text(core.replace("_", " ")), *cells)
    console.print(board)
    counts = ", ".join(f"{n} {VERDICT_LABEL[v]}" for v, n in report.check.counts().items() if n)
    console.print(Text(f"{len(report.check.theses)} claims: {counts}."))
    console.print(Text(f"Report written to {path}"), style="bold")
    console.print(
        Text(
            f"dataset {report.dataset_version} · corevar {report.corevar_version} · {report.observations} observations"
        ),
        style="dim",
    )
