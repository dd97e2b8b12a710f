"""The fast ingest path must change nothing but speed: the same ids, the same verdict on every row, the same rows.

* ids: :func:`corevar.store.ledger.ids_sql` (what the append computes) equals the reference
  :func:`corevar.store.schema.id_sql` (the id every existing store, retraction and dataset version was built on),
  on rows with missing fields, awkward floats and dates; one id is pinned to the MD5 of its text.
* verdict: the cheap guard of the fast path fails a row exactly when a rule of RULES reports a problem.
* rows: cells read as they are (the clean path) or trimmed (the second read) give identical stored rows, and a
  file is read a second time only when a cell needs trimming.

All rows here are SYNTHETIC.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pyarrow as pa
import pytest

from corevar.errors import IngestError
from corevar.load import COLUMNS, ingest
from corevar.load.validate import invalid_sql, problems_sql
from corevar.store import Store
from corevar.store.ledger import ids_sql
from corevar.store.schema import id_sql
from tests.conftest import row, write_csv

ingest_module = importlib.import_module("corevar.load.ingest")  # the package's `ingest` is the function

TYPED = """
    CREATE TEMP TABLE typed (
        entity VARCHAR, product VARCHAR, metric VARCHAR, value DOUBLE, low DOUBLE, high DOUBLE, unit VARCHAR,
        basis VARCHAR, as_of DATE, published DATE, kind VARCHAR, source_url VARCHAR)
