"""What a rule judge sees: the data known on the as-of date, the registry, the date, and outside inputs.

A :class:`Context` is built once per check from the observation frame. Judges ask it for a subject's series
(:meth:`Context.series`), which applies the as-of cut, the conflict rule and the window, and returns the chosen
points together with the competing reports behind each, so every verdict can list the whole evidence.

Rows are kept as small tuples indexed by metric rather than as DataFrame slices: a check judges each rule many
times (robustness, docs/theses.md) on a few dozen rows each, where Python lists beat pandas by two orders of
magnitude. Perturbed contexts (a source left out, a competing report swapped in) share the index and only
filter ids. Outside kinds that want DataFrames get ``ctx.frame`` / ``ctx.resolved`` (built on demand) and
``ctx.extras`` (e.g. ``prices``, ``news``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, NamedTuple

from ._format import human, subject_name
from .model import ACTUAL_KIND_NAMES, Subject
from .result import Competitor, Evidence, RuleResult, Verdict

if TYPE_CHECKING:
    import pandas as pd

    from ..registry import Registry

__all__ = ["MAX_AGE_DAYS", "Context", "Row", "Series", "max_age_days"]

KIND_RANK: dict[str, int] = {"official": 0, "reported": 1, "estimate": 2, "target": 3, "projection": 4}
TIER_RANK: dict[str | None, int] = {"primary": 0, "major": 1, "secondary": 2, None: 3}
FORWARD = frozenset({"target", "projection"})

# How old "latest" may be before it is stale (days). Period figures (a fiscal year's revenue, a return over a
# fixed window) stay the latest word on their period for longer; market-share surveys come out about yearly;
# everything else goes stale after about two quarters.
MAX_AGE_DAYS: dict[str, int] = {
    "default": 180,
    "market_share": 400,
    "basket_return": 730,
    "revenue": 550,
    "net_loss": 550,
    "cash_burn": 550,
    "compute_spend": 550,
    "inference_cost": 550,
    "gross_margin": 550,
    "compute_commitments": 365,
    "inference_price_decline": 550,
}


def max_age_days(metric: str) -> int:
    """The default ``max_age`` of a metric (see :data:`MAX_AGE_DAYS`)."""
    return MAX_AGE_DAYS.get(metric, MAX_AGE_DAYS["default"])


class Row(NamedTuple):
    """One observation, in plain Python types ("" for no product or basis; None for missing numbers)."""

    id: str
    entity: str
    product: str
    metric: str
    basis: str
    value: float
    low: float | None
    high: float | None
    unit: str
    as_of: date
    published: date
    kind: str
    source_url: str
    publisher: str
    tier: str | None

    @property
    def key(self) -> tuple[str, str, str, str, date, bool]:
        return (self.entity, self.product, self.metric, self.basis, self.as_of, self.kind in FORWARD)

    def order(self) -> tuple[int, int, int, str]:
        """Sort key of the conflict rule: kind, then source tier, then newest published, then smallest id."""
        return (KIND_RANK.get(self.kind, 9), TIER_RANK.get(self.tier, 3), -self.published.toordinal(), self.id)


@dataclass(frozen=True)
class Series:
    """A subject's chosen points (oldest first) and, per point id, the reports the conflict rule passed over."""

    points: list[Row]
    competing: dict[str, list[Row]]

    def __len__(self) -> int:
        return len(self.points)

    @property
    def empty(self) -> bool:
        return not self.points

    def dates(self) -> list[date]:
        return [p.as_of for p in self.points]

    def values(self) -> list[float]:
        return [p.value for p in self.points]


def _nan_none(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _dates(column: Any) -> list[Any]:
    """A date column (numpy datetime64, pandas, or Python dates/datetimes) as ``datetime.date`` (None if missing)."""
    import numpy as np

    values = column.to_numpy() if hasattr(column, "to_numpy") else np.asarray(column)
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]").tolist()
    out = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, datetime):
            out.append(v.date())
        elif isinstance(v, date):
            out.append(v)
        else:
            out.append(date.fromisoformat(str(v)[:10]))
    return out


def _column(frame: Any, name: str, n: int) -> list[Any]:
    if name not in frame:
        return [None] * n
    col = frame[name]
    return col.tolist() if hasattr(col, "tolist") else list(col)


