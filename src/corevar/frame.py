"""The observation frame: the one tabular shape every view, analytic and thesis works on.

The store hands out observations as a pandas DataFrame with :data:`COLUMNS`. Two pure functions turn the full,
append-only ledger into what a view shows:

* :func:`known_on` keeps only what had been published by a date (the bitemporal "as known on D" question);
* :func:`resolve` applies the conflict rule, so each (entity, product, metric, basis, as_of) shows one value.

The conflict rule, documented once here and in DATA.md: among observations of the same subject, metric, basis and
``as_of`` date, prefer the kind ``official`` over ``reported`` over ``estimate`` (targets and projections are never
mixed with actuals: they are resolved among themselves), then the better-rated source by ``tier``: ``primary`` (the
company itself, a filing) over ``major`` (a large outlet) over ``secondary`` over unrated (empty), then the newest
``published`` date, then the smallest observation id so the choice is deterministic. Kind comes before tier: an
official number from an unrated page still beats a reported one from a major outlet, because "official" already
says who published it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Every field an observation carries, in the order files and records use: the one list the loader, the ledger and
# every frame share (tier and via_url arrived with schema migration 3).
OBSERVATION_FIELDS: tuple[str, ...] = (
    "entity",
    "product",
    "metric",
    "value",
    "low",
    "high",
    "unit",
    "basis",
    "as_of",
    "published",
    "kind",
    "source_url",
    "publisher",
    "title",
    "note",
    "tier",
    "via_url",
)
# The factual fields that make an observation's identity: publisher spelling, title, note, tier and the copy read
# (via_url) are not facts about the number, so a re-worded note or a re-rated source is the same observation.
ID_FIELDS: tuple[str, ...] = OBSERVATION_FIELDS[: OBSERVATION_FIELDS.index("source_url") + 1]
COLUMNS: tuple[str, ...] = ("id", *OBSERVATION_FIELDS)

KIND_RANK: dict[str, int] = {"official": 0, "reported": 1, "estimate": 2, "target": 3, "projection": 4}
TIER_RANK: dict[str, int] = {"primary": 0, "major": 1, "secondary": 2}  # anything else (empty) is unrated: 3
ACTUAL_KINDS: frozenset[str] = frozenset({"official", "reported", "estimate"})
FORWARD_KINDS: frozenset[str] = frozenset({"target", "projection"})

KEY: list[str] = ["entity", "product", "metric", "basis", "as_of"]


def known_on(frame: pd.DataFrame, day: date | str | None) -> pd.DataFrame:
    """Rows published on or before ``day`` (all rows when ``day`` is None)."""
    if day is None:
        return frame
    import pandas as pd

    return frame[frame["published"] <= pd.Timestamp(day)]


def resolve(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (entity, product, metric, basis, as_of, actual-or-forward), chosen by the conflict rule
    (kind, then source tier, then newest published, then smallest id; see the module docstring).

    Actual values (official/reported/estimate) and forward-looking ones (target/projection) are resolved
    separately: a target never hides a reported actual for the same date. The input is not modified.
    """
    if frame.empty:
        return frame.copy()
    tiers = frame["tier"] if "tier" in frame.columns else None
    work = frame.assign(
        _rank=frame["kind"].map(KIND_RANK).fillna(9),
        _tier=tiers.map(TIER_RANK).fillna(len(TIER_RANK)) if tiers is not None else len(TIER_RANK),
        _forward=frame["kind"].isin(FORWARD_KINDS),
        _product=frame["product"].fillna(""),
        _basis=frame["basis"].fillna(""),
    )
    work = work.sort_values(
        ["_rank", "_tier", "published", "id"], ascending=[True, True, False, True], kind="mergesort"
    )
    work = work.drop_duplicates(["entity", "_product", "metric", "_basis", "as_of", "_forward"], keep="first")
    work = work.sort_values(["entity", "_product", "metric", "_basis", "as_of"], kind="mergesort")
    return work.drop(columns=["_rank", "_tier", "_forward", "_product", "_basis"]).reset_index(drop=True)


def conflicts(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose (entity, product, metric, basis, as_of) key has more than one distinct actual value."""
    if frame.empty:
        return frame.copy()
    actual = frame[frame["kind"].isin(ACTUAL_KINDS)].assign(
        _product=frame["product"].fillna(""), _basis=frame["basis"].fillna("")
    )
    keys = ["entity", "_product", "metric", "_basis", "as_of"]
    distinct = actual.groupby(keys, dropna=False)["value"].transform("nunique")
    out = actual[distinct > 1].sort_values([*keys, "published"], kind="mergesort")
    return out.drop(columns=["_product", "_basis"]).reset_index(drop=True)


def series(
    frame: pd.DataFrame,
    entity: str,
    metric: str,
    *,
    product: str | None = None,
    basis: str | None = None,
    kinds: frozenset[str] = ACTUAL_KINDS,
) -> pd.DataFrame:
    """The resolved time series of one subject and metric, oldest first.

    ``product=None`` matches any product; pass ``""`` to ask for entity-level rows only. The same holds for
    ``basis``. The frame should already be filtered with :func:`known_on` when judging "as of" a date.
    """
    rows = frame[(frame["entity"] == entity) & (frame["metric"] == metric) & frame["kind"].isin(kinds)]
    if product is not None:
        rows = rows[rows["product"].fillna("") == product]
    if basis is not None:
        rows = rows[rows["basis"].fillna("") == basis]
    return resolve(rows).sort_values("as_of", kind="mergesort").reset_index(drop=True)
