"""The ``corevar`` command line: one thin command per library call on :class:`corevar.Corevar`.

**Adding a command** is one line in :data:`COMMANDS` below: the command's name, ``"module:attribute"`` (a module
under ``corevar.cli``; the attribute is a function for a command, a ``typer.Typer`` for a group such as
``entities``) and the one-line summary ``corevar --help`` prints. The module is imported only when its command
runs or its own ``--help`` is asked for, so ``corevar --help`` imports nothing but Typer: no pandas, DuckDB,
pydantic or report.
A test checks each summary against the first line of the command's docstring.

Options every command shares (``--db``, ``--as-of``, ``--format``), the exit-code policy and the one error printer
live in :mod:`corevar.cli._common`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ..errors import CorevarError
from . import _common
from ._common import fail

__all__ = ["COMMANDS", "LazyGroup", "app", "fail", "load"]

# name: ("module in corevar.cli:attribute", summary for `corevar --help`, at most 65 characters). Help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "report": ("report:report", "Write the report: verdicts, scorecards, charts and sources."),
    "check": ("check:check", "Judge theses against the data, with the evidence."),
    "show": ("data:show", "Show a series with the source behind every value."),
    "metrics": ("data:metrics", "List the metrics: core variable, unit and meaning of each."),
    "entities": ("data:entities_app", "List the entities and their products; `add` registers your own."),
    "sources": ("data:sources", "List every source, with how many observations it supports."),
    "conflicts": ("data:conflicts", "List where sources disagree, and which report every view shows."),
    "ingest": ("ingest:ingest", "Validate observation files and append them all, or nothing."),
    "add": ("ingest:add", "Add one observation through the same validation as ingest."),
    "serve": ("serve:serve", "Serve a live dashboard and a JSON API over the store (needs the web extra)."),
    "lint": ("lint:lint", "Check a file against the dataset's invariants, as warnings."),
    "chains": ("chains:app", "Stock chains: baskets, returns, risk, attribution, event studies."),
    "prices": ("chains:prices_app", "Ingest daily prices and FX rates, or fetch them with a connector."),
    "news": ("news:app", "Label news by core variable or noise, and extract its figures."),
}


def load(name: str) -> Any:
    """The click command behind ``name``, built from its module (imported now, not at start-up)."""
    module, _, attribute = COMMANDS[name][0].partition(":")
    target = getattr(import_module(f"{__name__}.{module}"), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class _Lazy(Mapping[str, Any]):
    """The group's command table: names known up front, each command built on first use."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise KeyError(name)
        if name not in self._built:
            self._built[name] = load(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """A Typer group whose commands are imported when used; ``--help`` lists them from :data:`COMMANDS`."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Lazy()  # type: ignore[assignment]

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a :class:`~corevar.errors.CorevarError` it lets through still prints as ``Error: ...``."""
        try:
            return super().invoke(ctx)
        except CorevarError as exc:
            fail(exc)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _shorten(summary, limit)) for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 10)].rsplit(" ", 1)[0] + "..."


app = typer.Typer(
    cls=LazyGroup,
    help="Track the core variables of the AI race, with a source behind every number.\n\n"
    "Start with `corevar report` (HTML report of the bundled data) or `corevar show openai weekly_active_users`.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"max_content_width": 120},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: Rich's help formatter alone costs more start-up time than Typer itself
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"corevar {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    db: _common.DbOption = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """corevar: the core variables of the AI race, sourced."""
