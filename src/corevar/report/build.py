"""Build the report: every number the page shows, computed once from the observation frame.

:func:`build` turns a store (or a frame) and a thesis check into a :class:`Report`, a plain data object that the
HTML template, the Markdown writer and the terminal summary all read. Nothing here formats HTML; nothing here
does maths of its own: growth, saturation, concentration, targets and unit economics come from
:mod:`corevar.analytics`.

What the report chooses (documented here once):

* **The series behind a scorecard cell.** For each lab and core variable, the first metric in
  :data:`SCORE_METRICS` the lab has actuals for; among that metric's (product, basis) series the longest, ties to
  the most recent. Period bases collapse into one series per period length ("fy2024", "fy2025" form the
  fiscal-year series), so a lab's yearly revenue reads as one line.
* **Growth** is :func:`corevar.analytics.growth.summary` over the trailing year (annualised).
* **vs target**: targets (kind ``target``) on any scorecard metric of the core variable; a target whose due date
  has passed is judged with :func:`corevar.analytics.targets.summary` (gap at the due date), a future one shows
  the growth it needs.
* **Inference price** per lab: the cheapest GPT-4-class output price the lab had listed by each date.
* **Freshness**: days from the newest actual observation to the reference date (``--as-of`` or today, UTC);
  older than :data:`STALE_DAYS` is flagged stale.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .. import registry

if TYPE_CHECKING:
    import pandas as pd

    from ..theses import CheckResult

__all__ = [
    "CORE_VARIABLES",
    "SCORE_METRICS",
    "STALE_DAYS",
    "Cell",
    "Report",
    "build",
]

STALE_DAYS = 180
MIN_GROWTH_DAYS = 90
SATURATION_MIN_POINTS = 5
SATURATION_BOOT = 200
DAYS_PER_MONTH = 365.25 / 12
TARGET_HORIZON_DAYS = 400  # targets due later than this are left off charts (they squash the x-axis)
# The taxonomy's core variables in its order; capital markets are context, shown in the chain sections only.
CORE_VARIABLES: tuple[str, ...] = tuple(v for v in registry.core_variables() if v != "capital_markets")
SCORE_METRICS: dict[str, tuple[str, ...]] = {
    "users": ("weekly_active_users", "monthly_active_users", "daily_active_users"),
    "revenue": ("arr", "revenue", "paying_subscribers"),
    "retention": ("paid_retention", "churn", "net_dollar_retention", "dau_mau_ratio", "user_retention"),
    "enterprise": ("enterprise_penetration", "business_users", "enterprise_customers"),
    "coding": ("coding_usage", "coding_revenue"),
    "inference_cost": ("inference_price",),
    "compute_finance": ("cash_burn", "net_loss", "operating_loss", "compute_commitments", "gross_margin"),
    "market_share": ("market_share",),
}
FIRST_LABS: tuple[str, ...] = ("openai", "anthropic", "google")
ACTUAL = ("official", "reported", "estimate")
PRICE_TIER = "gpt4_class"
PRICE_BASIS = "output"

_PERIODS = (
    (re.compile(r"^fy\d{4}$"), "fiscal year"),
    (re.compile(r"^q[1-4]_\d{4}$"), "quarter"),
    (re.compile(r"^h[12]_\d{4}$"), "half-year"),
)


def basis_family(basis: str) -> str:
    """``fy2025`` -> "fiscal year", ``q1_2026`` -> "quarter"; any other basis is its own family."""
    for pattern, name in _PERIODS:
        if pattern.match(basis):
            return name
    return basis


def text(value: Any) -> str:
    """A frame cell as text: missing values (None, NaN, NA) become ""."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN / NA
            return ""
    except (TypeError, ValueError):
        return ""
    return str(value)


def finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), else None (shown as text, never as a link)."""
    return url if re.match(r"^https?://", url, re.IGNORECASE) else None


# -- the report object -----------------------------------------------------------------------------------------
@dataclass
class Point:
    """One observation as the report shows it."""

    as_of: date
    value: float
    unit: str
    kind: str
    publisher: str
    url: str
    title: str
    note: str
    basis: str


@dataclass
class Series:
    """One resolved series: a lab's product, metric and basis family, oldest first."""

    entity: str
    product: str
    metric: str
    family: str
    label: str
    unit: str
    points: list[Point]

    @property
    def latest(self) -> Point:
        return self.points[-1]


