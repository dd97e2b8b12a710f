"""The commands that write: ``ingest``, ``add`` and ``entities add``.

Each is one call on :class:`corevar.Corevar` on a store opened for writing. Validation lives in the library, so a
bad row is reported with file (or ``corevar add``), line and field, and nothing is written (exit code 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import DbOption, fail, format_option, open_store

__all__ = ["add", "entities_add", "ingest"]

# What a writing command prints: one sentence for people (text) or one JSON object for scripts.
ResultFormat = Annotated[str, format_option(("text", "json"), help="Output format: text (one sentence) or json.")]


def _say(fmt: str, sentence: str, **fields: object) -> None:
    if fmt == "json":
        import json

        typer.echo(json.dumps(fields))
    else:
        typer.echo(sentence)


def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON, JSON Lines or YAML files of observations.")],
    parse_human: Annotated[
        bool, typer.Option("--parse-human", help='Accept values like "800M", "$13B" or "12%".')
    ] = False,
    fmt: ResultFormat = "text",
    db: DbOption = None,
) -> None:
    """Validate observation files and append them all, or nothing.

    Every row of every file is checked first; any problem is reported with file, line and field, and the store is
    left exactly as it was (exit code 2). Ingesting the same file twice adds nothing.

    Example: corevar ingest my_numbers.csv
    """
    with open_store(ctx, db, write=True) as cv:
        result = cv.ingest(files, parse_human=parse_human)
        version = cv.dataset_version()
    _say(
        fmt,
        f"Read {result.rows} rows from {result.files} file(s): {result.added} added, "
        f"{result.duplicates} already stored. Dataset version {version}.",
        files=result.files,
        rows=result.rows,
        added=result.added,
        duplicates=result.duplicates,
        dataset_version=version,
    )


def add(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="Entity id, e.g. openai.")],
    metric: Annotated[str, typer.Argument(help="Metric id, e.g. weekly_active_users.")],
    value: Annotated[str, typer.Argument(help='Value: base units or "800M", "$13B", "12%".')],
    as_of: Annotated[str, typer.Option("--as-of", help="Date the number describes (YYYY-MM-DD).")],
    published: Annotated[str, typer.Option("--published", help="Date the source published it (YYYY-MM-DD).")],
    kind: Annotated[str, typer.Option("--kind", help="official, reported, estimate, target or projection.")],
    source_url: Annotated[str, typer.Option("--source-url", help="http(s) URL of the source.")],
    publisher: Annotated[str, typer.Option("--publisher", help="Who published it.")],
    product: Annotated[str | None, typer.Option("--product", help="Product id, e.g. chatgpt.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit (default: the metric's unit).")] = None,
    basis: Annotated[str | None, typer.Option("--basis", help="Basis, e.g. run_rate, fy2025, a market.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the source.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note in your own words.")] = None,
    fmt: ResultFormat = "text",
    db: DbOption = None,
) -> None:
    """Add one observation through the same validation as ingest.

    Here --as-of is the observation's own date (the date the number describes), not a cut of what is known.

    Example: corevar add openai weekly_active_users 800M --product chatgpt --as-of 2025-10-06
    --published 2025-10-06 --kind official --source-url https://openai.com/... --publisher OpenAI
    """
    record = {
        "entity": entity, "product": product, "metric": metric, "value": value, "as_of": as_of,
        "published": published, "kind": kind, "source_url": source_url, "publisher": publisher, "basis": basis,
        "title": title, "note": note, "unit": unit,
    }  # fmt: skip
    with open_store(ctx, db, write=True) as cv:
        result = cv.add(record)
        version = cv.dataset_version()
    sentence = "Added 1 observation." if result.added else "Already stored: nothing added."
    _say(fmt, sentence, added=result.added, dataset_version=version)


def entities_add(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="New entity id: lower case, digits, _ or -.")],
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 'Anysphere (Cursor)'.")],
    kind: Annotated[str, typer.Option("--kind", help="lab, company, chain or index.")] = "company",
    tickers: Annotated[list[str] | None, typer.Option("--ticker", help="Stock ticker (repeatable).")] = None,
    products: Annotated[
        list[str] | None,
        typer.Option(
            "--product",
            help="A product as ID=NAME or ID=NAME:KIND (kind: assistant, model, coding_tool, api, cloud, other); "
            "repeatable.",
        ),
    ] = None,
    fmt: ResultFormat = "text",
    db: DbOption = None,
) -> None:
    """Register your own entity so you can ingest observations about it.

    Example: corevar entities add acme --name "Acme AI" --kind lab --product acme-chat=AcmeChat:assistant
    """
    parsed = []
    for spec in products or []:
        pid, sep, rest = spec.partition("=")
        if not sep or not pid or not rest:
            fail(f'--product "{spec}" is not ID=NAME or ID=NAME:KIND.', 2)
        pname, _, pkind = rest.partition(":")
        parsed.append({"id": pid, "name": pname, "kind": pkind or "other"})
    with open_store(ctx, db, write=True) as cv:
        cv.add_entity({"id": entity_id, "name": name, "kind": kind, "tickers": tickers or [], "products": parsed})
    _say(
        fmt,
        f"Registered {entity_id} with {len(parsed)} product(s).",
        entity=entity_id,
        products=[p["id"] for p in parsed],
    )
