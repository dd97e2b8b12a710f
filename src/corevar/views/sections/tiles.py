"""Four to six KPI tiles for the first screen: value, metric + basis, change with its window, as-of and kind.

A tile is a scorecard cell lifted onto the first screen, so its number, change and kind are the very text the
scorecard prints (computed once). Tiles are chosen from a short list of the numbers the seed post's claims hinge
on (users, run-rate revenue, enterprise share, cash burn); any the data lacks is skipped and the first filled
cells of the scorecard make up at least :data:`MIN_TILES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import KpiTile, Scorecard
from ..numbers import fmt_month

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["MAX_TILES", "MIN_TILES", "WANTED", "tiles"]

MIN_TILES, MAX_TILES = 4, 6
PERIODS = frozenset({"fiscal year", "calendar year", "quarter", "half-year"})
# (entity, metric, basis family as the scorecard row has it), in the order shown
WANTED: tuple[tuple[str, str, str], ...] = (
    ("openai", "weekly_active_users", ""),
    ("google", "monthly_active_users", ""),
    ("openai", "arr", "run_rate"),
    ("anthropic", "arr", "run_rate"),
    ("anthropic", "market_share", "enterprise_llm_api_spend_menlo"),
    ("openai", "cash_burn", "fiscal year"),
)
# a tile is narrow: the metric and basis as a reader says them (else the scorecard row's label, parenthesis dropped)
SHORT: dict[tuple[str, str], tuple[str, str]] = {
    ("arr", "run_rate"): ("ARR", "annualised run-rate revenue"),
    ("market_share", "enterprise_llm_api_spend_menlo"): ("Share of enterprise LLM API spend", "Menlo Ventures survey"),
}


def _claims(ctx: Ctx) -> dict[tuple[str, str], list[str]]:
    """(entity, metric) -> the claims whose evidence uses it, in the check's order."""
    out: dict[tuple[str, str], list[str]] = {}
    for thesis in getattr(ctx.check, "theses", ()) or ():
        for ev in thesis.evidence():
            ids = out.setdefault((ev.entity, ev.metric), [])
            if thesis.id not in ids:
                ids.append(thesis.id)
    return out


def tiles(ctx: Ctx, board: Scorecard) -> tuple[KpiTile, ...]:
    """The first screen's tiles, taken from the scorecard's own cells."""
    labs = [lab.id for lab in board.labs]
    cells = {}
    for row in board.rows:
        for lab, cell in zip(labs, row.cells, strict=True):
            if cell.value is not None:
                cells.setdefault((lab, row.metric, row.basis), (row, cell, lab))
    picked = [cells[k] for k in WANTED if k in cells]
    if len(picked) < MIN_TILES:  # a user's own data: the first filled cell of each row, then any filled cell
        rows_seen = {id(row) for row, _, _ in picked}
        taken = {(id(row), lab) for row, _, lab in picked}
        filled = [
            (row, c, lab) for row in board.rows for lab, c in zip(labs, row.cells, strict=True) if c.value is not None
        ]
        for row, cell, lab in filled:
            if len(picked) < MIN_TILES and id(row) not in rows_seen:
                picked.append((row, cell, lab))
                rows_seen.add(id(row))
                taken.add((id(row), lab))
        for row, cell, lab in filled:
            if len(picked) < MIN_TILES and (id(row), lab) not in taken:
                picked.append((row, cell, lab))
                taken.add((id(row), lab))
    claims = _claims(ctx)
    out = []
    for row, cell, lab in picked[:MAX_TILES]:
        metric, _, basis = row.label.partition(", ")
        metric, basis = SHORT.get((row.metric, row.basis), (metric.split(" (")[0], basis))
        subject = cell.what or ctx.names.entity(lab)
        if row.basis in PERIODS:  # "Cash burn, per fiscal year" of "FY2025": OpenAI, cash burn, FY2025
            subject, basis = ctx.names.entity(lab), cell.what or basis
        out.append(
            KpiTile(
                entity=lab,
                subject=subject,
                metric=metric,
                basis=basis,
                value=cell.text,
                change=cell.growth,
                as_of=cell.as_of,
                month=fmt_month(cell.as_of),
                kind=cell.kind,
                publisher=cell.publisher,
                url=cell.url,
                colour=ctx.colour(lab),
                why=", ".join(claims.get((lab, row.metric), [])[:4]),
            )
        )
    return tuple(out)
