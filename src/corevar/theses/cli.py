"""The body of ``corevar check``: load theses, open the store, evaluate, render.

This module is imported when the CLI starts, so it imports only Typer at load time; pandas, DuckDB and the
engine are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["check_command"]

_FORMATS = ("table", "json", "md")


def check_command(
    theses: Annotated[
        list[Path] | None,
        typer.Argument(
            help="YAML files of theses (see docs/theses.md). Leave out to check the shipped default theses: "
            "every claim of the seed post, bear case and rebuttal.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Output format: table (terminal), json or md (Markdown)."),
    ] = "table",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge with only what had been published by this date (YYYY-MM-DD), e.g. 2026-04-27 to see "
            "what the data said the day before the WSJ report.",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database file (default: $COREVAR_DB, else the user's data directory).", show_default=False
        ),
    ] = None,
) -> None:
    """Judge theses against the data: supported, contradicted, mixed or insufficient data, with the evidence.

    Each verdict lists the numbers, dates and sources behind it and is stamped with the dataset version.

    Examples: corevar check · corevar check my_theses.yaml --format md · corevar check --as-of 2026-04-27
    """
    import os
    import sys
    from datetime import date

    from ..cli import fail  # one place prints errors for every command
    from ..errors import CorevarError

    if fmt not in _FORMATS:
        fail(f'--format "{fmt}" is not one of {", ".join(_FORMATS)}.', 2)
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            fail(f'--as-of "{as_of}" is not a date; expected YYYY-MM-DD, e.g. 2026-04-27.', 2)

    from . import evaluate, load_theses, render

    try:
        loaded = load_theses(theses or None)
    except CorevarError as exc:
        fail(str(exc), 2)
    from ..api import open as open_store

    try:
        with open_store(db or os.environ.get("COREVAR_DB")) as store:
            frame = store.frame()
            version = store.dataset_version()
    except CorevarError as exc:
        fail(str(exc), getattr(exc, "exit_code", 1))
    result = evaluate(loaded, frame, as_of=day, dataset_version=version)
    if fmt == "table":
        from rich.console import Console

        from ._render import table

        Console().print(table(result))
    else:
        sys.stdout.write(render(result, fmt))
