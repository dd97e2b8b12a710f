"""Plotly figures as plain JSON-able dicts, and the safe way to put them and Plotly's JS into a page.

Figures are built as dicts (no ``plotly.graph_objects``: importing it costs more than the whole report) and drawn
in the page with ``Plotly.newPlot``. Plotly renders trace names, titles and hover text as a small HTML subset, so
every string that came from the data goes through :func:`hover_escape` first; the figure JSON is embedded with
:func:`script_json`, which makes ``</script>`` and ``<!--`` impossible inside the script element.
"""

from __future__ import annotations

import json
import math
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ..units import format_value
from .build import Chart, Point, Series

__all__ = ["figure", "hover_escape", "plotly_js", "script_json"]

ENTITY_COLORS = {
    "openai": "#10a37f",
    "anthropic": "#d97757",
    "google": "#4285f4",
    "xai": "#6b7280",
    "meta": "#0866ff",
    "microsoft": "#7fba00",
    "deepseek": "#4d6bfe",
    "mistral": "#fa520f",
    "perplexity": "#20808d",
}
TIER_COLORS = {"gpt4_class": "#2563eb", "frontier": "#dc2626", "small": "#16a34a", "frontier_premium": "#9333ea"}
PALETTE = ("#0f766e", "#b45309", "#7c3aed", "#be123c", "#0369a1", "#4d7c0f", "#a16207", "#475569")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def hover_escape(value: object) -> str:
    """Text for Plotly's pseudo-HTML: ``&``, ``<`` and ``>`` escaped so data can never form a tag."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators as escapes."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default)
    return (
        raw.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def plotly_js() -> str:
    """The plotly.js bundle shipped inside the installed ``plotly`` package (read once, never fetched)."""
    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed; `pip install plotly`")
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    source = path.read_text(encoding="utf-8")
    # Defensive: a literal "</script" would end the element early. The bundle has none today.
    return source.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _numbers(values: list[float] | None) -> list[float | None]:
    """Floats for JSON: NaN and infinities become null (a gap in the line)."""
    return [v if v is not None and math.isfinite(v) else None for v in values or []]


def _fill(color: str) -> str:
    """A #rrggbb colour as a light transparent fill."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.12)"


def _color(series: Series, index: int) -> str:
    return ENTITY_COLORS.get(series.entity) or TIER_COLORS.get(series.family) or PALETTE[index % len(PALETTE)]


def _hover(series: Series, p: Point, *, label: str | None = None) -> str:
    parts = [
        f"<b>{hover_escape(label or series.label)}</b>",
        f"{hover_escape(format_value(p.value, p.unit or series.unit))} on {p.as_of.isoformat()}",
        hover_escape(" · ".join(x for x in (p.kind, p.publisher) if x)),
    ]
    return "<br>".join(x for x in parts if x)


def _axis(unit: str, log: bool) -> dict[str, Any]:
    axis: dict[str, Any] = {"gridcolor": "#e5e7eb", "zeroline": False, "automargin": True}
    if log:
        axis.update(type="log", dtick=1)  # one tick per decade: $0.1, $1, $10
    if unit == "fraction":
        axis["tickformat"] = ".0%"
    elif unit in ("usd", "usd_per_year"):
        axis.update(tickprefix="$", exponentformat="B")
    elif unit == "usd_per_million_tokens":
        axis.update(tickprefix="$")
    else:
        axis["exponentformat"] = "B"
    return axis


