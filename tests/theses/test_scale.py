"""The engine at scale: slices made once per subject, robustness re-judging reusing them (issue 8).

The speed itself is a benchmark (``benchmarks/bench_check.py``, ratios in one run); these tests keep the shortcuts
exact: the same verdicts and the same series as the straightforward computation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corevar.theses import evaluate, load_theses
from corevar.theses.context import Context, resolve_rows, rows_of
from corevar.theses.model import Subject


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory):
    import corevar

    db: Path = tmp_path_factory.mktemp("db") / "scale.duckdb"
    with corevar.open(db) as cv:
        return cv.frame(), cv.store.columns(), cv.registry()


def _subjects_with_competing_reports(ctx: Context) -> list[Subject]:
    rows = rows_of(ctx._frame)
    _, competing = resolve_rows(rows)
    by_id = {r.id: r for r in rows}
    seen, out = set(), []
    for chosen_id in competing:
        r = by_id[chosen_id]
        key = (r.entity, r.product, r.metric, r.basis)
        if key in seen or r.kind not in ("official", "reported", "estimate"):
            continue
        seen.add(key)
        out.append(Subject(entity=r.entity, product=r.product or None, metric=r.metric, basis=r.basis or None))
    return out


def _competing_ids(competing: dict) -> dict[str, list[str]]:
    return {k: [o.id for o in v] for k, v in competing.items()}


def _assert_same_series(a, b, what: object = None) -> None:
    """Two series pick the same points and keep the same competing reports behind each."""
    assert [p.id for p in a.points] == [p.id for p in b.points], what
    assert _competing_ids(a.competing) == _competing_ids(b.competing), what


def test_a_perturbed_series_equals_resolving_the_rows_again(bundled) -> None:
    """Leaving out a chosen report (or a competitor) gives the series a fresh resolution gives."""
    frame, _, registry = bundled
    ctx = Context.build(frame, registry)
    subjects = _subjects_with_competing_reports(ctx)
    assert subjects, "the bundled data has competing reports"
    checked = 0
    for subject in subjects:
        base = ctx.series(subject)
        for point in base.points:
            for dropped in [{point.id}, {c.id for c in base.competing.get(point.id, [])[:1]}]:
                if not dropped:
                    continue
                derived = ctx.without(dropped).series(subject)  # from the unperturbed series
                fresh = Context.build(frame, registry).without(dropped).series(subject)  # nothing cached: resolved
                _assert_same_series(derived, fresh)
                checked += 1
    assert checked > 10


def test_numpy_columns_and_the_dataframe_give_the_same_verdicts(bundled) -> None:
    """The light commands hand the engine DuckDB's NumPy columns (no pandas); the verdicts are the same."""
    frame, columns, registry = bundled
    theses = load_theses()
    a = evaluate(theses, frame, registry)
    b = evaluate(theses, columns, registry)
    assert [(t.id, t.verdict, t.explanation, t.robustness) for t in a.theses] == [
        (t.id, t.verdict, t.explanation, t.robustness) for t in b.theses
    ]
    assert a.today == b.today and a.data_through == b.data_through


def test_rows_of_other_subjects_are_never_made(bundled) -> None:
    """Only the (metric, entity) slices a rule asks for become Python rows."""
    frame, _, registry = bundled
    ctx = Context.build(frame, registry)
    ctx.series(Subject(entity="openai", product="chatgpt", metric="weekly_active_users"))
    made = {k[:2] for k in ctx._slices}
    assert made == {("weekly_active_users", "openai")}


def test_factorising_a_column_reads_missing_values_as_empty_text() -> None:
    """Grouping by runs (one vectorised comparison) gives the codes a value-by-value pass gives."""
    import numpy as np

    from corevar.theses.context import _codes

    codes, names = _codes(np.array(["a", "a", None, "b", float("nan"), "a"], dtype=object))
    assert [names[c] for c in codes] == ["a", "a", "", "b", "", "a"]
    masked = np.ma.masked_array(np.array(["a", "b", "b"], dtype=object), mask=[0, 1, 0])
    codes, names = _codes(masked)
    assert [names[c] for c in codes] == ["a", "", "b"]


def test_a_series_without_a_whole_publisher_equals_resolving_the_rows_again(bundled) -> None:
    frame, _, registry = bundled
    ctx = Context.build(frame, registry)
    checked = 0
    for subject in _subjects_with_competing_reports(ctx):
        base = ctx.series(subject)
        for publisher in {p.publisher for p in base.points}:
            dropped = ctx.publisher_ids(publisher)
            derived = ctx.without(dropped).series(subject)
            fresh = Context.build(frame, registry).without(dropped).series(subject)
            _assert_same_series(derived, fresh)
            windowed = ctx.without(dropped).series(subject, base.points[0].as_of, base.points[-1].as_of)
            again = Context.build(frame, registry).without(dropped)
            fresh_windowed = again.series(subject, base.points[0].as_of, base.points[-1].as_of)
            assert [p.id for p in windowed.points] == [p.id for p in fresh_windowed.points]
            checked += 1
    assert checked > 5


