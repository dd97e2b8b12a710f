"""Checks on the verification log: every record points at a real observation and uses an allowed outcome."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

DATASET = Path(__file__).resolve().parents[1] / "src" / "corevar" / "dataset"
OBS_DIR = DATASET / "observations"
VERIFICATION = DATASET / "verification.csv"
COLUMNS = [
    "file",
    "entity",
    "product",
    "metric",
    "basis",
    "as_of",
    "value",
    "kind",
    "outcome",
    "checked_url",
    "checked_on",
    "comment",
    "tier",
    "quote",
]
KEY = ("entity", "product", "metric", "basis", "as_of", "value", "kind")
OUTCOMES = {"verified", "corrected", "dropped", "other_source"}
TIERS = {"primary", "major", "secondary"}


def _read(path: Path) -> tuple[list[str] | None, list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def _key(row: dict[str, str]) -> tuple[str, ...]:
    # values compared as numbers so 5 and 5.0 match
    return tuple(str(float(row[k])) if k == "value" else row[k] for k in KEY)


HEADER, RECORDS = _read(VERIFICATION)
OBSERVATIONS = {path.name: Counter(_key(r) for r in _read(path)[1]) for path in sorted(OBS_DIR.glob("*.csv"))}
# the pages each live row cites (its source and, where set, the copy read), per file and key
CITED = {
    path.name: {(_key(r), url) for r in _read(path)[1] for url in (r["source_url"], r.get("via_url") or "") if url}
    for path in sorted(OBS_DIR.glob("*.csv"))
}


def test_header_and_not_empty() -> None:
    assert HEADER == COLUMNS
    assert RECORDS


def test_outcomes_allowed() -> None:
    bad = [(i, r["outcome"]) for i, r in enumerate(RECORDS, start=2) if r["outcome"] not in OUTCOMES]
    assert not bad, bad


def test_tiers_allowed() -> None:
    bad = [(i, r["tier"]) for i, r in enumerate(RECORDS, start=2) if r["tier"] and r["tier"] not in TIERS]
    assert not bad, bad


def test_checked_url_and_date() -> None:
    for line, r in enumerate(RECORDS, start=2):
        parsed = urlparse(r["checked_url"])
        assert parsed.scheme in ("http", "https") and parsed.netloc, f"line {line}: {r['checked_url']!r}"
        assert " " not in r["checked_url"], f"line {line}"
        date.fromisoformat(r["checked_on"])
        assert r["comment"].strip(), f"line {line}: empty comment"


def test_records_point_at_observations() -> None:
    missing = []
    for line, r in enumerate(RECORDS, start=2):
        assert r["file"] in OBSERVATIONS, f"line {line}: unknown file {r['file']!r}"
        present = _key(r) in OBSERVATIONS[r["file"]]
        if r["outcome"] == "dropped":
            # a dropped row is gone; another row with the same key may remain (a duplicate dropped, one kept),
            # so the test is that no live row with this key still cites the dropped page
            if (_key(r), r["checked_url"]) in CITED[r["file"]]:
                missing.append(f"line {line}: dropped row still in {r['file']}")
        elif not present:
            missing.append(f"line {line}: no observation {r['file']} {_key(r)}")
    assert not missing, "\n".join(missing[:30])


def test_no_more_records_than_rows() -> None:
    # two observations may share the key (same figure, different publication date), so compare counts
    counts = Counter((r["file"], _key(r)) for r in RECORDS if r["outcome"] != "dropped")
    over = [(f, k) for (f, k), n in counts.items() if n > OBSERVATIONS[f][k]]
    assert not over, over[:10]


def verification_counts() -> dict[str, dict[str, int]]:
    """Per observation file: rows now, records per outcome, and rows with no verification record."""
    table: dict[str, dict[str, int]] = {}
    for name, keys in OBSERVATIONS.items():
        records = [r for r in RECORDS if r["file"] == name]
        live = {k for k in keys if any(_key(r) == k and r["outcome"] != "dropped" for r in records)}
        counts = Counter(r["outcome"] for r in records)
        table[name] = {
            "rows": sum(keys.values()),
            **{o: counts[o] for o in sorted(OUTCOMES)},
            "unchecked": sum(n for k, n in keys.items() if k not in live),
        }
    return table


def test_data_md_states_the_verification_counts() -> None:
    """DATA.md's verification table must match the files, so the coverage claim stays honest."""
    text = (DATASET.parents[2] / "DATA.md").read_text(encoding="utf-8")
    for name, c in verification_counts().items():
        line = f"| `{name}` | {c['rows']} | {c['verified']} | {c['other_source']} | {c['corrected']} | {c['dropped']} |"
        assert line in text, f"DATA.md is stale for {name}; expected the row: {line}"