"""

SAMPLE = [
    (
        "openai",
        "chatgpt",
        "weekly_active_users",
        123456789.0,
        None,
        None,
        "users",
        None,
        "2025-01-01",
        "2025-01-02",
        "estimate",
        "https://example.org/synthetic",
    ),
    (
        "openai",
        None,
        "market_share",
        0.1,
        0.05,
        0.2,
        "fraction",
        "consumer",
        "2024-02-29",
        "2024-03-01",
        "reported",
        "https://example.org/a?b=c",
    ),
    (
        "anthropic",
        None,
        "arr",
        1e21,
        1e20,
        1e22,
        "usd_per_year",
        "run_rate",
        "2000-01-01",
        "2000-01-01",
        "official",
        "http://example.org",
    ),
    (
        "xai",
        "grok",
        "weekly_active_users",
        -0.0,
        -1.5,
        2.5e-7,
        "users",
        "",
        "9999-12-31",
        "2026-01-31",
        "target",
        "https://example.org/x",
    ),
    (None, None, None, None, None, None, None, None, None, None, None, None),
    (
        "google",
        "gemini",
        "weekly_active_users",
        1e16,
        5e-324,
        1.7976931348623157e308,
        "users",
        None,
        "2012-10-10",
        "2012-10-11",
        "projection",
        "https://example.org/ü",
    ),
    (
        "meta",
        None,
        "weekly_active_users",
        123456789012345678.0,
        0.30000000000000004,
        3.0,
        "users",
        "a|b",
        "2030-06-15",
        "2025-06-15",
        "target",
        "https://example.org/|",
    ),
]


def test_the_append_computes_the_same_ids_as_the_reference(store: Store) -> None:
    con = store.con
    con.execute(TYPED)
    con.executemany("INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", SAMPLE)
    con.execute(
        "INSERT INTO typed SELECT 'e' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'p' || i END, 'm', i / 7.0, "
        "CASE WHEN i % 2 = 0 THEN i / 3.0 END, CASE WHEN i % 5 = 0 THEN 1e300 / (i + 1) END, 'u', "
        "CASE WHEN i % 4 = 0 THEN 'b' END, DATE '2000-01-01' + CAST(i AS INTEGER), "
        "DATE '2000-01-01' + CAST(2 * i AS INTEGER), 'estimate', "
        "'https://example.org/' || i FROM range(5000) t(i)"
    )
    pairs = con.execute(f"SELECT {id_sql()}, {ids_sql()} FROM typed").fetchall()
    assert len(pairs) == len(SAMPLE) + 5000
    assert all(old == new for old, new in pairs)
    # The first row's id is the MD5 of this exact text, as it has been since the first release.
    text = "openai|chatgpt|weekly_active_users|123456789.0|||users||2025-01-01|2025-01-02|estimate|" + (
        "https://example.org/synthetic"
    )
    assert pairs[0][0] == hashlib.md5(text.encode()).hexdigest()


def test_ingested_ids_equal_the_reference_computed_on_the_stored_rows(store: Store, tmp_path: Path) -> None:
    rows = [
        row(),
        row(value="0.1", low="0.05", high="0.2", product="", metric="market_share", unit="fraction", basis="x"),
        row(value="1e21", metric="arr", unit="usd_per_year", basis="run_rate", product=""),
        row(value="1000000000000000000000", metric="arr", unit="usd_per_year", basis="run_rate", product=""),
        row(as_of="2024-02-29", published="2024-03-01", note="", title="t"),
    ]
    path = write_csv(tmp_path / "ids.csv", rows)
    result = ingest(store, [path])
    assert (result.rows, result.added) == (5, 4)  # 1e21 written two ways is one fact
    stored = store.con.execute(f"SELECT id, {id_sql()} FROM observations").fetchall()
    assert len(stored) == 4 and all(a == b for a, b in stored)


# ---------------------------------------------------------------------------------------------------------------
# The cheap guard and RULES agree on every row.
# ---------------------------------------------------------------------------------------------------------------
EDGES: list[dict[str, str]] = [
    row(),
    row(entity="nobody"),
    row(entity=""),
    row(product="claude"),
    row(product="nothing"),
    row(product=""),
    row(metric="nothing"),
    row(unit="dollars"),
    row(unit=""),
    row(value=""),
    row(value="x"),
    row(value="1_000"),
    row(value="nan"),
    row(value="inf"),
    row(value="-1"),
    row(value="-0.5", metric="market_share", unit="fraction", basis="b", product=""),
    row(value="0.1", metric="market_share", unit="fraction", product=""),
    row(value="1e21"),
    row(value=" 5"),
    row(value="\t5"),
    row(low="5", value="4"),
    row(high="3", value="4"),
    row(low="x"),
    row(high="1_0"),
    row(low="-inf"),
    row(low="4", high="4", value="4"),
    row(as_of="2025-02-29"),
    row(as_of="2024-02-29", published="2024-03-01"),
    row(as_of="1999-12-31", published="2000-01-02"),
    row(as_of="0999-01-01"),
    row(as_of="10000-01-01", kind="target"),
    row(as_of="9999-12-31", kind="target"),
    row(as_of="2000-01-01", published="2000-01-01"),
    row(as_of="2024-1-05"),
    row(as_of="2024/01/05"),
    row(as_of="20240105"),
    row(as_of="2024-01-05T00:00:00"),
    row(as_of="2024-01-05 00:00:00"),
    row(as_of="+2024-01-05"),
    row(as_of="2024-01-0５"),
    row(published="2099-01-01"),
    row(published="1999-12-31", as_of="1999-12-30"),
    row(published="2024-12-31", as_of="2025-01-01"),
    row(published="2024-12-31", as_of="2025-01-01", kind="projection"),
    row(kind="rumour"),
    row(kind=""),
    row(source_url="ftp://example.org"),
    row(source_url="https://localhost"),
    row(source_url="https://example.org/a b"),
    row(source_url="https://.example.org"),
    row(source_url=""),
    row(publisher=""),
    row(tier="gold"),
    row(tier="primary"),
    row(via_url="https://mirror.example.org/x"),
    row(via_url="mirror"),
    row(metric="market_share", unit="fraction", value="0.3", product=""),
    row(metric="inference_price", unit="usd_per_million_tokens", value="2.5", basis="cached", product=""),
    row(metric="inference_price", unit="usd_per_million_tokens", value="2.5", basis="input", product=""),
    row(metric="arr", unit="usd_per_year", value="1e9", basis="", product=""),
]


def _batch(rows: list[dict[str, str]]) -> pa.Table:
    arrays = [pa.array([r.get(c) or None for r in rows], type=pa.string()) for c in COLUMNS]
    arrays.append(pa.array(range(1, len(rows) + 1), type=pa.int64()))
    return pa.Table.from_arrays(arrays, names=[*COLUMNS, "_line"])


def test_the_fast_guard_fails_a_row_exactly_when_a_rule_reports_a_problem(store: Store) -> None:
    batch = _batch(EDGES)  # noqa: F841 (read by DuckDB's replacement scan)
    con = store.con
    invalid = dict(con.execute(invalid_sql("SELECT * FROM batch")).fetchall())
    top, _ = problems_sql("SELECT * FROM batch", limit=None)
    with_problems = {int(line) for line, _ in con.execute(top).fetchall()}
    assert {line for line, bad in invalid.items() if bad} == with_problems
    assert 1 not in with_problems and len(with_problems) > 40  # the good row passes; most edges are caught
    # Read as they are (no trimming), these cells need none, so the verdict is the same.
    raw = dict(con.execute(invalid_sql("SELECT * FROM batch", trim=False)).fetchall())
    assert {line for line, bad in raw.items() if bad} == with_problems


# ---------------------------------------------------------------------------------------------------------------
# Clean first read, trimmed second read.
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``clean`` flag of every read of the input an ingest makes."""
    seen: list[bool] = []
    real = ingest_module._attempt

    def spy(*args: object, clean: bool) -> object:
        seen.append(clean)
        return real(*args, clean=clean)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "_attempt", spy)
    return seen


