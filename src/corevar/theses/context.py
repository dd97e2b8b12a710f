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

import contextlib
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


def _floats(values: Any, n: int, *, nan_is_none: bool = True) -> list[Any]:
    """Numbers as Python floats, NaN and missing as None (``nan_is_none``); vectorised for float arrays."""
    import numpy as np

    if values is None:
        return [None] * n if nan_is_none else [float("nan")] * n
    if isinstance(values, np.ndarray) and values.dtype.kind == "f" and not isinstance(values, np.ma.MaskedArray):
        if not nan_is_none:
            return values.tolist()
        missing = np.isnan(values)
        if not missing.any():
            return values.tolist()
        out = values.astype(object)
        out[missing] = None
        return out.tolist()
    if not nan_is_none:
        return [float(v) for v in values.tolist()]
    return [_nan_none(v) for v in values.tolist()]


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


def _length(frame: Any) -> int:
    if hasattr(frame, "columns"):
        return len(frame)
    return len(next(iter(frame.values()), []))


def _raw(frame: Any, name: str) -> Any:
    """A column as an array that takes fancy indexing (NumPy, masked NumPy) or None when absent."""
    import numpy as np

    if name not in frame:
        return None
    col = frame[name]
    if hasattr(col, "to_numpy"):
        if name in _Index.TEXT and _arrow_text(col):
            return col.fillna("").to_numpy()  # missing text is "" everywhere (see _text)
        return col.to_numpy()
    if isinstance(col, np.ndarray):  # masked arrays (DuckDB's NULLs) keep their mask
        return col
    return np.asarray(list(col), dtype=object)


def _arrow_text(column: Any) -> bool:
    """A pandas column of Arrow-backed strings (pandas' default text type), which converts best in bulk."""
    dtype = getattr(column, "dtype", None)
    return hasattr(column, "array") and getattr(dtype, "storage", None) == "pyarrow" and str(dtype) in ("str", "string")


def _day_array(column: Any) -> Any:
    """A date column as ``datetime64[D]`` (NaT where missing), whatever it came as."""
    import numpy as np

    values = column.to_numpy() if hasattr(column, "to_numpy") else column
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        out = values.astype("datetime64[D]")
        mask = np.ma.getmask(values)
        if mask is not np.ma.nomask:
            out = np.asarray(out).copy()
            out[np.asarray(mask)] = np.datetime64("NaT")
        return np.asarray(out)
    days = _dates(values if isinstance(values, np.ndarray) else np.asarray(list(values), dtype=object))
    return np.array([np.datetime64(d, "D") if d is not None else np.datetime64("NaT") for d in days], "datetime64[D]")


def _codes(values: Any) -> tuple[Any, list[str]]:
    """Factorise a column: integer codes and the distinct texts (None/NaN read as "", like :func:`_text`).

    Runs of equal values (the store hands rows sorted by entity, product, metric) are found with one vectorised
    comparison, so only the first value of each run goes through Python."""
    import numpy as np

    if isinstance(values, np.ma.MaskedArray):  # DuckDB's NULLs: read as None, like ``tolist()`` does
        mask = np.ma.getmaskarray(values)
        values = np.asarray(values.data, dtype=object).copy()
        values[mask] = None
    else:
        values = np.asarray(values, dtype=object)
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int64), []
    change = np.ones(n, dtype=bool)
    if n > 1:
        # a value without a plain truth for != (pandas.NA) leaves every row its own run
        with contextlib.suppress(TypeError, ValueError):
            change[1:] = np.asarray(values[1:] != values[:-1], dtype=bool)
    heads = np.flatnonzero(change)
    if len(heads) > n // 4:  # mostly short runs (an unsorted column): one dict pass, texts only for distinct values
        raw: dict[Any, int] = {}
        codes = np.fromiter((raw.setdefault(v, len(raw)) for v in values.tolist()), dtype=np.int64, count=n)
        distinct: dict[str, int] = {}
        remap = np.array([distinct.setdefault(_text(v), len(distinct)) for v in raw], dtype=np.int64)
        return remap[codes], list(distinct)
    texts: dict[str, int] = {}
    head_codes = np.fromiter(
        (texts.setdefault(_text(v), len(texts)) for v in values[heads].tolist()), dtype=np.int64, count=len(heads)
    )
    return np.repeat(head_codes, np.diff(np.append(heads, n))), list(texts)


