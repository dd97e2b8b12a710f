"""The view model: pure, one metric and basis per scorecard row, user entities by name, bounded at any scale."""

from __future__ import annotations

from datetime import date

from corevar.views import Snapshot, build
from corevar.views._data import MAX_POINTS

from .conftest import empty_check, frame, series


def _view(rows, registry, **kw):
    return build(Snapshot(frame(rows), registry, "synthetic"), empty_check(), **kw)


def test_build_is_pure_and_does_not_touch_its_input(registry):
    rows = series("openai", "weekly_active_users", "users", date(2024, 1, 1), 6, product="chatgpt")
    rows += series("anthropic", "weekly_active_users", "users", date(2024, 1, 1), 6, product="claude")
    df = frame(rows)
    before = df.copy()
    one = build(Snapshot(df, registry, "synthetic"), empty_check(), today=date(2030, 1, 1))
    two = build(Snapshot(df, registry, "synthetic"), empty_check(), today=date(2030, 1, 1))
    assert df.equals(before)
    assert one == two


def test_scorecard_has_one_metric_and_one_basis_per_row(registry):
    start = date(2024, 1, 1)
    rows = []
    for lab, product in (("openai", "chatgpt"), ("anthropic", "claude"), ("google", "gemini")):
        rows += series(lab, "weekly_active_users", "users", start, 4, product=product)
        rows += series(lab, "monthly_active_users", "users", start, 4, product=product)
        rows += series(lab, "monthly_active_users", "users", start, 3, product=product, basis="us_mobile_comscore")
    rows += series("microsoft", "monthly_active_users", "users", start, 3, basis="us_mobile_comscore")
    view = _view(rows, registry)
    keys = [(r.metric, r.basis) for r in view.scorecard.rows]
    assert len(keys) == len(set(keys))
    by_key = {(r.metric, r.basis): r for r in view.scorecard.rows}
    wau = by_key[("weekly_active_users", "")]
    mobile = by_key[("monthly_active_users", "us_mobile_comscore")]
    assert [c.text != "—" for c in wau.cells[:3]] == [True, True, True]
    # Microsoft has only the US-mobile MAU: it sits in that row, never in the whole-product rows
    ms = (
        [h.id for h in view.scorecard.labs].index("microsoft")
        if "microsoft" in [h.id for h in view.scorecard.labs]
        else None
    )
    if ms is not None:
        assert wau.cells[ms].value is None
        assert mobile.cells[ms].value is not None
    for row in view.scorecard.rows:
        for lab, cell in zip(view.scorecard.labs, row.cells, strict=True):
            if cell.value is None:
                continue
            values = {
                r["value"]
                for r in rows
                if r["entity"] == lab.id and r["metric"] == row.metric and r.get("basis", "") == row.basis
            }
            assert cell.value in values, (row.label, lab.id)


def test_official_beats_estimate_on_the_same_date(registry):
    day = date(2025, 6, 1)
    rows = [
        {
            "entity": "openai",
            "product": "chatgpt",
            "metric": "weekly_active_users",
            "unit": "users",
            "value": 8.8e6,
            "as_of": day,
            "kind": "estimate",
            "id": "e1",
        },
        {
            "entity": "openai",
            "product": "chatgpt",
            "metric": "weekly_active_users",
            "unit": "users",
            "value": 1e8,
            "as_of": day,
            "kind": "official",
            "id": "o1",
        },
        *series("anthropic", "weekly_active_users", "users", date(2025, 1, 1), 3, product="claude"),
    ]
    view = _view(rows, registry)
    row = next(r for r in view.scorecard.rows if r.metric == "weekly_active_users")
    assert row.cells[0].value == 1e8 and row.cells[0].kind == "official"
    assert row.cells[0].conflict == "2 reports, 8.8M–100M"


def test_a_user_entity_appears_by_its_name(registry):
    from corevar.models import Entity

    mine = registry.with_entity(Entity(id="acme_ai", name="Acme AI (SYNTHETIC)", kind="lab"))
    rows = series("acme_ai", "monthly_active_users", "users", date(2025, 1, 1), 4)
    rows += series("acme_ai", "arr", "usd_per_year", date(2025, 1, 1), 4, basis="run_rate")
    rows += series("openai", "monthly_active_users", "users", date(2025, 1, 1), 4, product="chatgpt")
    view = build(Snapshot(frame(rows), mine, "synthetic"), empty_check())
    assert "Acme AI (SYNTHETIC)" in [h.name for h in view.scorecard.labs]
    assert any(s.label == "Acme AI (SYNTHETIC)" for c in view.charts() for s in c.series)


def test_no_chart_from_fewer_than_three_points(registry):
    rows = series(
        "openai", "paid_retention", "fraction", date(2025, 1, 1), 1, product="chatgpt", basis="month_6", first=0.7
    )
    rows += series(
        "google", "paid_retention", "fraction", date(2025, 1, 1), 1, product="gemini", basis="month_6", first=0.56
    )
    view = _view(rows, registry)
    assert all(c.n_points >= 3 for c in view.charts())
    retention = next(s for s in view.sections if s.core == "retention")
    assert not retention.charts and retention.tables  # the numbers, in a table


