"""The report as one self-contained HTML page: Jinja2 (autoescape on) + inline CSS + the vendored plotly.js bundle.

Renders a :class:`~corevar.views.ReportView` and computes nothing. Every string from the data reaches the page
through autoescaping (no ``|safe`` on data), links are emitted only for http(s) URLs, and chart JSON is embedded
with :func:`corevar.report.charts.script_json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..views.model import ReportView
from .charts import figure, plotly_js, script_json

__all__ = ["ARROWS", "VERDICT_LABEL", "render_html"]

TEMPLATES = Path(__file__).parent / "templates"
VERDICT_LABEL = {
    "supported": "supported",
    "contradicted": "contradicted",
    "mixed": "mixed",
    "insufficient_data": "insufficient data",
}
ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "": ""}


def _href(url: str | None) -> str | None:
    import re

    return url if url and re.match(r"^https?://", url, re.IGNORECASE) else None


def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        href=_href,
        verdict=lambda v: VERDICT_LABEL.get(getattr(v, "value", v), str(v)),
        arrow=lambda d: ARROWS.get(d, ""),
        human=lambda s: str(s).replace("_", " "),
    )
    return env


def render_html(view: ReportView) -> str:
    """The whole page as a string."""
    from markupsafe import Markup

    figures = {chart.id: figure(chart) for chart in view.charts()}
    template = environment().get_template("report.html.j2")
    # The two Markup values are code we produce, not data: the JSON has every "<", ">" and "&" escaped.
    return template.render(r=view, figures_json=Markup(script_json(figures)), plotly_js=Markup(plotly_js()))
