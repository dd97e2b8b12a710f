"""The report: one self-contained HTML page (or a Markdown file) of the scorecard, the claims and the sources.

>>> from corevar.report import write_report
>>> path, report = write_report("report")          # doctest: +SKIP
"""

from __future__ import annotations

from .build import Report, build
from .write import FORMATS, make_report, write_report

__all__ = ["FORMATS", "Report", "build", "make_report", "write_report"]
