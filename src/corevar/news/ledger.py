"""Figures from the news against the ledger: known, new, or in conflict — and the door into it.

A figure is **known** when the ledger already holds the same subject (entity, product), metric and basis with an
``as_of`` within :data:`WINDOW_DAYS` of the figure's and a value within :data:`TOLERANCE` of it (or a range that
contains it); **conflict** when such rows exist but none agrees (the closest one is named, with its source);
**new** when the ledger has nothing for that subject and metric near that date. Rates of change (``up 12%``) are
``change``: they are not levels and never enter the ledger.

Accepted figures enter only through :func:`corevar.load.ingest_records` — the same validation as every other
write, all-or-nothing — with the item as the source (its URL, outlet and title), kind ``reported`` (or the
``projection``/``target`` the sentence announced).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..errors import IngestError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TOLERANCE", "WINDOW_DAYS", "compare", "load_review", "to_observations", "write_review"]

WINDOW_DAYS = 31
TOLERANCE = 0.02
ACTUAL = frozenset({"official", "reported", "estimate"})


def _day(value: Any) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[union-attr]
    if hasattr(value, "date"):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def compare(
    figures: Sequence[dict[str, Any]],
    frame: pd.DataFrame,
    *,
    window_days: int = WINDOW_DAYS,
    tolerance: float = TOLERANCE,
) -> list[dict[str, Any]]:
    """Each figure (a dict from :func:`corevar.news.triage.figure_dicts`) with ``status`` and the ledger row behind it.

    Added keys: ``status`` (known | new | conflict | change | undated), ``ledger_value``, ``ledger_as_of``,
    ``ledger_publisher``, ``ledger_source``.
    """
    index: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    if len(frame):
        cols = [
            "entity",
            "product",
            "metric",
            "basis",
            "value",
            "low",
            "high",
            "as_of",
            "kind",
            "publisher",
            "source_url",
        ]
        for row in frame[cols].itertuples(index=False):
            rec = dict(zip(cols, row, strict=True))
            rec["product"] = _text(rec["product"])
            rec["basis"] = _text(rec["basis"])
            rec["as_of"] = _day(rec["as_of"])
            index[(rec["entity"], rec["product"], rec["metric"])].append(rec)
    window = timedelta(days=window_days)
    out = []
    for fig in figures:
        res = dict(fig)
        res.update(status="", ledger_value=None, ledger_as_of=None, ledger_publisher=None, ledger_source=None)
        if fig.get("relation") == "change":
            res["status"] = "change"
            out.append(res)
            continue
        as_of = _day(fig.get("as_of"))
        if as_of is None:
            res["status"] = "undated"
            out.append(res)
            continue
        forward = fig.get("kind") in ("projection", "target")
        near = [
            r
            for r in index.get((fig["entity"], fig.get("product") or "", fig["metric"]), [])
            if r["as_of"] is not None
            and abs(r["as_of"] - as_of) <= window
            and (r["kind"] not in ACTUAL) == forward
            and (not fig.get("basis") or not r["basis"] or r["basis"] == fig["basis"])
        ]
        if not near:
            res["status"] = "new"
            out.append(res)
            continue
        value = float(fig["value"])

        def gap(r: dict[str, Any], value: float = value) -> float:
            lo = r["low"] if r["low"] is not None and not _nan(r["low"]) else r["value"]
            hi = r["high"] if r["high"] is not None and not _nan(r["high"]) else r["value"]
            if lo <= value <= hi:
                return 0.0
            return min(abs(value - lo), abs(value - hi)) / max(abs(value), 1e-12)

        best = min(near, key=lambda r: (gap(r), abs(r["as_of"] - as_of)))
        res["status"] = "known" if gap(best) <= tolerance else "conflict"
        res.update(
            ledger_value=float(best["value"]),
            ledger_as_of=best["as_of"].isoformat(),
            ledger_publisher=best["publisher"],
            ledger_source=best["source_url"],
        )
        out.append(res)
    return out


def _text(x: Any) -> str:
    """'' for a missing id (None or NaN, as pandas hands them out), else the text."""
    return "" if x is None or _nan(x) else str(x)


def _nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def to_observations(figures: Iterable[dict[str, Any]], *, today: date | None = None) -> list[dict[str, Any]]:
    """Observation records (the ingest columns) for figures, each citing the item it came from.

    Raises :class:`~corevar.errors.IngestError` naming every figure that cannot be a source-backed observation
    (no URL, a rate of change, no date) — nothing is returned in that case, so nothing is half-ingested.
    """
    records, problems = [], []
    for n, fig in enumerate(figures, start=1):
        where = f"figure {n} (item {fig.get('item_position')})"
        if fig.get("relation") == "change":
            problems.append(Problem(where, None, "relation", "a rate of change is not a level; it is never ingested"))
            continue
        url = fig.get("item_url") or ""
        if not urlparse(url).scheme.startswith("http"):
            problems.append(Problem(where, None, "url", "the item has no http(s) URL, so the figure has no source"))
            continue
        published = fig.get("item_published") or (today or date.today()).isoformat()
        as_of = fig.get("as_of") or published
        publisher = fig.get("item_source") or (urlparse(url).hostname or "").removeprefix("www.")
        qualifier = fig.get("qualifier") or ""
        note = f"news triage: {fig.get('text', '')!r}" + (f" ({qualifier})" if qualifier else "")
        records.append(
            {
                "entity": fig["entity"],
                "product": fig.get("product") or None,
                "metric": fig["metric"],
                "value": fig["value"],
                "low": fig.get("low"),
                "high": fig.get("high"),
                "unit": fig["unit"],
                "basis": fig.get("basis") or None,
                "as_of": as_of,
                "published": published,
                "kind": fig.get("kind") or "reported",
                "source_url": url,
                "publisher": publisher,
                "title": fig.get("item_title") or None,
                "note": note,
            }
        )
    if problems:
        raise IngestError(problems)
    return records


REVIEW_FIELDS = ("accept", "status", "entity", "product", "metric", "value", "unit", "as_of", "qualifier", "kind")


def write_review(compared: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """A JSONL review file: one figure a line with ``"accept": false``; flip it to true to accept that figure."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for fig in compared:
            row = {"accept": False, **{k: v for k, v in fig.items() if k != "accept"}}
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return path


def load_review(path: str | Path) -> list[dict[str, Any]]:
    """The figures marked ``"accept": true`` in a review file; a malformed line is an error naming the line."""
    path = Path(path)
    if not path.is_file():
        raise IngestError([Problem(str(path), None, None, "no such review file")])
    accepted, problems = [], []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), line_no, None, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("accept"), bool):
            problems.append(Problem(str(path), line_no, "accept", 'each line needs "accept": true or false'))
            continue
        if row["accept"]:
            missing = [k for k in ("entity", "metric", "value", "unit") if row.get(k) in (None, "")]
            if missing:
                problems.append(Problem(str(path), line_no, missing[0], "missing in an accepted figure"))
                continue
            accepted.append(row)
    if problems:
        raise IngestError(problems)
    return accepted