class _Index:
    """The observation columns, grouped once by (metric, entity); :class:`Row` tuples are made per slice on demand.

    A check reads a few subjects; turning every observation into Python objects up front cost 13 s at a million
    rows. Here the grouping is one factorisation and one integer sort, and only the slices the rules ask for
    (and, for market rules, the rows of one basis) become rows.
    """

    TEXT = ("entity", "product", "metric", "basis", "unit", "kind", "source_url", "publisher", "tier")

    def __init__(self, frame: Any) -> None:
        import numpy as np

        n = _length(frame)
        self.n = n
        self.cols: dict[str, Any] = {}  # whole columns as NumPy, converted on first need
        self._source: dict[str, Any] = {}
        self._factors: dict[str, tuple[Any, list[str]]] = {}
        self._combined: dict[str, Any] = {}
        self._names: dict[str, Any] = {}
        if n == 0:
            self.slices: dict[tuple[str, str], Any] = {}
            self.by_metric: dict[str, list[str]] = {}
            self.as_of = self.published = np.array([], "datetime64[D]")
            self.valid = np.array([], bool)
            return
        for name in ("id", "value", "low", "high", *self.TEXT):
            if name in frame:
                self._source[name] = frame[name]
        self.as_of = _day_array(frame["as_of"])
        self.published = _day_array(frame["published"])
        self.valid = ~(np.isnat(self.as_of) | np.isnat(self.published))
        metric, metrics = self.factor("metric")
        entity, entities = self.factor("entity")
        combined = metric * max(len(entities), 1) + entity
        positions = np.flatnonzero(self.valid)
        combined = combined[positions]
        order = np.argsort(combined, kind="stable")
        ordered = combined[order]
        cuts = np.flatnonzero(np.diff(ordered)) + 1
        self.slices = {}
        self.by_metric = {}
        for group in np.split(positions[order], cuts) if len(order) else []:
            m, e = metrics[int(metric[group[0]])], entities[int(entity[group[0]])]
            self.slices[(m, e)] = group
            self.by_metric.setdefault(m, []).append(e)

    def _array(self, name: str) -> Any:
        """A whole column as NumPy (object arrays for text; None where the frame has no such column)."""
        import numpy as np

        if name not in self.cols:
            self.cols[name] = _raw(self._source, name) if name in self._source else None
        col = self.cols[name]
        return np.full(self.n, None, dtype=object) if col is None else col

    def _take(self, name: str, positions: Any) -> Any:
        """A column's values at ``positions``. Text held by pandas (Arrow strings) is taken before converting, so
        only the rows asked for become Python strings; other columns are converted whole once."""
        src = self._source.get(name)
        if src is None:
            return None
        if name not in self.cols and _arrow_text(src):
            whole = self._combined.get(name)
            if whole is None:  # one Arrow array: taking from chunks concatenates them on every call
                whole = self._combined[name] = src.array.__arrow_array__().combine_chunks()
            import pyarrow.compute as pc

            return pc.fill_null(whole.take(positions), "").to_numpy(zero_copy_only=False)
        return self._array(name)[positions]

    def factor(self, name: str) -> tuple[Any, list[str]]:
        """A text column factorised once: integer codes for every row and the distinct texts ("" for missing)."""
        import numpy as np

        hit = self._factors.get(name)
        if hit is not None:
            return hit
        src = self._source.get(name)
        if src is None:
            found: tuple[Any, list[str]] = (np.zeros(self.n, np.int64), [""])
        elif _arrow_text(src):
            import pandas as pd

            codes, uniques = pd.factorize(src, use_na_sentinel=True)  # Arrow's dictionary encoding
            texts: dict[str, int] = {}
            remap = [texts.setdefault(_text(u), len(texts)) for u in uniques.tolist()]
            remap.append(texts.setdefault("", len(texts)))  # code -1 (missing) reads as ""
            found = (np.asarray(remap, np.int64)[codes], list(texts))
        else:
            found = _codes(self._array(name))
        self._factors[name] = found
        return found

    def column(self, name: str, positions: Any) -> list[Any]:
        values = self._take(name, positions)
        if values is None:
            return [None] * len(positions)
        return values.tolist()

    def texts(self, name: str, positions: Any) -> list[str]:
        """A text column at ``positions`` as str ("" for missing), converting value by value only when needed.

        Columns of few distinct values (every one but ``id``) are read through their factorisation: the rows share
        one str object per distinct value instead of converting every cell (4.7 million cells at 1M rows)."""
        import numpy as np

        if name != "id" and name in self._source:
            codes, names = self.factor(name)
            lookup = self._names.get(name)
            if lookup is None:
                lookup = self._names[name] = np.asarray(names, dtype=object)
            return lookup[codes[positions]].tolist()
        values = self._take(name, positions)
        if values is None:
            return [""] * len(positions)
        if isinstance(values, np.ma.MaskedArray):
            values = values.filled("") if np.ma.getmask(values) is not np.ma.nomask else values.data
        out = values.tolist()
        if set(map(type, out)) <= {str}:
            return out
        return [_text(v) for v in out]

    def rows(self, positions: Any) -> list[Row]:
        """The rows at ``positions`` (rows without an as_of or published date were left out when indexing)."""
        if len(positions) == 0:
            return []
        text = lambda c: self.texts(c, positions)  # noqa: E731
        ids = [str(x) for x in self.column("id", positions)]
        tiers = [t or None for t in text("tier")]
        values = _floats(self._take("value", positions), len(positions), nan_is_none=False)
        lows = _floats(self._take("low", positions), len(positions))
        highs = _floats(self._take("high", positions), len(positions))
        publishers = [p or "unknown publisher" for p in text("publisher")]
        return list(
            map(
                Row._make,
                zip(
                    ids,
                    text("entity"),
                    text("product"),
                    text("metric"),
                    text("basis"),
                    values,
                    lows,
                    highs,
                    text("unit"),
                    self.as_of[positions].tolist(),
                    self.published[positions].tolist(),
                    text("kind"),
                    text("source_url"),
                    publishers,
                    tiers,
                    strict=True,
                ),
            )
        )

    def _ranks(self, name: str, positions: Any, table: Mapping[str | None, int], missing: int) -> Any:
        """A text column at ``positions`` as integer ranks from ``table`` (one lookup per distinct value)."""
        import numpy as np

        codes, names = self.factor(name)
        return np.array([table.get(v or None, missing) for v in names] or [missing], np.int64)[codes[positions]]

    def ordered(self, positions: Any) -> Any:
        """``positions`` in the conflict rule's order: grouped by (entity, product, basis, as_of, actual or
        forward), each group best first (kind, source tier, newest published, smallest id).

        One vectorised sort instead of a Python sort per group. The smallest-id tiebreak rides on the sort being
        stable: the store hands rows ordered by ``published, id`` within a series, so equal keys already sit in id
        order; that is checked on the tied pairs, and input in another order is sorted by id text as well."""
        import numpy as np

        if len(positions) < 2:
            return positions
        keys = [  # least significant first (numpy.lexsort)
            -self.published[positions].view(np.int64),
            self._ranks("tier", positions, TIER_RANK, 3),
            self._ranks("kind", positions, KIND_RANK, 9),
            self._ranks("kind", positions, dict.fromkeys(FORWARD, 1), 0),
            self.as_of[positions].view(np.int64),
            *(self.factor(name)[0][positions] for name in ("basis", "product", "entity")),
        ]
        order = np.lexsort(keys)
        ties = np.flatnonzero(np.logical_and.reduce([np.diff(k[order]) == 0 for k in keys]))
        if ties.size:
            ranked = positions[order]
            left, right = self.column("id", ranked[ties]), self.column("id", ranked[ties + 1])
            if any(str(a) > str(b) for a, b in zip(left, right, strict=True)):
                text = np.array([str(x) for x in self.column("id", positions)], dtype=object)
                order = np.lexsort([np.unique(text, return_inverse=True)[1], *keys])
        return positions[order]

    def positions(self, metric: str, entity: str | None = None) -> Any:
        import numpy as np

        if entity is not None:
            return self.slices.get((metric, entity), np.array([], np.int64))
        parts = [self.slices[(metric, e)] for e in self.by_metric.get(metric, [])]
        return np.sort(np.concatenate(parts)) if parts else np.array([], np.int64)


