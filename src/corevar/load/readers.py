"""Readers: each input becomes a *source* of text rows that the one validation (:mod:`.validate`) can read.

Two kinds of source, chosen for speed and bounded memory:

* :class:`CsvSource` — a CSV file is read by DuckDB itself (``read_csv`` with every column declared as text, so
  nothing is guessed), in parallel and streaming, straight into the validation and the append: the file is never
  held in memory or in Python.
* :class:`BatchSource` — JSON, JSON Lines, YAML and in-memory records (dicts, pandas DataFrames, pyarrow Tables)
  become Arrow tables of text columns with a ``_line`` column, :data:`BATCH_ROWS` rows at a time.

Problems found while reading (an empty file, a missing column, a line that is not JSON) are collected in
:class:`Problems` with file, line and field, exactly like the problems the validation finds.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..units import parse_human
from .validate import COLUMNS, MAX_PROBLEMS, REQUIRED

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BATCH_ROWS", "SUFFIXES", "BatchSource", "CsvSource", "Problems", "open_file", "records_source"]

BATCH_ROWS = 100_000
SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml")


class Problems:
    """Collects problems up to :data:`MAX_PROBLEMS` while counting all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0
        self.settled: set[tuple[str, int | None, str | None]] = set()  # fields already explained (no second word)

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def count_more(self, n: int) -> None:
        """Count ``n`` problems that are not listed (beyond the first :data:`MAX_PROBLEMS`)."""
        self.total += n

    @property
    def room(self) -> int:
        return MAX_PROBLEMS - len(self.items)

    def __bool__(self) -> bool:
        return self.total > 0


def check_columns(names: Sequence[str], label: str, line: int | None, problems: Problems) -> bool:
    """Whether a header (or a table's columns) has only known columns, each once, and every required one."""
    ok = True
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            problems.add(Problem(label, line, name, f"unknown column; expected only: {', '.join(COLUMNS)}"))
            ok = False
        if name in seen:
            problems.add(Problem(label, line, name, "column appears twice"))
            ok = False
        seen.add(name)
    for name in COLUMNS:
        if name in REQUIRED and name not in seen:
            problems.add(Problem(label, line, name, "required column is missing"))
            ok = False
    return ok


# ---------------------------------------------------------------------------------------------------------------
# CSV: read by DuckDB.
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class CsvSource:
    """A CSV file whose header passed; DuckDB reads the rest. Row *n* of the data is on line ``n + 1`` unless
    the file has blank lines or values with line breaks (then :meth:`lines` maps rows to lines the slow way)."""

    path: Path
    label: str
    header: list[str]
    _simple: bool | None = field(default=None, repr=False)

    def relation(self, *, line: bool) -> tuple[str, list[Any]]:
        """SQL (and its parameters) giving every column of :data:`COLUMNS` as text, with ``_line`` = the row's
        1-based position in the data if ``line`` (turned into a file line by :meth:`lines`)."""
        declared = ", ".join(f"'{name}': 'VARCHAR'" for name in self.header)  # names checked against COLUMNS
        picks = [c if c in self.header else f"CAST(NULL AS VARCHAR) AS {c}" for c in COLUMNS]
        if line:
            picks.append("row_number() OVER () AS _line")
        sql = (
            f"SELECT {', '.join(picks)} FROM read_csv(?, header = true, auto_detect = false, "
            f"columns = {{{declared}}}, delim = ',', quote = '\"', escape = '\"', strict_mode = true)"
        )
        return sql, [str(self.path)]

    def lines(self, rows: Iterable[int], total_rows: int) -> dict[int, int]:
        """File line of each data row in ``rows`` (1-based), given the file holds ``total_rows`` rows."""
        wanted = set(rows)
        if self._simple is None:
            self._simple = _data_lines(self.path) == total_rows
        if self._simple:
            return {r: r + 1 for r in wanted}
        found: dict[int, int] = {}
        with self.path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            previous, index = reader.line_num, 0
            for record in reader:
                if record:
                    index += 1
                    if index in wanted:
                        found[index] = previous + 1
                previous = reader.line_num
        return {r: found.get(r, r + 1) for r in wanted}


