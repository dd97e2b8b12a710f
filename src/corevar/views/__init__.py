"""The view model: one pure layer that turns (store snapshot, judged theses, as-of) into every figure a face shows.

>>> from corevar.views import build, Snapshot
>>> view = build(Snapshot(frame, registry, version), check, as_of=None)   # doctest: +SKIP

HTML, Markdown, the terminal and the web API render a :class:`ReportView`; none of them computes. Each statistic
is computed once (the engine's fits, HHIs and target judgements are reused, never refitted).
"""

from __future__ import annotations

from ._build import STALE_DAYS, Prepared, Snapshot, build, prepare
from .model import ReportView
from .numbers import fmt, fmt_growth, fmt_range

__all__ = ["STALE_DAYS", "Prepared", "ReportView", "Snapshot", "build", "fmt", "fmt_growth", "fmt_range", "prepare"]
