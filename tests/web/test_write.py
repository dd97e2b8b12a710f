"""Writes: the token (missing, wrong, right), all-or-nothing validation with row/field errors, the token file."""

from __future__ import annotations

import os
import stat

from .conftest import GOOD, TOKEN


def _post(client, records, token=TOKEN):
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/api/v1/observations", json={"observations": records}, headers=headers)


def test_token_missing_wrong_right(write_client):
    before = write_client.get("/api/v1/version").json()["dataset_version"]
    missing = _post(write_client, [GOOD], token=None)
    assert missing.status_code == 401 and "token" in missing.json()["error"]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = _post(write_client, [GOOD], token=TOKEN[:-1] + "y")
    assert wrong.status_code == 403
    not_bearer = write_client.post(
        "/api/v1/observations", json={"observations": [GOOD]}, headers={"authorization": f"Basic {TOKEN}"}
    )
    assert not_bearer.status_code == 401
    assert write_client.get("/api/v1/version").json()["dataset_version"] == before  # nothing written
    right = _post(write_client, [GOOD])
    assert right.status_code == 201, right.text
    body = right.json()
    assert body["added"] == 1 and body["dataset_version"] != before
    assert write_client.get("/api/v1/version").json()["dataset_version"] == body["dataset_version"]
    rows = write_client.get(
        "/api/v1/observations", params={"publisher": "x", "entity": "openai", "as_of": "2026-06-30", "kind": "estimate"}
    ).json()
    assert any(r["source_url"] == GOOD["source_url"] and r["value"] == 1.5e9 for r in rows["rows"])


def test_token_is_checked_before_the_body(write_client):
    """A stranger learns nothing about validation: no token is 401 even for a body that would fail."""
    got = write_client.post("/api/v1/observations", json={"observations": [{"entity": 1}]})
    assert got.status_code == 401


def test_bad_rows_write_nothing_and_name_row_and_field(write_client):
    before = write_client.get("/api/v1/version").json()["dataset_version"]
    bad = dict(GOOD, value="lots", source_url="https://example.org/other")
    got = _post(write_client, [GOOD, bad, dict(GOOD, kind="rumour", source_url="https://example.org/third")])
    assert got.status_code == 422, got.text
    body = got.json()
    assert "nothing was written" in body["error"]
    fields = {(e["row"], e["field"]) for e in body["errors"]}
    assert (2, "value") in fields and (3, "kind") in fields, body["errors"]
    assert all("request" in e["message"] for e in body["errors"])
    assert write_client.get("/api/v1/version").json()["dataset_version"] == before


def test_the_add_form_shows_errors_inline_and_adds(write_client):
    form = {**GOOD, "token": TOKEN, "value": "not a number"}
    page = write_client.post("/add", data=form)
    assert page.status_code == 422 and "form-errors" in page.text and "value" in page.text
    assert 'value="not a number"' in page.text  # the form keeps what was typed
    wrong = write_client.post("/add", data={**GOOD, "token": "nope"})
    assert wrong.status_code == 403
    done = write_client.post("/add", data={**GOOD, "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/series?")


def test_token_file_is_user_only(tmp_path):
    from corevar.web.security import load_or_create_token

    db = tmp_path / "x.duckdb"
    token, path, created = load_or_create_token(db)
    assert created and len(token) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _, created_again = load_or_create_token(db)
    assert again == token and not created_again
    os.chmod(path, 0o644)  # loosened by someone: tightened again on the next start
    load_or_create_token(db)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_token_comparison_is_constant_time_and_rejects_empty():
    from corevar.web.security import token_matches

    assert token_matches(TOKEN, TOKEN)
    assert not token_matches("", TOKEN) and not token_matches(None, TOKEN) and not token_matches("x", TOKEN)
