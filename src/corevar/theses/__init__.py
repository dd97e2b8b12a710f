"""Theses: investment claims written as rules over data, judged against the observations.

>>> from corevar.theses import load_theses, evaluate, render
>>> result = evaluate(load_theses(), frame, registry, as_of="2026-05-01")  # doctest: +SKIP
>>> print(render(result, "md"))  # doctest: +SKIP

Rule kinds are plug-ins (:mod:`corevar.theses.kinds`). The file format, every rule kind, robustness and how
verdicts combine are documented in docs/theses.md.
"""

from __future__ import annotations

from .engine import combine, evaluate, evaluate_files
from .model import Source, Stance, Subject, Thesis, ThesisFile
from .parser import ThesisFileError, ThesisProblem, default_theses_path, load_theses, parse_theses
from .plugins import RuleKind, register
from .render import FORMATS, render
from .result import CheckResult, Confidence, Evidence, Robustness, RuleResult, ThesisResult, Verdict

__all__ = [
    "FORMATS",
    "CheckResult",
    "Confidence",
    "Evidence",
    "Robustness",
    "RuleKind",
    "RuleResult",
    "Source",
    "Stance",
    "Subject",
    "Thesis",
    "ThesisFile",
    "ThesisFileError",
    "ThesisProblem",
    "ThesisResult",
    "Verdict",
    "combine",
    "default_theses_path",
    "evaluate",
    "evaluate_files",
    "load_theses",
    "parse_theses",
    "register",
    "render",
]
