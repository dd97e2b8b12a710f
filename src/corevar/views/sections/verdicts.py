"""The bottom line: per claim a one-sentence verdict with its key number, robustness and confidence.

The numbers are the engine's own (``RuleResult.figures``), formatted once here; the saturation ceiling, the HHI
and the target gap a card shows are registered in the context under a ``ref`` so the chart note, the market table
and the scorecard print the very same :class:`~corevar.views.model.Num`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...theses._format import change, growth
from ...units import format_window
from ..model import ChangeView, EvidenceView, Num, RuleView, VerdictView
from ..numbers import fmt, fmt_month, fmt_range, sig

if TYPE_CHECKING:
    from .._build import Ctx

__all__ = ["LABELS", "changes", "verdicts"]

LABELS = {
    "supported": "supported",
    "contradicted": "contradicted",
    "mixed": "mixed",
    "insufficient_data": "insufficient data",
}
LEVEL = 0.9  # the engine's ceiling interval level (analytics.saturation.peaked's default)


def _value(v: Any) -> str:
    return str(getattr(v, "value", v))


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _subject(ctx: Ctx, ev: Any) -> str:
    return ctx.names.subject(ev.entity, ev.product or "")


def saturation_key(ctx: Ctx, rule: Any) -> Num | None:
    """The ceiling figure of a saturation rule, registered under the series it was fitted to."""
    f = rule.figures
    if not rule.evidence:
        return None
    ev = rule.evidence[0]
    key = (ev.entity, ev.product or "", ev.metric, ev.basis or "")
    ref = "ceiling:" + "/".join(key)
    if ref in ctx.refs:
        return ctx.refs[ref]
    unit = ev.unit
    ceiling, low, high = f.get("ceiling", math.nan), f.get("ceiling_low", math.nan), f.get("ceiling_high", math.nan)
    identified = f.get("ceiling_identified", 1.0 if _finite(ceiling) else 0.0) == 1.0 and _finite(ceiling)
    if identified and _finite(low) and _finite(high):
        num = Num(ceiling, f"fitted ceiling ~{fmt(ceiling, unit)} (range {fmt_range(low, high, unit, LEVEL)})", ref)
    elif identified and _finite(low):  # the point fit levels off; the bootstrap cannot bound it from above
        num = Num(
            ceiling,
            f"fitted ceiling ~{fmt(ceiling, unit)} ({LEVEL:.0%} range open above: {fmt(low, unit)} or more)",
            ref,
        )
    elif identified:
        num = Num(ceiling, f"fitted ceiling ~{fmt(ceiling, unit)}", ref)
    else:
        num = Num(math.nan, "no ceiling identified within the data", ref)
    ctx.refs[ref] = num
    ctx.fits[key] = (num, f, rule)
    return num


def target_key(ctx: Ctx, rule: Any) -> Num | None:
    f = rule.figures
    tev = next((e for e in rule.evidence if e.role == "target"), None)
    if tev is None or not _finite(f.get("target", math.nan)):
        return None
    ref = f"target:{tev.entity}/{tev.product or ''}/{tev.metric}/{tev.as_of.isoformat()}"
    if ref in ctx.refs:
        return ctx.refs[ref]
    goal = f["target"]
    value = f.get("value", math.nan)
    due = fmt_month(tev.as_of)
    if _finite(value):
        gap = value / goal - 1 if goal else math.nan
        gap_text = f", {gap * 100:+.0f}%".replace("-", "−") if _finite(gap) else ""
        text = f"{fmt(value, tev.unit)} vs a {fmt(goal, tev.unit)} target due {due}{gap_text}"
    else:
        text = f"{fmt(goal, tev.unit)} target due {due}, not judged yet"
    num = Num(value if _finite(value) else goal, text, ref)
    ctx.refs[ref] = num
    ctx.judged_targets[(tev.entity, tev.product or "", tev.metric, tev.as_of)] = (num, _value(rule.verdict))
    return num


def concentration_key(ctx: Ctx, rule: Any) -> Num | None:
    f = rule.figures
    if not _finite(f.get("hhi", math.nan)) or not rule.evidence:
        return None
    market = rule.evidence[0].basis or ""
    ref = f"hhi:{market}"
    if ref in ctx.refs:
        return ctx.refs[ref]
    from ...analytics.market import concentration_band

    hhi = f["hhi"]
    covered = f.get("covered", math.nan)
    lower = _finite(covered) and covered < 0.999
    text = f"HHI {hhi:,.0f}{'+' if lower else ''} ({concentration_band(hhi)})"
    num = Num(hhi, text, ref)
    ctx.refs[ref] = num
    ctx.judged_markets[market] = (num, rule)
    return num


def _key(ctx: Ctx, rule: Any) -> Num | None:
    """The number a rule's verdict turns on, formatted once."""
    f = rule.figures
    kind = rule.kind
    if kind == "saturation":
        return saturation_key(ctx, rule)
    if kind == "target":
        return target_key(ctx, rule)
    if kind == "concentration":
        return concentration_key(ctx, rule)
    ev = rule.evidence[-1] if rule.evidence else None
    if "value" in f and _finite(f["value"]) and ev is not None:
        return Num(f["value"], f"{_subject(ctx, ev)} {fmt(f['value'], ev.unit)} ({fmt_month(ev.as_of)})")
    if "ratio" in f and _finite(f["ratio"]):
        return Num(
            f["ratio"], f"ratio {sig(f['ratio'])}" + (f" vs {sig(f['versus'])}" if _finite(f.get("versus")) else "")
        )
    days = _days(rule)
    if "growth" in f and _finite(f["growth"]):
        return Num(f["growth"], f"trend {growth(f['growth'], days)}")
    if "growth_a" in f and _finite(f["growth_a"]) and _finite(f.get("growth_b", math.nan)):
        window = f" over {format_window(days)}" if days else ""
        return Num(f["growth_a"], f"trend {change(f['growth_a'], days)} vs {change(f['growth_b'], days)}{window}")
    if "change" in f and _finite(f["change"]):
        return Num(f["change"], f"share change {f['change'] * 100:+.0f} pp".replace("-", "−"))
    if "rank" in f and _finite(f["rank"]):
        return Num(f["rank"], f"rank #{f['rank']:.0f} of {f.get('of', math.nan):.0f}")
    if "return_a" in f and _finite(f["return_a"]):
        return Num(
            f["return_a"],
            f"return {_pct(f['return_a'])}" + (f" vs {_pct(f['return_b'])}" if _finite(f.get("return_b")) else ""),
        )
    return None


