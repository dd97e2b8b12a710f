"""What every command shares: the ``--db``, ``--as-of`` and ``--format`` options, one error printer, one writer.

Defined once so that every command reads them the same way:

* ``--db PATH`` is accepted before the command (``corevar --db X check``) and after it (``corevar check --db X``);
  the one after the command wins, then ``$COREVAR_DB``, then ``corevar.duckdb`` in the user's data directory.
* ``--as-of YYYY-MM-DD`` on a command that reads observations means *as known on that day*: only what had been
  published by then is used. (On ``corevar add`` it is the observation's own ``as_of`` field, the date the number
  describes.) Listings of the registry (``metrics``, ``entities``) are not dated and take no ``--as-of``.
* ``--format``/``-f`` picks the output: ``table`` (the terminal), ``csv`` or ``json`` for listings, ``md`` where a
  command writes prose (``check``, ``report``), ``text`` (one sentence) or ``json`` for commands that write.

Exit codes, one policy for every command:

* **0**: done.
* **2**: the command could not run as asked because of what the user gave it: an unknown option value, a bad date,
  an unknown entity/product/metric, an invalid input file (nothing was written), an id already taken, or a store
  that another process holds for writing. Retrying unchanged will not help (except the busy store).
* **1**: anything else that stopped the command: a store that cannot be opened or is too new, a report that cannot
  be written, no data for a valid query, an optional extra that is not installed (the message names the
  ``pip install 'corevar[...]'`` line).

Errors are printed as ``Error: <message>`` on stderr, never as a traceback. Every error corevar raises on purpose is
a :class:`corevar.errors.CorevarError`; its ``exit_code`` says 2 or 1, and :func:`fail` is the one place that
prints it; the command group also catches any that a command lets through. This module imports only Typer and
the error tree at load time, so ``corevar --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..errors import CorevarError

if TYPE_CHECKING:
    import pandas as pd

    from ..api import Corevar

__all__ = [
    "LISTING_FORMATS",
    "AsOfOption",
    "DbOption",
    "ListingFormat",
    "db_path",
    "emit",
    "fail",
    "format_option",
    "handled",
    "open_store",
    "parse_day",
    "require_extra",
]

ENV_DB = "COREVAR_DB"
LISTING_FORMATS: tuple[str, ...] = ("table", "csv", "json")


def fail(error: CorevarError | str, code: int | None = None) -> NoReturn:
    """Print ``Error: <message>`` on stderr and exit: with the error's own ``exit_code``, else ``code``, else 1."""
    if isinstance(error, CorevarError):
        message, status = str(error), getattr(error, "exit_code", 1)
    else:
        message, status = error, 1
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code if code is not None else status)


@contextmanager
def handled() -> Iterator[None]:
    """Turn a :class:`CorevarError` raised inside the block into ``Error: ...`` and its exit code."""
    try:
        yield
    except CorevarError as exc:
        fail(exc)


def require_extra(extra: str, *modules: str) -> None:
    """Exit 1 with the install line when a module of an optional extra is missing (never an ImportError trace)."""
    from importlib import import_module

    for module in modules:
        try:
            import_module(module)
        except ImportError:
            fail(f"this command needs the {extra} extra ({module} is not installed): pip install 'corevar[{extra}]'", 1)


