"""Regenerate the generated tables of DATA.md from the bundled CSVs (coverage, tiers, freshness, verification).

Each table sits between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers in DATA.md and is replaced in
place; everything else in DATA.md is hand-written. ``tests/test_verification.py`` keeps the verification table in
step with the files, so run this after any change to the observations or to ``verification.csv``:

    python scripts/data_tables.py            # rewrite DATA.md
    python scripts/data_tables.py --check    # exit 1 if DATA.md is stale
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "src" / "corevar" / "dataset"
OBS = DATASET / "observations"
DATA_MD = ROOT / "DATA.md"
ACTUAL = ("official", "reported", "estimate")
LABS = ("openai", "anthropic", "google")
TIERS = ("primary", "major", "secondary")
OUTCOMES = ("verified", "other_source", "corrected", "dropped")
KEY = ("entity", "product", "metric", "basis", "as_of", "value", "kind")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rows() -> list[tuple[str, dict[str, str]]]:
    return [(p.name, r) for p in sorted(OBS.glob("*.csv")) for r in _read(p)]


def _key(r: dict[str, str]) -> tuple[str, ...]:
    return tuple(str(float(r[k])) if k == "value" else r[k] for k in KEY)


def coverage(rows: list[tuple[str, dict[str, str]]]) -> str:
    metrics = {m["id"]: m for m in yaml.safe_load((DATASET / "taxonomy.yaml").read_text(encoding="utf-8"))["metrics"]}
    order = list(dict.fromkeys(m["core_variable"] for m in metrics.values()))
    by_metric: dict[str, Counter[str]] = defaultdict(Counter)
    ranges: dict[str, list[str]] = defaultdict(list)
    for _, r in rows:
        by_metric[r["metric"]][r["entity"]] += 1
        if r["kind"] in ACTUAL:
            ranges[r["metric"]].append(r["as_of"])
    published = sorted(r["published"] for _, r in rows)
    out = [
        f"Generated from the CSVs ({len(rows)} rows; published {published[0]} .. {published[-1]}). Counts are rows "
        "per metric and entity, including conflicting sources and forward-looking rows; the date range covers "
        "actuals only.",
        "",
        "| core variable | metric | openai | anthropic | google | other entities | rows | as_of range (actuals) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    per_cv: Counter[str] = Counter()
    for metric in sorted(by_metric, key=lambda m: (order.index(metrics[m]["core_variable"]), m)):
        c = by_metric[metric]
        cv = metrics[metric]["core_variable"]
        per_cv[cv] += sum(c.values())
        others = [(e, n) for e, n in c.most_common() if e not in LABS]
        other = ", ".join(f"{e} {n}" for e, n in others[:4]) + (f", +{len(others) - 4} more" if len(others) > 4 else "")
        rng = f"{min(ranges[metric])} .. {max(ranges[metric])}" if ranges[metric] else "-"
        labs = " | ".join(str(c[lab]) if c[lab] else "-" for lab in LABS)
        out.append(f"| {cv} | {metric} | {labs} | {other or '-'} | {sum(c.values())} | {rng} |")
    out += ["", "| core variable | rows |", "|---|---|"]
    out += [f"| {cv} | {per_cv[cv]} |" for cv in order if per_cv[cv]]
    out.append(f"| **total** | **{len(rows)}** |")
    kinds = Counter(r["kind"] for _, r in rows)
    out += ["", "By kind: " + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + "."]
    dates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _, r in rows:
        if r["kind"] in ACTUAL and r["entity"] in LABS:
            dates[(r["entity"], metrics[r["metric"]]["core_variable"])].add(r["as_of"])
    core = [cv for cv in order if cv not in ("capital_markets", "product_release", "noise")]
    out += [
        "",
        "Distinct dates with an actual figure, per lab and core variable (goal: at least 5 each):",
        "",
        "| lab | " + " | ".join(core) + " |",
        "|---|" + "---|" * len(core),
    ]
    for lab in LABS:
        cells = [f"{len(dates[(lab, cv)])}" + ("" if len(dates[(lab, cv)]) >= 5 else " (<5)") for cv in core]
        out.append(f"| {lab} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def tiers(rows: list[tuple[str, dict[str, str]]]) -> str:
    per_file: dict[str, Counter[str]] = defaultdict(Counter)
    for name, r in rows:
        per_file[name][r.get("tier") or "unrated"] += 1
        if r.get("via_url"):
            per_file[name]["via"] += 1
    out = [
        "| file | rows | primary | major | secondary | primary+major | source_url is the original (via_url set) |",
        "|---|---|---|---|---|---|---|",
    ]
    total: Counter[str] = Counter()
    for name, c in sorted(per_file.items()):
        n = sum(c[t] for t in (*TIERS, "unrated"))
        total.update(c)
        pm = c["primary"] + c["major"]
        out.append(f"| `{name}` | {n} | {c['primary']} | {c['major']} | {c['secondary']} | {pm / n:.0%} | {c['via']} |")
    n = sum(total[t] for t in (*TIERS, "unrated"))
    pm = total["primary"] + total["major"]
    out.append(
        f"| **total** | {n} | {total['primary']} | {total['major']} | {total['secondary']} | **{pm / n:.0%}** "
        f"| {total['via']} |"
    )
    return "\n".join(out)


def freshness(rows: list[tuple[str, dict[str, str]]], checked: dict[tuple[str, tuple[str, ...]], str]) -> str:
    """Per series of the three labs (actuals): points, newest point and the date its sources were last searched."""
    series: dict[tuple[str, str, str, str], list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for name, r in rows:
        if r["kind"] in ACTUAL and r["entity"] in LABS:
            series[(r["entity"], r["product"], r["metric"], r["basis"])].append((name, r))
    out = [
        "| entity | product | metric | basis | points (dates) | newest point | value | searched |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (entity, product, metric, basis), items in sorted(series.items()):
        _, newest = max(items, key=lambda x: (x[1]["as_of"], x[1]["published"]))
        dates = {r["as_of"] for _, r in items}
        searched = max((checked.get((n, _key(r)), "") for n, r in items), default="")
        out.append(
            f"| {entity} | {product or '-'} | {metric} | {basis or '-'} | {len(items)} ({len(dates)}) | "
            f"{newest['as_of']} | {float(newest['value']):g} | {searched or '-'} |"
        )
    return "\n".join(out)


def verification(rows: list[tuple[str, dict[str, str]]], records: list[dict[str, str]]) -> str:
    live = Counter((name, _key(r)) for name, r in rows)
    out = ["| file | rows now | verified | other_source | corrected | dropped |", "|---|---|---|---|---|---|"]
    totals: Counter[str] = Counter()
    for name in sorted({n for n, _ in rows}):
        c = Counter(r["outcome"] for r in records if r["file"] == name)
        n = sum(v for (f, _), v in live.items() if f == name)
        totals.update(c)
        totals["rows"] += n
        out.append(f"| `{name}` | {n} | " + " | ".join(str(c[o]) for o in OUTCOMES) + " |")
    out.append(f"| **total** | {totals['rows']} | " + " | ".join(str(totals[o]) for o in OUTCOMES) + " |")
    quoted = sum(1 for r in records if r["outcome"] != "dropped" and r.get("quote", "").strip())
    out.append("")
    out.append(
        f"Records with an exact quote of the figure: {quoted} of "
        f"{sum(1 for r in records if r['outcome'] != 'dropped')} live records."
    )
    return "\n".join(out)


def render(text: str) -> str:
    rows = _rows()
    records = _read(DATASET / "verification.csv")
    checked: dict[tuple[str, tuple[str, ...]], str] = {}
    for r in records:
        k = (r["file"], _key(r))
        checked[k] = max(checked.get(k, ""), r["checked_on"])
    tables = {
        "coverage": coverage(rows),
        "tiers": tiers(rows),
        "freshness": freshness(rows, checked),
        "verification": verification(rows, records),
    }
    for name, body in tables.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(\n<!-- END {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"DATA.md has no <!-- BEGIN {name} --> ... <!-- END {name} --> block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if DATA.md is stale instead of rewriting it")
    args = ap.parse_args()
    text = DATA_MD.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        return 0 if new == text else 1
    DATA_MD.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