def figure(chart: Chart, names: dict[str, str]) -> dict[str, Any]:
    """``{"data": [...], "layout": {...}}`` for ``Plotly.newPlot``; every data string escaped."""
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
        "height": 360,
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18, "font": {"size": 11}},
        "yaxis": _axis(chart.unit, chart.log),
        "xaxis": {"gridcolor": "#f3f4f6", "automargin": True},
    }
    if chart.kind == "stacked":
        for i, s in enumerate(chart.series):
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": hover_escape(s.label),
                    "y": [hover_escape(p.basis) for p in s.points],
                    "x": [p.value for p in s.points],
                    "marker": {"color": _color(s, i)},
                    "hovertext": [_hover(s, p, label=f"{s.label} · {p.basis}") for p in s.points],
                    "hoverinfo": "text",
                }
            )
        layout.update(
            barmode="stack",
            height=max(240, 60 + 34 * len({p.basis for s in chart.series for p in s.points})),
            xaxis={"tickformat": ".0%", "gridcolor": "#e5e7eb", "range": [0, 1.0]},
            yaxis={"automargin": True},
            margin={"l": 10, "r": 20, "t": 10, "b": 40},
        )
        return {"data": data, "layout": layout}
    if chart.kind == "grouped":
        for i, s in enumerate(chart.series):
            data.append(
                {
                    "type": "bar",
                    "name": hover_escape(s.label),
                    "x": [hover_escape(p.basis) for p in s.points],
                    "y": [p.value for p in s.points],
                    "marker": {"color": PALETTE[i % len(PALETTE)]},
                    "hovertext": [_hover(s, p, label=f"{p.basis} · {s.label}") for p in s.points],
                    "hoverinfo": "text",
                }
            )
        layout["barmode"] = "group"
        return {"data": data, "layout": layout}
    if chart.kind == "bar":
        xs, ys, hovers, colors = [], [], [], []
        for i, s in enumerate(chart.series):
            xs.append(hover_escape(s.label))
            ys.append(s.latest.value)
            hovers.append(_hover(s, s.latest))
            colors.append(_color(s, i))
        data.append(
            {
                "type": "bar",
                "x": xs,
                "y": ys,
                "hovertext": hovers,
                "hoverinfo": "text",
                "marker": {"color": colors},
                "showlegend": False,
            }
        )
        return {"data": data, "layout": layout}
    for fit in chart.fits:
        color = ENTITY_COLORS.get(fit.entity) or TIER_COLORS.get(fit.entity) or "#6b7280"
        if fit.band_low and fit.band_high:
            x = [d.isoformat() for d in fit.dates]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": _numbers(fit.band_high),
                    "line": {"width": 0},
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": _numbers(fit.band_low),
                    "line": {"width": 0},
                    "fill": "tonexty",
                    "fillcolor": _fill(color),
                    "hoverinfo": "skip",
                    "name": hover_escape(f"interval · {fit.label}"),
                    "showlegend": False,
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": hover_escape(fit.label),
                "x": [d.isoformat() for d in fit.dates],
                "y": _numbers(fit.values),
                "line": {"dash": "dot", "width": 1.5, "color": color},
                "hoverinfo": "text",
                "hovertext": hover_escape(fit.note or fit.label),
            }
        )
    for i, s in enumerate(chart.series):
        mode = "markers" if chart.kind == "scatter" else "lines+markers"
        data.append(
            {
                "type": "scatter",
                "mode": mode,
                "name": hover_escape(s.label),
                "x": [p.as_of.isoformat() for p in s.points],
                "y": [p.value for p in s.points],
                "line": {
                    "color": _color(s, i),
                    "width": 2,
                    "shape": "hv" if s.metric == "inference_price" and chart.kind != "scatter" else "linear",
                },
                "marker": {"color": _color(s, i), "size": 7 if chart.kind == "scatter" else 6, "opacity": 0.85},
                "hovertext": [_hover(s, p, label=f"{p.basis}" if chart.kind == "scatter" else None) for p in s.points],
                "hoverinfo": "text",
            }
        )
    for s in chart.targets:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": hover_escape(s.label),
                "x": [p.as_of.isoformat() for p in s.points],
                "y": [p.value for p in s.points],
                "marker": {
                    "symbol": "star-open",
                    "size": 13,
                    "color": ENTITY_COLORS.get(s.entity, "#111827"),
                    "line": {"width": 2},
                },
                "hovertext": [_hover(s, p) for p in s.points],
                "hoverinfo": "text",
            }
        )
    return {"data": data, "layout": layout}