@dataclass
class Cell:
    """One scorecard cell: the latest value of a lab's core variable, its growth and its target."""

    core: str
    entity: str
    series: Series | None = None
    growth: float = math.nan
    growth_months: float = 12.0  # length of the window the growth was annualised from
    direction: str = "unknown"
    good: bool | None = None
    target: str = ""
    target_status: str = ""  # met | missed | ahead | behind | ""

    @property
    def empty(self) -> bool:
        return self.series is None


@dataclass
class Fit:
    """A fitted curve drawn on a chart: dates, values, and an optional band."""

    label: str
    dates: list[date]
    values: list[float]
    band_low: list[float] | None = None
    band_high: list[float] | None = None
    note: str = ""
    entity: str = ""  # colours the curve: an entity id or a price tier


@dataclass
class Chart:
    """A chart the renderers draw: series (lines), targets (markers), fits, and the axis scale."""

    id: str
    title: str
    metric: str
    unit: str
    series: list[Series]
    targets: list[Series] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)
    log: bool = False
    kind: str = "line"  # line | bar
    caption: str = ""


@dataclass
class Section:
    """One core variable: its question, charts and the latest value of every series in it."""

    core: str
    question: str
    charts: list[Chart]
    latest: list[Series]
    notes: list[str] = field(default_factory=list)


@dataclass
class MarketRow:
    market: str
    as_of: date
    shares: list[tuple[str, float, str, str]]  # entity, share, publisher, url
    coverage: float
    hhi_points: float
    band: str
    equivalent_firms: float
    lower_bound: bool
    n_dates: int


@dataclass
class PriceFit:
    tier: str
    basis: str
    n: int
    start: date | None
    end: date | None
    factor_per_year: float
    factor_low: float
    factor_high: float
    halving_months: float
    r2: float
    method: str


@dataclass
class FinanceRow:
    entity: str
    arr: Point | None
    revenue: Point | None
    burn: Point | None
    burn_to_revenue: float
    commitments: Point | None
    commitments_to_arr: float


@dataclass
class Report:
    """Everything the page shows, computed; renderers only format it."""

    title: str
    dataset_version: str
    corevar_version: str
    as_of: date | None
    reference: date
    theses_files: list[str]
    built_at: datetime
    check: CheckResult
    labs: list[str]
    names: dict[str, str]
    core_questions: dict[str, str]
    metric_names: dict[str, str]
    scorecard: dict[str, dict[str, Cell]]  # lab -> core -> cell
    sections: list[Section]
    markets: list[MarketRow]
    market_chart: Chart | None
    prices: list[PriceFit]
    price_chart: Chart | None
    price_estimates: list[Point]
    finance: list[FinanceRow]
    finance_chart: Chart | None
    freshness: dict[str, dict[str, int | None]]  # lab -> core -> age in days
    sources: list[dict[str, Any]]
    observations: int
    notes: list[str] = field(default_factory=list)

    def name(self, entity: str) -> str:
        return self.names.get(entity, entity)

    def charts(self) -> list[Chart]:
        out = [c for s in self.sections for c in s.charts]
        out += [c for c in (self.market_chart, self.price_chart, self.finance_chart) if c is not None]
        return out


# -- building --------------------------------------------------------------------------------------------------
def build(
    frame: pd.DataFrame,
    check: CheckResult,
    *,
    dataset_version: str,
    as_of: date | None = None,
    theses_files: list[str] | None = None,
    now: datetime | None = None,
) -> Report:
    """The report of ``frame`` (every live observation, already filtered to ``as_of`` if given) and ``check``."""
    from .. import __version__, registry

    built_at = (now or datetime.now(UTC)).replace(microsecond=0)
    reference = as_of or built_at.date()
    names = {eid: e.name for eid, e in registry.entities().items()}
    tiers = {p.id: p.tier for e in registry.entities().values() for p in e.products if p.tier}
    metrics = registry.metrics()
    ctx = _Context(frame, reference, names, tiers)

    labs = _labs(ctx)
    scorecard = {lab: {core: _cell(ctx, lab, core) for core in CORE_VARIABLES} for lab in labs}
    sections = [_section(ctx, core, labs) for core in CORE_VARIABLES]
    markets, market_chart = _markets(ctx)
    prices, price_chart, estimates = _prices(ctx)
    finance, finance_chart = _finance(ctx, labs)
    notes: list[str] = []
    return Report(
        title="corevar report: the core variables of the AI race",
        dataset_version=dataset_version,
        corevar_version=__version__,
        as_of=as_of,
        reference=reference,
        theses_files=list(theses_files or []),
        built_at=built_at,
        check=check,
        labs=labs,
        names=names,
        core_questions=dict(registry.core_variables()),
        metric_names={m: m.replace("_", " ") for m in metrics},
        scorecard=scorecard,
        sections=sections,
        markets=markets,
        market_chart=market_chart,
        prices=prices,
        price_chart=price_chart,
        price_estimates=estimates,
        finance=finance,
        finance_chart=finance_chart,
        freshness=_freshness(ctx, labs),
        sources=_sources(ctx.frame),
        observations=len(ctx.frame),
        notes=notes,
    )