def _data_lines(path: Path) -> int:
    """Lines after the header, not counting blank lines at the end of the file (bytes counted, not parsed)."""
    count, tail_blank, last = 0, 0, b"\n"
    with path.open("rb") as fh:
        fh.readline()
        for chunk in iter(lambda: fh.read(1 << 24), b""):
            count += chunk.count(b"\n")
            last = chunk
    if not last.endswith(b"\n"):
        count += 1
    with path.open("rb") as fh:  # trailing blank lines: read backwards from the end
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 4096))
        end = fh.read()
    text = end.rstrip(b" \t")
    body = text.rstrip(b"\r\n \t")
    tail_blank = text[len(body) :].count(b"\n") - 1 if text.endswith(b"\n") else 0
    return count - max(0, tail_blank)


def csv_error(label: str, message: str, header_width: int) -> Problem:
    """A problem for DuckDB's CSV parse error ``message``, with the line it names and the fix in plain words."""
    import re

    found = re.search(r"on Line: (\d+)", message)
    line = int(found.group(1)) if found else None
    if "unicode" in message.lower() or "utf-8" in message.lower() or "utf8" in message.lower():
        return Problem(label, line, None, "is not UTF-8 text; save the file as UTF-8")
    width = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if width:
        return Problem(label, line, None, f"has {width.group(2)} fields; the header has {header_width}")
    if "unterminated quote" in message:
        return Problem(label, line, None, 'has a value with an opening " but no closing one')
    first = message.splitlines()[0] if message else "unknown error"
    return Problem(label, line, None, f"cannot be parsed as CSV: {first}")


def _csv_source(path: Path, label: str, problems: Problems) -> CsvSource | None:
    with path.open("rb") as fh:
        head = fh.readline()
    if not head.strip():
        problems.add(Problem(label, None, None, f"file is empty; expected a header line: {','.join(COLUMNS)}"))
        return None
    try:
        header_text = head.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        problems.add(Problem(label, 1, None, "is not UTF-8 text; save the file as UTF-8"))
        return None
    header = [h.strip() for h in next(csv.reader([header_text]))]
    if not check_columns(header, label, 1, problems):
        return None
    return CsvSource(path, label, header)


# ---------------------------------------------------------------------------------------------------------------
# Everything else: Arrow batches of text with a _line column.
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class BatchSource:
    """Arrow tables of text columns (:data:`COLUMNS` and ``_line``), produced lazily, one batch at a time."""

    label: str
    batches: Iterator[pa.Table]
    relation_sql: str = "SELECT * FROM batch"  # `batch` is bound by the code that runs the SQL
    # Produces the batches again from the start (tables held in memory can be read twice; streams cannot).
    reopen: Callable[[], Iterator[pa.Table]] | None = field(default=None, repr=False)


