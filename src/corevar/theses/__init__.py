"""Theses: investment claims written as rules over data, judged against the observations.

>>> from corevar.theses import load_theses, evaluate, render
>>> result = evaluate(load_theses(), frame, as_of="2026-05-01", dataset_version="...")  # doctest: +SKIP
>>> print(render(result, "md"))  # doctest: +SKIP

The file format, every rule kind and how verdicts combine are documented in docs/theses.md.
"""

from __future__ import annotations

from ._engine import combine, evaluate, evaluate_files
from ._model import RULE_KINDS, Stance, Subject, Thesis, ThesisFile
from ._parser import ThesisFileError, ThesisProblem, default_theses_path, load_theses, parse_theses
from ._render import FORMATS, render
from ._result import CheckResult, Evidence, RuleResult, ThesisResult, Verdict

__all__ = [
    "FORMATS",
    "RULE_KINDS",
    "CheckResult",
    "Evidence",
    "RuleResult",
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
    "render",
]
