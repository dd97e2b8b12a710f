"""Reading the registry value object the snapshot carries (names, units, core variables), never registry files.

The views accept any object with ``metrics`` and ``entities`` mappings (``corevar.registry.Registry``); the few
helpers here give display names with a readable fallback, so a user's own entity shows its name everywhere.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Names"]

# Short names for bases a scorecard row is measured on; anything else is shown as written, underscores as spaces.
_BASIS = {
    "": "whole product",
    "run_rate": "run-rate",
    "global": "global",
    "month_6": "after 6 months",
    "month_12": "after 12 months",
    "month_3": "after 3 months",
}


class Names:
    """Display names, units and core variables from a registry value object."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.metrics: dict[str, Any] = dict(getattr(registry, "metrics", {}) or {})
        self.entities: dict[str, Any] = dict(getattr(registry, "entities", {}) or {})
        products = getattr(registry, "products", None)
        if not products:
            products = {p.id: p for e in self.entities.values() for p in getattr(e, "products", ()) or ()}
        self.products: dict[str, Any] = dict(products)
        core = getattr(registry, "core_variables", None)
        core = core() if callable(core) else core
        if not core:
            core = {}
            for m in self.metrics.values():
                core.setdefault(m.core_variable, "")
        self.core_questions: dict[str, str] = dict(core)

    def entity(self, eid: str) -> str:
        fn = getattr(self.registry, "entity_name", None)
        if callable(fn):
            try:
                name = fn(eid)
                if name:
                    return str(name)
            except (KeyError, LookupError):
                pass
        e = self.entities.get(eid)
        return getattr(e, "name", None) or eid.replace("_", " ").title()

    def product(self, pid: str) -> str:
        if not pid:
            return ""
        fn = getattr(self.registry, "product_name", None)
        if callable(fn):
            try:
                name = fn(pid)
                if name:
                    return str(name)
            except (KeyError, LookupError):
                pass
        p = self.products.get(pid)
        return getattr(p, "name", None) or pid

    def subject(self, eid: str, pid: str) -> str:
        return self.product(pid) or self.entity(eid)

    def metric(self, mid: str) -> str:
        """The taxonomy's name of a metric, sentence case: "Weekly active users", "ARR"."""
        m = self.metrics.get(mid)
        name = getattr(m, "name", None)
        if name:
            return str(name)
        special = {"arr": "ARR (annualised run-rate revenue)", "dau_mau_ratio": "DAU/MAU ratio"}
        return special.get(mid, mid.replace("_", " ").capitalize())

    def short(self, mid: str) -> str:
        """The registry's short name ("WAU", "ARR") for tight places (terminal cells, tiles)."""
        fn = getattr(self.registry, "metric_name", None)
        if callable(fn):
            try:
                return str(fn(mid))
            except (KeyError, LookupError):
                pass
        return mid.replace("_", " ")

    def unit(self, mid: str) -> str:
        m = self.metrics.get(mid)
        return getattr(m, "unit", "") or ""

    def core(self, mid: str) -> str:
        m = self.metrics.get(mid)
        return getattr(m, "core_variable", "") or ""

    def higher_is_better(self, mid: str) -> bool:
        m = self.metrics.get(mid)
        return bool(getattr(m, "higher_is_better", True))

    def kind(self, eid: str) -> str:
        return str(getattr(self.entities.get(eid), "kind", "") or "")

    def tier(self, pid: str) -> str:
        return str(getattr(self.products.get(pid), "tier", "") or "")

    @staticmethod
    def basis(basis: str) -> str:
        return _BASIS.get(basis, basis.replace("_", " "))
