"""The ``corevar`` command line: a thin Typer layer over :mod:`corevar.api`.

Start-up time matters: this module imports only Typer at load time. DuckDB, pandas, pyarrow and Plotly are
imported inside the commands that need them, so ``corevar --help`` answers at once.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    import pandas as pd

    from .api import Corevar

app = typer.Typer(
    help="Track the core variables of the AI race, with a source behind every number.\n\n"
    "Start with `corevar report` (HTML report of the bundled data) or `corevar show openai weekly_active_users`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class _State:
    db: str | None = None


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database file (default: $COREVAR_DB, else corevar.duckdb in your data directory).",
                 show_default=False),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.callback()
def main(db: DbOption = None) -> None:
    """corevar: the core variables of the AI race, sourced."""
    _State.db = db or os.environ.get("COREVAR_DB")


def _register_commands() -> None:
    """`check` and `report` live beside the code they drive; their modules import only Typer at load time."""
    from .report.cli import report_command
    from .theses.cli import check_command

    app.command("check")(check_command)
    app.command("report")(report_command)


_register_commands()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``Error: message`` on stderr and exit with ``code``."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _open(db: str | None = None) -> Corevar:
    from .api import open as open_store
    from .errors import CorevarError

    try:
        return open_store(db or _State.db)
    except CorevarError as exc:
        fail(str(exc), exc.exit_code)


def _emit(frame: pd.DataFrame, fmt: Format, *, title: str = "", units: bool = True) -> None:
    """Write a DataFrame as a rich table, CSV or JSON on stdout."""
    if fmt is Format.csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    if fmt is Format.json:
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .units import format_value

    table = Table(title=title or None, show_lines=False)
    columns = list(frame.columns)
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column in ("value", "low", "high") else "left")
    for record in frame.to_dict(orient="records"):
        cells = []
        for column in columns:
            value = record[column]
            if units and column in ("value", "low", "high") and "unit" in record:
                cells.append(format_value(value, str(record["unit"])))
            elif hasattr(value, "date") and column in ("as_of", "published"):
                cells.append("—" if value != value else value.date().isoformat())
            elif value is None or (isinstance(value, float) and value != value):
                cells.append("")
            else:
                cells.append(str(value))
        table.add_row(*(Text(cell) for cell in cells))  # Text: outside text is never read as rich markup
    # Piped output gets a wide console so URLs and dates are not folded into unreadable columns.
    Console(highlight=False, width=None if sys.stdout.isatty() else 250).print(table)


@app.command()
def metrics(fmt: FormatOption = Format.table) -> None:
    """List the taxonomy: every metric with its core variable, unit and meaning.

    Example: corevar metrics --format csv
    """
    with _open() as cv:
        frame = cv.metrics()
    frame["basis"] = frame["basis"].map(lambda b: ", ".join(b) if isinstance(b, (list, tuple)) or hasattr(b, "tolist")
                                        else "")
    _emit(frame, fmt, title="corevar metrics", units=False)


entities_app = typer.Typer(help="The entities (labs, companies, stock chains) and their products.",
                            no_args_is_help=False)
app.add_typer(entities_app, name="entities")


@entities_app.callback(invoke_without_command=True)
def entities(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List the entities (labs, companies, stock chains) and their products; `add` registers your own.

    Example: corevar entities --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    with _open() as cv:
        _emit(cv.entities(), fmt, title="corevar entities", units=False)


@entities_app.command("add")
def entities_add(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="New entity id: lower case, digits, _ or -.")],
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 'Anysphere (Cursor)'.")],
    kind: Annotated[str, typer.Option("--kind", help="lab, company, chain or index.")] = "company",
    tickers: Annotated[list[str] | None, typer.Option("--ticker", help="Stock ticker (repeatable).")] = None,
    products: Annotated[
        list[str] | None,
        typer.Option("--product", help="A product as ID=NAME or ID=NAME:KIND (kind: assistant, model, "
                     "coding_tool, api, cloud, other); repeatable."),
    ] = None,
) -> None:
    """Register your own entity so you can ingest observations about it.

    Example: corevar entities add acme --name "Acme AI" --kind lab --product acme-chat=AcmeChat:assistant
    """
    from .errors import CorevarError

    parsed = []
    for spec in products or []:
        pid, sep, rest = spec.partition("=")
        if not sep or not pid or not rest:
            fail(f'--product "{spec}" is not ID=NAME or ID=NAME:KIND', 2)
        pname, _, pkind = rest.partition(":")
        parsed.append({"id": pid, "name": pname, "kind": pkind or "other"})
    with _open() as cv:
        try:
            cv.add_entity({"id": entity_id, "name": name, "kind": kind, "tickers": tickers or [],
                           "products": parsed})
        except CorevarError as exc:
            fail(str(exc), exc.exit_code)
    typer.echo(f"Registered {entity_id} with {len(parsed)} product(s).")


@app.command()
def show(
    entity: Annotated[str, typer.Argument(help="Entity id, e.g. openai (see `corevar entities`).")],
    metric: Annotated[str | None, typer.Argument(help="Metric id, e.g. weekly_active_users.")] = None,
    product: Annotated[str | None, typer.Option("--product", "-p", help="Only this product, e.g. chatgpt.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only what was published by this date.")] = None,
    all_reports: Annotated[bool, typer.Option("--all", help="Also list reports the conflict rule did not pick.")]
    = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Show a series with the source behind every value.

    Example: corevar show openai weekly_active_users --product chatgpt
    """
    from .errors import CorevarError

    _check_date(as_of, "--as-of")
    with _open() as cv:
        try:
            frame = cv.show(entity, metric, product=product, known_on=as_of, include_superseded=all_reports)
        except CorevarError as exc:
            fail(str(exc), exc.exit_code)
        version = cv.dataset_version()
    if frame.empty:
        fail(f"no observations for {entity} {metric or ''} {product or ''}".rstrip(), 3)
    columns = ["product", "metric", "basis", "as_of", "value", "unit", "kind", "published", "publisher",
               "source_url"]
    if all_reports:
        columns.append("shown")
    if fmt is not Format.table:
        columns += ["low", "high", "title", "note", "id"]
    _emit(frame[columns], fmt, title=f"{entity} {metric or ''} — dataset {version}")


