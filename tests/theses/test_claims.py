"""docs/claims.md's verdict table is what `corevar check` says on the bundled data (regenerate with
COREVAR_UPDATE_DOCS=1), and it documents every default thesis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corevar.theses import load_theses
from corevar.theses.docs import claims_into

CLAIMS = Path(__file__).parents[2] / "docs" / "claims.md"


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory):
    import corevar

    db = tmp_path_factory.mktemp("claims") / "claims.duckdb"
    with corevar.open(db, write=True):
        pass  # the write path loads the bundled data
    with corevar.open(db) as cv:
        return cv.check()


def test_the_verdict_table_is_in_step_with_corevar_check(check) -> None:
    text = CLAIMS.read_text(encoding="utf-8")
    expected = claims_into(text, check)
    if os.environ.get("COREVAR_UPDATE_DOCS"):
        CLAIMS.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, "docs/claims.md is out of step with `corevar check`: rerun with COREVAR_UPDATE_DOCS=1"


def test_every_default_thesis_has_its_section() -> None:
    text = CLAIMS.read_text(encoding="utf-8")
    for thesis in load_theses():
        assert f"\n### {thesis.id}\n" in text, thesis.id
        section = text.split(f"\n### {thesis.id}\n", 1)[1].split("\n### ", 1)[0]
        for part in ("**Why**", "**Would contradict it**", "> "):
            assert part in section, f"{thesis.id}: no {part}"


def test_a_decided_verdict_no_perturbation_reaches_is_untested_not_robust(check) -> None:
    """R6 judges news coverage: no window to move and no observation to leave out. Zero re-judgements must not read
    as "robust (0 perturbations)"."""
    for thesis in check.theses:
        rob = thesis.robustness
        if rob is not None and rob.label != "n/a" and rob.checks == 0:
            assert rob.label == "untested" and rob.describe().startswith("untested"), thesis.id
    r6 = next(t for t in check.theses if t.id == "R6")
    assert r6.robustness is not None and r6.robustness.label == "untested"
