"""The exhibits of each core variable, chosen by the kind of metric (docs/report.md, "Charts").

* counts and run-rates (users, ARR) and ratios: lines from 0, one series per company on one basis;
* shares of one market: lines on a 0–100% axis, one chart per market;
* scores (leaderboards): a dot plot of the latest snapshot with its confidence interval, sorted;
* period flows (revenue per fiscal year, burn): columns per period, one chart per period length;
* one-off deals (compute commitments, funding rounds): horizontal bars, one per announcement, never a line;
* fewer than three points: no chart, the numbers in a table instead.

The conflict rule's pick is drawn; the competing reports of the same number are faint points. Fitted ceilings are
the engine's (registered by the verdict section), drawn as a band with the same text as the verdict card.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .._data import Rec, is_period, period_label, safe_url
from ..colours import GREY
from ..model import ChartView, FitView, PointView, SectionView, SeriesView, TargetView
from ..numbers import fmt, fmt_growth, fmt_month
from .scorecard import PRICE_TIER, best_series, row_label, rows_for

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["MIN_CHART_POINTS", "sections"]

MIN_CHART_POINTS = 3
MAX_SERIES = 8
MAX_CHARTS = 5
TARGET_HORIZON_DAYS = 400
DEALS = frozenset({"compute_commitments", "funding_round", "cloud_backlog", "compute_capacity"})
Y_TITLE = {
    "users": "people",
    "count": "count",
    "usd": "US$",
    "usd_per_year": "US$ per year (annualised)",
    "fraction": "%",
    "usd_per_million_tokens": "US$ per million tokens",
    "multiple_per_year": "factor per year",
    "watts": "watts",
    "tokens": "tokens",
    "minutes": "minutes",
    "points": "points",
}


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def point(ctx: Ctx, rec: Rec, *, chosen: bool = True, label: str = "") -> PointView:
    return PointView(
        rec.as_of,
        rec.value,
        fmt(rec.value, rec.unit),
        rec.unit,
        rec.kind,
        rec.publisher,
        safe_url(rec.url),
        rec.basis,
        label,
        rec.low,
        rec.high,
        chosen,
    )


def series_view(ctx: Ctx, rows: list[Rec], *, label: str | None = None) -> SeriesView:
    first = rows[-1]
    start = rows[0].as_of
    faint = tuple(point(ctx, r, chosen=False) for r in ctx.data.faint.get(first.key, []) if r.as_of >= start)
    key = "/".join(first.key)
    return SeriesView(
        key,
        first.entity,
        first.product,
        first.metric,
        first.family,
        label or ctx.names.subject(first.entity, first.product),
        ctx.colour(first.entity) if first.entity in ctx.labs else _other(ctx, first.entity),
        first.unit,
        tuple(point(ctx, r) for r in rows),
        faint,
        ctx.data.dropped.get(first.key, 0),
    )


def _other(ctx: Ctx, entity: str) -> str:
    from ..colours import COMPANY

    return COMPANY.get(entity, ctx.assigned.get(entity, GREY))


def _source_line(ctx: Ctx, series: list[SeriesView]) -> str:
    seen: dict[str, str] = {}
    for s in series:
        if s.points:
            p = s.points[-1]
            seen.setdefault(p.publisher, f"{p.publisher} ({p.kind}, {fmt_month(p.as_of)})")
    faint = sum(len(s.faint) for s in series)
    parts = list(seen.values())[:4]
    more = len(seen) - len(parts)
    text = "Source: " + "; ".join(parts) + (f"; {more} more" if more > 0 else "") + ". "
    text += "Shown: the conflict rule's pick (official > reported > estimate, then source tier, then newest "
    text += "publication)"
    text += f"; {faint} competing report{'s' if faint != 1 else ''} faint." if faint else "."
    dropped = sum(s.dropped for s in series)
    if dropped:
        text += f" {dropped:,} older points not drawn (newest {max(len(s.points) for s in series)} per series)."
    return text + (f" Data as of {ctx.cut.isoformat()}." if ctx.cut else "")


CURVE_POINTS = 48


def _curve(figures: dict, start: date, end: date) -> tuple[tuple[date, ...], tuple[float, ...]] | None:
    """The engine's fitted S-curve (logistic or Gompertz) from its own parameters, first point to a year past the
    last: K / (1 + e^(-r (t - t0))) or K e^(-e^(-r (t - t0))), t in years after the fit's origin. ``None`` when the
    result carries no curve (an older engine) or the parameters are not finite."""
    k, r, t0 = figures.get("ceiling"), figures.get("rate"), figures.get("midpoint_years")
    origin = figures.get("origin_ordinal")
    if not all(isinstance(x, int | float) and math.isfinite(x) for x in (k, r, t0, origin)) or end <= start:
        return None
    base = date.fromordinal(int(origin))
    step = (end - start).days / (CURVE_POINTS - 1)
    days = tuple(start + timedelta(days=round(i * step)) for i in range(CURVE_POINTS))
    values = []
    for d in days:
        z = max(min(-r * ((d - base).days / 365.25 - t0), 700.0), -700.0)
        values.append(k * math.exp(-math.exp(z)) if figures.get("gompertz") == 1.0 else k / (1.0 + math.exp(z)))
    return days, tuple(values)


def _fits(ctx: Ctx, series: list[SeriesView]) -> tuple[FitView, ...]:
    """The engine's fitted ceiling for a drawn series: a dotted line at the ceiling and its interval as a band,
    over the year after the last point. The text is the verdict card's own :class:`Num`."""
    out = []
    for s in series:
        key = tuple(s.key.split("/"))
        found = ctx.fits.get(key)  # type: ignore[arg-type]
        if found is None or not s.points:
            continue
        num, figures, _rule = found
        if not math.isfinite(num.value):
            out.append(
                FitView(
                    f"{s.label}: no ceiling identified", s.colour, (), (), note=f"{s.label}: {num.text}.", ref=num.ref
                )
            )
            continue
        last = s.points[-1].as_of
        curve = _curve(figures, s.points[0].as_of, last + timedelta(days=365))
        if curve is not None:
            out.append(FitView(f"{s.label}: fitted S-curve", s.colour, *curve))  # the ceiling line carries the ref
        days = (last, last + timedelta(days=365))
        low, high = figures.get("ceiling_low", math.nan), figures.get("ceiling_high", math.nan)
        bounded = all(isinstance(x, int | float) and math.isfinite(x) for x in (low, high))
        out.append(
            FitView(
                f"{s.label}: fitted ceiling",
                s.colour,
                days,
                (num.value, num.value),
                (low, low) if bounded else (),
                (high, high) if bounded else (),
                note=f"{s.label}: {num.text}.",
                ref=num.ref,
            )
        )
    return tuple(out)


