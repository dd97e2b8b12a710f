"""The JSON API, versioned under ``/api/v1``: listings (JSON or CSV), series, verdicts, the report, and writes.

Every read answers from the store's current snapshot (see :mod:`corevar.web.snapshot`) and is cached under the
snapshot's dataset version, which is also the ETag: a client that sends it back in ``If-None-Match`` gets 304
until an ingest changes the data. Listings page with ``limit``/``offset`` and say where the next page is, as
datasette does; ``format=csv`` (or the ``.csv`` suffix) gives the same rows as CSV.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..errors import StoreBusyError
from .apierror import ApiError
from .security import token_matches
from .snapshot import Snapshot, cache_key, etag, ingest_records, mark

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["router"]

MAX_LIMIT = 1000
MAX_RECORDS = 1000
MAX_THESES_CHARS = 65_536
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
DATE_COLUMNS = ("as_of", "published")


# -- response models (for the OpenAPI schema; responses are written as bytes) ----------------------------------
class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    message: str


class ErrorBody(BaseModel):
    """The one error shape: ``ok`` false, a sentence, details, and the HTTP status again."""

    ok: Literal[False]
    error: str
    errors: list[ErrorDetail]
    status: int


class Listing(BaseModel):
    """A page of rows. ``next`` is the URL of the following page, or null on the last one."""

    ok: Literal[True]
    dataset_version: str
    total: int
    offset: int
    limit: int
    next: str | None
    rows: list[dict[str, Any]]


class ObservationRow(BaseModel):
    id: str
    entity: str
    product: str | None
    metric: str
    value: float
    low: float | None
    high: float | None
    unit: str
    basis: str | None
    as_of: str
    published: str
    kind: str
    source_url: str
    publisher: str
    title: str | None
    note: str | None
    shown: bool


class ObservationListing(Listing):
    rows: list[ObservationRow]  # type: ignore[assignment]


class Version(BaseModel):
    ok: Literal[True]
    dataset_version: str
    corevar_version: str
    observations: int
    data_through: str | None
    stale: bool


class Report(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    entity: str
    metric: str
    value: float
    as_of: str
    published: str
    kind: str
    publisher: str
    source_url: str
    shown: bool


class Point(BaseModel):
    model_config = ConfigDict(extra="allow")
    as_of: str
    value: float
    kind: str
    publisher: str
    source_url: str
    reports: list[Report]


class SeriesBody(BaseModel):
    ok: Literal[True]
    dataset_version: str
    entity: str
    entity_name: str
    metric: str
    product: str | None
    basis: str | None
    known_on: str | None
    total: int
    offset: int
    limit: int
    next: str | None
    points: list[Point]


class Verdicts(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: Literal[True]
    dataset_version: str
    as_of: str | None
    counts: dict[str, int]
    theses: list[dict[str, Any]]


class ThesisBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: Literal[True]
    dataset_version: str
    as_of: str | None
    thesis: dict[str, Any]
    evidence: list[dict[str, Any]]


class Judge(BaseModel):
    """A thesis file (YAML text, as ``corevar check --theses`` reads) judged against the data; nothing is stored."""

    model_config = ConfigDict(extra="forbid")
    theses: str = Field(min_length=1, max_length=MAX_THESES_CHARS, description="YAML text of a theses file.")
    as_of: date | None = Field(default=None, description="Judge with the data known on this day.")


class ObservationIn(BaseModel):
    """One observation to add: the columns of an ingest file. Values may be numbers or text like "800M"."""

    model_config = ConfigDict(extra="forbid")
    entity: str = Field(max_length=200)
    metric: str = Field(max_length=200)
    value: float | str
    as_of: str = Field(max_length=40)
    published: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    source_url: str = Field(max_length=2000)
    publisher: str = Field(max_length=500)
    product: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=100)
    basis: str | None = Field(default=None, max_length=200)
    low: float | str | None = None
    high: float | str | None = None
    title: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=5000)
    tier: str | None = Field(default=None, max_length=40)
    via_url: str | None = Field(default=None, max_length=2000)


class NewObservations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    observations: list[ObservationIn] = Field(min_length=1, max_length=MAX_RECORDS)


class Written(BaseModel):
    ok: Literal[True]
    rows: int
    added: int
    dataset_version: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Malformed request (e.g. the body is not JSON)."),
        (404, "No such entity, metric, thesis or endpoint."),
        (413, "The request body is over the size limit."),
        (421, "The Host header is not this server's name (served on loopback, it answers to loopback names)."),
        (422, "A parameter or field is invalid; `errors` says which."),
        (503, "The store is held by a writer for longer than the server waits."),
    )
}
CSV_OK = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON or CSV"},
    304: {"description": "Not modified: the ETag sent in If-None-Match is current."},
}
NOT_MODIFIED = {304: {"description": "Not modified: the ETag sent in If-None-Match is current."}}

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["api"])


class Format(StrEnum):
    json = "json"
    csv = "csv"


FormatQ = Annotated[Format, Query(description="json (default) or csv")]
LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}.")]
OffsetQ = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")]
KnownOnQ = Annotated[date | None, Query(description="Only what had been published by this day (YYYY-MM-DD).")]
AsOfQ = Annotated[date | None, Query(description="Judge with the data known on this day (YYYY-MM-DD).")]
Text = Annotated[str | None, Query(max_length=200)]


# -- plumbing --------------------------------------------------------------------------------------------------
def _day(value: date | None) -> date | None:
    """A query date clamped to 1900-01-01 .. 2200-12-31: the data lie far inside, so a day outside means "before
    anything was published" or "everything", and pandas timestamps cannot hold years like 0001 or 9999."""
    if value is None:
        return None
    return min(max(value, EARLIEST), LATEST)