class _Context:
    """The frame resolved once (conflict rule) into plain records, indexed by (entity, metric).

    Per-series pandas operations cost milliseconds each and the report draws hundreds of series, so the frame is
    resolved in one vectorised pass and everything after works on small Python lists.
    """

    def __init__(self, frame: pd.DataFrame, reference: date, names: dict[str, str], tiers: dict[str, str]) -> None:
        import pandas as pd

        from ..frame import resolve

        self.frame = frame
        self.reference = reference
        self.names = names
        self.tiers = tiers
        self.core_of = {m.id: m.core_variable for m in registry.metrics().values()}
        self.higher = {m.id: m.higher_is_better for m in registry.metrics().values()}
        cutoff = pd.Timestamp(reference)
        wanted = frame[(frame["kind"].isin(ACTUAL) & (frame["as_of"] <= cutoff)) | (frame["kind"] == "target")]
        records = resolve(wanted).to_dict(orient="records")
        self.actuals: list[dict[str, Any]] = []
        self.targets: list[dict[str, Any]] = []
        for raw in records:
            rec = _record(raw)
            (self.targets if rec["kind"] == "target" else self.actuals).append(rec)
        self.actuals.sort(key=lambda r: (r["as_of"], r["published"] or r["as_of"]))
        self.targets.sort(key=lambda r: (r["as_of"], r["published"] or r["as_of"]))
        self._index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for rec in self.actuals:
            self._index.setdefault((rec["entity"], rec["metric"]), []).append(rec)

    def rows(self, entity: str, metric: str) -> list[dict[str, Any]]:
        """Resolved actuals of one entity and metric, oldest first."""
        return self._index.get((entity, metric), [])

    def of_metric(self, metric: str) -> list[dict[str, Any]]:
        return [r for r in self.actuals if r["metric"] == metric]

    def series(self, rows: list[dict[str, Any]], entity: str, metric: str, product: str, family: str) -> Series:
        """One point per date (a family can hold several bases; the latest publication wins), oldest first."""
        by_day: dict[date, dict[str, Any]] = {}
        for rec in rows:
            by_day[rec["as_of"]] = rec  # rows are sorted by (as_of, published): the last one wins
        points = [_point(by_day[d]) for d in sorted(by_day)]
        return Series(
            entity,
            product,
            metric,
            family,
            self.label(entity, product, metric, family),
            points[0].unit if points else "",
            points,
        )

    def label(self, entity: str, product: str, metric: str, family: str) -> str:
        who = self.names.get(product, "") or _product_name(product) or self.names.get(entity, entity)
        what = metric.replace("_", " ")
        return f"{who} · {what}" + (f" ({family})" if family else "")

    def best(self, entity: str, metric: str) -> Series | None:
        """The longest (product, basis family) series of ``entity``'s ``metric``, ties to the most recent."""
        groups = _group(self.rows(entity, metric), ("product", "family"))
        if not groups:
            return None
        (product, family), rows = max(
            groups.items(), key=lambda kv: (len({r["as_of"] for r in kv[1]}), kv[1][-1]["as_of"])
        )
        return self.series(rows, entity, metric, product, family)

    def all_series(self, metric: str, entities: list[str] | None = None) -> list[Series]:
        rows = [r for r in self.of_metric(metric) if entities is None or r["entity"] in entities]
        groups = _group(rows, ("entity", "product", "family"))
        return [self.series(g, e, metric, p, f) for (e, p, f), g in sorted(groups.items())]


