"""The engine as a whole: as-of semantics, new data moving verdicts, purity, rendering, the CLI body and the
default theses on the bundled data. Frames built here are SYNTHETIC unless the test says it uses bundled data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from corevar.registry import Registry
from corevar.theses import (
    CheckResult,
    Verdict,
    combine,
    default_theses_path,
    evaluate,
    load_theses,
    parse_theses,
    render,
)

from .synthetic import frame, wau

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data

B1_LIKE = """version: 1
theses:
  - id: X1
    text: SYNTHETIC - ChatGPT missed a 1B weekly-user target due end-2025.
    stance: bear
    source: {title: synthetic}
    rules:
      - kind: target
        subject: {entity: openai, product: chatgpt, metric: weekly_active_users}
        due: 2025-12-31
        expect: missed
"""

REG = Registry.bundled()


def b1() -> list:
    return parse_theses(B1_LIKE, name="synthetic.yaml")


SYNTHETIC = frame(
    wau(1e9, "2025-12-31", "2024-11-30", kind="target"),
    wau(800e6, "2025-10-06"),
    wau(900e6, "2026-02-27", "2026-02-28"),
)


def test_as_of_filters_what_was_published_then() -> None:
    # before the due date nothing can be judged; after the February figure, the miss shows
    assert evaluate(b1(), SYNTHETIC, REG, as_of="2025-11-01").theses[0].verdict is N
    assert (
        evaluate(b1(), SYNTHETIC, REG, as_of="2026-01-15").theses[0].verdict is N
    )  # only a figure before the due date
    assert evaluate(b1(), SYNTHETIC, REG, as_of="2026-03-01").theses[0].verdict is S


def test_as_of_ignores_rows_published_later_even_if_they_describe_earlier_dates() -> None:
    late = pd.concat([SYNTHETIC, frame(wau(1.1e9, "2025-12-31", "2026-06-01"))], ignore_index=True)
    assert evaluate(b1(), late, REG, as_of="2026-03-01").theses[0].verdict is S
    assert evaluate(b1(), late, REG).theses[0].verdict is C  # the later restatement says the target was met


def test_adding_an_observation_moves_the_verdict() -> None:
    before = evaluate(b1(), SYNTHETIC.iloc[:2], REG)
    assert before.theses[0].verdict is N
    after = evaluate(b1(), pd.concat([SYNTHETIC.iloc[:2], SYNTHETIC.iloc[2:]], ignore_index=True), REG)
    assert after.theses[0].verdict is S


def test_evaluate_does_not_modify_its_input() -> None:
    data = SYNTHETIC.copy()
    evaluate(load_theses(), data, REG)
    pd.testing.assert_frame_equal(data, SYNTHETIC)


def test_result_is_stamped_with_dataset_version_and_as_of() -> None:
    result = evaluate(b1(), SYNTHETIC, REG, as_of="2026-03-01", dataset_version="abc123")
    assert result.dataset_version == "abc123"
    assert str(result.as_of) == "2026-03-01"
    for fmt in ("table", "json", "md"):
        text = render(result, fmt)
        assert "abc123" in text and "2026-03-01" in text


def test_render_json_shape() -> None:
    result = evaluate(b1(), SYNTHETIC, REG, dataset_version="v")
    data = json.loads(render(result, "json"))
    assert data["counts"] == {"supported": 1, "contradicted": 0, "mixed": 0, "insufficient_data": 0}
    thesis = data["theses"][0]
    assert thesis["verdict"] == "supported"
    evidence = thesis["rules"][0]["evidence"]
    assert {e["role"] for e in evidence} == {"target", "before due", "after due"}
    assert all(e["source_url"] == "https://example.org/synthetic" for e in evidence)


def test_render_escapes_outside_text() -> None:
    hostile = frame(
        wau(1e9, "2025-12-31", "2024-11-30", kind="target"),
        wau(800e6, "2025-10-06", publisher="[bold]x[/bold] <script>|"),
        wau(900e6, "2026-02-27", "2026-02-28", source_url="javascript:alert(1)"),
    )
    result = evaluate(b1(), hostile, REG)
    md = render(result, "md")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "](<javascript:" not in md
    table = render(result, "table")
    assert "[bold]x[/bold]" in table  # printed literally, not interpreted as rich markup


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="fmt must be one of table, json, md"):
        render(evaluate(b1(), SYNTHETIC, REG), "xml")


@pytest.mark.parametrize(
    ("verdicts", "how", "expected"),
    [
        ([S, S], "all", S),
        ([S, C], "all", M),
        ([C, C], "all", C),
        ([C, N], "all", C),
        ([S, M], "all", M),
        ([S, N], "all", N),
        ([N, N], "all", N),
        ([], "all", N),
        ([S, C], "any", S),
        ([M, C], "any", M),
        ([C, C], "any", C),
        ([C, N], "any", N),
    ],
)
def test_combine_table(verdicts: list[Verdict], how: str, expected: Verdict) -> None:
    assert combine(verdicts, how) is expected


# -- the default theses on the bundled data ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, str]:
    api = pytest.importorskip("corevar.api")
    with api.open(tmp_path_factory.mktemp("db") / "bundled.duckdb") as store:
        return store.frame(), store.dataset_version()


def test_default_theses_each_get_a_verdict_on_the_bundled_data(bundled: tuple[pd.DataFrame, str]) -> None:
    data, version = bundled
    result = evaluate(load_theses([default_theses_path()]), data, REG, dataset_version=version)
    assert isinstance(result, CheckResult)
    assert len(result.theses) == 16
    for thesis in result.theses:
        assert thesis.verdict in Verdict
        assert thesis.explanation
        for rule in thesis.rules:
            for node in rule.walk():
                if node.verdict is not N and not node.children:
                    assert node.evidence, f"{thesis.id}: a verdict without evidence"
                    assert all(e.source_url and e.publisher for e in node.evidence)
    # claims whose data does not exist yet say so, never guess
    assert result["R6"].verdict is N
    assert "news triage" in result["R6"].explanation


def test_the_engine_picks_the_same_report_as_the_frame_conflict_rule(bundled: tuple[pd.DataFrame, str]) -> None:
    """The engine's row-level conflict rule and corevar.frame.resolve choose the same observation everywhere,
    so `check`, `show` and the report never disagree about which report a point is."""
    from corevar.frame import resolve
    from corevar.theses.context import resolve_rows, rows_of

    data, _ = bundled
    chosen, _ = resolve_rows(rows_of(data))
    assert {r.id for r in chosen} == set(resolve(data)["id"])