async def snapshot(request: Request) -> Snapshot:
    """The current snapshot (one stat of the database file; a reload off the event loop when it changed)."""
    cache = request.app.state.cache
    snap = cache.current()
    if snap is not None and cache.unchanged():
        cache.stale = False
        return snap
    try:
        return await run_in_threadpool(cache.get)
    except StoreBusyError as exc:
        raise ApiError(503, str(exc), headers={"Retry-After": "2"}) from exc


def _headers(request: Request, snap: Snapshot) -> dict[str, str]:
    headers = {"ETag": etag(snap.version), "X-Corevar-Dataset-Version": snap.version, "Cache-Control": "no-cache"}
    if request.app.state.cache.stale:
        headers["X-Corevar-Stale"] = "a writer holds the store; this is the last version read"
    return headers


async def cached(request: Request, make: Callable[[Snapshot], tuple[bytes, str]], *, heavy: bool = False) -> Response:
    """Answer a GET from the response cache of the current snapshot, or build it (off the loop when ``heavy``)."""
    snap = await snapshot(request)
    headers = _headers(request, snap)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    key = cache_key(request.scope)
    store = snap.responses
    hit = store.get(key)
    if hit is None:
        hit = await run_in_threadpool(make, snap) if heavy else make(snap)
        snap.remember(key, hit)
    body, media = hit
    return Response(content=body, media_type=media, headers=headers)