def rows_of(frame: Any) -> list[Row]:
    """Observations as :class:`Row` tuples, from a pandas DataFrame or a mapping of columns (name -> array or
    list, e.g. DuckDB's ``fetchnumpy()``), so a check need not import pandas. ``tier`` and ``via_url`` are
    optional columns."""
    n = len(frame) if hasattr(frame, "columns") else len(next(iter(frame.values()), []))
    if n == 0:
        return []
    get = lambda c: _column(frame, c, n)  # noqa: E731
    ids = [str(x) for x in get("id")]
    tiers = [t if isinstance(t, str) and t else None for t in get("tier")]
    return [
        Row(
            i,
            _text(e),
            _text(p),
            _text(m),
            _text(b),
            float(v),
            _nan_none(lo),
            _nan_none(hi),
            _text(u),
            a,
            pub,
            _text(k),
            _text(s),
            _text(pb) or "unknown publisher",
            t,
        )
        for i, e, p, m, b, v, lo, hi, u, a, pub, k, s, pb, t in zip(
            ids,
            get("entity"),
            get("product"),
            get("metric"),
            get("basis"),
            get("value"),
            get("low"),
            get("high"),
            get("unit"),
            _dates(frame["as_of"]),
            _dates(frame["published"]),
            get("kind"),
            get("source_url"),
            get("publisher"),
            tiers,
            strict=True,
        )
        if a is not None and pub is not None
    ]


def resolve_rows(rows: Iterable[Row]) -> tuple[list[Row], dict[str, list[Row]]]:
    """The conflict rule on rows: one per (subject, metric, basis, as_of, actual-or-forward) and the rest."""
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(row.key, []).append(row)
    chosen: list[Row] = []
    competing: dict[str, list[Row]] = {}
    for group in groups.values():
        if len(group) == 1:
            chosen.append(group[0])
            continue
        group.sort(key=Row.order)
        chosen.append(group[0])
        competing[group[0].id] = group[1:]
    return chosen, competing


def chosen_because(best: Row, others: Sequence[Row]) -> str:
    """Why the conflict rule picked ``best`` over the runner-up."""
    if not others:
        return ""
    runner = min(others, key=Row.order)
    if KIND_RANK.get(best.kind, 9) < KIND_RANK.get(runner.kind, 9):
        return f"{best.kind} over {runner.kind}"
    if TIER_RANK.get(best.tier, 3) < TIER_RANK.get(runner.tier, 3):
        return f"source tier {best.tier} over {runner.tier or 'unrated'}"
    if best.published > runner.published:
        return f"newest published ({best.published.isoformat()} over {runner.published.isoformat()})"
    return "same kind, tier and date: smallest id"


