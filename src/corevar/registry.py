"""The registry: which metrics, entities and products exist, as one frozen value object.

corevar has exactly one registry at a time, and it is the store's: the shipped YAML (``corevar/dataset``) seeds
it, a user's ``corevar entities add`` extends it. :class:`Registry` is that registry handed around as a value —
the thesis engine, the views and every face take it as an argument instead of reading files, so an entity a user
registered is named (and checked) everywhere the shipped ones are.

Two constructors, and nothing else in corevar reads registry YAML:

* :meth:`Registry.bundled` — the shipped YAML (used by the store's seeding and by tests);
* :meth:`Registry.from_frames` — the store's ``metrics``, ``entities`` and ``products`` tables.

The module-level functions (``metrics()``, ``entities()``, ...) are the older interface, kept while callers
remain; each delegates to ``Registry.bundled()``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .models import Entity, Metric, Product
from .shipped import DATASET, observation_files

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DATASET", "Registry", "closest", "observation_files"]


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Registry:
    """Metrics, entities (with their products) and products by id; immutable once built.

    ``core_variables`` maps a core variable id to the question it answers and ``units`` a unit id to its meaning
    (taxonomy order). ``product_entity`` maps a product id to the entity that owns it.
    """

    metrics: Mapping[str, Metric]
    entities: Mapping[str, Entity]
    products: Mapping[str, Product] = field(default_factory=dict)
    core_variables: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    product_entity: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        products = dict(self.products)
        owner = dict(self.product_entity)
        for entity in self.entities.values():
            for product in entity.products:
                products.setdefault(product.id, product)
                owner.setdefault(product.id, entity.id)
        object.__setattr__(self, "metrics", _frozen(self.metrics))
        object.__setattr__(self, "entities", _frozen(self.entities))
        object.__setattr__(self, "products", _frozen(products))
        object.__setattr__(self, "core_variables", _frozen(self.core_variables))
        object.__setattr__(self, "units", _frozen(self.units))
        object.__setattr__(self, "product_entity", _frozen(owner))

    # -- constructors ----------------------------------------------------------------------------------------
    @classmethod
    def bundled(cls) -> Registry:
        """The registry shipped inside the package (``taxonomy.yaml`` + ``entities.yaml``), read once."""
        return _bundled()

    @classmethod
    def from_frames(
        cls,
        metrics_df: pd.DataFrame,
        entities_df: pd.DataFrame,
        products_df: pd.DataFrame,
        *,
        core_variables: Mapping[str, str] | None = None,
        units: Mapping[str, str] | None = None,
    ) -> Registry:
        """The registry as the store's tables hold it.

        ``metrics_df``: id, core_variable, unit, higher_is_better, description, basis, basis_required.
        ``entities_df``: id, name, kind, tickers (extra columns such as origin are ignored).
        ``products_df``: id, entity, name, kind, tier, released.
        ``core_variables``/``units`` default to the core variables in metric order (questions unknown) and the
        units the metrics use.
        """
        metrics: dict[str, Metric] = {}
        for row in _records(metrics_df):
            basis = row.get("basis")
            metrics[str(row["id"])] = Metric(
                id=str(row["id"]),
                core_variable=str(row["core_variable"]),
                unit=str(row["unit"]),
                higher_is_better=bool(row["higher_is_better"]),
                description=str(row.get("description") or ""),
                basis=[str(b) for b in basis] if _present(basis) else None,
                basis_required=bool(row.get("basis_required") or False),
            )
        by_entity: dict[str, list[Product]] = {}
        owner: dict[str, str] = {}
        for row in _records(products_df):
            released = row.get("released")
            product = Product(
                id=str(row["id"]),
                name=str(row["name"]),
                kind=str(row.get("kind") or "other"),  # type: ignore[arg-type]
                tier=str(row["tier"]) if _present(row.get("tier")) else None,
                released=_as_date(released) if _present(released) else None,
            )
            by_entity.setdefault(str(row["entity"]), []).append(product)
            owner[product.id] = str(row["entity"])
        entities: dict[str, Entity] = {}
        for row in _records(entities_df):
            tickers = row.get("tickers")
            ident = str(row["id"])
            entities[ident] = Entity(
                id=ident,
                name=str(row["name"]),
                kind=str(row["kind"]),  # type: ignore[arg-type]
                tickers=[str(t) for t in tickers] if _present(tickers) else [],
                products=sorted(by_entity.get(ident, []), key=lambda p: p.id),
            )
        if core_variables is None:
            core_variables = {m.core_variable: "" for m in metrics.values()}
        if units is None:
            units = {m.unit: "" for m in metrics.values()}
        return cls(metrics, entities, core_variables=core_variables, units=units, product_entity=owner)

    # -- names -----------------------------------------------------------------------------------------------
    def entity_name(self, entity_id: str) -> str:
        """Display name of an entity ("OpenAI"), or the id itself when unknown."""
        found = self.entities.get(entity_id)
        return found.name if found else entity_id

    def product_name(self, product_id: str) -> str:
        """Display name of a product ("ChatGPT"), or the id itself when unknown."""
        found = self.products.get(product_id)
        return found.name if found else product_id

    def metric_name(self, metric_id: str) -> str:
        """Short reader's name of a metric: WAU, MAU, ARR, else the id with spaces ("gross margin")."""
        return _SHORT_METRICS.get(metric_id, metric_id.replace("_", " "))

    def name(self, ident: str) -> str:
        """Display name of a product or entity id (products first, as they are the more specific)."""
        if ident in self.products:
            return self.products[ident].name
        return self.entity_name(ident)

    # -- lookups ---------------------------------------------------------------------------------------------
    def products_of(self, entity_id: str) -> list[Product]:
        found = self.entities.get(entity_id)
        return list(found.products) if found else []

    def tier_products(self, entity_id: str, tier: str) -> list[str]:
        """Ids of the entity's products whose capability ``tier`` matches (for model prices)."""
        return [p.id for p in self.products_of(entity_id) if p.tier == tier]

    def higher_is_better(self, metric_id: str) -> bool:
        found = self.metrics.get(metric_id)
        return True if found is None else found.higher_is_better

    def unit(self, metric_id: str) -> str:
        found = self.metrics.get(metric_id)
        return "" if found is None else found.unit

    def with_entity(self, entity: Entity) -> Registry:
        """A new registry with ``entity`` (and its products) added or replaced; this one is unchanged."""
        entities = dict(self.entities)
        entities[entity.id] = entity
        products = {k: v for k, v in self.products.items() if self.product_entity.get(k) != entity.id}
        owner = {k: v for k, v in self.product_entity.items() if v != entity.id}
        return Registry(self.metrics, entities, products, self.core_variables, self.units, owner)


