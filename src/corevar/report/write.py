"""Open the store read-only, judge the theses, build the view model and write it: the one call behind
``corevar report``.

This is the report's only I/O: the store snapshot (observations known on ``as_of``, the store's registry, the dataset
version), the theses files, the clock (for the separate "against today" freshness line) and the output file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..gcpause import paused
from ..views.model import ReportView

__all__ = ["FILENAMES", "FORMATS", "make_report", "render", "write", "write_report", "write_text"]

FORMATS: tuple[str, ...] = ("html", "md")
FILENAMES = {"html": "corevar-report.html", "md": "corevar-report.md"}


def _day(value: date | str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        import re

        if re.fullmatch(r"[0-9a-f]{12}", value.strip()):  # what `corevar data` prints as the dataset version
            raise ValueError(
                f'{name} "{value}" looks like a dataset version; {name} takes a date (YYYY-MM-DD): the store keeps '
                "no earlier versions (a version is a hash of the live observations), but every observation keeps "
                "its publication date, so the data as known on a day can always be rebuilt"
            ) from None
        raise ValueError(f'{name} "{value}" is not a date; expected YYYY-MM-DD, e.g. 2026-04-27') from None


def make_report(
    db: str | Path | None = None,
    *,
    theses: Sequence[str | Path] | None = None,
    as_of: date | str | None = None,
    since: date | str | None = None,
    today: date | None = None,
) -> ReportView:
    """The view model of the store at ``db`` (default: ``$COREVAR_DB`` or the user's store) and ``theses``.

    The store is opened read-only and the verdicts come from the same call as ``corevar check``
    (:meth:`corevar.api.Corevar.report`), so the page and the check never disagree.
    """
    from .. import api

    day = _day(as_of, "--as-of")
    before = _day(since, "--since")
    with api.open(db) as cv:
        return cv.report(theses, as_of=day, since=before, today=today)


def render(view: ReportView, fmt: str = "html") -> str:
    """The page (``html``) or document (``md``) of a view model, as text."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    with paused():  # a large page is many small strings and dicts: see corevar.gcpause
        if fmt == "html":
            from .html import render_html

            return render_html(view)
        from .markdown import render_markdown

        return render_markdown(view)


def write(view: ReportView, out: str | Path = "report", *, fmt: str = "html") -> Path:
    """Write ``out/corevar-report.html`` (or ``.md``) atomically and return its path."""
    return write_text(render(view, fmt), out, fmt=fmt)


def write_text(content: str, out: str | Path = "report", *, fmt: str = "html") -> Path:
    """Write a rendered report as ``out/corevar-report.html`` (or ``.md``) atomically and return its path."""
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
