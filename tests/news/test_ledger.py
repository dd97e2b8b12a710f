"""Figures against the ledger (known / new / conflict / change) and the validated door into it.

The ledger rows and figures are SYNTHETIC.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corevar.errors import IngestError
from corevar.frame import COLUMNS
from corevar.news.ledger import compare, load_review, to_observations, write_review


def ledger(*rows: dict[str, object]) -> pd.DataFrame:
    base = {c: None for c in COLUMNS}
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=list(COLUMNS))
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame


LEDGER = ledger(
    {"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users", "value": 8e8, "as_of": "2025-10-06",
     "kind": "official", "publisher": "SYNTHETIC A", "source_url": "https://e.org/a", "basis": None},
    {"entity": "openai", "product": None, "metric": "arr", "value": 1.2e10, "as_of": "2025-08-01", "kind": "reported",
     "publisher": "SYNTHETIC B", "source_url": "https://e.org/b", "basis": "run_rate"},
)  # fmt: skip


def fig(**kw: object) -> dict[str, object]:
    base = {"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users", "value": 8e8, "unit": "users",
            "as_of": "2025-10-10", "qualifier": "", "low": None, "high": None, "basis": "", "kind": "reported",
            "relation": "level", "text": "800M", "item_position": 1, "item_id": "x", "item_url": "https://e.org/item",
            "item_title": "SYNTHETIC", "item_published": "2025-10-10", "item_source": "Wire"}  # fmt: skip
    return {**base, **kw}


def test_known_new_conflict_change_undated() -> None:
    out = compare(
        [
            fig(),
            fig(value=8.1e8),  # within 2% -> known
            fig(value=9e8),  # conflict with the 800M row
            fig(as_of="2024-01-01"),  # nothing near -> new
            fig(metric="arr", product="", value=1.3e10, as_of="2025-08-20", unit="usd_per_year"),
            fig(relation="change", value=0.5),
            fig(as_of=""),
        ],
        LEDGER,
    )
    assert [f["status"] for f in out] == ["known", "known", "conflict", "new", "conflict", "change", "undated"]
    assert out[2]["ledger_publisher"] == "SYNTHETIC A" and out[2]["ledger_value"] == 8e8
    assert out[4]["ledger_source"] == "https://e.org/b"


def test_forward_figures_are_compared_with_forward_rows_only() -> None:
    assert compare([fig(kind="projection")], LEDGER)[0]["status"] == "new"


def test_ranges_in_the_ledger_contain_a_figure() -> None:
    frame = ledger({"entity": "openai", "product": "chatgpt", "metric": "weekly_active_users", "value": 7e8,
                    "low": 7e8, "high": 8e8, "as_of": "2025-10-06", "kind": "estimate", "publisher": "S",
                    "source_url": "https://e.org/s"})  # fmt: skip
    assert compare([fig(value=7.5e8)], frame)[0]["status"] == "known"


def test_to_observations_cites_the_item() -> None:
    (rec,) = to_observations([fig(qualifier="more than")])
    assert rec["source_url"] == "https://e.org/item" and rec["publisher"] == "Wire"
    assert rec["kind"] == "reported" and rec["published"] == "2025-10-10"
    assert rec["product"] == "chatgpt" and "more than" in rec["note"]


def test_to_observations_refuses_changes_and_missing_urls() -> None:
    with pytest.raises(IngestError) as err:
        to_observations([fig(relation="change"), fig(item_url=""), fig()])
    text = str(err.value)
    assert "figure 1" in text and "figure 2" in text and "Nothing was written" in text


def test_review_file_round_trip(tmp_path: Path) -> None:
    path = write_review(compare([fig(), fig(value=9e8)], LEDGER), tmp_path / "review.jsonl")
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["accept"] for x in lines] == [False, False]
    assert load_review(path) == []
    lines[1]["accept"] = True
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    (chosen,) = load_review(path)
    assert chosen["value"] == 9e8


def test_review_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "review.jsonl"
    path.write_text('{"accept": true, "entity": "openai", "metric": "arr", "value": 1, "unit": "usd_per_year"}\n'
                    "not json\n" '{"accept": "yes"}\n')  # fmt: skip
    with pytest.raises(IngestError) as err:
        load_review(path)
    assert ":2: not valid JSON" in str(err.value) and ':3: field "accept"' in str(err.value)
    with pytest.raises(IngestError, match="no such review file"):
        load_review(tmp_path / "missing.jsonl")