class Context:
    """The data a judge sees. Build with :meth:`build`; judges call :meth:`series`, :meth:`evidence`, ...

    Attributes: ``registry``, ``as_of`` (None = everything), ``today`` (as_of, or the latest publication date),
    ``extras`` (outside inputs by name), ``data_through`` (latest actual as_of known).
    """

    def __init__(
        self,
        everything: list[Row],
        registry: Registry,
        as_of: date | None,
        extras: Mapping[str, Any] | None = None,
        frame: pd.DataFrame | None = None,
        excluded: frozenset[str] = frozenset(),
        parent: Context | None = None,
    ) -> None:
        self.registry = registry
        self.as_of = as_of
        self.extras: Mapping[str, Any] = dict(extras or {})
        self.excluded = excluded
        self._frame = frame
        self._everything = everything
        if parent is None:
            known = everything if as_of is None else [r for r in everything if r.published <= as_of]
            self._by_metric_all: dict[str, list[Row]] = {}
            for row in everything:
                self._by_metric_all.setdefault(row.metric, []).append(row)
            self._by_metric_known: dict[str, list[Row]] = {}
            for row in known:
                self._by_metric_known.setdefault(row.metric, []).append(row)
            actual = [r for r in known if r.kind not in FORWARD]
            self.data_through = max((r.as_of for r in actual), default=None)
            # without an as-of date, "today" is the latest publication the data holds: the day the data was known
            latest_published = max((r.published for r in known), default=None)
            self.today = as_of if as_of is not None else (latest_published or date.today())
        else:
            self._by_metric_all = parent._by_metric_all
            self._by_metric_known = parent._by_metric_known
            self.data_through = parent.data_through
            self.today = parent.today
        self._cache: dict[Any, Any] = {}
        self._judge: Any = None
        # True in the contexts robustness re-judges in: kinds may skip work that only serves display
        # (the saturation kind skips its bootstrap interval there)
        self.perturbed = parent is not None

    @classmethod
    def build(
        cls,
        frame: pd.DataFrame,
        registry: Registry,
        as_of: date | None = None,
        extras: Mapping[str, Any] | None = None,
    ) -> Context:
        return cls(rows_of(frame), registry, as_of, extras, frame)

    def without(self, ids: Iterable[str]) -> Context:
        """The same context with some observations left out (for robustness re-judging)."""
        child = Context(
            self._everything,
            self.registry,
            self.as_of,
            self.extras,
            self._frame,
            self.excluded | frozenset(ids),
            parent=self,
        )
        child._judge = self._judge
        return child

    # -- DataFrames for outside kinds ----------------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        """Every observation known on as_of (conflicts included), minus any left out, as a DataFrame."""
        if "frame" not in self._cache:
            import pandas as pd

            from ..frame import known_on

            data = self._frame if self._frame is not None else pd.DataFrame()
            if not isinstance(data, pd.DataFrame):
                data = pd.DataFrame(dict(data))
                for col in ("as_of", "published"):
                    data[col] = pd.to_datetime(data[col])
            if len(data):
                data = known_on(data, self.as_of)
                if self.excluded:
                    data = data[~data["id"].isin(self.excluded)]
            self._cache["frame"] = data
        return self._cache["frame"]

    @property
    def resolved(self) -> pd.DataFrame:
        """:attr:`frame` after the conflict rule (``corevar.frame.resolve``)."""
        if "resolved" not in self._cache:
            from ..frame import resolve

            self._cache["resolved"] = resolve(self.frame)
        return self._cache["resolved"]

    # -- rows ----------------------------------------------------------------------------------------------------
    def metric_rows(self, metric: str, *, known: bool = True) -> list[Row]:
        """Every row of a metric known on as_of (``known=False``: published any time), minus left-out ones."""
        rows = (self._by_metric_known if known else self._by_metric_all).get(metric, [])
        if self.excluded:
            rows = [r for r in rows if r.id not in self.excluded]
        return rows

    def _match(self, subject: Subject, rows: list[Row], kinds: Sequence[str] | None) -> list[Row]:
        want = frozenset(kinds or subject.kinds or ACTUAL_KIND_NAMES)
        out = [r for r in rows if r.entity == subject.entity and r.kind in want]
        if subject.tier is not None:
            allowed = set(self.registry.tier_products(subject.entity, subject.tier))
            out = [r for r in out if r.product in allowed]
        elif subject.product != "*":
            product = subject.product or ""
            out = [r for r in out if r.product == product]
        if subject.basis is not None:
            if is_pattern(subject.basis):
                out = [r for r in out if fnmatchcase(r.basis, subject.basis)]
            else:
                out = [r for r in out if r.basis == subject.basis]
        return out

    def series(
        self,
        subject: Subject,
        start: date | None = None,
        end: date | None = None,
        *,
        kinds: Sequence[str] | None = None,
    ) -> Series:
        """The subject's resolved points within [start, end] (oldest first) and their competing reports."""
        key = ("series", subject, start, end, tuple(kinds or ()))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rows = self._match(subject, self.metric_rows(subject.metric), kinds)
        if start is not None:
            rows = [r for r in rows if r.as_of >= start]
        if end is not None:
            rows = [r for r in rows if r.as_of <= end]
        chosen, competing = resolve_rows(rows)
        if subject.tier is not None or subject.product == "*" or is_pattern(subject.basis):
            # several products (or bases) share a date: keep one value per date, the tier's best (the cheapest
            # price, the highest score), so "latest" and growth read one series, never a sum
            higher = self.registry.higher_is_better(subject.metric)
            best: dict[date, Row] = {}
            for r in chosen:
                held = best.get(r.as_of)
                if held is None or (r.value > held.value if higher else r.value < held.value):
                    best[r.as_of] = r
            chosen = list(best.values())
        chosen.sort(key=lambda r: (r.as_of, r.published, r.id))
        out = Series(chosen, competing)
        self._cache[key] = out
        return out

    def market(self, metric: str, basis: str) -> Series:
        """Every entity's resolved actual rows of one metric on one basis (a market snapshot's raw material)."""
        rows = [r for r in self.metric_rows(metric) if r.basis == basis and r.kind in ACTUAL_KIND_NAMES]
        chosen, competing = resolve_rows(rows)
        chosen.sort(key=lambda r: (r.as_of, r.entity, r.product))
        return Series(chosen, competing)

    # -- why nothing is there ------------------------------------------------------------------------------------
    def missing(
        self,
        subject: Subject,
        start: date | None = None,
        end: date | None = None,
        *,
        kinds: Sequence[str] | None = None,
        what: str = "observations",
    ) -> tuple[str, str]:
        """(reason, sentence) for an empty series: no data, not published by as-of, or none in the window."""
        name = self.name(subject)
        ever = self._match(subject, self.metric_rows(subject.metric, known=False), kinds)
        if not ever:
            if subject.metric not in self.registry.metrics:
                return "no_data", f"no {subject.metric} data: the metric is not in the registry."
            return "no_data", f"no {what} of {name} at all in the data."
        known = self._match(subject, self.metric_rows(subject.metric), kinds)
        if not known:
            first = min(r.published for r in ever)
            return "not_published", (
                f"no {what} of {name} had been published by {self.today.isoformat()} (the first was published "
                f"{first.isoformat()})."
            )
        lo, hi = min(r.as_of for r in known), max(r.as_of for r in known)
        window = f"{start.isoformat() if start else '...'} to {end.isoformat() if end else '...'}"
        return "outside_window", (
            f"no {what} of {name} in the window {window}; the {len(known)} known run from {lo.isoformat()} to "
            f"{hi.isoformat()}."
        )

    def stale(self, row: Row, max_age: int | None) -> str | None:
        """A sentence when ``row`` is older than ``max_age`` days (default: the metric's) on today, else None."""
        limit = max_age if max_age is not None else max_age_days(row.metric)
        age = (self.today - row.as_of).days
        if age > limit:
            return (
                f"the latest {self.name_of(row)} is from {row.as_of.isoformat()}, {age} days before "
                f"{self.today.isoformat()} — older than the {limit}-day max_age, so it is stale."
            )
        return None

    # -- evidence and results ------------------------------------------------------------------------------------
    def evidence(self, row: Row, role: str, series: Series | None = None) -> Evidence:
        """An :class:`Evidence` for a chosen row, with the reports it beat (from ``series``)."""
        others = series.competing.get(row.id, []) if series is not None else []
        return Evidence(
            role=role,
            entity=row.entity,
            product=row.product or None,
            metric=row.metric,
            basis=row.basis or None,
            value=row.value,
            unit=row.unit,
            as_of=row.as_of,
            published=row.published,
            kind=row.kind,
            publisher=row.publisher,
            source_url=row.source_url,
            low=row.low,
            high=row.high,
            id=row.id,
            tier=row.tier,
            competing=tuple(
                Competitor(o.id, o.value, o.kind, o.tier, o.published, o.publisher, o.source_url) for o in others
            ),
            chosen_because=chosen_because(row, others),
        )

    def result(
        self,
        rule: Any,
        verdict: Verdict,
        explanation: str,
        evidence: Sequence[Evidence] = (),
        *,
        window: tuple[date | None, date | None] | None = None,
        reason: str | None = None,
        **figures: float,
    ) -> RuleResult:
        """A :class:`RuleResult` for ``rule`` (its label filled in by the engine)."""
        if verdict is Verdict.insufficient_data and reason is None:
            reason = "undecided"
        return RuleResult(
            kind=rule.kind,
            label=rule.label or "",
            verdict=verdict,
            explanation=explanation,
            evidence=tuple(evidence),
            figures={k: float(v) for k, v in figures.items()},
            window=window,
            reason=reason if verdict is Verdict.insufficient_data else None,
        )

    def judge(self, rule: Any) -> RuleResult:
        """Judge a nested rule (for combinators and kinds built from other kinds)."""
        return self._judge(rule, self)

    # -- names ---------------------------------------------------------------------------------------------------
    def name(self, subject: Subject) -> str:
        """ "ChatGPT WAU", "OpenAI frontier-tier inference price (output)"."""
        if subject.tier is not None:
            who = f"{self.registry.entity_name(subject.entity)} {subject.tier}-tier"
            text = subject_name(None, who, None, subject.metric, subject.basis)
            return text
        return subject_name(self.registry, subject.entity, subject.product, subject.metric, subject.basis)

    def name_of(self, row: Row) -> str:
        return subject_name(self.registry, row.entity, row.product or None, row.metric, row.basis or None)

    def entity_name(self, entity: str) -> str:
        return self.registry.entity_name(entity)

    def human(self, value: float, unit: str) -> str:
        return human(value, unit)

    def unit(self, metric: str, series: Series | None = None) -> str:
        if series is not None and series.points:
            return series.points[-1].unit
        return self.registry.unit(metric)


def is_pattern(basis: str | None) -> bool:
    """A basis with ``*`` or ``?`` is a pattern (``q*_2025`` = every quarter of 2025), matched with fnmatch."""
    return basis is not None and ("*" in basis or "?" in basis)


def shift(day: date | None, days: int) -> date | None:
    return None if day is None else day + timedelta(days=days)
