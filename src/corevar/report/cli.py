"""The body of ``corevar report``: build the report, write it, print a terminal summary.

Imported when the CLI starts, so only Typer is imported at load time; everything else inside the command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .build import Report

__all__ = ["report_command"]

_STYLE = {"supported": "green", "contradicted": "red", "mixed": "yellow", "insufficient_data": "dim"}


_SHORT = {
    "weekly_active_users": "WAU", "monthly_active_users": "MAU", "daily_active_users": "DAU", "arr": "ARR",
    "paying_subscribers": "subscribers", "dau_mau_ratio": "DAU/MAU", "net_dollar_retention": "NDR",
    "enterprise_penetration": "adoption", "business_users": "seats", "coding_usage": "users",
    "coding_revenue": "ARR", "inference_price": "price", "compute_commitments": "commitments",
    "market_share": "share", "cash_burn": "burn", "paid_retention": "retention",
}


def report_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write corevar-report.html (or .md) into.", file_okay=False)
    ] = Path("report"),
    open_browser: Annotated[bool, typer.Option("--open", help="Open the report in your web browser.")] = False,
    theses: Annotated[
        list[Path] | None,
        typer.Option(
            "--theses",
            "-t",
            help="A YAML file of your own theses (repeatable) instead of the shipped "
            "claims of the seed post. See docs/theses.md.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html (one self-contained page) or md (Markdown).")
    ] = "html",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only what had been published by this date (YYYY-MM-DD).", show_default=False),
    ] = None,
) -> None:
    """Write the report: claims judged, scorecard per lab, charts per core variable, sources.

    The HTML file is self-contained (CSS, JavaScript and charts inline) and opens with no network.

    Examples: corevar report · corevar report --open · corevar report --format md --out notes
    · corevar report --theses mine.yaml --as-of 2026-04-27
    """
    from datetime import date

    from ..cli import fail  # one place prints errors for every command
    from ..errors import CorevarError
    from .write import FORMATS, write_report

    if fmt not in FORMATS:
        fail(f'--format "{fmt}" is not one of {", ".join(FORMATS)}.', 2)
    if as_of is not None:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            fail(f'--as-of "{as_of}" is not a date; expected YYYY-MM-DD, e.g. 2026-04-27.', 2)
    try:
        path, report = write_report(out, fmt=fmt, db=_db(), theses=theses or None, as_of=as_of)
    except CorevarError as exc:
        fail(str(exc), getattr(exc, "exit_code", 2))
    except OSError as exc:
        fail(f"cannot write the report to {out}: {exc.strerror or exc}", 1)
    summary(report, path)
    if open_browser:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


def _db() -> str | None:
    """The CLI's global --db (read lazily so this module does not import the CLI), else $COREVAR_DB."""
    try:
        from ..cli import _State
    except ImportError:  # pragma: no cover
        return os.environ.get("COREVAR_DB")
    return _State.db or os.environ.get("COREVAR_DB")


def summary(report: Report, path: Path) -> None:
    """Verdict per claim, the scorecard headline, the file and the dataset version, on the terminal."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..units import format_value
    from .html import ARROWS, VERDICT_LABEL, growth_text

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