def _targets(ctx: Ctx, metric: str, family: str, entities: set[str]) -> tuple[TargetView, ...]:
    horizon = (ctx.cut or date.max - timedelta(days=TARGET_HORIZON_DAYS)) + timedelta(days=TARGET_HORIZON_DAYS)
    out = []
    for t in ctx.data.targets:
        if t.metric != metric or t.family != family or t.entity not in entities or t.as_of > horizon:
            continue
        judged = ctx.judged_targets.get((t.entity, t.product, t.metric, t.as_of))
        status, status_text = ("judged", judged[0].text) if judged else ("", "no claim judges it")
        out.append(
            TargetView(
                t.entity,
                t.product,
                t.metric,
                t.basis,
                t.value,
                t.unit,
                t.as_of,
                f"{ctx.names.subject(t.entity, t.product)} target {fmt(t.value, t.unit)} by {fmt_month(t.as_of)}",
                status,
                status_text,
                ctx.colour(t.entity) if t.entity in ctx.labs else GREY,
                t.publisher,
                safe_url(t.url),
            )
        )
    return tuple(out[-6:])


def _series_for(ctx: Ctx, metric: str, family: str) -> list[list[Rec]]:
    """One series per entity (its best product series), labs first, then the most observed, at most MAX_SERIES."""
    entities = sorted({r.entity for r in ctx.data.of_metric(metric) if r.family == family})
    found = [(e, best_series(ctx, e, metric, family)) for e in entities]
    found = [(e, rows) for e, rows in found if rows]
    found.sort(key=lambda er: (er[0] not in ctx.labs, ctx.labs.index(er[0]) if er[0] in ctx.labs else 0, -len(er[1])))
    return [rows for _, rows in found[:MAX_SERIES]]


