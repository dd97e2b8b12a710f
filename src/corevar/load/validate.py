"""The one validation every observation goes through, whatever it came from: set-based SQL in DuckDB.

Every reader (CSV, JSON, JSON Lines, YAML, in-memory records, DataFrames, Arrow tables) hands over its rows as a
relation of *text* columns (:data:`COLUMNS`, plus ``_line`` when known). :func:`typed_sql` types them once
(numbers, dates) and joins the registry tables; :data:`RULES` says, for each field, which condition marks a
problem and what to tell the user. The rules are the same as :class:`corevar.models.Observation` (a test pins that
both agree), but checked column-wise: a million rows validate in a fraction of a second, where building a pydantic
model per row would take minutes.

The rules are used two ways:

Numbers are recognised by DuckDB's own cast (finite values only; digit-group underscores, which the cast would
take, are refused), dates by the exact ``YYYY-MM-DD`` shape and a real calendar day, URLs by a pattern.

* :func:`guarded_sql` (the fast path): the typed rows with a filter that raises the moment any rule fails, so a
  valid input is validated *and* appended in one pass over it;
* :func:`problems_sql` (the diagnosis, only after the fast path failed): every problem of every row with its
  line, so the user gets the complete list (the first :data:`MAX_PROBLEMS`, and a count of the rest).
"""

from __future__ import annotations

from datetime import date, timedelta

from ..frame import OBSERVATION_FIELDS

__all__ = [
    "COLUMNS",
    "GUARD_MESSAGE",
    "KINDS",
    "MAX_PROBLEMS",
    "REQUIRED",
    "RULES",
    "TIERS",
    "UNTRIMMED_MESSAGE",
    "guarded_sql",
    "invalid_sql",
    "problems_sql",
    "typed_sql",
]

# Every column an observation file may have, in file order (tier and via_url arrived with schema migration 3).
COLUMNS: tuple[str, ...] = OBSERVATION_FIELDS
REQUIRED: frozenset[str] = frozenset(
    {"entity", "metric", "value", "unit", "as_of", "published", "kind", "source_url", "publisher"}
)
KINDS = ("official", "reported", "estimate", "target", "projection")
TIERS = ("primary", "major", "secondary")
MAX_PROBLEMS = 200
EARLIEST = date(2000, 1, 1)
GUARD_MESSAGE = "corevar: a row failed validation"
UNTRIMMED_MESSAGE = "corevar: a cell needs trimming"


def _q(expr: str) -> str:
    """A value shown inside an error message: quoted and cut to 60 characters."""
    return f"'\"' || left({expr}, 60) || '\"'"


_DAY = r"^\d{4}-\d{2}-\d{2}$"
_URL = r"^https?://[^/\s]+\.[^/\s]+(/\S*)?$"