# -- options ---------------------------------------------------------------------------------------------------
def parse_day(text: str | None, option: str = "--as-of") -> date | None:
    """``text`` as a date, or exit 2 naming the option and the expected form."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f'{option} "{text}" is not a date; expected YYYY-MM-DD, e.g. 2026-04-27.', 2)


def _check_day(value: str | None) -> str | None:
    parse_day(value)
    return value


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Database file (default: $COREVAR_DB, else corevar.duckdb in your data directory).",
        show_default=False,
    ),
]

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Use only what had been published by this date, e.g. 2026-04-27.",
        callback=_check_day,
        show_default=False,
    ),
]


def format_option(choices: Sequence[str] = LISTING_FORMATS, *, help: str = "") -> object:
    """The ``--format``/``-f`` option accepting ``choices``; any other value exits 2 naming them.

    Used as ``fmt: Annotated[str, format_option(("table", "json", "md"))] = "table"``.
    """
    allowed = tuple(choices)

    def check(value: str) -> str:
        if value not in allowed:
            fail(f'--format "{value}" is not one of {", ".join(allowed)}.', 2)
        return value

    return typer.Option(
        "--format",
        "-f",
        metavar="|".join(allowed),
        help=help or f"Output format: {', '.join(allowed)}.",
        callback=check,
    )


ListingFormat = Annotated[str, format_option()]


# -- the store -------------------------------------------------------------------------------------------------
def db_path(ctx: typer.Context | None, db: str | None = None) -> str | None:
    """The store a command uses: its own ``--db``, else the one given before the command, else ``$COREVAR_DB``.

    ``None`` means the default store in the user's data directory.
    """
    if db:
        return db
    root = ctx.find_root().params.get("db") if ctx is not None else None
    return root or os.environ.get(ENV_DB) or None


@contextmanager
def open_store(ctx: typer.Context | None, db: str | None = None, *, write: bool = False) -> Iterator[Corevar]:
    """The :class:`corevar.Corevar` facade on the command's store (see :func:`db_path`); errors become ``Error:``.

    Commands that only read pass ``write=False`` and so open the store read-only.
    """
    from .. import api

    with handled():
        cv = api.open(db_path(ctx, db), write=write)
        with cv:
            yield cv


def cached(
    cv: Corevar,
    command: str,
    theses: Sequence[object] | None,
    options: dict[str, object],
    make: Callable[[], dict[str, str]],
) -> dict[str, str]:
    """The finished output of ``command``: kept from an identical earlier run, else ``make()`` (then kept).

    "Identical" is :meth:`corevar.Corevar.output_key`: same code, store content, theses files and ``options``. See
    :mod:`corevar.cache` (``COREVAR_CACHE=off`` turns it off).
    """
    from .. import cache

    entry = cv.output_key(command, [str(t) for t in theses or ()], **options) if cache.enabled() else None
    parts = cache.get(entry) if entry else None
    if parts is None:
        parts = make()
        if entry:
            cache.put(entry, parts)
    return parts


def terminal() -> dict[str, object]:
    """What rich reads to lay out and colour terminal output (for :func:`cached` keys), without importing rich."""
    import shutil

    names = ("COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    env = {name: os.environ.get(name) for name in names}
    return {"tty": sys.stdout.isatty(), "size": tuple(shutil.get_terminal_size()), **env}


# -- output ----------------------------------------------------------------------------------------------------
_NUMERIC = ("value", "low", "high")


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """Output to a pipe whose reader stopped early is not an error.

    ``corevar metrics | head``, or the README's ``corevar metrics | corevar entities | corevar sources`` (the next
    command does not read its input), close the pipe while we write; Click would turn the EPIPE into exit 1. The
    rest of the output goes to /dev/null instead and the command ends normally (exit 0).
    """
    try:
        yield
    except BrokenPipeError:
        _to_devnull()


def _to_devnull() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def emit(frame: pd.DataFrame, fmt: str, *, title: str = "", units: bool = True) -> None:
    """Write ``frame`` on stdout as a table (rich), CSV (safe to open in a spreadsheet) or JSON (records, ISO dates)."""
    with reader_may_leave():
        _write(frame, fmt, title=title, units=units)
        sys.stdout.flush()


def _write(frame: pd.DataFrame, fmt: str, *, title: str, units: bool) -> None:
    if fmt == "csv":  # text a spreadsheet would run as a formula (=, +, -, @ ...) is neutralised first
        from ..export import neutralise_csv

        sys.stdout.write(neutralise_csv(frame).to_csv(index=False))
        return
    if fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..units import format_value

    table = Table(title=title or None, show_lines=False)
    columns = list(frame.columns)
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column in _NUMERIC else "left")
    for record in frame.to_dict(orient="records"):
        cells = []
        for column in columns:
            value = record[column]
            if units and column in _NUMERIC and "unit" in record:
                cells.append(format_value(value, str(record["unit"])))
            elif hasattr(value, "date") and column in ("as_of", "published"):
                cells.append("—" if value != value else value.date().isoformat())
            elif value is None or (isinstance(value, float) and value != value):
                cells.append("")
            else:
                cells.append(str(value))
        table.add_row(*(Text(cell) for cell in cells))  # Text: outside text is never read as rich markup

    # Piped output gets a wide console so URLs and dates are not folded into unreadable columns.
    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich's own handler exits 1; a reader that left is not an error
            _to_devnull()

    _Console(highlight=False, width=None if sys.stdout.isatty() else 250).print(table)
