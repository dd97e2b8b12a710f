"""Checks on the bundled dataset: the CSV observations, the entity registry and the taxonomy.

Reads the files directly (csv + yaml) so it does not depend on the ingest engine.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

DATASET = Path(__file__).resolve().parents[1] / "src" / "corevar" / "dataset"
OBS_DIR = DATASET / "observations"
HEADER = [
    "entity",
    "product",
    "metric",
    "value",
    "low",
    "high",
    "unit",
    "basis",
    "as_of",
    "published",
    "kind",
    "source_url",
    "publisher",
    "title",
    "note",
]
KINDS = {"official", "reported", "estimate", "target", "projection"}
ACTUAL = {"official", "reported", "estimate"}
FIRST_DAY, LAST_DAY = date(2022, 1, 1), date(2026, 12, 31)
HOST_RE = re.compile(r"^([A-Za-z0-9.\-]+\.[A-Za-z]{2,}|\d{1,3}(\.\d{1,3}){3})$")
JUMP_EXPLAINED = ("definition", "jump", "note:", "scope", "not comparable", "conflict")
CORE_FOR_LABS = (
    "users",
    "revenue",
    "retention",
    "enterprise",
    "coding",
    "inference_cost",
    "compute_finance",
    "market_share",
)


OPTIONAL = ["tier", "via_url"]  # schema migration 3: the tier of the figure's origin and the copy actually read
TIERS = ("primary", "major", "secondary")


def _load_rows() -> list[tuple[str, int, dict[str, str]]]:
    rows = []
    for path in sorted(OBS_DIR.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames in (HEADER, HEADER + OPTIONAL), f"{path.name}: header {reader.fieldnames}"
            for line, row in enumerate(reader, start=2):
                assert None not in row, f"{path.name}:{line}: too many fields"
                rows.append((path.name, line, row))
    return rows


ROWS = _load_rows()
TAXONOMY = yaml.safe_load((DATASET / "taxonomy.yaml").read_text(encoding="utf-8"))
METRICS = {m["id"]: m for m in TAXONOMY["metrics"]}
ENTITIES = yaml.safe_load((DATASET / "entities.yaml").read_text(encoding="utf-8"))["entities"]
ENTITY_IDS = {e["id"] for e in ENTITIES}
PRODUCT_OWNER = {p["id"]: e["id"] for e in ENTITIES for p in e.get("products", [])}
PRODUCT_TIER = {p["id"]: p.get("tier") for e in ENTITIES for p in e.get("products", [])}


def _where(name: str, line: int) -> str:
    return f"{name}:{line}"


def test_files_exist_and_enough_rows() -> None:
    assert len(list(OBS_DIR.glob("*.csv"))) >= 8
    assert len(ROWS) >= 400


def test_product_ids_unique_and_models_tiered() -> None:
    ids = [p["id"] for e in ENTITIES for p in e.get("products", [])]
    assert len(ids) == len(set(ids))
    assert len(ENTITY_IDS) == len(ENTITIES)
    for e in ENTITIES:
        for p in e.get("products", []):
            if p.get("kind") == "model":
                assert p.get("tier"), f"model {p['id']} has no tier"


def test_every_cell_well_formed() -> None:
    problems = []
    for name, line, r in ROWS:
        where = _where(name, line)
        try:
            value = float(r["value"])
            for bound in ("low", "high"):
                if r[bound]:
                    float(r[bound])
        except ValueError:
            problems.append(f"{where}: non-numeric value/low/high")
            continue
        if value < 0 and r["unit"] != "fraction":
            # the loader refuses negative counts and amounts (a profit is not a negative loss)
            problems.append(f"{where}: negative {r['unit']} value")
        if r["low"] and float(r["low"]) > value:
            problems.append(f"{where}: low above value")
        if r["high"] and float(r["high"]) < value:
            problems.append(f"{where}: high below value")
        if r["kind"] not in KINDS:
            problems.append(f"{where}: kind {r['kind']!r}")
        if not r["publisher"].strip():
            problems.append(f"{where}: empty publisher")
        url = r["source_url"]
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not HOST_RE.match(parsed.hostname or "") or " " in url:
            problems.append(f"{where}: bad source_url {url!r}")
        try:
            as_of, published = date.fromisoformat(r["as_of"]), date.fromisoformat(r["published"])
        except ValueError:
            problems.append(f"{where}: bad date")
            continue
        checked = (as_of, published) if r["kind"] in ACTUAL else (published,)
        for d in checked:
            if not FIRST_DAY <= d <= LAST_DAY:
                problems.append(f"{where}: date {d} out of range")
        if r["kind"] in ACTUAL and published < as_of:
            problems.append(f"{where}: published {published} before as_of {as_of}")
    assert not problems, "\n".join(problems[:30])


def test_forward_dates_bounded() -> None:
    # targets/projections may point past 2026 (e.g. 2030 plans) but not absurdly far
    for name, line, r in ROWS:
        if r["kind"] not in ACTUAL:
            due = date.fromisoformat(r["as_of"])
            assert date(2022, 1, 1) <= due <= date(2031, 12, 31), _where(name, line)


def test_known_ids_units_and_basis() -> None:
    problems = []
    for name, line, r in ROWS:
        where = _where(name, line)
        if r["entity"] not in ENTITY_IDS:
            problems.append(f"{where}: unknown entity {r['entity']!r}")
        if r["product"] and PRODUCT_OWNER.get(r["product"]) != r["entity"]:
            problems.append(f"{where}: product {r['product']!r} not a product of {r['entity']!r}")
        metric = METRICS.get(r["metric"])
        if metric is None:
            problems.append(f"{where}: unknown metric {r['metric']!r}")
            continue
        if r["unit"] != metric["unit"]:
            problems.append(f"{where}: unit {r['unit']!r} != taxonomy {metric['unit']!r}")
        if metric.get("basis_required") and not r["basis"]:
            problems.append(f"{where}: {r['metric']} needs a basis")
        if metric.get("basis") and r["basis"] and r["basis"] not in metric["basis"]:
            problems.append(f"{where}: basis {r['basis']!r} not allowed for {r['metric']}")
        if r["metric"] == "basket_return" and not re.fullmatch(r"from \d{4}-\d{2}-\d{2}", r["basis"]):
            problems.append(f"{where}: basket_return basis must be 'from YYYY-MM-DD'")
        if r["metric"] == "revenue" and not re.fullmatch(r"(fy|h[12]_|q[1-4]_)\d{4}", r["basis"]):
            problems.append(f"{where}: revenue basis {r['basis']!r} is not a period (fy2025, h1_2025, q1_2026)")
    assert not problems, "\n".join(problems[:30])


def test_fractions_look_like_fractions() -> None:
    # percentages must be stored as fractions: a share or margin of 12% is 0.12, never 12
    for name, line, r in ROWS:
        if r["metric"] in (
            "market_share",
            "enterprise_penetration",
            "gross_margin",
            "paid_retention",
            "dau_mau_ratio",
            "paid_conversion",
            "user_retention",
        ):
            assert -1.0 <= float(r["value"]) <= 1.0, f"{_where(name, line)}: {r['value']}"


def test_no_exact_duplicates() -> None:
    seen: dict[tuple[str, ...], str] = {}
    for name, line, r in ROWS:
        key = tuple(r[h] for h in HEADER)
        assert key not in seen, f"{_where(name, line)} duplicates {seen[key]}"
        seen[key] = _where(name, line)


def test_no_duplicate_observation_ids() -> None:
    # the store's observation id hashes these fields; two rows equal on them would silently merge
    id_fields = HEADER[:12]
    seen: dict[tuple[str, ...], str] = {}
    for name, line, r in ROWS:
        key = tuple(r[h] for h in id_fields)
        assert key not in seen, f"{_where(name, line)} has the same id fields as {seen[key]}"
        seen[key] = _where(name, line)


def test_core_variables_covered_for_openai_and_anthropic() -> None:
    covered: dict[str, set[str]] = defaultdict(set)
    for _, _, r in ROWS:
        covered[r["entity"]].add(METRICS[r["metric"]]["core_variable"])
    for lab in ("openai", "anthropic"):
        missing = [cv for cv in CORE_FOR_LABS if cv not in covered[lab]]
        assert not missing, f"{lab} has no rows for {missing}"
    assert "capital_markets" in covered["openai_chain"]
    assert "capital_markets" in covered["google_chain"]


WAU_KEY = ("openai", "chatgpt", "weekly_active_users", "")


def test_chatgpt_wau_series() -> None:
    points = {
        r["as_of"]
        for _, _, r in ROWS
        if (r["entity"], r["product"], r["metric"], r["basis"]) == WAU_KEY and r["kind"] in ACTUAL
    }
    assert len(points) >= 8
    assert min(points) <= "2023-12-31" and max(points) >= "2026-01-01"


def test_targets_present() -> None:
    targets = {
        (r["entity"], r["product"], r["metric"], r["as_of"], r["value"]) for _, _, r in ROWS if r["kind"] == "target"
    }
    assert ("openai", "chatgpt", "weekly_active_users", "2025-12-31", "1000000000") in targets
    assert any(t[0] == "openai" and t[2] == "revenue" for t in targets)


def test_price_tiers_have_series() -> None:
    by_tier: dict[str, set[str]] = defaultdict(set)
    for _, _, r in ROWS:
        if r["metric"] == "inference_price" and r["product"]:
            tier = PRODUCT_TIER.get(r["product"])
            assert tier, f"priced product {r['product']} has no tier"
            by_tier[tier].add(r["as_of"][:4])
    for tier in ("frontier", "gpt4_class", "small"):
        assert len(by_tier[tier]) >= 3, f"tier {tier} spans only {sorted(by_tier[tier])}"
    assert "2023" in by_tier["gpt4_class"]


def _series() -> dict[tuple[str, ...], list[dict[str, str]]]:
    series: dict[tuple[str, ...], list[dict[str, str]]] = defaultdict(list)
    for _, _, r in ROWS:
        group = "actual" if r["kind"] in ACTUAL else r["kind"]
        series[(r["entity"], r["product"], r["metric"], r["basis"], group)].append(r)
    return series


def unexplained_jumps(series: dict[tuple[str, ...], list[dict[str, str]]]) -> list[str]:
    """Consecutive points <= 62 days apart differing 10x or more, unless the later note explains it."""
    found = []
    for key, rows in series.items():
        rows = sorted(rows, key=lambda r: (r["as_of"], r["published"]))
        for prev, cur in itertools.pairwise(rows):
            a, b = abs(float(prev["value"])), abs(float(cur["value"]))
            gap = (date.fromisoformat(cur["as_of"]) - date.fromisoformat(prev["as_of"])).days
            if gap > 62 or min(a, b) == 0:
                continue
            if max(a, b) / min(a, b) >= 10 and not any(w in cur["note"].lower() for w in JUMP_EXPLAINED):
                found.append(f"{key}: {prev['value']} ({prev['as_of']}) -> {cur['value']} ({cur['as_of']})")
    return found


def test_no_unexplained_jumps() -> None:
    jumps = unexplained_jumps(_series())
    assert not jumps, "\n".join(jumps)


def test_jump_check_can_fail() -> None:
    # synthetic input, clearly not data: a 100x move in 30 days with no explanation must be caught
    fake = {
        ("x", "", "arr", "run_rate", "actual"): [
            {"value": "1", "as_of": "2025-01-01", "published": "2025-01-02", "note": ""},
            {"value": "100", "as_of": "2025-01-31", "published": "2025-02-01", "note": "typo"},
        ]
    }
    assert unexplained_jumps(fake)
    fake[("x", "", "arr", "run_rate", "actual")][1]["note"] = "definition changed"
    assert not unexplained_jumps(fake)


@pytest.mark.parametrize(
    "market",
    [
        "genai_chatbot_web_traffic_similarweb",
        "enterprise_llm_api_spend_menlo",
        "openrouter_token_share",
    ],
)
def test_named_markets_present(market: str) -> None:
    assert any(r["metric"] == "market_share" and r["basis"] == market for _, _, r in ROWS)


def _tier_rules():
    import importlib.util

    path = DATASET.parents[2] / "scripts" / "dataset_tiers.py"
    spec = importlib.util.spec_from_file_location("dataset_tiers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HAS_TIERS = all("tier" in r for _, _, r in ROWS)


@pytest.mark.skipif(not HAS_TIERS, reason="tier/via_url columns not added yet (schema migration 3)")
def test_no_row_is_rated_above_what_the_rule_allows() -> None:
    """Tiers follow DATA.md "Source tiers": a row is primary/major only when it cites the original (its host is on
    that tier's list) or when a quote recorded from the copy it cites names the origin that copy relays."""
    rules = _tier_rules()
    quotes = rules.copy_quotes()
    bad = []
    for name, line, r in ROWS:
        allowed = rules.tier_of(r, rules.quotes_for(name, r, quotes))
        if r["tier"] not in TIERS:
            bad.append(f"{_where(name, line)}: tier {r['tier']!r}")
        elif TIERS.index(r["tier"]) < TIERS.index(allowed):
            bad.append(f"{_where(name, line)}: tier {r['tier']} but the rule allows at most {allowed}")
    assert not bad, "\n".join(bad[:30])


@pytest.mark.skipif(not HAS_TIERS, reason="tier/via_url columns not added yet (schema migration 3)")
def test_via_url_is_a_different_page() -> None:
    for name, line, r in ROWS:
        if r["via_url"]:
            parsed = urlparse(r["via_url"])
            assert parsed.scheme in ("http", "https") and parsed.netloc, _where(name, line)
            assert r["via_url"] != r["source_url"], _where(name, line)


def _primary_or_major_share() -> float:
    return sum(r["tier"] in ("primary", "major") for _, _, r in ROWS) / len(ROWS)


@pytest.mark.skipif(not HAS_TIERS, reason="tier/via_url columns not added yet (schema migration 3)")
def test_data_md_states_the_tier_share() -> None:
    """DATA.md's tier table is generated from the files, so the stated primary+major share is the real one."""
    text = (DATASET.parents[2] / "DATA.md").read_text(encoding="utf-8")
    assert f"**{_primary_or_major_share():.0%}**" in text, "DATA.md tier table is stale: run scripts/data_tables.py"


def test_most_rows_are_primary_or_major() -> None:
    """The issue's floor: at least 60% of rows come from the company itself or a major newsroom."""
    assert _primary_or_major_share() >= 0.60, f"{_primary_or_major_share():.1%} primary or major"


def test_tier_rules_catch_a_blog_claiming_a_newsroom() -> None:
    # synthetic rows, clearly not data: the same blog page, with and without a named original and a quote
    rules = _tier_rules()
    blog = {"source_url": "https://example-blog.test/p/1", "publisher": "Some Blog", "kind": "reported", "note": ""}
    cites = {**blog, "publisher": "Some Blog (citing Reuters)"}
    assert rules.tier_of(blog) == "secondary"
    # naming an original in our own publisher field is not enough: the copy's quote must name it
    assert rules.tier_of(cites) == "secondary"
    assert rules.tier_of(cites, ["the company made $5 billion"]) == "secondary"
    assert rules.tier_of(cites, ["the company made $5 billion, Reuters reported"]) == "major"
    # a quote naming a different outlet does not lift it
    assert rules.tier_of(cites, ["the company made $5 billion, Bloomberg reported"]) == "secondary"
    # aliases count as the same origin
    wsj = {**blog, "publisher": "Some Blog (citing WSJ)"}
    assert rules.tier_of(wsj, ["The Wall Street Journal reported the $5 billion figure"]) == "major"
    # `official`: the company said it, on the record - the quote must name the company or an executive
    official = {**blog, "kind": "official"}
    assert rules.tier_of(official) == "secondary"
    assert rules.tier_of(official, ["OpenAI said it had 5 million subscribers"]) == "primary"
    # an estimate relayed by a copy keeps the estimating firm's tier only when the quote names the firm
    estimate = {**blog, "kind": "estimate", "note": "Similarweb traffic share"}
    assert rules.tier_of(estimate, ["Gemini reached 21.5%"]) == "secondary"
    assert rules.tier_of(estimate, ["Similarweb data: Gemini reached 21.5%"]) == "primary"
    # citing the original itself: the host decides, no quote needed
    assert rules.tier_of({**blog, "source_url": "https://www.reuters.com/x"}) == "major"
    assert rules.tier_of({**blog, "source_url": "https://openai.com/index/x"}) == "primary"