def _text(value: Any) -> str | None:
    """A JSON/YAML/Python scalar as the text a CSV cell would hold (numbers keep full precision)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, datetime):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _to_batch(rows: list[dict[str, str | None]], lines: list[int]) -> pa.Table:
    import pyarrow as pa

    arrays = [pa.array([r.get(c) for r in rows], type=pa.string()) for c in COLUMNS]
    arrays.append(pa.array(lines, type=pa.int64()))
    return pa.Table.from_arrays(arrays, names=[*COLUMNS, "_line"])


def _records_batches(
    records: Iterable[tuple[int, Any]], label: str, problems: Problems, batch_rows: int
) -> Iterator[pa.Table]:
    rows: list[dict[str, str | None]] = []
    lines: list[int] = []
    for line, record in records:
        if not isinstance(record, dict):
            problems.add(Problem(label, line, None, f"expected an object with fields, got {type(record).__name__}"))
            continue
        bad = [k for k in record if k not in COLUMNS]
        for key in bad:
            problems.add(Problem(label, line, str(key), f"unknown field; expected only: {', '.join(COLUMNS)}"))
        missing = sorted(REQUIRED - record.keys())
        for key in missing:
            problems.add(Problem(label, line, key, "required field is missing"))
        if bad or missing:
            continue
        rows.append({k: _text(v) for k, v in record.items()})
        lines.append(line)
        if len(rows) >= batch_rows:
            yield _to_batch(rows, lines)
            rows, lines = [], []
    if rows:
        yield _to_batch(rows, lines)


def _first_bad_utf8_line(path: Path) -> int:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _jsonl_records(path: Path, label: str, problems: Problems) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as exc:
                problems.add(Problem(label, number, None, f"is not valid JSON: {exc.msg}"))


def _json_records(text: str, label: str, problems: Problems) -> Iterator[tuple[int, Any]]:
    """Elements of a top-level JSON array (or an object with an "observations" array), with their lines."""
    decoder = json.JSONDecoder()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(Problem(label, exc.lineno, None, f"is not valid JSON: {exc.msg}"))
        return
    if isinstance(doc, dict) and isinstance(doc.get("observations"), list):
        start = text.index("[", text.index('"observations"'))
    elif isinstance(doc, list):
        start = text.index("[")
    else:
        problems.add(Problem(label, 1, None, 'expected a JSON array of observations or {"observations": [...]}'))
        return
    pos = start + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        record, end = decoder.raw_decode(text, pos)
        yield text.count("\n", 0, pos) + 1, record
        pos = end


def _yaml_records(text: str, label: str, problems: Problems) -> Iterator[tuple[int, Any]]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(Problem(label, mark.line + 1 if mark else None, None, f"is not valid YAML: {exc}"))
        return
    if isinstance(node, yaml.MappingNode):
        items = {k.value: v for k, v in node.value}
        node = items.get("observations")
    if not isinstance(node, yaml.SequenceNode):
        problems.add(Problem(label, 1, None, "expected a YAML list of observations or a mapping with 'observations'"))
        return
    for item in node.value:
        yield item.start_mark.line + 1, yaml.safe_load(yaml.serialize(item))


def _guard_utf8(path: Path, label: str, problems: Problems, batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
    try:
        yield from batches
    except UnicodeDecodeError:
        problems.add(Problem(label, _first_bad_utf8_line(path) or None, None, "is not UTF-8 text"))


def open_file(path: Path, problems: Problems, batch_rows: int = BATCH_ROWS) -> CsvSource | BatchSource | None:
    """The source for one file, or None (with the reason added to ``problems``) when it cannot be read at all."""
    label = str(path)
    if not path.is_file():
        problems.add(Problem(label, None, None, "does not exist or is not a file"))
        return None
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        problems.add(Problem(label, None, None, "unknown file type; expected .csv, .json, .jsonl, .yaml or .yml"))
        return None
    if path.stat().st_size == 0:
        problems.add(Problem(label, None, None, "file is empty; expected observations"))
        return None
    if suffix == ".csv":
        return _csv_source(path, label, problems)
    if suffix in (".jsonl", ".ndjson"):
        batches = _records_batches(_jsonl_records(path, label, problems), label, problems, batch_rows)
        return BatchSource(label, _guard_utf8(path, label, problems, batches))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(Problem(label, _first_bad_utf8_line(path) or None, None, "is not UTF-8 text"))
        return None
    if not text.strip():
        problems.add(Problem(label, None, None, "file is empty; expected observations"))
        return None
    records = _json_records(text, label, problems) if suffix == ".json" else _yaml_records(text, label, problems)
    return BatchSource(label, _records_batches(records, label, problems, batch_rows))


# ---------------------------------------------------------------------------------------------------------------
# In-memory records: dicts, pandas DataFrames, pyarrow Tables.
# ---------------------------------------------------------------------------------------------------------------
def _arrow_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """An Arrow column as text the way a CSV cell would write it (dates as YYYY-MM-DD, numbers exactly)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return column.cast(pa.string())
    if pa.types.is_timestamp(kind):
        day = pc.floor_temporal(column, unit="day")
        if pc.all(pc.equal(day, column)).as_py() in (True, None):
            return pc.strftime(column, format="%Y-%m-%d")
        return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
    if pa.types.is_date(kind):
        return pc.strftime(column, format="%Y-%m-%d")
    if pa.types.is_floating(kind):
        # NaN means "missing" in a DataFrame. Arrow writes the shortest text that reads back as the same double,
        # so the stored value (and the content id) is the one a CSV with full precision would give.
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
        return column.cast(pa.string())
    if pa.types.is_dictionary(kind):
        return _arrow_text(column.cast(kind.value_type))
    return column.cast(pa.string())


