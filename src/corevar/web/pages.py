"""The dashboard: server-rendered pages over the same snapshot, verdicts and report model as the API.

No page runs inline script: the charts' data travel in ``<script type="application/json">`` blocks and
``/static/app.js`` draws them with the plotly.js bundle of the installed ``plotly`` package, served from
``/static/plotly.min.js``. Jinja autoescape is on for every template, so text from the data (publisher names,
titles, notes) is always shown as text.
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .apierror import ApiError
from .routes import EARLIEST, LATEST, cached, series_points, snapshot, write
from .snapshot import Snapshot

__all__ = ["router"]

HERE = Path(__file__).parent
STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
FIELDS = (
    "entity",
    "product",
    "metric",
    "value",
    "unit",
    "basis",
    "as_of",
    "published",
    "kind",
    "source_url",
    "publisher",
    "title",
    "note",
)
router = APIRouter(include_in_schema=False)


@cache
def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = _value
    env.filters["day"] = _dayfmt
    env.filters["human"] = lambda s: str(s).replace("_", " ")
    env.filters["href"] = lambda u: u if isinstance(u, str) and u.lower().startswith(("http://", "https://")) else None
    return env


def _value(value: Any, unit: str = "") -> str:
    from ..units import format_value

    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return format_value(float(value), unit or "")


def _dayfmt(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def render(name: str, **context: Any) -> bytes:
    return environment().get_template(name).render(**context).encode("utf-8")


def _as_of(text: str | None) -> date | None:
    """The date control's value: empty means "all data"; anything else must be a real day in range."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, f"as_of must be a date like 2025-10-06; got {text!r}") from None
    return min(max(day, EARLIEST), LATEST)