def _days(rule: Any) -> int:
    """The length in days of the window a rule was judged over (0 when it has none)."""
    window = getattr(rule, "window", None)
    if not window or window[0] is None or window[1] is None:
        return 0
    return max((window[1] - window[0]).days, 0)


def _pct(x: float) -> str:
    return f"{x * 100:+.0f}%" if abs(x) >= 0.1 else f"{x * 100:+.1f}%"


def _rule_view(rule: Any) -> RuleView:
    return RuleView(
        rule.kind, rule.label, _value(rule.verdict), rule.explanation, tuple(_rule_view(c) for c in rule.children)
    )


def _decisive(thesis: Any) -> Any:
    """The first rule (depth first) whose verdict is the thesis's; else the first rule."""
    want = _value(thesis.verdict)
    for rule in thesis.rules:
        for node in rule.walk():
            if _value(node.verdict) == want and (node.figures or not node.children):
                return node
    return thesis.rules[0] if thesis.rules else None


def _part(ctx: Ctx, node: Any) -> str:
    key = _key(ctx, node)
    what = (node.label or node.kind).rstrip(".")
    return f"{what} ({key.text})" if key is not None else what


def _mixed(ctx: Ctx, thesis: Any) -> str:
    """A mixed verdict names one part that holds and one that does not, so the sentence never states a failed part
    as if it were the finding ("cash burn exceeds revenue (ratio 0.687)")."""
    leaves = [n for r in thesis.rules for n in r.walk() if n.figures or not n.children]
    held = next((n for n in leaves if _value(n.verdict) == "supported"), None)
    failed = next((n for n in leaves if _value(n.verdict) == "contradicted"), None)
    parts = []
    if held is not None:
        parts.append(f"holds: {_part(ctx, held)}")
    if failed is not None:
        parts.append(f"does not hold: {_part(ctx, failed)}")
    if parts:
        return "; ".join(parts)
    # one rule, itself mixed: its explanation says why after "but" ("direction right, but the sizes differ ...")
    why = next((n.explanation for n in leaves if _value(n.verdict) == "mixed" and ", but " in n.explanation), "")
    if not why:
        return ""
    what = (thesis.rules[0].label or thesis.text).rstrip(".")
    return f"{what} — only partly: {why.split(', but ', 1)[1].split(' (from ', 1)[0].rstrip('.')}"


