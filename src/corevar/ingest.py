"""Validated, all-or-nothing ingest of observation files (CSV, JSON, JSON Lines, YAML).

How it works, and why:

1. Every file is read as text columns in bounded batches (``pyarrow``'s streaming CSV reader; JSON Lines line by
   line), each row tagged with its line number.
2. Each batch is checked column-wise in DuckDB, one scan computing every rule for every row. This is what lets a
   million rows validate in seconds, where building a pydantic model per row would take far longer; the rules
   are the same as :class:`corevar.models.Observation` and a test pins that both agree.
3. The whole ingest is one DuckDB transaction. Valid batches are appended inside it (rows already present, by
   content id, are skipped); the transaction commits only when every row of every file is valid. On any problem
   all problems are reported (file, line, field, expected vs got), the transaction is rolled back and nothing is
   written. A process killed mid-ingest never committed, so the store is as it was. Appending inside the
   transaction instead of copying through a staging table saves a full copy of the data (about a third of the
   time) and keeps memory bounded: DuckDB spills large uncommitted row groups to the database file.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import IngestError, Problem
from .frame import COLUMNS as FRAME_COLUMNS
from .store import id_sql
from .units import parse_human

if TYPE_CHECKING:
    import pyarrow as pa

    from .store import Store

COLUMNS: tuple[str, ...] = FRAME_COLUMNS[1:]  # every column but the content id, in file order
REQUIRED: frozenset[str] = frozenset(
    {"entity", "metric", "value", "unit", "as_of", "published", "kind", "source_url", "publisher"}
)
KINDS = ("official", "reported", "estimate", "target", "projection")
BATCH_ROWS = 100_000
MAX_PROBLEMS = 200
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: rows read, rows added, rows skipped because they were already stored."""

    files: int
    rows: int
    added: int

    @property
    def duplicates(self) -> int:
        return self.rows - self.added


class _Problems:
    """Collects problems up to a cap while counting all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0


# ---------------------------------------------------------------------------------------------------------------
# Readers: file -> batches of text columns with a `_line` column.
# ---------------------------------------------------------------------------------------------------------------
def _to_batch(rows: list[dict[str, str | None]], lines: list[int]) -> pa.RecordBatch:
    import pyarrow as pa

    arrays = [pa.array([r.get(c) for r in rows], type=pa.string()) for c in COLUMNS]
    arrays.append(pa.array(lines, type=pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, names=[*COLUMNS, "_line"])


def _text(value: Any) -> str | None:
    """A JSON/YAML scalar as the text a CSV cell would hold (numbers keep full precision)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    text = str(value).strip()
    return text or None


def _check_columns(names: Sequence[str], path: str, line: int | None, problems: _Problems) -> bool:
    ok = True
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            problems.add(Problem(path, line, name, f"unknown column; expected only: {', '.join(COLUMNS)}"))
            ok = False
        if name in seen:
            problems.add(Problem(path, line, name, "column appears twice"))
            ok = False
        seen.add(name)
    for name in COLUMNS:
        if name in REQUIRED and name not in seen:
            problems.add(Problem(path, line, name, "required column is missing"))
            ok = False
    return ok


def _first_bad_utf8_line(path: Path) -> int:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _first_ragged_line(path: Path, width: int) -> tuple[int, int] | None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        for row in reader:
            if len(row) != width:
                return reader.line_num, len(row)
    return None


def _csv_batches(path: Path, label: str, problems: _Problems, chunk_bytes: int) -> Iterator[pa.Table]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as fh:
        head = fh.readline()
    if not head.strip():
        problems.add(Problem(label, None, None, f"file is empty; expected a header line: {','.join(COLUMNS)}"))
        return
    try:
        header_text = head.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        problems.add(Problem(label, 1, None, "is not UTF-8 text; save the file as UTF-8"))
        return
    header = [h.strip() for h in next(csv.reader([header_text]))]
    if not _check_columns(header, label, 1, problems):
        return
    options = {
        "read_options": pacsv.ReadOptions(column_names=header, use_threads=True),
        "parse_options": pacsv.ParseOptions(ignore_empty_lines=False),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    }
    line = 2
    try:
        for chunk in _line_chunks(path, chunk_bytes):
            table = pacsv.read_csv(io.BytesIO(chunk), **options)
            rows = table.num_rows
            if rows == 0:
                continue
            arrays = [table.column(n) if n in header else pa.nulls(rows, pa.string()) for n in COLUMNS]
            arrays.append(pa.array(range(line, line + rows), type=pa.int64()))
            line += rows
            yield pa.Table.from_arrays(arrays, names=[*COLUMNS, "_line"])
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower():
            bad = _first_bad_utf8_line(path)
            problems.add(Problem(label, bad or None, None, "is not UTF-8 text; save the file as UTF-8"))
        elif "columns" in text and (ragged := _first_ragged_line(path, len(header))):
            what = "is blank; remove empty lines" if ragged[1] == 0 else \
                f"has {ragged[1]} fields; the header has {len(header)}"
            problems.add(Problem(label, ragged[0], None, what))
        else:
            problems.add(Problem(label, None, None, f"cannot be parsed as CSV: {text.splitlines()[0]}"))


