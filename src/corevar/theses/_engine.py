"""The thesis engine: a pure function from (theses, observation frame, as-of date) to verdicts with evidence.

Nothing here reads files, the store or the network. ``evaluate`` filters the frame to what had been published
by ``as_of`` (``frame.known_on``), resolves conflicts with ``frame.resolve`` and judges each rule on what is
left. The maths (growth, interpolation, ceilings, HHI) comes from the analytics layer via ``_interim``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _maths as maths
from ._format import human, metric_name, pct, points, subject_name
from ._model import (
    AllRule,
    AnyRule,
    ChainReturnRule,
    ConcentrationRule,
    GrowthCompareRule,
    NewsSignalRule,
    RankRule,
    RatioRule,
    Rule,
    SaturationRule,
    ShareChangeRule,
    Subject,
    TargetRule,
    Thesis,
    ThresholdRule,
    TrendRule,
)
from ._result import CheckResult, Evidence, RuleResult, ThesisResult, Verdict

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["combine", "evaluate", "evaluate_files"]

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
_OP_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}


# -- combining verdicts ----------------------------------------------------------------------------------------


def combine(verdicts: Sequence[Verdict], how: str = "all") -> Verdict:
    """Combine rule verdicts (see docs/theses.md, "Combining verdicts").

    ``all`` (every part must hold): all supported -> supported; some contradicted and none supported or mixed ->
    contradicted; contradicted next to supported/mixed, or any mixed -> mixed; otherwise (supported parts next
    to parts without data, or no data at all) -> insufficient_data.
    ``any`` (one part suffices): any supported -> supported; else any mixed -> mixed; else all contradicted ->
    contradicted; otherwise insufficient_data.
    """
    vs = set(verdicts)
    if not vs:
        return N
    if how == "any":
        if S in vs:
            return S
        if M in vs:
            return M
        return C if vs == {C} else N
    if vs == {S}:
        return S
    if C in vs:
        return M if vs & {S, M} else C
    if M in vs:
        return M
    return N


# -- the data a check sees ---------------------------------------------------------------------------------------


class _Data:
    """The frame as known on ``as_of``, with cached per-metric slices and registry lookups."""

    def __init__(self, frame: pd.DataFrame, as_of: date | None) -> None:
        from ..frame import known_on, resolve

        def keyed(rows: pd.DataFrame) -> pd.DataFrame:
            return rows.assign(
                _product=rows["product"].fillna("").astype(str), _basis=rows["basis"].fillna("").astype(str)
            )

        known = known_on(frame, as_of)
        self.frame = keyed(known)
        # the conflict rule is applied once, to everything known; a rule that names its own kinds re-resolves
        self.resolved = keyed(resolve(known))
        actual = self.frame[self.frame["kind"].isin(("official", "reported", "estimate"))]
        if as_of is None:
            last = actual["as_of"].max() if len(actual) else None
            self.today = last.date() if last is not None and not _isnat(last) else date.today()
        else:
            self.today = as_of
        self.data_through = None
        if len(actual):
            last = actual["as_of"].max()
            self.data_through = None if _isnat(last) else last.date()
        self._by_metric: dict[tuple[str, bool], pd.DataFrame] = {}

    def metric_rows(self, metric: str, resolved: bool = True) -> pd.DataFrame:
        """Rows of one metric: resolved by the conflict rule (default) or every row known."""
        key = (metric, resolved)
        if key not in self._by_metric:
            source = self.resolved if resolved else self.frame
            self._by_metric[key] = source[source["metric"] == metric]
        return self._by_metric[key]

    def rows(
        self,
        subject: Subject,
        *,
        kinds: Sequence[str] | None = None,
        start: date | None = None,
        end: date | None = None,
        any_entity: bool = False,
    ) -> pd.DataFrame:
        """Resolved rows of a subject (actuals unless ``kinds``), oldest first, within [start, end]."""
        import pandas as pd

        from ..frame import resolve

        raw = subject.kinds is not None and kinds is None
        rows = self.metric_rows(subject.metric, resolved=not raw)
        if not any_entity:
            rows = rows[rows["entity"] == subject.entity]
        rows = rows[rows["kind"].isin(kinds or subject.kinds or ("official", "reported", "estimate"))]
        if subject.tier is not None:
            rows = rows[rows["_product"].isin(_tier_products(subject.entity, subject.tier))]
        elif subject.product != "*" and not any_entity:
            rows = rows[rows["_product"] == (subject.product or "")]
        if subject.basis is not None:
            rows = rows[rows["_basis"] == subject.basis]
        if start is not None:
            rows = rows[rows["as_of"] >= pd.Timestamp(start)]
        if end is not None:
            rows = rows[rows["as_of"] <= pd.Timestamp(end)]
        rows = rows.drop(columns=["_product", "_basis"])
        if raw and not rows.empty:
            rows = resolve(rows)
        return rows.sort_values(["as_of", "published"], kind="mergesort").reset_index(drop=True)


def _isnat(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _tier_products(entity: str, tier: str) -> list[str]:
    try:
        from ..registry import entities

        found = entities().get(entity)
    except Exception:
        return []
    return [p.id for p in found.products if p.tier == tier] if found else []


def _unit_of(metric: str, rows: pd.DataFrame | None = None) -> str:
    if rows is not None and len(rows):
        return str(rows["unit"].iloc[-1])
    try:
        from ..registry import metrics

        return metrics()[metric].unit
    except Exception:
        return ""


def _higher_is_better(metric: str) -> bool:
    try:
        from ..registry import metrics

        return metrics()[metric].higher_is_better
    except Exception:
        return True


def _known_metric(metric: str) -> bool:
    try:
        from ..registry import metrics

        return metric in metrics()
    except Exception:
        return True


def _day(ts: Any) -> date:
    return ts.date() if hasattr(ts, "date") else ts


def _opt(value: Any) -> Any:
    return None if value is None or _isnat(value) or value == "" else value


def _evidence(row: Any, role: str) -> Evidence:
    low, high = _opt(row["low"]), _opt(row["high"])
    return Evidence(
        role=role,
        entity=str(row["entity"]),
        product=_opt(row["product"]),
        metric=str(row["metric"]),
        basis=_opt(row["basis"]),
        value=float(row["value"]),
        unit=str(row["unit"]),
        as_of=_day(row["as_of"]),
        published=_day(row["published"]) if not _isnat(row["published"]) else None,
        kind=str(row["kind"]),
        publisher=str(_opt(row["publisher"]) or "unknown publisher"),
        source_url=str(_opt(row["source_url"]) or ""),
        low=float(low) if low is not None else None,
        high=float(high) if high is not None else None,
    )


def _name(subject: Subject) -> str:
    name = subject_name(subject.entity, subject.product, subject.metric, subject.basis)
    if subject.tier is not None:
        name = subject_name(subject.entity, None, subject.metric, subject.basis).replace(
            subject_name(subject.entity), f"{subject_name(subject.entity)} {subject.tier}-tier", 1
        )
    return name


def _missing(subject: Subject, data: _Data, what: str = "observations") -> str:
    """Why there is nothing to judge: unknown metric, nothing known yet, or nothing in the window."""
    if not _known_metric(subject.metric):
        return (
            f"no {subject.metric} data: the metric is not in corevar's taxonomy v1, so the dataset cannot hold it yet."
        )
    return f"no {what} of {_name(subject)} known on {data.today.isoformat()}."


def _nearest(rows: pd.DataFrame, day: date | str, within_days: int) -> Any:
    """The row nearest to ``day`` within ``within_days`` (the latest row for "latest"), or None."""
    import pandas as pd

    if rows.empty:
        return None
    if day == "latest":
        return rows.iloc[-1]
    gap = (rows["as_of"] - pd.Timestamp(day)).abs()
    ok = gap <= pd.Timedelta(days=within_days)
    if not ok.any():
        return None
    candidates = rows[ok].assign(_gap=gap[ok], _after=rows["as_of"][ok] > pd.Timestamp(day))
    return candidates.sort_values(["_gap", "_after", "published"], ascending=[True, True, False]).iloc[0]


def _window_text(rows: pd.DataFrame) -> str:
    return f"{_day(rows['as_of'].iloc[0]).isoformat()} to {_day(rows['as_of'].iloc[-1]).isoformat()}"


def _result(rule: Any, verdict: Verdict, explanation: str, evidence: Sequence[Evidence] = (), **figures: float):
    label = rule.label or _default_label(rule)
    return RuleResult(
        kind=rule.kind,
        label=label,
        verdict=verdict,
        explanation=explanation,
        evidence=tuple(evidence),
        figures={k: float(v) for k, v in figures.items()},
    )


def _default_label(rule: Any) -> str:
    kind = rule.kind
    if kind in ("threshold", "rank"):
        at = "latest" if rule.at == "latest" else f"on {rule.at}"
        noun = "rank" if kind == "rank" else ""
        return f"{_name(rule.subject)} {noun}{' ' if noun else ''}{rule.op} {_fmt_threshold(rule)} ({at})"
    if kind == "trend":
        return f"{_name(rule.subject)} trending {rule.expect}"
    if kind == "growth_compare":
        return f"{_name(rule.a)} vs {_name(rule.b)} growth: {rule.expect.replace('_', ' ')}"
    if kind == "share_change":
        return f"{_name(rule.subject)}: {rule.expect}"
    if kind == "saturation":
        return f"{_name(rule.subject)}: {rule.expect.replace('_', ' ')}"
    if kind == "ratio":
        right = _fmt_threshold(rule) if rule.versus is None else _ratio_name(rule.versus)
        return f"{_ratio_name(rule)} {rule.op} {right}"
    if kind == "target":
        due = f" due {rule.due}" if rule.due else ""
        return f"{_name(rule.subject)} target{due}: {rule.expect}"
    if kind == "chain_return":
        return f"{subject_name(rule.a)} vs {subject_name(rule.b)} return: {rule.expect.replace('_', ' ')}"
    if kind == "concentration":
        return f"{rule.market} market: {rule.expect}"
    if kind == "news_signal":
        return f"news about {rule.topic}: {rule.expect}"
    return f"{kind} of {len(rule.rules)} rules"


def _fmt_threshold(rule: Any) -> str:
    if rule.kind == "rank":
        return str(rule.value)
    if rule.kind == "ratio":
        return f"{rule.value:.3g}"
    return human(rule.value, _unit_of(rule.subject.metric))


def _ratio_name(side: Any) -> str:
    return f"{_name(side.numerator)} / {_name(side.denominator)}"


# -- rule kinds ------------------------------------------------------------------------------------------------


def _threshold(rule: ThresholdRule, data: _Data) -> RuleResult:
    rows = data.rows(rule.subject)
    row = _nearest(rows, rule.at, rule.within_days)
    if row is None:
        if rows.empty:
            return _result(rule, N, _missing(rule.subject, data))
        where = f"within {rule.within_days} days of {rule.at}"
        return _result(rule, N, f"no observation of {_name(rule.subject)} {where} known on {data.today}.")
    value = float(row["value"])
    holds = _OPS[rule.op](value, rule.value)
    ev = _evidence(row, "value")
    unit = str(row["unit"])
    bound = f"{_OP_WORDS[rule.op]} {human(rule.value, unit)}"
    # a range (low/high) that lies on both sides of the threshold cannot decide it
    low, high = ev.low if ev.low is not None else value, ev.high if ev.high is not None else value
    if _OPS[rule.op](low, rule.value) != _OPS[rule.op](high, rule.value):
        text = (
            f"{_name(rule.subject)} was {ev.describe()}, with a range of {human(low, unit)}-{human(high, unit)} "
            f"on both sides of the threshold ({bound})."
        )
        return _result(rule, M, text, [ev], value=value, threshold=rule.value)
    verdict = S if holds else C
    text = f"{_name(rule.subject)} was {ev.describe()}: {'' if holds else 'not '}{bound}."
    return _result(rule, verdict, text, [ev], value=value, threshold=rule.value)


def _growth(rows: pd.DataFrame) -> float:
    return maths.annualised_growth(rows["as_of"].to_numpy(), rows["value"].to_numpy(dtype=float))


def _trend(rule: TrendRule, data: _Data) -> RuleResult:
    rows = data.rows(rule.subject, start=rule.start, end=rule.end)
    if len(rows) < rule.min_points:
        why = (
            _missing(rule.subject, data) if rows.empty else f"only {len(rows)} observation(s) of {_name(rule.subject)}"
        )
        return _result(rule, N, f"{why.rstrip('.')}; a trend needs at least {rule.min_points}.")
    growth = _growth(rows)
    first, last = rows.iloc[0], rows.iloc[-1]
    evidence = [_evidence(first, "first"), _evidence(last, "last")]
    if not math.isfinite(growth):
        return _result(
            rule, N, f"no growth rate can be fitted to {_name(rule.subject)} (values must be > 0).", evidence
        )
    tol = rule.tolerance
    direction = "up" if growth > tol else "down" if growth < -tol else "flat"
    if rule.expect == "flat":
        verdict = S if direction == "flat" else C
    else:
        verdict = M if direction == "flat" else S if direction == rule.expect else C
    unit = str(last["unit"])
    months = (last["as_of"] - first["as_of"]).days / (365.25 / 12)
    # An annualised rate over a few months reads as absurd (+33,000%/yr); say how short the window is.
    short = f" (annualised from {months:.0f} months)" if months < 11.5 else ""
    text = (
        f"{_name(rule.subject)} went from {human(float(first['value']), unit)} to {human(float(last['value']), unit)} "
        f"({_window_text(rows)}, {len(rows)} points): {pct(growth)}/yr{short} on a log-linear fit, "
        f"trending {direction}."
    )
    return _result(rule, verdict, text, evidence, growth=growth, points=len(rows))


def _growth_compare(rule: GrowthCompareRule, data: _Data) -> RuleResult:
    rows_a = data.rows(rule.a, start=rule.start, end=rule.end)
    rows_b = data.rows(rule.b, start=rule.start, end=rule.end)
    for subject, rows in ((rule.a, rows_a), (rule.b, rows_b)):
        if len(rows) < rule.min_points:
            why = _missing(subject, data) if rows.empty else f"only {len(rows)} observation(s) of {_name(subject)}"
            return _result(rule, N, f"{why.rstrip('.')}; growth needs at least {rule.min_points}.")
    ga, gb = _growth(rows_a), _growth(rows_b)
    evidence = [_evidence(rows_a.iloc[0], "a first"), _evidence(rows_a.iloc[-1], "a last")]
    evidence += [_evidence(rows_b.iloc[0], "b first"), _evidence(rows_b.iloc[-1], "b last")]
    if not (math.isfinite(ga) and math.isfinite(gb)):
        return _result(rule, N, "a growth rate cannot be fitted (values must be > 0).", evidence)
    diff = ga - gb if rule.expect == "a_faster" else gb - ga
    verdict = S if diff > rule.margin else C if diff < -rule.margin else M
    faster = _name(rule.a) if rule.expect == "a_faster" else _name(rule.b)
    outcome = {
        S: f"{faster} grows faster",
        C: f"{faster} does not grow faster",
        M: f"the two rates are within {pct(rule.margin, signed=False)} of each other",
    }[verdict]
    text = (
        f"{_name(rule.a)} grew {pct(ga)}/yr ({_window_text(rows_a)}) vs {_name(rule.b)} {pct(gb)}/yr "
        f"({_window_text(rows_b)}), log-linear fits: {outcome}."
    )
    return _result(rule, verdict, text, evidence, growth_a=ga, growth_b=gb)


def _share_change(rule: ShareChangeRule, data: _Data) -> RuleResult:
    rows = data.rows(rule.subject, start=rule.start, end=rule.end)
    if len(rows) < 2:
        why = _missing(rule.subject, data) if rows.empty else f"only one observation of {_name(rule.subject)}"
        return _result(rule, N, f"{why.rstrip('.')}; a share change needs two dates.")
    first, last = rows.iloc[0], rows.iloc[-1]
    change = float(last["value"]) - float(first["value"])
    if rule.expect == "stable":
        verdict = S if abs(change) < rule.min_change else C
    else:
        sign = 1 if rule.expect == "gain" else -1
        verdict = S if sign * change >= rule.min_change else C if sign * change <= -rule.min_change else M
    text = (
        f"{_name(rule.subject)} went from {human(float(first['value']), 'fraction')} to "
        f"{human(float(last['value']), 'fraction')} ({_window_text(rows)}): {points(change)}."
    )
    return _result(rule, verdict, text, [_evidence(first, "first"), _evidence(last, "last")], change=change)


def _saturation(rule: SaturationRule, data: _Data) -> RuleResult:
    rows = data.rows(rule.subject, start=rule.start, end=rule.end)
    if len(rows) < 5:
        why = (
            _missing(rule.subject, data) if rows.empty else f"only {len(rows)} observation(s) of {_name(rule.subject)}"
        )
        return _result(rule, N, f"{why.rstrip('.')}; a ceiling fit needs at least 5.")
    fit = maths.peaked(rows["as_of"].to_numpy(), rows["value"].to_numpy(dtype=float), rule.model)
    evidence = [_evidence(rows.iloc[0], "first"), _evidence(rows.iloc[-1], "latest")]
    figures = {
        "ceiling": fit.ceiling,
        "ceiling_low": fit.ceiling_low,
        "ceiling_high": fit.ceiling_high,
        "latest": fit.latest_value,
        "recent_growth": fit.recent_growth,
        "confidence": fit.confidence,
    }
    if fit.answer == "cannot_tell":
        # no identifiable ceiling is a lack of evidence; a stall below a fitted ceiling is evidence both ways
        verdict = N if not (math.isfinite(fit.ceiling) and math.isfinite(fit.ceiling_high)) else M
    else:
        verdict = S if fit.answer == rule.expect else C
    state = fit.answer.replace("_", " ")
    text = f"{_name(rule.subject)} ({len(rows)} points, {_window_text(rows)}): {state}; {fit.reason}."
    return _result(rule, verdict, text, evidence, **figures)


def _ratio_value(
    side: Any, at: date | str, within_days: int, data: _Data, align: str = "same_date"
) -> tuple[float, list[Evidence], str]:
    """(ratio, evidence, problem); the denominator nearest the numerator's date, or each side's own latest."""
    num_rows = data.rows(side.numerator)
    num = _nearest(num_rows, at, within_days)
    if num is None:
        return (
            float("nan"),
            [],
            (
                _missing(side.numerator, data)
                if num_rows.empty
                else f"no {_name(side.numerator)} within {within_days} days of {at}."
            ),
        )
    den_rows = data.rows(side.denominator)
    latest_each = align == "latest_each" and at == "latest"
    den = _nearest(den_rows, "latest" if latest_each else _day(num["as_of"]), within_days)
    if den is None:
        return (
            float("nan"),
            [_evidence(num, "numerator")],
            (
                _missing(side.denominator, data)
                if den_rows.empty
                else f"no {_name(side.denominator)} within {within_days} days of {_day(num['as_of'])}."
            ),
        )
    evidence = [_evidence(num, "numerator"), _evidence(den, "denominator")]
    if float(den["value"]) == 0:
        return float("nan"), evidence, f"{_name(side.denominator)} is zero."
    return float(num["value"]) / float(den["value"]), evidence, ""


def _ratio(rule: RatioRule, data: _Data) -> RuleResult:
    ratio, evidence, problem = _ratio_value(rule, rule.at, rule.within_days, data, rule.align)
    if problem:
        return _result(rule, N, problem, evidence)
    left = f"{_ratio_name(rule)} = {ratio:.3g} ({evidence[0].describe()} / {evidence[1].describe()})"
    if rule.versus is not None:
        other, more, problem = _ratio_value(rule.versus, rule.at, rule.within_days, data, rule.align)
        evidence += [Evidence(**{**e.__dict__, "role": "versus " + e.role}) for e in more]
        if problem:
            return _result(rule, N, problem, evidence, ratio=ratio)
        holds = _OPS[rule.op](ratio, other)
        text = f"{left} is {'' if holds else 'not '}{_OP_WORDS[rule.op]} {_ratio_name(rule.versus)} = {other:.3g}."
        return _result(rule, S if holds else C, text, evidence, ratio=ratio, versus=other)
    assert rule.value is not None
    holds = _OPS[rule.op](ratio, rule.value)
    text = f"{left}: {'' if holds else 'not '}{_OP_WORDS[rule.op]} {rule.value:.3g}."
    return _result(rule, S if holds else C, text, evidence, ratio=ratio, threshold=rule.value)


def _target(rule: TargetRule, data: _Data) -> RuleResult:
    import pandas as pd

    targets = data.rows(rule.subject, kinds=("target",))
    if rule.due is not None and not targets.empty:
        targets = targets[targets["as_of"] == pd.Timestamp(rule.due)]
    if targets.empty:
        due = f" due {rule.due}" if rule.due else ""
        return _result(rule, N, f"no target{due} for {_name(rule.subject)} is known on {data.today}.")
    target = targets.iloc[-1]
    due = _day(target["as_of"])
    goal = float(target["value"])
    unit = str(target["unit"])
    tev = _evidence(target, "target")
    actual = data.rows(rule.subject)
    higher = _higher_is_better(rule.subject.metric)
    met_at = (lambda v: v >= goal) if higher else (lambda v: v <= goal)
    name = _name(rule.subject)
    if due > data.today:
        latest = actual.iloc[-1] if len(actual) else None
        if latest is not None and met_at(float(latest["value"])):
            early = _evidence(latest, "before due")
            goal_text = human(goal, unit)
            text = (
                f"{name} was already {early.describe()}, reaching the {goal_text} target due {due} early: target met."
            )
            return _result(rule, S if rule.expect == "met" else C, text, [tev, early], target=goal, value=early.value)
        so_far = f"; latest {_evidence(latest, 'latest').describe()}" if latest is not None else ""
        text = f"the {human(goal, unit)} target for {name} is due {due}, after {data.today}: not judged yet{so_far}."
        ev = [tev] + ([_evidence(latest, "latest")] if latest is not None else [])
        return _result(rule, N, text, ev, target=goal)
    window = actual[(actual["as_of"] - pd.Timestamp(due)).abs() <= pd.Timedelta(days=rule.within_days)]
    before = window[window["as_of"] <= pd.Timestamp(due)]
    after = window[window["as_of"] >= pd.Timestamp(due)]
    if window.empty:
        target_text = f"the {human(goal, unit)} target"
        text = f"no {name} observation within {rule.within_days} days of the {due} due date of {target_text}."
        return _result(rule, N, text, [tev], target=goal)
    evidence = [tev]
    if len(before) and len(after):
        b, a = before.iloc[-1], after.iloc[0]
        value = maths.value_at([b["as_of"], a["as_of"]], [float(b["value"]), float(a["value"])], due)
        evidence += [_evidence(b, "before due"), _evidence(a, "after due")]
        how = (
            f"{human(value, unit)} on {due} (between {_evidence(b, '').describe()} and {_evidence(a, '').describe()})"
            if _day(b["as_of"]) != _day(a["as_of"])
            else _evidence(b, "").describe()
        )
        met = met_at(value)
    elif len(before):
        b = before.iloc[-1]
        value = float(b["value"])
        evidence.append(_evidence(b, "before due"))
        if met_at(value):
            met, how = True, f"already {_evidence(b, '').describe()} before the due date"
        else:
            text = (
                f"{name} was {_evidence(b, '').describe()}, short of the {human(goal, unit)} target due {due}, and no "
                "later figure is known: cannot tell whether it was met."
            )
            return _result(rule, N, text, evidence, target=goal, value=value)
    else:
        a = after.iloc[0]
        value = float(a["value"])
        evidence.append(_evidence(a, "after due"))
        if not met_at(value):
            met, how = False, f"still {_evidence(a, '').describe()} after the due date"
        else:
            text = (
                f"{name} was {_evidence(a, '').describe()}, past the {human(goal, unit)} target due {due}, but no "
                "earlier figure is known: cannot tell whether it was met on time."
            )
            return _result(rule, N, text, evidence, target=goal, value=value)
    gap = (value - goal) / goal if goal else float("nan")
    outcome = "met" if met else "missed"
    by = f" by {pct(abs(gap), signed=False)}" if math.isfinite(gap) and gap != 0 else ""
    text = (
        f"{name} was {how}, {'at or above' if met == higher else 'below'} the {human(goal, unit)} target due "
        f"{due} ({tev.publisher}): target {outcome}{by}."
    )
    if not higher:
        text = text.replace("at or above", "at or below" if met else "above").replace(" below the", " above the")
    verdict = S if outcome == rule.expect else C
    return _result(rule, verdict, text, evidence, target=goal, value=value, gap=gap)


def _basis_start(basis: str) -> date | None:
    text = basis.strip()
    if text.startswith("from "):
        try:
            return date.fromisoformat(text[5:].strip())
        except ValueError:
            return None
    return None


def _chain_return(rule: ChainReturnRule, data: _Data) -> RuleResult:
    import pandas as pd

    rows = data.metric_rows("basket_return")
    rows = rows[rows["kind"].isin(("official", "reported", "estimate"))]

    def side(entity: str) -> pd.DataFrame:
        got = rows[rows["entity"] == entity].drop(columns=["_product", "_basis"])
        if got.empty:
            return got
        return got.assign(_start=[_basis_start(str(b or "")) for b in got["basis"].fillna("")])

    a, b = side(rule.a), side(rule.b)
    names = f"{subject_name(rule.a)} and {subject_name(rule.b)}"
    if a.empty or b.empty:
        missing = rule.a if a.empty else rule.b
        return _result(rule, N, f"no basket_return of {subject_name(missing)} known on {data.today}.")
    pairs = a.merge(b, on="_start", suffixes=("_a", "_b"))
    pairs = pairs[pairs["_start"].notna()]
    near = pd.Timedelta(days=rule.within_days)
    pairs = pairs[(pairs["as_of_a"] - pairs["as_of_b"]).abs() <= near]
    if rule.start is not None:
        close = [abs((s - rule.start).days) <= rule.within_days for s in pairs["_start"]]
        pairs = pairs[pd.Series(close, index=pairs.index, dtype=bool)]
    if rule.end is not None:
        pairs = pairs[(pairs["as_of_a"] - pd.Timestamp(rule.end)).abs() <= near]
    if pairs.empty:
        window = f" near {rule.start or '...'} to {rule.end or '...'}" if rule.start or rule.end else ""
        return _result(rule, N, f"no basket returns of {names} over the same window{window} are known.")
    pick = pairs.sort_values(["as_of_a", "_start"], ascending=[False, True], kind="mergesort").iloc[0]
    ra, rb = float(pick["value_a"]), float(pick["value_b"])

    def ev(suffix: str, role: str) -> Evidence:
        row = {c[: -len(suffix)]: pick[c] for c in pick.index if c.endswith(suffix)}
        return _evidence(row, role)

    evidence = [ev("_a", "a"), ev("_b", "b")]
    holds = ra > rb if rule.expect == "a_above_b" else rb > ra
    window = f"from {pick['_start']} to {_day(pick['as_of_a'])}"
    publishers = "; ".join(dict.fromkeys(e.publisher for e in evidence))
    higher, lower = (rule.a, rule.b) if rule.expect == "a_above_b" else (rule.b, rule.a)
    text = (
        f"{subject_name(rule.a)} {pct(ra)} vs {subject_name(rule.b)} {pct(rb)} {window} ({publishers}): "
        f"{subject_name(higher)} {'did' if holds else 'did not do'} better than {subject_name(lower)}"
    )
    figures = {"return_a": ra, "return_b": rb}
    verdict = S if holds else C
    if rule.claimed is not None:
        off = [
            (who, got, claim)
            for who, got, claim in ((rule.a, ra, rule.claimed.a), (rule.b, rb, rule.claimed.b))
            if claim and abs(got - claim) / abs(claim) > rule.claim_tolerance
        ]
        figures |= {"claimed_a": rule.claimed.a, "claimed_b": rule.claimed.b}
        if off and holds:
            verdict = M
            gaps = "; ".join(f"{subject_name(w)} {pct(g)} against a claimed {pct(c)}" for w, g, c in off)
            text += f", but the magnitudes differ from the claim: {gaps}"
        elif not off:
            text += f", and matches the claimed {pct(rule.claimed.a)} vs {pct(rule.claimed.b)}"
    return _result(rule, verdict, text + ".", evidence, **figures)


def _market_snapshot(metric: str, basis: str, at: date | str, within_days: int, data: _Data) -> pd.DataFrame:
    """One row per entity (its products summed) of a metric on one basis, nearest to ``at``."""
    import pandas as pd

    rows = data.metric_rows(metric)
    rows = rows[(rows["_basis"] == basis) & rows["kind"].isin(("official", "reported", "estimate"))]
    rows = rows.drop(columns=["_product", "_basis"])
    if rows.empty:
        return rows
    day = rows["as_of"].max() if at == "latest" else pd.Timestamp(at)
    near = rows[(rows["as_of"] - day).abs() <= pd.Timedelta(days=within_days)]
    if near.empty:
        return near
    near = near.assign(_gap=(near["as_of"] - day).abs()).sort_values(["_gap", "published"], ascending=[True, False])
    near = near.drop_duplicates(["entity", "product"], keep="first")
    return near.drop(columns=["_gap"])


def _concentration(rule: ConcentrationRule, data: _Data) -> RuleResult:
    snap = _market_snapshot(rule.metric, rule.market, rule.at, rule.within_days, data)
    if snap.empty:
        where = "" if rule.at == "latest" else f" within {rule.within_days} days of {rule.at}"
        return _result(rule, N, f"no {metric_name(rule.metric)} observations of the {rule.market} market{where}.")
    by_entity = snap.groupby("entity", sort=False)["value"].sum().sort_values(ascending=False)
    evidence = [_evidence(row, "share") for _, row in snap.iterrows()]
    covered = float(by_entity.sum())
    if covered < rule.min_coverage:
        text = (
            f"the {rule.market} shares known cover only {human(covered, 'fraction')} of the market "
            f"(at least {human(rule.min_coverage, 'fraction')} needed to judge concentration)."
        )
        return _result(rule, N, text, evidence, covered=covered)
    conc = maths.concentration(by_entity.to_numpy())
    h, band, top_share = conc.points, conc.band, conc.top_share
    vendors = int((by_entity >= rule.min_share).sum())
    checks = [h <= rule.max_hhi, vendors >= rule.min_vendors]
    if rule.max_top_share is not None:
        checks.append(top_share <= rule.max_top_share)
    passed = checks if rule.expect == "competitive" else [not c for c in checks]
    verdict = S if all(passed) else C if not any(passed) else M
    top = ", ".join(f"{subject_name(e)} {human(v, 'fraction')}" for e, v in by_entity.head(4).items())
    text = (
        f"{rule.market}: {top} (shares reported {_day(snap['as_of'].min())}"
        f"{' to ' + str(_day(snap['as_of'].max())) if snap['as_of'].nunique() > 1 else ''}); HHI {h:.0f} "
        f"({band}, over the {human(covered, 'fraction')} of the market these shares cover), "
        f"{vendors} vendor(s) with at least {human(rule.min_share, 'fraction')}"
        # With part of the market unreported, both figures are lower bounds: say so.
        f"{' among those reported (more may hide in the unreported rest)' if covered < 0.999 else ''}."
    )
    return _result(rule, verdict, text, evidence, hhi=h, vendors=vendors, covered=covered, top_share=top_share)


def _rank(rule: RankRule, data: _Data) -> RuleResult:
    basis = rule.subject.basis or ""
    snap = _market_snapshot(rule.subject.metric, basis, rule.at, rule.within_days, data)
    if snap.empty:
        return _result(rule, N, _missing(rule.subject, data, "ranked observations"))
    by_entity = snap.groupby("entity", sort=False)["value"].sum()
    if rule.subject.entity not in by_entity.index:
        return _result(
            rule,
            N,
            f"{subject_name(rule.subject.entity)} has no {metric_name(rule.subject.metric)} "
            f"observation among the {len(by_entity)} ranked.",
        )
    ordered = by_entity.sort_values(ascending=not _higher_is_better(rule.subject.metric))
    rank = int(list(ordered.index).index(rule.subject.entity)) + 1
    holds = _OPS[rule.op](rank, rule.value)
    unit = str(snap["unit"].iloc[0])
    top = ", ".join(f"{subject_name(e)} {human(v, unit)}" for e, v in ordered.head(4).items())
    text = (
        f"{subject_name(rule.subject.entity)} ranks #{rank} of {len(ordered)} by "
        f"{metric_name(rule.subject.metric)} ({basis or 'no basis'}) "
        f"({top}): {'' if holds else 'not '}rank {rule.op} {rule.value}."
    )
    evidence = [_evidence(row, "ranked") for _, row in snap.iterrows()]
    return _result(rule, S if holds else C, text, evidence, rank=rank, of=len(ordered))


def _news_signal(rule: NewsSignalRule, data: _Data) -> RuleResult:
    text = (
        f"news triage data is missing: corevar holds no triaged news items yet, so how much of the news about "
        f"{rule.topic} is noise versus core-variable news cannot be measured."
    )
    return _result(rule, N, text)


def _nested(rule: AllRule | AnyRule, data: _Data) -> RuleResult:
    children = tuple(_judge(child, data) for child in rule.rules)
    verdict = combine([c.verdict for c in children], rule.kind)
    return RuleResult(
        kind=rule.kind,
        label=rule.label or _default_label(rule),
        verdict=verdict,
        explanation=_summary(children, verdict, rule.kind),
        children=children,
    )


_JUDGES: dict[str, Callable[[Any, _Data], RuleResult]] = {
    "threshold": _threshold,
    "trend": _trend,
    "growth_compare": _growth_compare,
    "share_change": _share_change,
    "saturation": _saturation,
    "ratio": _ratio,
    "target": _target,
    "chain_return": _chain_return,
    "concentration": _concentration,
    "rank": _rank,
    "news_signal": _news_signal,
    "all": _nested,
    "any": _nested,
}


def _judge(rule: Rule, data: _Data) -> RuleResult:
    return _JUDGES[rule.kind](rule, data)


def _summary(children: Sequence[RuleResult], verdict: Verdict, how: str) -> str:
    """One line for a combination: a single child's own explanation, else a count of what each part says."""
    if len(children) == 1:
        return children[0].explanation
    n = len(children)
    counts = {v: sum(c.verdict is v for c in children) for v in Verdict}
    parts = []
    if counts[S]:
        parts.append(f"{counts[S]} of {n} checks support it")
    if counts[C]:
        parts.append(f"{counts[C]} contradict{'s' if counts[C] == 1 else ''} it")
    if counts[M]:
        parts.append(f"{counts[M]} {'is' if counts[M] == 1 else 'are'} mixed")
    if counts[N]:
        parts.append(f"{counts[N]} lack{'s' if counts[N] == 1 else ''} data")
    lead = {S: "Supported", C: "Contradicted", M: "Mixed", N: "Insufficient data"}[verdict]
    key = next((c for c in children if c.verdict is verdict), children[0])
    joiner = " (any one suffices)" if how == "any" else ""
    detail = key.label if key.children else key.explanation
    return f"{lead}{joiner}: {', '.join(parts)}. {detail[:1].upper()}{detail[1:]}"