def test_as_of_is_the_latest_publication_actually_used(registry):
    rows = series("openai", "weekly_active_users", "users", date(2025, 1, 1), 5, product="chatgpt")
    view = _view(rows, registry, as_of=date(2030, 1, 1), today=date(2030, 6, 1))
    assert view.as_of == max(r["as_of"] for r in rows)  # not the requested 2030-01-01
    assert view.requested_as_of == date(2030, 1, 1)
    assert "today (2030-06-01)" in view.freshness.today_line


def test_bounded_whatever_the_store_holds(registry):
    """200,000 SYNTHETIC observations of one series with competing reports: the view keeps MAX_POINTS of it."""
    import numpy as np
    import pandas as pd

    n = 200_000
    days = pd.to_datetime("2000-01-01") + pd.to_timedelta(np.arange(n) // 4, unit="D")
    df = frame([])
    big = pd.DataFrame(
        {
            "id": [f"b{i}" for i in range(n)],
            "entity": "openai",
            "product": "chatgpt",
            "metric": "weekly_active_users",
            "value": np.linspace(1e6, 9e8, n),
            "low": None,
            "high": None,
            "unit": "users",
            "basis": "",
            "as_of": days,
            "published": days,
            "kind": "estimate",
            "source_url": "https://example.org/synthetic",
            "publisher": [f"SYNTHETIC {i % 4}" for i in range(n)],
            "title": "",
            "note": "",
        }
    )
    df = pd.concat([df, big], ignore_index=True)
    view = build(Snapshot(df, registry, "synthetic"), empty_check())
    drawn = [s for c in view.charts() for s in c.series]
    assert drawn and all(len(s.points) <= MAX_POINTS for s in drawn)
    assert sum(len(s.faint) for s in drawn) <= 40 * len(drawn)
    assert view.observations == n
    assert "older points not drawn" in view.charts()[0].source_line


def test_duckdb_pick_is_the_frames_conflict_rule(registry):
    """The view model ranks in DuckDB for speed; its pick must be :func:`corevar.frame.resolve`'s, row for row."""
    from corevar.frame import resolve
    from corevar.views._data import _query

    day = date(2025, 3, 1)
    rows = []
    for i, (kind, published) in enumerate(
        [("estimate", "2025-03-09"), ("reported", "2025-03-05"), ("reported", "2025-03-07"), ("official", "2025-03-02")]
    ):
        rows.append(
            {
                "id": f"c{i}",
                "entity": "openai",
                "product": "chatgpt",
                "metric": "weekly_active_users",
                "unit": "users",
                "value": 1e8 + i,
                "as_of": day,
                "published": date.fromisoformat(published),
                "kind": kind,
            }
        )
    rows += [dict(r, id=f"d{i}", kind="reported", value=5e7 + i) for i, r in enumerate(rows)]  # ties on kind
    rows = [dict(r, as_of=date(2025, 4, 1)) if r["id"].startswith("d") else r for r in rows]
    rows += series("anthropic", "weekly_active_users", "users", date(2024, 1, 1), 5, product="claude")
    df = frame(rows)
    if "tier" in df.columns:  # the source tier ranks after kind, before publication date
        df["tier"] = df["tier"].astype(object)
        df.loc[df["id"].isin(["d1", "d2"]), "tier"] = ["secondary", "primary"]
    picked, faint = _query(df, None)
    assert sorted(r[0] for r in picked) == sorted(resolve(df)["id"])
    assert not {r[0] for r in picked} & {r[0] for r in faint}


def test_a_sources_publisher_and_title_are_those_of_its_first_publication_whatever_the_row_order() -> None:
    """DuckDB's first() depends on how the scan was split across threads: a page built twice could name a source
    by different publishers. The source list takes the earliest publication's (smallest id on a tie)."""
    import pandas as pd

    from corevar.views.sections.sources import sources

    frame = pd.DataFrame(
        {
            "id": ["b", "a", "c"],
            "source_url": ["https://x.example/1"] * 3,
            "publisher": ["Later relay", "Origin (citing filing)", "Origin"],
            "title": ["", "Filing", "Other"],
            "published": pd.to_datetime(["2026-02-01", "2026-01-01", "2026-01-01"]),
        }
    )
    for data in (frame, frame.iloc[::-1].reset_index(drop=True)):
        (only,), total = sources(data)
        assert (only.publisher, only.title, only.observations, total) == ("Origin (citing filing)", "Filing", 3, 1)


def test_a_view_prepared_beforehand_is_the_same_view(registry):
    """``prepare`` (run on a second thread by Corevar.report while theses are judged) gives the view ``build``
    makes by itself; one prepared for another as-of date is refused."""
    import pytest

    from corevar.views import prepare

    rows = series("openai", "weekly_active_users", "users", date(2024, 1, 1), 8, product="chatgpt")
    rows += series("anthropic", "weekly_active_users", "users", date(2024, 1, 1), 8, product="claude")
    snap = Snapshot(frame(rows), registry, "synthetic")
    for as_of in (None, date(2024, 4, 1)):
        ready = prepare(snap, as_of=as_of)
        made = build(snap, empty_check(), as_of=as_of, today=date(2030, 1, 1))
        assert build(snap, empty_check(), as_of=as_of, today=date(2030, 1, 1), prepared=ready) == made
    with pytest.raises(ValueError, match="prepared for as_of"):
        build(snap, empty_check(), as_of=None, prepared=prepare(snap, as_of=date(2024, 4, 1)))
