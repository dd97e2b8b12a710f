"""Every default rule can fail: for each, a SYNTHETIC dataset on which it is supported and one on which it is
contradicted. None of these numbers are real figures; they are built from the rule itself.

A rule that no data could contradict is not a test of a claim. ``pending`` rules are exempt by design (they
wait for a kind that does not exist yet and always say so).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from corevar.registry import Registry
from corevar.theses import Thesis, Verdict, evaluate, load_theses
from corevar.theses.model import Subject

from .synthetic import frame, obs

REG = Registry.bundled()
S, C = Verdict.supported, Verdict.contradicted
END = date(2026, 1, 1)


def leaves(rules: list[Any], path: str) -> list[tuple[str, Any]]:
    out = []
    for i, rule in enumerate(rules):
        here = f"{path}.{i}"
        if rule.kind in ("all", "any"):
            out += leaves(rule.rules, here)
        elif rule.kind != "pending":
            out.append((here, rule))
    return out


DEFAULT_RULES = [(f"{t.id}{p}", r) for t in load_theses() for p, r in leaves(t.rules, "")]


def row(subject: Subject, value: float, day: date, **extra: Any) -> dict:
    product = subject.product if subject.product not in (None, "*") else None
    if subject.tier is not None:
        product = REG.tier_products(subject.entity, subject.tier)[0]
    basis = subject.basis
    if basis and ("*" in basis or "?" in basis):
        basis = f"q{(day.month - 1) // 3 + 1}_{day.year}"
    return obs(
        subject.entity,
        subject.metric,
        value,
        day.isoformat(),
        product=product,
        basis=basis or None,
        unit=REG.unit(subject.metric),
        **extra,
    )


def series(subject: Subject, growth: float, start: date, end: date, n: int = 6, base: float = 100.0) -> list[dict]:
    """n points from start to end growing at ``growth`` a year (simple annual), clearly synthetic."""
    span = (end - start).days
    out = []
    for i in range(n):
        day = start + timedelta(days=round(span * i / (n - 1)))
        years = (day - start).days / 365.25
        out.append(row(subject, base * (1 + growth) ** years, day))
    return out


def higher(op: str) -> bool:
    return op in (">", ">=")


def scaled(threshold: float, up: bool) -> float:
    if threshold == 0:
        return 1.0 if up else -1.0
    return threshold * 2 if up else threshold / 2


def window(rule: Any) -> tuple[date, date]:
    start = rule.start or date(2024, 1, 1)
    end = rule.end or END
    if start >= end:
        end = start + timedelta(days=400)
    return start, end


def prices(
    drifts: dict[str, float], start: date, end: date, shocks: dict[str, float] | None = None, on: date | None = None
) -> pd.DataFrame:
    """SYNTHETIC daily closes: each basket's tickers drift by the given total over [start, end] (tiny noise),
    with an optional one-day move on ``on``. Never real quotes."""
    import numpy as np

    from corevar.chains.baskets import bundled_baskets

    baskets = bundled_baskets()
    days = pd.bdate_range(start, end)
    rng = np.random.default_rng(0)
    rows = []
    for basket, drift in drifts.items():
        for c in baskets[basket].constituents:
            daily = np.log1p(drift) / len(days) + rng.normal(0, 0.002, len(days))
            if shocks and on is not None and basket in shocks:
                daily[days.get_indexer([pd.Timestamp(on)], method="bfill")[0]] += np.log1p(shocks[basket])
            close = 100.0 * np.exp(np.cumsum(daily))
            rows.append(pd.DataFrame({"date": days, "ticker": c.ticker, "close": close, "currency": c.currency}))
    return pd.concat(rows, ignore_index=True)


def chain_extras(rule: Any, want: Verdict) -> dict[str, Any]:
    ok = want is S
    if rule.kind == "chain_return":
        start, end = rule.start - timedelta(days=3), rule.end + timedelta(days=3)
        a_up = (rule.expect == "a_above_b") == ok
        big, small = (rule.claimed or {}).get("a", 1.0), (rule.claimed or {}).get("b", 0.1)
        a, b = (big, small) if a_up else (small, big)
        if not ok and rule.claimed:
            a, b = 0.1, 0.75
        return {"prices": prices({rule.a: a, rule.b: b}, start, end)}
    if rule.kind == "chain_event":
        start, end = rule.date - timedelta(days=400), rule.date + timedelta(days=20)
        fell = rule.expect in ("negative", "not_positive")
        move = (-0.10 if fell else 0.10) if ok else (0.10 if fell else -0.10)
        if rule.expect in ("not_positive", "not_negative") and ok:
            move = 0.0
        return {"prices": prices({rule.basket: 0.1, rule.market: 0.1}, start, end, {rule.basket: move}, rule.date)}
    if rule.kind == "news_noise":
        signal = "noise" if ok else "core"
        words = " ".join(rule.topic)
        items = [
            {
                "title": f"SYNTHETIC {words} item {i}",
                "published": pd.Timestamp(2026, 1, i + 1),
                "signal": signal,
                "category": "noise" if ok else "revenue",
            }
            for i in range(max(rule.min_items, 6))
        ]
        return {"news": pd.DataFrame(items)}
    if rule.kind == "chain_attribution":
        from corevar.chains.baskets import bundled_baskets

        start, end = rule.start - timedelta(days=30), rule.end + timedelta(days=30)
        frame_ = prices({rule.basket: 0.0}, start, end)
        inside = frame_["ticker"].isin(rule.members)
        holds = (rule.op in (">", ">=")) == ok
        grow = inside if holds else ~inside
        days = (pd.to_datetime(frame_["date"]) - pd.Timestamp(start)).dt.days / (end - start).days
        frame_.loc[grow, "close"] = frame_.loc[grow, "close"] * (1 + days[grow])
        assert bundled_baskets()[rule.basket].constituents
        return {"prices": frame_}
    return {}


def make(rule: Any, want: Verdict) -> pd.DataFrame:
    ok = want is S
    kind = rule.kind
    if kind.startswith("chain_") or kind == "news_noise":
        return frame()  # judged from outside inputs (extras), below
    if kind == "threshold":
        day = rule.at if rule.at != "latest" else END
        return frame(row(rule.subject, scaled(rule.value, higher(rule.op) == ok), day))
    if kind == "ratio":
        day = rule.at if rule.at != "latest" else END
        ratio = scaled(rule.value, higher(rule.op) == ok)
        return frame(row(rule.numerator, 100 * ratio, day), row(rule.denominator, 100.0, day))
    if kind == "compare":
        day = rule.at if rule.at != "latest" else END
        lead = rule.by_more_than * 2 + 0.5
        a_ahead = (rule.expect == "a_above_b") == ok
        a, b = (lead, 0.0) if a_ahead else (0.0, lead)
        return frame(row(rule.a, a + 1, day), row(rule.b, b + 1, day))
    if kind == "trend":
        start, end = window(rule)
        size = 0.5
        if rule.by_more_than is not None:
            text = str(rule.by_more_than)
            size = (float(text[:-1]) - 1) * 3 if text.endswith("x") else float(rule.by_more_than) * 3
        up = (rule.expect == "up") == ok
        growth = size if up else -0.5
        return frame(*series(rule.subject, growth, start, end))
    if kind == "growth_compare":
        start, end = window(rule)
        fast, slow = 1.0, 0.05
        a_fast = (rule.expect == "a_faster") == ok
        return frame(
            *series(rule.a, fast if a_fast else slow, start, end), *series(rule.b, slow if a_fast else fast, start, end)
        )
    if kind == "share_change":
        start, end = window(rule)
        gain = (rule.expect == "gain") == ok
        a, b = (0.1, 0.3) if gain else (0.3, 0.1)
        mid = start + (end - start) / 2
        return frame(row(rule.subject, a, start), row(rule.subject, (a + b) / 2, mid), row(rule.subject, b, end))
    if kind == "saturation":
        start = date(2023, 1, 1)
        if ok == (rule.expect == "not_peaked"):  # still growing fast, far from any ceiling
            return frame(*series(rule.subject, 0.8, start, END, n=8))
        values = [100, 300, 600, 800, 900, 940, 950, 952, 953]  # rose, then a plateau
        days = [start + timedelta(days=120 * i) for i in range(len(values))]
        return frame(*[row(rule.subject, v, d) for v, d in zip(values, days, strict=True)])
    if kind == "target":
        due = rule.due or END
        goal = 1000.0
        met = (rule.expect == "met") == ok
        value = goal * (1.1 if met else 0.9)
        target = row(rule.subject, goal, due, kind="target", published=(due - timedelta(days=400)).isoformat())
        before = row(rule.subject, value, due - timedelta(days=20))
        after = row(rule.subject, value, due + timedelta(days=20))
        return frame(target, before, after)
    if kind == "concentration":
        comp = (rule.expect == "competitive") == ok
        shares = {"openai": 0.3, "anthropic": 0.3, "google": 0.3} if comp else {"openai": 0.8, "anthropic": 0.15}
        return frame(
            *[obs(e, rule.metric, v, END.isoformat(), unit="fraction", basis=rule.market) for e, v in shares.items()]
        )
    if kind == "rank":
        s = rule.subject
        best = (rule.value == 1 and rule.op in ("<=", "<")) or (rule.op == "<=" and rule.value >= 1)
        leads = best == ok  # rank <= 1 holds when the subject leads; rank > 1 holds when it does not
        gap = (rule.tie_within or 0) * 3 + 50
        top = 1000.0 if REG.higher_is_better(s.metric) else 1.0
        mine = top if leads else (top - gap if REG.higher_is_better(s.metric) else top + gap)
        rival = top - gap if leads else top
        if not REG.higher_is_better(s.metric):
            rival = top + gap if leads else top
        other = "google" if s.entity != "google" else "openai"
        return frame(row(s, mine, END), row(s.model_copy(update={"entity": other, "product": None}), rival, END))
    raise AssertionError(f"no synthetic data builder for kind {kind!r}")


def judge(rule: Any, data: pd.DataFrame, extras: dict[str, Any] | None = None) -> Any:
    thesis = Thesis(id="T", text="synthetic", stance="neutral", source={"title": "synthetic"}, rules=[rule])
    return evaluate([thesis], data, REG, robust=False, extras=extras).theses[0].rules[0]


@pytest.mark.parametrize("want", [S, C], ids=["supported", "contradicted"])
@pytest.mark.parametrize(("where", "rule"), DEFAULT_RULES, ids=[w for w, _ in DEFAULT_RULES])
def test_every_default_rule_can_be_supported_and_contradicted(where: str, rule: Any, want: Verdict) -> None:
    result = judge(rule, make(rule, want), chain_extras(rule, want))
    assert result.verdict is want, f"{where} ({rule.kind}): {result.explanation}"


def test_every_default_thesis_has_a_judging_rule_or_says_what_it_waits_for() -> None:
    for thesis in load_theses():
        judged = leaves(thesis.rules, "")
        assert judged or all(r.kind == "pending" for r in thesis.rules), thesis.id
