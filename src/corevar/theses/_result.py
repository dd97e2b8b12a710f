"""What a check returns: a verdict per rule and per thesis, with the evidence rows and a one-line explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ._format import human

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CheckResult", "Evidence", "RuleResult", "ThesisResult", "Verdict"]


class Verdict(StrEnum):
    """The four verdicts. ``insufficient_data`` is an honest "cannot tell", never a guess."""

    supported = "supported"
    contradicted = "contradicted"
    mixed = "mixed"
    insufficient_data = "insufficient_data"


@dataclass(frozen=True)
class Evidence:
    """One observation a verdict rests on, with its provenance. ``role`` says what it was used as."""

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

    def describe(self) -> str:
        """``800M on 2025-10-06 (OpenAI)``."""
        return f"{human(self.value, self.unit)} on {self.as_of.isoformat()} ({self.publisher})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "entity": self.entity,
            "product": self.product,
            "metric": self.metric,
            "basis": self.basis,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "as_of": self.as_of.isoformat(),
            "published": self.published.isoformat() if self.published else None,
            "kind": self.kind,
            "publisher": self.publisher,
            "source_url": self.source_url,
        }


@dataclass(frozen=True)
class RuleResult:
    """The verdict of one rule. ``figures`` holds the computed numbers (growth, ratio, gap, HHI, ...)."""

    kind: str
    label: str
    verdict: Verdict
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    figures: dict[str, float] = field(default_factory=dict)
    children: tuple[RuleResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "figures": {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in self.figures.items()
            },
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
    """The verdict of one thesis: its rules' verdicts combined (see docs/theses.md)."""

    id: str
    text: str
    stance: str
    source: dict[str, Any]
    verdict: Verdict
    explanation: str
    rules: tuple[RuleResult, ...]
    rebuts: tuple[str, ...] = ()

    def evidence(self) -> list[Evidence]:
        """Every evidence row under this thesis, without repeats, in order."""
        seen: dict[tuple[Any, ...], Evidence] = {}
        for rule in self.rules:
            for node in rule.walk():
                for ev in node.evidence:
                    key = (ev.entity, ev.product, ev.metric, ev.basis, ev.as_of, ev.value, ev.source_url)
                    seen.setdefault(key, ev)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "stance": self.stance,
            "rebuts": list(self.rebuts),
            "source": self.source,
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass(frozen=True)
class CheckResult:
    """Every thesis judged, stamped with the dataset version and the date the data was taken as known on."""

    theses: tuple[ThesisResult, ...]
    as_of: date | None
    dataset_version: str
    data_through: date | None = None

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
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "data_through": self.data_through.isoformat() if self.data_through else None,
            "counts": self.counts(),
            "theses": [t.to_dict() for t in self.theses],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per thesis: id, stance, verdict, explanation, text, evidence count."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": t.id,
                    "stance": t.stance,
                    "verdict": t.verdict.value,
                    "explanation": t.explanation,
                    "text": t.text,
                    "evidence": len(t.evidence()),
                }
                for t in self.theses
            ],
            columns=["id", "stance", "verdict", "explanation", "text", "evidence"],
        )