def _title(ctx: Ctx, metric: str, series: list[SeriesView]) -> str:
    """The finding: the leader's latest value and its change over the window observed."""
    name = ctx.names.metric(metric)
    drawn = [s for s in series if s.points]
    if not drawn:
        return name
    lead = max(drawn, key=lambda s: s.points[-1].value if s.unit != "usd_per_million_tokens" else -s.points[-1].value)
    last = lead.points[-1]
    market = f" ({lead.basis.replace('_', ' ')})" if metric == "market_share" else ""
    text = f"{name}{market}: {lead.label} {last.text} in {fmt_month(last.as_of)}"
    if len(lead.points) >= 2 and lead.unit not in ("fraction", "points"):
        first = lead.points[0]
        growth = fmt_growth(first.value, last.value, (last.as_of - first.as_of).days)
        if growth != "—":
            text += f", {growth}"
    return text[:110]


def _subtitle(ctx: Ctx, metric: str, basis_text: str, unit: str, log: bool) -> str:
    m = ctx.names.metrics.get(metric)
    desc = getattr(m, "description", "") or ""
    scale = "; log scale" if log else ""
    return f"{desc} Basis: {basis_text}. Unit: {Y_TITLE.get(unit, unit)}{scale}."


def _line_chart(ctx: Ctx, core: str, metric: str, family: str, basis: str) -> ChartView | None:
    raw = _series_for(ctx, metric, family)
    series = [series_view(ctx, rows) for rows in raw]
    if sum(len(s.points) for s in series) < MIN_CHART_POINTS:
        return None
    unit = series[0].unit
    values = [p.value for s in series for p in s.points if p.value > 0]
    log = unit not in ("fraction", "points") and bool(values) and max(values) / min(values) > 30
    y_range = (0.0, max(1.0, max(values) * 1.05)) if unit == "fraction" and metric == "market_share" else None
    label = row_label(ctx, metric, family, basis)
    return ChartView(
        f"chart-{core}-{_slug(metric)}-{_slug(family or 'all')}",
        "share" if metric == "market_share" else "line",
        _title(ctx, metric, series),
        _subtitle(ctx, metric, ctx.names.basis(family) if not is_period(basis) else family, unit, log),
        Y_TITLE.get(unit, unit) + (" (log scale)" if log else ""),
        unit,
        tuple(series),
        log=log,
        y_range=y_range,
        fits=_fits(ctx, series),
        targets=_targets(ctx, metric, family, {s.entity for s in series}),
        source_line=_source_line(ctx, series),
        notes=(label,),
    )


def _score_chart(ctx: Ctx, core: str, metric: str, family: str, basis: str) -> ChartView | None:
    """Dot plot: each entity's latest score with its interval, sorted; overlapping intervals read as ties."""
    raw = _series_for(ctx, metric, family)
    latest = [rows[-1] for rows in raw]
    if len(latest) < MIN_CHART_POINTS:
        return None
    latest.sort(key=lambda r: r.value)
    series = tuple(
        SeriesView(
            "/".join(r.key),
            r.entity,
            r.product,
            metric,
            family,
            ctx.names.entity(r.entity),
            ctx.colour(r.entity) if r.entity in ctx.labs else _other(ctx, r.entity),
            r.unit,
            (point(ctx, r, label=ctx.names.entity(r.entity)),),
        )
        for r in latest
    )
    lead = series[-1]
    return ChartView(
        f"chart-{core}-{_slug(metric)}-{_slug(family)}",
        "score",
        f"{ctx.names.metric(metric)} ({basis.replace('_', ' ')}): {lead.label} leads at {lead.points[0].text}",
        _subtitle(ctx, metric, basis.replace("_", " "), latest[0].unit, False)
        + " Bars: the leaderboard's confidence interval where published.",
        Y_TITLE.get(latest[0].unit, ""),
        latest[0].unit,
        series,
        source_line=_source_line(ctx, list(series)),
    )


def _flow_chart(ctx: Ctx, core: str, metric: str, family: str) -> ChartView | None:
    """Columns per period (one period length per chart), one colour per company."""
    raw = _series_for(ctx, metric, family)
    series = [series_view(ctx, rows) for rows in raw]
    if sum(len(s.points) for s in series) < MIN_CHART_POINTS:
        return None
    name = ctx.names.metric(metric)
    unit = series[0].unit
    return ChartView(
        f"chart-{core}-{_slug(metric)}-{_slug(family)}",
        "flow",
        f"{name} per {family}: "
        + ", ".join(f"{s.label} {s.points[-1].text} ({period_label(s.points[-1].basis)})" for s in series[:3]),
        _subtitle(ctx, metric, f"one column per {family}", unit, False),
        Y_TITLE.get(unit, unit),
        unit,
        tuple(series),
        source_line=_source_line(ctx, series),
    )


