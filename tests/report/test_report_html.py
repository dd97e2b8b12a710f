"""The HTML page: first screen, scorecard, sections, self-contained and light."""

from __future__ import annotations

import re

from corevar.report.charts import PLOTLY_VERSION, plotly_js

from .conftest import figures


def test_report_file_is_written(rendered):
    path, html, _ = rendered
    assert path.name == "corevar-report.html"
    assert html.startswith("<!DOCTYPE html>")


def test_first_screen_is_the_bottom_line(rendered):
    _, html, view = rendered
    main = html[html.index("<main>") :]
    assert main.index('id="bottom-line"') < main.index('id="scorecard"') < main.index('class="core-section"')
    for card in view.verdicts:
        assert f'id="claim-{card.id}"' in html
        assert card.sentence and card.sentence.endswith(".")
        assert card.verdict_label.lower() in card.sentence.lower()
    assert "What changed since 2026-01-01" in html  # --since


def test_nav_entries_are_unique_and_every_anchor_exists(rendered):
    _, html, _ = rendered
    nav = html[html.index("<nav") : html.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    labels = re.findall(r">([^<]+)</a>", nav)
    assert len(targets) == len(set(targets)) and len(labels) == len(set(labels))
    for target in targets:
        assert f'id="{target}"' in html


def test_every_chart_div_has_a_figure_and_a_source_line(rendered):
    _, html, view = rendered
    figs = figures(html)
    for chart in view.charts():
        assert f'id="{chart.id}"' in html and chart.id in figs
        assert chart.source_line.startswith("Source: ")
        assert chart.n_points >= 3  # no chart from fewer than three points


def test_charts_by_kind_of_metric(rendered):
    _, html, view = rendered
    kinds = {c.kind for c in view.charts()}
    assert {"line", "share", "score", "price", "deal"} <= kinds
    figs = figures(html)
    for chart in view.charts():
        fig = figs[chart.id]
        if chart.kind == "share":
            assert fig["layout"]["yaxis"]["tickformat"] == ".0%" and fig["layout"]["yaxis"]["range"][0] == 0
        if chart.kind == "price":
            assert fig["layout"]["yaxis"]["type"] == "log" and "log scale" in chart.subtitle
        if chart.kind in ("deal", "flow"):
            assert all(t["type"] == "bar" for t in fig["data"])  # never a line through separate deals
        if chart.kind == "score":
            assert "%" not in chart.y_title and fig["layout"]["xaxis"].get("tickformat") is None
        if chart.kind == "line":
            assert chart.log or fig["layout"]["yaxis"]["rangemode"] == "tozero"
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", chart.title), chart.title  # names, never raw ids


def test_one_colour_per_company_on_every_chart(rendered):
    _, _, view = rendered
    seen: dict[str, set[str]] = {}
    for chart in view.charts():
        for s in chart.series:
            if s.entity:
                seen.setdefault(s.entity, set()).add(s.colour)
    assert seen and all(len(colours) == 1 for colours in seen.values()), seen
    assert len({next(iter(c)) for e, c in seen.items() if e in view.colours}) == len(
        [e for e in seen if e in view.colours]
    )


def test_numbers_for_humans(rendered):
    _, _, view = rendered
    # what the report itself writes (the engine's own detail text, one click away, is the engine's business)
    text = " ".join(
        [v.sentence for v in view.verdicts]
        + [c.text + " " + c.growth + " " + c.target for r in view.scorecard.rows for c in r.cells]
        + [x for c in view.charts() for x in (c.title, c.subtitle, *(f.note for f in c.fits))]
        + [m.hhi.text for m in view.markets]
        + [p.interval + p.factor.text for p in view.prices]
    )
    assert not re.search(r"\d{3},\d{3},\d{3}", text)  # no 804,476,958
    assert "inf]" not in text and "nan" not in text.lower().split()
    assert not re.search(r"/yr \(annualised from \d+ months?\)", text)
    for row in view.scorecard.rows:
        for cell in row.cells:
            if "per year over" in cell.growth or "%/yr" in cell.growth:
                assert "year" in cell.growth  # annualised only over a year or more
    for p in view.prices:
        if p.n < 5:
            assert p.interval.startswith("no interval")


def test_freshness_against_the_data_not_the_clock(rendered):
    _, html, view = rendered
    assert view.freshness.as_of == view.as_of
    assert 'id="today-line"' in html and "Measured against today" in html
    ages = [age for _, cells in view.freshness.rows for age, _ in cells if age is not None]
    assert ages and min(ages) >= 0


def test_report_is_self_contained_and_light(rendered):
    path, html, _ = rendered
    assert not re.search(r'<script[^>]+src=|<link[^>]+href="http', html)
    js = plotly_js()
    assert f"v{PLOTLY_VERSION}" in js[:200] and "basic" in js[:200]
    assert path.stat().st_size < 2_500_000  # the full plotly.js alone was 4.8 MB


def test_vendored_plotly_matches_plotly_py_and_keeps_its_licence():
    from pathlib import Path

    import plotly.offline

    assert plotly.offline.get_plotlyjs_version() == PLOTLY_VERSION
    static = Path(__import__("corevar.report.charts", fromlist=["STATIC"]).STATIC)
    assert "MIT License" in (static / "plotly-basic.LICENSE").read_text(encoding="utf-8")
    assert "Licensed under the MIT license" in plotly_js()[:300]


def test_report_as_of_limits_the_data(report_db, tmp_path):
    from corevar.report import write_report

    _, view = write_report(tmp_path, db=report_db, as_of="2025-06-30")
    assert view.as_of is not None and view.as_of <= view.requested_as_of
    for chart in view.charts():
        for s in chart.series:
            assert all(p.as_of <= view.as_of for p in s.points)


def test_scorecard_rows_are_one_metric_and_one_basis_each(rendered):
    _, html, view = rendered
    keys = [(row.metric, row.basis) for row in view.scorecard.rows]
    assert len(keys) == len(set(keys))
    for row in view.scorecard.rows:
        assert f'data-metric="{row.metric}" data-basis="{row.basis}"' in html
        assert all(c.kind in ("official", "reported", "estimate") for c in row.cells if c.value is not None)
    assert not {"compute_commitments", "funding_round"} & {m for m, _ in keys}  # deals are bars, never a row
