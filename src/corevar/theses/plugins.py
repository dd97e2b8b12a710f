"""The rule-kind registry: every kind (built-in, from corevar's chains and news packages, or a third party's)
registers a :class:`RuleKind` here, and the parser, the engine and the docs read the registered kinds.

The registry lives apart from the kind modules (:mod:`corevar.theses.kinds`) so that the thesis model can build its
union of rule models without importing any kind module: kind modules import the model, never the other way round.
Built-in kinds are imported by name when the registry is first read (:data:`BUILTIN`); kinds from other packages
come through the entry-point group ``corevar.rule_kinds`` and through :data:`OPTIONAL`, modules imported when their
package is installed. A missing optional package is not an error: its kinds are simply not registered, and a
thesis that uses them gets an "unknown kind" error naming the known ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BUILTIN", "OPTIONAL", "RuleKind", "get", "kinds", "names", "register"]

BUILTIN: tuple[str, ...] = (
    "threshold",
    "trend",
    "growth_compare",
    "share_change",
    "saturation",
    "ratio",
    "compare",
    "target",
    "concentration",
    "rank",
    "pending",
    "logic",
)
# modules of other corevar packages that register kinds when importable (chains, news)
OPTIONAL: tuple[str, ...] = ("corevar.chains.kinds", "corevar.news.kinds")
ENTRY_POINT_GROUP = "corevar.rule_kinds"
KINDS_PACKAGE = "corevar.theses.kinds"


@dataclass(frozen=True)
class RuleKind:
    """A registered rule kind.

    ``name`` is the ``kind:`` value; ``model`` the pydantic model; ``judge(rule, ctx)`` returns a RuleResult;
    ``example`` a YAML snippet; ``doc`` the prose for docs/theses.md (how verdicts are decided);
    ``label(rule, ctx)`` an optional default label; ``windowed`` whether robustness may move ``start``/``end``
    (default: the model has both fields); ``section`` the docs heading ("what it judges").
    """

    name: str
    model: type
    judge: Callable[[Any, Any], Any]
    example: str
    doc: str
    label: Callable[[Any, Any], str] | None = None
    section: str = ""
    windowed: bool | None = None
    extras: tuple[str, ...] = field(default=())

    def is_windowed(self) -> bool:
        if self.windowed is not None:
            return self.windowed
        fields = getattr(self.model, "model_fields", {})
        return "start" in fields and "end" in fields


_KINDS: dict[str, RuleKind] = {}
_LOADED = False


def register(kind: RuleKind) -> RuleKind:
    """Add (or replace) a rule kind. Returns it, so a module can write ``KIND = register(RuleKind(...))``."""
    _KINDS[kind.name] = kind
    return kind


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for name in BUILTIN:
        importlib.import_module(f"{KINDS_PACKAGE}.{name}")
    for module in OPTIONAL:
        try:
            importlib.import_module(module)
        except ImportError:
            continue  # the optional package (or its extra) is not installed
    try:
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                ep.load()
            except ImportError:
                continue
    except Exception:  # a broken third-party plug-in must not stop the built-in kinds
        pass


def kinds() -> dict[str, RuleKind]:
    """Every registered kind by name: the built-in kinds first (in :data:`BUILTIN` order), then the others in the
    order they registered, whichever package happened to be imported first."""
    _load()
    builtin = [k for k in _KINDS.values() if k.model.__module__.startswith(KINDS_PACKAGE + ".")]
    order = {name: i for i, name in enumerate(BUILTIN)}
    builtin.sort(key=lambda k: order.get(k.model.__module__.rsplit(".", 1)[1], len(order)))
    rest = [k for k in _KINDS.values() if k not in builtin]
    return {k.name: k for k in (*builtin, *rest)}


def names() -> tuple[str, ...]:
    return tuple(kinds())


def get(name: str) -> RuleKind:
    found = kinds().get(name)
    if found is None:
        raise KeyError(name)
    return found
