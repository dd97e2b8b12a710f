"""Invariants across observations: the bundled dataset passes every check, and each check catches its class.

The per-check tests build small synthetic frames (clearly not data: entity "x", round numbers) so a check that
stopped finding anything would fail here, not pass silently on clean data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from corevar.load import invariants as inv

DATASET = Path(__file__).resolve().parents[1] / "src" / "corevar" / "dataset"
ENTITIES = yaml.safe_load((DATASET / "entities.yaml").read_text(encoding="utf-8"))["entities"]
TIERS = {p["id"]: p["tier"] for e in ENTITIES for p in e.get("products", []) if p.get("tier")}


def _bundled() -> pd.DataFrame:
    frames = []
    for path in sorted((DATASET / "observations").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["where"] = [f"{path.name}:{line}" for line in range(2, len(frame) + 2)]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


BUNDLED = _bundled()


@pytest.mark.parametrize("check", sorted(inv.CHECKS))
def test_bundled_dataset_passes(check: str) -> None:
    found = inv.check_all(BUNDLED, tiers=TIERS, only=[check])
    lines = [f"{f.message} at {', '.join(BUNDLED.loc[list(f.rows), 'where'])}" for f in found]
    assert not lines, "\n".join(lines)


def _frame(*rows: dict[str, object]) -> pd.DataFrame:
    base = {
        "entity": "x",
        "product": "",
        "metric": "",
        "value": "",
        "low": "",
        "high": "",
        "basis": "",
        "as_of": "2025-01-31",
        "published": "2025-02-01",
        "kind": "reported",
        "note": "",
    }
    return pd.DataFrame([{**base, **{k: str(v) for k, v in r.items()}} for r in rows])


def test_users_order() -> None:
    frame = _frame(
        {"product": "p", "metric": "weekly_active_users", "value": 100},
        {"product": "p", "metric": "monthly_active_users", "value": 80, "as_of": "2025-01-15"},
    )
    assert [f.check for f in inv.users_order(frame)] == ["users_order"]
    within = _frame(
        {"product": "p", "metric": "weekly_active_users", "value": 105},
        {"product": "p", "metric": "monthly_active_users", "value": 100},
    )
    assert not inv.users_order(within)  # 5% over: inside the cross-source tolerance
    panel = _frame(
        {"product": "p", "metric": "weekly_active_users", "value": 100},
        {"product": "p", "metric": "monthly_active_users", "value": 50, "kind": "estimate"},
    )
    assert not inv.users_order(panel)  # a third-party panel is not compared with the company's figure


def test_shares_sum() -> None:
    market = {"metric": "market_share", "basis": "m"}
    frame = _frame({**market, "entity": "a", "value": 0.6}, {**market, "entity": "b", "value": 0.5})
    assert inv.shares_sum(frame)[0].detail["total"] == pytest.approx(1.1)
    one_entity_twice = _frame(
        {**market, "entity": "a", "value": 0.6}, {**market, "entity": "a", "value": 0.55, "published": "2025-03-01"}
    )
    assert not inv.shares_sum(one_entity_twice)  # conflicting sources for one entity are not added up
    other_day = _frame(
        {**market, "entity": "a", "value": 0.6}, {**market, "entity": "b", "value": 0.5, "as_of": "2025-02-28"}
    )
    assert not inv.shares_sum(other_day)


def test_runrate_vs_revenue() -> None:
    frame = _frame(
        {"metric": "arr", "basis": "run_rate", "value": 10e9, "as_of": "2025-06-30"},
        {"metric": "revenue", "basis": "fy2025", "value": 0.5e9, "as_of": "2025-12-31", "published": "2026-01-15"},
    )
    assert [f.check for f in inv.runrate_vs_revenue(frame)] == ["runrate_vs_revenue"]
    quarter = _frame(
        {"metric": "arr", "basis": "run_rate", "value": 10e9, "as_of": "2025-02-28"},
        {"metric": "revenue", "basis": "q1_2025", "value": 2e9, "as_of": "2025-03-31"},
    )
    assert not inv.runrate_vs_revenue(quarter)  # 2B a quarter is 8B a year: same order as a 10B run-rate


def test_price_tiers() -> None:
    tiers = {"cheap": "gpt4_class", "best": "frontier", "pro": "frontier_premium"}
    price = {"metric": "inference_price", "basis": "output"}
    frame = _frame({**price, "product": "cheap", "value": 20}, {**price, "product": "best", "value": 10})
    assert [f.check for f in inv.price_tiers(frame, tiers)] == ["price_tiers"]
    ok = _frame(
        {**price, "product": "cheap", "value": 2},
        {**price, "product": "best", "value": 10},
        {**price, "product": "pro", "value": 120},
    )
    assert not inv.price_tiers(ok, tiers)
    stale = _frame(
        {**price, "product": "cheap", "value": 20, "as_of": "2023-01-01"},
        {**price, "product": "best", "value": 10, "as_of": "2025-01-01"},
    )
    assert not inv.price_tiers(stale, tiers)  # a price older than the window is no longer "in effect"


def test_duplicate_targets() -> None:
    goal = {"metric": "weekly_active_users", "product": "p", "kind": "target", "value": 1e9, "as_of": "2025-12-31"}
    frame = _frame({**goal, "published": "2026-04-28"}, {**goal, "published": "2026-04-29"})
    assert [f.check for f in inv.duplicate_targets(frame)] == ["duplicate_targets"]
    restated = _frame({**goal, "published": "2024-11-30"}, {**goal, "published": "2026-04-28"})
    assert not inv.duplicate_targets(restated)  # the same goal reported in two news cycles, years apart


@pytest.mark.parametrize(
    ("note", "value", "low", "high", "bad"),
    [
        ("approaching 900 million weekly users", 900e6, "", "", True),
        ("approaching 900 million weekly users", 900e6, "", 900e6, False),
        ("more than 50M subscribers", 50e6, "", "", True),
        ("more than 50M subscribers", 50e6, 50e6, "", False),
        ("passed $30B run-rate", 30e9, 30e9, "", False),
        ("a decline of more than 10% on the day", -0.10, "", -0.10, False),
        ("a decline of more than 10% on the day", -0.10, -0.10, "", True),
        ("more than half of it non-cash; loss $13.5B", 13.5e9, "", "", False),  # the bound is on another figure
        ("up from $3.5B in under a year", 8.4e9, "", "", False),
        ("overall #1, score 1344", 1344, "", "", False),
    ],
)
def test_bound_words(note: str, value: float, low: object, high: object, bad: bool) -> None:
    frame = _frame({"metric": "m", "value": value, "low": low, "high": high, "note": note})
    assert bool(inv.bound_words(frame)) is bad


def test_a_percentage_bounds_only_a_fraction() -> None:
    # "more than 60% cheaper" is about a price cut, not the $0.60 price itself; it would bound a 0.60 share
    note = "$0.60 per million output tokens, which made it more than 60% cheaper"
    price = _frame({"metric": "m", "value": 0.6, "low": "", "high": "", "unit": "usd_per_million_tokens", "note": note})
    share = _frame({"metric": "m", "value": 0.6, "low": "", "high": "", "unit": "fraction", "note": note})
    assert not inv.bound_words(price)
    assert inv.bound_words(share)


def test_check_all_skips_price_tiers_without_a_tier_map() -> None:
    price = {"metric": "inference_price", "basis": "output"}
    frame = _frame({**price, "product": "cheap", "value": 20}, {**price, "product": "best", "value": 10})
    assert not inv.check_all(frame)
    assert inv.check_all(frame, tiers={"cheap": "gpt4_class", "best": "frontier"})


SYNTHETIC_CSV = (
    "entity,product,metric,value,low,high,unit,basis,as_of,published,kind,source_url,publisher,title,note\n"
    "openai,chatgpt,weekly_active_users,950000000,,,users,,2026-03-20,2026-03-21,reported,https://example.org/a,"
    "Synthetic,,more than 950M weekly users (synthetic)\n"
    "openai,chatgpt,monthly_active_users,700000000,,,users,,2026-03-10,2026-03-21,reported,https://example.org/a,"
    "Synthetic,,synthetic\n"
)


def test_lint_command_prints_findings_as_warnings(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corevar.cli import app

    path = tmp_path / "rows.csv"
    path.write_text(SYNTHETIC_CSV, encoding="utf-8")
    result = CliRunner().invoke(app, ["lint", str(path), "--alone"])
    assert result.exit_code == 0, result.output
    assert f"{path}:2,3: users_order:" in result.output
    assert f"{path}:2: bound_words:" in result.output
    strict = CliRunner().invoke(app, ["lint", str(path), "--alone", "--strict"])
    assert strict.exit_code == 1
    with_bundled = CliRunner().invoke(app, ["lint", str(path)])
    assert "bundled row" in with_bundled.output  # the file's MAU also sits below the bundled WAU of that month


def test_lint_command_rejects_unreadable_input(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corevar.cli import app

    missing = CliRunner().invoke(app, ["lint", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    odd = tmp_path / "rows.txt"
    odd.write_text("x", encoding="utf-8")
    unsupported = CliRunner().invoke(app, ["lint", str(odd)])
    assert unsupported.exit_code == 2 and "unsupported file type" in unsupported.output