def rows_of(frame: Any) -> list[Row]:
    """Observations as :class:`Row` tuples, from a pandas DataFrame or a mapping of columns (name -> array or
    list, e.g. DuckDB's ``fetchnumpy()``), so a check need not import pandas. ``tier`` and ``via_url`` are
    optional columns. Rows without an ``as_of`` or ``published`` date are left out."""
    import numpy as np

    index = _Index(frame)
    return index.rows(np.flatnonzero(index.valid)) if index.n else []


def resolve_rows(rows: Iterable[Row], *, grouped: bool = False) -> tuple[list[Row], dict[str, list[Row]]]:
    """The conflict rule on rows: one per (subject, metric, basis, as_of, actual-or-forward) and the rest.

    ``grouped``: the rows already come in the rule's order (:meth:`_Index.ordered`, kept by any filter), so each
    group is a run of equal keys, best first, and one linear pass does."""
    if grouped:
        chosen: list[Row] = []
        competing: dict[str, list[Row]] = {}
        last: Any = None
        others: list[Row] = []
        for row in rows:
            key = row.key
            if key == last:
                others.append(row)
                continue
            if others:
                competing[chosen[-1].id] = others
                others = []
            chosen.append(row)
            last = key
        if others:
            competing[chosen[-1].id] = others
        return chosen, competing
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