_SHORT_METRICS = {
    "weekly_active_users": "WAU",
    "monthly_active_users": "MAU",
    "daily_active_users": "DAU",
    "arr": "ARR",
    "dau_mau_ratio": "DAU/MAU",
}


def closest(name: str, known: Any, n: int = 3) -> list[str]:
    """Up to ``n`` known names closest to a misspelt one (for "did you mean" messages)."""
    import difflib

    pool = [str(k) for k in known]
    hits = difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
    if not hits:
        low = name.lower()
        hits = [k for k in pool if low in k.lower() or k.lower() in low][:n]
    return hits


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and value != value:
        return False
    pd = sys.modules.get("pandas")  # a pandas missing value can only come from pandas, already imported
    if pd is None:
        return not (isinstance(value, str) and value == "")
    try:
        if value is pd.NaT or (not hasattr(value, "__len__") and pd.isna(value)):
            return False
    except (ImportError, TypeError, ValueError):
        pass
    return not (isinstance(value, str) and value == "")


def _as_date(value: Any) -> Any:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _records(frame: Any) -> list[dict[str, Any]]:
    if frame is None:
        return []
    if isinstance(frame, list):
        return [dict(r) for r in frame]
    return frame.to_dict("records")


@functools.cache
def _taxonomy() -> dict[str, Any]:
    import yaml

    # libyaml's loader when PyYAML was built with it: ten times faster on the registry files, same result.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (DATASET / "taxonomy.yaml").open(encoding="utf-8") as fh:
        taxonomy = yaml.load(fh, Loader=loader)
    with (DATASET / "entities.yaml").open(encoding="utf-8") as fh:
        entities = yaml.load(fh, Loader=loader)
    return {"taxonomy": taxonomy, "entities": entities}


@functools.cache
def _bundled() -> Registry:
    raw = _taxonomy()
    tax = raw["taxonomy"]
    metrics = {m.id: m for m in (Metric.model_validate(item) for item in tax["metrics"])}
    entities = {e.id: e for e in (Entity.model_validate(item) for item in raw["entities"]["entities"])}
    return Registry(metrics, entities, core_variables=dict(tax["core_variables"]), units=dict(tax["units"]))


# -- the older module-level interface (delegates to Registry.bundled(); kept while callers remain) ---------------


def taxonomy() -> dict[str, object]:
    """The raw taxonomy document (units, core variables, metrics)."""
    return _taxonomy()["taxonomy"]


def metrics() -> dict[str, Metric]:
    """Metric id -> Metric, in taxonomy order (the bundled registry)."""
    return dict(Registry.bundled().metrics)


def units() -> dict[str, str]:
    """Unit id -> description."""
    return dict(Registry.bundled().units)


def core_variables() -> dict[str, str]:
    """Core variable id -> the question it answers."""
    return dict(Registry.bundled().core_variables)


def entities() -> dict[str, Entity]:
    """Entity id -> Entity, with products (the bundled registry)."""
    return dict(Registry.bundled().entities)
