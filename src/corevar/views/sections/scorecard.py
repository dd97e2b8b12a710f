"""The comparable scorecard: one metric on one basis per row, chosen from the taxonomy; a lab without that exact
metric shows "—" (with a footnote when it has a near metric), never a different metric in the same row.

Rows, in taxonomy order: every (metric, basis family) that two or more of the shown labs report; a core variable
with no such row gets its best-covered one. Period bases collapse into one family per period length ("fy2024",
"fy2025" -> "per fiscal year"), so yearly revenue is one row. A cell is the lab's newest value of that exact
metric and basis family (the conflict rule already picked official over reported over estimate on each date; on
equal dates across products, the better kind wins).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ...units import format_change
from .._data import KIND_RANK, Rec, basis_family, is_period, period_label, safe_url
from ..model import Scorecard, ScoreCell, ScoreRow
from ..numbers import fmt, fmt_growth, fmt_month, pct_points

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["MAX_ROWS_PER_CORE", "best_series", "row_label", "rows_for", "scorecard"]

MAX_ROWS_PER_CORE = 4
PRICE_TIER = "gpt4_class"
# market-wide estimates (price section) and one-off deals (bars in compute finance): never a scorecard row
SKIP = frozenset(
    {
        "inference_price_decline",
        "compute_commitments",
        "funding_round",
        "cloud_backlog",
        "compute_capacity",
        "valuation",
    }
)


def row_label(ctx: Ctx, metric: str, family: str, basis: str) -> str:
    name = ctx.names.metric(metric)
    if metric == "inference_price":
        return f"Cheapest GPT-4-class list price, {basis or family} tokens"
    if is_period(basis):
        return f"{name}, per {family}"
    return f"{name}, {ctx.names.basis(family)}"


def best_series(ctx: Ctx, entity: str, metric: str, family: str) -> list[Rec]:
    """The entity's series of this exact metric and basis family: the product series with the newest value."""
    groups: dict[str, list[Rec]] = {}
    for rec in ctx.data.rows(entity, metric):
        if rec.family == family:
            groups.setdefault(rec.product, []).append(rec)
    if not groups:
        return []
    return max(
        groups.values(),
        key=lambda rows: (rows[-1].as_of, -KIND_RANK.get(rows[-1].kind, 9), rows[-1].product == "", len(rows)),
    )


def _price_series(ctx: Ctx, entity: str, basis: str) -> list[Rec]:
    """The cheapest GPT-4-class price the entity listed by each date (running minimum)."""
    rows = [
        r
        for r in ctx.data.rows(entity, "inference_price")
        if r.basis == basis and ctx.names.tier(r.product) == PRICE_TIER
    ]
    out: list[Rec] = []
    for rec in sorted(rows, key=lambda r: (r.as_of, r.value)):
        if not out or rec.value < out[-1].value:
            out.append(rec)
    return out


def rows_for(ctx: Ctx) -> list[tuple[str, str, str, str]]:
    """(core, metric, family, a basis) of every scorecard row, taxonomy order."""
    labs = set(ctx.labs)
    claimed = {
        (e.metric, basis_family(e.basis or ""))
        for t in ctx.check.theses
        for e in t.evidence()
        if e.entity in labs and e.kind != "target"
    }
    out: list[tuple[str, str, str, str]] = []
    for core in ctx.cores:
        found: list[tuple[int, int, str, str, str]] = []  # (labs, points, metric, family, basis)
        for order, (mid, metric) in enumerate(ctx.names.metrics.items()):
            if metric.core_variable != core or mid in SKIP:
                continue
            if mid == "inference_price":
                have = [lab for lab in ctx.labs if _price_series(ctx, lab, "output")]
                if have:
                    found.append((len(have), order, mid, "output", "output"))
                continue
            fams: dict[str, tuple[set[str], str]] = {}
            for rec in ctx.data.of_metric(mid):
                if rec.entity in labs:
                    who, basis = fams.get(rec.family, (set(), rec.basis))
                    who.add(rec.entity)
                    fams[rec.family] = (who, basis)
            for fam, (who, basis) in fams.items():
                found.append((len(who), order, mid, fam, basis))
        # rows two or more labs share, and any row a claim's evidence is about (what the verdicts hinge on)
        shared = sorted([f for f in found if f[0] >= 2 or (f[2], f[3]) in claimed], key=lambda f: (f[1], -f[0]))
        if not shared and found:
            shared = [max(found, key=lambda f: (f[0], -f[1]))]
        out += [(core, mid, fam, basis) for _, _, mid, fam, basis in shared[:MAX_ROWS_PER_CORE]]
    return out