# (field, condition that marks a problem, message expression), evaluated over typed_sql's columns.
# $earliest and $tomorrow are replaced by date literals computed at ingest time (never user text).
RULES: tuple[tuple[str, str, str], ...] = (
    *((f, f"{f} IS NULL", "'is required and is empty'") for f in sorted(REQUIRED)),
    (
        "entity",
        "entity IS NOT NULL AND e_id IS NULL",
        f"'unknown entity ' || {_q('entity')} || '; known entities are listed by `corevar entities`'",
    ),
    (
        "product",
        "product IS NOT NULL AND p_entity IS NULL",
        f"'unknown product ' || {_q('product')} || '; known products are listed by `corevar entities`'",
    ),
    (
        "product",
        "product IS NOT NULL AND p_entity IS NOT NULL AND e_id IS NOT NULL AND p_entity <> entity",
        f"'product ' || {_q('product')} || ' belongs to ' || p_entity || ', not to ' || entity",
    ),
    (
        "metric",
        "metric IS NOT NULL AND m_unit IS NULL",
        f"'unknown metric ' || {_q('metric')} || '; see `corevar metrics`'",
    ),
    (
        "unit",
        "unit IS NOT NULL AND m_unit IS NOT NULL AND unit <> m_unit",
        f"'unit ' || {_q('unit')} || ' does not match metric ' || metric || ', which is in ' || m_unit || "
        "'; convert the value to base units'",
    ),
    (
        "value",
        "value IS NOT NULL AND (v IS NULL OR NOT isfinite(v) OR contains(value, '_'))",
        f"'value ' || {_q('value')} || ' is not a number; write it in base units (13000000000 for $13B) "
        "or use --parse-human'",
    ),
    (
        "low",
        "low IS NOT NULL AND (lo IS NULL OR NOT isfinite(lo) OR contains(low, '_'))",
        f"'low ' || {_q('low')} || ' is not a number'",
    ),
    (
        "high",
        "high IS NOT NULL AND (hi IS NULL OR NOT isfinite(hi) OR contains(high, '_'))",
        f"'high ' || {_q('high')} || ' is not a number'",
    ),
    (
        "value",
        "v < 0 AND m_unit IS NOT NULL AND m_unit <> 'fraction'",
        "'value ' || CAST(v AS VARCHAR) || ' is negative; a ' || m_unit || ' value must be 0 or more'",
    ),
    ("low", "lo > v", "'low ' || CAST(lo AS VARCHAR) || ' is above value ' || CAST(v AS VARCHAR)"),
    ("high", "hi < v", "'high ' || CAST(hi AS VARCHAR) || ' is below value ' || CAST(v AS VARCHAR)"),
    (
        "as_of",
        f"as_of IS NOT NULL AND (NOT regexp_matches(as_of, '{_DAY}') OR a IS NULL)",
        f"'as_of ' || {_q('as_of')} || ' is not a real date; expected YYYY-MM-DD'",
    ),
    (
        "published",
        f"published IS NOT NULL AND (NOT regexp_matches(published, '{_DAY}') OR p IS NULL)",
        f"'published ' || {_q('published')} || ' is not a real date; expected YYYY-MM-DD'",
    ),
    ("as_of", "a < $earliest", "'as_of ' || CAST(a AS VARCHAR) || ' is before 2000-01-01'"),
    ("published", "p < $earliest", "'published ' || CAST(p AS VARCHAR) || ' is before 2000-01-01'"),
    ("published", "p > $tomorrow", "'published ' || CAST(p AS VARCHAR) || ' is in the future'"),
    (
        "published",
        "p < a AND kind IN ('official', 'reported', 'estimate')",
        "'published ' || CAST(p AS VARCHAR) || ' is before as_of ' || CAST(a AS VARCHAR) || "
        "'; ' || kind || ' numbers cannot be published before the date they describe (use kind target or "
        "projection for a forecast)'",
    ),
    (
        "kind",
        f"kind IS NOT NULL AND kind NOT IN ({', '.join(repr(k) for k in KINDS)})",
        f"'kind ' || {_q('kind')} || ' is not one of {', '.join(KINDS)}'",
    ),
    (
        "basis",
        "basis IS NULL AND m_basis_required",
        "'metric ' || metric || ' needs a basis (e.g. the period, market or price type); see `corevar metrics`'",
    ),
    (
        "basis",
        "basis IS NOT NULL AND m_basis IS NOT NULL AND NOT list_contains(m_basis, basis)",
        f"'basis ' || {_q('basis')} || ' is not one of ' || array_to_string(m_basis, ', ') || ' for ' || metric",
    ),
    (
        "source_url",
        f"source_url IS NOT NULL AND NOT regexp_matches(source_url, '{_URL}')",
        f"'source_url ' || {_q('source_url')} || ' is not an http(s) URL'",
    ),
    (
        "tier",
        f"tier IS NOT NULL AND tier NOT IN ({', '.join(repr(t) for t in TIERS)})",
        f"'tier ' || {_q('tier')} || ' is not one of {', '.join(TIERS)} (leave it empty when the source is unrated)'",
    ),
    (
        "via_url",
        f"via_url IS NOT NULL AND NOT regexp_matches(via_url, '{_URL}')",
        f"'via_url ' || {_q('via_url')} || ' is not an http(s) URL'",
    ),
)


