"""CSV details the DuckDB reader must get right, the new tier/via_url columns, and the conflict rule's tier step."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corevar import frame as fr
from corevar.errors import IngestError
from corevar.load import ingest
from corevar.store import Store
from tests.conftest import row, write_csv


def _reject(store: Store, path: Path, *fragments: str) -> str:
    with pytest.raises(IngestError) as info:
        ingest(store, [path])
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    assert store.count_all() == 0
    return str(info.value)


def test_blank_lines_and_line_breaks_in_values_keep_line_numbers_true(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(), row(note="two\nlines", value="7"), row(value="x")])
    text = path.read_text(encoding="utf-8").replace("\n", "\n\n", 1)  # a blank line after the header
    path.write_text(text, encoding="utf-8")
    # header 1, blank 2, row 3, row 4-5 (a quoted line break), bad row 6
    _reject(store, path, f'{path}:6: field "value": value "x" is not a number')
    path.write_text(text.replace(",x,", ",5,"), encoding="utf-8")
    assert ingest(store, [path]).added == 3


def test_unterminated_quote_and_numbers_the_cast_would_take(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", [row()])
    path.write_text(path.read_text(encoding="utf-8") + 'openai,"chatgpt,x\n', encoding="utf-8")
    _reject(store, path, f'{path}:3: has a value with an opening " but no closing one')
    for bad in ("1_000", "inf", "nan", "0x10", "1e"):
        numbers = write_csv(tmp_path / "n.csv", [row(value=bad)])
        _reject(store, numbers, f'{numbers}:2: field "value": value "{bad}" is not a number')


def test_spaces_are_trimmed_and_blank_cells_are_missing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [row(entity=" openai ", product=" ", note="  kept  ", publisher=" P ")])
    assert ingest(store, [path]).added == 1
    got = store.frame().iloc[0]
    assert (got["entity"], got["note"], got["publisher"]) == ("openai", "kept", "P")
    assert pd.isna(got["product"])  # missing, whichever missing marker the frame's text dtype uses


def test_tier_and_via_url_are_validated_and_stored(store: Store, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", [row(tier="gold", via_url="ftp://mirror")])
    _reject(
        store,
        bad,
        f'{bad}:2: field "tier": tier "gold" is not one of primary, major, secondary',
        f'{bad}:2: field "via_url": via_url "ftp://mirror" is not an http(s) URL',
    )
    good = write_csv(tmp_path / "good.csv", [row(tier="major", via_url="https://archive.example.org/copy")])
    assert ingest(store, [good]).added == 1
    got = store.frame().iloc[0]
    assert (got["tier"], got["via_url"]) == ("major", "https://archive.example.org/copy")


def test_tier_is_not_part_of_identity(store: Store, tmp_path: Path) -> None:
    ingest(store, [write_csv(tmp_path / "a.csv", [row(tier="secondary")])])
    again = ingest(store, [write_csv(tmp_path / "b.csv", [row(tier="primary", via_url="https://m.example.org/x")])])
    assert (again.rows, again.added) == (1, 0)


def test_files_without_the_new_columns_still_load(store: Store, tmp_path: Path) -> None:
    columns = [c for c in row() if c not in ("tier", "via_url")]
    path = write_csv(tmp_path / "old.csv", [row()], columns=columns)
    assert ingest(store, [path]).added == 1


def _frame(*rows: dict[str, object]) -> pd.DataFrame:
    base = {c: None for c in fr.COLUMNS}
    data = pd.DataFrame(
        [
            {
                **base,
                "entity": "e",
                "metric": "m",
                "as_of": pd.Timestamp("2025-01-01"),
                "published": pd.Timestamp("2025-01-02"),
                **r,
            }
            for r in rows
        ],
        columns=list(fr.COLUMNS),
    )
    return data


def test_resolve_prefers_kind_then_tier_then_newest_then_smallest_id() -> None:
    newer = pd.Timestamp("2025-03-01")
    # Same kind: a primary source beats a major one even when the major one is newer; unrated comes last.
    picked = fr.resolve(
        _frame(
            {"id": "a", "value": 1.0, "kind": "reported", "tier": "major", "published": newer},
            {"id": "b", "value": 2.0, "kind": "reported", "tier": "primary"},
            {"id": "c", "value": 3.0, "kind": "reported", "tier": None, "published": newer},
        )
    )
    assert picked["id"].tolist() == ["b"]
    # Kind comes first: an unrated official number beats a primary-rated estimate.
    picked = fr.resolve(
        _frame(
            {"id": "a", "value": 1.0, "kind": "estimate", "tier": "primary"},
            {"id": "b", "value": 2.0, "kind": "official", "tier": None},
        )
    )
    assert picked["id"].tolist() == ["b"]
    # Same kind and tier: newest published, then smallest id.
    picked = fr.resolve(
        _frame(
            {"id": "b", "value": 1.0, "kind": "reported", "tier": "secondary"},
            {"id": "a", "value": 2.0, "kind": "reported", "tier": "secondary"},
        )
    )
    assert picked["id"].tolist() == ["a"]
    # Unrated and secondary: secondary wins even when older.
    picked = fr.resolve(
        _frame(
            {"id": "a", "value": 1.0, "kind": "reported", "tier": None, "published": newer},
            {"id": "b", "value": 2.0, "kind": "reported", "tier": "secondary"},
        )
    )
    assert picked["id"].tolist() == ["b"]


def test_resolve_accepts_frames_without_a_tier_column() -> None:
    data = _frame({"id": "a", "value": 1.0, "kind": "reported"}).drop(columns=["tier", "via_url"])
    assert fr.resolve(data)["id"].tolist() == ["a"]
