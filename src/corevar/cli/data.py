"""Read-only listings: ``metrics``, ``entities``, ``show``, ``sources``, ``conflicts``.

Each is one call on :class:`corevar.Corevar` on a store opened read-only, written out by
:func:`corevar.cli._common.emit`. Only Typer is imported at load time.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import AsOfOption, DbOption, ListingFormat, emit, fail, open_store

__all__ = ["conflicts", "entities", "entities_app", "metrics", "show", "sources"]


def metrics(ctx: typer.Context, fmt: ListingFormat = "table", db: DbOption = None) -> None:
    """List the metrics: core variable, unit and meaning of each.

    The taxonomy every observation is filed under (src/corevar/dataset/taxonomy.yaml).

    Example: corevar metrics --format csv
    """
    with open_store(ctx, db) as cv:
        frame = cv.metrics()
    frame["basis"] = frame["basis"].map(
        lambda b: ", ".join(b) if isinstance(b, (list, tuple)) or hasattr(b, "tolist") else ""
    )
    emit(frame, fmt, title="corevar metrics", units=False)


entities_app = typer.Typer(  # its help is the callback's docstring
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


@entities_app.callback(invoke_without_command=True)
def entities(ctx: typer.Context, fmt: ListingFormat = "table", db: DbOption = None) -> None:
    """List the entities and their products; `add` registers your own.

    Entities are labs, companies, stock chains and indices.

    Example: corevar entities --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(ctx, db) as cv:
        frame = cv.entities()
    emit(frame, fmt, title="corevar entities", units=False)


def _register_entities_add() -> None:
    from .ingest import entities_add  # `entities add` writes; it lives with the other writing commands

    entities_app.command("add")(entities_add)


_register_entities_add()


def show(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="Entity id, e.g. openai (see `corevar entities`).")],
    metric: Annotated[str | None, typer.Argument(help="Metric id, e.g. weekly_active_users.")] = None,
    product: Annotated[str | None, typer.Option("--product", "-p", help="Only this product, e.g. chatgpt.")] = None,
    all_reports: Annotated[
        bool, typer.Option("--all", help="Also list reports the conflict rule did not pick.")
    ] = False,
    as_of: AsOfOption = None,
    fmt: ListingFormat = "table",
    db: DbOption = None,
) -> None:
    """Show a series with the source behind every value.

    Example: corevar show openai weekly_active_users --product chatgpt
    """
    with open_store(ctx, db) as cv:
        frame = cv.show(entity, metric, product=product, known_on=as_of, include_superseded=all_reports)
        version = cv.dataset_version()
    if frame.empty:
        fail(f"no observations for {entity} {metric or ''} {product or ''}".rstrip() + ".", 1)
    columns = ["product", "metric", "basis", "as_of", "value", "unit", "kind", "published", "publisher", "source_url"]
    if all_reports:
        columns.append("shown")
    if fmt != "table":
        columns += ["low", "high", "title", "note", "id"]
    emit(frame[[c for c in columns if c in frame.columns]], fmt, title=f"{entity} {metric or ''} — dataset {version}")


def sources(ctx: typer.Context, as_of: AsOfOption = None, fmt: ListingFormat = "table", db: DbOption = None) -> None:
    """List every source, with how many observations it supports.

    Example: corevar sources --as-of 2026-04-27 --format csv
    """
    with open_store(ctx, db) as cv:
        frame = cv.sources(known_on=as_of)
    emit(frame, fmt, title="corevar sources", units=False)


def conflicts(ctx: typer.Context, as_of: AsOfOption = None, fmt: ListingFormat = "table", db: DbOption = None) -> None:
    """List where sources disagree, and which report every view shows.

    All reports are kept; `shown` marks the one every view uses, picked by the conflict rule in DATA.md
    (official > reported > estimate first).
    """
    with open_store(ctx, db) as cv:
        frame = cv.conflicts(known_on=as_of)
    columns = [
        "entity",
        "product",
        "metric",
        "basis",
        "as_of",
        "value",
        "unit",
        "kind",
        "published",
        "publisher",
        "shown",
    ]
    emit(frame[columns], fmt, title="conflicting observations")