def _line_chunks(path: Path, chunk_bytes: int) -> Iterator[bytes]:
    """The file after its header, in pieces of about ``chunk_bytes`` that end at a line break.

    Reading by hand instead of with pyarrow's streaming reader keeps memory bounded by the chunk size: the
    streaming reader reads far ahead (500 MB resident for a 300 MB file, measured), this stays near 250 MB for any
    size. Splitting at line breaks is safe because quoted values may not contain newlines. Trailing blank lines
    at the end of the file are dropped.
    """
    with path.open("rb") as fh:
        fh.readline()
        rest = b""
        while True:
            chunk = fh.read(chunk_bytes)
            if not chunk:
                tail = rest.rstrip(b"\r\n \t")
                if tail:
                    yield tail + b"\n"
                return
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if rest == b"" and not fh.peek(1):
                data = data.rstrip(b"\r\n \t") + b"\n"
            if data.strip():
                yield data


def _records_batches(
    records: Iterator[tuple[int, Any]], label: str, problems: _Problems, batch_rows: int
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
        for key in sorted(REQUIRED - record.keys()):
            problems.add(Problem(label, line, key, "required field is missing"))
        if bad or not record.keys() >= REQUIRED:
            continue
        rows.append({k: _text(v) for k, v in record.items()})
        lines.append(line)
        if len(rows) >= batch_rows:
            yield _to_batch(rows, lines)
            rows, lines = [], []
    if rows:
        yield _to_batch(rows, lines)


def _jsonl_records(path: Path, label: str, problems: _Problems) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as exc:
                problems.add(Problem(label, number, None, f"is not valid JSON: {exc.msg}"))


def _json_records(text: str, label: str, problems: _Problems) -> Iterator[tuple[int, Any]]:
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


def _yaml_records(text: str, label: str, problems: _Problems) -> Iterator[tuple[int, Any]]:
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


def _batches(path: Path, problems: _Problems, batch_rows: int) -> Iterator[pa.Table]:
    label = str(path)
    if not path.is_file():
        problems.add(Problem(label, None, None, "does not exist or is not a file"))
        return
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml"):
        problems.add(Problem(label, None, None, "unknown file type; expected .csv, .json, .jsonl, .yaml or .yml"))
        return
    if path.stat().st_size == 0:
        problems.add(Problem(label, None, None, "file is empty; expected observations"))
        return
    if suffix == ".csv":
        yield from _csv_batches(path, label, problems, batch_rows * 160)
        return
    if suffix in (".jsonl", ".ndjson"):
        try:
            yield from _records_batches(_jsonl_records(path, label, problems), label, problems, batch_rows)
        except UnicodeDecodeError:
            problems.add(Problem(label, _first_bad_utf8_line(path) or None, None, "is not UTF-8 text"))
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(Problem(label, _first_bad_utf8_line(path) or None, None, "is not UTF-8 text"))
        return
    if not text.strip():
        problems.add(Problem(label, None, None, "file is empty; expected observations"))
        return
    records = _json_records(text, label, problems) if suffix == ".json" else _yaml_records(text, label, problems)
    yield from _records_batches(records, label, problems, batch_rows)


# ---------------------------------------------------------------------------------------------------------------
# Validation: one DuckDB scan per batch computes every rule for every row.
# ---------------------------------------------------------------------------------------------------------------
def _q(expr: str) -> str:
    """A value shown inside an error message: quoted and cut to 60 characters."""
    return f"'\"' || left({expr}, 60) || '\"'"


_NUM = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"

# (field, condition that marks a problem, message expression). Evaluated over the typed batch view `chk`.
_RULES: tuple[tuple[str, str, str], ...] = (
    *((f, f"{f} IS NULL", "'is required and is empty'") for f in sorted(REQUIRED)),
    ("entity", "entity IS NOT NULL AND e_id IS NULL",
     f"'unknown entity ' || {_q('entity')} || '; known entities are listed by `corevar entities`'"),
    ("product", "product IS NOT NULL AND p_entity IS NULL",
     f"'unknown product ' || {_q('product')} || '; known products are listed by `corevar entities`'"),
    ("product", "product IS NOT NULL AND p_entity IS NOT NULL AND e_id IS NOT NULL AND p_entity <> entity",
     f"'product ' || {_q('product')} || ' belongs to ' || p_entity || ', not to ' || entity"),
    ("metric", "metric IS NOT NULL AND m_unit IS NULL",
     f"'unknown metric ' || {_q('metric')} || '; see `corevar metrics`'"),
    ("unit", "unit IS NOT NULL AND m_unit IS NOT NULL AND unit <> m_unit",
     f"'unit ' || {_q('unit')} || ' does not match metric ' || metric || ', which is in ' || m_unit || "
     "'; convert the value to base units'"),
    ("value", f"value IS NOT NULL AND (NOT regexp_matches(value, '{_NUM}') OR NOT isfinite(v))",
     f"'value ' || {_q('value')} || ' is not a number; write it in base units (13000000000 for $13B) "
     "or use --parse-human'"),
    ("low", f"low IS NOT NULL AND (NOT regexp_matches(low, '{_NUM}') OR NOT isfinite(lo))",
     f"'low ' || {_q('low')} || ' is not a number'"),
    ("high", f"high IS NOT NULL AND (NOT regexp_matches(high, '{_NUM}') OR NOT isfinite(hi))",
     f"'high ' || {_q('high')} || ' is not a number'"),
    ("value", "v < 0 AND m_unit IS NOT NULL AND m_unit <> 'fraction'",
     "'value ' || CAST(v AS VARCHAR) || ' is negative; a ' || m_unit || ' value must be 0 or more'"),
    ("low", "lo > v", "'low ' || CAST(lo AS VARCHAR) || ' is above value ' || CAST(v AS VARCHAR)"),
    ("high", "hi < v", "'high ' || CAST(hi AS VARCHAR) || ' is below value ' || CAST(v AS VARCHAR)"),
    ("as_of", f"as_of IS NOT NULL AND (NOT regexp_matches(as_of, '{_DAY}') OR a IS NULL)",
     f"'as_of ' || {_q('as_of')} || ' is not a real date; expected YYYY-MM-DD'"),
    ("published", f"published IS NOT NULL AND (NOT regexp_matches(published, '{_DAY}') OR p IS NULL)",
     f"'published ' || {_q('published')} || ' is not a real date; expected YYYY-MM-DD'"),
    ("as_of", "a < $earliest", "'as_of ' || CAST(a AS VARCHAR) || ' is before 2000-01-01'"),
    ("published", "p < $earliest", "'published ' || CAST(p AS VARCHAR) || ' is before 2000-01-01'"),
    ("published", "p > $tomorrow", "'published ' || CAST(p AS VARCHAR) || ' is in the future'"),
    ("published", "p < a AND kind IN ('official', 'reported', 'estimate')",
     "'published ' || CAST(p AS VARCHAR) || ' is before as_of ' || CAST(a AS VARCHAR) || "
     "'; ' || kind || ' numbers cannot be published before the date they describe (use kind target or "
     "projection for a forecast)'"),
    ("kind", "kind IS NOT NULL AND kind NOT IN ('official', 'reported', 'estimate', 'target', 'projection')",
     f"'kind ' || {_q('kind')} || ' is not one of official, reported, estimate, target, projection'"),
    ("basis", "basis IS NULL AND m_basis_required",
     "'metric ' || metric || ' needs a basis (e.g. the period, market or price type); see `corevar metrics`'"),
    ("basis", "basis IS NOT NULL AND m_basis IS NOT NULL AND NOT list_contains(m_basis, basis)",
     f"'basis ' || {_q('basis')} || ' is not one of ' || array_to_string(m_basis, ', ') || ' for ' || metric"),
    ("source_url", "source_url IS NOT NULL AND NOT regexp_matches(source_url, '^https?://[^/\\s]+\\.[^/\\s]+(/\\S*)?$')",
     f"'source_url ' || {_q('source_url')} || ' is not an http(s) URL'"),
)


def _check_sql() -> str:
    cases = ",\n".join(
        f"CASE WHEN {cond} THEN struct_pack(field := '{field}', msg := {msg}) END" for field, cond, msg in _RULES
    )
    # The WHERE clause is a cheap pre-filter: the list of messages is only built for rows with a problem.
    where = " OR ".join(f"({cond})" for _, cond, _ in _RULES)
    return f"""
        WITH chk AS ({_TYPED_SQL})
        SELECT _line, [x FOR x IN [{cases}] IF x IS NOT NULL] AS errs FROM chk WHERE {where} ORDER BY _line
    """


# The typed view of one batch. `arrow_batch` is a local Python variable that DuckDB reads by replacement scan:
# registering a view per batch instead would add catalog entries that live until the ingest transaction ends and
# keep every batch in memory (measured: resident memory grew with file size; with this it stays flat).
_TYPED_SQL = f"""
    SELECT b.*,
           TRY_CAST(b.value AS DOUBLE) AS v, TRY_CAST(b.low AS DOUBLE) AS lo, TRY_CAST(b.high AS DOUBLE) AS hi,
           TRY_CAST(b.as_of AS DATE) AS a, TRY_CAST(b.published AS DATE) AS p,
           m.unit AS m_unit, m.basis AS m_basis, m.basis_required AS m_basis_required,
           e.id AS e_id, pr.entity AS p_entity
    FROM (SELECT {", ".join(f"NULLIF(trim({c}), '') AS {c}" for c in COLUMNS)}, _line FROM arrow_batch) b
    LEFT JOIN metrics m ON m.id = b.metric
    LEFT JOIN entities e ON e.id = b.entity
    LEFT JOIN products pr ON pr.id = b.product
"""

_INSERT_SQL = f"""
    INSERT INTO observations
    WITH chk AS ({_TYPED_SQL})
    SELECT DISTINCT ON (id) * FROM (
        SELECT {id_sql()} AS id, entity, product, metric, value, low, high, unit, basis, as_of, published, kind,
               source_url, publisher, title, note, ? AS origin, now() AS ingested_at
        FROM (SELECT entity, product, metric, v AS value, lo AS low, hi AS high, unit, basis, a AS as_of,
                     p AS published, kind, source_url, publisher, title, note FROM chk)
    ) fresh
    WHERE fresh.id NOT IN (SELECT id FROM observations)
"""


_IDS_SQL = f"""
    INSERT INTO ingest_ids
    WITH chk AS ({_TYPED_SQL})
    SELECT {id_sql()} FROM (SELECT entity, product, metric, v AS value, lo AS low, hi AS high, unit, basis,
                                   a AS as_of, p AS published, kind, source_url FROM chk)
"""


def _humanise(batch: pa.Table, label: str, problems: _Problems) -> pa.Table:
    """Rewrite value/low/high written as "800M", "$13B" or "12%" into base-unit numbers."""
    import pyarrow as pa

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
                out.append(None)
        columns[name] = pa.array(out, type=pa.string())
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))


