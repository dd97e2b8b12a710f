"""Open the store, judge the theses, build the report and write it: the one call behind ``corevar report``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .build import Report, build

__all__ = ["FILENAMES", "FORMATS", "make_report", "write_report"]

FORMATS: tuple[str, ...] = ("html", "md")
FILENAMES = {"html": "corevar-report.html", "md": "corevar-report.md"}


def make_report(
    db: str | Path | None = None,
    *,
    theses: Sequence[str | Path] | None = None,
    as_of: date | str | None = None,
) -> Report:
    """The report of the store at ``db`` (default: ``$COREVAR_DB`` or the user's store) and ``theses``."""
    from ..api import open as open_store
    from ..theses import evaluate, load_theses

    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    loaded = load_theses(list(theses) if theses else None)  # fail on a bad theses file before opening the store
    with open_store(db) as cv:
        frame = cv.frame(known_on=day)
        version = cv.dataset_version()
    check = evaluate(loaded, frame, as_of=day, dataset_version=version)
    return build(frame, check, dataset_version=version, as_of=day, theses_files=[str(p) for p in theses or []])


def write_report(
    out: str | Path = "report",
    *,
    fmt: str = "html",
    db: str | Path | None = None,
    theses: Sequence[str | Path] | None = None,
    as_of: date | str | None = None,
) -> tuple[Path, Report]:
    """Write ``out/corevar-report.html`` (or ``.md``) and return its path and the report."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    report = make_report(db, theses=theses, as_of=as_of)
    if fmt == "html":
        from .html import render_html

        content = render_html(report)
    else:
        from .markdown import render_markdown

        content = render_markdown(report)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILENAMES[fmt]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)  # never leave a half-written report behind
    return path, report
