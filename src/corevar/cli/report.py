"""``corevar report``: write the report (HTML or Markdown) and print its summary on the terminal.

One library call, :meth:`corevar.Corevar.report`, builds the view model on a read-only store; :func:`corevar.report.
write.write` renders and writes it, and :func:`corevar.report.terminal.summary` prints figures the view already holds
(neither computes). Only Typer is imported at load time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    AsOfOption,
    DbOption,
    cached,
    fail,
    format_option,
    handled,
    open_store,
    parse_day,
    require_extra,
    terminal,
)

__all__ = ["report"]


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
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Also list what changed since this date: verdicts then against verdicts now.",
            show_default=False,
        ),
    ] = None,
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
    day, before = parse_day(as_of), parse_day(since, "--since")
    require_extra("report", "jinja2", "plotly")
    from datetime import UTC, datetime

    from ..report.write import FILENAMES, write_text

    target = out / FILENAMES[fmt]
    today = datetime.now(UTC).date()  # the page's separate "against today" freshness line
    with open_store(ctx, db) as cv:

        def build() -> dict[str, str]:
            from io import StringIO

            from rich.console import Console

            from ..report.terminal import summary
            from ..report.write import render

            view = cv.report(theses or None, as_of=day, since=before, today=today)
            screen, text = Console(highlight=False), StringIO()
            summary(
                view,
                target,
                Console(
                    file=text,
                    width=screen.width,
                    color_system=screen.color_system,
                    force_terminal=screen.is_terminal,
                    highlight=False,
                ),
            )
            return {"file": render(view, fmt), "stdout": text.getvalue()}

        options = {"as_of": day, "since": before, "today": today, "format": fmt, "out": out, **terminal()}
        parts = cached(cv, "report", theses, options, build)
    with handled():
        try:
            path = write_text(parts["file"], out, fmt=fmt)
        except OSError as exc:
            fail(f"cannot write the report to {out}: {exc.strerror or exc}", 1)
    sys.stdout.write(parts["stdout"])
    sys.stdout.flush()
    if open_browser:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