def _group(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    out: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for rec in rows:
        out.setdefault(tuple(rec[k] for k in keys), []).append(rec)
    return out


def _record(raw: dict[str, Any]) -> dict[str, Any]:
    basis = text(raw["basis"])
    published = raw["published"]
    return {
        "entity": text(raw["entity"]),
        "product": text(raw["product"]),
        "metric": text(raw["metric"]),
        "basis": basis,
        "family": basis_family(basis),
        "as_of": raw["as_of"].date(),
        "published": published.date() if published == published and published is not None else None,
        "kind": text(raw["kind"]),
        "value": float(raw["value"]),
        "unit": text(raw["unit"]),
        "publisher": text(raw["publisher"]),
        "source_url": text(raw["source_url"]),
        "title": text(raw["title"]),
        "note": text(raw["note"]),
    }


@functools.cache
def _product_names() -> dict[str, str]:

    return {p.id: p.name for e in registry.entities().values() for p in e.products}


def _product_name(product: str) -> str:
    return _product_names().get(product, "")


def _point(rec: dict[str, Any]) -> Point:
    return Point(
        rec["as_of"],
        rec["value"],
        rec["unit"],
        rec["kind"],
        rec["publisher"],
        rec["source_url"],
        rec["title"],
        rec["note"],
        rec["basis"],
    )


def _labs(ctx: _Context) -> list[str]:
    """OpenAI, Anthropic and Google first, then other labs with data on 2+ core variables (companies: 4+)."""

    entities = registry.entities()
    coverage: dict[str, set[str]] = {}
    for rec in ctx.actuals:
        core = ctx.core_of.get(rec["metric"])
        if core in CORE_VARIABLES:
            coverage.setdefault(rec["entity"], set()).add(core)
    others = [
        e
        for e in sorted(coverage, key=lambda e: (-len(coverage[e]), e))
        if e not in FIRST_LABS
        and e in entities
        and (
            (entities[e].kind == "lab" and len(coverage[e]) >= 2)
            or (entities[e].kind == "company" and len(coverage[e]) >= 4)
        )
    ]
    return [*FIRST_LABS, *others]


def _price_series(ctx: _Context, entity: str) -> Series | None:
    """The cheapest GPT-4-class output price ``entity`` had listed by each date (a running minimum)."""
    rows = [
        r
        for r in ctx.rows(entity, "inference_price")
        if r["basis"] == PRICE_BASIS and ctx.tiers.get(r["product"]) == PRICE_TIER
    ]
    if not rows:
        return None
    points: list[Point] = []
    best: Point | None = None
    for rec in sorted(rows, key=lambda r: (r["as_of"], r["value"])):
        p = _point(rec)
        p.basis = _product_name(rec["product"]) or rec["product"]
        if best is None or p.value < best.value:
            best = p
            if points and points[-1].as_of == p.as_of:
                points[-1] = p
            else:
                points.append(p)
    return Series(
        entity,
        "",
        "inference_price",
        PRICE_BASIS,
        f"{ctx.names.get(entity, entity)} · cheapest GPT-4-class output price",
        "usd_per_million_tokens",
        points,
    )


def _points_frame(points: list[Point]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"as_of": pd.to_datetime([p.as_of for p in points]), "value": [p.value for p in points]})


def _cell(ctx: _Context, entity: str, core: str) -> Cell:
    from ..analytics import growth

    cell = Cell(core, entity)
    if core == "inference_cost":
        series = _price_series(ctx, entity)
    else:
        series = None
        for metric in SCORE_METRICS[core]:
            series = ctx.best(entity, metric)
            if series is not None:
                break
    if series is None:
        return cell
    cell.series = series
    first, last = series.points[0].as_of, series.latest.as_of
    span = (last - max(first, date.fromordinal(last.toordinal() - 365))).days
    if len(series.points) >= 2 and span >= MIN_GROWTH_DAYS:  # a few weeks annualised gives absurd rates
        try:
            summary = growth.summary(_points_frame(series.points))
        except ValueError:  # non-positive values: no growth rate
            summary = None
        if summary is not None:
            cell.growth = summary.annual_growth
            cell.growth_months = span / (365.25 / 12)
            cell.direction = summary.direction
            if summary.direction in ("up", "down"):
                cell.good = (summary.direction == "up") == ctx.higher.get(series.metric, True)
    cell.target, cell.target_status = _target(ctx, entity, core)
    return cell


