"""What a check returns: a verdict per rule and per thesis, the whole evidence, robustness and a confidence tier.

Everything here is a frozen value with ``to_dict()`` for JSON; nothing computes a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ._format import human

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CheckResult",
    "Competitor",
    "Confidence",
    "Evidence",
    "Flip",
    "Robustness",
    "RuleResult",
    "ThesisResult",
    "Verdict",
]


class Verdict(StrEnum):
    """The four verdicts. ``insufficient_data`` is an honest "cannot tell", never a guess."""

    supported = "supported"
    contradicted = "contradicted"
    mixed = "mixed"
    insufficient_data = "insufficient_data"


# Why a rule could not be judged (RuleResult.reason). Stated in the explanation as well.
REASONS: dict[str, str] = {
    "no_data": "no data at all for the subject",
    "not_published": "data exists but none of it had been published by the as-of date",
    "outside_window": "data exists but none in the rule's window",
    "stale": "only data older than the metric's max_age",
    "too_few": "too few points or too short a span in the window",
    "undecided": "the data cannot decide (a range straddles the line, or no fit)",
    "not_judged": "no registered rule kind judges this yet",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True, slots=True)  # slots: a large check holds hundreds of thousands of these
class Competitor:
    """Another report of the same subject, metric, basis and date that the conflict rule did not pick."""

    id: str
    value: float
    kind: str
    tier: str | None
    published: date | None
    publisher: str
    source_url: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "kind": self.kind,
            "tier": self.tier,
            "published": _iso(self.published),
            "publisher": self.publisher,
            "source_url": self.source_url,
        }


@dataclass(frozen=True, slots=True)  # slots: a large check holds hundreds of thousands of these
class Evidence:
    """One observation a verdict rests on, with its provenance. ``role`` says what it was used as.

    ``competing`` lists the other reports for the same point and ``chosen_because`` why the conflict rule
    picked this one (empty when it had no competitor).
    """

    role: str
    entity: str
    product: str | None
    metric: str
    basis: str | None
    value: float
    unit: str
    as_of: date
    published: date | None
    kind: str
    publisher: str
    source_url: str
    low: float | None = None
    high: float | None = None
    id: str = ""
    tier: str | None = None
    competing: tuple[Competitor, ...] = ()
    chosen_because: str = ""

    def describe(self) -> str:
        """``800M on 2025-10-06 (OpenAI)``."""
        return f"{human(self.value, self.unit)} on {self.as_of.isoformat()} ({self.publisher})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "id": self.id,
            "entity": self.entity,
            "product": self.product,
            "metric": self.metric,
            "basis": self.basis,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "as_of": self.as_of.isoformat(),
            "published": _iso(self.published),
            "kind": self.kind,
            "tier": self.tier,
            "publisher": self.publisher,
            "source_url": self.source_url,
            "chosen_because": self.chosen_because,
            "competing": [c.to_dict() for c in self.competing],
        }


@dataclass(frozen=True)
class Flip:
    """One perturbation that changed the verdict: what was changed and what the verdict became."""

    perturbation: str
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {"perturbation": self.perturbation, "verdict": self.verdict.value}

    def describe(self) -> str:
        return f"{self.verdict.value.replace('_', ' ')} {self.perturbation}"


@dataclass(frozen=True)
class Robustness:
    """How a verdict stands up to the documented perturbations (docs/theses.md, "Robustness").

    ``label``: ``robust`` (no perturbation gives another decided verdict), ``fragile`` (some does: see
    ``flips``), ``untested`` (decided, but no perturbation applies: no window to move, no observation to leave
    out) or ``n/a`` (nothing decided to perturb). ``rests_on`` lists perturbations after which the
    data no longer decides (e.g. the only source left out): not a flip, but what the verdict needs.
    """

    label: str
    checks: int
    flips: tuple[Flip, ...] = ()
    rests_on: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.label == "n/a":
            return "n/a"
        if self.label == "untested":
            return "untested (no perturbation applies to its rules)"
        if not self.flips:
            return f"robust ({self.checks} perturbations)"
        shown = "; ".join(f.describe() for f in self.flips[:3])
        more = f"; +{len(self.flips) - 3} more" if len(self.flips) > 3 else ""
        return f"fragile: {shown}{more}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "checks": self.checks,
            "flips": [f.to_dict() for f in self.flips],
            "rests_on": list(self.rests_on),
        }


@dataclass(frozen=True)
class Confidence:
    """A confidence tier (high, medium, low) from independent sources, their age and their source tier."""

    tier: str
    sources: int
    newest_age_days: int | None
    best_source_tier: str | None
    score: int

    def describe(self) -> str:
        age = f", newest {self.newest_age_days} days old" if self.newest_age_days is not None else ""
        best = f", best source {self.best_source_tier}" if self.best_source_tier else ""
        return f"{self.tier} ({self.sources} independent source{'s' if self.sources != 1 else ''}{age}{best})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "sources": self.sources,
            "newest_age_days": self.newest_age_days,
            "best_source_tier": self.best_source_tier,
            "score": self.score,
        }


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


@dataclass(frozen=True)
class RuleResult:
    """The verdict of one rule. ``figures`` holds the computed numbers (growth, ratio, gap, HHI, ...).

    ``window`` is the (start, end) of the observations the rule looked at; ``reason`` says why a rule is
    insufficient data (a key of :data:`REASONS`).
    """

    kind: str
    label: str
    verdict: Verdict
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    figures: dict[str, float] = field(default_factory=dict)
    children: tuple[RuleResult, ...] = ()
    window: tuple[date | None, date | None] | None = None
    reason: str | None = None
    robustness: Robustness | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "explanation": self.explanation,
            "window": None if self.window is None else [_iso(self.window[0]), _iso(self.window[1])],
            "figures": {k: _finite(v) for k, v in self.figures.items()},
            "robustness": self.robustness.to_dict() if self.robustness else None,
            "evidence": [e.to_dict() for e in self.evidence],
            "rules": [c.to_dict() for c in self.children],
        }

    def walk(self) -> list[RuleResult]:
        """This result and every nested one, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(frozen=True)
