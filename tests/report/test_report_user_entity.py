"""Issue 8 bug: an entity a user registers (and gives numbers) must appear by its name in the report, which reads the
store's registry, never the shipped registry files. All rows SYNTHETIC."""

from __future__ import annotations

from corevar.report import write_report

from ..conftest import row, write_csv
from .conftest import make_store

NAME = "Acme AI (SYNTHETIC)"


def test_a_registered_entity_reaches_the_scorecard_and_the_charts(tmp_path):
    from corevar import api

    db = make_store(tmp_path / "user.duckdb")
    with api.open(db, write=True) as cv:
        cv.add_entity({"id": "acme_ai", "name": NAME, "kind": "lab"})
        rows = [
            row(
                entity="acme_ai",
                product="",
                metric=metric,
                unit=unit,
                basis=basis,
                value=str(value * (i + 1)),
                as_of=f"2026-0{i + 1}-01",
                published=f"2026-0{i + 1}-02",
                publisher="SYNTHETIC",
            )
            for metric, unit, basis, value in (
                ("monthly_active_users", "users", "", 1e7),
                ("arr", "usd_per_year", "run_rate", 1e8),
                ("business_users", "users", "", 1e5),
            )
            for i in range(3)
        ]
        cv.ingest([write_csv(tmp_path / "acme.csv", rows)])
    theses = tmp_path / "mine.yaml"
    theses.write_text(
        "version: 1\ntheses:\n  - id: T1\n    text: Acme AI has users (SYNTHETIC).\n    stance: bull\n"
        "    source: {title: SYNTHETIC test claim, publisher: SYNTHETIC}\n"
        "    rules:\n      - kind: threshold\n        subject: {entity: acme_ai, metric: monthly_active_users, "
        'basis: ""}\n        op: ">"\n        value: 0\n',
        encoding="utf-8",
    )
    path, view = write_report(tmp_path / "out", db=db, theses=[theses])
    html = path.read_text(encoding="utf-8")
    assert view.verdicts[0].verdict == "supported"
    assert NAME in view.verdicts[0].sentence or any(e.subject == NAME for e in view.verdicts[0].evidence)
    assert NAME in [lab.name for lab in view.scorecard.labs]
    assert any(s.label == NAME for chart in view.charts() for s in chart.series)
    assert f"</span>{NAME}</th>" in html