def _iso(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in DATE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _csv(frame: pd.DataFrame) -> bytes:
    """CSV with text cells that a spreadsheet would run as a formula prefixed with ``'`` (formula injection)."""
    out = _iso(frame)
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and _FORMULA.match(v) else v)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _rows_json(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "[]"
    return _iso(frame).to_json(orient="records", force_ascii=False, double_precision=15)


def _page(
    request: Request, snap: Snapshot, frame: pd.DataFrame, fmt: Format, limit: int, offset: int
) -> tuple[bytes, str]:
    return _render_page(request, snap, frame.iloc[offset : offset + limit], len(frame), fmt, limit, offset)


def _render_page(
    request: Request, snap: Snapshot, part: pd.DataFrame, total: int, fmt: Format, limit: int, offset: int
) -> tuple[bytes, str]:
    if fmt is Format.csv:
        return _csv(part), "text/csv; charset=utf-8"
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    head = json.dumps(
        {"ok": True, "dataset_version": snap.version, "total": total, "offset": offset, "limit": limit, "next": nxt}
    )
    return (head[:-1] + ',"rows":' + _rows_json(part) + "}").encode("utf-8"), "application/json"


def _mark_page(part: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """``part`` with ``shown``, the conflict rule applied to the page's groups only (all their rows among
    ``candidates``): the rows sharing an entity, metric and date with a page row hold every group on the page."""
    if part.empty:
        return part.assign(shown=False)
    near = candidates[
        candidates["entity"].isin(part["entity"].unique())
        & candidates["metric"].isin(part["metric"].unique())
        & candidates["as_of"].isin(part["as_of"].unique())
    ]
    chosen = set(mark(near).loc[lambda d: d["shown"], "id"])
    return part.assign(shown=part["id"].isin(chosen))


def _joined(value: Any) -> str | None:
    """A list cell (DuckDB VARCHAR[]) as space-separated text; missing as None."""
    if isinstance(value, str):
        return value
    try:
        items = [str(v) for v in value]
    except TypeError:
        return None
    return " ".join(items) or None


def _fmt(request: Request, fmt: Format) -> Format:
    return Format.csv if request.url.path.endswith(".csv") else fmt


def listing(path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a listing at ``path`` and at ``path.csv`` / ``path.json`` (datasette's suffixes)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for suffix in ("", ".json", ".csv"):
            router.add_api_route(
                path + suffix,
                fn,
                methods=["GET"],
                responses=CSV_OK,
                operation_id=f"{fn.__name__}{suffix.replace('.', '_')}",
                include_in_schema=True,
                **kwargs,
            )
        return fn

    return wrap


# -- reads -----------------------------------------------------------------------------------------------------
@router.get("/version", response_model=Version, responses=NOT_MODIFIED, summary="The dataset version")
async def version(request: Request) -> Response:
    """The dataset version (a content hash of the live observations), the corevar version and the row count."""

    def make(snap: Snapshot) -> tuple[bytes, str]:
        from .. import __version__

        through = snap.data_through()
        body = {
            "ok": True,
            "dataset_version": snap.version,
            "corevar_version": __version__,
            "observations": len(snap.frame),
            "data_through": through.isoformat() if through else None,
            "stale": False,
        }
        return json.dumps(body).encode(), "application/json"

    response = await cached(request, make)
    if response.status_code == 200 and request.app.state.cache.stale:
        body = json.loads(response.body)
        body["stale"] = True
        response = Response(json.dumps(body).encode(), media_type="application/json", headers=dict(response.headers))
    return response


@listing("/metrics", summary="The metric taxonomy")
async def metrics(
    request: Request, format: FormatQ = Format.json, limit: LimitQ = MAX_LIMIT, offset: OffsetQ = 0
) -> Response:
    """Every metric: id, core variable, unit, whether higher is better, description, bases."""

    def make(snap: Snapshot) -> tuple[bytes, str]:
        frame = snap.metrics.copy()
        if "basis" in frame.columns:
            frame["basis"] = frame["basis"].map(_joined)
        return _page(request, snap, frame, _fmt(request, format), limit, offset)

    return await cached(request, make)


@listing("/entities", summary="Entities and their products")
async def entities(
    request: Request, format: FormatQ = Format.json, limit: LimitQ = MAX_LIMIT, offset: OffsetQ = 0
) -> Response:
    """Entities with their products, one row per product (an entity without products has one row)."""

    def make(snap: Snapshot) -> tuple[bytes, str]:
        return _page(request, snap, snap.entities, _fmt(request, format), limit, offset)

    return await cached(request, make)


@listing("/observations", summary="Observations with their sources")
async def observations(
    request: Request,
    entity: Text = None,
    product: Text = None,
    metric: Text = None,
    basis: Text = None,
    kind: Annotated[Literal["official", "reported", "estimate", "target", "projection"] | None, Query()] = None,
    tier: Annotated[
        Literal["primary", "major", "secondary", "unrated"] | None,
        Query(description="Source tier; unrated = none recorded."),
    ] = None,
    as_of: Annotated[date | None, Query(description="Only observations describing this day.")] = None,
    since: Annotated[date | None, Query(description="Only observations describing this day or later.")] = None,
    until: Annotated[date | None, Query(description="Only observations describing this day or earlier.")] = None,
    known_on: KnownOnQ = None,
    shown: Annotated[bool, Query(description="Only the rows the conflict rule shows.")] = False,
    format: FormatQ = Format.json,
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> Response:
    """Live observations (conflicting reports included, each marked ``shown`` if the conflict rule picks it).

    ``product=""`` or ``basis=""`` ask for rows without a product or basis. ``known_on`` replays the ledger as it
    stood on a day: only rows published by then, and the conflict rule applied among them.
    """
    as_of, since, until, known_on = _day(as_of), _day(since), _day(until), _day(known_on)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        import pandas as pd

        # Filters on the conflict group's own columns (entity, product, metric, basis, as_of) keep whole groups,
        # so the conflict rule can run on the few rows left instead of the whole ledger.
        # Without shown=true the conflict rule is needed only for the rows on the page: everything is filtered in
        # one mask over the ledger (a day's view of a million rows is never copied), the page is cut, and the rule
        # runs on the page's conflict groups alone. With shown=true, or for the whole ledger now (cached once per
        # dataset version), the rule runs first.
        page_only = not shown and (
            known_on is not None or any(v is not None for v in (entity, product, metric, basis, as_of, since, until))
        )
        frame = snap.frame if page_only else snap.marked(known_on)
        mask = pd.Series(True, index=frame.index)
        if page_only and known_on is not None:
            mask &= frame["published"] <= pd.Timestamp(known_on)
        for column, wanted in (("entity", entity), ("metric", metric)):
            if wanted is not None:
                mask &= frame[column] == wanted
        for column, wanted in (("product", product), ("basis", basis)):
            if wanted is not None:
                mask &= frame[column].fillna("") == wanted
        if as_of is not None:
            mask &= frame["as_of"] == pd.Timestamp(as_of)
        if since is not None:
            mask &= frame["as_of"] >= pd.Timestamp(since)
        if until is not None:
            mask &= frame["as_of"] <= pd.Timestamp(until)
        candidates = frame[mask]  # whole conflict groups: only their own columns were filtered
        mask = pd.Series(True, index=candidates.index)
        if kind is not None:
            mask &= candidates["kind"] == kind
        if tier is not None:
            col = candidates["tier"].fillna("unrated") if "tier" in candidates.columns else "unrated"
            mask &= col == tier
        if shown:
            mask &= candidates["shown"]
        rows = candidates[mask]
        part = rows.iloc[offset : offset + limit]
        if page_only:
            part = _mark_page(part, candidates)
        return _render_page(request, snap, part, len(rows), _fmt(request, format), limit, offset)

    return await cached(request, make, heavy=True)


@listing("/conflicts", summary="Competing reports of one number")
async def conflicts(
    request: Request, known_on: KnownOnQ = None, format: FormatQ = Format.json, limit: LimitQ = 100, offset: OffsetQ = 0
) -> Response:
    """Observations that disagree about one subject, metric, basis and date; ``shown`` marks the conflict rule's
    pick (official > reported > estimate, then source tier, then newest publication, then smallest id)."""
    known_on = _day(known_on)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        return _page(request, snap, snap.conflicts(known_on), _fmt(request, format), limit, offset)

    return await cached(request, make, heavy=True)


@listing("/sources", summary="Every source behind a live observation")
async def sources(
    request: Request, known_on: KnownOnQ = None, format: FormatQ = Format.json, limit: LimitQ = 100, offset: OffsetQ = 0
) -> Response:
    """Sources: url, publisher, first publication date, title and how many observations cite them."""
    known_on = _day(known_on)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        return _page(request, snap, snap.sources(known_on), _fmt(request, format), limit, offset)

    return await cached(request, make, heavy=True)


MAX_REPORTS = 50  # competing reports listed per point (the shown one always among them)


def series_points(
    snap: Snapshot,
    entity: str,
    metric: str,
    product: str | None,
    basis: str | None,
    known_on: date | None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[pd.DataFrame, list[dict[str, Any]], int]:
    """One series, oldest first: its points (each shown value with the reports of that date, at most
    :data:`MAX_REPORTS`), a page of ``limit`` points from ``offset``, the rows behind them, and the number of points.

    Bounded whatever the store holds: rows are grouped and paged in pandas before anything becomes JSON.
    """
    import pandas as pd

    frame = snap.frame
    mask = (frame["entity"] == entity) & (frame["metric"] == metric)
    if known_on is not None:
        mask &= frame["published"] <= pd.Timestamp(known_on)
    rows = frame[mask]
    if product is not None:
        rows = rows[rows["product"].fillna("") == product]
    if basis is not None:
        rows = rows[rows["basis"].fillna("") == basis]
    if rows.empty:
        return rows.assign(shown=False), [], 0
    rows = rows.sort_values(["as_of", "published", "id"], kind="mergesort")
    forward = rows["kind"].isin(["target", "projection"])
    group = rows.groupby(
        [rows["product"].fillna(""), rows["basis"].fillna(""), rows["as_of"], forward], sort=False
    ).ngroup()
    total = int(group.max()) + 1
    end = total if limit is None else offset + limit
    keep = (group >= offset) & (group < end)
    rows, group = rows[keep], group[keep]
    rows = mark(rows)  # the page's points are whole conflict groups: the rule runs on them alone
    newest = rows.groupby(group, sort=False).cumcount(ascending=False) < MAX_REPORTS
    rows, group = rows[newest | rows["shown"]], group[newest | rows["shown"]]
    records = json.loads(_iso(rows).to_json(orient="records", force_ascii=False, double_precision=15))
    groups: dict[int, list[dict[str, Any]]] = {}
    for gid, rec in zip(group.tolist(), records, strict=True):
        groups.setdefault(gid, []).append(rec)
    points = []
    for reports in groups.values():
        chosen = next((r for r in reports if r["shown"]), reports[-1])
        points.append({**chosen, "reports": reports})
    return rows, points, total


@listing("/series", summary="One series with its sources and competing reports")
async def series(
    request: Request,
    entity: Annotated[str, Query(max_length=200)],
    metric: Annotated[str, Query(max_length=200)],
    product: Text = None,
    basis: Text = None,
    known_on: KnownOnQ = None,
    format: FormatQ = Format.json,
    limit: Annotated[int, Query(ge=1, le=5000, description="Points per page, at most 5000.")] = 200,
    offset: OffsetQ = 0,
) -> Response:
    """The series of one entity and metric (optionally one product or basis), oldest first: each point is the
    value the conflict rule shows, with the reports of that date under ``reports`` (at most 50, the shown one
    always included). Paged by points. CSV: one row per report of the page."""
    known_on = _day(known_on)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        names = snap.entity_names()
        if entity not in names:
            raise ApiError(404, f'unknown entity "{entity}"; known: {", ".join(sorted(names))}')
        if metric not in set(snap.metrics["id"]):
            raise ApiError(404, f'unknown metric "{metric}"; GET /api/v1/metrics lists them')
        rows, points, total = series_points(snap, entity, metric, product, basis, known_on, offset=offset, limit=limit)
        if _fmt(request, format) is Format.csv:
            return _csv(rows), "text/csv; charset=utf-8"
        nxt = None
        if offset + limit < total:
            nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
        body = {
            "ok": True,
            "dataset_version": snap.version,
            "entity": entity,
            "entity_name": names[entity],
            "metric": metric,
            "product": product,
            "basis": basis,
            "known_on": known_on.isoformat() if known_on else None,
            "total": total,
            "offset": offset,
            "limit": limit,
            "next": nxt,
            "points": points,
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"

    return await cached(request, make, heavy=True)


def _verdicts_json(snap: Snapshot, check: Any) -> dict[str, Any]:
    body = check.to_dict()
    body["dataset_version"] = snap.version
    return {"ok": True, **body}


@listing("/verdicts", summary="The default theses judged")
async def verdicts(request: Request, as_of: AsOfQ = None, format: FormatQ = Format.json) -> Response:
    """Every default thesis judged against the data known on ``as_of`` (default: all data): verdict, explanation,
    rules with their evidence (every observation used, with its source) and robustness where the engine gives it.
    CSV: one row per thesis."""
    as_of = _day(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        check = snap.check(as_of)
        if _fmt(request, format) is Format.csv:
            return _csv(check.to_frame()), "text/csv; charset=utf-8"
        return _dumps(_verdicts_json(snap, check)), "application/json"

    return await cached(request, make, heavy=True)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_default, allow_nan=False).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, float):
        return None
    return str(value)


@router.get(
    "/verdicts/{thesis_id}",
    response_model=ThesisBody,
    responses=NOT_MODIFIED,
    summary="One thesis: verdict, rules and evidence",
)
async def verdict(request: Request, thesis_id: Annotated[str, Path(max_length=100)], as_of: AsOfQ = None) -> Response:
    """One default thesis as of a day, with every evidence row (value, dates, kind, publisher, source)."""
    as_of = _day(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        check = snap.check(as_of)
        try:
            thesis = check[thesis_id]
        except KeyError:
            known = ", ".join(t.id for t in check.theses)
            raise ApiError(404, f'no thesis "{thesis_id}"; known: {known}') from None
        body = {
            "ok": True,
            "dataset_version": snap.version,
            "as_of": as_of.isoformat() if as_of else None,
            "thesis": thesis.to_dict(),
            "evidence": [e.to_dict() for e in thesis.evidence()],
        }
        return _dumps(body), "application/json"

    return await cached(request, make, heavy=True)


MAX_ALIASES = 32


def _too_many_aliases(text: str) -> bool:
    """Whether the YAML uses more than :data:`MAX_ALIASES` aliases (a "billion laughs" needs many; files need few)."""
    import yaml

    count = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                count += 1
                if count > MAX_ALIASES:
                    return True
    except yaml.YAMLError:
        return False  # the parser reports it, with its line
    return False


@router.post("/verdicts", response_model=Verdicts, summary="Judge a thesis file without storing it")
async def judge(request: Request, body: Judge) -> Response:
    """Parse and judge the theses in ``theses`` (YAML, as in a ``corevar check --theses`` file) against the data
    known on ``as_of``. Nothing is stored. Parse errors come back as 422 with ``request:<line>`` positions."""
    body.as_of = _day(body.as_of)
    if _too_many_aliases(body.theses):
        raise ApiError(
            422,
            f"the thesis file uses more than {MAX_ALIASES} YAML aliases (*name); write the values out",
            [{"in": "body", "field": "theses", "message": "too many aliases"}],
        )
    snap = await snapshot(request)

    def work() -> bytes:
        import yaml

        from ..errors import CorevarError

        try:
            check = snap.check(body.as_of, body.theses)
        except yaml.YAMLError as exc:  # the parser lets a few reader errors (control characters) through raw
            raise ApiError(
                422,
                f"the theses are not valid YAML: {exc}".replace("\n", " "),
                [{"in": "body", "field": "theses", "message": str(exc)}],
            ) from exc
        except CorevarError as exc:
            problems = getattr(exc, "problems", None) or []
            errors = [
                {
                    "in": "body",
                    "field": "theses",
                    "line": getattr(p, "line", None),
                    "where": getattr(p, "field", None),
                    "message": str(p),
                }
                for p in problems
            ]
            raise ApiError(
                422, str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid theses", errors
            ) from exc
        return _dumps(_verdicts_json(snap, check))

    content = await run_in_threadpool(work)
    return Response(content, media_type="application/json", headers=_headers(request, snap))


@router.get(
    "/report.html",
    response_class=Response,
    summary="The report as HTML",
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **NOT_MODIFIED},
)
async def report(request: Request, as_of: AsOfQ = None) -> Response:
    """The same self-contained HTML page ``corevar report`` writes, for the data known on ``as_of``."""
    as_of = _day(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        return snap.report_html(as_of).encode("utf-8"), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


# -- writes ----------------------------------------------------------------------------------------------------
def check_token(request: Request, authorization: str | None, form_token: str | None = None) -> None:
    """401 without a token, 403 with a wrong one; the comparison is constant-time."""
    given = form_token
    if authorization:
        scheme, _, value = authorization.partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else None
    if not given:
        raise ApiError(
            401,
            "writing needs the token: send `Authorization: Bearer <token>` (corevar serve printed where it is stored)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not token_matches(given, request.app.state.token):
        raise ApiError(403, "the token is wrong", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def require_token(
    request: Request, authorization: Annotated[str | None, Header(description="Bearer <token>")] = None
) -> None:
    """The write guard as a dependency: checked before the body is validated, so strangers learn nothing."""
    check_token(request, authorization)


def problems_json(exc: Any) -> list[dict[str, Any]]:
    """An IngestError's problems as JSON rows: record number (from 1), field and the message."""
    out = []
    for p in getattr(exc, "problems", []):
        out.append({"in": "body", "row": p.line, "field": p.field, "message": str(p)})
    return out


def write(request: Request, records: list[dict[str, Any]]) -> Any:
    """Validated, all-or-nothing ingest of records into the store (blocking; call off the event loop)."""
    from ..errors import CorevarError, IngestError

    cache = request.app.state.cache
    try:
        result = ingest_records(cache.db, records, wait_s=cache.wait_s)
    except IngestError as exc:
        n = exc.total
        raise ApiError(
            422, f"{n} problem{'s' if n != 1 else ''} in the observations; nothing was written", problems_json(exc)
        ) from exc
    except StoreBusyError as exc:
        raise ApiError(503, str(exc), headers={"Retry-After": "2"}) from exc
    except CorevarError as exc:
        raise ApiError(422, str(exc)) from exc
    cache.invalidate()
    return result


@router.post(
    "/observations",
    status_code=201,
    response_model=Written,
    responses={
        401: {"model": ErrorBody, "description": "No token."},
        403: {"model": ErrorBody, "description": "Wrong token."},
    },
    summary="Add observations (needs the token)",
)
async def add_observations(
    request: Request,
    body: NewObservations,
    _: Annotated[None, Depends(require_token)] = None,
) -> Response:
    """Validate and append observations all-or-nothing, as ``corevar ingest`` does. Problems come back as 422 with
    one entry per problem (``row`` counts the records from 1); nothing is written unless every record is valid.
    A record without ``unit`` gets its metric's unit."""
    snap = await snapshot(request)
    units = snap.derived("units", lambda: dict(zip(snap.metrics["id"], snap.metrics["unit"], strict=False)))
    records = []
    for o in body.observations:
        record = o.model_dump(exclude_none=True)
        if "unit" not in record and record["metric"] in units:
            record["unit"] = units[record["metric"]]
        records.append(record)
    result = await run_in_threadpool(write, request, records)
    snap = await snapshot(request)
    payload = {"ok": True, "rows": result.rows, "added": result.added, "dataset_version": snap.version}
    return Response(
        json.dumps(payload).encode(),
        status_code=201,
        media_type="application/json",
        headers={"X-Corevar-Dataset-Version": snap.version},
    )