_NO_OTHERS: tuple[Row, ...] = ()


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
        index: _Index,
        registry: Registry,
        as_of: date | None,
        extras: Mapping[str, Any] | None = None,
        frame: pd.DataFrame | None = None,
        excluded: frozenset[str] = frozenset(),
        parent: Context | None = None,
        left_out: frozenset[str] = frozenset(),
    ) -> None:
        import numpy as np

        self.registry = registry
        self.as_of = as_of
        self.extras: Mapping[str, Any] = dict(extras or {})
        self.excluded = excluded
        self.left_out = left_out  # publishers whose every row is left out ("without <publisher>")
        self._frame = frame
        self._index = index
        if parent is None:
            self._up: Context | None = None  # no self-reference: a cycle would keep every row alive until the GC
            self._slices: dict[tuple[str, str | None, str | None, bool], list[Row]] = {}
            self._publishers: dict[str, frozenset[str]] | None = None
            self._evidence: dict[tuple[str, str], tuple[Sequence[Row], Evidence]] = {}
            known = index.valid.copy()
            if as_of is not None and index.n:
                known &= index.published <= np.datetime64(as_of, "D")
            self._known_mask = known
            actual = known
            if index.n:
                codes, kinds = index.factor("kind")
                actual = known & ~np.isin(codes, [i for i, k in enumerate(kinds) if k in FORWARD])
            self.data_through = index.as_of[actual].max().tolist() if actual.any() else None
            # without an as-of date, "today" is the latest publication the data holds: the day the data was known
            latest_published = index.published[known].max().tolist() if known.any() else None
            self.today = as_of if as_of is not None else (latest_published or date.today())
        else:
            self._up = parent._root
            self.data_through = parent.data_through
            self.today = parent.today
        self._cache: dict[Any, Any] = {}
        self._judge: Any = None
        # True in the contexts robustness re-judges in: kinds may skip work that only serves display
        # (the saturation kind skips its bootstrap interval there)
        self.perturbed = parent is not None

    @property
    def _root(self) -> Context:
        """The unperturbed context, which holds the rows and caches every perturbed one shares."""
        return self if self._up is None else self._up

    @classmethod
    def build(
        cls,
        frame: pd.DataFrame,
        registry: Registry,
        as_of: date | None = None,
        extras: Mapping[str, Any] | None = None,
    ) -> Context:
        return cls(_Index(frame), registry, as_of, extras, frame)

    def without(self, ids: Iterable[str] = (), *, publishers: Iterable[str] = ()) -> Context:
        """The same context with some observations left out (for robustness re-judging): by id, and every row of
        some publishers. Leaving a publisher out by name tests each row's ``publisher`` as it is read, instead of
        collecting the ids of its every row first (250,000 of them per SYNTHETIC publisher at a million rows)."""
        child = Context(
            self._index,
            self.registry,
            self.as_of,
            self.extras,
            self._frame,
            self.excluded | frozenset(ids),
            parent=self,
            left_out=self.left_out | frozenset(publishers),
        )
        child._judge = self._judge
        return child

    def _kept(self, rows: list[Row]) -> list[Row]:
        """``rows`` minus those left out by id or by publisher."""
        excluded, left_out = self.excluded, self.left_out
        if left_out:
            rows = [r for r in rows if r.publisher not in left_out]
        if excluded:
            rows = [r for r in rows if r.id not in excluded]
        return rows

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
                if self.left_out:
                    named = data["publisher"].fillna("").replace("", "unknown publisher")
                    data = data[~named.isin(self.left_out)]
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
    def _rows(self, metric: str, entity: str | None, basis: str | None, known: bool) -> list[Row]:
        """Rows of one metric (one entity's, or one basis's), made once per check and shared by every perturbed
        context; the as-of cut applied when ``known``."""
        root = self._root
        known = known and root.as_of is not None  # without an as-of date every row is known: one slice serves both
        key = (metric, entity, basis, known)
        hit = root._slices.get(key)
        if hit is not None:
            return hit
        import numpy as np

        index = self._index
        positions = index.positions(metric, entity)
        if basis is not None and len(positions):
            codes, bases = index.factor("basis")
            positions = positions[np.isin(codes[positions], [i for i, b in enumerate(bases) if b == basis])]
        if known and len(positions):
            positions = positions[root._known_mask[positions]]
        rows = index.rows(index.ordered(positions))  # grouped and ranked: resolve_rows(..., grouped=True)
        root._slices[key] = rows
        return rows

    def metric_rows(self, metric: str, *, known: bool = True, basis: str | None = None) -> list[Row]:
        """Every row of a metric known on as_of (``known=False``: published any time), minus left-out ones;
        ``basis`` keeps one basis (a market) only."""
        return self._kept(self._rows(metric, None, basis, known))

    def entity_rows(self, metric: str, entity: str, *, known: bool = True) -> list[Row]:
        """One entity's rows of a metric (see :meth:`metric_rows`)."""
        return self._kept(self._rows(metric, entity, None, known))

    def metric_bases(self, metric: str) -> set[str]:
        """Every basis a metric has in the data (published any time; "" for none), without making rows."""
        key = ("bases", metric)
        root = self._root
        hit = root._cache.get(key)
        if hit is None:
            codes, bases = self._index.factor("basis")
            hit = {bases[c] for c in set(codes[self._index.positions(metric)].tolist())}
            root._cache[key] = hit
        return hit

    def publisher_ids(self, publisher: str) -> frozenset[str]:
        """The ids of every row (known on as_of) from one publisher: what "without <publisher>" leaves out.

        The publisher column is factorised once per check; each publisher's ids are then one vectorised pick."""
        root = self._root
        found = root._publishers.get(publisher) if root._publishers is not None else None
        if found is not None:
            return found
        import numpy as np

        index = self._index
        if "publisher_codes" not in root._cache:
            # the known rows sorted by publisher once: each publisher's rows are then one contiguous block
            positions = np.flatnonzero(root._known_mask)
            codes, distinct = index.factor("publisher")
            order = np.argsort(codes[positions], kind="stable")
            bounds = np.searchsorted(codes[positions][order], np.arange(len(distinct) + 1))
            lookup: dict[str, list[int]] = {}
            for i, name in enumerate(distinct):  # no publisher reads as "unknown publisher", as in rows
                lookup.setdefault(name or "unknown publisher", []).append(i)
            root._cache["publisher_codes"] = (positions[order], bounds, lookup)
        grouped, bounds, lookup = root._cache["publisher_codes"]
        blocks = [grouped[bounds[c] : bounds[c + 1]] for c in lookup.get(publisher, ())]
        picked = np.sort(np.concatenate(blocks)) if blocks else grouped[:0]
        ids = index.column("id", picked)
        found = frozenset(ids if set(map(type, ids)) <= {str} else map(str, ids))
        if root._publishers is None:
            root._publishers = {}
        root._publishers[publisher] = found
        return found

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
        simple = subject.tier is None and subject.product != "*" and not is_pattern(subject.basis)
        if simple and (start is not None or end is not None):
            # the conflict rule groups by as_of, so a window keeps or drops whole groups: the window's series is
            # the whole series cut to it (made once; robustness moves windows many times)
            whole = self.series(subject, kinds=kinds)
            points = [
                p for p in whole.points if (start is None or p.as_of >= start) and (end is None or p.as_of <= end)
            ]
            out = Series(points, {p.id: whole.competing[p.id] for p in points if p.id in whole.competing})
            self._cache[key] = out
            return out
        if simple and (self.excluded or self.left_out) and self._root is not self:
            derived = self._derived(key)
            if derived is not None:
                self._cache[key] = derived
                return derived
        rows = self._match(subject, self.entity_rows(subject.metric, subject.entity), kinds)
        if start is not None:
            rows = [r for r in rows if r.as_of >= start]
        if end is not None:
            rows = [r for r in rows if r.as_of <= end]
        chosen, competing = resolve_rows(rows, grouped=True)
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

    def _derived(self, key: tuple[Any, ...]) -> Series | None:
        """A perturbed context's series from the unperturbed one, when that is already made: each point whose
        report was left out gives way to the next report of its group (the groups are sorted by the conflict
        rule already), so re-judging a swapped report costs a copy of the points, not a new pass over the rows.
        None when the unperturbed series is not there (then the rows are resolved again)."""
        root = self._root
        base: Series | None = root._cache.get(key)
        if base is None:
            return None
        owner_key = ("owner", *key)
        owner: dict[str, str] | None = root._cache.get(owner_key)
        if owner is None:
            owner = {p.id: p.id for p in base.points}
            for chosen_id, others in base.competing.items():
                for o in others:
                    owner[o.id] = chosen_id
            root._cache[owner_key] = owner
        excluded, left_out = self.excluded, self.left_out
        if len(excluded) < len(owner):
            affected = {owner[i] for i in excluded if i in owner}
        else:
            affected = {c for i, c in owner.items() if i in excluded}
        if left_out:
            affected |= {p.id for p in base.points if p.publisher in left_out}
            affected |= {c for c, others in base.competing.items() if any(o.publisher in left_out for o in others)}
        if not affected:
            return base
        points: list[Row] = []
        competing: dict[str, list[Row]] = {}

        def regroup(group: list[Row]) -> None:
            """What is left of one date's group: its next report takes the point, the rest compete."""
            kept = [r for r in group if r.id not in excluded and r.publisher not in left_out]
            if kept:
                points.append(kept[0])
                if len(kept) > 1:
                    competing[kept[0].id] = kept[1:]

        if len(affected) > len(base.points) // 4:  # much left out (a whole publisher): one pass over the groups
            for p in base.points:
                if p.id in affected:
                    regroup([p, *base.competing.get(p.id, ())])
                    continue
                points.append(p)
                if p.id in base.competing:
                    competing[p.id] = base.competing[p.id]
        else:
            points.extend(p for p in base.points if p.id not in affected)
            competing.update((k, v) for k, v in base.competing.items() if k not in affected)
            by_id = {p.id: p for p in base.points if p.id in affected}
            for chosen_id in affected:
                regroup([by_id[chosen_id], *base.competing.get(chosen_id, [])])
        points.sort(key=lambda r: (r.as_of, r.published, r.id))
        return Series(points, competing)

    def market(self, metric: str, basis: str) -> Series:
        """Every entity's resolved actual rows of one metric on one basis (a market snapshot's raw material)."""
        rows = [r for r in self.metric_rows(metric, basis=basis) if r.kind in ACTUAL_KIND_NAMES]
        chosen, competing = resolve_rows(rows, grouped=True)
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
        ever = self._match(subject, self.entity_rows(subject.metric, subject.entity, known=False), kinds)
        if not ever:
            if subject.metric not in self.registry.metrics:
                return "no_data", f"no {subject.metric} data: the metric is not in the registry."
            return "no_data", f"no {what} of {name} at all in the data."
        known = self._match(subject, self.entity_rows(subject.metric, subject.entity), kinds)
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
        """An :class:`Evidence` for a chosen row, with the reports it beat (from ``series``).

        Made once per row and list of competitors: robustness re-judges a rule many times over series that differ
        in a point or two, and every other point's evidence is the same object again."""
        others = series.competing.get(row.id, _NO_OTHERS) if series is not None else _NO_OTHERS
        made = self._root._evidence
        key = (row.id, role)
        hit = made.get(key)
        if hit is not None and hit[0] is others:
            return hit[1]
        found = self._make_evidence(row, role, others)
        made[key] = (others, found)
        return found

    @staticmethod
    def _make_evidence(row: Row, role: str, others: Sequence[Row]) -> Evidence:
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
