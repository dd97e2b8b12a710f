"""The report: one self-contained HTML page (or a Markdown file) rendered from the view model.

>>> from corevar.report import write_report
>>> path, view = write_report("report")          # doctest: +SKIP

Renderers only: every figure comes from :func:`corevar.views.build`.
"""

from __future__ import annotations

from .write import FORMATS, make_report, render, write, write_report

__all__ = ["FORMATS", "make_report", "render", "write", "write_report"]