def _deal_chart(ctx: Ctx, core: str, metric: str) -> ChartView | None:
    """Each announcement its own bar ("counterparty · $ · date"), never joined into a line."""
    rows = [r for r in ctx.data.of_metric(metric) if r.entity in ctx.labs or r.entity in ctx.names.entities]
    if len(rows) < MIN_CHART_POINTS:
        return None
    rows = sorted(rows, key=lambda r: r.value)[-15:]
    series = []
    for entity in dict.fromkeys(r.entity for r in rows):
        mine = [r for r in rows if r.entity == entity]
        pts = tuple(
            point(
                ctx,
                r,
                label=" · ".join(
                    x for x in (ctx.names.entity(r.entity), r.basis.replace("_", " "), fmt_month(r.as_of)) if x
                ),
            )
            for r in mine
        )
        series.append(
            SeriesView(
                f"{entity}/{metric}",
                entity,
                "",
                metric,
                "",
                ctx.names.entity(entity),
                ctx.colour(entity) if entity in ctx.labs else _other(ctx, entity),
                mine[0].unit,
                pts,
            )
        )
    top = rows[-1]
    return ChartView(
        f"chart-{core}-{_slug(metric)}",
        "deal",
        f"{ctx.names.metric(metric)}: largest {fmt(top.value, top.unit)} "
        f"({ctx.names.entity(top.entity)}, {fmt_month(top.as_of)})",
        _subtitle(ctx, metric, "one bar per announcement (never summed)", top.unit, False),
        Y_TITLE.get(top.unit, top.unit),
        top.unit,
        tuple(series),
        source_line=_source_line(ctx, series),
    )


def sections(ctx: Ctx, price_charts: tuple[ChartView, ...] = ()) -> tuple[SectionView, ...]:
    plan = rows_for(ctx)
    out = []
    for core in ctx.cores:
        charts: list[ChartView] = []
        tables: list[tuple[str, tuple[PointView, ...]]] = []
        wanted = [(m, f, b) for c, m, f, b in plan if c == core and m != "inference_price"]
        if core == "inference_cost":
            charts.extend(price_charts)
        if core == "market_share":  # every market with enough points, most observed first
            markets: dict[str, int] = {}
            for r in ctx.data.of_metric("market_share"):
                markets[r.family] = markets.get(r.family, 0) + 1
            extra = [("market_share", m, m) for m in sorted(markets, key=lambda m: -markets[m])]
            boards = sorted({r.family for r in ctx.data.of_metric("leaderboard_score")})
            scores = [("leaderboard_score", b, b) for b in boards]
            wanted = scores[:1] + [w for w in wanted if w[0] not in ("market_share", "leaderboard_score")] + extra
        if core == "compute_finance":
            wanted += [(m, "", "") for m in sorted(DEALS) if ctx.names.core(m) == core]
        seen = set()
        for metric, family, basis in wanted:
            if (metric, family) in seen or len(charts) >= MAX_CHARTS:
                continue
            seen.add((metric, family))
            unit = ctx.names.unit(metric)
            if metric in DEALS:
                chart = _deal_chart(ctx, core, metric)
            elif unit == "points":
                chart = _score_chart(ctx, core, metric, family, basis)
            elif is_period(basis):
                chart = _flow_chart(ctx, core, metric, family)
            else:
                chart = _line_chart(ctx, core, metric, family, basis)
            if chart is not None:
                charts.append(chart)
            elif metric not in DEALS:
                pts = tuple(
                    point(ctx, rows[-1], label=ctx.names.subject(rows[-1].entity, rows[-1].product))
                    for rows in _series_for(ctx, metric, family)
                )
                if pts:
                    tables.append((row_label(ctx, metric, family, basis) + " (too few points for a chart)", pts))
        if core == "inference_cost":
            tables = [t for t in tables if "price" not in t[0].lower()]
        title = core.replace("_", " ").capitalize()
        out.append(SectionView(core, title, ctx.names.core_questions.get(core, ""), tuple(charts), tuple(tables)))
    return tuple(out)


_ = PRICE_TIER