def _cell(ctx: Ctx, rows: list[Rec], unit: str, stale_days: int) -> ScoreCell:
    last = rows[-1]
    growth, direction = "", ""
    if len(rows) >= 2:
        if is_period(last.basis) or unit in ("fraction", "points"):
            prev = rows[-2]
            if unit == "fraction":
                when = period_label(prev.basis) if is_period(prev.basis) else fmt_month(prev.as_of)
                growth = f"{pct_points(last.value - prev.value)} vs {when}"
            elif prev.value > 0 and last.value > 0:
                change = last.value / prev.value - 1
                when = period_label(prev.basis) if is_period(prev.basis) else fmt_month(prev.as_of)
                growth = f"{format_change(change)} vs {when}"  # "+13%", or "49×" above +100%
            change = last.value - prev.value
        else:
            start = date.fromordinal(last.as_of.toordinal() - 365)
            window = [r for r in rows if r.as_of >= start]
            first = window[0] if len(window) >= 2 else rows[-2]
            growth = fmt_growth(first.value, last.value, (last.as_of - first.as_of).days)
            change = last.value - first.value
        rel = change / abs(rows[-2].value) if rows[-2].value else 0.0
        direction = "flat" if abs(rel) < 0.02 else ("up" if change > 0 else "down")
    age = (ctx.cut - last.as_of).days if ctx.cut else None
    n = ctx.data.counts.get((last.entity, last.product, last.metric, last.basis, last.as_of), 1)
    conflict = ""
    if n > 1:
        values = [last.value] + [r.value for r in ctx.data.faint.get(last.key, []) if r.as_of == last.as_of]
        lo, hi = min(values), max(values)
        conflict = f"{n} reports" + (f", {fmt(lo, unit)}–{fmt(hi, unit)}" if hi > lo else ", all agree")
    return ScoreCell(
        text=fmt(last.value, unit),
        value=last.value,
        kind=last.kind,
        as_of=last.as_of,
        what=ctx.names.product(last.product) or (period_label(last.basis) if is_period(last.basis) else ""),
        publisher=last.publisher,
        url=safe_url(last.url),
        growth=growth if growth != "—" else "",
        direction=direction,
        stale=age is not None and age > stale_days,
        age_days=age,
        conflict=conflict,
    )


def _target(ctx: Ctx, entity: str, metric: str, family: str, rows: list[Rec]) -> str:
    """The nearest target of this exact series: the engine's judgement if a claim judged it, else the bare fact."""
    targets = [t for t in ctx.data.targets if t.entity == entity and t.metric == metric and t.family == family]
    if not targets:
        return ""
    upcoming = [t for t in targets if ctx.cut is None or t.as_of >= ctx.cut]
    t = upcoming[0] if upcoming else targets[-1]
    judged = ctx.judged_targets.get((t.entity, t.product, t.metric, t.as_of))
    if judged is not None:
        num, _verdict = judged
        return f"target: {num.text}"
    head = f"target {fmt(t.value, t.unit)} by {fmt_month(t.as_of)}"
    if rows and t.value:
        return f"{head} (latest is {rows[-1].value / t.value:.0%} of it; no claim judges it)"
    return head


def scorecard(ctx: Ctx, stale_days: int = 180) -> Scorecard:
    rows: list[ScoreRow] = []
    footnotes: list[str] = []
    plan = rows_for(ctx)
    by_core: dict[str, list[tuple[str, str, str]]] = {}
    for core, mid, fam, basis in plan:
        by_core.setdefault(core, []).append((mid, fam, basis))
    for core, mid, fam, basis in plan:
        unit = ctx.names.unit(mid)
        cells = []
        for lab in ctx.labs:
            series = _price_series(ctx, lab, fam) if mid == "inference_price" else best_series(ctx, lab, mid, fam)
            if series:
                cell = _cell(ctx, series, unit, stale_days)
                target = _target(ctx, lab, mid, fam, series)
                if target:
                    from dataclasses import replace

                    cell = replace(cell, target=target)
                cells.append(cell)
                continue
            near = _near(ctx, lab, core, mid, fam, by_core.get(core, []))
            if near:
                if near not in footnotes:
                    footnotes.append(near)
                cells.append(ScoreCell("—", None, footnote=f"‡{footnotes.index(near) + 1}"))
            else:
                cells.append(ScoreCell("—", None))
        rows.append(
            ScoreRow(
                core, mid, basis if not is_period(basis) else fam, row_label(ctx, mid, fam, basis), unit, tuple(cells)
            )
        )
    return Scorecard(ctx.lab_heads(), tuple(rows), tuple(footnotes))


def _near(ctx: Ctx, lab: str, core: str, metric: str, family: str, siblings: list[tuple[str, str, str]]) -> str:
    """A footnote naming a near metric the lab reports that the table does not already show, or ""."""
    if metric == "inference_price":
        return ""
    shown = {(m, f) for m, f, _ in siblings}
    candidates = [(metric, r.family) for r in ctx.data.rows(lab, metric) if r.family != family]
    candidates += [
        (mid, r.family)
        for mid, m in ctx.names.metrics.items()
        if m.core_variable == core and mid != metric and mid not in SKIP
        for r in ctx.data.rows(lab, mid)
    ]
    for m, f in dict.fromkeys(candidates):
        if (m, f) in shown:
            continue
        series = best_series(ctx, lab, m, f)
        if series:
            last = series[-1]
            basis = f if is_period(last.basis) else ctx.names.basis(f)
            return (
                f"{ctx.names.entity(lab)} reports {ctx.names.metric(m).lower()} ({basis}) instead: "
                f"{fmt(last.value, ctx.names.unit(m))} ({fmt_month(last.as_of)}, {last.kind})."
            )
    return ""
