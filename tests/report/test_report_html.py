"""The HTML report of the bundled data: structure, stamp, self-containment."""

from __future__ import annotations

import re

import corevar
from corevar.report.build import CORE_VARIABLES

from .conftest import figures


def test_report_file_is_written(rendered):
    path, html, _ = rendered
    assert path.name == "corevar-report.html"
    assert html.startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")


def test_report_every_claim_has_a_card_with_its_verdict(rendered):
    _, html, report = rendered
    assert report.check.theses, "no theses were judged"
    for thesis in report.check.theses:
        card = re.search(
            rf'<article class="card" id="claim-{re.escape(thesis.id)}" data-thesis="[^"]+" '
            rf'data-verdict="([a-z_]+)"',
            html,
        )
        assert card, f"no claim card for {thesis.id}"
        assert card.group(1) == thesis.verdict.value


def test_report_seed_claims_are_all_there(rendered):
    _, _, report = rendered
    ids = {t.id for t in report.check.theses}
    assert {"B1", "B4", "B5", "B6", "R1", "R3"} <= ids


def test_report_scorecard_has_the_three_labs(rendered):
    _, html, report = rendered
    assert report.labs[:3] == ["openai", "anthropic", "google"]
    scorecard = html[html.index('<section id="scorecard">') : html.index("</section>", html.index('id="scorecard"'))]
    for lab in ("openai", "anthropic", "google"):
        assert f'<th data-lab="{lab}">' in scorecard
    for core in CORE_VARIABLES:
        assert f'<tr data-core="{core}">' in scorecard
    # OpenAI's users cell shows ChatGPT's weekly actives, with a date and a target judged
    cell = report.scorecard["openai"]["users"]
    assert cell.series is not None and cell.series.metric == "weekly_active_users"
    assert cell.target_status == "missed"


def test_report_has_a_section_and_chart_per_core_variable(rendered):
    _, html, report = rendered
    for core in CORE_VARIABLES:
        assert f'<section id="core-{core}"' in html, core
    for section in report.sections:
        assert section.charts, f"no chart for {section.core}"
    for name in ("market-structure", "price-decline", "compute-finance", "theses", "freshness", "sources"):
        assert f'<section id="{name}"' in html


def test_report_sections_come_in_order(rendered):
    _, html, _ = rendered
    order = [
        "headline",
        "scorecard",
        *(f"core-{c}" for c in CORE_VARIABLES),
        "market-structure",
        "price-decline",
        "compute-finance",
        "theses",
        "freshness",
        "sources",
    ]
    positions = [html.index(f'<section id="{name}"') for name in order]
    assert positions == sorted(positions)


def test_report_every_chart_div_has_a_figure(rendered):
    _, html, report = rendered
    figs = figures(html)
    divs = re.findall(r'<div class="chart" id="([^"]+)"></div>', html)
    assert set(divs) == set(figs) == {c.id for c in report.charts()}
    assert len(divs) == len(set(divs))
    for fig in figs.values():
        assert fig["data"], "empty figure"


def test_report_price_and_users_charts_use_analytics_fits(rendered):
    _, html, _ = rendered
    figs = figures(html)
    assert figs["chart-price-decline"]["layout"]["yaxis"]["type"] == "log"
    names = [t.get("name", "") for t in figs["chart-price-decline"]["data"]]
    assert any(n.startswith("fit: gpt4_class") for n in names)
    users = [t.get("name", "") for t in figs["chart-users-weekly_active_users"]["data"]]
    assert any(n.startswith("logistic fit") for n in users)
    assert any(n.startswith("target") for n in users)


def test_report_stamp(rendered):
    _, html, report = rendered
    assert f'data-dataset-version="{report.dataset_version}"' in html
    assert f'data-corevar-version="{corevar.__version__}"' in html
    assert re.search(r"built \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", html)
    assert "as of all data" in html


def test_report_sources_list_every_source(rendered, report_db):
    _, html, report = rendered
    from corevar.api import open as open_store

    with open_store(report_db) as cv:
        urls = set(cv.frame()["source_url"])
    section = html[html.index('<section id="sources">') :]
    assert len(report.sources) == len(urls)
    assert section.count('rel="noopener noreferrer nofollow"') == len(urls)


def test_report_freshness_flags_stale(rendered):
    _, html, report = rendered
    ages = [age for lab in report.freshness.values() for age in lab.values() if age is not None]
    assert ages
    stale = sum(1 for a in ages if a > 180)
    assert html.count('data-stale="1"') == stale


def test_report_is_self_contained(rendered):
    _, html, _ = rendered
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=["\']?(https?:)?//', html, re.I)
    assert html.count("<script>") == 2  # plotly.js and the drawing code, both inline
    assert "Plotly.newPlot" in html
    assert "default-src 'none'" in html  # the page cannot fetch anything even if something tried


def test_report_as_of_limits_the_data(report_db, tmp_path):
    from corevar.report import write_report

    path, report = write_report(tmp_path, db=report_db, as_of="2025-06-30")
    html = path.read_text(encoding="utf-8")
    assert "as of 2025-06-30" in html
    assert report.reference.isoformat() == "2025-06-30"
    latest = [c.series.latest.as_of for lab in report.scorecard.values() for c in lab.values() if c.series]
    assert latest and max(latest).isoformat() <= "2025-06-30"