def _target(ctx: _Context, entity: str, core: str) -> tuple[str, str]:
    """The most relevant target of ``entity`` on ``core``: the latest one already due, else the next one."""
    from ..analytics import targets
    from ..units import format_value

    rows = [r for r in ctx.targets if r["entity"] == entity and r["metric"] in SCORE_METRICS[core]]
    if not rows:
        return "", ""
    due = [r for r in rows if r["as_of"] <= ctx.reference]
    row = due[-1] if due else rows[0]
    actual = [
        r for r in ctx.rows(entity, row["metric"]) if r["product"] == row["product"] and r["family"] == row["family"]
    ]
    day = row["as_of"]
    label = f"target {format_value(row['value'], row['unit'])} by {day.isoformat()}"
    if not actual:
        return f"{label}: no actuals", ""
    series = ctx.series(actual, entity, row["metric"], row["product"], row["family"])
    try:
        report = targets.summary(_points_frame(series.points), day, row["value"])
    except ValueError:
        return label, ""
    if day <= ctx.reference:
        gap = report.gap
        if gap.met is None or not finite(gap.gap_ratio):
            return f"{label}: not yet known", ""
        verb = "met" if gap.met else "missed"
        return f"{label}: {verb} ({gap.gap_ratio:+.0%}, {gap.basis.replace('_', ' ')})", verb
    need = report.required.rate
    reach = report.reach
    if reach.date is not None and reach.date <= day:
        return f"{label}: trend gets there {reach.date.isoformat()}", "ahead"
    pace = f"needs {need:+.0%}/yr" if finite(need) else "pace unknown"
    return f"{label}: {pace}", "behind" if reach.date is not None or reach.basis == "never" else ""


# -- sections --------------------------------------------------------------------------------------------------
def _section(ctx: _Context, core: str, labs: list[str]) -> Section:

    question = registry.core_variables().get(core, "")
    charts: list[Chart] = []
    notes: list[str] = []
    if core == "inference_cost":
        series = [s for s in (_price_series(ctx, lab) for lab in labs) if s is not None]
        charts.append(
            Chart(
                f"chart-{core}-gpt4",
                "Cheapest GPT-4-class output price per lab (USD per 1M tokens)",
                "inference_price",
                "usd_per_million_tokens",
                series,
                log=True,
                caption="Running minimum of each lab's list price for models at or above GPT-4 level; log scale.",
            )
        )
        latest = series
    else:
        metrics = [m for m, c in ctx.core_of.items() if c == core]
        candidates = []
        for metric in metrics:
            series = [s for s in ctx.all_series(metric, labs) if s.points]
            if series:
                longest = max(len(s.points) for s in series)
                candidates.append((longest, sum(len(s.points) for s in series), metric, series))
        preferred = SCORE_METRICS.get(core, ())
        candidates.sort(
            key=lambda c: (
                not (c[2] in preferred and c[0] >= 2),
                preferred.index(c[2]) if c[2] in preferred and c[0] >= 2 else 0,
                -c[0],
                -c[1],
            )
        )
        latest = []
        for longest, _total, metric, series in candidates:
            latest.extend(series)
            if len(charts) >= 3:
                continue
            if core == "market_share":
                chart = _share_chart(ctx, series)
            else:
                drawn = [s for s in series if len(s.points) >= 2] if longest >= 2 else series
                drawn = sorted(drawn, key=lambda s: -len(s.points))[:10]
                chart = Chart(
                    f"chart-{core}-{metric}",
                    metric.replace("_", " ").capitalize(),
                    metric,
                    drawn[0].unit,
                    sorted(drawn, key=lambda s: (labs.index(s.entity), s.label)),
                    kind="line" if longest >= 2 else "bar",
                )
                chart.targets = _target_series(ctx, metric, labs)
                if core == "users":
                    chart.fits, fit_notes = _saturation_fits(chart.series)
                    notes.extend(fit_notes)
                _log_if_wide(chart)
            charts.append(chart)
    latest.sort(key=lambda s: (labs.index(s.entity) if s.entity in labs else 99, s.metric, s.label))
    return Section(core, question, charts, latest, notes)


def _log_if_wide(chart: Chart) -> None:
    values = [p.value for s in chart.series for p in s.points if p.value > 0]
    if values and max(values) / min(values) > 200:
        chart.log = True


