"""Invariants of a set of observations: relations between rows that no single-row validation can see.

Each check is a pure function over a pandas DataFrame with the observation columns (``entity``, ``product``,
``metric``, ``value``, ``low``, ``high``, ``basis``, ``as_of``, ``published``, ``kind``, ``note``, ...) and returns
:class:`Finding` objects; nothing is raised and nothing is written. The bundled dataset must pass every check
(``tests/test_invariants.py``); ``corevar lint FILE`` runs the same checks on a user's file and prints the
findings as warnings, because a user's data may break an invariant for a reason we cannot see.

Why these checks: each catches a class of error found in the bundled data once (issue "data you can cite"):

* ``users_order``: daily <= weekly <= monthly active users of one product in one month. Different sources round
  and define "active" differently, so a smaller-window figure may exceed a larger one by up to
  :data:`USERS_TOLERANCE` before it is reported. Third-party panel estimates (kind ``estimate``: app-only or
  regional panels) are compared with each other, not with the company's own or reported figures.
* ``shares_sum``: the shares of one named market on one date add up to at most 100% (plus
  :data:`SHARE_TOLERANCE` for rounding). Two shares that do not fit together usually come from different panels
  filed under one market name.
* ``runrate_vs_revenue``: recognised revenue over a period, annualised, is within a factor :data:`MAGNITUDE` of the
  run-rate reported inside that period. A recognised-revenue row an order of magnitude off the run-rate is almost
  always a run-rate filed as revenue, a quarterly figure filed as a year, or a unit slip.
* ``price_tiers``: on any date, the cheapest price in effect in a capability tier below the frontier (``small``,
  ``gpt4_class``) is not above the cheapest ``frontier`` price, and the cheapest frontier price is not above the
  cheapest ``frontier_premium`` one, per price basis. (``small`` against ``gpt4_class`` is not checked: a cheap
  GPT-4-class model may undercut an older small one.)
* ``duplicate_targets``: one goal or forecast stored once: two target/projection rows with the same subject,
  metric, basis, due date and value published within :data:`DUPLICATE_DAYS` days are one news cycle's repeats.
* ``bound_words``: a note that says "more than $X" / "over X" / "passed X" where X is the stored value must store
  ``low`` = value; "approaching X" / "nearly X" / "under X" / "up to X" must store ``high`` = value. (For a negative
  value, e.g. a decline of "more than 10%", the bound on its size is an upper bound on the value.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHECKS",
    "DUPLICATE_DAYS",
    "MAGNITUDE",
    "PRICE_WINDOW_DAYS",
    "SHARE_TOLERANCE",
    "USERS_TOLERANCE",
    "Finding",
    "bound_words",
    "check_all",
    "duplicate_targets",
    "price_tiers",
    "runrate_vs_revenue",
    "shares_sum",
    "users_order",
]

USERS_TOLERANCE = 0.10
SHARE_TOLERANCE = 0.005
MAGNITUDE = 10.0
DUPLICATE_DAYS = 45
PRICE_WINDOW_DAYS = 365
ACTUAL = ("official", "reported", "estimate")
FORWARD = ("target", "projection")
KIND_RANK = {"official": 0, "reported": 1, "estimate": 2}
TIER_ORDER = ("small", "gpt4_class", "frontier", "frontier_premium")
USER_METRICS = ("daily_active_users", "weekly_active_users", "monthly_active_users")


@dataclass(frozen=True)
class Finding:
    """One broken invariant: which check, the row indexes of the frame involved, and a sentence saying why."""

    check: str
    rows: tuple[int, ...]
    message: str
    detail: dict[str, object] = field(default_factory=dict, compare=False)


def _records(frame: pd.DataFrame) -> list[tuple[int, dict[str, object]]]:
    cols = [c for c in frame.columns]
    return [
        (int(i), dict(zip(cols, values, strict=True)))
        for i, values in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]


def _s(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value).strip()


def _f(value: object) -> float | None:
    text = _s(value)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _d(value: object) -> date | None:
    if isinstance(value, date):
        return value
    text = _s(value)[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _pick(rows: list[tuple[int, dict[str, object]]]) -> tuple[int, dict[str, object]]:
    """The row a view would show among conflicting sources: best kind, then newest published, then first."""
    return min(
        rows,
        key=lambda ir: (
            KIND_RANK.get(_s(ir[1].get("kind")), 9),
            -(_d(ir[1].get("published")) or date.min).toordinal(),
            ir[0],
        ),
    )


def users_order(frame: pd.DataFrame, *, tolerance: float = USERS_TOLERANCE) -> list[Finding]:
    """Daily <= weekly <= monthly active users of one product in one calendar month (whole-product basis only)."""
    groups: dict[tuple[str, str, str], dict[str, list[tuple[int, dict[str, object]]]]] = {}
    for i, r in _records(frame):
        if _s(r.get("metric")) not in USER_METRICS or _s(r.get("kind")) not in ACTUAL or _s(r.get("basis")):
            continue
        when = _d(r.get("as_of"))
        if when is None or _f(r.get("value")) is None:
            continue
        key = (_s(r.get("entity")), _s(r.get("product")), when.strftime("%Y-%m"))
        groups.setdefault(key, {}).setdefault(_s(r.get("metric")), []).append((i, r))
    found = []
    for (entity, product, month), by_metric in sorted(groups.items()):
        for smaller, larger in pairwise(USER_METRICS):
            for i, a in by_metric.get(smaller, []):
                for j, b in by_metric.get(larger, []):
                    if (_s(a["kind"]) == "estimate") != (_s(b["kind"]) == "estimate"):
                        continue  # a third-party panel (app-only, one region) is compared only with panels
                    va, vb = _f(a["value"]), _f(b["value"])
                    if va is not None and vb is not None and va > vb * (1 + tolerance):
                        found.append(
                            Finding(
                                "users_order",
                                (i, j),
                                f"{entity}/{product or '-'} {month}: {smaller} {va:,.0f} above "
                                f"{larger} {vb:,.0f} (tolerance {tolerance:.0%})",
                            )
                        )
    return found


def shares_sum(frame: pd.DataFrame, *, tolerance: float = SHARE_TOLERANCE) -> list[Finding]:
    """Shares of one market (basis) on one date sum to at most 100%; each entity counted once (its largest row)."""
    by_market: dict[tuple[str, str], dict[tuple[str, str], list[tuple[int, dict[str, object]]]]] = {}
    for i, r in _records(frame):
        if _s(r.get("metric")) != "market_share" or _s(r.get("kind")) not in ACTUAL or _f(r.get("value")) is None:
            continue
        key = (_s(r.get("basis")), _s(r.get("as_of"))[:10])
        by_market.setdefault(key, {}).setdefault((_s(r.get("entity")), _s(r.get("product"))), []).append((i, r))
    found = []
    for (market, day), subjects in sorted(by_market.items()):
        per_entity: dict[str, tuple[int, float]] = {}
        for (entity, _product), rows in subjects.items():
            i, r = _pick(rows)
            value = _f(r["value"]) or 0.0
            if entity not in per_entity or value > per_entity[entity][1]:
                per_entity[entity] = (i, value)
        total = sum(v for _, v in per_entity.values())
        if total > 1.0 + tolerance:
            found.append(
                Finding(
                    "shares_sum",
                    tuple(sorted(i for i, _ in per_entity.values())),
                    f"{market} on {day}: shares sum to {total:.1%} (> 100%)",
                    {"total": total},
                )
            )
    return found


_PERIOD = re.compile(r"^(fy|h[12]_|q[1-4]_)(\d{4})$")


def _period(basis: str) -> tuple[date, date, float] | None:
    """(start, end, annualising factor) of a revenue period basis such as fy2025, h1_2025, q3_2026."""
    m = _PERIOD.match(basis)
    if not m:
        return None
    kind, year = m.group(1), int(m.group(2))
    if kind == "fy":
        return date(year, 1, 1), date(year, 12, 31), 1.0
    if kind.startswith("h"):
        half = int(kind[1])
        return (date(year, 1, 1), date(year, 6, 30), 2.0) if half == 1 else (date(year, 7, 1), date(year, 12, 31), 2.0)
    quarter = int(kind[1])
    start = date(year, 3 * quarter - 2, 1)
    end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return start, end, 4.0


def runrate_vs_revenue(frame: pd.DataFrame, *, factor: float = MAGNITUDE) -> list[Finding]:
    """Annualised recognised revenue within ``factor`` of the gross run-rate reported inside the same period."""
    runrates: dict[str, list[tuple[int, date, float]]] = {}
    revenues = []
    for i, r in _records(frame):
        if _s(r.get("kind")) not in ACTUAL or _s(r.get("product")):
            continue
        value, when = _f(r.get("value")), _d(r.get("as_of"))
        if value is None or when is None or value <= 0:
            continue
        if _s(r.get("metric")) == "arr" and _s(r.get("basis")) == "run_rate":
            runrates.setdefault(_s(r.get("entity")), []).append((i, when, value))
        elif _s(r.get("metric")) == "revenue" and (period := _period(_s(r.get("basis")))):
            revenues.append((i, _s(r.get("entity")), _s(r.get("basis")), period, value))
    found = []
    for i, entity, basis, (start, end, annualise), value in revenues:
        inside = [(j, v) for j, when, v in runrates.get(entity, []) if start <= when <= end]
        if not inside:
            continue
        yearly = value * annualise
        low, high = min(v for _, v in inside), max(v for _, v in inside)
        if yearly > high * factor or yearly * factor < low:
            found.append(
                Finding(
                    "runrate_vs_revenue",
                    (i, *(j for j, _ in inside)),
                    f"{entity} revenue {basis} {value:,.0f} (annualised {yearly:,.0f}) is not within "
                    f"{factor:g}x of the run-rate reported in the period ({low:,.0f}..{high:,.0f})",
                )
            )
    return found


def price_tiers(
    frame: pd.DataFrame, tiers: Mapping[str, str], *, window_days: int = PRICE_WINDOW_DAYS
) -> list[Finding]:
    """On each price date, no tier's cheapest price in effect is above the frontier's (per basis: input, output...).

    A product's price is in effect from its ``as_of`` until its next price row, for at most ``window_days``.
    ``tiers`` maps product id to capability tier (the registry's model products).
    """
    series: dict[tuple[str, str], list[tuple[date, float, int]]] = {}
    for i, r in _records(frame):
        product = _s(r.get("product"))
        if (
            _s(r.get("metric")) != "inference_price"
            or _s(r.get("kind")) not in ACTUAL
            or tiers.get(product) not in TIER_ORDER
        ):
            continue
        value, when = _f(r.get("value")), _d(r.get("as_of"))
        if value is not None and when is not None:
            series.setdefault((_s(r.get("basis")), product), []).append((when, value, i))
    dates_by_basis: dict[str, set[date]] = {}
    for (basis, _), points in series.items():
        dates_by_basis.setdefault(basis, set()).update(p[0] for p in points)
    found = []
    seen: set[tuple[str, str, str, int, int]] = set()
    for basis, days in sorted(dates_by_basis.items()):
        for day in sorted(days):
            cheapest: dict[str, tuple[float, int, str]] = {}
            for (b, product), points in series.items():
                if b != basis:
                    continue
                current = [p for p in points if p[0] <= day and (day - p[0]).days <= window_days]
                if not current:
                    continue
                latest_day = max(p[0] for p in current)
                when, value, i = min(p for p in current if p[0] == latest_day)
                tier = tiers[product]
                if tier not in cheapest or value < cheapest[tier][0]:
                    cheapest[tier] = (value, i, product)
            pairs = [(t, "frontier") for t in ("small", "gpt4_class")] + [("frontier", "frontier_premium")]
            for lower, upper in pairs:
                if lower not in cheapest or upper not in cheapest:
                    continue
                (lv, li, lp), (uv, ui, up) = cheapest[lower], cheapest[upper]
                if lv > uv and (basis, lower, upper, li, ui) not in seen:
                    seen.add((basis, lower, upper, li, ui))
                    found.append(
                        Finding(
                            "price_tiers",
                            (li, ui),
                            f"{basis} price on {day}: cheapest {lower} ({lp}, {lv:g}) above cheapest "
                            f"{upper} ({up}, {uv:g})",
                        )
                    )
    return found


def duplicate_targets(frame: pd.DataFrame, *, days: int = DUPLICATE_DAYS) -> list[Finding]:
    """A goal or forecast stored once: same subject, metric, basis, due date, value and kind, not published
    within ``days`` of each other."""
    groups: dict[tuple[str, ...], list[tuple[int, date]]] = {}
    for i, r in _records(frame):
        kind = _s(r.get("kind"))
        if kind not in FORWARD:
            continue
        value = _f(r.get("value"))
        key = (
            kind,
            _s(r.get("entity")),
            _s(r.get("product")),
            _s(r.get("metric")),
            _s(r.get("basis")),
            _s(r.get("as_of"))[:10],
            repr(value),
        )
        groups.setdefault(key, []).append((i, _d(r.get("published")) or date.min))
    found = []
    for key, rows in sorted(groups.items()):
        rows.sort(key=lambda x: (x[1], x[0]))
        for (i, a), (j, b) in pairwise(rows):
            if (b - a).days <= days:
                found.append(
                    Finding(
                        "duplicate_targets",
                        (i, j),
                        f"{key[1]}/{key[2] or '-'} {key[3]} {key[0]} due {key[5]} stored twice (published {a} and {b})",
                    )
                )
    return found


_SCALE = {
    "%": 0.01,
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
    "gw": 1e9,
}
_NUMBER = (
    r"\s*(?:~|about |roughly |around |some |US)?\$?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(%|(?:k|thousand|mn|m|million|bn|b|billion|tn|t|trillion|gw)\b)?"
)
_LOWER = re.compile(
    r"(?<![\w-])(more than|over|above|at least|exceed(?:ed|ing|s)?|exceeding|surpass(?:ed|es|ing)?|"
    r"passed|crossed|topped|north of|just over|>=|>)" + _NUMBER,
    re.IGNORECASE,
)
_UPPER = re.compile(
    r"(?<![\w-])(approaching|nearly|almost|close to|just under|under|below|less than|up to|<=|<)" + _NUMBER,
    re.IGNORECASE,
)


def _amount(number: str, unit: str | None) -> float:
    return float(number.replace(",", "")) * _SCALE.get((unit or "").lower(), 1.0)


def _mentions(note: str, pattern: re.Pattern[str], value: float, unit: str = "fraction") -> bool:
    """Whether the note puts this bound phrase on the stored value (the number after it matches within 1%).

    A percentage ("more than 60%") can only be the figure of a row whose unit is a fraction: a price of $0.60 is not
    "60%".
    """
    target = abs(value)
    if target == 0:
        return False
    return any(
        abs(_amount(m.group(2), m.group(3)) - target) <= 0.01 * target
        for m in pattern.finditer(note)
        if m.group(3) != "%" or unit == "fraction"
    )


def bound_words(frame: pd.DataFrame) -> list[Finding]:
    """ "More than X" stored with low = X; "approaching X" stored with high = X (X being the stored value)."""
    found = []
    for i, r in _records(frame):
        if _s(r.get("kind")) not in ACTUAL:
            continue
        value = _f(r.get("value"))
        note = _s(r.get("note"))
        if value is None or not note:
            continue
        unit = _s(r.get("unit")) or "fraction"
        says_lower = _mentions(note, _LOWER, value, unit)
        says_upper = _mentions(note, _UPPER, value, unit)
        if says_lower == says_upper:
            continue  # no bound word on this figure, or both (a range described in words)
        # a bound on the size of a negative figure (a decline) bounds the value from the other side
        need = ("low" if says_lower else "high") if value >= 0 else ("high" if says_lower else "low")
        stored = _f(r.get(need))
        if stored is None or abs(stored - value) > 1e-9 * max(1.0, abs(value)):
            phrase = "a lower bound" if need == "low" else "an upper bound"
            found.append(
                Finding(
                    "bound_words",
                    (i,),
                    f"{_s(r.get('entity'))} {_s(r.get('metric'))} {_s(r.get('as_of'))[:10]}: the note makes "
                    f"{value:g} {phrase}, so `{need}` should equal the value",
                )
            )
    return found


CHECKS: dict[str, Callable[..., list[Finding]]] = {
    "users_order": users_order,
    "shares_sum": shares_sum,
    "runrate_vs_revenue": runrate_vs_revenue,
    "price_tiers": price_tiers,
    "duplicate_targets": duplicate_targets,
    "bound_words": bound_words,
}


def check_all(
    frame: pd.DataFrame, *, tiers: Mapping[str, str] | None = None, only: Iterable[str] | None = None
) -> list[Finding]:
    """Every check (or those named in ``only``); ``price_tiers`` runs only when a product->tier map is given."""
    names = list(only) if only is not None else list(CHECKS)
    found: list[Finding] = []
    for name in names:
        if name == "price_tiers":
            if tiers:
                found.extend(price_tiers(frame, tiers))
        else:
            found.extend(CHECKS[name](frame))
    return found
