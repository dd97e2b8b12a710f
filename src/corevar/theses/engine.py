"""The thesis engine: a pure function from (theses, observation frame, registry, as-of) to verdicts with evidence.

Nothing here reads files, the store or the network. :func:`evaluate` checks the theses' names against the
registry and the data (an unknown name is an error, not a verdict), builds one :class:`Context` (the as-of cut,
the conflict rule), judges each rule through its registered kind, combines the verdicts, then re-judges each
thesis under the documented perturbations (robustness) and grades the evidence (confidence).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..gcpause import paused
from ._format import subject_name
from .context import Context, shift
from .plugins import get as get_kind
from .result import CheckResult, Confidence, Flip, Robustness, RuleResult, ThesisResult, Verdict

if TYPE_CHECKING:
    import pandas as pd

    from ..registry import Registry
    from .model import Thesis

__all__ = ["WINDOW_SHIFTS", "combine", "evaluate", "evaluate_files", "judge", "summary"]

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data

# Robustness perturbations of windowed rules (docs/theses.md, "Robustness"): (start shift, end shift) in days.
WINDOW_SHIFTS: tuple[tuple[int, int], ...] = (
    (-90, 0),
    (-30, 0),
    (30, 0),
    (90, 0),
    (0, -90),
    (0, -30),
    (0, 30),
    (0, 90),
)

# Competing-report swaps judged per thesis (robustness, part 3): bounds the pass on dense data.
MAX_SWAPS = 48


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


def summary(children: Sequence[RuleResult], verdict: Verdict, how: str) -> str:
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


# -- judging -----------------------------------------------------------------------------------------------------


def judge(rule: Any, ctx: Context) -> RuleResult:
    """Judge one rule through its registered kind, and fill in its label."""
    kind = get_kind(rule.kind)
    result = kind.judge(rule, ctx)
    if not result.label:
        result = replace(result, label=rule.label or (kind.label(rule, ctx) if kind.label else rule.kind))
    return result


def _judge_all(rules: Sequence[Any], ctx: Context) -> tuple[RuleResult, ...]:
    return tuple(judge(rule, ctx) for rule in rules)


# -- robustness --------------------------------------------------------------------------------------------------


def _evidence_ids(results: Sequence[RuleResult]) -> set[str]:
    return {e.id for r in results for node in r.walk() for e in node.evidence}


def _shift_rule(rule: Any, result: RuleResult, d_start: int, d_end: int) -> Any:
    """The rule with its window edges moved (windowed kinds only; nested rules recursively); same rule if none."""
    if rule.kind in ("all", "any"):
        kids = [_shift_rule(c, r, d_start, d_end) for c, r in zip(rule.rules, result.children, strict=False)]
        if all(k is c for k, c in zip(kids, rule.rules, strict=False)):
            return rule
        return rule.model_copy(update={"rules": kids})
    if not get_kind(rule.kind).is_windowed() or result.window is None:
        return rule
    start = rule.start if rule.start is not None else result.window[0]
    end = rule.end if rule.end is not None else result.window[1]
    update: dict[str, Any] = {}
    if d_start and start is not None:
        update["start"] = shift(start, d_start)
        if rule.start is None and d_start < 0:
            return rule  # the window already starts at the first observation: nothing earlier to add
    if d_end and end is not None:
        if rule.end is None and d_end > 0:
            return rule  # the window already ends at the latest observation: nothing later to add
        update["end"] = shift(end, d_end)
    return rule.model_copy(update=update) if update else rule


def _describe_ids(ids: set[str], ctx: Context) -> str:
    return ", ".join(sorted(ids))


def robustness(thesis: Any, rules: tuple[RuleResult, ...], verdict: Verdict, ctx: Context) -> Robustness:
    """Re-judge a thesis under the documented perturbations; only rules a perturbation touches are re-judged."""
    if verdict is N:
        return Robustness("n/a", 0)
    flips: list[Flip] = []
    rests: list[str] = []
    checks = 0

    def rejudge(new_rules: list[Any], new_ctx: Context, touched: list[bool], what: str) -> None:
        nonlocal checks
        checks += 1
        results = [judge(r, new_ctx) if t else old for r, t, old in zip(new_rules, touched, rules, strict=True)]
        got = combine([r.verdict for r in results], thesis.combine)
        if got is verdict:
            return
        if got is N:
            rests.append(what)
        else:
            flips.append(Flip(what, got))

    # 1. window edges moved
    moved = ctx.without(())
    for d_start, d_end in WINDOW_SHIFTS:
        shifted = [_shift_rule(r, res, d_start, d_end) for r, res in zip(thesis.rules, rules, strict=True)]
        touched = [s is not r for s, r in zip(shifted, thesis.rules, strict=True)]
        if any(touched):
            edge = "start" if d_start else "end"
            rejudge(shifted, moved, touched, f"with the window {edge} moved {d_start or d_end:+d} days")
    # 2. each source left out (a source = a publisher; its every row goes)
    evidence = [e for r in rules for node in r.walk() for e in node.evidence]
    used_by_rule = [_evidence_ids([r]) for r in rules]
    publishers: dict[str, set[str]] = {}
    for e in evidence:
        publishers.setdefault(e.publisher, set()).add(e.id)
    for publisher in sorted(publishers):
        # a rule is touched when a point it used came from the publisher (its own ids are in `publishers`)
        rows = publishers[publisher]
        touched = [bool(used & rows) for used in used_by_rule]
        rejudge(list(thesis.rules), ctx.without(publishers=[publisher]), touched, f"without {publisher}")
    # 3. each point replaced by each of its competing reports; on dense data (thousands of points, each with
    # competing reports) at most MAX_SWAPS per thesis, the largest relative changes first: a rule that is monotone
    # in a point's value flips on the biggest swaps first. On the shipped data no thesis comes near the bound.
    swaps: list[tuple[float, int, Any, Any]] = []
    seen: set[tuple[str, str]] = set()
    for e in evidence:
        for comp in e.competing:
            if comp.value == e.value or (e.id, comp.id) in seen:
                continue
            seen.add((e.id, comp.id))
            change = abs(comp.value - e.value) / (abs(e.value) or 1.0)
            swaps.append((change, len(swaps), e, comp))
    if len(swaps) > MAX_SWAPS:
        swaps = sorted(sorted(swaps, key=lambda w: -w[0])[:MAX_SWAPS], key=lambda w: w[1])
    for _, _, e, comp in swaps:
        drop = {e.id} | {c.id for c in e.competing if c.id != comp.id}
        touched = [e.id in used for used in used_by_rule]
        what = (
            f"if {subject_name(ctx.registry, e.entity, e.product, e.metric, e.basis)} on {e.as_of} read "
            f"{ctx.human(comp.value, e.unit)} ({comp.publisher}) instead of {ctx.human(e.value, e.unit)} "
            f"({e.publisher})"
        )
        rejudge(list(thesis.rules), ctx.without(drop), touched, what)
    # a decided verdict no perturbation applies to (no window to move, no observation to leave out) is untested,
    # not robust
    label = "fragile" if flips else ("robust" if checks else "untested")
    return Robustness(label, checks, tuple(flips), tuple(rests))


# -- confidence ----------------------------------------------------------------------------------------------------

TIER_POINTS = {"primary": 2, "major": 1, "secondary": 0, None: 0}


def confidence(rules: tuple[RuleResult, ...], verdict: Verdict, ctx: Context) -> Confidence | None:
    """A tier from independent sources, their age and their source tier (docs/theses.md, "Confidence").

    Points: independent publishers (of the points used, and of competing reports within 10% of them) 1 -> 0,
    2 -> 1, 3+ -> 2; newest evidence published within 90 days of today
    -> 2, within 365 -> 1, else 0; best source tier primary (or an official figure) -> 2, major -> 1, else 0.
    5-6 high, 3-4 medium, 0-2 low. None when nothing was decided.
    """
    if verdict is N:
        return None
    evidence = [e for r in rules for node in r.walk() for e in node.evidence]
    if not evidence:
        return None
    # independent sources: the publishers of the points used, and of competing reports that agree with them
    # (within 10%): a second outlet repeating the same figure corroborates it; one that disagrees does not
    publishers = {e.publisher for e in evidence}
    publishers |= {c.publisher for e in evidence for c in e.competing if abs(c.value - e.value) <= 0.1 * abs(e.value)}
    n = len(publishers)
    src = 0 if n <= 1 else 1 if n == 2 else 2
    newest = max((e.published for e in evidence if e.published), default=None)
    age = (ctx.today - newest).days if newest else None
    fresh = 0 if age is None else 2 if age <= 90 else 1 if age <= 365 else 0
    tiers = [e.tier for e in evidence]
    best = min(tiers, key=lambda t: {"primary": 0, "major": 1, "secondary": 2}.get(t or "", 3))
    tier_pts = TIER_POINTS.get(best, 0)
    if any(e.kind == "official" for e in evidence):
        tier_pts = 2
    score = src + fresh + tier_pts
    tier = "high" if score >= 5 else "medium" if score >= 3 else "low"
    return Confidence(tier, n, age, best, score)


# -- the entry point -------------------------------------------------------------------------------------------


def evaluate(
    theses: Sequence[Thesis],
    frame: pd.DataFrame,
    registry: Registry,
    *,
    as_of: date | str | None = None,
    dataset_version: str = "",
    extras: Mapping[str, Any] | None = None,
    robust: bool = True,
) -> CheckResult:
    """Judge every thesis against ``frame`` as known on ``as_of`` (all rows when None).

    Pure: the frame is not modified, nothing is read or written. With ``as_of``, only observations published
    on or before that day count, and "latest" means latest as known then. ``registry`` names and checks
    entities, products and metrics (the store's: ``Corevar.registry()``); ``extras`` hands outside inputs
    (e.g. ``prices``, ``news`` DataFrames) to kinds registered by other packages. Unknown names raise
    :class:`~corevar.theses.parser.ThesisFileError` with file:line. ``robust=False`` skips the robustness pass.
    """
    with paused():  # many small acyclic objects: see corevar.gcpause
        return _evaluate(theses, frame, registry, as_of=as_of, dataset_version=dataset_version, extras=extras,
                         robust=robust)  # fmt: skip


def _evaluate(
    theses: Sequence[Thesis],
    frame: pd.DataFrame,
    registry: Registry,
    *,
    as_of: date | str | None,
    dataset_version: str,
    extras: Mapping[str, Any] | None,
    robust: bool,
) -> CheckResult:
    from .checks import check_theses

    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    ctx = Context.build(frame, registry, day, extras)
    ctx._judge = judge
    check_theses(theses, registry, ctx)
    results = []
    for thesis in theses:
        rules = _judge_all(thesis.rules, ctx)
        verdict = combine([r.verdict for r in rules], thesis.combine)
        results.append(
            ThesisResult(
                id=thesis.id,
                text=thesis.text,
                stance=thesis.stance.value,
                source=thesis.source.model_dump(mode="json", exclude_none=True),
                verdict=verdict,
                explanation=summary(rules, verdict, thesis.combine),
                rules=rules,
                rebuts=tuple(thesis.rebuts),
                robustness=robustness(thesis, rules, verdict, ctx) if robust else None,
                confidence=confidence(rules, verdict, ctx),
                note=thesis.note,
            )
        )
    return CheckResult(
        theses=tuple(results),
        as_of=day,
        dataset_version=dataset_version,
        data_through=ctx.data_through,
        today=ctx.today,
    )


def evaluate_files(
    paths: Sequence[str | Path] | None,
    frame: pd.DataFrame,
    registry: Registry,
    *,
    as_of: date | str | None = None,
    dataset_version: str = "",
    extras: Mapping[str, Any] | None = None,
) -> CheckResult:
    """Load theses from YAML files (the shipped defaults when None) and :func:`evaluate` them."""
    from .parser import load_theses

    return evaluate(load_theses(paths), frame, registry, as_of=as_of, dataset_version=dataset_version, extras=extras)
