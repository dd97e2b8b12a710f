"""The dashboard in a real headless Chromium (Debian's), served by uvicorn on 127.0.0.1: the replay control, a
claim drill-down, charts drawn under the Content-Security-Policy, the add form with a bad value and a good one, a
script payload in a note shown as text. Like the report's browser test, a missing browser fails, never skips."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM

from .conftest import GOOD, TOKEN, XSS_NOTE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"


def _need_browser() -> None:
    problem = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        problem = f"{CHROMIUM} is not installed (apt-get install -y chromium; `make test` does it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is not installed (pip install playwright)"
    if problem:
        pytest.fail(f"the browser test cannot run: {problem}")


@pytest.fixture(scope="module")
def server(base_db, tmp_path_factory):
    """The app over a private copy of the store, served by uvicorn in a thread on a free loopback port."""
    import uvicorn

    from corevar.web import create_app

    path = tmp_path_factory.mktemp("browser") / "corevar.duckdb"
    shutil.copy(base_db, path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(path, token=TOKEN), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, base):
    """A page that records console errors (CSP violations included) and any request leaving the app."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, errors, outside


def test_replay_and_drill_down(browser, server):
    import httpx

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page, errors, outside = _page(browser, server)
    page.goto(server + "/")
    now = dict(
        page.evaluate(
            "Array.from(document.querySelectorAll('#claims tr[data-thesis]'))"
            ".map(r => [r.dataset.thesis, r.dataset.verdict])"
        )
    )
    assert now, "no claims on the overview"
    page.fill("#as_of", "2025-06-30")
    page.click("#replay button[type=submit]")
    page.wait_for_url("**as_of=2025-06-30**")
    then = dict(
        page.evaluate(
            "Array.from(document.querySelectorAll('#claims tr[data-thesis]'))"
            ".map(r => [r.dataset.thesis, r.dataset.verdict])"
        )
    )
    scope = page.inner_text(".scope")
    page.screenshot(path=str(ARTIFACTS / "overview-replayed.png"), full_page=True)
    api = httpx.get(server + "/api/v1/verdicts", params={"as_of": "2025-06-30"}).json()
    assert "as known on 2025-06-30" in scope
    assert then == {t["id"]: t["verdict"] for t in api["theses"]}, "the replayed page disagrees with the API"
    assert then != now, "replaying an earlier day changed no verdict"
    # drill down into the first claim: its verdict and evidence, still as known on the day
    first = next(iter(then))
    page.click(f"#claims tr[data-thesis='{first}'] a")
    page.wait_for_selector("#claim-verdict")
    assert "as_of=2025-06-30" in page.url
    verdict = page.inner_text("#claim-verdict").replace(" ", "_")
    evidence = page.evaluate("document.querySelectorAll('#evidence tbody tr').length")
    one = httpx.get(server + f"/api/v1/verdicts/{first}", params={"as_of": "2025-06-30"}).json()
    page.close()
    assert verdict == then[first] and evidence == len(one["evidence"])
    assert errors == [] and outside == [], (errors, outside)


def test_variable_page_draws_its_charts_under_the_csp(browser, server):
    page, errors, outside = _page(browser, server)
    page.goto(server + "/variables/users")
    page.wait_for_function(
        "() => { const c = document.querySelectorAll('.chart');"
        " return c.length > 0 && Array.from(c).every(d => d.querySelector('.main-svg')); }",
        timeout=20_000,
    )
    n = page.evaluate("document.querySelectorAll('.chart .main-svg').length")
    page.screenshot(path=str(ARTIFACTS / "variable-users.png"), full_page=True)
    page.close()
    assert n > 0
    assert errors == [] and outside == [], (errors, outside)


def test_add_form_bad_then_good_and_a_payload_stays_text(browser, server):
    page, errors, outside = _page(browser, server)
    page.goto(server + "/add")

    def fill(values: dict[str, str], token: str) -> None:
        page.fill("input[name=token]", token)
        for name, value in values.items():
            if name == "kind":
                page.select_option("select[name=kind]", value)
            elif name == "note":
                page.fill("textarea[name=note]", value)
            else:
                page.fill(f"input[name={name}]", value)
        page.click("#add-form button[type=submit]")
        page.wait_for_load_state()

    good = {**GOOD, "note": XSS_NOTE, "source_url": "https://example.org/synthetic-browser"}
    fill({**good, "value": "lots"}, TOKEN)  # a bad value: shown inline, nothing written
    inline = page.inner_text("#form-errors")
    kept = page.input_value("input[name=value]")
    fill(good, TOKEN[:-1] + "z")  # the wrong token
    wrong = page.inner_text("#form-message")
    fill(good, TOKEN)  # the good one: lands on the series page, the note shown as text
    page.wait_for_url("**/series?**")
    page.screenshot(path=str(ARTIFACTS / "series-after-add.png"), full_page=True)
    notes = page.evaluate("Array.from(document.querySelectorAll('#points td.note-cell')).map(td => td.textContent)")
    pwned = page.evaluate("typeof window.__pwned")
    injected = page.evaluate(
        "document.querySelectorAll('#points td.note-cell script, #points td.note-cell img').length"
    )
    page.close()
    assert "value" in inline and kept == "lots"
    assert "token is wrong" in wrong
    assert XSS_NOTE in notes, "the payload note is not shown as text"
    assert pwned == "undefined" and injected == 0
    assert [e for e in errors if "422" not in e and "403" not in e] == [] and outside == [], (errors, outside)
