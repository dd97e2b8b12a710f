"""Rule kinds as plug-ins: one module per kind, each registering a :class:`RuleKind`.

A kind module defines

* a pydantic model (subclass of :class:`corevar.theses.model.RuleModel`) with ``kind: Literal["<name>"]`` and
  every option as a field with a ``description`` (the docs table is generated from them);
* ``judge(rule, ctx) -> RuleResult`` (``ctx`` is a :class:`corevar.theses.context.Context`);
* ``EXAMPLE``: a YAML snippet of one rule (it is parsed and judged by the tests, and shown in docs/theses.md);
* and calls ``register(RuleKind(name, model, judge, EXAMPLE, doc))`` at import.

Built-in kinds live here (:data:`BUILTIN`). Kinds from other packages (chains, news, your own) are found
through the entry-point group ``corevar.rule_kinds`` (each entry point names a module that registers its kinds
when imported) and through :data:`OPTIONAL`, modules imported if their package is installed. A missing
optional package is not an error: its kinds are simply not registered, and a thesis that uses them gets an
"unknown kind" error naming the known ones.
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
        importlib.import_module(f"{__name__}.{name}")
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
    """Every registered kind by name, built-ins first."""
    _load()
    return dict(_KINDS)


def names() -> tuple[str, ...]:
    return tuple(kinds())


def get(name: str) -> RuleKind:
    found = kinds().get(name)
    if found is None:
        raise KeyError(name)
    return found
