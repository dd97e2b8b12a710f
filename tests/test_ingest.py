"""Ingest: every bad-input class gets a message naming file, line and field, and leaves the store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corevar.errors import IngestError
from corevar.load import ingest
from corevar.store import Store
from tests.conftest import row, write_csv


def snapshot(store: Store) -> tuple[int, str]:
    return store.count_all(), store.dataset_version()


def assert_rejected(store: Store, paths: list[Path], *expected: str) -> IngestError:
    """Ingest must fail with every expected fragment in the message and change nothing."""
    before = snapshot(store)
    with pytest.raises(IngestError) as info:
        ingest(store, paths)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, message
    assert message.endswith("Nothing was written: the store is exactly as it was.")
    assert snapshot(store) == before
    return info.value


def test_valid_csv_is_added_once(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(), row(value="200000000", as_of="2025-02-01", published="2025-02-01")])
    first = ingest(store, [path])
    assert (first.rows, first.added) == (2, 2)
    version = store.dataset_version()
    again = ingest(store, [path])
    assert (again.rows, again.added, again.duplicates) == (2, 0, 2)
    assert store.dataset_version() == version


def test_values_are_stored_in_base_units_with_both_dates(store: Store, tmp_path: Path) -> None:
    ingest(store, [write_csv(tmp_path / "obs.csv", [row(value="1.5e9", low="1e9", high="2e9")])])
    got = store.frame().iloc[0]
    assert (got["value"], got["low"], got["high"]) == (1.5e9, 1e9, 2e9)
    assert str(got["as_of"].date()) == "2025-01-01"
    assert str(got["published"].date()) == "2025-01-02"
    assert got["product"] == "chatgpt"


def test_non_numeric_value_names_file_line_field(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(), row(value="13B")])
    assert_rejected(
        store,
        [path],
        f'{path}:3: field "value": value "13B" is not a number; write it in base '
        "units (13000000000 for $13B) or use --parse-human",
    )


def test_parse_human_accepts_friendly_numbers(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(value="800M")])
    ingest(store, [path], parse_human=True)
    assert store.frame()["value"].tolist() == [800_000_000.0]


def test_missing_and_extra_columns(store: Store, tmp_path: Path) -> None:
    columns = [c for c in row() if c != "publisher"] + ["colour"]
    path = write_csv(tmp_path / "obs.csv", [row()], columns=columns)
    assert_rejected(
        store,
        [path],
        f'{path}:1: field "colour": unknown column',
        f'{path}:1: field "publisher": required column is missing',
    )


def test_unknown_metric_entity_product(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(metric="weekly_users"), row(entity="acme"), row(product="claude")])
    assert_rejected(
        store,
        [path],
        f'{path}:2: field "metric": unknown metric "weekly_users"',
        f'{path}:3: field "entity": unknown entity "acme"',
        f'{path}:4: field "product": product "claude" belongs to anthropic, not to openai',
    )


def test_unit_mismatch(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(unit="usd")])
    assert_rejected(
        store,
        [path],
        f'{path}:2: field "unit": unit "usd" does not match metric weekly_active_users, which is in users',
    )


def test_negative_count_and_bad_range(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(value="-5"), row(low="200000000")])
    assert_rejected(
        store,
        [path],
        f'{path}:2: field "value": value -5.0 is negative; a users value must be 0 or more',
        f'{path}:3: field "low": low 200000000.0 is above value 123456789.0',
    )


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13-01", "01/02/2025", "2025-1-5", "yesterday"])
def test_impossible_dates(store: Store, tmp_path: Path, bad: str) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(as_of=bad)])
    assert_rejected(store, [path], f'{path}:2: field "as_of": as_of "{bad}" is not a real date; expected YYYY-MM-DD')


def test_future_publication_is_impossible(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(published="2999-01-01", as_of="2999-01-01")])
    assert_rejected(store, [path], f'{path}:2: field "published": published 2999-01-01 is in the future')


def test_published_before_as_of_only_for_forward_kinds(store: Store, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", [row(as_of="2025-12-31", published="2025-01-01")])
    assert_rejected(
        store,
        [bad],
        f'{bad}:2: field "published": published 2025-01-01 is before as_of 2025-12-31; '
        "estimate numbers cannot be published before the date they describe",
    )
    target = write_csv(tmp_path / "target.csv", [row(as_of="2025-12-31", published="2025-01-01", kind="target")])
    assert ingest(store, [target]).added == 1


def test_basis_rules(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "obs.csv",
        [
            row(metric="market_share", unit="fraction", value="0.3", product=""),
            row(metric="inference_price", unit="usd_per_million_tokens", value="2.5", basis="cached", product=""),
        ],
    )
    assert_rejected(
        store,
        [path],
        f'{path}:2: field "basis": metric market_share needs a basis',
        f'{path}:3: field "basis": basis "cached" is not one of input, output, blended',
    )


def test_bad_kind_and_url_and_empty_required(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(kind="rumour", source_url="javascript:alert(1)", publisher="  ")])
    assert_rejected(
        store,
        [path],
        f'{path}:2: field "kind": kind "rumour" is not one of',
        f'{path}:2: field "source_url": source_url "javascript:alert(1)" is not an http(s) URL',
        f'{path}:2: field "publisher": is required and is empty',
    )


def test_empty_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert_rejected(store, [path], f"{path}: file is empty; expected observations")
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n", encoding="utf-8")
    assert_rejected(store, [blank], f"{blank}: file is empty; expected a header line")


def test_non_utf8_bytes(store: Store, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "obs.csv", [row(), row(note="caf\u00e9")])
    data = good.read_bytes().replace("caf\u00e9".encode(), b"caf\xe9")
    path = tmp_path / "latin1.csv"
    path.write_bytes(data)
    assert_rejected(store, [path], f"{path}:3: is not UTF-8 text; save the file as UTF-8")


def test_ragged_row(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row()])
    path.write_text(path.read_text(encoding="utf-8") + "openai,chatgpt,too,few\n", encoding="utf-8")
    assert_rejected(store, [path], f"{path}:3: has 4 fields; the header has 17")


def test_one_bad_file_blocks_all_files(store: Store, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [row()])
    bad = write_csv(tmp_path / "bad.csv", [row(metric="nope")])
    assert_rejected(store, [good, bad], f'{bad}:2: field "metric"')
    assert store.count_all() == 0


def test_all_errors_reported_at_once(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "obs.csv", [row(value="x")] * 250)
    error = assert_rejected(store, [path], "... and 50 more problems.")
    assert error.total == 250 and len(error.problems) == 200


def test_missing_file_and_unknown_type(store: Store, tmp_path: Path) -> None:
    odd = tmp_path / "obs.xlsx"
    odd.write_text("x", encoding="utf-8")
    assert_rejected(
        store,
        [tmp_path / "nope.csv", odd],
        "nope.csv: does not exist or is not a file",
        "obs.xlsx: unknown file type; expected .csv, .json, .jsonl, .yaml or .yml",
    )


def test_json_array_lines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "obs.json"
    records = [{k: v for k, v in row().items() if v}, {k: v for k, v in row(value="abc").items() if v}]
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    error = assert_rejected(store, [path], 'field "value": value "abc" is not a number')
    assert error.problems[0].line == 2 + len(records[0]) + 2  # the line where the second object opens
    records[1]["value"] = 5e8
    path.write_text(json.dumps({"observations": records}), encoding="utf-8")
    assert ingest(store, [path]).added == 2


def test_jsonl_and_yaml(store: Store, tmp_path: Path) -> None:
    jsonl = tmp_path / "obs.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps({k: v for k, v in row(value=str(v)).items() if v}) for v in (1, 2)) + "\n{oops\n",
        encoding="utf-8",
    )
    assert_rejected(store, [jsonl], f"{jsonl}:3: is not valid JSON")
    yml = tmp_path / "obs.yaml"
    yml.write_text(
        "observations:\n"
        "  - {entity: openai, metric: weekly_active_users, value: 1000, unit: users, as_of: 2025-01-01,\n"
        "     published: 2025-01-01, kind: estimate, source_url: 'https://example.org/s', publisher: SYNTHETIC}\n"
        "  - {entity: openai, metric: weekly_active_users, value: 1000, unit: users, as_of: 2025-01-01,\n"
        "     published: 2025-01-01, kind: estimate, source_url: 'https://example.org/s', publisher: SYNTHETIC,\n"
        "     flavour: sweet}\n",
        encoding="utf-8",
    )
    assert_rejected(store, [yml], f'{yml}:4: field "flavour": unknown field')
    yml.write_text("\n".join(yml.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    assert ingest(store, [yml]).added == 1


def test_repeats_within_one_ingest_are_stored_once(store: Store, tmp_path: Path) -> None:
    same = row()
    path = write_csv(tmp_path / "dups.csv", [same, same, row(value="5"), same])
    result = ingest(store, [path, path])
    assert (result.rows, result.added, result.duplicates) == (8, 2, 6)
    assert store.count_all() == 2
    jsonl = tmp_path / "dups.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in [same, row(value="6"), same, row(value="6")]), "utf-8")
    again = ingest(store, [jsonl], batch_rows=2)  # repeats across batches, one already stored
    assert (again.rows, again.added) == (4, 1)
    assert sorted(store.frame()["value"].tolist()) == [5.0, 6.0, 123456789.0]