def test_every_bundled_row_was_verified() -> None:
    """The issue's rule: keep only rows checked against a source; the rest live in dataset/unverified/."""
    unchecked = {name: c["unchecked"] for name, c in verification_counts().items() if c["unchecked"]}
    assert not unchecked, f"rows without a verification record: {unchecked}"


def test_unverified_rows_are_kept_apart_in_the_same_format() -> None:
    folder = DATASET / "unverified"
    header = _read(next(OBS_DIR.glob("*.csv")))[0]
    for path in sorted(folder.glob("*.csv")):
        fields, rows = _read(path)
        assert fields == header, path.name
        bundled = OBSERVATIONS.get(path.name, Counter())
        assert rows and not [r for r in rows if _key(r) in bundled], f"{path.name}: a row is in both places"


def _script(name: str):
    import importlib.util

    path = DATASET.parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recheck_sample_is_repeatable() -> None:
    """The audit sample is a function of the seed: the same seed draws the same rows, another seed others."""
    sampler = _script("recheck_sample")
    first, again = sampler.draw(7, 20), sampler.draw(7, 20)
    assert [(f, line) for f, line, _ in first] == [(f, line) for f, line, _ in again]
    assert len(first) == 20
    assert [(f, line) for f, line, _ in sampler.draw(8, 20)] != [(f, line) for f, line, _ in first]


def test_live_records_carry_the_row_tier() -> None:
    """verification.csv repeats each checked row's tier, so an audit sheet shows what the row claims to rest on."""
    tiers: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for path in sorted(OBS_DIR.glob("*.csv")):
        for r in _read(path)[1]:
            if "tier" in r:
                tiers.setdefault((path.name, _key(r)), set()).add(r["tier"])
    if not tiers:
        return  # tier column not there yet
    bad = [
        (line, r["tier"])
        for line, r in enumerate(RECORDS, start=2)
        if r["outcome"] != "dropped" and r["tier"] not in tiers.get((r["file"], _key(r)), set())
    ]
    assert not bad, bad[:10]


def test_a_bound_in_the_recorded_quote_is_stored() -> None:
    """The source's own words decide the bound: a recorded quote that says "more than X" / "over X" (or "nearly X",
    "approaching X") of the row's own figure needs ``low`` (or ``high``) stored, as the same words in a note do
    (``corevar.load.invariants.bound_words``). A re-check found Google Cloud's "over $70 billion" stored as exact."""
    import pandas as pd

    from corevar.load import invariants

    quotes = {(r["file"], _key(r)): r["quote"] for r in RECORDS if r["outcome"] != "dropped" and r["quote"]}
    rows = []
    for path in sorted(OBS_DIR.glob("*.csv")):
        for line, r in enumerate(_read(path)[1], start=2):
            quote = quotes.get((path.name, _key(r)))
            if quote:
                rows.append({**r, "note": quote, "where": f"{path.name}:{line}"})
    frame = pd.DataFrame(rows)
    found = invariants.bound_words(frame)
    assert not found, "\n".join(f"{frame.iloc[f.rows[0]]['where']}: {f.message}" for f in found)