def _dates(sql: str) -> str:
    tomorrow = date.today() + timedelta(days=1)
    return sql.replace("$earliest", f"DATE '{EARLIEST.isoformat()}'").replace(
        "$tomorrow", f"DATE '{tomorrow.isoformat()}'"
    )


def typed_sql(source_sql: str, *, line: bool, trim: bool = True) -> str:
    """The rows of ``source_sql`` (text columns :data:`COLUMNS`, and ``_line`` if ``line``) typed and joined to the
    registry tables (metrics, entities, products) the rules read; cells trimmed (blank ones missing) if ``trim``."""
    keep = ", _line" if line else ""
    if trim:
        # Surrounding spaces are dropped and blank cells are missing. trim() on every cell was the single largest
        # cost of an ingest (a third of it, measured), so only cells that start or end with a space are trimmed.
        cells = ", ".join(
            f"CASE WHEN {c} = '' THEN NULL WHEN {c} LIKE ' %' OR {c} LIKE '% ' THEN NULLIF(trim({c}), '') "
            f"ELSE {c} END AS {c}"
            for c in COLUMNS
        )
        source = f"SELECT {cells}{keep} FROM ({source_sql})"
    else:
        source = source_sql
    return f"""
        SELECT b.*,
               TRY_CAST(b.value AS DOUBLE) AS v, TRY_CAST(b.low AS DOUBLE) AS lo, TRY_CAST(b.high AS DOUBLE) AS hi,
               TRY_CAST(b.as_of AS DATE) AS a, TRY_CAST(b.published AS DATE) AS p,
               m.unit AS m_unit, m.basis AS m_basis, m.basis_required AS m_basis_required,
               e.id AS e_id, pr.entity AS p_entity
        FROM ({source}) b
        LEFT JOIN metrics m ON m.id = b.metric
        LEFT JOIN entities e ON e.id = b.entity
        LEFT JOIN products pr ON pr.id = b.product
    """


def _any_problem() -> str:
    return " OR ".join(f"({cond})" for _, cond, _ in RULES)


# The fast path's test of a row: true exactly when some rule of RULES fails (a test pins the two together on rows
# made to break each rule and its edges). RULES is written to explain each problem; this is written to be cheap:
# each condition once, NULL tests folded into the joins (an unknown or missing entity both leave e_id NULL), and
# a date recognised by printing it back (a real YYYY-MM-DD day prints as itself) instead of a regular expression.
_INVALID = " OR ".join(
    (
        "e_id IS NULL",
        "m_unit IS NULL",
        "unit IS DISTINCT FROM m_unit",
        "(product IS NOT NULL AND p_entity IS DISTINCT FROM entity)",
        "v IS NULL",
        "NOT isfinite(v)",
        "contains(value, '_')",
        "(low IS NOT NULL AND (lo IS NULL OR NOT isfinite(lo) OR contains(low, '_')))",
        "(high IS NOT NULL AND (hi IS NULL OR NOT isfinite(hi) OR contains(high, '_')))",
        "(v < 0 AND m_unit <> 'fraction')",
        "lo > v",
        "hi < v",
        "a IS NULL",
        "a < $earliest",
        "a > DATE '9999-12-31'",
        "CAST(a AS VARCHAR) <> as_of",
        "p IS NULL",
        "p < $earliest",
        "p > $tomorrow",
        "CAST(p AS VARCHAR) <> published",
        "(p < a AND kind IN ('official', 'reported', 'estimate'))",
        "kind IS NULL",
        f"kind NOT IN ({', '.join(repr(k) for k in KINDS)})",
        "(basis IS NULL AND m_basis_required)",
        "(basis IS NOT NULL AND m_basis IS NOT NULL AND NOT list_contains(m_basis, basis))",
        "source_url IS NULL",
        f"NOT regexp_matches(source_url, '{_URL}')",
        "publisher IS NULL",
        f"(tier IS NOT NULL AND tier NOT IN ({', '.join(repr(t) for t in TIERS)}))",
        f"(via_url IS NOT NULL AND NOT regexp_matches(via_url, '{_URL}'))",
    )
)

