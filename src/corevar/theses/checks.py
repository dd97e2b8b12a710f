"""Load-time checks of theses against the registry and the data: names, bases, markets, rebuttals.

A misspelt entity, product, metric, basis, market or ``rebuts`` id must not pass as "insufficient data"
(indistinguishable from a real gap): each is an error naming file, line and the closest known names. A subject
that leaves ``basis`` out while the store holds several bases for it is an error too (annual and quarterly
figures would mix), listing the bases present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..registry import closest
from .context import is_pattern
from .model import RuleModel, Subject

if TYPE_CHECKING:
    from ..registry import Registry
    from .context import Context

__all__ = ["PERIOD", "check_theses"]

# Bases that name a period or a window: always well-formed names, whether or not the data holds them yet.
PERIOD = re.compile(r"^(fy|cy)\d{4}$|^[qh]\d_\d{4}$|^q\d_q\d_\d{4}$|^ytd_\d{4}$|^month_\d+$|^from \d{4}-\d{2}-\d{2}$")


def _did_you_mean(name: str, known: Any) -> str:
    hits = closest(name, known)
    return f"; closest known: {', '.join(hits)}" if hits else ""


def _walk_rules(rules: Sequence[Any], path: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    for i, rule in enumerate(rules):
        here = [*path, i]
        yield here, rule
        if rule.kind in ("all", "any"):
            yield from _walk_rules(rule.rules, [*here, "rules"])


def _subjects(model: BaseModel, path: list[Any]) -> Iterator[tuple[list[Any], Subject]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Subject):
            yield [*path, name], value
        elif isinstance(value, BaseModel) and not isinstance(value, RuleModel):
            yield from _subjects(value, [*path, name])


def _bases(ctx: Context, subject: Subject) -> set[str]:
    rows = ctx.entity_rows(subject.metric, subject.entity, known=False)
    rows = [r for r in rows if r.kind not in ("target", "projection")]
    if subject.tier is not None:
        allowed = set(ctx.registry.tier_products(subject.entity, subject.tier))
        rows = [r for r in rows if r.product in allowed]
    elif subject.product != "*":
        rows = [r for r in rows if r.product == (subject.product or "")]
    return {r.basis for r in rows}


def _check_subject(subject: Subject, registry: Registry, ctx: Context) -> list[tuple[str, str]]:
    """(field, message) for each problem of one subject."""
    out: list[tuple[str, str]] = []
    if subject.entity not in registry.entities:
        out.append(("entity", f'unknown entity "{subject.entity}"{_did_you_mean(subject.entity, registry.entities)}.'))
    if subject.metric not in registry.metrics:
        out.append(("metric", f'unknown metric "{subject.metric}"{_did_you_mean(subject.metric, registry.metrics)}.'))
        return out
    if subject.product not in (None, "*"):
        owner = registry.product_entity.get(subject.product)
        if owner is None:
            known = [p.id for p in registry.products_of(subject.entity)] or list(registry.products)
            out.append(("product", f'unknown product "{subject.product}"{_did_you_mean(subject.product, known)}.'))
        elif owner != subject.entity and subject.entity in registry.entities:
            out.append(("product", f'product "{subject.product}" belongs to "{owner}", not "{subject.entity}".'))
    if subject.tier is not None and subject.entity in registry.entities:
        tiers = {p.tier for p in registry.products_of(subject.entity) if p.tier}
        if subject.tier not in tiers:
            out.append(
                (
                    "tier",
                    f'no product of "{subject.entity}" has tier "{subject.tier}"'
                    f"{_did_you_mean(subject.tier, sorted(tiers))}.",
                )
            )
    if out:
        return out
    metric = registry.metrics[subject.metric]
    in_data = ctx.metric_bases(subject.metric)
    if subject.basis and is_pattern(subject.basis):
        if in_data and not any(fnmatchcase(b, subject.basis) for b in in_data):
            known = sorted(b for b in in_data if b)
            out.append(
                (
                    "basis",
                    f'the basis pattern "{subject.basis}" matches no {subject.metric} basis in the data'
                    f"{_did_you_mean(subject.basis, known)}.",
                )
            )
    elif subject.basis and in_data and not PERIOD.match(subject.basis):
        # a metric with no data cannot check its bases ("no data" says it), and a well-formed period (fy2026,
        # q1_2026, from 2026-04-27, month_6) is a name, not a typo, even before any figure for it is published
        allowed = set(metric.basis or ()) | in_data
        if subject.basis not in allowed:
            known = sorted(b for b in allowed if b)
            out.append(
                ("basis", f'unknown basis "{subject.basis}" for {subject.metric}{_did_you_mean(subject.basis, known)}.')
            )
    elif subject.basis is None:
        present = _bases(ctx, subject)
        if len(present) > 1:
            shown = ", ".join(f'"{b}"' for b in sorted(present))
            out.append(
                (
                    "basis",
                    f"{subject.metric} of this subject has several bases in the data ({shown}); "
                    'pin one with basis: (use "" for rows without a basis).',
                )
            )
    return out


def check_theses(theses: Sequence[Any], registry: Registry, ctx: Context) -> None:
    """Raise :class:`ThesisFileError` listing every unknown name or unpinned basis (file:line when known)."""
    from .parser import ThesisFileError, ThesisProblem, locate

    problems: list[ThesisProblem] = []
    ids = {t.id for t in theses}

    def add(thesis: Any, path: list[Any], where: str, field: str | None, message: str) -> None:
        origin = thesis._origin
        if origin is not None:
            name, root, index = origin
            line = locate(root, ["theses", index, *path])
        else:
            name, line = f"thesis {thesis.id}", None
        problems.append(ThesisProblem(path=name, line=line, field=field, message=message, where=where))

    for thesis in theses:
        for i, ref in enumerate(thesis.rebuts):
            if ref not in ids:
                add(
                    thesis,
                    ["rebuts", i],
                    "thesis",
                    "rebuts",
                    f'unknown thesis id "{ref}"{_did_you_mean(ref, sorted(ids))}.',
                )
        for path, rule in _walk_rules(thesis.rules, ["rules"]):
            for spath, subject in _subjects(rule, path):
                for field, message in _check_subject(subject, registry, ctx):
                    add(thesis, [*spath, field], "subject", field, message)
            market = getattr(rule, "market", None)
            metric = getattr(rule, "metric", None)
            if isinstance(market, str) and isinstance(metric, str):
                if metric not in registry.metrics:
                    add(
                        thesis,
                        [*path, "metric"],
                        "rule",
                        "metric",
                        f'unknown metric "{metric}"{_did_you_mean(metric, registry.metrics)}.',
                    )
                    continue
                markets = {b for b in ctx.metric_bases(metric) if b}
                if markets and market not in markets:
                    add(
                        thesis,
                        [*path, "market"],
                        "rule",
                        "market",
                        f'unknown market "{market}" (no {metric} with that basis){_did_you_mean(market, markets)}.',
                    )
    if problems:
        raise ThesisFileError(sorted(problems, key=lambda p: (p.path, p.line or 0)))