def _stored(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT id, entity, product, metric, value, low, high, unit, basis, as_of, published, kind, source_url, "
        "publisher, title, note, tier, via_url FROM observations ORDER BY id"
    ).fetchall()


def test_a_clean_file_is_read_once(store: Store, tmp_path: Path, attempts: list[bool]) -> None:
    path = write_csv(tmp_path / "clean.csv", [row(), row(value="5", low="4", high="6", tier="major")])
    assert ingest(store, [path]).added == 2
    assert attempts == [True]


def test_padded_cells_are_read_again_trimmed_and_stored_as_if_clean(tmp_path: Path, attempts: list[bool]) -> None:
    clean_rows = [
        row(),
        row(value="5", low="4", high="6", tier="major", via_url="https://mirror.example.org/c", title="T"),
        row(metric="market_share", unit="fraction", value="0.3", product="", basis="consumer"),
    ]
    padded_rows = [
        row(entity=" openai", publisher="SYNTHETIC "),
        row(value=" 5 ", low="4 ", high=" 6", tier=" major", via_url="https://mirror.example.org/c ", title=" T"),
        row(metric="market_share", unit="fraction ", value="0.3", product="  ", basis=" consumer", as_of="2025-01-01 "),
    ]
    results = []
    for name, rows in (("clean", clean_rows), ("padded", padded_rows)):
        with Store(tmp_path / f"{name}.duckdb", load_bundled=False) as store:
            path = write_csv(tmp_path / f"{name}.csv", rows)
            assert ingest(store, [path]).added == 3
            results.append(_stored(store))
    assert results[0] == results[1]
    assert attempts == [True, True, False]


@pytest.mark.parametrize("cell", ["publisher", "title", "note", "basis"])
def test_a_free_text_cell_with_a_space_is_trimmed(store: Store, tmp_path: Path, cell: str) -> None:
    changes = {cell: " x "} | (
        {"metric": "market_share", "unit": "fraction", "value": "0.3", "product": ""} if cell == "basis" else {}
    )
    path = write_csv(tmp_path / "f.csv", [row(**changes)])
    assert ingest(store, [path]).added == 1
    assert store.con.execute(f"SELECT {cell} FROM observations").fetchone() == ("x",)


