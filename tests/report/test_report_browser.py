"""The report in a real headless Chromium, offline: first screen, a chart of each kind, the PDF page by page and the
390 px phone view, with screenshots saved under tests/artifacts/report/ (look at them when the page changes).

Needs Debian's ``/usr/bin/chromium`` (``make test`` installs it), Playwright's Python package and, for the PDF
pages as images, poppler's ``pdftoppm`` (Chromium's own print-media screenshots are the fallback). A missing
browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM

from .conftest import ARTIFACTS, PAYLOAD_IMG

OUT = ARTIFACTS / "report"

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


def _open(browser, path: Path, **options):
    """A page of the report, offline (anything but file: is refused and recorded), charts drawn."""
    errors: list[str] = []
    outside: list[str] = []
    page = browser.new_page(**options)
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("document.body.getAttribute('data-ready') === '1'", timeout=60_000)
    return page, errors, outside


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_first_screen_and_a_chart_of_each_kind(browser, rendered):
    path, _, view = rendered
    page, errors, outside = _open(browser, path, viewport={"width": 1400, "height": 900})
    page.screenshot(path=str(OUT / "first-screen.png"))
    first = page.evaluate(
        "() => { const r = document.getElementById('claim-B1').getBoundingClientRect(); return r.top < 900; }"
    )
    tiles = page.evaluate(
        "Array.from(document.querySelectorAll('#tiles .tile')).map(t => t.getBoundingClientRect().bottom)"
    )
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('.chart')).map(d => [d.id, !!d.querySelector('.main-svg')])"
    )
    shot = {}
    for chart in view.charts():
        if chart.kind not in shot:
            shot[chart.kind] = chart.id
            page.locator(f"#fig-{chart.id}").screenshot(path=str(OUT / f"chart-{chart.kind}.png"))
    modebar = page.evaluate("document.querySelectorAll('.modebar-container .modebar-btn').length")
    page.close()
    assert errors == [] and outside == [], (errors, outside)
    assert first, "the first verdict is not on the first screen"
    assert 4 <= len(tiles) <= 6 and max(tiles) < 900, f"KPI tiles not all on the first screen: {tiles}"
    assert drawn and all(ok for _, ok in drawn), [c for c, ok in drawn if not ok]
    assert len(drawn) == len(view.charts())
    assert {"line", "share", "score", "price", "deal"} <= set(shot)
    assert modebar == 0  # no Plotly toolbar (and no "share to cloud" button)
    for kind in shot:
        assert (OUT / f"chart-{kind}.png").stat().st_size > 5_000


def test_phone_390px_has_no_sideways_scroll_and_anchors_clear_the_nav(browser, rendered):
    path, _, _ = rendered
    page, errors, _ = _open(browser, path, viewport={"width": 390, "height": 844})
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.screenshot(path=str(OUT / "phone-390.png"))
    page.goto(path.resolve().as_uri() + "#scorecard")
    page.wait_for_timeout(300)
    heading, nav = page.evaluate(
        "[document.querySelector('#scorecard h2').getBoundingClientRect().top,"
        " document.querySelector('nav').getBoundingClientRect().bottom]"
    )
    page.screenshot(path=str(OUT / "phone-390-anchor.png"))
    page.close()
    assert errors == []
    assert widths[0] <= widths[1], f"sideways scroll at 390 px: {widths}"
    assert heading >= nav, f"the nav ({nav}px) hides the heading ({heading}px) after a jump"


@pytest.mark.parametrize("mode", ["reported", "prices"])
def test_chains_section(browser, request, mode):
    """The stock-chain section, without prices (reported moves + how to add prices) and with SYNTHETIC prices."""
    path, _, view = request.getfixturevalue("rendered" if mode == "reported" else "priced")
    assert view.chains is not None and view.chains.mode == mode
    page, errors, outside = _open(browser, path, viewport={"width": 1400, "height": 900})
    section = page.locator("#chains")
    page.evaluate("document.querySelector('nav').style.position = 'static'")  # no sticky nav across the shot
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(OUT / f"chains-{mode}.png"))
    table = "#chain-moves tbody tr, #chain-member-moves tbody tr" if mode == "reported" else "#chain-returns tbody tr"
    rows = page.evaluate(f"document.querySelectorAll('{table}').length")
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.close()
    assert errors == [] and outside == [], (errors, outside)
    assert rows == (len(view.chains.moves) if mode == "reported" else len(view.chains.rows)) > 0
    assert width[0] <= width[1]
    assert (OUT / f"chains-{mode}.png").stat().st_size > 5_000


def test_print_to_pdf_page_by_page(browser, rendered):
    path, _, _ = rendered
    page, errors, _ = _open(browser, path, viewport={"width": 1200, "height": 900})
    images = page.evaluate("document.querySelectorAll('img.print-only').length")
    charts = page.evaluate("document.querySelectorAll('.chart').length")
    pdf = OUT / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.emulate_media(media="print")
    toolbar = page.evaluate(
        "Array.from(document.querySelectorAll('nav, .chart, .modebar-container'))"
        ".filter(e => getComputedStyle(e).display !== 'none').length"
    )
    overflow = page.evaluate(
        "Array.from(document.querySelectorAll('table')).filter(t => t.scrollWidth > t.clientWidth + 1).length"
    )
    page.close()
    assert errors == []
    assert images == charts > 0  # every chart has its static picture for paper
    assert toolbar == 0  # no nav, live charts or toolbars on paper
    assert overflow == 0  # tables fit the page width (no cut-off right column)
    assert pdf.stat().st_size > 50_000
    if shutil.which("pdftoppm"):
        for old in OUT.glob("pdf-page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / "pdf-page")], check=True)
        pages = sorted(OUT.glob("pdf-page-*.png"))
        assert len(pages) >= 5
        from PIL import Image

        for png in pages:  # every page is a real page: A4-shaped and not blank
            with Image.open(png) as im:
                assert 1.3 < im.height / im.width < 1.5, png.name
                assert im.convert("L").getextrema()[0] < 128, f"{png.name} is blank"


def test_payload_stays_inert_in_the_browser(browser, hostile):
    path, _, _ = hostile
    page, errors, outside = _open(browser, path, viewport={"width": 1400, "height": 900})
    tooltip = page.evaluate("""() => {
        const gd = document.getElementById('chart-users-weekly-active-users-all');
        if (!gd) { return 'no chart'; }
        const i = gd.data.findIndex(t => t.hovertext && JSON.stringify(t.hovertext).includes('SYNTHETIC'));
        if (i < 0) { return 'no point'; }
        const j = gd.data[i].hovertext.findIndex(h => h.includes('SYNTHETIC'));
        Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}]);
        const layer = gd.querySelector('.hoverlayer');
        return layer ? layer.textContent : '';
    }""")
    pwned = page.evaluate("typeof window.__pwned")
    page.close()
    assert errors == [] and outside == []
    assert pwned == "undefined"
    assert PAYLOAD_IMG in tooltip
