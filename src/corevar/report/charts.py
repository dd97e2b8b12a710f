"""Plotly figures as plain JSON-able dicts drawn from a :class:`~corevar.views.model.ChartView`, and the safe way to
put them and plotly.js into a page.

Figures are dicts (no ``plotly.graph_objects``: importing it costs more than the whole report), drawn in the page
with ``Plotly.newPlot``. Titles, subtitles and source lines are HTML around the chart (they wrap and print); the
figure carries only marks, axes and hover. Plotly renders trace names and hover text as a small HTML subset, so
every string from the data goes through :func:`hover_escape`; the figure JSON is embedded with
:func:`script_json`, which makes ``</script>`` and ``<!--`` impossible inside the script element.

Conventions (docs/report.md): the conflict rule's pick solid, competing reports faint (35%); official = filled
marker, reported = hollow, estimate = hollow + dotted; one fixed colour per company; levels from 0; log axes only
for prices (and counts more than 30x apart), labelled; bars never on a log axis.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

from ..views.model import ChartView, PointView, SeriesView
from ..views.numbers import fmt

__all__ = ["PLOTLY_VERSION", "figure", "hover_escape", "plotly_js", "script_json"]

PLOTLY_VERSION = "4.1.1"
STATIC = Path(__file__).parent / "static"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
KIND_SYMBOL = {"official": "circle", "reported": "circle-open", "estimate": "circle-open-dot"}


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
    """The vendored plotly.js basic bundle (scatter + bar; read from the package, never fetched)."""
    source = (STATIC / "plotly-basic.min.js").read_text(encoding="utf-8")
    # Defensive: a literal "</script" would end the element early. The bundle has none today.
    return source.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _num(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _hover(label: str, p: PointView) -> str:
    when = p.as_of.isoformat()
    what = f"{p.text} ({p.kind})"
    src = hover_escape(p.publisher)
    extra = f"<br>{hover_escape(p.label)}" if p.label and p.label != label else ""
    pick = "" if p.chosen else "<br><i>competing report (not the conflict rule's pick)</i>"
    return f"<b>{hover_escape(label)}</b>{extra}<br>{when}: <b>{hover_escape(what)}</b><br>Source: {src}{pick}"


def _axis(chart: ChartView) -> dict[str, Any]:
    axis: dict[str, Any] = {"gridcolor": "#e8e8e8", "zeroline": False, "automargin": True, "fixedrange": True}
    unit = chart.unit
    if chart.log:
        axis.update(type="log")
        values = [p.value for s in chart.series for p in s.points if p.value > 0]
        if values:  # 1-3-10 ticks over the data's range, labelled like every other number on the page
            lo, hi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
            ticks = [
                m * 10.0**e
                for e in range(lo, hi + 1)
                for m in (1, 3)
                if min(values) / 3 <= m * 10.0**e <= max(values) * 3
            ]
            axis.update(tickvals=ticks, ticktext=[fmt(t, unit).replace("/Mtok", "").replace("/yr", "") for t in ticks])
    else:
        axis["rangemode"] = "tozero"
    if unit == "fraction":
        axis["tickformat"] = ".0%"
    elif unit in ("usd", "usd_per_year", "usd_per_million_tokens"):
        axis.update(tickprefix="$", exponentformat="B")
    else:
        axis["exponentformat"] = "B"
    if chart.y_range is not None:
        axis["range"] = list(chart.y_range)
    if chart.y_title:  # units on the axis too (the subtitle says them in words)
        axis["title"] = {"text": hover_escape(chart.y_title), "font": {"size": 11, "color": "#5f6368"}}
    return axis


def _layout(chart: ChartView) -> dict[str, Any]:
    return {
        "margin": {"l": 56, "r": 16, "t": 8, "b": 36},
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.15, "font": {"size": 11}},
        "yaxis": _axis(chart),
        "xaxis": {
            "showgrid": False,
            "showline": True,
            "linecolor": "#999",
            "ticks": "outside",
            "automargin": True,
            "fixedrange": True,
        },
    }


def _scatter(s: SeriesView, pts: tuple[PointView, ...], *, faint: bool, mode: str) -> dict[str, Any]:
    label = s.label
    return {
        "type": "scatter",
        "mode": mode,
        "name": hover_escape(label) + (" (other reports)" if faint else ""),
        "legendgroup": hover_escape(s.key),
        "showlegend": not faint,
        "x": [p.as_of.isoformat() for p in pts],
        "y": [p.value for p in pts],
        "line": {"color": s.colour, "width": 2.2, "dash": "dot" if pts and pts[-1].kind == "estimate" else "solid"},
        "marker": {
            "color": _rgba(s.colour, 0.35) if faint else s.colour,
            "size": 6,
            "symbol": [KIND_SYMBOL.get(p.kind, "circle") for p in pts] if not faint else "circle",
            "line": {"width": 1.5, "color": s.colour if not faint else _rgba(s.colour, 0.35)},
        },
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [(_num(p.high) - p.value) if _num(p.high) is not None else 0 for p in pts],
            "arrayminus": [(p.value - _num(p.low)) if _num(p.low) is not None else 0 for p in pts],
            "visible": any(p.low is not None or p.high is not None for p in pts) and not faint,
            "color": s.colour,
            "thickness": 1,
            "width": 0,
        },
        "hovertext": [_hover(label, p) for p in pts],
        "hoverinfo": "text",
    }


def figure(chart: ChartView) -> dict[str, Any]:
    """``{"data": [...], "layout": {...}}`` for ``Plotly.newPlot``; every data string escaped."""
    layout = _layout(chart)
    data: list[dict[str, Any]] = []
    if chart.kind == "score":
        ys = [hover_escape(s.label) for s in chart.series]
        for s in chart.series:
            p = s.points[0]
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": hover_escape(s.label),
                    "showlegend": False,
                    "y": [hover_escape(s.label)],
                    "x": [p.value],
                    "marker": {"color": s.colour, "size": 9},
                    "error_x": {
                        "type": "data",
                        "symmetric": False,
                        "array": [(_num(p.high) - p.value) if _num(p.high) is not None else 0],
                        "arrayminus": [(p.value - _num(p.low)) if _num(p.low) is not None else 0],
                        "color": s.colour,
                        "thickness": 1.5,
                        "width": 4,
                    },
                    "hovertext": [_hover(s.label, p)],
                    "hoverinfo": "text",
                }
            )
        layout.update(
            xaxis={"title": {"text": hover_escape(chart.y_title)}, "gridcolor": "#e8e8e8", "fixedrange": True},
            yaxis={"automargin": True, "categoryorder": "array", "categoryarray": ys, "fixedrange": True},
            showlegend=False,
            margin={"l": 8, "r": 16, "t": 8, "b": 40},
        )
        return {"data": data, "layout": layout, "height": max(200, 60 + 30 * len(ys))}
    if chart.kind == "deal":
        bars = sorted(((p, s) for s in chart.series for p in s.points), key=lambda ps: ps[0].value)
        labels = [hover_escape(p.label or s.label) for p, s in bars]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [p.value for p, _ in bars],
                "marker": {"color": [s.colour for _, s in bars]},
                "text": [hover_escape(p.text) for p, _ in bars],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertext": [_hover(s.label, p) for p, s in bars],
                "hoverinfo": "text",
                "showlegend": False,
            }
        )
        layout.update(
            xaxis={
                "title": {"text": hover_escape(chart.y_title)},
                "gridcolor": "#e8e8e8",
                "rangemode": "tozero",
                "tickprefix": "$" if chart.unit.startswith("usd") else "",
                "exponentformat": "B",
                "fixedrange": True,
            },
            yaxis={"automargin": True, "fixedrange": True, "tickfont": {"size": 10}},
            showlegend=False,
            margin={"l": 8, "r": 48, "t": 8, "b": 40},
        )
        return {"data": data, "layout": layout, "height": max(220, 50 + 24 * len(bars))}
    if chart.kind == "flow":
        periods = sorted({(p.as_of, p.basis) for s in chart.series for p in s.points})
        order = list(dict.fromkeys(b.upper().replace("_", " ") for _, b in periods))
        for s in chart.series:
            data.append(
                {
                    "type": "bar",
                    "name": hover_escape(s.label),
                    "x": [p.basis.upper().replace("_", " ") for p in s.points],
                    "y": [p.value for p in s.points],
                    "marker": {"color": s.colour, "pattern": {"shape": ""}},
                    "hovertext": [_hover(s.label, p) for p in s.points],
                    "hoverinfo": "text",
                }
            )
        layout["barmode"] = "group"
        layout["xaxis"] = {
            "type": "category",
            "automargin": True,
            "fixedrange": True,
            "categoryorder": "array",
            "categoryarray": order,
        }
        return {"data": data, "layout": layout}
    # line, share, price: dates on x
    for fit in chart.fits:
        if not fit.dates:
            continue
        x = [d.isoformat() for d in fit.dates]
        if fit.band_low and fit.band_high:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": [_num(v) for v in fit.band_high],
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
                    "y": [_num(v) for v in fit.band_low],
                    "line": {"width": 0},
                    "fill": "tonexty",
                    "fillcolor": _rgba(fit.colour, 0.15),
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": hover_escape(fit.label),
                "x": x,
                "y": [_num(v) for v in fit.values],
                "line": {"dash": "dot", "width": 1.5, "color": fit.colour},
                "hoverinfo": "text",
                "hovertext": hover_escape(fit.note or fit.label),
            }
        )
    for s in chart.series:
        if s.faint:
            data.append(_scatter(s, s.faint, faint=True, mode="markers"))
        mode = "markers" if chart.kind == "price" else ("lines+markers" if len(s.points) > 1 else "markers")
        trace = _scatter(s, s.points, faint=False, mode=mode)
        if chart.kind == "price":  # each dot in its lab's colour is in the label; the tier's colour is the line
            trace["marker"]["size"] = 7
        data.append(trace)
    for t in chart.targets:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": hover_escape(t.text),
                "x": [t.due.isoformat()],
                "y": [t.value],
                "marker": {"symbol": "line-ew-open", "size": 22, "color": t.colour, "line": {"width": 2.5}},
                "hovertext": [
                    f"<b>{hover_escape(t.text)}</b><br>{hover_escape(t.status_text)}<br>Source: "
                    f"{hover_escape(t.publisher)}"
                ],
                "hoverinfo": "text",
            }
        )
    return {"data": data, "layout": layout}
