"""``corevar report``: write the report (HTML or Markdown) and print its summary on the terminal.

One library call, :meth:`corevar.Corevar.report`, builds the view model on a read-only store; :func:`corevar.report.
write.write` renders and writes it, and :func:`corevar.report.terminal.summary` prints figures the view already holds
(neither computes). Only Typer is imported at load time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import AsOfOption, DbOption, fail, format_option, handled, open_store, parse_day, require_extra

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
    parse_day(since, "--since")
    require_extra("report", "jinja2", "plotly")
    from ..report.terminal import summary
    from ..report.write import write

    with open_store(ctx, db) as cv:
        view = cv.report(theses or None, as_of=as_of, since=since)
    with handled():
        try:
            path = write(view, out, fmt=fmt)
        except OSError as exc:
            fail(f"cannot write the report to {out}: {exc.strerror or exc}", 1)
    summary(view, path)
    if open_browser:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
