"""In-memory records (dicts, DataFrames, Arrow tables) go through the same validation and append as files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from corevar.errors import IngestError
from corevar.load import ingest, ingest_records
from corevar.store import Store
from tests.conftest import GOOD_ROW, row, write_csv


def _typed(**changes: object) -> dict[str, object]:
    """GOOD_ROW with Python types instead of text, as a connector would hand it over (SYNTHETIC)."""
    record: dict[str, object] = {k: v for k, v in GOOD_ROW.items() if v != ""}
    record.update(value=123456789.0, as_of=date(2025, 1, 1), published=date(2025, 1, 2))
    record.update(changes)
    return record


def test_dicts_are_ingested_once_and_match_the_csv_door(store: Store, tmp_path: Path) -> None:
    result = ingest_records(store, [_typed()])
    assert (result.files, result.rows, result.added) == (1, 1, 1)
    assert ingest(store, [write_csv(tmp_path / "same.csv", [row()])]).added == 0  # same content id either way
    assert ingest_records(store, [_typed(note="reworded")]).added == 0


def test_problems_name_the_record_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(IngestError) as info:
        ingest_records(
            store, [_typed(), _typed(value="13B", unit="usd"), {"entity": "openai"}], source_name="connector"
        )
    text = str(info.value)
    assert 'connector:2: field "value": value "13B" is not a number' in text
    assert 'connector:2: field "unit": unit "usd" does not match metric weekly_active_users' in text
    assert 'connector:3: field "metric": required field is missing' in text
    assert text.endswith("Nothing was written: the store is exactly as it was.")
    assert store.count_all() == 0


def test_dataframe_with_typed_columns(store: Store) -> None:
    frame = pd.DataFrame(
        [_typed(), _typed(value=2.5e8, low=2e8, high=3e8, as_of=date(2025, 2, 1), published=date(2025, 2, 3))]
    )
    frame["as_of"] = pd.to_datetime(frame["as_of"])  # datetime64 at midnight reads as a date
    result = ingest_records(store, frame, source_name="frame")
    assert (result.rows, result.added) == (2, 2)
    got = store.frame().sort_values("as_of")
    assert got["value"].tolist() == [123456789.0, 2.5e8]
    assert got["low"].isna().tolist() == [True, False]  # NaN in a DataFrame means missing
    assert str(got["as_of"].iloc[1].date()) == "2025-02-01"


def test_dataframe_unknown_and_missing_columns(store: Store) -> None:
    frame = pd.DataFrame([_typed()]).drop(columns=["publisher"]).assign(colour="red")
    with pytest.raises(IngestError) as info:
        ingest_records(store, frame, source_name="frame")
    assert 'frame: field "colour": unknown column' in str(info.value)
    assert 'frame: field "publisher": required column is missing' in str(info.value)


def test_arrow_table_and_timestamps_with_a_time_are_refused(store: Store) -> None:
    table = pa.Table.from_pylist([{**GOOD_ROW, "published": "2025-01-02"}])
    assert ingest_records(store, table).added == 1
    bad = pd.DataFrame([_typed(published=pd.Timestamp("2025-01-02 13:45"))])
    with pytest.raises(
        IngestError,
        match=r'records:1: field "published": published "2025-01-02T13:45:00[.0-9]*" is not a '
        "real date",
    ):
        ingest_records(store, bad)


def test_parse_human_and_a_single_dict(store: Store) -> None:
    assert ingest_records(store, [_typed(value="800M")], parse_human=True).added == 1
    assert store.frame()["value"].tolist() == [800_000_000.0]
    with pytest.raises(TypeError, match="iterable of dicts"):
        ingest_records(store, _typed())


def test_a_generator_of_many_records_is_batched(store: Store) -> None:
    records = (_typed(value=float(i), note=f"synthetic {i}") for i in range(2500))
    result = ingest_records(store, records, batch_rows=1000)
    assert (result.rows, result.added) == (2500, 2500)


def test_dataframe_with_a_column_mixing_types(store: Store) -> None:
    frame = pd.DataFrame([_typed(value="5"), _typed(value=2.5, note="synthetic second")])
    assert frame["value"].dtype == object
    assert ingest_records(store, frame).added == 2
    assert sorted(store.frame()["value"].tolist()) == [2.5, 5.0]


def test_parse_human_problem_is_said_once(store: Store) -> None:
    with pytest.raises(IngestError) as info:
        ingest_records(store, [_typed(), _typed(value="12x34")], parse_human=True, source_name="add")
    lines = str(info.value).splitlines()
    assert lines[0].startswith('add:2: field "value": "12x34" is not a number')
    assert len(lines) == 2 and info.value.total == 1
