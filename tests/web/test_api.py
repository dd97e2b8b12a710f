"""The JSON API on the bundled data: listings in JSON and CSV, filters, paging, series, verdicts, ETags, errors."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from .conftest import TOKEN

LISTINGS = ("metrics", "entities", "observations", "conflicts", "sources", "verdicts")


def test_error_shape_is_one_and_the_same(client):
    """Every error, whatever raised it, is {ok: false, error, errors, status} with status = the HTTP status."""
    cases = [
        client.get("/api/v1/no-such-endpoint"),  # routing
        client.get("/api/v1/observations", params={"limit": 0}),  # parameter validation
        client.get("/api/v1/series", params={"entity": "nobody", "metric": "arr"}),  # our own 404
        client.post("/api/v1/observations", content=b"{", headers={"content-type": "application/json"}),  # no token
        client.put("/api/v1/version"),  # method
    ]
    for response in cases:
        body = response.json()
        assert set(body) == {"ok", "error", "errors", "status"}, body
        assert body["ok"] is False and body["status"] == response.status_code >= 400
        assert isinstance(body["error"], str) and body["error"]
        assert isinstance(body["errors"], list)


def test_version_matches_the_store(client, base_db):
    import corevar

    with corevar.open(base_db) as cv:
        version, rows = cv.dataset_version(), len(cv.frame())
    body = client.get("/api/v1/version").json()
    assert body["dataset_version"] == version and body["observations"] == rows


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_in_json_and_csv(client, name):
    js = client.get(f"/api/v1/{name}")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/json")
    assert js.headers["x-corevar-dataset-version"] == js.json()["dataset_version"]
    for url in (f"/api/v1/{name}.csv", f"/api/v1/{name}?format=csv"):
        got = client.get(url)
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert rows, url


def test_observation_filters_and_paging(client):
    first = client.get(
        "/api/v1/observations", params={"entity": "openai", "metric": "weekly_active_users", "limit": 5}
    ).json()
    assert first["total"] > 5 and len(first["rows"]) == 5 and first["next"]
    assert all(r["entity"] == "openai" and r["metric"] == "weekly_active_users" for r in first["rows"])
    nxt = client.get(first["next"]).json()
    assert nxt["offset"] == 5 and {r["id"] for r in nxt["rows"]}.isdisjoint({r["id"] for r in first["rows"]})
    official = client.get("/api/v1/observations", params={"kind": "official", "limit": 1000}).json()
    assert official["rows"] and all(r["kind"] == "official" for r in official["rows"])
    early = client.get("/api/v1/observations", params={"known_on": "2025-01-01", "limit": 1000}).json()
    assert early["total"] < client.get("/api/v1/observations").json()["total"]
    assert all(r["published"] <= "2025-01-01" for r in early["rows"])
    ranged = client.get(
        "/api/v1/observations", params={"since": "2025-01-01", "until": "2025-06-30", "limit": 1000}
    ).json()
    assert all("2025-01-01" <= r["as_of"] <= "2025-06-30" for r in ranged["rows"])
    unrated = client.get("/api/v1/observations", params={"tier": "unrated", "limit": 1}).json()
    assert unrated["ok"] is True


def test_series_carries_every_competing_report(client):
    body = client.get("/api/v1/series", params={"entity": "openai", "metric": "weekly_active_users"}).json()
    assert body["entity_name"] and body["points"]
    for point in body["points"]:
        assert point["reports"], point
        assert sum(r["shown"] for r in point["reports"]) <= 1
        assert point["source_url"].startswith("http")
    assert any(len(p["reports"]) > 1 for p in body["points"]), "the bundled WAU series has competing reports"


def test_verdicts_agree_with_check(client, base_db):
    import corevar

    with corevar.open(base_db) as cv:
        expected = cv.check(as_of="2025-12-31")
    body = client.get("/api/v1/verdicts", params={"as_of": "2025-12-31"}).json()
    assert {t["id"]: t["verdict"] for t in body["theses"]} == {t.id: t.verdict.value for t in expected.theses}
    one = client.get("/api/v1/verdicts/B1", params={"as_of": "2025-12-31"}).json()
    assert one["thesis"]["verdict"] == expected["B1"].verdict.value
    assert len(one["evidence"]) == len(expected["B1"].evidence())
    assert client.get("/api/v1/verdicts/NOPE").status_code == 404


def test_etag_gives_304_until_the_data_changes(client):
    first = client.get("/api/v1/observations", params={"limit": 3})
    etag = first.headers["etag"]
    assert first.headers["x-corevar-dataset-version"] in etag
    again = client.get("/api/v1/observations", params={"limit": 3}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (
        client.get("/api/v1/observations", params={"limit": 3}, headers={"If-None-Match": '"other"'}).status_code == 200
    )


def test_judge_a_posted_thesis_without_storing_it(client):
    yaml_text = """
theses:
  - id: T1
    text: SYNTHETIC claim that ChatGPT weekly users exceeded 100M
    stance: bull
    source: {title: SYNTHETIC test claim}
    rules:
      - kind: threshold
        subject: {entity: openai, product: chatgpt, metric: weekly_active_users, basis: ""}
        op: ">="
        value: 100M
