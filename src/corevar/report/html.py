"""The report as one self-contained HTML page: Jinja2 (autoescape on) + inline CSS + Plotly's bundled JS.

Every string from the data reaches the page through autoescaping (no ``|safe`` on data), links are emitted only
for http(s) URLs, and chart JSON is embedded with :func:`corevar.report.charts.script_json`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..units import format_value
from .build import Report, safe_url
from .charts import figure, plotly_js, script_json

__all__ = ["render_html"]

TEMPLATES = Path(__file__).parent / "templates"
VERDICT_LABEL = {
    "supported": "supported",
    "contradicted": "contradicted",
    "mixed": "mixed",
    "insufficient_data": "insufficient data",
}
ARROWS = {"up": "↑", "down": "↓", "flat": "→", "unknown": ""}


def growth_text(value: float, months: float = 12.0) -> str:
    """+41%/yr, or a multiple from +100% up (x3.1/yr reads better than +205%/yr); "" when unknown.

    A rate annualised from less than a year says from how many months ("×272/yr over 5 mo"): a short window
    compounds into numbers that would otherwise read as absurd.
    """
    if not (isinstance(value, float) and math.isfinite(value)):
        return ""
    if value >= 1.0:
        factor = 1.0 + value
        text = f"×{factor:,.1f}/yr" if factor < 100 else f"×{factor:,.0f}/yr"
    else:
        text = f"{value:+.0%}/yr"
    return text + (f" over {months:.0f} mo" if months < 11.5 else "")


def number(value: float | None, unit: str = "") -> str:
    return format_value(value, unit) if value is not None else "—"


def ratio(value: float, digits: int = 1, suffix: str = "x") -> str:
    return f"{value:.{digits}f}{suffix}" if isinstance(value, float) and math.isfinite(value) else "—"


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
        number=number,
        growth=growth_text,
        ratio=ratio,
        href=lambda url: safe_url(url or ""),
        verdict=lambda v: VERDICT_LABEL.get(getattr(v, "value", v), str(v)),
        arrow=lambda d: ARROWS.get(d, ""),
        human=lambda s: str(s).replace("_", " "),
    )
    return env


def render_html(report: Report) -> str:
    """The whole page as a string."""
    from markupsafe import Markup

    figures = {chart.id: figure(chart, report.names) for chart in report.charts()}
    template = environment().get_template("report.html.j2")
    # The two Markup values are code we produce, not data: the JSON has every "<", ">" and "&" escaped.
    return template.render(
        r=report,
        figures_json=Markup(script_json(figures)),
        plotly_js=Markup(plotly_js()),
        stale_days=_stale_days(),
    )


def _stale_days() -> int:
    from .build import STALE_DAYS

    return STALE_DAYS