def _json_block(value: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` survive."""
    raw = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _common(snap: Snapshot, as_of: date | None) -> dict[str, Any]:
    from .. import __version__

    return {
        "version": snap.version,
        "corevar_version": __version__,
        "as_of": as_of,
        "observations": len(snap.frame),
        "data_through": snap.data_through(),
        "cores": _cores(snap),
    }


def _cores(snap: Snapshot) -> list[str]:
    seen: list[str] = []
    for core in snap.metrics["core_variable"]:
        if core not in seen:
            seen.append(core)
    return seen


def _describe(value: Any) -> str | None:
    """A robustness or confidence object as the engine words it (None when the engine gives none)."""
    if value is None:
        return None
    describe = getattr(value, "describe", None)
    return str(describe()) if callable(describe) else str(getattr(value, "label", value))


def _thesis_rows(check: Any) -> list[dict[str, Any]]:
    rows = []
    for t in check.theses:
        rob = getattr(t, "robustness", None)
        conf = getattr(t, "confidence", None)
        rows.append(
            {
                "id": t.id,
                "stance": str(getattr(t.stance, "value", t.stance)),
                "text": t.text,
                "verdict": t.verdict.value,
                "explanation": t.explanation,
                "robustness": getattr(rob, "label", None) if rob is not None else None,
                "robustness_text": _describe(rob),
                "confidence": getattr(conf, "tier", None) if conf is not None else None,
                "confidence_text": _describe(conf),
                "evidence": len(t.evidence()),
                "sentence": None,
                "key": None,
            }
        )
    return rows


# -- pages -----------------------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, as_of: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    day = _as_of(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        check = snap.check(day)
        rows = _thesis_rows(check)
        # The report's first screen: each claim's one sentence with its key number, from the same view model.
        views = {v.id: v for v in getattr(snap.report(day), "verdicts", ())}
        for row in rows:
            v = views.get(row["id"])
            if v is not None:
                row["sentence"] = v.sentence
                row["key"] = v.key.text if getattr(v, "key", None) else None
        return render(
            "overview.html.j2",
            **_common(snap, day),
            counts=check.counts(),
            theses=rows,
            judged_through=getattr(check, "data_through", None),
        ), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


@router.get("/claims/{thesis_id}", response_class=HTMLResponse)
async def claim(
    request: Request, thesis_id: str, as_of: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    day = _as_of(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        check = snap.check(day)
        try:
            thesis = check[thesis_id]
        except KeyError:
            raise ApiError(404, f'no claim "{thesis_id}"') from None
        return render(
            "claim.html.j2",
            **_common(snap, day),
            t=thesis.to_dict(),
            evidence=[e.to_dict() for e in thesis.evidence()],
            robustness=_describe(getattr(thesis, "robustness", None)),
            confidence=_describe(getattr(thesis, "confidence", None)),
        ), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


def _variable_charts(snap: Snapshot, core: str, day: date | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The charts and latest values of one core variable, from the report's view model (drawn as the report draws
    them), so the page and the report never disagree."""
    model = snap.report(day)
    charts: list[dict[str, Any]] = []
    latest: list[dict[str, Any]] = []
    for section in getattr(model, "sections", ()):
        if getattr(section, "core", None) != core:
            continue
        charts.extend(_chart(chart) for chart in section.charts)
    scorecard = getattr(model, "scorecard", None)
    labs = getattr(scorecard, "labs", ())
    for row in getattr(scorecard, "rows", ()):
        if getattr(row, "core", None) != core:
            continue
        for lab, cell in zip(labs, row.cells, strict=False):
            if cell.value is None:
                continue
            latest.append(
                {
                    "entity": lab.id,
                    "product": "",
                    "metric": row.metric,
                    "label": f"{lab.name} · {row.label}" + (f" ({cell.what})" if cell.what else ""),
                    "text": cell.text,
                    "as_of": cell.as_of,
                    "kind": cell.kind,
                    "publisher": cell.publisher,
                    "url": cell.url,
                }
            )
    return charts, latest


def _chart(chart: Any) -> dict[str, Any]:
    """A chart of the report's model as the report's own Plotly figure, with its HTML title and caption."""
    from ..report.charts import figure

    fig = figure(chart)
    return {
        "id": f"chart-{chart.id}",
        "title": chart.title,
        "subtitle": getattr(chart, "subtitle", ""),
        "caption": getattr(chart, "source_line", "") or getattr(chart, "caption", ""),
        "figure": _json_block(fig),
    }


def _plotly_text(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@router.get("/variables/{core}", response_class=HTMLResponse)
async def variable(request: Request, core: str, as_of: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    day = _as_of(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        if core not in _cores(snap):
            raise ApiError(404, f'no core variable "{core}"')
        charts, latest = _variable_charts(snap, core, day)
        metrics = snap.metrics[snap.metrics["core_variable"] == core]
        return render(
            "variable.html.j2",
            **_common(snap, day),
            core=core,
            charts=charts,
            latest=latest,
            metrics=metrics.to_dict("records"),
        ), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


@router.get("/series", response_class=HTMLResponse)
async def series_page(
    request: Request,
    entity: Annotated[str, Query(max_length=200)],
    metric: Annotated[str, Query(max_length=200)],
    product: Annotated[str | None, Query(max_length=200)] = None,
    basis: Annotated[str | None, Query(max_length=200)] = None,
    as_of: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    day = _as_of(as_of)

    def make(snap: Snapshot) -> tuple[bytes, str]:
        names = snap.entity_names()
        if entity not in names or metric not in set(snap.metrics["id"]):
            raise ApiError(404, f'no series "{entity}" / "{metric}"')
        _, points, _ = series_points(snap, entity, metric, product or None, basis or None, day, limit=2000)
        unit = str(snap.metrics.set_index("id").loc[metric, "unit"])
        fig = _series_figure(points, names[entity])
        return render(
            "series.html.j2",
            **_common(snap, day),
            entity=entity,
            entity_name=names[entity],
            metric=metric,
            product=product,
            basis=basis,
            points=points,
            unit=unit,
            figure=_json_block(fig),
        ), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


def _series_figure(points: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Chosen values as a line per (product, basis); competing reports as faint markers (charts.md §2)."""
    lines: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for p in points:
        if p["kind"] in ("target", "projection"):
            continue
        lines.setdefault((p["product"], p["basis"]), []).append(p)
    data = []
    for (product, basis), pts in lines.items():
        label = " · ".join(str(x) for x in (name, product, basis) if x)
        faint = [r for p in pts for r in p["reports"] if not r["shown"]]
        if faint:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": _plotly_text(f"{label} (other reports)"),
                    "x": [r["as_of"] for r in faint],
                    "y": [r["value"] for r in faint],
                    "marker": {"opacity": 0.35, "size": 7, "color": "#6b7280"},
                    "hovertext": [_plotly_text(f"{r['value']:g} · {r['kind']} · {r['publisher']}") for r in faint],
                    "hoverinfo": "text",
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _plotly_text(label),
                "x": [p["as_of"] for p in pts],
                "y": [p["value"] for p in pts],
                "hovertext": [_plotly_text(f"{p['value']:g} · {p['kind']} · {p['publisher']}") for p in pts],
                "hoverinfo": "text",
                "line": {"width": 2.5},
            }
        )
    layout = {
        "height": 340,
        "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
        "hovermode": "closest",
        "yaxis": {"rangemode": "tozero", "exponentformat": "B", "gridcolor": "#e8e8e8"},
        "legend": {"orientation": "h", "y": -0.2},
        "plot_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}


@router.get("/conflicts", response_class=HTMLResponse)
async def conflicts_page(
    request: Request,
    as_of: Annotated[str | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return await _listing_page(request, "conflicts", _as_of(as_of), page)


@router.get("/sources", response_class=HTMLResponse)
async def sources_page(
    request: Request,
    as_of: Annotated[str | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return await _listing_page(request, "sources", _as_of(as_of), page)


async def _listing_page(request: Request, name: str, day: date | None, page: int, size: int = 200) -> Response:
    """A paged listing page (conflicts, sources): ``size`` rows of the snapshot's listing as known on ``day``."""

    def make(snap: Snapshot) -> tuple[bytes, str]:
        rows = getattr(snap, name)(day)
        part = rows.iloc[(page - 1) * size : page * size]
        return render(
            f"{name}.html.j2",
            **_common(snap, day),
            rows=part.to_dict("records"),
            total=len(rows),
            page=page,
            pages=max(1, math.ceil(len(rows) / size)),
        ), "text/html; charset=utf-8"

    return await cached(request, make, heavy=True)


@router.get("/add", response_class=HTMLResponse)
async def add_form(request: Request) -> Response:
    snap = await snapshot(request)
    return HTMLResponse(
        render(
            "add.html.j2",
            **_common(snap, None),
            values={},
            errors=[],
            message=None,
            kinds=("official", "reported", "estimate", "target", "projection"),
        )
    )


@router.post("/add", response_class=HTMLResponse)
async def add_submit(request: Request) -> Response:
    """The add form: the token and one observation; problems are shown next to the form, nothing is written."""
    from starlette.concurrency import run_in_threadpool

    from .routes import check_token

    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in FIELDS}
    snap = await snapshot(request)
    status = 200
    errors: list[dict[str, Any]] = []
    message = None
    try:
        check_token(request, None, str(form.get("token", "")) or None)
        record = {k: v for k, v in values.items() if v}
        if "unit" not in record and values["metric"]:
            units = dict(zip(snap.metrics["id"], snap.metrics["unit"], strict=False))
            if values["metric"] in units:
                record["unit"] = units[values["metric"]]
        result = await run_in_threadpool(write, request, [record])
    except ApiError as exc:
        status = exc.status
        errors = exc.errors or [{"field": None, "message": exc.message}]
        message = exc.message
    else:
        target = f"/series?entity={values['entity']}&metric={values['metric']}"
        if result.added == 0:
            message = "Already stored: nothing added."
        else:
            return RedirectResponse(_safe_target(target, values), status_code=303)
    snap = await snapshot(request)
    body = render(
        "add.html.j2",
        **_common(snap, None),
        values=values,
        errors=errors,
        message=message,
        kinds=("official", "reported", "estimate", "target", "projection"),
    )
    return HTMLResponse(body, status_code=status)


def _safe_target(target: str, values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return "/series?" + urlencode({"entity": values["entity"], "metric": values["metric"]})


# -- static assets ---------------------------------------------------------------------------------------------
@cache
def _plotly_path() -> Path:
    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ApiError(404, "the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


@cache
def _asset(name: str) -> bytes:
    if name == "plotly.min.js":
        return _plotly_path().read_bytes()
    return (HERE / "static" / name).read_bytes()


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name == "plotly.min.js":
        media = "text/javascript; charset=utf-8"
    elif name in STATIC:
        media = STATIC[name]
    else:
        raise ApiError(404, f"no static file {name!r}")
    return Response(_asset(name), media_type=media, headers={"Cache-Control": "public, max-age=3600"})