def test_bad_rows_report_true_lines_whether_padded_or_not(store: Store, tmp_path: Path, attempts: list[bool]) -> None:
    plain = write_csv(tmp_path / "plain.csv", [row(), row(value="x")])
    with pytest.raises(IngestError) as info:
        ingest(store, [plain])
    assert f'{plain}:3: field "value": value "x" is not a number' in str(info.value)
    assert attempts == [True]  # a bad row with nothing to trim goes straight to the diagnosis
    padded = write_csv(tmp_path / "padded.csv", [row(entity=" openai "), row(), row(kind=" rumour ")])
    with pytest.raises(IngestError) as info:
        ingest(store, [padded])
    assert f'{padded}:4: field "kind": kind "rumour" is not one of' in str(info.value)
    assert f"{padded}:2:" not in str(info.value)
    assert attempts == [True, True, False]
    assert store.count_all() == 0


def test_a_padded_second_file_rereads_every_file_and_adds_each_row_once(
    store: Store, tmp_path: Path, attempts: list[bool]
) -> None:
    first = write_csv(tmp_path / "a.csv", [row(), row(value="2")])
    second = write_csv(tmp_path / "b.csv", [row(value="3", note=" padded ")])
    result = ingest(store, [first, second])
    assert (result.rows, result.added) == (3, 3)
    assert attempts == [True, False]
    assert store.count_all() == 3


def test_tables_in_memory_take_the_clean_read_too(tmp_path: Path, attempts: list[bool]) -> None:
    import pandas as pd

    from corevar.load import ingest_records

    clean = pd.DataFrame([row(), row(value="5", low="4", high="", title="", tier="")])  # "" is missing, as in a CSV
    padded = pd.DataFrame([row(entity=" openai"), row(value="5", low="4", high="", title=" ", tier="", note=" n ")])
    padded.loc[1, "note"] = clean.loc[1, "note"] + " "
    stored = []
    for name, frame in (("clean", clean), ("padded", padded)):
        with Store(tmp_path / f"{name}.duckdb", load_bundled=False) as store:
            assert ingest_records(store, frame, source_name=name).added == 2
            stored.append(_stored(store))
    assert stored[0] == stored[1]
    assert attempts == [True, True, False]


@pytest.mark.slow
def test_killed_during_the_trimmed_second_read_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """SIGKILL while a padded file is read the second time (trimmed): all of the ingest or none of it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from benchmarks.synthetic import write_synthetic

    db = tmp_path / "k.duckdb"
    with Store(db, load_bundled=False) as store:
        ingest(store, [write_csv(tmp_path / "seed.csv", [row()])])
        before = (store.count(), store.dataset_version())
    data = write_synthetic(tmp_path / "big.csv", 400_000)
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",SYNTHETIC,", ", SYNTHETIC ,")  # the first row needs trimming
    data.write_text("".join(lines), encoding="utf-8")
    code = (
        "import importlib, sys; from corevar.store import Store; from corevar.load import ingest; "
        "m = importlib.import_module('corevar.load.ingest'); real = m._attempt\n"
        "def spy(*a, clean):\n"
        "    print('clean' if clean else 'trimmed', flush=True); return real(*a, clean=clean)\n"
        "m._attempt = spy; s = Store(sys.argv[1], load_bundled=False); ingest(s, [sys.argv[2]]); s.close()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "clean"
    assert proc.stdout.readline().strip() == "trimmed"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    with Store(db, "r", load_bundled=False, timeout=5) as store:
        count = store.count()
        assert count in (before[0], before[0] + 400_000)  # never a part of it
    with Store(db, load_bundled=False) as store:
        assert ingest(store, [data]).added == 400_000 - (count - before[0])
        assert store.count() == before[0] + 400_000
