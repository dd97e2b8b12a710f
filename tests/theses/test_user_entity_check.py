"""Issue 8, bug 2: an entity a user registers is named in `check` evidence (the store's registry reaches the
engine). SYNTHETIC figures for a made-up lab."""

from __future__ import annotations

from pathlib import Path

import pytest

THESES = """version: 1
theses:
  - id: U1
    text: Acme's run-rate passed $1B.
    stance: bull
    source: {title: synthetic}
    rules:
      - {kind: threshold, subject: {entity: acme-ai, metric: arr, basis: run_rate}, op: ">", value: 1B}
"""


def test_a_registered_entity_is_named_in_check_evidence(tmp_path: Path) -> None:
    import corevar
    from corevar.load import ingest_records

    db = tmp_path / "user.duckdb"
    with corevar.open(db, write=True) as cv:
        cv.add_entity({"id": "acme-ai", "name": "Acme Intelligence", "kind": "lab"})
        ingest_records(
            cv.store,
            [
                {
                    "entity": "acme-ai",
                    "metric": "arr",
                    "value": 2e9,
                    "unit": "usd_per_year",
                    "basis": "run_rate",
                    "as_of": "2026-03-31",
                    "published": "2026-04-01",
                    "kind": "reported",
                    "source_url": "https://example.org/synthetic",
                    "publisher": "SYNTHETIC",
                }
            ],
            source_name="test",
        )
    path = tmp_path / "u.yaml"
    path.write_text(THESES, encoding="utf-8")
    with corevar.open(db) as cv:
        result = cv.check([path])
    thesis = result["U1"]
    assert thesis.verdict.value == "supported", thesis.explanation
    assert "Acme Intelligence ARR" in thesis.explanation
    assert thesis.evidence()[0].entity == "acme-ai"


def test_an_unregistered_entity_is_an_error_not_a_gap(tmp_path: Path) -> None:
    import corevar
    from corevar.theses import ThesisFileError

    path = tmp_path / "u.yaml"
    path.write_text(THESES, encoding="utf-8")
    db = tmp_path / "plain.duckdb"
    with corevar.open(db, write=True):
        pass
    with corevar.open(db) as cv, pytest.raises(ThesisFileError, match='unknown entity "acme-ai"'):
        cv.check([path])
