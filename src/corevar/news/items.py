"""News items and the readers that turn a feed file (JSONL, CSV, RSS/Atom) or standard input into them.

A feed is outside text: any item may be malformed. Readers never drop an item silently — each bad item becomes a
:class:`~corevar.errors.Problem` naming its position (line for JSONL, row line for CSV, entry number for RSS/Atom)
and the field at fault. ``strict=True`` turns any problem into a :class:`NewsInputError` that rejects the whole
input; otherwise the bad items are skipped and counted in :attr:`ReadResult.skipped`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from ..errors import NewsInputError, Problem

__all__ = ["FORMATS", "NewsInputError", "NewsItem", "ReadResult", "item_from_mapping", "read_items", "sniff_format"]

FORMATS = ("jsonl", "csv", "rss")
SUMMARY_FIELDS = ("summary", "lead", "description", "body")
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class NewsItem:
    """One news item: what a triage reads. ``position`` is where it sat in its feed (1-based line/entry)."""

    title: str
    summary: str = ""
    published: date | None = None
    source: str = ""
    url: str = ""
    id: str | None = None
    position: int = 0

    @property
    def text(self) -> str:
        """Title and summary as one string: the classifier's input."""
        return f"{self.title}. {self.summary}" if self.summary else self.title


@dataclass
class ReadResult:
    """The items read, and the problems with the ones that were skipped (by position)."""

    items: list[NewsItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    format: str = ""


def _parse_date(value: Any) -> date | None:
    """A calendar date from ISO text, an RFC 822 date (RSS) or a datetime; raises ValueError when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or an RSS/ISO 8601 date)") from exc


def item_from_mapping(raw: Any, *, label: str, position: int) -> tuple[NewsItem | None, Problem | None]:
    """Build an item from one record (dict), or say exactly what is wrong with it."""
    if not isinstance(raw, Mapping):
        return None, Problem(label, position, None, f"expected an object with a title, got {type(raw).__name__}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        return None, Problem(label, position, "title", "missing or empty; every item needs a title")
    summary = ""
    for name in SUMMARY_FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            return None, Problem(label, position, name, f"must be text, got {type(value).__name__}")
        if value and value.strip():
            summary = " ".join(value.split())
            break
    try:
        published = _parse_date(raw.get("published") or raw.get("date"))
    except ValueError as exc:
        return None, Problem(label, position, "published", str(exc))
    ident = raw.get("id")
    return (
        NewsItem(
            title=" ".join(title.split()),
            summary=summary,
            published=published,
            source=str(raw.get("source") or "").strip(),
            url=str(raw.get("url") or raw.get("link") or "").strip(),
            id=None if ident is None or ident == "" else str(ident),
            position=position,
        ),
        None,
    )


def sniff_format(name: str, head: str) -> str:
    """The feed format from the file name, else from its first characters."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".rss", ".atom", ".xml")):
        return "rss"
    start = head.lstrip()[:200]
    if start.startswith("<"):
        return "rss"
    if start.startswith("{"):
        return "jsonl"
    return "csv"


def _jsonl(text: str, label: str) -> Iterator[tuple[int, Any, Problem | None]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield number, None, Problem(label, number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")


def _csv(text: str, label: str) -> Iterator[tuple[int, Any, Problem | None]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "title" not in [f.strip() for f in reader.fieldnames]:
        yield 1, None, Problem(label, 1, "title", "the CSV header has no 'title' column")
        return
    for row in reader:
        line = reader.line_num
        if None in row:
            yield line, None, Problem(label, line, None, "more cells than header columns (an unquoted comma?)")
            continue
        yield line, {k.strip(): v for k, v in row.items() if k is not None}, None


def _rss(text: str, label: str) -> Iterator[tuple[int, Any, Problem | None]]:
    try:
        import feedparser
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise NewsInputError(
            [Problem(label, None, None, "reading RSS/Atom needs the news extra: pip install 'corevar[news]'")]
        ) from exc
    parsed = feedparser.parse(text)
    if parsed.get("bozo") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        yield 1, None, Problem(label, None, None, f"not a readable RSS/Atom feed ({reason})")
        return
    feed_title = (parsed.feed or {}).get("title", "")
    for number, entry in enumerate(parsed.entries, start=1):
        published = entry.get("published") or entry.get("updated")
        parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed_time:
            published = date(parsed_time.tm_year, parsed_time.tm_mon, parsed_time.tm_mday).isoformat()
        source = entry.get("source", {}).get("title") if isinstance(entry.get("source"), Mapping) else None
        yield (
            number,
            {
                "title": entry.get("title"),
                "summary": _strip_tags(entry.get("summary") or entry.get("description") or ""),
                "published": published,
                "source": source or feed_title,
                "url": entry.get("link", ""),
                "id": entry.get("id"),
            },
            None,
        )


def _strip_tags(html: str) -> str:
    """Plain text from an RSS summary (which is often HTML)."""
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", " ", html))


def read_items(
    source: str | Path | TextIO, *, fmt: str | None = None, strict: bool = False, label: str | None = None
) -> ReadResult:
    """Read a feed file, ``"-"`` for standard input, or an open text stream.

    Raises :class:`NewsInputError` when the input cannot be read at all, or (``strict``) when any item is bad.
    """
    if fmt is not None and fmt not in FORMATS:
        raise NewsInputError(
            [Problem("(arguments)", None, "format", f"unknown feed format {fmt!r}; use one of {FORMATS}")]
        )
    if isinstance(source, (str, Path)) and str(source) == "-":
        name, text = label or "<stdin>", sys.stdin.read()
    elif isinstance(source, (str, Path)):
        path = Path(source)
        name = label or str(path)
        if not path.is_file():
            raise NewsInputError([Problem(name, None, None, "no such file")])
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise NewsInputError([Problem(name, None, None, f"not UTF-8 text (byte {exc.start})")]) from exc
    else:
        name, text = label or getattr(source, "name", "<stream>"), source.read()
    text = text.removeprefix("\ufeff")
    kind = fmt or sniff_format(name, text[:512])
    rows = {"jsonl": _jsonl, "csv": _csv, "rss": _rss}[kind](text, name)
    result = ReadResult(format=kind)
    for position, raw, problem in rows:
        if problem is None:
            item, problem = item_from_mapping(raw, label=name, position=position)
            if item is not None:
                result.items.append(item)
                continue
        result.skipped += 1
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(problem)
    if result.problems and (strict or not result.items):
        raise NewsInputError(result.problems, total=result.skipped, strict=strict)
    return result


def items_from_records(records: Iterable[Mapping[str, Any]], *, label: str = "records") -> ReadResult:
    """Items from in-memory dicts (the Python API), with the same checks as the file readers."""
    result = ReadResult(format="records")
    for position, raw in enumerate(records, start=1):
        item, problem = item_from_mapping(raw, label=label, position=position)
        if item is not None:
            result.items.append(item)
        else:
            result.skipped += 1
            result.problems.append(problem)  # type: ignore[arg-type]
    return result