def test_a_windowed_series_is_the_conflict_rule_on_the_window_rows(bundled) -> None:
    """The window's series is cut from the whole series; the same as resolving only the rows in the window."""
    frame, _, registry = bundled
    ctx = Context.build(frame, registry)
    checked = 0
    for subject in _subjects_with_competing_reports(ctx):
        whole = ctx.series(subject)
        if len(whole.points) < 3:
            continue
        start, end = whole.points[1].as_of, whole.points[-2].as_of
        rows = [r for r in ctx._match(subject, ctx.entity_rows(subject.metric, subject.entity), None)]
        chosen, competing = resolve_rows([r for r in rows if start <= r.as_of <= end])
        got = ctx.series(subject, start, end)
        assert sorted(p.id for p in got.points) == sorted(p.id for p in chosen)
        assert {k: [o.id for o in v] for k, v in got.competing.items()} == {
            k: [o.id for o in v] for k, v in competing.items()
        }
        checked += 1
    assert checked > 3


def test_robustness_reads_verdicts_only_so_perturbed_judgements_list_no_evidence(bundled, monkeypatch) -> None:
    """Perturbed contexts skip the evidence lists (most of a re-judgement on long series); listing them changes
    nothing in the result: robustness reads only the verdicts of its re-judgements."""
    from corevar.theses.kinds import _common

    frame, _, registry = bundled
    theses = load_theses()
    lean = evaluate(theses, frame, registry).to_dict()
    ctx = Context.build(frame, registry).without(())
    subject = Subject(entity="openai", product="chatgpt", metric="weekly_active_users")
    assert ctx.perturbed and _common.all_evidence(ctx, ctx.series(subject)) == []
    monkeypatch.setattr(Context, "perturbed", property(lambda self: False, lambda self, value: None), raising=False)
    assert _common.all_evidence(ctx, ctx.series(subject)), "with the flag off the evidence is listed again"
    full = evaluate(theses, frame, registry).to_dict()
    assert lean == full


def test_the_vectorised_conflict_order_equals_the_rule_in_python(bundled) -> None:
    """Rows come out of the index grouped and ranked by one NumPy sort; a linear pass over them picks what the
    conflict rule picks row by row, whatever order the frame came in (the smallest-id tiebreak included)."""
    import numpy as np

    frame, columns, registry = bundled
    shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    # ties on kind, tier and publication date, so only the smallest id can decide
    tied = frame.head(40).assign(id=[f"{i:02d}-tie" for i in range(40)][::-1], published=frame["published"].iloc[0])
    tied = tied.assign(as_of=frame["as_of"].iloc[0], kind="estimate", tier="", basis="", product="")
    checked = 0
    for data in (frame, shuffled, columns, tied):
        ctx = Context.build(data, registry)
        index = ctx._index
        for (metric, entity), positions in index.slices.items():
            rows = index.rows(index.ordered(positions))
            fast = resolve_rows(rows, grouped=True)
            slow = resolve_rows(index.rows(np.sort(positions)))
            assert sorted(r.id for r in fast[0]) == sorted(r.id for r in slow[0]), (metric, entity)
            assert {k: [o.id for o in v] for k, v in fast[1].items()} == {
                k: [o.id for o in v] for k, v in slow[1].items()
            }
            checked += 1
    assert checked > 100


def test_text_columns_read_missing_as_empty_whatever_they_came_as() -> None:
    """Arrow-backed pandas text, NumPy objects with None and masked arrays give the same codes and rows."""
    import numpy as np
    import pandas as pd

    from corevar.theses.context import _Index

    base = {
        "id": ["a", "b", "c"],
        "entity": ["openai", "openai", "openai"],
        "product": ["chatgpt", None, ""],
        "metric": ["weekly_active_users"] * 3,
        "value": [1.0, 2.0, 3.0],
        "low": [np.nan, 1.5, np.nan],
        "high": [None, None, 4.0],
        "as_of": pd.to_datetime(["2025-01-01"] * 3),
        "published": pd.to_datetime(["2025-01-02"] * 3),
        "kind": ["estimate"] * 3,
    }
    arrow = pd.DataFrame(base).astype({"product": "str"})
    objects = {k: np.asarray(v, dtype=object) if k == "product" else v for k, v in base.items()}
    masked = dict(objects, product=np.ma.masked_array(np.array(["chatgpt", "x", ""], object), mask=[0, 1, 0]))
    got = []
    for frame in (arrow, objects, masked):
        index = _Index(frame)
        codes, names = index.factor("product")
        rows = index.rows(np.arange(3))
        got.append(([names[c] for c in codes], [(r.product, r.low, r.high) for r in rows]))
    assert got[0] == got[1] == got[2]
    assert got[0] == (["chatgpt", "", ""], [("chatgpt", None, None), ("", 1.5, None), ("", None, 4.0)])


def test_leaving_a_publisher_out_by_name_equals_leaving_out_its_every_row(bundled) -> None:
    """Robustness leaves a publisher out by name (each row's publisher tested as it is read); that is the same as
    leaving out the ids of its every known row, series by series and in the rows a market reads."""
    frame, _, registry = bundled
    ctx = Context.build(frame, registry)
    checked = 0
    for subject in _subjects_with_competing_reports(ctx):
        base = ctx.series(subject)
        for publisher in {p.publisher for p in base.points} | {
            o.publisher for others in base.competing.values() for o in others
        }:
            by_name = ctx.without(publishers=[publisher])
            by_ids = Context.build(frame, registry).without(ctx.publisher_ids(publisher))
            a, b = by_name.series(subject), by_ids.series(subject)
            _assert_same_series(a, b, (subject, publisher))
            rows = by_name.entity_rows(subject.metric, subject.entity)
            assert [r.id for r in rows] == [r.id for r in by_ids.entity_rows(subject.metric, subject.entity)]
            checked += 1
    assert checked > 10