def ingest(
    store: Store,
    paths: Sequence[str | Path],
    *,
    parse_human: bool = False,
    origin: str = "user",
    batch_rows: int = BATCH_ROWS,
    before_commit: Callable[[], None] | None = None,
    meta: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Validate every row of every file, then append them all in one transaction, or raise IngestError.

    ``before_commit`` runs inside the write transaction, with the ids of every row read in the temporary table
    ``ingest_ids`` (used to retract rows of an older bundled dataset);
    ``meta`` key/values are recorded in the same transaction. ``progress`` is called with rows read so far.
    """
    import duckdb

    if not paths:
        raise IngestError([Problem("(arguments)", None, None, "no files given; pass one or more files to ingest")])
    con = store.con
    problems = _Problems()
    tomorrow = date.today() + timedelta(days=1)
    check_sql = _check_sql().replace("$earliest", f"DATE '{EARLIEST.isoformat()}'").replace(
        "$tomorrow", f"DATE '{tomorrow.isoformat()}'"
    )
    rows = 0
    before = store.count_all()
    # One transaction around everything: rows are appended batch by batch while validation goes on, and the
    # transaction is rolled back if any row of any file has a problem, so nothing is ever half-written.
    con.execute("BEGIN TRANSACTION")
    if before_commit:
        con.execute("CREATE OR REPLACE TEMP TABLE ingest_ids (id VARCHAR)")
    try:
        for raw in paths:
            path = Path(raw)
            for arrow_batch in _batches(path, problems, batch_rows):
                if parse_human:
                    arrow_batch = _humanise(arrow_batch, str(path), problems)
                for line, errs in con.execute(check_sql).fetchall():
                    for err in errs:
                        problems.add(Problem(str(path), int(line), err["field"], err["msg"]))
                if not problems:
                    con.execute(_INSERT_SQL, [origin])
                    if before_commit:
                        con.execute(_IDS_SQL)
                rows += arrow_batch.num_rows
                if progress:
                    progress(rows)
        if problems:
            raise IngestError(problems.items, total=problems.total)
        if before_commit:
            before_commit()
        for key, value in (meta or {}).items():
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
        added = store.count_all() - before
        con.execute("COMMIT")
    except BaseException as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            where = ", ".join(map(str, paths))
            raise IngestError([Problem(where, None, None, f"database error: {exc}")]) from exc
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS ingest_ids")
    return IngestResult(files=len(paths), rows=rows, added=added)


def records_to_file(records: list[dict[str, Any]]) -> io.StringIO:
    """CSV text for in-memory records (used by `corevar add` so one row takes the same validated path)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("" if record.get(k) is None else record[k]) for k in COLUMNS})
    buffer.seek(0)
    return buffer