"""
    got = client.post("/api/v1/verdicts", json={"theses": yaml_text})
    assert got.status_code == 200, got.text
    assert got.json()["theses"][0]["id"] == "T1"
    bad = client.post("/api/v1/verdicts", json={"theses": "theses:\n  - id: T1\n    stance: sideways\n"})
    assert bad.status_code == 422 and bad.json()["errors"]
    assert "request" in bad.json()["errors"][0]["message"]
    assert client.get("/api/v1/verdicts/T1").status_code == 404  # nothing was stored
    from corevar.theses import default_theses_path

    shipped = client.post("/api/v1/verdicts", json={"theses": default_theses_path().read_text(encoding="utf-8")})
    assert shipped.status_code == 200, shipped.text  # the shipped file, anchors and all
    laughs = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 8)}]\n" for i in range(6)
    )
    bomb = client.post("/api/v1/verdicts", json={"theses": laughs})
    assert bomb.status_code == 422 and "aliases" in bomb.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"{not json", 400, "malformed JSON"),
        (b'{"observations": "x"}', 422, "observations"),
        (b'{"observations": [{"entity": 5}]}', 422, "entity"),
        (b'{"observations": [], "extra": 1}', 422, 'unknown field "extra"'),
        (b'{"theses": 1}', 422, "theses"),
    ],
)
def test_bad_bodies_get_a_clear_4xx(client, body, status, words):
    url = "/api/v1/verdicts" if b"theses" in body else "/api/v1/observations"
    got = client.post(
        url, content=body, headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"}
    )
    assert got.status_code == status, got.text
    body = got.json()
    assert words in body["error"] + " ".join(e["message"] + str(e.get("field")) for e in body["errors"])


def test_oversized_bodies_are_refused_before_reading(client):
    big = b'{"theses": "' + b"x" * 1_100_000 + b'"}'
    got = client.post("/api/v1/verdicts", content=big, headers={"content-type": "application/json"})
    assert got.status_code == 413 and "limit" in got.json()["error"]


def test_dates_far_out_are_clamped_not_500(client):
    assert client.get("/api/v1/observations", params={"as_of": "0001-01-01"}).json()["total"] == 0
    assert client.get("/api/v1/observations", params={"known_on": "0375-03-28"}).json()["total"] == 0
    everything = client.get("/api/v1/observations").json()["total"]
    assert client.get("/api/v1/observations", params={"known_on": "9999-12-31"}).json()["total"] == everything
    assert client.get("/api/v1/verdicts", params={"as_of": "0001-01-01"}).status_code == 200
    assert client.get("/api/v1/observations", params={"as_of": "2025-02-30"}).status_code == 422


def test_security_headers_and_csp(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    report = client.get("/api/v1/report.html")
    assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]


def test_csv_cells_cannot_become_formulas():
    import pandas as pd

    from corevar.web.routes import _csv

    text = _csv(pd.DataFrame({"publisher": ['=HYPERLINK("http://x")', "+cmd", "ok"], "value": [-1.0, 2.0, 3.0]}))
    rows = list(csv.reader(io.StringIO(text.decode())))
    assert rows[1][0].startswith("'=") and rows[2][0].startswith("'+") and rows[3][0] == "ok"
    assert rows[1][1] == "-1.0"  # numbers are left alone


def test_openapi_schema_is_served_and_local(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/observations", "/api/v1/series", "/api/v1/verdicts", "/api/v1/version"):
        assert path in schema["paths"]
    assert client.get("/docs").status_code == 404  # the interactive docs would load scripts from a CDN


def test_dns_rebinding_is_refused(base_db):
    """Served on loopback, the app answers only to loopback host names."""
    from fastapi.testclient import TestClient

    from corevar.web import create_app
    from corevar.web.server import LOOPBACK_NAMES

    app = create_app(base_db, token=TOKEN, hosts=LOOPBACK_NAMES)
    for base in ("http://127.0.0.1:8321", "http://localhost:8321", "http://[::1]:8321"):
        assert TestClient(app, base_url=base).get("/api/v1/version").status_code == 200, base
    evil = TestClient(app, base_url="http://evil.example:8321").get("/api/v1/version")
    assert evil.status_code == 421 and evil.json()["status"] == 421


def test_variable_pages_draw_the_reports_charts(client):
    """A core variable's page draws the charts the report draws for it, with the same titles: one view model."""
    import html
    import re

    report = html.unescape(client.get("/api/v1/report.html").text)
    drawn = 0
    for core in ("users", "revenue"):
        page = client.get(f"/variables/{core}").text
        ids = re.findall(r'<div class="chart" id="chart-([^"]+)"></div>', page)
        titles = re.findall(r'<figure class="exhibit">\s*<h3>(.*?)</h3>', page)
        assert len(ids) == len(titles)
        for chart_id, title in zip(ids, titles, strict=True):
            assert f'id="fig-{chart_id}"' in report, chart_id
            assert html.unescape(title) in report, title
            drawn += 1
    assert drawn > 0


@pytest.mark.parametrize(
    "params",
    [
        {"entity": "openai", "known_on": "2025-06-30"},
        {"known_on": "2026-03-01"},
        {"metric": "arr", "kind": "reported"},
        {"entity": "anthropic", "since": "2025-01-01", "limit": 7, "offset": 3},
        {"shown": "true", "known_on": "2025-12-31"},
    ],
)
def test_shown_flags_equal_the_conflict_rule_over_the_whole_ledger(client, app, params):
    """Listings apply the conflict rule to the page's groups only; the flags must be those of the whole ledger."""
    from corevar.web.snapshot import mark

    snap = app.state.cache.get()
    day = params.get("known_on")
    expected = mark(snap.known(None if day is None else date.fromisoformat(day)))
    truth = dict(zip(expected["id"], expected["shown"], strict=True))
    rows = client.get("/api/v1/observations", params={"limit": 1000, **params}).json()["rows"]
    assert rows
    assert {r["id"]: r["shown"] for r in rows} == {r["id"]: bool(truth[r["id"]]) for r in rows}
