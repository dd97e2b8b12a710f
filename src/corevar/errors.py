"""The corevar exception tree: every error a user can cause is a ``CorevarError`` with a full-sentence message.

One tree, defined here and nowhere else, so that a face (the command line, the web server) needs one ``except``
clause and one exit-code policy: ``exit_code`` 2 means "the input or the situation you gave me" (a bad file, an
unknown name, a store another process holds), 1 means anything else corevar stopped on purpose. Every class is
described in ``docs/errors.md``; a test keeps that page and this module in step.

::

    CorevarError                 exit 1
    ├── InputError               exit 2   problems in something the user handed in, each with file:line: field
    │   ├── IngestError                   observations failed validation; nothing was written
    │   ├── ThesisFileError               a thesis file failed validation
    │   └── NewsInputError                a news feed could not be read
    ├── UnknownNameError         exit 2   an entity, product or metric the registry does not know
    ├── RegistryError            exit 2   a user entity or product cannot be registered
    └── StoreError               exit 1   the database cannot be opened, or is newer than this corevar
        ├── StoreBusyError       exit 2   another process holds the database for longer than we wait
        └── StoreReadOnlyError   exit 1   a write was asked of a store opened read-only (a bug in the caller)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CorevarError",
    "IngestError",
    "InputError",
    "NewsInputError",
    "Problem",
    "RegistryError",
    "StoreBusyError",
    "StoreError",
    "StoreReadOnlyError",
    "ThesisFileError",
    "UnknownNameError",
]


class CorevarError(Exception):
    """Base of every error corevar raises on purpose; the CLI prints its message and exits with ``exit_code``."""

    exit_code: int = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where (file and line, or record number), which field, and what is wrong."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f' field "{self.field}":' if self.field else ""
        return f"{where}:{field} {self.message}"


class InputError(CorevarError):
    """Something the user handed in has problems. ``problems`` holds the first ones found, ``total`` counts all.

    The message lists up to ``shown`` problems, one per line, says how many more there were, and ends with
    ``footer`` (what happened as a result, or where the format is documented).
    """

    exit_code = 2
    shown = 200
    footer = ""

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        listed = self.problems[: self.shown]
        text = "\n".join(str(p) for p in listed)
        if self.total > len(listed):
            text += f"\n... and {self.total - len(listed)} more problems."
        if self.footer:
            text += f"\n{self.footer}"
        super().__init__(text)


class IngestError(InputError):
    """Observations failed validation; nothing was written. ``problems`` lists the first 200, ``total`` counts all."""

    footer = "Nothing was written: the store is exactly as it was."


class ThesisFileError(InputError):
    """A thesis file could not be read or failed validation. ``problems`` lists every problem found."""

    shown = 20
    footer = "See docs/theses.md for the thesis file format."


class NewsInputError(InputError):
    """A news feed could not be read (or, with ``--strict``, had malformed items); nothing was triaged."""

    shown = 20

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None, strict: bool = False) -> None:
        self.strict = strict
        if strict:
            self.footer = "The whole feed was rejected (--strict)."
        super().__init__(problems, total=total)


class UnknownNameError(CorevarError):
    """A command named an entity, product or metric that the registry does not know."""

    exit_code = 2


class RegistryError(CorevarError):
    """A user entity or product cannot be registered (its id is taken or invalid)."""

    exit_code = 2


class StoreError(CorevarError):
    """The database cannot be opened or has a schema this version of corevar cannot read."""


class StoreBusyError(StoreError):
    """Another process holds the database (writing, or reading while we want to write) for longer than we wait.

    ``holder`` describes that process when it can be told (pid and command line), else is empty. Retrying later
    helps, hence exit code 2 like every "the situation you gave me" error.
    """

    exit_code = 2

    def __init__(self, message: str, *, holder: str = "", waited: float = 0.0) -> None:
        self.holder = holder
        self.waited = waited
        super().__init__(message)


class StoreReadOnlyError(StoreError):
    """A write (ingest, add, a registry change) was asked of a store opened with ``mode="r"``."""