class ThesisResult:
    """The verdict of one thesis: its rules' verdicts combined (see docs/theses.md), how robust, how sure."""

    id: str
    text: str
    stance: str
    source: dict[str, Any]
    verdict: Verdict
    explanation: str
    rules: tuple[RuleResult, ...]
    rebuts: tuple[str, ...] = ()
    robustness: Robustness | None = None
    confidence: Confidence | None = None
    note: str | None = None

    def evidence(self) -> list[Evidence]:
        """Every evidence row under this thesis, without repeats, in order."""
        seen: dict[tuple[Any, ...], Evidence] = {}
        for rule in self.rules:
            for node in rule.walk():
                for ev in node.evidence:
                    key = (ev.id, ev.entity, ev.product, ev.metric, ev.basis, ev.as_of, ev.value, ev.source_url)
                    seen.setdefault(key, ev)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "stance": self.stance,
            "rebuts": list(self.rebuts),
            "source": self.source,
            "note": self.note,
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "robustness": self.robustness.to_dict() if self.robustness else None,
            "confidence": self.confidence.to_dict() if self.confidence else None,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass(frozen=True)
class CheckResult:
    """Every thesis judged, stamped with the dataset version and the date the data was taken as known on."""

    theses: tuple[ThesisResult, ...]
    as_of: date | None
    dataset_version: str
    data_through: date | None = None
    today: date | None = None

    def __getitem__(self, thesis_id: str) -> ThesisResult:
        for thesis in self.theses:
            if thesis.id == thesis_id:
                return thesis
        raise KeyError(thesis_id)

    def counts(self) -> dict[str, int]:
        """How many theses got each verdict."""
        out = {v.value: 0 for v in Verdict}
        for thesis in self.theses:
            out[thesis.verdict.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset_version": self.dataset_version,
            "as_of": _iso(self.as_of),
            "today": _iso(self.today),
            "data_through": _iso(self.data_through),
            "counts": self.counts(),
            "theses": [t.to_dict() for t in self.theses],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per thesis: id, stance, verdict, robustness, confidence, explanation, text, evidence count."""
        import pandas as pd

        cols = ["id", "stance", "verdict", "robustness", "confidence", "explanation", "text", "evidence"]
        return pd.DataFrame(
            [
                {
                    "id": t.id,
                    "stance": t.stance,
                    "verdict": t.verdict.value,
                    "robustness": t.robustness.label if t.robustness else None,
                    "confidence": t.confidence.tier if t.confidence else None,
                    "explanation": t.explanation,
                    "text": t.text,
                    "evidence": len(t.evidence()),
                }
                for t in self.theses
            ],
            columns=cols,
        )