@app.command()
def sources(fmt: FormatOption = Format.table) -> None:
    """List every source behind the data, with how many observations each supports."""
    with _open() as cv:
        _emit(cv.sources(), fmt, title="corevar sources", units=False)


@app.command()
def conflicts(fmt: FormatOption = Format.table) -> None:
    """List observations where sources disagree; all are kept, `shown` marks the one views use.

    The rule: official > reported > estimate, then the newest publication, then the smallest id.
    """
    with _open() as cv:
        frame = cv.conflicts()
    columns = ["entity", "product", "metric", "basis", "as_of", "value", "unit", "kind", "published", "publisher",
               "shown"]
    _emit(frame[columns], fmt, title="conflicting observations")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON, JSON Lines or YAML files of observations.")],
    parse_human: Annotated[
        bool, typer.Option("--parse-human", help='Accept values like "800M", "$13B" or "12%".')
    ] = False,
) -> None:
    """Validate observation files and append them all, or nothing.

    Every row of every file is checked first; any problem is reported with file, line and field, and the store is
    left exactly as it was (exit code 2). Ingesting the same file twice adds nothing.

    Example: corevar ingest my_numbers.csv
    """
    from .errors import CorevarError

    with _open() as cv:
        try:
            result = cv.ingest(files, parse_human=parse_human)
        except CorevarError as exc:
            fail(str(exc), exc.exit_code)
        version = cv.dataset_version()
    typer.echo(
        f"Read {result.rows} rows from {result.files} file(s): {result.added} added, "
        f"{result.duplicates} already stored. Dataset version {version}."
    )


@app.command()
def add(
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
) -> None:
    """Add one observation through the same validation as `corevar ingest`.

    Example: corevar add openai weekly_active_users 800M --product chatgpt --as-of 2025-10-06
    --published 2025-10-06 --kind official --source-url https://openai.com/... --publisher OpenAI
    """
    import tempfile

    from . import registry
    from .ingest import records_to_file

    record = {
        "entity": entity, "product": product, "metric": metric, "value": value, "as_of": as_of,
        "published": published, "kind": kind, "source_url": source_url, "publisher": publisher, "basis": basis,
        "title": title, "note": note,
        "unit": unit or (registry.metrics()[metric].unit if metric in registry.metrics() else ""),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "add.csv"
        path.write_text(records_to_file([record]).getvalue(), encoding="utf-8")
        from .errors import CorevarError

        with _open() as cv:
            try:
                result = cv.ingest([path], parse_human=True)
            except CorevarError as exc:
                fail(str(exc).replace(str(path), "corevar add"), exc.exit_code)
    typer.echo("Added 1 observation." if result.added else "Already stored: nothing added.")


def _check_date(text: str | None, option: str) -> None:
    from datetime import date

    if text is None:
        return
    try:
        date.fromisoformat(text)
    except ValueError:
        fail(f'{option} "{text}" is not a date; expected YYYY-MM-DD', 2)