def _share_chart(ctx: _Context, series: list[Series]) -> Chart:
    """The most-observed market, one line per vendor."""
    counts: dict[str, int] = {}
    for s in series:
        counts[s.family] = counts.get(s.family, 0) + len(s.points)
    market = max(counts, key=lambda m: counts[m])
    drawn = [
        dataclasses.replace(
            s, label=ctx.names.get(s.product, "") or _product_name(s.product) or ctx.names.get(s.entity, s.entity)
        )
        for s in series
        if s.family == market
    ]
    return Chart(
        f"chart-market_share-{_slug(market)}",
        f"Market share: {market}",
        "market_share",
        "fraction",
        drawn,
        caption=f"Shares of the market named {market!r}; other markets are in Market structure.",
    )


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _target_series(ctx: _Context, metric: str, labs: list[str]) -> list[Series]:
    horizon = date.fromordinal(ctx.reference.toordinal() + TARGET_HORIZON_DAYS)
    rows = [r for r in ctx.targets if r["metric"] == metric and r["entity"] in labs and r["as_of"] <= horizon]
    out = []
    for (entity, product, family), group in sorted(_group(rows, ("entity", "product", "family")).items()):
        series = ctx.series(group, entity, metric, product, family)
        series.label = "target: " + series.label
        out.append(series)
    return out


def _saturation_fits(series: list[Series]) -> tuple[list[Fit], list[str]]:
    """A logistic curve (observed range + one year of projection) and the bootstrap ceiling interval per series.

    The interval is drawn as a band over the projection year only, and only when it is bounded and within 3x the
    largest observation (otherwise the data do not identify a ceiling and the note says so).
    """
    import numpy as np

    from ..analytics import saturation

    fits, notes = [], []
    for s in series:
        if len(s.points) < SATURATION_MIN_POINTS:
            continue
        dates = np.array([p.as_of for p in s.points], dtype="datetime64[D]")
        values = np.array([p.value for p in s.points])
        fit = saturation.saturation_fit(dates, values)
        if not fit.converged or not math.isfinite(fit.ceiling):
            continue
        verdict = saturation.peaked(dates, values, n_boot=SATURATION_BOOT)
        end = dates[-1] + np.timedelta64(365, "D")
        grid = np.arange(dates[0], end + np.timedelta64(1, "D"), np.timedelta64(15, "D"))
        curve = np.asarray(fit.predict(grid), dtype=float)
        day_list = [d.astype(object) for d in grid]
        low = high = None
        if (
            math.isfinite(verdict.ceiling_low)
            and math.isfinite(verdict.ceiling_high)
            and verdict.ceiling_high <= 3 * values.max()
        ):
            after = grid >= dates[-1]
            low = np.where(after, verdict.ceiling_low, np.nan).tolist()
            high = np.where(after, verdict.ceiling_high, np.nan).tolist()
        note = (
            f"{s.label}: {verdict.answer.replace('_', ' ')} — {verdict.reason}. Dotted: logistic fit, "
            f"projected one year past {s.latest.as_of.isoformat()}."
        )
        fits.append(Fit(f"logistic fit: {s.label}", day_list, curve.tolist(), low, high, note=note, entity=s.entity))
        notes.append(note)
    return fits, notes


