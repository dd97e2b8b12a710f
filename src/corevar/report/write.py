"""Open the store read-only, judge the theses, build the view model and write it: the one call behind
``corevar report``.

This is the report's only I/O: the store snapshot (observations known on ``as_of``, the store's registry, the dataset
version), the theses files, the clock (for the separate "against today" freshness line) and the output file.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..views.model import ReportView

__all__ = ["FILENAMES", "FORMATS", "make_report", "render", "write", "write_report"]

FORMATS: tuple[str, ...] = ("html", "md")
FILENAMES = {"html": "corevar-report.html", "md": "corevar-report.md"}


def _day(value: date | str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'{name} "{value}" is not a date; expected YYYY-MM-DD, e.g. 2026-04-27') from None


def _open(db: str | Path | None) -> Any:
    from .. import api

    params = inspect.signature(api.open).parameters
    return api.open(db, write=False) if "write" in params else api.open(db)


def _registry(cv: Any) -> Any:
    """The store's registry (bundled YAML + the user's own entities); never the registry files themselves."""
    for owner in (cv, getattr(cv, "store", None)):
        fn = getattr(owner, "registry", None)
        if callable(fn):
            return fn()
    from ..registry import Registry  # a store too old to hold its registry: the shipped one

    return Registry.bundled()


def _evaluate(theses: Any, frame: Any, registry: Any, *, as_of: date | None, version: str) -> Any:
    from ..theses import evaluate

    params = inspect.signature(evaluate).parameters
    if "registry" in params:
        return evaluate(theses, frame, registry, as_of=as_of, dataset_version=version)
    return evaluate(theses, frame, as_of=as_of, dataset_version=version)


def make_report(
    db: str | Path | None = None,
    *,
    theses: Sequence[str | Path] | None = None,
    as_of: date | str | None = None,
    since: date | str | None = None,
    today: date | None = None,
) -> ReportView:
    """The view model of the store at ``db`` (default: ``$COREVAR_DB`` or the user's store) and ``theses``."""
    from ..theses import load_theses
    from ..views import Snapshot, build

    day = _day(as_of, "--as-of")
    before = _day(since, "--since")
    loaded = load_theses(list(theses) if theses else None)  # fail on a bad theses file before opening the store
    with _open(db) as cv:
        frame = cv.frame(known_on=day)
        version = cv.dataset_version()
        registry = _registry(cv)
    check = _evaluate(loaded, frame, registry, as_of=day, version=version)
    previous = None
    if before is not None:
        from ..frame import known_on

        previous = _evaluate(loaded, known_on(frame, before), registry, as_of=before, version=version)
    snapshot = Snapshot(frame, registry, version, tuple(str(p) for p in theses or ()))
    return build(snapshot, check, as_of=day, today=today or datetime.now(UTC).date(), previous=previous, since=before)


def render(view: ReportView, fmt: str = "html") -> str:
    """The page (``html``) or document (``md``) of a view model, as text."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if fmt == "html":
        from .html import render_html

        return render_html(view)
    from .markdown import render_markdown

    return render_markdown(view)


def write(view: ReportView, out: str | Path = "report", *, fmt: str = "html") -> Path:
    """Write ``out/corevar-report.html`` (or ``.md``) atomically and return its path."""
    content = render(view, fmt)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILENAMES[fmt]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)  # never leave a half-written report behind
    return path


def write_report(
    out: str | Path = "report",
    *,
    fmt: str = "html",
    db: str | Path | None = None,
    theses: Sequence[str | Path] | None = None,
    as_of: date | str | None = None,
    since: date | str | None = None,
) -> tuple[Path, ReportView]:
    """Build the view model of the store and write it; returns the file's path and the view."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    view = make_report(db, theses=theses, as_of=as_of, since=since)
    return write(view, out, fmt=fmt), view
