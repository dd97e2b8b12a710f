"""The report in a real headless Chromium, offline: it draws, it is quiet, and the payload stays inert.

Needs Debian's ``/usr/bin/chromium`` (``make test`` installs it) and Playwright's Python package. Where ``CI`` is
set a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import PAYLOAD_IMG, PAYLOAD_SCRIPT

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _need_browser() -> None:
    problem = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        problem = f"{CHROMIUM} is not installed (apt-get install -y chromium; `make test` does it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is not installed (pip install playwright)"
    if problem:  # never skipped: `make test` installs both, so a missing browser is a broken set-up
        pytest.fail(f"the browser test cannot run: {problem}")


def test_report_renders_offline_in_chromium(hostile):
    _need_browser()
    from playwright.sync_api import sync_playwright

    path, _, report = hostile
    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

            def route(r):
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(path.resolve().as_uri())
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.chart')).every(d => d.querySelector('.main-svg'))",
                timeout=20_000,
            )
            charts = page.evaluate(
                "Array.from(document.querySelectorAll('.chart')).map(d => [d.id, !!d.querySelector('.main-svg')])"
            )
            cards = page.evaluate("document.querySelectorAll('article.card[data-verdict]').length")
            pwned = page.evaluate("typeof window.__pwned")
            body = page.inner_text("body")
            # hover the SYNTHETIC point of the users chart: the tooltip shows the payload as text
            tooltip = page.evaluate("""() => {
                const gd = document.getElementById('chart-users-weekly_active_users');
                const i = gd.data.findIndex(t => t.name && t.name.startsWith('ChatGPT'));
                Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: gd.data[i].x.indexOf('2024-02-01')}]);
                const layer = gd.querySelector('.hoverlayer');
                return layer ? layer.textContent : '';
            }""")
            pwned_after_hover = page.evaluate("typeof window.__pwned")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert outside == [], f"the page tried to reach the network: {outside}"
    assert charts and all(drawn for _, drawn in charts), [c for c, drawn in charts if not drawn]
    assert len(charts) == len(report.charts())
    assert cards == len(report.check.theses)
    assert pwned == "undefined"
    assert PAYLOAD_SCRIPT in body  # shown as text
    assert PAYLOAD_IMG in tooltip and pwned_after_hover == "undefined"
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