# -- market structure ------------------------------------------------------------------------------------------
def _markets(ctx: _Context) -> tuple[list[MarketRow], Chart | None]:
    """Per named market (basis): the latest date in its last year with the most vendors, and its HHI."""
    from ..analytics import market

    out: list[MarketRow] = []
    for (basis,), rows in sorted(_group(ctx.of_metric("market_share"), ("basis",)).items()):
        per_date: dict[date, dict[str, dict[str, Any]]] = {}
        for rec in rows:  # oldest publication first, so the newest report of a vendor on a date wins
            per_date.setdefault(rec["as_of"], {})[rec["entity"]] = rec
        multi = {d: v for d, v in per_date.items() if len(v) >= 2}
        if not multi:
            continue
        newest = max(multi)
        recent = {d: v for d, v in multi.items() if (newest - d).days <= 365}
        day = max(recent, key=lambda d: (len(recent[d]), d))
        snap = sorted(recent[day].values(), key=lambda r: -r["value"])
        values = [r["value"] for r in snap]
        total = float(sum(values))
        lower = total <= 1.0 + 1e-9
        conc = market.concentration(values, normalise=not lower)
        band = conc.band or ""
        if lower and total < 1.0 - 1e-9:
            # The unreported rest could be many small vendors or one big one: the HHI lies between these bounds,
            # and the band is only stated when both bounds fall in the same band.
            ceiling = conc.points + (1.0 - total) ** 2 * 10_000
            top = market.concentration_band(ceiling)
            if top != band:
                band = f"{band} to {top} (shares cover {total:.0%})"
        shares = [(r["entity"], r["value"], r["publisher"], r["source_url"]) for r in snap]
        out.append(MarketRow(basis, day, shares, total, conc.points, band, conc.equivalent_firms, lower, len(multi)))
    out.sort(key=lambda m: (-len(m.shares), m.market))
    if not out:
        return out, None
    chart_series = []
    for entity in sorted({e for m in out for e, *_ in m.shares}):
        points = [
            Point(m.as_of, share, "fraction", "", publisher, url, "", "", m.market)
            for m in out
            for e, share, publisher, url in m.shares
            if e == entity
        ]
        chart_series.append(Series(entity, "", "market_share", "", ctx.names.get(entity, entity), "fraction", points))
    chart = Chart(
        "chart-market-structure",
        "Latest shares per named market",
        "market_share",
        "fraction",
        chart_series,
        kind="stacked",
        caption="One bar per market at its latest date with two or more vendors; HHI in the table.",
    )
    return out, chart


def _prices(ctx: _Context) -> tuple[list[PriceFit], Chart | None, list[Point]]:
    """Per tier and basis, :func:`corevar.analytics.prices.price_decline` over the cheapest-at-the-time prices."""
    import numpy as np

    from ..analytics import growth, prices

    rows = ctx.of_metric("inference_price")
    fits: list[PriceFit] = []
    series: list[Series] = []
    curves: list[Fit] = []
    for tier in ("gpt4_class", "frontier", "small", "frontier_premium"):
        for basis in ("input", "output"):
            sub = [r for r in rows if r["basis"] == basis and ctx.tiers.get(r["product"]) == tier]
            if not sub:
                continue
            if basis == PRICE_BASIS:
                points = []
                for rec in sub:
                    p = _point(rec)
                    p.basis = f"{_product_name(rec['product']) or rec['product']} ({ctx.names.get(rec['entity'])})"
                    points.append(p)
                series.append(
                    Series("", "", "inference_price", tier, f"{tier} ({basis})", "usd_per_million_tokens", points)
                )
            dates = np.array([r["as_of"] for r in sub], dtype="datetime64[D]")
            values = np.array([r["value"] for r in sub])
            decline = prices.price_decline(dates, values, frontier=True, level=0.9)
            if not math.isfinite(decline.slope):
                continue
            fits.append(
                PriceFit(
                    tier,
                    basis,
                    decline.n,
                    decline.start,
                    decline.end,
                    decline.factor_per_year,
                    decline.ci[0],
                    decline.ci[1],
                    decline.halving_time_days / DAYS_PER_MONTH,
                    decline.r2,
                    "log-linear fit of the cheapest-at-the-time prices (corevar.analytics.prices)",
                )
            )
            if basis == PRICE_BASIS and decline.start and decline.end:
                # the same fit drawn: price_decline returns no intercept, so trend() refits the frontier points
                front = prices.frontier_prices(dates, values)
                trend = growth.trend(front.dates, front.prices)
                grid = np.arange(np.datetime64(decline.start, "D"), np.datetime64(decline.end, "D") + 1, 15)
                interval = f"90% interval {decline.ci[0]:.1f}–{decline.ci[1]:.1f}x" if decline.n >= 3 else "no interval"
                curves.append(
                    Fit(
                        f"fit: {tier}",
                        [d.astype(object) for d in grid],
                        np.asarray(trend.project(grid), dtype=float).tolist(),
                        note=f"{tier}: {decline.factor_per_year:.1f}x cheaper per year ({interval})",
                        entity=tier,
                    )
                )
    chart = None
    if series:
        chart = Chart(
            "chart-price-decline",
            "List prices by capability tier (output, USD per 1M tokens, log scale)",
            "inference_price",
            "usd_per_million_tokens",
            series,
            fits=curves,
            log=True,
            kind="scatter",
            caption="Each dot is one model's list price; dotted lines are the log-linear fit per tier through the "
            "prices that set a new low when they appeared (Epoch AI's method).",
        )
    estimates = [_point(r) for r in ctx.of_metric("inference_price_decline")]
    return fits, chart, estimates


