"""The corevar exception tree. Every error a user can cause is a ``CorevarError`` with a full-sentence message."""

from __future__ import annotations

from dataclasses import dataclass


class CorevarError(Exception):
    """Base of every error corevar raises on purpose; the CLI prints its message and exits non-zero."""

    exit_code: int = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where, which field, what was expected, and how to fix it."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f' field "{self.field}":' if self.field else ""
        return f"{where}:{field} {self.message}"


class IngestError(CorevarError):
    """Input files failed validation; nothing was written. ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(str(p) for p in problems)
        more = f"\n... and {self.total - len(problems)} more problems." if self.total > len(problems) else ""
        super().__init__(f"{shown}{more}\nNothing was written: the store is exactly as it was.")


class UnknownNameError(CorevarError):
    """A command named an entity, product or metric that the registry does not know."""

    exit_code = 2


class StoreError(CorevarError):
    """The database cannot be opened or has a schema this version of corevar cannot read."""


class RegistryError(CorevarError):
    """A user entity or product cannot be registered (its id is taken or invalid)."""

    exit_code = 2