def _blank_is_missing(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Empty text as missing, as a CSV reader gives it (one vectorised pass; the validation would do the same)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)


def _table_batches(table: pa.Table, label: str, problems: Problems, batch_rows: int) -> Iterator[pa.Table]:
    import pyarrow as pa

    names = list(table.column_names)
    if not check_columns(names, label, None, problems):
        return
    for start in range(0, table.num_rows, batch_rows):
        part = table.slice(start, batch_rows)
        rows = part.num_rows
        arrays = [
            _blank_is_missing(_arrow_text(part.column(c))) if c in names else pa.nulls(rows, pa.string())
            for c in COLUMNS
        ]
        arrays.append(pa.array(range(start + 1, start + rows + 1), type=pa.int64()))
        yield pa.Table.from_arrays(arrays, names=[*COLUMNS, "_line"])


def records_source(records: Any, label: str, problems: Problems, batch_rows: int = BATCH_ROWS) -> BatchSource:
    """A source for in-memory records: an iterable of dicts, a pandas DataFrame or a pyarrow Table.

    Rows are numbered from 1 in the order given; problems read ``<label>:<n>: field "x": ...``.
    """
    import pyarrow as pa

    if isinstance(records, pa.RecordBatch):
        records = pa.Table.from_batches([records])
    if isinstance(records, pa.Table):
        table = records
        return BatchSource(
            label,
            _table_batches(table, label, problems, batch_rows),
            reopen=lambda: _table_batches(table, label, problems, batch_rows),
        )
    if type(records).__name__ == "DataFrame" and hasattr(records, "to_dict"):
        try:
            table = pa.Table.from_pandas(records, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column mixing types: take it row by row, as text
            rows = enumerate(records.to_dict(orient="records"), start=1)
            return BatchSource(label, _records_batches(rows, label, problems, batch_rows))
        return BatchSource(
            label,
            _table_batches(table, label, problems, batch_rows),
            reopen=lambda: _table_batches(table, label, problems, batch_rows),
        )
    if isinstance(records, dict | str | bytes):
        raise TypeError(
            "records must be an iterable of dicts, a pandas DataFrame or a pyarrow Table, "
            f"not a single {type(records).__name__}"
        )
    return BatchSource(label, _records_batches(enumerate(records, start=1), label, problems, batch_rows))


def humanised(batches: Iterator[pa.Table], label: str, problems: Problems) -> Iterator[pa.Table]:
    """Batches with value/low/high written as "800M", "$13B" or "12%" rewritten into base-unit numbers."""
    import pyarrow as pa

    for batch in batches:
        columns = {name: batch.column(name) for name in batch.schema.names}
        lines = batch.column("_line").to_pylist()
        for name in ("value", "low", "high"):
            out: list[str | None] = []
            for line, cell in zip(lines, columns[name].to_pylist(), strict=True):
                if cell is None:
                    out.append(None)
                    continue
                try:
                    number = parse_human(cell)
                    out.append(repr(number) if math.isfinite(number) else cell)
                except ValueError as exc:
                    problems.add(Problem(label, line, name, str(exc)))
                    problems.settled.add((label, line, name))
                    out.append(None)
            columns[name] = pa.array(out, type=pa.string())
        yield pa.Table.from_arrays(list(columns.values()), names=list(columns))


def csv_batches(cursor: Any, source: CsvSource, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """A CSV file as Arrow batches of text with file lines in ``_line`` (for ``--parse-human``, which rewrites
    values in Python). ``cursor`` is a DuckDB connection used for reading only."""
    import pyarrow as pa

    sql, params = source.relation(line=True)
    total = int(cursor.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0])
    reader = cursor.sql(sql, params=params).to_arrow_reader(batch_rows)
    for batch in reader:
        rows = batch.column(batch.schema.get_field_index("_line")).to_pylist()
        mapping = source.lines(rows, total)
        arrays = [batch.column(batch.schema.get_field_index(c)) for c in COLUMNS]
        arrays.append(pa.array([mapping[r] for r in rows], type=pa.int64()))
        yield pa.Table.from_arrays(arrays, names=[*COLUMNS, "_line"])