# -- compute finance -------------------------------------------------------------------------------------------
def _latest(
    ctx: _Context, entity: str, metric: str, *, family: str | None = None, basis: str | None = None
) -> Point | None:
    """The newest entity-level actual (optionally of one basis family or basis)."""
    rows = [
        r
        for r in ctx.rows(entity, metric)
        if r["product"] == "" and (family is None or r["family"] == family) and (basis is None or r["basis"] == basis)
    ]
    return _point(rows[-1]) if rows else None


def _finance(ctx: _Context, labs: list[str]) -> tuple[list[FinanceRow], Chart | None]:
    from ..analytics import unit_economics

    out = []
    for lab in labs:
        arr = _latest(ctx, lab, "arr")
        burn = _latest(ctx, lab, "cash_burn", family="fiscal year")
        revenue = _latest(ctx, lab, "revenue", basis=burn.basis) if burn is not None else None
        commitments = None
        latest_per_basis: dict[str, dict[str, Any]] = {}
        for rec in ctx.rows(lab, "compute_commitments"):
            latest_per_basis[rec["basis"]] = rec
        if latest_per_basis:
            commitments = _point(max(latest_per_basis.values(), key=lambda r: r["value"]))
        if arr is None and burn is None and commitments is None:
            continue
        ratio = burn.value / revenue.value if burn and revenue and revenue.value > 0 else math.nan
        coverage = (
            float(unit_economics.commitment_coverage(commitments.value, arr.value))
            if commitments and arr and arr.value > 0
            else math.nan
        )
        out.append(FinanceRow(lab, arr, revenue, burn, ratio, commitments, coverage))
    if not out:
        return out, None
    series = []
    for label, attr in (
        ("ARR (latest)", "arr"),
        ("revenue (fiscal year)", "revenue"),
        ("cash burn (fiscal year)", "burn"),
        ("compute commitments (largest figure)", "commitments"),
    ):
        points = []
        for row in out:
            p = getattr(row, attr)
            if p is not None:
                points.append(dataclasses.replace(p, basis=ctx.names.get(row.entity, row.entity)))
        if points:
            series.append(Series("", "", attr, "", label, "usd", points))
    chart = Chart(
        "chart-compute-finance",
        "Revenue, burn and compute commitments per lab (USD, log scale)",
        "usd",
        "usd",
        series,
        log=True,
        kind="grouped",
        caption="Latest ARR, the latest fiscal year's revenue and cash burn, and the largest announced "
        "compute commitment figure.",
    )
    return out, chart


# -- freshness and sources -------------------------------------------------------------------------------------
def _freshness(ctx: _Context, labs: list[str]) -> dict[str, dict[str, int | None]]:
    newest: dict[tuple[str, str], date] = {}
    for rec in ctx.actuals:  # sorted by as_of: the last one seen is the newest
        core = ctx.core_of.get(rec["metric"])
        if core is not None:
            newest[(rec["entity"], core)] = rec["as_of"]
    return {
        lab: {
            core: (ctx.reference - newest[(lab, core)]).days if (lab, core) in newest else None
            for core in CORE_VARIABLES
        }
        for lab in labs
    }


def _sources(frame: pd.DataFrame) -> list[dict[str, Any]]:
    grouped = (
        frame.groupby("source_url", sort=False)
        .agg(
            publisher=("publisher", "first"),
            title=("title", "first"),
            published=("published", "min"),
            observations=("id", "size"),
        )
        .reset_index()
    )
    grouped = grouped.sort_values(
        ["publisher", "source_url"], key=lambda s: s.astype(str).str.lower(), kind="mergesort"
    )
    out = []
    for r in grouped.to_dict(orient="records"):
        url = text(r["source_url"])
        published = r["published"]
        out.append(
            {
                "url": url,
                "href": safe_url(url),
                "publisher": text(r["publisher"]),
                "title": text(r["title"]),
                "published": published.date() if hasattr(published, "date") and published == published else None,
                "observations": int(r["observations"]),
            }
        )
    return out