# Columns whose text is stored as given, unchecked by any rule that a surrounding space would fail.
_FREE_TEXT = ("publisher", "title", "note", "basis")


def _unpadded(column: str) -> str:
    """The cell is missing, or non-blank text without a surrounding space (trimming would not change it)."""
    return f"({column} IS NULL OR ({column} <> '' AND {column} NOT LIKE ' %' AND {column} NOT LIKE '% '))"


def guarded_sql(source_sql: str, *, clean: bool = False) -> str:
    """Typed observation fields (what the ledger appends) of ``source_sql``; raises :data:`GUARD_MESSAGE` as soon
    as one row breaks a rule, so nothing reaches the ledger unless every row is valid.

    ``clean`` reads the cells as they are, without trimming (the trim was a tenth of an ingest's work, and files
    rarely need it). A cell that trimming would change either breaks a rule as it stands (an entity " openai" is
    unknown, a date " 2024-01-05" does not print as itself, a URL may not hold a space) or sits in a free-text
    column checked here; such a row raises :data:`UNTRIMMED_MESSAGE` instead, and the caller reads the input again
    with ``clean=False``. A row that breaks a rule with no cell to trim raises :data:`GUARD_MESSAGE` either way.
    So a row passes the clean guard only if trimming would leave its stored values unchanged and it is valid.
    """
    if clean:
        row_unpadded = " AND ".join(_unpadded(c) for c in COLUMNS)
        free_unpadded = " AND ".join(_unpadded(c) for c in _FREE_TEXT)
        guard = (
            f"CASE WHEN {_INVALID} THEN (CASE WHEN {row_unpadded} THEN error('{GUARD_MESSAGE}') "
            f"ELSE error('{UNTRIMMED_MESSAGE}') END) "
            f"WHEN NOT ({free_unpadded}) THEN error('{UNTRIMMED_MESSAGE}') ELSE true END"
        )
    else:
        guard = f"CASE WHEN {_INVALID} THEN error('{GUARD_MESSAGE}') ELSE true END"
    return _dates(f"""
        SELECT entity, product, metric, v AS value, lo AS low, hi AS high, unit, basis, a AS as_of,
               p AS published, kind, source_url, publisher, title, note, tier, via_url
        FROM ({typed_sql(source_sql, line=False, trim=not clean)})
        WHERE {guard}
    """)


def invalid_sql(source_sql: str, *, trim: bool = True) -> str:
    """``(_line, invalid)`` for every row of ``source_sql`` (with ``_line``): whether the fast path's test fails it
    (for tests that pin it to :data:`RULES`)."""
    return _dates(f"SELECT _line, ({_INVALID}) AS invalid FROM ({typed_sql(source_sql, line=True, trim=trim)})")


def problems_sql(source_sql: str, *, limit: int | None) -> tuple[str, str]:
    """Two queries over ``source_sql`` (with ``_line``): the rows with problems as ``(_line, errs)`` (errs: a
    list of {field, msg}), first lines first and at most ``limit`` rows; and ``(rows, problems)`` counted over
    all of it. Top-N and counts keep memory bounded however many rows are bad."""
    cases = ",\n".join(
        f"CASE WHEN {cond} THEN struct_pack(field := '{field}', msg := {msg}) END" for field, cond, msg in RULES
    )
    checked = f"""
        SELECT _line, [x FOR x IN [{cases}] IF x IS NOT NULL] AS errs
        FROM ({typed_sql(source_sql, line=True)}) WHERE {_any_problem()}
    """
    top = f"SELECT _line, errs FROM ({checked}) ORDER BY _line" + (f" LIMIT {int(limit)}" if limit is not None else "")
    counts = f"SELECT count(*), coalesce(sum(len(errs)), 0) FROM ({checked})"
    return _dates(top), _dates(counts)