def _grade(value: Any) -> str:
    """Robustness or confidence from the engine when it provides one ("high", 0.8 -> "80%"), else ""."""
    if value is None:
        return ""
    describe = getattr(value, "describe", None)
    if callable(describe):  # the engine's Robustness / Confidence say it best themselves
        text = str(describe())
        return "not applicable (nothing decided)" if text == "n/a" else text
    value = getattr(value, "value", value)
    if isinstance(value, float):
        return f"{value:.0%}" if math.isfinite(value) else ""
    return str(value).replace("_", " ")


def verdicts(ctx: Ctx) -> tuple[VerdictView, ...]:
    out = []
    for thesis in ctx.check.theses:
        # every rule's key numbers are registered, so charts and tables can reuse them
        for rule in thesis.rules:
            for node in rule.walk():
                _key(ctx, node)
        rule = _decisive(thesis)
        key = _key(ctx, rule) if rule is not None else None
        verdict = _value(thesis.verdict)
        label = LABELS.get(verdict, verdict)
        what = (rule.label if rule is not None and rule.label else thesis.text).rstrip(".")
        if verdict == "mixed" and (split := _mixed(ctx, thesis)):
            sentence = f"{label.capitalize()} — {split}."
        elif key is not None:
            sentence = f"{label.capitalize()} — {what} ({key.text})."
        elif verdict == "insufficient_data":
            first = (rule.explanation if rule is not None else thesis.explanation).split(";")[0].rstrip(".")
            sentence = f"Insufficient data: {first}."
        else:
            sentence = f"{label.capitalize()} — {what}."
        evidence = tuple(
            EvidenceView(
                e.role,
                _subject(ctx, e),
                ctx.names.metric(e.metric),
                e.basis or "",
                fmt(e.value, e.unit),
                e.as_of,
                e.kind,
                e.publisher,
                e.source_url if e.source_url.lower().startswith(("http://", "https://")) else "",
            )
            for e in thesis.evidence()
        )
        out.append(
            VerdictView(
                thesis.id,
                str(thesis.stance),
                thesis.text,
                verdict,
                label,
                sentence,
                key,
                _grade(getattr(thesis, "robustness", None)),
                _grade(getattr(thesis, "confidence", None)),
                thesis.explanation,
                tuple(_rule_view(r) for r in thesis.rules),
                evidence,
            )
        )
    return tuple(out)


def changes(ctx: Ctx, views: tuple[VerdictView, ...]) -> tuple[tuple[VerdictView, ...], tuple[ChangeView, ...]]:
    """With a previous check (``--since``): which verdicts moved, and each card says what it was."""
    if ctx.previous is None:
        return views, ()
    before = {t.id: _value(t.verdict) for t in ctx.previous.theses}
    out, moved = [], []
    from dataclasses import replace

    for v in views:
        was = before.get(v.id)
        if was is None:
            text = f"{v.id}: new claim since {ctx.since}"
            moved.append(ChangeView(v.id, "", v.verdict, text))
            out.append(replace(v, change=f"new since {ctx.since}"))
        elif was != v.verdict:
            text = f"{v.id}: {LABELS.get(was, was)} → {v.verdict_label}"
            moved.append(ChangeView(v.id, was, v.verdict, text))
            out.append(replace(v, change=f"was {LABELS.get(was, was)} on {ctx.since}"))
        else:
            out.append(v)
    return tuple(out), tuple(moved)
