"""``corevar check``: judge theses against the store, as one call on :meth:`corevar.Corevar.check`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ._common import AsOfOption, DbOption, cached, format_option, open_store, parse_day

__all__ = ["check"]


def check(
    ctx: typer.Context,
    theses: Annotated[
        list[Path] | None,
        typer.Argument(
            help="YAML files of theses (see docs/theses.md). Leave out to check the shipped default theses: "
            "every claim of the seed post, bear case and rebuttal.",
            dir_okay=False,
            show_default=False,
            metavar="[THESES.yaml]...",
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        str, format_option(("table", "json", "md"), help="Output format: table (terminal), json or md (Markdown).")
    ] = "table",
    db: DbOption = None,
) -> None:
    """Judge theses against the data, with the evidence.

    Each thesis is supported, contradicted, mixed or has insufficient data.

    Each verdict lists the numbers, dates and sources behind it and is stamped with the dataset version.

    Examples: corevar check · corevar check my_theses.yaml --format md · corevar check --as-of 2026-04-27
    """
    day = parse_day(as_of)
    with open_store(ctx, db) as cv:

        def judge() -> dict[str, str]:
            from ..theses import render

            return {"stdout": render(cv.check(theses or None, as_of=day), fmt)}

        out = cached(cv, "check", theses, {"as_of": day, "format": fmt}, judge)
    sys.stdout.write(out["stdout"])