# -- the entry point -------------------------------------------------------------------------------------------


def evaluate(
    theses: Sequence[Thesis],
    frame: pd.DataFrame,
    as_of: date | str | None = None,
    dataset_version: str = "",
) -> CheckResult:
    """Judge every thesis against ``frame`` as known on ``as_of`` (all rows when None).

    Pure: the frame is not modified, nothing is read or written. With ``as_of``, only observations published
    on or before that day count, and "latest" means latest as known then.
    """
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    data = _Data(frame, day)
    results = []
    for thesis in theses:
        rules = tuple(_judge(rule, data) for rule in thesis.rules)
        verdict = combine([r.verdict for r in rules], thesis.combine)
        results.append(
            ThesisResult(
                id=thesis.id,
                text=thesis.text,
                stance=thesis.stance.value,
                source=thesis.source.model_dump(mode="json", exclude_none=True),
                verdict=verdict,
                explanation=_summary(rules, verdict, thesis.combine),
                rules=rules,
                rebuts=tuple(thesis.rebuts),
            )
        )
    return CheckResult(
        theses=tuple(results), as_of=day, dataset_version=dataset_version, data_through=data.data_through
    )


def evaluate_files(
    paths: Sequence[str | Path] | None,
    frame: pd.DataFrame,
    as_of: date | str | None = None,
    dataset_version: str = "",
) -> CheckResult:
    """Load theses from YAML files (the shipped defaults when None) and :func:`evaluate` them."""
    from ._parser import load_theses

    return evaluate(load_theses(paths), frame, as_of=as_of, dataset_version=dataset_version)
